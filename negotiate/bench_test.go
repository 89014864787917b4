package negotiate

import (
	"net/http"
	"strings"
	"testing"
)

// browserAccepts are the Accept headers browsers and tools send for images.
var browserAccepts = []struct {
	client string
	accept string
}{
	{"Chromium 156", "image/jxl,image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8"},
	{"Firefox 128+", "image/avif,image/webp,image/png,image/svg+xml,image/*;q=0.8,*/*;q=0.5"},
	{"Firefox 92-127", "image/avif,image/webp,*/*"},
	{"Firefox 65-91", "image/webp,*/*"},
	{"Safari 17+", "image/webp,image/avif,image/jxl,image/heic,image/heic-sequence,video/*;q=0.8,image/png,image/svg+xml,image/*;q=0.8,*/*;q=0.5"},
	{"Safari 14-15", "image/webp,image/png,image/svg+xml,image/*;q=0.8,video/*;q=0.8,*/*;q=0.5"},
	{"curl", "*/*"},
	{"no Accept header", ""},
	{"old browser", "image/png,image/*;q=0.8,*/*;q=0.5"},
}

func BenchmarkParseAccept(b *testing.B) {
	for _, bc := range []struct{ name, header string }{
		{"Chromium", browserAccepts[0].accept},
		{"Safari", browserAccepts[4].accept},
		{"curl", "*/*"},
		{"Huge", strings.Repeat("text/plain;q=0.5,", 10000) + "image/webp"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				ParseAccept(bc.header)
			}
		})
	}
}

func BenchmarkParseHints(b *testing.B) {
	h := http.Header{}
	h.Set("Sec-CH-DPR", "2.625")
	h.Set("Sec-CH-Viewport-Width", "412")
	h.Set("Save-Data", "on")
	b.ReportAllocs()
	for b.Loop() {
		ParseHints(h)
	}
}

func BenchmarkAddVary(b *testing.B) {
	names := VaryFor([]string{"width", "dpr"})
	b.ReportAllocs()
	for b.Loop() {
		h := http.Header{"Vary": {"Accept-Encoding"}}
		AddVary(h, "Accept")
		AddVary(h, names...)
	}
}
