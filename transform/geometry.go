package transform

import (
	"fmt"
	"image"
	"math"
)

// Layout says where every output pixel comes from. It is computed from sizes
// and Params alone, before any pixel is decoded, by [PlanLayout].
type Layout struct {
	// Region is the part of the upright source that is resampled.
	Region image.Rectangle
	// Size is what Region is resampled to.
	Size image.Point
	// Canvas is the output size: Size, or larger when the image is padded.
	Canvas image.Point
	// Offset is where the resampled image's top-left corner sits on Canvas.
	Offset image.Point
	// Pad says how the canvas around the image is filled.
	Pad Padding
}

// Padding is how the area of the canvas that the image does not cover is
// filled.
type Padding uint8

// The padding modes.
const (
	PadNone  Padding = iota // the image covers the canvas
	PadColor                // fit=fill and fit=fillmax: a solid colour
	PadEdge                 // fit=clamp: the image's edge pixels, extended
)

// PlanLayout computes the output geometry for an upright source of size src
// (after EXIF orientation, orient, rot and flip) as imgix does, without
// decoding anything: a page can write an output's width and height
// attributes from the source's header ([DecodeConfig]). Rect is applied first,
// then w/h (fractions of the rect), ar, the min/max bounds and dpr, then the
// fit mode. An output side over lim.MaxOutputSide is scaled down (keeping the
// aspect ratio), as when a large dpr is clamped; an output over
// lim.MaxOutputPixels is a [*LimitError], as is a source with a side of 0
// or over the source limits. A rect outside the image is a [*ParamError].
// With only one of w and h given, the bounds on the other side apply to
// the size the fit derives for it. The client hints that [Params.WithHints]
// leaves to the layout are bounded here, against the source's size.
func PlanLayout(src image.Point, p Params, lim Limits) (Layout, error) {
	lim = lim.WithDefaults()
	// A header can claim any size: a side of 0 or a source over the limits
	// is a *LimitError before anything is planned from it.
	if err := lim.checkSource(src.X, src.Y, 1); err != nil {
		return Layout{}, err
	}
	region := image.Rectangle{Max: src}
	if p.Rect != nil {
		r, err := resolveRect(*p.Rect, src)
		if err != nil {
			return Layout{}, err
		}
		region = r
	}
	if region.Empty() {
		return Layout{}, fmt.Errorf("transform: empty source region %v", region)
	}
	dpr := p.DPR
	if p.DPRHint > 0 {
		dpr = p.DPRHint
	}
	if dpr == 0 {
		dpr = 1
	}
	sw, sh := float64(region.Dx()), float64(region.Dy())
	fit := p.Fit
	if fit == "" {
		fit = FitClip
	}
	w, h := requestedBox(p, sw, sh, dpr, fit)
	l := fitBox(region, w, h, fit, p)
	if p.WidthHint > 0 {
		// A width hint only lowers: where min-w, a max-w above the source's
		// width, ar or a fit around a lone h would make the hinted output
		// wider or taller than the URL gives without it, it is ignored.
		plain := p
		plain.WidthHint = 0
		pw, ph := requestedBox(plain, sw, sh, dpr, fit)
		if pl := fitBox(region, pw, ph, fit, plain); l.Canvas.X > pl.Canvas.X || l.Canvas.Y > pl.Canvas.Y {
			w, h, l = pw, ph, pl
		}
	}
	if p.DPRHint > 0 && dpr > 1 {
		// A hinted dpr may not make the output larger than the source: lower
		// it, but not below 1, until neither the image is upscaled nor the
		// canvas is larger than the region.
		f := min(ratio(l.Region.Size(), l.Size), ratio(region.Size(), l.Canvas))
		if f < 1 {
			w, h = requestedBox(p, sw, sh, math.Max(1, dpr*f), fit)
			l = fitBox(region, w, h, fit, p)
		}
	}
	maxSide := float64(lim.MaxOutputSide)
	if longest := float64(max(l.Canvas.X, l.Canvas.Y)); longest > maxSide {
		// Clamp as imgix clamps a large dpr: shrink the requested box (or, with
		// no box, the source's own size) uniformly and fit again.
		f := maxSide / longest
		canvas := l.Canvas
		if w == 0 && h == 0 {
			w, h = sw, sh
		}
		w, h = math.Floor(w*f), math.Floor(h*f)
		l = fitBox(region, w, h, fit, p)
		if max(l.Canvas.X, l.Canvas.Y) > lim.MaxOutputSide {
			// A side too thin to survive the shrinking (w=8192 of a 1x16384
			// source floors to 0): shrink the planned canvas itself.
			cw := math.Max(1, math.Floor(float64(canvas.X)*f))
			ch := math.Max(1, math.Floor(float64(canvas.Y)*f))
			l = fitBox(region, cw, ch, fit, p)
		}
	}
	for _, s := range []struct {
		what string
		v    int
	}{{"output width", l.Canvas.X}, {"output height", l.Canvas.Y}} {
		if s.v > lim.MaxOutputSide {
			return Layout{}, &LimitError{What: s.what, Value: int64(s.v), Max: int64(lim.MaxOutputSide)}
		}
	}
	if px := int64(l.Canvas.X) * int64(l.Canvas.Y); px > lim.MaxOutputPixels {
		return Layout{}, &LimitError{What: "output pixels", Value: px, Max: lim.MaxOutputPixels}
	}
	return l, nil
}

// requestedBox returns the box p asks for, in output pixels at dpr, for a
// region of sw x sh: w and h, then the width hint, the min/max bounds and
// ar. A side of 0 is left to the fit.
func requestedBox(p Params, sw, sh, dpr float64, fit FitMode) (w, h float64) {
	w, h = requested(p.Width, sw)*dpr, requested(p.Height, sh)*dpr
	// Bound the sides that were asked for, derive the others from ar, and
	// bound the result again.
	minW, maxW := float64(p.MinWidth)*dpr, float64(p.MaxWidth)*dpr
	minH, maxH := float64(p.MinHeight)*dpr, float64(p.MaxHeight)*dpr
	if p.WidthHint > 0 {
		// The hint lowers the width the rest of p asks for: w, else max-w,
		// else the source's own width. A fixed height scales with it.
		limit := w
		if limit == 0 {
			limit = maxW
		}
		if limit == 0 {
			limit = sw
		}
		if t := math.Min(float64(p.WidthHint), limit); t != w {
			if w > 0 && h > 0 {
				h *= t / w
			}
			w = t
		}
	}
	w, h = bound(w, minW, maxW), bound(h, minH, maxH)
	if p.AspectRatio > 0 && usesAspectRatio(fit) {
		switch {
		case w > 0 && h > 0: // both sides given: ar has nothing to decide
		case w > 0:
			h = w / p.AspectRatio
		case h > 0:
			w = h * p.AspectRatio
		default: // the largest box of that ratio inside the source, at its own resolution
			w, h = largestBox(sw, sh, p.AspectRatio)
		}
	}
	w, h = bound(w, minW, maxW), bound(h, minH, maxH)
	// With one side asked for, a bound on the other applies to the side the
	// fit derives from the region's shape: fit=crop&h=200&max-w=200 on a
	// landscape photo is 200x200, cropped.
	switch {
	case w > 0 && h == 0:
		if d := w * sh / sw; bound(d, minH, maxH) != d {
			h = bound(d, minH, maxH)
		}
	case h > 0 && w == 0:
		if d := h * sw / sh; bound(d, minW, maxW) != d {
			w = bound(d, minW, maxW)
		}
	}
	return w, h
}

// ratio returns the smaller of a.X/b.X and a.Y/b.Y.
func ratio(a, b image.Point) float64 {
	return math.Min(float64(a.X)/float64(b.X), float64(a.Y)/float64(b.Y))
}

// requested converts a w or h parameter to pixels: 0 stays unset, (0, 1] is a
// fraction of the source side.
func requested(v, side float64) float64 {
	if v > 0 && v <= 1 {
		return math.Max(1, math.Round(v*side))
	}
	return v
}

func usesAspectRatio(f FitMode) bool {
	return f == FitCrop || f == FitFill || f == FitFillMax || f == FitMin
}

// bound clamps a requested side v (0 = unset) into [lo, hi] (0 = no bound).
func bound(v, lo, hi float64) float64 {
	if v == 0 {
		return 0
	}
	if hi > 0 && v > hi {
		v = hi
	}
	if lo > 0 && v < lo {
		v = lo
	}
	return v
}

// largestBox returns the largest w x h with w/h = ratio inside sw x sh.
func largestBox(sw, sh, ratio float64) (w, h float64) {
	if sw/sh > ratio {
		return sh * ratio, sh
	}
	return sw, sw / ratio
}

// fitBox places region into the requested box w x h (0 = unset) by fit.
func fitBox(region image.Rectangle, w, h float64, fit FitMode, p Params) Layout {
	sw, sh := float64(region.Dx()), float64(region.Dy())
	noUpscale := fit == FitMax || fit == FitFillMax || fit == FitMin
	whole := func(scale float64) Layout {
		if noUpscale && scale > 1 {
			scale = 1
		}
		size := image.Pt(side(sw*scale), side(sh*scale))
		return Layout{Region: region, Size: size, Canvas: size}
	}
	switch {
	case w == 0 && h == 0:
		return whole(1)
	case h == 0:
		return whole(w / sw)
	case w == 0:
		return whole(h / sh)
	}
	box := image.Pt(side(w), side(h))
	switch fit {
	case FitScale:
		return Layout{Region: region, Size: box, Canvas: box}
	case FitCrop, FitMin:
		scale := math.Max(w/sw, h/sh)
		if fit == FitMin && scale > 1 {
			// Never upscale: keep the requested aspect ratio at the
			// source's own resolution.
			bw, bh := largestBox(sw, sh, w/h)
			cut := cropRegion(region, image.Pt(side(bw), side(bh)), p)
			return Layout{Region: cut, Size: cut.Size(), Canvas: cut.Size()}
		}
		cut := cropRegion(region, image.Pt(side(w/scale), side(h/scale)), p)
		return Layout{Region: region.Intersect(cut), Size: box, Canvas: box}
	case FitFill, FitFillMax, FitClamp:
		l := whole(math.Min(w/sw, h/sh))
		l.Canvas = box
		l.Offset = anchor(box.Sub(l.Size), p.Crop)
		l.Pad = PadColor
		if fit == FitClamp {
			l.Pad = PadEdge
		}
		if l.Size == l.Canvas {
			l.Pad = PadNone
		}
		return l
	}
	// clip, max
	return whole(math.Min(w/sw, h/sh))
}

// side rounds a computed side length to whole pixels, at least 1.
func side(v float64) int {
	return max(1, int(math.Round(v)))
}

// cropRegion returns the part of region of size want (zoomed in by fp-z with
// crop=focalpoint) that the crop anchors ask for.
func cropRegion(region image.Rectangle, want image.Point, p Params) image.Rectangle {
	want.X, want.Y = min(want.X, region.Dx()), min(want.Y, region.Dy())
	var fp *FocalPoint
	if p.Crop&CropFocalPoint != 0 {
		def := FocalPoint{X: 0.5, Y: 0.5, Z: 1}
		if p.FocalPoint != nil {
			def = *p.FocalPoint
		}
		fp = &def
		if fp.Z > 1 {
			want = image.Pt(side(float64(want.X)/fp.Z), side(float64(want.Y)/fp.Z))
		}
	}
	off := anchor(region.Size().Sub(want), p.Crop)
	if fp != nil {
		// Centre the focal point, then keep the cut inside the image.
		cx := int(math.Round(fp.X*float64(region.Dx()) - float64(want.X)/2))
		cy := int(math.Round(fp.Y*float64(region.Dy()) - float64(want.Y)/2))
		off = image.Pt(clampSpan(cx, 0, region.Dx()-want.X), clampSpan(cy, 0, region.Dy()-want.Y))
	}
	min := region.Min.Add(off)
	return image.Rectangle{Min: min, Max: min.Add(want)}
}

// anchor returns the offset of a box inside a larger one whose sizes differ
// by slack, as the crop anchors say (centre by default).
func anchor(slack image.Point, c CropMode) image.Point {
	off := image.Pt(slack.X/2, slack.Y/2)
	switch {
	case c&CropLeft != 0:
		off.X = 0
	case c&CropRight != 0:
		off.X = slack.X
	}
	switch {
	case c&CropTop != 0:
		off.Y = 0
	case c&CropBottom != 0:
		off.Y = slack.Y
	}
	return off
}

func clampSpan(v, lo, hi int) int {
	return max(lo, min(v, hi))
}

// resolveRect turns rect=x,y,w,h into pixels of the upright source and
// clips it to the image; a rect with nothing inside the image is an error.
func resolveRect(r Rect, src image.Point) (image.Rectangle, error) {
	px := func(v float64, bit uint8, full int) float64 {
		if r.Fraction&(1<<bit) != 0 {
			return v * float64(full)
		}
		return v
	}
	w := math.Round(px(r.W, 2, src.X))
	h := math.Round(px(r.H, 3, src.Y))
	x := px(r.X, 0, src.X)
	y := px(r.Y, 1, src.Y)
	switch r.XAlign {
	case "center":
		x = (float64(src.X) - w) / 2
	case "right":
		x = float64(src.X) - w
	case "left":
		x = 0
	}
	switch r.YAlign {
	case "middle":
		y = (float64(src.Y) - h) / 2
	case "bottom":
		y = float64(src.Y) - h
	case "top":
		y = 0
	}
	x, y = math.Round(x), math.Round(y)
	// Work in float64 first: a huge rect must not overflow int arithmetic.
	if x >= float64(src.X) || y >= float64(src.Y) || x+w <= 0 || y+h <= 0 || w < 1 || h < 1 {
		return image.Rectangle{}, &ParamError{Param: "rect", Value: formatRect(&r),
			Reason: fmt.Sprintf("the region is outside the %dx%d image", src.X, src.Y)}
	}
	clip := func(v float64, hi int) int { return int(math.Max(0, math.Min(v, float64(hi)))) }
	return image.Rect(clip(x, src.X), clip(y, src.Y), clip(x+w, src.X), clip(y+h, src.Y)), nil
}
