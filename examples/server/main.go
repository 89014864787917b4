// Command server is Rendition as a standalone image server: it serves the
// images of an origin, transformed by URL parameters, with a demo page at /.
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
//	          mem://) or the http(s):// base URL of a web folder; the
//	          embedded samples when empty
//	-cache    not available yet: a persistent cache tier (see the project's
//	          issues); the server refuses the flag rather than ignore it
//	-memory   memory cache budget in bytes (default 256 MiB)
//
// It prints "listening on http://ADDR" when it is ready and shuts down
// cleanly on SIGINT or SIGTERM, letting requests in flight finish.
package main

import (
	"context"
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

	_ "gocloud.dev/blob/fileblob"
	_ "gocloud.dev/blob/memblob"

	"github.com/rendition-go/rendition"
	"github.com/rendition-go/rendition/source"
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
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("server", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.addr, "addr", "127.0.0.1:8080", "listen address")
	fs.StringVar(&c.origin, "origin", "", "originals: a gocloud.dev/blob URL (file:///dir, mem://) or an http(s):// web folder; empty serves the embedded samples")
	fs.StringVar(&c.cache, "cache", "", "gocloud.dev/blob URL of a persistent cache tier (not available yet)")
	fs.Int64Var(&c.memory, "memory", rendition.DefaultMemoryBytes, "memory cache budget in bytes")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if c.cache != "" {
		return c, errors.New("-cache: persistent cache tiers are not available in this version; leave it unset to cache in memory")
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
	src, closeSrc, err := openOrigin(ctx, cfg.origin)
	if err != nil {
		return err
	}
	defer closeSrc()

	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	images, err := rendition.New(src, &rendition.Options{MemoryBytes: cfg.memory, Logger: logger})
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle("GET /{$}", demoPage(cfg.origin == ""))
	mux.Handle("/", images)

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

// openOrigin returns the source named by -origin and a function that
// releases it.
func openOrigin(ctx context.Context, origin string) (source.Source, func(), error) {
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
	b, err := source.OpenBucket(ctx, origin)
	if err != nil {
		return nil, nil, fmt.Errorf("-origin: %w", err)
	}
	return b, func() { b.Close() }, nil
}
