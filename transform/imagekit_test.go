package transform

import (
	"errors"
	"image/color"
	"reflect"
	"strings"
	"testing"
)

func TestParseImageKit(t *testing.T) {
	red50 := &color.NRGBA{R: 255, A: 129}
	tests := []struct {
		tr   string
		want []Params
	}{
		{"w-300", []Params{{Width: 300}}},
		{"w-300,h-200", []Params{{Width: 300, Height: 200, Fit: FitCrop}}},
		{"w-0.5", []Params{{Width: 0.5}}},
		{"w-300,h-200,c-force", []Params{{Width: 300, Height: 200, Fit: FitScale}}},
		{"w-300,h-200,c-at_max", []Params{{Width: 300, Height: 200, Fit: FitMax}}},
		{"w-300,h-200,c-at_max_enlarge", []Params{{Width: 300, Height: 200}}},
		{"w-300,h-200,c-at_least", []Params{{Width: 300, Height: 200, Fit: FitMin}}},
		{"w-300,h-200,cm-pad_resize,bg-FF0000", []Params{{Width: 300, Height: 200, Fit: FitFill, Background: &color.NRGBA{R: 255, A: 255}}}},
		{"w-300,ar-4-3", []Params{{Width: 300, AspectRatio: 4.0 / 3, Fit: FitCrop}}},
		{"w-300,h-300,fo-top_left", []Params{{Width: 300, Height: 300, Fit: FitCrop, Crop: CropTop | CropLeft}}},
		{"w-300,h-300,fo-center", []Params{{Width: 300, Height: 300, Fit: FitCrop}}},
		{"w-auto", []Params{{ClientHints: HintWidth}}},
		{"dpr-2,w-100", []Params{{Width: 100, DPR: 2}}},
		{"dpr-auto,w-100", []Params{{Width: 100, ClientHints: HintDPR}}},
		{"f-webp", []Params{{Format: WebP}}},
		{"f-avif", []Params{{Format: AVIF}}},
		{"f-auto", []Params{{Auto: AutoFormat}}},
		{"f-orig", []Params{{}}},
		{"q-50,lo-true", []Params{{Quality: 50, Lossless: true}}},
		{"rt-90", []Params{{Rotate: 90}}},
		{"rt-N90", []Params{{Rotate: 270}}},
		{"rt-auto", []Params{{}}},
		{"fl-h_v", []Params{{FlipH: true, FlipV: true}}},
		{"bg-FF000050", []Params{{Background: red50}}},
		{"bg-red", []Params{{Background: &color.NRGBA{R: 255, A: 255}}}},
		{"cm-extract,w-100,h-50,x-10,y-20", []Params{{Rect: &Rect{X: 10, Y: 20, W: 100, H: 50}}}},
		{"cm-extract,w-100,h-50,xc-60,yc-45", []Params{{Rect: &Rect{X: 10, Y: 20, W: 100, H: 50}}}},
		{"cm-extract,w-100,h-50,fo-bottom_right", []Params{{Rect: &Rect{W: 100, H: 50, XAlign: "right", YAlign: "bottom"}}}},
		{"w-400:rt-90", []Params{{Width: 400}, {Rotate: 90}}},
		{"rt-90:w-400", []Params{{Rotate: 90}, {Width: 400}}},
	}
	for _, tt := range tests {
		got, err := ParseImageKit(tt.tr)
		if err != nil {
			t.Errorf("%s: %v", tt.tr, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s:\n got %+v\nwant %+v", tt.tr, got, tt.want)
		}
	}
}

func TestParseImageKitErrors(t *testing.T) {
	tests := []struct {
		tr, param, reason string
	}{
		{"", "tr", "empty"},
		{"w-300::h-200", "tr", "empty step"},
		{"w", "tr", "not key-value"},
		{"w-abc", "tr:w", ""},
		{"w-0", "tr:w", ""},
		{"w-300,w-200", "tr:w", reasonRepeated},
		{"h-auto", "tr:h", "only for w"},
		{"ar-4", "tr:ar", "W-H"},
		{"c-fit", "tr:c", "must be"},
		{"cm-pad_extract", "tr:cm", reasonUnsupported},
		{"cm-extract,w-100", "tr:cm", "needs w and h"},
		{"x-10", "tr:x", "need cm-extract"},
		{"fo-face", "tr:fo", reasonUnsupported},
		{"fo-middle", "tr:fo", "must be"},
		{"rt-45", "tr:rt", reasonUnsupported},
		{"rt-abc", "tr:rt", "degrees"},
		{"fl-x", "tr:fl", "must be"},
		{"f-tiff", "tr:f", "unknown format"},
		{"q-101", "tr:q", ""},
		{"bg-FF0000ZZ", "tr:bg", ""},
		{"bl-10", "tr:bl", reasonUnsupported},
		{"e-sharpen", "tr:e", reasonUnsupported},
		{"l-image", "tr:l", reasonUnsupported},
		{"zz-1", "tr:zz", reasonUnknown},
		{strings.Repeat("w-1:", 11) + "w-1", "tr", "chained steps"},
		{strings.Repeat("x", MaxImageKitBytes+1), "tr", "longer than"},
	}
	for _, tt := range tests {
		_, err := ParseImageKit(tt.tr)
		var pe *ParamError
		if !errors.As(err, &pe) || pe.Param != tt.param || !strings.Contains(pe.Reason, tt.reason) {
			t.Errorf("%.40s: got %v, want a ParamError on %s saying %q", tt.tr, err, tt.param, tt.reason)
		}
	}
}

func FuzzParseImageKit(f *testing.F) {
	for _, s := range []string{"w-300,h-200", "w-400:rt-90", "cm-extract,w-10,h-10,xc-5,yc-5", "bg-FF000050", "rt-N90,fl-h_v", "f-auto,q-50", ":", "w-", "-1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, tr string) {
		steps, err := ParseImageKit(tr)
		if err != nil {
			var pe *ParamError
			if !errors.As(err, &pe) {
				t.Fatalf("%q: error %v is not a *ParamError", tr, err)
			}
			return
		}
		if len(steps) == 0 || len(steps) > MaxImageKitSteps {
			t.Fatalf("%q: %d steps", tr, len(steps))
		}
	})
}
