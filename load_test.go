package rendition

import (
	"fmt"
	"image"
	"image/color"
	"math/rand/v2"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/rendition-go/rendition/source"
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

	var peak atomic.Uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()

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
	close(stop)
	<-sampled

	for code, n := range statuses {
		if code != http.StatusOK && code != http.StatusServiceUnavailable {
			t.Errorf("%d answers with status %d", n, code)
		}
	}
	if statuses[http.StatusOK] == 0 {
		t.Error("no request succeeded")
	}
	t.Logf("statuses %v, peak heap in use %d MiB", statuses, peak.Load()>>20)
	// 2 renders of a 1 MP image at a time (a few MiB each), the caches'
	// content and the test's own sources: far below this bound.
	if peak.Load() > 256<<20 {
		t.Errorf("peak heap %d MiB", peak.Load()>>20)
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
