package resample

// The convolution kernels. They work on rows of samples and never look at
// pixel formats beyond the number of interleaved channels.
//
// Sums are computed two at a time in the two 32-bit halves of a uint64 (see
// doc.go): the low half holds an exact signed sum and the high half is
// recovered by subtracting it, which is why every lane sum must stay below
// 1<<31 in magnitude (guaranteed by weights.prec).

// lanes splits a packed accumulator into its two signed sums.
func lanes(a uint64) (lo, hi int64) {
	lo = int64(int32(a))
	hi = (int64(a) - lo) >> 32
	return lo, hi
}

// pack is the inverse of lanes for values that fit in 32 bits.
func pack(lo, hi int64) uint64 {
	return uint64(lo) + uint64(hi)<<32
}

// out is a fixed-point rounding: value >> shift, rounded to nearest and
// clamped to [lo, hi].
type out struct {
	shift   uint
	round   int64
	lo, hi  int64
	opaque  int64 // value written for a skipped alpha channel
	skipTop bool  // the 4th channel is opaque alpha: not computed
}

// toU8 is the conversion of sums with prec fractional bits to 8-bit samples.
func toU8(prec uint, skipAlpha bool) out {
	return out{shift: prec, round: 1 << (prec - 1), lo: 0, hi: 255, opaque: 255, skipTop: skipAlpha}
}

// toI16 is the conversion of sums with prec fractional bits to intermediate
// samples with interFrac fractional bits.
func toI16(prec uint, skipAlpha bool) out {
	s := prec - interFrac
	return out{shift: s, round: 1 << (s - 1), lo: -maxInter, hi: maxInter - 1, opaque: 255 << interFrac, skipTop: skipAlpha}
}

// conv converts a sum with the parameters of an out, which callers keep in
// local variables so that they stay in registers.
func conv(round int64, shift uint, lo, hi, v int64) int64 {
	return min(max((v+round)>>shift, lo), hi)
}

// vert8 filters the rows of src (8-bit samples, rowLen bytes per row)
// vertically into the output rows y0..y1-1 of dst. When o.skipTop is set the
// rows hold 4-channel pixels and the 4th channel is written as opaque.
func vert8[D uint8 | int16](dst []D, dstStride int, src []byte, srcStride, rowLen int, wt *weights, y0, y1 int, o out) {
	r, sh, lo, hi := o.round, o.shift&63, o.lo, o.hi
	taps := wt.taps
	if rowLen < 8 {
		for y := y0; y < y1; y++ {
			drow := dst[(y-y0)*dstStride:]
			vert8Slow(drow[:rowLen], src, int(wt.start[y])*srcStride, srcStride, wt.coef[y*taps:(y+1)*taps], o)
		}
		return
	}
	// Output rows are done in groups, column block by column block, so that
	// the source rows they share are read from the first-level cache.
	for g := y0; g < y1; g += vertGroup {
		ge := min(g+vertGroup, y1)
		for x := 0; x < rowLen; x += 8 {
			// The last block may overlap the one before it.
			x = min(x, rowLen-8)
			for y := g; y < ge; y++ {
				co := wt.coef[y*taps : (y+1)*taps]
				off := int(wt.start[y])*srcStride + x
				d := dst[(y-y0)*dstStride+x:]
				d = d[:8]
				var a0, a1, a2, a3 uint64
				if o.skipTop {
					a0, a1, a2 = column3(src, off, srcStride, co)
				} else {
					a0, a1, a2, a3 = column4(src, off, srcStride, co)
				}
				l, h := lanes(a0)
				d[0], d[4] = D(conv(r, sh, lo, hi, l)), D(conv(r, sh, lo, hi, h))
				l, h = lanes(a1)
				d[1], d[5] = D(conv(r, sh, lo, hi, l)), D(conv(r, sh, lo, hi, h))
				l, h = lanes(a2)
				d[2], d[6] = D(conv(r, sh, lo, hi, l)), D(conv(r, sh, lo, hi, h))
				if o.skipTop {
					d[3], d[7] = D(o.opaque), D(o.opaque)
				} else {
					l, h = lanes(a3)
					d[3], d[7] = D(conv(r, sh, lo, hi, l)), D(conv(r, sh, lo, hi, h))
				}
			}
		}
	}
}

// vertGroup is the number of output rows vert8 computes together.
const vertGroup = 8

// vert8Slow is vert8 for rows shorter than 8 bytes, one sample at a time.
func vert8Slow[D uint8 | int16](drow []D, src []byte, base, srcStride int, co []int32, o out) {
	r, sh, lo, hi := o.round, o.shift&63, o.lo, o.hi
	for x := range drow {
		if o.skipTop && x%4 == 3 {
			drow[x] = D(o.opaque)
			continue
		}
		var a int64
		off := base + x
		for _, c := range co {
			a += int64(src[off]) * int64(c)
			off += srcStride
		}
		drow[x] = D(conv(r, sh, lo, hi, a))
	}
}

// vertPacked filters rows of packed intermediate words (two samples per word,
// see horizPacked) vertically into 8-bit output rows y0..y1-1 of dst. Each
// output row has width pixels of c channels.
func vertPacked(dst []byte, dstStride int, src []uint64, srcStride, width, c int, wt *weights, y0, y1 int, o out) {
	r, sh, lo, hi := o.round, o.shift&63, o.lo, o.hi
	taps := wt.taps
	words := (width + 1) / 2 * c
	// Word k holds channel k%c of the pixels 2*(k/c) and 2*(k/c)+1. Blocks
	// of four words make 8 output bytes (for 4 channels, the 4th word may be
	// opaque alpha, not computed). As in vert8, rows are done in groups,
	// block by block.
	full := words
	if c == 1 {
		full = width / 8 * 4 // blocks whose 8 bytes are all in the row
	}
	for g := y0; g < y1; g += vertGroup {
		ge := min(g+vertGroup, y1)
		for k := 0; k+4 <= full; k += 4 {
			for y := g; y < ge; y++ {
				co := wt.coef[y*taps : (y+1)*taps]
				off := int(wt.start[y])*srcStride + k
				row := (y - y0) * dstStride
				// Eight bytes, but four for the last pixel of an odd width.
				d := dst[row+2*k : row+min(2*k+8, c*width)]
				var a0, a1, a2, a3 uint64
				if o.skipTop {
					a0, a1, a2 = columnPacked3(src, off, srcStride, co)
				} else {
					a0, a1, a2, a3 = columnPacked4(src, off, srcStride, co)
				}
				l0, h0 := lanes(a0)
				l1, h1 := lanes(a1)
				l2, h2 := lanes(a2)
				l3, h3 := lanes(a3)
				if c == 1 {
					d = d[:8]
					d[0], d[1], d[2], d[3] = byte(conv(r, sh, lo, hi, l0)), byte(conv(r, sh, lo, hi, h0)), byte(conv(r, sh, lo, hi, l1)), byte(conv(r, sh, lo, hi, h1))
					d[4], d[5], d[6], d[7] = byte(conv(r, sh, lo, hi, l2)), byte(conv(r, sh, lo, hi, h2)), byte(conv(r, sh, lo, hi, l3)), byte(conv(r, sh, lo, hi, h3))
					continue
				}
				if o.skipTop {
					l3, h3 = o.opaque, o.opaque
				} else {
					l3, h3 = conv(r, sh, lo, hi, l3), conv(r, sh, lo, hi, h3)
				}
				d[0], d[1], d[2], d[3] = byte(conv(r, sh, lo, hi, l0)), byte(conv(r, sh, lo, hi, l1)), byte(conv(r, sh, lo, hi, l2)), byte(l3)
				if len(d) == 8 {
					d[4], d[5], d[6], d[7] = byte(conv(r, sh, lo, hi, h0)), byte(conv(r, sh, lo, hi, h1)), byte(conv(r, sh, lo, hi, h2)), byte(h3)
				}
			}
		}
		// The remaining words of a single channel, one at a time.
		for k := full; k < words; k++ {
			for y := g; y < ge; y++ {
				a := columnPacked(src, int(wt.start[y])*srcStride+k, srcStride, wt.coef[y*taps:(y+1)*taps])
				l, h := lanes(a)
				i := (y-y0)*dstStride + 2*k
				dst[i] = byte(conv(r, sh, lo, hi, l))
				if 2*k+1 < width {
					dst[i+1] = byte(conv(r, sh, lo, hi, h))
				}
			}
		}
	}
}

// accTaps is the number of taps up to which vertPackedAcc is faster than
// vertPacked: with few taps, per-block overheads dominate.
const accTaps = 32

// vertPackedAcc is vertPacked for short filters. It accumulates each output
// row tap by tap over the whole row in acc (one word per input word), then
// converts it.
func vertPackedAcc(dst []byte, dstStride int, src []uint64, srcStride, width, c int, wt *weights, y0, y1 int, o out, acc []uint64) {
	r, sh, lo, hi := o.round, o.shift&63, o.lo, o.hi
	taps := wt.taps
	words := (width + 1) / 2 * c
	acc = acc[:words]
	for y := y0; y < y1; y++ {
		co := wt.coef[y*taps : (y+1)*taps]
		off := int(wt.start[y]) * srcStride
		// Three taps at a time, the first three assigned.
		row := func(t int) []uint64 {
			o := off + t*srcStride
			return src[o : o+words]
		}
		t := 0
		for ; t+3 <= taps; t += 3 {
			mac3(acc, row(t), row(t+1), row(t+2), uint64(int64(co[t])), uint64(int64(co[t+1])), uint64(int64(co[t+2])), t == 0)
		}
		for ; t < taps; t++ {
			mac1(acc, row(t), uint64(int64(co[t])), t == 0)
		}
		drow := dst[(y-y0)*dstStride:]
		drow = drow[:width*c]
		if c == 1 {
			for k, a := range acc {
				l, h := lanes(a)
				drow[2*k] = byte(conv(r, sh, lo, hi, l))
				if 2*k+1 < width {
					drow[2*k+1] = byte(conv(r, sh, lo, hi, h))
				}
			}
			continue
		}
		for k := 0; k+4 <= words; k += 4 {
			a := acc[k : k+4 : k+4]
			d := drow[2*k : min(2*k+8, len(drow))]
			l0, h0 := lanes(a[0])
			l1, h1 := lanes(a[1])
			l2, h2 := lanes(a[2])
			l3, h3 := lanes(a[3])
			if o.skipTop {
				l3, h3 = o.opaque, o.opaque
			} else {
				l3, h3 = conv(r, sh, lo, hi, l3), conv(r, sh, lo, hi, h3)
			}
			d[0], d[1], d[2], d[3] = byte(conv(r, sh, lo, hi, l0)), byte(conv(r, sh, lo, hi, l1)), byte(conv(r, sh, lo, hi, l2)), byte(l3)
			if len(d) == 8 {
				d[4], d[5], d[6], d[7] = byte(conv(r, sh, lo, hi, h0)), byte(conv(r, sh, lo, hi, h1)), byte(conv(r, sh, lo, hi, h2)), byte(h3)
			}
		}
	}
}

// mac3 adds the words of a, b and c weighted by wa, wb and wc to acc, or
// sets acc to that sum if set. All have the same length.
func mac3(acc, a, b, c []uint64, wa, wb, wc uint64, set bool) {
	a, b, c = a[:len(acc)], b[:len(acc)], c[:len(acc)]
	if set {
		for k := range acc {
			acc[k] = a[k]*wa + b[k]*wb + c[k]*wc
		}
		return
	}
	for k := range acc {
		acc[k] += a[k]*wa + b[k]*wb + c[k]*wc
	}
}

// mac1 is mac3 for one row.
func mac1(acc, a []uint64, wa uint64, set bool) {
	a = a[:len(acc)]
	if set {
		for k := range acc {
			acc[k] = a[k] * wa
		}
		return
	}
	for k := range acc {
		acc[k] += a[k] * wa
	}
}

// horiz filters the rows y0..y1-1 of src (c interleaved channels, c is 1 or
// 4) horizontally into dst, computing two output pixels per multiplication
// with the packed pair coefficients.
func horiz[S uint8 | int16, D uint8 | int16](dst []D, dstStride int, src []S, srcStride, c int, wt *weights, y0, y1 int, o out) {
	for y := y0; y < y1; y++ {
		srow := src[y*srcStride:]
		drow := dst[(y-y0)*dstStride:]
		drow = drow[:wt.n*c]
		if c == 1 {
			hrow1(drow, srow, wt.pstart, wt.pcoef, wt.ptaps, o)
		} else {
			hrow4(drow, srow, wt.pstart, wt.pcoef, wt.ptaps, o)
		}
	}
}

// hrow1 filters one row of single-channel samples.
func hrow1[S uint8 | int16, D uint8 | int16](drow []D, srow []S, pstart []int32, pcoef []uint64, pt int, o out) {
	r, sh, lo, hi := o.round, o.shift&63, o.lo, o.hi
	n := len(drow)
	for p, st := range pstart {
		l, h := lanes(dot(srow[st:int(st)+pt], pcoef[p*pt:p*pt+pt]))
		i := 2 * p
		drow[i] = D(conv(r, sh, lo, hi, l))
		if i+1 < n {
			drow[i+1] = D(conv(r, sh, lo, hi, h))
		}
	}
}

// hrow4 filters one row of 4-channel pixels.
func hrow4[S uint8 | int16, D uint8 | int16](drow []D, srow []S, pstart []int32, pcoef []uint64, pt int, o out) {
	r, sh, lo, hi := o.round, o.shift&63, o.lo, o.hi
	for p, st := range pstart {
		win := srow[4*int(st) : 4*(int(st)+pt)]
		co := pcoef[p*pt : p*pt+pt]
		var a0, a1, a2, a3 uint64
		if o.skipTop {
			a0, a1, a2 = dot3(win, co)
		} else {
			a0, a1, a2, a3 = dot4(win, co)
		}
		i := 8 * p
		d := drow[i:min(i+8, len(drow))]
		l0, h0 := lanes(a0)
		l1, h1 := lanes(a1)
		l2, h2 := lanes(a2)
		l3, h3 := lanes(a3)
		if o.skipTop {
			l3, h3 = o.opaque, o.opaque
		} else {
			l3, h3 = conv(r, sh, lo, hi, l3), conv(r, sh, lo, hi, h3)
		}
		d[0], d[1], d[2], d[3] = D(conv(r, sh, lo, hi, l0)), D(conv(r, sh, lo, hi, l1)), D(conv(r, sh, lo, hi, l2)), D(l3)
		if len(d) == 8 {
			d[4], d[5], d[6], d[7] = D(conv(r, sh, lo, hi, h0)), D(conv(r, sh, lo, hi, h1)), D(conv(r, sh, lo, hi, h2)), D(h3)
		}
	}
}

// horizPacked is horiz for the first of two passes: it writes each pair of
// output pixels as packed words, one per channel, with interFrac fractional
// bits, ready for vertPacked.
func horizPacked(dst []uint64, dstStride int, src []byte, srcStride, c int, wt *weights, y0, y1 int, o out) {
	y := y0
	switch {
	case c == 1:
		for ; y+4 <= y1; y += 4 {
			hpackRows4(dst[(y-y0)*dstStride:], dstStride, src[y*srcStride:], srcStride, wt, o)
		}
	case o.skipTop:
		for ; y+2 <= y1; y += 2 {
			hpackRows2x3(dst[(y-y0)*dstStride:], dstStride, src[y*srcStride:], srcStride, wt, o)
		}
	}
	for ; y < y1; y++ {
		drow := dst[(y-y0)*dstStride:]
		drow = drow[:len(wt.pstart)*c]
		if c == 1 {
			hpackRow1(drow, src[y*srcStride:], wt, o)
		} else {
			hpackRow4(drow, src[y*srcStride:], wt, o)
		}
	}
}

// hpackRows4 filters four single-channel rows at once, sharing the
// coefficient loads.
func hpackRows4(dst []uint64, dstStride int, src []byte, srcStride int, wt *weights, o out) {
	r, sh, lo, hi := o.round, o.shift&63, o.lo, o.hi
	pt := wt.ptaps
	for p, st := range wt.pstart {
		co := wt.pcoef[p*pt : p*pt+pt]
		a0, a1, a2, a3 := dotRows4(src, int(st), srcStride, co)
		l, h := lanes(a0)
		dst[p] = pack(conv(r, sh, lo, hi, l), conv(r, sh, lo, hi, h))
		l, h = lanes(a1)
		dst[dstStride+p] = pack(conv(r, sh, lo, hi, l), conv(r, sh, lo, hi, h))
		l, h = lanes(a2)
		dst[2*dstStride+p] = pack(conv(r, sh, lo, hi, l), conv(r, sh, lo, hi, h))
		l, h = lanes(a3)
		dst[3*dstStride+p] = pack(conv(r, sh, lo, hi, l), conv(r, sh, lo, hi, h))
	}
}

// hpackRows2x3 filters two rows of opaque 4-channel pixels at once.
func hpackRows2x3(dst []uint64, dstStride int, src []byte, srcStride int, wt *weights, o out) {
	r, sh, lo, hi := o.round, o.shift&63, o.lo, o.hi
	pt := wt.ptaps
	for p, st := range wt.pstart {
		co := wt.pcoef[p*pt : p*pt+pt]
		a0, a1, a2, b0, b1, b2 := dot3Rows2(src, 4*int(st), srcStride, co)
		d := dst[4*p : 4*p+4]
		e := dst[dstStride+4*p : dstStride+4*p+4]
		d[3], e[3] = 0, 0 // alpha, opaque: not computed
		l, h := lanes(a0)
		d[0] = pack(conv(r, sh, lo, hi, l), conv(r, sh, lo, hi, h))
		l, h = lanes(a1)
		d[1] = pack(conv(r, sh, lo, hi, l), conv(r, sh, lo, hi, h))
		l, h = lanes(a2)
		d[2] = pack(conv(r, sh, lo, hi, l), conv(r, sh, lo, hi, h))
		l, h = lanes(b0)
		e[0] = pack(conv(r, sh, lo, hi, l), conv(r, sh, lo, hi, h))
		l, h = lanes(b1)
		e[1] = pack(conv(r, sh, lo, hi, l), conv(r, sh, lo, hi, h))
		l, h = lanes(b2)
		e[2] = pack(conv(r, sh, lo, hi, l), conv(r, sh, lo, hi, h))
	}
}

// hpackRow1 filters one single-channel row.
func hpackRow1(drow []uint64, srow []byte, wt *weights, o out) {
	r, sh, lo, hi := o.round, o.shift&63, o.lo, o.hi
	pt := wt.ptaps
	for p, st := range wt.pstart {
		l, h := lanes(dot(srow[st:int(st)+pt], wt.pcoef[p*pt:p*pt+pt]))
		drow[p] = pack(conv(r, sh, lo, hi, l), conv(r, sh, lo, hi, h))
	}
}

// hpackRow4 filters one row of 4-channel pixels.
func hpackRow4(drow []uint64, srow []byte, wt *weights, o out) {
	r, sh, lo, hi := o.round, o.shift&63, o.lo, o.hi
	pt := wt.ptaps
	for p, st := range wt.pstart {
		win := srow[4*int(st) : 4*(int(st)+pt)]
		co := wt.pcoef[p*pt : p*pt+pt]
		var a0, a1, a2, a3 uint64
		if o.skipTop {
			a0, a1, a2 = dot3(win, co)
		} else {
			a0, a1, a2, a3 = dot4(win, co)
		}
		d := drow[4*p : 4*p+4]
		l, h := lanes(a0)
		d[0] = pack(conv(r, sh, lo, hi, l), conv(r, sh, lo, hi, h))
		l, h = lanes(a1)
		d[1] = pack(conv(r, sh, lo, hi, l), conv(r, sh, lo, hi, h))
		l, h = lanes(a2)
		d[2] = pack(conv(r, sh, lo, hi, l), conv(r, sh, lo, hi, h))
		l, h = lanes(a3)
		d[3] = pack(conv(r, sh, lo, hi, l), conv(r, sh, lo, hi, h))
	}
}
