// Command direct transforms an image file in code, without a server: the
// parameters are imgix's, given as a query string.
//
//	go run ./examples/direct -in photo.jpg -out thumb.webp -params 'w=300&h=200&fit=crop&fm=webp'
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"

	"github.com/rendition-go/rendition/transform"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "direct:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("direct", flag.ContinueOnError)
	in := fs.String("in", "", "the image to read")
	out := fs.String("out", "", "where to write the result")
	params := fs.String("params", "w=300", "imgix parameters, as a query string")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *in == "" || *out == "" {
		return fmt.Errorf("-in and -out are required")
	}
	q, err := url.ParseQuery(*params)
	if err != nil {
		return fmt.Errorf("-params: %w", err)
	}
	p, err := transform.ParseQuery(q)
	if err != nil {
		return fmt.Errorf("-params: %w", err) // names the parameter
	}
	src, err := os.Open(*in)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.Create(*out)
	if err != nil {
		return err
	}
	info, err := transform.Transform(context.Background(), dst, src, p)
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(*out)
		return err
	}
	fmt.Fprintf(stdout, "%s: %dx%d %s -> %s: %dx%d %s, %d bytes (decoder: %s)\n", *in,
		info.Source.Width, info.Source.Height, info.Source.Format, *out, info.Width, info.Height, info.Format, info.Bytes, info.Decoder)
	return nil
}
