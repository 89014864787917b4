package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	for _, cacheURL := range []string{"mem://", "file://" + t.TempDir()} {
		var out bytes.Buffer
		if err := run([]string{"-cache", cacheURL}, &out); err != nil {
			t.Fatalf("%s: %v", cacheURL, err)
		}
		lines := strings.Split(out.String(), "\n")
		a, b := strings.TrimSuffix(lines[0], ", MISS"), strings.TrimSuffix(lines[1], ", HIT")
		if len(lines) != 4 || a == lines[0] || b == lines[1] || a[len("instance a"):] != b[len("instance b"):] ||
			lines[2] != "after a purge through b, a new instance: MISS" {
			t.Errorf("%s: printed\n%s", cacheURL, out.String())
		}
	}
}
