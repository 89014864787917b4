package transform

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/color/palette"
	"image/gif"
	"image/jpeg"
	"image/png"
	"math"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"golang.org/x/image/bmp"
	"golang.org/x/image/tiff"
)

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile("../testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestDecodeSamples(t *testing.T) {
	tests := []struct {
		file string
		want Config
		typ  string
	}{
		{"phone-s8-exif6.jpg", Config{JPEG, 4032, 3024, 6, 1}, "*image.YCbCr"},
		{"friends-portrait.jpg", Config{JPEG, 2056, 3088, 1, 1}, "*image.YCbCr"}, // progressive
		{"dice-alpha.png", Config{PNG, 800, 600, 1, 1}, "*image.NRGBA"},
		{"animated-8f.gif", Config{GIF, 121, 128, 1, 8}, "*image.Paletted"},
		{"dice-lossy-alpha.webp", Config{WebP, 800, 600, 1, 1}, "*image.RGBA"},
		{"photo-lossy.webp", Config{WebP, 3264, 2448, 1, 1}, "*image.RGBA"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data := readTestdata(t, tt.file)
			if f := Sniff(data); f != tt.want.Format {
				t.Errorf("Sniff = %q, want %q", f, tt.want.Format)
			}
			cfg, err := DecodeConfig(data)
			if err != nil || cfg != tt.want {
				t.Errorf("DecodeConfig = %+v, %v; want %+v", cfg, err, tt.want)
			}
			img, cfg, err := Decode(data, Limits{})
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if cfg != tt.want {
				t.Errorf("Decode config = %+v, want %+v", cfg, tt.want)
			}
			if got := img.Bounds(); got != image.Rect(0, 0, tt.want.Width, tt.want.Height) {
				t.Errorf("bounds %v, want %dx%d", got, tt.want.Width, tt.want.Height)
			}
			if got := fmt.Sprintf("%T", img); got != tt.typ {
				t.Errorf("image type %s, want %s", got, tt.typ)
			}
		})
	}
}

// checkerNRGBA is a w x h image of distinct opaque colours.
func checkerNRGBA(w, h int) *image.NRGBA {
	m := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			m.SetNRGBA(x, y, color.NRGBA{uint8(x * 255 / w), uint8(y * 255 / h), uint8((x + y) * 7), 255})
		}
	}
	return m
}

func TestDecodeBMPAndTIFF(t *testing.T) {
	src := checkerNRGBA(7, 5)
	encoders := map[Format]func(*bytes.Buffer) error{
		BMP:  func(b *bytes.Buffer) error { return bmp.Encode(b, src) },
		TIFF: func(b *bytes.Buffer) error { return tiff.Encode(b, src, nil) },
	}
	for f, enc := range encoders {
		for _, order := range []string{"", "big-endian"} {
			var buf bytes.Buffer
			if err := enc(&buf); err != nil {
				t.Fatal(err)
			}
			data := buf.Bytes()
			if order != "" {
				if f != TIFF {
					continue
				}
				data = bigEndianTIFF(t, src)
			}
			img, cfg, err := Decode(data, Limits{})
			if err != nil {
				t.Fatalf("%s %s: %v", f, order, err)
			}
			if want := (Config{f, 7, 5, 1, 1}); cfg != want {
				t.Errorf("%s %s: config %+v, want %+v", f, order, cfg, want)
			}
			for y := 0; y < 5; y++ {
				for x := 0; x < 7; x++ {
					if !sameColor(img.At(x, y), src.At(x, y), 0) {
						t.Fatalf("%s %s: (%d,%d) = %v, want %v", f, order, x, y, img.At(x, y), src.At(x, y))
					}
				}
			}
		}
	}
}

// bigEndianTIFF writes an uncompressed big-endian TIFF of m by hand, as
// x/image/tiff only writes little-endian ones.
func bigEndianTIFF(t *testing.T, m *image.NRGBA) []byte {
	t.Helper()
	w, h := m.Rect.Dx(), m.Rect.Dy()
	be := binary.BigEndian
	pix := make([]byte, 0, w*h*3)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := m.NRGBAAt(x, y)
			pix = append(pix, c.R, c.G, c.B)
		}
	}
	type entry struct {
		tag, typ uint16
		val      uint32
	}
	const bps = 8 // offset of the BitsPerSample values
	entries := []entry{
		{256, 4, uint32(w)}, {257, 4, uint32(h)}, {258, 3, bps}, {259, 3, 1}, {262, 3, 2},
		{273, 4, 0 /* strip offset, set below */}, {277, 3, 3}, {278, 4, uint32(h)}, {279, 4, uint32(len(pix))},
	}
	ifd := 8 + 6
	data := append([]byte("MM\x00*"), 0, 0, 0, byte(ifd))
	data = append(data, 0, 8, 0, 8, 0, 8) // BitsPerSample 8, 8, 8
	stripOffset := ifd + 2 + len(entries)*12 + 4
	data = be.AppendUint16(data, uint16(len(entries)))
	for _, e := range entries {
		data = be.AppendUint16(data, e.tag)
		data = be.AppendUint16(data, e.typ)
		switch {
		case e.tag == 258:
			data = be.AppendUint32(data, 3)
			data = be.AppendUint32(data, 8)
		case e.typ == 3:
			data = be.AppendUint32(data, 1)
			data = be.AppendUint16(data, uint16(e.val))
			data = be.AppendUint16(data, 0)
		case e.tag == 273:
			data = be.AppendUint32(data, 1)
			data = be.AppendUint32(data, uint32(stripOffset))
		default:
			data = be.AppendUint32(data, 1)
			data = be.AppendUint32(data, e.val)
		}
	}
	data = be.AppendUint32(data, 0)
	return append(data, pix...)
}

// pngHeader returns the signature and IHDR chunk of a w x h 8-bit RGBA PNG,
// with a correct CRC, followed by an empty IDAT and IEND: a file that claims
// any size in a few dozen bytes.
func pngHeader(w, h uint32) []byte {
	b := []byte("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		b = binary.BigEndian.AppendUint32(b, uint32(len(data)))
		c := append([]byte(typ), data...)
		b = append(b, c...)
		b = binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(c))
	}
	ihdr := binary.BigEndian.AppendUint32(nil, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, 8, 6, 0, 0, 0)
	chunk("IHDR", ihdr)
	chunk("IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})
	chunk("IEND", nil)
	return b
}

// gifFile returns a GIF whose logical screen is w x h, with frames frames of
// at most 4x4 pixels.
func gifFile(t testing.TB, w, h, frames int) []byte {
	t.Helper()
	if frames == 0 {
		// Header, screen with a two-colour global table, trailer.
		b := []byte("GIF89a")
		b = binary.LittleEndian.AppendUint16(b, uint16(w))
		b = binary.LittleEndian.AppendUint16(b, uint16(h))
		b = append(b, 0x80, 0, 0, 0, 0, 0, 255, 255, 255)
		return append(b, 0x3b)
	}
	g := &gif.GIF{Config: image.Config{Width: w, Height: h, ColorModel: color.Palette{color.Black, color.White}}}
	for range frames {
		g.Image = append(g.Image, image.NewPaletted(image.Rect(0, 0, min(w, 4), min(h, 4)), color.Palette{color.Black, color.White}))
		g.Delay = append(g.Delay, 10)
	}
	var buf bytes.Buffer
	if err := gif.EncodeAll(&buf, g); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestDecodeLimits(t *testing.T) {
	gifZeroWidth := gifFile(t, 4, 4, 1)
	gifZeroWidth[6], gifZeroWidth[7] = 0, 0 // logical screen width 0
	gifZeroHeight := gifFile(t, 4, 4, 1)
	gifZeroHeight[8], gifZeroHeight[9] = 0, 0
	small := pngHeader(10, 10)
	tests := []struct {
		name string
		data []byte
		lim  Limits
		want LimitError
	}{
		{"png claiming 20000x20000", pngHeader(20000, 20000), Limits{}, LimitError{"source width", 20000, 16384}},
		{"png claiming 16000x16000 (256 MP)", pngHeader(16000, 16000), Limits{}, LimitError{"source pixels", 256_000_000, 50_000_000}},
		{"png claiming 2^20 x 2^20", pngHeader(1<<20, 1<<20), Limits{MaxSourceSide: 1 << 21}, LimitError{"source pixels", 1 << 40, 50_000_000}},
		{"width over the side limit", pngHeader(101, 10), Limits{MaxSourceSide: 100}, LimitError{"source width", 101, 100}},
		{"height over the side limit", pngHeader(10, 101), Limits{MaxSourceSide: 100}, LimitError{"source height", 101, 100}},
		{"pixels over the limit", pngHeader(100, 100), Limits{MaxSourcePixels: 9999}, LimitError{"source pixels", 10000, 9999}},
		{"bytes over the limit", small, Limits{MaxSourceBytes: int64(len(small) - 1)}, LimitError{"source bytes", int64(len(small)), int64(len(small) - 1)}},
		{"zero width", gifZeroWidth, Limits{}, LimitError{"source width", 0, 16384}},
		{"zero height", gifZeroHeight, Limits{}, LimitError{"source height", 0, 16384}},
		{"frames over the limit", gifFile(t, 4, 4, 6), Limits{MaxFrames: 5}, LimitError{"frames", 6, 5}},
		{"frames over the default limit", gifFile(t, 1, 1, 101), Limits{}, LimitError{"frames", 101, 100}},
		{"frames x pixels over the limit", gifFile(t, 100, 100, 5), Limits{MaxSourcePixels: 49_999}, LimitError{"source pixels", 50_000, 49_999}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img, _, err := Decode(tt.data, tt.lim)
			if img != nil {
				t.Error("Decode returned an image")
			}
			var le *LimitError
			if !errors.As(err, &le) {
				t.Fatalf("Decode error %v, want a *LimitError", err)
			}
			if *le != tt.want {
				t.Errorf("Decode error %+v, want %+v", *le, tt.want)
			}
			if !errors.Is(err, ErrLimit) || errors.Is(err, ErrDecode) {
				t.Errorf("errors.Is(%v, ErrLimit) is false or ErrDecode true", err)
			}
			if !strings.Contains(err.Error(), tt.want.What) {
				t.Errorf("error %q does not name %q", err, tt.want.What)
			}
		})
	}
	// The same files pass with limits large enough.
	if _, _, err := Decode(gifFile(t, 100, 100, 5), Limits{MaxSourcePixels: 50_000}); err != nil {
		t.Errorf("GIF at the pixel limit: %v", err)
	}
	if _, _, err := Decode(gifFile(t, 4, 4, 5), Limits{MaxFrames: 5}); err != nil {
		t.Errorf("GIF at the frame limit: %v", err)
	}
}

func TestDecodeRefusesBeforeAllocating(t *testing.T) {
	data := pngHeader(16000, 16000) // 1 GB of RGBA if decoded
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for range 10 {
		if _, _, err := Decode(data, Limits{}); !errors.Is(err, ErrLimit) {
			t.Fatalf("Decode: %v, want ErrLimit", err)
		}
	}
	runtime.ReadMemStats(&after)
	if n := after.TotalAlloc - before.TotalAlloc; n > 1<<20 {
		t.Errorf("10 refused decodes allocated %d bytes", n)
	}
	allocs := testing.AllocsPerRun(10, func() { Decode(data, Limits{}) })
	if allocs > 20 {
		t.Errorf("a refused decode made %.0f allocations", allocs)
	}
}

func TestDecodeErrors(t *testing.T) {
	jpg := readTestdata(t, "phone-s8-exif6.jpg")
	pngData := readTestdata(t, "dice-alpha.png")
	gifData := readTestdata(t, "animated-8f.gif")
	webpData := readTestdata(t, "dice-lossy-alpha.webp")
	var bmpBuf, tiffBuf bytes.Buffer
	bmp.Encode(&bmpBuf, checkerNRGBA(40, 30))
	tiff.Encode(&tiffBuf, checkerNRGBA(40, 30), nil)
	badCRC := bytes.Clone(pngData)
	badCRC[29] ^= 0xff // IHDR's CRC
	var jpgBuf bytes.Buffer
	jpeg.Encode(&jpgBuf, checkerNRGBA(40, 30), nil)
	jpgBadSOF := jpgBuf.Bytes()
	if i := bytes.Index(jpgBadSOF, []byte{0xff, 0xc0}); i > 0 {
		jpgBadSOF[i+9] = 0 // number of components
	} else {
		t.Fatal("no SOF0 in the encoded JPEG")
	}
	noise := image.NewPaletted(image.Rect(0, 0, 64, 64), palette.Plan9)
	for i := range noise.Pix {
		noise.Pix[i] = uint8(i * 7919 >> 3)
	}
	var gifBuf bytes.Buffer
	gif.Encode(&gifBuf, noise, nil)
	gifCut := gifBuf.Bytes()[:gifBuf.Len()-20]
	gifBadBlock := gifFile(t, 4, 4, 1)
	gifBadBlock[len(gifBadBlock)-1] = 0x00 // trailer replaced by garbage: still decodes the first frame
	gifNoFrame := gifFile(t, 4, 4, 0)

	tests := []struct {
		name string
		data []byte
		want error
		in   string // a piece of the message
	}{
		{"empty", nil, ErrUnknownFormat, ""},
		{"text", []byte("<html>not an image</html>"), ErrUnknownFormat, ""},
		{"partial magic", []byte("\x89PN"), ErrUnknownFormat, ""},
		{"RIFF but not WebP", []byte("RIFF\x10\x00\x00\x00WAVEfmt "), ErrUnknownFormat, ""},
		{"jpeg truncated in the header", jpg[:200], ErrDecode, "jpg"},
		{"jpeg truncated in the scan", jpg[:len(jpg)/2], ErrDecode, "jpg"},
		{"jpeg with bad SOF", jpgBadSOF, ErrDecode, "jpg"},
		{"png truncated in the header", pngData[:20], ErrDecode, "png"},
		{"png truncated in the data", pngData[:len(pngData)/2], ErrDecode, "png"},
		{"png with a bad CRC", badCRC, ErrDecode, "png"},
		{"gif truncated in the header", gifData[:10], ErrDecode, "gif"},
		{"gif truncated before the first frame", gifData[:800], ErrDecode, "gif"},
		{"gif truncated in the first frame", gifCut, ErrDecode, "gif"},
		{"gif without frames", gifNoFrame, ErrDecode, "gif"},
		{"webp truncated in the header", webpData[:20], ErrDecode, "webp"},
		{"webp truncated in the data", webpData[:len(webpData)/2], ErrDecode, "webp"},
		{"animated webp", animatedWebP(), ErrDecode, "animated"},
		{"bmp truncated", bmpBuf.Bytes()[:bmpBuf.Len()/2], ErrDecode, "bmp"},
		{"bmp header only", bmpBuf.Bytes()[:20], ErrDecode, "bmp"},
		{"tiff truncated", tiffBuf.Bytes()[:tiffBuf.Len()/2], ErrDecode, "tiff"},
		{"magic then garbage: jpeg", append([]byte("\xff\xd8\xff"), bytes.Repeat([]byte{0x42}, 100)...), ErrDecode, "jpg"},
		{"magic then garbage: png", append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0x42}, 100)...), ErrDecode, "png"},
		{"magic then garbage: gif", append([]byte("GIF89a"), bytes.Repeat([]byte{0x42}, 100)...), ErrDecode, "gif"},
		{"magic then garbage: webp", append([]byte("RIFF\x64\x00\x00\x00WEBP"), bytes.Repeat([]byte{0x42}, 100)...), ErrDecode, "webp"},
		{"magic then garbage: bmp", append([]byte("BM"), bytes.Repeat([]byte{0x42}, 100)...), ErrDecode, "bmp"},
		{"magic then garbage: tiff", append([]byte("II*\x00"), bytes.Repeat([]byte{0x42}, 100)...), ErrDecode, "tiff"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img, _, err := Decode(tt.data, Limits{})
			if img != nil || !errors.Is(err, tt.want) {
				t.Fatalf("Decode = %T, %v; want %v", img, err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.in) {
				t.Errorf("error %q does not mention %q", err, tt.in)
			}
			if errors.Is(err, ErrLimit) {
				t.Errorf("%v is also ErrLimit", err)
			}
		})
	}
	// A GIF whose trailer is damaged after a complete first frame still
	// gives that frame.
	if img, cfg, err := Decode(gifBadBlock, Limits{}); err != nil || cfg.Frames != 1 || img.Bounds().Dx() != 4 {
		t.Errorf("GIF with a damaged trailer: %+v, %v", cfg, err)
	}
}

// animatedWebP is the start of an animated WebP: a VP8X chunk with the
// animation flag and an ANIM chunk.
func animatedWebP() []byte {
	body := []byte("WEBP")
	body = appendRIFFChunk(body, "VP8X", []byte{0x02, 0, 0, 0, 9, 0, 0, 9, 0, 0})
	body = appendRIFFChunk(body, "ANIM", []byte{0, 0, 0, 0, 0, 0})
	out := append([]byte("RIFF"), binary.LittleEndian.AppendUint32(nil, uint32(len(body)))...)
	return append(out, body...)
}

func TestDecodeRecoversPanics(t *testing.T) {
	c := codec{
		format: PNG,
		config: func([]byte) (image.Config, error) { panic("config boom") },
		decode: func([]byte) (image.Image, error) { panic("decode boom") },
	}
	if _, err := c.safeConfig(nil); err == nil || !strings.Contains(err.Error(), "config boom") {
		t.Errorf("safeConfig: %v", err)
	}
	img, err := c.safeDecode(nil)
	if img != nil || err == nil || !strings.Contains(err.Error(), "decode boom") {
		t.Errorf("safeDecode: %v, %v", img, err)
	}
	if err := decodeError(c.format, err); !errors.Is(err, ErrDecode) || !strings.Contains(err.Error(), "png") {
		t.Errorf("decodeError: %v", err)
	}
	c.decode = func([]byte) (image.Image, error) { return nil, nil }
	if _, err := c.safeDecode(nil); err == nil {
		t.Error("safeDecode accepted a nil image")
	}
}

func TestSniff(t *testing.T) {
	tests := []struct {
		head string
		want Format
	}{
		{"\xff\xd8\xff\xe0", JPEG},
		{"\xff\xd8\xff", JPEG},
		{"\xff\xd8", ""},
		{"\x89PNG\r\n\x1a\n", PNG},
		{"\x89PNG\r\n\x1a", ""},
		{"GIF87a", GIF},
		{"GIF89a", GIF},
		{"GIF88a", ""},
		{"RIFF\x00\x00\x00\x00WEBPVP8 ", WebP},
		{"RIFF\x00\x00\x00\x00AVI ", ""},
		{"BM", BMP},
		{"II*\x00", TIFF},
		{"MM\x00*", TIFF},
		{"II\x00*", ""},
		{"", ""},
		{"\x00\x00\x00\x1cftypavif", ""},
	}
	for _, tt := range tests {
		if got := Sniff([]byte(tt.head)); got != tt.want {
			t.Errorf("Sniff(%q) = %q, want %q", tt.head, got, tt.want)
		}
	}
}

func TestGIFFrames(t *testing.T) {
	for _, n := range []int{0, 1, 2, 7, 120} {
		if got := gifFrames(gifFile(t, 3, 3, n)); got != n {
			t.Errorf("gifFrames(%d frames) = %d", n, got)
		}
	}
	data := readTestdata(t, "animated-8f.gif")
	if got := gifFrames(data); got != 8 {
		t.Errorf("gifFrames(animated-8f.gif) = %d, want 8", got)
	}
	for n := range len(data) {
		if got := gifFrames(data[:n]); got < 0 || got > 8 {
			t.Fatalf("gifFrames(truncated to %d) = %d", n, got)
		}
	}
}

func TestDecodeGIFPartialFirstFrame(t *testing.T) {
	pal := color.Palette{color.NRGBA{255, 0, 0, 255}, color.NRGBA{0, 0, 255, 255}}
	frame := image.NewPaletted(image.Rect(3, 2, 7, 5), pal)
	for i := range frame.Pix {
		frame.Pix[i] = 1
	}
	var buf bytes.Buffer
	g := &gif.GIF{Image: []*image.Paletted{frame}, Delay: []int{0}, Config: image.Config{Width: 10, Height: 8, ColorModel: pal}}
	if err := gif.EncodeAll(&buf, g); err != nil {
		t.Fatal(err)
	}
	img, cfg, err := Decode(buf.Bytes(), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if img.Bounds() != image.Rect(0, 0, 10, 8) || cfg.Width != 10 || cfg.Height != 8 {
		t.Fatalf("bounds %v, config %+v; want 10x8", img.Bounds(), cfg)
	}
	for y := 0; y < 8; y++ {
		for x := 0; x < 10; x++ {
			want := color.NRGBA{}
			if image.Pt(x, y).In(frame.Rect) {
				want = color.NRGBA{0, 0, 255, 255}
			}
			if got := img.At(x, y); !sameColor(got, want, 0) {
				t.Fatalf("(%d,%d) = %v, want %v", x, y, got, want)
			}
		}
	}
}

func TestLimitsWithDefaults(t *testing.T) {
	want := Limits{50_000_000, 16384, 40 << 20, 100, 50_000_000, 8192, 50_000_000, 1_000_000, 16_000_000, 2_000_000, 30 * time.Second}
	if got := (Limits{}).WithDefaults(); got != want {
		t.Errorf("Limits{}.WithDefaults() = %+v, want %+v", got, want)
	}
	custom := Limits{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}
	if got := custom.WithDefaults(); got != custom {
		t.Errorf("WithDefaults changed set fields: %+v", got)
	}
	e := &LimitError{What: "source width", Value: 0, Max: 16384}
	if !strings.Contains(e.Error(), "at least 1") {
		t.Errorf("zero side message: %q", e)
	}
}

func TestCheckSourceOverflow(t *testing.T) {
	lim := Limits{MaxSourceSide: math.MaxInt, MaxSourcePixels: math.MaxInt64, MaxFrames: math.MaxInt}
	tests := []struct {
		w, h, frames int
		want         LimitError
	}{
		{math.MaxInt32, math.MaxInt32, math.MaxInt32, LimitError{"source pixels", math.MaxInt64, math.MaxInt64}},
		{-1, 5, 1, LimitError{"source width", -1, math.MaxInt}},
		{5, math.MinInt32, 1, LimitError{"source height", math.MinInt32, math.MaxInt}},
	}
	for _, tt := range tests {
		err := lim.checkSource(tt.w, tt.h, tt.frames)
		var le *LimitError
		if !errors.As(err, &le) || *le != tt.want {
			t.Errorf("checkSource(%d, %d, %d) = %v, want %+v", tt.w, tt.h, tt.frames, err, tt.want)
		}
	}
	if err := lim.checkSource(math.MaxInt32, math.MaxInt32, 1); err != nil {
		t.Errorf("checkSource at 2^62 pixels: %v", err)
	}
}

// Every size the PNG encoder writes decodes to its own header's size; a
// sanity check of the size comparison in Decode.
func TestDecodeSizeMatchesHeader(t *testing.T) {
	for _, size := range []image.Point{{1, 1}, {1, 9}, {9, 1}, {17, 3}} {
		var buf bytes.Buffer
		png.Encode(&buf, checkerNRGBA(size.X, size.Y))
		img, cfg, err := Decode(buf.Bytes(), Limits{})
		if err != nil || img.Bounds().Size() != size || cfg.Width != size.X || cfg.Height != size.Y {
			t.Errorf("%v: %v, %+v, %v", size, img.Bounds(), cfg, err)
		}
	}
}

func BenchmarkDecode(b *testing.B) {
	for _, name := range []string{"phone-note10-exif6.jpg", "dice-alpha.png", "photo-lossy.webp"} {
		data := readTestdata(b, name)
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, _, err := Decode(data, Limits{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
