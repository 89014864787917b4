package main

import (
	"bufio"
	"context"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rendition-go/rendition/signing"
	"github.com/rendition-go/rendition/transform"
)

// startServer runs the server on a free loopback port and returns its base
// URL; the server is stopped, and must exit cleanly, when the test ends.
func startServer(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	base, done := startServerCtx(t, ctx, args...)
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("server exited with %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Error("server did not shut down")
		}
	})
	return base
}

// startServerCtx runs the server until ctx is done; run's result arrives on
// the returned channel.
func startServerCtx(t *testing.T, ctx context.Context, args ...string) (string, <-chan error) {
	t.Helper()
	out, w := io.Pipe()
	done := make(chan error, 1)
	go func() {
		// These tests are not about admission: under the race detector on
		// a busy machine a render can take seconds, so no request here is
		// refused for waiting.
		done <- run(ctx, append([]string{"-addr", "127.0.0.1:0", "-queue-deadline", "5m"}, args...), w, io.Discard)
		w.Close()
	}()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("no ready line: %v (run: %v)", err, <-done)
	}
	go io.Copy(io.Discard, out)
	base, ok := strings.CutPrefix(strings.TrimSpace(line), "listening on ")
	if !ok {
		t.Fatalf("ready line %q", line)
	}
	return base, done
}

func fetch(t *testing.T, url string) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

// TestDemoPage loads the demo page and every picture and link on it, as a
// browser would, and checks that each picture is a decodable image and each
// documented error has its documented status.
func TestDemoPage(t *testing.T) {
	checkDemoPage(t, startServer(t))
}

// TestSignedDemoPage runs the server with signing: the page's signed URLs
// all work, and an unsigned one is refused.
func TestSignedDemoPage(t *testing.T) {
	for _, scheme := range []string{"hmac", "imgix", "imagekit"} {
		t.Run(scheme, func(t *testing.T) {
			base := startServer(t, "-sign-key", "new-secret,old-secret", "-sign-scheme", scheme)
			if resp, _ := fetch(t, base+"/sunset.jpg?w=100"); resp.StatusCode != http.StatusForbidden || resp.Header.Get("X-Rendition-Error") != "ESIGNATURE" {
				t.Errorf("unsigned: %d %q", resp.StatusCode, resp.Header.Get("X-Rendition-Error"))
			}
			if scheme == "hmac" {
				checkDemoPage(t, base)
			}
		})
	}
}

// TestPersistentCache runs two servers one after the other on the same
// -cache folder: the second serves the first one's derivative as a hit.
func TestPersistentCache(t *testing.T) {
	dir := t.TempDir()
	for i, want := range []string{"MISS", "HIT"} {
		func() {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			base, done := startServerCtx(t, ctx, "-cache", "file://"+dir)
			resp, _ := fetch(t, base+"/dice-alpha.png?w=64")
			if resp.StatusCode != http.StatusOK || resp.Header.Get("X-Cache") != want {
				t.Errorf("server %d: %d, X-Cache %q, want %s", i+1, resp.StatusCode, resp.Header.Get("X-Cache"), want)
			}
			cancel()
			if err := <-done; err != nil {
				t.Errorf("server %d: %v", i+1, err)
			}
		}()
	}
}

func checkDemoPage(t *testing.T, base string) {
	t.Helper()
	resp, page := fetch(t, base+"/")
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("demo page: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	imgs := regexp.MustCompile(`<img src="([^"]+)"`).FindAllStringSubmatch(string(page), -1)
	links := regexp.MustCompile(`<a href="([^"]+)">([^<]+)</a>`).FindAllStringSubmatch(string(page), -1)
	if len(imgs) < 40 || len(links) < 5 {
		t.Fatalf("the page shows %d pictures and %d links", len(imgs), len(links))
	}
	// Each URL is also written under its picture.
	for _, m := range imgs {
		if !strings.Contains(string(page), "<code>"+m[1]+"</code>") {
			t.Errorf("the URL %s is not written under its picture", m[1])
		}
	}

	var wg sync.WaitGroup
	sem := make(chan struct{}, 4)
	for _, m := range imgs {
		url := html.UnescapeString(m[1])
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			resp, body := fetch(t, base+url)
			if resp.StatusCode != http.StatusOK {
				t.Errorf("%s: status %d: %s", url, resp.StatusCode, body)
				return
			}
			cfg, err := transform.DecodeConfig(body)
			if err != nil || cfg.Format.ContentType() != resp.Header.Get("Content-Type") {
				t.Errorf("%s: %v, format %q, Content-Type %q", url, err, cfg.Format, resp.Header.Get("Content-Type"))
			}
		}()
	}
	wg.Wait()

	for _, m := range links {
		url, title := html.UnescapeString(m[1]), m[2]
		resp, _ := fetch(t, base+url)
		want, code := http.StatusOK, ""
		if status, rest, ok := strings.Cut(title, " "); ok && len(status) == 3 && status[0] >= '4' {
			want = int(status[0]-'0')*100 + int(status[1]-'0')*10 + int(status[2]-'0')
			code, _, _ = strings.Cut(rest, ":")
		}
		if resp.StatusCode != want || resp.Header.Get("X-Rendition-Error") != code {
			t.Errorf("%s (%s): %d %q, want %d %q", url, title, resp.StatusCode, resp.Header.Get("X-Rendition-Error"), want, code)
		}
	}
}

func TestOriginFlag(t *testing.T) {
	dir := t.TempDir()
	base := startServer(t, "-origin", "file://"+dir)
	if resp, _ := fetch(t, base+"/sunset.jpg"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("an empty folder served sunset.jpg: %d", resp.StatusCode)
	}
}

// TestWebFolderOrigin serves the originals of a web server on loopback.
func TestWebFolderOrigin(t *testing.T) {
	photo, err := embedded.ReadFile("samples/dice-alpha.png")
	if err != nil {
		t.Fatal(err)
	}
	origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/images/dice.png" {
			http.NotFound(w, r)
			return
		}
		w.Write(photo)
	}))
	defer origin.Close()
	base := startServer(t, "-origin", origin.URL+"/images/")
	resp, body := fetch(t, base+"/dice.png?w=100&fm=jpg")
	if cfg, err := transform.DecodeConfig(body); resp.StatusCode != http.StatusOK || err != nil || cfg.Width != 100 {
		t.Errorf("dice.png?w=100: %d, %v, %+v", resp.StatusCode, err, cfg)
	}
	if resp, _ := fetch(t, base+"/other.png"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("other.png: %d, want 404", resp.StatusCode)
	}
}

func TestPurgeEndpoint(t *testing.T) {
	base := startServer(t, "-purge-token", "s3cret")
	fetch(t, base+"/dice-alpha.png?w=50")
	if resp, _ := fetch(t, base+"/dice-alpha.png?w=50"); resp.Header.Get("X-Cache") != "HIT" {
		t.Fatal("not cached")
	}
	purge := func(token string) int {
		body := `{"data": {"type": "purges", "attributes": {"url": "` + base + `/dice-alpha.png"}}}`
		req, _ := http.NewRequest(http.MethodPost, base+"/purge", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := purge("wrong"); code != http.StatusUnauthorized {
		t.Errorf("a wrong token: %d", code)
	}
	if code := purge("s3cret"); code != http.StatusOK {
		t.Errorf("purge: %d", code)
	}
	if resp, _ := fetch(t, base+"/dice-alpha.png?w=50"); resp.Header.Get("X-Cache") != "MISS" {
		t.Error("still cached after the purge")
	}
}

// TestProxyMode serves full URLs as paths, signed, from an allowed
// loopback origin.
func TestProxyMode(t *testing.T) {
	photo, err := embedded.ReadFile("samples/dice-alpha.png")
	if err != nil {
		t.Fatal(err)
	}
	origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(photo) }))
	defer origin.Close()
	base := startServer(t, "-proxy", "-allow-private", "-allow-hosts", "127.0.0.1", "-sign-key", "k")
	signer, err := signing.NewHMAC("k")
	if err != nil {
		t.Fatal(err)
	}
	path := "/" + url.PathEscape(origin.URL+"/dice.png")
	resp, body := fetch(t, base+path+"?"+signer.Sign(path, "w=40"))
	if cfg, err := transform.DecodeConfig(body); resp.StatusCode != http.StatusOK || err != nil || cfg.Width != 40 {
		t.Fatalf("signed proxy URL: %d %v %+v %s", resp.StatusCode, err, cfg, body)
	}
	if resp, _ := fetch(t, base+path+"?w=40"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("unsigned proxy URL: %d", resp.StatusCode)
	}
	other := "/" + url.PathEscape("http://localhost:1/x.png")
	if resp, _ := fetch(t, base+other+"?"+signer.Sign(other, "w=40")); resp.StatusCode != http.StatusNotFound {
		t.Errorf("a host not allowed: %d", resp.StatusCode)
	}
}

// TestShutdownDrains stops the server while a request waits on a slow
// origin: the request still completes, then run returns.
func TestShutdownDrains(t *testing.T) {
	photo, err := embedded.ReadFile("samples/dice-alpha.png")
	if err != nil {
		t.Fatal(err)
	}
	arrived := make(chan struct{})
	origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(arrived)
		time.Sleep(500 * time.Millisecond)
		w.Write(photo)
	}))
	defer origin.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	base, done := startServerCtx(t, ctx, "-origin", origin.URL+"/")
	answered := make(chan int, 1)
	go func() {
		resp, err := http.Get(base + "/dice.png?w=50")
		if err != nil {
			answered <- 0
			return
		}
		resp.Body.Close()
		answered <- resp.StatusCode
	}()
	<-arrived
	cancel() // as SIGTERM does
	if code := <-answered; code != http.StatusOK {
		t.Errorf("the request in flight got %d, want 200", code)
	}
	if err := <-done; err != nil {
		t.Errorf("run: %v", err)
	}
}

func TestFlagErrors(t *testing.T) {
	for _, args := range [][]string{
		{"-memory", "0"},
		{"-origin", "nosuchscheme://x"},
		{"-origin", "http://user:pw@example.com/"},
		{"-cache", "nosuchscheme://bucket"},
		{"-sign-key", "k", "-sign-scheme", "rsa"},
		{"-sign-key", ","},
		{"-proxy"},
		{"-proxy", "-origin", "mem://", "-allow-unsigned"},
		{"-allow-hosts", "example.com"},
		{"-proxy", "-allow-unsigned", "-allow-hosts", "bad host!"},
		{"stray"},
		{"-addr", "256.0.0.1:1"},
	} {
		// A cancelled context: flags that were wrongly accepted make run
		// start and stop at once instead of serving forever.
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		err := run(ctx, args, io.Discard, io.Discard)
		if err == nil {
			t.Errorf("%q: no error", args)
		}
	}
}
