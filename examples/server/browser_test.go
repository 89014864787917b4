package main

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// browserFlags are Chromium's command-line flags for a headless run that
// talks to nothing but the server under test. chromedp adds a fresh
// --user-data-dir, which it removes when the browser exits.
var browserFlags = []chromedp.ExecAllocatorOption{
	chromedp.Flag("headless", true),
	chromedp.Flag("no-sandbox", true),
	chromedp.Flag("disable-gpu", true),
	chromedp.Flag("disable-quic", true),
	chromedp.Flag("no-first-run", true),
	chromedp.Flag("disable-background-networking", true),
	chromedp.Flag("disable-component-update", true),
	chromedp.Flag("disable-sync", true),
	chromedp.WindowSize(1280, 900),
}

// maxBrowserTime bounds the run of the browser.
const maxBrowserTime = 8 * time.Minute

// exchange is what the browser sent and received for one URL.
type exchange struct {
	request  http.Header // the headers as sent on the wire
	status   int64
	response http.Header
}

// recorder keeps the requests and responses of a page, by URL. It is safe
// for concurrent use.
type recorder struct {
	mu    sync.Mutex
	urls  map[network.RequestID]string
	sent  map[network.RequestID]http.Header
	byURL map[string]*exchange
}

func newRecorder() *recorder {
	return &recorder{
		urls:  make(map[network.RequestID]string),
		sent:  make(map[network.RequestID]http.Header),
		byURL: make(map[string]*exchange),
	}
}

// listen records the network events of a chromedp target.
func (r *recorder) listen(ev any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch e := ev.(type) {
	case *network.EventRequestWillBeSent:
		r.urls[e.RequestID] = e.Request.URL
		if h, ok := r.sent[e.RequestID]; ok {
			r.entry(e.Request.URL).request = h
		}
	case *network.EventRequestWillBeSentExtraInfo:
		h := toHeader(e.Headers)
		r.sent[e.RequestID] = h
		if u, ok := r.urls[e.RequestID]; ok {
			r.entry(u).request = h
		}
	case *network.EventResponseReceived:
		x := r.entry(e.Response.URL)
		x.status = e.Response.Status
		x.response = toHeader(e.Response.Headers)
	}
}

// entry returns the record of rawURL, making it if needed; r.mu is held.
func (r *recorder) entry(rawURL string) *exchange {
	x, ok := r.byURL[rawURL]
	if !ok {
		x = &exchange{}
		r.byURL[rawURL] = x
	}
	return x
}

// get returns a copy of the record of rawURL, and whether both its request
// headers and its response have been seen.
func (r *recorder) get(rawURL string) (exchange, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	x, ok := r.byURL[rawURL]
	if !ok {
		return exchange{}, false
	}
	return *x, x.request != nil && x.response != nil
}

// toHeader converts headers reported by the DevTools protocol.
func toHeader(h network.Headers) http.Header {
	out := make(http.Header, len(h))
	for k, v := range h {
		// Several values of one header arrive joined by newlines.
		for line := range strings.SplitSeq(fmt.Sprint(v), "\n") {
			out.Add(k, line)
		}
	}
	return out
}

// pageImage is what the page reports about one of its <img> elements.
type pageImage struct {
	Src           string `json:"src"`
	Sizes         string `json:"sizes"`
	Complete      bool   `json:"complete"`
	NaturalWidth  int    `json:"naturalWidth"`
	NaturalHeight int    `json:"naturalHeight"`
}

// pageState is what scrollAndReport returns.
type pageState struct {
	End    bool        `json:"end"` // scrolled to the end of the page
	DPR    float64     `json:"dpr"` // window.devicePixelRatio
	Images []pageImage `json:"images"`
}

// scrollAndReport scrolls down by one screen and reports every image and
// whether the page is scrolled to its end.
const scrollAndReport = `(() => {
	window.scrollBy(0, window.innerHeight);
	const end = window.scrollY + window.innerHeight >= document.documentElement.scrollHeight - 1;
	const images = Array.from(document.images, (img) => ({
		src: img.currentSrc || img.src,
		sizes: img.getAttribute('sizes') || '',
		complete: img.complete,
		naturalWidth: img.naturalWidth,
		naturalHeight: img.naturalHeight,
	}));
	return {end, dpr: window.devicePixelRatio, images};
})()`

// TestBrowserDemoPage opens the demo page in headless Chromium, scrolls
// through it until every lazily loaded image has loaded, and checks what
// the browser received: every image decodes, auto=format answers WebP to
// Chromium's Accept header, and ch=width sizes the image from the
// Sec-CH-Width hint that the page's Accept-CH asked for.
func TestBrowserDemoPage(t *testing.T) {
	chromium := os.Getenv("RENDITION_CHROMIUM")
	if chromium == "" {
		t.Skip("RENDITION_CHROMIUM is not set: set it to a Chromium binary (`source .ci/clients.sh` installs Debian's and sets it) to run the demo page in a browser")
	}
	if _, err := os.Stat(chromium); err != nil {
		t.Fatalf("RENDITION_CHROMIUM: %v", err)
	}
	start := time.Now()
	base := startServer(t)

	// Rendering the page's images takes seconds, and minutes under the race
	// detector on a busy machine: the browser gets until shortly before the
	// test binary's deadline, and never more than maxBrowserTime.
	deadline := time.Now().Add(maxBrowserTime)
	if d, ok := t.Deadline(); ok && d.Add(-30*time.Second).Before(deadline) {
		deadline = d.Add(-30 * time.Second)
	}
	ctx, cancel := context.WithDeadline(t.Context(), deadline)
	defer cancel()
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, append([]chromedp.ExecAllocatorOption{chromedp.ExecPath(chromium)}, browserFlags...)...)
	defer cancelAlloc()
	rec := newRecorder()
	browserCtx, cancelBrowser := chromedp.NewContext(allocCtx, chromedp.WithListener(rec.listen))
	defer cancelBrowser()

	// chromedp enables the Network domain; the cache is off so that every
	// image is fetched, and recorded, once per URL.
	if _, err := chromedp.Call(browserCtx, network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: true}); err != nil {
		t.Fatalf("starting %s: %v", chromium, err)
	}
	launched := time.Now()
	if err := chromedp.Do(browserCtx, chromedp.Navigate(base+"/")); err != nil {
		t.Fatalf("opening the demo page: %v", err)
	}
	page, ok := rec.get(base + "/")
	if !ok || page.status != http.StatusOK || page.response.Get("Accept-CH") == "" {
		t.Fatalf("the demo page answered %d with Accept-CH %q", page.status, page.response.Get("Accept-CH"))
	}

	state := loadAllImages(t, browserCtx, rec)
	images := state.Images
	loaded := time.Now()

	if want := demoImageCount(); len(images) != want {
		t.Errorf("the page has %d images, want %d (one per demo)", len(images), want)
	}
	var autoFormat, widthHinted int
	for _, img := range images {
		x, _ := rec.get(img.Src)
		if img.NaturalWidth <= 0 || x.status != http.StatusOK {
			t.Errorf("%s: status %d, Content-Type %q, decoded %d pixels wide", img.Src, x.status, x.response.Get("Content-Type"), img.NaturalWidth)
		}
		if strings.Contains(img.Src, "auto=format") {
			autoFormat++
			accept := x.request.Get("Accept")
			got := x.response.Get("Content-Type")
			t.Logf("%s: sent Accept: %s; received %s", img.Src, accept, got)
			if !strings.Contains(accept, "image/webp") {
				t.Errorf("%s: Chromium sent Accept %q, which does not list image/webp", img.Src, accept)
			}
			if got != "image/webp" {
				t.Errorf("%s: received %q, want image/webp", img.Src, got)
			}
		}
		if strings.Contains(img.Src, "ch=width") {
			widthHinted++
			checkWidthHint(t, img, state.DPR, x)
		}
	}
	if autoFormat == 0 || widthHinted == 0 {
		t.Errorf("the page has %d auto=format and %d ch=width images, want some of each", autoFormat, widthHinted)
	}
	t.Logf("server up and Chromium started in %v; page and its %d images loaded in %v",
		launched.Sub(start).Round(time.Millisecond), len(images), loaded.Sub(launched).Round(time.Millisecond))
}

// loadAllImages scrolls the page to its end, then until every image is
// complete and the response of each has been recorded, and returns the
// page's last state. The context bounds the wait.
func loadAllImages(t *testing.T, ctx context.Context, rec *recorder) pageState {
	t.Helper()
	var last pageState
	pending := 0
	for {
		state, err := chromedp.Run(ctx, chromedp.Evaluate[pageState](scrollAndReport))
		if err != nil {
			t.Fatalf("scrolling the demo page: %v; %d of its %d images were still loading", err, pending, len(last.Images))
		}
		last, pending = state, 0
		for _, img := range state.Images {
			if _, seen := rec.get(img.Src); !img.Complete || !seen {
				pending++
			}
		}
		if state.End && pending == 0 && len(state.Images) > 0 {
			return state
		}
		select {
		case <-ctx.Done():
			t.Fatalf("%d of the demo page's %d images were still loading: %v", pending, len(state.Images), ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// checkWidthHint checks that an image with ch=width was requested with a
// Sec-CH-Width hint for its sizes attribute at the device pixel ratio dpr,
// and was rendered that wide.
func checkWidthHint(t *testing.T, img pageImage, dpr float64, x exchange) {
	t.Helper()
	hint := x.request.Get("Sec-CH-Width")
	t.Logf("%s: sizes=%q, devicePixelRatio %v, sent Sec-CH-Width: %s, Sec-CH-DPR: %s; received %dx%d, Vary: %s",
		img.Src, img.Sizes, dpr, hint, x.request.Get("Sec-CH-DPR"), img.NaturalWidth, img.NaturalHeight, x.response.Get("Vary"))
	if img.Sizes == "" {
		t.Errorf("%s has no sizes attribute: browsers send Sec-CH-Width only for images with one", img.Src)
		return
	}
	width, err := strconv.Atoi(hint)
	if err != nil {
		t.Errorf("%s: Sec-CH-Width %q is not a number of pixels (request headers %v)", img.Src, hint, x.request)
		return
	}
	css, err := strconv.Atoi(strings.TrimSuffix(img.Sizes, "px"))
	if err != nil {
		t.Fatalf("%s: sizes %q is not a length in px", img.Src, img.Sizes)
	}
	if want := int(math.Ceil(float64(css) * dpr)); width != want {
		t.Errorf("%s: Sec-CH-Width %d, want %d (sizes %s at device pixel ratio %v)", img.Src, width, want, img.Sizes, dpr)
	}
	// The URL's own w differs from the hint, so the width shows which won.
	if w, err := strconv.Atoi(queryParam(img.Src, "w")); err == nil && w == width {
		t.Fatalf("%s: Sec-CH-Width %d equals w, so the test cannot tell them apart", img.Src, width)
	}
	if img.NaturalWidth != width {
		t.Errorf("%s: received an image %d pixels wide, want the Sec-CH-Width %d", img.Src, img.NaturalWidth, width)
	}
	if !strings.Contains(strings.ToLower(x.response.Get("Vary")), "sec-ch-width") {
		t.Errorf("%s: Vary %q does not name Sec-CH-Width", img.Src, x.response.Get("Vary"))
	}
}

// queryParam returns the first value of the parameter name in rawURL, or "".
func queryParam(rawURL, name string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return ""
	}
	return u.Query().Get(name)
}

// demoImageCount is how many <img> elements the demo page has.
func demoImageCount() int {
	n := 0
	for _, s := range demoSections {
		n += len(s.Demos)
	}
	return n
}
