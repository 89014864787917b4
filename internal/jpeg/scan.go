package jpeg

import "fmt"

// unzig maps a zig-zag index to the natural (row-major) index in a block.
var unzig = [64]uint8{
	0, 1, 8, 16, 9, 2, 3, 10,
	17, 24, 32, 25, 18, 11, 4, 5,
	12, 19, 26, 33, 40, 48, 41, 34,
	27, 20, 13, 6, 7, 14, 21, 28,
	35, 42, 49, 56, 57, 50, 43, 36,
	29, 22, 15, 23, 30, 37, 44, 51,
	58, 59, 52, 45, 38, 31, 39, 46,
	53, 60, 61, 54, 47, 55, 62, 63,
}

// scanComp is one component of the current scan with its tables.
type scanComp struct {
	c      *component
	dc, ac *huffTable
	pred   int32 // DC predictor
	// q is the component's quantization table in natural order.
	q [64]int32
	// kmax is the last zig-zag index inside the n x n low-frequency corner
	// that the scaled IDCT reads.
	kmax int
}

// naturalQuant returns the zig-zag-ordered table q in natural order.
func naturalQuant(q *[64]int32) (qn [64]int32) {
	for k, v := range q {
		qn[unzig[k]] = v
	}
	return qn
}

// lastIndex returns the last zig-zag index inside the n x n low-frequency
// corner of a block.
func lastIndex(n int) int {
	last := 0
	for k := 0; k < 64; k++ {
		if z := int(unzig[k]); z/8 < n && z%8 < n {
			last = k
		}
	}
	return last
}

// maxScans bounds the number of scans in a file. Every scan visits every
// block of its components, so a small file with very many scans could
// otherwise cost far more time than its size suggests. Real progressive
// files have tens of scans at most.
const maxScans = 500

// decodeScan parses a scan header and decodes the entropy-coded data after
// it, leaving d.pos at the end of that data.
func (d *decoder) decodeScan(seg []byte) error {
	if d.scans >= maxScans {
		return unsupported(fmt.Sprintf("more than %d scans", maxScans))
	}
	if len(seg) < 1 {
		return formatError("short scan header")
	}
	ns := int(seg[0])
	if ns < 1 || ns > d.ncomp || len(seg) != 4+2*ns {
		return formatError("bad scan header")
	}
	var sc [4]scanComp
	blocks := 0
	for i := 0; i < ns; i++ {
		id, tables := seg[1+2*i], seg[2+2*i]
		ci := -1
		for j := 0; j < d.ncomp; j++ {
			if d.comp[j].id == id {
				ci = j
			}
		}
		if ci < 0 {
			return formatError("scan refers to unknown component %d", id)
		}
		for j := 0; j < i; j++ {
			if sc[j].c == &d.comp[ci] {
				return formatError("scan lists component %d twice", id)
			}
		}
		c := &d.comp[ci]
		td, ta := tables>>4, tables&15
		if td > 3 || ta > 3 {
			return formatError("bad Huffman table selector 0x%02X", tables)
		}
		sc[i].c = c
		sc[i].dc = d.dc[td]
		sc[i].ac = d.ac[ta]
		blocks += c.h * c.v
	}
	if ns > 1 && blocks > 10 {
		return formatError("too many blocks in an MCU")
	}
	p := seg[1+2*ns:]
	ss, se, ah, al := int(p[0]), int(p[1]), int(p[2]>>4), int(p[2]&15)

	if !d.allocated {
		d.slot = coefSlots(d.bs)
		if d.width*d.height > maxPixels {
			return unsupported(fmt.Sprintf("image of %dx%d pixels is too large", d.width, d.height))
		}
		if err := d.checkOutput(); err != nil {
			return err
		}
		d.allocate()
	}
	d.br.reset(d.data, d.pos)
	d.eobrun = 0

	var err error
	if d.progressive {
		if ss == 0 && se != 0 || ss > se || se > 63 || (ss > 0 && ns != 1) || ah > 13 || al > 13 {
			return formatError("bad progressive scan parameters Ss=%d Se=%d Ah=%d Al=%d", ss, se, ah, al)
		}
		for i := 0; i < ns; i++ {
			if ss == 0 && ah == 0 && sc[i].dc == nil || ss > 0 && sc[i].ac == nil {
				return formatError("scan uses an undefined Huffman table")
			}
		}
		err = d.scanProgressive(sc[:ns], ss, se, ah, al)
	} else {
		for i := 0; i < ns; i++ {
			s := &sc[i]
			if s.dc == nil || s.ac == nil {
				return formatError("scan uses an undefined Huffman table")
			}
			if !d.quantSet[s.c.tq] {
				return formatError("component uses an undefined quantization table")
			}
			s.q = naturalQuant(&d.quant[s.c.tq])
			s.kmax = lastIndex(d.bs)
		}
		err = d.scanSequential(sc[:ns])
	}
	if err != nil {
		return err
	}
	if d.br.truncated() {
		return errTruncated
	}
	d.pos = d.br.pos
	d.scans++
	return nil
}

var errTruncated = formatError("unexpected end of entropy-coded data")

// allocate creates the output planes and, for progressive files, the
// coefficient buffers.
func (d *decoder) allocate() {
	for i := 0; i < d.ncomp; i++ {
		c := &d.comp[i]
		c.stride = c.bw * d.bs
		c.plane = make([]byte, c.stride*c.bh*d.bs)
		if d.progressive {
			c.coef = make([]int16, c.bw*c.bh*d.bs*d.bs)
			c.mask = make([]uint64, c.bw*c.bh)
		}
	}
	d.allocated = true
}

// restart handles the end of a restart interval: it skips to the next
// marker, consumes it if it is RSTn, and resets the decoder state. A
// missing RSTn (corrupt data) leaves the reader at the other marker, which
// then supplies zero bits.
func (d *decoder) restart(sc []scanComp) error {
	br := &d.br
	if br.truncated() {
		return errTruncated
	}
	data := br.data
	p := br.pos
	for p+1 < len(data) && (data[p] != 0xFF || data[p+1] == 0 || data[p+1] == 0xFF) {
		p++
	}
	if p+1 < len(data) && data[p+1] >= mRST0 && data[p+1] <= mRST7 {
		p += 2
	}
	br.reset(data, p)
	for i := range sc {
		sc[i].pred = 0
	}
	d.eobrun = 0
	return nil
}

// mcuGrid returns the number of MCUs across and down a scan.
func (d *decoder) mcuGrid(sc []scanComp) (int, int) {
	if len(sc) == 1 {
		return sc[0].c.cbw, sc[0].c.cbh
	}
	return d.mcusX, d.mcusY
}

func (d *decoder) scanSequential(sc []scanComp) error {
	nx, ny := d.mcuGrid(sc)
	total := nx * ny
	ri := d.restartInterval
	if ri == 0 {
		return d.decodeMCUs(&d.br, &d.blk, sc, nx, 0, total)
	}
	if total >= minParallelMCUs && maxWorkers() > 1 {
		if ok, err := d.scanParallel(sc, nx, total); ok {
			return err
		}
	}
	for from := 0; from < total; from += ri {
		if from > 0 {
			if err := d.restart(sc); err != nil {
				return err
			}
		}
		if err := d.decodeMCUs(&d.br, &d.blk, sc, nx, from, min(from+ri, total)); err != nil {
			return err
		}
	}
	return nil
}

// decodeMCUs decodes MCUs from..to-1 of a sequential scan that is nx MCUs
// wide, reading from br and using blk as scratch.
func (d *decoder) decodeMCUs(br *bitReader, blk *[64]int32, sc []scanComp, nx, from, to int) error {
	single := len(sc) == 1
	for m := from; m < to; m++ {
		if br.exhausted() {
			// The segment ended early: stop here, leaving the remaining
			// blocks of the interval as they are.
			if br.eof {
				return errTruncated
			}
			return nil
		}
		mx, my := m%nx, m/nx
		if mx == 0 {
			if err := d.poll(); err != nil {
				return err
			}
		}
		for i := range sc {
			s := &sc[i]
			c := s.c
			if single {
				last, err := decodeBlock(br, blk, s)
				if err != nil {
					return err
				}
				emit(blk, &s.q, c, d.bs, mx, my, last)
				clearBlock(blk, last)
				continue
			}
			for v := 0; v < c.v; v++ {
				for h := 0; h < c.h; h++ {
					last, err := decodeBlock(br, blk, s)
					if err != nil {
						return err
					}
					emit(blk, &s.q, c, d.bs, mx*c.h+h, my*c.v+v, last)
					clearBlock(blk, last)
				}
			}
		}
	}
	if br.truncated() {
		return errTruncated
	}
	return nil
}

// emit inverse-transforms blk, dequantized by q, into component c's plane
// at block (bx, by) with bs x bs samples per block. last is the largest
// zig-zag index that may be non-zero.
func emit[T coef](blk *[64]T, q *[64]int32, c *component, bs, bx, by, last int) {
	off := by*bs*c.stride + bx*bs
	dst := c.plane[off:]
	if last == 0 {
		fillDC(int32(blk[0])*q[0], dst, c.stride, bs)
		return
	}
	switch bs {
	case 8:
		idct8(blk, q, dst, c.stride)
	case 4:
		idct4(blk, q, dst, c.stride)
	case 2:
		idct2(blk, q, dst, c.stride)
	default:
		dst[0] = dcPixel(int32(blk[0]) * q[0])
	}
}

// clearBlock zeroes the coefficients written by decodeBlock.
func clearBlock(blk *[64]int32, last int) {
	if last == 0 {
		blk[0] = 0
	} else {
		*blk = [64]int32{}
	}
}

// decodeBlock decodes one sequential block from br into blk (natural
// order, not dequantized) and returns the largest zig-zag index it wrote.
// Coefficients past s.kmax are decoded to advance the stream but not
// stored.
func decodeBlock(br *bitReader, blk *[64]int32, s *scanComp) (int, error) {
	dcT, acT := s.dc, s.ac
	acc, n := br.acc, br.n
	if n < 32 {
		br.fill()
		acc, n = br.acc, br.n
	}

	// DC coefficient.
	var t uint
	if e := dcT.lookup[acc>>(64-lookBits)]; e != 0 {
		l := uint(e >> 8)
		t = uint(e & 0xFF)
		acc <<= l
		n -= l
	} else {
		sym, l := dcT.slow(acc)
		if l == 0 {
			return 0, formatError("bad Huffman code")
		}
		t = uint(sym)
		acc <<= l
		n -= l
	}
	if t != 0 {
		if t > 15 {
			return 0, formatError("bad DC difference size %d", t)
		}
		v := int32(acc >> (64 - t))
		acc <<= t
		n -= t
		s.pred += extend(v, t)
	}
	blk[0] = s.pred

	// AC coefficients that the scaled IDCT reads.
	last := 0
	kmax := s.kmax
	k := 1
	for k <= kmax {
		if n < 32 {
			br.acc, br.n = acc, n
			br.fill()
			acc, n = br.acc, br.n
		}
		p := acc >> (64 - lookBits)
		if f := acT.fastAC[p]; f != 0 {
			l := uint(f & 15)
			acc <<= l
			n -= l
			k += int(f>>4) & 15
			if k > 63 {
				return 0, formatError("AC coefficient index out of range")
			}
			blk[unzig[k&63]&63] = f >> 8
			last = k
			k++
			continue
		}
		var rs byte
		if e := acT.lookup[p]; e != 0 {
			l := uint(e >> 8)
			rs = byte(e)
			acc <<= l
			n -= l
		} else {
			sym, l := acT.slow(acc)
			if l == 0 {
				return 0, formatError("bad Huffman code")
			}
			rs = sym
			acc <<= l
			n -= l
		}
		r, t := int(rs>>4), uint(rs&15)
		if t == 0 {
			if r != 15 {
				br.acc, br.n = acc, n
				return last, nil
			}
			k += 16
			continue
		}
		k += r
		if k > 63 {
			return 0, formatError("AC coefficient index out of range")
		}
		v := int32(acc >> (64 - t))
		acc <<= t
		n -= t
		blk[unzig[k&63]&63] = extend(v, t)
		last = k
		k++
	}

	// The remaining coefficients are decoded only to advance the stream.
	for k < 64 {
		if n < 32 {
			br.acc, br.n = acc, n
			br.fill()
			acc, n = br.acc, br.n
		}
		p := acc >> (64 - lookBits)
		if f := acT.fastAC[p]; f != 0 {
			l := uint(f & 15)
			acc <<= l
			n -= l
			k += int(f>>4)&15 + 1
			continue
		}
		var rs byte
		var l uint
		if e := acT.lookup[p]; e != 0 {
			l = uint(e >> 8)
			rs = byte(e)
		} else {
			rs, l = acT.slow(acc)
			if l == 0 {
				return 0, formatError("bad Huffman code")
			}
		}
		r, t := int(rs>>4), uint(rs&15)
		acc <<= l + t
		n -= l + t
		if t == 0 {
			if r != 15 {
				break
			}
			k += 16
			continue
		}
		k += r + 1
	}
	if k > 64 {
		return 0, formatError("AC coefficient index out of range")
	}
	br.acc, br.n = acc, n
	return last, nil
}
