// Package cputime measures the CPU time a benchmark spends, so that a
// parallel implementation is compared on the work it does, not only on wall
// time.
package cputime

import (
	"testing"
	"time"
)

// Process returns the CPU time (user + system) the process has used, and
// false when it cannot be measured on this system.
func Process() (time.Duration, bool) { return process() }

// Report runs b's loop body fn b.N times and reports the CPU time per
// operation as the "cpu-ns/op" metric, next to the wall time. Where the CPU
// time cannot be measured, the metric is left out.
func Report(b *testing.B, fn func()) {
	b.Helper()
	b.ReportAllocs()
	start, ok := Process()
	for b.Loop() {
		fn()
	}
	if end, _ := Process(); ok {
		b.ReportMetric(float64(end-start)/float64(b.N), "cpu-ns/op")
	}
}
