package negotiate

import (
	"strings"
	"testing"
)

func TestQuality(t *testing.T) {
	tests := []struct {
		name      string
		header    string
		mediaType string
		want      float64
	}{
		// Absent, empty and wholly malformed headers accept everything.
		{"absent", "", "image/webp", 1},
		{"blank", "  \t ", "image/avif", 1},
		{"only commas", ",, ,", "image/png", 1},
		{"only malformed", "image, /webp, */html", "image/png", 1},

		// Exact types, q-values and exclusions.
		{"exact", "image/webp", "image/webp", 1},
		{"not listed", "image/webp", "image/png", 0},
		{"q", "image/webp;q=0.5", "image/webp", 0.5},
		{"q three decimals", "image/webp;q=0.125", "image/webp", 0.125},
		{"q one", "image/webp;q=1.000", "image/webp", 1},
		{"q zero excludes", "image/webp;q=0", "image/webp", 0},
		{"q zero beats wildcard", "image/webp;q=0, image/*, */*", "image/webp", 0},
		{"q zero on type wildcard", "image/*;q=0, */*", "image/png", 0},
		{"q zero on type wildcard, other type", "image/*;q=0, */*;q=0.3", "text/html", 0.3},
		{"everything excluded", "*/*;q=0", "image/png", 0},

		// Specificity: exact > type/* > */*, whatever the order.
		{"exact beats type wildcard", "image/*;q=0.8, image/webp;q=0.2", "image/webp", 0.2},
		{"type wildcard beats any", "*/*;q=0.1, image/*;q=0.7", "image/png", 0.7},
		{"any", "text/html, */*;q=0.4", "image/png", 0.4},
		{"type wildcard only", "image/*", "image/png", 1},
		{"type wildcard other type", "image/*", "text/html", 0},
		{"duplicate, highest wins", "image/webp;q=0.3, image/webp;q=0.6", "image/webp", 0.6},
		{"duplicate zero and positive", "image/webp;q=0, image/webp", "image/webp", 1},

		// No substring or prefix matching.
		{"longer subtype", "image/webpx", "image/webp", 0},
		{"shorter subtype", "image/web", "image/webp", 0},
		{"query longer", "image/webp", "image/webpx", 0},
		{"type prefix", "imag/*", "image/png", 0},

		// Case and whitespace.
		{"upper range", "IMAGE/WEBP", "image/webp", 1},
		{"upper query", "image/webp", "Image/WebP", 1},
		{"upper q", "image/webp;Q=0.5", "image/webp", 0.5},
		{"spaces", "  image/png ;  q=0.5 ,\timage/webp\t", "image/png", 0.5},
		{"space around =", "image/png; q = 0.5", "image/png", 0.5},
		{"tabs", "\timage/avif\t;\tq=0.9\t", "image/avif", 0.9},

		// Parameters other than q are ignored, on either side.
		{"param before q", "image/webp;codecs=vp8;q=0.4", "image/webp", 0.4},
		{"param after q", "image/webp;q=0.4;level=1", "image/webp", 0.4},
		{"first q wins", "image/webp;q=0.4;q=0.9", "image/webp", 0.4},
		{"quoted param with comma", `image/webp;x="a,b";q=0.3, image/png`, "image/webp", 0.3},
		{"quoted param with escaped quote", `image/webp;x="a\",b", image/png;q=0.2`, "image/png", 0.2},
		{"query params ignored", "image/webp;q=0.4", "image/webp; charset=x", 0.4},
		{"empty param", "image/webp;;q=0.5;", "image/webp", 0.5},

		// Malformed elements are skipped, the rest kept.
		{"no subtype", "image, image/png", "image/png", 1},
		{"empty type", "/png, image/webp", "image/png", 0},
		{"wildcard type, concrete subtype", "*/png, image/webp", "image/png", 0},
		{"space inside type", "image /png, image/webp", "image/png", 0},
		{"q above one", "image/png;q=1.5, image/webp", "image/png", 0},
		{"q too many decimals", "image/png;q=0.1234, image/webp", "image/png", 0},
		{"q not a number", "image/png;q=high, */*;q=0.1", "image/png", 0.1},
		{"q negative", "image/png;q=-1, */*;q=0.1", "image/png", 0.1},
		{"q empty", "image/png;q=, */*;q=0.1", "image/png", 0.1},
		{"q quoted", `image/png;q="0.5", */*;q=0.1`, "image/png", 0.1},
		{"q trailing dot is valid", "image/png;q=0., */*;q=0.1", "image/png", 0},
		{"param without value", "image/png;foo, */*;q=0.1", "image/png", 0.1},
		{"unterminated quote swallows the rest", `image/png;x="a, image/webp`, "image/webp", 1},
		{"garbage bytes", "\x00\xff/\x01, image/png", "image/png", 1},

		// The queried type must be concrete and well formed.
		{"query wildcard", "image/*", "image/*", 0},
		{"query any", "*/*", "*/*", 0},
		{"query malformed", "*/*", "png", 0},
		{"query empty", "", "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ParseAccept(tt.header).Quality(tt.mediaType); got != tt.want {
				t.Errorf("ParseAccept(%q).Quality(%q) = %v, want %v", tt.header, tt.mediaType, got, tt.want)
			}
		})
	}
}

func TestQualityZeroValue(t *testing.T) {
	var a Accept
	if got := a.Quality("image/webp"); got != 1 {
		t.Errorf("Accept{}.Quality(image/webp) = %v, want 1", got)
	}
	if a.Explicit("image/webp") {
		t.Error("Accept{}.Explicit(image/webp) = true, want false")
	}
}

func TestExplicit(t *testing.T) {
	tests := []struct {
		header    string
		mediaType string
		want      bool
	}{
		{"image/webp", "image/webp", true},
		{"image/webp;q=0.1", "image/webp", true},
		{"IMAGE/WebP", "image/webp", true},
		{"image/webp;q=0", "image/webp", false},
		{"image/webp;q=0.000", "image/webp", false},
		{"image/webp;q=0, image/webp;q=0.5", "image/webp", true},
		{"image/*", "image/webp", false},
		{"*/*", "image/webp", false},
		{"", "image/webp", false},
		{"image/webpx", "image/webp", false},
		{"image/webp", "image/webpx", false},
		{"image/png, image/*;q=0.8", "image/webp", false},
		{"image/webp;q=2", "image/webp", false},
		{"image/*", "image/*", false},
		{"image/webp", "image/webp;q=1", true},
	}
	for _, tt := range tests {
		if got := ParseAccept(tt.header).Explicit(tt.mediaType); got != tt.want {
			t.Errorf("ParseAccept(%q).Explicit(%q) = %v, want %v", tt.header, tt.mediaType, got, tt.want)
		}
	}
}

func TestParseAcceptJoinedLines(t *testing.T) {
	a := ParseAccept(strings.Join([]string{"image/avif", "image/webp;q=0.9", ""}, ","))
	if !a.Explicit("image/avif") || !a.Explicit("image/webp") {
		t.Errorf("joined lines: Explicit(avif) = %v, Explicit(webp) = %v, want both true",
			a.Explicit("image/avif"), a.Explicit("image/webp"))
	}
	if got := a.Quality("image/png"); got != 0 {
		t.Errorf("joined lines: Quality(image/png) = %v, want 0", got)
	}
}

func TestParseAcceptBounded(t *testing.T) {
	t.Run("range cap", func(t *testing.T) {
		var b strings.Builder
		for i := range 1000 {
			b.WriteString("text/x")
			b.WriteString(strings.Repeat("a", i%7+1))
			b.WriteString(",")
		}
		b.WriteString("image/webp")
		a := ParseAccept(b.String())
		if len(a.ranges) != maxRanges {
			t.Errorf("kept %d ranges, want %d", len(a.ranges), maxRanges)
		}
		if a.Explicit("image/webp") {
			t.Error("a range after the first 64 was used")
		}
	})
	t.Run("malformed elements do not count towards the cap", func(t *testing.T) {
		h := strings.Repeat("bad,", 100) + "image/webp"
		if a := ParseAccept(h); !a.Explicit("image/webp") {
			t.Error("image/webp after 100 malformed elements was dropped")
		}
	})
	t.Run("byte cap", func(t *testing.T) {
		pad := "text/plain;x=" + strings.Repeat("y", maxAcceptLen) // one long, valid range
		a := ParseAccept(pad + ",image/webp")
		if a.Explicit("image/webp") {
			t.Error("a range beyond the first 8 KiB was used")
		}
		if len(a.ranges) != 0 {
			t.Errorf("kept %d ranges, want 0: the range cut by the byte limit is incomplete", len(a.ranges))
		}
		if got := a.Quality("image/webp"); got != 1 {
			t.Errorf("Quality = %v, want 1 (no complete range: like an absent header)", got)
		}
	})
	t.Run("range straddling the cut is dropped", func(t *testing.T) {
		// "image/webp" ends exactly at the cut, but the element goes on.
		prefix := strings.Repeat(" ", maxAcceptLen-len("image/png,image/webp")) + "image/png,"
		h := prefix + "image/webp" + "x,image/avif"
		a := ParseAccept(h)
		if a.Explicit("image/webp") {
			t.Error("the truncated element image/webpx was read as image/webp")
		}
		if !a.Explicit("image/png") {
			t.Error("the complete element before the cut was dropped")
		}
	})
	t.Run("cut on a comma keeps the last range", func(t *testing.T) {
		prefix := strings.Repeat(" ", maxAcceptLen-len("image/webp"))
		a := ParseAccept(prefix + "image/webp,image/avif")
		if !a.Explicit("image/webp") {
			t.Error("the range that ends exactly at the cut was dropped")
		}
		if a.Explicit("image/avif") {
			t.Error("a range beyond the cut was used")
		}
	})
}

func TestParseQ(t *testing.T) {
	tests := []struct {
		in   string
		want uint16
		ok   bool
	}{
		{"0", 0, true}, {"1", 1000, true}, {"0.", 0, true}, {"1.", 1000, true},
		{"0.5", 500, true}, {"0.05", 50, true}, {"0.005", 5, true}, {"0.999", 999, true},
		{"1.0", 1000, true}, {"1.000", 1000, true},
		{"1.001", 0, false}, {"1.5", 0, false}, {"2", 0, false}, {"0.0000", 0, false},
		{".5", 0, false}, {"", 0, false}, {"00.5", 0, false}, {"0,5", 0, false}, {"0.5e", 0, false},
	}
	for _, tt := range tests {
		got, ok := parseQ(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseQ(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func FuzzParseAccept(f *testing.F) {
	for _, h := range browserAccepts {
		f.Add(h.accept, "image/webp")
	}
	f.Add(`image/webp;x="a,b";q=0.3, image/*;q=0`, "image/png")
	f.Add("image/webp;q=0, */*", "image/webp")
	f.Add(`a/b;x="\`, "a/b")
	f.Fuzz(func(t *testing.T, header, mediaType string) {
		a := ParseAccept(header)
		if len(a.ranges) > maxRanges {
			t.Fatalf("kept %d ranges, more than %d", len(a.ranges), maxRanges)
		}
		q := a.Quality(mediaType)
		if q < 0 || q > 1 {
			t.Fatalf("Quality(%q) = %v, outside [0, 1]", mediaType, q)
		}
		if a.Explicit(mediaType) && q == 0 {
			t.Fatalf("Explicit(%q) is true but Quality is 0", mediaType)
		}
		for _, r := range a.ranges {
			if r.q > 1000 || !isToken(r.typ) || !isToken(r.sub) {
				t.Fatalf("kept malformed range %+v", r)
			}
		}
	})
}
