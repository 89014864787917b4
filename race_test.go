//go:build race

package rendition

// raceEnabled: the race detector makes a render about ten times slower, so
// tests that measure throughput against a deadline run without it.
const raceEnabled = true
