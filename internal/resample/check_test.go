package resample

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"reflect"
	"sync/atomic"
	"testing"
)

// TestResizeCheck stops resizes of every image type, reducing and
// enlarging in both pass orders, through ResizeCheck's check: the result
// must be nil and the check's error, and few bands may run after it failed.
// A check that never fails gives Resize's result.
func TestResizeCheck(t *testing.T) {
	errStop := errors.New("stop")
	src := pattern(200, 150, func(x, y int) color.NRGBA {
		return color.NRGBA{uint8(x), uint8(y), uint8(x ^ y), uint8(128 + x%128)}
	})
	ycc := image.NewYCbCr(src.Rect, image.YCbCrSubsampleRatio420)
	for i := range ycc.Y {
		ycc.Y[i] = uint8(i * 7)
	}
	pal := image.NewPaletted(src.Rect, color.Palette{color.Black, color.White, color.Transparent})
	for i := range pal.Pix {
		pal.Pix[i] = uint8(i % 3)
	}
	images := map[string]image.Image{
		"ycbcr": ycc, "gray": toGray(src), "rgba": toRGBA(src), "nrgba": src, "paletted": pal,
		"generic": image.NewCMYK(src.Rect),
	}
	for name, img := range images {
		for _, size := range []image.Point{{600, 450}, {60, 400}, {200, 400}} {
			for _, order := range []mode{modeVH, modeHV} {
				t.Run(fmt.Sprintf("%s-%v-order%d", name, size, order), func(t *testing.T) {
					var total atomic.Int64
					got, err := resize(img, size.X, size.Y, lanczos3, order, func() error { total.Add(1); return nil })
					if err != nil {
						t.Fatal(err)
					}
					want, _ := resize(img, size.X, size.Y, lanczos3, order, nil)
					if !reflect.DeepEqual(got, want) {
						t.Fatal("a check that never fails changed the result")
					}
					if total.Load() < 4 {
						t.Fatalf("check called %d times for the whole resize, want it between bands", total.Load())
					}
					for _, stopAt := range []int64{1, total.Load() / 2} {
						var calls atomic.Int64
						got, err := resize(img, size.X, size.Y, lanczos3, order, func() error {
							if calls.Add(1) >= stopAt {
								return errStop
							}
							return nil
						})
						if got != nil || err != errStop {
							t.Fatalf("stopped at call %d of %d: got %T, %v; want nil, the check's error", stopAt, total.Load(), got, err)
						}
					}
				})
			}
		}
	}
}
