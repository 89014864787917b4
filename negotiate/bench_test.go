package negotiate

import (
	"net/http"
	"strings"
	"testing"
)

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

func BenchmarkChooseFormat(b *testing.B) {
	a := ParseAccept(browserAccepts[4].accept) // Safari: the longest list
	b.ReportAllocs()
	for b.Loop() {
		ChooseFormat(a, false, "jpg", Formats{})
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
