package transform

import (
	"bytes"
	"image"
	"image/color"
	"image/gif"
	"testing"
)

// fewColours is a w x h image of a handful of colours in stripes, with a
// transparent band when transparent is set.
func fewColours(w, h int, transparent bool) (*image.NRGBA, []color.NRGBA) {
	cols := []color.NRGBA{{255, 0, 0, 255}, {0, 128, 0, 255}, {1, 128, 0, 255}, {10, 20, 30, 255}, {250, 250, 250, 255}}
	m := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := cols[(x/3+y)%len(cols)]
			if transparent && x < 4 {
				c = color.NRGBA{77, 77, 77, uint8(x * 30)} // alpha below the cutoff
			}
			m.SetNRGBA(x, y, c)
		}
	}
	return m, cols
}

// gifColor is what a GIF keeps of c: GIF transparency is all or nothing.
func gifColor(c color.NRGBA) color.NRGBA {
	if c.A < alphaCutoff {
		return color.NRGBA{}
	}
	c.A = 255
	return c
}

func TestQuantizeKeepsFewColoursExactly(t *testing.T) {
	for _, transparent := range []bool{false, true} {
		src, cols := fewColours(30, 20, transparent)
		for _, n := range []int{256, 6, len(cols)} {
			if transparent && n == len(cols) {
				continue // no room for the transparent entry: not exact
			}
			p := quantize(src, n)
			wantLen := len(cols)
			if transparent {
				wantLen++
			}
			if len(p.Palette) != wantLen {
				t.Fatalf("transparent=%v n=%d: palette of %d, want %d", transparent, n, len(p.Palette), wantLen)
			}
			if transparent {
				if c := p.Palette[len(p.Palette)-1]; c != (color.RGBA{}) {
					t.Errorf("last entry %v, want transparent", c)
				}
			}
			for y := 0; y < 20; y++ {
				for x := 0; x < 30; x++ {
					if got, want := p.At(x, y), gifColor(src.NRGBAAt(x, y)); !sameColor(got, want, 0) {
						t.Fatalf("transparent=%v n=%d: (%d,%d) = %v, want %v", transparent, n, x, y, got, want)
					}
				}
			}
		}
	}
}

func TestQuantizeThroughGIF(t *testing.T) {
	src, _ := fewColours(30, 20, true)
	var buf bytes.Buffer
	if err := Encode(&buf, src, GIF, &EncodeOptions{Colors: 8}); err != nil {
		t.Fatal(err)
	}
	g, err := gif.Decode(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	for y := 0; y < 20; y++ {
		for x := 0; x < 30; x++ {
			if got, want := g.At(x, y), gifColor(src.NRGBAAt(x, y)); !sameColor(got, want, 0) {
				t.Fatalf("(%d,%d) = %v, want %v", x, y, got, want)
			}
		}
	}
}

func TestQuantizeManyColours(t *testing.T) {
	src := gradient(96, 64, 255)
	for i := 3; i < 96*4*8; i += 4 {
		src.Pix[i] = 0 // the first 8 rows are transparent
	}
	for _, n := range []int{2, 3, 16, 64, 256} {
		p := quantize(src, n)
		if len(p.Palette) > n {
			t.Errorf("n=%d: palette of %d", n, len(p.Palette))
		}
		tr := p.Palette[len(p.Palette)-1]
		if tr != (color.RGBA{}) {
			t.Errorf("n=%d: last entry %v, want transparent", n, tr)
		}
		for i, c := range p.Palette[:len(p.Palette)-1] {
			if _, _, _, a := c.RGBA(); a != 0xffff {
				t.Errorf("n=%d: entry %d (%v) is not opaque", n, i, c)
			}
		}
		for y := 0; y < 64; y++ {
			for x := 0; x < 96; x++ {
				if isT := p.ColorIndexAt(x, y) == uint8(len(p.Palette)-1); isT != (y < 8) {
					t.Fatalf("n=%d: (%d,%d) transparent=%v", n, x, y, isT)
				}
			}
		}
		// Dithering keeps the average colour of areas: compare 8x8 block
		// means, which a palette of 2 cannot match but 16 can.
		if n >= 16 {
			if d := blockMeanDiff(src, p, 8); d > 6 {
				t.Errorf("n=%d: 8x8 block means differ by %.2f on average", n, d)
			}
		}
	}
}

// blockMeanDiff compares the mean colours of size x size blocks of the
// opaque rows (8 and below) of two images.
func blockMeanDiff(a *image.NRGBA, b image.Image, size int) float64 {
	bb := toNRGBA(b)
	var total float64
	var blocks int
	for by := 8; by+size <= a.Rect.Dy(); by += size {
		for bx := 0; bx+size <= a.Rect.Dx(); bx += size {
			for ch := range 3 {
				var sa, sb int
				for y := by; y < by+size; y++ {
					for x := bx; x < bx+size; x++ {
						sa += int(a.Pix[a.PixOffset(x, y)+ch])
						sb += int(bb.Pix[bb.PixOffset(x, y)+ch])
					}
				}
				total += float64(testAbs(sa-sb)) / float64(size*size)
			}
			blocks++
		}
	}
	return total / float64(blocks*3)
}

func TestQuantizeEdgeCases(t *testing.T) {
	// All transparent.
	clear := image.NewNRGBA(image.Rect(0, 0, 5, 5))
	p := quantize(clear, 256)
	if len(p.Palette) != 1 || p.Palette[0] != (color.RGBA{}) {
		t.Errorf("transparent image: palette %v", p.Palette)
	}
	// One colour, many pixels, two-colour palette.
	one := image.NewNRGBA(image.Rect(0, 0, 300, 2))
	for i := range one.Pix {
		one.Pix[i] = 0x80
	}
	one.Pix[3] = 0xff
	if p := quantize(one, 2); len(p.Palette) > 2 {
		t.Errorf("palette %v", p.Palette)
	}
	// A 1x1 image.
	if p := quantize(image.NewGray(image.Rect(0, 0, 1, 1)), 2); len(p.Pix) != 1 {
		t.Errorf("1x1: %v", p.Rect)
	}
	// A transparent image with many colours hidden under alpha 0 still
	// needs only the transparent entry.
	hidden := gradient(40, 40, 0)
	if p := quantize(hidden, 4); len(p.Palette) != 1 {
		t.Errorf("hidden colours: palette of %d", len(p.Palette))
	}
	// Sub-image bounds.
	sub := gradient(40, 40, 255).SubImage(image.Rect(10, 10, 20, 30))
	if p := quantize(sub, 16); p.Rect != image.Rect(0, 0, 10, 20) {
		t.Errorf("sub-image: bounds %v", p.Rect)
	}
}

func TestEncodeGIFKeepsPaletted(t *testing.T) {
	pal := color.Palette{color.RGBA{1, 2, 3, 255}, color.RGBA{200, 100, 0, 255}, color.RGBA{}}
	m := image.NewPaletted(image.Rect(0, 0, 3, 1), pal)
	m.Pix = []uint8{0, 1, 2}
	big := image.NewPaletted(image.Rect(0, 0, 9, 9), pal)
	copy(big.Pix[4*big.Stride+2:], m.Pix)
	for _, src := range []*image.Paletted{m, big.SubImage(image.Rect(2, 4, 5, 5)).(*image.Paletted)} {
		var buf bytes.Buffer
		if err := Encode(&buf, src, GIF, nil); err != nil {
			t.Fatalf("%v: %v", src.Rect, err)
		}
		g, err := gif.Decode(&buf)
		if err != nil {
			t.Fatal(err)
		}
		if g.Bounds() != image.Rect(0, 0, 3, 1) {
			t.Errorf("%v: decoded bounds %v", src.Rect, g.Bounds())
		}
		for x, want := range pal {
			if got := g.At(x, 0); !sameColor(got, want, 0) {
				t.Errorf("%v: (%d,0) = %v, want %v", src.Rect, x, got, want)
			}
		}
	}
}
