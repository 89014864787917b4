package transform

import (
	"errors"
	"fmt"
	"image"
	"strings"

	"github.com/rendition-go/rendition/internal/jpeg"
)

// decodeFor decodes src for the first step of a chain. A JPEG goes through
// Rendition's own decoder, scaled in the DCT domain to the smallest of 1/1,
// 1/2, 1/4 and 1/8 that keeps at least twice the pixels the step needs from
// the region it uses (shrink-on-load, as libjpeg and libvips do); the
// resampler then finishes with the step's kernel. A JPEG that decoder does
// not handle (arithmetic coding, 12-bit, lossless) falls back to image/jpeg
// at full size. Other formats go through [Decode]. Rendition's JPEG decoder
// stops when b runs out; the other decoders (the standard library's and
// x/image's) cannot be interrupted, and only the source limits bound them.
//
// It returns the image (whose size may be a fraction of cfg's) and a short
// description of the decoder used, for [Info].
func decodeFor(src []byte, cfg Config, s step, lim Limits, b *budget) (image.Image, string, error) {
	if cfg.Format != JPEG {
		img, _, err := Decode(src, lim)
		return img, string(cfg.Format), err
	}
	if n := int64(len(src)); n > lim.MaxSourceBytes {
		return nil, "", &LimitError{What: "source bytes", Value: n, Max: lim.MaxSourceBytes}
	}
	if err := lim.checkSource(cfg.Width, cfg.Height, cfg.Frames); err != nil {
		return nil, "", err
	}
	region := s.orient.rawRect(s.layout.Region, s.upright)
	need := s.orient.size(s.layout.Size)
	scale := jpeg.ScaleFor(region.Dx(), region.Dy(), need.X, need.Y)
	img, err := jpeg.Decode(src, &jpeg.Options{Scale: scale, Interrupt: b.check})
	if err != nil {
		if stop := b.check(); stop != nil {
			return nil, "", stop
		}
	}
	switch {
	case errors.Is(err, jpeg.ErrUnsupported):
		reason := strings.TrimPrefix(err.Error(), "jpeg: ")
		img, _, err := Decode(src, lim)
		return img, "image/jpeg (" + reason + ")", err
	case err != nil:
		return nil, "", decodeError(JPEG, err)
	}
	want := image.Pt((cfg.Width+scale-1)/scale, (cfg.Height+scale-1)/scale)
	if got := img.Bounds().Size(); got != want {
		return nil, "", decodeError(JPEG, fmt.Errorf("decoded size %v differs from the header's %v at 1/%d", got, want, scale))
	}
	return img, fmt.Sprintf("jpeg 1/%d", scale), nil
}

// scaleRect maps r, a rectangle of an image of size from, onto the same
// image decoded at size to, rounding to whole pixels and keeping at least
// one.
func scaleRect(r image.Rectangle, from, to image.Point) image.Rectangle {
	if from == to || from.X == 0 || from.Y == 0 {
		return r
	}
	sx := func(v int) int { return (v*to.X + from.X/2) / from.X }
	sy := func(v int) int { return (v*to.Y + from.Y/2) / from.Y }
	out := image.Rect(sx(r.Min.X), sy(r.Min.Y), sx(r.Max.X), sy(r.Max.Y))
	if out.Dx() == 0 {
		out.Max.X = min(out.Min.X+1, to.X)
		out.Min.X = out.Max.X - 1
	}
	if out.Dy() == 0 {
		out.Max.Y = min(out.Min.Y+1, to.Y)
		out.Min.Y = out.Max.Y - 1
	}
	return out
}
