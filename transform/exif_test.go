package transform

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"os"
	"testing"
)

func TestOrientLayouts(t *testing.T) {
	// The stored image is
	//	a b c
	//	d e f
	// with a..f = 1..6.
	src := image.NewGray(image.Rect(0, 0, 3, 2))
	copy(src.Pix, []byte{1, 2, 3, 4, 5, 6})
	tests := []struct {
		o    int
		w, h int
		want []byte
	}{
		{1, 3, 2, []byte{1, 2, 3, 4, 5, 6}},
		{2, 3, 2, []byte{3, 2, 1, 6, 5, 4}},       // mirrored
		{3, 3, 2, []byte{6, 5, 4, 3, 2, 1}},       // 180°
		{4, 3, 2, []byte{4, 5, 6, 1, 2, 3}},       // flipped
		{5, 2, 3, []byte{1, 4, 2, 5, 3, 6}},       // transposed
		{6, 2, 3, []byte{4, 1, 5, 2, 6, 3}},       // 90° clockwise
		{7, 2, 3, []byte{6, 3, 5, 2, 4, 1}},       // transversed
		{8, 2, 3, []byte{3, 6, 2, 5, 1, 4}},       // 90° counter-clockwise
		{0, 3, 2, []byte{1, 2, 3, 4, 5, 6}},       // invalid: unchanged
		{9, 3, 2, []byte{1, 2, 3, 4, 5, 6}},       // invalid: unchanged
		{-1, 3, 2, []byte{1, 2, 3, 4, 5, 6}},      // invalid: unchanged
		{1 << 20, 3, 2, []byte{1, 2, 3, 4, 5, 6}}, // invalid: unchanged
	}
	for _, tt := range tests {
		got, ok := Orient(src, tt.o).(*image.Gray)
		if !ok {
			t.Fatalf("Orient(gray, %d) returned %T", tt.o, got)
		}
		if got.Rect != image.Rect(0, 0, tt.w, tt.h) {
			t.Errorf("Orient(gray, %d) bounds %v, want %dx%d", tt.o, got.Rect, tt.w, tt.h)
			continue
		}
		var pix []byte
		for y := 0; y < tt.h; y++ {
			pix = append(pix, got.Pix[y*got.Stride:y*got.Stride+tt.w]...)
		}
		if !bytes.Equal(pix, tt.want) {
			t.Errorf("Orient(gray, %d) = %v, want %v", tt.o, pix, tt.want)
		}
		// The reference mapping used by the other tests agrees.
		for y := 0; y < tt.h; y++ {
			for x := 0; x < tt.w; x++ {
				sx, sy := storedPoint(tt.o, 3, 2, x, y)
				if v := src.Pix[sy*3+sx]; v != tt.want[y*tt.w+x] {
					t.Errorf("storedPoint(%d) puts %d at (%d,%d), want %d", tt.o, v, x, y, tt.want[y*tt.w+x])
				}
			}
		}
	}
	if got := Orient(src, 1); got != image.Image(src) {
		t.Error("Orient(img, 1) did not return img itself")
	}
}

// patternColor is a distinct colour for each (x, y) of a small image, far
// enough from its neighbours that rounding cannot confuse them.
func patternColor(x, y int) color.NRGBA {
	return color.NRGBA{uint8(20 + 37*x), uint8(30 + 41*y), uint8(200 - 23*x - 11*y), uint8(255 - 13*x - 7*y)}
}

// patternImages returns the same w x h pattern in many image types, each
// with bounds starting at (3, 5) so that offsets are exercised.
func patternImages(w, h int) map[string]image.Image {
	r := image.Rect(3, 5, 3+w, 5+h)
	set := func(m interface{ Set(x, y int, c color.Color) }) {
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				m.Set(r.Min.X+x, r.Min.Y+y, patternColor(x, y))
			}
		}
	}
	rgba, nrgba := image.NewRGBA(r), image.NewNRGBA(r)
	gray, gray16 := image.NewGray(r), image.NewGray16(r)
	rgba64, nrgba64 := image.NewRGBA64(r), image.NewNRGBA64(r)
	cmyk, alpha := image.NewCMYK(r), image.NewAlpha(r)
	pal := make(color.Palette, 0, w*h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			pal = append(pal, patternColor(x, y))
		}
	}
	paletted := image.NewPaletted(r, pal)
	for _, m := range []interface{ Set(x, y int, c color.Color) }{rgba, nrgba, gray, gray16, rgba64, nrgba64, cmyk, alpha, paletted} {
		set(m)
	}
	imgs := map[string]image.Image{
		"RGBA": rgba, "NRGBA": nrgba, "Gray": gray, "Gray16": gray16, "RGBA64": rgba64,
		"NRGBA64": nrgba64, "CMYK": cmyk, "Alpha": alpha, "Paletted": paletted,
		"other": struct{ *image.NRGBA }{nrgba}, // a type Orient does not know
	}
	for _, ratio := range []image.YCbCrSubsampleRatio{
		image.YCbCrSubsampleRatio444, image.YCbCrSubsampleRatio422, image.YCbCrSubsampleRatio420,
		image.YCbCrSubsampleRatio440, image.YCbCrSubsampleRatio411, image.YCbCrSubsampleRatio410,
	} {
		// Rectangles at even coordinates, as decoders produce.
		re := image.Rect(4, 6, 4+w, 6+h)
		ycc := image.NewYCbCr(re, ratio)
		nycca := image.NewNYCbCrA(re, ratio)
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				c := patternColor(x, y)
				yy, cb, cr := color.RGBToYCbCr(c.R, c.G, c.B)
				ycc.Y[ycc.YOffset(re.Min.X+x, re.Min.Y+y)] = yy
				ycc.Cb[ycc.COffset(re.Min.X+x, re.Min.Y+y)] = cb
				ycc.Cr[ycc.COffset(re.Min.X+x, re.Min.Y+y)] = cr
				nycca.Y[nycca.YOffset(re.Min.X+x, re.Min.Y+y)] = yy
				nycca.Cb[nycca.COffset(re.Min.X+x, re.Min.Y+y)] = cb
				nycca.Cr[nycca.COffset(re.Min.X+x, re.Min.Y+y)] = cr
				nycca.A[nycca.AOffset(re.Min.X+x, re.Min.Y+y)] = c.A
			}
		}
		imgs["YCbCr"+ratio.String()] = ycc
		imgs["NYCbCrA"+ratio.String()] = nycca
	}
	return imgs
}

// sameColor reports whether two colours agree within tol in 8-bit straight
// alpha.
func sameColor(a, b color.Color, tol int) bool {
	ca := color.NRGBAModel.Convert(a).(color.NRGBA)
	cb := color.NRGBAModel.Convert(b).(color.NRGBA)
	if ca.A == 0 && cb.A == 0 {
		return true
	}
	d := func(x, y uint8) bool { return testAbs(int(x)-int(y)) <= tol }
	return d(ca.R, cb.R) && d(ca.G, cb.G) && d(ca.B, cb.B) && d(ca.A, cb.A)
}

func testAbs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

func TestOrientTypes(t *testing.T) {
	// Even sides take the plane-by-plane path for subsampled YCbCr, odd
	// sides the conversion to RGBA.
	for _, size := range []image.Point{{6, 4}, {5, 3}} {
		for name, src := range patternImages(size.X, size.Y) {
			b := src.Bounds()
			for o := 1; o <= 8; o++ {
				got := Orient(src, o)
				want := image.Pt(size.X, size.Y)
				if o >= 5 {
					want = image.Pt(size.Y, size.X)
				}
				if o > 1 && got.Bounds() != (image.Rectangle{Max: want}) {
					t.Errorf("%s %v orientation %d: bounds %v, want (0,0)-%v", name, size, o, got.Bounds(), want)
					continue
				}
				// Subsampled chroma is shared between pixels, so
				// compare the luma-dominated colour loosely there.
				tol := 0
				if _, ok := src.(*image.YCbCr); ok {
					tol = 1
				}
				if _, ok := src.(*image.NYCbCrA); ok {
					tol = 2
				}
				gb := got.Bounds()
				for y := 0; y < gb.Dy(); y++ {
					for x := 0; x < gb.Dx(); x++ {
						sx, sy := storedPoint(o, size.X, size.Y, x, y)
						g := got.At(gb.Min.X+x, gb.Min.Y+y)
						s := src.At(b.Min.X+sx, b.Min.Y+sy)
						if !sameColor(g, s, tol) {
							t.Fatalf("%s %v orientation %d: (%d,%d) = %v, want %v from (%d,%d)", name, size, o, x, y, g, s, sx, sy)
						}
					}
				}
			}
		}
	}
}

func TestOrientKeepsTypes(t *testing.T) {
	for name, src := range patternImages(6, 4) {
		want := fmt.Sprintf("%T", src)
		switch m := src.(type) {
		case *image.YCbCr:
			if r := m.SubsampleRatio; r == image.YCbCrSubsampleRatio411 || r == image.YCbCrSubsampleRatio410 {
				want = "*image.RGBA" // no transposed counterpart
			}
		case *image.NYCbCrA:
			if r := m.SubsampleRatio; r == image.YCbCrSubsampleRatio411 || r == image.YCbCrSubsampleRatio410 {
				want = "*image.NRGBA"
			}
		case struct{ *image.NRGBA }:
			want = "*image.RGBA64"
		}
		if got := fmt.Sprintf("%T", Orient(src, 6)); got != want {
			t.Errorf("Orient(%s, 6) returned %s, want %s", name, got, want)
		}
	}
	ycc := image.NewYCbCr(image.Rect(0, 0, 4, 2), image.YCbCrSubsampleRatio422)
	if got := Orient(ycc, 8).(*image.YCbCr).SubsampleRatio; got != image.YCbCrSubsampleRatio440 {
		t.Errorf("transposed 4:2:2 has ratio %v, want 4:4:0", got)
	}
}

// tiffBlock builds a TIFF structure whose IFD0 holds an unrelated tag and
// then the Orientation tag with value v, of field type typ.
func tiffBlock(bo interface {
	binary.ByteOrder
	binary.AppendByteOrder
}, typ uint16, v uint32) []byte {
	var b []byte
	if bo == binary.LittleEndian {
		b = append(b, "II*\x00"...)
	} else {
		b = append(b, "MM\x00*"...)
	}
	b = bo.AppendUint32(b, 8)
	b = bo.AppendUint16(b, 2) // entries
	// ImageWidth, LONG, 1, 640
	b = bo.AppendUint16(b, 0x0100)
	b = bo.AppendUint16(b, 4)
	b = bo.AppendUint32(b, 1)
	b = bo.AppendUint32(b, 640)
	b = bo.AppendUint16(b, tagOrientation)
	b = bo.AppendUint16(b, typ)
	b = bo.AppendUint32(b, 1)
	if typ == 3 {
		b = bo.AppendUint16(b, uint16(v))
		b = bo.AppendUint16(b, 0)
	} else {
		b = bo.AppendUint32(b, v)
	}
	return bo.AppendUint32(b, 0) // no next IFD
}

func smallTestImage() *image.NRGBA {
	m := image.NewNRGBA(image.Rect(0, 0, 8, 6))
	for y := 0; y < 6; y++ {
		for x := 0; x < 8; x++ {
			m.SetNRGBA(x, y, color.NRGBA{uint8(30 * x), uint8(40 * y), 128, 255})
		}
	}
	return m
}

// jpegWithEXIF encodes a small JPEG with an APP1 Exif segment holding tiff,
// placed after an APP0 segment so that the marker walk is exercised.
func jpegWithEXIF(t testing.TB, tiff []byte) []byte {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, smallTestImage(), nil); err != nil {
		t.Fatal(err)
	}
	enc := buf.Bytes()
	out := append([]byte{}, enc[:2]...)
	app0 := []byte("JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
	out = append(out, 0xff, 0xe0)
	out = binary.BigEndian.AppendUint16(out, uint16(len(app0)+2))
	out = append(out, app0...)
	out = append(out, 0xff, 0xff) // a fill byte before the next marker
	seg := append([]byte(exifHeader), tiff...)
	out = append(out, 0xff, 0xe1)
	out = binary.BigEndian.AppendUint16(out, uint16(len(seg)+2))
	out = append(out, seg...)
	return append(out, enc[2:]...)
}

// pngWithEXIF encodes a small PNG with an eXIf chunk after IHDR.
func pngWithEXIF(t testing.TB, tiff []byte) []byte {
	var buf bytes.Buffer
	if err := png.Encode(&buf, smallTestImage()); err != nil {
		t.Fatal(err)
	}
	enc := buf.Bytes()
	const afterIHDR = 8 + 8 + 13 + 4
	out := append([]byte{}, enc[:afterIHDR]...)
	out = binary.BigEndian.AppendUint32(out, uint32(len(tiff)))
	chunk := append([]byte("eXIf"), tiff...)
	out = append(out, chunk...)
	out = binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(chunk))
	return append(out, enc[afterIHDR:]...)
}

// webpWithEXIF encodes a small lossless WebP in the extended format (VP8X)
// with an EXIF chunk after the image.
func webpWithEXIF(t testing.TB, tiff []byte) []byte {
	m := smallTestImage()
	var buf bytes.Buffer
	if err := Encode(&buf, m, WebP, &EncodeOptions{Lossless: true}); err != nil {
		t.Fatal(err)
	}
	enc := buf.Bytes()
	body := []byte("WEBP")
	vp8x := []byte{0x08, 0, 0, 0} // EXIF flag
	w, h := m.Rect.Dx()-1, m.Rect.Dy()-1
	vp8x = append(vp8x, byte(w), byte(w>>8), byte(w>>16), byte(h), byte(h>>8), byte(h>>16))
	body = appendRIFFChunk(body, "VP8X", vp8x)
	body = append(body, enc[12:]...) // the VP8L chunk of the simple file
	body = appendRIFFChunk(body, "EXIF", tiff)
	out := append([]byte("RIFF"), binary.LittleEndian.AppendUint32(nil, uint32(len(body)))...)
	return append(out, body...)
}

func appendRIFFChunk(b []byte, id string, data []byte) []byte {
	b = append(b, id...)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(data)))
	b = append(b, data...)
	if len(data)%2 == 1 {
		b = append(b, 0)
	}
	return b
}

func TestDecodeConfigOrientation(t *testing.T) {
	type builder func(testing.TB, []byte) []byte
	formats := []struct {
		f     Format
		build builder
	}{
		{JPEG, jpegWithEXIF},
		{PNG, pngWithEXIF},
		{WebP, webpWithEXIF},
		{TIFF, func(_ testing.TB, tiff []byte) []byte { return tiff }},
	}
	for _, ft := range formats {
		for _, bo := range []interface {
			binary.ByteOrder
			binary.AppendByteOrder
		}{binary.LittleEndian, binary.BigEndian} {
			for _, typ := range []uint16{3, 4} {
				for v := uint32(0); v <= 9; v++ {
					data := ft.build(t, tiffBlock(bo, typ, v))
					want := int(v)
					if v < 1 || v > 8 {
						want = 1
					}
					if got := readOrientation(ft.f, data); got != want {
						t.Errorf("%s %v type %d value %d: orientation %d, want %d", ft.f, bo, typ, v, got, want)
					}
					if ft.f == TIFF {
						continue // a bare IFD has no image to decode
					}
					cfg, err := DecodeConfig(data)
					if err != nil || cfg.Orientation != want || cfg.Format != ft.f || cfg.Width != 8 || cfg.Height != 6 {
						t.Errorf("%s %v type %d value %d: DecodeConfig = %+v, %v; want orientation %d, 8x6", ft.f, bo, typ, v, cfg, err, want)
					}
					if typ == 3 && v == 6 {
						if img, _, err := Decode(data, Limits{}); err != nil || img.Bounds().Dx() != 8 {
							t.Errorf("%s with EXIF: Decode: %v", ft.f, err)
						}
					}
				}
			}
		}
	}
}

func TestDecodeConfigPhoneOrientation(t *testing.T) {
	for _, name := range []string{"phone-note10-exif6.jpg", "phone-s8-exif6.jpg"} {
		data, err := os.ReadFile("../testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := DecodeConfig(data)
		want := Config{Format: JPEG, Width: 4032, Height: 3024, Orientation: 6, Frames: 1}
		if err != nil || cfg != want {
			t.Errorf("DecodeConfig(%s) = %+v, %v; want %+v", name, cfg, err, want)
		}
	}
}

func TestReadOrientationMalformed(t *testing.T) {
	le := tiffBlock(binary.LittleEndian, 3, 6)
	be := tiffBlock(binary.BigEndian, 3, 6)
	samples := map[string]struct {
		f    Format
		data []byte
	}{
		"jpeg": {JPEG, jpegWithEXIF(t, le)},
		"png":  {PNG, pngWithEXIF(t, be)},
		"webp": {WebP, webpWithEXIF(t, le)},
		"tiff": {TIFF, be},
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for name, s := range samples {
		// Every truncation: either the tag is still there, or 1.
		for n := 0; n <= len(s.data); n++ {
			if got := readOrientation(s.f, s.data[:n]); got != 1 && got != 6 {
				t.Errorf("%s truncated to %d: orientation %d", name, n, got)
			}
		}
		// Random corruption never panics and stays in range.
		for range 2000 {
			d := bytes.Clone(s.data)
			for range 1 + rng.IntN(4) {
				d[rng.IntN(len(d))] = byte(rng.Uint32())
			}
			if got := readOrientation(s.f, d); got < 1 || got > 8 {
				t.Errorf("%s corrupted: orientation %d", name, got)
			}
		}
	}
	bad := map[string][]byte{
		"IFD offset past the end": append([]byte("II*\x00"), 0xff, 0xff, 0xff, 0x7f),
		"IFD count past the end":  append([]byte("MM\x00*"), 0, 0, 0, 8, 0xff, 0xff, 0, 1, 0, 3),
		"wrong count":             bytes.Replace(le, []byte{0x12, 0x01, 3, 0, 1, 0}, []byte{0x12, 0x01, 3, 0, 2, 0}, 1),
		"unknown byte order":      append([]byte("XX*\x00"), le[4:]...),
		"empty":                   nil,
	}
	for name, d := range bad {
		if got := readOrientation(TIFF, d); got != 1 {
			t.Errorf("%s: orientation %d, want 1", name, got)
		}
	}
	// JPEG segments that end before their declared length.
	if got := readOrientation(JPEG, []byte{0xff, 0xd8, 0xff, 0xe1, 0xff, 0xff, 'E'}); got != 1 {
		t.Errorf("short APP1: orientation %d", got)
	}
	// An Exif segment after the start of scan is not looked at.
	sos := append([]byte{0xff, 0xd8, 0xff, 0xda, 0, 2}, jpegWithEXIF(t, le)[2:]...)
	if got := readOrientation(JPEG, sos); got != 1 {
		t.Errorf("APP1 after SOS: orientation %d", got)
	}
}

func BenchmarkOrient(b *testing.B) {
	data, err := os.ReadFile("../testdata/phone-note10-exif6.jpg")
	if err != nil {
		b.Fatal(err)
	}
	img, _, err := Decode(data, Limits{})
	if err != nil {
		b.Fatal(err)
	}
	ycc := img.(*image.YCbCr)
	rgba := ycbcrToRGBA(ycc)
	for _, bc := range []struct {
		name string
		img  image.Image
	}{{"YCbCr420", ycc}, {"RGBA", rgba}} {
		for _, o := range []int{3, 6} {
			b.Run(bc.name+"/"+string(rune('0'+o)), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					Orient(bc.img, o)
				}
			})
		}
	}
}
