// Package cachetest is a conformance suite for implementations of
// [cache.Cache].
//
// A tier runs the suite from its own tests:
//
//	func TestConformance(t *testing.T) {
//		cachetest.Run(t, func(t *testing.T) cache.Cache {
//			c := mytier.New(...)
//			t.Cleanup(func() { c.Close() })
//			return c
//		})
//	}
//
// Run it with -race: one of the checks drives the cache from many
// goroutines at once.
package cachetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rendition-go/rendition/cache"
)

// largeSize is the size of the largest entry the suite stores.
const largeSize = 4<<20 + 1

// Run checks that the caches made by newCache behave as the [cache.Cache]
// contract requires, each check in its own subtest.
//
// newCache is called once per subtest and must return an empty cache,
// registering any cleanup with t.Cleanup. The cache must be able to hold an
// entry of a little over 4 MiB and a few dozen small entries at once without
// evicting any (a [cache.Memory] needs a budget of at least 64 MiB), and
// must check expiry against the real clock.
//
// The suite checks that:
//   - Get on an empty cache is a miss ([cache.ErrMiss]);
//   - every field of an entry survives a round trip: Data byte for byte,
//     strings exactly, times to the second, successful and error answers;
//   - Set does not modify the caller's entry or Data;
//   - Set replaces, and Delete removes, an entry; deleting an absent key
//     is not an error; Set with a nil entry is an error;
//   - an entry whose Expires has passed is a miss, including when it
//     replaces a live one;
//   - keys with slashes, spaces, non-ASCII characters, differing only in
//     case, or prefixes of one another, each keep their own entry;
//   - a 4 MiB entry round-trips;
//   - Get, Set and Delete from many goroutines never return an entry that
//     mixes two writes or belongs to another key;
//   - with a cancelled context, every method returns (a result, a miss or
//     the context's error) and leaves no corrupt entry behind.
//
// It does not check that a tier copies Data: by the contract, a tier may
// keep the caller's slice, and callers must not modify it after Set.
func Run(t *testing.T, newCache func(t *testing.T) cache.Cache) {
	t.Helper()
	tests := []struct {
		name string
		fn   func(t *testing.T, c cache.Cache)
	}{
		{"MissOnEmpty", testMissOnEmpty},
		{"RoundTrip", testRoundTrip},
		{"SetDoesNotModifyEntry", testSetDoesNotModifyEntry},
		{"Overwrite", testOverwrite},
		{"Delete", testDelete},
		{"DeleteAbsent", testDeleteAbsent},
		{"NilEntry", testNilEntry},
		{"Expired", testExpired},
		{"ExpiredReplacesLive", testExpiredReplacesLive},
		{"Keys", testKeys},
		{"Large", testLarge},
		{"Concurrent", testConcurrent},
		{"CancelledContext", testCancelledContext},
		{"DeletePrefix", testDeletePrefix},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.fn(t, newCache(t))
		})
	}
}

// modTime is a Last-Modified value with the one-second precision of HTTP
// dates.
var modTime = time.Date(2024, 2, 29, 12, 30, 45, 0, time.UTC)

// future returns an expiry time an hour from now, to the second.
func future() time.Time {
	return time.Now().Add(time.Hour).Truncate(time.Second)
}

// payload returns n bytes of a pattern that depends on seed, so a misplaced
// or truncated body does not compare equal.
func payload(n int, seed byte) []byte {
	b := make([]byte, n)
	x := uint32(seed)*2654435761 + 1
	for i := range b {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b[i] = byte(x)
	}
	return b
}

// diff describes how got differs from want, or returns "" if they are equal.
func diff(got, want *cache.Entry) string {
	if got == nil {
		return "got a nil entry"
	}
	var d []string
	if !bytes.Equal(got.Data, want.Data) {
		d = append(d, fmt.Sprintf("Data: got %d bytes %s, want %d bytes %s",
			len(got.Data), summary(got.Data), len(want.Data), summary(want.Data)))
	}
	if got.ContentType != want.ContentType {
		d = append(d, fmt.Sprintf("ContentType: got %q, want %q", got.ContentType, want.ContentType))
	}
	if got.ETag != want.ETag {
		d = append(d, fmt.Sprintf("ETag: got %q, want %q", got.ETag, want.ETag))
	}
	if !got.ModTime.Equal(want.ModTime) {
		d = append(d, fmt.Sprintf("ModTime: got %v, want %v", got.ModTime, want.ModTime))
	}
	if !got.Expires.Equal(want.Expires) {
		d = append(d, fmt.Sprintf("Expires: got %v, want %v", got.Expires, want.Expires))
	}
	if !got.FreshUntil.Equal(want.FreshUntil) {
		d = append(d, fmt.Sprintf("FreshUntil: got %v, want %v", got.FreshUntil, want.FreshUntil))
	}
	if got.Status != want.Status {
		d = append(d, fmt.Sprintf("Status: got %d, want %d", got.Status, want.Status))
	}
	if got.ErrorCode != want.ErrorCode {
		d = append(d, fmt.Sprintf("ErrorCode: got %q, want %q", got.ErrorCode, want.ErrorCode))
	}
	return strings.Join(d, "; ")
}

// summary shows the start of b.
func summary(b []byte) string {
	if len(b) > 16 {
		return fmt.Sprintf("%q...", b[:16])
	}
	return fmt.Sprintf("%q", b)
}

// clone returns a deep copy of e.
func clone(e *cache.Entry) *cache.Entry {
	c := *e
	c.Data = bytes.Clone(e.Data)
	return &c
}

func set(t *testing.T, c cache.Cache, key string, e *cache.Entry) {
	t.Helper()
	if err := c.Set(context.Background(), key, e); err != nil {
		t.Fatalf("Set(%q): %v", key, err)
	}
}

// wantHit checks that key holds an entry equal to want.
func wantHit(t *testing.T, c cache.Cache, key string, want *cache.Entry) {
	t.Helper()
	got, err := c.Get(context.Background(), key)
	if err != nil {
		t.Errorf("Get(%q): %v, want a hit", key, err)
		return
	}
	if d := diff(got, want); d != "" {
		t.Errorf("Get(%q): %s", key, d)
	}
}

// wantMiss checks that key holds no entry.
func wantMiss(t *testing.T, c cache.Cache, key string) {
	t.Helper()
	got, err := c.Get(context.Background(), key)
	switch {
	case err == nil:
		data := []byte(nil)
		if got != nil {
			data = got.Data
		}
		t.Errorf("Get(%q) = a hit with Data %s, want a miss", key, summary(data))
	case !errors.Is(err, cache.ErrMiss):
		t.Errorf("Get(%q) = %v, want an error wrapping cache.ErrMiss", key, err)
	}
}

func testMissOnEmpty(t *testing.T, c cache.Cache) {
	wantMiss(t, c, "photos/dog.jpg")
	wantMiss(t, c, "a")
}

func testRoundTrip(t *testing.T, c cache.Cache) {
	entries := map[string]*cache.Entry{
		"image": {
			Data:        payload(10_000, 1),
			ContentType: "image/webp",
			ETag:        `"d41d8cd98f00b204"`,
			ModTime:     modTime,
			Expires:     future(),
			FreshUntil:  future().Add(-time.Minute),
			Status:      200,
		},
		"status-zero": {
			Data:        payload(100, 2),
			ContentType: "image/png",
			ETag:        `W/"weak"`,
		},
		"error": {
			Data:        []byte("origin said 404\n"),
			ContentType: "text/plain; charset=utf-8",
			Expires:     future(),
			Status:      404,
			ErrorCode:   "ENOENT",
		},
		"error-no-body": {
			Status:    502,
			ErrorCode: "EORIGIN",
			Expires:   future(),
		},
		"empty": {
			Data:        []byte{},
			ContentType: "image/gif",
		},
	}
	for key, e := range entries {
		set(t, c, key, clone(e))
	}
	for key, e := range entries {
		wantHit(t, c, key, e)
	}
	// A second Get answers the same.
	for key, e := range entries {
		wantHit(t, c, key, e)
	}
}

func testSetDoesNotModifyEntry(t *testing.T, c cache.Cache) {
	e := &cache.Entry{
		Data:        payload(1000, 3),
		ContentType: "image/jpeg",
		ETag:        `"x"`,
		ModTime:     modTime,
		Expires:     future(),
	}
	orig := clone(e)
	set(t, c, "a", e)
	if _, err := c.Get(context.Background(), "a"); err != nil {
		t.Fatalf("Get: %v", err)
	}
	if d := diff(e, orig); d != "" {
		t.Errorf("Set modified the caller's entry: %s", d)
	}
}

func testOverwrite(t *testing.T, c cache.Cache) {
	first := &cache.Entry{Data: payload(5000, 4), ContentType: "image/png", ETag: `"1"`, Expires: future()}
	second := &cache.Entry{Data: payload(300, 5), ContentType: "image/avif", ETag: `"2"`, ModTime: modTime}
	set(t, c, "k", clone(first))
	set(t, c, "k", clone(second))
	wantHit(t, c, "k", second)

	// A successful answer replaces a cached error, and the reverse.
	errEntry := &cache.Entry{Status: 503, ErrorCode: "EORIGIN", Expires: future()}
	set(t, c, "k", clone(errEntry))
	wantHit(t, c, "k", errEntry)
	set(t, c, "k", clone(first))
	wantHit(t, c, "k", first)
}

func testDelete(t *testing.T, c cache.Cache) {
	a := &cache.Entry{Data: payload(100, 6), ContentType: "image/png"}
	b := &cache.Entry{Data: payload(100, 7), ContentType: "image/png"}
	set(t, c, "a", clone(a))
	set(t, c, "b", clone(b))
	if err := c.Delete(context.Background(), "a"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	wantMiss(t, c, "a")
	wantHit(t, c, "b", b)

	// A deleted key can be set again.
	set(t, c, "a", clone(b))
	wantHit(t, c, "a", b)
}

// testDeletePrefix checks caches that implement [cache.Purger]: a prefix
// deletes exactly the keys in its folder. Other caches skip it.
func testDeletePrefix(t *testing.T, c cache.Cache) {
	p, ok := c.(cache.Purger)
	if !ok {
		t.Skipf("%T does not implement cache.Purger", c)
	}
	ctx := context.Background()
	e := &cache.Entry{Data: payload(50, 9), ContentType: "image/webp"}
	gone := []string{"v1/abc/original", "v1/abc/1f2e", "v1/abc/deeper/3d4c"}
	kept := []string{"v1/abcd/1f2e", "v1/ab/1f2e", "v1/other/abc/x", "v1/abc"}
	for _, k := range append(append([]string{}, gone...), kept...) {
		set(t, c, k, clone(e))
	}
	if err := p.DeletePrefix(ctx, "v1/abc/"); err != nil {
		t.Fatalf("DeletePrefix: %v", err)
	}
	for _, k := range gone {
		wantMiss(t, c, k)
	}
	for _, k := range kept {
		wantHit(t, c, k, e)
	}
	if err := p.DeletePrefix(ctx, "v1/nothing-here/"); err != nil {
		t.Errorf("DeletePrefix of an empty folder = %v, want nil", err)
	}
	if err := p.DeletePrefix(ctx, "v1/ab"); !errors.Is(err, cache.ErrPrefix) {
		t.Errorf("DeletePrefix without a trailing slash = %v, want ErrPrefix", err)
	}
	wantHit(t, c, "v1/abcd/1f2e", e)
}

func testDeleteAbsent(t *testing.T, c cache.Cache) {
	if err := c.Delete(context.Background(), "never-set"); err != nil {
		t.Errorf("Delete of an absent key = %v, want nil", err)
	}
	set(t, c, "a", &cache.Entry{Data: []byte("a")})
	for range 2 {
		if err := c.Delete(context.Background(), "a"); err != nil {
			t.Errorf("Delete = %v, want nil", err)
		}
	}
}

func testNilEntry(t *testing.T, c cache.Cache) {
	if err := c.Set(context.Background(), "a", nil); err == nil {
		t.Error("Set with a nil entry = nil, want an error")
	}
	wantMiss(t, c, "a")
}

func testExpired(t *testing.T, c cache.Cache) {
	past := time.Now().Add(-time.Minute).Truncate(time.Second)
	e := &cache.Entry{Data: payload(100, 8), ContentType: "image/png", Expires: past}
	set(t, c, "old", e)
	wantMiss(t, c, "old")

	errEntry := &cache.Entry{Status: 404, ErrorCode: "ENOENT", Expires: past}
	set(t, c, "old-error", errEntry)
	wantMiss(t, c, "old-error")
}

func testExpiredReplacesLive(t *testing.T, c cache.Cache) {
	live := &cache.Entry{Data: payload(100, 9), ContentType: "image/png", Expires: future()}
	set(t, c, "k", clone(live))
	wantHit(t, c, "k", live)
	expired := &cache.Entry{Data: payload(100, 10), ContentType: "image/png", Expires: time.Now().Add(-time.Minute)}
	set(t, c, "k", expired)
	wantMiss(t, c, "k")
}

func testKeys(t *testing.T, c cache.Cache) {
	keys := []string{
		"a",
		"a/b",
		"a/b/c.jpg",
		"A",
		"with space.jpg",
		"with  two   spaces",
		"ünïcödé/日本語.jpg",
		"emoji/🖼️.png",
		"query?w=300&h=200&fit=crop",
		"percent%2Fencoded%20key",
		"dots/../not-a-parent",
		"./relative",
		"trailing/",
		"/leading",
		"colon:semi;comma,",
		`quote"and'apostrophe`,
		"tab\tand\nnewline",
		strings.Repeat("long/", 200),
		"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	}
	for i, k := range keys {
		set(t, c, k, &cache.Entry{Data: payload(64+i, byte(i)), ContentType: "image/png", ETag: fmt.Sprintf(`"%d"`, i)})
	}
	for i, k := range keys {
		wantHit(t, c, k, &cache.Entry{Data: payload(64+i, byte(i)), ContentType: "image/png", ETag: fmt.Sprintf(`"%d"`, i)})
	}
	for _, k := range []string{"a/b/c", "a/", "b", "ünïcödé", "with space", "long"} {
		wantMiss(t, c, k)
	}
}

func testLarge(t *testing.T, c cache.Cache) {
	e := &cache.Entry{Data: payload(largeSize, 11), ContentType: "image/tiff", ETag: `"big"`, ModTime: modTime}
	set(t, c, "large", clone(e))
	wantHit(t, c, "large", e)
}

// concurrentEntry returns the entry writer w stores under key in round i.
// Every field depends on the same (key, w, i), so a reader can tell whether
// an entry is whole and belongs to key.
func concurrentEntry(key string, w, i int) *cache.Entry {
	data := fmt.Appendf(nil, "%s#%d#%d#", key, w, i)
	data = append(data, payload(100+(w*31+i)%900, byte(w+i))...)
	return &cache.Entry{
		Data:        data,
		ContentType: "image/x-" + key,
		ETag:        etag(data),
		Status:      200,
	}
}

func etag(data []byte) string {
	h := fnv.New64a()
	h.Write(data)
	return fmt.Sprintf(`"%x"`, h.Sum64())
}

func testConcurrent(t *testing.T, c cache.Cache) {
	const (
		workers = 8
		rounds  = 200
	)
	keys := []string{"k0", "k1", "k2", "k3", "dir/k4", "dir/k5"}
	ctx := context.Background()
	var wg sync.WaitGroup
	var mu sync.Mutex
	var failures []string
	fail := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		if len(failures) < 10 {
			failures = append(failures, fmt.Sprintf(format, args...))
		}
	}
	for w := range workers {
		wg.Go(func() {
			for i := range rounds {
				key := keys[(w+i)%len(keys)]
				switch (w*7 + i) % 5 {
				case 0, 1:
					if err := c.Set(ctx, key, concurrentEntry(key, w, i)); err != nil {
						fail("Set(%q): %v", key, err)
					}
				case 2:
					if err := c.Delete(ctx, key); err != nil {
						fail("Delete(%q): %v", key, err)
					}
				default:
					e, err := c.Get(ctx, key)
					if errors.Is(err, cache.ErrMiss) {
						continue
					}
					if err != nil {
						fail("Get(%q): %v", key, err)
						continue
					}
					if !bytes.HasPrefix(e.Data, []byte(key+"#")) || e.ContentType != "image/x-"+key {
						fail("Get(%q) returned another key's entry: %s, %q", key, summary(e.Data), e.ContentType)
					} else if e.ETag != etag(e.Data) {
						fail("Get(%q) returned a torn entry: ETag %s does not match Data %s", key, e.ETag, summary(e.Data))
					}
				}
			}
		})
	}
	wg.Wait()
	for _, f := range failures {
		t.Error(f)
	}

	// The cache still works afterwards.
	e := concurrentEntry("after", 0, 0)
	set(t, c, "after", clone(e))
	wantHit(t, c, "after", e)
}

func testCancelledContext(t *testing.T, c cache.Cache) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	acceptable := func(err error) bool {
		return err == nil || errors.Is(err, cache.ErrMiss) || errors.Is(err, context.Canceled)
	}

	e := &cache.Entry{Data: payload(2000, 12), ContentType: "image/png", ETag: `"c"`}
	if err := c.Set(ctx, "k", clone(e)); !acceptable(err) {
		t.Errorf("Set with a cancelled context = %v, want nil or context.Canceled", err)
	}
	// Whatever Set did, the key now holds the whole entry or nothing.
	if got, err := c.Get(context.Background(), "k"); err == nil {
		if d := diff(got, e); d != "" {
			t.Errorf("after a cancelled Set, Get returned a corrupt entry: %s", d)
		}
	} else if !errors.Is(err, cache.ErrMiss) {
		t.Errorf("after a cancelled Set, Get = %v, want a hit or a miss", err)
	}

	set(t, c, "live", clone(e))
	if got, err := c.Get(ctx, "live"); err == nil {
		if d := diff(got, e); d != "" {
			t.Errorf("Get with a cancelled context: %s", d)
		}
	} else if !acceptable(err) {
		t.Errorf("Get with a cancelled context = %v, want a hit, a miss or context.Canceled", err)
	}
	if err := c.Delete(ctx, "live"); !acceptable(err) {
		t.Errorf("Delete with a cancelled context = %v, want nil or context.Canceled", err)
	}
	if got, err := c.Get(context.Background(), "live"); err == nil {
		if d := diff(got, e); d != "" {
			t.Errorf("after a cancelled Delete, Get returned a corrupt entry: %s", d)
		}
	} else if !errors.Is(err, cache.ErrMiss) {
		t.Errorf("after a cancelled Delete, Get = %v, want a hit or a miss", err)
	}
}
