package jpeg_test

import (
	"fmt"
	"log"
	"os"

	"github.com/rendition-go/rendition/internal/jpeg"
)

// A thumbnail that will be at most 400 pixels wide needs no more than a
// quarter of a 12-megapixel photo.
func ExampleScaleFor() {
	data, err := os.ReadFile("../../testdata/phone-s8-exif6.jpg")
	if err != nil {
		log.Fatal(err)
	}
	cfg, err := jpeg.DecodeConfig(data)
	if err != nil {
		log.Fatal(err)
	}
	scale := jpeg.ScaleFor(cfg.Width, cfg.Height, 400, 0)
	img, err := jpeg.Decode(data, &jpeg.Options{Scale: scale})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(cfg.Width, cfg.Height, cfg.Subsampling, cfg.Progressive)
	fmt.Println(scale, img.Bounds())
	// Output:
	// 4032 3024 4:2:0 false
	// 4 (0,0)-(1008,756)
}
