package compat_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	imgix "github.com/imgix/imgix-go/v2"

	"github.com/rendition-go/rendition/signing"
)

// The imgix source the SDK builds URLs for, and its secure URL token.
const (
	imgixDomain = "images.example.test"
	imgixToken  = "FOO123bar"
)

// imgixBuilders are the SDK's builders with and without its ixlib parameter,
// which is signed like any other.
var imgixBuilders = []struct {
	name    string
	builder imgix.URLBuilder
}{
	{"ixlib off", imgix.NewURLBuilder(imgixDomain, imgix.WithToken(imgixToken), imgix.WithLibParam(false))},
	{"ixlib on", imgix.NewURLBuilder(imgixDomain, imgix.WithToken(imgixToken))},
}

// imgixPath cuts the scheme and domain off a URL the SDK built: the rest is
// what the server receives.
func imgixPath(t *testing.T, u string) string {
	t.Helper()
	rest, ok := strings.CutPrefix(u, "https://"+imgixDomain+"/")
	if !ok {
		t.Fatalf("the SDK built %q, not a URL on https://%s/", u, imgixDomain)
	}
	return "/" + rest
}

func imgixVerifier(t *testing.T) signing.Verifier {
	t.Helper()
	v, err := signing.NewImgix(imgixToken)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestImgixSDKURLs requests URLs signed by imgix's Go SDK and checks that
// each is served at the size it asks for.
func TestImgixSDKURLs(t *testing.T) {
	later := strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10)
	tests := []struct {
		name   string
		path   string
		params []imgix.IxParam
		width  int
		format string
	}{
		{"no parameters", "dice-alpha.png", nil, 800, "png"},
		{"w", "dice-alpha.png", []imgix.IxParam{imgix.Param("w", "120")}, 120, "png"},
		{"leading slash", "/dice-alpha.png", []imgix.IxParam{imgix.Param("w", "130")}, 130, "png"},
		{"w, h and fit=crop", "dice-alpha.png", []imgix.IxParam{
			imgix.Param("w", "100"), imgix.Param("h", "100"), imgix.Param("fit", "crop")}, 100, "png"},
		{"a list value (escaped comma)", "dice-alpha.png", []imgix.IxParam{
			imgix.Param("w", "90"), imgix.Param("h", "60"), imgix.Param("fit", "crop"), imgix.Param("crop", "top", "left")}, 90, "png"},
		{"auto with two values", "dice-alpha.png", []imgix.IxParam{
			imgix.Param("w", "80"), imgix.Param("auto", "format", "compress")}, 80, "png"},
		{"a base64 value", "dice-alpha.png", []imgix.IxParam{imgix.Param("w64", "150")}, 150, "png"},
		{"fm=webp from a JPEG", "friends-portrait.jpg", []imgix.IxParam{
			imgix.Param("w", "60"), imgix.Param("fm", "webp")}, 60, "webp"},
		{"a path with a space and a plus", escapedKey, []imgix.IxParam{imgix.Param("w", "70")}, 70, "png"},
		{"expires later", "dice-alpha.png", []imgix.IxParam{
			imgix.Param("w", "110"), imgix.Param("expires", later)}, 110, "png"},
	}
	for _, b := range imgixBuilders {
		t.Run(b.name, func(t *testing.T) {
			s := newServer(t, imgixVerifier(t))
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					u := imgixPath(t, b.builder.CreateURL(tt.path, tt.params...))
					if got := wantImage(t, u, s.get(t, u), tt.width); got != tt.format {
						t.Errorf("%s: format %s, want %s", u, got, tt.format)
					}
				})
			}
		})
	}
}

// TestImgixSDKSrcSet requests every candidate of srcset attributes built by
// imgix's Go SDK and checks that each is as wide as its descriptor says.
func TestImgixSDKSrcSet(t *testing.T) {
	tests := []struct {
		name   string
		srcset func(b *imgix.URLBuilder) string
	}{
		{"width ladder", func(b *imgix.URLBuilder) string {
			return b.CreateSrcset("dice-alpha.png", nil, imgix.WithMinWidth(100), imgix.WithMaxWidth(400))
		}},
		{"custom widths", func(b *imgix.URLBuilder) string {
			return b.CreateSrcsetFromWidths(escapedKey, []imgix.IxParam{imgix.Param("fit", "max")}, []int{64, 128, 256})
		}},
		{"density ladder for a fixed width", func(b *imgix.URLBuilder) string {
			return b.CreateSrcset("dice-alpha.png", []imgix.IxParam{imgix.Param("w", "100")})
		}},
		{"density ladder without variable quality", func(b *imgix.URLBuilder) string {
			return b.CreateSrcset("dice-alpha.png", []imgix.IxParam{imgix.Param("w", "40"), imgix.Param("q", "60")},
				imgix.WithVariableQuality(false))
		}},
	}
	for _, b := range imgixBuilders {
		t.Run(b.name, func(t *testing.T) {
			s := newServer(t, imgixVerifier(t))
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					candidates := parseSrcSet(t, tt.srcset(&b.builder))
					if len(candidates) < 3 {
						t.Fatalf("the SDK built %d candidates, want at least 3", len(candidates))
					}
					for _, c := range candidates {
						u := imgixPath(t, c.url)
						wantImage(t, u, s.get(t, u), c.width)
					}
				})
			}
		})
	}
}

// candidate is one image candidate of a srcset attribute, with the width
// in pixels that its descriptor implies.
type candidate struct {
	url   string
	width int
}

// parseSrcSet parses the srcset attributes the SDK builds: candidates
// separated by ",\n", each a URL, a space and a "<n>w" descriptor, or a
// "<n>x" descriptor for a URL with a w parameter.
func parseSrcSet(t *testing.T, srcset string) []candidate {
	t.Helper()
	var out []candidate
	for entry := range strings.SplitSeq(srcset, ",\n") {
		u, desc, ok := strings.Cut(entry, " ")
		if !ok {
			t.Fatalf("srcset candidate %q has no descriptor", entry)
		}
		var width int
		switch {
		case strings.HasSuffix(desc, "w"):
			n, err := strconv.Atoi(strings.TrimSuffix(desc, "w"))
			if err != nil {
				t.Fatalf("srcset candidate %q: %v", entry, err)
			}
			width = n
		case strings.HasSuffix(desc, "x"):
			n, err := strconv.Atoi(strings.TrimSuffix(desc, "x"))
			if err != nil {
				t.Fatalf("srcset candidate %q: %v", entry, err)
			}
			w := paramValue(t, u, "w")
			width = n * w
		default:
			t.Fatalf("srcset candidate %q: unknown descriptor", entry)
		}
		out = append(out, candidate{url: u, width: width})
	}
	return out
}

// paramValue returns the integer value of the parameter name in URL u.
func paramValue(t *testing.T, u, name string) int {
	t.Helper()
	_, query, _ := strings.Cut(u, "?")
	for pair := range strings.SplitSeq(query, "&") {
		if v, ok := strings.CutPrefix(pair, name+"="); ok {
			n, err := strconv.Atoi(v)
			if err != nil {
				t.Fatalf("%s: %s=%q is not an integer", u, name, v)
			}
			return n
		}
	}
	t.Fatalf("%s has no %s parameter", u, name)
	return 0
}

// TestImgixSDKTampered checks that URLs signed by imgix's Go SDK are
// refused with 403 ESIGNATURE, before the origin is asked, once changed.
func TestImgixSDKTampered(t *testing.T) {
	good := imgixBuilders[0].builder
	withLib := imgixBuilders[1].builder
	other := imgix.NewURLBuilder(imgixDomain, imgix.WithToken("another-token"), imgix.WithLibParam(false))
	params := []imgix.IxParam{imgix.Param("w", "100"), imgix.Param("h", "100"), imgix.Param("fit", "crop")}
	// "/dice-alpha.png?fit=crop&h=100&w=100&s=<hex>"
	signed := imgixPath(t, good.CreateURL("dice-alpha.png", params...))
	earlier := strconv.FormatInt(time.Now().Add(-time.Minute).Unix(), 10)

	tests := []struct {
		name string
		url  string
	}{
		{"a parameter changed", mustReplace(t, signed, "w=100", "w=101")},
		{"a parameter added before s", mustReplace(t, signed, "&s=", "&q=10&s=")},
		{"a parameter added after s", signed + "&w=10"},
		{"a parameter removed", mustReplace(t, signed, "fit=crop&", "")},
		{"parameters reordered", mustReplace(t, signed, "fit=crop&h=100", "h=100&fit=crop")},
		{"the path changed", mustReplace(t, signed, "/dice-alpha.png", "/friends-portrait.jpg")},
		{"the path re-escaped", mustReplace(t, imgixPath(t, good.CreateURL(escapedKey)), "%2B", "+")},
		{"s dropped", signed[:strings.Index(signed, "&s=")]},
		{"s emptied", signed[:strings.Index(signed, "&s=")+len("&s=")]},
		{"s changed", signed[:len(signed)-1] + flipHex(signed[len(signed)-1])},
		{"the ixlib parameter changed", mustReplace(t, imgixPath(t, withLib.CreateURL("dice-alpha.png", params...)), "ixlib=go-", "ixlib=go-9")},
		{"signed with another token", imgixPath(t, other.CreateURL("dice-alpha.png", params...))},
		{"expired", imgixPath(t, good.CreateURL("dice-alpha.png", imgix.Param("w", "100"), imgix.Param("expires", earlier)))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newServer(t, imgixVerifier(t))
			wantRefused(t, s, tt.url, s.get(t, tt.url))
		})
	}
}

// mustReplace returns s with its first old replaced by new, and fails the
// test if s has no old.
func mustReplace(t *testing.T, s, old, new string) string {
	t.Helper()
	if !strings.Contains(s, old) {
		t.Fatalf("%q has no %q to replace", s, old)
	}
	return strings.Replace(s, old, new, 1)
}

// flipHex returns a lowercase hex digit other than c.
func flipHex(c byte) string {
	if c == '0' {
		return "1"
	}
	return "0"
}
