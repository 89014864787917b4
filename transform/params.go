package transform

import (
	"fmt"
	"image/color"
	"strconv"
	"unicode"
	"unicode/utf8"
)

// Params is a parsed, validated and normalised set of transformation
// parameters. The zero value means "no transformation": the source is decoded,
// oriented upright and re-encoded in its own format.
//
// Params produced by [ParseQuery] are canonical: a field holds its zero value
// whenever the parameter was absent or set to its default, so two URLs that
// mean the same thing parse to equal Params and [Params.Encode] to the same
// string. Params is a plain value; copies are independent.
type Params struct {
	// Width and Height are the requested output size. 0 means unset; a value
	// in (0, 1] is a fraction of the source's (oriented, rect-cropped) size;
	// a value of 2 or more is a whole number of pixels (at most 8192).
	Width, Height float64

	// Fit says how the image is made to fit Width x Height. "" means FitClip.
	Fit FitMode

	// Crop chooses which part to keep when Fit is FitCrop (or FitMin). Zero
	// means centre.
	Crop CropMode

	// FocalPoint is the focal point used by crop=focalpoint; nil means the
	// default (0.5, 0.5, zoom 1).
	FocalPoint *FocalPoint

	// AspectRatio is the requested width/height ratio (ar=W:H); 0 means unset.
	AspectRatio float64

	// Rect is a source region cut out before any resizing; nil means the
	// whole image.
	Rect *Rect

	// MinWidth, MaxWidth, MinHeight and MaxHeight bound the output size
	// (min-w, max-w, min-h, max-h); 0 means unset.
	MinWidth, MaxWidth, MinHeight, MaxHeight int

	// DPR multiplies the output size (dpr); 0 means 1.
	DPR float64

	// Quality is the lossy encoding quality, 1..100 (q); 0 means the default
	// (75, or 45 with auto=compress). q=0 in a URL is stored as 1.
	Quality int

	// Format is the output format (fm); "" means the source's own format.
	Format Format

	// Lossless asks WebP and AVIF for lossless encoding (lossless=1).
	Lossless bool

	// Auto holds the auto= flags.
	Auto Auto

	// ClientHints lists the client hints (ch=) that may override Width,
	// DPR and Quality. [Params.WithHints] applies a request's hints.
	ClientHints ClientHints

	// WidthHint and DPRHint are client hints that [Params.WithHints] leaves
	// to the layout, which alone knows the source's size: WidthHint is the
	// output width in device pixels that the client asked for, at most the
	// width the rest of Params gives (w, else max-w, else the source's
	// width), and ignored where it would make the output larger than
	// without it; DPRHint replaces DPR, lowered (never below 1) so that the
	// image is not enlarged beyond the source. 0 means none. [ParseQuery]
	// never sets them.
	WidthHint int
	DPRHint   float64

	// FlipH and FlipV mirror the image horizontally and vertically (flip).
	FlipH, FlipV bool

	// Rotate is a clockwise rotation in degrees: 0, 90, 180 or 270 (rot).
	Rotate int

	// Orient overrides the source's EXIF orientation (orient): 0 means
	// "use EXIF"; 1..8 are EXIF orientation values. orient=90, 180 and 270
	// are stored as the EXIF values 6, 3 and 8.
	Orient int

	// Background is the colour behind transparent areas and padding (bg);
	// nil means transparent where the output format has alpha, else white.
	Background *color.NRGBA

	// FillColor is the padding colour for fit=fill and fit=fillmax
	// (fill-color); nil means Background.
	FillColor *color.NRGBA

	// Download, when not empty, asks for Content-Disposition: attachment
	// with this file name (dl).
	Download string
}

// FitMode is how an image is made to fit the requested box. See [Params.Fit].
type FitMode string

// The supported fit modes, as named in imgix's fit parameter.
const (
	FitClip    FitMode = "clip"    // fit inside the box, keep the aspect ratio (the default)
	FitCrop    FitMode = "crop"    // fill the box, cut the excess as Crop says
	FitClamp   FitMode = "clamp"   // fit inside, then extend the edge pixels to fill the box
	FitFill    FitMode = "fill"    // fit inside, then pad to the box with FillColor
	FitFillMax FitMode = "fillmax" // like fill, but never upscale the image itself
	FitMax     FitMode = "max"     // like clip, but never upscale
	FitMin     FitMode = "min"     // like crop, but never upscale (keeps the box's aspect ratio)
	FitScale   FitMode = "scale"   // stretch to exactly the box, ignoring the aspect ratio
)

// CropMode is a set of crop anchors (crop=top,left, crop=focalpoint). Its zero
// value means the centre.
type CropMode uint8

// Crop anchors. Top and Bottom, or Left and Right, never appear together.
const (
	CropTop CropMode = 1 << iota
	CropBottom
	CropLeft
	CropRight
	CropFocalPoint
)

// FocalPoint is the point crop=focalpoint keeps in view, in fractions of the
// image, with a zoom factor (fp-x, fp-y, fp-z).
type FocalPoint struct {
	X, Y float64 // 0..1; default 0.5
	Z    float64 // 1..100; default 1
}

// Rect is a source region (rect=x,y,w,h). Each value is a whole number of
// pixels, or a fraction of the source size when Fraction says so; X and Y may
// instead be anchored by XAlign / YAlign.
type Rect struct {
	X, Y, W, H float64
	// Fraction marks which of X, Y, W, H (bits 0..3) are fractions of the
	// source's size rather than pixels.
	Fraction uint8
	// XAlign is "left", "center" or "right" when rect's x was given as a
	// word; YAlign is "top", "middle" or "bottom". "" means X or Y is a number.
	XAlign, YAlign string
}

// Auto holds the auto= parameter's flags.
type Auto uint8

// The auto= flags.
const (
	AutoFormat   Auto = 1 << iota // choose the output format from the client's Accept header
	AutoCompress                  // lower the default quality to 45
)

// ClientHints is the set of client hints a URL opts into (ch=width,dpr,save-data).
type ClientHints uint8

// The client hints.
const (
	HintWidth    ClientHints = 1 << iota // Sec-CH-Width (device pixels) replaces w
	HintDPR                              // Sec-CH-DPR replaces dpr
	HintSaveData                         // Save-Data: on lowers the quality
)

// Format is an output or source image format.
type Format string

// The formats Rendition reads or writes. The value is the name used in URLs.
const (
	JPEG Format = "jpg"
	PNG  Format = "png"
	GIF  Format = "gif"
	WebP Format = "webp"
	AVIF Format = "avif" // encode only, when enabled: see [Options].AVIF
	BMP  Format = "bmp"  // decode only
	TIFF Format = "tiff" // decode only
)

// ContentType returns the format's MIME type, or "" for an unknown format.
func (f Format) ContentType() string {
	switch f {
	case JPEG:
		return "image/jpeg"
	case PNG:
		return "image/png"
	case GIF:
		return "image/gif"
	case WebP:
		return "image/webp"
	case AVIF:
		return "image/avif"
	case BMP:
		return "image/bmp"
	case TIFF:
		return "image/tiff"
	}
	return ""
}

// CanEncode reports whether Rendition can always write images in format f.
// It is false for AVIF, which [Encode] writes but [Render] only produces when
// [Options].AVIF enables it.
func (f Format) CanEncode() bool {
	switch f {
	case JPEG, PNG, GIF, WebP:
		return true
	}
	return false
}

// HasAlpha reports whether format f can carry transparency.
func (f Format) HasAlpha() bool { return f == PNG || f == GIF || f == WebP || f == AVIF }

// ParamError reports a parameter that is unknown, malformed or out of range.
// Param is the name as it appeared in the URL. A ParamError is not modified
// after it is returned, so it is safe for concurrent use.
type ParamError struct {
	Param  string
	Value  string
	Reason string
}

// Error returns "parameter NAME=VALUE: REASON", with the value quoted as Go
// does. The name is written as it is when it is printable text without
// spaces or quotes, and quoted otherwise: a name holding CR, LF or another
// control byte never reaches a response body or a log line raw.
func (e *ParamError) Error() string {
	name := e.Param
	if needsQuote(name) {
		name = strconv.Quote(name)
	}
	if e.Value == "" {
		return fmt.Sprintf("parameter %s: %s", name, e.Reason)
	}
	return fmt.Sprintf("parameter %s=%q: %s", name, e.Value, e.Reason)
}

// needsQuote reports whether s must be quoted to be read back unambiguously:
// it is empty, not valid UTF-8, or holds a space, a quote, a backslash or a
// character that is not printable (controls, bidirectional formatting).
func needsQuote(s string) bool {
	if s == "" || !utf8.ValidString(s) {
		return true
	}
	for _, r := range s {
		if r == ' ' || r == '"' || r == '\\' || !unicode.IsPrint(r) {
			return true
		}
	}
	return false
}
