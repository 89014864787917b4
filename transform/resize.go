package transform

import (
	"image"

	rs "github.com/rendition-go/rendition/internal/resample"
)

// Resize returns src scaled to width x height with kernel k. When one of
// width or height is 0 it is derived from the other, keeping the aspect
// ratio; when both are 0 (or the source is empty) Resize returns src.
// Resize never modifies src and is safe to call from several goroutines.
//
// The result's bounds start at (0, 0). A *image.YCbCr stays a *image.YCbCr
// with the same chroma subsampling (each plane is resampled at its own
// resolution), *image.Gray, *image.RGBA and *image.NRGBA keep their type, and
// every other image becomes an *image.RGBA. When a kernel reduces an image it
// is stretched by the reduction ratio so that every source pixel contributes.
// Sizes too large to allocate (more than 1<<30 pixels) return src.
func Resize(src image.Image, width, height int, k Kernel) image.Image {
	b := src.Bounds()
	if width < 0 || height < 0 || (width == 0 && height == 0) || b.Empty() {
		return src
	}
	if width == 0 {
		width = max(1, int(float64(b.Dx())*float64(height)/float64(b.Dy())+0.5))
	}
	if height == 0 {
		height = max(1, int(float64(b.Dy())*float64(width)/float64(b.Dx())+0.5))
	}
	dst, _ := resize(src, width, height, k, nil)
	return dst
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
