package cache_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/rendition-go/rendition/internal/testclock"
	"strconv"
	"testing"
	"time"

	"github.com/rendition-go/rendition/cache"
	"github.com/rendition-go/rendition/cache/cachetest"
)

func TestMemoryConformance(t *testing.T) {
	t.Run("defaults", func(t *testing.T) {
		cachetest.Run(t, func(t *testing.T) cache.Cache { return cache.NewMemory(nil) })
	})
	t.Run("64MiB", func(t *testing.T) {
		cachetest.Run(t, func(t *testing.T) cache.Cache {
			return cache.NewMemory(&cache.MemoryOptions{MaxBytes: 64 << 20})
		})
	})
	t.Run("zero value", func(t *testing.T) {
		cachetest.Run(t, func(t *testing.T) cache.Cache { return new(cache.Memory) })
	})
}

// charge is what Memory charges for an entry: len(key) + Entry.Size.
func charge(key string, e *cache.Entry) int64 {
	return int64(len(key)) + e.Size()
}

func entry(n int) *cache.Entry {
	return &cache.Entry{Data: bytes.Repeat([]byte{'x'}, n), ContentType: "image/png"}
}

func hit(t *testing.T, c cache.Cache, key string) bool {
	t.Helper()
	_, err := c.Get(context.Background(), key)
	if err != nil && !errors.Is(err, cache.ErrMiss) {
		t.Fatalf("Get(%q): %v", key, err)
	}
	return err == nil
}

func mustSet(t *testing.T, c cache.Cache, key string, e *cache.Entry) {
	t.Helper()
	if err := c.Set(context.Background(), key, e); err != nil {
		t.Fatalf("Set(%q): %v", key, err)
	}
}

func TestEntrySize(t *testing.T) {
	e := &cache.Entry{
		Data:        make([]byte, 1000),
		ContentType: "image/jpeg", // 10
		ETag:        `"abc"`,      // 5
		ErrorCode:   "ENOENT",     // 6
		Status:      404,
		ModTime:     time.Now(),
	}
	if got, want := e.Size(), int64(1000+10+5+6+256); got != want {
		t.Errorf("Size() = %d, want %d", got, want)
	}
	if got := (&cache.Entry{}).Size(); got != 256 {
		t.Errorf("empty entry: Size() = %d, want 256", got)
	}
	var nilEntry *cache.Entry
	if got := nilEntry.Size(); got != 0 {
		t.Errorf("nil entry: Size() = %d, want 0", got)
	}
}

func TestEntryExpired(t *testing.T) {
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		expires time.Time
		want    bool
	}{
		{time.Time{}, false},
		{now.Add(time.Nanosecond), false},
		{now, true},
		{now.Add(-time.Hour), true},
	}
	for _, tt := range tests {
		e := &cache.Entry{Expires: tt.expires}
		if got := e.Expired(now); got != tt.want {
			t.Errorf("Expires %v: Expired(%v) = %v, want %v", tt.expires, now, got, tt.want)
		}
	}
}

func TestMemoryBudget(t *testing.T) {
	const budget = 64 << 10
	m := cache.NewMemory(&cache.MemoryOptions{MaxBytes: budget})
	live := map[string]*cache.Entry{}
	for i := range 2000 {
		key := "k" + strconv.Itoa(i%300)
		e := entry((i * 7919) % (budget/8 - 512))
		mustSet(t, m, key, e)
		live[key] = e
		if b := m.Bytes(); b > budget {
			t.Fatalf("after %d sets: Bytes() = %d, over the budget %d", i+1, b, budget)
		}
	}
	// Bytes is exactly the charge of the entries still present.
	var sum int64
	n := 0
	for key, e := range live {
		if hit(t, m, key) {
			sum += charge(key, e)
			n++
		}
	}
	if m.Bytes() != sum || m.Len() != n {
		t.Errorf("Bytes() = %d, Len() = %d; the entries present are charged %d in %d entries", m.Bytes(), m.Len(), sum, n)
	}
	if n < 10 {
		t.Errorf("only %d entries kept within a budget of %d", n, budget)
	}
	for key := range live {
		if err := m.Delete(context.Background(), key); err != nil {
			t.Fatal(err)
		}
	}
	if m.Bytes() != 0 || m.Len() != 0 {
		t.Errorf("after deleting everything: Bytes() = %d, Len() = %d; want 0, 0", m.Bytes(), m.Len())
	}
}

func TestMemoryOverwriteAccounting(t *testing.T) {
	m := cache.NewMemory(&cache.MemoryOptions{MaxBytes: 1 << 20})
	for _, n := range []int{100, 5000, 10, 70000, 0} {
		e := entry(n)
		mustSet(t, m, "key", e)
		if got, want := m.Bytes(), charge("key", e); got != want {
			t.Errorf("after storing %d bytes: Bytes() = %d, want %d", n, got, want)
		}
		if m.Len() != 1 {
			t.Errorf("Len() = %d, want 1", m.Len())
		}
	}
}

func TestMemoryLRUOrder(t *testing.T) {
	// Eight 1 KiB entries fit; the ninth evicts the least recently used.
	small := entry(1024)
	size := charge("k0", small)
	m := cache.NewMemory(&cache.MemoryOptions{MaxBytes: 8 * size})
	for i := range 8 {
		mustSet(t, m, "k"+strconv.Itoa(i), small)
	}
	if m.Len() != 8 {
		t.Fatalf("Len() = %d after 8 sets, want 8", m.Len())
	}
	// Reading k0 makes it the most recently used, so k1 goes first.
	if !hit(t, m, "k0") {
		t.Fatal("k0 missing")
	}
	mustSet(t, m, "k8", small)
	want := map[string]bool{"k0": true, "k1": false, "k2": true, "k8": true}
	for key, present := range want {
		if got := hit(t, m, key); got != present {
			t.Errorf("after evicting once: %s present = %v, want %v", key, got, present)
		}
	}
	// Overwriting k2 makes it the most recently used too; the next two
	// evictions take k3 and k4.
	mustSet(t, m, "k2", small)
	mustSet(t, m, "k9", small)
	mustSet(t, m, "ka", small)
	want = map[string]bool{"k2": true, "k3": false, "k4": false, "k5": true, "k9": true, "ka": true}
	for key, present := range want {
		if got := hit(t, m, key); got != present {
			t.Errorf("after evicting three: %s present = %v, want %v", key, got, present)
		}
	}
}

func TestMemoryOversized(t *testing.T) {
	const budget = 80_000
	m := cache.NewMemory(&cache.MemoryOptions{MaxBytes: budget})
	limit := int64(budget / cache.MaxEntryFraction)

	fits := entry(int(limit - charge("fits", entry(0))))
	if charge("fits", fits) != limit {
		t.Fatalf("test setup: charge %d, want %d", charge("fits", fits), limit)
	}
	mustSet(t, m, "fits", fits)
	if !hit(t, m, "fits") {
		t.Error("an entry charged exactly MaxBytes/MaxEntryFraction was not stored")
	}

	tooBig := entry(len(fits.Data) + 1)
	mustSet(t, m, "huge", tooBig) // same key length as "fits"
	if hit(t, m, "huge") {
		t.Error("an entry over MaxBytes/MaxEntryFraction was stored")
	}

	// Replacing an entry with one too big drops the old one.
	mustSet(t, m, "fits", tooBig)
	if hit(t, m, "fits") {
		t.Error("Get returned the entry replaced by an oversized one")
	}
	if m.Bytes() != 0 || m.Len() != 0 {
		t.Errorf("Bytes() = %d, Len() = %d; want 0, 0", m.Bytes(), m.Len())
	}
}

func TestMemoryExpiry(t *testing.T) {
	clock := testclock.New(time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC))
	m := cache.NewMemory(&cache.MemoryOptions{Now: clock.Now})

	forever := entry(10)
	minute := entry(20)
	minute.Expires = clock.Now().Add(time.Minute)
	mustSet(t, m, "forever", forever)
	mustSet(t, m, "minute", minute)

	clock.Advance(time.Minute - time.Nanosecond)
	if !hit(t, m, "minute") {
		t.Error("entry missing a nanosecond before it expires")
	}
	clock.Advance(time.Nanosecond)
	if hit(t, m, "minute") {
		t.Error("entry served at its expiry time")
	}
	if m.Len() != 1 || m.Bytes() != charge("forever", forever) {
		t.Errorf("after the expired entry was found: Len() = %d, Bytes() = %d; want 1, %d", m.Len(), m.Bytes(), charge("forever", forever))
	}
	clock.Advance(100 * 365 * 24 * time.Hour)
	if !hit(t, m, "forever") {
		t.Error("an entry with no Expires expired")
	}

	// An entry already expired when set is not stored.
	stale := entry(10)
	stale.Expires = clock.Now()
	mustSet(t, m, "stale", stale)
	if m.Len() != 1 {
		t.Errorf("Len() = %d after storing an expired entry, want 1", m.Len())
	}
}

func TestMemoryMaxAge(t *testing.T) {
	clock := testclock.New(time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC))
	m := cache.NewMemory(&cache.MemoryOptions{Now: clock.Now, MaxAge: 10 * time.Second})
	e := entry(10)
	e.Expires = clock.Now().Add(time.Hour)
	mustSet(t, m, "k", e)
	clock.Advance(10*time.Second - time.Nanosecond)
	got, err := m.Get(context.Background(), "k")
	if err != nil || !got.Expires.Equal(e.Expires) {
		t.Fatalf("before MaxAge: %v, %v; want the entry with its own Expires", got, err)
	}
	clock.Advance(time.Nanosecond)
	if hit(t, m, "k") {
		t.Error("an entry older than MaxAge was served")
	}
	if m.Len() != 0 || m.Bytes() != 0 {
		t.Errorf("Len() = %d, Bytes() = %d after MaxAge", m.Len(), m.Bytes())
	}
	// Setting it again starts its age again.
	mustSet(t, m, "k", e)
	clock.Advance(5 * time.Second)
	if !hit(t, m, "k") {
		t.Error("a re-stored entry was not served")
	}
}

func TestMemorySetCopiesEntry(t *testing.T) {
	m := cache.NewMemory(nil)
	e := &cache.Entry{Data: []byte("data"), ContentType: "image/png", ETag: `"1"`}
	mustSet(t, m, "a", e)
	// Reusing the Entry struct for the next key must not change "a".
	e.ContentType = "image/gif"
	e.ETag = `"2"`
	e.Data = []byte("other")
	mustSet(t, m, "b", e)
	got, err := m.Get(context.Background(), "a")
	if err != nil {
		t.Fatal(err)
	}
	if string(got.Data) != "data" || got.ContentType != "image/png" || got.ETag != `"1"` {
		t.Errorf("Get(a) = %q %q %q, want data image/png \"1\"", got.Data, got.ContentType, got.ETag)
	}
}

func TestMemoryDefaults(t *testing.T) {
	// A negative budget means the default: a 16 MiB entry, under 1/8 of
	// 256 MiB, is stored.
	for _, opts := range []*cache.MemoryOptions{nil, {}, {MaxBytes: -1}} {
		m := cache.NewMemory(opts)
		mustSet(t, m, "big", entry(16<<20))
		if !hit(t, m, "big") {
			t.Errorf("NewMemory(%+v): a 16 MiB entry was not stored", opts)
		}
	}
	var zero cache.Memory
	if zero.Len() != 0 || zero.Bytes() != 0 {
		t.Error("the zero Memory is not empty")
	}
	if err := zero.Delete(context.Background(), "a"); err != nil {
		t.Error(err)
	}
	if hit(t, &zero, "a") {
		t.Error("the zero Memory has an entry")
	}
}

func TestMemoryGetHitDoesNotAllocate(t *testing.T) {
	m := cache.NewMemory(nil)
	mustSet(t, m, "photos/dog.jpg?w=300", entry(1000))
	ctx := context.Background()
	allocs := testing.AllocsPerRun(100, func() {
		if _, err := m.Get(ctx, "photos/dog.jpg?w=300"); err != nil {
			panic(err)
		}
	})
	if allocs != 0 {
		t.Errorf("Get hit: %v allocations, want 0", allocs)
	}
	allocs = testing.AllocsPerRun(100, func() {
		if _, err := m.Get(ctx, "absent"); !errors.Is(err, cache.ErrMiss) {
			panic(err)
		}
	})
	if allocs != 0 {
		t.Errorf("Get miss: %v allocations, want 0", allocs)
	}
}

func BenchmarkMemoryGetHit(b *testing.B) {
	m := cache.NewMemory(nil)
	ctx := context.Background()
	keys := make([]string, 1024)
	for i := range keys {
		keys[i] = fmt.Sprintf("photos/%d.jpg?w=300&fm=webp", i)
		if err := m.Set(ctx, keys[i], entry(4096)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := m.Get(ctx, keys[i%len(keys)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func BenchmarkMemoryGetHitParallel(b *testing.B) {
	m := cache.NewMemory(nil)
	ctx := context.Background()
	keys := make([]string, 1024)
	for i := range keys {
		keys[i] = fmt.Sprintf("photos/%d.jpg?w=300&fm=webp", i)
		if err := m.Set(ctx, keys[i], entry(4096)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			if _, err := m.Get(ctx, keys[i%len(keys)]); err != nil {
				b.Error(err)
				return
			}
			i++
		}
	})
}

// BenchmarkMemorySet stores 4 KiB entries under 64Ki distinct keys in a
// 16 MiB cache, so most sets also evict.
func BenchmarkMemorySet(b *testing.B) {
	m := cache.NewMemory(&cache.MemoryOptions{MaxBytes: 16 << 20})
	ctx := context.Background()
	keys := make([]string, 1<<16)
	for i := range keys {
		keys[i] = fmt.Sprintf("photos/%d.jpg?w=300&fm=webp", i)
	}
	e := entry(4096)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if err := m.Set(ctx, keys[i%len(keys)], e); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
