package transform

import (
	"image"
	"image/draw"
)

// Fit returns src scaled with kernel k so that it fits inside width x height
// while keeping its aspect ratio (imgix's fit=clip). It may upscale. A side
// of 0 or less is unset, as in [Resize].
func Fit(src image.Image, width, height int, k Kernel) image.Image {
	width, height = max(width, 0), max(height, 0)
	l := fitBox(image.Rectangle{Max: src.Bounds().Size()}, float64(width), float64(height), FitClip, Params{})
	return Resize(src, l.Size.X, l.Size.Y, k)
}

// Fill returns src scaled with kernel k and cropped to exactly width x height
// (imgix's fit=crop). The crop anchors in c say which part is kept; 0 keeps
// the centre. A side of 0 or less is unset, as in [Resize].
func Fill(src image.Image, width, height int, c CropMode, k Kernel) image.Image {
	width, height = max(width, 0), max(height, 0)
	b := src.Bounds()
	l := fitBox(image.Rectangle{Max: b.Size()}, float64(width), float64(height), FitCrop, Params{Crop: c})
	return Resize(subImage(src, l.Region.Add(b.Min)), l.Size.X, l.Size.Y, k)
}

// Crop returns a copy of the part of src inside r, clipped to src's bounds,
// with bounds starting at (0, 0). It keeps src's pixel type for the standard
// types and returns *image.RGBA for others.
func Crop(src image.Image, r image.Rectangle) image.Image {
	return copyImage(subImage(src, r.Intersect(src.Bounds())))
}

// Rotate90 returns src rotated 90° clockwise.
func Rotate90(src image.Image) image.Image { return Orient(src, 6) }

// Rotate180 returns src rotated 180°.
func Rotate180(src image.Image) image.Image { return Orient(src, 3) }

// Rotate270 returns src rotated 270° clockwise (90° counter-clockwise).
func Rotate270(src image.Image) image.Image { return Orient(src, 8) }

// FlipH returns src mirrored left to right.
func FlipH(src image.Image) image.Image { return Orient(src, 2) }

// FlipV returns src mirrored top to bottom.
func FlipV(src image.Image) image.Image { return Orient(src, 4) }

// subImage returns the part of src inside r without copying pixels when the
// image type allows it.
func subImage(src image.Image, r image.Rectangle) image.Image {
	if r == src.Bounds() {
		return src
	}
	if s, ok := src.(interface {
		SubImage(image.Rectangle) image.Image
	}); ok {
		return s.SubImage(r)
	}
	dst := image.NewRGBA(image.Rectangle{Max: r.Size()})
	draw.Draw(dst, dst.Bounds(), src, r.Min, draw.Src)
	return dst
}

// copyImage returns a copy of src with bounds starting at (0, 0), keeping the
// standard pixel types.
func copyImage(src image.Image) image.Image {
	b := src.Bounds()
	r := image.Rectangle{Max: b.Size()}
	switch s := src.(type) {
	case *image.YCbCr:
		dst := image.NewYCbCr(r, s.SubsampleRatio)
		// Copy through the YCbCr planes: draw has no YCbCr destination.
		for y := 0; y < r.Dy(); y++ {
			copy(dst.Y[y*dst.YStride:y*dst.YStride+r.Dx()], s.Y[s.YOffset(b.Min.X, b.Min.Y+y):])
		}
		for y := 0; y < r.Dy(); y++ {
			di, si := dst.COffset(0, y), s.COffset(b.Min.X, b.Min.Y+y)
			dst.Cb[di], dst.Cr[di] = s.Cb[si], s.Cr[si]
			for x := 1; x < r.Dx(); x++ {
				di, si = dst.COffset(x, y), s.COffset(b.Min.X+x, b.Min.Y+y)
				dst.Cb[di], dst.Cr[di] = s.Cb[si], s.Cr[si]
			}
		}
		return dst
	case *image.Gray:
		dst := image.NewGray(r)
		draw.Draw(dst, r, s, b.Min, draw.Src)
		return dst
	case *image.NRGBA:
		dst := image.NewNRGBA(r)
		draw.Draw(dst, r, s, b.Min, draw.Src)
		return dst
	}
	dst := image.NewRGBA(r)
	draw.Draw(dst, r, src, b.Min, draw.Src)
	return dst
}
