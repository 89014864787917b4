package transform

import (
	"fmt"
	"math"
	"testing"

	"github.com/rendition-go/rendition/internal/cputime"
)

// BenchmarkEncodePixels measures how encode time grows with the output's
// pixels, for the encoders that cannot be interrupted (libwebp, and libavif
// run as WebAssembly) and, for comparison, the Go ones. The image is a
// detailed photograph reduced to each size, the costly case for lossless
// encoders. It is the measure behind Limits.MaxLosslessWebPPixels and
// Limits.MaxAVIFPixels: run it with -benchtime 1x and read cpu-ns/MP, the
// CPU time per million pixels (each encode runs on one core), which a busy
// machine inflates less than the wall time.
func BenchmarkEncodePixels(b *testing.B) {
	if err := WarmUpAVIF(); err != nil {
		b.Fatal(err)
	}
	src, _, err := Decode(readTestdata(b, "phone-note10-exif6.jpg"), Limits{})
	if err != nil {
		b.Fatal(err)
	}
	for _, mp := range []float64{0.5, 1, 2, 4} {
		// 4:3, as the photograph.
		h := int(0.5 + 1000*math.Sqrt(mp*3/4))
		w := h * 4 / 3
		img := Resize(src, w, h, Lanczos3)
		for _, bc := range []struct {
			name string
			f    Format
			o    *EncodeOptions
		}{
			{"WebP-lossless", WebP, &EncodeOptions{Lossless: true}},
			{"WebP", WebP, nil},
			{"AVIF-lossless", AVIF, &EncodeOptions{Lossless: true}},
			{"AVIF", AVIF, nil},
			{"JPEG", JPEG, nil},
			{"PNG", PNG, nil},
		} {
			b.Run(fmt.Sprintf("%s/%gMP", bc.name, mp), func(b *testing.B) {
				cpu, ok := cputime.Process()
				benchEncode(b, img, bc.f, bc.o)
				if after, _ := cputime.Process(); ok {
					px := float64(img.Bounds().Dx() * img.Bounds().Dy())
					b.ReportMetric(float64(after-cpu)/float64(b.N)/px*1e6, "cpu-ns/MP")
				}
			})
		}
	}
}
