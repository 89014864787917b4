package source

import (
	"net/url"
	"strings"
	"testing"
)

// FuzzWebFolderJoin checks that for every key accepted by CheckPathKey, the URL
// a WebFolder requests parses back to the base URL's scheme and host, and to
// a path made of the base path and the key itself, decoded exactly once, with
// no ".." segment.
func FuzzWebFolderJoin(f *testing.F) {
	bases := []string{
		"http://example.com",
		"https://example.com:8443/images/",
		"http://127.0.0.1/my%20images",
		"https://[::1]/%C3%A9t%C3%A9/a%2Fb",
	}
	for i, key := range []string{
		"dog.jpg", "café/ñ.jpg", "%41", "%2e%2e/x", "..%2fx", "%252e%252e",
		"a b", "q?x=1", "f#g", "a;b,c", "+&=@:$", "http://evil/x", "@evil.com/x",
		"...", "..a/b..", "~/x", "日本/語.png", "%", "%%2", "a%2F..%2F..",
	} {
		f.Add(bases[i%len(bases)], key)
	}
	f.Fuzz(func(t *testing.T, base, key string) {
		if CheckPathKey(key) != nil {
			return
		}
		w, err := NewWebFolder(base, nil)
		if err != nil {
			return
		}
		b, err := url.Parse(base)
		if err != nil {
			t.Fatalf("NewWebFolder accepted %q, which does not parse: %v", base, err)
		}
		basePath := b.Path
		if !strings.HasSuffix(basePath, "/") {
			basePath += "/"
		}

		joined := w.keyURL(key).String()
		u, err := url.Parse(joined)
		if err != nil {
			t.Fatalf("key %q: joined URL %q does not parse: %v", key, joined, err)
		}
		if u.Scheme != b.Scheme || u.Host != b.Host {
			t.Fatalf("key %q: joined URL %q leaves %s://%s", key, joined, b.Scheme, b.Host)
		}
		if u.User != nil || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
			t.Fatalf("key %q: joined URL %q has user information, a query or a fragment", key, joined)
		}
		if !strings.HasPrefix(u.Path, basePath) {
			t.Fatalf("key %q: joined path %q is not below %q", key, u.Path, basePath)
		}
		if got := u.Path[len(basePath):]; got != key {
			t.Fatalf("key %q: joined URL %q decodes to the key %q", key, joined, got)
		}
		for seg := range strings.SplitSeq(u.Path, "/") {
			if seg == ".." || seg == "." {
				t.Fatalf("key %q: joined path %q has a %q segment", key, u.Path, seg)
			}
		}
		if !strings.HasPrefix(u.EscapedPath(), w.rawPath) {
			t.Fatalf("key %q: joined URL %q does not start with the base's escaped path %q", key, joined, w.rawPath)
		}
	})
}
