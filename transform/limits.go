package transform

import (
	"errors"
	"fmt"
	"math"
	"time"
)

// Limits bounds the work done for one image. A zero field means its default,
// so the zero Limits is the default set; [Limits.WithDefaults] fills them in.
// Limits is a plain value, safe to copy and to share between goroutines.
type Limits struct {
	// MaxSourcePixels bounds width x height of the source; for animations
	// it bounds the sum over all frames. Default 50,000,000.
	MaxSourcePixels int64
	// MaxSourceSide bounds the source's width and its height. Default
	// 16384. A side of 0 is always refused.
	MaxSourceSide int
	// MaxSourceBytes bounds the size of the encoded source. Default 40 MiB.
	MaxSourceBytes int64
	// MaxFrames bounds the number of frames of an animation. Default 100.
	MaxFrames int
	// MaxOutputPixels bounds width x height of the output. Default
	// 50,000,000. Output limits are checked when the output size is
	// planned, not by Decode.
	MaxOutputPixels int64
	// MaxOutputSide bounds the output's width and its height. Default 8192.
	MaxOutputSide int
	// MaxChainPixels bounds the output pixels of a chain of steps
	// (ImageKit's tr=w-400:rt-90), summed over the steps: each step,
	// upscales in the middle of a chain included, costs in proportion to
	// the pixels it writes. Default 50,000,000, as MaxOutputPixels: a
	// chain may do about the work of one render of the largest output. A
	// single step is bounded by MaxOutputPixels alone.
	MaxChainPixels int64
	// MaxLosslessWebPPixels bounds width x height of a lossless WebP
	// output. libwebp cannot be interrupted once it has started, and its
	// lossless mode is slow. On a 2-core AMD EPYC server
	// (BenchmarkEncodePixels, CPU time, a detailed photograph) it took
	// 2.6s for 0.5 MP, 2.3s for 1 MP and 6.6s for 2 MP; an enlarged
	// photograph, smoother, costs about 0.7s per MP (36s for 50 MP).
	// Default 1,000,000 (1000x1000): about 2s.
	MaxLosslessWebPPixels int64
	// MaxWebPPixels bounds width x height of a lossy WebP output. libwebp
	// cannot be interrupted; its lossy mode took 0.11s of CPU per MP on
	// the same server and photograph, so the largest output (50 MP) would
	// run for 5.5s. Default 16,000,000: about 2s.
	MaxWebPPixels int64
	// MaxAVIFPixels bounds width x height of an AVIF output, lossy or
	// lossless. libavif cannot be interrupted once it has started; on the
	// same server and photograph it took 0.55 to 0.85s of CPU per MP lossy
	// and 1.1 to 1.3s lossless. Default 2,000,000: about 1.5s lossy and
	// 2.5s lossless.
	MaxAVIFPixels int64
	// MaxRenderTime bounds the wall time of one render, from the header
	// check to the encoded output. A render over it stops at its next
	// check, within milliseconds, with a [*LimitError] ("render
	// milliseconds"); libwebp and libavif, which cannot be stopped, run to
	// their end first. Default 30s: on a 2-core AMD EPYC server the
	// slowest ordinary render within the other limits, a 50 MP JPEG
	// from a large JPEG, adds up to 6 to 9s of CPU over its stages'
	// benchmarks (the encode alone 0.09 to 0.11s per MP), and a busy
	// machine (a render per core, other work beside) stretches wall time
	// well beyond CPU time. Renders that cost more, such as a 50 MP PNG
	// (0.4 to 0.65s per MP, 20 to 30s), are cut at 30s.
	MaxRenderTime time.Duration
}

// The defaults of [Limits].
const (
	defaultMaxSourcePixels = 50_000_000
	defaultMaxSourceSide   = 16384
	defaultMaxSourceBytes  = 40 << 20
	defaultMaxFrames       = 100
	defaultMaxOutputPixels = 50_000_000
	defaultMaxOutputSide   = 8192

	defaultMaxChainPixels        = defaultMaxOutputPixels
	defaultMaxLosslessWebPPixels = 1_000_000
	defaultMaxWebPPixels         = 16_000_000
	defaultMaxAVIFPixels         = 2_000_000
	defaultMaxRenderTime         = 30 * time.Second
)

// WithDefaults returns l with every zero (or negative) field replaced by its
// default.
func (l Limits) WithDefaults() Limits {
	if l.MaxSourcePixels <= 0 {
		l.MaxSourcePixels = defaultMaxSourcePixels
	}
	if l.MaxSourceSide <= 0 {
		l.MaxSourceSide = defaultMaxSourceSide
	}
	if l.MaxSourceBytes <= 0 {
		l.MaxSourceBytes = defaultMaxSourceBytes
	}
	if l.MaxFrames <= 0 {
		l.MaxFrames = defaultMaxFrames
	}
	if l.MaxOutputPixels <= 0 {
		l.MaxOutputPixels = defaultMaxOutputPixels
	}
	if l.MaxOutputSide <= 0 {
		l.MaxOutputSide = defaultMaxOutputSide
	}
	if l.MaxChainPixels <= 0 {
		l.MaxChainPixels = defaultMaxChainPixels
	}
	if l.MaxLosslessWebPPixels <= 0 {
		l.MaxLosslessWebPPixels = defaultMaxLosslessWebPPixels
	}
	if l.MaxWebPPixels <= 0 {
		l.MaxWebPPixels = defaultMaxWebPPixels
	}
	if l.MaxAVIFPixels <= 0 {
		l.MaxAVIFPixels = defaultMaxAVIFPixels
	}
	if l.MaxRenderTime <= 0 {
		l.MaxRenderTime = defaultMaxRenderTime
	}
	return l
}

// Errors returned by [Decode], [DecodeConfig] and the rest of the package.
// Check them with [errors.Is]; the errors returned usually wrap one of them
// with more detail.
var (
	// ErrLimit means the source or the output is over one of the [Limits].
	// The error is then a [*LimitError].
	ErrLimit = errors.New("transform: image over a limit")
	// ErrRenderTime means a render ran longer than Limits.MaxRenderTime and
	// was stopped. The error is also a [*LimitError] and ErrLimit; unlike
	// the other limits it depends on how busy the machine was, so the
	// answer is worth retrying and not worth caching.
	ErrRenderTime = errors.New("transform: render over its time limit")
	// ErrDecode means the data claims to be an image in a known format
	// but cannot be decoded.
	ErrDecode = errors.New("transform: image cannot be decoded")
	// ErrUnknownFormat means the data is not in an image format Rendition
	// reads.
	ErrUnknownFormat = errors.New("transform: unknown image format")
)

// LimitError reports a value over one of the [Limits], or a side of 0.
// errors.Is(err, ErrLimit) is true for every LimitError.
type LimitError struct {
	// What names the measure: "source pixels", "source width", "source
	// height", "source bytes", "frames", "output pixels", "output width",
	// "output height", "chain pixels", "lossless WebP pixels", "WebP
	// pixels", "AVIF pixels", "render milliseconds".
	What string
	// Value is the measured value and Max the limit it broke.
	Value, Max int64
}

func (e *LimitError) Error() string {
	if e.Value < 1 {
		return fmt.Sprintf("transform: %s is %d, must be at least 1", e.What, e.Value)
	}
	return fmt.Sprintf("transform: %s %d over the limit of %d", e.What, e.Value, e.Max)
}

// Unwrap returns [ErrLimit], and [ErrRenderTime] too for the render-time
// limit.
func (e *LimitError) Unwrap() []error {
	if e.What == whatRenderTime {
		return []error{ErrLimit, ErrRenderTime}
	}
	return []error{ErrLimit}
}

// whatRenderTime is the LimitError.What of the render-time limit.
const whatRenderTime = "render milliseconds"

// checkSource refuses a source of w x h pixels and frames frames that is over
// l (which must have its defaults filled in). The pixel count is computed
// without overflow.
func (l Limits) checkSource(w, h, frames int) error {
	side := int64(l.MaxSourceSide)
	for _, s := range []struct {
		what string
		v    int
	}{{"source width", w}, {"source height", h}} {
		if s.v < 1 || int64(s.v) > side {
			return &LimitError{What: s.what, Value: int64(s.v), Max: side}
		}
	}
	if frames < 1 {
		frames = 1
	}
	if frames > l.MaxFrames {
		return &LimitError{What: "frames", Value: int64(frames), Max: int64(l.MaxFrames)}
	}
	// w <= MaxSourcePixels/h guarantees that w*h does not overflow.
	if int64(w) > l.MaxSourcePixels/int64(h) {
		return &LimitError{What: "source pixels", Value: mulSat(int64(w), int64(h)), Max: l.MaxSourcePixels}
	}
	px := int64(w) * int64(h)
	if px > l.MaxSourcePixels/int64(frames) {
		return &LimitError{What: "source pixels", Value: mulSat(px, int64(frames)), Max: l.MaxSourcePixels}
	}
	return nil
}

// mulSat returns a*b for positive a and b, or the largest int64 when the
// product does not fit.
func mulSat(a, b int64) int64 {
	if a > math.MaxInt64/b {
		return math.MaxInt64
	}
	return a * b
}

// checkEncode refuses an output of px pixels in format f (lossless or not)
// that is over the limits of the encoders that cannot be interrupted.
func (l Limits) checkEncode(f Format, lossless bool, px int64) error {
	switch {
	case f == WebP && lossless && px > l.MaxLosslessWebPPixels:
		return &LimitError{What: "lossless WebP pixels", Value: px, Max: l.MaxLosslessWebPPixels}
	case f == WebP && !lossless && px > l.MaxWebPPixels:
		return &LimitError{What: "WebP pixels", Value: px, Max: l.MaxWebPPixels}
	case f == AVIF && px > l.MaxAVIFPixels:
		return &LimitError{What: "AVIF pixels", Value: px, Max: l.MaxAVIFPixels}
	}
	return nil
}
