package transform

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"

	"golang.org/x/image/bmp"
	"golang.org/x/image/tiff"
	"golang.org/x/image/webp"
)

// codec is one row of the package's own codec table. Decoding goes through
// this table only, never through image.Decode and the global format
// registry, so that importing another decoder anywhere in a program cannot
// widen what Rendition accepts.
type codec struct {
	format Format
	// magic lists the byte prefixes that identify the format; '?' matches
	// any byte.
	magic []string
	// config reads the header only.
	config func(data []byte) (image.Config, error)
	// decode decodes the pixels; it is called only after config succeeded
	// and the limits were checked.
	decode func(data []byte) (image.Image, error)
}

var codecTable = []codec{
	{JPEG, []string{"\xff\xd8\xff"}, readerConfig(jpeg.DecodeConfig), readerDecode(jpeg.Decode)},
	{PNG, []string{"\x89PNG\r\n\x1a\n"}, readerConfig(png.DecodeConfig), readerDecode(png.Decode)},
	{GIF, []string{"GIF87a", "GIF89a"}, readerConfig(gif.DecodeConfig), decodeGIF},
	{WebP, []string{"RIFF????WEBP"}, configWebP, decodeWebP},
	{BMP, []string{"BM"}, readerConfig(bmp.DecodeConfig), readerDecode(bmp.Decode)},
	{TIFF, []string{"II*\x00", "MM\x00*"}, readerConfig(tiff.DecodeConfig), readerDecode(tiff.Decode)},
}

func readerConfig(f func(io.Reader) (image.Config, error)) func([]byte) (image.Config, error) {
	return func(data []byte) (image.Config, error) { return f(bytes.NewReader(data)) }
}

func readerDecode(f func(io.Reader) (image.Image, error)) func([]byte) (image.Image, error) {
	return func(data []byte) (image.Image, error) { return f(bytes.NewReader(data)) }
}

// lookupCodec returns the codec whose magic bytes start head, or nil.
func lookupCodec(head []byte) *codec {
	for i := range codecTable {
		for _, m := range codecTable[i].magic {
			if matchMagic(head, m) {
				return &codecTable[i]
			}
		}
	}
	return nil
}

func matchMagic(head []byte, magic string) bool {
	if len(head) < len(magic) {
		return false
	}
	for i := 0; i < len(magic); i++ {
		if magic[i] != '?' && magic[i] != head[i] {
			return false
		}
	}
	return true
}

// Sniff returns the format of an encoded image from its first bytes (12 are
// enough for every format), or "" when it is none that Rendition reads. Only
// the magic bytes are looked at: the data may still be corrupt.
func Sniff(head []byte) Format {
	if c := lookupCodec(head); c != nil {
		return c.format
	}
	return ""
}

// Config describes an encoded image as its header does. It is a plain
// value, safe to copy and compare.
type Config struct {
	// Format is the format the data is in.
	Format Format
	// Width and Height are the size as stored, before orientation.
	Width, Height int
	// Orientation is the EXIF orientation, 1..8; 1 when there is none or
	// it is invalid. See [Orient].
	Orientation int
	// Frames is the number of frames of an animated GIF, else 1.
	Frames int
}

// DecodeConfig reads the header of an encoded image, and its EXIF
// orientation, without decoding or allocating pixels. It does not check any
// [Limits]; [Decode] does. For a GIF it walks the block structure to count the
// frames.
//
// Errors: [ErrUnknownFormat] when the magic bytes are not those of a format
// Rendition reads, and an error wrapping [ErrDecode] when the header is
// corrupt or the image is of a kind Rendition cannot decode (an animated
// WebP).
func DecodeConfig(data []byte) (Config, error) {
	_, cfg, err := decodeHeader(data)
	return cfg, err
}

// decodeHeader is [DecodeConfig], also returning the codec to decode with.
func decodeHeader(data []byte) (*codec, Config, error) {
	c := lookupCodec(data)
	if c == nil {
		return nil, Config{}, ErrUnknownFormat
	}
	ic, err := c.safeConfig(data)
	if err != nil {
		return nil, Config{}, decodeError(c.format, err)
	}
	cfg := Config{
		Format:      c.format,
		Width:       ic.Width,
		Height:      ic.Height,
		Orientation: readOrientation(c.format, data),
		Frames:      1,
	}
	if c.format == GIF {
		n := gifFrames(data)
		if n == 0 {
			return nil, cfg, decodeError(GIF, errors.New("no complete image in the file"))
		}
		cfg.Frames = n
	}
	return c, cfg, nil
}

// safeConfig calls c.config, turning a panic into an error.
func (c *codec) safeConfig(data []byte) (cfg image.Config, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("decoder panic: %v", r)
		}
	}()
	return c.config(data)
}

// safeDecode calls c.decode, turning a panic into an error.
func (c *codec) safeDecode(data []byte) (img image.Image, err error) {
	defer func() {
		if r := recover(); r != nil {
			img, err = nil, fmt.Errorf("decoder panic: %v", r)
		}
	}()
	img, err = c.decode(data)
	if err == nil && img == nil {
		err = errors.New("decoder returned no image")
	}
	return img, err
}

// decodeError wraps a decoder's error err for format f with [ErrDecode].
func decodeError(f Format, err error) error {
	return fmt.Errorf("%w (%s): %w", ErrDecode, f, err)
}

// errAnimatedWebP reports an animated WebP, which Rendition does not decode.
var errAnimatedWebP = errors.New("animated WebP is not supported")

// configWebP reads a WebP header, refusing animations. The header is read
// in Go (x/image/webp); the pixels are decoded by libwebp (decodeWebP, in
// webp_cgo.go or webp_nocgo.go), whose lossy output has the right colour
// range: x/image/webp returns the studio-range YCbCr of a VP8 frame as an
// *image.YCbCr, which Go converts as full range, losing contrast.
func configWebP(data []byte) (image.Config, error) {
	// An animation is an extended file (VP8X first) with the animation
	// flag set, RIFF header (12 bytes), chunk header (8), flags.
	if len(data) >= 21 && string(data[12:16]) == "VP8X" && data[20]&0x02 != 0 {
		return image.Config{}, errAnimatedWebP
	}
	return webp.DecodeConfig(bytes.NewReader(data))
}

// premultiply turns straight-alpha RGBA bytes into premultiplied ones in
// place, rounding as libwebp does for its premultiplied output.
func premultiply(pix []byte) {
	for i := 0; i+4 <= len(pix); i += 4 {
		p := pix[i : i+4 : i+4]
		if a := uint32(p[3]); a != 0xff {
			m := a * 32897 // about 2^23 / 255
			p[0] = uint8(uint32(p[0]) * m >> 23)
			p[1] = uint8(uint32(p[1]) * m >> 23)
			p[2] = uint8(uint32(p[2]) * m >> 23)
		}
	}
}

// gifFrames counts the image descriptors of a GIF by walking its block
// structure, skipping sub-blocks, without decoding anything. It stops at the
// trailer, at the end of the data or at the first malformed block, and
// returns the frames found so far.
func gifFrames(data []byte) int {
	const screenEnd = 13 // signature (6) and logical screen descriptor (7)
	if len(data) < screenEnd {
		return 0
	}
	i := screenEnd
	if flags := data[10]; flags&0x80 != 0 {
		i += 3 << (flags&7 + 1) // global colour table
	}
	// skipSubBlocks returns the offset after the sub-blocks at j and their
	// terminator, or -1 when the data ends first.
	skipSubBlocks := func(j int) int {
		for j < len(data) {
			n := int(data[j])
			j++
			if n == 0 {
				return j
			}
			j += n
		}
		return -1
	}
	frames := 0
	for i < len(data) {
		switch data[i] {
		case 0x21: // extension: introducer, label, sub-blocks
			if i = skipSubBlocks(i + 2); i < 0 {
				return frames
			}
		case 0x2c: // image descriptor (10 bytes), colour table, LZW size, sub-blocks
			if i+10 > len(data) {
				return frames
			}
			flags := data[i+9]
			i += 10
			if flags&0x80 != 0 {
				i += 3 << (flags&7 + 1)
			}
			if i = skipSubBlocks(i + 1); i < 0 {
				return frames
			}
			frames++
		default: // 0x3b trailer, or garbage
			return frames
		}
	}
	return frames
}

// decodeGIF decodes the first frame of a GIF. The result always covers the
// logical screen: a first frame that covers only part of it is placed on a
// transparent canvas of the screen's size.
func decodeGIF(data []byte) (image.Image, error) {
	cfg, err := gif.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	img, err := gif.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	screen := image.Rect(0, 0, cfg.Width, cfg.Height)
	p, ok := img.(*image.Paletted)
	if !ok || p.Rect == screen {
		return img, nil
	}
	canvas := image.NewNRGBA(screen)
	r := p.Rect.Intersect(screen)
	pal := paletteNRGBA(p.Palette)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		src := p.Pix[p.PixOffset(r.Min.X, y):p.PixOffset(r.Max.X, y)]
		dst := canvas.Pix[canvas.PixOffset(r.Min.X, y):]
		for i, ci := range src {
			if int(ci) < len(pal) {
				c := pal[ci]
				d := dst[i*4 : i*4+4 : i*4+4]
				d[0], d[1], d[2], d[3] = c.R, c.G, c.B, c.A
			}
		}
	}
	return canvas, nil
}
