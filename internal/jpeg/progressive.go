package jpeg

import (
	"math/bits"
	"sync/atomic"
)

// coefSlots maps each zig-zag index to its position in a block's stored
// bs x bs coefficients, or -1 for coefficients that are not stored.
func coefSlots(bs int) (slot [64]int8) {
	for k := range slot {
		z := int(unzig[k])
		if row, col := z/8, z%8; row < bs && col < bs {
			slot[k] = int8(row*bs + col)
		} else {
			slot[k] = -1
		}
	}
	return slot
}

// scanProgressive decodes one scan of a progressive frame into the
// coefficient buffers (T.81 annex G).
func (d *decoder) scanProgressive(sc []scanComp, ss, se, ah, al int) error {
	if ss > 0 {
		return d.scanAC(sc, ss, se, ah, al)
	}
	nx, ny := d.mcuGrid(sc)
	single := len(sc) == 1
	left := d.restartInterval
	for my := 0; my < ny; my++ {
		if err := d.poll(); err != nil {
			return err
		}
		for mx := 0; mx < nx; mx++ {
			skip, stop, err := d.beginUnit(sc, &left)
			if err != nil || stop {
				return err
			}
			if skip {
				continue
			}
			for i := range sc {
				s := &sc[i]
				c := s.c
				if single {
					if err := d.dcBlock(s, mx, my, ah, al); err != nil {
						return err
					}
					continue
				}
				for v := 0; v < c.v; v++ {
					for h := 0; h < c.h; h++ {
						if err := d.dcBlock(s, mx*c.h+h, my*c.v+v, ah, al); err != nil {
							return err
						}
					}
				}
			}
		}
	}
	return nil
}

// dcBlock decodes the DC coefficient of one block in a DC scan.
func (d *decoder) dcBlock(s *scanComp, bx, by, ah, al int) error {
	c := s.c
	b := &c.coef[(by*c.bw+bx)*d.bs*d.bs]
	br := &d.br
	if ah != 0 {
		if br.bit() {
			*b |= 1 << al
		}
		return nil
	}
	t, err := br.decode(s.dc)
	if err != nil {
		return err
	}
	if t != 0 {
		if t > 15 {
			return formatError("bad DC difference size %d", t)
		}
		s.pred += extend(br.bits(uint(t)), uint(t))
	}
	*b = int16(s.pred << al)
	return nil
}

// scanAC decodes an AC scan, which has a single component.
func (d *decoder) scanAC(sc []scanComp, ss, se, ah, al int) error {
	s := &sc[0]
	c := s.c
	nn := d.bs * d.bs
	left := d.restartInterval
	for by := 0; by < c.cbh; by++ {
		if err := d.poll(); err != nil {
			return err
		}
		for bx := 0; bx < c.cbw; bx++ {
			skip, stop, err := d.beginUnit(sc, &left)
			if err != nil || stop {
				return err
			}
			if skip {
				continue
			}
			bi := by*c.bw + bx
			b := c.coef[bi*nn : bi*nn+nn]
			if ah == 0 {
				err = d.acFirst(s.ac, b, &c.mask[bi], ss, se, al)
			} else {
				err = d.acRefine(s.ac, b, &c.mask[bi], ss, se, al)
			}
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// acFirst decodes the first pass over coefficients ss..se of one block: b
// holds its stored coefficients and mask its non-zero flags.
func (d *decoder) acFirst(t *huffTable, b []int16, mask *uint64, ss, se, al int) error {
	if d.eobrun > 0 {
		d.eobrun--
		return nil
	}
	slot := &d.slot
	m := *mask
	br := &d.br
	acc, n := br.acc, br.n
	for k := ss; k <= se; k++ {
		if n < 32 {
			br.acc, br.n = acc, n
			br.fill()
			acc, n = br.acc, br.n
		}
		p := acc >> (64 - lookBits)
		if f := t.fastAC[p]; f != 0 {
			l := uint(f & 15)
			acc <<= l
			n -= l
			k += int(f>>4) & 15
			if k > se {
				return formatError("AC coefficient index out of range")
			}
			m |= 1 << k
			if i := slot[k]; i >= 0 {
				b[i] = int16((f >> 8) << al)
			}
			continue
		}
		var rs byte
		if e := t.lookup[p]; e != 0 {
			l := uint(e >> 8)
			rs = byte(e)
			acc <<= l
			n -= l
		} else {
			sym, l := t.slow(acc)
			if l == 0 {
				return formatError("bad Huffman code")
			}
			rs = sym
			acc <<= l
			n -= l
		}
		r, s := uint(rs>>4), uint(rs&15)
		if s == 0 {
			if r < 15 {
				d.eobrun = 1<<r - 1
				if r > 0 {
					d.eobrun += int32(acc >> (64 - r))
					acc <<= r
					n -= r
				}
				break
			}
			k += 15
			continue
		}
		k += int(r)
		if k > se {
			return formatError("AC coefficient index out of range")
		}
		v := int32(acc >> (64 - s))
		acc <<= s
		n -= s
		m |= 1 << k
		if i := slot[k]; i >= 0 {
			b[i] = int16(extend(v, s) << al)
		}
	}
	br.acc, br.n = acc, n
	*mask = m
	return nil
}

// acRefine decodes a successive-approximation refinement pass over
// coefficients ss..se of one block (T.81 G.1.2.3): b holds its stored
// coefficients and mask its non-zero flags.
func (d *decoder) acRefine(t *huffTable, b []int16, mask *uint64, ss, se, al int) error {
	slot := &d.slot
	m := *mask
	br := &d.br
	acc, n := br.acc, br.n
	p1 := int16(1) << al
	m1 := int16(-1) << al
	k := ss
	if d.eobrun == 0 {
	symbols:
		for k <= se {
			if n < 32 {
				br.acc, br.n = acc, n
				br.fill()
				acc, n = br.acc, br.n
			}
			var rs byte
			if e := t.lookup[acc>>(64-lookBits)]; e != 0 {
				l := uint(e >> 8)
				rs = byte(e)
				acc <<= l
				n -= l
			} else {
				sym, l := t.slow(acc)
				if l == 0 {
					return formatError("bad Huffman code")
				}
				rs = sym
				acc <<= l
				n -= l
			}
			r, s := int(rs>>4), rs&15
			var val int16
			switch {
			case s == 1:
				if acc>>63 != 0 {
					val = p1
				} else {
					val = m1
				}
				acc <<= 1
				n--
			case s != 0:
				return formatError("bad refinement coefficient size %d", s)
			case r != 15:
				d.eobrun = 1 << r
				if r > 0 {
					d.eobrun += int32(acc >> (64 - uint(r)))
					acc <<= uint(r)
					n -= uint(r)
				}
				break symbols
			}
			// Skip r coefficients that are still zero, refining the
			// non-zero ones passed on the way, then place val.
			for ; k <= se; k++ {
				if m>>uint(k)&1 != 0 {
					if n == 0 {
						br.acc, br.n = acc, n
						br.fill()
						acc, n = br.acc, br.n
					}
					if i := slot[k]; i >= 0 && acc>>63 != 0 {
						refine(&b[i], p1, m1)
					}
					acc <<= 1
					n--
					continue
				}
				if r == 0 {
					if val != 0 {
						m |= 1 << uint(k)
						if i := slot[k]; i >= 0 {
							b[i] = val
						}
					}
					k++
					break
				}
				r--
			}
		}
	}
	if d.eobrun > 0 {
		// The rest of the block is in an end-of-band run: only correction
		// bits for the non-zero coefficients, found from the mask.
		rest := m >> uint(k) << uint(k) & (^uint64(0) >> uint(63-se))
		for rest != 0 {
			j := bits.TrailingZeros64(rest)
			rest &= rest - 1
			if n == 0 {
				br.acc, br.n = acc, n
				br.fill()
				acc, n = br.acc, br.n
			}
			if i := slot[j]; i >= 0 && acc>>63 != 0 {
				refine(&b[i], p1, m1)
			}
			acc <<= 1
			n--
		}
		d.eobrun--
	}
	br.acc, br.n = acc, n
	*mask = m
	return nil
}

// refine applies a set correction bit to a non-zero coefficient.
func refine(v *int16, p1, m1 int16) {
	if *v&p1 == 0 {
		if *v >= 0 {
			*v += p1
		} else {
			*v += m1
		}
	}
}

// finish completes the decode: for progressive files it inverse-transforms
// the accumulated coefficients of the blocks that hold visible samples.
func (d *decoder) finish() error {
	if !d.progressive {
		return nil
	}
	bs := d.bs
	nn := bs * bs
	for i := 0; i < d.ncomp; i++ {
		c := &d.comp[i]
		if !d.quantSet[c.tq] {
			return formatError("component uses an undefined quantization table")
		}
		q := naturalQuant(&d.quant[c.tq])
		var stopped atomic.Pointer[error]
		forRanges(c.cbh, c.cbw*c.cbh, func(lo, hi int) {
			var blk [64]int16
			for by := lo; by < hi; by++ {
				if stopped.Load() != nil {
					return
				}
				if err := d.poll(); err != nil {
					e := err // escapes to the heap only here
					stopped.CompareAndSwap(nil, &e)
					return
				}
				for bx := 0; bx < c.cbw; bx++ {
					bi := by*c.bw + bx
					b := c.coef[bi*nn : bi*nn+nn]
					if bs == 8 {
						emit((*[64]int16)(b), &q, c, bs, bx, by, 63)
						continue
					}
					// Spread the stored corner into an 8x8 block.
					for row := 0; row < bs; row++ {
						copy(blk[row*8:row*8+bs], b[row*bs:])
					}
					emit(&blk, &q, c, bs, bx, by, 63)
				}
			}
		})
		if err := stopped.Load(); err != nil {
			return *err
		}
	}
	return nil
}

// beginUnit runs before each unit (MCU or block) of a progressive scan,
// with left the units still to go in the current restart interval: it reads
// the RSTn marker when an interval ends. When the entropy data ran out, the
// unit is skipped (the rest of its interval has no data) or, without
// restart intervals, the scan stops; a file cut short is errTruncated.
func (d *decoder) beginUnit(sc []scanComp, left *int) (skip, stop bool, err error) {
	ri := d.restartInterval
	if ri > 0 {
		if *left == 0 {
			if err := d.restart(sc); err != nil {
				return false, false, err
			}
			*left = ri
		}
		*left--
	}
	if d.br.exhausted() {
		if d.br.eof {
			return false, false, errTruncated
		}
		return ri > 0, ri == 0, nil
	}
	return false, false, nil
}
