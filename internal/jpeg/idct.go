package jpeg

// Inverse DCTs. The 8-point transform is written out in both passes of
// idct8, deliberately: a shared 1-D function called from both passes is
// not inlined, and the IDCT is the decoder's hottest loop, so do not factor
// it out without the package's benchmarks. It follows the Loeffler,
// Ligtenberg and Moschytz factorization with 13-bit fixed-point constants. Each 1-D pass
// computes sqrt(8) times the T.81 normalization, so the 2-D result is 8
// times the sample value: the final shift divides by 8 as well as removing
// the fixed-point scaling.
//
// The reduced transforms produce an n x n block (n = 4, 2, 1) from the n x n
// lowest-frequency coefficients. Evaluating the 8-point basis at the centre
// of each pair (or quad) of output samples turns cos((2x+1)uπ/16) into
// cos((2m+1)uπ/(2n)), the n-point basis, so the same normalization applies
// and only the coefficients u < n are read.

const (
	constBits = 13
	pass1Bits = 2

	fix0_298631336 = 2446
	fix0_390180644 = 3196
	fix0_541196100 = 4433
	fix0_765366865 = 6270
	fix0_899976223 = 7373
	fix1_175875602 = 9633
	fix1_306562965 = 10703
	fix1_501321110 = 12299
	fix1_847759065 = 15137
	fix1_961570560 = 16069
	fix2_053119869 = 16819
	fix2_562915447 = 20995
	fix3_072711026 = 25172
)

// clamp converts a level-shifted sample to a byte, saturating.
func clamp(v int32) byte {
	if uint32(v) > 255 {
		if v < 0 {
			return 0
		}
		return 255
	}
	return byte(v)
}

// dcPixel returns the sample of a block with only a DC coefficient.
func dcPixel(dc int32) byte {
	return clamp((dc + 4 + 128*8) >> 3)
}

// fillDC writes an n x n block whose only non-zero coefficient is dc.
func fillDC(dc int32, dst []byte, stride, n int) {
	p := dcPixel(dc)
	if n == 1 {
		dst[0] = p
		return
	}
	for y := 0; y < n; y++ {
		row := dst[y*stride : y*stride+n]
		for x := range row {
			row[x] = p
		}
	}
}

// coef is the type of a block of quantized coefficients in natural order.
type coef interface{ int16 | int32 }

// idct8 writes the 8x8 inverse DCT of blk (natural order, dequantized by
// q) to dst with the given stride.
func idct8[T coef](blk *[64]T, q *[64]int32, dst []byte, stride int) {
	var ws [64]int32

	// Pass 1: columns, output scaled by 2^pass1Bits. The rounding term is
	// added to the even part, which feeds every output.
	const sh1 = constBits - pass1Bits
	const rnd1 = 1 << (sh1 - 1)
	for x := 0; x < 8; x++ {
		if blk[8+x]|blk[16+x]|blk[24+x]|blk[32+x]|blk[40+x]|blk[48+x]|blk[56+x] == 0 {
			v := int32(blk[x]) * q[x] << pass1Bits
			ws[x], ws[8+x], ws[16+x], ws[24+x] = v, v, v, v
			ws[32+x], ws[40+x], ws[48+x], ws[56+x] = v, v, v, v
			continue
		}
		in0, in1, in2, in3 := int32(blk[x])*q[x], int32(blk[8+x])*q[8+x], int32(blk[16+x])*q[16+x], int32(blk[24+x])*q[24+x]
		in4, in5, in6, in7 := int32(blk[32+x])*q[32+x], int32(blk[40+x])*q[40+x], int32(blk[48+x])*q[48+x], int32(blk[56+x])*q[56+x]
		// Even part: rotation of inputs 2 and 6, butterflies with 0 and 4.
		z1 := (in2 + in6) * fix0_541196100
		e2 := z1 - in6*fix1_847759065
		e3 := z1 + in2*fix0_765366865
		e0 := (in0+in4)<<constBits + rnd1
		e1 := (in0-in4)<<constBits + rnd1
		t10 := e0 + e3
		t13 := e0 - e3
		t11 := e1 + e2
		t12 := e1 - e2
		// Odd part.
		s1 := in7 + in1
		s2 := in5 + in3
		s3 := in7 + in3
		s4 := in5 + in1
		s5 := (s3 + s4) * fix1_175875602
		s1 *= -fix0_899976223
		s2 *= -fix2_562915447
		s3 = s3*-fix1_961570560 + s5
		s4 = s4*-fix0_390180644 + s5
		a0 := in7*fix0_298631336 + s1 + s3
		a1 := in5*fix2_053119869 + s2 + s4
		a2 := in3*fix3_072711026 + s2 + s3
		a3 := in1*fix1_501321110 + s1 + s4
		ws[x] = (t10 + a3) >> sh1
		ws[56+x] = (t10 - a3) >> sh1
		ws[8+x] = (t11 + a2) >> sh1
		ws[48+x] = (t11 - a2) >> sh1
		ws[16+x] = (t12 + a1) >> sh1
		ws[40+x] = (t12 - a1) >> sh1
		ws[24+x] = (t13 + a0) >> sh1
		ws[32+x] = (t13 - a0) >> sh1
	}

	// Pass 2: rows, removing the scaling, the factor 8 and the level shift.
	const sh = constBits + pass1Bits + 3
	// Added to the DC input: rounding and +128 after the final shift.
	const bias = 128<<(pass1Bits+3) + 1<<(pass1Bits+2)
	for y := 0; y < 8; y++ {
		w := ws[y*8 : y*8+8 : y*8+8]
		row := dst[y*stride : y*stride+8 : y*stride+8]
		if w[1]|w[2]|w[3]|w[4]|w[5]|w[6]|w[7] == 0 {
			p := clamp((w[0] + bias) >> (pass1Bits + 3))
			row[0], row[1], row[2], row[3] = p, p, p, p
			row[4], row[5], row[6], row[7] = p, p, p, p
			continue
		}
		in0, in1, in2, in3, in4, in5, in6, in7 := w[0]+bias, w[1], w[2], w[3], w[4], w[5], w[6], w[7]
		// Even part: rotation of inputs 2 and 6, butterflies with 0 and 4.
		z1 := (in2 + in6) * fix0_541196100
		e2 := z1 - in6*fix1_847759065
		e3 := z1 + in2*fix0_765366865
		e0 := (in0 + in4) << constBits
		e1 := (in0 - in4) << constBits
		t10 := e0 + e3
		t13 := e0 - e3
		t11 := e1 + e2
		t12 := e1 - e2
		// Odd part.
		s1 := in7 + in1
		s2 := in5 + in3
		s3 := in7 + in3
		s4 := in5 + in1
		s5 := (s3 + s4) * fix1_175875602
		s1 *= -fix0_899976223
		s2 *= -fix2_562915447
		s3 = s3*-fix1_961570560 + s5
		s4 = s4*-fix0_390180644 + s5
		a0 := in7*fix0_298631336 + s1 + s3
		a1 := in5*fix2_053119869 + s2 + s4
		a2 := in3*fix3_072711026 + s2 + s3
		a3 := in1*fix1_501321110 + s1 + s4
		row[0] = clamp((t10 + a3) >> sh)
		row[7] = clamp((t10 - a3) >> sh)
		row[1] = clamp((t11 + a2) >> sh)
		row[6] = clamp((t11 - a2) >> sh)
		row[2] = clamp((t12 + a1) >> sh)
		row[5] = clamp((t12 - a1) >> sh)
		row[3] = clamp((t13 + a0) >> sh)
		row[4] = clamp((t13 - a0) >> sh)
	}
}

// idct4 writes the 4x4 reduced inverse DCT of the top-left 4x4
// coefficients of blk, dequantized by q.
func idct4[T coef](blk *[64]T, q *[64]int32, dst []byte, stride int) {
	var ws [16]int32
	const sh1 = constBits - pass1Bits
	for x := 0; x < 4; x++ {
		o0, o1, o2, o3 := idct4x1(int32(blk[x])*q[x], int32(blk[8+x])*q[8+x],
			int32(blk[16+x])*q[16+x], int32(blk[24+x])*q[24+x])
		const rnd = 1 << (sh1 - 1)
		ws[x] = (o0 + rnd) >> sh1
		ws[4+x] = (o1 + rnd) >> sh1
		ws[8+x] = (o2 + rnd) >> sh1
		ws[12+x] = (o3 + rnd) >> sh1
	}
	const sh = constBits + pass1Bits + 3
	const bias = 128<<(pass1Bits+3) + 1<<(pass1Bits+2)
	for y := 0; y < 4; y++ {
		w := ws[y*4 : y*4+4 : y*4+4]
		row := dst[y*stride : y*stride+4 : y*stride+4]
		o0, o1, o2, o3 := idct4x1(w[0]+bias, w[1], w[2], w[3])
		row[0] = clamp(o0 >> sh)
		row[1] = clamp(o1 >> sh)
		row[2] = clamp(o2 >> sh)
		row[3] = clamp(o3 >> sh)
	}
}

// idct4x1 is the 4-point transform of the 8-point coefficients 0..3,
// outputs scaled by 2^constBits:
//
//	g(m) = F0 + sqrt(2) * sum_{u=1..3} F(u) cos((2m+1)uπ/8)
func idct4x1(f0, f1, f2, f3 int32) (o0, o1, o2, o3 int32) {
	e0 := (f0 + f2) << constBits
	e1 := (f0 - f2) << constBits
	// sqrt(2)cos(π/8) = 1.306562965, sqrt(2)cos(3π/8) = 0.541196100.
	d0 := f1*fix1_306562965 + f3*fix0_541196100
	d1 := f1*fix0_541196100 - f3*fix1_306562965
	return e0 + d0, e1 + d1, e1 - d1, e0 - d0
}

// idct2 writes the 2x2 reduced inverse DCT of the top-left 2x2
// coefficients of blk, dequantized by q: g(m) = F0 ± F1 on each axis.
func idct2[T coef](blk *[64]T, q *[64]int32, dst []byte, stride int) {
	f00 := int32(blk[0])*q[0] + 4 + 128*8
	f01, f10, f11 := int32(blk[1])*q[1], int32(blk[8])*q[8], int32(blk[9])*q[9]
	a, b := f00+f10, f00-f10 // rows 0 and 1, column frequency 0
	c, e := f01+f11, f01-f11 // rows 0 and 1, column frequency 1
	dst[0] = clamp((a + c) >> 3)
	dst[1] = clamp((a - c) >> 3)
	dst[stride] = clamp((b + e) >> 3)
	dst[stride+1] = clamp((b - e) >> 3)
}
