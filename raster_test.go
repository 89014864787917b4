package rendition

import (
	"net/http"
	"testing"
	"testing/fstest"

	"github.com/rendition-go/rendition/source"
	"github.com/rendition-go/rendition/transform"
)

// TestSandboxOnlyForPassedThroughFiles: every format Rendition writes, AVIF
// included, is served without the sandboxing Content-Security-Policy; a file
// passed through unchanged (SVG) keeps it.
func TestSandboxOnlyForPassedThroughFiles(t *testing.T) {
	fs := testFS(t)
	fs["logo.svg"] = &fstest.MapFile{Data: []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)}
	h := newHandler(t, source.NewFS(fs), &Options{Transform: transform.Options{AVIF: true}})
	for _, tt := range []struct {
		url, contentType string
		sandboxed        bool
	}{
		{"/photo.jpg?w=16&fm=avif", "image/avif", false},
		{"/photo.jpg?w=16&fm=webp", "image/webp", false},
		{"/photo.jpg?w=16", "image/jpeg", false},
		{"/logo.svg", "image/svg+xml", true},
		{"/page.html", "text/html; charset=utf-8", true},
	} {
		r := get(t, h, tt.url)
		if r.Code != http.StatusOK || r.Header().Get("Content-Type") != tt.contentType {
			t.Fatalf("%s: %d %q, want 200 %q", tt.url, r.Code, r.Header().Get("Content-Type"), tt.contentType)
		}
		if csp := r.Header().Get("Content-Security-Policy"); (csp != "") != tt.sandboxed {
			t.Errorf("%s: Content-Security-Policy %q", tt.url, csp)
		}
	}
}
