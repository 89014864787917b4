package resample

import (
	"encoding/binary"
	"unsafe"
)

// The inner loops of the kernels: weighted sums down a column or along a
// row. They are most of the work, so they check once, before the loop, that
// the last sample they read is in bounds, and then read through pointers:
// the compiler does not remove the per-sample bounds checks of these strided
// loops by itself, and those checks would cost a fifth of the time. Addresses
// are always base plus an offset that is in bounds, so that no pointer ever
// leaves its allocation. They are not inlined, which keeps their few
// variables in registers.
//
// The near-copies here (column4 and column3, dot4 and dot3, the Packed and
// Rows variants) are deliberate: one function per channel count and layout
// keeps every sum in a register, where a shared loop over a channel count
// spills them to memory. Do not merge them without running the package's
// benchmarks before and after.

// column4 returns the packed sums of the 8 bytes at src[off:] and at each
// stride below, weighted by co: the sums of bytes k and k+4 are in result k.
//
//go:noinline
func column4(src []byte, off, stride int, co []int32) (a0, a1, a2, a3 uint64) {
	const m = 0x000000ff000000ff
	if len(co) == 0 {
		return
	}
	_ = src[off]
	_ = src[off+(len(co)-1)*stride+7]
	base := unsafe.Pointer(unsafe.SliceData(src))
	for _, c := range co {
		v := binary.LittleEndian.Uint64(unsafe.Slice((*byte)(unsafe.Add(base, off)), 8))
		w := uint64(int64(c))
		a0 += (v & m) * w
		a1 += (v >> 8 & m) * w
		a2 += (v >> 16 & m) * w
		a3 += (v >> 24 & m) * w
		off += stride
	}
	return a0, a1, a2, a3
}

// column3 is column4 without the 4th sum.
//
//go:noinline
func column3(src []byte, off, stride int, co []int32) (a0, a1, a2 uint64) {
	const m = 0x000000ff000000ff
	if len(co) == 0 {
		return
	}
	_ = src[off]
	_ = src[off+(len(co)-1)*stride+7]
	base := unsafe.Pointer(unsafe.SliceData(src))
	for _, c := range co {
		v := binary.LittleEndian.Uint64(unsafe.Slice((*byte)(unsafe.Add(base, off)), 8))
		w := uint64(int64(c))
		a0 += (v & m) * w
		a1 += (v >> 8 & m) * w
		a2 += (v >> 16 & m) * w
		off += stride
	}
	return a0, a1, a2
}

// columnPacked returns the sum of the packed words src[off], src[off+stride],
// ... weighted by co.
//
//go:noinline
func columnPacked(src []uint64, off, stride int, co []int32) uint64 {
	var a uint64
	for _, c := range co {
		a += src[off] * uint64(int64(c))
		off += stride
	}
	return a
}

// columnPacked4 is columnPacked for the four words at src[off:].
//
//go:noinline
func columnPacked4(src []uint64, off, stride int, co []int32) (a0, a1, a2, a3 uint64) {
	if len(co) == 0 {
		return
	}
	_ = src[off]
	_ = src[off+(len(co)-1)*stride+3]
	base := unsafe.Pointer(unsafe.SliceData(src))
	o := uintptr(off) * 8
	s := uintptr(stride) * 8
	for _, c := range co {
		w := uint64(int64(c))
		a0 += *(*uint64)(unsafe.Add(base, o)) * w
		a1 += *(*uint64)(unsafe.Add(base, o+8)) * w
		a2 += *(*uint64)(unsafe.Add(base, o+16)) * w
		a3 += *(*uint64)(unsafe.Add(base, o+24)) * w
		o += s
	}
	return a0, a1, a2, a3
}

// columnPacked3 is columnPacked for the three words at src[off:].
//
//go:noinline
func columnPacked3(src []uint64, off, stride int, co []int32) (a0, a1, a2 uint64) {
	if len(co) == 0 {
		return
	}
	_ = src[off]
	_ = src[off+(len(co)-1)*stride+2]
	base := unsafe.Pointer(unsafe.SliceData(src))
	o := uintptr(off) * 8
	s := uintptr(stride) * 8
	for _, c := range co {
		w := uint64(int64(c))
		a0 += *(*uint64)(unsafe.Add(base, o)) * w
		a1 += *(*uint64)(unsafe.Add(base, o+8)) * w
		a2 += *(*uint64)(unsafe.Add(base, o+16)) * w
		o += s
	}
	return a0, a1, a2
}

// dot returns the sum of the samples of win weighted by the packed
// coefficients co, which has the same length.
func dot[S uint8 | int16](win []S, co []uint64) uint64 {
	win = win[:len(co)]
	var a uint64
	for k, c := range co {
		a += uint64(int64(win[k])) * c
	}
	return a
}

// dotRows4 is dot for the four rows of src that start at off, stride apart.
//
//go:noinline
func dotRows4(src []byte, off, stride int, co []uint64) (a0, a1, a2, a3 uint64) {
	n := len(co)
	if n == 0 {
		return
	}
	_ = src[off]
	_ = src[off+3*stride+n-1]
	base := unsafe.Add(unsafe.Pointer(unsafe.SliceData(src)), off)
	s2, s3 := 2*stride, 3*stride
	for k, c := range co {
		a0 += uint64(*(*byte)(unsafe.Add(base, k))) * c
		a1 += uint64(*(*byte)(unsafe.Add(base, k+stride))) * c
		a2 += uint64(*(*byte)(unsafe.Add(base, k+s2))) * c
		a3 += uint64(*(*byte)(unsafe.Add(base, k+s3))) * c
	}
	return a0, a1, a2, a3
}

// dot4 is dot for 4-channel pixels, one sum per channel.
//
//go:noinline
func dot4[S uint8 | int16](win []S, co []uint64) (a0, a1, a2, a3 uint64) {
	if len(co) == 0 {
		return
	}
	_ = win[4*len(co)-1]
	base := unsafe.Pointer(unsafe.SliceData(win))
	size := unsafe.Sizeof(win[0])
	o := uintptr(0)
	for _, c := range co {
		a0 += uint64(int64(*(*S)(unsafe.Add(base, o)))) * c
		a1 += uint64(int64(*(*S)(unsafe.Add(base, o+size)))) * c
		a2 += uint64(int64(*(*S)(unsafe.Add(base, o+2*size)))) * c
		a3 += uint64(int64(*(*S)(unsafe.Add(base, o+3*size)))) * c
		o += 4 * size
	}
	return a0, a1, a2, a3
}

// dot3 is dot4 without the 4th channel.
//
//go:noinline
func dot3[S uint8 | int16](win []S, co []uint64) (a0, a1, a2 uint64) {
	if len(co) == 0 {
		return
	}
	_ = win[4*len(co)-1]
	base := unsafe.Pointer(unsafe.SliceData(win))
	size := unsafe.Sizeof(win[0])
	o := uintptr(0)
	for _, c := range co {
		a0 += uint64(int64(*(*S)(unsafe.Add(base, o)))) * c
		a1 += uint64(int64(*(*S)(unsafe.Add(base, o+size)))) * c
		a2 += uint64(int64(*(*S)(unsafe.Add(base, o+2*size)))) * c
		o += 4 * size
	}
	return a0, a1, a2
}

// dot3Rows2 is dot3 for the two rows of 4-channel pixels that start at
// src[off] and src[off+stride].
//
//go:noinline
func dot3Rows2(src []byte, off, stride int, co []uint64) (a0, a1, a2, b0, b1, b2 uint64) {
	if len(co) == 0 {
		return
	}
	_ = src[off]
	_ = src[off+stride+4*len(co)-1]
	base := unsafe.Add(unsafe.Pointer(unsafe.SliceData(src)), off)
	o := 0
	for _, c := range co {
		a0 += uint64(*(*byte)(unsafe.Add(base, o))) * c
		a1 += uint64(*(*byte)(unsafe.Add(base, o+1))) * c
		a2 += uint64(*(*byte)(unsafe.Add(base, o+2))) * c
		b0 += uint64(*(*byte)(unsafe.Add(base, o+stride))) * c
		b1 += uint64(*(*byte)(unsafe.Add(base, o+stride+1))) * c
		b2 += uint64(*(*byte)(unsafe.Add(base, o+stride+2))) * c
		o += 4
	}
	return a0, a1, a2, b0, b1, b2
}
