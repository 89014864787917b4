package integration_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/jpeg"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/rendition-go/rendition"
	"github.com/rendition-go/rendition/source"
)

// varnishVCL puts Varnish in front of the origin at port: Accept is
// normalised to the one distinction the origin makes (WebP or not), so
// Varnish keeps one entry per format rather than one per browser, and BAN
// requests from loopback invalidate the URLs a purge names.
const varnishVCL = `vcl 4.1;

backend default { .host = "127.0.0.1"; .port = "%d"; }

acl purgers { "127.0.0.1"; }

sub vcl_recv {
	if (req.method == "BAN") {
		if (client.ip !~ purgers) { return (synth(405)); }
		ban("req.url ~ " + req.http.X-Ban-Url);
		return (synth(200, "Banned"));
	}
	if (req.http.Accept ~ "image/webp") {
		set req.http.Accept = "image/webp";
	} else {
		unset req.http.Accept;
	}
	return (hash);
}
`

// TestVarnishInFront runs Debian's Varnish in front of a Rendition handler:
// browsers with different Accept headers share the entry of their format,
// and Purge reaches Varnish through the OnPurge hook.
func TestVarnishInFront(t *testing.T) {
	varnishd := os.Getenv("RENDITION_VARNISHD")
	if varnishd == "" {
		var err error
		if varnishd, err = exec.LookPath("varnishd"); err != nil {
			t.Skip("varnishd is not installed: apt-get install varnish (or source .ci/services.sh)")
		}
	}
	var photo bytes.Buffer
	jpeg.Encode(&photo, image.NewGray(image.Rect(0, 0, 320, 240)), nil)

	varnishAddr := freeAddr(t)
	var origin atomic.Int32
	h, err := rendition.New(source.NewFS(fstest.MapFS{"photo.jpg": {Data: photo.Bytes()}}), &rendition.Options{
		OnPurge: func(ctx context.Context, key string) error {
			req, err := http.NewRequestWithContext(ctx, "BAN", "http://"+varnishAddr+"/", nil)
			if err != nil {
				return err
			}
			req.Header.Set("X-Ban-Url", "^/"+regexp.QuoteMeta(key)+`(\?|$)`)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				return err
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				return fmt.Errorf("varnish BAN: %s", resp.Status)
			}
			return nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin.Add(1)
		h.ServeHTTP(w, r)
	}))
	defer srv.Close()
	startVarnish(t, varnishd, varnishAddr, srv.Listener.Addr().(*net.TCPAddr).Port)

	get := func(accept string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, "http://"+varnishAddr+"/photo.jpg?w=100&auto=format", nil)
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	browsers := []struct {
		name, accept, format string
	}{
		{"chromium", "image/jxl,image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8", "image/webp"},
		{"firefox", "image/avif,image/webp,image/png,image/svg+xml,image/*;q=0.8,*/*;q=0.5", "image/webp"},
		{"safari", "image/webp,image/avif,image/jxl,image/heic,image/heic-sequence,video/*;q=0.8,image/png,image/svg+xml,image/*;q=0.8,*/*;q=0.5", "image/webp"},
		{"curl", "*/*", "image/jpeg"},
		{"old", "image/png,image/*;q=0.8,*/*;q=0.5", "image/jpeg"},
		{"none", "", "image/jpeg"},
	}
	for _, b := range browsers {
		if resp := get(b.accept); resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != b.format {
			t.Errorf("%s: %d %s, want %s", b.name, resp.StatusCode, resp.Header.Get("Content-Type"), b.format)
		}
	}
	if n := origin.Load(); n != 2 {
		t.Errorf("six browsers made %d requests to the origin through Varnish, want 2 (one per format)", n)
	}

	if err := h.Purge(context.Background(), "photo.jpg"); err != nil {
		t.Fatal(err)
	}
	get(browsers[0].accept)
	if n := origin.Load(); n != 3 {
		t.Errorf("after a purge Varnish still served its copy: %d origin requests, want 3", n)
	}
}

// freeAddr returns a loopback address with a port that was free a moment
// ago.
func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startVarnish runs varnishd in the foreground on addr with the test's VCL
// until the test ends.
func startVarnish(t *testing.T, varnishd, addr string, backendPort int) {
	dir, err := os.MkdirTemp("", "rendition-varnish-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	// varnishd may drop privileges to its own user: let it read the VCL.
	os.Chmod(dir, 0o755)
	vcl := filepath.Join(dir, "test.vcl")
	if err := os.WriteFile(vcl, []byte(fmt.Sprintf(varnishVCL, backendPort)), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, varnishd, "-F", "-n", filepath.Join(dir, "work"), "-a", addr,
		"-f", vcl, "-s", "malloc,32m", "-p", "default_ttl=60")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		cmd.Wait()
	})
	deadline := time.Now().Add(30 * time.Second)
	for {
		conn, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			conn.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("varnishd did not start: %s", strings.TrimSpace(out.String()))
		}
		time.Sleep(100 * time.Millisecond)
	}
}
