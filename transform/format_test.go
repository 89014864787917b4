package transform

import (
	"image"
	"testing"
)

func TestWithAccept(t *testing.T) {
	auto := Params{Width: 100, Auto: AutoFormat | AutoCompress, Format: PNG}
	tests := []struct {
		p    Params
		a    Accept
		avif bool
		want Params
	}{
		{auto, Accept{AVIF: true, WebP: true}, true, Params{Width: 100, Auto: AutoCompress, Format: AVIF}},
		{auto, Accept{AVIF: true, WebP: true}, false, Params{Width: 100, Auto: AutoCompress, Format: WebP}},
		{auto, Accept{AVIF: true}, false, auto},
		{auto, Accept{}, true, auto},
		{Params{Format: JPEG}, Accept{AVIF: true, WebP: true}, true, Params{Format: JPEG}},
	}
	for _, tt := range tests {
		if got := tt.p.WithAccept(tt.a, tt.avif); got != tt.want {
			t.Errorf("%s WithAccept(%+v, %v) = %s, want %s", tt.p, tt.a, tt.avif, got, tt.want)
		}
	}
}

// TestOutputFormat is the renderer's half of the auto=format rule: with
// auto=format unresolved, fm or the source's format is kept only when every
// client displays it.
func TestOutputFormat(t *testing.T) {
	opaqueImg := image.NewGray(image.Rect(0, 0, 1, 1))
	alphaImg := image.NewNRGBA(image.Rect(0, 0, 1, 1))
	tests := []struct {
		fm, source Format
		auto       bool
		img        image.Image
		want       Format
	}{
		{"", JPEG, false, opaqueImg, JPEG},
		{"", WebP, false, alphaImg, WebP},
		{"", BMP, false, opaqueImg, JPEG},
		{"", TIFF, false, alphaImg, PNG},
		{AVIF, JPEG, false, opaqueImg, AVIF},
		{WebP, JPEG, false, opaqueImg, WebP},
		{"", JPEG, true, opaqueImg, JPEG},
		{"", PNG, true, opaqueImg, PNG},
		{"", GIF, true, alphaImg, GIF},
		{"", WebP, true, opaqueImg, JPEG},
		{"", WebP, true, alphaImg, PNG},
		{"", BMP, true, alphaImg, PNG},
		{WebP, JPEG, true, opaqueImg, JPEG},
		{AVIF, PNG, true, alphaImg, PNG},
		{PNG, WebP, true, opaqueImg, PNG},
		{GIF, JPEG, true, opaqueImg, GIF},
	}
	for _, tt := range tests {
		p := Params{Format: tt.fm}
		if tt.auto {
			p.Auto = AutoFormat
		}
		if got := outputFormat(p, tt.source, tt.img); got != tt.want {
			t.Errorf("fm=%q source %s auto=%v opaque=%v: %s, want %s", tt.fm, tt.source, tt.auto, opaque(tt.img), got, tt.want)
		}
	}
}

func TestFormatOf(t *testing.T) {
	tests := []struct {
		ct   string
		want Format
		ok   bool
	}{
		{"image/jpeg", JPEG, true},
		{"image/png", PNG, true},
		{"image/gif", GIF, true},
		{"image/webp", WebP, true},
		{"image/avif", AVIF, true},
		{" Image/AVIF ; q=1", AVIF, true},
		{"image/svg+xml", "", false},
		{"text/html; charset=utf-8", "", false},
		{"image/bmp", "", false}, // read, never written
		{"image/tiff", "", false},
		{"", "", false},
		{"image/jpegx", "", false},
	}
	for _, tt := range tests {
		if got, ok := FormatOf(tt.ct); got != tt.want || ok != tt.ok {
			t.Errorf("FormatOf(%q) = %q, %v; want %q, %v", tt.ct, got, ok, tt.want, tt.ok)
		}
	}
	// Every format FormatOf knows reads back from its content type.
	for _, f := range []Format{JPEG, PNG, GIF, WebP, AVIF} {
		if got, ok := FormatOf(f.ContentType()); got != f || !ok {
			t.Errorf("FormatOf(%s.ContentType()) = %q, %v", f, got, ok)
		}
	}
}
