package transform

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/png"
	"io"
	"strings"
	"testing"
	"time"
)

// corruptScan keeps a JPEG's headers and replaces its entropy-coded data
// with garbage, so that a render that decoded it would fail with ErrDecode:
// one that fails with a LimitError was refused before decoding.
func corruptScan(t *testing.T, jpg []byte) []byte {
	t.Helper()
	i := bytes.LastIndex(jpg, []byte{0xff, 0xda})
	if i < 0 {
		t.Fatal("no SOS marker")
	}
	out := append([]byte(nil), jpg[:i+20]...)
	return append(out, bytes.Repeat([]byte{0xff, 0x00, 0x17}, 1000)...)
}

// TestLosslessWebPRefused: a lossless WebP the size of the uninterruptible
// 36s encode is refused by its pixel limit, before the source is decoded;
// so are large lossy WebP and AVIF outputs. Raising the limits lets the
// plan through.
func TestLosslessWebPRefused(t *testing.T) {
	src := readTestdata(t, "phone-note10-exif6.jpg")
	for _, tc := range []struct {
		p    Params
		what string
	}{
		{Params{Width: 8192, Height: 6102, Fit: FitScale, Format: WebP, Lossless: true}, "lossless WebP pixels"},
		{Params{Width: 8192, Height: 6102, Fit: FitScale, Format: WebP}, "WebP pixels"},
		{Params{Width: 4000, Height: 3000, Fit: FitScale, Format: AVIF}, "AVIF pixels"},
		{Params{Width: 4000, Height: 3000, Fit: FitScale, Format: AVIF, Lossless: true}, "AVIF pixels"},
	} {
		for _, data := range [][]byte{src, corruptScan(t, src)} {
			_, err := Render(context.Background(), io.Discard, data, tc.p, &Options{AVIF: true})
			var le *LimitError
			if !errors.As(err, &le) || le.What != tc.what {
				t.Fatalf("%+v: got %v, want a LimitError on %s", tc.p, err, tc.what)
			}
		}
		// With the limit raised, the corrupt source gets as far as decoding.
		lim := Limits{MaxLosslessWebPPixels: 1 << 40, MaxWebPPixels: 1 << 40, MaxAVIFPixels: 1 << 40}
		_, err := Render(context.Background(), io.Discard, corruptScan(t, src), tc.p, &Options{AVIF: true, Limits: lim})
		if !errors.Is(err, ErrDecode) {
			t.Fatalf("%+v with the limits raised: got %v, want ErrDecode", tc.p, err)
		}
	}
	// A small lossless WebP is within the limit.
	if _, err := Render(context.Background(), io.Discard, src, Params{Width: 400, Format: WebP, Lossless: true}, nil); err != nil {
		t.Fatal(err)
	}
}

// tinyPNG is a 4x3 PNG of under 100 bytes.
func tinyPNG(t *testing.T) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 4, 3))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// chainTo50MP is ten steps from a 4x3 image up to 8160x6120 pixels, each
// within the per-step limits.
func chainTo50MP() []Params {
	var steps []Params
	for i := 1; i <= 10; i++ {
		steps = append(steps, Params{Width: float64(816 * i)})
	}
	return steps
}

// TestChainPixelsRefused: a chain of upscales whose steps are each within
// the output limits, but whose outputs add up to several times them, is
// refused before anything is decoded.
func TestChainPixelsRefused(t *testing.T) {
	src := tinyPNG(t)
	if len(src) > 100 {
		t.Fatalf("the PNG has %d bytes", len(src))
	}
	// Corrupt the image data after the header: decoding would fail.
	corrupt := append([]byte(nil), src...)
	corrupt = append(corrupt[:40], bytes.Repeat([]byte{0x42}, 40)...)
	for _, data := range [][]byte{src, corrupt} {
		_, err := RenderChain(context.Background(), io.Discard, data, chainTo50MP(), nil)
		var le *LimitError
		if !errors.As(err, &le) || le.What != "chain pixels" || le.Max != 50_000_000 || le.Value < 150_000_000 {
			t.Fatalf("got %v, want a LimitError on chain pixels", err)
		}
	}
	// The last step alone is allowed, and so is a short chain.
	steps := chainTo50MP()
	cfg, err := DecodeConfig(src)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := planChain(cfg, steps[9:], Limits{}.WithDefaults()); err != nil {
		t.Fatalf("the last step alone: %v", err)
	}
	if _, err := RenderChain(context.Background(), io.Discard, src, steps[:2], nil); err != nil {
		t.Fatalf("two steps: %v", err)
	}
}

// TestRenderCancelled cancels renders that are allowed but long: RenderChain
// must return context.Canceled soon after, from whichever stage it is in
// (decoding, resampling, encoding). The bound is generous, for a busy
// machine; a render that did not stop would take many seconds.
func TestRenderCancelled(t *testing.T) {
	src := readTestdata(t, "seeding-cc0.jpg") // 5312x2988, progressive
	for _, tc := range []struct {
		name  string
		after time.Duration
		p     Params
	}{
		{"upscale to JPEG", 200 * time.Millisecond, Params{Width: 8192, Fit: FitScale, Format: JPEG, Quality: 95}},
		{"upscale to PNG", 200 * time.Millisecond, Params{Width: 8192, Fit: FitScale, Format: PNG}},
		{"upscale to GIF", 200 * time.Millisecond, Params{Width: 8192, Fit: FitScale, Format: GIF}},
		{"rotate and pad", 200 * time.Millisecond, Params{Width: 8192, Height: 6000, Fit: FitFill, Rotate: 90, Format: JPEG}},
		{"decode", 20 * time.Millisecond, Params{Width: 5312, Format: JPEG}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			stopsWithin(t, tc.after, func(ctx context.Context) error {
				_, err := Render(ctx, io.Discard, src, tc.p, nil)
				return err
			})
		})
	}
}

// TestRenderTimeLimit stops a render that runs over MaxRenderTime with a
// LimitError, through the same checks as a cancel.
func TestRenderTimeLimit(t *testing.T) {
	src := readTestdata(t, "seeding-cc0.jpg")
	start := time.Now()
	_, err := Render(context.Background(), io.Discard, src, Params{Width: 8192, Fit: FitScale, Format: JPEG},
		&Options{Limits: Limits{MaxRenderTime: 100 * time.Millisecond}})
	var le *LimitError
	if !errors.As(err, &le) || le.What != "render milliseconds" || le.Max != 100 || le.Value < 100 ||
		!errors.Is(err, ErrRenderTime) || !errors.Is(err, ErrLimit) {
		t.Fatalf("got %v, want a LimitError on render milliseconds", err)
	}
	if !strings.Contains(err.Error(), "over the limit of 100") {
		t.Errorf("message %q", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("stopped after %v", d)
	}
}

// TestRenderCancelledBefore: a context cancelled before the render starts
// stops it before decoding, whatever the decoder.
func TestRenderCancelledBefore(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, src := range [][]byte{readTestdata(t, "seeding-cc0.jpg"), tinyPNG(t)} {
		if _, err := Render(ctx, io.Discard, src, Params{Width: 100}, nil); !errors.Is(err, context.Canceled) {
			t.Fatalf("got %v, want context.Canceled", err)
		}
	}
}

// stopsWithin runs f with a context cancelled after the given delay and
// requires it to return context.Canceled within a second of the cancel.
func stopsWithin(t *testing.T, after time.Duration, f func(ctx context.Context) error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- f(ctx) }()
	time.Sleep(after)
	cancel()
	cancelled := time.Now()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("got %v, want context.Canceled", err)
		}
		t.Logf("stopped %v after the cancel", time.Since(cancelled))
	case <-time.After(time.Second):
		t.Fatal("went on for more than a second after the context was cancelled")
	}
}

// cancelAfter is a writer that cancels a context once n bytes have been
// written to it, and counts them.
type cancelAfter struct {
	n, written int
	cancel     context.CancelFunc
}

func (c *cancelAfter) Write(p []byte) (int, error) {
	c.written += len(p)
	if c.written >= c.n {
		c.cancel()
	}
	return len(p), nil
}

// TestEncodeStops cancels the Go encoders in the middle of a large image,
// once they have written 8 KiB: each must stop at its next write, long
// before the end of its output. GIF's quantiser, which writes nothing, is
// stopped by a context cancelled before it starts.
func TestEncodeStops(t *testing.T) {
	src, _, err := Decode(readTestdata(t, "seeding-cc0.jpg"), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	src = Resize(src, 1200, 676, Lanczos3)
	rgba := ycbcrToRGBA(src.(*image.YCbCr))
	for _, tc := range []struct {
		f   Format
		img image.Image
	}{{JPEG, src}, {JPEG, rgba}, {PNG, rgba}, {GIF, rgba}} {
		t.Run(string(tc.f), func(t *testing.T) {
			var full bytes.Buffer
			if err := Encode(&full, tc.img, tc.f, nil); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			w := &cancelAfter{n: 8 << 10, cancel: cancel}
			err := newBudget(ctx, time.Hour).encode(w, tc.img, tc.f, nil)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("got %v, want context.Canceled", err)
			}
			if w.written > full.Len()/4 {
				t.Fatalf("wrote %d bytes of %d after the cancel at 8 KiB", w.written, full.Len())
			}
			t.Logf("stopped at %d bytes of %d", w.written, full.Len())
		})
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var calls int
	_, err = quantizeCheck(rgba, 256, func() error { calls++; return ctx.Err() })
	if !errors.Is(err, context.Canceled) || calls != 1 {
		t.Fatalf("quantiser: %v after %d checks, want context.Canceled after one", err, calls)
	}
}

// TestResizeStops cancels a large enlargement in the resampler.
func TestResizeStops(t *testing.T) {
	src, _, err := Decode(readTestdata(t, "seeding-cc0.jpg"), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	stopsWithin(t, 50*time.Millisecond, func(ctx context.Context) error {
		_, err := resize(src, 8192, 4608, Lanczos3, newBudget(ctx, time.Hour).check)
		return err
	})
}

// failAfter returns a check that fails from its nth call on, and the
// number of calls made.
func failAfter(n int64) (func() error, *int64) {
	var calls int64
	return func() error {
		calls++
		if calls >= n {
			return context.Canceled
		}
		return nil
	}, &calls
}

// TestPassesStop: orienting, padding and extending edges stop at the first
// failed check, leaving most of a large image undone. Each later plane or
// pass checks once more and stops at once.
func TestPassesStop(t *testing.T) {
	const w, h = 2048, 1536
	imgs := []image.Image{
		image.NewRGBA(image.Rect(0, 0, w, h)),
		image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420),
		image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio411), // turned through RGBA
		image.NewGray(image.Rect(0, 0, w, h)),
	}
	for _, img := range imgs {
		for _, o := range []int{3, 6} {
			check, calls := failAfter(2)
			orient(img, o, check)
			if *calls > 2+2 {
				t.Errorf("%T orientation %d: %d checks, want the pass to stop at the 2nd", img, o, *calls)
			}
			all, total := failAfter(1 << 40)
			orient(img, o, all)
			if *total < h/checkRows/2 {
				t.Errorf("%T orientation %d: %d checks over the whole pass", img, o, *total)
			}
		}
	}
	src := image.NewNRGBA(image.Rect(0, 0, w, h))
	for _, l := range []Layout{
		{Size: image.Pt(w, h), Canvas: image.Pt(w, 2*h), Offset: image.Pt(0, h/2), Pad: PadColor},
		{Size: image.Pt(w, h), Canvas: image.Pt(w, 2*h), Offset: image.Pt(0, h/2), Pad: PadEdge},
	} {
		check, calls := failAfter(2)
		compose(src, l, Params{}, PNG, check)
		if *calls > 2+2 {
			t.Errorf("pad %v: %d checks, want the pass to stop at the 2nd", l.Pad, *calls)
		}
	}
}

// TestOnlyTheTimeLimitIsErrRenderTime: a size limit is ErrLimit alone.
func TestOnlyTheTimeLimitIsErrRenderTime(t *testing.T) {
	size := error(&LimitError{What: "source pixels", Value: 2, Max: 1})
	if !errors.Is(size, ErrLimit) || errors.Is(size, ErrRenderTime) {
		t.Errorf("%v: ErrLimit %v, ErrRenderTime %v; want true, false", size, errors.Is(size, ErrLimit), errors.Is(size, ErrRenderTime))
	}
}
