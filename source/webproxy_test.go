package source

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/rendition-go/rendition/internal/version"
)

// These tests never reach beyond the loopback interface, whatever the code
// under test does: names are resolved by loopbackResolver, which answers
// 127.0.0.1 for every name without any network, and every connection goes
// through a dialer whose Control refuses addresses that are not loopback,
// after the guard of the WebProxy has had its say.

// proxyOrigin is a loopback HTTP server for WebProxy tests that counts the
// requests for each path.
type proxyOrigin struct {
	srv  *httptest.Server
	port string

	mu     sync.Mutex
	counts map[string]int
	last   *http.Request
}

// newProxyOrigin starts a proxyOrigin, closed when the test ends. It serves:
//
//	/img.jpg, "/my img.jpg", /café.jpg  200 with the body "IMAGE"
//	/etag.jpg                           200, or 304 for If-None-Match "v1"
//	/status/N                           status N
//	/redirect?to=URL                    302 to URL
//	/loop/a, /loop/b                    302 to each other
//	/chain/N                            302 to /chain/N-1, and /chain/0 to /img.jpg
func newProxyOrigin(t *testing.T) *proxyOrigin {
	t.Helper()
	o := &proxyOrigin{counts: make(map[string]int)}
	o.srv = httptest.NewServer(http.HandlerFunc(o.serve))
	t.Cleanup(o.srv.Close)
	_, o.port, _ = net.SplitHostPort(o.srv.Listener.Addr().String())
	return o
}

func (o *proxyOrigin) serve(w http.ResponseWriter, r *http.Request) {
	o.mu.Lock()
	o.counts[r.URL.Path]++
	o.last = r.Clone(context.Background())
	o.mu.Unlock()

	p := r.URL.Path
	switch {
	case p == "/img.jpg" || p == "/my img.jpg" || p == "/café.jpg":
		w.Header().Set("Content-Type", "image/jpeg")
		io.WriteString(w, "IMAGE")
	case p == "/etag.jpg":
		w.Header().Set("ETag", `"v1"`)
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		io.WriteString(w, "IMAGE")
	case strings.HasPrefix(p, "/status/"):
		code, _ := strconv.Atoi(strings.TrimPrefix(p, "/status/"))
		w.WriteHeader(code)
	case p == "/redirect":
		w.Header().Set("Location", r.URL.Query().Get("to"))
		w.WriteHeader(http.StatusFound)
	case p == "/loop/a":
		http.Redirect(w, r, "/loop/b", http.StatusFound)
	case p == "/loop/b":
		http.Redirect(w, r, "/loop/a", http.StatusFound)
	case strings.HasPrefix(p, "/chain/"):
		n, _ := strconv.Atoi(strings.TrimPrefix(p, "/chain/"))
		if n <= 0 {
			http.Redirect(w, r, "/img.jpg", http.StatusFound)
			return
		}
		http.Redirect(w, r, fmt.Sprintf("/chain/%d", n-1), http.StatusFound)
	default:
		http.NotFound(w, r)
	}
}

// count returns the number of requests seen for path.
func (o *proxyOrigin) count(path string) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.counts[path]
}

// total returns the number of requests seen.
func (o *proxyOrigin) total() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	n := 0
	for _, c := range o.counts {
		n += c
	}
	return n
}

// lastRequest returns the last request seen.
func (o *proxyOrigin) lastRequest(t *testing.T) *http.Request {
	t.Helper()
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.last == nil {
		t.Fatal("the origin saw no request")
	}
	return o.last
}

// expand replaces PORT in s with the origin's port.
func (o *proxyOrigin) expand(s string) string {
	return strings.ReplaceAll(s, "PORT", o.port)
}

// loopbackResolver returns a resolver that answers 127.0.0.1 for every name
// (and has no IPv6 address for any), with a DNS server in memory.
func loopbackResolver() *net.Resolver {
	return &net.Resolver{
		PreferGo: true,
		Dial: func(ctx context.Context, network, address string) (net.Conn, error) {
			client, server := net.Pipe()
			go serveDNS(server)
			return client, nil
		},
	}
}

// serveDNS answers DNS queries framed as over TCP (a net.Pipe is not a
// PacketConn) until c fails.
func serveDNS(c net.Conn) {
	defer c.Close()
	for {
		var n [2]byte
		if _, err := io.ReadFull(c, n[:]); err != nil {
			return
		}
		q := make([]byte, binary.BigEndian.Uint16(n[:]))
		if _, err := io.ReadFull(c, q); err != nil {
			return
		}
		resp := dnsAnswer(q)
		if resp == nil {
			return
		}
		if _, err := c.Write(append(binary.BigEndian.AppendUint16(nil, uint16(len(resp))), resp...)); err != nil {
			return
		}
	}
}

// dnsAnswer returns the response to the DNS query q: 127.0.0.1 for an A
// question, no records for any other. It returns nil if q is malformed.
func dnsAnswer(q []byte) []byte {
	if len(q) < 12 {
		return nil
	}
	end := 12
	for end < len(q) && q[end] != 0 {
		end += int(q[end]) + 1
	}
	end += 5 // the root label, the type and the class
	if end > len(q) {
		return nil
	}
	qtype := binary.BigEndian.Uint16(q[end-4:])
	r := append([]byte(nil), q[:2]...)    // ID
	r = append(r, 0x84|q[2]&0x01, 0x80)   // response, authoritative, RD as asked; RA
	r = append(r, 0, 1, 0, 0, 0, 0, 0, 0) // one question; answers set below
	r = append(r, q[12:end]...)
	if qtype == 1 {
		r[7] = 1
		// The name by pointer to the question, A, IN, TTL 60, 127.0.0.1.
		r = append(r, 0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 127, 0, 0, 1)
	}
	return r
}

// testNet is the network of the tests: its dialer resolves names with
// loopbackResolver and refuses, in its Control, any address that is not
// loopback.
type testNet struct {
	dials   atomic.Int64 // connections its Control was asked about
	outside atomic.Int64 // of which not to loopback
}

// newTestNet returns a testNet and fails the test at its end if anything
// tried to connect outside loopback.
func newTestNet(t *testing.T) *testNet {
	n := &testNet{}
	t.Cleanup(func() {
		if c := n.outside.Load(); c != 0 {
			t.Errorf("%d connections to non-loopback addresses were attempted", c)
		}
	})
	return n
}

func (n *testNet) dialer() *net.Dialer {
	return &net.Dialer{
		Timeout:  5 * time.Second,
		Resolver: loopbackResolver(),
		Control: func(network, address string, c syscall.RawConn) error {
			n.dials.Add(1)
			ap, err := netip.ParseAddrPort(address)
			if err != nil || !ap.Addr().Unmap().IsLoopback() {
				n.outside.Add(1)
				return fmt.Errorf("test network: %s is not a loopback address", address)
			}
			return nil
		},
	}
}

// newTestProxy returns a WebProxy configured by opts on the test network
// (opts.Dialer is replaced), whose idle connections are closed at the end of
// the test.
func newTestProxy(t *testing.T, n *testNet, opts WebProxyOptions) *WebProxy {
	t.Helper()
	opts.Dialer = n.dialer()
	p, err := NewWebProxy(&opts)
	if err != nil {
		t.Fatalf("NewWebProxy: %v", err)
	}
	t.Cleanup(p.CloseIdleConnections)
	return p
}

// readBody reads and closes obj's body.
func readBody(t *testing.T, obj *Object) string {
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

// checkRefused checks that err is a refusal wrapping want, and also
// ErrForbiddenAddress if forbidden.
func checkRefused(t *testing.T, key string, obj *Object, err, want error, forbidden bool) {
	t.Helper()
	if err == nil {
		obj.Body.Close()
		t.Errorf("Open(%q) succeeded, want an error wrapping %v", key, want)
		return
	}
	if obj != nil {
		t.Errorf("Open(%q) returned an object with its error", key)
	}
	if !errors.Is(err, want) {
		t.Errorf("Open(%q): %v, want an error wrapping %v", key, err, want)
	}
	if got := errors.Is(err, ErrForbiddenAddress); got != forbidden {
		t.Errorf("Open(%q): %v: wraps ErrForbiddenAddress: %v, want %v", key, err, got, forbidden)
	}
}

// TestWebProxySSRF opens every form of a URL that reaches the loopback
// origin, or is otherwise not allowed, with the default options: each is
// refused, and the origin sees no request.
func TestWebProxySSRF(t *testing.T) {
	o := newProxyOrigin(t)
	n := newTestNet(t)
	p := newTestProxy(t, n, WebProxyOptions{})

	tests := []struct {
		key       string
		want      error
		forbidden bool   // the error also wraps ErrForbiddenAddress
		msg       string // in the error
	}{
		{"http://127.0.0.1:PORT/img.jpg", ErrNotFound, true, "loopback"},
		{"http://127.0.0.1.:PORT/img.jpg", ErrNotFound, true, "loopback"},
		{"https://127.0.0.1:PORT/img.jpg", ErrNotFound, true, "loopback"},
		{"http:/127.0.0.1:PORT/img.jpg", ErrNotFound, true, "loopback"},
		{"http://localhost:PORT/img.jpg", ErrNotFound, true, "loopback"},
		{"http://LocalHost.:PORT/img.jpg", ErrNotFound, true, "loopback"},
		{"http://img.localhost:PORT/img.jpg", ErrNotFound, true, "loopback"},
		{"http://127.1:PORT/img.jpg", ErrNotFound, true, "dotted-decimal"},
		{"http://127.0.1:PORT/img.jpg", ErrNotFound, true, "dotted-decimal"},
		{"http://2130706433:PORT/img.jpg", ErrNotFound, true, "dotted-decimal"},
		{"http://0x7f000001:PORT/img.jpg", ErrNotFound, true, "dotted-decimal"},
		{"http://0X7F000001:PORT/img.jpg", ErrNotFound, true, "dotted-decimal"},
		{"http://017700000001:PORT/img.jpg", ErrNotFound, true, "dotted-decimal"},
		{"http://0177.0.0.1:PORT/img.jpg", ErrNotFound, true, "dotted-decimal"},
		{"http://0x7f.1:PORT/img.jpg", ErrNotFound, true, "dotted-decimal"},
		{"http://127.000.000.001:PORT/img.jpg", ErrNotFound, true, "dotted-decimal"},
		{"http://0:PORT/img.jpg", ErrNotFound, true, "dotted-decimal"},
		{"http://[::ffff:127.0.0.1]:PORT/img.jpg", ErrNotFound, true, "IPv4-mapped"},
		{"http://[::ffff:7f00:1]:PORT/img.jpg", ErrNotFound, true, "IPv4-mapped"},
		{"http://[::127.0.0.1]:PORT/img.jpg", ErrNotFound, true, "IPv4-compatible"},
		{"http://[64:ff9b::127.0.0.1]:PORT/img.jpg", ErrNotFound, true, "NAT64"},
		{"http://[2002:7f00:1::1]:PORT/img.jpg", ErrNotFound, true, "6to4"},
		{"http://[2001::1]:PORT/img.jpg", ErrNotFound, true, "Teredo"},
		{"http://[::1]:PORT/img.jpg", ErrNotFound, true, "loopback"},
		{"http://0.0.0.0:PORT/img.jpg", ErrNotFound, true, "unspecified"},
		{"http://[::]:PORT/img.jpg", ErrNotFound, true, "unspecified"},
		{"http://169.254.169.254/latest/meta-data/", ErrNotFound, true, "link-local"},
		{"http://10.0.0.1/img.jpg", ErrNotFound, true, "private"},
		{"http://100.64.0.1/img.jpg", ErrNotFound, true, "CGNAT"},
		{"http://255.255.255.255/img.jpg", ErrNotFound, true, "broadcast"},
		{"http://[fe80::1%25eth0]:PORT/img.jpg", ErrNotFound, false, "zone"},
		// Names that resolve to loopback are refused by the dialer.
		{"http://origin.test:PORT/img.jpg", ErrNotFound, true, "loopback"},
		{"http://rebind.example.com:PORT/img.jpg", ErrNotFound, true, "loopback"},
		// Other refusals.
		{"http://a:b@127.0.0.1:PORT/img.jpg", ErrNotFound, false, "user information"},
		{"http://a@origin.test:PORT/img.jpg", ErrNotFound, false, "user information"},
		{"ftp://127.0.0.1:PORT/img.jpg", ErrNotFound, false, "scheme"},
		{"file:///etc/passwd", ErrNotFound, false, "scheme"},
		{"gopher://127.0.0.1:PORT/img.jpg", ErrNotFound, false, "scheme"},
		{"http:///img.jpg", ErrNotFound, false, "no host"},
		{"http://exämple.com:PORT/img.jpg", ErrNotFound, false, "ASCII"},
		{"http://origin.test:0/img.jpg", ErrNotFound, false, "port"},
		{"http://1.2.3.4.5:PORT/img.jpg", ErrNotFound, false, "number"},
		{"http://bad_-.test:PORT/img.jpg", ErrNotFound, false, "hyphen"},
		{"http://%31%32%37.0.0.1:PORT/img.jpg", ErrInvalidKey, false, "URL"},
		{"http://127.0.0.1:PORT\\@example.com/img.jpg", ErrInvalidKey, false, "backslash"},
		{"http://127.0.0.1:PORT/img.jpg\n", ErrInvalidKey, false, "control"},
		{"127.0.0.1:PORT/img.jpg", ErrInvalidKey, false, "URL"},
		{"//127.0.0.1:PORT/img.jpg", ErrInvalidKey, false, "absolute"},
		{"http:127.0.0.1/img.jpg", ErrInvalidKey, false, "absolute"},
		{"", ErrInvalidKey, false, "empty"},
		{"http://origin.test/" + strings.Repeat("a", MaxURLLen), ErrInvalidKey, false, "longer"},
		{"http://origin.test/\xff.jpg", ErrInvalidKey, false, "UTF-8"},
	}
	for _, tt := range tests {
		key := o.expand(tt.key)
		obj, err := p.Open(context.Background(), key)
		checkRefused(t, key, obj, err, tt.want, tt.forbidden)
		if err != nil && !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("Open(%q): %q, want it to say %q", key, err, tt.msg)
		}
	}
	if got := o.total(); got != 0 {
		t.Errorf("the loopback origin saw %d requests, want 0", got)
	}
	if got := n.dials.Load(); got != 0 {
		t.Errorf("%d connections passed the guard, want 0", got)
	}
}

// TestWebProxyAllowHosts checks the allow-list, with the guard off so that
// the names, all resolved to the loopback origin, can be reached.
func TestWebProxyAllowHosts(t *testing.T) {
	o := newProxyOrigin(t)
	p := newTestProxy(t, newTestNet(t), WebProxyOptions{
		AllowPrivate: true,
		AllowHosts:   []string{"Origin.Test.", "*.example.com", "127.0.0.1", "[::1]"},
	})
	tests := []struct {
		host    string
		allowed bool
	}{
		{"origin.test", true},
		{"ORIGIN.test", true},
		{"origin.test.", true},
		{"a.origin.test", false},
		{"img.example.com", true},
		{"a.b.example.com", true},
		{"IMG.Example.COM.", true},
		{"example.com", false},
		{"evilexample.com", false},
		{"example.com.evil.test", false},
		{"xexample.com", false},
		{"127.0.0.1", true},
		{"127.0.0.2", false},
		{"[::1]", true},
		{"[0:0::1]", true},
		{"localhost", false},
	}
	for _, tt := range tests {
		key := o.expand("http://" + tt.host + ":PORT/img.jpg")
		before := o.count("/img.jpg")
		obj, err := p.Open(context.Background(), key)
		if !tt.allowed {
			checkRefused(t, key, obj, err, ErrNotFound, false)
			if err != nil && !strings.Contains(err.Error(), "allow-list") {
				t.Errorf("Open(%q): %q, want it to name the allow-list", key, err)
			}
			if o.count("/img.jpg") != before {
				t.Errorf("Open(%q) reached the origin", key)
			}
			continue
		}
		if err != nil {
			if strings.Contains(tt.host, "::1") && errors.Is(err, ErrUnavailable) && !errors.Is(err, ErrNotFound) {
				// The origin listens on 127.0.0.1 only, so [::1] passes the
				// allow-list and then finds no server.
				continue
			}
			t.Errorf("Open(%q): %v", key, err)
			continue
		}
		if body := readBody(t, obj); body != "IMAGE" {
			t.Errorf("Open(%q): body %q, want %q", key, body, "IMAGE")
		}
	}
}

func TestWebProxyOpen(t *testing.T) {
	o := newProxyOrigin(t)
	p := newTestProxy(t, newTestNet(t), WebProxyOptions{
		AllowPrivate: true,
		Header:       http.Header{"X-Token": {"t1"}},
	})
	tests := []struct {
		key        string
		requestURI string // as the origin saw it
		host       string // the Host header
	}{
		{"http://127.0.0.1:PORT/img.jpg", "/img.jpg", "127.0.0.1:PORT"},
		{"http:/127.0.0.1:PORT/img.jpg", "/img.jpg", "127.0.0.1:PORT"},
		{"HTTP://127.0.0.1:PORT/img.jpg", "/img.jpg", "127.0.0.1:PORT"},
		{"http://127.0.0.1:PORT/img.jpg?v=2&w=3", "/img.jpg?v=2&w=3", "127.0.0.1:PORT"},
		{"http://127.0.0.1:PORT/img.jpg#top", "/img.jpg", "127.0.0.1:PORT"},
		{"http://127.0.0.1:PORT/my img.jpg", "/my%20img.jpg", "127.0.0.1:PORT"},
		{"http://127.0.0.1:PORT/café.jpg", "/caf%C3%A9.jpg", "127.0.0.1:PORT"},
		{"http://127.0.0.1:PORT/caf%C3%A9.jpg", "/caf%C3%A9.jpg", "127.0.0.1:PORT"},
		{"http://origin.test:PORT/img.jpg", "/img.jpg", "origin.test:PORT"},
		{"http://localhost:PORT/img.jpg", "/img.jpg", "localhost:PORT"},
	}
	for _, tt := range tests {
		key := o.expand(tt.key)
		obj, err := p.Open(context.Background(), key)
		if err != nil {
			t.Errorf("Open(%q): %v", key, err)
			continue
		}
		if obj.ContentType != "image/jpeg" || obj.Size != 5 {
			t.Errorf("Open(%q): content type %q, size %d; want image/jpeg, 5", key, obj.ContentType, obj.Size)
		}
		if body := readBody(t, obj); body != "IMAGE" {
			t.Errorf("Open(%q): body %q, want %q", key, body, "IMAGE")
		}
		r := o.lastRequest(t)
		if r.RequestURI != tt.requestURI {
			t.Errorf("Open(%q): the origin was asked for %q, want %q", key, r.RequestURI, tt.requestURI)
		}
		if want := o.expand(tt.host); r.Host != want {
			t.Errorf("Open(%q): Host %q, want %q", key, r.Host, want)
		}
		if ua := r.Header.Get("User-Agent"); ua != version.UserAgent {
			t.Errorf("Open(%q): User-Agent %q, want %q", key, ua, version.UserAgent)
		}
		if ae := r.Header.Get("Accept-Encoding"); ae != "identity" {
			t.Errorf("Open(%q): Accept-Encoding %q, want identity", key, ae)
		}
		if tok := r.Header.Get("X-Token"); tok != "t1" {
			t.Errorf("Open(%q): X-Token %q, want t1", key, tok)
		}
	}
}

func TestWebProxyStatus(t *testing.T) {
	o := newProxyOrigin(t)
	p := newTestProxy(t, newTestNet(t), WebProxyOptions{AllowPrivate: true})
	tests := []struct {
		code int
		want error
	}{
		{404, ErrNotFound},
		{410, ErrNotFound},
		{401, ErrPermission},
		{403, ErrPermission},
		{408, ErrTimeout},
		{504, ErrTimeout},
		{500, ErrUnavailable},
		{502, ErrUnavailable},
		{206, ErrUnavailable},
	}
	for _, tt := range tests {
		key := o.expand(fmt.Sprintf("http://127.0.0.1:PORT/status/%d", tt.code))
		obj, err := p.Open(context.Background(), key)
		checkRefused(t, key, obj, err, tt.want, false)
		if err != nil && !strings.Contains(err.Error(), strconv.Itoa(tt.code)) {
			t.Errorf("Open(%q): %q, want it to name the status", key, err)
		}
	}
}

func TestWebProxyOpenIfChanged(t *testing.T) {
	o := newProxyOrigin(t)
	p := newTestProxy(t, newTestNet(t), WebProxyOptions{AllowPrivate: true})
	key := o.expand("http://127.0.0.1:PORT/etag.jpg")
	obj, err := p.OpenIfChanged(context.Background(), key, `"v1"`, time.Time{})
	if obj != nil || !errors.Is(err, ErrNotModified) {
		t.Errorf("OpenIfChanged with the current ETag = %v, %v; want nil, ErrNotModified", obj, err)
	}
	obj, err = p.OpenIfChanged(context.Background(), key, `"v0"`, time.Time{})
	if err != nil {
		t.Fatalf("OpenIfChanged with an old ETag: %v", err)
	}
	if obj.ETag != `"v1"` {
		t.Errorf("ETag %q, want %q", obj.ETag, `"v1"`)
	}
	readBody(t, obj)
	// A refused URL is refused before the conditional request.
	obj, err = p.OpenIfChanged(context.Background(), "gopher://127.0.0.1/", `"v1"`, time.Time{})
	checkRefused(t, "gopher://127.0.0.1/", obj, err, ErrNotFound, false)
}

func TestWebProxyRedirects(t *testing.T) {
	tests := []struct {
		name  string
		start string // path and query on origin.test
		want  error  // nil: /img.jpg is served
		msg   string // in the error
	}{
		{"same host", "/redirect?to=http://origin.test:PORT/img.jpg", nil, ""},
		{"relative", "/redirect?to=/img.jpg", nil, ""},
		{"allowed wildcard", "/redirect?to=http://a.example.com:PORT/img.jpg", nil, ""},
		{"five hops", "/chain/4", nil, ""},
		{"bare wildcard domain", "/redirect?to=http://example.com:PORT/img.jpg", ErrNotFound, "allow-list"},
		{"dot boundary", "/redirect?to=http://evilexample.com:PORT/img.jpg", ErrNotFound, "allow-list"},
		{"other host", "/redirect?to=http://evil.test:PORT/img.jpg", ErrNotFound, "allow-list"},
		{"loopback literal", "/redirect?to=http://127.0.0.1:PORT/img.jpg", ErrNotFound, "allow-list"},
		{"file", "/redirect?to=file:///etc/passwd", ErrNotFound, "scheme"},
		{"gopher", "/redirect?to=gopher://origin.test:PORT/img.jpg", ErrNotFound, "scheme"},
		{"ftp", "/redirect?to=ftp://origin.test:PORT/img.jpg", ErrNotFound, "scheme"},
		{"userinfo", "/redirect?to=http://u:p@origin.test:PORT/img.jpg", ErrNotFound, "user information"},
		{"odd IPv4 form", "/redirect?to=http://0x7f000001:PORT/img.jpg", ErrNotFound, "dotted-decimal"},
		{"loop", "/loop/a", ErrUnavailable, "loop"},
		{"six hops", "/chain/5", ErrUnavailable, "more than 5 redirects"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := newProxyOrigin(t)
			p := newTestProxy(t, newTestNet(t), WebProxyOptions{
				AllowPrivate: true,
				AllowHosts:   []string{"origin.test", "*.example.com"},
			})
			key := o.expand("http://origin.test:PORT" + redirectQuery(tt.start))
			obj, err := p.Open(context.Background(), key)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Open(%q): %v", key, err)
				}
				if body := readBody(t, obj); body != "IMAGE" {
					t.Errorf("body %q, want %q", body, "IMAGE")
				}
				return
			}
			// The guard is off: no refusal is the guard's.
			checkRefused(t, key, obj, err, tt.want, false)
			if err != nil && !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("Open(%q): %q, want it to say %q", key, err, tt.msg)
			}
			if errors.Is(err, ErrUnavailable) && errors.Is(err, ErrNotFound) {
				t.Errorf("Open(%q): %v wraps both ErrUnavailable and ErrNotFound", key, err)
			}
			if n := o.count("/img.jpg"); n != 0 {
				t.Errorf("the refused target was requested %d times", n)
			}
		})
	}
}

// redirectQuery escapes the value of a "to" parameter in pathQuery.
func redirectQuery(pathQuery string) string {
	path, to, ok := strings.Cut(pathQuery, "?to=")
	if !ok {
		return pathQuery
	}
	return path + "?to=" + url.QueryEscape(to)
}

// TestWebProxyRedirectToPrivate checks that the URL of each redirect goes
// through the guard. The WebProxy is built with the guard off, so that its
// dialer lets the loopback origin through, and then has the guard of its
// URL checks turned back on: the first request, to a name, is made, and a
// redirect to an address that is not public must be refused by the checks.
func TestWebProxyRedirectToPrivate(t *testing.T) {
	targets := []string{
		"http://127.0.0.1:PORT/img.jpg",
		"http://[::1]:PORT/img.jpg",
		"http://localhost:PORT/img.jpg",
		"http://127.1:PORT/img.jpg",
		"http://2130706433:PORT/img.jpg",
		"http://0x7f000001:PORT/img.jpg",
		"http://017700000001:PORT/img.jpg",
		"http://[::ffff:127.0.0.1]:PORT/img.jpg",
		"http://0.0.0.0:PORT/img.jpg",
		"http://169.254.169.254/latest/meta-data/",
		"http://192.168.0.1/img.jpg",
	}
	for _, target := range targets {
		o := newProxyOrigin(t)
		p := newTestProxy(t, newTestNet(t), WebProxyOptions{AllowPrivate: true})
		p.guard = Guard{}
		key := o.expand("http://origin.test:PORT" + redirectQuery("/redirect?to="+target))
		obj, err := p.Open(context.Background(), key)
		checkRefused(t, key, obj, err, ErrNotFound, true)
		if n := o.count("/redirect"); n != 1 {
			t.Errorf("Open(%q): the redirect was requested %d times, want 1", key, n)
		}
		if n := o.count("/img.jpg"); n != 0 {
			t.Errorf("Open(%q): the private target was requested %d times, want 0", key, n)
		}
	}
}

func TestWebProxyNoRedirects(t *testing.T) {
	o := newProxyOrigin(t)
	p := newTestProxy(t, newTestNet(t), WebProxyOptions{AllowPrivate: true, MaxRedirects: -1})
	key := o.expand("http://127.0.0.1:PORT/redirect?to=/img.jpg")
	obj, err := p.Open(context.Background(), key)
	checkRefused(t, key, obj, err, ErrUnavailable, false)
	if n := o.count("/img.jpg"); n != 0 {
		t.Errorf("the redirect was followed")
	}
}

// The guard runs before the Control of a Dialer given in the options, and
// the Dialer itself is not modified.
func TestWebProxyDialerOption(t *testing.T) {
	o := newProxyOrigin(t)
	var calls atomic.Int64
	control := func(network, address string, c syscall.RawConn) error {
		calls.Add(1)
		if ap, err := netip.ParseAddrPort(address); err != nil || !ap.Addr().Unmap().IsLoopback() {
			return fmt.Errorf("test network: %s is not a loopback address", address)
		}
		return nil
	}
	d := &net.Dialer{Resolver: loopbackResolver(), Control: control}
	key := o.expand("http://origin.test:PORT/img.jpg")

	guarded, err := NewWebProxy(&WebProxyOptions{Dialer: d})
	if err != nil {
		t.Fatal(err)
	}
	defer guarded.CloseIdleConnections()
	obj, err := guarded.Open(context.Background(), key)
	checkRefused(t, key, obj, err, ErrNotFound, true)
	if n := calls.Load(); n != 0 {
		t.Errorf("the Dialer's Control ran %d times for a refused address, want 0", n)
	}

	open, err := NewWebProxy(&WebProxyOptions{Dialer: d, AllowPrivate: true})
	if err != nil {
		t.Fatal(err)
	}
	defer open.CloseIdleConnections()
	obj, err = open.Open(context.Background(), key)
	if err != nil {
		t.Fatalf("Open(%q) with AllowPrivate: %v", key, err)
	}
	readBody(t, obj)
	if calls.Load() == 0 {
		t.Error("the Dialer's Control did not run")
	}
	if d.ControlContext != nil || d.Control == nil {
		t.Error("NewWebProxy modified the Dialer it was given")
	}
}

func TestNewWebProxy(t *testing.T) {
	valid := []WebProxyOptions{
		{},
		{AllowHosts: []string{"example.com", "Example.COM.", "*.example.com", "img-1.cdn_x.example", "203.0.113.5", "2001:db8::1", "[2001:db8::2]"}},
		{Timeout: time.Second, MaxRedirects: -1, Header: http.Header{"Accept": {"image/webp"}, "x-api-key": {"k"}}},
	}
	for _, opts := range valid {
		p, err := NewWebProxy(&opts)
		if err != nil {
			t.Errorf("NewWebProxy(%+v): %v", opts, err)
			continue
		}
		p.CloseIdleConnections()
	}
	if _, err := NewWebProxy(nil); err != nil {
		t.Errorf("NewWebProxy(nil): %v", err)
	}

	invalid := []struct {
		opts WebProxyOptions
		msg  string
	}{
		{WebProxyOptions{AllowHosts: []string{"*"}}, `"*"`},
		{WebProxyOptions{AllowHosts: []string{"*."}}, `"*."`},
		{WebProxyOptions{AllowHosts: []string{"*.*.example.com"}}, "wildcard"},
		{WebProxyOptions{AllowHosts: []string{"img.*.example.com"}}, "img.*.example.com"},
		{WebProxyOptions{AllowHosts: []string{"exämple.com"}}, "exämple.com"},
		{WebProxyOptions{AllowHosts: []string{"example.com:443"}}, "example.com:443"},
		{WebProxyOptions{AllowHosts: []string{"127.1"}}, "127.1"},
		{WebProxyOptions{AllowHosts: []string{""}}, `""`},
		{WebProxyOptions{AllowHosts: []string{"fe80::1%eth0"}}, "zone"},
		{WebProxyOptions{Timeout: -time.Second}, "Timeout"},
		{WebProxyOptions{Header: http.Header{"User-Agent": {"x"}}}, "User-Agent"},
		{WebProxyOptions{Header: http.Header{"X-A": {"a\nb"}}}, "control"},
	}
	for _, tt := range invalid {
		p, err := NewWebProxy(&tt.opts)
		if err == nil {
			p.CloseIdleConnections()
			t.Errorf("NewWebProxy(%+v) succeeded, want an error", tt.opts)
			continue
		}
		if !strings.Contains(err.Error(), tt.msg) || !strings.Contains(err.Error(), "web proxy") {
			t.Errorf("NewWebProxy(%+v): %q, want it to say %q", tt.opts, err, tt.msg)
		}
	}
}

// A WebProxy not made by NewWebProxy fails without panicking.
func TestWebProxyZero(t *testing.T) {
	var p *WebProxy
	if _, err := p.Open(context.Background(), "https://example.com/a.jpg"); err == nil {
		t.Error("Open on a nil WebProxy succeeded")
	}
	if _, err := new(WebProxy).Open(context.Background(), "https://example.com/a.jpg"); err == nil {
		t.Error("Open on a zero WebProxy succeeded")
	}
	p.CloseIdleConnections()
}

func TestWebProxyCancelled(t *testing.T) {
	o := newProxyOrigin(t)
	p := newTestProxy(t, newTestNet(t), WebProxyOptions{AllowPrivate: true})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	key := o.expand("http://127.0.0.1:PORT/img.jpg")
	if _, err := p.Open(ctx, key); !errors.Is(err, context.Canceled) {
		t.Errorf("Open with a cancelled context: %v, want context.Canceled", err)
	}
	if n := o.total(); n != 0 {
		t.Errorf("the origin saw %d requests, want 0", n)
	}
}

func TestWebProxyConcurrent(t *testing.T) {
	o := newProxyOrigin(t)
	p := newTestProxy(t, newTestNet(t), WebProxyOptions{AllowPrivate: true})
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			key := o.expand("http://127.0.0.1:PORT/img.jpg")
			if i%2 == 1 {
				key = o.expand("http://origin.test:PORT/redirect?to=/img.jpg")
			}
			obj, err := p.Open(context.Background(), key)
			if err != nil {
				t.Errorf("Open(%q): %v", key, err)
				return
			}
			defer obj.Body.Close()
			if body, err := io.ReadAll(obj.Body); err != nil || string(body) != "IMAGE" {
				t.Errorf("Open(%q): body %q, %v; want %q", key, body, err, "IMAGE")
			}
		})
	}
	wg.Wait()
}

func TestParseLegacyIPv4(t *testing.T) {
	tests := []struct {
		host string
		want string // "" if not an IPv4 address
	}{
		{"127.1", "127.0.0.1"},
		{"127.0.1", "127.0.0.1"},
		{"2130706433", "127.0.0.1"},
		{"0x7f000001", "127.0.0.1"},
		{"017700000001", "127.0.0.1"},
		{"0177.0.0.01", "127.0.0.1"},
		{"0x7f.0x0.0.1", "127.0.0.1"},
		{"0x", "0.0.0.0"},
		{"0", "0.0.0.0"},
		{"4294967295", "255.255.255.255"},
		{"1.2.3.4", "1.2.3.4"},
		{"4294967296", ""},
		{"256.1", ""},
		{"1.2.65536", ""},
		{"1.2.3.256", ""},
		{"08", ""},
		{"0xg", ""},
		{"1.2.3.4.5", ""},
		{"1..2", ""},
		{"", ""},
	}
	for _, tt := range tests {
		ip, ok := parseLegacyIPv4(tt.host)
		got := ""
		if ok {
			got = ip.String()
		}
		if got != tt.want {
			t.Errorf("parseLegacyIPv4(%q) = %q, want %q", tt.host, got, tt.want)
		}
	}
}

func BenchmarkWebProxyCheckURL(b *testing.B) {
	p, err := NewWebProxy(&WebProxyOptions{AllowHosts: []string{"*.example.com", "images.example.org"}})
	if err != nil {
		b.Fatal(err)
	}
	u, err := parseProxyKey("https://img.cdn.example.com/photos/dog.jpg?v=2")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := p.checkURL(u); err != nil {
			b.Fatal(err)
		}
	}
}

// A handler serving originals from the web: the key is the request's path
// without its leading slash, so "/https://images.example.com/dog.jpg" (or
// "/https%3A%2F%2Fimages.example.com%2Fdog.jpg") fetches
// https://images.example.com/dog.jpg.
func ExampleWebProxy() {
	proxy, err := NewWebProxy(&WebProxyOptions{
		AllowHosts: []string{"images.example.com", "*.cdn.example.com"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		obj, err := proxy.Open(r.Context(), strings.TrimPrefix(r.URL.Path, "/"))
		switch {
		case errors.Is(err, ErrInvalidKey):
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		case errors.Is(err, ErrNotFound):
			http.Error(w, "not found", http.StatusNotFound)
			return
		case err != nil:
			http.Error(w, "bad gateway", http.StatusBadGateway)
			return
		}
		defer obj.Body.Close()
		w.Header().Set("Content-Type", obj.ContentType)
		io.Copy(w, io.LimitReader(obj.Body, 32<<20))
	})
	_ = mux // served with http.ListenAndServe(addr, mux)
}

// The request line holds a properly escaped URI whatever the key holds:
// spaces and UTF-8 in the path and query are percent-encoded, so a key
// cannot add text such as " HTTP/1.0" to the request line.
func TestWebProxyRequestURIEscaped(t *testing.T) {
	var mu sync.Mutex
	var uris []string
	var queries []url.Values
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		uris = append(uris, r.RequestURI)
		queries = append(queries, r.URL.Query())
		mu.Unlock()
		w.Write([]byte("ok"))
	}))
	defer srv.Close()
	p, err := NewWebProxy(&WebProxyOptions{AllowPrivate: true})
	if err != nil {
		t.Fatal(err)
	}
	defer p.CloseIdleConnections()
	tests := []struct {
		key, uri string
		query    url.Values
	}{
		{srv.URL + "/x?a=1 HTTP/1.0", "/x?a=1%20HTTP/1.0", url.Values{"a": {"1 HTTP/1.0"}}},
		{srv.URL + "/caf\u00e9 1.jpg?q=\u00fc&r=a%20b", "/caf%C3%A9%201.jpg?q=%C3%BC&r=a%20b", url.Values{"q": {"\u00fc"}, "r": {"a b"}}},
		{srv.URL + "/y?p=100%&s=\"<>\"", "/y?p=100%25&s=%22%3C%3E%22", url.Values{"p": {"100%"}, "s": {`"<>"`}}},
		{srv.URL + "/z?k=v/w:x@y", "/z?k=v/w:x@y", url.Values{"k": {"v/w:x@y"}}},
	}
	for _, tt := range tests {
		mu.Lock()
		uris, queries = nil, nil
		mu.Unlock()
		obj, err := p.Open(context.Background(), tt.key)
		if err != nil {
			t.Errorf("Open(%q): %v", tt.key, err)
			continue
		}
		obj.Body.Close()
		mu.Lock()
		n := len(uris)
		var got string
		var q url.Values
		if n == 1 {
			got, q = uris[0], queries[0]
		}
		mu.Unlock()
		if n != 1 {
			t.Errorf("Open(%q): the origin saw %d requests, want 1", tt.key, n)
			continue
		}
		if got != tt.uri {
			t.Errorf("Open(%q): request URI %q, want %q", tt.key, got, tt.uri)
		}
		if !reflect.DeepEqual(q, tt.query) {
			t.Errorf("Open(%q): the origin read the query %v, want %v", tt.key, q, tt.query)
		}
	}
}
