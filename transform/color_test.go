package transform

import (
	"image/color"
	"strings"
	"testing"

	"golang.org/x/image/colornames"
)

func TestParseColor(t *testing.T) {
	tests := []struct {
		in   string
		want color.NRGBA
	}{
		// 3 digits: RGB.
		{"f00", color.NRGBA{0xff, 0x00, 0x00, 0xff}},
		{"08c", color.NRGBA{0x00, 0x88, 0xcc, 0xff}},
		{"FFF", color.NRGBA{0xff, 0xff, 0xff, 0xff}},
		// 4 digits: ARGB, alpha first.
		{"8f00", color.NRGBA{0xff, 0x00, 0x00, 0x88}},
		{"0fff", color.NRGBA{0xff, 0xff, 0xff, 0x00}},
		{"fAbC", color.NRGBA{0xaa, 0xbb, 0xcc, 0xff}},
		// 6 digits: RRGGBB.
		{"ff0000", color.NRGBA{0xff, 0x00, 0x00, 0xff}},
		{"123456", color.NRGBA{0x12, 0x34, 0x56, 0xff}},
		{"A1b2C3", color.NRGBA{0xa1, 0xb2, 0xc3, 0xff}},
		// 8 digits: AARRGGBB.
		{"80ff0000", color.NRGBA{0xff, 0x00, 0x00, 0x80}},
		{"00000000", color.NRGBA{}},
		{"FF123456", color.NRGBA{0x12, 0x34, 0x56, 0xff}},
		{"7fabcdef", color.NRGBA{0xab, 0xcd, 0xef, 0x7f}},
		// Keywords, case-insensitive.
		{"red", color.NRGBA{0xff, 0x00, 0x00, 0xff}},
		{"RED", color.NRGBA{0xff, 0x00, 0x00, 0xff}},
		{"Black", color.NRGBA{0x00, 0x00, 0x00, 0xff}},
		{"rebeccapurple", color.NRGBA{0x66, 0x33, 0x99, 0xff}},
		{"grey", color.NRGBA{0x80, 0x80, 0x80, 0xff}},
		{"gray", color.NRGBA{0x80, 0x80, 0x80, 0xff}},
		{"LightGoldenrodYellow", color.NRGBA{0xfa, 0xfa, 0xd2, 0xff}},
		{"transparent", color.NRGBA{}},
		{"Transparent", color.NRGBA{}},
		// Words made of hex digits are hex.
		{"bad", color.NRGBA{0xbb, 0xaa, 0xdd, 0xff}},
		{"beef", color.NRGBA{0xee, 0xee, 0xff, 0xbb}},
	}
	for _, tt := range tests {
		got, err := ParseColor(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseColor(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func TestParseColorErrors(t *testing.T) {
	for _, in := range []string{
		"", "f", "ff", "fffff", "fffffff", "fffffffff", "#fff", "#ff0000",
		"ggg", "12345g", "0x123456", " fff", "fff ", "red ", "notacolour",
		"rgb(255,0,0)", "lightgoldenrodyellowx", "reds", "ré", "\x00\x00\x00",
		strings.Repeat("f", 100),
	} {
		c, err := ParseColor(in)
		if err == nil {
			t.Errorf("ParseColor(%q) = %v, want an error", in, c)
			continue
		}
		if !strings.Contains(err.Error(), "colour") {
			t.Errorf("ParseColor(%q) error %q does not say what was wrong", in, err)
		}
	}
}

// TestCSSColorNames checks the keyword table against the SVG 1.1 colour
// names of golang.org/x/image/colornames, which CSS Color Level 4 adopted
// and extended with rebeccapurple.
func TestCSSColorNames(t *testing.T) {
	if got, want := len(cssColors), 148+1; got != want {
		t.Errorf("%d colour keywords, want %d (148 named colours and transparent)", got, want)
	}
	for _, name := range colornames.Names {
		want := colornames.Map[name]
		got, err := ParseColor(name)
		if err != nil {
			t.Errorf("ParseColor(%q): %v", name, err)
			continue
		}
		if got != (color.NRGBA{want.R, want.G, want.B, want.A}) {
			t.Errorf("ParseColor(%q) = %v, want %v", name, got, want)
		}
		if upper := strings.ToUpper(name); upper != name {
			if c, err := ParseColor(upper); err != nil || c != got {
				t.Errorf("ParseColor(%q) = %v, %v; want %v", upper, c, err, got)
			}
		}
	}
	longest := 0
	for name := range cssColors {
		longest = max(longest, len(name))
		if name != strings.ToLower(name) {
			t.Errorf("keyword %q is not lowercase", name)
		}
	}
	if longest != maxColorNameLen {
		t.Errorf("longest keyword has %d bytes, maxColorNameLen is %d", longest, maxColorNameLen)
	}
}

func TestFormatColor(t *testing.T) {
	tests := []struct {
		in   color.NRGBA
		want string
	}{
		{color.NRGBA{0xff, 0x00, 0x00, 0xff}, "ff0000"},
		{color.NRGBA{0x0a, 0xbc, 0xde, 0xff}, "0abcde"},
		{color.NRGBA{0xff, 0x00, 0x00, 0x80}, "80ff0000"},
		{color.NRGBA{}, "00000000"},
		{color.NRGBA{0x01, 0x02, 0x03, 0xfe}, "fe010203"},
	}
	for _, tt := range tests {
		got := formatColor(tt.in)
		if got != tt.want {
			t.Errorf("formatColor(%v) = %q, want %q", tt.in, got, tt.want)
		}
		if back, err := ParseColor(got); err != nil || back != tt.in {
			t.Errorf("ParseColor(%q) = %v, %v; want %v", got, back, err, tt.in)
		}
	}
}

func BenchmarkParseColor(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseColor("LightGoldenrodYellow"); err != nil {
			b.Fatal(err)
		}
		if _, err := ParseColor("80ff0000"); err != nil {
			b.Fatal(err)
		}
	}
}
