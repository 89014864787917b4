package transform

import (
	"errors"
	"image"
	"math"
	"net/url"
	"reflect"
	"testing"
)

// FuzzWithHints checks that WithHints never panics, is idempotent, leaves p
// unchanged without hints, and that a width hint never makes the output
// wider or taller than the URL without hints, nor a DPR hint beyond that
// or the source's size, whichever is larger.
func FuzzWithHints(f *testing.F) {
	for _, seed := range []struct {
		query    string
		width    int
		dpr      float64
		saveData bool
		sw, sh   int
	}{
		{"ch=width&w=300", 120, 0, false, 640, 480},
		{"ch=width&max-w=2000", 2000, 0, false, 640, 480},
		{"ch=width&min-w=1000", 1, 0, false, 640, 480},
		{"ch=width&ar=1:2&fit=crop", 640, 0, false, 640, 480},
		{"ch=width,dpr&h=100&fit=crop&dpr=2", 500, 3, false, 640, 480},
		{"ch=dpr&w=300&h=300&fit=fill", 0, 5, false, 640, 480},
		{"ch=dpr&w=0.5&dpr=3&rect=0,0,10,10", 0, 2.5, false, 640, 480},
		{"ch=dpr,save-data&q=90&auto=compress", 0, math.Inf(1), true, 1, 8192},
		{"ch=width,dpr,save-data&w=8192&dpr=5", 8192, math.NaN(), true, 8192, 1},
	} {
		f.Add(seed.query, seed.width, seed.dpr, seed.saveData, seed.sw, seed.sh)
	}
	f.Fuzz(func(t *testing.T, raw string, width int, dpr float64, saveData bool, sw, sh int) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		p, err := ParseQuery(q)
		if err != nil {
			return
		}
		h := Hints{Width: width, DPR: dpr, SaveData: saveData}
		hinted := p.WithHints(h)
		if again := hinted.WithHints(h); !reflect.DeepEqual(again, hinted) {
			t.Fatalf("%q with %+v: %q, then %q", raw, h, hinted.Encode(), again.Encode())
		}
		if none := p.WithHints(Hints{}); !reflect.DeepEqual(none, p) {
			t.Fatalf("%q without hints: %q", raw, none.Encode())
		}
		if sw < 1 || sh < 1 || sw > 1<<14 || sh > 1<<14 {
			return
		}
		src := image.Pt(sw, sh)
		plain, err := PlanLayout(src, p, Limits{})
		if err != nil {
			return
		}
		l, err := PlanLayout(src, hinted, Limits{})
		if err != nil {
			var le *LimitError
			if errors.As(err, &le) {
				t.Fatalf("%q with %+v on %v: %v, without hints %v", raw, h, src, err, plain.Canvas)
			}
			return
		}
		limit := plain.Canvas
		if hinted.DPRHint > 0 {
			limit = image.Pt(max(limit.X, src.X), max(limit.Y, src.Y))
		}
		if l.Canvas.X > limit.X || l.Canvas.Y > limit.Y {
			t.Fatalf("%q with %+v (%s) on %v: %v, more than %v", raw, h, hinted.Encode(), src, l.Canvas, limit)
		}
	})
}
