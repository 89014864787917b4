package transform

import (
	"context"
	"image"
	"io"
	"time"
)

// budget is what one render may still spend: it runs out when the caller's
// context is done (nobody waits for the image any more) or when the render
// has run for longer than Limits.MaxRenderTime. Every stage of a render
// checks it often: the JPEG decoder before each row of MCUs, the resampler
// between bands of a few milliseconds, the Go encoders on each write of a
// few KiB, and the render between its passes. A budget is safe for
// concurrent use: the decoder and the resampler check it from several
// goroutines.
type budget struct {
	ctx   context.Context
	start time.Time
	max   time.Duration
}

func newBudget(ctx context.Context, max time.Duration) *budget {
	return &budget{ctx: ctx, start: time.Now(), max: max}
}

// check returns the context's error once it is done, a [*LimitError] once
// the render has run for longer than its limit, and nil otherwise. It costs
// an atomic load and a read of the clock.
func (b *budget) check() error {
	if err := b.ctx.Err(); err != nil {
		return err
	}
	if d := time.Since(b.start); d > b.max {
		return &LimitError{What: whatRenderTime, Value: d.Milliseconds(), Max: b.max.Milliseconds()}
	}
	return nil
}

// encode is [Encode] with the default number of colours, stopped when the
// budget runs out. The Go encoders
// (JPEG, PNG, GIF) write as they go, through buffers of a few KiB, to a
// writer that checks the budget on each write; when it has run out the
// writer unwinds the encoder with a panic that encode recovers. An error
// would not do: image/jpeg ignores write errors until it has encoded the
// whole image. libwebp and libavif write only once they are done and
// cannot be stopped; Limits.MaxLosslessWebPPixels and Limits.MaxAVIFPixels
// bound their work instead.
func (b *budget) encode(w io.Writer, img image.Image, f Format, o *EncodeOptions) (err error) {
	if err := b.check(); err != nil {
		return err
	}
	if f == WebP || f == AVIF {
		return Encode(w, img, f, o)
	}
	if p, ok := img.(*image.Paletted); f == GIF && (!ok || len(p.Palette) > 256) {
		// Quantising, which Encode would do first, checks b too.
		if img, err = quantizeCheck(img, 256, b.check); err != nil {
			return err
		}
	}
	defer func() {
		if r := recover(); r != nil {
			s, ok := r.(stopEncode)
			if !ok {
				panic(r)
			}
			err = s.err
		}
	}()
	return Encode(stopWriter{w: w, b: b}, img, f, o)
}

// stopWriter writes to w while b lasts; see [budget.encode].
type stopWriter struct {
	w io.Writer
	b *budget
}

// stopEncode is the panic with which a stopWriter unwinds an encoder.
type stopEncode struct{ err error }

func (s stopWriter) Write(p []byte) (int, error) {
	if err := s.b.check(); err != nil {
		panic(stopEncode{err})
	}
	return s.w.Write(p)
}
