package cache_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"github.com/rendition-go/rendition/internal/testclock"
	"io"
	"math/rand/v2"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"gocloud.dev/blob"
	"gocloud.dev/blob/driver"
	"gocloud.dev/blob/fileblob"
	"gocloud.dev/blob/memblob"
	"gocloud.dev/gcerrors"

	"github.com/rendition-go/rendition/cache"
	"github.com/rendition-go/rendition/cache/cachetest"
)

// blobBackend makes empty blob buckets to test the Bucket tier over.
type blobBackend struct {
	name string
	open func(t testing.TB) *blob.Bucket
}

// blobBackends are the buckets the Bucket tier is tested over, as
// [cache.OpenBucket] would open them.
var blobBackends = []blobBackend{
	{"memblob", func(t testing.TB) *blob.Bucket {
		b := memblob.OpenBucket(nil)
		t.Cleanup(func() { b.Close() })
		return b
	}},
	{"fileblob", func(t testing.TB) *blob.Bucket {
		// The options OpenBucket sets for a file URL.
		b, err := fileblob.OpenBucket(t.TempDir(), &fileblob.Options{
			Metadata:  fileblob.MetadataDontWrite,
			NoTempDir: true,
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { b.Close() })
		return b
	}},
}

// fileblobWithAttributes is a fileblob bucket with the driver's default
// options, which keep a file of attributes beside each object and rewrite
// it in place: a Get racing a Set of the same key can then fail, so it is
// not used for the concurrent tests.
var fileblobWithAttributes = blobBackend{"fileblob with attributes", func(t testing.TB) *blob.Bucket {
	b, err := fileblob.OpenBucket(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}}

func TestBucketConformance(t *testing.T) {
	for _, bk := range blobBackends {
		t.Run(bk.name, func(t *testing.T) {
			cachetest.Run(t, func(t *testing.T) cache.Cache {
				return cache.NewBucket(bk.open(t), nil)
			})
		})
	}
	t.Run("memblob with prefix", func(t *testing.T) {
		cachetest.Run(t, func(t *testing.T) cache.Cache {
			return cache.NewBucket(blobBackends[0].open(t), &cache.BucketOptions{Prefix: "rendition/"})
		})
	})
	t.Run("OpenBucket mem", func(t *testing.T) {
		cachetest.Run(t, func(t *testing.T) cache.Cache {
			c, err := cache.OpenBucket(context.Background(), "mem://", nil)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				if err := c.Close(); err != nil {
					t.Errorf("Close: %v", err)
				}
			})
			return c
		})
	})
	t.Run("OpenBucket file", func(t *testing.T) {
		cachetest.Run(t, func(t *testing.T) cache.Cache {
			u := url.URL{Scheme: "file", Path: t.TempDir()}
			c, err := cache.OpenBucket(context.Background(), u.String(), nil)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { c.Close() })
			return c
		})
	})
}

func TestNewBucketDoesNotOwn(t *testing.T) {
	b := memblob.OpenBucket(nil)
	defer b.Close()
	c := cache.NewBucket(b, nil)
	if err := c.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := b.WriteAll(context.Background(), "x", []byte("x"), nil); err != nil {
		t.Errorf("the blob.Bucket was closed by Bucket.Close: %v", err)
	}
}

// objects returns the names of the objects in b, with their contents.
func objects(t *testing.T, b *blob.Bucket) map[string][]byte {
	t.Helper()
	ctx := context.Background()
	m := map[string][]byte{}
	it := b.List(nil)
	for {
		o, err := it.Next(ctx)
		if err == io.EOF {
			return m
		}
		if err != nil {
			t.Fatalf("List: %v", err)
		}
		data, err := b.ReadAll(ctx, o.Key)
		if err != nil {
			t.Fatalf("ReadAll(%q): %v", o.Key, err)
		}
		m[o.Key] = data
	}
}

// onlyObject returns the name and content of the one object in b.
func onlyObject(t *testing.T, b *blob.Bucket) (string, []byte) {
	t.Helper()
	objs := objects(t, b)
	if len(objs) != 1 {
		t.Fatalf("bucket holds %d objects, want 1", len(objs))
	}
	for k, v := range objs {
		return k, v
	}
	panic("unreachable")
}

func TestBucketObjectNames(t *testing.T) {
	tests := []struct {
		prefix, key, want string
	}{
		{"", "v1/3fa2/9c01", "v1/3fa2/9c01.entry"},
		{"rendition/", "v1/3fa2/9c01", "rendition/v1/3fa2/9c01.entry"},
		{"", "Photos/dog 1.jpg", "!50hotos/dog!201.jpg.entry"},
		{"", "a.entry/b", "a!2eentry/b.entry"},
		{"", "a.entry", "a!2eentry.entry"},
		{"", "../x", "!2e!2e/x.entry"},
		{"", "./x/", "!2e/x/!.entry"},
		{"", "/a//b", "!/a/!/b.entry"},
		{"", "", "!.entry"},
		{"", "!h/x", "!21h/x.entry"},
		{"", "ünï/~%", "!c3!bcn!c3!af/!7e!25.entry"},
		{"", strings.Repeat("long/", 200), hashedName(strings.Repeat("long/", 200))},
		{"p/", strings.Repeat("x", 201), "p/" + hashedName(strings.Repeat("x", 201))},
		{"", strings.Repeat("x", 194), strings.Repeat("x", 194) + ".entry"},
		{"", strings.Repeat("x", 195), hashedName(strings.Repeat("x", 195))},
		{"", strings.Repeat("é", 50), hashedName(strings.Repeat("é", 50))},
	}
	for _, tt := range tests {
		b := memblob.OpenBucket(nil)
		c := cache.NewBucket(b, &cache.BucketOptions{Prefix: tt.prefix})
		if err := c.Set(context.Background(), tt.key, &cache.Entry{Data: []byte("x")}); err != nil {
			t.Fatalf("Set(%q): %v", tt.key, err)
		}
		name, _ := onlyObject(t, b)
		if name != tt.want {
			t.Errorf("key %.40q: object %q, want %q", tt.key, name, tt.want)
		}
		if _, err := c.Get(context.Background(), tt.key); err != nil {
			t.Errorf("Get(%.40q): %v", tt.key, err)
		}
		b.Close()
	}
}

// hashedName is the documented name of a key stored under its hash.
func hashedName(key string) string {
	h := fmt.Sprintf("%x", sha256.Sum256([]byte(key)))
	return "!h/" + h[:2] + "/" + h[2:] + ".entry"
}

// TestBucketNamesDistinct checks that keys that differ only in case, or
// in what escaping could confuse, are stored apart even in a store that
// ignores case.
func TestBucketNamesDistinct(t *testing.T) {
	keys := []string{"a", "A", "a/b", "a/B", "!61", "a.entry", "a.entry/b", "a/", "a//", "/a",
		"", ".", "..", "...", "!", "!h", strings.Repeat("x", 300), strings.Repeat("X", 300)}
	for _, bk := range blobBackends {
		t.Run(bk.name, func(t *testing.T) {
			b := bk.open(t)
			c := cache.NewBucket(b, nil)
			ctx := context.Background()
			for _, k := range keys {
				if err := c.Set(ctx, k, &cache.Entry{Data: []byte("entry of " + k)}); err != nil {
					t.Fatalf("Set(%q): %v", k, err)
				}
			}
			for _, k := range keys {
				e, err := c.Get(ctx, k)
				if err != nil {
					t.Errorf("Get(%q): %v", k, err)
				} else if string(e.Data) != "entry of "+k {
					t.Errorf("Get(%q) = %q", k, e.Data)
				}
			}
			seen := map[string]string{}
			for name := range objects(t, b) {
				folded := strings.ToLower(name)
				if other, ok := seen[folded]; ok {
					t.Errorf("objects %q and %q differ only in case", name, other)
				}
				seen[folded] = name
			}
			if len(seen) != len(keys) {
				t.Errorf("%d keys stored as %d objects", len(keys), len(seen))
			}
		})
	}
}

// sample is the entry the fault tests store and damage.
func sample() *cache.Entry {
	return &cache.Entry{
		Data:        bytes.Repeat([]byte("0123456789abcdef"), 64),
		ContentType: "image/webp",
		ETag:        `"sample"`,
		ModTime:     time.Date(2024, 2, 29, 12, 30, 45, 0, time.UTC),
		Expires:     time.Now().Add(time.Hour),
		Status:      200,
	}
}

func TestBucketCorruptObjects(t *testing.T) {
	const key = "v1/ab12/cd34"
	random := make([]byte, 5000)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range random {
		random[i] = byte(rng.Uint32())
	}
	tests := []struct {
		name   string
		damage func(obj []byte) []byte
	}{
		{"flipped byte in data", func(obj []byte) []byte { obj[len(obj)/2] ^= 0x20; return obj }},
		{"flipped byte in header", func(obj []byte) []byte { obj[10] ^= 0x01; return obj }},
		{"flipped byte in checksum", func(obj []byte) []byte { obj[len(obj)-1] ^= 0xff; return obj }},
		{"truncated by one byte", func(obj []byte) []byte { return obj[:len(obj)-1] }},
		{"truncated to half", func(obj []byte) []byte { return obj[:len(obj)/2] }},
		{"truncated to the magic", func(obj []byte) []byte { return obj[:4] }},
		{"empty", func(obj []byte) []byte { return nil }},
		{"extended", func(obj []byte) []byte { return append(obj, obj...) }},
		{"wrong magic", func(obj []byte) []byte { obj[0] = 'X'; return obj }},
		{"wrong version", func(obj []byte) []byte { obj[4] = 9; return obj }},
		{"random bytes", func(obj []byte) []byte { return random }},
		{"a JSON document", func(obj []byte) []byte { return []byte(`{"data":"hello"}`) }},
	}
	for _, bk := range append(blobBackends, fileblobWithAttributes) {
		for _, tt := range tests {
			t.Run(bk.name+"/"+tt.name, func(t *testing.T) {
				ctx := context.Background()
				b := bk.open(t)
				c := cache.NewBucket(b, nil)
				if err := c.Set(ctx, key, sample()); err != nil {
					t.Fatalf("Set: %v", err)
				}
				name, obj := onlyObject(t, b)
				if err := b.WriteAll(ctx, name, tt.damage(obj), nil); err != nil {
					t.Fatalf("writing the damaged object: %v", err)
				}

				e, err := c.Get(ctx, key)
				if err == nil {
					t.Fatalf("Get served a damaged object: %d bytes of Data", len(e.Data))
				}
				if !errors.Is(err, cache.ErrMiss) {
					t.Errorf("Get = %v, want an error wrapping ErrMiss", err)
				}
				if ok, err := b.Exists(ctx, name); err != nil || ok {
					t.Errorf("after Get, Exists(%q) = %v, %v; want the damaged object deleted", name, ok, err)
				}

				// The key works again.
				want := sample()
				if err := c.Set(ctx, key, want); err != nil {
					t.Fatalf("Set after the damage: %v", err)
				}
				if got, err := c.Get(ctx, key); err != nil || !bytes.Equal(got.Data, want.Data) {
					t.Errorf("Get after a new Set = %v, want the new entry", err)
				}
			})
		}
	}
}

// TestBucketOtherKeysObject checks that an object holding another key's
// entry is not served, should two keys ever share a name.
func TestBucketOtherKeysObject(t *testing.T) {
	ctx := context.Background()
	b := memblob.OpenBucket(nil)
	defer b.Close()
	c := cache.NewBucket(b, nil)
	if err := c.Set(ctx, "a", sample()); err != nil {
		t.Fatal(err)
	}
	if err := b.Copy(ctx, "b.entry", "a.entry", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Get(ctx, "a"); err != nil {
		t.Fatalf("Get(a): %v", err)
	}
	if e, err := c.Get(ctx, "b"); !errors.Is(err, cache.ErrMiss) {
		t.Errorf("Get(b) of a's object = %v, %v; want a miss", e, err)
	}
}

func TestBucketExpiry(t *testing.T) {
	ctx := context.Background()
	clock := testclock.New(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	b := memblob.OpenBucket(nil)
	defer b.Close()
	c := cache.NewBucket(b, &cache.BucketOptions{Now: clock.Now})

	e := sample()
	e.Expires = clock.Now().Add(time.Minute)
	if err := c.Set(ctx, "k", e); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Get(ctx, "k"); err != nil {
		t.Fatalf("Get before expiry: %v", err)
	}
	clock.Advance(time.Minute)
	if _, err := c.Get(ctx, "k"); !errors.Is(err, cache.ErrMiss) {
		t.Fatalf("Get at expiry = %v, want a miss", err)
	}
	if n := len(objects(t, b)); n != 0 {
		t.Errorf("the expired object was not deleted: %d objects left", n)
	}

	// An expired entry is not stored, and drops the live one.
	live := sample()
	live.Expires = clock.Now().Add(time.Hour)
	if err := c.Set(ctx, "k", live); err != nil {
		t.Fatal(err)
	}
	dead := sample()
	dead.Expires = clock.Now()
	if err := c.Set(ctx, "k", dead); err != nil {
		t.Fatalf("Set of an expired entry = %v, want nil", err)
	}
	if n := len(objects(t, b)); n != 0 {
		t.Errorf("Set of an expired entry left %d objects, want 0", n)
	}
}

func TestBucketSetRejects(t *testing.T) {
	ctx := context.Background()
	b := memblob.OpenBucket(nil)
	defer b.Close()
	c := cache.NewBucket(b, nil)
	tests := []struct {
		name string
		key  string
		e    *cache.Entry
		want string
	}{
		{"nil entry", "k", nil, "nil entry"},
		{"long key", strings.Repeat("k", 1<<16), &cache.Entry{}, "key is 65536 bytes"},
		{"long ETag", "k", &cache.Entry{ETag: strings.Repeat("e", 1<<16)}, "ETag is 65536 bytes"},
		{"year 10000", "k", &cache.Entry{Expires: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}, "years 1 to 9999"},
	}
	for _, tt := range tests {
		err := c.Set(ctx, tt.key, tt.e)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: Set = %v, want an error saying %q", tt.name, err, tt.want)
		}
	}
	if n := len(objects(t, b)); n != 0 {
		t.Errorf("rejected Sets left %d objects", n)
	}
}

// faultyDriver is a blob driver over an inner bucket that can hang or fail
// writes. The methods the Bucket tier does not use are left to the nil
// embedded interface.
type faultyDriver struct {
	driver.Bucket
	inner *blob.Bucket

	// hang makes every operation block until its context is done.
	hang bool
	// failWriteAfter, if positive, makes a write fail once it has
	// passed on that many bytes.
	failWriteAfter int
	// failDelete makes every delete fail.
	failDelete bool
	// sizeError is added to the size a reader announces.
	sizeError int64
}

func (d *faultyDriver) ErrorCode(err error) gcerrors.ErrorCode {
	if errors.Is(err, context.DeadlineExceeded) {
		return gcerrors.DeadlineExceeded
	}
	if errors.Is(err, context.Canceled) {
		return gcerrors.Canceled
	}
	return gcerrors.Code(err)
}

func (d *faultyDriver) As(any) bool               { return false }
func (d *faultyDriver) ErrorAs(error, any) bool   { return false }
func (d *faultyDriver) Close() error              { return nil }
func (d *faultyDriver) block(ctx context.Context) { <-ctx.Done() }

func (d *faultyDriver) NewRangeReader(ctx context.Context, key string, offset, length int64, opts *driver.ReaderOptions) (driver.Reader, error) {
	if d.hang {
		d.block(ctx)
		return nil, ctx.Err()
	}
	r, err := d.inner.NewRangeReader(ctx, key, offset, length, nil)
	if err != nil {
		return nil, err
	}
	return &faultyReader{r, d.sizeError}, nil
}

type faultyReader struct {
	r         *blob.Reader
	sizeError int64
}

func (r *faultyReader) Read(p []byte) (int, error) { return r.r.Read(p) }
func (r *faultyReader) Close() error               { return r.r.Close() }
func (r *faultyReader) As(any) bool                { return false }
func (r *faultyReader) Attributes() *driver.ReaderAttributes {
	return &driver.ReaderAttributes{ContentType: r.r.ContentType(), ModTime: r.r.ModTime(), Size: r.r.Size() + r.sizeError}
}

func (d *faultyDriver) NewTypedWriter(ctx context.Context, key, contentType string, opts *driver.WriterOptions) (driver.Writer, error) {
	if d.hang {
		d.block(ctx)
		return nil, ctx.Err()
	}
	w, err := d.inner.NewWriter(ctx, key, &blob.WriterOptions{ContentType: contentType})
	if err != nil {
		return nil, err
	}
	return &faultyWriter{w: w, left: d.failWriteAfter}, nil
}

type faultyWriter struct {
	w      *blob.Writer
	left   int // bytes until the failure, if positive
	failed bool
}

var errInjected = errors.New("injected write failure")

func (w *faultyWriter) Write(p []byte) (int, error) {
	switch {
	case w.failed:
		return 0, errInjected
	case w.left > 0 && len(p) >= w.left:
		n, _ := w.w.Write(p[:w.left])
		w.failed = true
		return n, errInjected
	case w.left > 0:
		w.left -= len(p)
	}
	return w.w.Write(p)
}

func (w *faultyWriter) Close() error { return w.w.Close() }

func (d *faultyDriver) Delete(ctx context.Context, key string, opts *driver.DeleteOptions) error {
	if d.hang {
		d.block(ctx)
		return ctx.Err()
	}
	if d.failDelete {
		return errors.New("injected delete failure")
	}
	return d.inner.Delete(ctx, key)
}

// TestBucketFailedWrite checks that a write failing halfway leaves no part
// of the new entry visible: the older entry stays whole if it cannot be
// deleted, and is deleted otherwise.
func TestBucketFailedWrite(t *testing.T) {
	for _, failDelete := range []bool{true, false} {
		t.Run(fmt.Sprintf("failDelete=%v", failDelete), func(t *testing.T) {
			ctx := context.Background()
			inner := memblob.OpenBucket(nil)
			defer inner.Close()
			d := &faultyDriver{inner: inner}
			b := blob.NewBucket(d)
			defer b.Close()
			c := cache.NewBucket(b, nil)

			old := sample()
			if err := c.Set(ctx, "k", old); err != nil {
				t.Fatalf("Set: %v", err)
			}
			_, oldObj := onlyObject(t, inner)

			d.failWriteAfter = 100 // within the data of the entry
			d.failDelete = failDelete
			newer := sample()
			newer.ETag = `"newer"`
			if err := c.Set(ctx, "k", newer); !errors.Is(err, errInjected) {
				t.Fatalf("Set with a failing write = %v, want the write's error", err)
			}
			objs := objects(t, inner)
			if failDelete {
				if obj := objs["k.entry"]; len(objs) != 1 || !bytes.Equal(obj, oldObj) {
					t.Errorf("after a failed write the bucket holds %d objects, want the older one unchanged", len(objs))
				}
				if got, err := c.Get(ctx, "k"); err != nil || got.ETag != old.ETag {
					t.Errorf("Get after a failed write = %v, want the older entry", err)
				}
				return
			}
			if len(objs) != 0 {
				t.Errorf("after a failed write the bucket holds %d objects, want none", len(objs))
			}
			if e, err := c.Get(ctx, "k"); !errors.Is(err, cache.ErrMiss) {
				t.Errorf("Get after a failed write = %v, %v; want a miss", e, err)
			}
		})
	}
}

// TestBucketSizeMismatch checks that an object whose length is not the one
// announced, as when it is replaced while being read, is a miss and is not
// deleted.
func TestBucketSizeMismatch(t *testing.T) {
	for _, sizeError := range []int64{-1, 1} {
		t.Run(fmt.Sprintf("size%+d", sizeError), func(t *testing.T) {
			ctx := context.Background()
			inner := memblob.OpenBucket(nil)
			defer inner.Close()
			d := &faultyDriver{inner: inner}
			b := blob.NewBucket(d)
			defer b.Close()
			c := cache.NewBucket(b, nil)
			if err := c.Set(ctx, "k", sample()); err != nil {
				t.Fatal(err)
			}
			d.sizeError = sizeError
			if e, err := c.Get(ctx, "k"); !errors.Is(err, cache.ErrMiss) {
				t.Errorf("Get = %v, %v; want a miss", e, err)
			}
			d.sizeError = 0
			if _, err := c.Get(ctx, "k"); err != nil {
				t.Errorf("Get with the size right = %v, want the entry, not deleted", err)
			}
		})
	}
}

// TestBucketTimeout checks that a hanging service is abandoned after the
// Timeout, with an error that is not a miss.
func TestBucketTimeout(t *testing.T) {
	inner := memblob.OpenBucket(nil)
	defer inner.Close()
	b := blob.NewBucket(&faultyDriver{inner: inner, hang: true})
	defer b.Close()
	c := cache.NewBucket(b, &cache.BucketOptions{Timeout: 10 * time.Millisecond})
	ctx := context.Background()

	_, err := c.Get(ctx, "k")
	if err == nil || errors.Is(err, cache.ErrMiss) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Get = %v, want a deadline error that is not a miss", err)
	} else if !strings.Contains(err.Error(), "within the timeout of 10ms") {
		t.Errorf("Get = %q, want it to name the timeout", err)
	}
	if err := c.Set(ctx, "k", sample()); err == nil || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Set = %v, want a deadline error", err)
	}
	if err := c.Delete(ctx, "k"); err == nil || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Delete = %v, want a deadline error", err)
	}

	// The caller's context still counts.
	cctx, cancel := context.WithCancel(ctx)
	c = cache.NewBucket(b, &cache.BucketOptions{Timeout: -1})
	go cancel()
	if _, err := c.Get(cctx, "k"); !errors.Is(err, context.Canceled) {
		t.Errorf("Get with no Timeout and a cancelled context = %v, want context.Canceled", err)
	}
}

func TestBucketNil(t *testing.T) {
	c := cache.NewBucket(nil, nil)
	ctx := context.Background()
	if _, err := c.Get(ctx, "k"); err == nil {
		t.Error("Get on a Bucket without a blob.Bucket succeeded")
	}
	if err := c.Set(ctx, "k", sample()); err == nil {
		t.Error("Set on a Bucket without a blob.Bucket succeeded")
	}
	if err := c.Delete(ctx, "k"); err == nil {
		t.Error("Delete on a Bucket without a blob.Bucket succeeded")
	}
	if err := c.Close(); err != nil {
		t.Errorf("Close = %v", err)
	}
}

// checkedEntry returns an entry whose fields all derive from (w, i), so a
// reader can tell a whole entry from a torn one.
func checkedEntry(w, i, size int) *cache.Entry {
	tag := fmt.Sprintf("%d.%d", w, i)
	data := bytes.Repeat([]byte(tag+";"), size/(len(tag)+1))
	return &cache.Entry{Data: data, ContentType: "image/x-" + tag, ETag: `"` + tag + `"`}
}

// checkWhole reports whether e is one of the entries checkedEntry makes.
func checkWhole(e *cache.Entry) error {
	tag, ok := strings.CutPrefix(e.ContentType, "image/x-")
	if !ok {
		return fmt.Errorf("ContentType %q", e.ContentType)
	}
	if e.ETag != `"`+tag+`"` {
		return fmt.Errorf("ETag %s with ContentType %q", e.ETag, e.ContentType)
	}
	unit := []byte(tag + ";")
	if len(e.Data) == 0 || len(e.Data)%len(unit) != 0 || !bytes.Equal(e.Data, bytes.Repeat(unit, len(e.Data)/len(unit))) {
		return fmt.Errorf("Data of %d bytes is not all %q", len(e.Data), unit)
	}
	return nil
}

// TestConcurrentWritersSameKey checks that writers racing on one key never
// leave a torn entry: every Get returns one writer's whole entry.
func TestConcurrentWritersSameKey(t *testing.T) {
	type backend struct {
		name string
		make func(t *testing.T) cache.Cache
	}
	var backends []backend
	for _, bk := range blobBackends {
		backends = append(backends, backend{"Bucket over " + bk.name, func(t *testing.T) cache.Cache {
			return cache.NewBucket(bk.open(t), nil)
		}})
	}
	backends = append(backends, backend{"Tiered", func(t *testing.T) cache.Cache {
		return cache.NewTiered(cache.NewMemory(nil), cache.NewBucket(blobBackends[0].open(t), nil))
	}})
	for _, bk := range backends {
		t.Run(bk.name, func(t *testing.T) {
			c := bk.make(t)
			ctx := context.Background()
			const (
				writers = 4
				readers = 4
				rounds  = 30
			)
			var wg sync.WaitGroup
			errs := make(chan error, writers*rounds+readers*rounds)
			for w := range writers {
				wg.Go(func() {
					for i := range rounds {
						if err := c.Set(ctx, "same", checkedEntry(w, i, 20_000+w*1000)); err != nil {
							errs <- fmt.Errorf("Set: %w", err)
						}
					}
				})
			}
			for range readers {
				wg.Go(func() {
					for range rounds {
						e, err := c.Get(ctx, "same")
						if errors.Is(err, cache.ErrMiss) {
							continue
						}
						if err != nil {
							errs <- fmt.Errorf("Get: %w", err)
							continue
						}
						if err := checkWhole(e); err != nil {
							errs <- fmt.Errorf("Get returned a torn entry: %w", err)
						}
					}
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Error(err)
			}
			e, err := c.Get(ctx, "same")
			if err != nil {
				t.Fatalf("Get after the writers: %v", err)
			}
			if err := checkWhole(e); err != nil {
				t.Errorf("final entry is torn: %v", err)
			}
		})
	}
}

func benchEntry() *cache.Entry {
	data := make([]byte, 50_000)
	for i := range data {
		data[i] = byte(i * 7)
	}
	return &cache.Entry{
		Data:        data,
		ContentType: "image/webp",
		ETag:        `"0123456789abcdef"`,
		ModTime:     time.Date(2024, 2, 29, 12, 30, 45, 0, time.UTC),
		Expires:     time.Now().Add(24 * time.Hour),
		Status:      200,
	}
}

func BenchmarkBucketGet(b *testing.B) {
	for _, bk := range blobBackends {
		b.Run(bk.name, func(b *testing.B) {
			c := cache.NewBucket(bk.open(b), nil)
			ctx := context.Background()
			e := benchEntry()
			const key = "v1/3fa29c01/5be7d4aa"
			if err := c.Set(ctx, key, e); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(e.Data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.Get(ctx, key); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkBucketSet(b *testing.B) {
	for _, bk := range blobBackends {
		b.Run(bk.name, func(b *testing.B) {
			c := cache.NewBucket(bk.open(b), nil)
			ctx := context.Background()
			e := benchEntry()
			const key = "v1/3fa29c01/5be7d4aa"
			b.SetBytes(int64(len(e.Data)))
			b.ReportAllocs()
			for b.Loop() {
				if err := c.Set(ctx, key, e); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
