package jpeg

import (
	"math"
)

// This file holds a small baseline JPEG encoder used to make test images
// with sampling factors, component counts, restart intervals and scan
// layouts that image/jpeg's encoder cannot produce. It favours clarity over
// speed and uses flat Huffman tables (every DC symbol 4 bits, every AC
// symbol 8 bits).

type testComp struct {
	h, v int
}

type testImage struct {
	w, h     int
	comps    []testComp
	restart  int  // restart interval in MCUs, 0 for none
	separate bool // one non-interleaved scan per component (sequential)
	// progressive selects SOF2 with a scan script like libjpeg's default:
	// spectral selection and successive approximation.
	progressive bool
	adobe       int // Adobe APP14 transform, or -1 for no APP14 segment
	// sample returns component ci's value at (x, y) in that component's
	// own (possibly subsampled) coordinates.
	sample func(ci, x, y int) float64
}

// testQuant returns quantization table t in zig-zag order.
func testQuant(t int) [64]byte {
	var q [64]byte
	for k := range q {
		q[k] = byte(2 + k/(3+t))
	}
	return q
}

var (
	testDCVals = func() []byte {
		v := make([]byte, 12)
		for i := range v {
			v[i] = byte(i)
		}
		return v
	}()
	testACVals = func() []byte {
		v := []byte{0x00, 0xF0}
		for r := 1; r < 15; r++ {
			v = append(v, byte(r<<4)) // EOBRUN sizes
		}
		for r := 0; r < 16; r++ {
			for s := 1; s <= 10; s++ {
				v = append(v, byte(r<<4|s))
			}
		}
		return v
	}()
)

type bitWriter struct {
	out  []byte
	acc  uint32
	nacc uint
}

func (w *bitWriter) put(v uint32, n uint) {
	for i := int(n) - 1; i >= 0; i-- {
		w.acc = w.acc<<1 | (v>>uint(i))&1
		w.nacc++
		if w.nacc == 8 {
			b := byte(w.acc)
			w.out = append(w.out, b)
			if b == 0xFF {
				w.out = append(w.out, 0)
			}
			w.acc, w.nacc = 0, 0
		}
	}
}

func (w *bitWriter) flush() {
	for w.nacc != 0 {
		w.put(1, 1)
	}
}

func segment(out []byte, marker byte, payload []byte) []byte {
	n := len(payload) + 2
	out = append(out, 0xFF, marker, byte(n>>8), byte(n))
	return append(out, payload...)
}

func (ti testImage) encode() []byte {
	nc := len(ti.comps)
	hmax, vmax := 1, 1
	for _, c := range ti.comps {
		hmax, vmax = max(hmax, c.h), max(vmax, c.v)
	}
	comps := ti.comps
	if nc == 1 {
		comps = []testComp{{1, 1}}
		hmax, vmax = 1, 1
	}
	mcusX := (ti.w + 8*hmax - 1) / (8 * hmax)
	mcusY := (ti.h + 8*vmax - 1) / (8 * vmax)

	// Quantized coefficients per component, zig-zag order, padded grid.
	type plane struct {
		bw, bh, cbw, cbh int
		coef             [][64]int32
	}
	planes := make([]plane, nc)
	for ci, c := range comps {
		cw := (ti.w*c.h + hmax - 1) / hmax
		ch := (ti.h*c.v + vmax - 1) / vmax
		p := plane{bw: mcusX * c.h, bh: mcusY * c.v, cbw: (cw + 7) / 8, cbh: (ch + 7) / 8}
		p.coef = make([][64]int32, p.bw*p.bh)
		q := testQuant(min(ci, 1))
		for by := 0; by < p.bh; by++ {
			for bx := 0; bx < p.bw; bx++ {
				var px [64]float64
				for y := 0; y < 8; y++ {
					for x := 0; x < 8; x++ {
						sx := min(bx*8+x, cw-1)
						sy := min(by*8+y, ch-1)
						px[y*8+x] = ti.sample(ci, sx, sy) - 128
					}
				}
				f := fdct(&px)
				for k := 0; k < 64; k++ {
					p.coef[by*p.bw+bx][k] = int32(math.Round(f[unzig[k]] / float64(q[k])))
				}
			}
		}
		planes[ci] = p
	}

	var out []byte
	out = append(out, 0xFF, mSOI)
	if ti.adobe >= 0 {
		out = segment(out, mAPPE, []byte{'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, byte(ti.adobe)})
	}
	for t := 0; t < 2; t++ {
		q := testQuant(t)
		out = segment(out, mDQT, append([]byte{byte(t)}, q[:]...))
	}
	sof := []byte{8, byte(ti.h >> 8), byte(ti.h), byte(ti.w >> 8), byte(ti.w), byte(nc)}
	for ci, c := range ti.comps {
		sof = append(sof, byte(ci+1), byte(c.h<<4|c.v), byte(min(ci, 1)))
	}
	if ti.progressive {
		out = segment(out, mSOF2, sof)
	} else {
		out = segment(out, mSOF0, sof)
	}
	dht := []byte{0x00}
	for l := 1; l <= 16; l++ {
		dht = append(dht, map[bool]byte{true: 12}[l == 4])
	}
	dht = append(dht, testDCVals...)
	dht = append(dht, 0x10)
	for l := 1; l <= 16; l++ {
		dht = append(dht, map[bool]byte{true: byte(len(testACVals))}[l == 8])
	}
	dht = append(dht, testACVals...)
	out = segment(out, mDHT, dht)
	if ti.restart > 0 {
		out = segment(out, mDRI, []byte{byte(ti.restart >> 8), byte(ti.restart)})
	}

	acCode := map[byte]uint32{}
	for i, v := range testACVals {
		acCode[v] = uint32(i)
	}
	all := make([]int, nc)
	for i := range all {
		all[i] = i
	}
	var scans []testScan
	switch {
	case ti.progressive:
		scans = progressiveScript(nc)
	case ti.separate:
		for ci := 0; ci < nc; ci++ {
			scans = append(scans, testScan{comps: []int{ci}, se: 63})
		}
	default:
		scans = []testScan{{comps: all, se: 63}}
	}
	for _, scan := range scans {
		sos := []byte{byte(len(scan.comps))}
		for _, ci := range scan.comps {
			sos = append(sos, byte(ci+1), 0x00)
		}
		sos = append(sos, byte(scan.ss), byte(scan.se), byte(scan.ah<<4|scan.al))
		out = segment(out, mSOS, sos)

		e := &scanEncoder{w: &bitWriter{out: out}, acCode: acCode, pred: make([]int32, nc), scan: scan}
		nx, ny := mcusX, mcusY
		if len(scan.comps) == 1 {
			nx, ny = planes[scan.comps[0]].cbw, planes[scan.comps[0]].cbh
		}
		mcu, rst := 0, 0
		for my := 0; my < ny; my++ {
			for mx := 0; mx < nx; mx++ {
				if ti.restart > 0 && mcu > 0 && mcu%ti.restart == 0 {
					e.finish()
					e.w.out = append(e.w.out, 0xFF, byte(mRST0+rst%8))
					rst++
					clear(e.pred)
				}
				mcu++
				for _, ci := range scan.comps {
					p := &planes[ci]
					if len(scan.comps) == 1 {
						e.block(ci, &p.coef[my*p.bw+mx])
						continue
					}
					c := comps[ci]
					for v := 0; v < c.v; v++ {
						for h := 0; h < c.h; h++ {
							e.block(ci, &p.coef[(my*c.v+v)*p.bw+mx*c.h+h])
						}
					}
				}
			}
		}
		e.finish()
		out = e.w.out
	}
	return append(out, 0xFF, mEOI)
}

// testScan is one scan of a test image.
type testScan struct {
	comps          []int
	ss, se, ah, al int
}

// progressiveScript returns a scan script in the style of libjpeg's default
// progressive script.
func progressiveScript(nc int) []testScan {
	all := make([]int, nc)
	for i := range all {
		all[i] = i
	}
	scans := []testScan{
		{comps: all, al: 1},
		{comps: []int{0}, ss: 1, se: 5, al: 2},
	}
	for ci := nc - 1; ci >= 1; ci-- {
		scans = append(scans, testScan{comps: []int{ci}, ss: 1, se: 63, al: 1})
	}
	scans = append(scans,
		testScan{comps: []int{0}, ss: 6, se: 63, al: 2},
		testScan{comps: []int{0}, ss: 1, se: 63, ah: 2, al: 1},
		testScan{comps: all, ah: 1})
	for ci := nc - 1; ci >= 0; ci-- {
		scans = append(scans, testScan{comps: []int{ci}, ss: 1, se: 63, ah: 1})
	}
	return scans
}

// scanEncoder entropy-codes the blocks of one scan.
type scanEncoder struct {
	w      *bitWriter
	acCode map[byte]uint32
	pred   []int32
	scan   testScan
	eobrun int
	be     []uint32 // correction bits that go with the pending EOB run
}

func (e *scanEncoder) symbol(rs byte) { e.w.put(e.acCode[rs], 8) }

func (e *scanEncoder) block(ci int, b *[64]int32) {
	sc := e.scan
	switch {
	case sc.ss == 0 && sc.ah == 0: // sequential or first DC pass
		dc := b[0] >> sc.al
		diff := dc - e.pred[ci]
		e.pred[ci] = dc
		s, bits := magnitude(diff)
		e.w.put(uint32(s), 4)
		e.w.put(bits, s)
		if sc.se == 63 {
			e.acFirst(b, 1, 63, 0)
			e.flushEOB()
		}
	case sc.ss == 0: // DC refinement
		e.w.put(uint32(b[0]>>sc.al)&1, 1)
	case sc.ah == 0:
		e.acFirst(b, sc.ss, sc.se, sc.al)
		if e.eobrun == 0x7FFF {
			e.flushEOB()
		}
	default:
		e.acRefine(b)
	}
}

// pointTransform divides an AC coefficient by 2^al, rounding toward zero.
func pointTransform(v int32, al int) int32 {
	if v < 0 {
		return -(-v >> al)
	}
	return v >> al
}

func (e *scanEncoder) acFirst(b *[64]int32, ss, se, al int) {
	run := 0
	for k := ss; k <= se; k++ {
		v := pointTransform(b[k], al)
		if v == 0 {
			run++
			continue
		}
		e.flushEOB()
		for run > 15 {
			e.symbol(0xF0)
			run -= 16
		}
		s, bits := magnitude(v)
		e.symbol(byte(run<<4) | byte(s))
		e.w.put(bits, s)
		run = 0
	}
	if run > 0 {
		e.eobrun++
	}
}

// acRefine codes one successive-approximation pass: a new bit for the
// coefficients that became non-zero and a correction bit for those that
// already were (T.81 G.1.2.3, seen from the encoder).
func (e *scanEncoder) acRefine(b *[64]int32) {
	sc := e.scan
	var abs [64]int32
	eob := 0
	for k := sc.ss; k <= sc.se; k++ {
		v := b[k]
		if v < 0 {
			v = -v
		}
		abs[k] = v >> sc.al
		if abs[k] == 1 {
			eob = k
		}
	}
	run := 0
	var br []uint32
	for k := sc.ss; k <= sc.se; k++ {
		if abs[k] == 0 {
			run++
			continue
		}
		for run > 15 && k <= eob {
			e.flushEOB()
			e.symbol(0xF0)
			run -= 16
			for _, bit := range br {
				e.w.put(bit, 1)
			}
			br = br[:0]
		}
		if abs[k] > 1 {
			br = append(br, uint32(abs[k]&1))
			continue
		}
		e.flushEOB()
		e.symbol(byte(run<<4) | 1)
		if b[k] < 0 {
			e.w.put(0, 1)
		} else {
			e.w.put(1, 1)
		}
		for _, bit := range br {
			e.w.put(bit, 1)
		}
		br = br[:0]
		run = 0
	}
	if run > 0 || len(br) > 0 {
		e.eobrun++
		e.be = append(e.be, br...)
		if e.eobrun == 0x7FFF || len(e.be) > 900 {
			e.flushEOB()
		}
	}
}

// flushEOB writes the pending end-of-band run and its correction bits.
func (e *scanEncoder) flushEOB() {
	if e.eobrun > 0 {
		r := 0
		for e.eobrun>>(r+1) != 0 {
			r++
		}
		e.symbol(byte(r << 4))
		e.w.put(uint32(e.eobrun)&(1<<r-1), uint(r))
		e.eobrun = 0
	}
	for _, bit := range e.be {
		e.w.put(bit, 1)
	}
	e.be = e.be[:0]
}

// finish ends a scan or a restart interval.
func (e *scanEncoder) finish() {
	e.flushEOB()
	e.w.flush()
}

// magnitude returns the size category of v and its s-bit representation.
func magnitude(v int32) (uint, uint32) {
	a := v
	if a < 0 {
		a = -a
	}
	s := uint(0)
	for a>>s != 0 {
		s++
	}
	if v < 0 {
		v--
	}
	return s, uint32(v) & (1<<s - 1)
}

// fdct is the orthonormal-scaled forward DCT of T.81 A.3.3.
func fdct(px *[64]float64) [64]float64 {
	var f [64]float64
	for v := 0; v < 8; v++ {
		for u := 0; u < 8; u++ {
			sum := 0.0
			for y := 0; y < 8; y++ {
				for x := 0; x < 8; x++ {
					sum += px[y*8+x] * cosTable[x][u] * cosTable[y][v]
				}
			}
			f[v*8+u] = sum * dctC(u) * dctC(v) / 4
		}
	}
	return f
}

// idctRef is the T.81 A.3.3 inverse DCT evaluated in floating point.
func idctRef(f *[64]float64, x, y float64) float64 {
	sum := 0.0
	for v := 0; v < 8; v++ {
		for u := 0; u < 8; u++ {
			sum += dctC(u) * dctC(v) * f[v*8+u] *
				math.Cos((2*x+1)*float64(u)*math.Pi/16) * math.Cos((2*y+1)*float64(v)*math.Pi/16)
		}
	}
	return sum / 4
}

// cosTable[x][u] is cos((2x+1)uπ/16).
var cosTable = func() (t [8][8]float64) {
	for x := range t {
		for u := range t[x] {
			t[x][u] = math.Cos(float64(2*x+1) * float64(u) * math.Pi / 16)
		}
	}
	return t
}()

func dctC(u int) float64 {
	if u == 0 {
		return 1 / math.Sqrt2
	}
	return 1
}
