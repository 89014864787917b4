package jpeg

import (
	"errors"
	"math/rand/v2"
	"testing"
)

// TestBitReader writes random bit fields with byte stuffing and reads them
// back, so that both the word-at-a-time and the byte-at-a-time refill paths
// (many 0xFF bytes) are used.
func TestBitReader(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	type field struct {
		v uint32
		n uint
	}
	for _, ffRate := range []int{0, 5, 50} {
		var fields []field
		w := &bitWriter{}
		for i := 0; i < 20000; i++ {
			n := uint(1 + rng.IntN(16))
			v := rng.Uint32() & (1<<n - 1)
			if rng.IntN(100) < ffRate {
				v = 1<<n - 1 // runs of ones make 0xFF bytes
			}
			fields = append(fields, field{v, n})
			w.put(v, n)
		}
		w.flush()
		data := append(w.out, 0xFF, mEOI)
		var br bitReader
		br.reset(data, 0)
		for i, f := range fields {
			if got := uint32(br.bits(f.n)); got != f.v {
				t.Fatalf("ffRate %d: field %d: got %#x, want %#x (%d bits)", ffRate, i, got, f.v, f.n)
			}
		}
		if br.exhausted() {
			t.Errorf("ffRate %d: reader used padding bits", ffRate)
		}
		// Reading on past the data supplies zeros at the marker.
		for i := 0; i < 10; i++ {
			br.bits(16)
		}
		if !br.exhausted() || br.truncated() || !br.marker {
			t.Errorf("ffRate %d: after the marker: exhausted %v truncated %v marker %v", ffRate, br.exhausted(), br.truncated(), br.marker)
		}
	}
}

func TestBitReaderEOF(t *testing.T) {
	var br bitReader
	br.reset([]byte{0xAB, 0xCD}, 0)
	if got := br.bits(16); got != 0xABCD {
		t.Fatalf("got %#x", got)
	}
	if br.truncated() {
		t.Fatal("truncated before reading past the data")
	}
	if got := br.bits(8); got != 0 || !br.truncated() {
		t.Errorf("past the end: %#x, truncated %v", got, br.truncated())
	}
}

// TestHuffmanLongCodes uses a code with one symbol of every length from 1
// to 16 bits, so that the lookup table and the slow path are both used.
func TestHuffmanLongCodes(t *testing.T) {
	var counts [17]int
	var vals []byte
	for l := 1; l <= 16; l++ {
		counts[l] = 1
		vals = append(vals, byte(l*16+l%16))
	}
	var tab huffTable
	if err := tab.build(&counts, vals, true); err != nil {
		t.Fatal(err)
	}
	// Canonical codes: length l has code 2^l - 2 (l-1 ones then a zero).
	w := &bitWriter{}
	var want []byte
	for i := 0; i < 500; i++ {
		l := uint(1 + (i*7)%16)
		w.put(1<<l-2, l)
		want = append(want, vals[l-1])
	}
	w.put(0xFFFF, 16) // not a code
	w.flush()
	var br bitReader
	br.reset(append(w.out, 0xFF, mEOI), 0)
	for i, sym := range want {
		got, err := br.decode(&tab)
		if err != nil || got != sym {
			t.Fatalf("symbol %d: got %#x, %v; want %#x", i, got, err, sym)
		}
	}
	if _, err := br.decode(&tab); !errors.Is(err, ErrFormat) {
		t.Errorf("invalid code: error %v, want ErrFormat", err)
	}
}

func TestHuffmanTableErrors(t *testing.T) {
	var counts [17]int
	counts[1] = 3 // only two 1-bit codes exist
	var tab huffTable
	if err := tab.build(&counts, []byte{1, 2, 3}, false); !errors.Is(err, ErrFormat) {
		t.Errorf("overfull table: error %v, want ErrFormat", err)
	}
}
