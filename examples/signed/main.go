// Command signed prints signed image URLs and a srcset, as an application
// publishing links to a Rendition server that runs with -sign-key does.
//
//	go run ./examples/signed -host https://img.example.com -key "$SECRET" -path photos/dog.jpg -params 'w=400&fit=crop&h=300'
package main

import (
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"time"

	"github.com/rendition-go/rendition/signing"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "signed:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("signed", flag.ContinueOnError)
	host := fs.String("host", "http://127.0.0.1:8080", "the Rendition server's base URL")
	key := fs.String("key", "", "the signing key (the server's -sign-key)")
	path := fs.String("path", "sunset.jpg", "the image's key")
	params := fs.String("params", "w=400", "imgix parameters, as a query string")
	expires := fs.Duration("expires", 0, "when set, the URL expires after this long")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *key == "" {
		return fmt.Errorf("-key is required")
	}
	q, err := url.ParseQuery(*params)
	if err != nil {
		return fmt.Errorf("-params: %w", err)
	}
	signer, err := signing.NewHMAC(*key)
	if err != nil {
		return err
	}
	if *expires > 0 {
		q.Set("expires", fmt.Sprint(time.Now().Add(*expires).Unix()))
	}
	b := &signing.Builder{Host: *host, Signer: signer}
	fmt.Fprintln(stdout, b.URL(*path, q))
	q.Del("expires")
	fmt.Fprintln(stdout, b.SrcSet(*path, q, nil))
	return nil
}
