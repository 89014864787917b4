package rendition

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/rendition-go/rendition/source"
	"github.com/rendition-go/rendition/transform"
)

const (
	chromium = "image/jxl,image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8"
	oldAgent = "image/png,image/*;q=0.8,*/*;q=0.5"
)

func TestAutoFormat(t *testing.T) {
	h := newHandler(t, source.NewFS(testFS(t)), nil)
	tests := []struct {
		url, accept string
		want        transform.Format
	}{
		{"/photo.jpg?w=50&auto=format", chromium, transform.WebP},
		{"/photo.jpg?w=50&auto=format", "*/*", transform.JPEG},
		{"/photo.jpg?w=50&auto=format", "", transform.JPEG},
		{"/photo.jpg?w=50&auto=format", "image/webp;q=0", transform.JPEG},
		{"/photo.jpg?w=50&auto=format", "image/webpx,image/*", transform.JPEG},
		{"/photo.jpg?w=50&auto=format&fm=png", chromium, transform.WebP}, // negotiation wins over fm
		{"/photo.jpg?w=50&auto=format&fm=png", oldAgent, transform.PNG},
		{"/alpha.png?w=50&auto=format", oldAgent, transform.PNG},
		{"/dice.webp?w=50&auto=format", oldAgent, transform.PNG}, // never WebP to a client that did not ask
		{"/dice.webp?w=50&auto=format", chromium, transform.WebP},
		{"/anim.gif?w=50&auto=format", "*/*", transform.GIF},
		{"/dice.webp?w=50", oldAgent, transform.WebP},                     // no auto=format: the source's format
		{"/photo.jpg?w=50&auto=format&fm=webp", oldAgent, transform.JPEG}, // fm is only a fallback
	}
	for _, tt := range tests {
		t.Run(tt.url+" "+tt.accept, func(t *testing.T) {
			r := get(t, h, tt.url, "Accept", tt.accept)
			if r.Code != http.StatusOK || r.Header().Get("Content-Type") != tt.want.ContentType() {
				t.Fatalf("got %d %q, want %q", r.Code, r.Header().Get("Content-Type"), tt.want.ContentType())
			}
			vary := r.Header().Get("Vary")
			if negotiated := strings.Contains(tt.url, "auto=format"); negotiated != strings.Contains(vary, "Accept") {
				t.Errorf("Vary %q for %s", vary, tt.url)
			}
		})
	}
	// One cache entry per negotiated format, and Vary on hits too.
	if r := get(t, h, "/photo.jpg?w=50&auto=format", "Accept", chromium); r.Header().Get("X-Cache") != "HIT" || r.Header().Get("Vary") != "Accept" {
		t.Errorf("repeat: X-Cache %q, Vary %q", r.Header().Get("X-Cache"), r.Header().Get("Vary"))
	}
	if r := get(t, h, "/photo.jpg?w=50&auto=format", "Accept", "image/webp"); r.Header().Get("X-Cache") != "HIT" {
		t.Error("another Accept that chooses WebP made another render")
	}
}

func TestClientHints(t *testing.T) {
	h := newHandler(t, source.NewFS(testFS(t)), nil)
	tests := []struct {
		name, url string
		header    []string
		w, hgt    int
	}{
		{"width hint replaces w", "/photo.jpg?w=300&ch=width", []string{"Sec-CH-Width", "120"}, 120, 90},
		{"legacy width hint", "/photo.jpg?w=300&ch=width", []string{"Width", "160"}, 160, 120},
		{"width hint includes dpr", "/photo.jpg?w=300&dpr=2&ch=width", []string{"Sec-CH-Width", "120"}, 120, 90},
		{"width hint scales a fixed height", "/photo.jpg?w=300&h=100&fit=crop&ch=width", []string{"Sec-CH-Width", "150"}, 150, 50},
		{"dpr hint", "/photo.jpg?w=100&ch=dpr", []string{"Sec-CH-DPR", "2"}, 200, 150},
		{"dpr hint clamped to 5", "/photo.jpg?w=50&ch=dpr", []string{"Sec-CH-DPR", "9"}, 250, 188},
		{"malformed hint ignored", "/photo.jpg?w=100&ch=dpr", []string{"Sec-CH-DPR", "two"}, 100, 75},
		{"hints need ch", "/photo.jpg?w=100", []string{"Sec-CH-Width", "50", "Sec-CH-DPR", "3"}, 100, 75},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := get(t, h, tt.url, tt.header...)
			if r.Code != http.StatusOK {
				t.Fatalf("status %d: %s", r.Code, r.Body)
			}
			if _, cfg := r.image(); cfg.Width != tt.w || cfg.Height != tt.hgt {
				t.Errorf("size %dx%d, want %dx%d", cfg.Width, cfg.Height, tt.w, tt.hgt)
			}
			uses := strings.Contains(tt.url, "ch=")
			if got := r.Header().Get("Accept-CH") != ""; got != uses {
				t.Errorf("Accept-CH %q", r.Header().Get("Accept-CH"))
			}
			if vary := r.Header().Get("Vary"); uses != strings.Contains(vary, "Sec-CH-") {
				t.Errorf("Vary %q", vary)
			}
		})
	}

	plain := get(t, h, "/photo.jpg?w=200&ch=save-data").Body.Len()
	saving := get(t, h, "/photo.jpg?w=200&ch=save-data", "Save-Data", "on")
	if saving.Body.Len() >= plain || !strings.Contains(saving.Header().Get("Vary"), "Save-Data") {
		t.Errorf("Save-Data: %d bytes against %d, Vary %q", saving.Body.Len(), plain, saving.Header().Get("Vary"))
	}
	// A hint that restates a default shares the cache entry of no hint.
	get(t, h, "/photo.jpg?w=90&ch=dpr")
	if r := get(t, h, "/photo.jpg?w=90&ch=dpr", "Sec-CH-DPR", "1"); r.Header().Get("X-Cache") != "HIT" {
		t.Errorf("DPR: 1 was a %s", r.Header().Get("X-Cache"))
	}
}

// TestClientHintsCannotExceedTheURL: a URL signed with ch= lets the client
// lower the size it gives, never raise it, so one signature cannot be made
// to render thousands of sizes. Without a size in the URL, the hint is capped
// at the source's size.
func TestClientHintsCannotExceedTheURL(t *testing.T) {
	fs := testFS(t)
	fs["wide.jpg"] = &fstest.MapFile{Data: encodeJPEG(t, quadrants(640, 480))}
	h := newHandler(t, source.NewFS(fs), nil)
	tests := []struct {
		url    string
		header []string
		w, hgt int
	}{
		{"/wide.jpg?w=300&ch=width", []string{"Sec-CH-Width", "4000"}, 300, 225},
		{"/wide.jpg?w=300&ch=width", []string{"Width", "8192"}, 300, 225},
		{"/wide.jpg?ch=width", []string{"Sec-CH-Width", "8000"}, 640, 480},
		{"/wide.jpg?ch=width", []string{"Sec-CH-Width", "320"}, 320, 240},
		{"/wide.jpg?w=100&dpr=2&ch=dpr", []string{"Sec-CH-DPR", "5"}, 200, 150},
		{"/wide.jpg?w=300&ch=dpr", []string{"Sec-CH-DPR", "5"}, 640, 480},
	}
	for _, tt := range tests {
		r := get(t, h, tt.url, tt.header...)
		if r.Code != http.StatusOK {
			t.Fatalf("%s %v: status %d: %s", tt.url, tt.header, r.Code, r.Body)
		}
		if _, cfg := r.image(); cfg.Width != tt.w || cfg.Height != tt.hgt {
			t.Errorf("%s %v: %dx%d, want %dx%d", tt.url, tt.header, cfg.Width, cfg.Height, tt.w, tt.hgt)
		}
	}
	// A hint at or above what the URL gives changes nothing: one entry.
	get(t, h, "/wide.jpg?w=200&ch=width")
	if r := get(t, h, "/wide.jpg?w=200&ch=width", "Sec-CH-Width", "5000"); r.Header().Get("X-Cache") != "HIT" {
		t.Errorf("a width hint above w was a %s", r.Header().Get("X-Cache"))
	}
}

// TestAutoFormatBrowsers checks the table in the negotiate package's
// documentation: what the Accept headers browsers send choose for a JPEG
// source and for a WebP source with transparency, with AVIF enabled or not.
func TestAutoFormatBrowsers(t *testing.T) {
	browsers := []struct {
		client, accept string
		want           [4]transform.Format // AVIF on: JPEG, WebP with alpha; AVIF off: the same
	}{
		{"Chromium 156", chromium, [4]transform.Format{"avif", "avif", "webp", "webp"}},
		{"Firefox 128+", "image/avif,image/webp,image/png,image/svg+xml,image/*;q=0.8,*/*;q=0.5", [4]transform.Format{"avif", "avif", "webp", "webp"}},
		{"Firefox 92-127", "image/avif,image/webp,*/*", [4]transform.Format{"avif", "avif", "webp", "webp"}},
		{"Firefox 65-91", "image/webp,*/*", [4]transform.Format{"webp", "webp", "webp", "webp"}},
		{"Safari 17+", "image/webp,image/avif,image/jxl,image/heic,image/heic-sequence,video/*;q=0.8,image/png,image/svg+xml,image/*;q=0.8,*/*;q=0.5", [4]transform.Format{"avif", "avif", "webp", "webp"}},
		{"Safari 14-15", "image/webp,image/png,image/svg+xml,image/*;q=0.8,video/*;q=0.8,*/*;q=0.5", [4]transform.Format{"webp", "webp", "webp", "webp"}},
		{"curl", "*/*", [4]transform.Format{"jpg", "png", "jpg", "png"}},
		{"no Accept header", "", [4]transform.Format{"jpg", "png", "jpg", "png"}},
		{"old browser", oldAgent, [4]transform.Format{"jpg", "png", "jpg", "png"}},
		{"q does not reorder", "image/webp;q=1,image/avif;q=0.1", [4]transform.Format{"avif", "avif", "webp", "webp"}},
		{"no substring match", "image/webpx,image/avif2", [4]transform.Format{"jpg", "png", "jpg", "png"}},
	}
	// The renderer's fallback is the same with AVIF on or off: render it
	// without AVIF, whose encoder is too slow for the handler's tests.
	h := newHandler(t, source.NewFS(testFS(t)), nil)
	for _, b := range browsers {
		var got [4]transform.Format
		for i, avif := range []bool{true, false} {
			for j, path := range []string{"/photo.jpg?w=20&auto=format", "/dice.webp?w=20&auto=format"} {
				r := httptest.NewRequest(http.MethodGet, path, nil)
				r.Header.Set("Accept", b.accept)
				p, _ := negotiateParams(r, transform.Params{Width: 20, Auto: transform.AutoFormat}, avif)
				f := p.Format
				if f == "" {
					f, _ = transform.FormatOf(get(t, h, path, "Accept", b.accept).Header().Get("Content-Type"))
				}
				got[2*i+j] = f
			}
		}
		if got != b.want {
			t.Errorf("%s: got %v, want %v (AVIF on: JPEG, WebP with alpha; AVIF off: the same)", b.client, got, b.want)
		}
	}
}

// TestAutoFormatAVIF checks the choice alone: encoding AVIF is too slow
// for the handler's tests (the encoder's set-up takes seconds under -race).
func TestAutoFormatAVIF(t *testing.T) {
	tests := []struct {
		accept string
		avif   bool
		want   transform.Format
	}{
		{chromium, true, transform.AVIF},
		{chromium, false, transform.WebP},
		{"image/webp,*/*", true, transform.WebP},
		{"image/avif;q=0,image/webp", true, transform.WebP},
		{"*/*", true, ""},
	}
	for _, tt := range tests {
		r := httptest.NewRequest(http.MethodGet, "/a.jpg", nil)
		r.Header.Set("Accept", tt.accept)
		p, _ := negotiateParams(r, transform.Params{Auto: transform.AutoFormat}, tt.avif)
		if p.Format != tt.want {
			t.Errorf("Accept %q, AVIF %v: format %q, want %q", tt.accept, tt.avif, p.Format, tt.want)
		}
	}
	// Without AVIF enabled, fm=avif is refused naming fm.
	h := newHandler(t, source.NewFS(testFS(t)), nil)
	if r := get(t, h, "/photo.jpg?fm=avif"); r.Code != http.StatusBadRequest || !strings.Contains(r.Body.String(), "parameter fm") {
		t.Errorf("fm=avif, not enabled: %d %s", r.Code, r.Body)
	}
}

// TestUnkeyedHeadersDoNotChangeTheEntry: without auto=format or ch=,
// Accept, client hints and Save-Data change nothing: every request shares
// the first one's entry and bytes.
func TestUnkeyedHeadersDoNotChangeTheEntry(t *testing.T) {
	h := newHandler(t, source.NewFS(testFS(t)), nil)
	first := get(t, h, "/photo.jpg?w=80", "Accept", "image/webp")
	for _, hdr := range [][]string{
		{"Accept", chromium},
		{"Accept", "*/*"},
		{"Sec-CH-Width", "500", "Sec-CH-DPR", "3"},
		{"Width", "40", "DPR", "2"},
		{"Save-Data", "on"},
		{"Accept-Encoding", "gzip"},
	} {
		r := get(t, h, "/photo.jpg?w=80", hdr...)
		if r.Header().Get("X-Cache") != "HIT" || r.Header().Get("ETag") != first.Header().Get("ETag") || r.Header().Get("Vary") != "" {
			t.Errorf("%v: X-Cache %s, ETag %s (first %s), Vary %q", hdr, r.Header().Get("X-Cache"),
				r.Header().Get("ETag"), first.Header().Get("ETag"), r.Header().Get("Vary"))
		}
	}
	if first.Header().Get("Content-Type") != "image/jpeg" {
		t.Errorf("Accept chose %s without auto=format", first.Header().Get("Content-Type"))
	}
}
