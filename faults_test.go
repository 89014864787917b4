package rendition

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/rendition-go/rendition/source"
	"github.com/rendition-go/rendition/transform"
	_ "gocloud.dev/blob/fileblob"
)

// loopbackOnly is a dialer that refuses every address that is not on
// loopback: even if the SSRF guard were broken, tests cannot reach out.
func loopbackOnly() *net.Dialer {
	return &net.Dialer{Timeout: 5 * time.Second, Control: func(network, address string, _ syscall.RawConn) error {
		host, _, err := net.SplitHostPort(address)
		if err != nil {
			return err
		}
		if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
			return fmt.Errorf("test dialer: %s is not on loopback", address)
		}
		return nil
	}}
}

// countingServer is an origin on loopback that counts its requests.
func countingServer(t *testing.T, h http.HandlerFunc) (*httptest.Server, *atomic.Int32) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		h(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func TestWebProxySSRFThroughTheHandler(t *testing.T) {
	photo := encodeJPEG(t, quadrants(64, 48))
	srv, hits := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/redirect" {
			http.Redirect(w, r, r.URL.Query().Get("to"), http.StatusFound)
			return
		}
		w.Write(photo)
	})
	port := srv.Listener.Addr().(*net.TCPAddr).Port
	at := func(host string) string { return fmt.Sprintf("http://%s:%d/photo.jpg", host, port) }

	proxy, err := source.NewWebProxy(&source.WebProxyOptions{Dialer: loopbackOnly()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := New(proxy, nil); err == nil {
		t.Fatal("New served a web proxy without a Verifier or AllowUnsigned")
	}
	h := newHandler(t, proxy, &Options{AllowUnsigned: true})
	refused := []string{
		at("127.0.0.1"), at("localhost"), at("127.1"), at("2130706433"), at("0x7f000001"),
		at("017700000001"), at("[::ffff:127.0.0.1]"), at("[::1]"), at("0.0.0.0"),
		fmt.Sprintf("http://a:b@127.0.0.1:%d/photo.jpg", port),
		"http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/a.jpg", "http://100.64.0.1/a.jpg",
		"file:///etc/passwd", "gopher://127.0.0.1/", "ftp://127.0.0.1/a.jpg",
	}
	for _, target := range refused {
		r := get(t, h, "/"+url.PathEscape(target)+"?w=10")
		if r.Code != http.StatusNotFound && r.Code != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 404 or 400", target, r.Code)
		}
		if strings.Contains(r.Body.String(), "127.0.0.1") && !strings.Contains(target, "127.0.0.1") {
			t.Errorf("%s: the body names an internal address: %q", target, r.Body)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("the loopback origin saw %d requests from refused forms", n)
	}

	// A proxy allowed to reach loopback serves it, but re-checks redirects.
	dev, err := source.NewWebProxy(&source.WebProxyOptions{AllowPrivate: true, Dialer: loopbackOnly(), AllowHosts: []string{"127.0.0.1"}})
	if err != nil {
		t.Fatal(err)
	}
	h = newHandler(t, dev, &Options{AllowUnsigned: true})
	if r := get(t, h, "/"+url.PathEscape(at("127.0.0.1"))+"?w=10"); r.Code != http.StatusOK {
		t.Fatalf("an allowed URL: %d %s", r.Code, r.Body)
	}
	before := hits.Load()
	redirect := fmt.Sprintf("http://127.0.0.1:%d/redirect?to=%s", port, url.QueryEscape("http://localhost:1/x.jpg"))
	if r := get(t, h, "/"+url.PathEscape(redirect)); r.Code != http.StatusNotFound {
		t.Errorf("a redirect off the allow-list: %d", r.Code)
	}
	if n := hits.Load() - before; n != 1 {
		t.Errorf("the redirect's target was requested: %d requests", n)
	}
}

func TestOriginFaults(t *testing.T) {
	photo := encodeJPEG(t, quadrants(64, 48))
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(photo)
	zw.Close()
	hang := make(chan struct{})
	t.Cleanup(func() { close(hang) })

	tests := []struct {
		name      string
		handler   http.HandlerFunc
		status    int
		code      string
		cacheable bool
	}{
		{"500", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "db at 10.1.2.3 down", 500) }, 502, CodeOrigin, true},
		{"502", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(502) }, 502, CodeOrigin, true},
		{"503", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(503) }, 502, CodeOrigin, true},
		{"404", http.NotFound, 404, CodeNotFound, true},
		{"403", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(403) }, 403, CodePermission, true},
		{"headers never arrive", func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-hang:
			case <-r.Context().Done():
			}
		}, 504, CodeTimeout, false},
		{"slow drip body", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", fmt.Sprint(len(photo)))
			w.Write(photo[:10])
			w.(http.Flusher).Flush()
			for i := 10; i < len(photo); i++ {
				select {
				case <-time.After(50 * time.Millisecond):
				case <-r.Context().Done():
					return
				}
				w.Write(photo[i : i+1])
				w.(http.Flusher).Flush()
			}
		}, 504, CodeTimeout, false},
		{"truncated body", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", fmt.Sprint(len(photo)))
			w.Write(photo[:len(photo)/2])
		}, 502, CodeOrigin, true},
		{"Content-Length over the cap", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "999999999")
			w.Write(photo)
		}, 413, CodeLimit, true},
		{"endless chunked body", func(w http.ResponseWriter, r *http.Request) {
			chunk := bytes.Repeat([]byte{0xff}, 64<<10)
			for r.Context().Err() == nil {
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		}, 413, CodeLimit, true},
		{"unrequested gzip", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Encoding", "gzip")
			w.Write(gz.Bytes())
		}, 502, CodeOrigin, true},
		{"206 not asked for", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Range", "bytes 0-9/100")
			w.WriteHeader(http.StatusPartialContent)
			w.Write(photo[:10])
		}, 502, CodeOrigin, true},
		{"huge headers", func(w http.ResponseWriter, r *http.Request) {
			for i := range 200 {
				w.Header().Set(fmt.Sprintf("X-Padding-%d", i), strings.Repeat("x", 1000))
			}
			w.Write(photo)
		}, 502, CodeOrigin, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := countingServer(t, tt.handler)
			folder, err := source.NewWebFolder(srv.URL+"/", nil)
			if err != nil {
				t.Fatal(err)
			}
			h := newHandler(t, folder, &Options{FetchTimeout: 400 * time.Millisecond,
				Transform: transform.Options{Limits: limitsWithBytes(1 << 20)}})
			r := get(t, h, "/photo.jpg?w=10")
			if r.Code != tt.status || r.Header().Get("X-Rendition-Error") != tt.code {
				t.Fatalf("got %d %q, want %d %q: %s", r.Code, r.Header().Get("X-Rendition-Error"), tt.status, tt.code, r.Body)
			}
			if strings.Contains(r.Body.String(), "10.1.2.3") || strings.Contains(r.Body.String(), "127.0.0.1") {
				t.Errorf("the body leaks an origin detail: %q", r.Body)
			}
			if cc := r.Header().Get("Cache-Control"); (cc == "no-store") == tt.cacheable {
				t.Errorf("Cache-Control %q, cacheable %v", cc, tt.cacheable)
			}
			// Nothing is cached in any tier except the error answer itself.
			if st := h.Stats(); st.Renders != 0 {
				t.Errorf("%d renders", st.Renders)
			}
		})
	}
}

// TestClientDisconnectCancelsTheFetch: a client that goes away cancels the
// origin request when nobody else waits for it.
func TestClientDisconnectCancelsTheFetch(t *testing.T) {
	cancelled := make(chan struct{})
	srv, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
		close(cancelled)
	})
	folder, err := source.NewWebFolder(srv.URL+"/", nil)
	if err != nil {
		t.Fatal(err)
	}
	h := newHandler(t, folder, nil)
	ctx, cancel := context.WithCancel(context.Background())
	req := httptest.NewRequest(http.MethodGet, "/photo.jpg?w=10", nil).WithContext(ctx)
	go func() {
		time.Sleep(50 * time.Millisecond)
		cancel()
	}()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	select {
	case <-cancelled:
	case <-time.After(10 * time.Second):
		t.Fatal("the origin request was not cancelled")
	}
	// A disconnect is the client's doing, not a full queue: it is counted
	// apart from the server's failures.
	if rec.Code != StatusClientClosedRequest || rec.Header().Get("X-Rendition-Error") != CodeCanceled {
		t.Errorf("answer %d %s; want %d %s", rec.Code, rec.Header().Get("X-Rendition-Error"), StatusClientClosedRequest, CodeCanceled)
	}
	if errs := h.Stats().Errors; errs[CodeCanceled] != 1 || errs[CodeBusy] != 0 {
		t.Errorf("errors counted %v; want one %s and no %s", errs, CodeCanceled, CodeBusy)
	}
}

func limitsWithBytes(n int64) transform.Limits {
	return transform.Limits{MaxSourceBytes: n}
}

// TestWebProxyPassesOnlyImages: through a web proxy, a script, a style
// sheet, JSON or a page is refused, never served under the image domain's
// origin with its own type.
func TestWebProxyPassesOnlyImages(t *testing.T) {
	photo := encodeJPEG(t, quadrants(40, 30))
	files := map[string]struct{ contentType, body string }{
		"/app.js":    {"application/javascript", "alert(document.cookie)"},
		"/site.css":  {"text/css", "body{}"},
		"/data.json": {"application/json", `{"a":1}`},
		"/page.html": {"text/html", "<script>alert(1)</script>"},
		"/logo.svg":  {"image/svg+xml", `<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`},
		"/photo.jpg": {"image/jpeg", string(photo)},
	}
	srv, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		f := files[r.URL.Path]
		w.Header().Set("Content-Type", f.contentType)
		io.WriteString(w, f.body)
	})
	proxy, err := source.NewWebProxy(&source.WebProxyOptions{AllowPrivate: true, Dialer: loopbackOnly(), AllowHosts: []string{"127.0.0.1"}})
	if err != nil {
		t.Fatal(err)
	}
	h := newHandler(t, proxy, &Options{AllowUnsigned: true})
	for path := range files {
		r := get(t, h, "/"+url.PathEscape(srv.URL+path))
		if path == "/photo.jpg" {
			if r.Code != http.StatusOK || r.Header().Get("Content-Type") != "image/jpeg" {
				t.Errorf("%s: %d %q; want the image", path, r.Code, r.Header().Get("Content-Type"))
			}
			continue
		}
		if r.Code != http.StatusUnsupportedMediaType || r.Header().Get("X-Rendition-Error") != CodeFormat {
			t.Errorf("%s: %d %q %q; want 415 %s", path, r.Code, r.Header().Get("Content-Type"), r.Body, CodeFormat)
		}
	}
}

// TestLocalBucketAttrsKey: a key ending in .attrs on a file:// origin (the
// suffix fileblob keeps for its metadata) is a 404, not a 500.
func TestLocalBucketAttrsKey(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "x.attrs"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	src, err := source.OpenBucket(context.Background(), "file://"+filepath.ToSlash(dir), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { src.Close() })
	h := newHandler(t, src, nil)
	for _, u := range []string{"/x.attrs", "/photo.jpg.attrs", "/x.attrs?w=10"} {
		if r := get(t, h, u); r.Code != http.StatusNotFound || r.Header().Get("X-Rendition-Error") != CodeNotFound {
			t.Errorf("%s: %d %s %q; want 404 %s", u, r.Code, r.Header().Get("X-Rendition-Error"), r.Body, CodeNotFound)
		}
	}
}
