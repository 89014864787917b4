package source_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"testing/fstest"

	"gocloud.dev/blob"
	"gocloud.dev/blob/memblob"

	"github.com/rendition-go/rendition/source"
)

func ExampleFS() {
	// An embed.FS works the same way.
	fsys := fstest.MapFS{
		"photos/dog.jpg": {Data: []byte("...jpeg bytes...")},
	}
	src := source.NewFS(fsys)

	obj, err := src.Open(context.Background(), "photos/dog.jpg")
	if err != nil {
		log.Fatal(err)
	}
	defer obj.Body.Close()
	body, err := io.ReadAll(obj.Body)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(obj.ContentType, obj.Size, string(body))

	_, err = src.Open(context.Background(), "photos/cat.jpg")
	fmt.Println(errors.Is(err, source.ErrNotFound))

	_, err = src.Open(context.Background(), "../etc/passwd")
	fmt.Println(err)
	// Output:
	// image/jpeg 16 ...jpeg bytes...
	// true
	// source: invalid key "../etc/passwd": ".." path segment
}

func ExampleBucket() {
	ctx := context.Background()

	// A program would usually call source.OpenBucket with a URL such as
	// "s3://my-bucket?region=us-east-1", after blank-importing the driver:
	//
	//	import _ "gocloud.dev/blob/s3blob"
	b := memblob.OpenBucket(nil)
	defer b.Close()
	err := b.WriteAll(ctx, "photos/dog.jpg", []byte("...jpeg bytes..."), &blob.WriterOptions{
		ContentType:  "image/jpeg",
		CacheControl: "public, max-age=86400",
	})
	if err != nil {
		log.Fatal(err)
	}

	src := source.NewBucket(b, nil)
	obj, err := src.Open(ctx, "photos/dog.jpg")
	if err != nil {
		log.Fatal(err)
	}
	defer obj.Body.Close()
	fmt.Println(obj.ContentType, obj.Size, obj.CacheControl, obj.ETag != "")
	// Output:
	// image/jpeg 16 public, max-age=86400 true
}
