package transform

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"reflect"
	"sync"
	"testing"

	"github.com/gen2brain/avif"
)

// The first AVIF encode in a process compiles the encoder (seconds, more
// under the race detector); the tests below share that cost and use tiny
// images so that each later encode is quick.

// encodeAVIFTest encodes img as AVIF with o and decodes the result with the
// same package, as straight-alpha NRGBA.
func encodeAVIFTest(t *testing.T, img image.Image, o *EncodeOptions) ([]byte, *image.NRGBA) {
	t.Helper()
	var buf bytes.Buffer
	if err := Encode(&buf, img, AVIF, o); err != nil {
		t.Fatalf("Encode AVIF: %v", err)
	}
	data := buf.Bytes()
	if len(data) < 12 || string(data[4:12]) != "ftypavif" {
		t.Fatalf("output does not start with an AVIF file type box: % x", data[:min(len(data), 12)])
	}
	m, err := avif.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("decode the AVIF output: %v", err)
	}
	return data, toNRGBA(m)
}

// maxDiff is the largest absolute difference of any channel (straight alpha,
// 8 bits) between two images of the same size.
func maxDiff(t *testing.T, a, b image.Image) int {
	t.Helper()
	if a.Bounds().Size() != b.Bounds().Size() {
		t.Fatalf("sizes differ: %v and %v", a.Bounds(), b.Bounds())
	}
	na, nb := toNRGBA(a), toNRGBA(b)
	d := 0
	for i := range na.Pix {
		d = max(d, testAbs(int(na.Pix[i])-int(nb.Pix[i])))
	}
	return d
}

// offsetRGBA returns img drawn into the middle of a larger *image.RGBA and
// cut out again: a sub-image with a non-zero origin and a stride wider than
// its rows.
func offsetRGBA(img image.Image) *image.RGBA {
	b := img.Bounds()
	big := image.NewRGBA(image.Rect(-7, -5, b.Dx()+13, b.Dy()+11))
	draw.Draw(big, big.Rect, image.NewUniform(color.RGBA{255, 0, 0, 255}), image.Point{}, draw.Src)
	r := image.Rect(3, 2, 3+b.Dx(), 2+b.Dy())
	draw.Draw(big, r, img, b.Min, draw.Src)
	return big.SubImage(r).(*image.RGBA)
}

func TestEncodeAVIFRoundTrip(t *testing.T) {
	opaque := gradient(64, 48, 255)
	types := asTypes(opaque)
	tests := []struct {
		name  string
		img   image.Image
		o     *EncodeOptions
		want  image.Image // the pixels the decoded image should have
		mean  float64     // the largest acceptable mean difference per channel
		worst int         // the largest acceptable difference of any channel
	}{
		{"YCbCr", types["YCbCr"], nil, opaque, 3, 24},
		{"RGBA", types["RGBA"], nil, opaque, 3, 24},
		{"NRGBA", opaque, nil, opaque, 3, 24},
		{"Gray", types["Gray"], nil, types["Gray"], 2, 16},
		{"RGBA sub-image", offsetRGBA(opaque), nil, opaque, 3, 24},
		{"NRGBA alpha", gradient(64, 48, 128), nil, gradient(64, 48, 128), 4, 32},
		{"q=100", opaque, &EncodeOptions{Quality: 100}, opaque, 2, 32},
		{"lossless", opaque, &EncodeOptions{Lossless: true}, opaque, 0, 0},
		{"lossless Gray", types["Gray"], &EncodeOptions{Lossless: true}, types["Gray"], 0, 0},
		{"odd size", gradient(33, 17, 255), nil, gradient(33, 17, 255), 4, 32},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, got := encodeAVIFTest(t, tt.img, tt.o)
			if got.Bounds().Size() != tt.want.Bounds().Size() {
				t.Fatalf("decoded size %v, want %v", got.Bounds().Size(), tt.want.Bounds().Size())
			}
			mean, worst := meanDiff(t, got, tt.want), maxDiff(t, got, tt.want)
			if mean > tt.mean || worst > tt.worst {
				t.Errorf("decoded pixels differ by %.2f on average and %d at worst, want at most %.2f and %d",
					mean, worst, tt.mean, tt.worst)
			}
		})
	}
}

// TestEncodeAVIFTransparency checks that transparent pixels stay so and that
// opaque ones stay (nearly: alpha is compressed lossily too) opaque.
func TestEncodeAVIFTransparency(t *testing.T) {
	m := image.NewNRGBA(image.Rect(0, 0, 64, 48))
	draw.Draw(m, image.Rect(16, 8, 48, 40), image.NewUniform(color.NRGBA{200, 40, 90, 255}), image.Point{}, draw.Src)
	_, got := encodeAVIFTest(t, m, nil)
	for _, p := range []image.Point{{0, 0}, {63, 47}, {8, 24}} {
		if a := got.NRGBAAt(p.X, p.Y).A; a != 0 {
			t.Errorf("alpha at %v = %d, want 0", p, a)
		}
	}
	for _, p := range []image.Point{{32, 24}, {20, 12}} {
		if c := got.NRGBAAt(p.X, p.Y); c.A < 250 || testAbs(int(c.R)-200) > 8 || testAbs(int(c.G)-40) > 8 || testAbs(int(c.B)-90) > 8 {
			t.Errorf("pixel at %v = %v, want about {200 40 90 255}", p, c)
		}
	}
}

func TestEncodeAVIFQualityChangesSize(t *testing.T) {
	img := gradient(64, 48, 255)
	low, _ := encodeAVIFTest(t, img, &EncodeOptions{Quality: 10})
	high, _ := encodeAVIFTest(t, img, &EncodeOptions{Quality: 90})
	if len(low) >= len(high) {
		t.Errorf("q=10 gave %d bytes, q=90 %d; want fewer at the lower quality", len(low), len(high))
	}
}

func TestAVIFQuality(t *testing.T) {
	for _, tt := range []struct{ q, want int }{
		{1, 1}, {2, 2}, {10, 8}, {45, 35}, {50, 37}, {60, 40}, {75, 45}, {80, 53}, {90, 70}, {95, 75}, {99, 79}, {100, 80},
	} {
		if got := avifQuality(tt.q); got != tt.want {
			t.Errorf("avifQuality(%d) = %d, want %d", tt.q, got, tt.want)
		}
	}
	for q := 2; q <= 100; q++ {
		if avifQuality(q) < avifQuality(q-1) {
			t.Errorf("avifQuality(%d) = %d < avifQuality(%d) = %d; want a non-decreasing map", q, avifQuality(q), q-1, avifQuality(q-1))
		}
	}
}

func TestEncodeAVIFErrors(t *testing.T) {
	for _, tt := range []struct {
		name string
		img  image.Image
		o    *EncodeOptions
	}{
		{"quality over 100", gradient(8, 8, 255), &EncodeOptions{Quality: 101}},
		{"negative quality", gradient(8, 8, 255), &EncodeOptions{Quality: -1}},
		{"empty image", image.NewRGBA(image.Rect(0, 0, 0, 5)), nil},
	} {
		var buf bytes.Buffer
		if err := Encode(&buf, tt.img, AVIF, tt.o); err == nil {
			t.Errorf("%s: Encode succeeded, want an error", tt.name)
		}
		if buf.Len() != 0 {
			t.Errorf("%s: %d bytes written with the error", tt.name, buf.Len())
		}
	}
}

// TestEncodeAVIFConcurrent encodes from several goroutines at once; with
// -race it also checks that the encoder shares no unguarded state.
func TestEncodeAVIFConcurrent(t *testing.T) {
	imgs := []image.Image{gradient(64, 48, 255), gradient(48, 64, 128), gradient(40, 40, 255)}
	var wg sync.WaitGroup
	out := make([][]byte, len(imgs)*2)
	errs := make([]error, len(out))
	for i := range out {
		wg.Go(func() {
			var buf bytes.Buffer
			errs[i] = Encode(&buf, imgs[i%len(imgs)], AVIF, nil)
			out[i] = buf.Bytes()
		})
	}
	wg.Wait()
	for i, data := range out {
		if errs[i] != nil {
			t.Errorf("encode %d: %v", i, errs[i])
			continue
		}
		cfg, err := avif.DecodeConfig(bytes.NewReader(data))
		want := imgs[i%len(imgs)].Bounds().Size()
		if err != nil || cfg.Width != want.X || cfg.Height != want.Y {
			t.Errorf("encode %d: decoded config %dx%d, %v; want %v", i, cfg.Width, cfg.Height, err, want)
		}
	}
}

func TestWarmUpAVIF(t *testing.T) {
	if err := WarmUpAVIF(); err != nil {
		t.Fatal(err)
	}
	if err := WarmUpAVIF(); err != nil {
		t.Fatalf("second call: %v", err)
	}
	if err := avif.Dynamic(); err != nil {
		t.Logf("encoder: WebAssembly (system libavif not used: %v)", err)
	} else {
		t.Logf("encoder: system libavif")
	}
}

// pngSource returns a w x h PNG with alpha a everywhere.
func pngSource(t *testing.T, w, h int, a uint8) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, gradient(w, h, a)); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestRenderAVIF(t *testing.T) {
	tests := []struct {
		name      string
		src       []byte
		p         Params
		wantSize  image.Point
		wantAlpha bool
	}{
		{"opaque, resized", pngSource(t, 64, 48, 255), Params{Format: AVIF, Width: 32}, image.Pt(32, 24), false},
		{"transparent", pngSource(t, 64, 48, 100), Params{Format: AVIF}, image.Pt(64, 48), true},
		{"padded", pngSource(t, 64, 48, 255), Params{Format: AVIF, Width: 48, Height: 48, Fit: FitFill}, image.Pt(48, 48), true},
		{"lossless", pngSource(t, 64, 48, 255), Params{Format: AVIF, Lossless: true}, image.Pt(64, 48), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			info, err := Render(context.Background(), &buf, tt.src, tt.p, &Options{AVIF: true})
			if err != nil {
				t.Fatal(err)
			}
			if info.Format != AVIF || info.ContentType() != "image/avif" {
				t.Errorf("Info.Format = %q, ContentType %q; want avif, image/avif", info.Format, info.ContentType())
			}
			if info.Bytes != int64(buf.Len()) || image.Pt(info.Width, info.Height) != tt.wantSize {
				t.Errorf("Info says %dx%d, %d bytes; wrote %d bytes, want %v", info.Width, info.Height, info.Bytes, buf.Len(), tt.wantSize)
			}
			m, err := avif.Decode(&buf)
			if err != nil {
				t.Fatalf("decode the output: %v", err)
			}
			if m.Bounds().Size() != tt.wantSize {
				t.Errorf("decoded size %v, want %v", m.Bounds().Size(), tt.wantSize)
			}
			if got := !opaque(m); got != tt.wantAlpha {
				t.Errorf("output has transparent pixels: %v, want %v", got, tt.wantAlpha)
			}
		})
	}
}

func TestRenderAVIFNotEnabled(t *testing.T) {
	src := pngSource(t, 16, 16, 255)
	want := &ParamError{Param: "fm", Value: "avif", Reason: "AVIF output is not enabled on this server"}
	for _, tt := range []struct {
		name  string
		src   []byte
		steps []Params
		opts  *Options
	}{
		{"nil options", src, []Params{{Format: AVIF}}, nil},
		{"zero options", src, []Params{{Format: AVIF, Width: 8}}, &Options{}},
		{"chain, last step", src, []Params{{Width: 8}, {Format: AVIF}}, &Options{}},
		{"chain, first step", src, []Params{{Format: AVIF}, {Width: 8}}, &Options{}},
		{"corrupt source", []byte("not an image"), []Params{{Format: AVIF}}, nil},
	} {
		var buf bytes.Buffer
		_, err := RenderChain(context.Background(), &buf, tt.src, tt.steps, tt.opts)
		var pe *ParamError
		if !errors.As(err, &pe) || !reflect.DeepEqual(pe, want) {
			t.Errorf("%s: got %v, want %v", tt.name, err, want)
		}
		if buf.Len() != 0 {
			t.Errorf("%s: %d bytes written with the error", tt.name, buf.Len())
		}
	}
	// A chain whose last format is not AVIF never encodes AVIF.
	var buf bytes.Buffer
	info, err := RenderChain(context.Background(), &buf, src, []Params{{Format: AVIF}, {Format: PNG}}, nil)
	if err != nil || info.Format != PNG {
		t.Errorf("avif then png: got %q, %v; want png", info.Format, err)
	}
}
