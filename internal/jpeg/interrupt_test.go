package jpeg

import (
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
)

// TestInterrupt stops decodes through Options.Interrupt: Decode must return
// the error unchanged, without decoding the rest of the image, on every
// path (sequential, parallel restart intervals, one scan per component,
// progressive scans and the final inverse DCT, CMYK conversion).
func TestInterrupt(t *testing.T) {
	defer func(n int) { minParallelMCUs = n }(minParallelMCUs)
	minParallelMCUs = 1
	errStop := errors.New("stop")

	yuv := []testComp{{2, 2}, {1, 1}, {1, 1}}
	for _, ti := range []testImage{
		{w: 160, h: 160, comps: yuv, adobe: -1},
		{w: 160, h: 160, comps: yuv, adobe: -1, restart: 2},
		{w: 160, h: 160, comps: yuv, adobe: -1, separate: true},
		{w: 160, h: 160, comps: yuv, adobe: -1, progressive: true},
		{w: 160, h: 160, comps: []testComp{{1, 1}, {1, 1}, {1, 1}, {1, 1}}, adobe: 0},
	} {
		ti.sample = testSample
		name := fmt.Sprintf("restart%d-separate=%v-progressive=%v-comps%d", ti.restart, ti.separate, ti.progressive, len(ti.comps))
		t.Run(name, func(t *testing.T) {
			data := ti.encode()
			// Count the calls of a whole decode: at least one per MCU row.
			var total atomic.Int64
			if _, err := Decode(data, &Options{Interrupt: func() error { total.Add(1); return nil }}); err != nil {
				t.Fatal(err)
			}
			if rows := int64(ti.h / 16); total.Load() < rows {
				t.Fatalf("Interrupt called %d times, want at least one per MCU row (%d)", total.Load(), rows)
			}
			// Stop at every point of the decode in turn.
			for stopAt := int64(1); stopAt <= total.Load(); stopAt++ {
				var calls atomic.Int64
				img, err := Decode(data, &Options{Interrupt: func() error {
					if calls.Add(1) >= stopAt {
						return errStop
					}
					return nil
				}})
				if err != errStop || img != nil {
					t.Fatalf("stopped at call %d: got %v, %v; want nil, the Interrupt's error", stopAt, img, err)
				}
				// Parallel workers may each make one more call.
				if n := calls.Load(); n > stopAt+int64(maxWorkers()) {
					t.Fatalf("stopped at call %d: %d calls, the decode went on", stopAt, n)
				}
			}
		})
	}
}

// TestInterruptFiles stops the decode of real photographs, baseline and
// progressive, at every scale, after a few rows.
func TestInterruptFiles(t *testing.T) {
	errStop := errors.New("stop")
	for _, file := range []string{"phone-note10-exif6.jpg", "sunset.jpg"} {
		data := readTestdata(t, file)
		for _, s := range []int{1, 2, 4, 8} {
			var calls atomic.Int64
			_, err := Decode(data, &Options{Scale: s, Interrupt: func() error {
				if calls.Add(1) > 3 {
					return errStop
				}
				return nil
			}})
			if err != errStop {
				t.Errorf("%s at 1/%d: got %v, want the Interrupt's error", file, s, err)
			}
			if n := calls.Load(); n > 4+int64(maxWorkers()) {
				t.Errorf("%s at 1/%d: %d calls after stopping at the 4th", file, s, n)
			}
		}
	}
}
