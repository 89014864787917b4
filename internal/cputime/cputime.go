// Package cputime measures the CPU time a benchmark spends, so that a
// parallel implementation is compared on the work it does, not only on wall
// time.
package cputime

import (
	"syscall"
	"testing"
	"time"
)

// Process returns the CPU time (user + system) the process has used.
func Process() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// Report runs b's loop body fn b.N times and reports the CPU time per
// operation as the "cpu-ns/op" metric, next to the wall time.
func Report(b *testing.B, fn func()) {
	b.Helper()
	b.ReportAllocs()
	start := Process()
	for b.Loop() {
		fn()
	}
	b.ReportMetric(float64(Process()-start)/float64(b.N), "cpu-ns/op")
}
