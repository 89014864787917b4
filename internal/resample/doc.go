// Package resample resizes images with separable convolution filters in
// fixed-point arithmetic, fast enough that a 12-megapixel photo is reduced in
// a few tens of milliseconds without assembly.
//
// [Resize] takes an image and a [Filter] (a kernel function and its support)
// and returns a new image. The transform package wraps it with its Kernel
// values; this package does not depend on transform.
//
// # Geometry
//
// Output sample i is centred at (i+0.5)*scale source samples, where scale is
// the source size over the output size, and takes its value from the source
// samples under the kernel around that point. When reducing, the kernel is
// stretched by scale so that every source sample contributes (area
// filtering, no aliasing); when enlarging it keeps its size. Near the edges
// the kernel is cut off and the remaining weights renormalised. An axis
// whose size does not change is copied. A nil Filter.At selects nearest
// neighbour: each output sample copies the source sample its centre falls
// in.
//
// A *image.YCbCr is resized plane by plane, the chroma planes at their own
// resolution, for every subsampling ratio. The output has the same ratio and
// its chroma planes are sized for the output's luma. Chroma sample i covers
// luma columns fx*i to fx*i+fx-1 of the full image (fx being the horizontal
// subsampling), so it is centred at (i+0.5)*scale in the source chroma plane
// plus the offset of a sub-image's origin within its first chroma sample.
//
// # Fixed point
//
// For each axis, the weights of every output sample are computed once per
// resize in float64, normalised, and quantised to integers that sum to
// exactly 1<<14 (the rounding residue goes to the weights that rounding
// moved furthest, so none is off by more than one unit). The first pass
// turns 8-bit samples into 16-bit ones with 6 fractional bits, without
// clamping, so that the ringing of one pass is not clipped before the
// other; the second pass rounds to 8 bits and clamps to 0..255. The results
// agree with a float64 evaluation of the same filter within one level.
//
// The kernels compute two sums per multiplication: two 32-bit lanes of a
// uint64 hold two samples (or two coefficients), and since every sum fits
// in 31 bits, the low lane of the 64-bit total is an exact signed sum and
// the high lane is the total minus it, shifted. The vertical pass of 8-bit
// rows reads eight bytes at a time and splits them into four such pairs;
// the horizontal passes use coefficients packed in pairs, so that one
// multiplication by a source sample contributes to two adjacent outputs;
// the intermediate image between the passes is stored in packed words.
// Filters with large negative lobes get fewer fractional bits so that the
// lanes cannot overflow.
//
// # Pass order
//
// Both passes cost in proportion to the number of output samples of the
// pass times the length of its filter. Resize estimates the cost of doing
// the horizontal pass first and of doing the vertical pass first, with the
// measured cost of each kernel, and takes the cheaper order. Reducing a lot
// in one direction, the pass that does that reduction goes first so that
// the other pass has less to filter.
//
// # Bands and memory
//
// Each pass is split into bands of rows that goroutines take in turn, at
// most GOMAXPROCS of them; a resize estimated to take less than about
// 100µs runs on the calling goroutine. Scratch memory (weight tables,
// the intermediate image, converted sources) is kept with each resize's
// state and reused by later resizes, so that in steady state the only
// allocations are the output image's; the garbage collector reclaims the
// memory when resizes stop.
//
// # Vector kernels
//
// Built with GOEXPERIMENT=simd on amd64, the package also has AVX2 versions
// (package simd/archsimd) of the two passes of the vertical-first order: the
// vertical pass of 8-bit rows, 16 samples per instruction, and the
// horizontal pass from the intermediate, one output sample per
// multiply-add of up to 16 taps. They are used when the processor supports
// AVX2, compute exactly what the portable kernels compute, and make the
// vertical-first order the cheaper one for reductions. A resize of one axis
// uses them too, through the int16 rows: the vertical pass rounds them to
// 8 bits, the horizontal one reads source rows widened into them. The
// default build needs no experiment and has no assembly.
//
// The portable kernels are bound by the processor's one 64-bit multiplier:
// reducing an opaque 4032x3024 RGBA image to 300 px wide takes about 137
// million packed multiplications (two multiply-adds each), which is about
// 50 ms of CPU time at 2.6 GHz whatever the code around them. The vector
// kernels do 16 multiply-adds per instruction.
//
// # Alpha
//
// Colour is filtered premultiplied by alpha, so that transparent pixels,
// whatever their colour, do not darken their neighbours. *image.RGBA is
// premultiplied already; the result's colour samples are clamped to their
// alpha, which the negative lobes of a filter can overshoot.
// *image.NRGBA is premultiplied first and divided again at the end (8 bits
// throughout, so colour at very low alpha keeps few bits, as it has in an
// *image.RGBA). When every pixel is opaque the alpha channel is not
// filtered at all. *image.Paletted and other image types are converted to
// premultiplied RGBA first, with image/draw.
package resample
