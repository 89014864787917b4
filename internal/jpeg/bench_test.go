package jpeg

import (
	"bytes"
	"context"
	"fmt"
	stdjpeg "image/jpeg"
	"testing"

	"github.com/rendition-go/rendition/internal/cputime"
)

// cpuTime returns the process's user plus system CPU time in nanoseconds.
func cpuTime(b *testing.B) int64 {
	t, ok := cputime.Process()
	if !ok {
		b.Skip("no CPU time on this system")
	}
	return int64(t)
}

// BenchmarkDecode compares Decode at every scale with image/jpeg on a
// baseline and a progressive photo. cpu-ns/op is CPU time per decode,
// which exceeds ns/op when work runs in parallel.
func BenchmarkDecode(b *testing.B) {
	for _, file := range []string{"phone-note10-exif6.jpg", "sunset.jpg"} {
		data := readTestdata(b, file)
		b.Run(file+"/image-jpeg", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			cpu := cpuTime(b)
			for b.Loop() {
				if _, err := stdjpeg.Decode(bytes.NewReader(data)); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(cpuTime(b)-cpu)/float64(b.N), "cpu-ns/op")
		})
		for _, s := range []int{1, 2, 4, 8} {
			b.Run(fmt.Sprintf("%s/scale%d", file, s), func(b *testing.B) {
				b.ReportAllocs()
				b.SetBytes(int64(len(data)))
				// Polled as a server polls its request's context.
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				opts := &Options{Scale: s, Interrupt: ctx.Err}
				cpu := cpuTime(b)
				for b.Loop() {
					if _, err := Decode(data, opts); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(cpuTime(b)-cpu)/float64(b.N), "cpu-ns/op")
			})
		}
	}
}
