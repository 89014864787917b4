package transform

import (
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"sync"
)

// EncodeOptions tunes [Encode]. A nil *EncodeOptions, and every zero field,
// means the default. EncodeOptions is a plain value, safe to share.
type EncodeOptions struct {
	// Quality is the lossy quality, 1..100, for JPEG, lossy WebP and
	// lossy AVIF; 0 means 75.
	Quality int
	// Lossless asks for lossless WebP or AVIF; other formats ignore it.
	Lossless bool
	// Colors is the palette size for GIF, 2..256; 0 means 256. One entry
	// is used for transparency when the image has transparent pixels.
	Colors int
	// Background is what transparent pixels are composited on when the
	// format has no alpha channel (JPEG); nil means white. Its own alpha
	// is ignored.
	Background color.Color
}

const defaultQuality = 75

// pngEncoder compresses with zlib's fastest level. For the photographs and
// renders Rendition serves, BestSpeed files are a few percent larger than
// the default level's and several times faster to write; PNG is then mostly
// chosen for its alpha channel and losslessness, not for its size. The
// buffer pool lets concurrent encodes reuse their compression state.
var pngEncoder = png.Encoder{CompressionLevel: png.BestSpeed, BufferPool: &pngBufferPool{}}

type pngBufferPool struct{ p sync.Pool }

func (b *pngBufferPool) Get() *png.EncoderBuffer {
	buf, _ := b.p.Get().(*png.EncoderBuffer)
	return buf
}

func (b *pngBufferPool) Put(buf *png.EncoderBuffer) { b.p.Put(buf) }

// Encode writes img to w in format f (JPEG, PNG, GIF, WebP or AVIF) with the
// options o (nil means the defaults). It never writes metadata: no EXIF, so
// no orientation tag, travels to the output. JPEG has no alpha channel: a
// non-opaque image is composited on o.Background. GIF is quantised to a
// palette of o.Colors with Floyd–Steinberg dithering, unless img is already
// an *image.Paletted that small. AVIF is slow to write, and the first AVIF
// encode in a process takes seconds more (see [WarmUpAVIF]).
//
// Encode returns an error for formats it cannot write (BMP, TIFF, "") and
// for an empty image or options out of range. It does not modify img and is
// safe for concurrent use.
func Encode(w io.Writer, img image.Image, f Format, o *EncodeOptions) error {
	var opt EncodeOptions
	if o != nil {
		opt = *o
	}
	if !f.CanEncode() && f != AVIF {
		return fmt.Errorf("transform: cannot encode format %q", f)
	}
	if opt.Quality == 0 {
		opt.Quality = defaultQuality
	}
	if opt.Quality < 1 || opt.Quality > 100 {
		return fmt.Errorf("transform: encode %s: quality %d out of range 1..100", f, opt.Quality)
	}
	if opt.Colors == 0 {
		opt.Colors = 256
	}
	if opt.Colors < 2 || opt.Colors > 256 {
		return fmt.Errorf("transform: encode %s: %d colours out of range 2..256", f, opt.Colors)
	}
	if img.Bounds().Empty() {
		return fmt.Errorf("transform: encode %s: empty image", f)
	}
	var err error
	switch f {
	case JPEG:
		err = encodeJPEG(w, img, opt)
	case PNG:
		err = encodePNG(w, img)
	case GIF:
		err = encodeGIF(w, img, opt)
	case WebP:
		err = encodeWebP(w, img, opt)
	case AVIF:
		err = encodeAVIF(w, img, opt)
	}
	if err != nil {
		return fmt.Errorf("transform: encode %s: %w", f, err)
	}
	return nil
}

// encodeJPEG feeds image/jpeg the types it converts without per-pixel
// interface calls: *image.YCbCr, *image.Gray and opaque *image.RGBA.
func encodeJPEG(w io.Writer, img image.Image, opt EncodeOptions) error {
	switch m := img.(type) {
	case *image.YCbCr, *image.Gray:
		// Used as they are.
	case *image.RGBA:
		if !m.Opaque() {
			img = flattenRGBA(m, opt.Background)
		}
	default:
		img = flattenRGBA(img, opt.Background)
	}
	return jpeg.Encode(w, img, &jpeg.Options{Quality: opt.Quality})
}

// encodePNG feeds image/png the types it has fast paths for.
func encodePNG(w io.Writer, img image.Image) error {
	switch m := img.(type) {
	case *image.YCbCr:
		img = ycbcrToRGBA(m)
	case *image.NYCbCrA:
		img = toNRGBA(m)
	}
	return pngEncoder.Encode(w, img)
}

// encodeGIF writes a single-frame GIF. A small enough *image.Paletted is
// written with its own palette; anything else is quantised first.
func encodeGIF(w io.Writer, img image.Image, opt EncodeOptions) error {
	p, ok := img.(*image.Paletted)
	switch {
	case !ok || len(p.Palette) > opt.Colors || len(p.Palette) == 0:
		p = quantize(img, opt.Colors)
	case p.Rect.Min != image.Point{}:
		// image/gif puts the frame at its bounds' offset, on a screen of
		// its size: move it to the origin, sharing the pixels.
		p = &image.Paletted{Pix: p.Pix, Stride: p.Stride, Rect: p.Rect.Sub(p.Rect.Min), Palette: p.Palette}
	}
	return gif.Encode(w, p, &gif.Options{NumColors: 256})
}

// encodeWebP hands libwebp (webp_cgo.go or webp_nocgo.go) an *image.RGBA or
// *image.Gray, the types it takes without converting pixel by pixel. libwebp
// takes RGBA with straight (not premultiplied) alpha, so a non-opaque image
// is given as an *image.RGBA whose Pix holds NRGBA values.
func encodeWebP(w io.Writer, img image.Image, opt EncodeOptions) error {
	var m image.Image
	switch s := img.(type) {
	case *image.Gray:
		m = s
	case *image.RGBA:
		if s.Opaque() {
			m = s
		} else {
			m = straightRGBA(toNRGBA(s))
		}
	case *image.NRGBA:
		m = straightRGBA(s)
	case *image.YCbCr:
		m = ycbcrToRGBA(s)
	default:
		m = straightRGBA(toNRGBA(img))
	}
	return encodeWebPLib(w, m, opt)
}

// straightRGBA returns an *image.RGBA sharing m's pixels, for encoders that
// read RGBA bytes as straight alpha.
func straightRGBA(m *image.NRGBA) *image.RGBA {
	return &image.RGBA{Pix: m.Pix, Stride: m.Stride, Rect: m.Rect}
}

// ycbcrToRGBA converts m to an opaque *image.RGBA with bounds starting at
// (0, 0).
func ycbcrToRGBA(m *image.YCbCr) *image.RGBA {
	b := m.Rect
	d := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	for y := b.Min.Y; y < b.Max.Y; y++ {
		row := d.Pix[(y-b.Min.Y)*d.Stride : (y-b.Min.Y)*d.Stride+b.Dx()*4]
		yi := m.YOffset(b.Min.X, y)
		for x := b.Min.X; x < b.Max.X; x++ {
			ci := m.COffset(x, y)
			r, g, bb := color.YCbCrToRGB(m.Y[yi], m.Cb[ci], m.Cr[ci])
			p := row[:4:4]
			p[0], p[1], p[2], p[3] = r, g, bb, 0xff
			row = row[4:]
			yi++
		}
	}
	return d
}

// toNRGBA returns img as an *image.NRGBA with bounds starting at (0, 0),
// converting it; an *image.NRGBA already at (0, 0) is returned as is.
func toNRGBA(img image.Image) *image.NRGBA {
	b := img.Bounds()
	if m, ok := img.(*image.NRGBA); ok && b.Min == (image.Point{}) {
		return m
	}
	w, h := b.Dx(), b.Dy()
	d := image.NewNRGBA(image.Rect(0, 0, w, h))
	switch m := img.(type) {
	case *image.NRGBA:
		for y := 0; y < h; y++ {
			copy(d.Pix[y*d.Stride:y*d.Stride+w*4], m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):])
		}
	case *image.RGBA:
		for y := 0; y < h; y++ {
			src := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):][: w*4 : w*4]
			dst := d.Pix[y*d.Stride:][: w*4 : w*4]
			for i := 0; i < len(src); i += 4 {
				s, t := src[i:i+4:i+4], dst[i:i+4:i+4]
				switch a := uint32(s[3]); a {
				case 0xff:
					copy(t, s)
				case 0:
					t[0], t[1], t[2], t[3] = 0, 0, 0, 0
				default:
					t[0] = uint8((uint32(s[0])*0xff + a/2) / a)
					t[1] = uint8((uint32(s[1])*0xff + a/2) / a)
					t[2] = uint8((uint32(s[2])*0xff + a/2) / a)
					t[3] = s[3]
				}
			}
		}
	case *image.YCbCr:
		for y := 0; y < h; y++ {
			dst := d.Pix[y*d.Stride:]
			yi := m.YOffset(b.Min.X, b.Min.Y+y)
			for x := 0; x < w; x++ {
				ci := m.COffset(b.Min.X+x, b.Min.Y+y)
				r, g, bb := color.YCbCrToRGB(m.Y[yi+x], m.Cb[ci], m.Cr[ci])
				t := dst[x*4 : x*4+4 : x*4+4]
				t[0], t[1], t[2], t[3] = r, g, bb, 0xff
			}
		}
	case *image.NYCbCrA:
		for y := 0; y < h; y++ {
			dst := d.Pix[y*d.Stride:]
			yi := m.YOffset(b.Min.X, b.Min.Y+y)
			ai := m.AOffset(b.Min.X, b.Min.Y+y)
			for x := 0; x < w; x++ {
				ci := m.COffset(b.Min.X+x, b.Min.Y+y)
				r, g, bb := color.YCbCrToRGB(m.Y[yi+x], m.Cb[ci], m.Cr[ci])
				t := dst[x*4 : x*4+4 : x*4+4]
				t[0], t[1], t[2], t[3] = r, g, bb, m.A[ai+x]
			}
		}
	case *image.Gray:
		for y := 0; y < h; y++ {
			src := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):][:w]
			dst := d.Pix[y*d.Stride:]
			for x, v := range src {
				t := dst[x*4 : x*4+4 : x*4+4]
				t[0], t[1], t[2], t[3] = v, v, v, 0xff
			}
		}
	case *image.CMYK:
		for y := 0; y < h; y++ {
			src := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):][: w*4 : w*4]
			dst := d.Pix[y*d.Stride:][: w*4 : w*4]
			for i := 0; i < len(src); i += 4 {
				s, t := src[i:i+4:i+4], dst[i:i+4:i+4]
				t[0], t[1], t[2] = color.CMYKToRGB(s[0], s[1], s[2], s[3])
				t[3] = 0xff
			}
		}
	case *image.Gray16:
		for y := 0; y < h; y++ {
			src := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):][: w*2 : w*2]
			dst := d.Pix[y*d.Stride:][: w*4 : w*4]
			for x := 0; x < w; x++ {
				v := src[x*2] // the high byte
				t := dst[x*4 : x*4+4 : x*4+4]
				t[0], t[1], t[2], t[3] = v, v, v, 0xff
			}
		}
	case *image.NRGBA64:
		for y := 0; y < h; y++ {
			src := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):][: w*8 : w*8]
			dst := d.Pix[y*d.Stride:][: w*4 : w*4]
			for x := 0; x < w; x++ {
				s, t := src[x*8:x*8+8:x*8+8], dst[x*4:x*4+4:x*4+4]
				t[0], t[1], t[2], t[3] = s[0], s[2], s[4], s[6]
			}
		}
	case *image.RGBA64:
		for y := 0; y < h; y++ {
			src := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):][: w*8 : w*8]
			dst := d.Pix[y*d.Stride:][: w*4 : w*4]
			for x := 0; x < w; x++ {
				s, t := src[x*8:x*8+8:x*8+8], dst[x*4:x*4+4:x*4+4]
				a := uint32(s[6])<<8 | uint32(s[7])
				if a == 0 {
					t[0], t[1], t[2], t[3] = 0, 0, 0, 0
					continue
				}
				for k := range 3 { // as color.NRGBAModel does
					v := uint32(s[2*k])<<8 | uint32(s[2*k+1])
					t[k] = uint8(min(v*0xffff/a, 0xffff) >> 8)
				}
				t[3] = s[6]
			}
		}
	case *image.Paletted:
		pal := paletteNRGBA(m.Palette)
		for y := 0; y < h; y++ {
			src := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):][:w]
			dst := d.Pix[y*d.Stride:]
			for x, ci := range src {
				var c color.NRGBA
				if int(ci) < len(pal) {
					c = pal[ci]
				}
				t := dst[x*4 : x*4+4 : x*4+4]
				t[0], t[1], t[2], t[3] = c.R, c.G, c.B, c.A
			}
		}
	default:
		for y := 0; y < h; y++ {
			dst := d.Pix[y*d.Stride:]
			for x := 0; x < w; x++ {
				c := color.NRGBAModel.Convert(img.At(b.Min.X+x, b.Min.Y+y)).(color.NRGBA)
				t := dst[x*4 : x*4+4 : x*4+4]
				t[0], t[1], t[2], t[3] = c.R, c.G, c.B, c.A
			}
		}
	}
	return d
}

// paletteNRGBA converts a palette to straight-alpha colours, for lookups.
func paletteNRGBA(p color.Palette) []color.NRGBA {
	out := make([]color.NRGBA, len(p))
	for i, c := range p {
		if c != nil {
			out[i] = color.NRGBAModel.Convert(c).(color.NRGBA)
		}
	}
	return out
}

// flattenRGBA returns an opaque *image.RGBA with bounds starting at (0, 0):
// img composited on the colour bg (nil means white).
func flattenRGBA(img image.Image, bg color.Color) *image.RGBA {
	if m, ok := img.(*image.YCbCr); ok {
		return ycbcrToRGBA(m)
	}
	if bg == nil {
		bg = color.White
	}
	c := color.NRGBAModel.Convert(bg).(color.NRGBA)
	bgc := [3]uint32{uint32(c.R), uint32(c.G), uint32(c.B)}
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	d := image.NewRGBA(image.Rect(0, 0, w, h))
	if m, ok := img.(*image.RGBA); ok {
		// Premultiplied: out = src + bg*(1-alpha).
		for y := 0; y < h; y++ {
			src := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):][: w*4 : w*4]
			dst := d.Pix[y*d.Stride:][: w*4 : w*4]
			for i := 0; i < len(src); i += 4 {
				s, t := src[i:i+4:i+4], dst[i:i+4:i+4]
				ia := 0xff - uint32(s[3])
				for k := range 3 {
					t[k] = uint8(min(uint32(s[k])+(bgc[k]*ia+0x7f)/0xff, 0xff))
				}
				t[3] = 0xff
			}
		}
		return d
	}
	n := toNRGBA(img) // bounds at (0, 0)
	for y := 0; y < h; y++ {
		src := n.Pix[y*n.Stride:][: w*4 : w*4]
		dst := d.Pix[y*d.Stride:][: w*4 : w*4]
		for i := 0; i < len(src); i += 4 {
			s, t := src[i:i+4:i+4], dst[i:i+4:i+4]
			switch a := uint32(s[3]); a {
			case 0xff:
				t[0], t[1], t[2] = s[0], s[1], s[2]
			case 0:
				t[0], t[1], t[2] = uint8(bgc[0]), uint8(bgc[1]), uint8(bgc[2])
			default:
				ia := 0xff - a
				for k := range 3 {
					t[k] = uint8((uint32(s[k])*a + bgc[k]*ia + 0x7f) / 0xff)
				}
			}
			t[3] = 0xff
		}
	}
	return d
}
