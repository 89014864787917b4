package rendition

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"image"
	"image/color"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/rendition-go/rendition/source"
	"github.com/rendition-go/rendition/transform"
)

// TestLoad sends 200 concurrent requests over 50 distinct sources to a
// handler with 2 render slots: every answer is 200 or 503 (with
// Retry-After), the heap stays bounded while it runs, and the goroutines
// are back to their number before once it is over.
func TestLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("a load test; run without -short")
	}
	fsys := fstest.MapFS{}
	for i := range 50 {
		img := image.NewRGBA(image.Rect(0, 0, 1200, 900))
		for y := 0; y < 900; y += 3 {
			for x := 0; x < 1200; x += 3 {
				img.SetRGBA(x, y, color.RGBA{uint8(i * 5), uint8(x), uint8(y), 255})
			}
		}
		fsys[fmt.Sprintf("s%02d.jpg", i)] = &fstest.MapFile{Data: encodeJPEG(t, img)}
	}
	h := newHandler(t, source.NewFS(fsys), &Options{MaxRenders: 2, MaxQueue: 6})
	runtime.GC()
	baseline := runtime.NumGoroutine()

	stop := heapPeak()
	var wg sync.WaitGroup
	var mu sync.Mutex
	statuses := map[int]int{}
	for i := range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			url := fmt.Sprintf("/s%02d.jpg?w=%d", rand.IntN(50), 100+i%7*50)
			r := get(t, h, url)
			if r.Code == http.StatusServiceUnavailable && r.Header().Get("Retry-After") == "" {
				t.Errorf("503 without Retry-After")
			}
			mu.Lock()
			statuses[r.Code]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	peak := stop()

	for code, n := range statuses {
		if code != http.StatusOK && code != http.StatusServiceUnavailable {
			t.Errorf("%d answers with status %d", n, code)
		}
	}
	if statuses[http.StatusOK] == 0 {
		t.Error("no request succeeded")
	}
	t.Logf("statuses %v, peak heap in use %d MiB", statuses, peak>>20)
	// 2 renders of a 1 MP image at a time (a few MiB each), the caches'
	// content and the test's own sources: far below this bound.
	if peak > 256<<20 {
		t.Errorf("peak heap %d MiB", peak>>20)
	}

	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > baseline && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > baseline {
		buf := make([]byte, 1<<16)
		t.Errorf("%d goroutines after the load, %d before:\n%s", n, baseline, buf[:runtime.Stack(buf, true)])
	}
}

// TestSoak serves 10,000 requests over 100 distinct derivatives: once the
// caches hold them, the heap does not grow.
func TestSoak(t *testing.T) {
	if testing.Short() {
		t.Skip("a soak test; run without -short")
	}
	fsys := fstest.MapFS{"a.jpg": {Data: encodeJPEG(t, quadrants(320, 240))}}
	h := newHandler(t, source.NewFS(fsys), nil)
	serveAll := func(n int) {
		for i := range n {
			if r := get(t, h, fmt.Sprintf("/a.jpg?w=%d", 20+i%100)); r.Code != http.StatusOK {
				t.Fatalf("status %d", r.Code)
			}
		}
	}
	heap := func() uint64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapInuse
	}
	serveAll(1000) // every derivative rendered and cached
	before := heap()
	serveAll(9000)
	after := heap()
	t.Logf("heap in use after 1,000 requests %d KiB, after 10,000 %d KiB", before>>10, after>>10)
	if after > before+4<<20 {
		t.Errorf("the heap grew by %d KiB over 9,000 cached requests", (after-before)>>10)
	}
	if st := h.Stats(); st.Renders != 100 {
		t.Errorf("%d renders for 100 distinct derivatives", st.Renders)
	}
}

// heapPeak samples the heap in use every few milliseconds until stop is
// called, which returns the highest value seen.
func heapPeak() (stop func() uint64) {
	var peak uint64
	done := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
			select {
			case <-done:
				return
			case <-time.After(2 * time.Millisecond):
			}
		}
	}()
	return func() uint64 {
		close(done)
		<-sampled
		return peak
	}
}

// TestBurst is a gallery page through a CDN: 200 concurrent requests for
// distinct thumbnails of one photo, on 2 CPUs, with the handler's defaults.
// Every one is admitted and answered 200. The photo is 1024x768, so that
// the 200 renders fit well within the queue deadline on a machine busy with
// other tests; the 8 MP comparison with libvips is the benchmark script's
// job.
func TestBurst(t *testing.T) {
	// Whether 200 renders fit in the queue deadline depends on the machine
	// being free for them: .ci/run runs this test alone, without the race
	// detector (which makes a render about ten times slower).
	if raceEnabled || os.Getenv("RENDITION_LOAD_TEST") == "" {
		t.Skip("a load test: run it alone, without -race: RENDITION_LOAD_TEST=1 go test -run '^TestBurst$' -v .")
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	phone, _, err := transform.Decode(readTestdata(t, "phone-note10-exif6.jpg"), transform.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	photo := encodeJPEG(t, transform.Resize(phone, 1024, 768, transform.Lanczos3))
	src := source.NewFS(fstest.MapFS{"photo.jpg": {Data: photo}})
	const n = 200

	h := newHandler(t, src, nil)
	runtime.GC()
	stop := heapPeak()
	start := time.Now()
	var wg sync.WaitGroup
	took := make([]time.Duration, n)
	var served atomic.Int32
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			begin := time.Now()
			r := get(t, h, fmt.Sprintf("/photo.jpg?w=%d", 300+i))
			took[i] = time.Since(begin)
			if r.Code != http.StatusOK {
				t.Errorf("w=%d: %d %s (Retry-After %q)", 300+i, r.Code, r.Body, r.Header().Get("Retry-After"))
				return
			}
			served.Add(1)
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	peak := stop()
	st := h.Stats()
	t.Logf("%d concurrent requests: %d answered 200 in %v, slowest %v; peak heap in use %d MiB; "+
		"%d renders, %d origin fetch; render time estimate %v",
		n, served.Load(), elapsed.Round(time.Millisecond), slices.Max(took).Round(time.Millisecond),
		peak>>20, st.Renders, st.OriginFetches, h.renders.estimate().Round(time.Millisecond))
	if st.Renders != n {
		t.Errorf("%d renders for %d distinct thumbnails", st.Renders, n)
	}
}

// bigJPEG is a JPEG of about size bytes that is cheap to render: a 16x16
// image after comment segments filled with incompressible bytes, read from
// pool at offset off. Its body is streamed: nothing of its size is
// allocated.
func bigJPEG(t testing.TB, pool []byte, off, size int) (io.Reader, int64) {
	tiny := encodeJPEG(t, quadrants(16, 16))
	parts := []io.Reader{bytes.NewReader(tiny[:2])} // SOI
	total := int64(len(tiny))
	const payload = 65533 // a segment's length field counts itself
	for total < int64(size) {
		var hdr [4]byte
		hdr[0], hdr[1] = 0xff, 0xfe // COM
		binary.BigEndian.PutUint16(hdr[2:], payload+2)
		start := (off + int(total)) % (len(pool) - payload)
		parts = append(parts, bytes.NewReader(hdr[:]), bytes.NewReader(pool[start:start+payload]))
		total += 4 + payload
	}
	return io.MultiReader(append(parts, bytes.NewReader(tiny[2:]))...), total
}

// discard is a ResponseWriter that keeps nothing of the body.
type discard struct{ hdr http.Header }

func (d *discard) Header() http.Header         { return d.hdr }
func (d *discard) Write(p []byte) (int, error) { return len(p), nil }
func (d *discard) WriteHeader(int)             {}

// TestLargeOriginals sends 100 concurrent requests for distinct originals
// of 30 to 39 MiB (the 40 MiB source limit is the default), rendered
// cheaply, through a handler whose budget of originals in flight is
// 128 MiB: the heap never holds much more than the budget, and every
// request is answered, 200 or 503 with Retry-After.
//
// The accounting: the baseline is the heap in use before the requests (the
// test's pool of random bytes, the handler, the test binary). On top of it,
// the originals in flight are what the budget bounds; everything else a
// request holds (a 16x16 image, its goroutines) is small. The heap in use
// also holds garbage until the collector runs, which by default lets it
// grow to twice what is live: the test collects after every 5% of growth
// (SetGCPercent(5)) so that the peak measures what is held, not the
// collector's headroom. The peak must stay within the baseline plus the
// budget plus 10%.
func TestLargeOriginals(t *testing.T) {
	// Its bound on the heap's peak holds alone, not beside other packages'
	// tests that share the machine and the garbage collector's pace: .ci/run
	// runs it alone, without the race detector.
	if raceEnabled || os.Getenv("RENDITION_LOAD_TEST") == "" {
		t.Skip("a load test: run it alone, without -race: RENDITION_LOAD_TEST=1 go test -run '^TestLargeOriginals$' -v .")
	}
	const budget = 128 << 20
	pool := make([]byte, 4<<20)
	rand.NewChaCha8([32]byte{1}).Read(pool)
	src := source.Func(func(ctx context.Context, key string) (*source.Object, error) {
		var i int
		fmt.Sscanf(key, "big%d.jpg", &i)
		body, size := bigJPEG(t, pool, i*4099, 30<<20+i*(9<<20)/100)
		return &source.Object{Body: io.NopCloser(body), Size: size}, nil
	})
	h := newHandler(t, src, &Options{MaxOriginalBytesInFlight: budget})
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	baseline := ms.HeapInuse

	stop := heapPeak()
	start := time.Now()
	var wg sync.WaitGroup
	var mu sync.Mutex
	statuses := map[int]int{}
	retryAfter := map[string]int{}
	for i := range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := &discard{hdr: http.Header{}}
			h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, fmt.Sprintf("/big%d.jpg?w=8", i), nil))
			code := http.StatusOK
			if e := w.hdr.Get("X-Rendition-Error"); e != "" {
				code = http.StatusServiceUnavailable
				if e != CodeBusy || w.hdr.Get("Retry-After") == "" {
					t.Errorf("big%d.jpg: %s, Retry-After %q", i, e, w.hdr.Get("Retry-After"))
				}
			}
			mu.Lock()
			statuses[code]++
			retryAfter[w.hdr.Get("Retry-After")]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	peak := stop()
	st := h.Stats()
	t.Logf("100 requests in %v: statuses %v, Retry-After %v; %d MiB fetched; heap in use: baseline %d MiB, peak %d MiB (+%d MiB, budget %d MiB)",
		time.Since(start).Round(time.Millisecond), statuses, retryAfter, st.BytesFetched>>20,
		baseline>>20, peak>>20, (peak-baseline)>>20, budget>>20)
	if statuses[http.StatusOK] == 0 {
		t.Error("no request was served")
	}
	if limit := baseline + budget*11/10; peak > limit {
		t.Errorf("peak heap %d MiB, over the baseline plus the budget plus 10%% (%d MiB)", peak>>20, limit>>20)
	}
}
