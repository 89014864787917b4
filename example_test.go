package rendition_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"testing/fstest"

	"github.com/rendition-go/rendition"
	"github.com/rendition-go/rendition/source"
	"github.com/rendition-go/rendition/transform"
)

// samplePNG returns a 640x480 PNG.
func samplePNG() []byte {
	var buf bytes.Buffer
	png.Encode(&buf, image.NewGray(image.Rect(0, 0, 640, 480)))
	return buf.Bytes()
}

// Mount the handler under a prefix of an existing server.
func Example() {
	images := fstest.MapFS{"dog.png": {Data: samplePNG()}}
	h, err := rendition.New(source.NewFS(images), nil)
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/img/", http.StripPrefix("/img", h))
	srv := httptest.NewServer(mux)
	defer srv.Close()

	for _, path := range []string{"/img/dog.png?w=320&fm=webp", "/img/dog.png?w=320&fm=webp", "/img/dog.png?w=abc", "/img/cat.png"} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			log.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			fmt.Printf("%s: %d %s: %s", path, resp.StatusCode, resp.Header.Get("X-Rendition-Error"), body)
			continue
		}
		cfg, _ := transform.DecodeConfig(body)
		fmt.Printf("%s: %s %dx%d, X-Cache %s\n", path, resp.Header.Get("Content-Type"), cfg.Width, cfg.Height, resp.Header.Get("X-Cache"))
	}
	// Output:
	// /img/dog.png?w=320&fm=webp: image/webp 320x240, X-Cache MISS
	// /img/dog.png?w=320&fm=webp: image/webp 320x240, X-Cache HIT
	// /img/dog.png?w=abc: 400 EINVAL: Bad Request: parameter w="abc": must be a fraction in (0, 1] or a whole number of pixels from 2 to 8192
	// /img/cat.png: 404 ENOENT: Not Found: no image at "cat.png"
}

// Process renders without HTTP, for a job queue or a pre-warming tool.
func ExampleHandler_Process() {
	h, err := rendition.New(source.NewFS(fstest.MapFS{"dog.png": {Data: samplePNG()}}), nil)
	if err != nil {
		log.Fatal(err)
	}
	res, err := h.Process(context.Background(), rendition.Request{
		Key:    "dog.png",
		Params: transform.Params{Width: 100, Height: 100, Fit: transform.FitCrop, Format: transform.JPEG},
	})
	if err != nil {
		log.Fatal(err)
	}
	width, height, _ := res.Dimensions()
	fmt.Println(res.ContentType, width, height, res.Cache)

	// The same request again is a cache hit, with the same answer.
	res, err = h.Process(context.Background(), rendition.Request{
		Key:    "dog.png",
		Params: transform.Params{Width: 100, Height: 100, Fit: transform.FitCrop, Format: transform.JPEG},
	})
	if err != nil {
		log.Fatal(err)
	}
	width, height, _ = res.Dimensions()
	fmt.Println(res.ContentType, width, height, res.Cache)
	// Output:
	// image/jpeg 100 100 MISS
	// image/jpeg 100 100 HIT
}
