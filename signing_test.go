package rendition

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rendition-go/rendition/signing"
	"github.com/rendition-go/rendition/source"
)

// countingSource counts opens of an underlying source.
type countingSource struct {
	src   source.Source
	opens atomic.Int32
}

func (c *countingSource) Open(ctx context.Context, key string) (*source.Object, error) {
	c.opens.Add(1)
	return c.src.Open(ctx, key)
}

func TestSignedURLs(t *testing.T) {
	hm, err := signing.NewHMAC("new key", "old key")
	if err != nil {
		t.Fatal(err)
	}
	old, _ := signing.NewHMAC("old key")
	retired, _ := signing.NewHMAC("retired key")
	ix, _ := signing.NewImgix("FOO123bar")
	ik, _ := signing.NewImageKit("dummy-key")

	tests := []struct {
		name     string
		verifier signing.Verifier
		url      func() string
		status   int
	}{
		{"hmac", hm, func() string { return "/photo.jpg?" + hm.Sign("/photo.jpg", "w=40") }, 200},
		{"hmac with the second key", hm, func() string { return "/photo.jpg?" + old.Sign("/photo.jpg", "w=40") }, 200},
		{"hmac, parameters reordered", hm, func() string {
			return "/photo.jpg?" + reorder(hm.Sign("/photo.jpg", "w=40&h=30"))
		}, 200},
		{"hmac expiring later", hm, func() string {
			return "/photo.jpg?" + hm.SignExpiring("/photo.jpg", "w=40", time.Now().Add(time.Hour))
		}, 200},
		{"imgix", ix, func() string { return "/photo.jpg?" + ix.Sign("/photo.jpg", "w=40&ixlib=go-2.0.3") }, 200},
		{"imagekit", ik, func() string { return "/photo.jpg?" + ik.Sign("/photo.jpg", "w=40") }, 200},
		{"unsigned", hm, func() string { return "/photo.jpg?w=40" }, 403},
		{"no query", hm, func() string { return "/photo.jpg" }, 403},
		{"empty s", hm, func() string { return "/photo.jpg?w=40&s=" }, 403},
		{"a rotated-out key", hm, func() string { return "/photo.jpg?" + retired.Sign("/photo.jpg", "w=40") }, 403},
		{"changed parameter", hm, func() string {
			return "/photo.jpg?" + strings.Replace(hm.Sign("/photo.jpg", "w=40"), "w=40", "w=41", 1)
		}, 403},
		{"added parameter", hm, func() string { return "/photo.jpg?" + hm.Sign("/photo.jpg", "w=40") + "&h=10" }, 403},
		{"other path", hm, func() string { return "/dir/photo%202.jpg?" + hm.Sign("/photo.jpg", "w=40") }, 403},
		{"expired", hm, func() string {
			return "/photo.jpg?" + hm.SignExpiring("/photo.jpg", "w=40", time.Now().Add(-time.Minute))
		}, 403},
		{"expires changed", hm, func() string {
			q := hm.SignExpiring("/photo.jpg", "w=40", time.Now().Add(-time.Minute))
			v, _ := url.ParseQuery(q)
			return "/photo.jpg?" + strings.Replace(q, v.Get("expires"), strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10), 1)
		}, 403},
		{"imgix, s not last", ix, func() string { return "/photo.jpg?" + ix.Sign("/photo.jpg", "w=40") + "&h=10" }, 403},
		{"imgix signature on hmac", hm, func() string { return "/photo.jpg?" + ix.Sign("/photo.jpg", "w=40") }, 403},
		{"signed but invalid parameter", hm, func() string { return "/photo.jpg?" + hm.Sign("/photo.jpg", "w=abc") }, 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := &countingSource{src: source.NewFS(testFS(t))}
			h := newHandler(t, src, &Options{Verifier: tt.verifier})
			r := get(t, h, tt.url())
			if r.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", r.Code, tt.status, r.Body)
			}
			if tt.status == 403 {
				if r.Header().Get("X-Rendition-Error") != CodeSignature {
					t.Errorf("code %q", r.Header().Get("X-Rendition-Error"))
				}
				if src.opens.Load() != 0 {
					t.Errorf("a refused URL reached the origin")
				}
			}
			if tt.status == 200 {
				if _, cfg := r.image(); cfg.Width != 40 {
					t.Errorf("width %d", cfg.Width)
				}
			}
		})
	}
}

// reorder reverses the order of a query's parameters.
func reorder(q string) string {
	parts := strings.Split(q, "&")
	for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
		parts[i], parts[j] = parts[j], parts[i]
	}
	return strings.Join(parts, "&")
}
