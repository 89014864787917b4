package resample

import (
	"image"
	"testing"
)

// BenchmarkOneAxis resizes a 12-megapixel image along one axis only, the
// paths that a build with GOEXPERIMENT=simd runs through the int16 rows:
//
//	go test ./internal/resample -run XXX -bench OneAxis -benchmem
//	GOEXPERIMENT=simd go test ./internal/resample -run XXX -bench OneAxis -benchmem
func BenchmarkOneAxis(b *testing.B) {
	rgba := image.NewRGBA(image.Rect(0, 0, 4032, 3024))
	for i := range rgba.Pix {
		rgba.Pix[i] = byte(i * 7)
	}
	gray := image.NewGray(image.Rect(0, 0, 4032, 3024))
	for i := range gray.Pix {
		gray.Pix[i] = byte(i * 13)
	}
	for _, c := range []struct {
		name string
		img  image.Image
		w, h int
	}{
		{"rgba/height", rgba, 4032, 226},
		{"rgba/width", rgba, 300, 3024},
		{"gray/height", gray, 4032, 226},
		{"gray/width", gray, 300, 3024},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for range b.N {
				Resize(c.img, c.w, c.h, lanczos3)
			}
		})
	}
}
