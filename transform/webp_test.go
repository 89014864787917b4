package transform

import (
	"bytes"
	"image"
	"math"
	"testing"

	xwebp "golang.org/x/image/webp"
)

// channelStats returns the mean and the standard deviation of each of the
// four channels of img's RGBA (premultiplied, 8-bit) values.
func channelStats(img image.Image) (mean, sd [4]float64) {
	m, ok := img.(*image.RGBA)
	if !ok {
		m = image.NewRGBA(img.Bounds())
		b := img.Bounds()
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				m.Set(x, y, img.At(x, y))
			}
		}
	}
	var sum, sq [4]float64
	b := m.Rect
	for y := b.Min.Y; y < b.Max.Y; y++ {
		row := m.Pix[m.PixOffset(b.Min.X, y):][:4*b.Dx()]
		for i, v := range row {
			sum[i%4] += float64(v)
			sq[i%4] += float64(v) * float64(v)
		}
	}
	n := float64(b.Dx() * b.Dy())
	for k := range 4 {
		mean[k] = sum[k] / n
		sd[k] = math.Sqrt(sq[k]/n - mean[k]*mean[k])
	}
	return mean, sd
}

// TestDecodeWebPReference holds both builds (libwebp through cgo, and
// compiled to WebAssembly) to the same decode of two lossy WebP files: the
// channel means and standard deviations below were measured on libwebp
// 1.4.0's output. A lossy WebP stores studio-range YCbCr (16..235);
// x/image/webp returns it as an *image.YCbCr, which Go converts as full
// range, so its pixels have about 14% less contrast, and the test checks
// that the reference tells that decode apart.
func TestDecodeWebPReference(t *testing.T) {
	const tol = 0.25 // per channel, in 8-bit levels
	tests := []struct {
		file     string
		mean, sd [4]float64
	}{
		{"photo-lossy.webp", // opaque
			[4]float64{102.558, 119.365, 127.451, 255}, [4]float64{66.011, 68.455, 79.588, 0}},
		{"dice-lossy-alpha.webp", // lossy colour with a lossless alpha plane
			[4]float64{30.578, 22.309, 23.734, 74.585}, [4]float64{61.687, 48.021, 56.042, 110.601}},
	}
	close := func(mean, sd, wantMean, wantSD [4]float64) bool {
		for k := range 4 {
			if math.Abs(mean[k]-wantMean[k]) > tol || math.Abs(sd[k]-wantSD[k]) > tol {
				return false
			}
		}
		return true
	}
	for _, tt := range tests {
		data := readTestdata(t, tt.file)
		img, _, err := Decode(data, Limits{})
		if err != nil {
			t.Fatalf("%s: %v", tt.file, err)
		}
		mean, sd := channelStats(img)
		t.Logf("%s (%s): mean %.3f, sd %.3f", tt.file, webpCodec, mean, sd)
		if !close(mean, sd, tt.mean, tt.sd) {
			t.Errorf("%s (%s): mean %.3f, sd %.3f; want %.3f, %.3f within %.2f", tt.file, webpCodec, mean, sd, tt.mean, tt.sd, tol)
		}
		x, err := xwebp.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		if xmean, xsd := channelStats(x); close(xmean, xsd, tt.mean, tt.sd) {
			t.Errorf("%s: x/image/webp's decode (mean %.3f, sd %.3f) passes for the reference", tt.file, xmean, xsd)
		}
	}
}
