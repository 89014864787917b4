package transform

import (
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"testing"

	"github.com/disintegration/imaging"
)

var kernels = []Kernel{Lanczos3, Lanczos2, CatmullRom, Mitchell, Linear, Box, Nearest}

func TestResizeSize(t *testing.T) {
	src := image.NewRGBA(image.Rect(10, 20, 410, 320)) // 400x300, not at the origin
	tests := []struct {
		name          string
		width, height int
		want          image.Point
	}{
		{"both", 120, 50, image.Pt(120, 50)},
		{"width only", 100, 0, image.Pt(100, 75)},
		{"height only", 0, 30, image.Pt(40, 30)},
		{"rounded", 0, 7, image.Pt(9, 7)}, // 9.33
		{"at least one pixel", 1, 0, image.Pt(1, 1)},
		{"enlarge", 800, 0, image.Pt(800, 600)},
	}
	for _, tt := range tests {
		for _, k := range kernels {
			got := Resize(src, tt.width, tt.height, k)
			if want := (image.Rectangle{Max: tt.want}); got.Bounds() != want {
				t.Errorf("%s, %s: bounds %v, want %v", tt.name, k.Name, got.Bounds(), want)
			}
		}
	}
}

func TestResizeReturnsSource(t *testing.T) {
	src := image.NewGray(image.Rect(0, 0, 8, 8))
	tests := []struct {
		name          string
		src           image.Image
		width, height int
	}{
		{"no size", src, 0, 0},
		{"negative sizes", src, -1, -4},
		{"empty source", image.NewGray(image.Rect(5, 5, 5, 9)), 4, 4},
		// Too large is scaled down, not src: see TestClampPixels.
	}
	for _, tt := range tests {
		if got := Resize(tt.src, tt.width, tt.height, Lanczos3); got != tt.src {
			t.Errorf("%s: got a new %T, want the source", tt.name, got)
		}
	}
}

// TestResizeTypes checks the type of the result for each source type.
func TestResizeTypes(t *testing.T) {
	r := image.Rect(0, 0, 16, 12)
	tests := []struct {
		src  image.Image
		want image.Image
	}{
		{image.NewYCbCr(r, image.YCbCrSubsampleRatio420), &image.YCbCr{}},
		{image.NewGray(r), &image.Gray{}},
		{image.NewRGBA(r), &image.RGBA{}},
		{image.NewNRGBA(r), &image.NRGBA{}},
		{image.NewPaletted(r, color.Palette{color.Black}), &image.RGBA{}},
		{image.NewCMYK(r), &image.RGBA{}},
		{image.NewRGBA64(r), &image.RGBA{}},
	}
	for _, tt := range tests {
		for _, k := range kernels {
			got := Resize(tt.src, 5, 7, k)
			if gt, wt := typeName(got), typeName(tt.want); gt != wt {
				t.Errorf("%T, %s: got %s, want %s", tt.src, k.Name, gt, wt)
			}
		}
	}
}

func typeName(img image.Image) string {
	switch img.(type) {
	case *image.YCbCr:
		return "*image.YCbCr"
	case *image.Gray:
		return "*image.Gray"
	case *image.RGBA:
		return "*image.RGBA"
	case *image.NRGBA:
		return "*image.NRGBA"
	}
	return "other"
}

// TestResizeUniform checks that every kernel keeps a uniform image uniform,
// the sharp ones included: the weights of each output sum to exactly one.
func TestResizeUniform(t *testing.T) {
	c := color.NRGBA{200, 100, 50, 255}
	src := image.NewNRGBA(image.Rect(0, 0, 37, 23))
	for y := range 23 {
		for x := range 37 {
			src.SetNRGBA(x, y, c)
		}
	}
	for _, k := range kernels {
		for _, size := range []image.Point{{5, 3}, {100, 71}, {37, 5}} {
			got := Resize(src, size.X, size.Y, k).(*image.NRGBA)
			for y := range size.Y {
				for x := range size.X {
					if g := got.NRGBAAt(x, y); g != c {
						t.Fatalf("%s to %v: pixel (%d, %d) is %v, want %v", k.Name, size, x, y, g, c)
					}
				}
			}
		}
	}
}

// TestResizeMatchesImaging compares Resize with disintegration/imaging,
// which uses the same geometry with float32 weights and 8-bit rounding
// between its passes, on a crop of a photo.
func TestResizeMatchesImaging(t *testing.T) {
	f, err := os.Open("../testdata/sunset.jpg")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := jpeg.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	crop := imaging.Crop(img, image.Rect(1000, 800, 1600, 1250)) // *image.NRGBA, 600x450
	for _, size := range []image.Point{{150, 0}, {31, 0}, {1000, 0}} {
		got := Resize(crop, size.X, size.Y, Lanczos3).(*image.NRGBA)
		want := imaging.Resize(crop, size.X, size.Y, imaging.Lanczos)
		if got.Rect != want.Rect {
			t.Fatalf("to %v: bounds %v, imaging %v", size, got.Rect, want.Rect)
		}
		var sum, worst int
		for i := range got.Pix {
			d := int(got.Pix[i]) - int(want.Pix[i])
			sum += max(d, -d)
			worst = max(worst, d, -d)
		}
		if mean := float64(sum) / float64(len(got.Pix)); mean > 0.5 || worst > 3 {
			t.Errorf("to %v: differs from imaging by %.2f on average, %d at most", size, mean, worst)
		}
	}
}
