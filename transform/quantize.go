package transform

import (
	"image"
	"image/color"
	"maps"
	"slices"
)

// This file reduces an image to a palette for GIF: an exact palette when the
// image has few enough colours, else median cut (Heckbert, 1982) over a
// 5-bit-per-channel histogram followed by Floyd–Steinberg error diffusion.

const (
	// alphaCutoff is the alpha below which a pixel becomes the GIF's
	// transparent colour; GIF transparency is all or nothing.
	alphaCutoff = 128
	histBits    = 5
	histShift   = 8 - histBits
	histSide    = 1 << histBits
)

// histBin returns the histogram bin of a colour.
func histBin(r, g, b uint8) int {
	return int(r>>histShift)<<(2*histBits) | int(g>>histShift)<<histBits | int(b>>histShift)
}

// quantize returns img as an *image.Paletted (bounds at (0, 0)) with at most
// n colours, 2 <= n <= 256. When img has transparent pixels one entry, the
// last, is transparent. An image with at most that many distinct colours
// keeps them exactly.
func quantize(img image.Image, n int) *image.Paletted {
	p, _ := quantizeCheck(img, n, nil)
	return p
}

// quantizeCheck is quantize, stopped with check's error when check (if not
// nil) fails; it is called every few rows of each pass over the pixels.
func quantizeCheck(img image.Image, n int, check func() error) (*image.Paletted, error) {
	src := toNRGBA(img)
	if p := quantizeExact(src, n); p != nil {
		return p, nil
	}
	stop := func(y int) error {
		if check == nil || y%checkRows != 0 {
			return nil
		}
		return check()
	}

	// Histogram of the opaque pixels, with the sums of their exact
	// colours so that each palette entry is a true average.
	const bins = histSide * histSide * histSide
	var (
		count            = new([bins]uint32)
		sumR, sumG, sumB = new([bins]uint64), new([bins]uint64), new([bins]uint64)
		transparent      bool
	)
	b := src.Rect
	for y := 0; y < b.Dy(); y++ {
		if err := stop(y); err != nil {
			return nil, err
		}
		row := src.Pix[y*src.Stride : y*src.Stride+b.Dx()*4]
		for i := 0; i < len(row); i += 4 {
			p := row[i : i+4 : i+4]
			if p[3] < alphaCutoff {
				transparent = true
				continue
			}
			k := histBin(p[0], p[1], p[2])
			count[k]++
			sumR[k] += uint64(p[0])
			sumG[k] += uint64(p[1])
			sumB[k] += uint64(p[2])
		}
	}
	k := n
	if transparent {
		k--
	}
	boxes := medianCut(count, k)
	pal := make(color.Palette, 0, n)
	for _, bx := range boxes {
		var c, r, g, bb uint64
		bx.each(func(i int) {
			c += uint64(count[i])
			r += sumR[i]
			g += sumG[i]
			bb += sumB[i]
		})
		pal = append(pal, color.RGBA{uint8((r + c/2) / c), uint8((g + c/2) / c), uint8((bb + c/2) / c), 0xff})
	}
	if transparent {
		pal = append(pal, color.RGBA{})
	}
	if len(pal) == 0 { // no pixels at all
		pal = append(pal, color.RGBA{A: 0xff})
	}
	dst := image.NewPaletted(image.Rect(0, 0, b.Dx(), b.Dy()), pal)
	if err := ditherFloydSteinberg(dst, src, len(boxes), stop); err != nil {
		return nil, err
	}
	return dst, nil
}

// checkRows is how often, in rows, the per-pixel passes of a render check
// its budget: 64 rows of the widest output (8192 pixels) take about a
// millisecond.
const checkRows = 64

// quantizeExact returns src with a palette of its own colours when it has at
// most n of them (counting transparency as one), else nil.
func quantizeExact(src *image.NRGBA, n int) *image.Paletted {
	const transparentKey = 1 << 24 // not an RGB value
	w, h := src.Rect.Dx(), src.Rect.Dy()
	key := func(p []byte) uint32 {
		if p[3] < alphaCutoff {
			return transparentKey
		}
		return uint32(p[0])<<16 | uint32(p[1])<<8 | uint32(p[2])
	}
	// First pass: collect the colours, giving up as soon as there are too
	// many; runs of one colour cost one comparison per pixel.
	index := make(map[uint32]uint8, n)
	last := uint32(1<<32 - 1)
	for y := 0; y < h; y++ {
		row := src.Pix[y*src.Stride : y*src.Stride+w*4]
		for i := 0; i < len(row); i += 4 {
			k := key(row[i : i+4 : i+4])
			if k == last {
				continue
			}
			last = k
			if _, ok := index[k]; !ok {
				if len(index) == n {
					return nil
				}
				index[k] = 0
			}
		}
	}
	// The palette, in colour order for a deterministic result, with the
	// transparent entry last as in quantize.
	keys := slices.Sorted(maps.Keys(index)) // transparentKey sorts last
	pal := make(color.Palette, len(keys))
	for i, c := range keys {
		index[c] = uint8(i)
		pal[i] = color.RGBA{uint8(c >> 16), uint8(c >> 8), uint8(c), 0xff}
		if c == transparentKey {
			pal[i] = color.RGBA{}
		}
	}
	dst := image.NewPaletted(image.Rect(0, 0, w, h), pal)
	last, lastIndex := uint32(1<<32-1), uint8(0)
	for y := 0; y < h; y++ {
		row := src.Pix[y*src.Stride : y*src.Stride+w*4]
		out := dst.Pix[y*dst.Stride : y*dst.Stride+w]
		for x := range out {
			if k := key(row[x*4 : x*4+4 : x*4+4]); k != last {
				last, lastIndex = k, index[k]
			}
			out[x] = lastIndex
		}
	}
	return dst
}

// histBox is a box of histogram bins, bounds inclusive, per channel.
type histBox struct {
	lo, hi [3]int
	count  uint64
}

// each calls f with every bin index inside the box.
func (bx *histBox) each(f func(i int)) {
	for r := bx.lo[0]; r <= bx.hi[0]; r++ {
		for g := bx.lo[1]; g <= bx.hi[1]; g++ {
			base := r<<(2*histBits) | g<<histBits
			for b := bx.lo[2]; b <= bx.hi[2]; b++ {
				f(base | b)
			}
		}
	}
}

// shrink fits the box to its non-empty bins and recounts it. It returns
// false for a box with no pixels.
func (bx *histBox) shrink(count *[histSide * histSide * histSide]uint32) bool {
	lo, hi := [3]int{histSide, histSide, histSide}, [3]int{-1, -1, -1}
	var total uint64
	for r := bx.lo[0]; r <= bx.hi[0]; r++ {
		for g := bx.lo[1]; g <= bx.hi[1]; g++ {
			base := r<<(2*histBits) | g<<histBits
			for b := bx.lo[2]; b <= bx.hi[2]; b++ {
				c := count[base|b]
				if c == 0 {
					continue
				}
				total += uint64(c)
				for ch, v := range [3]int{r, g, b} {
					lo[ch] = min(lo[ch], v)
					hi[ch] = max(hi[ch], v)
				}
			}
		}
	}
	bx.lo, bx.hi, bx.count = lo, hi, total
	return total > 0
}

// longestAxis returns the channel along which the box is widest, and its
// width in bins minus one (0 for a box of a single bin).
func (bx *histBox) longestAxis() (axis, extent int) {
	for ch := range 3 {
		if e := bx.hi[ch] - bx.lo[ch]; e > extent {
			axis, extent = ch, e
		}
	}
	return axis, extent
}

// medianCut splits the occupied histogram into at most k boxes: it
// repeatedly takes the box with the largest population times width and cuts
// it across its widest channel at the median pixel.
func medianCut(count *[histSide * histSide * histSide]uint32, k int) []histBox {
	all := histBox{hi: [3]int{histSide - 1, histSide - 1, histSide - 1}}
	if !all.shrink(count) {
		return nil
	}
	boxes := []histBox{all}
	for len(boxes) < k {
		best, bestScore := -1, uint64(0)
		for i := range boxes {
			_, e := boxes[i].longestAxis()
			if s := boxes[i].count * uint64(e); s > bestScore {
				best, bestScore = i, s
			}
		}
		if best < 0 {
			break // every box is a single bin
		}
		bx := boxes[best]
		axis, _ := bx.longestAxis()
		// Population of each slice across the axis.
		var slices [histSide]uint64
		for r := bx.lo[0]; r <= bx.hi[0]; r++ {
			for g := bx.lo[1]; g <= bx.hi[1]; g++ {
				base := r<<(2*histBits) | g<<histBits
				for b := bx.lo[2]; b <= bx.hi[2]; b++ {
					slices[[3]int{r, g, b}[axis]] += uint64(count[base|b])
				}
			}
		}
		// Cut after the slice where the running count reaches half; the
		// first slice and the last are non-empty (the box is shrunk), so
		// stopping before the last leaves pixels on both sides.
		cut, run := bx.lo[axis], slices[bx.lo[axis]]
		for cut < bx.hi[axis]-1 && run*2 < bx.count {
			cut++
			run += slices[cut]
		}
		a, c := bx, bx
		a.hi[axis] = cut
		c.lo[axis] = cut + 1
		a.shrink(count)
		c.shrink(count)
		boxes[best] = a
		boxes = append(boxes, c)
	}
	return boxes
}

// ditherFloydSteinberg maps src onto dst's palette, whose first opaque
// entries are opaque colours (the one after them, if any, transparent),
// diffusing each pixel's error to its neighbours with the Floyd–Steinberg
// weights, in serpentine order.
// It stops with the error of stop, called with each row's number.
func ditherFloydSteinberg(dst *image.Paletted, src *image.NRGBA, opaque int, stop func(y int) error) error {
	w, h := dst.Rect.Dx(), dst.Rect.Dy()
	transparentIndex := uint8(min(opaque, len(dst.Palette)-1))
	pal := make([][3]int32, opaque)
	for i := range pal {
		c := dst.Palette[i].(color.RGBA)
		pal[i] = [3]int32{int32(c.R), int32(c.G), int32(c.B)}
	}
	// nearest caches the closest palette entry to the centre of each
	// histogram bin; -1 means not computed yet.
	var nearest [histSide * histSide * histSide]int16
	for i := range nearest {
		nearest[i] = -1
	}
	lookup := func(r, g, b int32) uint8 {
		k := histBin(uint8(r), uint8(g), uint8(b))
		if n := nearest[k]; n >= 0 {
			return uint8(n)
		}
		const half = 1 << histShift >> 1
		cr, cg, cb := r&^(1<<histShift-1)|half, g&^(1<<histShift-1)|half, b&^(1<<histShift-1)|half
		best, bestD := 0, int32(1<<31-1)
		for i, p := range pal {
			dr, dg, db := p[0]-cr, p[1]-cg, p[2]-cb
			if d := dr*dr + dg*dg + db*db; d < bestD {
				best, bestD = i, d
			}
		}
		nearest[k] = int16(best)
		return uint8(best)
	}
	if opaque == 0 {
		for i := range dst.Pix {
			dst.Pix[i] = transparentIndex
		}
		return nil
	}
	// Error rows, scaled by 16, with one guard pixel at each end.
	cur := make([]int32, (w+2)*3)
	next := make([]int32, (w+2)*3)
	for y := 0; y < h; y++ {
		if err := stop(y); err != nil {
			return err
		}
		row := src.Pix[y*src.Stride : y*src.Stride+w*4]
		out := dst.Pix[y*dst.Stride : y*dst.Stride+w]
		x, end, dir := 0, w, 1
		if y%2 == 1 {
			x, end, dir = w-1, -1, -1
		}
		for ; x != end; x += dir {
			p := row[x*4 : x*4+4 : x*4+4]
			if p[3] < alphaCutoff {
				out[x] = transparentIndex
				continue
			}
			e := (x + 1) * 3
			var v [3]int32
			for ch := range 3 {
				v[ch] = min(max(int32(p[ch])+(cur[e+ch]+8)>>4, 0), 255)
			}
			i := lookup(v[0], v[1], v[2])
			out[x] = i
			for ch := range 3 {
				d := v[ch] - pal[i][ch]
				cur[e+dir*3+ch] += d * 7
				next[e-dir*3+ch] += d * 3
				next[e+ch] += d * 5
				next[e+dir*3+ch] += d
			}
		}
		cur, next = next, cur
		clear(next)
	}
	return nil
}
