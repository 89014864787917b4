//go:build race

package integration_test

// raceEnabled says whether the tests run with the race detector, so that
// the programs they build do too.
const raceEnabled = true
