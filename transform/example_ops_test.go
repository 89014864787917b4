package transform_test

import (
	"fmt"
	"image"
	"image/color"
	"log"
	"net/url"

	"github.com/rendition-go/rendition/transform"
)

// marked returns a black 3x2 image whose top-left pixel is white, to follow
// where a rotation or a flip moves it.
func marked() *image.Gray {
	img := image.NewGray(image.Rect(0, 0, 3, 2))
	img.SetGray(0, 0, color.Gray{Y: 255})
	return img
}

// whitePixel returns the position of the first white pixel of img.
func whitePixel(img image.Image) image.Point {
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if r, _, _, _ := img.At(x, y).RGBA(); r == 0xffff {
				return image.Pt(x, y)
			}
		}
	}
	return image.Pt(-1, -1)
}

// Fit scales an image to fit inside a box, keeping its aspect ratio.
func ExampleFit() {
	img := image.NewRGBA(image.Rect(0, 0, 400, 300))
	fmt.Println(transform.Fit(img, 200, 200, transform.Lanczos3).Bounds().Size())
	fmt.Println(transform.Fit(img, 800, 100, transform.Lanczos3).Bounds().Size())
	// Output:
	// (200,150)
	// (133,100)
}

// Fill scales an image to cover a box and cuts what sticks out, keeping the
// part the crop anchors name.
func ExampleFill() {
	img := image.NewGray(image.Rect(0, 0, 400, 300))
	for y := range 300 {
		for x := range 50 { // a white band along the left edge
			img.SetGray(x, y, color.Gray{Y: 255})
		}
	}
	left := transform.Fill(img, 100, 100, transform.CropLeft, transform.Nearest)
	right := transform.Fill(img, 100, 100, transform.CropRight, transform.Nearest)
	fmt.Println(left.Bounds().Size(), whitePixel(left), whitePixel(right))
	// Output: (100,100) (0,0) (-1,-1)
}

// Crop copies a rectangle out of an image; the result starts at (0, 0).
func ExampleCrop() {
	img := image.NewGray(image.Rect(0, 0, 400, 300))
	img.SetGray(120, 60, color.Gray{Y: 255})
	part := transform.Crop(img, image.Rect(100, 50, 200, 100))
	fmt.Println(part.Bounds(), whitePixel(part))
	// Part of the rectangle outside the image is dropped.
	fmt.Println(transform.Crop(img, image.Rect(350, 250, 500, 500)).Bounds())
	// Output:
	// (0,0)-(100,50) (20,10)
	// (0,0)-(50,50)
}

// Rotate90 turns an image clockwise: the top-left corner goes to the top right.
func ExampleRotate90() {
	r := transform.Rotate90(marked())
	fmt.Println(r.Bounds().Size(), whitePixel(r))
	// Output: (2,3) (1,0)
}

// Rotate180 turns an image upside down: the top-left corner goes to the
// bottom right.
func ExampleRotate180() {
	r := transform.Rotate180(marked())
	fmt.Println(r.Bounds().Size(), whitePixel(r))
	// Output: (3,2) (2,1)
}

// Rotate270 turns an image counter-clockwise: the top-left corner goes to
// the bottom left.
func ExampleRotate270() {
	r := transform.Rotate270(marked())
	fmt.Println(r.Bounds().Size(), whitePixel(r))
	// Output: (2,3) (0,2)
}

// FlipH mirrors an image left to right.
func ExampleFlipH() {
	fmt.Println(whitePixel(transform.FlipH(marked())))
	// Output: (2,0)
}

// FlipV mirrors an image top to bottom.
func ExampleFlipV() {
	fmt.Println(whitePixel(transform.FlipV(marked())))
	// Output: (0,1)
}

// PlanLayout gives the size of an output without decoding or rendering
// anything, for the width and height attributes of an <img> element. It
// takes the upright size of the source: swap the sides of a header whose
// EXIF orientation is 5 to 8, and when rot is 90 or 270.
func ExamplePlanLayout() {
	cfg := transform.Config{Width: 4000, Height: 3000, Orientation: 1} // from transform.DecodeConfig
	p, err := transform.ParseQuery(url.Values{"w": {"600"}, "ar": {"1:1"}, "fit": {"fill"}})
	if err != nil {
		log.Fatal(err)
	}
	l, err := transform.PlanLayout(image.Pt(cfg.Width, cfg.Height), p, transform.Limits{})
	if err != nil {
		log.Fatal(err) // a *LimitError for an output over the limits
	}
	fmt.Printf(`<img width="%d" height="%d">`+"\n", l.Canvas.X, l.Canvas.Y)
	fmt.Println("image", l.Size, "at", l.Offset, "padded:", l.Pad == transform.PadColor)
	// Output:
	// <img width="600" height="600">
	// image (600,450) at (0,75) padded: true
}
