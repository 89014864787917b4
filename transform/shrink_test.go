package transform

import (
	"bytes"
	"context"
	"image"
	"image/jpeg"
	"io"
	"math"
	"os"
	"strings"
	"testing"

	rjpeg "github.com/rendition-go/rendition/internal/jpeg"
)

func readFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("../testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// withAdobeRGB inserts an Adobe APP14 segment with transform 0 (RGB), which
// image/jpeg reads and Rendition's decoder leaves to it.
func withAdobeRGB(jpg []byte) []byte {
	seg := []byte{0xff, 0xee, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, 0}
	return append(append(append([]byte{}, jpg[:2]...), seg...), jpg[2:]...)
}

func TestDecoderChoice(t *testing.T) {
	phone := readFile(t, "phone-note10-exif6.jpg")
	var small bytes.Buffer
	jpeg.Encode(&small, image.NewRGBA(image.Rect(0, 0, 64, 48)), nil)
	tests := []struct {
		name string
		src  []byte
		p    Params
		want string
	}{
		{"300 px of 12 MP", phone, Params{Width: 300}, "jpeg 1/4"},
		{"100 px", phone, Params{Width: 100}, "jpeg 1/8"},
		{"1200 px", phone, Params{Width: 1200}, "jpeg 1/1"},
		{"700 px", phone, Params{Width: 700}, "jpeg 1/2"},
		{"a small rect", phone, Params{Rect: &Rect{W: 1000, H: 1000}, Width: 100}, "jpeg 1/4"},
		{"no resize", small.Bytes(), Params{}, "jpeg 1/1"},
		{"progressive", readFile(t, "sunset.jpg"), Params{Width: 300}, "jpeg 1/4"},
		{"PNG", readFile(t, "dice-alpha.png"), Params{Width: 100}, "png"},
		{"fallback", withAdobeRGB(small.Bytes()), Params{Width: 32}, "image/jpeg ("},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			info, err := Render(context.Background(), io.Discard, tt.src, tt.p, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(info.Decoder, tt.want) {
				t.Errorf("Decoder %q, want %q", info.Decoder, tt.want)
			}
		})
	}
}

// TestShrinkOnLoadQuality compares the 300 px thumbnail made from a scaled
// decode with the one made from a full decode, both against an exact area
// average of the full image: the scaled path must be within 1 dB of PSNR.
func TestShrinkOnLoadQuality(t *testing.T) {
	for _, name := range []string{"phone-note10-exif6.jpg", "sunset.jpg"} {
		t.Run(name, func(t *testing.T) {
			src := readFile(t, name)
			full, err := rjpeg.Decode(src, nil)
			if err != nil {
				t.Fatal(err)
			}
			b := full.Bounds()
			w, h := 300, int(math.Round(300*float64(b.Dy())/float64(b.Dx())))
			ref := areaAverage(full, w, h)
			scale := rjpeg.ScaleFor(b.Dx(), b.Dy(), w, h)
			scaled, err := rjpeg.Decode(src, &rjpeg.Options{Scale: scale})
			if err != nil {
				t.Fatal(err)
			}
			fullPSNR := psnr(Resize(full, w, h, Lanczos3), ref)
			scaledPSNR := psnr(Resize(scaled, w, h, Lanczos3), ref)
			t.Logf("%s at 1/%d: full decode %.2f dB, scaled decode %.2f dB", name, scale, fullPSNR, scaledPSNR)
			if scale == 1 {
				t.Fatalf("ScaleFor chose 1 for a 300 px thumbnail of %v", b.Size())
			}
			if fullPSNR-scaledPSNR > 1.0 {
				t.Errorf("the scaled path loses %.2f dB", fullPSNR-scaledPSNR)
			}
		})
	}
}

// areaAverage reduces img to w x h, each output pixel the exact average of
// the source area it covers, in float64: a reference, not a fast path.
func areaAverage(img image.Image, w, h int) [][3]float64 {
	b := img.Bounds()
	sx, sy := float64(b.Dx())/float64(w), float64(b.Dy())/float64(h)
	out := make([][3]float64, w*h)
	rows := make([][3]float64, b.Dx()*h) // vertical pass first
	for x := 0; x < b.Dx(); x++ {
		for oy := 0; oy < h; oy++ {
			y0, y1 := float64(oy)*sy, float64(oy+1)*sy
			var acc [3]float64
			for y := int(y0); y < int(math.Ceil(y1)) && y < b.Dy(); y++ {
				wgt := math.Min(y1, float64(y+1)) - math.Max(y0, float64(y))
				r, g, bl, _ := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
				acc[0] += wgt * float64(r>>8)
				acc[1] += wgt * float64(g>>8)
				acc[2] += wgt * float64(bl>>8)
			}
			for c := range 3 {
				rows[oy*b.Dx()+x][c] = acc[c] / sy
			}
		}
	}
	for oy := 0; oy < h; oy++ {
		for ox := 0; ox < w; ox++ {
			x0, x1 := float64(ox)*sx, float64(ox+1)*sx
			var acc [3]float64
			for x := int(x0); x < int(math.Ceil(x1)) && x < b.Dx(); x++ {
				wgt := math.Min(x1, float64(x+1)) - math.Max(x0, float64(x))
				for c := range 3 {
					acc[c] += wgt * rows[oy*b.Dx()+x][c]
				}
			}
			for c := range 3 {
				out[oy*w+ox][c] = acc[c] / sx
			}
		}
	}
	return out
}

func psnr(img image.Image, ref [][3]float64) float64 {
	b := img.Bounds()
	var se float64
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			r, g, bl, _ := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
			p := ref[y*b.Dx()+x]
			for c, v := range []uint32{r, g, bl} {
				d := float64(v>>8) - p[c]
				se += d * d
			}
		}
	}
	mse := se / float64(3*b.Dx()*b.Dy())
	return 10 * math.Log10(255*255/mse)
}
