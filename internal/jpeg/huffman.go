package jpeg

import (
	"encoding/binary"
	"math/bits"
)

// lookBits is the number of bits decoded by one table lookup.
const lookBits = 9

// huffTable is a decoding table for one Huffman code (T.81 annex C).
type huffTable struct {
	// lookup maps the next lookBits bits of the stream to
	// length<<8 | symbol for codes of at most lookBits bits; 0 means the
	// code is longer (or invalid) and the slow path must be taken.
	lookup [1 << lookBits]uint16
	// fastAC, for AC tables only, maps the next lookBits bits to a whole
	// coefficient when the code and its extra bits fit: value<<8 | run<<4 |
	// total length. 0 means no shortcut.
	fastAC [1 << lookBits]int32
	// maxcode[l] is the largest code of length l, or -1; valptr[l] is the
	// index in vals of the symbol for code 0 of length l (it may be negative).
	maxcode [17]int32
	valptr  [17]int32
	vals    [256]byte
}

func (t *huffTable) build(counts *[17]int, vals []byte, ac bool) error {
	copy(t.vals[:], vals)
	code := int32(0)
	k := int32(0)
	for l := 1; l <= 16; l++ {
		t.valptr[l] = k - code
		n := int32(counts[l])
		if code+n > 1<<l {
			return formatError("bad Huffman table: too many codes of length %d", l)
		}
		if n == 0 {
			t.maxcode[l] = -1
		} else {
			if l <= lookBits {
				shift := uint(lookBits - l)
				for i := int32(0); i < n; i++ {
					c := code + i
					e := uint16(l)<<8 | uint16(t.vals[k+i])
					lo := c << shift
					hi := (c + 1) << shift
					for p := lo; p < hi; p++ {
						t.lookup[p] = e
					}
				}
			}
			code += n
			k += n
			t.maxcode[l] = code - 1
		}
		code <<= 1
	}
	if ac {
		for p := range t.lookup {
			e := t.lookup[p]
			if e == 0 {
				continue
			}
			l := int(e >> 8)
			rs := byte(e)
			r, s := int(rs>>4), int(rs&15)
			if s == 0 || l+s > lookBits {
				continue
			}
			v := int32(p>>(lookBits-l-s)) & (1<<s - 1)
			v = extend(v, uint(s))
			t.fastAC[p] = v<<8 | int32(r)<<4 | int32(l+s)
		}
	}
	return nil
}

// slow decodes a code longer than lookBits from the left-aligned bits in acc.
// It returns the code length 0 for an invalid code.
func (t *huffTable) slow(acc uint64) (sym byte, length uint) {
	for l := lookBits + 1; l <= 16; l++ {
		code := int32(acc >> (64 - uint(l)))
		if code <= t.maxcode[l] {
			return t.vals[uint8(t.valptr[l]+code)], uint(l)
		}
	}
	return 0, 0
}

// extend converts the s-bit magnitude v to a signed value (T.81 F.2.2.1).
func extend(v int32, s uint) int32 {
	if v < 1<<(s-1) {
		v += -1<<s + 1
	}
	return v
}

// bitReader reads entropy-coded bits. Bits are kept left-aligned in acc:
// the next bit of the stream is bit 63, and only the top n bits are valid
// (the others are zero). Stuffed zero bytes are removed as bytes enter acc.
// When a marker or the end of data is reached, zero bits are supplied
// instead; pad counts them so that the decoder can tell when it has used
// bits that are not in the data.
type bitReader struct {
	data   []byte
	pos    int
	acc    uint64
	n      uint
	marker bool // a marker stops the entropy-coded segment at pos
	eof    bool // the data ended inside the segment
	pad    uint // zero bits supplied at a marker or the end of data
}

func (br *bitReader) reset(data []byte, pos int) {
	*br = bitReader{data: data, pos: pos}
}

// fill tops acc up to at least 57 valid bits.
func (br *bitReader) fill() {
	if !br.marker && br.pos+8 <= len(br.data) {
		w := binary.BigEndian.Uint64(br.data[br.pos:])
		// Find the first 0xFF byte: it stops the fast path. The zero-byte
		// test on ^w flags every 0xFF byte and may flag some bytes before
		// one, so it can stop early but never late.
		x := ^w
		m := (x - 0x0101010101010101) & ^x & 0x8080808080808080
		safe := uint(bits.LeadingZeros64(m)) >> 3
		take := (63 - br.n) >> 3
		if take > safe {
			take = safe
		}
		if take > 0 {
			nn := br.n + 8*take
			br.acc |= (w >> br.n) &^ (^uint64(0) >> nn)
			br.n = nn
			br.pos += int(take)
		}
	}
	for br.n <= 56 {
		if br.marker || br.pos >= len(br.data) {
			if !br.marker {
				br.eof = true
			}
			br.pad += 8
			br.n += 8
			continue
		}
		b := br.data[br.pos]
		if b == 0xFF {
			if br.pos+1 < len(br.data) && br.data[br.pos+1] == 0 {
				br.pos += 2
			} else if br.pos+1 >= len(br.data) {
				br.pos++
				continue
			} else {
				br.marker = true
				continue
			}
		} else {
			br.pos++
		}
		br.acc |= uint64(b) << (56 - br.n)
		br.n += 8
	}
}

// exhausted reports whether supplied zero bits were consumed: the
// entropy-coded segment ended (at a marker or the end of data) before the
// decoder was done with it.
func (br *bitReader) exhausted() bool {
	return br.pad > br.n
}

// truncated reports whether bits past the end of data were consumed.
func (br *bitReader) truncated() bool {
	return br.eof && br.pad > br.n
}

// bits reads s bits (s <= 16) as an unsigned value.
func (br *bitReader) bits(s uint) int32 {
	if br.n < s {
		br.fill()
	}
	v := int32(br.acc >> (64 - s))
	br.acc <<= s
	br.n -= s
	return v
}

// bit reads one bit.
func (br *bitReader) bit() bool {
	if br.n < 1 {
		br.fill()
	}
	v := br.acc>>63 != 0
	br.acc <<= 1
	br.n--
	return v
}

// decode reads one Huffman-coded symbol.
func (br *bitReader) decode(t *huffTable) (byte, error) {
	if br.n < 16 {
		br.fill()
	}
	if e := t.lookup[br.acc>>(64-lookBits)]; e != 0 {
		l := uint(e >> 8)
		br.acc <<= l
		br.n -= l
		return byte(e), nil
	}
	sym, l := t.slow(br.acc)
	if l == 0 {
		return 0, formatError("bad Huffman code")
	}
	br.acc <<= l
	br.n -= l
	return sym, nil
}
