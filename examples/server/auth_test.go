package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestBearer checks the purge API's authorisation: the scheme in any case,
// as RFC 7235 has it, and exactly the token.
func TestBearer(t *testing.T) {
	h := bearer("s3cret", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	tests := []struct {
		header string
		ok     bool
	}{
		{"Bearer s3cret", true},
		{"bearer s3cret", true},
		{"BEARER s3cret", true},
		{"bEaReR s3cret", true},
		{"Bearer  s3cret", true}, // 1*SP
		{"", false},
		{"s3cret", false},
		{"Bearer", false},
		{"Bearer ", false},
		{"Bearers3cret", false},
		{"Bearer s3cre", false},
		{"Bearer s3cret2", false},
		{"Bearer S3CRET", false},
		{"Basic s3cret", false},
		{"Beare s3cret", false},
	}
	for _, tt := range tests {
		rec := httptest.NewRecorder()
		r := httptest.NewRequest(http.MethodPost, "/purge", nil)
		if tt.header != "" {
			r.Header.Set("Authorization", tt.header)
		}
		h.ServeHTTP(rec, r)
		if got := rec.Code == http.StatusOK; got != tt.ok {
			t.Errorf("Authorization %q: %d, want accepted %v", tt.header, rec.Code, tt.ok)
		}
		if !tt.ok && rec.Header().Get("WWW-Authenticate") == "" {
			t.Errorf("Authorization %q: refused without WWW-Authenticate", tt.header)
		}
	}
}

// TestDemoPageMounting checks that the demo page, whose URLs are signed
// with -sign-key, is shown with the embedded samples and otherwise only
// with -demo.
func TestDemoPageMounting(t *testing.T) {
	dir := t.TempDir()
	isDemo := func(base string) bool {
		resp, body := fetch(t, base+"/")
		return resp.StatusCode == http.StatusOK && strings.Contains(string(body), "<h1>Rendition</h1>")
	}
	if base := startServer(t, "-sign-key", "k"); !isDemo(base) {
		t.Error("the embedded samples, signed: no demo page")
	}
	for _, args := range [][]string{
		{"-origin", "file://" + dir},
		{"-origin", "file://" + dir, "-sign-key", "k"},
		{"-origin", "file://" + dir, "-sign-key", "k", "-sign-scheme", "imgix"},
	} {
		base := startServer(t, args...)
		resp, body := fetch(t, base+"/")
		if resp.StatusCode == http.StatusOK || strings.Contains(string(body), "sunset.jpg") {
			t.Errorf("%q: / answered %d with %d bytes naming the samples, want no demo page", args, resp.StatusCode, len(body))
		}
	}
	if base := startServer(t, "-origin", "file://"+dir, "-sign-key", "k", "-demo"); !isDemo(base) {
		t.Error("-origin with -demo: no demo page")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := run(ctx, []string{"-proxy", "-allow-unsigned", "-demo"}, io.Discard, io.Discard); err == nil ||
		!strings.Contains(err.Error(), "-demo") {
		t.Errorf("-proxy -demo: %v, want an error naming -demo", err)
	}
}
