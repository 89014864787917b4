// Command tiered runs two Rendition instances in one process, each with a
// memory tier in front of one shared bucket tier, and shows what a
// deployment of several servers sees: a derivative rendered by one instance
// is a hit for the other, and a purge through either empties the shared
// tier.
//
//	go run ./examples/tiered                                   # an in-memory bucket
//	go run ./examples/tiered -cache file:///tmp/rendition-cache
//	go run ./examples/tiered -cache 's3://bucket?region=eu-west-1'
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"os"
	"testing/fstest"
	"time"

	_ "gocloud.dev/blob/fileblob"
	_ "gocloud.dev/blob/memblob"
	_ "gocloud.dev/blob/s3blob"

	"github.com/rendition-go/rendition"
	"github.com/rendition-go/rendition/cache"
	"github.com/rendition-go/rendition/source"
	"github.com/rendition-go/rendition/transform"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "tiered:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("tiered", flag.ContinueOnError)
	cacheURL := fs.String("cache", "mem://", "gocloud.dev/blob URL of the shared tier")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ctx := context.Background()
	shared, err := cache.OpenBucket(ctx, *cacheURL, &cache.BucketOptions{Prefix: "rendition-example/"})
	if err != nil {
		return err
	}
	defer shared.Close()

	origin := source.NewFS(fstest.MapFS{"gradient.png": {Data: gradientPNG()}})
	instance := func() (*rendition.Handler, error) {
		// MaxAge bounds how long this instance's memory may keep an entry
		// that another instance purged from the shared tier.
		memory := func() cache.Cache { return cache.NewMemory(&cache.MemoryOptions{MaxAge: 30 * time.Second}) }
		return rendition.New(origin, &rendition.Options{
			Cache:     cache.NewTiered(memory(), shared),
			Originals: cache.NewTiered(memory(), shared),
		})
	}
	a, err := instance()
	if err != nil {
		return err
	}
	b, err := instance()
	if err != nil {
		return err
	}
	req := rendition.Request{Key: "gradient.png", Params: transform.Params{Width: 160, Format: transform.WebP}}
	for _, step := range []struct {
		name string
		h    *rendition.Handler
	}{{"instance a", a}, {"instance b", b}} {
		res, err := step.h.Process(ctx, req)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s: %s, %d bytes, %s\n", step.name, res.ContentType, len(res.Data), res.Cache)
	}
	if err := b.Purge(ctx, "gradient.png"); err != nil {
		return err
	}
	c, err := instance() // a new instance sees only the shared tier
	if err != nil {
		return err
	}
	res, err := c.Process(ctx, req)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "after a purge through b, a new instance: %s\n", res.Cache)
	return nil
}

// gradientPNG is the example's original: a 640x480 gradient.
func gradientPNG() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 640, 480))
	for y := range 480 {
		for x := range 640 {
			img.SetRGBA(x, y, color.RGBA{uint8(x * 255 / 640), uint8(y * 255 / 480), 128, 255})
		}
	}
	var buf bytes.Buffer
	png.Encode(&buf, img)
	return buf.Bytes()
}
