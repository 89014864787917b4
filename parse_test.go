package rendition

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/rendition-go/rendition/internal/testclock"
	"github.com/rendition-go/rendition/signing"
	"github.com/rendition-go/rendition/source"
)

// expiringSigner is a scheme whose URLs can expire.
type expiringSigner interface {
	signing.Verifier
	SignExpiring(escapedPath, rawQuery string, t time.Time) string
}

// TestSignatureExpiryUsesClock checks that a signed URL's expiry is judged
// by the handler's clock: a URL that expires at T is served under a clock
// before T and refused, 403 ESIGNATURE, once the clock is past T, whatever
// the time of the machine. T is in the machine's past, so a handler that
// read the machine's clock would refuse the first request too.
func TestSignatureExpiryUsesClock(t *testing.T) {
	hm, _ := signing.NewHMAC("k")
	ix, _ := signing.NewImgix("k")
	ik, _ := signing.NewImageKit("k")
	expiry := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, s := range []struct {
		name   string
		signer expiringSigner
	}{{"hmac", hm}, {"imgix", ix}, {"imagekit", ik}} {
		t.Run(s.name, func(t *testing.T) {
			clock := testclock.New(expiry.Add(-time.Minute))
			h := clocked(t, source.NewFS(testFS(t)), clock, Options{Verifier: s.signer})
			u := "/photo.jpg?" + s.signer.SignExpiring("/photo.jpg", "w=40", expiry)
			if r := get(t, h, u); r.Code != http.StatusOK {
				t.Fatalf("%s a minute before it expires: %d %s", u, r.Code, r.Body)
			}
			clock.Advance(2 * time.Minute)
			r := get(t, h, u)
			if r.Code != http.StatusForbidden || r.Header().Get("X-Rendition-Error") != CodeSignature ||
				!strings.Contains(r.Body.String(), "expired at 2020-01-01T00:00:00Z") {
				t.Errorf("%s a minute after it expired: %d %q %s", u, r.Code, r.Header().Get("X-Rendition-Error"), r.Body)
			}
		})
	}
}

// TestSignatureBeforeKey checks that the signature is verified before the
// key is looked at: an unsigned or wrongly signed request gets the same
// 403 ESIGNATURE whether the web proxy's allow-list accepts its URL, refuses
// it, or the key is malformed, so it cannot map the allow-list. A correctly
// signed request still has its key checked.
func TestSignatureBeforeKey(t *testing.T) {
	proxy, err := source.NewWebProxy(&source.WebProxyOptions{AllowHosts: []string{"allowed.example"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(proxy.CloseIdleConnections)
	hm, _ := signing.NewHMAC("k")
	other, _ := signing.NewHMAC("another key")
	h := newHandler(t, proxy, &Options{Verifier: hm})
	paths := []string{
		"/https%3A%2F%2Fallowed.example%2Fa.png", // allowed
		"/https%3A%2F%2Fother.example%2Fa.png",   // not on the allow-list
		"/ftp%3A%2F%2Fallowed.example%2Fa.png",   // not a URL the proxy fetches
		"/..%2Fa.png",                            // not a key at all
	}
	var first string
	for _, p := range paths {
		for _, u := range []string{p + "?w=10", p + "?" + other.Sign(p, "w=10")} {
			r := get(t, h, u)
			if r.Code != http.StatusForbidden || r.Header().Get("X-Rendition-Error") != CodeSignature {
				t.Errorf("%s: %d %q %s, want 403 %s", u, r.Code, r.Header().Get("X-Rendition-Error"), r.Body, CodeSignature)
			}
			if first == "" {
				first = r.Body.String()
			}
		}
		if r := get(t, h, p+"?w=10"); r.Body.String() != first {
			t.Errorf("%s: body %q, want the same as for any unsigned URL, %q", p, r.Body, first)
		}
	}
	u := paths[1] + "?" + hm.Sign(paths[1], "w=10")
	if r := get(t, h, u); r.Code != http.StatusNotFound {
		t.Errorf("signed, not on the allow-list: %d %s, want 404", r.Code, r.Body)
	}
}

// TestImageKitEndpointDoubleSlash serves URLs built by ImageKit's Node.js
// SDK 6.0.0 (private key "k") for the endpoint "https://ik.example.test/",
// which ends in a slash, and paths starting with one: the SDK joins them
// into "//photo.jpg" and signs "/photo.jpg?...". ImageKit serves such URLs;
// the extra slash is not part of the key, and the signature covers the
// URL as sent.
func TestImageKitEndpointDoubleSlash(t *testing.T) {
	ik, _ := signing.NewImageKit("k")
	h := newHandler(t, source.NewFS(testFS(t)), &Options{Verifier: ik})
	tests := []struct {
		url  string
		w, h int
	}{
		// path "/photo.jpg", transformation [{width: 200, height: 200}],
		// transformationPosition "query"
		{"//photo.jpg?tr=w-200%2Ch-200&ik-s=f5a341f223047e594199edb5ded4d982422c5b30", 200, 200},
		// path "/photo.jpg", queryParameters {w: 10}
		{"//photo.jpg?w=10&ik-s=ad4fdefda3365e3e38a159c011aa551cc2f4824a", 10, 8},
	}
	for _, tt := range tests {
		r := get(t, h, tt.url)
		if r.Code != http.StatusOK {
			t.Errorf("%s: %d %s", tt.url, r.Code, r.Body)
			continue
		}
		if _, cfg := r.image(); cfg.Width != tt.w || cfg.Height != tt.h {
			t.Errorf("%s: %dx%d, want %dx%d", tt.url, cfg.Width, cfg.Height, tt.w, tt.h)
		}
		// The signature covers the extra slash: without it, it does not
		// verify.
		if r := get(t, h, tt.url[1:]); r.Code != http.StatusForbidden {
			t.Errorf("%s: %d, want 403", tt.url[1:], r.Code)
		}
	}

	open := newHandler(t, source.NewFS(testFS(t)), nil)
	for _, u := range []string{"//photo.jpg?w=10", "//tr:w-10/photo.jpg"} {
		if r := get(t, open, u); r.Code != http.StatusOK {
			t.Errorf("%s: %d %s", u, r.Code, r.Body)
		}
	}
	// One extra slash, not any number.
	if r := get(t, open, "///photo.jpg?w=10"); r.Code != http.StatusBadRequest {
		t.Errorf("///photo.jpg: %d %s, want 400", r.Code, r.Body)
	}
}

func TestPathKey(t *testing.T) {
	tests := []struct{ path, key, tr string }{
		{"/photo.jpg", "photo.jpg", ""},
		{"photo.jpg", "photo.jpg", ""},
		{"//photo.jpg", "photo.jpg", ""},
		{"///photo.jpg", "/photo.jpg", ""},
		{"/tr:w-10/dir/photo.jpg", "dir/photo.jpg", "w-10"},
		{"//tr:w-10:h-5/photo.jpg", "photo.jpg", "w-10:h-5"},
		{"/dir/tr:w-10/photo.jpg", "dir/tr:w-10/photo.jpg", ""},
		{"/tr:w-10", "tr:w-10", ""},
		{"/", "", ""},
		{"", "", ""},
	}
	for _, tt := range tests {
		if key, tr := pathKey(tt.path); key != tt.key || tr != tt.tr {
			t.Errorf("pathKey(%q) = %q, %q; want %q, %q", tt.path, key, tr, tt.key, tt.tr)
		}
	}
}
