package rendition

import (
	"net/http"
	"strings"
	"testing"

	"github.com/rendition-go/rendition/signing"
	"github.com/rendition-go/rendition/source"
	"github.com/rendition-go/rendition/transform"
)

func TestImageKitDialect(t *testing.T) {
	h := newHandler(t, source.NewFS(testFS(t)), nil)
	tests := []struct {
		url    string
		format transform.Format
		w, h   int
	}{
		{"/tr:w-100/photo.jpg", transform.JPEG, 100, 75},
		{"/photo.jpg?tr=w-100,h-100", transform.JPEG, 100, 100}, // maintain_ratio: the box, cropped
		{"/photo.jpg?tr=w-100,h-100,c-at_max_enlarge", transform.JPEG, 100, 75},
		{"/tr:w-200:rt-90/photo.jpg", transform.JPEG, 150, 200},
		{"/tr:rt-90:w-200/photo.jpg", transform.JPEG, 200, 267},
		{"/tr:w-60,f-webp,q-50/dir/photo%202.jpg", transform.WebP, 60, 45},
		{"/tr:cm-extract,w-200,h-150,fo-bottom_right/photo.jpg", transform.JPEG, 200, 150},
		{"/photo.jpg?tr=w-50&ik-sdk-version=javascript-3.0.0", transform.JPEG, 50, 38},
	}
	for _, tt := range tests {
		r := get(t, h, tt.url)
		if r.Code != http.StatusOK {
			t.Errorf("%s: %d %s", tt.url, r.Code, r.Body)
			continue
		}
		if _, cfg := r.image(); cfg.Format != tt.format || cfg.Width != tt.w || cfg.Height != tt.h {
			t.Errorf("%s: %s %dx%d, want %s %dx%d", tt.url, cfg.Format, cfg.Width, cfg.Height, tt.format, tt.w, tt.h)
		}
	}
	// The extracted region is the bottom-right quadrant.
	img, _ := get(t, h, "/tr:cm-extract,w-200,h-150,fo-bottom_right/photo.jpg").image()
	if !near(img.At(100, 75), bottomRight, 24) {
		t.Errorf("cm-extract: %v", img.At(100, 75))
	}
	// Equivalent URLs in either dialect share one cache entry.
	get(t, h, "/tr:w-120/photo.jpg")
	for _, u := range []string{"/photo.jpg?tr=w-120", "/photo.jpg?w=120"} {
		if r := get(t, h, u); r.Header().Get("X-Cache") != "HIT" {
			t.Errorf("%s: %s", u, r.Header().Get("X-Cache"))
		}
	}

	for _, tt := range []struct{ url, param string }{
		{"/tr:w-abc/photo.jpg", "tr:w"},
		{"/tr:bl-10/photo.jpg", "tr:bl"},
		{"/photo.jpg?tr=w-100&w=100", "w"},
		{"/tr:w-100/photo.jpg?tr=h-100", "tr"},
		{"/photo.jpg?tr=", "tr"},
		{"/photo.jpg?tr=" + strings.Repeat("w-1:", 20), "tr"},
	} {
		r := get(t, h, tt.url)
		if r.Code != http.StatusBadRequest || !strings.Contains(r.Body.String(), "parameter "+tt.param) {
			t.Errorf("%s: %d %q, want 400 naming %s", tt.url, r.Code, r.Body, tt.param)
		}
	}
}

func TestImageKitSigned(t *testing.T) {
	ik, err := signing.NewImageKit("private-key")
	if err != nil {
		t.Fatal(err)
	}
	h := newHandler(t, source.NewFS(testFS(t)), &Options{Verifier: ik})
	path := "/tr:w-80,h-80/photo.jpg"
	if r := get(t, h, path+"?"+ik.Sign(path, "")); r.Code != http.StatusOK {
		t.Fatalf("signed: %d %s", r.Code, r.Body)
	}
	if r := get(t, h, "/tr:w-81,h-80/photo.jpg?"+ik.Sign(path, "")); r.Code != http.StatusForbidden {
		t.Errorf("a changed transformation: %d", r.Code)
	}
}
