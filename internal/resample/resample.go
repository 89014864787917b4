package resample

import (
	"encoding/binary"
	"image"
	"image/color"
	"image/draw"
)

// Filter describes a resampling kernel: a symmetric function At of the
// distance in source pixels, zero outside [-Support, Support]. A nil At
// selects nearest-neighbour sampling. When an image is reduced, the filter is
// stretched by the reduction ratio.
//
// A Filter is a plain value; At must be safe to call from several
// goroutines and return the same value for the same input.
type Filter struct {
	Support float64
	At      func(x float64) float64
}

// maxPixels bounds the size of an output image.
const maxPixels = 1 << 30

// Resize returns src resampled to w x h pixels with filter f. The result's
// bounds start at (0, 0); src may be a sub-image and is never modified.
//
// The result has the type of src for *image.YCbCr (with the same chroma
// subsampling), *image.Gray, *image.RGBA and *image.NRGBA; *image.Paletted
// and every other type give an *image.RGBA.
//
// Resize returns nil if w or h is not positive, if w*h exceeds 1<<30, or if
// src is empty. It is safe to call from several goroutines at once.
func Resize(src image.Image, w, h int, f Filter) image.Image {
	img, _ := resize(src, w, h, f, modeAuto, nil)
	return img
}

// ResizeCheck is [Resize] with a check, called between bands of rows of a
// few milliseconds of work each, possibly from several goroutines at once.
// When it returns an error the resize stops and ResizeCheck returns nil and
// that error, unchanged. It lets a caller abandon a resize nobody waits
// for: pass a function returning ctx.Err(). A nil check never stops.
// The result is nil, with a nil error, where Resize's is nil.
func ResizeCheck(src image.Image, w, h int, f Filter, check func() error) (image.Image, error) {
	return resize(src, w, h, f, modeAuto, check)
}

// resize is ResizeCheck with the order of the passes forced to order (modeVH
// or modeHV) when both axes change, for tests; modeAuto lets the planner
// choose.
func resize(src image.Image, w, h int, f Filter, order mode, check func() error) (image.Image, error) {
	b := src.Bounds()
	if w <= 0 || h <= 0 || b.Empty() || int64(w)*int64(h) > maxPixels {
		return nil, nil
	}
	j := getJob()
	defer putJob(j)
	j.order = order
	j.check = check
	img := j.image(src, w, h, f)
	if j.stopped() {
		return nil, *j.err.Load()
	}
	return img, nil
}

// image resizes src of any type to w x h.
func (j *job) image(src image.Image, w, h int, f Filter) image.Image {
	b := src.Bounds()
	switch s := src.(type) {
	case *image.YCbCr:
		return j.ycbcr(s, w, h, f)
	case *image.Gray:
		dst := image.NewGray(image.Rect(0, 0, w, h))
		j.resize(planeOf(s.Pix[s.PixOffset(b.Min.X, b.Min.Y):], s.Stride, b), planeOf(dst.Pix, dst.Stride, dst.Rect), 1, false, f)
		return dst
	case *image.RGBA:
		dst := image.NewRGBA(image.Rect(0, 0, w, h))
		sp := planeOf(s.Pix[s.PixOffset(b.Min.X, b.Min.Y):], s.Stride, b)
		j.rgba(sp, dst.Pix, dst.Stride, w, h, j.skipAlpha(sp, w, h), f)
		return dst
	case *image.NRGBA:
		dst := image.NewNRGBA(image.Rect(0, 0, w, h))
		sp := planeOf(s.Pix[s.PixOffset(b.Min.X, b.Min.Y):], s.Stride, b)
		// Nearest neighbour does not mix pixels: no need to premultiply.
		op := f.At == nil || j.opaque(sp)
		if !op {
			sp = j.premultiply(sp)
		}
		dp := j.rgba(sp, dst.Pix, dst.Stride, w, h, op, f)
		if !op && !j.stopped() {
			unpremultiply(dp)
		}
		return dst
	case *image.Paletted:
		dst := image.NewRGBA(image.Rect(0, 0, w, h))
		sp, op := j.paletted(s)
		j.rgba(sp, dst.Pix, dst.Stride, w, h, op, f)
		return dst
	default:
		dst := image.NewRGBA(image.Rect(0, 0, w, h))
		sp := j.generic(src)
		j.rgba(sp, dst.Pix, dst.Stride, w, h, j.skipAlpha(sp, w, h), f)
		return dst
	}
}

// skipAlpha reports whether the alpha channel of the premultiplied plane p,
// to be resized to w x h, is opaque and need not be filtered. The vector
// kernels, used to reduce, filter four channels as fast as three: then
// reading the whole source once more to check would cost more than it saves.
func (j *job) skipAlpha(p plane, w, h int) bool {
	if haveSIMD() && p.w*p.h > w*h {
		return false
	}
	return j.opaque(p)
}

func planeOf(pix []byte, stride int, r image.Rectangle) plane {
	return plane{pix: pix, stride: stride, w: r.Dx(), h: r.Dy()}
}

// rgba resizes premultiplied 4-channel pixels and makes the output a valid
// premultiplied image: no colour above its alpha.
func (j *job) rgba(sp plane, pix []byte, stride, w, h int, opaque bool, f Filter) plane {
	dp := plane{pix: pix, stride: stride, w: w, h: h}
	j.resize(sp, dp, 4, opaque, f)
	if !opaque && f.At != nil && !j.stopped() {
		clampToAlpha(dp)
	}
	return dp
}

// resize resizes a single plane of c channels.
func (j *job) resize(sp, dp plane, c int, opaque bool, f Filter) {
	p := j.add()
	p.src, p.dst, p.c, p.skipAlpha = sp, dp, c, opaque && c == 4
	gx := geometry{scale: float64(sp.w) / float64(dp.w)}
	gy := geometry{scale: float64(sp.h) / float64(dp.h)}
	cost := j.setup(p, 0, gx, gy, f)
	j.execute(cost)
}

// setup computes the weights (or nearest maps) of p into the tables numbered
// t and t+1 and plans it.
func (j *job) setup(p *planeJob, t int, gx, gy geometry, f Filter) float64 {
	if f.At == nil {
		j.maps[t] = grow(j.maps[t], p.dst.w)
		j.maps[t+1] = grow(j.maps[t+1], p.dst.h)
		p.xs, p.ys = j.maps[t], j.maps[t+1]
		for x := range p.xs {
			p.xs[x] = int32(nearestIndex(x, p.src.w, gx.scale, gx.offset) * p.c)
		}
		for y := range p.ys {
			p.ys[y] = int32(nearestIndex(y, p.src.h, gy.scale, gy.offset))
		}
		return p.plan(true, j.order)
	}
	p.wx, p.wy = &j.wts[t], &j.wts[t+1]
	p.idx = p.src.w == p.dst.w && gx.offset == 0
	p.idy = p.src.h == p.dst.h && gy.offset == 0
	if !p.idx {
		p.wx.compute(p.src.w, p.dst.w, gx.scale, gx.offset, f)
	}
	if !p.idy {
		p.wy.compute(p.src.h, p.dst.h, gy.scale, gy.offset, f)
	}
	return p.plan(false, j.order)
}

// ycbcr resizes the three planes of s, each at its own resolution.
func (j *job) ycbcr(s *image.YCbCr, w, h int, f Filter) *image.YCbCr {
	b := s.Rect
	dst := image.NewYCbCr(image.Rect(0, 0, w, h), s.SubsampleRatio)
	fx, fy := subsampling(s.SubsampleRatio)
	gx := geometry{scale: float64(b.Dx()) / float64(w)}
	gy := geometry{scale: float64(b.Dy()) / float64(h)}

	p := j.add()
	p.src = planeOf(s.Y[s.YOffset(b.Min.X, b.Min.Y):], s.YStride, b)
	p.dst = planeOf(dst.Y, dst.YStride, dst.Rect)
	p.c = 1
	cost := j.setup(p, 0, gx, gy, f)

	// Chroma sample i covers luma columns fx*i .. fx*i+fx-1 of the full
	// image, so a sub-image need not start on a chroma boundary. The chroma
	// extent follows image.YCbCr.COffset, including its rounding towards zero
	// for negative coordinates.
	cx0, cy0 := b.Min.X/fx, b.Min.Y/fy
	cw := (b.Max.X-1)/fx - cx0 + 1
	ch := (b.Max.Y-1)/fy - cy0 + 1
	dcw, dch := (w+fx-1)/fx, (h+fy-1)/fy
	cgx := geometry{scale: gx.scale, offset: float64(b.Min.X)/float64(fx) - float64(cx0)}
	cgy := geometry{scale: gy.scale, offset: float64(b.Min.Y)/float64(fy) - float64(cy0)}
	co := s.COffset(b.Min.X, b.Min.Y)
	for i, planes := range [2][2][]byte{{s.Cb, dst.Cb}, {s.Cr, dst.Cr}} {
		q := j.add()
		q.src = plane{pix: planes[0][co:], stride: s.CStride, w: cw, h: ch}
		q.dst = plane{pix: planes[1], stride: dst.CStride, w: dcw, h: dch}
		q.c = 1
		if i == 0 {
			cost += 2 * j.setup(q, 2, cgx, cgy, f)
		} else {
			// Cr uses the same tables as Cb.
			cb := &j.planes[1]
			q.wx, q.wy, q.xs, q.ys, q.idx, q.idy = cb.wx, cb.wy, cb.xs, cb.ys, cb.idx, cb.idy
			q.plan(f.At == nil, j.order)
		}
	}
	j.execute(cost)
	return dst
}

func subsampling(r image.YCbCrSubsampleRatio) (fx, fy int) {
	switch r {
	case image.YCbCrSubsampleRatio422:
		return 2, 1
	case image.YCbCrSubsampleRatio420:
		return 2, 2
	case image.YCbCrSubsampleRatio440:
		return 1, 2
	case image.YCbCrSubsampleRatio411:
		return 4, 1
	case image.YCbCrSubsampleRatio410:
		return 4, 2
	}
	return 1, 1
}

// opaque reports whether every alpha sample of the 4-channel plane p is 255.
func opaque(p plane) bool {
	const mask = 0xff000000ff000000
	n := p.w * 4
	for y := range p.h {
		row := p.pix[y*p.stride:]
		row = row[:n]
		acc := uint64(mask)
		x := 0
		for ; x+8 <= n; x += 8 {
			acc &= binary.LittleEndian.Uint64(row[x : x+8])
		}
		if x < n {
			acc &= uint64(row[x+3]) << 24
		}
		if acc != mask {
			return false
		}
	}
	return true
}

// premultiply converts the non-premultiplied plane p into premultiplied
// pixels in j's conversion buffer.
func (j *job) premultiply(p plane) plane {
	n := p.w * 4
	j.conv = grow(j.conv, n*p.h)
	for y := range p.h {
		s := p.pix[y*p.stride:]
		s = s[:n]
		d := j.conv[y*n : (y+1)*n]
		for x := 0; x+4 <= n; x += 4 {
			px, q := s[x:x+4], d[x:x+4]
			switch a := uint32(px[3]); a {
			case 0xff:
				copy(q, px)
			case 0:
				q[0], q[1], q[2], q[3] = 0, 0, 0, 0
			default:
				q[0] = uint8((uint32(px[0])*a + 127) / 255)
				q[1] = uint8((uint32(px[1])*a + 127) / 255)
				q[2] = uint8((uint32(px[2])*a + 127) / 255)
				q[3] = uint8(a)
			}
		}
	}
	return plane{pix: j.conv, stride: n, w: p.w, h: p.h}
}

// unpremultiply converts the premultiplied plane p to non-premultiplied
// colour in place; transparent pixels become 0, 0, 0, 0.
func unpremultiply(p plane) {
	n := p.w * 4
	for y := range p.h {
		row := p.pix[y*p.stride:]
		row = row[:n]
		for x := 0; x+4 <= n; x += 4 {
			px := row[x : x+4]
			switch a := uint32(px[3]); a {
			case 0xff:
			case 0:
				px[0], px[1], px[2] = 0, 0, 0
			default:
				px[0] = uint8(min((uint32(px[0])*255+a/2)/a, 255))
				px[1] = uint8(min((uint32(px[1])*255+a/2)/a, 255))
				px[2] = uint8(min((uint32(px[2])*255+a/2)/a, 255))
			}
		}
	}
}

// clampToAlpha limits every colour sample of the premultiplied plane p to its
// alpha, as filters with negative lobes can overshoot.
func clampToAlpha(p plane) {
	n := p.w * 4
	for y := range p.h {
		row := p.pix[y*p.stride:]
		row = row[:n]
		for x := 0; x+4 <= n; x += 4 {
			px := row[x : x+4]
			a := px[3]
			px[0], px[1], px[2] = min(px[0], a), min(px[1], a), min(px[2], a)
		}
	}
}

// paletted converts s to premultiplied RGBA pixels and reports whether they
// are all opaque.
func (j *job) paletted(s *image.Paletted) (plane, bool) {
	var lut [256][4]byte
	for i := range lut {
		// Indexes beyond the palette, which image.Paletted.At does not
		// accept, are transparent black.
		if i < len(s.Palette) {
			c := color.RGBAModel.Convert(s.Palette[i]).(color.RGBA)
			lut[i] = [4]byte{c.R, c.G, c.B, c.A}
		}
	}
	b := s.Rect
	w, h := b.Dx(), b.Dy()
	n := w * 4
	j.conv = grow(j.conv, n*h)
	alpha := byte(0xff)
	for y := range h {
		srow := s.Pix[s.PixOffset(b.Min.X, b.Min.Y+y):]
		srow = srow[:w]
		d := j.conv[y*n : (y+1)*n]
		for x, i := range srow {
			c := &lut[i]
			copy(d[4*x:4*x+4], c[:])
			alpha &= c[3]
		}
	}
	return plane{pix: j.conv, stride: n, w: w, h: h}, alpha == 0xff
}

// generic converts any image to premultiplied RGBA pixels with image/draw,
// which has fast paths for the common types.
func (j *job) generic(src image.Image) plane {
	b := src.Bounds()
	w, h := b.Dx(), b.Dy()
	j.conv = grow(j.conv, 4*w*h)
	j.rgbaImg = image.RGBA{Pix: j.conv, Stride: 4 * w, Rect: image.Rect(0, 0, w, h)}
	draw.Draw(&j.rgbaImg, j.rgbaImg.Rect, src, b.Min, draw.Src)
	j.rgbaImg = image.RGBA{}
	return plane{pix: j.conv, stride: 4 * w, w: w, h: h}
}
