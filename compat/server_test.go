package compat_test

import (
	"bytes"
	"context"
	"image"
	_ "image/jpeg"
	_ "image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"sync/atomic"
	"testing"
	"testing/fstest"

	_ "golang.org/x/image/webp"

	"github.com/rendition-go/rendition"
	"github.com/rendition-go/rendition/signing"
	"github.com/rendition-go/rendition/source"
)

// escapedKey is an origin key that both SDKs must escape in the path.
const escapedKey = "my photos/dice +1.png"

// origin returns the originals the tests serve: two sample images, one of
// them also under a key with a space and a plus sign.
func origin(t *testing.T) fstest.MapFS {
	t.Helper()
	read := func(name string) *fstest.MapFile {
		data, err := os.ReadFile("../testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		return &fstest.MapFile{Data: data, Mode: 0o644}
	}
	dice := read("dice-alpha.png") // 800x600
	return fstest.MapFS{
		"dice-alpha.png":       dice,
		escapedKey:             dice,
		"friends-portrait.jpg": read("friends-portrait.jpg"), // 2056x3088
	}
}

// countingSource counts the originals opened at an underlying source.
type countingSource struct {
	src   source.Source
	opens atomic.Int64
}

func (c *countingSource) Open(ctx context.Context, key string) (*source.Object, error) {
	c.opens.Add(1)
	return c.src.Open(ctx, key)
}

// server is a Handler with a Verifier, served over HTTP on the loopback
// interface.
type server struct {
	base   string
	client *http.Client
	origin *countingSource
}

// newServer serves the originals of origin through a Handler that checks
// signatures with v; it is closed when the test ends.
func newServer(t *testing.T, v signing.Verifier) *server {
	t.Helper()
	src := &countingSource{src: source.NewFS(origin(t))}
	h, err := rendition.New(src, &rendition.Options{Verifier: v})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return &server{base: ts.URL, client: ts.Client(), origin: src}
}

// answer is a server's response to one request.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// get requests pathAndQuery (which starts with "/"), sent as it is written.
func (s *server) get(t *testing.T, pathAndQuery string) answer {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, s.base+pathAndQuery, nil)
	if err != nil {
		t.Fatalf("request %q: %v", pathAndQuery, err)
	}
	if got := req.URL.RequestURI(); got != pathAndQuery {
		t.Fatalf("the client would send %q, not %q", got, pathAndQuery)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: body}
}

// wantImage checks that a is a 200 answer with an image wantWidth pixels
// wide, and returns the image's format name.
func wantImage(t *testing.T, url string, a answer, wantWidth int) string {
	t.Helper()
	if a.status != http.StatusOK {
		t.Fatalf("%s: status %d (%s), want 200: %s", url, a.status, a.header.Get("X-Rendition-Error"), a.body)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(a.body))
	if err != nil {
		t.Fatalf("%s: the answer (%s) is not an image: %v", url, a.header.Get("Content-Type"), err)
	}
	if cfg.Width != wantWidth {
		t.Errorf("%s: width %d, want %d", url, cfg.Width, wantWidth)
	}
	return format
}

// wantRefused checks that a is a 403 ESIGNATURE answer and that the server
// has not asked its origin for anything.
func wantRefused(t *testing.T, s *server, url string, a answer) {
	t.Helper()
	if a.status != http.StatusForbidden || a.header.Get("X-Rendition-Error") != rendition.CodeSignature {
		t.Errorf("%s: status %d %q, want 403 %s: %s", url, a.status, a.header.Get("X-Rendition-Error"), rendition.CodeSignature, a.body)
	}
	if n := s.origin.opens.Load(); n != 0 {
		t.Errorf("%s: refused, but the origin was asked %d times", url, n)
	}
}
