package rendition_test

import (
	"context"
	"fmt"
	"log"
	"net/http/httptest"
	"testing/fstest"

	"gocloud.dev/blob/memblob"

	"github.com/rendition-go/rendition"
	"github.com/rendition-go/rendition/cache"
	"github.com/rendition-go/rendition/source"
)

// Two instances share a bucket tier (here an in-memory bucket; in
// production s3://, gs:// or azblob:// through cache.OpenBucket), each
// behind its own memory tier: what one renders, the other serves as a hit,
// and a purge on either removes it from the shared tier.
func Example_scaleOut() {
	origin := source.NewFS(fstest.MapFS{"dog.png": {Data: samplePNG()}})
	shared := cache.NewBucket(memblob.OpenBucket(nil), nil)
	instance := func() *rendition.Handler {
		h, err := rendition.New(origin, &rendition.Options{
			Cache:     cache.NewTiered(cache.NewMemory(nil), shared),
			Originals: cache.NewTiered(cache.NewMemory(nil), shared),
		})
		if err != nil {
			log.Fatal(err)
		}
		return h
	}
	a, b := instance(), instance()
	serve := func(h *rendition.Handler) string {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/dog.png?w=100&fm=webp", nil))
		return rec.Header().Get("X-Cache")
	}
	fmt.Println("a:", serve(a))
	fmt.Println("b:", serve(b))
	if err := b.Purge(context.Background(), "dog.png"); err != nil {
		log.Fatal(err)
	}
	c := instance() // a fresh instance sees only the shared tier
	fmt.Println("after purge:", serve(c))
	// Output:
	// a: MISS
	// b: HIT
	// after purge: MISS
}
