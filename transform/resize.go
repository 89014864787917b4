package transform

import (
	"image"
	"math"

	rs "github.com/rendition-go/rendition/internal/resample"
)

// maxResizePixels is the largest image Resize makes: 1<<30 pixels.
const maxResizePixels = 1 << 30

// Resize returns src scaled to width x height with kernel k. When one of
// width or height is 0 (or negative) it is derived from the other, keeping
// the aspect ratio; when both are, or the source is empty, Resize returns
// src itself. Resize never modifies src and is safe to call from several
// goroutines.
//
// A size over 1<<30 pixels, more than any image can sensibly hold in
// memory, is scaled down, keeping its aspect ratio, to at most that many
// pixels (each side at least 1): the result is then smaller than asked, as
// its bounds show. Bound sizes that come from users before calling Resize;
// [Render] does, with its [Limits].
//
// The result's bounds start at (0, 0). A *image.YCbCr stays a *image.YCbCr
// with the same chroma subsampling (each plane is resampled at its own
// resolution), *image.Gray, *image.RGBA and *image.NRGBA keep their type, and
// every other image becomes an *image.RGBA. When a kernel reduces an image it
// is stretched by the reduction ratio so that every source pixel contributes.
func Resize(src image.Image, width, height int, k Kernel) image.Image {
	b := src.Bounds()
	width, height = max(width, 0), max(height, 0)
	if (width == 0 && height == 0) || b.Empty() {
		return src
	}
	if width == 0 {
		width = derivedSide(b.Dx(), height, b.Dy())
	}
	if height == 0 {
		height = derivedSide(b.Dy(), width, b.Dx())
	}
	width, height = clampPixels(width, height)
	dst, _ := resize(src, width, height, k, nil)
	return dst
}

// derivedSide returns side * other / otherSide rounded, at least 1 and
// without overflowing int.
func derivedSide(side, other, otherSide int) int {
	v := math.Round(float64(side) * float64(other) / float64(otherSide))
	return int(math.Max(1, math.Min(v, maxResizePixels)))
}

// clampPixels scales w x h down uniformly, each side at least 1, until it
// holds at most maxResizePixels pixels.
func clampPixels(w, h int) (int, int) {
	if float64(w)*float64(h) <= maxResizePixels {
		return w, h
	}
	f := math.Sqrt(maxResizePixels / (float64(w) * float64(h)))
	nw, nh := int(float64(w)*f), int(float64(h)*f)
	switch {
	case nw < 1:
		nw, nh = 1, min(h, maxResizePixels)
	case nh < 1:
		nw, nh = min(w, maxResizePixels), 1
	}
	for int64(nw)*int64(nh) > maxResizePixels { // float rounding
		if nw > nh {
			nw--
		} else {
			nh--
		}
	}
	return nw, nh
}

// resize scales src to exactly width x height with kernel k, or returns src
// when the size is too large to allocate. It stops with check's error when
// check (if not nil) fails.
func resize(src image.Image, width, height int, k Kernel, check func() error) (image.Image, error) {
	dst, err := rs.ResizeCheck(src, width, height, rs.Filter{Support: k.Support, At: k.At}, check)
	if err != nil {
		return nil, err
	}
	if dst == nil {
		return src, nil
	}
	return dst, nil
}
