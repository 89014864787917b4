package source_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rendition-go/rendition/internal/version"
	"github.com/rendition-go/rendition/source"
)

// seenRequest is what a test origin saw of one request.
type seenRequest struct {
	method     string
	requestURI string // the request target as sent
	path       string // its decoded path
	header     http.Header
}

// testOrigin is a loopback HTTP server that records the requests it gets.
type testOrigin struct {
	srv *httptest.Server

	mu   sync.Mutex
	reqs []seenRequest
}

// newOrigin starts a testOrigin answering with h, closed when the test ends.
func newOrigin(t testing.TB, h http.HandlerFunc) *testOrigin {
	t.Helper()
	o := &testOrigin{}
	o.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o.mu.Lock()
		o.reqs = append(o.reqs, seenRequest{
			method:     r.Method,
			requestURI: r.RequestURI,
			path:       r.URL.Path,
			header:     r.Header.Clone(),
		})
		o.mu.Unlock()
		h(w, r)
	}))
	t.Cleanup(o.srv.Close)
	return o
}

// requests returns the requests seen so far.
func (o *testOrigin) requests() []seenRequest {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]seenRequest(nil), o.reqs...)
}

// last returns the last request seen, failing the test if there was none.
func (o *testOrigin) last(t *testing.T) seenRequest {
	t.Helper()
	reqs := o.requests()
	if len(reqs) == 0 {
		t.Fatal("the origin saw no request")
	}
	return reqs[len(reqs)-1]
}

// newFolder returns a WebFolder on base whose idle connections are closed
// when the test ends.
func newFolder(t testing.TB, base string, opts *source.WebFolderOptions) *source.WebFolder {
	t.Helper()
	w, err := source.NewWebFolder(base, opts)
	if err != nil {
		t.Fatalf("NewWebFolder(%q): %v", base, err)
	}
	t.Cleanup(w.CloseIdleConnections)
	return w
}

// readAll reads and closes obj's body.
func readAll(t *testing.T, obj *source.Object) string {
	t.Helper()
	b, err := io.ReadAll(obj.Body)
	if err != nil {
		t.Fatalf("reading the body: %v", err)
	}
	if err := obj.Body.Close(); err != nil {
		t.Fatalf("closing the body: %v", err)
	}
	return string(b)
}

// closeBody closes the body of obj if it is not nil.
func closeBody(obj *source.Object) {
	if obj != nil {
		obj.Body.Close()
	}
}

// waitForClient blocks a handler until the client goes away.
func waitForClient(w http.ResponseWriter, r *http.Request) {
	<-r.Context().Done()
}

func TestWebFolderOpen(t *testing.T) {
	lastMod := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	const data = "\xff\xd8\xff not really a JPEG"
	o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/img/photos/dog.jpg":
			w.Header().Set("Content-Type", "image/jpeg")
			w.Header().Set("Content-Length", fmt.Sprint(len(data)))
			w.Header().Set("ETag", `"abc123"`)
			w.Header().Set("Last-Modified", lastMod.Format(http.TimeFormat))
			w.Header().Set("Cache-Control", "public, max-age=3600")
			io.WriteString(w, data)
		case "/img/chunked.png":
			w.Header().Set("Content-Type", "image/png")
			io.WriteString(w, "part 1, ")
			w.(http.Flusher).Flush()
			io.WriteString(w, "part 2")
		case "/img/bad-date.gif":
			w.Header().Set("Last-Modified", "yesterday")
			io.WriteString(w, "gif")
		default:
			http.NotFound(w, r)
		}
	})
	wf := newFolder(t, o.srv.URL+"/img", &source.WebFolderOptions{
		Header: http.Header{
			"authorization": {"Bearer token"},
			"X-Multi":       {"one", "two"},
		},
	})
	ctx := context.Background()

	obj, err := wf.Open(ctx, "photos/dog.jpg")
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if body := readAll(t, obj); body != data {
		t.Errorf("body = %q, want %q", body, data)
	}
	want := source.Object{
		ContentType:  "image/jpeg",
		Size:         int64(len(data)),
		ETag:         `"abc123"`,
		ModTime:      lastMod,
		CacheControl: "public, max-age=3600",
	}
	if obj.ContentType != want.ContentType || obj.Size != want.Size || obj.ETag != want.ETag ||
		!obj.ModTime.Equal(want.ModTime) || obj.CacheControl != want.CacheControl {
		t.Errorf("Object = {%q %d %q %v %q}, want {%q %d %q %v %q}",
			obj.ContentType, obj.Size, obj.ETag, obj.ModTime, obj.CacheControl,
			want.ContentType, want.Size, want.ETag, want.ModTime, want.CacheControl)
	}

	req := o.last(t)
	if req.method != http.MethodGet {
		t.Errorf("method = %s, want GET", req.method)
	}
	for name, want := range map[string]string{
		"User-Agent":      version.UserAgent,
		"Accept":          "image/*,*/*;q=0.8",
		"Accept-Encoding": "identity",
		"Authorization":   "Bearer token",
		"X-Multi":         "one,two",
		"If-None-Match":   "",
		"Range":           "",
	} {
		if got := strings.Join(req.header.Values(name), ","); got != want {
			t.Errorf("request header %s = %q, want %q", name, got, want)
		}
	}

	_, err = obj.Body.Read(make([]byte, 1))
	if err == nil || errors.Is(err, source.ErrUnavailable) || errors.Is(err, source.ErrTimeout) || errors.Is(err, context.Canceled) {
		t.Errorf("Read after Close = %v, want an error that blames no origin fault", err)
	}

	obj, err = wf.Open(ctx, "chunked.png")
	if err != nil {
		t.Fatalf("Open(chunked.png): %v", err)
	}
	if body := readAll(t, obj); body != "part 1, part 2" {
		t.Errorf("chunked body = %q", body)
	}
	if obj.Size != -1 || obj.ContentType != "image/png" || obj.ETag != "" || !obj.ModTime.IsZero() {
		t.Errorf("chunked.png: Size %d, ContentType %q, ETag %q, ModTime %v; want -1, image/png, \"\", zero",
			obj.Size, obj.ContentType, obj.ETag, obj.ModTime)
	}

	obj, err = wf.Open(ctx, "bad-date.gif")
	if err != nil {
		t.Fatalf("Open(bad-date.gif): %v", err)
	}
	readAll(t, obj)
	if !obj.ModTime.IsZero() {
		t.Errorf("ModTime from a malformed Last-Modified = %v, want zero", obj.ModTime)
	}
}

func TestWebFolderAcceptOverride(t *testing.T) {
	o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {})
	wf := newFolder(t, o.srv.URL, &source.WebFolderOptions{
		Header: http.Header{"accept": {"image/webp"}},
	})
	obj, err := wf.Open(context.Background(), "a.webp")
	if err != nil {
		t.Fatal(err)
	}
	readAll(t, obj)
	if got := o.last(t).header.Values("Accept"); len(got) != 1 || got[0] != "image/webp" {
		t.Errorf("Accept = %q, want [image/webp]", got)
	}
}

func TestWebFolderStatus(t *testing.T) {
	const secret = "SECRET-RESPONSE-BODY"
	tests := []struct {
		code int
		want error
	}{
		{http.StatusNotFound, source.ErrNotFound},
		{http.StatusGone, source.ErrNotFound},
		{http.StatusUnauthorized, source.ErrPermission},
		{http.StatusForbidden, source.ErrPermission},
		{http.StatusRequestTimeout, source.ErrTimeout},
		{http.StatusGatewayTimeout, source.ErrTimeout},
		{http.StatusInternalServerError, source.ErrUnavailable},
		{http.StatusBadGateway, source.ErrUnavailable},
		{http.StatusServiceUnavailable, source.ErrUnavailable},
		{http.StatusPartialContent, source.ErrUnavailable},
		{http.StatusNoContent, source.ErrUnavailable},
		{http.StatusNotModified, source.ErrUnavailable}, // not asked for
		{http.StatusMultipleChoices, source.ErrUnavailable},
		{http.StatusFound, source.ErrUnavailable}, // no Location
		{http.StatusBadRequest, source.ErrUnavailable},
		{http.StatusTooManyRequests, source.ErrUnavailable},
		{599, source.ErrUnavailable},
	}
	sentinels := []error{source.ErrNotFound, source.ErrPermission, source.ErrTimeout, source.ErrUnavailable, source.ErrInvalidKey, source.ErrNotModified}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.code), func(t *testing.T) {
			o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
				if tt.code == http.StatusPartialContent {
					w.Header().Set("Content-Range", "bytes 0-19/100")
				}
				w.WriteHeader(tt.code)
				io.WriteString(w, secret)
			})
			wf := newFolder(t, o.srv.URL+"/img/", nil)
			obj, err := wf.Open(context.Background(), "a.jpg")
			closeBody(obj)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Open = %v, want %v", err, tt.want)
			}
			for _, s := range sentinels {
				if s != tt.want && errors.Is(err, s) {
					t.Errorf("Open = %v, must not wrap %v", err, s)
				}
			}
			msg := err.Error()
			if strings.Contains(msg, secret) {
				t.Errorf("error %q includes the response body", msg)
			}
			if !strings.Contains(msg, `"a.jpg"`) || !strings.Contains(msg, fmt.Sprint(tt.code)) {
				t.Errorf("error %q does not name the key and the status", msg)
			}
			if n := len(o.requests()); n != 1 {
				t.Errorf("origin saw %d requests, want 1", n)
			}
		})
	}
}

func TestWebFolderContentEncoding(t *testing.T) {
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	io.WriteString(zw, strings.Repeat("0", 1<<16))
	zw.Close()
	tests := []struct {
		encoding string // "" sends no Content-Encoding
		ok       bool
	}{
		{"", true},
		{"identity", true},
		{"Identity", true},
		{"gzip", false},
		{"GZIP", false},
		{"br", false},
		{"identity, gzip", false},
	}
	for _, tt := range tests {
		t.Run(tt.encoding, func(t *testing.T) {
			o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
				if tt.encoding != "" {
					w.Header().Set("Content-Encoding", tt.encoding)
				}
				w.Write(gz.Bytes())
			})
			wf := newFolder(t, o.srv.URL, nil)
			obj, err := wf.Open(context.Background(), "a.jpg")
			if tt.ok {
				if err != nil {
					t.Fatalf("Open = %v, want success", err)
				}
				if body := readAll(t, obj); body != gz.String() {
					t.Errorf("body of %d bytes, want the %d bytes sent, undecoded", len(body), gz.Len())
				}
				return
			}
			closeBody(obj)
			if !errors.Is(err, source.ErrUnavailable) || !strings.Contains(err.Error(), "unexpected Content-Encoding") {
				t.Errorf("Open = %v, want ErrUnavailable naming the unexpected Content-Encoding", err)
			}
			if got := o.last(t).header.Get("Accept-Encoding"); got != "identity" {
				t.Errorf("Accept-Encoding = %q, want identity", got)
			}
		})
	}
}

func TestWebFolderKeyEncoding(t *testing.T) {
	tests := []struct {
		base string // path appended to the origin's URL
		key  string
		want string // request target
	}{
		{"/img/", "dog.jpg", "/img/dog.jpg"},
		{"/img", "dog.jpg", "/img/dog.jpg"},
		{"", "dog.jpg", "/dog.jpg"},
		{"/", "a/b/c.jpg", "/a/b/c.jpg"},
		{"/img", "café/ñ.jpg", "/img/caf%C3%A9/%C3%B1.jpg"},
		{"/img", "日本/語.png", "/img/%E6%97%A5%E6%9C%AC/%E8%AA%9E.png"},
		{"/img", "%41.jpg", "/img/%2541.jpg"},
		{"/img", "%2e%2e/secret.jpg", "/img/%252e%252e/secret.jpg"},
		{"/img", "..%2fsecret.jpg", "/img/..%252fsecret.jpg"},
		{"/img", "%2F%2Fhost/x.jpg", "/img/%252F%252Fhost/x.jpg"},
		{"/img", "a b.jpg", "/img/a%20b.jpg"},
		{"/img", "q?x=1.jpg", "/img/q%3Fx=1.jpg"},
		{"/img", "frag#x.jpg", "/img/frag%23x.jpg"},
		{"/img", "a;b,c.jpg", "/img/a%3Bb%2Cc.jpg"},
		{"/img", "+&=@:$.jpg", "/img/+&=@:$.jpg"},
		{"/img", "~user/-_.jpg", "/img/~user/-_.jpg"},
		{"/img", ".../..a/b..", "/img/.../..a/b.."},
		{"/img", "http:/x.jpg", "/img/http:/x.jpg"},
		{"/my%20images", "a b.jpg", "/my%20images/a%20b.jpg"},
		{"/%C3%A9t%C3%A9/", "ñ.jpg", "/%C3%A9t%C3%A9/%C3%B1.jpg"},
		{"/a%2Fb/", "c.jpg", "/a%2Fb/c.jpg"},
	}
	o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {})
	for _, tt := range tests {
		wf := newFolder(t, o.srv.URL+tt.base, nil)
		obj, err := wf.Open(context.Background(), tt.key)
		if err != nil {
			t.Errorf("base %q, Open(%q): %v", tt.base, tt.key, err)
			continue
		}
		readAll(t, obj)
		req := o.last(t)
		if req.requestURI != tt.want {
			t.Errorf("base %q, Open(%q): request target %q, want %q", tt.base, tt.key, req.requestURI, tt.want)
		}
		// Decoding once must give back the key itself, below the base path.
		if !strings.HasSuffix(req.path, "/"+tt.key) {
			t.Errorf("base %q, Open(%q): decoded path %q does not end in the key", tt.base, tt.key, req.path)
		}
	}
}

func TestWebFolderInvalidKeyNoRequest(t *testing.T) {
	o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {})
	wf := newFolder(t, o.srv.URL+"/img/", nil)
	for _, key := range []string{
		"", "../secret.jpg", "a/../../secret.jpg", "..", ".", "./a.jpg",
		"//host/a.jpg", "/etc/passwd", "a//b.jpg", "a/",
		`..\secret.jpg`, `a\b.jpg`, `\\host\share`,
		"a\x00b", "a\r\nHost: evil", "a\x7f", "a\xffb",
	} {
		obj, err := wf.Open(context.Background(), key)
		closeBody(obj)
		if !errors.Is(err, source.ErrInvalidKey) {
			t.Errorf("Open(%q) = %v, want ErrInvalidKey", key, err)
		}
		obj, err = wf.OpenIfChanged(context.Background(), key, `"v1"`, time.Time{})
		closeBody(obj)
		if !errors.Is(err, source.ErrInvalidKey) {
			t.Errorf("OpenIfChanged(%q) = %v, want ErrInvalidKey", key, err)
		}
	}
	if n := len(o.requests()); n != 0 {
		t.Errorf("origin saw %d requests for invalid keys, want 0", n)
	}
}

func TestNewWebFolder(t *testing.T) {
	valid := []string{
		"http://example.com",
		"https://example.com/",
		"HTTPS://Example.COM/images",
		"http://127.0.0.1:8080/a/b/",
		"http://[::1]:8080/img",
		"http://example.com/my%20images/",
		"http://example.com/a..b/.c/",
	}
	for _, base := range valid {
		if _, err := source.NewWebFolder(base, nil); err != nil {
			t.Errorf("NewWebFolder(%q) = %v, want success", base, err)
		}
	}

	tests := []struct {
		base string
		opts *source.WebFolderOptions
		want string // in the error
	}{
		{"", nil, "scheme"},
		{"example.com/img", nil, "scheme"},
		{"/img", nil, "scheme"},
		{"ftp://example.com/", nil, "scheme"},
		{"file:///srv/images", nil, "scheme"},
		{"http:img", nil, "absolute"},
		{"http:///img", nil, "host"},
		{"http://user:hunter2@example.com/", nil, "user information"},
		{"http://token@example.com/", nil, "user information"},
		{"http://example.com/?sig=abc", nil, "query"},
		{"http://example.com/?", nil, "query"},
		{"http://example.com/#top", nil, "fragment"},
		{"http://example.com/a/../b/", nil, `".." segment`},
		{"http://example.com/a/%2e%2e/b/", nil, `".." segment`},
		{"http://example.com/./b/", nil, `"." segment`},
		{"http://example.com/..", nil, `".." segment`},
		{"http://exa mple.com/", nil, "invalid base URL"},
		{"http://example.com:port/", nil, "invalid base URL"},
		{"http://example.com/%zz", nil, "invalid base URL"},
		{"http://example.com/", &source.WebFolderOptions{Timeout: -time.Second}, "negative Timeout"},
		{"http://example.com/", &source.WebFolderOptions{Header: http.Header{"Bad Name": {"x"}}}, "invalid header name"},
		{"http://example.com/", &source.WebFolderOptions{Header: http.Header{"X-Token": {"a\r\nHost: evil"}}}, "control character"},
		{"http://example.com/", &source.WebFolderOptions{Header: http.Header{"user-agent": {"curl"}}}, "User-Agent is set by WebFolder"},
		{"http://example.com/", &source.WebFolderOptions{Header: http.Header{"Accept-Encoding": {"gzip"}}}, "Accept-Encoding"},
		{"http://example.com/", &source.WebFolderOptions{Header: http.Header{"Range": {"bytes=0-1"}}}, "Range"},
		{"http://example.com/", &source.WebFolderOptions{Header: http.Header{"If-None-Match": {"*"}}}, "If-None-Match"},
		{"http://example.com/", &source.WebFolderOptions{Header: http.Header{"Host": {"evil"}}}, "Host"},
	}
	for _, tt := range tests {
		wf, err := source.NewWebFolder(tt.base, tt.opts)
		if err == nil || wf != nil {
			t.Errorf("NewWebFolder(%q) = %v, %v; want an error", tt.base, wf, err)
			continue
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("NewWebFolder(%q) = %v, want an error mentioning %q", tt.base, err, tt.want)
		}
		if strings.Contains(err.Error(), "hunter2") || strings.Contains(err.Error(), "token@") {
			t.Errorf("NewWebFolder(%q) error %q reveals credentials", tt.base, err)
		}
	}
}

func TestWebFolderRedirects(t *testing.T) {
	other := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "other")
	})
	var originURL string
	o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		path := r.URL.Path
		switch {
		case path == "/img/new.jpg", path == "/elsewhere/x.jpg":
			io.WriteString(w, "content of "+path)
		case path == "/img/old.jpg":
			http.Redirect(w, r, "/img/new.jpg", http.StatusFound)
		case path == "/img/absolute.jpg":
			http.Redirect(w, r, originURL+"/img/new.jpg", http.StatusMovedPermanently)
		case path == "/img/relative.jpg":
			http.Redirect(w, r, "new.jpg", http.StatusTemporaryRedirect)
		case path == "/img/moved.jpg":
			http.Redirect(w, r, "/elsewhere/x.jpg", http.StatusPermanentRedirect)
		case path == "/img/other-host.jpg":
			http.Redirect(w, r, other.srv.URL+"/img/new.jpg?X-Amz-Signature=secret", http.StatusFound)
		case path == "/img/localhost.jpg":
			http.Redirect(w, r, strings.Replace(originURL, "127.0.0.1", "localhost", 1)+"/img/new.jpg", http.StatusFound)
		case path == "/img/https.jpg":
			http.Redirect(w, r, strings.Replace(originURL, "http:", "https:", 1)+"/img/new.jpg", http.StatusFound)
		case path == "/img/file.jpg":
			http.Redirect(w, r, "file:///etc/passwd", http.StatusFound)
		case path == "/img/metadata.jpg":
			http.Redirect(w, r, "http://169.254.169.254/latest/meta-data/", http.StatusFound)
		case path == "/img/loop.jpg":
			http.Redirect(w, r, "/img/loop.jpg", http.StatusFound)
		case strings.HasPrefix(path, "/img/chain"):
			// /img/chainN.jpg redirects N times before the content.
			var n int
			fmt.Sscanf(path, "/img/chain%d.jpg", &n)
			if n == 0 {
				io.WriteString(w, "end of chain")
				return
			}
			http.Redirect(w, r, fmt.Sprintf("/img/chain%d.jpg", n-1), http.StatusFound)
		default:
			http.NotFound(w, r)
		}
	})
	originURL = o.srv.URL

	tests := []struct {
		key          string
		maxRedirects int
		want         string // the body, or "" for ErrUnavailable
		hits         int    // requests the origin sees
	}{
		{"old.jpg", 0, "content of /img/new.jpg", 2},
		{"absolute.jpg", 0, "content of /img/new.jpg", 2},
		{"relative.jpg", 0, "content of /img/new.jpg", 2},
		{"moved.jpg", 0, "content of /elsewhere/x.jpg", 2},
		{"other-host.jpg", 0, "", 1},
		{"localhost.jpg", 0, "", 1},
		{"https.jpg", 0, "", 1},
		{"file.jpg", 0, "", 1},
		{"metadata.jpg", 0, "", 1},
		{"loop.jpg", 0, "", 6},
		{"chain5.jpg", 0, "end of chain", 6},
		{"chain6.jpg", 0, "", 6},
		{"chain2.jpg", 2, "end of chain", 3},
		{"chain3.jpg", 2, "", 3},
		{"loop.jpg", 1, "", 2},
		{"old.jpg", -1, "", 1},
		{"chain0.jpg", -1, "end of chain", 1},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/max%d", tt.key, tt.maxRedirects), func(t *testing.T) {
			wf := newFolder(t, o.srv.URL+"/img", &source.WebFolderOptions{MaxRedirects: tt.maxRedirects})
			before := len(o.requests())
			obj, err := wf.Open(context.Background(), tt.key)
			hits := len(o.requests()) - before
			if tt.want != "" {
				if err != nil {
					t.Fatalf("Open = %v, want success", err)
				}
				if body := readAll(t, obj); body != tt.want {
					t.Errorf("body = %q, want %q", body, tt.want)
				}
			} else {
				closeBody(obj)
				if !errors.Is(err, source.ErrUnavailable) {
					t.Fatalf("Open = %v, want ErrUnavailable", err)
				}
				if msg := err.Error(); strings.Contains(msg, "secret") || !strings.Contains(msg, `"`+tt.key+`"`) {
					t.Errorf("error %q: want the key named and no query string", msg)
				}
			}
			if hits != tt.hits {
				t.Errorf("origin saw %d requests, want %d", hits, tt.hits)
			}
		})
	}
	if n := len(other.requests()); n != 0 {
		t.Errorf("the other host saw %d requests, want 0", n)
	}
}

// A Client given in the options is used with the WebFolder's redirect policy,
// and is not modified.
func TestWebFolderClientOption(t *testing.T) {
	other := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {})
	o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.srv.URL+"/a.jpg", http.StatusFound)
	})
	called := false
	client := &http.Client{
		Transport: &http.Transport{Proxy: nil, DisableCompression: true},
		CheckRedirect: func(*http.Request, []*http.Request) error {
			called = true
			return nil
		},
	}
	defer client.CloseIdleConnections()
	wf := newFolder(t, o.srv.URL, &source.WebFolderOptions{Client: client})
	obj, err := wf.Open(context.Background(), "a.jpg")
	closeBody(obj)
	if !errors.Is(err, source.ErrUnavailable) {
		t.Errorf("Open = %v, want ErrUnavailable", err)
	}
	if called || len(other.requests()) != 0 {
		t.Errorf("the client's own redirect policy was used")
	}
	if err := client.CheckRedirect(nil, nil); err != nil || !called {
		t.Errorf("the client's CheckRedirect was replaced")
	}
}

func TestWebFolderTimeouts(t *testing.T) {
	ctx := context.Background()
	stalled := newOrigin(t, waitForClient)

	t.Run("time to first byte", func(t *testing.T) {
		client := &http.Client{Transport: &http.Transport{ResponseHeaderTimeout: 50 * time.Millisecond}}
		defer client.CloseIdleConnections()
		wf := newFolder(t, stalled.srv.URL, &source.WebFolderOptions{Client: client, Timeout: time.Minute})
		obj, err := wf.Open(ctx, "a.jpg")
		closeBody(obj)
		if !errors.Is(err, source.ErrTimeout) {
			t.Errorf("Open = %v, want ErrTimeout", err)
		}
	})

	t.Run("overall timeout before headers", func(t *testing.T) {
		wf := newFolder(t, stalled.srv.URL, &source.WebFolderOptions{Timeout: 50 * time.Millisecond})
		obj, err := wf.Open(ctx, "a.jpg")
		closeBody(obj)
		if !errors.Is(err, source.ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Open = %v, want ErrTimeout and context.DeadlineExceeded", err)
		}
	})

	t.Run("caller's deadline", func(t *testing.T) {
		wf := newFolder(t, stalled.srv.URL, nil)
		dctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
		defer cancel()
		obj, err := wf.Open(dctx, "a.jpg")
		closeBody(obj)
		if !errors.Is(err, source.ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Open = %v, want ErrTimeout and context.DeadlineExceeded", err)
		}
	})

	t.Run("slow body", func(t *testing.T) {
		o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "1000")
			io.WriteString(w, "first bytes")
			w.(http.Flusher).Flush()
			<-r.Context().Done()
		})
		// Long enough for the headers to arrive on a busy machine.
		wf := newFolder(t, o.srv.URL, &source.WebFolderOptions{Timeout: 1500 * time.Millisecond})
		obj, err := wf.Open(ctx, "a.jpg")
		if err != nil {
			t.Fatalf("Open = %v, want success", err)
		}
		defer obj.Body.Close()
		body, err := io.ReadAll(obj.Body)
		if !strings.HasPrefix("first bytes", string(body)) {
			t.Errorf("read %q before the deadline, want a prefix of %q", body, "first bytes")
		}
		if !errors.Is(err, source.ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("reading the body = %v, want ErrTimeout and context.DeadlineExceeded", err)
		}
		if err != nil && !strings.Contains(err.Error(), `"a.jpg"`) {
			t.Errorf("read error %q does not name the key", err)
		}
	})
}

func TestWebFolderContext(t *testing.T) {
	o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {})
	wf := newFolder(t, o.srv.URL, nil)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	obj, err := wf.Open(ctx, "a.jpg")
	closeBody(obj)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Open with a cancelled context = %v, want context.Canceled", err)
	}
	for _, s := range []error{source.ErrNotFound, source.ErrPermission, source.ErrTimeout, source.ErrUnavailable, source.ErrInvalidKey} {
		if errors.Is(err, s) {
			t.Errorf("Open with a cancelled context = %v, must not wrap %v", err, s)
		}
	}

	ctx, cancel = context.WithDeadline(context.Background(), time.Unix(1, 0))
	defer cancel()
	obj, err = wf.Open(ctx, "a.jpg")
	closeBody(obj)
	if !errors.Is(err, source.ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Open with an expired context = %v, want ErrTimeout and context.DeadlineExceeded", err)
	}
	if n := len(o.requests()); n != 0 {
		t.Errorf("origin saw %d requests for a done context, want 0", n)
	}

	// Cancelling while the origin stalls.
	stalled := newOrigin(t, waitForClient)
	wf = newFolder(t, stalled.srv.URL, nil)
	ctx, cancel = context.WithCancel(context.Background())
	go func() {
		for len(stalled.requests()) == 0 {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	obj, err = wf.Open(ctx, "a.jpg")
	closeBody(obj)
	if !errors.Is(err, context.Canceled) || errors.Is(err, source.ErrUnavailable) {
		t.Errorf("Open cancelled in flight = %v, want context.Canceled only", err)
	}
}

func TestWebFolderConnectionFailures(t *testing.T) {
	ctx := context.Background()

	t.Run("refused", func(t *testing.T) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close()
		wf := newFolder(t, "http://"+addr+"/img", nil)
		obj, err := wf.Open(ctx, "a.jpg")
		closeBody(obj)
		if !errors.Is(err, source.ErrUnavailable) {
			t.Errorf("Open = %v, want ErrUnavailable", err)
		}
	})

	t.Run("closed before the response", func(t *testing.T) {
		o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
		})
		wf := newFolder(t, o.srv.URL, nil)
		obj, err := wf.Open(ctx, "a.jpg")
		closeBody(obj)
		if !errors.Is(err, source.ErrUnavailable) {
			t.Errorf("Open = %v, want ErrUnavailable", err)
		}
	})

	t.Run("truncated body", func(t *testing.T) {
		o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "100")
			io.WriteString(w, "only ten b")
		})
		wf := newFolder(t, o.srv.URL, nil)
		obj, err := wf.Open(ctx, "a.jpg")
		if err != nil {
			t.Fatalf("Open = %v, want success", err)
		}
		defer obj.Body.Close()
		_, err = io.ReadAll(obj.Body)
		if !errors.Is(err, source.ErrUnavailable) || !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("reading the body = %v, want ErrUnavailable and io.ErrUnexpectedEOF", err)
		}
	})
}

func TestWebFolderOpenIfChanged(t *testing.T) {
	lastMod := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	const etag = `"v1"`
	o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", etag)
		http.ServeContent(w, r, "a.jpg", lastMod, strings.NewReader("jpeg"))
	})
	wf := newFolder(t, o.srv.URL, nil)
	ctx := context.Background()

	tests := []struct {
		name    string
		etag    string
		modTime time.Time
		changed bool
		inm     string // If-None-Match sent
		ims     string // If-Modified-Since sent
	}{
		{"same ETag", etag, time.Time{}, false, etag, ""},
		{"weak ETag", `W/"v1"`, time.Time{}, false, `W/"v1"`, ""},
		{"other ETag", `"v0"`, time.Time{}, true, `"v0"`, ""},
		{"same time", "", lastMod, false, "", "Mon, 06 May 2024 07:08:09 GMT"},
		{"same time elsewhere", "", lastMod.In(time.FixedZone("X", 3600)), false, "", "Mon, 06 May 2024 07:08:09 GMT"},
		{"older time", "", lastMod.Add(-time.Hour), true, "", "Mon, 06 May 2024 06:08:09 GMT"},
		{"no validators", "", time.Time{}, true, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			obj, err := wf.OpenIfChanged(ctx, "a.jpg", tt.etag, tt.modTime)
			if tt.changed {
				if err != nil {
					t.Fatalf("OpenIfChanged = %v, want the object", err)
				}
				if body := readAll(t, obj); body != "jpeg" || obj.ETag != etag || !obj.ModTime.Equal(lastMod) {
					t.Errorf("object: body %q, ETag %q, ModTime %v", body, obj.ETag, obj.ModTime)
				}
			} else {
				closeBody(obj)
				if !errors.Is(err, source.ErrNotModified) || obj != nil {
					t.Errorf("OpenIfChanged = %v, %v; want nil, ErrNotModified", obj, err)
				}
			}
			req := o.last(t)
			if got := req.header.Get("If-None-Match"); got != tt.inm {
				t.Errorf("If-None-Match = %q, want %q", got, tt.inm)
			}
			if got := req.header.Get("If-Modified-Since"); got != tt.ims {
				t.Errorf("If-Modified-Since = %q, want %q", got, tt.ims)
			}
		})
	}

	before := len(o.requests())
	obj, err := wf.OpenIfChanged(ctx, "a.jpg", "\"v1\"\r\nX-Injected: 1", time.Time{})
	closeBody(obj)
	if err == nil || !strings.Contains(err.Error(), "control character") {
		t.Errorf("OpenIfChanged with a malformed ETag = %v, want an error", err)
	}
	if n := len(o.requests()) - before; n != 0 {
		t.Errorf("origin saw %d requests for a malformed ETag, want 0", n)
	}
}

func TestWebFolderConcurrent(t *testing.T) {
	o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, r.URL.Path)
	})
	wf := newFolder(t, o.srv.URL+"/img", &source.WebFolderOptions{Header: http.Header{"X-Token": {"t"}}})
	var wg sync.WaitGroup
	errs := make(chan error, 8*10)
	for g := range 8 {
		wg.Go(func() {
			for i := range 10 {
				key := fmt.Sprintf("g%d/é%d.jpg", g, i)
				obj, err := wf.Open(context.Background(), key)
				if err != nil {
					errs <- err
					continue
				}
				b, err := io.ReadAll(obj.Body)
				obj.Body.Close()
				if err != nil || string(b) != "/img/"+key {
					errs <- fmt.Errorf("%s: body %q, error %v", key, b, err)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for _, req := range o.requests() {
		if got := req.header.Values("X-Token"); len(got) != 1 {
			t.Errorf("X-Token sent as %q, want once", got)
		}
	}
}

func BenchmarkWebFolderOpen(b *testing.B) {
	payload := bytes.Repeat([]byte{0xab}, 4<<10)
	o := newOrigin(b, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/jpeg")
		w.Write(payload)
	})
	wf := newFolder(b, o.srv.URL+"/img", nil)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		obj, err := wf.Open(ctx, "photos/café.jpg")
		if err != nil {
			b.Fatal(err)
		}
		if _, err := io.Copy(io.Discard, obj.Body); err != nil {
			b.Fatal(err)
		}
		obj.Body.Close()
	}
}

func ExampleWebFolder() {
	// An origin serving one image under /originals/.
	origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/originals/photos/dog.jpg" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "image/jpeg")
		w.Header().Set("Cache-Control", "public, max-age=86400")
		io.WriteString(w, "...jpeg bytes...")
	}))
	defer origin.Close()

	src, err := source.NewWebFolder(origin.URL+"/originals", nil)
	if err != nil {
		log.Fatal(err)
	}
	defer src.CloseIdleConnections()

	ctx := context.Background()
	obj, err := src.Open(ctx, "photos/dog.jpg")
	if err != nil {
		log.Fatal(err)
	}
	defer obj.Body.Close()
	// Cap what is read from the origin.
	body, err := io.ReadAll(io.LimitReader(obj.Body, 32<<20))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(obj.ContentType, obj.Size, obj.CacheControl, string(body))

	_, err = src.Open(ctx, "photos/cat.jpg")
	fmt.Println(errors.Is(err, source.ErrNotFound))
	fmt.Println(err)

	_, err = src.Open(ctx, "../secrets.txt")
	fmt.Println(err)
	// Output:
	// image/jpeg 16 public, max-age=86400 ...jpeg bytes...
	// true
	// source: open "photos/cat.jpg": object not found: HTTP status 404 Not Found
	// source: invalid key "../secrets.txt": ".." path segment
}
