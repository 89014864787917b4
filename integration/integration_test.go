package integration_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"gocloud.dev/blob"

	"github.com/rendition-go/rendition"
	"github.com/rendition-go/rendition/cache"
	"github.com/rendition-go/rendition/cache/cachetest"
	"github.com/rendition-go/rendition/source"
)

const (
	// photoCacheControl is stored with the original, for the source to
	// report.
	photoCacheControl = "public, max-age=3600"

	// bucketTimeout limits each operation of the cache tiers under test.
	// It is generous: the services share a busy machine with the tests,
	// and a timeout would turn a slow answer into a miss.
	bucketTimeout = 30 * time.Second

	// runHint tells how to provide the services the tests skip without.
	runHint = "start MinIO and Azurite with: bash .ci/services.sh go test -race ./integration/ (or source .ci/services.sh first)"
)

// testBackend runs every check against the bucket at bucketURL, a
// gocloud.dev/blob URL whose driver the test binary imports. Everything it
// writes is kept under a prefix of its own, removed at the end, so that
// runs sharing a bucket do not see each other's objects.
func testBackend(t *testing.T, bucketURL string) {
	ctx := context.Background()
	run := "rendition-test-" + randomHex(t) + "/"

	// raw is the bucket seen directly through gocloud.dev, for uploading
	// the original and cleaning up.
	raw, err := blob.OpenBucket(ctx, withPrefix(t, bucketURL, run))
	if err != nil {
		t.Fatalf("blob.OpenBucket: %v", err)
	}
	t.Cleanup(func() {
		removeAll(t, raw)
		if err := raw.Close(); err != nil {
			t.Errorf("closing the bucket: %v", err)
		}
	})

	photo := testJPEG(t)
	err = raw.WriteAll(ctx, "origin/photo.jpg", photo, &blob.WriterOptions{
		ContentType:  "image/jpeg",
		CacheControl: photoCacheControl,
	})
	if err != nil {
		t.Fatalf("uploading the original: %v", err)
	}
	attrs, err := raw.Attributes(ctx, "origin/photo.jpg")
	if err != nil {
		t.Fatalf("reading the original's attributes: %v", err)
	}

	origin := withPrefix(t, bucketURL, run+"origin/")
	t.Run("Source", func(t *testing.T) {
		testSource(t, origin, photo, attrs)
	})
	t.Run("CacheConformance", func(t *testing.T) {
		cachetest.Run(t, func(t *testing.T) cache.Cache {
			// Each subtest gets an empty cache: a prefix of its own.
			return openCache(t, bucketURL, run+"cache/"+t.Name()+"/")
		})
	})
	t.Run("SharedTier", func(t *testing.T) {
		testSharedTier(t, origin, bucketURL, run+"derivatives/")
	})
}

// testSource checks that source.OpenBucket serves the original uploaded
// under photo.jpg, with the metadata attrs the service reports for it, and
// reports a missing key as source.ErrNotFound.
func testSource(t *testing.T, origin string, photo []byte, attrs *blob.Attributes) {
	ctx := context.Background()
	src, err := source.OpenBucket(ctx, origin, nil)
	if err != nil {
		t.Fatalf("source.OpenBucket: %v", err)
	}
	t.Cleanup(func() {
		if err := src.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})

	obj, err := src.Open(ctx, "photo.jpg")
	if err != nil {
		t.Fatalf("Open(photo.jpg): %v", err)
	}
	body, err := io.ReadAll(obj.Body)
	if cerr := obj.Body.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatalf("reading photo.jpg: %v", err)
	}
	if !bytes.Equal(body, photo) {
		t.Errorf("body: got %d bytes, want the %d bytes uploaded", len(body), len(photo))
	}
	if obj.ContentType != "image/jpeg" {
		t.Errorf("ContentType = %q, want image/jpeg", obj.ContentType)
	}
	if obj.Size != int64(len(photo)) {
		t.Errorf("Size = %d, want %d", obj.Size, len(photo))
	}
	if obj.CacheControl != photoCacheControl {
		t.Errorf("CacheControl = %q, want %q", obj.CacheControl, photoCacheControl)
	}
	if obj.ETag == "" || obj.ETag != attrs.ETag {
		t.Errorf("ETag = %q, want the service's %q", obj.ETag, attrs.ETag)
	}
	// The body's modification time may come from a Last-Modified header,
	// to the second, and the attributes' from an API with finer times.
	if want := attrs.ModTime.Truncate(time.Second); obj.ModTime.IsZero() || !obj.ModTime.Truncate(time.Second).Equal(want) {
		t.Errorf("ModTime = %v, want the service's %v", obj.ModTime, want)
	}

	for _, key := range []string{"missing.jpg", "folder/missing.jpg", "photo.jpg/child", "PHOTO.JPG"} {
		obj, err := src.Open(ctx, key)
		if err == nil {
			obj.Body.Close()
			t.Errorf("Open(%q) = an object, want an error wrapping source.ErrNotFound", key)
		} else if !errors.Is(err, source.ErrNotFound) {
			t.Errorf("Open(%q) = %v, want an error wrapping source.ErrNotFound", key, err)
		}
	}
}

// testSharedTier checks that handlers sharing a bucket cache tier, each
// with its own memory tier in front as separate processes would have,
// render an image once: the second serves the first one's derivative.
func testSharedTier(t *testing.T, origin, bucketURL, prefix string) {
	newInstance := func() *rendition.Handler {
		src, err := source.OpenBucket(context.Background(), origin, nil)
		if err != nil {
			t.Fatalf("source.OpenBucket: %v", err)
		}
		t.Cleanup(func() {
			if err := src.Close(); err != nil {
				t.Errorf("closing the source: %v", err)
			}
		})
		h, err := rendition.New(src, &rendition.Options{
			Cache:  cache.NewTiered(cache.NewMemory(nil), openCache(t, bucketURL, prefix)),
			Logger: slog.New(slog.NewTextHandler(testWriter{t}, nil)),
		})
		if err != nil {
			t.Fatalf("rendition.New: %v", err)
		}
		return h
	}
	first, second := newInstance(), newInstance()

	var rendered []byte
	for _, step := range []struct {
		name      string
		h         *rendition.Handler
		wantCache string
	}{
		{"first instance renders", first, rendition.CacheMiss},
		{"first instance again, from memory", first, rendition.CacheHit},
		{"second instance, from the bucket", second, rendition.CacheHit},
	} {
		rec := httptest.NewRecorder()
		step.h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/photo.jpg?w=100", nil))
		res := rec.Result()
		body := rec.Body.Bytes()
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: status %d, want 200; body %q", step.name, res.StatusCode, body)
		}
		if ct := res.Header.Get("Content-Type"); ct != "image/jpeg" {
			t.Errorf("%s: Content-Type %q, want image/jpeg", step.name, ct)
		}
		if got := res.Header.Get("X-Cache"); got != step.wantCache {
			t.Errorf("%s: X-Cache %q, want %q", step.name, got, step.wantCache)
		}
		cfg, format, err := image.DecodeConfig(bytes.NewReader(body))
		if err != nil {
			t.Fatalf("%s: decoding the answer: %v", step.name, err)
		}
		if format != "jpeg" || cfg.Width != 100 {
			t.Errorf("%s: got a %s %dx%d, want a jpeg 100 px wide", step.name, format, cfg.Width, cfg.Height)
		}
		if rendered == nil {
			rendered = body
		} else if !bytes.Equal(body, rendered) {
			t.Errorf("%s: the answer differs from the first one", step.name)
		}
	}
}

// openCache opens a cache tier over the bucket at bucketURL, keeping its
// entries under prefix, and closes it at the end of the test.
func openCache(t *testing.T, bucketURL, prefix string) *cache.Bucket {
	t.Helper()
	c, err := cache.OpenBucket(context.Background(), bucketURL, &cache.BucketOptions{
		Prefix:  prefix,
		Timeout: bucketTimeout,
	})
	if err != nil {
		t.Fatalf("cache.OpenBucket: %v", err)
	}
	t.Cleanup(func() {
		if err := c.Close(); err != nil {
			t.Errorf("closing the cache: %v", err)
		}
	})
	return c
}

// withPrefix returns bucketURL with the query parameter prefix, which makes
// gocloud.dev/blob open the bucket as seen from under prefix.
func withPrefix(t *testing.T, bucketURL, prefix string) string {
	t.Helper()
	u, err := url.Parse(bucketURL)
	if err != nil {
		t.Fatalf("bucket URL: %v", err)
	}
	q := u.Query()
	q.Set("prefix", prefix)
	u.RawQuery = q.Encode()
	return u.String()
}

// removeAll deletes every object of b.
func removeAll(t *testing.T, b *blob.Bucket) {
	t.Helper()
	ctx := context.Background()
	it := b.List(nil)
	for {
		obj, err := it.Next(ctx)
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Errorf("listing the objects to remove: %v", err)
			return
		}
		if err := b.Delete(ctx, obj.Key); err != nil {
			t.Errorf("removing %q: %v", obj.Key, err)
		}
	}
}

// testJPEG returns the original every backend serves as photo.jpg: a
// 320x240 JPEG of colour gradients, small so that rendering it is quick.
func testJPEG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 320, 240))
	for y := range 240 {
		for x := range 320 {
			img.SetRGBA(x, y, color.RGBA{R: uint8(x * 255 / 319), G: uint8(y * 255 / 239), B: uint8((x + y) % 256), A: 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// randomHex returns 16 random hex digits.
func randomHex(t *testing.T) string {
	t.Helper()
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b[:])
}

// testWriter writes a handler's log lines to the test's log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSuffix(string(p), "\n"))
	return len(p), nil
}

// envOrSkip returns the value of the environment variable name, skipping
// the test when it is not set.
func envOrSkip(t *testing.T, name string) string {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		t.Skipf("%s is not set; %s", name, runHint)
	}
	return v
}
