package transform

import (
	"encoding/base64"
	"image/color"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits of the numeric parameters.
const (
	maxParamSize   = 8192          // largest w, h, min-w, max-w, min-h and max-h in pixels
	maxParamDPR    = 5             // largest dpr
	maxRectPixels  = math.MaxInt32 // largest pixel coordinate or size in rect
	maxDownloadLen = 255           // longest dl file name, in bytes
)

// Reasons shared by every parameter; the others are next to the code that
// checks the value.
const (
	reasonUnknown     = "unknown parameter"
	reasonUnsupported = "not supported yet"
	reasonRepeated    = "given more than once"
	reasonBase64      = "not valid URL-safe base64"
	reasonUTF8        = "not valid UTF-8"
	reasonClientHints = "must be a list of width, dpr and save-data"
	reasonControl     = "contains a control character"
)

// canonicalParam maps every supported parameter name and alias to its
// canonical name, the one [Params.Encode] writes.
var canonicalParam = map[string]string{
	"ar":         "ar",
	"auto":       "auto",
	"bg":         "bg",
	"ch":         "ch",
	"crop":       "crop",
	"dl":         "dl",
	"dpr":        "dpr",
	"f":          "fit",
	"fill":       "fill",
	"fill-color": "fill-color",
	"fillcolor":  "fill-color",
	"fit":        "fit",
	"flip":       "flip",
	"fm":         "fm",
	"fp-x":       "fp-x",
	"fp-y":       "fp-y",
	"fp-z":       "fp-z",
	"h":          "h",
	"height":     "h",
	"lossless":   "lossless",
	"max-h":      "max-h",
	"max-height": "max-h",
	"max-w":      "max-w",
	"max-width":  "max-w",
	"min-h":      "min-h",
	"min-height": "min-h",
	"min-w":      "min-w",
	"min-width":  "min-w",
	"or":         "orient",
	"orient":     "orient",
	"q":          "q",
	"rect":       "rect",
	"rot":        "rot",
	"w":          "w",
	"width":      "w",
}

// unsupportedParams lists, sorted, the imgix parameter names and aliases that
// are refused as "not supported yet" rather than as unknown. It includes s,
// the imgix signature, which must be verified and removed before parsing.
var unsupportedParams = []string{
	"annotation", "b", "ba", "background-removal-semi-transparency",
	"background-remove", "background-replace",
	"background-replace-negative-prompt", "balph", "bc", "bf", "bg-remove",
	"bg-remove-fallback", "bg-remove-fg-type", "bg-remove-semi-transparency",
	"bg-remove-transparency-threshold", "bg-replace", "bg-replace-fallback",
	"bg-replace-neg-prompt", "bh", "blend", "blend-align", "blend-alpha",
	"blend-clr", "blend-color", "blend-crop", "blend-fit", "blend-h",
	"blend-mode", "blend-pad", "blend-size", "blend-w", "blend-x", "blend-y",
	"blendalign", "blendalpha", "blendclr", "blendcolor", "blendcrop",
	"blendfit", "blendh", "blendmode", "blendpad", "blendsize", "blendw",
	"blendx", "blendy", "blur", "bm", "border", "border-bottom", "border-left",
	"border-radius", "border-radius-inner", "border-right",
	"border-stroke-color", "border-stroke-size", "border-top", "bp", "bri", "bs",
	"bw", "bx", "by", "chromasub", "colorquant", "colors", "con",
	"corner-radius", "cs", "dpi", "duotone", "duotone-alpha", "exp", "expires",
	"face-blur", "face-pixel", "face-pixelate", "faceindex", "facepad", "faces",
	"fill-gen-fallback", "fill-gen-neg-prompt", "fill-gen-pos",
	"fill-gen-prompt", "fill-gen-seed", "fill-generative-fallback",
	"fill-generative-negative-prompt", "fill-generative-position",
	"fill-generative-prompt", "fill-generative-seed", "fill-gradient-cs",
	"fill-gradient-linear", "fill-gradient-linear-direction",
	"fill-gradient-radial", "fill-gradient-radial-radius",
	"fill-gradient-radial-x", "fill-gradient-radial-y", "fill-gradient-type",
	"fp-debug", "fps", "frame", "gam", "grid-colors", "grid-size", "high", "htn",
	"hue", "interval", "inv", "invert", "iptc", "jpeg-progressive",
	"jpg-progressive", "license-plate-blur", "loop", "lp-blur", "m", "ma",
	"malph", "mark", "mark-align", "mark-alpha", "mark-base", "mark-fit",
	"mark-h", "mark-if-min-height", "mark-if-min-width", "mark-pad", "mark-rot",
	"mark-scale", "mark-tile", "mark-w", "mark-x", "mark-y", "markalign",
	"markalpha", "markbase", "markfit", "markh", "markpad", "markscale",
	"marktile", "markw", "markx", "marky", "mask", "mask-bg", "maskbg", "mb",
	"mf", "mh", "mono", "monochrome", "mp", "ms", "mtile", "mw", "mx", "my", "nr",
	"nrs", "object-removal-negative-prompt", "object-removal-prompt",
	"object-removal-rect", "object-removal-seed", "pad", "pad-bottom",
	"pad-left", "pad-right", "pad-top", "page", "palette", "pdf-annotation",
	"prefix", "px", "rasterize-bypass", "reverse", "rot-type", "rott",
	"rottype", "s", "sat", "sepia", "shad", "sharp", "skip", "svg-sanitize", "t",
	"ta", "tc", "tcl", "tf", "tl", "tp", "transparency", "trim", "trim-alpha",
	"trim-color", "trim-md", "trim-pad", "trim-sd", "trim-tol", "trimcolor",
	"trimmd", "trimpad", "trimsd", "trimtol", "tsh", "tsz", "tt", "txt",
	"txt-align", "txt-clip", "txt-clr", "txt-color", "txt-fit", "txt-font",
	"txt-lead", "txt-line", "txt-line-clr", "txt-line-color", "txt-pad",
	"txt-shad", "txt-size", "txt-track", "txt-width", "txt-x", "txt-y",
	"txtalign", "txtclip", "txtclr", "txtcolor", "txtfit", "txtfont", "txtlead",
	"txtline", "txtlineclr", "txtlinecolor", "txtpad", "txtshad", "txtsize",
	"txttrack", "txtwidth", "txtx", "txty", "upscale", "upscale-fallback", "usm",
	"usmrad", "vib", "video-bitrate", "video-clip-end", "video-clip-start",
	"video-codec", "video-thumbnail",
}

// hasBase64Variant reports whether parameter name (canonical or alias) also
// exists as name+"64". imgix gives every parameter one except auto and ch; s
// is the signature, not a parameter.
func hasBase64Variant(name string) bool {
	return name != "auto" && name != "ch" && name != "s"
}

// lookupParam resolves a parameter name as it appears in a URL to its
// canonical name, and reports whether its value is base64-encoded. When the
// name is refused, reason says why.
func lookupParam(name string) (canon string, b64 bool, reason string) {
	if c, ok := canonicalParam[name]; ok {
		return c, false, ""
	}
	base, b64 := strings.CutSuffix(name, "64")
	if b64 && hasBase64Variant(base) {
		if c, ok := canonicalParam[base]; ok {
			return c, true, ""
		}
		if _, ok := slices.BinarySearch(unsupportedParams, base); ok {
			return "", false, reasonUnsupported
		}
	}
	if _, ok := slices.BinarySearch(unsupportedParams, name); ok {
		return "", false, reasonUnsupported
	}
	return "", false, reasonUnknown
}

// ignoredSDKParams are the parameters imgix's and ImageKit's SDKs add to
// every URL to name themselves (ixlib=go-2.0.3, ik-sdk-version=...); the
// services ignore them, and so does ParseQuery.
var ignoredSDKParams = map[string]bool{"ixlib": true, "ik-sdk-version": true}

// ParseQuery parses imgix URL parameters into canonical [Params]. The
// package documentation lists the parameters, their values and defaults.
//
// Parsing is strict: a parameter that is unknown, not implemented yet,
// repeated (under any of its names; only auto may repeat), malformed or out
// of range is refused. Every error is a *[ParamError] naming the parameter as
// it appeared in q. Parameters are checked in sorted name order, so the error
// for a given query is always the same.
//
// The result is canonical: equivalent queries give equal Params, and for
// every p it returns, ParseQuery of p.Encode() gives p again. ParseQuery
// does not modify q and is safe for concurrent use. The ixlib and
// ik-sdk-version parameters that SDKs add to name themselves are ignored, as
// the services do.
func ParseQuery(q url.Values) (Params, error) {
	names := make([]string, 0, len(q))
	for name, vals := range q {
		if len(vals) > 0 {
			names = append(names, name)
		}
	}
	slices.Sort(names)

	var qp queryParser
	seen := make(map[string]string, len(names)) // canonical name -> URL name
	for _, name := range names {
		vals := q[name]
		if ignoredSDKParams[name] {
			continue
		}
		canon, b64, reason := lookupParam(name)
		if reason != "" {
			return Params{}, &ParamError{Param: name, Value: vals[0], Reason: reason}
		}
		if prev, ok := seen[canon]; ok {
			return Params{}, &ParamError{Param: name, Value: vals[0], Reason: reasonRepeated + " (also as " + prev + ")"}
		}
		seen[canon] = name
		if len(vals) > 1 && canon != "auto" {
			return Params{}, &ParamError{Param: name, Value: vals[1], Reason: reasonRepeated}
		}
		for _, raw := range vals {
			v, reason := paramText(raw, b64)
			if reason != "" {
				return Params{}, &ParamError{Param: name, Value: raw, Reason: reason}
			}
			if reason := qp.set(canon, v); reason != "" {
				return Params{}, &ParamError{Param: name, Value: v, Reason: reason}
			}
		}
	}
	return qp.finish(), nil
}

// paramText decodes a raw parameter value (from base64 when b64 is set) and
// checks that it is text: valid UTF-8 without control characters. When the
// value is refused, reason says why.
func paramText(raw string, b64 bool) (v, reason string) {
	if reason := textReason(raw); reason != "" {
		return "", reason
	}
	if !b64 {
		return raw, ""
	}
	enc := base64.RawURLEncoding.Strict()
	if strings.HasSuffix(raw, "=") {
		enc = base64.URLEncoding.Strict()
	}
	b, err := enc.DecodeString(raw)
	if err != nil {
		return "", reasonBase64
	}
	v = string(b)
	return v, textReason(v)
}

// textReason returns why s is not acceptable text, or "".
func textReason(s string) string {
	if !utf8.ValidString(s) {
		return reasonUTF8
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return reasonControl
		}
	}
	return ""
}

// queryParser accumulates parameters into Params. Its zero value is ready.
type queryParser struct {
	p Params
	// fp collects fp-x, fp-y and fp-z; fpSet says whether any was given.
	fp    FocalPoint
	fpSet bool
}

// Reasons for malformed or out-of-range values.
const (
	reasonSize     = "must be a fraction in (0, 1] or a whole number of pixels from 2 to 8192"
	reasonFit      = "must be clip, crop, clamp, fill, fillmax, max, min or scale"
	reasonCrop     = "must be a comma-separated list of top, bottom, left, right and focalpoint"
	reasonFPXY     = "must be a number from 0 to 1"
	reasonFPZ      = "must be a number from 1 to 100"
	reasonAR       = "must be W:H, two positive numbers with a ratio from 1:8192 to 8192:1"
	reasonBound    = "must be a whole number from 1 to 8192"
	reasonDPR      = "must be a number greater than 0 and at most 5"
	reasonQuality  = "must be a whole number from 0 to 100"
	reasonFormat   = "unknown format (supported: jpg, png, gif, webp, avif)"
	reasonBool     = "must be 1, 0, true or false"
	reasonAuto     = "must be a comma-separated list of format and compress"
	reasonFlip     = "must be h, v or hv"
	reasonRot      = "must be a number from 0 to 359"
	reasonRot90    = reasonUnsupported + " (multiples of 90 only)"
	reasonOrient   = "must be a whole number from 0 to 8, or 90, 180 or 270"
	reasonColor    = "must be a hex colour (3, 4, 6 or 8 digits, alpha first, no #) or a CSS colour name"
	reasonFill     = "must be solid"
	reasonDownload = "must be a file name of 1 to 255 bytes without /, \\, \" or bidirectional controls"
)

// set parses value v of the parameter with canonical name canon into qp.
// It returns why v is refused, or "".
func (qp *queryParser) set(canon, v string) string {
	p := &qp.p
	switch canon {
	case "w", "h":
		x, ok := parseDecimalParam(v)
		if !ok || !(x > 0 && x <= 1 || x >= 2 && x <= maxParamSize && x == math.Trunc(x)) {
			return reasonSize
		}
		if canon == "w" {
			p.Width = x
		} else {
			p.Height = x
		}
	case "fit":
		switch FitMode(v) {
		case FitClip:
			p.Fit = ""
		case FitCrop, FitClamp, FitFill, FitFillMax, FitMax, FitMin, FitScale:
			p.Fit = FitMode(v)
		case "facearea":
			return reasonUnsupported
		default:
			return reasonFit
		}
	case "crop":
		return parseCrop(v, &p.Crop)
	case "fp-x", "fp-y", "fp-z":
		x, ok := parseDecimalParam(v)
		switch {
		case canon == "fp-z" && (!ok || x < 1 || x > 100):
			return reasonFPZ
		case canon != "fp-z" && (!ok || x > 1):
			return reasonFPXY
		}
		if !qp.fpSet {
			qp.fp = FocalPoint{X: 0.5, Y: 0.5, Z: 1}
			qp.fpSet = true
		}
		switch canon {
		case "fp-x":
			qp.fp.X = x
		case "fp-y":
			qp.fp.Y = x
		default:
			qp.fp.Z = x
		}
	case "ar":
		sw, sh, ok := strings.Cut(v, ":")
		w, okW := parseDecimalParam(sw)
		h, okH := parseDecimalParam(sh)
		if !ok || !okW || !okH || w <= 0 || h <= 0 {
			return reasonAR
		}
		r := w / h
		if !(r >= 1.0/maxParamSize && r <= maxParamSize) {
			return reasonAR
		}
		p.AspectRatio = r
	case "rect":
		r, reason := parseRect(v)
		if reason != "" {
			return reason
		}
		p.Rect = r
	case "min-w", "max-w", "min-h", "max-h":
		n, ok := parseWholeParam(v, maxParamSize)
		if !ok || n < 1 {
			return reasonBound
		}
		switch canon {
		case "min-w":
			p.MinWidth = n
		case "max-w":
			p.MaxWidth = n
		case "min-h":
			p.MinHeight = n
		default:
			p.MaxHeight = n
		}
	case "dpr":
		x, ok := parseDecimalParam(v)
		if !ok || x <= 0 || x > maxParamDPR {
			return reasonDPR
		}
		if x == 1 {
			x = 0
		}
		p.DPR = x
	case "q":
		n, ok := parseWholeParam(v, 100)
		if !ok {
			return reasonQuality
		}
		p.Quality = max(n, 1) // the default is dropped in finish
	case "fm":
		switch v {
		case "jpg", "jpeg":
			p.Format = JPEG
		case "png":
			p.Format = PNG
		case "gif":
			p.Format = GIF
		case "webp":
			p.Format = WebP
		case "avif":
			p.Format = AVIF
		case "pjpg", "png8", "png32", "json", "blurhash", "jp2", "jxr", "mp4", "webm":
			return reasonUnsupported
		default:
			return reasonFormat
		}
	case "lossless":
		switch v {
		case "1", "true":
			p.Lossless = true
		case "0", "false":
			p.Lossless = false
		default:
			return reasonBool
		}
	case "auto":
		for item := range strings.SplitSeq(v, ",") {
			switch item {
			case "format":
				p.Auto |= AutoFormat
			case "compress":
				p.Auto |= AutoCompress
			case "enhance", "redeye", "true":
				return reasonUnsupported + " (" + item + ")"
			default:
				return reasonAuto
			}
		}
	case "ch":
		for item := range strings.SplitSeq(v, ",") {
			switch item {
			case "width":
				p.ClientHints |= HintWidth
			case "dpr":
				p.ClientHints |= HintDPR
			case "save-data":
				p.ClientHints |= HintSaveData
			default:
				return reasonClientHints
			}
		}
	case "flip":
		switch v {
		case "h":
			p.FlipH = true
		case "v":
			p.FlipV = true
		case "hv", "vh":
			p.FlipH, p.FlipV = true, true
		default:
			return reasonFlip
		}
	case "rot":
		x, ok := parseDecimalParam(v)
		if !ok || x > 359 {
			return reasonRot
		}
		if x != math.Trunc(x) || int(x)%90 != 0 {
			return reasonRot90
		}
		p.Rotate = int(x)
	case "orient":
		n, ok := parseWholeParam(v, 270)
		switch {
		case !ok:
			return reasonOrient
		case n <= 8:
			p.Orient = n
		case n == 90:
			p.Orient = 6
		case n == 180:
			p.Orient = 3
		case n == 270:
			p.Orient = 8
		default:
			return reasonOrient
		}
	case "bg", "fill-color":
		c, err := ParseColor(v)
		if err != nil {
			return reasonColor
		}
		if c.A == 0 {
			c = color.NRGBA{} // every fully transparent colour is the same
		}
		if canon == "bg" {
			p.Background = &c
		} else {
			p.FillColor = &c
		}
	case "fill":
		switch v {
		case "solid":
		case "blur", "gen", "generative", "gradient":
			return reasonUnsupported
		default:
			return reasonFill
		}
	case "dl":
		if !validDownloadName(v) {
			return reasonDownload
		}
		p.Download = v
	default:
		// canonicalParam and this switch list the same names.
		return reasonUnknown
	}
	return ""
}

// finish applies the defaults that depend on more than one parameter and
// returns the canonical Params.
func (qp *queryParser) finish() Params {
	p := qp.p
	if qp.fpSet && qp.fp != (FocalPoint{X: 0.5, Y: 0.5, Z: 1}) {
		fp := qp.fp
		p.FocalPoint = &fp
	}
	if p.Quality == defaultQualityFor(p.Auto) {
		p.Quality = 0
	}
	if p.FillColor != nil && p.Background != nil && *p.FillColor == *p.Background {
		p.FillColor = nil // nil means Background
	}
	return p
}

// parseCrop parses crop's comma-separated anchors into c.
func parseCrop(v string, c *CropMode) string {
	var crop CropMode
	for item := range strings.SplitSeq(v, ",") {
		switch item {
		case "top":
			crop |= CropTop
		case "bottom":
			crop |= CropBottom
		case "left":
			crop |= CropLeft
		case "right":
			crop |= CropRight
		case "focalpoint":
			crop |= CropFocalPoint
		case "faces", "entropy", "edges":
			return reasonUnsupported + " (" + item + ")"
		default:
			return reasonCrop
		}
	}
	if crop&(CropTop|CropBottom) == CropTop|CropBottom {
		return "top and bottom cannot be combined"
	}
	if crop&(CropLeft|CropRight) == CropLeft|CropRight {
		return "left and right cannot be combined"
	}
	*c = crop
	return ""
}

// Bits of Rect.Fraction.
const (
	rectFracX = 1 << iota
	rectFracY
	rectFracW
	rectFracH
)

// parseRect parses rect=x,y,w,h. A value with a decimal point is a fraction
// of the source size (0 to 1; w and h above 0); a value without one is a
// whole number of pixels (w and h at least 1). x may be left, center or
// right and y top, middle or bottom. A rect that is the whole image is nil.
func parseRect(v string) (*Rect, string) {
	parts := strings.Split(v, ",")
	if len(parts) != 4 {
		return nil, "must be four comma-separated values x,y,w,h"
	}
	var r Rect
	var frac [4]bool
	for i, s := range parts {
		if i == 0 && (s == "left" || s == "center" || s == "right") {
			r.XAlign = s
			continue
		}
		if i == 1 && (s == "top" || s == "middle" || s == "bottom") {
			r.YAlign = s
			continue
		}
		x, isFrac, ok := parseRectNumber(s)
		positive := i >= 2
		if !ok || positive && x <= 0 {
			return nil, rectReasons[i]
		}
		frac[i] = isFrac
		switch i {
		case 0:
			r.X = x
		case 1:
			r.Y = x
		case 2:
			r.W = x
		case 3:
			r.H = x
		}
	}
	// Canonical form: a zero fraction is zero pixels; left and top are 0; an
	// alignment is meaningless when the rect spans the whole axis.
	fullW, fullH := frac[2] && r.W == 1, frac[3] && r.H == 1
	if r.XAlign == "left" || fullW {
		r.XAlign = ""
	}
	if r.YAlign == "top" || fullH {
		r.YAlign = ""
	}
	if frac[0] && r.X != 0 {
		r.Fraction |= rectFracX
	}
	if frac[1] && r.Y != 0 {
		r.Fraction |= rectFracY
	}
	if frac[2] {
		r.Fraction |= rectFracW
	}
	if frac[3] {
		r.Fraction |= rectFracH
	}
	if fullW && fullH && r.X == 0 && r.Y == 0 && r.XAlign == "" && r.YAlign == "" {
		return nil, ""
	}
	return &r, ""
}

var rectReasons = [4]string{
	"x must be left, center, right, a whole number of pixels or a fraction from 0.0 to 1.0",
	"y must be top, middle, bottom, a whole number of pixels or a fraction from 0.0 to 1.0",
	"w must be a whole number of pixels from 1 or a fraction in (0.0, 1.0]",
	"h must be a whole number of pixels from 1 or a fraction in (0.0, 1.0]",
}

// parseRectNumber parses one rect value: a fraction from 0 to 1 when it has a
// decimal point, else a whole number of pixels.
func parseRectNumber(s string) (x float64, frac, ok bool) {
	if strings.Contains(s, ".") {
		x, ok = parseDecimalParam(s)
		return x, true, ok && x <= 1
	}
	n, ok := parseWholeParam(s, maxRectPixels)
	return float64(n), false, ok
}

// parseDecimalParam parses a plain decimal number: ASCII digits with at most
// one '.' and at least one digit ("2", "0.5", ".5", "2."). Signs, exponents,
// hexadecimal, "Inf" and "NaN" are refused, so the result is finite and not
// negative.
func parseDecimalParam(s string) (float64, bool) {
	digits, dots := 0, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case '0' <= c && c <= '9':
			digits++
		case c == '.':
			dots++
		default:
			return 0, false
		}
	}
	if digits == 0 || dots > 1 {
		return 0, false
	}
	x, err := strconv.ParseFloat(s, 64)
	return x, err == nil
}

// parseWholeParam parses ASCII digits as a number from 0 to limit.
func parseWholeParam(s string, limit int) (int, bool) {
	if s == "" {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(s)
	return n, err == nil && n <= limit
}

// validDownloadName reports whether s is acceptable as dl: 1 to 255 bytes,
// no path separators or quotes, and no bidirectional controls that could
// disguise the extension. Control characters are refused before.
func validDownloadName(s string) bool {
	if len(s) == 0 || len(s) > maxDownloadLen {
		return false
	}
	for _, r := range s {
		if r == '/' || r == '\\' || r == '"' || unicode.Is(unicode.Bidi_Control, r) {
			return false
		}
	}
	return true
}

// Encode returns p as a canonical imgix query string: canonical parameter
// names in sorted order, zero fields left out, numbers in their shortest
// decimal form, values escaped as [url.Values.Encode] does. The zero Params
// encodes to "".
//
// For every p returned by [ParseQuery], parsing p.Encode() gives p again, so
// the string can serve as a cache key. For Params built by hand, Encode
// writes every non-zero field as it is; parsing the result normalises it
// (for example Fit "clip" is dropped) or refuses values out of range.
// The hints [Params.WithHints] leaves to the layout are written as hint-dpr
// and hint-w, names that no URL may use: ParseQuery refuses them, so such a
// string is a cache key, not a query to parse.
// Encode only reads p and is safe for concurrent use.
func (p Params) Encode() string {
	var b strings.Builder
	add := func(name, value string) {
		if b.Len() > 0 {
			b.WriteByte('&')
		}
		b.WriteString(name)
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(value))
	}
	// In sorted order of the names.
	if p.AspectRatio != 0 {
		add("ar", formatParamFloat(p.AspectRatio)+":1")
	}
	if p.Auto != 0 {
		var items []string
		if p.Auto&AutoFormat != 0 {
			items = append(items, "format")
		}
		if p.Auto&AutoCompress != 0 {
			items = append(items, "compress")
		}
		add("auto", strings.Join(items, ","))
	}
	if p.Background != nil {
		add("bg", formatColor(*p.Background))
	}
	if p.ClientHints != 0 {
		var items []string
		for _, h := range []struct {
			bit  ClientHints
			name string
		}{{HintDPR, "dpr"}, {HintSaveData, "save-data"}, {HintWidth, "width"}} {
			if p.ClientHints&h.bit != 0 {
				items = append(items, h.name)
			}
		}
		add("ch", strings.Join(items, ","))
	}
	if p.Crop != 0 {
		add("crop", formatCrop(p.Crop))
	}
	if p.Download != "" {
		add("dl", p.Download)
	}
	if p.DPR != 0 {
		add("dpr", formatParamFloat(p.DPR))
	}
	if p.FillColor != nil {
		add("fill-color", formatColor(*p.FillColor))
	}
	if p.Fit != "" {
		add("fit", string(p.Fit))
	}
	switch {
	case p.FlipH && p.FlipV:
		add("flip", "hv")
	case p.FlipH:
		add("flip", "h")
	case p.FlipV:
		add("flip", "v")
	}
	if p.Format != "" {
		add("fm", string(p.Format))
	}
	if fp := p.FocalPoint; fp != nil {
		if fp.X != 0.5 {
			add("fp-x", formatParamFloat(fp.X))
		}
		if fp.Y != 0.5 {
			add("fp-y", formatParamFloat(fp.Y))
		}
		if fp.Z != 1 {
			add("fp-z", formatParamFloat(fp.Z))
		}
	}
	if p.Height != 0 {
		add("h", formatParamFloat(p.Height))
	}
	if p.DPRHint != 0 {
		add("hint-dpr", formatParamFloat(p.DPRHint))
	}
	if p.WidthHint != 0 {
		add("hint-w", strconv.Itoa(p.WidthHint))
	}
	if p.Lossless {
		add("lossless", "1")
	}
	if p.MaxHeight != 0 {
		add("max-h", strconv.Itoa(p.MaxHeight))
	}
	if p.MaxWidth != 0 {
		add("max-w", strconv.Itoa(p.MaxWidth))
	}
	if p.MinHeight != 0 {
		add("min-h", strconv.Itoa(p.MinHeight))
	}
	if p.MinWidth != 0 {
		add("min-w", strconv.Itoa(p.MinWidth))
	}
	if p.Orient != 0 {
		add("orient", strconv.Itoa(p.Orient))
	}
	if p.Quality != 0 {
		add("q", strconv.Itoa(p.Quality))
	}
	if p.Rect != nil {
		add("rect", formatRect(p.Rect))
	}
	if p.Rotate != 0 {
		add("rot", strconv.Itoa(p.Rotate))
	}
	if p.Width != 0 {
		add("w", formatParamFloat(p.Width))
	}
	return b.String()
}

// String returns p.Encode().
func (p Params) String() string { return p.Encode() }

// formatParamFloat writes x in its shortest decimal form, without exponent.
func formatParamFloat(x float64) string {
	return strconv.FormatFloat(x, 'f', -1, 64)
}

// formatCrop writes crop anchors in a fixed order.
func formatCrop(c CropMode) string {
	var items []string
	for _, a := range []struct {
		bit  CropMode
		name string
	}{
		{CropTop, "top"}, {CropBottom, "bottom"}, {CropLeft, "left"},
		{CropRight, "right"}, {CropFocalPoint, "focalpoint"},
	} {
		if c&a.bit != 0 {
			items = append(items, a.name)
		}
	}
	return strings.Join(items, ",")
}

// formatRect writes r as x,y,w,h; fractions always carry a decimal point so
// that they read back as fractions.
func formatRect(r *Rect) string {
	num := func(x float64, bit uint8) string {
		s := formatParamFloat(x)
		if r.Fraction&bit != 0 && !strings.Contains(s, ".") {
			s += ".0"
		}
		return s
	}
	x, y := r.XAlign, r.YAlign
	if x == "" {
		x = num(r.X, rectFracX)
	}
	if y == "" {
		y = num(r.Y, rectFracY)
	}
	return x + "," + y + "," + num(r.W, rectFracW) + "," + num(r.H, rectFracH)
}
