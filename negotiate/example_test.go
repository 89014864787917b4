package negotiate_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/rendition-go/rendition/negotiate"
)

// A request for /dog.jpg?w=300&auto=format&ch=dpr from Chromium, which sends
// Sec-CH-DPR after a page answered with Accept-CH.
func Example() {
	r := httptest.NewRequest("GET", "/dog.jpg?w=300&auto=format&ch=dpr", nil)
	r.Header.Set("Accept", "image/jxl,image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8")
	r.Header.Set("Sec-CH-DPR", "2")

	accept := negotiate.ParseAccept(strings.Join(r.Header.Values("Accept"), ","))
	hints := negotiate.ParseHints(r.Header)

	w := httptest.NewRecorder()
	negotiate.AddVary(w.Header(), "Accept")
	negotiate.AddVary(w.Header(), negotiate.VaryFor([]string{"dpr"})...)
	w.Header().Set("Accept-CH", negotiate.AcceptCH)

	fmt.Println("names WebP:", accept.Explicit("image/webp"))
	fmt.Println("width:", 300*hints.DPR)
	fmt.Println("Vary:", w.Header().Get("Vary"))
	fmt.Println("Accept-CH:", w.Header().Get("Accept-CH"))
	// Output:
	// names WebP: true
	// width: 600
	// Vary: Accept, Sec-CH-DPR, DPR
	// Accept-CH: Sec-CH-DPR, Sec-CH-Width, Sec-CH-Viewport-Width
}

func ExampleParseAccept() {
	// An old browser: it lists PNG and takes any other image at q=0.8.
	a := negotiate.ParseAccept("image/png,image/*;q=0.8,*/*;q=0.5")
	fmt.Println(a.Quality("image/png"), a.Explicit("image/png"))
	fmt.Println(a.Quality("image/webp"), a.Explicit("image/webp"))
	fmt.Println(a.Quality("text/html"))

	// q=0 excludes a type, even when a wildcard would accept it.
	b := negotiate.ParseAccept("image/webp;q=0, image/*")
	fmt.Println(b.Quality("image/webp"), b.Quality("image/avif"))
	// Output:
	// 1 true
	// 0.8 false
	// 0.5
	// 0 1
}

func ExampleParseHints() {
	h := http.Header{}
	h.Set("Sec-CH-DPR", "2.625")
	h.Set("DPR", "1") // the legacy name loses to Sec-CH-DPR
	h.Set("Sec-CH-Viewport-Width", "412")
	h.Set("Sec-CH-Width", "px") // malformed: absent
	h.Set("Save-Data", "on")

	fmt.Printf("%+v\n", negotiate.ParseHints(h))
	// Output:
	// {DPR:2.625 Width:0 ViewportWidth:412 SaveData:true}
}

func ExampleVaryFor() {
	fmt.Println(negotiate.VaryFor([]string{"width", "dpr", "save-data"}))
	// Output:
	// [Sec-CH-Width Width Sec-CH-DPR DPR Save-Data]
}

func ExampleAddVary() {
	h := http.Header{}
	h.Set("Vary", "Accept-Encoding")
	negotiate.AddVary(h, "Accept", "accept-encoding")
	fmt.Println(h.Get("Vary"))

	negotiate.AddVary(h, "*")
	fmt.Println(h.Get("Vary"))
	// Output:
	// Accept-Encoding, Accept
	// *
}
