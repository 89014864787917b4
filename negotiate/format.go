package negotiate

// Formats lists the optional output formats the operator has enabled for
// auto=format. The zero value enables none of them. WebP needs no switch: it
// is always offered to clients that list it. Formats is a plain value, safe
// for concurrent use.
type Formats struct {
	// AVIF allows "avif" to be chosen. It is off by default because AVIF is
	// slow to encode.
	AVIF bool
}

// ChooseFormat picks the output format for auto=format. It returns the first
// that applies:
//
//  1. "avif" when enabled.AVIF is set and the client lists image/avif;
//  2. "webp" when the client lists image/webp;
//  3. source itself when it is "png" or "gif", or "jpg" with hasAlpha false;
//  4. "png" when hasAlpha is set;
//  5. "jpg".
//
// "Lists" means [Accept.Explicit]: a match through image/* or */* does not
// count, because clients send those wildcards whatever they decode. The
// client's q-values do not reorder steps 1 and 2: the server prefers the
// format that is usually smallest among those the client names. Steps 3 to 5
// never refuse, whatever Accept says, because every browser displays JPEG,
// PNG and GIF; a client that names no format still gets an image.
//
// source is the format imgix falls back to when neither modern format is
// accepted: the fm= format if one was given, else the source image's format,
// by its URL name ("jpg", "png", "gif", "webp", "bmp", "tiff"). hasAlpha
// reports whether the rendered image has transparent pixels; a JPEG source
// gains them through padding or rounded corners, and then becomes PNG.
//
//	source           opaque   transparent   (neither avif nor webp chosen)
//	jpg              jpg      png
//	png              png      png
//	gif              gif      gif
//	webp, bmp, tiff  jpg      png
//	"" or unknown    jpg      png
//
// The package documentation lists what each major browser receives.
func ChooseFormat(a Accept, hasAlpha bool, source string, enabled Formats) string {
	if f := Preferred(a, enabled); f != "" {
		return f
	}
	switch source {
	case "png", "gif":
		return source
	case "jpg":
		if !hasAlpha {
			return source
		}
	}
	if hasAlpha {
		return "png"
	}
	return "jpg"
}

// Preferred is the first two steps of [ChooseFormat]: "avif" when
// enabled.AVIF is set and the client lists image/avif, else "webp" when it
// lists image/webp, else "". It needs neither the image nor its source
// format, so a server can resolve it before fetching anything (and key its
// cache on it), leaving the fallback to the renderer.
func Preferred(a Accept, enabled Formats) string {
	switch {
	case enabled.AVIF && a.Explicit("image/avif"):
		return "avif"
	case a.Explicit("image/webp"):
		return "webp"
	}
	return ""
}
