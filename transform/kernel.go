package transform

import "math"

// Kernel is a resampling filter: a function of distance At, non-zero only
// inside [-Support, Support]. Kernels are plain values: users may define their
// own, and the exported ones are safe to share.
//
// When an image is reduced, the kernel is stretched by the reduction ratio so
// that every source pixel contributes (area filtering, no aliasing).
type Kernel struct {
	// Name identifies the kernel in benchmarks and error messages.
	Name string
	// Support is the kernel's radius in source pixels at scale 1.
	Support float64
	// At returns the kernel's weight at distance x; it is symmetric.
	At func(x float64) float64
}

// The built-in kernels. Lanczos3 is the default used by the handler.
var (
	// Nearest picks the closest source pixel: fast, blocky, no new colours.
	Nearest = Kernel{Name: "nearest", Support: 0, At: nil}
	// Box averages the source pixels under each output pixel.
	Box = Kernel{Name: "box", Support: 0.5, At: func(x float64) float64 {
		if x < 0 {
			x = -x
		}
		if x <= 0.5 {
			return 1
		}
		return 0
	}}
	// Linear is the triangle (bilinear) filter.
	Linear = Kernel{Name: "linear", Support: 1, At: func(x float64) float64 {
		x = math.Abs(x)
		if x < 1 {
			return 1 - x
		}
		return 0
	}}
	// CatmullRom is the cubic with B=0, C=0.5: sharp, little ringing.
	CatmullRom = Kernel{Name: "catmullrom", Support: 2, At: func(x float64) float64 {
		return bicubic(math.Abs(x), 0, 0.5)
	}}
	// Mitchell is the cubic with B=C=1/3: soft, almost no ringing.
	Mitchell = Kernel{Name: "mitchell", Support: 2, At: func(x float64) float64 {
		return bicubic(math.Abs(x), 1.0/3, 1.0/3)
	}}
	// Lanczos2 is the windowed sinc with two lobes.
	Lanczos2 = Kernel{Name: "lanczos2", Support: 2, At: func(x float64) float64 {
		return lanczos(x, 2)
	}}
	// Lanczos3 is the windowed sinc with three lobes: the sharpest of these
	// and the default.
	Lanczos3 = Kernel{Name: "lanczos3", Support: 3, At: func(x float64) float64 {
		return lanczos(x, 3)
	}}
)

func sinc(x float64) float64 {
	if x == 0 {
		return 1
	}
	x *= math.Pi
	return math.Sin(x) / x
}

func lanczos(x, a float64) float64 {
	x = math.Abs(x)
	if x < a {
		return sinc(x) * sinc(x/a)
	}
	return 0
}

// bicubic is the Mitchell–Netravali family of cubics for x >= 0.
func bicubic(x, b, c float64) float64 {
	switch {
	case x < 1:
		return ((12-9*b-6*c)*x*x*x + (-18+12*b+6*c)*x*x + (6 - 2*b)) / 6
	case x < 2:
		return ((-b-6*c)*x*x*x + (6*b+30*c)*x*x + (-12*b-48*c)*x + (8*b + 24*c)) / 6
	}
	return 0
}
