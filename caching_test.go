package rendition

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/rendition-go/rendition/internal/testclock"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gocloud.dev/blob/memblob"

	"github.com/rendition-go/rendition/cache"
	"github.com/rendition-go/rendition/source"
	"github.com/rendition-go/rendition/transform"
)

// origin serves one JPEG under every key, with a Cache-Control, counting
// opens; keys starting with "missing" are not found.
type origin struct {
	photo        []byte
	cacheControl string
	opens        atomic.Int32
}

func (o *origin) Open(ctx context.Context, key string) (*source.Object, error) {
	o.opens.Add(1)
	if strings.HasPrefix(key, "missing") {
		return nil, source.ErrNotFound
	}
	return &source.Object{Body: io.NopCloser(bytes.NewReader(o.photo)), Size: int64(len(o.photo)),
		CacheControl: o.cacheControl, ModTime: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)}, nil
}

// clocked returns a handler whose clock, and so its default caches', is
// clock.
func clocked(t *testing.T, src source.Source, clock *testclock.Clock, opts Options) *Handler {
	t.Helper()
	opts.Now = clock.Now
	return newHandler(t, src, &opts)
}

// maxAgeOf returns the max-age directive of an answer's Cache-Control.
func maxAgeOf(r response) string {
	for d := range strings.SplitSeq(r.Header().Get("Cache-Control"), ",") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(d), "max-age="); ok {
			return v
		}
	}
	return ""
}

func TestOriginMaxAge(t *testing.T) {
	tests := []struct {
		cc   string
		want time.Duration
		ok   bool
	}{
		{"", 0, false},
		{"public", 0, false},
		{"max-age=60", time.Minute, true},
		{"public, max-age=60, s-maxage=120", 2 * time.Minute, true},
		{"Max-Age=30", 30 * time.Second, true},
		{`max-age="45"`, 45 * time.Second, true},
		{"max-age=abc", 0, false},
		{"max-age=-1", 0, false},
		{"max-age=99999999999999", (1<<31 - 1) * time.Second, true},
		{"no-store", 0, true},
		{"max-age=600, private", 0, true},
		{"no-cache", 0, true},
	}
	for _, tt := range tests {
		got, ok := originMaxAge(tt.cc)
		if got != tt.want || ok != tt.ok {
			t.Errorf("originMaxAge(%q) = %v, %v; want %v, %v", tt.cc, got, ok, tt.want, tt.ok)
		}
	}
}

func TestTTLPolicy(t *testing.T) {
	photo := encodeJPEG(t, quadrants(64, 48))
	tests := []struct {
		name   string
		mode   TTLMode
		origin string
		want   string // max-age sent
	}{
		{"enforce minimum: short origin", TTLEnforceMinimum, "max-age=60", "3600"},
		{"enforce minimum: long origin", TTLEnforceMinimum, "max-age=7200", "7200"},
		{"enforce minimum: no-store", TTLEnforceMinimum, "no-store", "3600"},
		{"enforce minimum: silent origin", TTLEnforceMinimum, "", "3600"},
		{"respect origin", TTLRespectOrigin, "max-age=60", "60"},
		{"respect origin: s-maxage", TTLRespectOrigin, "max-age=60, s-maxage=90", "90"},
		{"respect origin: silent origin", TTLRespectOrigin, "", "3600"},
		{"respect origin: no-store", TTLRespectOrigin, "no-store", "no-store"},
		{"respect origin: private", TTLRespectOrigin, "private, max-age=600", "no-store"},
		{"override", TTLOverride, "max-age=7200", "3600"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := testclock.New(time.Unix(1_800_000_000, 0))
			src := &origin{photo: photo, cacheControl: tt.origin}
			h := clocked(t, src, clock, Options{TTL: time.Hour, TTLMode: tt.mode})
			r := get(t, h, "/a.jpg?w=32")
			if tt.want == "no-store" {
				// Not "max-age=0" with stale windows, which would let a
				// CDN keep it.
				if cc := r.Header().Get("Cache-Control"); r.Code != http.StatusOK || cc != "no-store" {
					t.Fatalf("status %d, Cache-Control %q; want no-store", r.Code, cc)
				}
			} else if r.Code != http.StatusOK || maxAgeOf(r) != tt.want {
				t.Fatalf("status %d, Cache-Control %q; want max-age=%s", r.Code, r.Header().Get("Cache-Control"), tt.want)
			}
			again := get(t, h, "/a.jpg?w=32")
			if wantHit := tt.want != "no-store"; (again.Header().Get("X-Cache") == "HIT") != wantHit {
				t.Errorf("second request X-Cache %q; cached: %v", again.Header().Get("X-Cache"), wantHit)
			}
		})
	}
}

func TestExpiry(t *testing.T) {
	clock := testclock.New(time.Unix(1_800_000_000, 0))
	src := &origin{photo: encodeJPEG(t, quadrants(64, 48))}
	h := clocked(t, src, clock, Options{TTL: time.Hour, ErrorTTL: time.Minute, StaleWhileRevalidate: -1, StaleIfError: -1})

	if r := get(t, h, "/a.jpg?w=32"); r.Header().Get("X-Cache") != "MISS" || maxAgeOf(r) != "3600" {
		t.Fatalf("first: %q %q", r.Header().Get("X-Cache"), r.Header().Get("Cache-Control"))
	}
	clock.Advance(time.Hour - 10*time.Second)
	if r := get(t, h, "/a.jpg?w=32"); r.Header().Get("X-Cache") != "HIT" || maxAgeOf(r) != "10" {
		t.Errorf("near expiry: %q %q; want a HIT with max-age=10", r.Header().Get("X-Cache"), r.Header().Get("Cache-Control"))
	}
	// A new size within the TTL comes from the origin cache.
	if r := get(t, h, "/a.jpg?w=16"); r.Code != http.StatusOK || src.opens.Load() != 1 || maxAgeOf(r) != "10" {
		t.Errorf("new size: %d, %d origin opens, %q; want 1 open and the original's expiry", r.Code, src.opens.Load(), r.Header().Get("Cache-Control"))
	}
	clock.Advance(20 * time.Second)
	if r := get(t, h, "/a.jpg?w=32"); r.Header().Get("X-Cache") != "MISS" || maxAgeOf(r) != "3600" || src.opens.Load() != 2 {
		t.Errorf("after expiry: %q %q, %d opens; want a MISS refetched from the origin", r.Header().Get("X-Cache"), r.Header().Get("Cache-Control"), src.opens.Load())
	}

	// Errors are cached for the error TTL only.
	get(t, h, "/missing.jpg")
	get(t, h, "/missing.jpg")
	if n := src.opens.Load(); n != 3 {
		t.Fatalf("%d opens: the 404 was not cached", n)
	}
	clock.Advance(time.Minute + time.Second)
	if r := get(t, h, "/missing.jpg"); r.Code != http.StatusNotFound || src.opens.Load() != 4 {
		t.Errorf("after the error TTL: %d, %d opens; want the origin asked again", r.Code, src.opens.Load())
	}
}

func TestOriginCacheSharesOneFetch(t *testing.T) {
	src := &gatedSource{src: source.NewFS(testFS(t)), gate: make(chan struct{})}
	h := newHandler(t, src, nil)
	var wg sync.WaitGroup
	for _, w := range []string{"10", "20", "30", "40"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if r := get(t, h, "/photo.jpg?w="+w); r.Code != http.StatusOK {
				t.Errorf("w=%s: %d", w, r.Code)
			}
		}()
	}
	waitUntil(t, "four cache misses", func() bool { return h.Stats().CacheMisses >= 4 })
	close(src.gate)
	wg.Wait()
	if n := src.opens.Load(); n != 1 {
		t.Errorf("four sizes of one cold original made %d origin opens, want 1", n)
	}
	if st := h.Stats(); st.Renders != 4 {
		t.Errorf("%d renders, want 4", st.Renders)
	}
}

func TestPurge(t *testing.T) {
	bucket := cache.NewBucket(memblob.OpenBucket(nil), nil)
	var purged []string
	src := &origin{photo: encodeJPEG(t, quadrants(64, 48))}
	h := newHandler(t, src, &Options{
		Cache:     cache.NewTiered(cache.NewMemory(nil), bucket),
		Originals: cache.NewTiered(cache.NewMemory(nil), bucket),
		OnPurge: func(ctx context.Context, key string) error {
			purged = append(purged, key)
			return nil
		},
	})
	for _, u := range []string{"/a.jpg?w=10", "/a.jpg?w=20&fm=png", "/b.jpg?w=10"} {
		get(t, h, u)
	}
	if err := h.Purge(context.Background(), "a.jpg"); err != nil {
		t.Fatal(err)
	}
	if len(purged) != 1 || purged[0] != "a.jpg" {
		t.Errorf("OnPurge saw %q", purged)
	}
	opens := src.opens.Load()
	for _, u := range []string{"/a.jpg?w=10", "/a.jpg?w=20&fm=png"} {
		if r := get(t, h, u); r.Header().Get("X-Cache") != "MISS" {
			t.Errorf("%s after purge: %s", u, r.Header().Get("X-Cache"))
		}
	}
	if n := src.opens.Load() - opens; n != 1 {
		t.Errorf("after purge the original was fetched %d times, want once", n)
	}
	if r := get(t, h, "/b.jpg?w=10"); r.Header().Get("X-Cache") != "HIT" {
		t.Error("purging a.jpg removed b.jpg")
	}
	// Nothing of a.jpg is left in the bucket tier either.
	h2 := newHandler(t, src, &Options{Cache: bucket, Originals: bucket})
	h.Purge(context.Background(), "a.jpg")
	if r := get(t, h2, "/a.jpg?w=10"); r.Header().Get("X-Cache") != "MISS" {
		t.Error("the bucket tier kept a purged derivative")
	}
	st := h.Stats()
	if st.Purges != 2 || st.BytesFetched == 0 || st.BytesRendered == 0 {
		t.Errorf("Stats %+v", st)
	}
	// The bucket tier answered b.jpg's first lookups as misses and the
	// memory tier its repeat as a hit.
	if len(st.CacheTiers) != 2 || st.CacheTiers[0].Hits == 0 || st.CacheTiers[1].Misses == 0 {
		t.Errorf("CacheTiers %+v", st.CacheTiers)
	}
}

func TestPurgeDuringRender(t *testing.T) {
	src := &gatedSource{src: source.NewFS(testFS(t)), gate: make(chan struct{})}
	h := newHandler(t, src, nil)
	done := make(chan response, 1)
	go func() { done <- get(t, h, "/photo.jpg?w=10") }()
	waitUntil(t, "the origin opened", func() bool { return src.opens.Load() > 0 })
	if err := h.Purge(context.Background(), "photo.jpg"); err != nil {
		t.Fatal(err)
	}
	close(src.gate)
	if r := <-done; r.Code != http.StatusOK {
		t.Fatalf("status %d", r.Code)
	}
	if r := get(t, h, "/photo.jpg?w=10"); r.Header().Get("X-Cache") != "MISS" {
		t.Error("a render that started before the purge was stored")
	}
}

// notPurger is a cache without DeletePrefix.
type notPurger struct{ cache.Cache }

func TestPurgeNeedsPurger(t *testing.T) {
	h := newHandler(t, source.NewFS(testFS(t)), &Options{Cache: notPurger{cache.NewMemory(nil)}})
	if err := h.Purge(context.Background(), "photo.jpg"); err == nil || !strings.Contains(err.Error(), "cache.Purger") {
		t.Errorf("got %v", err)
	}
	var e *Error
	if err := h.Purge(context.Background(), "../x"); !errors.As(err, &e) || e.Code != CodeInvalid {
		t.Errorf("invalid key: %v", err)
	}
}

func TestPurgeHandler(t *testing.T) {
	src := &origin{photo: encodeJPEG(t, quadrants(64, 48))}
	h := newHandler(t, src, nil)
	ph := h.PurgeHandler("/img")
	post := func(body string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		ph.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/purge", strings.NewReader(body)))
		return rec
	}
	get(t, h, "/dir/a.jpg?w=10")
	body := `{"data": {"type": "purges", "attributes": {"url": "https://images.example.com/img/dir/a.jpg"}}}`
	if r := post(body); r.Code != http.StatusOK || r.Body.String() != body {
		t.Fatalf("purge: %d %s", r.Code, r.Body)
	}
	if r := get(t, h, "/dir/a.jpg?w=10"); r.Header().Get("X-Cache") != "MISS" {
		t.Error("not purged")
	}
	for _, bad := range []string{
		`{`,
		`{"data": {"type": "images", "attributes": {"url": "https://x/img/a.jpg"}}}`,
		`{"data": {"type": "purges", "attributes": {"url": ""}}}`,
		`{"data": {"type": "purges", "attributes": {"url": "https://x/other/a.jpg"}}}`,
		`{"data": {"type": "purges", "attributes": {"url": "https://x/img/../a.jpg"}}}`,
		`{"data": {"type": "purges", "attributes": {"url": "https://x/imgx/a.jpg"}}}`,
	} {
		if r := post(bad); r.Code != http.StatusBadRequest || r.Header().Get("X-Rendition-Error") != CodeInvalid {
			t.Errorf("%s: %d %q", bad, r.Code, r.Header().Get("X-Rendition-Error"))
		}
	}
	rec := httptest.NewRecorder()
	ph.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/purge", nil))
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("GET: %d", rec.Code)
	}
}

// TestPurgeReachesOtherInstances: two instances share a bucket tier, each
// with a memory tier capped by MaxAge. The original is replaced and purged
// through one instance: the other may serve its memory copy for at most
// MaxAge, after which no derivative of the old original survives in any
// tier of either.
func TestPurgeReachesOtherInstances(t *testing.T) {
	clock := testclock.New(time.Unix(1_800_000_000, 0))
	bucket := cache.NewBucket(memblob.OpenBucket(nil), &cache.BucketOptions{Now: clock.Now})
	src := &origin{photo: encodeJPEG(t, quadrants(64, 48))}
	instance := func() *Handler {
		memory := func() cache.Cache {
			return cache.NewMemory(&cache.MemoryOptions{Now: clock.Now, MaxAge: 10 * time.Second})
		}
		return clocked(t, src, clock, Options{Cache: cache.NewTiered(memory(), bucket), Originals: cache.NewTiered(memory(), bucket)})
	}
	a, b := instance(), instance()
	old := get(t, a, "/p.jpg?w=20").Header().Get("ETag")
	if r := get(t, b, "/p.jpg?w=20"); r.Header().Get("X-Cache") != "HIT" || r.Header().Get("ETag") != old {
		t.Fatalf("b did not get a's derivative from the shared tier: %s", r.Header().Get("X-Cache"))
	}

	src.photo = encodeJPEG(t, quadrants(48, 64)) // the original is replaced
	if err := a.Purge(context.Background(), "p.jpg"); err != nil {
		t.Fatal(err)
	}
	if r := get(t, a, "/p.jpg?w=20"); r.Header().Get("ETag") == old {
		t.Error("a served the old derivative after its own purge")
	}
	clock.Advance(10 * time.Second)
	for _, h := range []*Handler{b, a} {
		if r := get(t, h, "/p.jpg?w=20"); r.Header().Get("ETag") == old {
			t.Errorf("MaxAge after the purge, an instance still served the old derivative (%s)", r.Header().Get("X-Cache"))
		}
	}
}

// countingCache counts the Gets that reach a cache.
type countingCache struct {
	cache.Cache
	gets atomic.Int32
}

func (c *countingCache) Get(ctx context.Context, key string) (*cache.Entry, error) {
	c.gets.Add(1)
	return c.Cache.Get(ctx, key)
}

// TestColdRequestReadsEachCacheOnce: a miss looks in the derivative cache
// and the origin cache once each; a slow shared tier is not asked twice.
func TestColdRequestReadsEachCacheOnce(t *testing.T) {
	derivatives := &countingCache{Cache: cache.NewMemory(nil)}
	originals := &countingCache{Cache: cache.NewMemory(nil)}
	h := newHandler(t, source.NewFS(testFS(t)), &Options{Cache: derivatives, Originals: originals})
	if r := get(t, h, "/photo.jpg?w=30"); r.Code != http.StatusOK {
		t.Fatalf("status %d", r.Code)
	}
	if d, o := derivatives.gets.Load(), originals.gets.Load(); d != 1 || o != 1 {
		t.Errorf("a cold request read the derivative cache %d times and the origin cache %d times, want 1 and 1", d, o)
	}
}

// switchingSource serves old for its first open, held until gate is
// closed, and new for every later one: an original replaced while it is
// being fetched.
type switchingSource struct {
	old, new []byte
	gate     chan struct{}
	opens    atomic.Int32
}

func (s *switchingSource) Open(ctx context.Context, key string) (*source.Object, error) {
	data := s.new
	if s.opens.Add(1) == 1 {
		<-s.gate
		data = s.old
	}
	return &source.Object{Body: io.NopCloser(bytes.NewReader(data)), Size: int64(len(data))}, nil
}

// TestPurgeDuringFetch: a fetch under way when the original is purged
// answers the request that started it, but a request after the purge,
// even for another derivative, fetches the original again, and nothing
// rendered from the old original is stored.
func TestPurgeDuringFetch(t *testing.T) {
	src := &switchingSource{old: encodeJPEG(t, quadrants(64, 48)), new: encodeJPEG(t, quadrants(48, 64)), gate: make(chan struct{})}
	h := newHandler(t, src, nil)
	first := make(chan response, 1)
	go func() { first <- get(t, h, "/a.jpg?w=12") }()
	waitUntil(t, "the first fetch", func() bool { return src.opens.Load() == 1 })
	if err := h.Purge(context.Background(), "a.jpg"); err != nil {
		t.Fatal(err)
	}
	height := func(r response) int {
		t.Helper()
		_, cfg := r.image()
		return cfg.Height
	}
	// Before the purge these would wait for the held fetch: give up after
	// a while rather than hang.
	soon := func(target string) response {
		t.Helper()
		c := make(chan response, 1)
		go func() { c <- get(t, h, target) }()
		select {
		case r := <-c:
			return r
		case <-time.After(10 * time.Second):
			close(src.gate)
			t.Fatalf("%s after the purge waited for the fetch started before it", target)
			return response{}
		}
	}
	if r := soon("/a.jpg?w=12"); height(r) != 16 {
		t.Errorf("after the purge, the same URL: height %d, want 16 (the new original)", height(r))
	}
	if r := soon("/a.jpg?w=24"); height(r) != 32 {
		t.Errorf("after the purge, another derivative: height %d, want 32 (the new original)", height(r))
	}
	close(src.gate)
	if r := <-first; height(r) != 9 {
		t.Errorf("the request made before the purge: height %d, want 9 (the old original)", height(r))
	}
	// The new original is 48x64: every answer from now on, cached or
	// not, is 4/3 as high as wide.
	for _, w := range []int{12, 24, 30} {
		if r := get(t, h, fmt.Sprintf("/a.jpg?w=%d", w)); r.Code != http.StatusOK || height(r) != w*4/3 {
			t.Errorf("w=%d: status %d, height %d; want %d (from the new original)", w, r.Code, height(r), w*4/3)
		}
	}
}

// holdingCache holds Get while hold is set, until it is released.
type holdingCache struct {
	cache.Cache
	hold    atomic.Pointer[chan struct{}]
	holding chan struct{}
}

func (c *holdingCache) Get(ctx context.Context, key string) (*cache.Entry, error) {
	e, err := c.Cache.Get(ctx, key)
	if h := c.hold.Load(); h != nil {
		c.holding <- struct{}{}
		<-*h
	}
	return e, err
}

func (c *holdingCache) DeletePrefix(ctx context.Context, prefix string) error {
	return c.Cache.(cache.Purger).DeletePrefix(ctx, prefix)
}

// TestPurgeDuringCacheRead: an entry read before a purge and returned after
// it is not served, and not left in the cache (a tiered cache copies what
// it reads into the tiers that missed, which the purge may have cleared
// already).
func TestPurgeDuringCacheRead(t *testing.T) {
	src := &origin{photo: encodeJPEG(t, quadrants(64, 48))}
	c := &holdingCache{Cache: cache.NewMemory(nil), holding: make(chan struct{})}
	h := newHandler(t, src, &Options{Cache: c})
	get(t, h, "/a.jpg?w=12")
	src.photo = encodeJPEG(t, quadrants(48, 64))
	release := make(chan struct{})
	c.hold.Store(&release)
	done := make(chan response, 1)
	go func() { done <- get(t, h, "/a.jpg?w=12") }()
	<-c.holding
	c.hold.Store(nil)
	if err := h.Purge(context.Background(), "a.jpg"); err != nil {
		t.Fatal(err)
	}
	close(release)
	r := <-done
	if _, cfg := r.image(); cfg.Height != 16 || r.Header().Get("X-Cache") != "MISS" {
		t.Errorf("read during the purge: X-Cache %s, height %d; want a new render of the new original (16)", r.Header().Get("X-Cache"), cfg.Height)
	}
}

// TestErrorAnswersVaryLikeImages: an error that depends on a client hint
// is keyed on it for caches, as the image would be.
func TestErrorAnswersVaryLikeImages(t *testing.T) {
	h := newHandler(t, &origin{photo: encodeJPEG(t, quadrants(640, 480))}, &Options{Transform: transform.Options{Limits: transform.Limits{MaxOutputPixels: 100_000}}})
	r := get(t, h, "/a.jpg?ch=dpr&w=100&h=100&fit=crop", "Sec-CH-DPR", "5")
	if r.Code != http.StatusRequestEntityTooLarge || !strings.Contains(strings.Join(r.Header().Values("Vary"), ","), "Sec-CH-DPR") {
		t.Errorf("status %d, Vary %q; want 413 varying on Sec-CH-DPR", r.Code, r.Header().Values("Vary"))
	}
}

// TestCachedErrorKeepsItsExpiry: a cached error answer is sent with the time
// it has left, so that caches downstream do not keep it longer.
func TestCachedErrorKeepsItsExpiry(t *testing.T) {
	clock := testclock.New(time.Unix(1_800_000_000, 0))
	h := clocked(t, &origin{}, clock, Options{ErrorTTL: 5 * time.Minute})
	if r := get(t, h, "/missing.jpg?w=10"); r.Code != http.StatusNotFound || maxAgeOf(r) != "300" {
		t.Fatalf("first: %d, Cache-Control %q", r.Code, r.Header().Get("Cache-Control"))
	}
	clock.Advance(200 * time.Second)
	if r := get(t, h, "/missing.jpg?w=10"); r.Code != http.StatusNotFound || maxAgeOf(r) != "100" {
		t.Errorf("from the cache: %d, Cache-Control %q; want max-age=100", r.Code, r.Header().Get("Cache-Control"))
	}
}

// TestServerTimingUnderFakeClock: the durations in Server-Timing are
// measured with the handler's clock, so a fake clock far from the real one
// gives zero durations, not the distance between the two clocks.
func TestServerTimingUnderFakeClock(t *testing.T) {
	clock := testclock.New(time.Unix(1_800_000_000, 0))
	h := clocked(t, source.NewFS(testFS(t)), clock, Options{})
	r := get(t, h, "/photo.jpg?w=20")
	if r.Code != http.StatusOK {
		t.Fatalf("status %d", r.Code)
	}
	timing := r.Header().Get("Server-Timing")
	for metric := range strings.SplitSeq(timing, ",") {
		_, dur, ok := strings.Cut(metric, "dur=")
		if !ok {
			continue
		}
		if d, err := strconv.ParseFloat(dur, 64); err != nil || d != 0 {
			t.Errorf("Server-Timing %q: duration %q; want 0 under a clock that stands still", timing, dur)
		}
	}
}

// TestPurgeLogForgetsSafely: once old purges are forgotten, work that
// started before them is treated as purged, never as clean.
func TestPurgeLogForgetsSafely(t *testing.T) {
	var l purgeLog
	old := l.ticket()
	l.mark("v1/a/")
	if !l.after("v1/a/", old) || l.after("v1/b/", old) {
		t.Fatal("a purge of a/ must concern a/ only")
	}
	for i := range maxRememberedPurges {
		l.mark(fmt.Sprintf("v1/p%d/", i))
	}
	if len(l.at) > maxRememberedPurges {
		t.Fatalf("%d purges remembered, want at most %d", len(l.at), maxRememberedPurges)
	}
	if !l.after("v1/b/", old) {
		t.Error("work older than a forgotten purge counts as clean")
	}
	recent := l.ticket()
	if l.after("v1/b/", recent) {
		t.Error("work newer than every purge counts as purged")
	}
	l.mark("v1/b/")
	if !l.after("v1/b/", recent) || l.after("v1/c/", recent) {
		t.Error("a new purge is judged wrongly after forgetting")
	}
}

// TestOriginFailuresAreCachedForSeconds: an origin's failure is answered
// from the cache for OriginFailureTTL only, so the image works again soon
// after the origin recovers; a definitive answer keeps the error TTL.
func TestOriginFailuresAreCachedForSeconds(t *testing.T) {
	clock := testclock.New(time.Unix(1_800_000_000, 0))
	var calls atomic.Int32
	down := true
	photo := encodeJPEG(t, quadrants(64, 48))
	src := source.Func(func(ctx context.Context, key string) (*source.Object, error) {
		calls.Add(1)
		if down {
			return nil, fmt.Errorf("origin: %w", source.ErrUnavailable)
		}
		return &source.Object{Body: io.NopCloser(bytes.NewReader(photo)), Size: int64(len(photo))}, nil
	})
	h := clocked(t, src, clock, Options{})
	r := get(t, h, "/a.jpg?w=10")
	if r.Code != http.StatusBadGateway || maxAgeOf(r) != strconv.Itoa(int(OriginFailureTTL.Seconds())) {
		t.Fatalf("origin down: %d, Cache-Control %q; want 502 with max-age=%d", r.Code, r.Header().Get("Cache-Control"), int(OriginFailureTTL.Seconds()))
	}
	if r := get(t, h, "/a.jpg?w=10"); r.Code != http.StatusBadGateway || calls.Load() != 1 {
		t.Fatalf("within %v: %d after %d origin calls; want the cached 502", OriginFailureTTL, r.Code, calls.Load())
	}
	down = false
	clock.Advance(OriginFailureTTL + time.Second)
	if r := get(t, h, "/a.jpg?w=10"); r.Code != http.StatusOK {
		t.Fatalf("%v after the origin recovered: %d, want 200", OriginFailureTTL+time.Second, r.Code)
	}
}

// setHoldingCache holds its first Set once armed, after the handler decided
// to store the entry, until release is closed.
type setHoldingCache struct {
	cache.Cache
	armed   atomic.Bool
	holding chan struct{}
	release chan struct{}
}

func (c *setHoldingCache) Set(ctx context.Context, key string, e *cache.Entry) error {
	if c.armed.CompareAndSwap(true, false) {
		c.holding <- struct{}{}
		<-c.release
	}
	return c.Cache.Set(ctx, key, e)
}

func (c *setHoldingCache) DeletePrefix(ctx context.Context, prefix string) error {
	return c.Cache.(cache.Purger).DeletePrefix(ctx, prefix)
}

// TestPurgeDuringStore: a purge that comes while a derivative or an
// original made before it is being written to its cache still removes it:
// the next request renders the new original.
func TestPurgeDuringStore(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts func(c cache.Cache) *Options
	}{
		{"derivative", func(c cache.Cache) *Options { return &Options{Cache: c} }},
		{"original", func(c cache.Cache) *Options { return &Options{Originals: c} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := &origin{photo: encodeJPEG(t, quadrants(64, 48))}
			hold := &setHoldingCache{Cache: cache.NewMemory(nil), holding: make(chan struct{}), release: make(chan struct{})}
			opts := tc.opts(hold)
			h := newHandler(t, src, opts)
			hold.armed.Store(true)
			done := make(chan response, 1)
			go func() { done <- get(t, h, "/a.jpg?w=12") }()
			<-hold.holding
			if err := h.Purge(context.Background(), "a.jpg"); err != nil {
				t.Fatal(err)
			}
			src.photo = encodeJPEG(t, quadrants(48, 64))
			close(hold.release)
			if r := <-done; r.Code != http.StatusOK {
				t.Fatalf("the request made before the purge: %d %s", r.Code, r.Body)
			}
			// Another derivative goes through the origin cache; the same
			// URL through the derivative cache.
			for _, target := range []string{"/a.jpg?w=12", "/a.jpg?w=24"} {
				r := get(t, h, target)
				if _, cfg := r.image(); cfg.Height != cfg.Width*4/3 {
					t.Errorf("%s after the purge: %dx%d, X-Cache %s; want the new original's proportions",
						target, cfg.Width, cfg.Height, r.Header().Get("X-Cache"))
				}
			}
		})
	}
}
