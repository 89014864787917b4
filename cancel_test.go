package rendition

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/rendition-go/rendition/internal/cputime"
	"github.com/rendition-go/rendition/source"
	"github.com/rendition-go/rendition/transform"
)

// TestDisconnectStopsRender: a client asks for an expensive render (a
// 5312x2988 photograph enlarged to 8192 pixels wide, many seconds of work)
// and goes away. The render must stop within a second of the disconnect,
// and the process must be idle in the second after.
func TestDisconnectStopsRender(t *testing.T) {
	fsys := fstest.MapFS{"big.jpg": {Data: readTestdata(t, "seeding-cc0.jpg")}}
	h := newHandler(t, source.NewFS(fsys), nil)
	srv := httptest.NewServer(h)
	defer srv.Close()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/big.jpg?w=8192&fit=scale&fm=jpg&q=95", nil)
	if err != nil {
		t.Fatal(err)
	}
	answered := make(chan error, 1)
	go func() {
		resp, err := srv.Client().Do(req)
		if err == nil {
			resp.Body.Close()
		}
		answered <- err
	}()

	// Wait for the render to hold its slot, let it run, then disconnect.
	for deadline := time.Now().Add(10 * time.Second); h.renders.inUse() == 0; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the render did not start")
		}
	}
	time.Sleep(200 * time.Millisecond)
	if h.Stats().Renders != 0 {
		t.Fatal("the render ended before the client went away: the test needs a longer one")
	}
	cancel()
	cancelled := time.Now()
	if err := <-answered; err == nil {
		t.Fatal("the client got an answer")
	}
	for h.Stats().Renders == 0 {
		if time.Since(cancelled) > time.Second {
			t.Fatal("the render went on for more than a second after the client went away")
		}
		time.Sleep(time.Millisecond)
	}
	t.Logf("render stopped %v after the disconnect", time.Since(cancelled))

	if cpu, ok := cputime.Process(); ok {
		time.Sleep(time.Second)
		after, _ := cputime.Process()
		if used := after - cpu; used > 500*time.Millisecond {
			t.Errorf("the process used %v of CPU in the second after the render stopped", used)
		}
	}
	if n := h.renders.inUse(); n != 0 {
		t.Errorf("%d renders still hold a slot", n)
	}
}

// TestLimitsBeforeRender: a ten-step ImageKit chain from a 4x3 PNG up to 50
// MP (each step within the output limits) and a lossless WebP of 50 MP are
// answered 413 ELIMIT without decoding: the PNG's image data is corrupt, so
// a render that decoded it would fail with EDECODE.
func TestLimitsBeforeRender(t *testing.T) {
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 4, 3))); err != nil {
		t.Fatal(err)
	}
	tiny := b.Bytes()
	corrupt := append(append([]byte(nil), tiny[:40]...), bytes.Repeat([]byte{0x42}, 40)...)
	fsys := fstest.MapFS{
		"tiny.png":    {Data: tiny},
		"corrupt.png": {Data: corrupt},
		"big.jpg":     {Data: readTestdata(t, "phone-note10-exif6.jpg")},
	}
	h := newHandler(t, source.NewFS(fsys), nil)

	var steps []string
	for i := 1; i <= 10; i++ {
		steps = append(steps, "w-"+strconv.Itoa(816*i))
	}
	chain := "?tr=" + strings.Join(steps, ":")
	for _, tc := range []struct{ target, what string }{
		{"/tiny.png" + chain, "chain pixels"},
		{"/corrupt.png" + chain, "chain pixels"},
		{"/big.jpg?w=8192&h=6102&fit=scale&fm=webp&lossless=1", "lossless WebP pixels"},
	} {
		start := time.Now()
		r := get(t, h, tc.target)
		if r.Code != http.StatusRequestEntityTooLarge || r.Header().Get("X-Rendition-Error") != CodeLimit {
			t.Fatalf("%s: %d %s %q, want 413 ELIMIT", tc.target, r.Code, r.Header().Get("X-Rendition-Error"), r.Body.String())
		}
		if !strings.Contains(r.Body.String(), tc.what) {
			t.Errorf("%s: message %q does not name %q", tc.target, r.Body.String(), tc.what)
		}
		t.Logf("%s: refused in %v", tc.target, time.Since(start))
	}
	// The corrupt image is corrupt: a chain within the limits decodes it.
	if r := get(t, h, "/corrupt.png?tr=w-816"); r.Code != http.StatusUnprocessableEntity {
		t.Errorf("corrupt PNG within the limits: %d, want 422", r.Code)
	}
	if r := get(t, h, "/tiny.png?tr=w-816:w-1632"); r.Code != http.StatusOK {
		t.Errorf("the chain's first two steps: %d %q", r.Code, r.Body.String())
	}
}

// TestRenderTimeLimitIsNotCached: a render stopped by MaxRenderTime is
// answered 413 ELIMIT, but not kept: on a less busy moment the same request
// may well finish in time.
func TestRenderTimeLimitIsNotCached(t *testing.T) {
	h := newHandler(t, source.NewFS(testFS(t)), &Options{Transform: transform.Options{Limits: transform.Limits{MaxRenderTime: time.Nanosecond}}})
	r := get(t, h, "/photo.jpg?w=100")
	if r.Code != http.StatusRequestEntityTooLarge || r.Header().Get("X-Rendition-Error") != CodeLimit ||
		!strings.Contains(r.Body.String(), "render milliseconds") || r.Header().Get("Cache-Control") != "no-store" {
		t.Fatalf("got %d %q %q, Cache-Control %q; want 413 ELIMIT on render time, no-store",
			r.Code, r.Header().Get("X-Rendition-Error"), r.Body, r.Header().Get("Cache-Control"))
	}
	if r := get(t, h, "/photo.jpg?w=100"); r.Header().Get("X-Cache") == CacheHit {
		t.Error("the answer was cached")
	}
}
