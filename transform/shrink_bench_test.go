package transform

import (
	"bytes"
	"fmt"
	"image/jpeg"
	"testing"

	"github.com/disintegration/imaging"

	"github.com/rendition-go/rendition/internal/cputime"
	rjpeg "github.com/rendition-go/rendition/internal/jpeg"
)

// BenchmarkDecodeResize is decode plus resize to 300 px wide, the core of a
// thumbnail, against image/jpeg with imaging's Lanczos in the same run.
func BenchmarkDecodeResize(b *testing.B) {
	for _, name := range []string{"phone-note10-exif6.jpg", "sunset.jpg"} {
		src := readFile(b, name)
		cfg, err := rjpeg.DecodeConfig(src)
		if err != nil {
			b.Fatal(err)
		}
		const w = 300
		b.Run(fmt.Sprintf("src=%s/impl=rendition", name), func(b *testing.B) {
			scale := rjpeg.ScaleFor(cfg.Width, cfg.Height, w, 0)
			cputime.Report(b, func() {
				img, err := rjpeg.Decode(src, &rjpeg.Options{Scale: scale})
				if err != nil {
					b.Fatal(err)
				}
				Resize(img, w, 0, Lanczos3)
			})
		})
		b.Run(fmt.Sprintf("src=%s/impl=stdlib+imaging", name), func(b *testing.B) {
			cputime.Report(b, func() {
				img, err := jpeg.Decode(bytes.NewReader(src))
				if err != nil {
					b.Fatal(err)
				}
				imaging.Resize(img, w, 0, imaging.Lanczos)
			})
		})
	}
}
