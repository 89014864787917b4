// Package negotiate chooses what an image response looks like from what the
// request says about its client: the output format from the Accept header
// (for auto=format), the device pixel ratio and display width from client
// hints (for ch=), and the Vary and Accept-CH response headers that let
// caches and browsers take part.
//
// The package is stateless: its functions read their arguments only, and its
// types are plain values that are safe for concurrent use.
//
// # Accept
//
// [ParseAccept] reads an Accept header as RFC 9110 defines it: media ranges
// (type/subtype, type/* or */*) with optional q-values, where q=0 means "not
// acceptable". [Accept.Quality] answers with the q of the most specific
// matching range, so "image/webp;q=0, image/*" refuses WebP but accepts PNG.
// Parsing never fails: malformed elements are skipped, and a header with no
// well-formed range is treated as absent, which accepts everything.
//
// A type matched only through a wildcard is acceptable but not supported in
// any useful sense: browsers send image/* and */* whether or not they decode
// WebP or AVIF. [Accept.Explicit] reports whether a type is named itself,
// and that is what format choice relies on.
//
// # Format choice
//
// The format rule of auto=format is transform's
// ([github.com/rendition-go/rendition/transform.Params.WithAccept]): AVIF
// when the client names it and the operator enabled it (AVIF is slow to
// encode), else WebP when the client names it, else a format every browser
// displays. A server learns which formats a client names with
// [Accept.Explicit]. The Accept headers clients send for images, and what a
// JPEG source and a WebP source with transparency become:
//
//	client          AVIF enabled       AVIF disabled
//	                JPEG     WebP      JPEG     WebP
//	Chromium 156    avif     avif      webp     webp
//	Firefox 128+    avif     avif      webp     webp
//	Firefox 92-127  avif     avif      webp     webp
//	Firefox 65-91   webp     webp      webp     webp
//	Safari 17+      avif     avif      webp     webp
//	Safari 14-15    webp     webp      webp     webp
//	curl            jpg      png       jpg      png
//	no Accept       jpg      png       jpg      png
//	old browser     jpg      png       jpg      png
//
//	Chromium 156    image/jxl,image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8
//	Firefox 128+    image/avif,image/webp,image/png,image/svg+xml,image/*;q=0.8,*/*;q=0.5
//	Firefox 92-127  image/avif,image/webp,*/*
//	Firefox 65-91   image/webp,*/*
//	Safari 17+      image/webp,image/avif,image/jxl,image/heic,image/heic-sequence,video/*;q=0.8,image/png,image/svg+xml,image/*;q=0.8,*/*;q=0.5
//	Safari 14-15    image/webp,image/png,image/svg+xml,image/*;q=0.8,video/*;q=0.8,*/*;q=0.5
//	curl            */*
//	old browser     image/png,image/*;q=0.8,*/*;q=0.5
//
// # Client hints
//
// A server that answers with "Accept-CH: " + [AcceptCH] asks the browser to
// send the hints [ParseHints] reads. Chromium then sends Sec-CH-DPR and
// Sec-CH-Viewport-Width (in CSS pixels) with image requests, and Sec-CH-Width
// (in device pixels) only for an <img> with a sizes attribute. ParseHints
// also reads the legacy names (DPR, Width, Viewport-Width) and Save-Data,
// bounds every value (DPR to 5, widths to 8192) and ignores malformed ones.
//
// # Vary
//
// A response must name in Vary every request header that chose it, or a
// shared cache will serve one client's variant to another: Accept whenever
// the format was negotiated, even when the source format won, and the hint
// headers whenever ch= used them. [VaryFor] lists the hint headers for the
// ch= values, both the Sec-CH- and the legacy name of each, because
// ParseHints consults both; [AddVary] merges names into a response's Vary
// header.
//
// Shared caches key on the raw header value, so each browser's exact Accept
// string makes its own cache entry. A cache in front can normalise Accept to
// a few values (names image/avif, names image/webp, neither) before keying.
package negotiate
