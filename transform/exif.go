package transform

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
)

// This file reads the EXIF Orientation tag (0x0112) from the places the
// formats keep EXIF data, and rotates or flips pixels upright. Every read is
// bounds-checked: malformed metadata means orientation 1, never a panic.

const (
	tagOrientation = 0x0112
	exifHeader     = "Exif\x00\x00"
	// maxIFDEntries bounds the work spent on one IFD; real files have a
	// few dozen entries.
	maxIFDEntries = 1024
)

// readOrientation returns the EXIF orientation, 1..8, stored in data of format
// f, or 1 when there is none or it cannot be read.
func readOrientation(f Format, data []byte) int {
	var tiff []byte
	switch f {
	case JPEG:
		tiff = jpegEXIF(data)
	case PNG:
		tiff = pngEXIF(data)
	case WebP:
		tiff = webpEXIF(data)
	case TIFF:
		tiff = data
	}
	if tiff == nil {
		return 1
	}
	return tiffOrientation(tiff)
}

// jpegEXIF returns the TIFF structure in the first APP1 "Exif" segment of a
// JPEG, walking the markers up to the start of scan.
func jpegEXIF(data []byte) []byte {
	if len(data) < 2 || data[0] != 0xff || data[1] != 0xd8 {
		return nil
	}
	i := 2
	for i+1 < len(data) {
		if data[i] != 0xff {
			return nil
		}
		marker := data[i+1]
		i += 2
		switch {
		case marker == 0xff: // fill byte: the marker follows
			i--
			continue
		case marker == 0x01 || (marker >= 0xd0 && marker <= 0xd7):
			continue // standalone markers carry no length
		case marker == 0xd9 || marker == 0xda: // EOI, SOS
			return nil
		}
		if i+2 > len(data) {
			return nil
		}
		n := int(binary.BigEndian.Uint16(data[i:]))
		if n < 2 || i+n > len(data) {
			return nil
		}
		seg := data[i+2 : i+n]
		i += n
		if marker == 0xe1 && bytes.HasPrefix(seg, []byte(exifHeader)) {
			return seg[len(exifHeader):]
		}
	}
	return nil
}

// pngEXIF returns the contents of a PNG's eXIf chunk.
func pngEXIF(data []byte) []byte {
	const sig = "\x89PNG\r\n\x1a\n"
	if !bytes.HasPrefix(data, []byte(sig)) {
		return nil
	}
	for i := len(sig); i+8 <= len(data); {
		n := binary.BigEndian.Uint32(data[i:])
		typ := string(data[i+4 : i+8])
		i += 8
		if uint64(n) > uint64(len(data)-i) {
			return nil
		}
		switch typ {
		case "eXIf":
			return trimExifHeader(data[i : i+int(n)])
		case "IEND":
			return nil
		}
		i += int(n) + 4 // data and CRC
	}
	return nil
}

// webpEXIF returns the contents of a WebP's EXIF chunk.
func webpEXIF(data []byte) []byte {
	if len(data) < 12 || string(data[:4]) != "RIFF" || string(data[8:12]) != "WEBP" {
		return nil
	}
	for i := 12; i+8 <= len(data); {
		n := binary.LittleEndian.Uint32(data[i+4:])
		id := string(data[i : i+4])
		i += 8
		if uint64(n) > uint64(len(data)-i) {
			return nil
		}
		if id == "EXIF" {
			return trimExifHeader(data[i : i+int(n)])
		}
		i += int(n) + int(n&1) // chunks are padded to an even size
	}
	return nil
}

// trimExifHeader drops the "Exif\0\0" prefix that some writers put before
// the TIFF structure in PNG and WebP, where the specifications have none.
func trimExifHeader(b []byte) []byte {
	return bytes.TrimPrefix(b, []byte(exifHeader))
}

// tiffOrientation returns the Orientation tag of IFD0 of a TIFF structure,
// or 1.
func tiffOrientation(b []byte) int {
	if len(b) < 8 {
		return 1
	}
	var bo binary.ByteOrder
	switch string(b[:4]) {
	case "II*\x00":
		bo = binary.LittleEndian
	case "MM\x00*":
		bo = binary.BigEndian
	default:
		return 1
	}
	off := uint64(bo.Uint32(b[4:]))
	if off+2 > uint64(len(b)) {
		return 1
	}
	n := int(bo.Uint16(b[off:]))
	entries := b[off+2:]
	for k := 0; k < n && k < maxIFDEntries && len(entries) >= 12; k++ {
		e := entries[:12]
		entries = entries[12:]
		if bo.Uint16(e) != tagOrientation || bo.Uint32(e[4:]) != 1 {
			continue
		}
		var v uint32
		switch bo.Uint16(e[2:]) { // field type; the value fits in the entry
		case 3: // SHORT
			v = uint32(bo.Uint16(e[8:]))
		case 4: // LONG
			v = bo.Uint32(e[8:])
		}
		if v < 1 || v > 8 {
			return 1
		}
		return int(v)
	}
	return 1
}

// Orient returns img turned upright according to the EXIF orientation value
// (1..8): 2 mirrors it left to right, 3 turns it 180°, 4 mirrors it top to
// bottom, 5 transposes it, 6 turns it 90° clockwise, 7 transverses it and 8
// turns it 90° counter-clockwise. For 1 and any other value img is returned
// unchanged. Otherwise Orient returns a new image whose bounds start at
// (0, 0), of the same type as img for the standard image types. The planes
// of an *image.YCbCr or *image.NYCbCrA are turned separately when their
// subsampling allows it exactly; when it does not (4:1:1, or odd sides with
// subsampled chroma) they become an *image.RGBA or *image.NRGBA. Other types
// become an *image.RGBA64. img is never modified. Orient is safe for
// concurrent use.
func Orient(img image.Image, orientation int) image.Image {
	return orient(img, orientation, nil)
}

// orient is Orient, abandoned part way when check (if not nil) fails: a
// caller that passes a check must call it again and drop the result if it
// fails, as it keeps failing once it has.
func orient(img image.Image, orientation int, check func() error) image.Image {
	if orientation < 2 || orientation > 8 {
		return img
	}
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	dw, dh := w, h
	if orientation >= 5 {
		dw, dh = h, w
	}
	dr := image.Rect(0, 0, dw, dh)
	switch m := img.(type) {
	case *image.RGBA:
		d := image.NewRGBA(dr)
		orientPix(d.Pix, d.Stride, m.Pix[m.PixOffset(b.Min.X, b.Min.Y):], m.Stride, w, h, 4, orientation, check)
		return d
	case *image.NRGBA:
		d := image.NewNRGBA(dr)
		orientPix(d.Pix, d.Stride, m.Pix[m.PixOffset(b.Min.X, b.Min.Y):], m.Stride, w, h, 4, orientation, check)
		return d
	case *image.Gray:
		d := image.NewGray(dr)
		orientPix(d.Pix, d.Stride, m.Pix[m.PixOffset(b.Min.X, b.Min.Y):], m.Stride, w, h, 1, orientation, check)
		return d
	case *image.Alpha:
		d := image.NewAlpha(dr)
		orientPix(d.Pix, d.Stride, m.Pix[m.PixOffset(b.Min.X, b.Min.Y):], m.Stride, w, h, 1, orientation, check)
		return d
	case *image.Paletted:
		d := image.NewPaletted(dr, append(color.Palette(nil), m.Palette...))
		orientPix(d.Pix, d.Stride, m.Pix[m.PixOffset(b.Min.X, b.Min.Y):], m.Stride, w, h, 1, orientation, check)
		return d
	case *image.CMYK:
		d := image.NewCMYK(dr)
		orientPix(d.Pix, d.Stride, m.Pix[m.PixOffset(b.Min.X, b.Min.Y):], m.Stride, w, h, 4, orientation, check)
		return d
	case *image.Gray16:
		d := image.NewGray16(dr)
		orientPix(d.Pix, d.Stride, m.Pix[m.PixOffset(b.Min.X, b.Min.Y):], m.Stride, w, h, 2, orientation, check)
		return d
	case *image.RGBA64:
		d := image.NewRGBA64(dr)
		orientPix(d.Pix, d.Stride, m.Pix[m.PixOffset(b.Min.X, b.Min.Y):], m.Stride, w, h, 8, orientation, check)
		return d
	case *image.NRGBA64:
		d := image.NewNRGBA64(dr)
		orientPix(d.Pix, d.Stride, m.Pix[m.PixOffset(b.Min.X, b.Min.Y):], m.Stride, w, h, 8, orientation, check)
		return d
	case *image.YCbCr:
		if d := orientYCbCr(m, orientation, check); d != nil {
			return d
		}
		return orientYCbCrToRGBA(m, orientation, check)
	case *image.NYCbCrA:
		d := orientYCbCr(&m.YCbCr, orientation, check)
		if d == nil {
			return orient(toNRGBA(m), orientation, check)
		}
		a := image.NewAlpha(d.Rect)
		orientPix(a.Pix, a.Stride, m.A[m.AOffset(b.Min.X, b.Min.Y):], m.AStride, w, h, 1, orientation, check)
		return &image.NYCbCrA{YCbCr: *d, A: a.Pix, AStride: a.Stride}
	}
	// Any other type: copy it once into RGBA64, which keeps every bit of
	// every colour model, then turn that.
	src := image.NewRGBA64(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		row := src.Pix[y*src.Stride:]
		for x := 0; x < w; x++ {
			c := color.RGBA64Model.Convert(img.At(b.Min.X+x, b.Min.Y+y)).(color.RGBA64)
			p := row[x*8 : x*8+8 : x*8+8]
			p[0], p[1] = uint8(c.R>>8), uint8(c.R)
			p[2], p[3] = uint8(c.G>>8), uint8(c.G)
			p[4], p[5] = uint8(c.B>>8), uint8(c.B)
			p[6], p[7] = uint8(c.A>>8), uint8(c.A)
		}
	}
	return orient(src, orientation, check)
}

// orientYCbCr turns the three planes of m separately, or returns nil when the
// chroma subsampling does not map onto a standard ratio exactly: 4:1:1 and
// 4:1:0 when transposing, and odd or odd-aligned sides that a flip would
// shift by half a chroma sample.
func orientYCbCr(m *image.YCbCr, orientation int, check func() error) *image.YCbCr {
	b := m.Rect
	transpose := orientation >= 5
	var sx, sy int // horizontal and vertical chroma subsampling
	switch m.SubsampleRatio {
	case image.YCbCrSubsampleRatio444:
		sx, sy = 1, 1
	case image.YCbCrSubsampleRatio422:
		sx, sy = 2, 1
	case image.YCbCrSubsampleRatio420:
		sx, sy = 2, 2
	case image.YCbCrSubsampleRatio440:
		sx, sy = 1, 2
	default:
		return nil
	}
	if (sx == 2 && (b.Min.X%2 != 0 || b.Dx()%2 != 0)) || (sy == 2 && (b.Min.Y%2 != 0 || b.Dy()%2 != 0)) {
		return nil
	}
	w, h := b.Dx(), b.Dy()
	dw, dh, ratio := w, h, m.SubsampleRatio
	if transpose {
		dw, dh = h, w
		switch ratio {
		case image.YCbCrSubsampleRatio422:
			ratio = image.YCbCrSubsampleRatio440
		case image.YCbCrSubsampleRatio440:
			ratio = image.YCbCrSubsampleRatio422
		}
	}
	d := image.NewYCbCr(image.Rect(0, 0, dw, dh), ratio)
	orientPix(d.Y, d.YStride, m.Y[m.YOffset(b.Min.X, b.Min.Y):], m.YStride, w, h, 1, orientation, check)
	co := m.COffset(b.Min.X, b.Min.Y)
	cw, ch := w/sx, h/sy
	orientPix(d.Cb, d.CStride, m.Cb[co:], m.CStride, cw, ch, 1, orientation, check)
	orientPix(d.Cr, d.CStride, m.Cr[co:], m.CStride, cw, ch, 1, orientation, check)
	return d
}

// orientYCbCrToRGBA turns m and converts it to RGBA in one pass, for the
// subsamplings whose planes cannot be turned exactly.
func orientYCbCrToRGBA(m *image.YCbCr, o int, check func() error) *image.RGBA {
	b := m.Rect
	w, h := b.Dx(), b.Dy()
	dw, dh := w, h
	if o >= 5 {
		dw, dh = h, w
	}
	d := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for y := 0; y < dh; y++ {
		if y%checkRows == 0 && check != nil && check() != nil {
			break
		}
		row := d.Pix[y*d.Stride : y*d.Stride+dw*4]
		for x := 0; x < dw; x++ {
			sx, sy := storedPoint(o, w, h, x, y)
			sx, sy = sx+b.Min.X, sy+b.Min.Y
			ci := m.COffset(sx, sy)
			r, g, bb := color.YCbCrToRGB(m.Y[m.YOffset(sx, sy)], m.Cb[ci], m.Cr[ci])
			p := row[x*4 : x*4+4 : x*4+4]
			p[0], p[1], p[2], p[3] = r, g, bb, 0xff
		}
	}
	return d
}

// storedPoint returns the pixel of a stored w x h image that lands at (x, y)
// once it is turned by the EXIF orientation o.
func storedPoint(o, w, h, x, y int) (int, int) {
	switch o {
	case 2:
		return w - 1 - x, y
	case 3:
		return w - 1 - x, h - 1 - y
	case 4:
		return x, h - 1 - y
	case 5:
		return y, x
	case 6:
		return y, h - 1 - x
	case 7:
		return w - 1 - y, h - 1 - x
	case 8:
		return w - 1 - y, x
	}
	return x, y
}

// orientPix writes the w x h pixels of src, bpp bytes each, turned by the EXIF
// orientation o (2..8) into dst. src starts at the first pixel; dst holds the
// turned image (h x w when o transposes).
// It stops part way when check (if not nil) fails.
func orientPix(dst []byte, dstStride int, src []byte, srcStride, w, h, bpp, o int, check func() error) {
	if w == 0 || h == 0 {
		return
	}
	// For each orientation: the source pixel that lands at destination
	// (0, 0), and the source steps, in bytes, that follow one step right
	// (dx) and one step down (dy) in the destination.
	right, left := bpp, -bpp
	down, up := srcStride, -srcStride
	lastX, lastY := (w-1)*bpp, (h-1)*srcStride
	var start, dx, dy int
	switch o {
	case 2:
		start, dx, dy = lastX, left, down
	case 3:
		start, dx, dy = lastX+lastY, left, up
	case 4:
		start, dx, dy = lastY, right, up
	case 5:
		start, dx, dy = 0, down, right
	case 6:
		start, dx, dy = lastY, up, right
	case 7:
		start, dx, dy = lastX+lastY, up, left
	case 8:
		start, dx, dy = lastX, down, left
	default:
		start, dx, dy = 0, right, down
	}
	dw, dh := w, h
	if o >= 5 {
		dw, dh = h, w
	}
	// Work in square tiles so that the column-wise reads of a transposition
	// stay in cache.
	const tile = 64
	for ty := 0; ty < dh; ty += tile {
		if check != nil && check() != nil {
			return
		}
		yEnd := min(ty+tile, dh)
		for tx := 0; tx < dw; tx += tile {
			xEnd := min(tx+tile, dw)
			for y := ty; y < yEnd; y++ {
				d := dst[y*dstStride+tx*bpp : y*dstStride+xEnd*bpp]
				s := start + y*dy + tx*dx
				switch bpp {
				case 1:
					for i := range d {
						d[i] = src[s]
						s += dx
					}
				case 4:
					for i := 0; i+4 <= len(d); i += 4 {
						copy(d[i:i+4], src[s:s+4])
						s += dx
					}
				default:
					for i := 0; i+bpp <= len(d); i += bpp {
						copy(d[i:i+bpp], src[s:s+bpp])
						s += dx
					}
				}
			}
		}
	}
}
