package transform_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"log"
	"net/url"

	"github.com/rendition-go/rendition/transform"
)

// Transform an encoded image by imgix parameters: bytes in, bytes out.
func ExampleTransform() {
	var src bytes.Buffer
	png.Encode(&src, image.NewGray(image.Rect(0, 0, 1600, 1200)))

	p, err := transform.ParseQuery(url.Values{"w": {"300"}, "h": {"200"}, "fit": {"crop"}, "fm": {"webp"}})
	if err != nil {
		log.Fatal(err) // a *transform.ParamError naming the parameter
	}
	var out bytes.Buffer
	info, err := transform.Transform(context.Background(), &out, &src, p)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(info.Width, info.Height, info.ContentType(), info.Source.Width, info.Source.Height)
	// Output: 300 200 image/webp 1600 1200
}

// Resize and the other pixel functions work on decoded images.
func ExampleResize() {
	img := image.NewRGBA(image.Rect(0, 0, 4000, 3000))
	thumb := transform.Resize(img, 300, 0, transform.Lanczos3) // 0 keeps the aspect ratio
	square := transform.Fill(img, 200, 200, transform.CropTop, transform.Lanczos3)
	fmt.Println(thumb.Bounds().Size(), square.Bounds().Size(), transform.Rotate90(thumb).Bounds().Size())
	// Output: (300,225) (200,200) (225,300)
}
