package rendition

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"testing"
	"testing/fstest"
	"time"

	"github.com/rendition-go/rendition/transform"
)

// Colours of the quadrants of the generated test photo.
var (
	topLeft     = color.RGBA{220, 30, 30, 255}   // red
	topRight    = color.RGBA{30, 200, 30, 255}   // green
	bottomLeft  = color.RGBA{30, 30, 220, 255}   // blue
	bottomRight = color.RGBA{240, 240, 240, 255} // white
)

// quadrants returns a w x h image with a different colour in each quadrant,
// so that any flip or rotation shows.
func quadrants(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := topLeft
			switch {
			case x >= w/2 && y < h/2:
				c = topRight
			case x < w/2 && y >= h/2:
				c = bottomLeft
			case x >= w/2 && y >= h/2:
				c = bottomRight
			}
			img.SetRGBA(x, y, c)
		}
	}
	return img
}

func encodeJPEG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 92}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func encodePNG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// withOrientation returns a JPEG with an EXIF APP1 segment holding only the
// Orientation tag, inserted right after SOI.
func withOrientation(t testing.TB, jpg []byte, orientation uint16) []byte {
	t.Helper()
	var tiff bytes.Buffer
	le := binary.LittleEndian
	tiff.WriteString("II")
	binary.Write(&tiff, le, uint16(42))
	binary.Write(&tiff, le, uint32(8)) // IFD0 offset
	binary.Write(&tiff, le, uint16(1)) // one entry
	binary.Write(&tiff, le, uint16(0x0112))
	binary.Write(&tiff, le, uint16(3)) // SHORT
	binary.Write(&tiff, le, uint32(1))
	binary.Write(&tiff, le, orientation)
	binary.Write(&tiff, le, uint16(0))
	binary.Write(&tiff, le, uint32(0)) // no next IFD
	payload := append([]byte("Exif\x00\x00"), tiff.Bytes()...)
	seg := []byte{0xff, 0xe1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	out := append([]byte{}, jpg[:2]...)
	out = append(out, seg...)
	out = append(out, payload...)
	return append(out, jpg[2:]...)
}

// alphaPNG is 200x100: the left half transparent, the right half opaque blue.
func alphaPNG(t testing.TB) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, 200, 100))
	for y := range 100 {
		for x := 100; x < 200; x++ {
			img.SetNRGBA(x, y, color.NRGBA{0, 0, 255, 255})
		}
	}
	return encodePNG(t, img)
}

// hugePNGHeader claims 20000x20000 pixels in a few bytes.
func hugePNGHeader(t testing.TB) []byte {
	small := encodePNG(t, image.NewGray(image.Rect(0, 0, 1, 1)))
	out := append([]byte{}, small...)
	binary.BigEndian.PutUint32(out[16:], 20000)
	binary.BigEndian.PutUint32(out[20:], 20000)
	// Keep the IHDR chunk valid: type and data are bytes 12..29, CRC 29..33.
	binary.BigEndian.PutUint32(out[29:], crc32.ChecksumIEEE(out[12:29]))
	return out
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// testFS is the origin of most handler tests.
// zeroSizeGIF is a 1x1 GIF whose logical screen claims 0x0.
func zeroSizeGIF(t testing.TB) []byte {
	var b bytes.Buffer
	if err := gif.Encode(&b, image.NewPaletted(image.Rect(0, 0, 1, 1), color.Palette{color.Black}), nil); err != nil {
		t.Fatal(err)
	}
	data := b.Bytes()
	copy(data[6:10], []byte{0, 0, 0, 0})
	return data
}

func testFS(t testing.TB) fstest.MapFS {
	photo := encodeJPEG(t, quadrants(400, 300))
	return fstest.MapFS{
		"photo.jpg":        {Data: photo},
		"dir/photo 2.jpg":  {Data: photo},
		"alpha.png":        {Data: alphaPNG(t)},
		"anim.gif":         {Data: readTestdata(t, "animated-8f.gif")},
		"dice.webp":        {Data: readTestdata(t, "dice-lossy-alpha.webp")},
		"doc.txt":          {Data: []byte("hello, not an image\n")},
		"page.html":        {Data: []byte("<script>alert(1)</script>")},
		"corrupt.jpg":      {Data: append(append([]byte{}, photo[:600]...), bytes.Repeat([]byte{0x55}, 100)...)},
		"huge.png":         {Data: hugePNGHeader(t)},
		"zero.gif":         {Data: zeroSizeGIF(t)},
		"empty.jpg":        {Data: []byte{}},
		"truncated.jpg":    {Data: photo[:len(photo)/2]},
		"exif/plain.jpg":   {Data: photo},
		"exif/rotated.jpg": {Data: withOrientation(t, encodeJPEG(t, transform.Rotate270(quadrants(400, 300))), 6)},
	}
}

type response struct {
	*httptest.ResponseRecorder
	t testing.TB
}

func (r response) image() (image.Image, transform.Config) {
	r.t.Helper()
	img, cfg, err := transform.Decode(r.Body.Bytes(), transform.Limits{})
	if err != nil {
		r.t.Fatalf("decode the answer: %v", err)
	}
	return img, cfg
}

func serve(t testing.TB, h http.Handler, method, target string, header ...string) response {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return response{rec, t}
}

func get(t testing.TB, h http.Handler, target string, header ...string) response {
	t.Helper()
	return serve(t, h, http.MethodGet, target, header...)
}

// near reports whether two colours are within tol per channel.
func near(a, b color.Color, tol int) bool {
	ar, ag, ab, aa := a.RGBA()
	br, bg, bb, ba := b.RGBA()
	d := func(x, y uint32) bool { return abs(int(x>>8)-int(y>>8)) <= tol }
	return d(ar, br) && d(ag, bg) && d(ab, bb) && d(aa, ba)
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// waitUntil polls cond until it holds, and fails the test with every
// goroutine's stack if it does not within 10 seconds, so that a test waiting
// for a state that never comes fails instead of hanging.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("timed out waiting for %s\n%s", what, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(time.Millisecond)
	}
}
