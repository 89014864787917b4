package transform

import (
	"image"
	"net/url"
	"reflect"
	"testing"
)

func mustParse(t *testing.T, query string) Params {
	t.Helper()
	q, err := url.ParseQuery(query)
	if err != nil {
		t.Fatal(err)
	}
	p, err := ParseQuery(q)
	if err != nil {
		t.Fatalf("ParseQuery(%q): %v", query, err)
	}
	return p
}

func TestWithHints(t *testing.T) {
	tests := []struct {
		name, query string
		hints       Hints
		want        string // the query the result equals, plus hint-w and hint-dpr
	}{
		{"no ch: hints ignored", "w=300", Hints{Width: 100, DPR: 2, SaveData: true}, "w=300"},
		{"width lowers w", "ch=width&w=300", Hints{Width: 120}, "ch=width&hint-w=120&w=300"},
		{"width at w is no hint", "ch=width&w=300", Hints{Width: 300}, "ch=width&w=300"},
		{"width above w is no hint", "ch=width&w=300", Hints{Width: 4000}, "ch=width&w=300"},
		{"width below w times dpr", "ch=width&dpr=2&w=300", Hints{Width: 500}, "ch=width&dpr=2&hint-w=500&w=300"},
		{"width above w times dpr", "ch=width&dpr=2&w=300", Hints{Width: 600}, "ch=width&dpr=2&w=300"},
		{"width without w: left to the layout", "ch=width", Hints{Width: 8000}, "ch=width&hint-w=8000"},
		{"width capped at 8192", "ch=width", Hints{Width: 100000}, "ch=width&hint-w=8192"},
		{"width wins over dpr", "ch=width,dpr&w=300", Hints{Width: 100, DPR: 2}, "ch=dpr,width&hint-w=100&w=300"},
		{"dpr without width hint", "ch=width,dpr&w=300", Hints{DPR: 2}, "ch=dpr,width&hint-dpr=2&w=300"},
		{"dpr without dpr: left to the layout", "ch=dpr&w=100", Hints{DPR: 2}, "ch=dpr&hint-dpr=2&w=100"},
		{"dpr capped at 5", "ch=dpr&w=100", Hints{DPR: 9}, "ch=dpr&hint-dpr=5&w=100"},
		{"dpr 1 restates the default", "ch=dpr&w=100", Hints{DPR: 1}, "ch=dpr&w=100"},
		{"dpr below 1 lowers", "ch=dpr&w=100", Hints{DPR: 0.5}, "ch=dpr&dpr=0.5&w=100"},
		{"dpr lowers the URL's", "ch=dpr&dpr=3&w=100", Hints{DPR: 2}, "ch=dpr&dpr=2&w=100"},
		{"dpr to 1 is the default", "ch=dpr&dpr=3&w=100", Hints{DPR: 1}, "ch=dpr&w=100"},
		{"dpr cannot raise the URL's", "ch=dpr&dpr=2&w=100", Hints{DPR: 5}, "ch=dpr&dpr=2&w=100"},
		{"dpr without a size changes nothing", "ch=dpr", Hints{DPR: 3}, "ch=dpr"},
		{"save-data lowers the default", "ch=save-data", Hints{SaveData: true}, "ch=save-data&q=45"},
		{"save-data lowers q", "ch=save-data&q=80", Hints{SaveData: true}, "ch=save-data&q=45"},
		{"save-data keeps a lower q", "ch=save-data&q=30", Hints{SaveData: true}, "ch=save-data&q=30"},
		{"save-data with auto=compress", "auto=compress&ch=save-data", Hints{SaveData: true}, "auto=compress&ch=save-data"},
		{"save-data with auto=compress and q", "auto=compress&ch=save-data&q=90", Hints{SaveData: true}, "auto=compress&ch=save-data"},
		{"save-data off", "ch=save-data", Hints{}, "ch=save-data"},
		{"negative hints ignored", "ch=width,dpr&w=100", Hints{Width: -5, DPR: -1}, "ch=dpr,width&w=100"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := mustParse(t, tt.query).WithHints(tt.hints)
			if enc := got.Encode(); enc != url.Values(must(url.ParseQuery(tt.want))).Encode() {
				t.Errorf("WithHints(%+v) of %q = %q, want %q", tt.hints, tt.query, enc, tt.want)
			}
			if again := got.WithHints(tt.hints); !reflect.DeepEqual(again, got) {
				t.Errorf("applying the hints twice: %q, then %q", got.Encode(), again.Encode())
			}
		})
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestHintsNeverExceedTheURL is the rule that keeps one signed URL from
// rendering thousands of sizes: whatever the hints, the output is no wider
// than the URL without hints gives, or than the source when the URL gives no
// size.
func TestHintsNeverExceedTheURL(t *testing.T) {
	src := image.Pt(640, 480)
	tests := []struct {
		query   string
		hints   Hints
		maxSize image.Point
	}{
		{"ch=width&w=300", Hints{Width: 4000}, image.Pt(300, 225)},
		{"ch=width&w=300&dpr=2", Hints{Width: 4000}, image.Pt(600, 450)},
		{"ch=width&w=0.25", Hints{Width: 4000}, image.Pt(160, 120)},
		{"ch=width&max-w=200&h=100", Hints{Width: 4000}, image.Pt(200, 150)},
		{"ch=width", Hints{Width: 8000}, src},
		{"ch=width&h=100&fit=crop", Hints{Width: 8000}, image.Pt(133, 100)},
		{"ch=width&rect=0,0,320,240", Hints{Width: 8000}, image.Pt(320, 240)},
		{"ch=dpr&w=300", Hints{DPR: 5}, src},
		{"ch=dpr&w=300&h=300&fit=crop", Hints{DPR: 5}, image.Pt(480, 480)},
		{"ch=dpr&w=300&dpr=1.5", Hints{DPR: 5}, image.Pt(450, 338)},
		{"ch=dpr&w=1000", Hints{DPR: 5}, image.Pt(1000, 750)},              // the URL's own upscale stays
		{"ch=dpr&w=200&h=200&fit=fill", Hints{DPR: 5}, image.Pt(480, 480)}, // padding included
	}
	for _, tt := range tests {
		p := mustParse(t, tt.query)
		l, err := PlanLayout(src, p.WithHints(tt.hints), Limits{})
		if err != nil {
			t.Fatalf("%s: %v", tt.query, err)
		}
		if l.Canvas.X > tt.maxSize.X || l.Canvas.Y > tt.maxSize.Y {
			t.Errorf("%s with %+v: %v, more than %v", tt.query, tt.hints, l.Canvas, tt.maxSize)
		}
	}
}

// TestHintedLayout checks the sizes hints give within the bounds.
func TestHintedLayout(t *testing.T) {
	src := image.Pt(640, 480)
	tests := []struct {
		query string
		hints Hints
		want  image.Point
	}{
		{"ch=width&w=300", Hints{Width: 120}, image.Pt(120, 90)},
		{"ch=width&w=300&h=100&fit=crop", Hints{Width: 150}, image.Pt(150, 50)},
		{"ch=width&w=300&dpr=2", Hints{Width: 120}, image.Pt(120, 90)},
		{"ch=width", Hints{Width: 8000}, image.Pt(640, 480)},
		{"ch=width", Hints{Width: 320}, image.Pt(320, 240)},
		{"ch=width&w=0.5", Hints{Width: 100}, image.Pt(100, 75)},
		{"ch=width&max-w=200&h=100", Hints{Width: 120}, image.Pt(120, 90)},
		{"ch=dpr&w=100", Hints{DPR: 2}, image.Pt(200, 150)},
		{"ch=dpr&w=300", Hints{DPR: 5}, image.Pt(640, 480)},
		{"ch=dpr&w=300&h=300&fit=crop", Hints{DPR: 5}, image.Pt(480, 480)},
		{"ch=dpr&w=1000", Hints{DPR: 5}, image.Pt(1000, 750)},
		{"ch=dpr&w=100&dpr=3", Hints{DPR: 2}, image.Pt(200, 150)},
	}
	for _, tt := range tests {
		p := mustParse(t, tt.query).WithHints(tt.hints)
		l, err := PlanLayout(src, p, Limits{})
		if err != nil {
			t.Fatalf("%s: %v", tt.query, err)
		}
		if l.Canvas != tt.want {
			t.Errorf("%s with %+v (%s): %v, want %v", tt.query, tt.hints, p, l.Canvas, tt.want)
		}
	}
}

// TestWidthHintOnlyLowers checks that a width hint never makes the output
// wider or taller than the URL gives without hints, whatever the bounds,
// ar, rect or fit around it.
func TestWidthHintOnlyLowers(t *testing.T) {
	src := image.Pt(640, 480)
	queries := []string{
		"ch=width",
		"ch=width&max-w=2000",
		"ch=width&max-w=2000&h=100&fit=crop",
		"ch=width&min-w=1000",
		"ch=width&min-w=1000&fit=crop&h=100",
		"ch=width&ar=1:1&fit=crop",
		"ch=width&ar=1:2&fit=crop",
		"ch=width&ar=2:1&fit=fill&max-h=100",
		"ch=width&h=100&fit=crop",
		"ch=width&h=100&fit=scale",
		"ch=width&h=100&fit=fill",
		"ch=width&h=1000&fit=crop",
		"ch=width&max-h=100&fit=crop",
		"ch=width&h=0.5&fit=crop&rect=0,0,100,400",
		"ch=width&w=300&min-h=400&fit=crop",
		"ch=width&w=300&max-h=100&fit=crop",
		"ch=width&w=0.5&dpr=2&fit=crop&h=0.5",
		"ch=width&w=300&max-w=200&min-w=250",
		"ch=width&fit=fillmax&h=100&min-w=500",
	}
	for _, q := range queries {
		p := mustParse(t, q)
		plain, err := PlanLayout(src, p, Limits{})
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		for _, hw := range []int{1, 50, 100, 120, 133, 200, 320, 480, 640, 1000, 2000, 8192} {
			l, err := PlanLayout(src, p.WithHints(Hints{Width: hw}), Limits{})
			if err != nil {
				t.Fatalf("%s with width %d: %v", q, hw, err)
			}
			if l.Canvas.X > plain.Canvas.X || l.Canvas.Y > plain.Canvas.Y {
				t.Errorf("%s with width %d: %v, larger than %v without hints", q, hw, l.Canvas, plain.Canvas)
			}
		}
	}
}

// TestDPRHintKeys checks that DPR hints differing by less than a hundredth
// make one cache key, so that one signed URL has a bounded number of keys.
func TestDPRHintKeys(t *testing.T) {
	tests := []struct {
		query string
		dprs  []float64
		want  string
	}{
		{"ch=dpr&w=100", []float64{2, 2.001, 2.0049, 1.995, 2.00000001}, "ch=dpr&hint-dpr=2&w=100"},
		{"ch=dpr&w=100", []float64{2.625, 2.6251, 2.629}, "ch=dpr&hint-dpr=2.63&w=100"},
		{"ch=dpr&w=100", []float64{1.001, 1.004}, "ch=dpr&w=100"},
		{"ch=dpr&dpr=3&w=100", []float64{2.5, 2.501, 2.5049}, "ch=dpr&dpr=2.5&w=100"},
		{"ch=dpr&dpr=3&w=100", []float64{2.999, 2.996}, "ch=dpr&dpr=3&w=100"},
		{"ch=dpr&dpr=3&w=100", []float64{0.999, 1.001}, "ch=dpr&w=100"},
		{"ch=dpr&w=100", []float64{0.001, 0.0001, 1e-300}, "ch=dpr&dpr=0.01&w=100"},
	}
	for _, tt := range tests {
		p := mustParse(t, tt.query)
		want := url.Values(must(url.ParseQuery(tt.want))).Encode()
		for _, d := range tt.dprs {
			if got := p.WithHints(Hints{DPR: d}).Encode(); got != want {
				t.Errorf("%s with DPR %v: %q, want %q", tt.query, d, got, want)
			}
		}
	}
}
