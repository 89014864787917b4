package jpeg

import (
	"fmt"
	"strings"
)

// Marker codes (ITU-T T.81 table B.1), without the leading 0xFF.
const (
	mSOF0 = 0xC0 // baseline
	mSOF1 = 0xC1 // extended sequential, Huffman
	mSOF2 = 0xC2 // progressive, Huffman
	mSOF3 = 0xC3 // lossless, Huffman
	mDHT  = 0xC4
	mDAC  = 0xCC
	mRST0 = 0xD0
	mRST7 = 0xD7
	mSOI  = 0xD8
	mEOI  = 0xD9
	mSOS  = 0xDA
	mDQT  = 0xDB
	mDNL  = 0xDC
	mDRI  = 0xDD
	mDHP  = 0xDE
	mEXP  = 0xDF
	mAPP0 = 0xE0
	mAPPE = 0xEE
	mTEM  = 0x01
)

// component is one color component of the frame.
type component struct {
	id   byte
	h, v int // sampling factors
	tq   int // quantization table selector

	// bw x bh is the component's block grid padded to whole MCUs; cbw x cbh
	// the blocks that hold component samples, which is what a
	// non-interleaved scan codes.
	bw, bh   int
	cbw, cbh int

	plane  []byte // output samples, stride x bh*bs
	stride int

	// Progressive only: for each block, the bs x bs low-frequency
	// coefficients that the scaled IDCT reads (row-major), and a mask whose
	// bit k tells whether the AC coefficient at zig-zag index k is non-zero,
	// which is all that refinement scans need to know about the others.
	coef []int16
	mask []uint64
}

// decoder holds the state of one decode. It is not safe for concurrent use.
type decoder struct {
	data  []byte
	pos   int
	scale int
	bs    int // output samples per block side: 8 / scale

	frameSeen   bool
	progressive bool
	width       int
	height      int
	ncomp       int
	comp        [4]component
	hmax, vmax  int
	mcusX       int
	mcusY       int

	quant    [4][64]int32 // zig-zag order
	quantSet [4]bool
	dc, ac   [4]*huffTable

	restartInterval int

	jfif           bool
	adobe          bool
	adobeTransform byte

	allocated bool
	scans     int
	eobrun    int32
	slot      [64]int8 // progressive: coefSlots(bs)
	br        bitReader
	blk       [64]int32

	interrupt func() error // Options.Interrupt, or nil
}

// poll returns the error of the caller's Interrupt, if it has one.
func (d *decoder) poll() error {
	if d.interrupt == nil {
		return nil
	}
	return d.interrupt()
}

func be16(b []byte) int { return int(b[0])<<8 | int(b[1]) }

// parse walks the marker segments. With headerOnly it stops after the frame
// header; otherwise it decodes every scan.
func (d *decoder) parse(headerOnly bool) error {
	data := d.data
	if len(data) < 2 || data[0] != 0xFF || data[1] != mSOI {
		return formatError("missing SOI marker")
	}
	d.pos = 2
	for {
		marker, ok := d.nextMarker()
		if !ok {
			if headerOnly || !d.frameSeen {
				return formatError("no frame header (SOF) before end of data")
			}
			if d.scans == 0 {
				return formatError("no image data (SOS) before end of data")
			}
			// A missing EOI after complete scans is tolerated.
			return d.finish()
		}
		switch {
		case marker == mEOI:
			if !d.frameSeen {
				return formatError("no frame header (SOF) before EOI")
			}
			if d.scans == 0 {
				return formatError("no image data (SOS) before EOI")
			}
			return d.finish()
		case marker >= mRST0 && marker <= mRST7, marker == mTEM, marker == mSOI:
			// Standalone markers outside a scan carry nothing.
			continue
		}
		if d.pos+2 > len(data) {
			return formatError("truncated marker segment 0x%02X", marker)
		}
		length := be16(data[d.pos:])
		if length < 2 || d.pos+length > len(data) {
			return formatError("bad length %d for marker segment 0x%02X", length, marker)
		}
		seg := data[d.pos+2 : d.pos+length]
		d.pos += length

		var err error
		switch marker {
		case mSOF0, mSOF1, mSOF2:
			if d.frameSeen {
				return formatError("more than one frame header")
			}
			if err := d.parseSOF(seg, marker == mSOF2); err != nil {
				return err
			}
			if headerOnly {
				return nil
			}
		case mSOF3:
			return unsupported("lossless JPEG (SOF3)")
		case 0xC5, 0xC6, 0xC7, mDHP, mEXP:
			return unsupported("hierarchical JPEG")
		case 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF, mDAC:
			return unsupported("arithmetic coding")
		case mDHT:
			err = d.parseDHT(seg)
		case mDQT:
			err = d.parseDQT(seg)
		case mDRI:
			if len(seg) != 2 {
				return formatError("bad DRI length")
			}
			d.restartInterval = be16(seg)
		case mDNL:
			// Heights defined by DNL are rejected in parseSOF; a stray DNL
			// has nothing to add.
		case mSOS:
			if headerOnly || !d.frameSeen {
				return formatError("scan (SOS) before frame header (SOF)")
			}
			err = d.decodeScan(seg)
		case mAPP0:
			if len(seg) >= 5 && string(seg[:5]) == "JFIF\x00" {
				d.jfif = true
			}
		case mAPPE:
			if len(seg) >= 12 && string(seg[:5]) == "Adobe" {
				d.adobe = true
				d.adobeTransform = seg[11]
			}
		}
		if err != nil {
			return err
		}
	}
}

// nextMarker skips to the next marker at or after d.pos and returns its
// code, leaving d.pos after it. Bytes that are not part of a marker are
// skipped, as libjpeg does.
func (d *decoder) nextMarker() (byte, bool) {
	data := d.data
	for i := d.pos; i+1 < len(data); i++ {
		if data[i] != 0xFF {
			continue
		}
		m := data[i+1]
		if m == 0x00 || m == 0xFF {
			continue
		}
		d.pos = i + 2
		return m, true
	}
	d.pos = len(data)
	return 0, false
}

func (d *decoder) parseSOF(seg []byte, progressive bool) error {
	if len(seg) < 6 {
		return formatError("short frame header")
	}
	if seg[0] != 8 {
		return unsupported(fmt.Sprintf("%d-bit samples", seg[0]))
	}
	d.height = be16(seg[1:])
	d.width = be16(seg[3:])
	n := int(seg[5])
	if d.width == 0 {
		return formatError("zero image width")
	}
	if d.height == 0 {
		return unsupported("image height defined by DNL marker")
	}
	switch n {
	case 1, 3, 4:
	case 0:
		return formatError("frame has no components")
	default:
		return unsupported(fmt.Sprintf("%d color components", n))
	}
	if len(seg) != 6+3*n {
		return formatError("bad frame header length")
	}
	d.ncomp = n
	d.progressive = progressive
	d.hmax, d.vmax = 1, 1
	for i := 0; i < n; i++ {
		p := seg[6+3*i:]
		c := &d.comp[i]
		c.id = p[0]
		c.h = int(p[1] >> 4)
		c.v = int(p[1] & 15)
		c.tq = int(p[2])
		if c.h < 1 || c.h > 4 || c.v < 1 || c.v > 4 {
			return formatError("bad sampling factors %dx%d", c.h, c.v)
		}
		if c.tq > 3 {
			return formatError("bad quantization table selector %d", c.tq)
		}
		for j := 0; j < i; j++ {
			if d.comp[j].id == c.id {
				return formatError("duplicate component id %d", c.id)
			}
		}
		d.hmax = max(d.hmax, c.h)
		d.vmax = max(d.vmax, c.v)
	}
	if n == 1 {
		// A single-component frame is never interleaved: its MCU is one block.
		d.comp[0].h, d.comp[0].v = 1, 1
		d.hmax, d.vmax = 1, 1
	}
	d.mcusX = (d.width + 8*d.hmax - 1) / (8 * d.hmax)
	d.mcusY = (d.height + 8*d.vmax - 1) / (8 * d.vmax)
	for i := 0; i < n; i++ {
		c := &d.comp[i]
		c.bw = d.mcusX * c.h
		c.bh = d.mcusY * c.v
		cw := (d.width*c.h + d.hmax - 1) / d.hmax
		ch := (d.height*c.v + d.vmax - 1) / d.vmax
		c.cbw = (cw + 7) / 8
		c.cbh = (ch + 7) / 8
	}
	d.frameSeen = true
	return nil
}

func (d *decoder) parseDQT(seg []byte) error {
	for len(seg) > 0 {
		pq, tq := seg[0]>>4, int(seg[0]&15)
		if tq > 3 || pq > 1 {
			return formatError("bad quantization table header 0x%02X", seg[0])
		}
		seg = seg[1:]
		q := &d.quant[tq]
		if pq == 0 {
			if len(seg) < 64 {
				return formatError("short quantization table")
			}
			for k := 0; k < 64; k++ {
				q[k] = int32(seg[k])
			}
			seg = seg[64:]
		} else {
			if len(seg) < 128 {
				return formatError("short quantization table")
			}
			for k := 0; k < 64; k++ {
				q[k] = int32(be16(seg[2*k:]))
			}
			seg = seg[128:]
		}
		d.quantSet[tq] = true
	}
	return nil
}

func (d *decoder) parseDHT(seg []byte) error {
	for len(seg) > 0 {
		if len(seg) < 17 {
			return formatError("short Huffman table")
		}
		tc, th := seg[0]>>4, int(seg[0]&15)
		if tc > 1 || th > 3 {
			return formatError("bad Huffman table header 0x%02X", seg[0])
		}
		var counts [17]int
		total := 0
		for l := 1; l <= 16; l++ {
			counts[l] = int(seg[l])
			total += counts[l]
		}
		if total > 256 || len(seg) < 17+total {
			return formatError("bad Huffman table size")
		}
		t := new(huffTable)
		if err := t.build(&counts, seg[17:17+total], tc == 1); err != nil {
			return err
		}
		if tc == 0 {
			d.dc[th] = t
		} else {
			d.ac[th] = t
		}
		seg = seg[17+total:]
	}
	return nil
}

// isRGB reports whether a 3-component frame holds RGB rather than YCbCr,
// following the same rules as image/jpeg.
func (d *decoder) isRGB() bool {
	if d.jfif {
		return false
	}
	if d.adobe && d.adobeTransform == 0 {
		return true
	}
	return d.comp[0].id == 'R' && d.comp[1].id == 'G' && d.comp[2].id == 'B'
}

// subsampling names the frame's sampling factors.
func (d *decoder) subsampling() string {
	if d.ncomp == 1 {
		return "4:0:0"
	}
	same := true
	for i := 1; i < d.ncomp; i++ {
		if d.comp[i].h != d.comp[1].h || d.comp[i].v != d.comp[1].v {
			same = false
		}
	}
	if same && d.comp[0].h == d.hmax && d.comp[0].v == d.vmax &&
		d.hmax%d.comp[1].h == 0 && d.vmax%d.comp[1].v == 0 {
		switch [2]int{d.hmax / d.comp[1].h, d.vmax / d.comp[1].v} {
		case [2]int{1, 1}:
			return "4:4:4"
		case [2]int{2, 1}:
			return "4:2:2"
		case [2]int{2, 2}:
			return "4:2:0"
		case [2]int{1, 2}:
			return "4:4:0"
		case [2]int{4, 1}:
			return "4:1:1"
		case [2]int{4, 2}:
			return "4:1:0"
		}
	}
	parts := make([]string, d.ncomp)
	for i := range parts {
		parts[i] = fmt.Sprintf("%dx%d", d.comp[i].h, d.comp[i].v)
	}
	return strings.Join(parts, ",")
}
