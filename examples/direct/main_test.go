package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rendition-go/rendition/transform"
)

func TestRun(t *testing.T) {
	out := filepath.Join(t.TempDir(), "thumb.webp")
	var stdout bytes.Buffer
	err := run([]string{"-in", "../../testdata/phone-note10-exif6.jpg", "-out", out, "-params", "w=300&h=200&fit=crop&fm=webp"}, &stdout)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := transform.DecodeConfig(data)
	if err != nil || cfg.Format != transform.WebP || cfg.Width != 300 || cfg.Height != 200 {
		t.Errorf("wrote %+v, %v", cfg, err)
	}
	if !strings.Contains(stdout.String(), "300x200 webp") {
		t.Errorf("printed %q", stdout.String())
	}
	if err := run([]string{"-in", "x.jpg", "-out", out, "-params", "w=abc"}, &stdout); err == nil || !strings.Contains(err.Error(), "parameter w") {
		t.Errorf("a bad parameter: %v", err)
	}
}
