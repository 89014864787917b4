package transform

import (
	"errors"
	"fmt"
	"math"
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
}

// The defaults of [Limits].
const (
	defaultMaxSourcePixels = 50_000_000
	defaultMaxSourceSide   = 16384
	defaultMaxSourceBytes  = 40 << 20
	defaultMaxFrames       = 100
	defaultMaxOutputPixels = 50_000_000
	defaultMaxOutputSide   = 8192
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
	return l
}

// Errors returned by [Decode], [DecodeConfig] and the rest of the package.
// Check them with [errors.Is]; the errors returned usually wrap one of them
// with more detail.
var (
	// ErrLimit means the source or the output is over one of the [Limits].
	// The error is then a [*LimitError].
	ErrLimit = errors.New("transform: image over a limit")
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
	// "output height".
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

// Unwrap returns [ErrLimit].
func (e *LimitError) Unwrap() error { return ErrLimit }

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
