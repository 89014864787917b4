package cache_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/rendition-go/rendition/cache"
)

func ExampleMemory() {
	ctx := context.Background()
	c := cache.NewMemory(&cache.MemoryOptions{MaxBytes: 64 << 20})

	err := c.Set(ctx, "photos/dog.jpg?w=300", &cache.Entry{
		Data:        []byte("...webp bytes..."),
		ContentType: "image/webp",
		ETag:        `"a1b2c3"`,
		Expires:     time.Now().Add(24 * time.Hour),
	})
	if err != nil {
		log.Fatal(err)
	}

	e, err := c.Get(ctx, "photos/dog.jpg?w=300")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(e.ContentType, e.ETag, len(e.Data))

	_, err = c.Get(ctx, "photos/dog.jpg?w=600")
	fmt.Println(errors.Is(err, cache.ErrMiss))
	fmt.Println(c.Len(), c.Bytes())
	// Output:
	// image/webp "a1b2c3" 16
	// true
	// 1 310
}

// A cached error answer stops a missing original from being fetched again
// on every request, for a short time.
func ExampleEntry_error() {
	ctx := context.Background()
	c := cache.NewMemory(nil)

	err := c.Set(ctx, "photos/missing.jpg", &cache.Entry{
		Data:        []byte("not found\n"),
		ContentType: "text/plain; charset=utf-8",
		Status:      404,
		ErrorCode:   "ENOENT",
		Expires:     time.Now().Add(5 * time.Minute),
	})
	if err != nil {
		log.Fatal(err)
	}

	e, err := c.Get(ctx, "photos/missing.jpg")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(e.Status, e.ErrorCode)
	// Output:
	// 404 ENOENT
}
