package signing_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"time"

	"github.com/rendition-go/rendition/signing"
)

// The worked example of the package documentation.
func ExampleHMAC_Sign() {
	h, err := signing.NewHMAC("example-key")
	if err != nil {
		panic(err)
	}
	fmt.Println(h.Sign("/photos/dog.jpg", "w=300&h=200&fit=crop&expires=1893456000"))
	// Output:
	// w=300&h=200&fit=crop&expires=1893456000&s=qokxnMdbaBDrtx3rAXHYQ0o6oofbDIBcYmLAaDIfvI4
}

// A server checks the signature before parsing the transformation.
func ExampleVerifier() {
	h, err := signing.NewHMAC("example-key")
	if err != nil {
		panic(err)
	}
	var v signing.Verifier = h
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		query, err := v.Verify(r.URL.EscapedPath(), r.URL.RawQuery, time.Now())
		if err != nil {
			http.Error(w, err.Error(), http.StatusForbidden)
			return
		}
		params, _ := url.ParseQuery(query)
		fmt.Fprintf(w, "%s at width %s", r.URL.Path, params.Get("w"))
	})

	for _, target := range []string{
		"/photos/dog.jpg?w=300&s=" + "bad",
		"/photos/dog.jpg?" + h.Sign("/photos/dog.jpg", "w=300"),
	} {
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, httptest.NewRequest("GET", target, nil))
		fmt.Println(rec.Code, strings.TrimSpace(rec.Body.String()))
	}
	// Output:
	// 403 signing: invalid signature: signature does not match
	// 200 /photos/dog.jpg at width 300
}

func ExampleImgix_Verify() {
	x, err := signing.NewImgix("FOO123bar")
	if err != nil {
		panic(err)
	}
	query, err := x.Verify("/users/1.png", "w=400&h=300&s=c7b86f666a832434dd38577e38cf86d1", time.Now())
	fmt.Println(query, err)
	_, err = x.Verify("/users/1.png", "h=300&w=400&s=c7b86f666a832434dd38577e38cf86d1", time.Now())
	fmt.Println(err)
	// Output:
	// w=400&h=300 <nil>
	// signing: invalid signature: signature does not match
}

func ExampleImageKit_SignExpiring() {
	k, err := signing.NewImageKit("dummy-key")
	if err != nil {
		panic(err)
	}
	expires := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	query := k.SignExpiring("/tr:w-300/photo.jpg", "v=2", expires)
	fmt.Println(query)

	_, err = k.Verify("/tr:w-300/photo.jpg", query, expires.Add(time.Second))
	fmt.Println(errors.Is(err, signing.ErrExpired), errors.Is(err, signing.ErrSignature))
	fmt.Println(err)
	// Output:
	// v=2&ik-t=1893456000&ik-s=f3fba991a9a803bf7af22541d7f7b574d3454030
	// true true
	// signing: signature expired: expired at 2030-01-01T00:00:00Z
}

func ExampleBuilder_URL() {
	h, err := signing.NewHMAC("example-key")
	if err != nil {
		panic(err)
	}
	b := signing.Builder{Host: "https://img.example.com", Signer: h}
	fmt.Println(b.URL("photos/my dog.jpg", url.Values{"w": {"300"}, "txt64": {"Hello, World"}}))
	fmt.Println(b.URL("https://a.com/b.png", url.Values{"auto": {"format", "compress"}}))
	// Output:
	// https://img.example.com/photos/my%20dog.jpg?txt64=SGVsbG8sIFdvcmxk&w=300&s=1oZlmBxsKu5qH-KhPsHOS1cWVmWKNDyaaOX1Kov4EV0
	// https://img.example.com/https%3A%2F%2Fa.com%2Fb.png?auto=format%2Ccompress&s=_Igj1U-CcT1b0jH8U6w1CS2TP9nHeN5BUYVUChcVHxA
}

func ExampleBuilder_SrcSet() {
	b := signing.Builder{Host: "https://img.example.com"}
	fmt.Println(b.SrcSet("dog.jpg", url.Values{"fit": {"crop"}}, &signing.SrcSetOptions{MinWidth: 400, MaxWidth: 800}))
	fmt.Println(b.SrcSet("dog.jpg", url.Values{"w": {"300"}}, nil))
	// Output:
	// https://img.example.com/dog.jpg?fit=crop&w=400 400w,
	// https://img.example.com/dog.jpg?fit=crop&w=464 464w,
	// https://img.example.com/dog.jpg?fit=crop&w=538 538w,
	// https://img.example.com/dog.jpg?fit=crop&w=624 624w,
	// https://img.example.com/dog.jpg?fit=crop&w=724 724w,
	// https://img.example.com/dog.jpg?fit=crop&w=800 800w
	// https://img.example.com/dog.jpg?dpr=1&q=75&w=300 1x,
	// https://img.example.com/dog.jpg?dpr=2&q=50&w=300 2x,
	// https://img.example.com/dog.jpg?dpr=3&q=35&w=300 3x,
	// https://img.example.com/dog.jpg?dpr=4&q=23&w=300 4x,
	// https://img.example.com/dog.jpg?dpr=5&q=20&w=300 5x
}

func ExampleTargetWidths() {
	fmt.Println(signing.TargetWidths(0, 0, 0))
	fmt.Println(signing.TargetWidths(320, 1280, 0.2))
	// Output:
	// [100 116 135 156 181 210 244 283 328 380 441 512 594 689 799 927 1075 1247 1446 1678 1946 2257 2619 3038 3524 4087 4741 5500 6380 7401 8192]
	// [320 448 627 878 1229 1280]
}
