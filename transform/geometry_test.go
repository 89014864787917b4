package transform

import (
	"errors"
	"image"
	"testing"
)

func TestPlanLayout(t *testing.T) {
	phone := image.Pt(4032, 3024)
	wide := image.Pt(300, 200)
	small := image.Pt(200, 100)
	fp := func(x, y, z float64) *FocalPoint { return &FocalPoint{X: x, Y: y, Z: z} }
	rect := func(x0, y0, x1, y1 int) image.Rectangle { return image.Rect(x0, y0, x1, y1) }
	pt := image.Pt

	tests := []struct {
		name string
		src  image.Point
		p    Params
		want Layout
	}{
		{"no params keeps the size", phone, Params{},
			Layout{Region: rect(0, 0, 4032, 3024), Size: phone, Canvas: phone}},
		{"w=300 keeps the aspect ratio", phone, Params{Width: 300},
			Layout{Region: rect(0, 0, 4032, 3024), Size: pt(300, 225), Canvas: pt(300, 225)}},
		{"h=225 keeps the aspect ratio", phone, Params{Height: 225},
			Layout{Region: rect(0, 0, 4032, 3024), Size: pt(300, 225), Canvas: pt(300, 225)}},
		{"clip fits inside", phone, Params{Width: 300, Height: 300},
			Layout{Region: rect(0, 0, 4032, 3024), Size: pt(300, 225), Canvas: pt(300, 225)}},
		{"clip 300x200 into 100x100", wide, Params{Width: 100, Height: 100},
			Layout{Region: rect(0, 0, 300, 200), Size: pt(100, 67), Canvas: pt(100, 67)}},
		{"clip upscales", small, Params{Width: 400, Height: 400},
			Layout{Region: rect(0, 0, 200, 100), Size: pt(400, 200), Canvas: pt(400, 200)}},
		{"crop fills the box from the centre", phone, Params{Width: 300, Height: 300, Fit: FitCrop},
			Layout{Region: rect(504, 0, 3528, 3024), Size: pt(300, 300), Canvas: pt(300, 300)}},
		{"crop=left", phone, Params{Width: 300, Height: 300, Fit: FitCrop, Crop: CropLeft},
			Layout{Region: rect(0, 0, 3024, 3024), Size: pt(300, 300), Canvas: pt(300, 300)}},
		{"crop=right", phone, Params{Width: 300, Height: 300, Fit: FitCrop, Crop: CropRight},
			Layout{Region: rect(1008, 0, 4032, 3024), Size: pt(300, 300), Canvas: pt(300, 300)}},
		{"crop=top on a wide box", phone, Params{Width: 400, Height: 100, Fit: FitCrop, Crop: CropTop},
			Layout{Region: rect(0, 0, 4032, 1008), Size: pt(400, 100), Canvas: pt(400, 100)}},
		{"crop=bottom,right", phone, Params{Width: 400, Height: 100, Fit: FitCrop, Crop: CropBottom | CropRight},
			Layout{Region: rect(0, 2016, 4032, 3024), Size: pt(400, 100), Canvas: pt(400, 100)}},
		{"crop=focalpoint near a corner stays inside", phone,
			Params{Width: 300, Height: 300, Fit: FitCrop, Crop: CropFocalPoint, FocalPoint: fp(0.9, 0.1, 1)},
			Layout{Region: rect(1008, 0, 4032, 3024), Size: pt(300, 300), Canvas: pt(300, 300)}},
		{"crop=focalpoint with zoom 2", phone,
			Params{Width: 300, Height: 300, Fit: FitCrop, Crop: CropFocalPoint, FocalPoint: fp(0.25, 0.5, 2)},
			Layout{Region: rect(252, 756, 1764, 2268), Size: pt(300, 300), Canvas: pt(300, 300)}},
		{"max never upscales", small, Params{Width: 400, Height: 400, Fit: FitMax},
			Layout{Region: rect(0, 0, 200, 100), Size: pt(200, 100), Canvas: pt(200, 100)}},
		{"max downscales like clip", phone, Params{Width: 300, Height: 300, Fit: FitMax},
			Layout{Region: rect(0, 0, 4032, 3024), Size: pt(300, 225), Canvas: pt(300, 225)}},
		{"max with one side never upscales", small, Params{Width: 400, Fit: FitMax},
			Layout{Region: rect(0, 0, 200, 100), Size: pt(200, 100), Canvas: pt(200, 100)}},
		{"scale stretches", phone, Params{Width: 300, Height: 300, Fit: FitScale},
			Layout{Region: rect(0, 0, 4032, 3024), Size: pt(300, 300), Canvas: pt(300, 300)}},
		{"min crops like crop when downscaling", phone, Params{Width: 300, Height: 300, Fit: FitMin},
			Layout{Region: rect(504, 0, 3528, 3024), Size: pt(300, 300), Canvas: pt(300, 300)}},
		{"min keeps the box's ratio without upscaling", small, Params{Width: 400, Height: 400, Fit: FitMin},
			Layout{Region: rect(50, 0, 150, 100), Size: pt(100, 100), Canvas: pt(100, 100)}},
		{"fill pads to exactly w x h", phone, Params{Width: 300, Height: 300, Fit: FitFill},
			Layout{Region: rect(0, 0, 4032, 3024), Size: pt(300, 225), Canvas: pt(300, 300), Offset: pt(0, 37), Pad: PadColor}},
		{"fill anchored at the top", phone, Params{Width: 300, Height: 300, Fit: FitFill, Crop: CropTop},
			Layout{Region: rect(0, 0, 4032, 3024), Size: pt(300, 225), Canvas: pt(300, 300), Pad: PadColor}},
		{"fill upscales", small, Params{Width: 400, Height: 400, Fit: FitFill},
			Layout{Region: rect(0, 0, 200, 100), Size: pt(400, 200), Canvas: pt(400, 400), Offset: pt(0, 100), Pad: PadColor}},
		{"fillmax pads without upscaling", small, Params{Width: 400, Height: 400, Fit: FitFillMax},
			Layout{Region: rect(0, 0, 200, 100), Size: pt(200, 100), Canvas: pt(400, 400), Offset: pt(100, 150), Pad: PadColor}},
		{"clamp extends edges", phone, Params{Width: 300, Height: 300, Fit: FitClamp},
			Layout{Region: rect(0, 0, 4032, 3024), Size: pt(300, 225), Canvas: pt(300, 300), Offset: pt(0, 37), Pad: PadEdge}},
		{"fill with the image's own ratio needs no padding", phone, Params{Width: 400, Height: 300, Fit: FitFill},
			Layout{Region: rect(0, 0, 4032, 3024), Size: pt(400, 300), Canvas: pt(400, 300)}},
		{"dpr=2 doubles", phone, Params{Width: 300, DPR: 2},
			Layout{Region: rect(0, 0, 4032, 3024), Size: pt(600, 450), Canvas: pt(600, 450)}},
		{"dpr=2 doubles both sides of a crop", phone, Params{Width: 100, Height: 100, Fit: FitCrop, DPR: 2},
			Layout{Region: rect(504, 0, 3528, 3024), Size: pt(200, 200), Canvas: pt(200, 200)}},
		{"a large dpr is clamped to the side limit", small, Params{Width: 8000, DPR: 5},
			Layout{Region: rect(0, 0, 200, 100), Size: pt(8192, 4096), Canvas: pt(8192, 4096)}},
		{"fractions of the source", phone, Params{Width: 0.5},
			Layout{Region: rect(0, 0, 4032, 3024), Size: pt(2016, 1512), Canvas: pt(2016, 1512)}},
		{"w=1 is the whole width", phone, Params{Width: 1, Height: 0.5, Fit: FitScale},
			Layout{Region: rect(0, 0, 4032, 3024), Size: pt(4032, 1512), Canvas: pt(4032, 1512)}},
		{"ar with w and fit=crop", phone, Params{Width: 300, AspectRatio: 16.0 / 9, Fit: FitCrop},
			Layout{Region: rect(0, 378, 4032, 2646), Size: pt(300, 169), Canvas: pt(300, 169)}},
		{"ar with h and fit=crop", phone, Params{Height: 300, AspectRatio: 1, Fit: FitCrop},
			Layout{Region: rect(504, 0, 3528, 3024), Size: pt(300, 300), Canvas: pt(300, 300)}},
		{"ar alone crops at the source's resolution", phone, Params{AspectRatio: 1, Fit: FitCrop},
			Layout{Region: rect(504, 0, 3528, 3024), Size: pt(3024, 3024), Canvas: pt(3024, 3024)}},
		{"ar is ignored without crop", phone, Params{Width: 300, AspectRatio: 1},
			Layout{Region: rect(0, 0, 4032, 3024), Size: pt(300, 225), Canvas: pt(300, 225)}},
		{"max-w bounds a derived width", phone, Params{Height: 600, MaxWidth: 400, Fit: FitCrop, AspectRatio: 1},
			Layout{Region: rect(1008, 0, 3024, 3024), Size: pt(400, 600), Canvas: pt(400, 600)}},
		// imgix's examples: the bounds apply to the side the fit derives
		// when only the other one is given.
		{"max-w bounds the width derived from h", image.Pt(3000, 2000), Params{Height: 200, MaxWidth: 200, Fit: FitCrop},
			Layout{Region: rect(500, 0, 2500, 2000), Size: pt(200, 200), Canvas: pt(200, 200)}},
		{"max-h bounds the height derived from w", image.Pt(600, 2000), Params{Width: 300, MaxHeight: 300, Fit: FitCrop},
			Layout{Region: rect(0, 700, 600, 1300), Size: pt(300, 300), Canvas: pt(300, 300)}},
		{"min-w raises the width derived from h", image.Pt(3000, 2000), Params{Height: 200, MinWidth: 400, Fit: FitCrop},
			Layout{Region: rect(0, 250, 3000, 1750), Size: pt(400, 200), Canvas: pt(400, 200)}},
		{"a bound the derived side already meets changes nothing", image.Pt(3000, 2000), Params{Height: 200, MaxWidth: 400, Fit: FitCrop},
			Layout{Region: rect(0, 0, 3000, 2000), Size: pt(300, 200), Canvas: pt(300, 200)}},
		{"a side too thin to shrink with the other is kept at 1 px", image.Pt(1, 16384), Params{Width: 8192},
			Layout{Region: rect(0, 0, 1, 16384), Size: pt(1, 8192), Canvas: pt(1, 8192)}},
		{"min-h raises the height", phone, Params{Width: 300, Height: 100, MinHeight: 300, Fit: FitCrop},
			Layout{Region: rect(504, 0, 3528, 3024), Size: pt(300, 300), Canvas: pt(300, 300)}},
		{"rect in pixels, then w", phone, Params{Rect: &Rect{X: 100, Y: 200, W: 1000, H: 500}, Width: 100},
			Layout{Region: rect(100, 200, 1100, 700), Size: pt(100, 50), Canvas: pt(100, 50)}},
		{"rect in fractions", phone, Params{Rect: &Rect{X: 0.5, Y: 0.5, W: 0.5, H: 0.5, Fraction: 0xf}},
			Layout{Region: rect(2016, 1512, 4032, 3024), Size: pt(2016, 1512), Canvas: pt(2016, 1512)}},
		{"rect aligned right and bottom", phone, Params{Rect: &Rect{W: 100, H: 50, XAlign: "right", YAlign: "bottom"}},
			Layout{Region: rect(3932, 2974, 4032, 3024), Size: pt(100, 50), Canvas: pt(100, 50)}},
		{"rect centred", phone, Params{Rect: &Rect{W: 32, H: 24, XAlign: "center", YAlign: "middle"}},
			Layout{Region: rect(2000, 1500, 2032, 1524), Size: pt(32, 24), Canvas: pt(32, 24)}},
		{"rect partly outside is clipped", phone, Params{Rect: &Rect{X: 4000, Y: 3000, W: 100, H: 100}},
			Layout{Region: rect(4000, 3000, 4032, 3024), Size: pt(32, 24), Canvas: pt(32, 24)}},
		{"a fraction of the rect", phone, Params{Rect: &Rect{W: 1000, H: 1000}, Width: 0.5},
			Layout{Region: rect(0, 0, 1000, 1000), Size: pt(500, 500), Canvas: pt(500, 500)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := PlanLayout(tt.src, tt.p, Limits{})
			if err != nil {
				t.Fatalf("PlanLayout: %v", err)
			}
			if got != tt.want {
				t.Errorf("PlanLayout(%v, %+v)\n got %+v\nwant %+v", tt.src, tt.p, got, tt.want)
			}
		})
	}
}

func TestPlanLayoutErrors(t *testing.T) {
	phone := image.Pt(4032, 3024)
	var pe *ParamError
	if _, err := PlanLayout(phone, Params{Rect: &Rect{X: 5000, Y: 0, W: 10, H: 10}}, Limits{}); !errors.As(err, &pe) || pe.Param != "rect" {
		t.Errorf("rect outside the image: got %v, want a ParamError naming rect", err)
	}
	if _, err := PlanLayout(phone, Params{Rect: &Rect{X: 1e18, Y: 1e18, W: 1e18, H: 1e18}}, Limits{}); !errors.As(err, &pe) {
		t.Errorf("huge rect: got %v, want a ParamError", err)
	}
	// A header can claim a side of 0: a limit error, not a plain one (the
	// handler's 500).
	var le *LimitError
	for _, src := range []image.Point{{0, 0}, {0, 10}, {10, 0}, {20000, 10}} {
		if _, err := PlanLayout(src, Params{Width: 100}, Limits{}); !errors.As(err, &le) || !errors.Is(err, ErrLimit) {
			t.Errorf("source %v: got %v, want a LimitError", src, err)
		}
	}
	_, err := PlanLayout(phone, Params{Width: 8192, Height: 8192, Fit: FitScale}, Limits{})
	if !errors.As(err, &le) || !errors.Is(err, ErrLimit) {
		t.Errorf("8192x8192 output: got %v, want a LimitError", err)
	}
	l, err := PlanLayout(phone, Params{Width: 8192, Height: 8192, Fit: FitScale}, Limits{MaxOutputPixels: 1 << 27})
	if err != nil || l.Canvas != image.Pt(8192, 8192) {
		t.Errorf("with a larger pixel limit: got %+v, %v", l, err)
	}
}

func TestOrientationAlgebra(t *testing.T) {
	// Composition agrees with applying the pixel operations one after the
	// other: check it on a 3x2 image whose pixels are all different.
	src := image.NewGray(image.Rect(0, 0, 3, 2))
	for i := range src.Pix {
		src.Pix[i] = uint8(i + 1)
	}
	for a := 1; a <= 8; a++ {
		for b := 1; b <= 8; b++ {
			want := Orient(Orient(src, a), b).(*image.Gray)
			c := exifOrientation(a).then(exifOrientation(b))
			got := Orient(src, c.exif()).(*image.Gray)
			if got.Bounds() != want.Bounds() || string(got.Pix) != string(want.Pix) {
				t.Errorf("orientation %d then %d = %d: got %v, want %v", a, b, c.exif(), got.Pix, want.Pix)
			}
			if c.size(image.Pt(3, 2)) != want.Bounds().Size() {
				t.Errorf("size of %d then %d: got %v, want %v", a, b, c.size(image.Pt(3, 2)), want.Bounds().Size())
			}
		}
	}
	for v := 1; v <= 8; v++ {
		if got := exifOrientation(v).exif(); got != v {
			t.Errorf("exif round trip %d: got %d", v, got)
		}
	}
}

func TestRawRect(t *testing.T) {
	// A marked pixel must be found at the raw position that rawRect maps its
	// oriented position to, for every orientation.
	raw := image.NewGray(image.Rect(0, 0, 5, 3))
	raw.Pix[raw.PixOffset(1, 2)] = 255
	for v := 1; v <= 8; v++ {
		o := exifOrientation(v)
		up := Orient(raw, v).(*image.Gray)
		var at image.Point
		for y := 0; y < up.Bounds().Dy(); y++ {
			for x := 0; x < up.Bounds().Dx(); x++ {
				if up.GrayAt(x, y).Y == 255 {
					at = image.Pt(x, y)
				}
			}
		}
		got := o.rawRect(image.Rectangle{Min: at, Max: at.Add(image.Pt(1, 1))}, up.Bounds().Size())
		if got != image.Rect(1, 2, 2, 3) {
			t.Errorf("orientation %d: pixel at %v maps to %v, want (1,2)-(2,3)", v, at, got)
		}
	}
}

func TestUserOrientation(t *testing.T) {
	tests := []struct {
		exif int
		p    Params
		want int
	}{
		{1, Params{}, 1},
		{6, Params{}, 6},
		{6, Params{Orient: 1}, 1},
		{1, Params{Rotate: 90}, 6},
		{6, Params{Rotate: 270}, 1},
		{1, Params{Rotate: 180}, 3},
		{1, Params{FlipH: true, FlipV: true}, 3},
		{1, Params{FlipH: true}, 2},
		{1, Params{Rotate: 90, FlipH: true}, 5}, // rotate first, then mirror what is seen: a transpose
		{3, Params{Orient: 8, Rotate: 90}, 1},
	}
	for _, tt := range tests {
		if got := userOrientation(tt.exif, tt.p).exif(); got != tt.want {
			t.Errorf("exif %d with %+v: got %d, want %d", tt.exif, tt.p, got, tt.want)
		}
	}
}
