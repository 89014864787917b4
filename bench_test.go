package rendition

import (
	"bytes"
	"context"
	"fmt"
	"image/jpeg"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"testing/fstest"

	"github.com/disintegration/imaging"

	"github.com/rendition-go/rendition/cache"
	"github.com/rendition-go/rendition/internal/cputime"
	"github.com/rendition-go/rendition/source"
	"github.com/rendition-go/rendition/transform"
)

// BenchmarkThumbnail is the end-to-end cost of a JPEG thumbnail, bytes in to
// bytes out, against the pipeline most Go servers run (image/jpeg, imaging's
// Lanczos, image/jpeg) in the same run. The photo is 4032x3024 with EXIF
// orientation 6, so both pipelines also rotate it upright.
func BenchmarkThumbnail(b *testing.B) {
	photo := readTestdata(b, "phone-note10-exif6.jpg")
	for _, width := range []int{300, 1200} {
		b.Run(fmt.Sprintf("w=%d/impl=rendition", width), func(b *testing.B) {
			p := transform.Params{Width: float64(width)}
			cputime.Report(b, func() {
				if _, err := transform.Render(context.Background(), io.Discard, photo, p, nil); err != nil {
					b.Fatal(err)
				}
			})
		})
		b.Run(fmt.Sprintf("w=%d/impl=stdlib+imaging", width), func(b *testing.B) {
			cputime.Report(b, func() {
				img, err := jpeg.Decode(bytes.NewReader(photo))
				if err != nil {
					b.Fatal(err)
				}
				// The photo's EXIF orientation is 6: the upright width is its height.
				thumb := imaging.Rotate270(imaging.Resize(img, 0, width, imaging.Lanczos))
				if err := jpeg.Encode(io.Discard, thumb, &jpeg.Options{Quality: 75}); err != nil {
					b.Fatal(err)
				}
			})
		})
	}
}

// BenchmarkHandlerCold serves the 300 px thumbnail through ServeHTTP with a
// cache that never keeps anything: every request fetches and renders.
func BenchmarkHandlerCold(b *testing.B) {
	fsys := fstest.MapFS{"photo.jpg": {Data: readTestdata(b, "phone-note10-exif6.jpg")}}
	h := newHandler(b, source.NewFS(fsys), &Options{Cache: noCache{}})
	req := httptest.NewRequest(http.MethodGet, "/photo.jpg?w=300", nil)
	cputime.Report(b, func() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
	})
}

// BenchmarkHandlerHit is a cache hit through ServeHTTP: requests per second
// and allocations per hit.
func BenchmarkHandlerHit(b *testing.B) {
	h := newHandler(b, source.NewFS(testFS(b)), nil)
	req := httptest.NewRequest(http.MethodGet, "/photo.jpg?w=300", nil)
	h.ServeHTTP(httptest.NewRecorder(), req) // warm the cache
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		w := &discardWriter{header: http.Header{}}
		for pb.Next() {
			clear(w.header)
			h.ServeHTTP(w, req)
			if w.status != http.StatusOK {
				b.Fatalf("status %d", w.status)
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

// noCache stores nothing.
type noCache struct{}

func (noCache) Get(context.Context, string) (*cache.Entry, error) { return nil, cache.ErrMiss }
func (noCache) Set(context.Context, string, *cache.Entry) error   { return nil }
func (noCache) Delete(context.Context, string) error              { return nil }

// discardWriter is a ResponseWriter that keeps only the status.
type discardWriter struct {
	header http.Header
	status int
}

func (w *discardWriter) Header() http.Header         { return w.header }
func (w *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *discardWriter) WriteHeader(status int)      { w.status = status }
