package cache_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log"
	"strings"
	"sync"
	"testing"
	"time"

	"gocloud.dev/blob"
	"gocloud.dev/blob/memblob"

	"github.com/rendition-go/rendition/cache"
	"github.com/rendition-go/rendition/cache/cachetest"
)

func TestTieredConformance(t *testing.T) {
	t.Run("Memory,Bucket", func(t *testing.T) {
		cachetest.Run(t, func(t *testing.T) cache.Cache {
			return cache.NewTiered(cache.NewMemory(nil), cache.NewBucket(blobBackends[0].open(t), nil))
		})
	})
	t.Run("Memory,Bucket over fileblob", func(t *testing.T) {
		cachetest.Run(t, func(t *testing.T) cache.Cache {
			return cache.NewTiered(cache.NewMemory(nil), cache.NewBucket(blobBackends[1].open(t), nil))
		})
	})
	t.Run("Memory", func(t *testing.T) {
		cachetest.Run(t, func(t *testing.T) cache.Cache { return cache.NewTiered(cache.NewMemory(nil)) })
	})
}

// fakeTier is a Cache over a Memory that counts its calls and can be made
// to fail or hang. It is safe for concurrent use.
type fakeTier struct {
	mem *cache.Memory

	mu   sync.Mutex
	err  error // returned by every method, if set
	hang bool  // every method blocks until its context is done
	sets int
}

func newFakeTier() *fakeTier { return &fakeTier{mem: cache.NewMemory(nil)} }

func (f *fakeTier) fault(ctx context.Context) error {
	f.mu.Lock()
	err, hang := f.err, f.hang
	f.mu.Unlock()
	if hang {
		<-ctx.Done()
		return ctx.Err()
	}
	return err
}

func (f *fakeTier) Get(ctx context.Context, key string) (*cache.Entry, error) {
	if err := f.fault(ctx); err != nil {
		return nil, err
	}
	return f.mem.Get(ctx, key)
}

func (f *fakeTier) Set(ctx context.Context, key string, e *cache.Entry) error {
	f.mu.Lock()
	f.sets++
	f.mu.Unlock()
	if err := f.fault(ctx); err != nil {
		return err
	}
	return f.mem.Set(ctx, key, e)
}

func (f *fakeTier) Delete(ctx context.Context, key string) error {
	if err := f.fault(ctx); err != nil {
		return err
	}
	return f.mem.Delete(ctx, key)
}

func (f *fakeTier) setCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.sets
}

func TestTieredPromotion(t *testing.T) {
	ctx := context.Background()
	t1, t2, t3 := cache.NewMemory(nil), cache.NewMemory(nil), cache.NewMemory(nil)
	c := cache.NewTiered(t1, t2, t3)
	want := sample()
	mustSet(t, t3, "k", want)

	got, err := c.Get(ctx, "k")
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if !bytes.Equal(got.Data, want.Data) || got.ETag != want.ETag {
		t.Fatalf("Get returned another entry: ETag %s", got.ETag)
	}
	for i, tier := range []*cache.Memory{t1, t2} {
		if !hit(t, tier, "k") {
			t.Errorf("tier %d: the entry was not promoted", i)
		}
	}

	// A hit in the second tier is promoted into the first only.
	mustSet(t, t2, "j", want)
	if _, err := c.Get(ctx, "j"); err != nil {
		t.Fatalf("Get: %v", err)
	}
	if !hit(t, t1, "j") {
		t.Error("tier 0: the entry was not promoted")
	}
	if hit(t, t3, "j") {
		t.Error("tier 2: a later tier was written by promotion")
	}
}

func TestTieredSkipsFailingTier(t *testing.T) {
	ctx := context.Background()
	broken := newFakeTier()
	broken.err = errors.New("tier on fire")
	first, last := cache.NewMemory(nil), cache.NewMemory(nil)
	c := cache.NewTiered(first, broken, last)
	want := sample()
	mustSet(t, last, "k", want)

	got, err := c.Get(ctx, "k")
	if err != nil {
		t.Fatalf("Get with a failing tier = %v, want the last tier's entry", err)
	}
	if got.ETag != want.ETag {
		t.Errorf("Get returned ETag %s, want %s", got.ETag, want.ETag)
	}
	if !hit(t, first, "k") {
		t.Error("the entry was not promoted into the tier that missed")
	}
	if n := broken.setCount(); n != 0 {
		t.Errorf("the failing tier was promoted into %d times, want 0", n)
	}

	// With no tier holding the entry, the failure is reported with the
	// miss.
	_, err = c.Get(ctx, "absent")
	if !errors.Is(err, cache.ErrMiss) {
		t.Fatalf("Get of an absent key = %v, want a miss", err)
	}
	if !strings.Contains(err.Error(), "tier 1") || !strings.Contains(err.Error(), "tier on fire") {
		t.Errorf("Get of an absent key = %q, want it to report tier 1's failure", err)
	}

	// A plain miss says nothing more.
	if _, err := cache.NewTiered(first, last).Get(ctx, "absent"); err != cache.ErrMiss {
		t.Errorf("Get of an absent key with healthy tiers = %v, want ErrMiss", err)
	}
}

// TestTieredHangingTier checks that a tier that hangs is abandoned after its
// own timeout, and the next tier answers.
func TestTieredHangingTier(t *testing.T) {
	ctx := context.Background()
	inner := memblob.OpenBucket(nil)
	defer inner.Close()
	b := blob.NewBucket(&faultyDriver{inner: inner, hang: true})
	defer b.Close()
	hanging := cache.NewBucket(b, &cache.BucketOptions{Timeout: 10 * time.Millisecond})
	mem := cache.NewMemory(nil)
	want := sample()
	mustSet(t, mem, "k", want)

	c := cache.NewTiered(hanging, mem)
	got, err := c.Get(ctx, "k")
	if err != nil {
		t.Fatalf("Get past a hanging tier = %v, want the next tier's entry", err)
	}
	if got.ETag != want.ETag {
		t.Errorf("Get returned ETag %s, want %s", got.ETag, want.ETag)
	}

	// Set and Delete report the hanging tier, having done the others.
	if err := c.Set(ctx, "j", want); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Set = %v, want the hanging tier's deadline error", err)
	}
	if !hit(t, mem, "j") {
		t.Error("Set did not write the healthy tier")
	}
	if err := c.Delete(ctx, "j"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Delete = %v, want the hanging tier's deadline error", err)
	}
	if hit(t, mem, "j") {
		t.Error("Delete did not delete from the healthy tier")
	}
}

// TestTieredHangingCache checks that a tier that blocks until its context
// is done, and has no timeout of its own, holds a Get only until the
// caller's deadline, after which the next tier still answers.
func TestTieredHangingCache(t *testing.T) {
	hanging := newFakeTier()
	hanging.hang = true
	mem := cache.NewMemory(nil)
	want := sample()
	mustSet(t, mem, "k", want)

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	got, err := cache.NewTiered(hanging, mem).Get(ctx, "k")
	if err != nil {
		t.Fatalf("Get = %v, want the next tier's entry", err)
	}
	if got.ETag != want.ETag {
		t.Errorf("Get returned ETag %s, want %s", got.ETag, want.ETag)
	}
}

func TestTieredSetWritesAll(t *testing.T) {
	ctx := context.Background()
	a, c := cache.NewMemory(nil), cache.NewMemory(nil)
	broken := newFakeTier()
	errFull := errors.New("disk full")
	broken.err = errFull
	tc := cache.NewTiered(a, broken, c)

	err := tc.Set(ctx, "k", sample())
	if !errors.Is(err, errFull) {
		t.Fatalf("Set = %v, want the failing tier's error", err)
	}
	if !strings.Contains(err.Error(), "tier 1") {
		t.Errorf("Set error %q does not name tier 1", err)
	}
	for i, m := range []*cache.Memory{a, c} {
		if !hit(t, m, "k") {
			t.Errorf("healthy tier %d was not written", i)
		}
	}

	broken.err = nil
	if err := tc.Set(ctx, "k", sample()); err != nil {
		t.Fatalf("Set with healthy tiers = %v", err)
	}
	if !hit(t, broken, "k") {
		t.Error("tier 1 was not written")
	}
	if err := tc.Delete(ctx, "k"); err != nil {
		t.Fatalf("Delete = %v", err)
	}
	for i, tier := range []cache.Cache{a, broken, c} {
		if hit(t, tier, "k") {
			t.Errorf("tier %d still holds the entry after Delete", i)
		}
	}

	if err := tc.Set(ctx, "k", nil); err == nil {
		t.Error("Set with a nil entry = nil, want an error")
	}
}

func TestTieredNoTiers(t *testing.T) {
	ctx := context.Background()
	for _, c := range []*cache.Tiered{cache.NewTiered(), cache.NewTiered(nil, nil), new(cache.Tiered)} {
		if _, err := c.Get(ctx, "k"); !errors.Is(err, cache.ErrMiss) {
			t.Errorf("Get = %v, want a miss", err)
		}
		if err := c.Set(ctx, "k", sample()); err != nil {
			t.Errorf("Set = %v, want nil", err)
		}
		if err := c.Delete(ctx, "k"); err != nil {
			t.Errorf("Delete = %v, want nil", err)
		}
	}
	m := cache.NewMemory(nil)
	c := cache.NewTiered(nil, m, nil)
	mustSet(t, c, "k", sample())
	if !hit(t, m, "k") {
		t.Error("the one non-nil tier was not written")
	}
}

func BenchmarkTieredGet(b *testing.B) {
	ctx := context.Background()
	e := benchEntry()
	const key = "v1/3fa29c01/5be7d4aa"
	b.Run("memory hit", func(b *testing.B) {
		c := cache.NewTiered(cache.NewMemory(nil), cache.NewBucket(blobBackends[0].open(b), nil))
		if err := c.Set(ctx, key, e); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := c.Get(ctx, key); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("bucket hit and promotion", func(b *testing.B) {
		mem := cache.NewMemory(nil)
		bucket := cache.NewBucket(blobBackends[0].open(b), nil)
		if err := bucket.Set(ctx, key, e); err != nil {
			b.Fatal(err)
		}
		c := cache.NewTiered(mem, bucket)
		b.ReportAllocs()
		for b.Loop() {
			if err := mem.Delete(ctx, key); err != nil {
				b.Fatal(err)
			}
			if _, err := c.Get(ctx, key); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func ExampleTiered() {
	ctx := context.Background()

	// The program blank-imports the driver of its bucket, such as
	// gocloud.dev/blob/fileblob for "file:///var/cache/rendition" or
	// gocloud.dev/blob/s3blob for "s3://my-bucket?region=us-east-1".
	bucket, err := cache.OpenBucket(ctx, "mem://", &cache.BucketOptions{Prefix: "rendition/"})
	if err != nil {
		log.Fatal(err)
	}
	defer bucket.Close()
	memory := cache.NewMemory(&cache.MemoryOptions{MaxBytes: 64 << 20})
	c := cache.NewTiered(memory, bucket)

	// Set writes through to both tiers.
	err = c.Set(ctx, "v1/3fa2/9c01", &cache.Entry{
		Data:        []byte("...webp bytes..."),
		ContentType: "image/webp",
		ETag:        `"a1b2c3"`,
		Expires:     time.Now().Add(24 * time.Hour),
	})
	if err != nil {
		log.Fatal(err)
	}

	// After the memory tier loses the entry, the bucket answers, and the
	// entry is promoted back into memory.
	memory.Delete(ctx, "v1/3fa2/9c01")
	e, err := c.Get(ctx, "v1/3fa2/9c01")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(e.ContentType, e.ETag, memory.Len())
	// Output:
	// image/webp "a1b2c3" 1
}

func TestTieredStats(t *testing.T) {
	ctx := context.Background()
	fast, slow := cache.NewMemory(nil), cache.NewMemory(nil)
	c := cache.NewTiered(fast, slow)
	slow.Set(ctx, "k", &cache.Entry{Data: []byte("v")})
	c.Get(ctx, "k")    // fast misses, slow hits, promoted
	c.Get(ctx, "k")    // fast hits
	c.Get(ctx, "none") // both miss
	got := c.Stats()
	want := []cache.TierStats{{Hits: 1, Misses: 2}, {Hits: 1, Misses: 1}}
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("Stats() = %+v, want %+v", got, want)
	}
}
