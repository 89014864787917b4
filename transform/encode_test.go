package transform

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"io"
	"strings"
	"testing"

	"github.com/rendition-go/rendition/internal/cputime"
	xwebp "golang.org/x/image/webp"
)

// gradient returns a smooth w x h test picture with some detail, as NRGBA
// with alpha a everywhere.
func gradient(w, h int, a uint8) *image.NRGBA {
	m := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			m.SetNRGBA(x, y, color.NRGBA{uint8(x * 255 / w), uint8(y * 255 / h), uint8(128 + (x-y)%32), a})
		}
	}
	return m
}

// asTypes returns img (opaque) converted to the image types encoders meet.
func asTypes(img *image.NRGBA) map[string]image.Image {
	b := img.Bounds()
	rgba := image.NewRGBA(b)
	draw.Draw(rgba, b, img, b.Min, draw.Src)
	gray := image.NewGray(b)
	draw.Draw(gray, b, img, b.Min, draw.Src)
	ycc := image.NewYCbCr(b, image.YCbCrSubsampleRatio444)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := img.NRGBAAt(x, y)
			ycc.Y[ycc.YOffset(x, y)], ycc.Cb[ycc.COffset(x, y)], ycc.Cr[ycc.COffset(x, y)] = color.RGBToYCbCr(c.R, c.G, c.B)
		}
	}
	return map[string]image.Image{"NRGBA": img, "RGBA": rgba, "Gray": gray, "YCbCr": ycc, "Paletted": quantize(img, 256)}
}

// meanDiff is the mean absolute difference per channel (straight alpha,
// 8 bits) between two images of the same size.
func meanDiff(t *testing.T, a, b image.Image) float64 {
	t.Helper()
	if a.Bounds().Size() != b.Bounds().Size() {
		t.Fatalf("sizes differ: %v and %v", a.Bounds(), b.Bounds())
	}
	na, nb := toNRGBA(a), toNRGBA(b)
	var sum int
	for i := range na.Pix {
		sum += testAbs(int(na.Pix[i]) - int(nb.Pix[i]))
	}
	return float64(sum) / float64(len(na.Pix))
}

func TestEncodeRoundTrip(t *testing.T) {
	src := gradient(64, 48, 255)
	tests := []struct {
		f   Format
		o   *EncodeOptions
		tol float64 // mean absolute difference allowed
	}{
		{JPEG, nil, 4},
		{JPEG, &EncodeOptions{Quality: 95}, 3},
		{PNG, nil, 0},
		{GIF, nil, 6},
		{GIF, &EncodeOptions{Colors: 16}, 12},
		{WebP, nil, 7},
		{WebP, &EncodeOptions{Lossless: true}, 0},
	}
	for _, tt := range tests {
		for name, img := range asTypes(src) {
			var buf bytes.Buffer
			if err := Encode(&buf, img, tt.f, tt.o); err != nil {
				t.Fatalf("%s %+v from %s: %v", tt.f, tt.o, name, err)
			}
			got, cfg, err := Decode(buf.Bytes(), Limits{})
			if err != nil {
				t.Fatalf("%s %+v from %s: decoding the output: %v", tt.f, tt.o, name, err)
			}
			if cfg.Format != tt.f || cfg.Width != 64 || cfg.Height != 48 || cfg.Orientation != 1 {
				t.Errorf("%s %+v from %s: output config %+v", tt.f, tt.o, name, cfg)
			}
			// The reference is the input itself: a grey input must come
			// back grey.
			if d := meanDiff(t, got, img); d > tt.tol {
				t.Errorf("%s %+v from %s: mean difference %.2f, want at most %.2f", tt.f, tt.o, name, d, tt.tol)
			}
		}
	}
}

func TestEncodeQualityChangesSize(t *testing.T) {
	src := gradient(128, 96, 255)
	size := func(f Format, q int) int {
		var buf bytes.Buffer
		if err := Encode(&buf, src, f, &EncodeOptions{Quality: q}); err != nil {
			t.Fatal(err)
		}
		return buf.Len()
	}
	for _, f := range []Format{JPEG, WebP} {
		if lo, def, hi := size(f, 10), size(f, 0), size(f, 100); !(lo < def && def < hi) {
			t.Errorf("%s sizes at quality 10, default, 100: %d, %d, %d; want increasing", f, lo, def, hi)
		}
		if def, q75 := size(f, 0), size(f, 75); def != q75 {
			t.Errorf("%s default quality gives %d bytes, quality 75 gives %d", f, def, q75)
		}
	}
}

func TestEncodeJPEGComposites(t *testing.T) {
	src, _, err := Decode(readTestdata(t, "dice-alpha.png"), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	n := src.(*image.NRGBA)
	// The sample's top-left corner is fully transparent.
	for y := 0; y < 32; y++ {
		for x := 0; x < 32; x++ {
			if n.NRGBAAt(x, y).A != 0 {
				t.Fatalf("sample pixel (%d,%d) is not transparent", x, y)
			}
		}
	}
	premul := image.NewRGBA(n.Rect)
	draw.Draw(premul, n.Rect, n, image.Point{}, draw.Src)
	for _, tt := range []struct {
		name string
		img  image.Image
		bg   color.Color
		want color.NRGBA
	}{
		{"NRGBA on default", n, nil, color.NRGBA{255, 255, 255, 255}},
		{"RGBA on default", premul, nil, color.NRGBA{255, 255, 255, 255}},
		{"NRGBA on red", n, color.NRGBA{200, 0, 0, 255}, color.NRGBA{200, 0, 0, 255}},
		{"RGBA on blue", premul, color.RGBA{0, 0, 180, 255}, color.NRGBA{0, 0, 180, 255}},
	} {
		var buf bytes.Buffer
		if err := Encode(&buf, tt.img, JPEG, &EncodeOptions{Quality: 90, Background: tt.bg}); err != nil {
			t.Fatal(err)
		}
		got, _, err := Decode(buf.Bytes(), Limits{})
		if err != nil {
			t.Fatal(err)
		}
		for y := 0; y < 32; y++ {
			for x := 0; x < 32; x++ {
				if c := got.At(x, y); !sameColor(c, tt.want, 4) {
					t.Fatalf("%s: (%d,%d) = %v, want %v", tt.name, x, y, c, tt.want)
				}
			}
		}
		// The opaque dice keep their colours.
		opaque := flattenRGBA(n, tt.bg)
		if d := meanDiff(t, got, opaque); d > 3 {
			t.Errorf("%s: mean difference to the flattened source %.2f", tt.name, d)
		}
	}
}

func TestFlattenRGBA(t *testing.T) {
	bg := color.NRGBA{10, 20, 30, 255}
	px := []color.NRGBA{{200, 100, 50, 255}, {200, 100, 50, 0}, {200, 100, 50, 128}, {0, 255, 0, 1}}
	n := image.NewNRGBA(image.Rect(0, 0, len(px), 1))
	for i, c := range px {
		n.SetNRGBA(i, 0, c)
	}
	r := image.NewRGBA(n.Rect)
	draw.Draw(r, r.Rect, n, image.Point{}, draw.Src)
	for _, src := range []image.Image{n, r} {
		got := flattenRGBA(src, bg)
		for i, c := range px {
			a := int(c.A)
			want := color.RGBA{
				uint8((int(c.R)*a + int(bg.R)*(255-a) + 127) / 255),
				uint8((int(c.G)*a + int(bg.G)*(255-a) + 127) / 255),
				uint8((int(c.B)*a + int(bg.B)*(255-a) + 127) / 255),
				255,
			}
			if g := got.RGBAAt(i, 0); !sameColor(g, want, 1) || g.A != 255 {
				t.Errorf("%T pixel %v: flattened to %v, want %v", src, c, g, want)
			}
		}
	}
}

// TestEncodeWebPAlpha checks that straight and premultiplied alpha both
// reach libwebp as the straight alpha it expects. The lossless output is
// read back with x/image/webp, whose lossless decoder returns the stored
// straight-alpha pixels exactly ([Decode] premultiplies them).
func TestEncodeWebPAlpha(t *testing.T) {
	n := gradient(32, 24, 255)
	for i := 3; i < len(n.Pix); i += 4 {
		n.Pix[i] = uint8(i * 5) // many alpha values, some 0
	}
	r := image.NewRGBA(n.Rect)
	draw.Draw(r, r.Rect, n, image.Point{}, draw.Src)
	for _, src := range []image.Image{n, r} {
		var buf bytes.Buffer
		if err := Encode(&buf, src, WebP, &EncodeOptions{Lossless: true}); err != nil {
			t.Fatal(err)
		}
		got, err := xwebp.Decode(bytes.NewReader(buf.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		// Premultiplying loses precision at low alpha; compare where
		// the colour is well defined.
		for y := 0; y < 24; y++ {
			for x := 0; x < 32; x++ {
				want := n.NRGBAAt(x, y)
				tol := 0
				if _, ok := src.(*image.RGBA); ok {
					if want.A < 64 {
						continue
					}
					tol = 4
				}
				if c := got.At(x, y); !sameColor(c, want, tol) {
					t.Fatalf("%T: (%d,%d) = %v, want %v", src, x, y, color.NRGBAModel.Convert(c), want)
				}
			}
		}
	}
}

func TestEncodeNoMetadata(t *testing.T) {
	img, cfg, err := Decode(jpegWithEXIF(t, tiffBlock(binary.LittleEndian, 3, 6)), Limits{})
	if err != nil || cfg.Orientation != 6 {
		t.Fatalf("source: %+v, %v", cfg, err)
	}
	for _, f := range []Format{JPEG, PNG, GIF, WebP} {
		var buf bytes.Buffer
		if err := Encode(&buf, img, f, nil); err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(buf.Bytes(), []byte("Exif")) || bytes.Contains(buf.Bytes(), []byte("eXIf")) || bytes.Contains(buf.Bytes(), []byte("EXIF")) {
			t.Errorf("%s output carries EXIF", f)
		}
		if cfg, err := DecodeConfig(buf.Bytes()); err != nil || cfg.Orientation != 1 {
			t.Errorf("%s output: %+v, %v", f, cfg, err)
		}
	}
}

func TestEncodeErrors(t *testing.T) {
	img := gradient(4, 4, 255)
	tests := []struct {
		name string
		img  image.Image
		f    Format
		o    *EncodeOptions
		in   string
	}{
		{"BMP", img, BMP, nil, `"bmp"`},
		{"TIFF", img, TIFF, nil, `"tiff"`},
		{"no format", img, "", nil, `""`},
		{"unknown format", img, "heic", nil, `"heic"`},
		{"quality over 100", img, JPEG, &EncodeOptions{Quality: 101}, "quality 101"},
		{"negative quality", img, WebP, &EncodeOptions{Quality: -1}, "quality -1"},
		{"one colour", img, GIF, &EncodeOptions{Colors: 1}, "1 colours"},
		{"257 colours", img, GIF, &EncodeOptions{Colors: 257}, "257 colours"},
		{"empty image", image.NewRGBA(image.Rect(0, 0, 0, 5)), PNG, nil, "empty"},
		{"empty webp", image.NewNRGBA(image.Rectangle{}), WebP, nil, "empty"},
	}
	for _, tt := range tests {
		var buf bytes.Buffer
		err := Encode(&buf, tt.img, tt.f, tt.o)
		if err == nil || !strings.Contains(err.Error(), tt.in) {
			t.Errorf("%s: error %v, want one mentioning %s", tt.name, err, tt.in)
		}
		if buf.Len() != 0 {
			t.Errorf("%s: %d bytes written", tt.name, buf.Len())
		}
	}
	if err := Encode(failWriter{}, img, PNG, nil); !errors.Is(err, errWrite) {
		t.Errorf("write error: %v", err)
	}
}

var errWrite = errors.New("write failed")

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errWrite }

func TestEncodeSubImages(t *testing.T) {
	// Images whose bounds do not start at (0, 0), and whose Pix is shared
	// with a larger image.
	full := gradient(40, 30, 255)
	fullRGBA := image.NewRGBA(full.Rect)
	draw.Draw(fullRGBA, full.Rect, full, image.Point{}, draw.Src)
	r := image.Rect(5, 7, 25, 22)
	want := toNRGBA(full.SubImage(r))
	for name, img := range map[string]image.Image{
		"NRGBA": full.SubImage(r),
		"RGBA":  fullRGBA.SubImage(r),
	} {
		for _, f := range []Format{PNG, WebP} {
			var buf bytes.Buffer
			if err := Encode(&buf, img, f, &EncodeOptions{Lossless: true}); err != nil {
				t.Fatal(err)
			}
			got, _, err := Decode(buf.Bytes(), Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if d := meanDiff(t, got, want); d != 0 {
				t.Errorf("%s sub-image as %s: mean difference %.2f", name, f, d)
			}
		}
	}
}

// benchImages returns a 1200x900 crop of a photograph as YCbCr, RGBA and
// NRGBA.
func benchImages(b *testing.B) (*image.YCbCr, *image.RGBA, *image.NRGBA) {
	img, _, err := Decode(readTestdata(b, "friends-portrait.jpg"), Limits{})
	if err != nil {
		b.Fatal(err)
	}
	src := img.(*image.YCbCr)
	r := image.Rect(400, 1000, 1600, 1900)
	ycc := image.NewYCbCr(image.Rect(0, 0, r.Dx(), r.Dy()), src.SubsampleRatio)
	for y := 0; y < r.Dy(); y++ {
		copy(ycc.Y[y*ycc.YStride:(y+1)*ycc.YStride], src.Y[src.YOffset(r.Min.X, r.Min.Y+y):])
	}
	for y := 0; y < (r.Dy()+1)/2; y++ {
		copy(ycc.Cb[y*ycc.CStride:(y+1)*ycc.CStride], src.Cb[src.COffset(r.Min.X, r.Min.Y+2*y):])
		copy(ycc.Cr[y*ycc.CStride:(y+1)*ycc.CStride], src.Cr[src.COffset(r.Min.X, r.Min.Y+2*y):])
	}
	rgba := ycbcrToRGBA(ycc)
	return ycc, rgba, toNRGBA(ycc)
}

// benchEncode times Encode of img in format f with o, reporting the CPU time
// and the size of the output.
func benchEncode(b *testing.B, img image.Image, f Format, o *EncodeOptions) {
	var buf bytes.Buffer
	cputime.Report(b, func() {
		buf.Reset()
		if err := Encode(&buf, img, f, o); err != nil {
			b.Fatal(err)
		}
	})
	b.ReportMetric(float64(buf.Len()), "output-bytes")
}

func BenchmarkEncode(b *testing.B) {
	ycc, rgba, nrgba := benchImages(b)
	for _, bc := range []struct {
		name string
		img  image.Image
		f    Format
		o    *EncodeOptions
	}{
		{"JPEG/YCbCr", ycc, JPEG, nil},
		{"JPEG/NRGBA", nrgba, JPEG, nil},
		{"WebP/RGBA", rgba, WebP, nil},
		{"WebP/NRGBA", nrgba, WebP, nil},
		{"WebP/YCbCr", ycc, WebP, nil},
		{"PNG/NRGBA", nrgba, PNG, nil},
		{"GIF/NRGBA", nrgba, GIF, nil},
		// The build picks the WebP implementation (webpCodec): run
		// once with cgo and once with CGO_ENABLED=0 to compare them.
		{"WebP/YCbCr-q80/" + webpCodec, ycc, WebP, &EncodeOptions{Quality: 80}},
		{"WebP/YCbCr-lossless/" + webpCodec, ycc, WebP, &EncodeOptions{Lossless: true}},
	} {
		b.Run(bc.name, func(b *testing.B) { benchEncode(b, bc.img, bc.f, bc.o) })
	}
	// The encoders called directly with NRGBA, as a baseline for the
	// conversions Encode does first.
	b.Run("JPEG/NRGBA-direct", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := jpeg.Encode(io.Discard, nrgba, &jpeg.Options{Quality: defaultQuality}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("WebP/NRGBA-direct", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := encodeWebPLib(io.Discard, straightRGBA(nrgba), EncodeOptions{Quality: defaultQuality}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestToNRGBA compares the fast conversions with the standard colour model.
func TestToNRGBA(t *testing.T) {
	for name, src := range patternImages(7, 5) {
		got := toNRGBA(src)
		b := src.Bounds()
		if got.Rect != image.Rect(0, 0, 7, 5) {
			t.Fatalf("%s: bounds %v", name, got.Rect)
		}
		tol := 0
		switch src.(type) {
		case *image.YCbCr, *image.NYCbCrA, *image.CMYK, *image.RGBA:
			tol = 1 // 8-bit conversions, which round rather than truncate
		}
		for y := 0; y < 5; y++ {
			for x := 0; x < 7; x++ {
				want := color.NRGBAModel.Convert(src.At(b.Min.X+x, b.Min.Y+y))
				if c := got.NRGBAAt(x, y); !sameColor(c, want, tol) {
					t.Fatalf("%s: (%d,%d) = %v, want %v", name, x, y, c, want)
				}
			}
		}
	}
}
