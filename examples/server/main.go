// Command server is Rendition as a standalone image server: it serves the
// images of an origin, transformed by URL parameters. Serving its embedded
// sample images, it also shows a demo page at /.
//
//	go run ./examples/server                         # the embedded sample images
//	go run ./examples/server -origin file:///srv/img # a folder
//	go run ./examples/server -origin mem://          # an empty in-memory bucket
//	go run ./examples/server -origin https://example.com/images/
//
// Flags:
//
//	-addr     listen address (default 127.0.0.1:8080)
//	-origin   where originals come from: a gocloud.dev/blob URL (file:///dir,
//	          mem://, s3://, gs://, azblob://) or the http(s):// base URL of
//	          a web folder; the embedded samples when empty
//	-cache        a gocloud.dev/blob URL (file:///var/cache/rendition, mem://,
//	              s3://, gs://, azblob://) for a persistent cache tier behind
//	              the memory tier
//	-memory       memory cache budget in bytes (default 256 MiB)
//	-memory-max-age  how long an entry may stay in memory (0: until it
//	              expires); with several servers sharing -cache, how long a
//	              purge takes to reach every server's memory
//	-queue-deadline  how long a request may wait for a render slot before
//	              it is answered 503 with Retry-After (default 10s)
//	-sign-key     secret(s), comma-separated: when set, every request must be
//	              signed; the first key signs, all of them verify (rotation)
//	-sign-scheme  imgix, imagekit or hmac (default hmac); see package signing
//	-purge-token  mounts imgix's purge API at POST /purge, for requests
//	              with "Authorization: Bearer <token>" (the scheme in any case)
//	-demo         show the demo page at / also with -origin; it is shown
//	              by default only with the embedded samples, since with
//	              -sign-key it publishes about 50 URLs signed with the key
//	-proxy        web-proxy mode: the path is a full, percent-encoded URL
//	              (/https%3A%2F%2Fexample.com%2Fdog.jpg?w=300); needs
//	              -sign-key unless -allow-unsigned
//	-allow-hosts  comma list of hosts the web proxy may fetch; *.example.com
//	              matches the names below example.com
//	-allow-private  let the web proxy reach loopback and private addresses
//	              (development only)
//	-allow-unsigned serve the web proxy without signatures (development only)
//	-avif         enable AVIF output (fm=avif, and auto=format for browsers
//	              that accept it); slow to encode, off by default
//
// It prints "listening on http://ADDR" when it is ready and shuts down
// cleanly on SIGINT or SIGTERM, letting requests in flight finish.
package main

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	_ "gocloud.dev/blob/azureblob"
	_ "gocloud.dev/blob/fileblob"
	_ "gocloud.dev/blob/gcsblob"
	_ "gocloud.dev/blob/memblob"
	_ "gocloud.dev/blob/s3blob"

	"github.com/rendition-go/rendition"
	"github.com/rendition-go/rendition/cache"
	"github.com/rendition-go/rendition/signing"
	"github.com/rendition-go/rendition/source"
	"github.com/rendition-go/rendition/transform"
)

//go:embed samples
var embedded embed.FS

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "server:", err)
		os.Exit(1)
	}
}

// config is the parsed command line.
type config struct {
	addr, origin, cache string
	memory              int64
	memoryMaxAge        time.Duration
	queueDeadline       time.Duration
	signKeys            []string
	signScheme          string
	purgeToken          string
	proxy               bool
	allowHosts          []string
	allowPrivate        bool
	allowUnsigned       bool
	avif                bool
	demo                bool
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("server", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.addr, "addr", "127.0.0.1:8080", "listen address")
	fs.StringVar(&c.origin, "origin", "", "originals: a gocloud.dev/blob URL (file:///dir, mem://, s3://, gs://, azblob://) or an http(s):// web folder; empty serves the embedded samples")
	fs.StringVar(&c.cache, "cache", "", "gocloud.dev/blob URL of a persistent cache tier (file:///dir, mem://, s3://, gs://, azblob://)")
	fs.Int64Var(&c.memory, "memory", cache.DefaultMaxBytes, "memory cache budget in bytes")
	fs.DurationVar(&c.memoryMaxAge, "memory-max-age", 0, "how long an entry may stay in memory (0: until it expires); bounds how long a purge takes to reach servers sharing -cache")
	fs.DurationVar(&c.queueDeadline, "queue-deadline", rendition.DefaultQueueDeadline, "how long a request may wait for a render slot before it is answered 503 with Retry-After")
	signKey := fs.String("sign-key", "", "secret(s), comma-separated; when set, every request must be signed (the first key signs)")
	fs.StringVar(&c.signScheme, "sign-scheme", "hmac", "signature scheme: imgix, imagekit or hmac")
	fs.StringVar(&c.purgeToken, "purge-token", "", "mount the purge API at POST /purge behind this bearer token")
	fs.BoolVar(&c.proxy, "proxy", false, "web-proxy mode: the path is a full, percent-encoded URL")
	allowHosts := fs.String("allow-hosts", "", "comma list of hosts the web proxy may fetch (*.example.com for the names below)")
	fs.BoolVar(&c.allowPrivate, "allow-private", false, "let the web proxy reach loopback and private addresses (development only)")
	fs.BoolVar(&c.allowUnsigned, "allow-unsigned", false, "serve the web proxy without signed URLs (development only)")
	fs.BoolVar(&c.avif, "avif", false, "enable AVIF output (slow to encode)")
	fs.BoolVar(&c.demo, "demo", false, "show the demo page at / also with -origin (by default only with the embedded samples); with -sign-key its URLs are signed with the key")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if *allowHosts != "" {
		c.allowHosts = strings.Split(*allowHosts, ",")
	}
	if c.proxy && c.origin != "" {
		return c, errors.New("-proxy and -origin exclude each other: the web proxy's origins are the URLs in requests")
	}
	if c.proxy && c.demo {
		return c, errors.New("-demo and -proxy exclude each other: the demo page's paths are not URLs")
	}
	if !c.proxy && (c.allowHosts != nil || c.allowPrivate || c.allowUnsigned) {
		return c, errors.New("-allow-hosts, -allow-private and -allow-unsigned apply to -proxy only")
	}
	if c.proxy && *signKey == "" && !c.allowUnsigned {
		return c, errors.New("-proxy needs -sign-key, so that only URLs you signed are fetched (or -allow-unsigned, for development only)")
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if *signKey != "" {
		c.signKeys = strings.Split(*signKey, ",")
	}
	if c.memory <= 0 {
		return c, fmt.Errorf("-memory must be positive, got %d", c.memory)
	}
	return c, nil
}

// run serves until ctx is done.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	src, closeSrc, err := openOrigin(ctx, cfg)
	if err != nil {
		return err
	}
	defer closeSrc()

	signer, err := newSigner(cfg.signScheme, cfg.signKeys)
	if err != nil {
		return err
	}
	derivatives, closeCache, err := openCache(ctx, cfg)
	if err != nil {
		return err
	}
	defer closeCache()

	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	opts := &rendition.Options{Cache: derivatives, Logger: logger, AllowUnsigned: cfg.allowUnsigned, QueueDeadline: cfg.queueDeadline,
		Transform: transform.Options{AVIF: cfg.avif}}
	if cfg.avif {
		// The encoder's one-time set-up takes a second or two: pay it now,
		// not in the first request that asks for AVIF.
		go func() {
			if err := transform.WarmUpAVIF(); err != nil {
				logger.Error("AVIF encoder unavailable", "err", err)
			}
		}()
	}
	if signer != nil {
		opts.Verifier = signer
	}
	images, err := rendition.New(src, opts)
	if err != nil {
		return err
	}
	var purge http.Handler
	if cfg.purgeToken != "" {
		purge = bearer(cfg.purgeToken, images.PurgeHandler(""))
	}
	samples := cfg.origin == "" && !cfg.proxy
	var demo http.Handler
	if samples || cfg.demo {
		demo = demoPage(samples, signer)
	}
	mux := routes(demo, purge, images)

	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	fmt.Fprintf(stdout, "listening on http://%s\n", ln.Addr())

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// routes sends GET / to the demo page and /purge to the purge handler, when
// they are mounted (not nil), and everything else to the image handler. It does not clean
// paths as http.ServeMux does: in web-proxy mode a path holds a URL, and a
// redirect to a cleaned path would break it and its signature.
func routes(demo, purge, images http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/" && demo != nil && (r.Method == http.MethodGet || r.Method == http.MethodHead):
			demo.ServeHTTP(w, r)
		case r.URL.Path == "/purge" && purge != nil:
			purge.ServeHTTP(w, r)
		default:
			images.ServeHTTP(w, r)
		}
	})
}

// openOrigin returns the source named by -origin (or the web proxy, with
// -proxy) and a function that releases it.
func openOrigin(ctx context.Context, cfg config) (source.Source, func(), error) {
	origin := cfg.origin
	if cfg.proxy {
		p, err := source.NewWebProxy(&source.WebProxyOptions{AllowHosts: cfg.allowHosts, AllowPrivate: cfg.allowPrivate})
		if err != nil {
			return nil, nil, fmt.Errorf("-allow-hosts: %w", err)
		}
		return p, p.CloseIdleConnections, nil
	}
	if origin == "" {
		samples, err := fs.Sub(embedded, "samples")
		if err != nil {
			return nil, nil, err
		}
		return source.NewFS(samples), func() {}, nil
	}
	if strings.HasPrefix(origin, "http://") || strings.HasPrefix(origin, "https://") {
		w, err := source.NewWebFolder(origin, nil)
		if err != nil {
			return nil, nil, fmt.Errorf("-origin: %w", err)
		}
		return w, w.CloseIdleConnections, nil
	}
	b, err := source.OpenBucket(ctx, origin, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("-origin: %w", err)
	}
	return b, func() { b.Close() }, nil
}

// openCache returns the derivative cache: memory, in front of a bucket tier
// when -cache names one.
func openCache(ctx context.Context, cfg config) (cache.Cache, func(), error) {
	memory := cache.NewMemory(&cache.MemoryOptions{MaxBytes: cfg.memory, MaxAge: cfg.memoryMaxAge})
	if cfg.cache == "" {
		return memory, func() {}, nil
	}
	b, err := cache.OpenBucket(ctx, cfg.cache, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("-cache: %w", err)
	}
	return cache.NewTiered(memory, b), func() { b.Close() }, nil
}

// urlSigner signs and verifies URLs with one scheme.
type urlSigner interface {
	signing.Signer
	signing.Verifier
}

// newSigner returns the signer for -sign-scheme and -sign-key, or nil when
// no key is set.
func newSigner(scheme string, keys []string) (urlSigner, error) {
	var s urlSigner
	var err error
	switch scheme {
	case "hmac":
		if len(keys) == 0 {
			return nil, nil
		}
		s, err = signing.NewHMAC(keys...)
	case "imgix":
		if len(keys) == 0 {
			return nil, nil
		}
		s, err = signing.NewImgix(keys...)
	case "imagekit":
		if len(keys) == 0 {
			return nil, nil
		}
		s, err = signing.NewImageKit(keys...)
	default:
		return nil, fmt.Errorf("-sign-scheme %q: use imgix, imagekit or hmac", scheme)
	}
	if err != nil {
		return nil, fmt.Errorf("-sign-key: %w", err)
	}
	return s, nil
}

// bearer lets through only requests that carry "Authorization: Bearer
// token". The scheme is matched in any case (RFC 7235); the token is
// compared in constant time, through its SHA-256 so that not even its
// length shows.
func bearer(token string, next http.Handler) http.Handler {
	want := sha256.Sum256([]byte(token))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		scheme, got, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		sum := sha256.Sum256([]byte(strings.TrimLeft(got, " ")))
		if !strings.EqualFold(scheme, "Bearer") || subtle.ConstantTimeCompare(sum[:], want[:]) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="purge"`)
			http.Error(w, "Unauthorized: a valid bearer token is required", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}
