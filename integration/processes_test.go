package integration_test

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gocloud.dev/blob"
)

// TestTwoServerProcesses runs the example server twice, as two processes
// sharing one S3 bucket (MinIO) as their origin and their -cache tier: the
// second serves the first one's derivative as a hit, and after a purge
// through the second, no entry of the image is left in the shared tier and
// the first renders it again once its memory copy is older than
// -memory-max-age.
func TestTwoServerProcesses(t *testing.T) {
	bucketURL := envOrSkip(t, "RENDITION_TEST_S3_URL")
	ctx := context.Background()
	run := "rendition-procs-" + randomHex(t) + "/"
	raw, err := blob.OpenBucket(ctx, withPrefix(t, bucketURL, run))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { removeAll(t, raw); raw.Close() })
	if err := raw.WriteAll(ctx, "origin/photo.jpg", testJPEG(t), &blob.WriterOptions{ContentType: "image/jpeg"}); err != nil {
		t.Fatal(err)
	}

	// Built as the tests are (with -race when they are, which reuses what
	// the test run compiled; without it in a CGO_ENABLED=0 run, where the
	// race detector is not available).
	bin := filepath.Join(t.TempDir(), "server")
	args := []string{"build", "-o", bin}
	if raceEnabled {
		args = append(args, "-race")
	}
	build := exec.Command("go", append(args, "../examples/server")...)
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	start := func() string {
		cmd := exec.Command(bin, "-addr", "127.0.0.1:0",
			"-origin", withPrefix(t, bucketURL, run+"origin/"),
			"-cache", withPrefix(t, bucketURL, run+"cache/"),
			"-purge-token", "s3cret", "-memory-max-age", "1s")
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			cmd.Process.Signal(os.Interrupt)
			cmd.Wait()
		})
		line, err := bufio.NewReader(out).ReadString('\n')
		if err != nil {
			t.Fatalf("server: %v", err)
		}
		go io.Copy(io.Discard, out)
		return strings.TrimPrefix(strings.TrimSpace(line), "listening on ")
	}
	a, b := start(), start()

	get := func(base string) string {
		t.Helper()
		resp, err := http.Get(base + "/photo.jpg?w=100")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: status %d", base, resp.StatusCode)
		}
		return resp.Header.Get("X-Cache")
	}
	if got := get(a); got != "MISS" {
		t.Errorf("first process: %s, want MISS", got)
	}
	if got := get(b); got != "HIT" {
		t.Errorf("second process: %s, want HIT from the shared tier", got)
	}
	if n := countObjects(t, raw, "cache/"); n == 0 {
		t.Fatal("nothing was stored in the shared tier")
	}

	body := `{"data": {"type": "purges", "attributes": {"url": "` + b + `/photo.jpg"}}}`
	req, _ := http.NewRequest(http.MethodPost, b+"/purge", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer s3cret")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("purge: %d", resp.StatusCode)
	}
	if n := countObjects(t, raw, "cache/"); n != 0 {
		t.Errorf("%d entries of the purged image are left in the shared tier", n)
	}
	time.Sleep(1100 * time.Millisecond) // the first process's -memory-max-age
	if got := get(a); got != "MISS" {
		t.Errorf("first process after the purge: %s, want a new render", got)
	}
}

// countObjects counts the objects of b under prefix.
func countObjects(t *testing.T, b *blob.Bucket, prefix string) int {
	t.Helper()
	n := 0
	it := b.List(&blob.ListOptions{Prefix: prefix})
	for {
		_, err := it.Next(context.Background())
		if err == io.EOF {
			return n
		}
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
}
