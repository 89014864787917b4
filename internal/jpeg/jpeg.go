package jpeg

import (
	"errors"
	"fmt"
	"image"
	"image/color"
)

// ErrUnsupported is wrapped by the errors returned for valid JPEG files that
// this package does not decode (arithmetic coding, 12-bit samples, lossless
// and hierarchical processes, unusual sampling factors, ...). The error text
// names the reason; callers can fall back to image/jpeg.
var ErrUnsupported = errors.New("jpeg: unsupported")

// ErrFormat is wrapped by the errors returned for malformed or truncated data.
var ErrFormat = errors.New("jpeg: invalid format")

// maxPixels bounds the image area accepted by [Decode]; larger images are
// reported as unsupported so that a small malformed header cannot trigger a
// huge allocation. Callers are expected to apply their own, smaller, limit
// from [DecodeConfig]. It is a variable only so that the fuzz test can
// lower it.
var maxPixels = 1 << 27

func unsupported(reason string) error {
	return fmt.Errorf("%w: %s", ErrUnsupported, reason)
}

func formatError(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrFormat}, args...)...)
}

// Config describes a JPEG image as declared by its frame header. It is a
// plain value, safe to copy and share.
type Config struct {
	// Width and Height are the full-size dimensions in pixels.
	Width, Height int
	// Components is the number of color components: 1 (gray), 3 (YCbCr or
	// RGB) or 4 (CMYK or YCCK).
	Components int
	// Progressive reports whether the file uses the progressive process.
	Progressive bool
	// Subsampling is the chroma subsampling, such as "4:4:4", "4:2:2",
	// "4:2:0", "4:4:0", "4:1:1" or "4:1:0"; "4:0:0" for grayscale. Sampling
	// factors without a conventional name are spelled out per component, as
	// in "2x1,1x2,1x1".
	Subsampling string
	// ColorModel is the model of the image [Decode] returns:
	// color.GrayModel, color.YCbCrModel or color.CMYKModel (color.RGBAModel
	// for RGB files, which Decode reports as unsupported).
	ColorModel color.Model
}

// Options configures [Decode]. The zero value decodes at full size. Decode
// only reads it, so one Options may be shared by concurrent calls.
type Options struct {
	// Scale is the shrink factor applied in the DCT domain: 0 or 1 (full
	// size), 2, 4 or 8. The decoded image is ceil(Width/Scale) x
	// ceil(Height/Scale).
	Scale int
	// Interrupt, when set, is called before each row of MCUs (or of
	// blocks) of every scan and of the final inverse DCT, possibly from
	// several goroutines at once. When it returns an error the decode
	// stops and Decode returns that error unchanged. It lets a caller
	// abandon a decode nobody waits for: pass a function returning
	// ctx.Err(). It must be cheap; a row of MCUs takes tens of
	// microseconds to decode.
	Interrupt func() error
}

// DecodeConfig parses the headers up to the frame header and returns the
// image's description without decoding any pixels.
func DecodeConfig(data []byte) (Config, error) {
	d := decoder{data: data, scale: 1}
	if err := d.parse(true); err != nil {
		return Config{}, err
	}
	cfg := Config{
		Width:       d.width,
		Height:      d.height,
		Components:  d.ncomp,
		Progressive: d.progressive,
		Subsampling: d.subsampling(),
	}
	switch d.ncomp {
	case 1:
		cfg.ColorModel = color.GrayModel
	case 3:
		if d.isRGB() {
			cfg.ColorModel = color.RGBAModel
		} else {
			cfg.ColorModel = color.YCbCrModel
		}
	case 4:
		cfg.ColorModel = color.CMYKModel
	}
	return cfg, nil
}

// Decode decodes a baseline or progressive JPEG file held in data, shrinking
// it by opts.Scale in the DCT domain. A nil opts decodes at full size.
//
// The result is an *image.Gray, an *image.YCbCr (with the file's chroma
// subsampling) or an *image.CMYK whose bounds start at (0, 0). Its pixel
// slices may extend past the visible area to the MCU boundary.
//
// Entropy-coded data that is cut short by the end of data is reported as an
// error wrapping [ErrFormat]. A marker met in the middle of a scan ends that
// scan (see the package documentation).
// Files using features outside the supported subset yield an error
// wrapping [ErrUnsupported].
func Decode(data []byte, opts *Options) (image.Image, error) {
	scale := 1
	var interrupt func() error
	if opts != nil {
		if opts.Scale != 0 {
			scale = opts.Scale
		}
		interrupt = opts.Interrupt
	}
	switch scale {
	case 1, 2, 4, 8:
	default:
		return nil, fmt.Errorf("jpeg: invalid scale %d (want 1, 2, 4 or 8)", scale)
	}
	d := decoder{data: data, scale: scale, bs: 8 / scale, interrupt: interrupt}
	if err := d.parse(false); err != nil {
		return nil, err
	}
	return d.image()
}

// ScaleFor returns the shrink factor to pass in [Options] when an image of
// srcW x srcH pixels is to be resized to dstW x dstH: the largest of 8, 4
// and 2 for which the shrunk image is still at least twice the target on
// both axes, and 1 otherwise (including when upscaling). A zero target
// leaves that axis unconstrained; when both are zero the image is not
// shrunk.
func ScaleFor(srcW, srcH, dstW, dstH int) int {
	if srcW <= 0 || srcH <= 0 || dstW < 0 || dstH < 0 || (dstW == 0 && dstH == 0) {
		return 1
	}
	for _, s := range [...]int{8, 4, 2} {
		w := (srcW + s - 1) / s
		h := (srcH + s - 1) / s
		if (dstW == 0 || w >= 2*dstW) && (dstH == 0 || h >= 2*dstH) {
			return s
		}
	}
	return 1
}
