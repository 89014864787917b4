package signing

import (
	"maps"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestEscapePath(t *testing.T) {
	tests := []struct {
		in, want string
		decoded  string // what the server decodes it to, when not "/" + in
	}{
		{"users/1.png", "/users/1.png", ""},
		{"/users/1.png", "/users/1.png", "/users/1.png"},
		{"", "/", ""},
		{"my dog.jpg", "/my%20dog.jpg", ""},
		{"caf\u00e9/\u2713.png", "/caf%C3%A9/%E2%9C%93.png", ""},
		{"\u65e5\u672c/\u5199\u771f.jpg", "/%E6%97%A5%E6%9C%AC/%E5%86%99%E7%9C%9F.jpg", ""},
		{"a+b.png", "/a%2Bb.png", ""},
		{"what?.png", "/what%3F.png", ""},
		{"#1.png", "/%231.png", ""},
		{"100%.png", "/100%25.png", ""},
		{"a%20b.png", "/a%2520b.png", ""},
		{"a//b.png", "/a//b.png", ""},
		{"a:b@c;d,e=f&g$h.png", "/a:b@c%3Bd,e=f&g$h.png", ""},
		{"tr:w-300,h-200/a.jpg", "/tr:w-300,h-200/a.jpg", ""},
		{"a%2Cb", "/a%252Cb", ""},
		{"!'()*", "/%21%27%28%29%2A", ""},
		{"http://a.com/b.png", "/http%3A%2F%2Fa.com%2Fb.png", ""},
		{"/https://a.com/b c.png?x=1&y=2#f", "/https%3A%2F%2Fa.com%2Fb%20c.png%3Fx%3D1%26y%3D2%23f", "/https://a.com/b c.png?x=1&y=2#f"},
		{"HTTP://A.com/\u00e9.png", "/HTTP%3A%2F%2FA.com%2F%C3%A9.png", ""},
		{"http%3A%2F%2Fa.com%2Fb.png", "/http%3A%2F%2Fa.com%2Fb.png", "/http://a.com/b.png"},
		{"httpfoo/a.png", "/httpfoo/a.png", ""},
	}
	for _, tt := range tests {
		got := EscapePath(tt.in)
		if got != tt.want {
			t.Errorf("EscapePath(%q) = %q, want %q", tt.in, got, tt.want)
			continue
		}
		// A Go server receiving the URL sees exactly this escaped path, and
		// decodes it back to the key.
		u, err := url.Parse("https://img.example.com" + got)
		if err != nil {
			t.Errorf("EscapePath(%q) = %q does not parse: %v", tt.in, got, err)
			continue
		}
		if ep := u.EscapedPath(); ep != got {
			t.Errorf("EscapePath(%q) = %q, server sees %q", tt.in, got, ep)
		}
		decoded := tt.decoded
		if decoded == "" {
			decoded = "/" + tt.in
		}
		if u.Path != decoded {
			t.Errorf("EscapePath(%q) = %q decodes to %q, want %q", tt.in, got, u.Path, decoded)
		}
	}
}

func TestBuilderURL(t *testing.T) {
	tests := []struct {
		name   string
		b      Builder
		path   string
		params url.Values
		want   string
	}{
		{"no params", Builder{Host: "https://img.example.com"}, "a.jpg", nil,
			"https://img.example.com/a.jpg"},
		{"trailing slash on host", Builder{Host: "https://img.example.com/"}, "/a.jpg", url.Values{},
			"https://img.example.com/a.jpg"},
		{"prefix", Builder{Host: "https://example.com", Prefix: "/img/"}, "a.jpg", nil,
			"https://example.com/img/a.jpg"},
		{"prefix without slash", Builder{Host: "https://example.com", Prefix: "img"}, "a.jpg", nil,
			"https://example.com/img/a.jpg"},
		{"sorted", Builder{Host: "https://h"}, "a.jpg", url.Values{"w": {"400"}, "h": {"300"}, "fit": {"crop"}},
			"https://h/a.jpg?fit=crop&h=300&w=400"},
		{"several values joined", Builder{Host: "https://h"}, "a.jpg", url.Values{"auto": {"format", "compress"}},
			"https://h/a.jpg?auto=format%2Ccompress"},
		{"name without value left out", Builder{Host: "https://h"}, "a.jpg", url.Values{"w": {"1"}, "h": {}},
			"https://h/a.jpg?w=1"},
		{"empty value kept", Builder{Host: "https://h"}, "a.jpg", url.Values{"flip": {""}},
			"https://h/a.jpg?flip="},
		{"value escaped", Builder{Host: "https://h"}, "a.jpg", url.Values{"txt": {"Hello World & more/+?"}},
			"https://h/a.jpg?txt=Hello+World+%26+more%2F%2B%3F"},
		{"txt64", Builder{Host: "https://h"}, "a.jpg", url.Values{"txt64": {"Hello, World"}},
			"https://h/a.jpg?txt64=SGVsbG8sIFdvcmxk"},
		{"base64 URL alphabet, no padding", Builder{Host: "https://h"}, "a.jpg", url.Values{"txt64": {"??>"}, "mark64": {"a"}},
			"https://h/a.jpg?mark64=YQ&txt64=Pz8-"},
		{"base64 of unicode", Builder{Host: "https://h"}, "a.jpg", url.Values{"txt64": {"\u2713"}},
			"https://h/a.jpg?txt64=4pyT"},
		{"web proxy", Builder{Host: "https://h"}, "http://a.com/b.png", url.Values{"w": {"10"}},
			"https://h/http%3A%2F%2Fa.com%2Fb.png?w=10"},
		{"imgix signed", Builder{Host: "https://h", Signer: mustImgix(t, "FOO123bar")}, "users/1.png", url.Values{"w": {"400"}, "h": {"300"}},
			"https://h/users/1.png?h=300&w=400&s=1a4e48641614d1109c6a7af51be23d18"},
		{"imgix signed, no params", Builder{Host: "https://h", Signer: mustImgix(t, "FOO123bar")}, "http://avatars.com/john-smith.png", nil,
			"https://h/http%3A%2F%2Favatars.com%2Fjohn-smith.png?s=493a52f008c91416351f8b33d4883135"},
		{"imagekit signed", Builder{Host: "https://ik.imagekit.io", Prefix: "/demo", Signer: mustImageKit(t, "dummy-key")},
			"tr:w-300,h-200/sdk-testing-files/future-search.png", url.Values{"version": {"2.0"}},
			"https://ik.imagekit.io/demo/tr:w-300,h-200/sdk-testing-files/future-search.png?version=2.0&ik-s=dd1ee8f83d019bc59fd57a5fc4674a11eb8a3496"},
		{"hmac signed", Builder{Host: "https://h", Signer: mustHMAC(t, "example-key")}, "/photos/dog.jpg",
			url.Values{"w": {"300"}, "h": {"200"}, "fit": {"crop"}, "expires": {"1893456000"}},
			"https://h/photos/dog.jpg?expires=1893456000&fit=crop&h=200&w=300&s=qokxnMdbaBDrtx3rAXHYQ0o6oofbDIBcYmLAaDIfvI4"},
	}
	for _, tt := range tests {
		if got := tt.b.URL(tt.path, tt.params); got != tt.want {
			t.Errorf("%s: URL(%q, %v) =\n%s\nwant\n%s", tt.name, tt.path, tt.params, got, tt.want)
		}
	}
}

// TestBuilderVerifies builds signed URLs with every scheme, parses them as a
// server would, and verifies them.
func TestBuilderVerifies(t *testing.T) {
	paths := []string{
		"a.jpg", "my dog.jpg", "caf\u00e9/\u2713.png", "a+b?#%.png", "http://a.com/b.png?x=1&y=2",
		"https://a.com/\u00e9 t.png", "deep/er/path/x.webp", "",
	}
	params := url.Values{
		"w": {"300"}, "txt": {"a b&c=d"}, "txt64": {"Hello, World \u2713"}, "auto": {"format", "compress"},
		"mark": {"http://a.com/logo.png?x=1"}, "expires": {"4102444800"},
	}
	for _, s := range schemes(t) {
		b := Builder{Host: "https://img.example.com", Prefix: "/img", Signer: s.signer}
		params := params
		if s.name == "imagekit" {
			// ImageKit's expiry is ik-t; it refuses expires.
			params = maps.Clone(params)
			delete(params, "expires")
		}
		for _, p := range paths {
			raw := b.URL(p, params)
			u, err := url.Parse(raw)
			if err != nil {
				t.Fatalf("%s: %q: %v", s.name, raw, err)
			}
			path, ok := strings.CutPrefix(u.EscapedPath(), "/img")
			if !ok {
				t.Fatalf("%s: %q lost its prefix", s.name, raw)
			}
			q, err := s.verifier.Verify(path, u.RawQuery, now)
			if err != nil {
				t.Errorf("%s: %q refused: %v", s.name, raw, err)
				continue
			}
			got, err := url.ParseQuery(q)
			if err != nil {
				t.Fatalf("%s: returned query %q: %v", s.name, q, err)
			}
			if got.Get("w") != "300" || got.Get("txt") != "a b&c=d" || got.Get("auto") != "format,compress" ||
				got.Get("mark") != "http://a.com/logo.png?x=1" || got.Get("txt64") != "SGVsbG8sIFdvcmxkIOKckw" {
				t.Errorf("%s: returned query %q does not hold the parameters", s.name, q)
			}
		}
	}
}

// srcsetEntry is one parsed srcset candidate.
type srcsetEntry struct {
	url        *url.URL
	descriptor string
}

func parseSrcSet(t *testing.T, s string) []srcsetEntry {
	t.Helper()
	var entries []srcsetEntry
	for line := range strings.SplitSeq(s, ",\n") {
		raw, desc, ok := strings.Cut(line, " ")
		if !ok {
			t.Fatalf("srcset entry %q has no descriptor", line)
		}
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatalf("srcset entry %q: %v", line, err)
		}
		entries = append(entries, srcsetEntry{u, desc})
	}
	return entries
}

// imgixDefaultWidths is the width ladder published with imgix's SDKs.
var imgixDefaultWidths = []int{
	100, 116, 135, 156, 181, 210, 244, 283, 328, 380, 441, 512, 594, 689, 799, 927,
	1075, 1247, 1446, 1678, 1946, 2257, 2619, 3038, 3524, 4087, 4741, 5500, 6380, 7401, 8192,
}

func TestTargetWidths(t *testing.T) {
	tests := []struct {
		name      string
		min, max  int
		tolerance float64
		want      []int
	}{
		{"defaults", 0, 0, 0, imgixDefaultWidths},
		{"explicit defaults", 100, 8192, 0.08, imgixDefaultWidths},
		{"range 100 to 380", 100, 380, 0.08, []int{100, 116, 135, 156, 181, 210, 244, 283, 328, 380}},
		{"100 to 108 at 2%", 100, 108, 0.02, []int{100, 104, 108}},
		{"100 to 200 at 10%", 100, 200, 0.1, []int{100, 120, 144, 173, 200}},
		{"high tolerance", 100, 8192, 1000, []int{100, 8192}},
		{"infinite tolerance", 100, 8192, math.Inf(1), []int{100, 8192}},
		{"min equals max", 500, 500, 0.08, []int{500}},
		{"max below min", 1000, 500, 0.08, []int{1000}},
		{"above the cap", 9000, 20000, 0.08, []int{8192}},
		{"max capped", 7000, 20000, 0.08, []int{7000, 8120, 8192}},
		{"negative min", -5, 116, 0.08, []int{100, 116}},
	}
	for _, tt := range tests {
		if got := TargetWidths(tt.min, tt.max, tt.tolerance); !slices.Equal(got, tt.want) {
			t.Errorf("%s: TargetWidths(%d, %d, %v) = %v, want %v", tt.name, tt.min, tt.max, tt.tolerance, got, tt.want)
		}
	}
	// Tiny, negative and NaN tolerances use 1%: strictly increasing widths,
	// no step larger than 2% plus rounding.
	for _, tol := range []float64{0.001, -1, math.NaN()} {
		for _, minW := range []int{1, 100} {
			got := TargetWidths(minW, 8192, tol)
			if got[0] != minW || got[len(got)-1] != 8192 {
				t.Errorf("TargetWidths(%d, 8192, %v) runs from %d to %d", minW, tol, got[0], got[len(got)-1])
			}
			for i := 1; i < len(got); i++ {
				if got[i] <= got[i-1] || float64(got[i]) > float64(got[i-1])*1.02+1 {
					t.Errorf("TargetWidths(%d, 8192, %v): step %d -> %d", minW, tol, got[i-1], got[i])
				}
			}
		}
	}
}

func TestSrcSetWidths(t *testing.T) {
	b := Builder{Host: "https://h"}
	params := url.Values{"fit": {"crop"}}
	entries := parseSrcSet(t, b.SrcSet("a.jpg", params, nil))
	var widths []int
	for _, e := range entries {
		w, err := strconv.Atoi(e.url.Query().Get("w"))
		if err != nil {
			t.Fatalf("entry %v: %v", e.url, err)
		}
		if e.descriptor != strconv.Itoa(w)+"w" {
			t.Errorf("entry %v has descriptor %q", e.url, e.descriptor)
		}
		if q := e.url.Query(); q.Get("fit") != "crop" || q.Has("q") || q.Has("dpr") {
			t.Errorf("entry %v: want fit=crop and no q or dpr", e.url)
		}
		widths = append(widths, w)
	}
	if !slices.Equal(widths, imgixDefaultWidths) {
		t.Errorf("widths %v, want %v", widths, imgixDefaultWidths)
	}
	if len(params) != 1 {
		t.Errorf("SrcSet modified params: %v", params)
	}

	got := b.SrcSet("image.jpg", nil, &SrcSetOptions{Widths: []int{100, 0, 200, -3, 300, 400}})
	want := "https://h/image.jpg?w=100 100w,\n" +
		"https://h/image.jpg?w=200 200w,\n" +
		"https://h/image.jpg?w=300 300w,\n" +
		"https://h/image.jpg?w=400 400w"
	if got != want {
		t.Errorf("explicit widths:\n%s\nwant\n%s", got, want)
	}

	got = b.SrcSet("image.jpg", nil, &SrcSetOptions{MinWidth: 100, MaxWidth: 108, Tolerance: 0.02})
	want = "https://h/image.jpg?w=100 100w,\n" +
		"https://h/image.jpg?w=104 104w,\n" +
		"https://h/image.jpg?w=108 108w"
	if got != want {
		t.Errorf("range:\n%s\nwant\n%s", got, want)
	}
}

func TestSrcSetDPR(t *testing.T) {
	b := Builder{Host: "https://test.imgix.net"}
	tests := []struct {
		name   string
		params url.Values
		opts   *SrcSetOptions
		want   string
	}{
		{"fixed width", url.Values{"w": {"320"}}, nil,
			"https://test.imgix.net/image.png?dpr=1&q=75&w=320 1x,\n" +
				"https://test.imgix.net/image.png?dpr=2&q=50&w=320 2x,\n" +
				"https://test.imgix.net/image.png?dpr=3&q=35&w=320 3x,\n" +
				"https://test.imgix.net/image.png?dpr=4&q=23&w=320 4x,\n" +
				"https://test.imgix.net/image.png?dpr=5&q=20&w=320 5x"},
		{"fixed height and ratio", url.Values{"h": {"320"}, "ar": {"4:3"}}, &SrcSetOptions{},
			"https://test.imgix.net/image.png?ar=4%3A3&dpr=1&h=320&q=75 1x,\n" +
				"https://test.imgix.net/image.png?ar=4%3A3&dpr=2&h=320&q=50 2x,\n" +
				"https://test.imgix.net/image.png?ar=4%3A3&dpr=3&h=320&q=35 3x,\n" +
				"https://test.imgix.net/image.png?ar=4%3A3&dpr=4&h=320&q=23 4x,\n" +
				"https://test.imgix.net/image.png?ar=4%3A3&dpr=5&h=320&q=20 5x"},
		{"caller's q wins", url.Values{"h": {"800"}, "q": {"99"}}, nil,
			"https://test.imgix.net/image.png?dpr=1&h=800&q=99 1x,\n" +
				"https://test.imgix.net/image.png?dpr=2&h=800&q=99 2x,\n" +
				"https://test.imgix.net/image.png?dpr=3&h=800&q=99 3x,\n" +
				"https://test.imgix.net/image.png?dpr=4&h=800&q=99 4x,\n" +
				"https://test.imgix.net/image.png?dpr=5&h=800&q=99 5x"},
		{"variable quality disabled", url.Values{"w": {"320"}, "h": {"200"}}, &SrcSetOptions{DisableVariableQuality: true},
			"https://test.imgix.net/image.png?dpr=1&h=200&w=320 1x,\n" +
				"https://test.imgix.net/image.png?dpr=2&h=200&w=320 2x,\n" +
				"https://test.imgix.net/image.png?dpr=3&h=200&w=320 3x,\n" +
				"https://test.imgix.net/image.png?dpr=4&h=200&w=320 4x,\n" +
				"https://test.imgix.net/image.png?dpr=5&h=200&w=320 5x"},
	}
	for _, tt := range tests {
		if got := b.SrcSet("image.png", tt.params, tt.opts); got != tt.want {
			t.Errorf("%s:\n%s\nwant\n%s", tt.name, got, tt.want)
		}
		if tt.params.Has("dpr") {
			t.Errorf("%s: SrcSet modified params", tt.name)
		}
	}
}

// TestSrcSetSigned checks that every srcset entry carries its own valid
// signature.
func TestSrcSetSigned(t *testing.T) {
	for _, s := range schemes(t) {
		b := Builder{Host: "https://h", Signer: s.signer}
		for _, params := range []url.Values{{"w": {"300"}}, {"fit": {"max"}}} {
			for _, e := range parseSrcSet(t, b.SrcSet("my dog.jpg", params, nil)) {
				if _, err := s.verifier.Verify(e.url.EscapedPath(), e.url.RawQuery, now); err != nil {
					t.Errorf("%s: %v refused: %v", s.name, e.url, err)
				}
			}
		}
	}
}
