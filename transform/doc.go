// Package transform renders images: it turns imgix-style URL parameters into
// [Params], decodes a source within limits, orients it, works out the
// geometry, resamples it with a chosen kernel and encodes the result. It has
// no HTTP and no I/O of its own beyond an [io.Reader] and an [io.Writer], so
// the same code serves the handler and programs that call it directly.
//
// # Overview
//
// The steps, each usable on its own:
//
//   - Parameters: [ParseQuery] parses and validates a URL query into
//     canonical [Params]; [Params.Encode] writes them back in a canonical
//     form fit for cache keys. Bad parameters are reported as a *[ParamError]
//     that names the parameter.
//   - Decoding: [Decode] reads the header first and refuses sources over the
//     [Limits] (bytes, pixels, sides, frames) before allocating any pixels.
//     Decoding goes through the package's own codec table: JPEG, PNG, GIF,
//     WebP, BMP and TIFF. In the pipeline, a JPEG is decoded by Rendition's
//     own decoder at 1/2, 1/4 or 1/8 scale when the output is small enough
//     (shrink-on-load), with image/jpeg as the fallback; [Info].Decoder says
//     which ran.
//   - Orientation: the EXIF orientation is applied first, unless the orient
//     parameter replaces it; rot and flip follow. See [Orient].
//   - Geometry: [PlanLayout] works out the source region (rect), the resized
//     size and the padding from fit, crop, ar, dpr and the size bounds.
//     [Fit], [Fill], [Crop], [Rotate90], [FlipH] and their siblings are the
//     single operations for callers who work on an [image.Image] directly.
//   - Resampling: [Resize] scales with a [Kernel]; [Lanczos3] is the default,
//     and [CatmullRom], [Mitchell], [Linear], [Box] and [Nearest] trade
//     sharpness for speed. Reductions filter over the whole source area, so
//     they do not alias.
//   - Encoding: [Encode] writes JPEG, PNG, GIF or WebP at the requested
//     quality, and AVIF when [Options].AVIF enables it (slow to encode).
//
// [Transform] is the whole pipeline for bytes in, bytes out, with the
// default limits and kernel; [Render] is the same with [Options], and
// [RenderChain] applies several steps in order, as ImageKit's chained
// transformations ([ParseImageKit]) ask.
//
// A render stops soon after its context is done, so that work nobody waits
// for ends: the JPEG decoder, the resampler, the per-pixel passes and the Go
// encoders check it every few milliseconds of work, and return its error.
// [Limits].MaxRenderTime stops a render that runs too long the same way,
// with a [*LimitError]. What cannot be stopped is bounded before it starts:
// a chain's output pixels in total (MaxChainPixels) and the outputs of
// libwebp and libavif (MaxLosslessWebPPixels, MaxWebPPixels,
// MaxAVIFPixels) are checked from the header, before decoding. The other
// decoders (PNG, GIF, WebP, BMP, TIFF and image/jpeg's fallback) cannot be
// interrupted; the source limits bound them.
//
// # URL parameters
//
// [ParseQuery] accepts the following imgix parameters. Names are
// case-sensitive, as in imgix, and so are keyword values; colours are not.
// A default is never stored: a parameter set to its default gives the same
// [Params] as one left out.
//
//	name (aliases)         values                                        default     example
//	w (width)              fraction in (0, 1] of the source width, or    source      w=300, w=0.5
//	                       whole pixels 2..8192
//	h (height)             as w, for the height                          source      h=200
//	fit (f)                clip crop clamp fill fillmax max min scale    clip        fit=crop
//	crop                   comma list of top bottom left right           centre      crop=top,left
//	                       focalpoint (not top with bottom, nor left
//	                       with right)
//	fp-x, fp-y             0..1, the focal point for crop=focalpoint     0.5         fp-x=0.3
//	fp-z                   1..100, zoom on the focal point               1           fp-z=2
//	ar                     W:H, positive numbers, 1:8192..8192:1         none        ar=16:9
//	rect                   x,y,w,h source region, cut before resizing    whole       rect=10,10,200,100
//	min-w (min-width)      whole pixels 1..8192                          none        min-w=100
//	max-w (max-width)      whole pixels 1..8192                          none        max-w=1200
//	min-h (min-height)     whole pixels 1..8192                          none        min-h=100
//	max-h (max-height)     whole pixels 1..8192                          none        max-h=800
//	dpr                    number in (0, 5], multiplies w and h          1           dpr=2
//	q                      whole number 0..100 (0 means 1)               75 (45)     q=60
//	fm                     jpg (or jpeg) png gif webp avif               source's    fm=webp
//	lossless               1 0 true false (WebP)                         false       lossless=1
//	auto                   comma list of format compress; may repeat     none        auto=format,compress
//	ch                     comma list of width dpr save-data (hints)     none        ch=width,dpr
//	flip                   h v hv (or vh)                                none        flip=h
//	rot                    0 90 180 270, degrees clockwise               0           rot=90
//	orient (or)            0..8 (EXIF values), 90 180 270                EXIF        orient=6
//	bg                     colour behind transparency and padding        see below   bg=fff
//	fill-color (fillcolor) colour of fit=fill padding                    bg          fill-color=000
//	fill                   solid                                         solid       fill=solid
//	dl                     file name for Content-Disposition             none        dl=photo.jpg
//
// Details:
//
//   - w and h: 1 is a fraction (the whole source side); a whole number from 2
//     is pixels; 2.0 is read as 2. Anything else is refused, including 0,
//     1.5, 9000, exponents (1e3), hexadecimal, Inf and NaN. Every number in
//     a query is plain decimal: digits with at most one '.', no sign.
//   - rect: a value with a decimal point is a fraction of the source side
//     (0.0 to 1.0), a value without one is whole pixels; rect=0,0,0.5,0.5 is
//     the top-left quarter and rect=0,0,1,1 a single pixel. x may instead be
//     left, center or right, and y top, middle or bottom, aligning the region
//     in the source. w and h must be above zero.
//   - ar is stored as the single number W/H: ar=16:9 and ar=32:18 are equal.
//   - q: the default is 75, or 45 with auto=compress; asking for the default
//     is the same as leaving q out.
//   - orient: 0 means "use the EXIF orientation"; 1 to 8 replace it;
//     90, 180 and 270 are the EXIF values 6, 3 and 8.
//   - Colours are 3, 4, 6 or 8 hex digits without '#', where 4 and 8 digits
//     are ARGB with the alpha first (80ff0000 is half-transparent red), or a
//     CSS colour keyword such as red, rebeccapurple or transparent; see
//     [ParseColor]. Without bg, the background is transparent where the
//     output format has alpha and white elsewhere. fill-color equal to bg is
//     the same as no fill-color.
//   - dl: 1 to 255 bytes of UTF-8 without control characters, '/', '\' or
//     '"'.
//   - Focal point values are kept even without crop=focalpoint.
//
// Every parameter except auto and ch also exists as a base64 variant, its name
// (or alias) followed by 64, whose value is URL-safe base64 with or without
// padding: w64=MzAw is w=300 and width64=MzAw too. auto is the only
// parameter that may appear more than once (auto=format&auto=compress);
// any other parameter given twice, under any of its names, is refused.
// Values must be valid UTF-8 without control characters.
//
// [Params.Encode] writes the canonical form: canonical names in sorted
// order, no defaults, shortest decimal numbers, ar as a ratio to 1, colours
// as lowercase hex (RRGGBB when opaque, else AARRGGBB), escaped as
// [net/url.Values.Encode] does. For example
// "width=300&height=200.0&fit=clip&auto=compress,format&q=45&bg=RED"
// encodes as "auto=format%2Ccompress&bg=ff0000&h=200&w=300".
//
// # Client hints
//
// ch=width, ch=dpr and ch=save-data let a request's client hints change the
// output: [Params.WithHints] applies them, from a [Hints] the caller reads
// from the request (Sec-CH-Width, Sec-CH-DPR, Save-Data). A hint can only
// lower what the URL gives, so that a signed URL keeps bounding the work it
// allows:
//
//   - the width hint (device pixels) lowers w times dpr, or max-w times dpr;
//     with neither, it is capped at the source's width, as if max-w were the
//     source's width. A fixed h scales with it. Where min-w, ar or the fit
//     would still make the output wider or taller than without the hint,
//     the hint is ignored;
//   - the DPR hint lowers dpr; with no dpr in the URL it may raise the
//     output, but not beyond the source's size (and never below dpr=1);
//   - Save-Data lowers the quality to 45 at most.
//
// The bounds that need the source's size are carried in [Params].WidthHint
// and DPRHint and applied when the layout is planned. A hint that changes
// nothing leaves Params unchanged, so it makes no second cache entry, where
// that can be told without the source: without w, a width hint at or above
// the source's width is kept in Params, and ignored by the layout. The DPR
// hint counts in hundredths.
//
// # Refused parameters
//
// Parsing is strict, so that a typo does not silently render the wrong
// image. The other parameters of imgix's Rendering API (bri, con, blur, txt,
// mark, pad, border, trim, cs, expires and the rest, with their aliases
// and base64 variants) are refused as "not supported yet", as are the
// values fit=facearea, crop=faces, entropy and edges, fm=pjpg, png8,
// png32, json, blurhash, jp2, jxr, mp4 and webm, auto=enhance, redeye and
// true, fill=blur, gen, generative and gradient, and rot at angles other than
// multiples of 90. Any other name is an "unknown parameter". The handler
// answers all of these with 400 Bad Request naming the parameter. The
// signature parameter s is verified and removed before parsing; ParseQuery
// itself refuses it.
package transform
