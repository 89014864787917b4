//go:build !race

package rendition

const raceEnabled = false
