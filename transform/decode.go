package transform

import (
	"fmt"
	"image"
)

// Decode decodes an encoded image in one of the formats Rendition reads
// (JPEG, PNG, GIF, WebP, BMP, TIFF), after checking its header against lim
// (zero fields mean the defaults): nothing is allocated for pixels unless the
// source is within the limits. The image is returned as stored, not
// oriented; Config.Orientation says how to turn it upright with [Orient].
// For a GIF the first frame is decoded, on a canvas of the GIF's size;
// Config.Frames counts them all. The image always has exactly the size of
// Config.
//
// The Config is returned whenever the header could be read, also with a
// limit error. Errors: a [*LimitError] (errors.Is [ErrLimit]) for data over
// the limits, [ErrUnknownFormat] for data that is not in a format Rendition
// reads, and an error wrapping [ErrDecode] and naming the format for data
// that cannot be decoded (a panic in a decoder is recovered as one).
//
// Decode is safe for concurrent use; it does not keep or modify data.
func Decode(data []byte, lim Limits) (image.Image, Config, error) {
	lim = lim.WithDefaults()
	if n := int64(len(data)); n > lim.MaxSourceBytes {
		return nil, Config{}, &LimitError{What: "source bytes", Value: n, Max: lim.MaxSourceBytes}
	}
	c, cfg, err := decodeHeader(data)
	if err != nil {
		return nil, cfg, err
	}
	if err := lim.checkSource(cfg.Width, cfg.Height, cfg.Frames); err != nil {
		return nil, cfg, err
	}
	img, err := c.safeDecode(data)
	if err != nil {
		return nil, cfg, decodeError(c.format, err)
	}
	if got := img.Bounds().Size(); got.X != cfg.Width || got.Y != cfg.Height {
		err := fmt.Errorf("decoded size %dx%d differs from the header's %dx%d", got.X, got.Y, cfg.Width, cfg.Height)
		return nil, cfg, decodeError(c.format, err)
	}
	return img, cfg, nil
}
