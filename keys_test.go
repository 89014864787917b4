package rendition

import (
	"testing"

	"github.com/rendition-go/rendition/cache"
	"github.com/rendition-go/rendition/source"
	"github.com/rendition-go/rendition/transform"
)

// TestKeysCoverRenderOptions: servers sharing a cache with different limits,
// kernels or AVIF switches never serve each other's derivatives.
func TestKeysCoverRenderOptions(t *testing.T) {
	shared := cache.NewMemory(nil)
	src := source.NewFS(testFS(t))
	small := newHandler(t, src, &Options{Cache: shared, Transform: transform.Options{Limits: transform.Limits{MaxOutputSide: 100}}})
	plain := newHandler(t, src, &Options{Cache: shared})
	if r := get(t, small, "/photo.jpg?w=300"); r.Code != 200 {
		t.Fatalf("small: %d %s", r.Code, r.Body)
	} else if _, cfg := r.image(); cfg.Width != 100 {
		t.Fatalf("small: %d wide, want 100", cfg.Width)
	}
	r := get(t, plain, "/photo.jpg?w=300")
	if _, cfg := r.image(); cfg.Width != 300 || r.Header().Get("X-Cache") == "HIT" {
		t.Errorf("plain: %d wide, X-Cache %s: it was served the other server's output", cfg.Width, r.Header().Get("X-Cache"))
	}

	base := plain.keys(Request{Key: "a.jpg"}).derivative
	for name, o := range map[string]*Options{
		"max source pixels": {Transform: transform.Options{Limits: transform.Limits{MaxSourcePixels: 1000}}},
		"max output pixels": {Transform: transform.Options{Limits: transform.Limits{MaxOutputPixels: 1000}}},
		"max frames":        {Transform: transform.Options{Limits: transform.Limits{MaxFrames: 2}}},
		"kernel":            {Transform: transform.Options{Kernel: transform.CatmullRom}},
		"avif":              {Transform: transform.Options{AVIF: true}},
	} {
		if newHandler(t, src, o).keys(Request{Key: "a.jpg"}).derivative == base {
			t.Errorf("%s: the same derivative key as the defaults", name)
		}
	}
	if newHandler(t, src, &Options{Transform: transform.Options{Kernel: transform.Lanczos3}}).keys(Request{Key: "a.jpg"}).derivative != base {
		t.Error("the default kernel spelled out changes the key")
	}
}

// TestKeysAllocations: naming a derivative, which every cache hit does,
// allocates the key strings, not a growing buffer for the render options'
// fingerprint.
func TestKeysAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector changes allocations")
	}
	h := newHandler(t, source.NewFS(testFS(t)), nil)
	req := Request{Key: "photo.jpg", Params: transform.Params{Width: 300}}
	if n := testing.AllocsPerRun(100, func() { h.keys(req) }); n > 5 {
		t.Errorf("keys allocates %v times per call, want at most 5", n)
	}
}
