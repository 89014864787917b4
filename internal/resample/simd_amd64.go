//go:build goexperiment.simd && amd64

package resample

import (
	"simd/archsimd"
	"unsafe"
)

// Vector kernels, built with GOEXPERIMENT=simd on amd64 and used when the
// processor has AVX2. They compute exactly what the portable kernels
// compute, which the tests check against the same float64 reference.

// costVertSIMD replaces costVert8 (see plan) when vertSIMD is used: it does
// 16 multiply-adds per instruction, about five times as fast.
const costVertSIMD = 0.11

// costHorizSIMD is the cost of horizSIMD per output sample and block of 16
// taps, in the same unit.
const costHorizSIMD = 3.5

// simdShift is the only rounding shift of vertSIMD: a constant, because a
// variable shift count is loaded with a legacy SSE instruction, and mixing
// those with 256-bit AVX instructions is many times slower than scalar code.
const simdShift = precision - interFrac

// haveSIMD reports whether the vector kernels can run.
func haveSIMD() bool { return archsimd.X86.AVX2() }

// vertSIMD is vert8 into the int16 intermediate (o from toI16), 16 samples
// at a time with VPMADDWD on pairs of rows. It reports false, having done
// nothing, when it cannot be used: rows shorter than 16 bytes, coefficients
// that do not fit in 16 bits or a precision other than the usual one.
func vertSIMD(dst []int16, dstStride int, src []byte, srcStride, rowLen int, wt *weights, y0, y1 int, o out) bool {
	if rowLen < 16 || wt.maxCoef > 1<<15-1 || o.shift != simdShift {
		return false
	}
	taps := wt.taps
	for y := y0; y < y1; y++ {
		co := wt.coef[y*taps : (y+1)*taps]
		base := int(wt.start[y]) * srcStride
		drow := dst[(y-y0)*dstStride:]
		drow = drow[:rowLen]
		// One bounds check for the whole window.
		_ = src[base]
		_ = src[base+(taps-1)*srcStride+rowLen-1]
		for x := 0; x < rowLen; x += 16 {
			// The last block may overlap the one before it.
			x = min(x, rowLen-16)
			column16((*[16]int16)(drow[x:x+16]), src, base+x, srcStride, co)
		}
	}
	// The scalar code that follows may use SSE instructions, which are slow
	// while the upper halves of the AVX registers are dirty.
	archsimd.ClearAVXUpperBits()
	return true
}

// column16 filters the 16 bytes at src[off:] and at each stride below with
// co into d. The caller has checked that they are all in bounds.
//
//go:noinline
func column16(d *[16]int16, src []byte, off, stride int, co []int32) {
	var lo, hi archsimd.Int32x8
	p := unsafe.Pointer(unsafe.SliceData(src))
	t := 0
	for ; t+2 <= len(co); t += 2 {
		a := archsimd.LoadUint8x16((*[16]uint8)(unsafe.Add(p, off))).ExtendToUint16().AsInt16x16()
		b := archsimd.LoadUint8x16((*[16]uint8)(unsafe.Add(p, off+stride))).ExtendToUint16().AsInt16x16()
		w := archsimd.BroadcastInt32x8(int32(uint16(co[t])) | co[t+1]<<16).AsInt16x16()
		lo = lo.Add(a.InterleaveLoGrouped(b).DotProductPairs(w))
		hi = hi.Add(a.InterleaveHiGrouped(b).DotProductPairs(w))
		off += 2 * stride
	}
	if t < len(co) {
		a := archsimd.LoadUint8x16((*[16]uint8)(unsafe.Add(p, off))).ExtendToUint16().AsInt16x16()
		var b archsimd.Int16x16
		w := archsimd.BroadcastInt32x8(int32(uint16(co[t]))).AsInt16x16()
		lo = lo.Add(a.InterleaveLoGrouped(b).DotProductPairs(w))
		hi = hi.Add(a.InterleaveHiGrouped(b).DotProductPairs(w))
	}
	// lo holds columns 0-3 and 8-11, hi 4-7 and 12-15; packing 128-bit
	// group by group puts them back in order.
	r := archsimd.BroadcastInt32x8(1 << (simdShift - 1))
	lo = lo.Add(r).ShiftAllRight(simdShift)
	hi = hi.Add(r).ShiftAllRight(simdShift)
	lo.SaturateToInt16ConcatGrouped(hi).Store(d)
}

// horizSIMD is horiz for single-channel rows of the int16 intermediate (o
// from toU8 with interFrac more bits), one output sample at a time with
// VPMADDWD over the window and its coefficients padded to 16. src must
// have 16 elements to spare after its last row. It reports false, having
// done nothing, when it cannot be used.
func horizSIMD(dst []byte, dstStride int, src []int16, srcStride, c int, wt *weights, y0, y1 int, o out) bool {
	if c == 4 {
		return horizSIMD4(dst, dstStride, src, srcStride, wt, y0, y1, o)
	}
	if c != 1 || wt.maxCoef > 1<<15-1 || len(wt.coef16) != wt.n*wt.taps16 {
		return false
	}
	t16 := wt.taps16
	r, sh := o.round, o.shift&63
	for y := y0; y < y1; y++ {
		srow := src[y*srcStride:]
		drow := dst[(y-y0)*dstStride:]
		drow = drow[:wt.n]
		for i, st := range wt.start {
			win := srow[st : int(st)+t16]
			co := wt.coef16[i*t16 : (i+1)*t16]
			var acc archsimd.Int32x8
			for k := 0; k < t16; k += 16 {
				a := archsimd.LoadInt16x16((*[16]int16)(win[k : k+16]))
				w := archsimd.LoadInt16x16((*[16]int16)(co[k : k+16]))
				acc = acc.Add(a.DotProductPairs(w))
			}
			acc = acc.AddPairsGrouped(acc)
			acc = acc.AddPairsGrouped(acc)
			sum := int64(acc.GetLo().Add(acc.GetHi()).GetElem(0))
			drow[i] = byte(min(max((sum+r)>>sh, 0), 255))
		}
	}
	archsimd.ClearAVXUpperBits()
	return true
}

// pairChannels reorders the 16-bit samples of two RGBA pixels, in each
// 128-bit half, from R0 G0 B0 A0 R1 G1 B1 A1 to R0 R1 G0 G1 B0 B1 A0 A1.
var pairChannels = [32]int8{
	0, 1, 8, 9, 2, 3, 10, 11, 4, 5, 12, 13, 6, 7, 14, 15,
	0, 1, 8, 9, 2, 3, 10, 11, 4, 5, 12, 13, 6, 7, 14, 15,
}

// horizSIMD4 is horizSIMD for 4-channel pixels: four taps per step, each
// pair of taps of a channel multiplied by its pair of coefficients (see
// weights.coefRGBA).
func horizSIMD4(dst []byte, dstStride int, src []int16, srcStride int, wt *weights, y0, y1 int, o out) bool {
	if wt.maxCoef > 1<<15-1 || len(wt.coefRGBA) != wt.n*wt.taps4*4 {
		return false
	}
	idx := archsimd.LoadInt8x32(&pairChannels)
	n := 4 * wt.taps4
	r, sh := int32(o.round), o.shift&63
	conv := func(v int32) byte { return byte(min(max((v+r)>>sh, 0), 255)) }
	for y := y0; y < y1; y++ {
		srow := src[y*srcStride:]
		drow := dst[(y-y0)*dstStride:]
		drow = drow[:4*wt.n]
		for i, st := range wt.start {
			win := srow[4*int(st) : 4*int(st)+n]
			co := wt.coefRGBA[i*n : (i+1)*n]
			var acc archsimd.Int32x8
			for k := 0; k < n; k += 16 {
				a := archsimd.LoadInt16x16((*[16]int16)(win[k : k+16])).AsUint8x32().PermuteOrZeroGrouped(idx).AsInt16x16()
				w := archsimd.LoadInt16x16((*[16]int16)(co[k : k+16]))
				acc = acc.Add(a.DotProductPairs(w))
			}
			sum := acc.GetLo().Add(acc.GetHi())
			d := drow[4*i : 4*i+4]
			d[0], d[1], d[2] = conv(sum.GetElem(0)), conv(sum.GetElem(1)), conv(sum.GetElem(2))
			if o.skipTop {
				d[3] = byte(o.opaque)
			} else {
				d[3] = conv(sum.GetElem(3))
			}
		}
	}
	archsimd.ClearAVXUpperBits()
	return true
}
