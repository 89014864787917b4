package rendition

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rendition-go/rendition/cache"
	"github.com/rendition-go/rendition/internal/testclock"
	"github.com/rendition-go/rendition/source"
)

// flakyOrigin serves one JPEG, fails with err when it is set, and can hold
// every open until released.
type flakyOrigin struct {
	origin
	fail atomic.Pointer[error]
	hold chan struct{} // nil: answer at once
}

func (o *flakyOrigin) Open(ctx context.Context, key string) (*source.Object, error) {
	if o.hold != nil {
		<-o.hold
	}
	if err := o.fail.Load(); err != nil {
		o.opens.Add(1)
		return nil, *err
	}
	return o.origin.Open(ctx, key)
}

func TestStaleWhileRevalidate(t *testing.T) {
	clock := testclock.New(time.Unix(1_800_000_000, 0))
	src := &flakyOrigin{origin: origin{photo: encodeJPEG(t, quadrants(64, 48))}}
	h := clocked(t, src, clock, Options{TTL: time.Hour, StaleWhileRevalidate: time.Hour, StaleIfError: -1, Logger: slog.New(slog.NewTextHandler(tWriter{t}, nil))})
	get(t, h, "/a.jpg?w=32")

	// Past its lifetime, within the window: answered at once from the stale
	// original, not cached, and refreshed by exactly one background request
	// however many requests see it stale.
	clock.Advance(time.Hour + time.Minute)
	src.hold = make(chan struct{})
	var wg sync.WaitGroup
	for _, w := range []string{"10", "20", "30", "40"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := get(t, h, "/a.jpg?w="+w)
			if r.Code != http.StatusOK || maxAgeOf(r) != "0" {
				t.Errorf("stale w=%s: %d, max-age %s", w, r.Code, maxAgeOf(r))
			}
		}()
	}
	wg.Wait()
	if st := h.Stats(); st.StaleServed != 4 {
		t.Errorf("StaleServed %d, want 4", st.StaleServed)
	}
	close(src.hold)
	waitUntil(t, "the background refresh", func() bool { return src.opens.Load() == 2 })
	// Refreshed: fresh again for the TTL, without another origin request.
	r := get(t, h, "/a.jpg?w=50")
	if r.Code != http.StatusOK || maxAgeOf(r) != "3600" || src.opens.Load() != 2 {
		t.Errorf("after the refresh: %d, max-age %s, %d opens", r.Code, maxAgeOf(r), src.opens.Load())
	}

	// Past the window, the original is fetched before answering.
	clock.Advance(3 * time.Hour)
	if r := get(t, h, "/a.jpg?w=60"); maxAgeOf(r) != "3600" || src.opens.Load() != 3 {
		t.Errorf("past the window: max-age %s, %d opens", maxAgeOf(r), src.opens.Load())
	}
}

func TestStaleIfError(t *testing.T) {
	clock := testclock.New(time.Unix(1_800_000_000, 0))
	src := &flakyOrigin{origin: origin{photo: encodeJPEG(t, quadrants(64, 48))}}
	h := clocked(t, src, clock, Options{TTL: time.Hour, StaleWhileRevalidate: -1, StaleIfError: 24 * time.Hour})
	get(t, h, "/a.jpg?w=32")
	clock.Advance(2 * time.Hour)

	down := error(source.ErrUnavailable)
	src.fail.Store(&down)
	if r := get(t, h, "/a.jpg?w=20"); r.Code != http.StatusOK || maxAgeOf(r) != "0" {
		t.Errorf("origin down, within stale-if-error: %d, max-age %s", r.Code, maxAgeOf(r))
	}
	gone := error(source.ErrNotFound)
	src.fail.Store(&gone)
	if r := get(t, h, "/a.jpg?w=21"); r.Code != http.StatusNotFound {
		t.Errorf("a 404 is an answer, not a failure: got %d", r.Code)
	}
	src.fail.Store(&down)
	clock.Advance(24 * time.Hour)
	if r := get(t, h, "/a.jpg?w=22"); r.Code != http.StatusBadGateway {
		t.Errorf("past stale-if-error: got %d, want 502", r.Code)
	}
}

// TestRevalidationIsConditional: with a web folder, the refresh of a stale
// original sends its validators, and a 304 keeps the bytes.
func TestRevalidationIsConditional(t *testing.T) {
	photo := encodeJPEG(t, quadrants(64, 48))
	var conditional, full atomic.Int32
	srv, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-None-Match") == `"v1"` {
			conditional.Add(1)
			w.WriteHeader(http.StatusNotModified)
			return
		}
		full.Add(1)
		w.Header().Set("ETag", `"v1"`)
		w.Write(photo)
	})
	folder, err := source.NewWebFolder(srv.URL+"/", nil)
	if err != nil {
		t.Fatal(err)
	}
	clock := testclock.New(time.Unix(1_800_000_000, 0))
	h := clocked(t, folder, clock, Options{TTL: time.Hour, StaleWhileRevalidate: time.Hour})
	get(t, h, "/a.jpg?w=32")
	clock.Advance(time.Hour + time.Second)
	get(t, h, "/a.jpg?w=16")
	waitUntil(t, "the conditional refresh", func() bool { return conditional.Load() == 1 })
	waitUntil(t, "the refreshed original", func() bool {
		r := get(t, h, "/a.jpg?w=17")
		return maxAgeOf(r) == "3600"
	})
	if full.Load() != 1 {
		t.Errorf("%d full downloads, want 1", full.Load())
	}
	var e *Error
	if _, err := h.Process(context.Background(), Request{Key: "a.jpg"}); errors.As(err, &e) {
		t.Errorf("after a 304: %v", err)
	}
}

// TestRevalidationTakesTheLifetimeOf304: with TTLRespectOrigin, the
// lifetime of a copy revalidated by a 304 comes from the 304's
// Cache-Control, not from the TTL option.
func TestRevalidationTakesTheLifetimeOf304(t *testing.T) {
	photo := encodeJPEG(t, quadrants(64, 48))
	srv, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "max-age=60")
		w.Header().Set("ETag", `"v1"`)
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Write(photo)
	})
	folder, err := source.NewWebFolder(srv.URL+"/", nil)
	if err != nil {
		t.Fatal(err)
	}
	clock := testclock.New(time.Unix(1_800_000_000, 0))
	h := clocked(t, folder, clock, Options{TTL: time.Hour, TTLMode: TTLRespectOrigin})
	if r := get(t, h, "/a.jpg?w=32"); maxAgeOf(r) != "60" {
		t.Fatalf("first answer: Cache-Control %q, want max-age=60", r.Header().Get("Cache-Control"))
	}
	clock.Advance(2 * time.Minute) // stale: revalidated with If-None-Match
	waitUntil(t, "the revalidated original", func() bool {
		r := get(t, h, "/a.jpg?w=17")
		return r.Header().Get("X-Cache") == "MISS" && maxAgeOf(r) == "60"
	})
}

type tWriter struct{ t *testing.T }

func (w tWriter) Write(p []byte) (int, error) { w.t.Log(string(p)); return len(p), nil }

// revalidatingOrigin is an origin whose conditional requests are always
// answered 304, as an origin whose validators did not change with the
// bytes (a Last-Modified of the same second) answers them.
type revalidatingOrigin struct {
	origin
	conditional atomic.Int32
}

func (o *revalidatingOrigin) OpenIfChanged(ctx context.Context, key, etag string, modTime time.Time) (*source.Object, error) {
	o.conditional.Add(1)
	return nil, &source.NotModifiedError{}
}

// TestPurgeOutlivesStaleRevalidation: a stale copy read before a purge is
// not made fresh again by the revalidation it triggers: after the purge
// the original is read in full.
func TestPurgeOutlivesStaleRevalidation(t *testing.T) {
	for _, tc := range []struct {
		name string
		past time.Duration // how far past the copy's lifetime
	}{
		{"in the background", time.Minute},  // within stale-while-revalidate
		{"before answering", 3 * time.Hour}, // kept for stale-if-error
	} {
		t.Run(tc.name, func(t *testing.T) {
			clock := testclock.New(time.Unix(1_800_000_000, 0))
			// The handler's clock holds its first reading once armed: the
			// first it takes in a request is after the stale copy was read.
			var armed atomic.Bool
			reading, resume := make(chan struct{}), make(chan struct{})
			now := func() time.Time {
				if armed.CompareAndSwap(true, false) {
					reading <- struct{}{}
					<-resume
				}
				return clock.Now()
			}
			src := &revalidatingOrigin{origin: origin{photo: encodeJPEG(t, quadrants(64, 48))}}
			h := newHandler(t, src, &Options{TTL: time.Hour, StaleWhileRevalidate: time.Hour, StaleIfError: 4 * time.Hour, Now: now,
				Cache:     cache.NewMemory(&cache.MemoryOptions{Now: clock.Now}),
				Originals: cache.NewMemory(&cache.MemoryOptions{Now: clock.Now})})
			get(t, h, "/a.jpg?w=12")
			clock.Advance(time.Hour + tc.past)
			armed.Store(true)
			done := make(chan response, 1)
			go func() { done <- get(t, h, "/a.jpg?w=24") }()
			<-reading
			if err := h.Purge(context.Background(), "a.jpg"); err != nil {
				t.Fatal(err)
			}
			src.photo = encodeJPEG(t, quadrants(48, 64))
			close(resume)
			<-done
			waitUntil(t, "the revalidation", func() bool { return src.conditional.Load() == 1 })
			// Join the revalidation, which is under way or kept, to wait
			// for its end.
			h.originFlights.Do(context.Background(), h.keys(Request{Key: "a.jpg"}).original,
				func(context.Context) (*original, error) { return &original{}, nil })
			r := get(t, h, "/a.jpg?w=30")
			if _, cfg := r.image(); cfg.Height != 40 {
				t.Errorf("after the purge: %dx%d, want 30x40 (the new original)", cfg.Width, cfg.Height)
			}
		})
	}
}
