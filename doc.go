// Package rendition is an image CDN engine to embed in a Go program: a URL
// with transformation parameters comes in, the original is read from the
// program's own storage, rendered, cached, and served with the headers a CDN
// and a browser expect. Rendering is Go, except WebP (see Builds).
//
// # Three ways to use it
//
// Transform images in code with package [github.com/rendition-go/rendition/transform]:
//
//	p, _ := transform.ParseQuery(url.Values{"w": {"300"}, "fm": {"webp"}})
//	info, err := transform.Transform(ctx, out, in, p)
//
// Mount the [Handler] in a server, with originals from any
// [github.com/rendition-go/rendition/source.Source]:
//
//	h, err := rendition.New(source.NewFS(os.DirFS("images")), nil)
//	mux.Handle("/img/", http.StripPrefix("/img", h))
//
// Or run the example server, a standalone image origin: go run ./examples/server.
//
// # Builds
//
// WebP is read and written by libwebp 1.4.0, in one of two forms picked by
// the build. With cgo (the default where a C compiler is found),
// github.com/chai2010/webp compiles the libwebp sources it bundles. With
// CGO_ENABLED=0, and in cross-compiled builds, github.com/gen2brain/webp runs
// libwebp compiled to WebAssembly with the wazero runtime (build it with
// -tags nodynamic, or a system libwebp found at start-up is used instead):
// no C compiler is needed and both forms give the same bytes and pixels, but
// the WebAssembly form compiles its module on the first WebP call in a
// process (about a second) and takes 3 to 4 times the CPU time of the cgo
// form (a lossy 1200x900 encode: 0.64 s against 0.15 s; lossless: 6.0 s
// against 2.1 s). go test -race ./... needs a C compiler;
// CGO_ENABLED=0 go test -tags nodynamic ./... does not.
//
// # One request, top to bottom
//
// [Handler.ServeHTTP] takes GET /{key}?{params} through these steps, each one
// call that can be read in order:
//
//  1. parse: the path is the source key, the query the transformation
//     ([transform.ParseQuery]: strict, a bad value is a 400 naming it);
//     with [Options].Verifier set, the signature is checked first, on the
//     URL exactly as received (403 ESIGNATURE), so nothing unsigned is
//     interpreted or fetched;
//  2. negotiate: auto=format and the client hints the URL opts into (ch=)
//     are resolved from Accept and Sec-CH-* into concrete parameters, and
//     the answer's Vary is recorded;
//  3. key: the derivative's cache key, a hash of the key version, the
//     source key and the canonical parameters ([transform.Params.Encode]);
//  4. cache: a hit is answered at once (X-Cache: HIT);
//  5. coalesce: identical concurrent misses share one fetch and one render,
//     which runs detached from the first caller, so a client that goes away
//     does not fail the others;
//  6. fetch: the original is read from the source with a timeout and a
//     byte limit;
//  7. render: within the render concurrency limit, the image is decoded
//     (its header checked against the limits first), cut, resized,
//     oriented, padded and encoded ([transform.Render]); a file that is not
//     an image is passed through unchanged when no transformation is asked;
//  8. store: the result (or a non-transient error) is written to the cache;
//  9. respond: Content-Type, a strong ETag, Cache-Control, Server-Timing,
//     X-Cache and nosniff; conditional requests (304) and HEAD are answered
//     by [net/http.ServeContent].
//
// [Handler.Process] runs steps 3 to 8 without HTTP.
//
// # Errors
//
// Every failure is an [*Error] with an HTTP status, a stable code sent in
// the X-Rendition-Error header, and a short message that never contains an
// internal address or an origin's body:
//
//	400 EINVAL        malformed or out-of-range parameter or path (the body names it)
//	403 ESIGNATURE    signature missing, invalid or expired
//	403 EACCES        the origin refused our credentials
//	404 ENOENT        the origin has no such object
//	405 EINVAL        a method other than GET or HEAD
//	413 ELIMIT        source or output over a limit (bytes, pixels, sides, frames,
//	                  a chain's pixels, an encoder's pixels, the render time)
//	415 EFORMAT       not an image, and a transformation was asked for
//	422 EDECODE       an image that cannot be decoded
//	499 ECANCELED     the client went away before the answer (nobody reads it;
//	                  counted apart from the server's own failures)
//	503 EBUSY         the render queue is too long to wait (with Retry-After)
//	502 EORIGIN       the origin failed or broke the connection
//	504 ETIMEDOUT     the origin did not answer in time
//	500 UNIDENTIFIED  anything else, including a recovered panic
//
// Error answers carry Cache-Control: public, max-age=<ErrorTTL> and are
// cached for that long, except transient ones (timeouts, a full queue,
// internal errors), which are sent with no-store and never cached.
//
// # Caching
//
// Two things are cached, each in a [github.com/rendition-go/rendition/cache.Cache]:
// derivatives ([Options].Cache, the rendered bytes and cached error answers)
// and originals ([Options].Originals), so that a new size of a known image
// does not go back to the origin. Both default to memory caches with a byte
// budget; cache.NewTiered(cache.NewMemory(nil), bucket) adds a persistent tier
// in any gocloud.dev/blob bucket.
//
// How long entries live, and the max-age sent, follows [Options].TTL and
// [Options].TTLMode, as imgix's source settings: by default the TTL (90 days)
// is a minimum over the origin's Cache-Control. A derivative expires with
// its original. Error answers are kept for [Options].ErrorTTL (5 minutes).
// An original past its lifetime is still used for [Options].StaleWhileRevalidate
// while one background request refreshes it (conditionally, when the source
// can), and for [Options].StaleIfError when the origin fails.
//
// All the entries of one original share a key prefix, so [Handler.Purge]
// removes an original and every derivative of it from every tier as one
// prefix deletion per cache, then calls [Options].OnPurge to purge a CDN.
// [Handler.PurgeHandler] accepts imgix's purge request body.
//
// # Scaling out
//
// Instances are stateless. To run several:
//
//   - share a bucket tier (S3, GCS, Azure) between them, behind each one's
//     memory tier: a derivative rendered by one instance is a hit for all;
//     share the origin cache the same way;
//   - put a CDN or Varnish in front. Answers carry Cache-Control, a strong
//     ETag and Vary: Accept when auto=format was used. Caches key on the raw
//     Accept header, so normalise it in front (for example to "image/webp"
//     or empty) to keep one entry per format rather than one per browser;
//   - call Purge on any instance to purge the shared tier and, through
//     OnPurge, the CDN. Other instances' memory tiers keep what they hold
//     for at most their [cache.MemoryOptions].MaxAge: set it (seconds to a
//     minute) to bound how long a purge takes to reach every instance.
//
// # Concurrency and limits
//
// A Handler is safe for concurrent use. At most [Options].MaxRenders images
// are rendered at once (GOMAXPROCS by default); more wait while they can be
// expected to start within [Options].QueueDeadline, and the bytes of the
// originals being fetched and held for renders are bounded by
// [Options].MaxOriginalBytesInFlight, so memory stays bounded under load.
// Sources are bounded by [transform.Limits] (50 MP, 16384 px a side, 40 MiB
// by default) before a pixel is decoded.
package rendition
