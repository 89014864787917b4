package transform

import (
	"bytes"
	"fmt"
	"image"
	"testing"

	"github.com/gen2brain/avif"
)

// BenchmarkEncodeAVIF compares AVIF with WebP and JPEG on the same 1200x900
// photograph, at the default quality. The AVIF encoder's one-time set-up is
// done before any timing. The speed-N cases call the encoder directly at
// slower presets than the one Encode uses, to show what they would cost.
func BenchmarkEncodeAVIF(b *testing.B) {
	if err := WarmUpAVIF(); err != nil {
		b.Fatal(err)
	}
	ycc, rgba, _ := benchImages(b)
	for _, bc := range []struct {
		name string
		img  image.Image
		f    Format
		o    *EncodeOptions
	}{
		{"AVIF/YCbCr", ycc, AVIF, nil},
		{"AVIF/RGBA", rgba, AVIF, nil},
		{"AVIF/YCbCr-lossless", ycc, AVIF, &EncodeOptions{Lossless: true}},
		{"WebP/YCbCr", ycc, WebP, nil},
		{"JPEG/YCbCr", ycc, JPEG, nil},
	} {
		b.Run(bc.name, func(b *testing.B) { benchEncode(b, bc.img, bc.f, bc.o) })
	}
	for _, speed := range []int{6, 8} {
		b.Run(fmt.Sprintf("AVIF/RGBA-speed-%d", speed), func(b *testing.B) {
			b.ReportAllocs()
			o := avif.Options{
				Quality:           avifQuality(defaultQuality),
				QualityAlpha:      avifQuality(defaultQuality),
				Speed:             speed,
				ChromaSubsampling: image.YCbCrSubsampleRatio420,
			}
			var buf bytes.Buffer
			for b.Loop() {
				buf.Reset()
				if err := avif.Encode(&buf, rgba, o); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(buf.Len()), "output-bytes")
		})
	}
}
