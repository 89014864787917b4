package main

import (
	"bytes"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/rendition-go/rendition/signing"
)

func TestRun(t *testing.T) {
	var out bytes.Buffer
	if err := run([]string{"-key", "k", "-host", "https://img.example.com", "-path", "a b.jpg", "-params", "w=400", "-expires", "1h"}, &out); err != nil {
		t.Fatal(err)
	}
	first, srcset, _ := strings.Cut(out.String(), "\n")
	u, err := url.Parse(first)
	if err != nil {
		t.Fatal(err)
	}
	hm, _ := signing.NewHMAC("k")
	if _, err := hm.Verify(u.EscapedPath(), u.RawQuery, time.Now()); err != nil {
		t.Errorf("%s does not verify: %v", first, err)
	}
	if !strings.Contains(srcset, " 1x") || !strings.Contains(srcset, " 5x") {
		t.Errorf("srcset %q", srcset)
	}
	if err := run(nil, &out); err == nil {
		t.Error("no -key: no error")
	}
}
