package resample

import (
	"math"
	"unsafe"
)

const (
	// precision is the number of fractional bits of the fixed-point weights:
	// the weights of every output sample sum to exactly 1<<precision.
	precision = 14
	// interFrac is the number of fractional bits kept in the int16
	// intermediate image between the two passes.
	interFrac = 6
	// laneLimit bounds the magnitude of a lane sum in the packed
	// arithmetic of the kernels; see weights.prec.
	laneLimit = 1 << 31
	// maxInter is the largest magnitude of an intermediate sample.
	maxInter = 1 << 15
)

// weights is the fixed-point filter for one axis: for output sample i, the
// source samples start[i] .. start[i]+taps-1 are combined with the
// coefficients coef[i*taps : (i+1)*taps], which sum to 1<<prec.
//
// The pair tables combine outputs 2i and 2i+1 over one shared window so that
// one multiplication by a packed coefficient yields both sums (see doc.go).
type weights struct {
	n     int // number of output samples
	taps  int
	prec  uint
	start []int32
	coef  []int32
	// maxCoef is the largest magnitude of a coefficient.
	maxCoef int32
	// With vector kernels, coef16 holds the coefficients as int16, taps16
	// (taps rounded up to 16) per output sample, and coefRGBA holds them
	// for 4 channels: for each four taps k..k+3, the pair (k, k+1) four
	// times then the pair (k+2, k+3) four times; taps4 is taps rounded up to
	// 4.
	taps16, taps4    int
	coef16, coefRGBA []int16

	ptaps  int
	pstart []int32
	pcoef  []uint64 // low 32 bits: output 2i, high 32 bits: output 2i+1

	// scratch for computing the table
	fw []float64

	// The table was computed for key and f; jobs are reused, so a table
	// often serves the next resize of the same geometry too.
	key tableKey
	f   Filter
}

// tableKey identifies the arguments of weights.compute. A filter is
// identified by its support and by the identity of its function value, which
// the weights keep alive so that the address cannot be reused.
type tableKey struct {
	srcLen, dstLen         int
	scale, offset, support float64
	at                     unsafe.Pointer
}

// keyOf returns the key of a call to compute.
func keyOf(srcLen, dstLen int, scale, offset float64, f Filter) tableKey {
	return tableKey{srcLen, dstLen, scale, offset, f.Support, *(*unsafe.Pointer)(unsafe.Pointer(&f.At))}
}

// compute fills w for dstLen outputs taken from srcLen inputs. The centre of
// output i is (i+0.5)*scale+offset in source coordinates, where source sample
// j covers [j, j+1). The filter is stretched by scale when reducing.
func (w *weights) compute(srcLen, dstLen int, scale, offset float64, f Filter) {
	key := keyOf(srcLen, dstLen, scale, offset, f)
	if w.f.At != nil && w.key == key {
		return
	}
	w.key, w.f = key, f
	w.n = dstLen
	fscale := max(scale, 1)
	support := f.Support
	if !(support > 0) || math.IsInf(support, 0) {
		support = 0
	}
	taps := srcLen
	if t := math.Ceil(2*support*fscale) + 2; t < float64(srcLen) {
		taps = int(t)
	}
	w.start = grow(w.start, dstLen)
	w.fw = grow(w.fw, dstLen*taps)

	// First the float weights over a generous window, normalised, with the
	// extent of the non-zero ones; then the window is trimmed to the widest
	// extent and the weights quantized.
	span := 1
	for i := range dstLen {
		c := (float64(i)+0.5)*scale + offset
		st := int(math.Floor(c - float64(taps)/2 + 0.5))
		st = min(max(st, 0), srcLen-taps)
		fw := w.fw[i*taps : (i+1)*taps]
		sum, abs := 0.0, 0.0
		for k := range fw {
			x := (float64(st+k) + 0.5 - c) / fscale
			v := 0.0
			if math.Abs(x) <= support && f.At != nil {
				v = f.At(x)
				if math.IsNaN(v) || math.IsInf(v, 0) {
					v = 0
				}
			}
			fw[k] = v
			sum += v
			abs += math.Abs(v)
		}
		if !(math.Abs(sum) > 1e-9) || abs/math.Abs(sum) > 256 {
			// A degenerate kernel here: use the nearest sample.
			clear(fw)
			j := min(max(int(math.Floor(c)), 0), srcLen-1)
			fw[j-st] = 1
			sum, abs = 1, 1
		}
		lo, hi := -1, 0
		for k := range fw {
			fw[k] /= sum
			if fw[k] != 0 {
				if lo < 0 {
					lo = k
				}
				hi = k
			}
		}
		w.start[i] = int32(st + lo)
		span = max(span, hi-lo+1)
	}

	// The packed kernels need every lane sum to stay below laneLimit for
	// inputs up to maxInter: kernels with large negative lobes (none of the
	// usual ones) get fewer fractional bits.
	w.taps = span
	w.coef = grow(w.coef, dstLen*span)
	for w.prec = precision; ; w.prec-- {
		var worst int64
		w.maxCoef = 0
		for i := range dstLen {
			c := (float64(i)+0.5)*scale + offset
			st := int(math.Floor(c - float64(taps)/2 + 0.5))
			st = min(max(st, 0), srcLen-taps)
			nst := min(int(w.start[i]), srcLen-span)
			w.start[i] = int32(nst)
			// The non-zero weights lie in [nst, nst+span) and in [st, st+taps).
			q := w.coef[i*span : (i+1)*span]
			quantize(q, w.fw[i*taps:(i+1)*taps], nst-st, 1<<w.prec)
			var abs int64
			for _, v := range q {
				abs += max(int64(v), -int64(v))
				w.maxCoef = max(w.maxCoef, v, -v)
			}
			worst = max(worst, abs)
		}
		if worst*maxInter < laneLimit || w.prec == interFrac+1 {
			break
		}
	}
	w.pairs(srcLen)
	w.coef16, w.coefRGBA = w.coef16[:0], w.coefRGBA[:0]
	if haveSIMD() && w.maxCoef < 1<<15 {
		w.taps4 = (w.taps + 3) / 4 * 4
		n := 4 * w.taps4
		w.coefRGBA = grow(w.coefRGBA, dstLen*n)
		for i := range dstLen {
			co := w.coef[i*w.taps : (i+1)*w.taps]
			at := func(k int) int16 {
				if k < len(co) {
					return int16(co[k])
				}
				return 0
			}
			q := w.coefRGBA[i*n : (i+1)*n]
			for k := 0; k < w.taps4; k += 4 {
				for ch := range 4 {
					q[4*k+2*ch], q[4*k+2*ch+1] = at(k), at(k+1)
					q[4*k+8+2*ch], q[4*k+8+2*ch+1] = at(k+2), at(k+3)
				}
			}
		}
		w.taps16 = (w.taps + 15) / 16 * 16
		w.coef16 = grow(w.coef16, dstLen*w.taps16)
		for i := range dstLen {
			q := w.coef16[i*w.taps16 : (i+1)*w.taps16]
			clear(q)
			for k, v := range w.coef[i*w.taps : (i+1)*w.taps] {
				q[k] = int16(v)
			}
		}
	}
}

// pairs builds the packed tables for the horizontal kernels.
func (w *weights) pairs(srcLen int) {
	np := (w.n + 1) / 2
	// Windows of neighbours are usually but not always in order: trimming
	// zero coefficients can move one window past the next.
	window := func(p int) (lo, hi int) {
		lo = int(w.start[2*p])
		hi = lo + w.taps
		if 2*p+1 < w.n {
			s := int(w.start[2*p+1])
			lo, hi = min(lo, s), max(hi, s+w.taps)
		}
		return lo, hi
	}
	span := w.taps
	for p := range np {
		lo, hi := window(p)
		span = max(span, hi-lo)
	}
	w.ptaps = span
	w.pstart = grow(w.pstart, np)
	w.pcoef = grow(w.pcoef, np*span)
	for p := range np {
		i := 2 * p
		lo, _ := window(p)
		st := min(lo, srcLen-span)
		w.pstart[p] = int32(st)
		pc := w.pcoef[p*span : (p+1)*span]
		clear(pc)
		for k := range w.taps {
			pc[int(w.start[i])-st+k] = uint64(int64(w.coef[i*w.taps+k]))
		}
		if i+1 < w.n {
			for k := range w.taps {
				pc[int(w.start[i+1])-st+k] += uint64(int64(w.coef[(i+1)*w.taps+k])) << 32
			}
		}
	}
}

// quantize sets q[k] to the integer nearest to fw[k+off]*total, where fw
// sums to 1 and is zero outside the range covered by q, such that q sums to
// exactly total: the rounding residue goes to the coefficients with the
// largest rounding errors, so no coefficient is off by more than one.
func quantize(q []int32, fw []float64, off int, total int32) {
	ideal := func(k int) float64 {
		if j := k + off; j >= 0 && j < len(fw) {
			return fw[j] * float64(total)
		}
		return 0
	}
	var sum int32
	for k := range q {
		q[k] = int32(math.Round(ideal(k)))
		sum += q[k]
	}
	for sum != total {
		step := int32(1)
		if sum > total {
			step = -1
		}
		// Move the coefficient that rounding moved furthest the other way.
		best, bestErr := 0, math.Inf(-1)
		for k := range q {
			if e := (ideal(k) - float64(q[k])) * float64(step); e > bestErr {
				best, bestErr = k, e
			}
		}
		q[best] += step
		sum += step
	}
}

// nearestIndex returns the source index picked by the nearest-neighbour
// filter for output i.
func nearestIndex(i, srcLen int, scale, offset float64) int {
	c := (float64(i)+0.5)*scale + offset
	return min(max(int(math.Floor(c)), 0), srcLen-1)
}

// grow returns s resized to n elements, reallocated if it is too small. The
// elements are not cleared.
func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}
