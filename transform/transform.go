package transform

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"io"
)

// Options configures [Render]. A nil *Options, and every zero field, means
// the default.
type Options struct {
	// Limits bounds the source and the output; see [Limits].
	Limits Limits
	// Kernel resamples the image; the zero Kernel means [Lanczos3].
	Kernel Kernel
	// AVIF enables AVIF output (fm=avif). It is off by default because
	// encoding AVIF is slow: several times slower than WebP, plus seconds
	// for the first encode in a process (see [WarmUpAVIF]). When it is off,
	// asking for AVIF is a [*ParamError].
	AVIF bool
}

// Info describes a rendered image.
type Info struct {
	Format        Format // the output format
	Width, Height int    // the output size
	Bytes         int64  // the encoded size
	Source        Config // the source as its header describes it
	// Decoder names the decoder that read the source: "jpeg 1/4" for
	// Rendition's JPEG decoder at a quarter of the size (shrink-on-load),
	// "image/jpeg (reason)" when a JPEG needed the standard library's
	// decoder, or the format's name for other formats.
	Decoder string
}

// ContentType returns the output's MIME type.
func (i Info) ContentType() string { return i.Format.ContentType() }

// Transform reads an image from r, applies p and writes the encoded result to
// w, with the default [Limits] and kernel. Reading stops at the source byte
// limit. See [Render] for the steps and the errors.
func Transform(ctx context.Context, w io.Writer, r io.Reader, p Params) (Info, error) {
	lim := Limits{}.WithDefaults()
	src, err := io.ReadAll(io.LimitReader(r, lim.MaxSourceBytes+1))
	if err != nil {
		return Info{}, fmt.Errorf("transform: read source: %w", err)
	}
	return Render(ctx, w, src, p, nil)
}

// Render applies p to the encoded image src and writes the result to w. It is
// the whole pipeline, in order: read the header and check the limits, plan
// the geometry, decode, resample the needed region, orient, pad or flatten,
// encode. Nothing is written to w unless encoding succeeds.
//
// Errors: a [*ParamError] for parameters that do not fit this image, a
// [*LimitError] (errors.Is [ErrLimit]) for sources or outputs over the
// limits, [ErrUnknownFormat] for data that is not a supported image, and
// errors wrapping [ErrDecode] for corrupt images; ctx's error if it is done.
// The render checks ctx and [Limits].MaxRenderTime as it goes and stops soon
// after either ends (see the package documentation); a render over the time
// limit is a [*LimitError] too. Render is safe for concurrent use.
func Render(ctx context.Context, w io.Writer, src []byte, p Params, opts *Options) (Info, error) {
	return RenderChain(ctx, w, src, []Params{p}, opts)
}

// RenderChain is [Render] for a chain of steps applied in order, as
// ImageKit's chained transformations (tr=w-400:rt-90): each step's geometry
// is planned on the previous step's output, and only the first step sees the
// source's EXIF orientation. The output's format, quality, lossless flag and
// background are those of the last step that sets them. An empty chain is
// one step with no parameters. Every step is planned from the source's
// header before decoding: a chain whose outputs add up to more than
// [Limits].MaxChainPixels is refused then.
func RenderChain(ctx context.Context, w io.Writer, src []byte, steps []Params, opts *Options) (Info, error) {
	if len(steps) == 0 {
		steps = []Params{{}}
	}
	var o Options
	if opts != nil {
		o = *opts
	}
	o.Limits = o.Limits.WithDefaults()
	if o.Kernel.Name == "" && o.Kernel.At == nil {
		o.Kernel = Lanczos3
	}

	out := outputOf(steps)
	if out.Format == AVIF && !o.AVIF {
		return Info{}, &ParamError{Param: "fm", Value: string(AVIF), Reason: "AVIF output is not enabled on this server"}
	}

	cfg, err := DecodeConfig(src)
	if err != nil {
		return Info{}, err
	}
	// Plan every step from the header, so that an output over the limits
	// is refused before a pixel is decoded.
	plan, err := planChain(cfg, steps, o.Limits)
	if err != nil {
		return Info{}, err
	}
	last := plan[len(plan)-1].layout.Canvas
	if err := o.Limits.checkEncode(outputFormat(out, cfg.Format, nil), out.Lossless, int64(last.X)*int64(last.Y)); err != nil {
		return Info{}, err
	}
	b := newBudget(ctx, o.Limits.MaxRenderTime)
	if err := b.check(); err != nil {
		return Info{}, err
	}
	img, decoder, err := decodeFor(src, cfg, plan[0], o.Limits, b)
	if err != nil {
		return Info{}, err
	}
	// Without a format asked for, an image decoded with transparency may
	// need one other than the one predicted above.
	format := outputFormat(out, cfg.Format, img)
	if err := o.Limits.checkEncode(format, out.Lossless, int64(last.X)*int64(last.Y)); err != nil {
		return Info{}, err
	}
	for _, s := range plan {
		if img, err = s.apply(img, o.Kernel, format, b); err != nil {
			return Info{}, err
		}
	}

	var buf bytes.Buffer
	err = b.encode(&buf, img, format, &EncodeOptions{
		Quality:    quality(out),
		Lossless:   out.Lossless,
		Background: background(out.Background),
	})
	if err != nil {
		return Info{}, err
	}
	n, err := buf.WriteTo(w)
	size := img.Bounds().Size()
	info := Info{Format: format, Width: size.X, Height: size.Y, Bytes: n, Source: cfg, Decoder: decoder}
	if err != nil {
		return info, fmt.Errorf("transform: write output: %w", err)
	}
	return info, nil
}

// planChain plans every step of a chain on the source described by cfg:
// each step on the previous one's output, only the first with the EXIF
// orientation. It refuses a chain whose outputs add up to more than
// lim.MaxChainPixels.
func planChain(cfg Config, steps []Params, lim Limits) ([]step, error) {
	plan := make([]step, len(steps))
	size, exif := image.Pt(cfg.Width, cfg.Height), cfg.Orientation
	var total int64
	for i, p := range steps {
		s, err := planStep(size, exif, p, lim)
		if err != nil {
			return nil, err
		}
		plan[i] = s
		size, exif = s.layout.Canvas, 1
		// Each step is within MaxOutputPixels: the sum cannot overflow.
		total += int64(size.X) * int64(size.Y)
	}
	if len(steps) > 1 && total > lim.MaxChainPixels {
		return nil, &LimitError{What: "chain pixels", Value: total, Max: lim.MaxChainPixels}
	}
	return plan, nil
}

// step is one planned transformation: how a raw image of a known size is
// oriented and laid out.
type step struct {
	p       Params
	orient  orientation
	upright image.Point // the raw size once oriented
	layout  Layout
}

// planStep plans p for a raw image of size raw carrying EXIF orientation
// exif (1 for the output of an earlier step).
func planStep(raw image.Point, exif int, p Params, lim Limits) (step, error) {
	s := step{p: p, orient: userOrientation(exif, p)}
	s.upright = s.orient.size(raw)
	var err error
	s.layout, err = PlanLayout(s.upright, p, lim)
	return s, err
}

// apply runs the step on img, for an output in format f, while b lasts.
func (s step) apply(img image.Image, k Kernel, f Format, b *budget) (image.Image, error) {
	img, err := resample(img, s.orient, s.upright, s.layout, k, b)
	if err != nil {
		return nil, err
	}
	if err := b.check(); err != nil {
		return nil, err
	}
	img = orient(img, s.orient.exif(), b.check)
	if err := b.check(); err != nil {
		return nil, err
	}
	img = compose(img, s.layout, s.p, f, b.check)
	return img, b.check()
}

// outputOf merges the output settings of a chain: for each, the last step
// that sets it wins.
func outputOf(steps []Params) Params {
	var out Params
	for _, p := range steps {
		if p.Format != "" {
			out.Format = p.Format
		}
		if p.Quality != 0 {
			out.Quality = p.Quality
		}
		if p.Background != nil {
			out.Background = p.Background
		}
		out.Lossless = out.Lossless || p.Lossless
		out.Auto |= p.Auto
	}
	return out
}

// resample cuts the layout's region out of the raw (not yet oriented) image
// and scales it, so that orienting the result gives layout.Size. Working in
// raw coordinates lets orientation run on the small output, not the source.
func resample(img image.Image, o orientation, upright image.Point, l Layout, k Kernel, bud *budget) (image.Image, error) {
	// The image may have been decoded smaller than the header said
	// (shrink-on-load): map the region onto the size it has.
	b := img.Bounds()
	region := scaleRect(o.rawRect(l.Region, upright), o.size(upright), b.Size()).Add(b.Min)
	size := o.size(l.Size) // o.size swaps back to raw axes: transposing is its own inverse
	img = subImage(img, region)
	if size == region.Size() {
		return img, nil
	}
	return resize(img, size.X, size.Y, k, bud.check)
}

func quality(p Params) int {
	if p.Quality != 0 {
		return p.Quality
	}
	return defaultQualityFor(p.Auto)
}

func background(c *color.NRGBA) color.Color {
	if c == nil {
		return nil
	}
	return *c
}

// opaque reports whether img is known to have no transparent pixels.
func opaque(img image.Image) bool {
	if o, ok := img.(interface{ Opaque() bool }); ok {
		return o.Opaque()
	}
	return false
}

// compose places img on the layout's canvas and applies the background: the
// padding colour for fit=fill, the edge pixels for fit=clamp, and bg behind
// transparent pixels. It is abandoned part way when check (if not nil)
// fails: a caller that passes a check must call it again and drop the
// result if it fails.
func compose(img image.Image, l Layout, p Params, f Format, check func() error) image.Image {
	bg := p.Background
	if l.Pad == PadNone && (bg == nil || opaque(img)) {
		return img
	}
	canvas := image.NewRGBA(image.Rectangle{Max: l.Canvas})
	if fill := padColor(p, f); l.Pad == PadColor && fill.A != 0 {
		drawBands(canvas, canvas.Bounds(), image.NewUniform(fill), image.Point{}, draw.Src, check)
	}
	r := image.Rectangle{Min: l.Offset, Max: l.Offset.Add(l.Size)}
	if bg != nil && bg.A != 0 {
		// bg is what shows through the image's transparent pixels.
		drawBands(canvas, r, image.NewUniform(*bg), image.Point{}, draw.Over, check)
	}
	drawBands(canvas, r, img, img.Bounds().Min, draw.Over, check)
	if l.Pad == PadEdge {
		extendEdges(canvas, r, check)
	}
	return canvas
}

// drawBands is draw.Draw in bands of checkRows rows, stopping when check
// (if not nil) fails.
func drawBands(dst draw.Image, r image.Rectangle, src image.Image, sp image.Point, op draw.Op, check func() error) {
	for y := r.Min.Y; y < r.Max.Y; y += checkRows {
		if check != nil && check() != nil {
			return
		}
		band := image.Rect(r.Min.X, y, r.Max.X, min(y+checkRows, r.Max.Y))
		draw.Draw(dst, band, src, sp.Add(image.Pt(0, y-r.Min.Y)), op)
	}
}

// padColor is the colour of fit=fill's padding: fill-color, else bg, else
// transparent where the format has alpha and white where it has none.
func padColor(p Params, f Format) color.NRGBA {
	switch {
	case p.FillColor != nil:
		return *p.FillColor
	case p.Background != nil:
		return *p.Background
	case f.HasAlpha():
		return color.NRGBA{}
	}
	return color.NRGBA{R: 255, G: 255, B: 255, A: 255}
}

// extendEdges fills the canvas outside r with the nearest pixel of r,
// stopping when check (if not nil) fails.
func extendEdges(c *image.RGBA, r image.Rectangle, check func() error) {
	b := c.Bounds()
	rowBytes := r.Dx() * 4
	for y := b.Min.Y; y < b.Max.Y; y++ {
		if y%checkRows == 0 && check != nil && check() != nil {
			return
		}
		sy := clampSpan(y, r.Min.Y, r.Max.Y-1)
		src := c.Pix[c.PixOffset(r.Min.X, sy):]
		row := c.Pix[c.PixOffset(0, y):]
		if sy != y {
			copy(row[r.Min.X*4:r.Min.X*4+rowBytes], src[:rowBytes])
		}
		left, right := row[r.Min.X*4:r.Min.X*4+4], row[(r.Max.X-1)*4:r.Max.X*4]
		for x := 0; x < r.Min.X; x++ {
			copy(row[x*4:], left)
		}
		for x := r.Max.X; x < b.Max.X; x++ {
			copy(row[x*4:], right)
		}
	}
}
