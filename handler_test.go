package rendition

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rendition-go/rendition/source"
	"github.com/rendition-go/rendition/transform"
)

func newHandler(t testing.TB, src source.Source, opts *Options) *Handler {
	t.Helper()
	h, err := New(src, opts)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestParameters(t *testing.T) {
	h := newHandler(t, source.NewFS(testFS(t)), nil)
	tests := []struct {
		url    string
		format transform.Format
		w, h   int
	}{
		{"/photo.jpg", transform.JPEG, 400, 300},
		{"/dir/photo%202.jpg", transform.JPEG, 400, 300},
		{"/photo.jpg?w=200", transform.JPEG, 200, 150},
		{"/photo.jpg?h=150", transform.JPEG, 200, 150},
		{"/photo.jpg?width=200", transform.JPEG, 200, 150},
		{"/photo.jpg?height=150", transform.JPEG, 200, 150},
		{"/photo.jpg?w64=MjAw", transform.JPEG, 200, 150},
		{"/photo.jpg?w=0.5", transform.JPEG, 200, 150},
		{"/photo.jpg?w=100&h=100", transform.JPEG, 100, 75},
		{"/photo.jpg?w=100&h=100&fit=clip", transform.JPEG, 100, 75},
		{"/photo.jpg?w=100&h=100&f=crop", transform.JPEG, 100, 100},
		{"/photo.jpg?w=100&h=100&fit=crop&crop=top,left", transform.JPEG, 100, 100},
		{"/photo.jpg?w=100&h=100&fit=crop&crop=bottom,right", transform.JPEG, 100, 100},
		{"/photo.jpg?w=100&h=100&fit=crop&crop=focalpoint&fp-x=0.2&fp-y=0.3&fp-z=2", transform.JPEG, 100, 100},
		{"/photo.jpg?w=800&h=800&fit=max", transform.JPEG, 400, 300},
		{"/photo.jpg?w=800&h=800&fit=min", transform.JPEG, 300, 300},
		{"/photo.jpg?w=100&h=100&fit=scale", transform.JPEG, 100, 100},
		{"/photo.jpg?w=100&h=100&fit=fill&bg=f00", transform.JPEG, 100, 100},
		{"/photo.jpg?w=100&h=100&fit=fill&fill-color=00ff00", transform.JPEG, 100, 100},
		{"/photo.jpg?w=800&h=800&fit=fillmax", transform.JPEG, 800, 800},
		{"/photo.jpg?w=100&h=100&fit=clamp", transform.JPEG, 100, 100},
		{"/photo.jpg?w=100&ar=1:1&fit=crop", transform.JPEG, 100, 100},
		{"/photo.jpg?h=100&ar=2:1&fit=crop", transform.JPEG, 200, 100},
		{"/photo.jpg?rect=0,0,200,150", transform.JPEG, 200, 150},
		{"/photo.jpg?rect=center,middle,0.5,0.5&w=100", transform.JPEG, 100, 75},
		{"/photo.jpg?w=100&h=300&fit=crop&max-h=150", transform.JPEG, 100, 150},
		{"/photo.jpg?w=50&min-w=100", transform.JPEG, 100, 75},
		{"/photo.jpg?h=200&fit=crop&ar=2:1&max-w=300", transform.JPEG, 300, 200},
		{"/photo.jpg?h=20&fit=crop&ar=1:1&min-h=50", transform.JPEG, 50, 50},
		{"/photo.jpg?w=100&dpr=2", transform.JPEG, 200, 150},
		{"/photo.jpg?w=100&dpr=1.5", transform.JPEG, 150, 113},
		{"/photo.jpg?q=20", transform.JPEG, 400, 300},
		{"/photo.jpg?fm=png&w=40", transform.PNG, 40, 30},
		{"/photo.jpg?fm=gif&w=40", transform.GIF, 40, 30},
		{"/photo.jpg?fm=webp&w=40", transform.WebP, 40, 30},
		{"/photo.jpg?fm=webp&lossless=1&w=40", transform.WebP, 40, 30},
		{"/photo.jpg?fm=jpg&w=40", transform.JPEG, 40, 30},
		{"/photo.jpg?auto=compress", transform.JPEG, 400, 300},
		{"/photo.jpg?flip=h", transform.JPEG, 400, 300},
		{"/photo.jpg?rot=90", transform.JPEG, 300, 400},
		{"/photo.jpg?rot=180", transform.JPEG, 400, 300},
		{"/photo.jpg?rot=270&w=150", transform.JPEG, 150, 200},
		{"/photo.jpg?orient=6", transform.JPEG, 300, 400},
		{"/photo.jpg?or=8", transform.JPEG, 300, 400},
		{"/photo.jpg?dl=thumb.jpg", transform.JPEG, 400, 300},
		{"/alpha.png", transform.PNG, 200, 100},
		{"/alpha.png?fm=jpg&bg=ff0000", transform.JPEG, 200, 100},
		{"/anim.gif?w=60", transform.GIF, 60, 63},
		{"/dice.webp?w=100", transform.WebP, 100, 75},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			r := get(t, h, tt.url)
			if r.Code != http.StatusOK {
				t.Fatalf("status %d: %s", r.Code, r.Body)
			}
			if got := r.Header().Get("Content-Type"); got != tt.format.ContentType() {
				t.Errorf("Content-Type %q, want %q", got, tt.format.ContentType())
			}
			_, cfg := r.image()
			if cfg.Format != tt.format || cfg.Width != tt.w || cfg.Height != tt.h {
				t.Errorf("got %s %dx%d, want %s %dx%d", cfg.Format, cfg.Width, cfg.Height, tt.format, tt.w, tt.h)
			}
		})
	}
}

// TestPixels checks parameters whose effect is on the pixels, not the size.
func TestPixels(t *testing.T) {
	h := newHandler(t, source.NewFS(testFS(t)), nil)
	red, green := color.RGBA{255, 0, 0, 255}, color.RGBA{0, 255, 0, 255}
	tests := []struct {
		url  string
		at   image.Point
		want color.Color
	}{
		// The photo's quadrants: red, green / blue, white.
		{"/photo.jpg?w=200", image.Pt(20, 20), topLeft},
		{"/photo.jpg?w=200&flip=h", image.Pt(20, 20), topRight},
		{"/photo.jpg?w=200&flip=v", image.Pt(20, 20), bottomLeft},
		{"/photo.jpg?w=200&flip=hv", image.Pt(20, 20), bottomRight},
		{"/photo.jpg?w=150&rot=90", image.Pt(20, 20), bottomLeft},
		{"/photo.jpg?w=200&rot=180", image.Pt(20, 20), bottomRight},
		{"/photo.jpg?w=150&rot=270", image.Pt(20, 20), topRight},
		{"/photo.jpg?w=100&h=100&fit=crop&crop=right", image.Pt(90, 10), topRight},
		{"/photo.jpg?w=100&h=100&fit=crop&crop=right", image.Pt(10, 10), topLeft},
		{"/photo.jpg?w=100&h=100&fit=crop&crop=bottom,left", image.Pt(10, 90), bottomLeft},
		{"/photo.jpg?rect=200,150,200,150&w=50", image.Pt(25, 18), bottomRight},
		{"/photo.jpg?w=100&h=100&fit=crop&crop=focalpoint&fp-x=0.9&fp-y=0.9", image.Pt(50, 50), bottomRight},
		// fill pads above and below the 100x75 image.
		{"/photo.jpg?w=100&h=100&fit=fill&bg=f00", image.Pt(50, 3), red},
		{"/photo.jpg?w=100&h=100&fit=fill&fill-color=0f0", image.Pt(50, 97), green},
		{"/photo.jpg?w=100&h=100&fit=fill", image.Pt(50, 3), color.White}, // JPEG: no alpha, white
		{"/photo.jpg?w=100&h=100&fit=fill&fm=png", image.Pt(50, 3), color.NRGBA{}},
		{"/photo.jpg?w=100&h=100&fit=clamp", image.Pt(5, 2), topLeft}, // edge pixels extended
		{"/photo.jpg?w=100&h=100&fit=clamp", image.Pt(95, 98), bottomRight},
		// bg shows through transparency; without it, JPEG gets white.
		{"/alpha.png?fm=jpg&bg=ff0000", image.Pt(50, 50), red},
		{"/alpha.png?fm=jpg", image.Pt(50, 50), color.White},
		{"/alpha.png?fm=png", image.Pt(50, 50), color.NRGBA{}},
		{"/alpha.png?bg=80ff0000", image.Pt(50, 50), color.NRGBA{255, 0, 0, 128}},
		{"/alpha.png?fm=webp&lossless=1", image.Pt(150, 50), color.RGBA{0, 0, 255, 255}},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			r := get(t, h, tt.url)
			if r.Code != http.StatusOK {
				t.Fatalf("status %d: %s", r.Code, r.Body)
			}
			img, _ := r.image()
			if got := img.At(tt.at.X, tt.at.Y); !near(got, tt.want, 24) {
				t.Errorf("pixel at %v = %v, want %v", tt.at, got, tt.want)
			}
		})
	}
}

func TestQuality(t *testing.T) {
	h := newHandler(t, source.NewFS(testFS(t)), nil)
	size := func(q string) int {
		r := get(t, h, "/photo.jpg?w=300&q="+q)
		if r.Code != http.StatusOK {
			t.Fatalf("q=%s: status %d", q, r.Code)
		}
		return r.Body.Len()
	}
	if lo, hi := size("10"), size("95"); lo >= hi {
		t.Errorf("q=10 gave %d bytes, q=95 %d: lower quality must be smaller", lo, hi)
	}
	compressed := get(t, h, "/photo.jpg?w=300&auto=compress").Body.Len()
	if def := get(t, h, "/photo.jpg?w=300").Body.Len(); compressed >= def {
		t.Errorf("auto=compress gave %d bytes, the default %d", compressed, def)
	}
}

func TestHeaders(t *testing.T) {
	h := newHandler(t, source.NewFS(testFS(t)), &Options{TTL: time.Hour})
	r := get(t, h, "/photo.jpg?w=100&dl=my%20thumb.jpg")
	if r.Code != http.StatusOK {
		t.Fatalf("status %d", r.Code)
	}
	want := map[string]string{
		"Content-Type":           "image/jpeg",
		"Cache-Control":          "public, max-age=3600, stale-while-revalidate=86400, stale-if-error=604800",
		"X-Content-Type-Options": "nosniff",
		"X-Cache":                "MISS",
		"Content-Disposition":    `attachment; filename="my thumb.jpg"`,
		"Content-Length":         fmt.Sprint(r.Body.Len()),
	}
	for k, v := range want {
		if got := r.Header().Get(k); got != v {
			t.Errorf("%s: %q, want %q", k, got, v)
		}
	}
	if st := r.Header().Get("Server-Timing"); !strings.Contains(st, "fetch;dur=") || !strings.Contains(st, "render;dur=") || !strings.Contains(st, "cache;desc=miss") {
		t.Errorf("Server-Timing %q", st)
	}
	etag := r.Header().Get("ETag")
	if !strings.HasPrefix(etag, `"`) || strings.HasPrefix(etag, `W/`) || len(etag) < 10 {
		t.Errorf("ETag %q is not a strong validator", etag)
	}
	if r.Header().Get("Last-Modified") == "" {
		t.Error("no Last-Modified")
	}

	hit := get(t, h, "/photo.jpg?w=100&dl=my%20thumb.jpg")
	if hit.Header().Get("X-Cache") != "HIT" || hit.Header().Get("Server-Timing") != "cache;desc=hit" {
		t.Errorf("second request: X-Cache %q, Server-Timing %q", hit.Header().Get("X-Cache"), hit.Header().Get("Server-Timing"))
	}
	if hit.Header().Get("ETag") != etag || hit.Body.String() != r.Body.String() {
		t.Error("the cached answer differs from the first")
	}
	// Another format is another representation: another ETag.
	if webp := get(t, h, "/photo.jpg?w=100&fm=webp"); webp.Header().Get("ETag") == etag {
		t.Error("fm=webp has the same ETag as the JPEG")
	}
	// Equivalent URLs share one cache entry.
	if eq := get(t, h, "/photo.jpg?dl=my%20thumb.jpg&width=100&fit=clip&dpr=1"); eq.Header().Get("X-Cache") != "HIT" {
		t.Errorf("an equivalent URL was a %s", eq.Header().Get("X-Cache"))
	}
}

func TestConditionalAndHead(t *testing.T) {
	h := newHandler(t, source.NewFS(testFS(t)), nil)
	first := get(t, h, "/photo.jpg?w=120")
	etag := first.Header().Get("ETag")

	r := get(t, h, "/photo.jpg?w=120", "If-None-Match", etag)
	if r.Code != http.StatusNotModified || r.Body.Len() != 0 {
		t.Errorf("If-None-Match: status %d, %d bytes; want 304, empty", r.Code, r.Body.Len())
	}
	if r.Header().Get("ETag") != etag {
		t.Errorf("304 ETag %q, want %q", r.Header().Get("ETag"), etag)
	}
	if r := get(t, h, "/photo.jpg?w=120", "If-None-Match", `"other"`); r.Code != http.StatusOK {
		t.Errorf("a stale ETag: status %d, want 200", r.Code)
	}
	lm := first.Header().Get("Last-Modified")
	if r := get(t, h, "/photo.jpg?w=120", "If-Modified-Since", lm); r.Code != http.StatusNotModified {
		t.Errorf("If-Modified-Since: status %d, want 304", r.Code)
	}

	head := serve(t, h, http.MethodHead, "/photo.jpg?w=120")
	if head.Code != http.StatusOK || head.Body.Len() != 0 {
		t.Errorf("HEAD: status %d, %d bytes; want 200, empty", head.Code, head.Body.Len())
	}
	if head.Header().Get("Content-Length") != fmt.Sprint(first.Body.Len()) || head.Header().Get("ETag") != etag {
		t.Errorf("HEAD headers %v differ from GET's", head.Header())
	}
	// HEAD on a cold derivative renders it too.
	if head := serve(t, h, http.MethodHead, "/photo.jpg?w=121"); head.Code != http.StatusOK || head.Header().Get("Content-Length") == "" {
		t.Errorf("cold HEAD: status %d, headers %v", head.Code, head.Header())
	}
}

func TestPassthrough(t *testing.T) {
	h := newHandler(t, source.NewFS(testFS(t)), nil)
	r := get(t, h, "/doc.txt")
	if r.Code != http.StatusOK || r.Body.String() != "hello, not an image\n" {
		t.Fatalf("status %d, body %q", r.Code, r.Body)
	}
	if ct := r.Header().Get("Content-Type"); ct != "text/plain; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	html := get(t, h, "/page.html")
	if html.Code != http.StatusOK || !strings.Contains(html.Header().Get("Content-Security-Policy"), "sandbox") {
		t.Errorf("HTML passed through without a sandbox: %d %v", html.Code, html.Header())
	}
	if hit := get(t, h, "/doc.txt"); hit.Header().Get("X-Cache") != "HIT" {
		t.Error("a passed-through file is not cached")
	}
	if st := h.Stats(); st.Passthroughs != 2 || st.Renders != 0 {
		t.Errorf("stats %+v: want 2 passthroughs, no render", st)
	}

	strict := newHandler(t, source.NewFS(testFS(t)), &Options{NoPassthrough: true})
	if r := get(t, strict, "/doc.txt"); r.Code != http.StatusUnsupportedMediaType || r.Header().Get("X-Rendition-Error") != CodeFormat {
		t.Errorf("NoPassthrough: status %d, code %q", r.Code, r.Header().Get("X-Rendition-Error"))
	}
}

// errorSource fails every Open with err, counting calls.
func errorSource(err error, calls *atomic.Int32) source.Source {
	return source.Func(func(ctx context.Context, key string) (*source.Object, error) {
		calls.Add(1)
		return nil, fmt.Errorf("source: open %q: %w: backend at 10.0.0.7 said no", key, err)
	})
}

// bodySource serves data through a custom reader.
func bodySource(body func() io.Reader) source.Source {
	return source.Func(func(ctx context.Context, key string) (*source.Object, error) {
		return &source.Object{Body: io.NopCloser(body()), Size: -1}, nil
	})
}

type failingReader struct{ err error }

func (r failingReader) Read([]byte) (int, error) { return 0, r.err }

type panickingReader struct{}

func (panickingReader) Read([]byte) (int, error) { panic("reader exploded") }

func TestErrors(t *testing.T) {
	fsys := source.NewFS(testFS(t))
	var calls atomic.Int32
	blocking := source.Func(func(ctx context.Context, key string) (*source.Object, error) {
		<-ctx.Done()
		return nil, ctx.Err()
	})
	tests := []struct {
		name      string
		src       source.Source
		opts      *Options
		method    string
		url       string
		status    int
		code      string
		body      string // a substring of the body
		cacheable bool
	}{
		{"bad number", fsys, nil, "GET", "/photo.jpg?w=abc", 400, CodeInvalid, "parameter w", true},
		{"zero width", fsys, nil, "GET", "/photo.jpg?w=0", 400, CodeInvalid, "parameter w", true},
		{"negative width", fsys, nil, "GET", "/photo.jpg?w=-1", 400, CodeInvalid, "parameter w", true},
		{"huge width", fsys, nil, "GET", "/photo.jpg?w=1e9", 400, CodeInvalid, "parameter w", true},
		{"NaN", fsys, nil, "GET", "/photo.jpg?h=NaN", 400, CodeInvalid, "parameter h", true},
		{"dpr 0", fsys, nil, "GET", "/photo.jpg?dpr=0", 400, CodeInvalid, "parameter dpr", true},
		{"dpr 1000", fsys, nil, "GET", "/photo.jpg?dpr=1000", 400, CodeInvalid, "parameter dpr", true},
		{"q 101", fsys, nil, "GET", "/photo.jpg?q=101", 400, CodeInvalid, "parameter q", true},
		{"unknown fm", fsys, nil, "GET", "/photo.jpg?fm=bmp2", 400, CodeInvalid, "parameter fm", true},
		{"rot abc", fsys, nil, "GET", "/photo.jpg?rot=abc", 400, CodeInvalid, "parameter rot", true},
		{"unknown parameter", fsys, nil, "GET", "/photo.jpg?foo=1", 400, CodeInvalid, "parameter foo", true},
		{"not supported yet", fsys, nil, "GET", "/photo.jpg?blur=20", 400, CodeInvalid, "parameter blur", true},
		{"duplicate", fsys, nil, "GET", "/photo.jpg?w=1&width=2", 400, CodeInvalid, "width", true},
		{"bad base64", fsys, nil, "GET", "/photo.jpg?w64=!!", 400, CodeInvalid, "parameter w64", true},
		{"bad escape", fsys, nil, "GET", "/photo.jpg?w=%zz", 400, CodeInvalid, "URL encoding", true},
		{"NUL in a value", fsys, nil, "GET", "/photo.jpg?dl=a%00b", 400, CodeInvalid, "parameter dl", true},
		{"long query", fsys, nil, "GET", "/photo.jpg?dl=" + strings.Repeat("a", 16<<10), 400, CodeInvalid, "longer than", true},
		{"rect outside", fsys, nil, "GET", "/photo.jpg?rect=1000,1000,10,10", 400, CodeInvalid, "parameter rect", true},
		{"dot-dot path", fsys, nil, "GET", "/a/../photo.jpg", 400, CodeInvalid, "invalid path", true},
		{"empty path", fsys, nil, "GET", "/", 400, CodeInvalid, "invalid path", true},
		{"method", fsys, nil, "POST", "/photo.jpg", 405, CodeInvalid, "POST", true},
		{"not found", fsys, nil, "GET", "/missing.jpg", 404, CodeNotFound, `"missing.jpg"`, true},
		{"permission", errorSource(source.ErrPermission, &calls), nil, "GET", "/a.jpg", 403, CodePermission, "refused", true},
		{"source bytes over the limit", fsys, &Options{Transform: transform.Options{Limits: transform.Limits{MaxSourceBytes: 1000}}}, "GET", "/photo.jpg", 413, CodeLimit, "source bytes", true},
		{"source pixels over the limit", fsys, nil, "GET", "/huge.png", 413, CodeLimit, "", true},
		{"a header claiming a side of 0", fsys, nil, "GET", "/zero.gif?w=100", 413, CodeLimit, "source width", true},
		{"output over the limit", fsys, nil, "GET", "/photo.jpg?w=8192&h=8192&fit=scale", 413, CodeLimit, "output pixels", true},
		{"not an image", fsys, nil, "GET", "/doc.txt?w=100", 415, CodeFormat, "not an image", true},
		{"empty file", fsys, nil, "GET", "/empty.jpg?w=100", 415, CodeFormat, "", true},
		{"corrupt", fsys, nil, "GET", "/corrupt.jpg", 422, CodeDecode, "cannot be decoded", true},
		{"truncated", fsys, nil, "GET", "/truncated.jpg?w=10", 422, CodeDecode, "cannot be decoded", true},
		{"origin down", errorSource(source.ErrUnavailable, &calls), nil, "GET", "/a.jpg", 502, CodeOrigin, "origin failed", true},
		{"origin reset mid-body", bodySource(func() io.Reader {
			return io.MultiReader(strings.NewReader("\xff\xd8\xff"), failingReader{errors.New("connection reset by 10.0.0.7")})
		}), nil, "GET", "/a.jpg", 502, CodeOrigin, "origin failed", true},
		{"origin timeout", blocking, &Options{FetchTimeout: 20 * time.Millisecond}, "GET", "/a.jpg", 504, CodeTimeout, "in time", false},
		{"source timeout error", errorSource(source.ErrTimeout, &calls), nil, "GET", "/a.jpg", 504, CodeTimeout, "in time", false},
		{"panic", bodySource(func() io.Reader { return panickingReader{} }), nil, "GET", "/a.jpg", 500, CodeUnidentified, "internal error", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHandler(t, tt.src, tt.opts)
			r := serve(t, h, tt.method, tt.url)
			if r.Code != tt.status || r.Header().Get("X-Rendition-Error") != tt.code {
				t.Fatalf("got %d %q, want %d %q; body %q", r.Code, r.Header().Get("X-Rendition-Error"), tt.status, tt.code, r.Body)
			}
			body := r.Body.String()
			if !strings.Contains(body, tt.body) {
				t.Errorf("body %q does not mention %q", body, tt.body)
			}
			for _, secret := range []string{"10.0.0.7", "goroutine", "backend"} {
				if strings.Contains(body, secret) {
					t.Errorf("body %q leaks %q", body, secret)
				}
			}
			cc, want := r.Header().Get("Cache-Control"), "public, max-age=300"
			if tt.code == CodeOrigin {
				want = "public, max-age=5" // OriginFailureTTL
			}
			if tt.cacheable && cc != want || !tt.cacheable && cc != "no-store" {
				t.Errorf("Cache-Control %q (cacheable: %v)", cc, tt.cacheable)
			}
			if ct := r.Header().Get("Content-Type"); ct != "text/plain; charset=utf-8" {
				t.Errorf("Content-Type %q", ct)
			}
			if st := h.Stats(); st.Errors[tt.code] != 1 {
				t.Errorf("Stats.Errors = %v, want one %s", st.Errors, tt.code)
			}
		})
	}
}

func TestBadRequestsNeverReachTheOrigin(t *testing.T) {
	var calls atomic.Int32
	h := newHandler(t, errorSource(source.ErrNotFound, &calls), nil)
	for _, u := range []string{"/a.jpg?w=0", "/a.jpg?w=1e9", "/a.jpg?q=101", "/a.jpg?fm=tiff", "/a.jpg?x=1", "/a.jpg?w64=***", "/a/../b.jpg", "/a.jpg?w=%zz"} {
		if r := get(t, h, u); r.Code != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", u, r.Code)
		}
	}
	if n := calls.Load(); n != 0 {
		t.Errorf("the origin saw %d requests", n)
	}
}

func TestErrorsAreCached(t *testing.T) {
	var calls atomic.Int32
	h := newHandler(t, errorSource(source.ErrNotFound, &calls), nil)
	for range 3 {
		if r := get(t, h, "/missing.jpg?w=10"); r.Code != http.StatusNotFound {
			t.Fatalf("status %d", r.Code)
		}
	}
	if n := calls.Load(); n != 1 {
		t.Errorf("a cached 404 went to the origin %d times", n)
	}
	// A transient error is not cached.
	calls.Store(0)
	h = newHandler(t, errorSource(source.ErrTimeout, &calls), nil)
	for range 3 {
		get(t, h, "/slow.jpg")
	}
	if n := calls.Load(); n != 3 {
		t.Errorf("a timeout was cached: %d origin calls for 3 requests", n)
	}
}

func TestBusy(t *testing.T) {
	h := newHandler(t, source.NewFS(testFS(t)), &Options{MaxRenders: 1, MaxQueue: 1})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := h.renders.acquire(ctx); err != nil { // the only slot
		t.Fatal(err)
	}
	queued := make(chan error, 1)
	go func() { queued <- h.renders.acquire(ctx) }() // the only place in the queue
	for h.renders.queued() != 1 {
		time.Sleep(time.Millisecond)
	}
	r := get(t, h, "/photo.jpg?w=33")
	if r.Code != http.StatusServiceUnavailable || r.Header().Get("X-Rendition-Error") != CodeBusy ||
		r.Header().Get("Retry-After") == "" || r.Header().Get("Cache-Control") != "no-store" {
		t.Fatalf("got %d %v", r.Code, r.Header())
	}
	h.renders.release(0)
	if err := <-queued; err != nil {
		t.Fatal(err)
	}
	h.renders.release(0)
	if r := get(t, h, "/photo.jpg?w=33"); r.Code != http.StatusOK {
		t.Errorf("after the queue drained: status %d", r.Code)
	}
}

// gatedSource counts opens and holds every open until the gate opens.
type gatedSource struct {
	src   source.Source
	gate  chan struct{}
	opens atomic.Int32
}

func (g *gatedSource) Open(ctx context.Context, key string) (*source.Object, error) {
	g.opens.Add(1)
	select {
	case <-g.gate:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return g.src.Open(ctx, key)
}

func TestConcurrentColdRequestsShareOneRender(t *testing.T) {
	src := &gatedSource{src: source.NewFS(testFS(t)), gate: make(chan struct{})}
	h := newHandler(t, src, nil)
	const n = 100
	var wg sync.WaitGroup
	codes := make(chan int, n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes <- get(t, h, "/photo.jpg?w=64").Code
		}()
	}
	// Every request has looked in the cache before the origin answers.
	waitUntil(t, "every request missed the cache", func() bool { return h.Stats().CacheMisses >= n })
	close(src.gate)
	wg.Wait()
	close(codes)
	for c := range codes {
		if c != http.StatusOK {
			t.Fatalf("status %d", c)
		}
	}
	st := h.Stats()
	if src.opens.Load() != 1 || st.OriginFetches != 1 || st.Renders != 1 {
		t.Errorf("%d opens, %d fetches, %d renders for %d identical requests; want 1 each",
			src.opens.Load(), st.OriginFetches, st.Renders, n)
	}
}

func TestCancelledFirstCallerDoesNotFailOthers(t *testing.T) {
	src := &gatedSource{src: source.NewFS(testFS(t)), gate: make(chan struct{})}
	h := newHandler(t, src, nil)
	first, cancel := context.WithCancel(context.Background())
	firstErr := make(chan error, 1)
	go func() {
		_, err := h.Process(first, Request{Key: "photo.jpg", Params: transform.Params{Width: 50}})
		firstErr <- err
	}()
	waitUntil(t, "the origin opened", func() bool { return src.opens.Load() > 0 })
	second := make(chan error, 1)
	go func() {
		res, err := h.Process(context.Background(), Request{Key: "photo.jpg", Params: transform.Params{Width: 50}})
		if w, _, _ := res.Dimensions(); err == nil && w != 50 {
			err = fmt.Errorf("width %d", w)
		}
		second <- err
	}()
	waitUntil(t, "two cache misses", func() bool { return h.Stats().CacheMisses >= 2 })
	cancel()
	if err := <-firstErr; !errors.Is(err, context.Canceled) {
		t.Errorf("the cancelled caller got %v", err)
	}
	close(src.gate)
	if err := <-second; err != nil {
		t.Errorf("the second caller failed: %v", err)
	}
	if src.opens.Load() != 1 {
		t.Errorf("%d opens, want 1", src.opens.Load())
	}
}

func TestPanicIsRecovered(t *testing.T) {
	h := newHandler(t, bodySource(func() io.Reader { return panickingReader{} }), nil)
	for range 2 {
		if r := get(t, h, "/x.jpg"); r.Code != http.StatusInternalServerError {
			t.Fatalf("status %d", r.Code)
		}
	}
}

// TestEXIFOrientation builds, for each EXIF orientation, a JPEG whose pixels
// are stored turned the other way and whose tag undoes it: every answer must
// come out upright, without the tag.
func TestEXIFOrientation(t *testing.T) {
	upright := quadrants(160, 120)
	files := map[string][]byte{}
	for v := 1; v <= 8; v++ {
		stored := invertOrientation(upright, v)
		files[fmt.Sprintf("o%d.jpg", v)] = withOrientation(t, encodeJPEG(t, stored), uint16(v))
	}
	src := source.Func(func(ctx context.Context, key string) (*source.Object, error) {
		b, ok := files[key]
		if !ok {
			return nil, source.ErrNotFound
		}
		return &source.Object{Body: io.NopCloser(strings.NewReader(string(b))), Size: int64(len(b))}, nil
	})
	h := newHandler(t, src, nil)
	for v := 1; v <= 8; v++ {
		for _, q := range []string{"", "?w=80", "?w=40&h=40&fit=crop&crop=top,left"} {
			url := fmt.Sprintf("/o%d.jpg%s", v, q)
			r := get(t, h, url)
			if r.Code != http.StatusOK {
				t.Fatalf("%s: status %d %s", url, r.Code, r.Body)
			}
			img, cfg := r.image()
			if cfg.Orientation != 1 {
				t.Errorf("%s: the output carries orientation %d", url, cfg.Orientation)
			}
			b := img.Bounds()
			if q == "" && b.Size() != upright.Bounds().Size() {
				t.Errorf("%s: size %v, want %v", url, b.Size(), upright.Bounds().Size())
			}
			if !near(img.At(b.Min.X+4, b.Min.Y+4), topLeft, 30) {
				t.Errorf("%s: top-left pixel %v, want red", url, img.At(4, 4))
			}
			if q != "?w=40&h=40&fit=crop&crop=top,left" && !near(img.At(b.Max.X-4, b.Max.Y-4), bottomRight, 30) {
				t.Errorf("%s: bottom-right pixel %v, want white", url, img.At(b.Max.X-4, b.Max.Y-4))
			}
		}
	}
}

// invertOrientation returns img stored so that EXIF orientation v shows it
// upright.
func invertOrientation(img image.Image, v int) image.Image {
	inverse := map[int]int{1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 8, 7: 7, 8: 6}
	return transform.Orient(img, inverse[v])
}

func TestNewValidates(t *testing.T) {
	if _, err := New(nil, nil); err == nil {
		t.Error("New(nil) succeeded")
	}
	if _, err := New(source.NewFS(testFS(t)), &Options{TTL: -1}); err == nil {
		t.Error("a negative TTL was accepted")
	}
}

// TestEXIFOrientationOfAPhoto stores a real photograph turned by each of the
// eight orientations, with the tag that undoes it: every answer must match
// the upright photograph, and be far from every other orientation of it.
func TestEXIFOrientationOfAPhoto(t *testing.T) {
	photo, _, err := transform.Decode(readTestdata(t, "dice-alpha.png"), transform.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	upright := image.NewRGBA(image.Rect(0, 0, 200, 150))
	draw.Draw(upright, upright.Bounds(), image.White, image.Point{}, draw.Src)
	draw.Draw(upright, upright.Bounds(), transform.Resize(photo, 200, 150, transform.Lanczos3), image.Point{}, draw.Over)

	files := map[string][]byte{}
	for v := 1; v <= 8; v++ {
		files[fmt.Sprintf("o%d.jpg", v)] = withOrientation(t, encodeJPEG(t, invertOrientation(upright, v)), uint16(v))
	}
	h := newHandler(t, source.Func(func(ctx context.Context, key string) (*source.Object, error) {
		return &source.Object{Body: io.NopCloser(bytes.NewReader(files[key])), Size: int64(len(files[key]))}, nil
	}), nil)
	for v := 1; v <= 8; v++ {
		r := get(t, h, fmt.Sprintf("/o%d.jpg", v))
		if r.Code != http.StatusOK {
			t.Fatalf("orientation %d: status %d", v, r.Code)
		}
		got, _ := r.image()
		if got.Bounds().Size() != upright.Bounds().Size() {
			t.Fatalf("orientation %d: size %v", v, got.Bounds().Size())
		}
		err := meanError(got, upright)
		if err > 4 {
			t.Errorf("orientation %d: mean error %.2f against the upright photo", v, err)
		}
		for _, other := range []int{2, 3, 4} { // the other orientations of the same size
			if wrong := meanError(got, transform.Orient(upright, other)); wrong < 4*err+8 {
				t.Errorf("orientation %d: as close to orientation %d (%.2f) as to upright (%.2f)", v, other, wrong, err)
			}
		}
	}
}

// meanError is the mean absolute difference per 8-bit RGB channel.
func meanError(a, b image.Image) float64 {
	var sum, n float64
	ab, bb := a.Bounds(), b.Bounds()
	for y := 0; y < ab.Dy(); y++ {
		for x := 0; x < ab.Dx(); x++ {
			r1, g1, b1, _ := a.At(ab.Min.X+x, ab.Min.Y+y).RGBA()
			r2, g2, b2, _ := b.At(bb.Min.X+x, bb.Min.Y+y).RGBA()
			sum += float64(abs(int(r1>>8)-int(r2>>8)) + abs(int(g1>>8)-int(g2>>8)) + abs(int(b1>>8)-int(b2>>8)))
			n += 3
		}
	}
	return sum / n
}
