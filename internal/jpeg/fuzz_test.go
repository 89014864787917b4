package jpeg

import (
	"image"
	"testing"
)

func FuzzDecode(f *testing.F) {
	// The start of a real progressive file: its headers and the beginning
	// of its first scan.
	seeds := [][]byte{readTestdata(f, "friends-portrait.jpg")[:20000]}
	for _, tc := range synthetic {
		tc.img.sample = testSample
		seeds = append(seeds, tc.img.encode())
	}
	restart := testImage{w: 40, h: 24, comps: []testComp{{2, 1}, {1, 1}, {1, 1}}, restart: 2, separate: true, adobe: -1, sample: testSample}
	seeds = append(seeds, restart.encode())
	for _, s := range seeds[:len(seeds):len(seeds)] {
		// Truncated and corrupted copies.
		seeds = append(seeds, s[:len(s)/2], s[:len(s)*9/10])
		c := append([]byte(nil), s...)
		for i := len(c) / 3; i < len(c); i += len(c)/7 + 1 {
			c[i] ^= 0x5A
		}
		seeds = append(seeds, c)
	}
	for i, s := range seeds {
		f.Add(s, uint8(1<<(i%4)))
	}

	// Keep allocations for mutated dimensions small, and let restart
	// intervals take the parallel path.
	defer func(n int) { maxPixels = n }(maxPixels)
	maxPixels = 1 << 20
	defer func(n int) { minParallelMCUs = n }(minParallelMCUs)
	minParallelMCUs = 1

	f.Fuzz(func(t *testing.T, data []byte, scale uint8) {
		s := 1 << (scale % 4)
		cfg, cfgErr := DecodeConfig(data)
		img, err := Decode(data, &Options{Scale: s})
		if err != nil {
			if img != nil {
				t.Fatalf("image returned with error %v", err)
			}
			return
		}
		if cfgErr != nil {
			t.Fatalf("Decode succeeded but DecodeConfig failed: %v", cfgErr)
		}
		want := image.Rect(0, 0, (cfg.Width+s-1)/s, (cfg.Height+s-1)/s)
		if img.Bounds() != want {
			t.Fatalf("bounds %v, want %v", img.Bounds(), want)
		}
		// Reading the corners must stay inside the pixel buffers.
		img.At(0, 0)
		img.At(want.Max.X-1, want.Max.Y-1)
		if m, ok := img.(*image.YCbCr); ok {
			_ = m.YCbCrAt(want.Max.X-1, want.Max.Y-1)
		}
	})
}
