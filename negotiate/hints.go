package negotiate

import (
	"net/http"
	"strconv"
	"strings"
)

// AcceptCH is the value of the Accept-CH response header that asks browsers
// for the client hints [ParseHints] reads. Chromium then sends Sec-CH-DPR and
// Sec-CH-Viewport-Width with image requests, and Sec-CH-Width as well for an
// <img> with a sizes attribute. Save-Data needs no opt-in.
const AcceptCH = "Sec-CH-DPR, Sec-CH-Width, Sec-CH-Viewport-Width"

// Bounds applied to client hints.
const (
	maxDPR   = 5    // the largest dpr= imgix accepts
	maxWidth = 8192 // the largest w= imgix accepts

	maxWidthDigits = 4 // len("8192")
)

// Hints holds the client hints of one request. A zero field means the hint
// was absent or malformed. Hints is a plain value, safe for concurrent use.
type Hints struct {
	// DPR is the device pixel ratio, in (0, 5].
	DPR float64
	// Width is the width the image will be displayed at, in device pixels,
	// in 1..8192. Browsers send it only for <img> elements with sizes.
	Width int
	// ViewportWidth is the layout viewport width in CSS pixels, in 1..8192.
	ViewportWidth int
	// SaveData reports that the user asked for reduced data usage.
	SaveData bool
}

// The hint headers as they are usually written, for Vary: the current
// Sec-CH- name first, then the legacy one.
var (
	dprHeaders      = []string{"Sec-CH-DPR", "DPR"}
	widthHeaders    = []string{"Sec-CH-Width", "Width"}
	viewportHeaders = []string{"Sec-CH-Viewport-Width", "Viewport-Width"}
	saveDataHeaders = []string{"Save-Data"}
)

// The same headers in canonical form, the keys of an [http.Header], so that
// reading them needs no allocation.
var (
	dprKeys      = []string{"Sec-Ch-Dpr", "Dpr"}
	widthKeys    = []string{"Sec-Ch-Width", "Width"}
	viewportKeys = []string{"Sec-Ch-Viewport-Width", "Viewport-Width"}
	saveDataKey  = "Save-Data"
)

// ParseHints reads the client hints from request headers h:
//
//	field          headers, in order of precedence          accepted values
//	DPR            Sec-CH-DPR, DPR                          decimal > 0; above 5 becomes 5
//	Width          Sec-CH-Width, Width                      integer > 0; above 8192 becomes 8192
//	ViewportWidth  Sec-CH-Viewport-Width, Viewport-Width    integer > 0; above 8192 becomes 8192
//	SaveData       Save-Data                                the token "on", any case
//
// The Sec-CH- header wins when it is well formed; a malformed one falls back
// to the legacy header. Malformed values (zero, negative, non-numeric,
// fractional widths) leave the field zero; ParseHints never fails. Only the
// first line of each header is read.
func ParseHints(h http.Header) Hints {
	var hints Hints
	for _, key := range dprKeys {
		if v, ok := parseDPR(first(h, key)); ok {
			hints.DPR = v
			break
		}
	}
	for _, key := range widthKeys {
		if v, ok := parseWidth(first(h, key)); ok {
			hints.Width = v
			break
		}
	}
	for _, key := range viewportKeys {
		if v, ok := parseWidth(first(h, key)); ok {
			hints.ViewportWidth = v
			break
		}
	}
	hints.SaveData = parseSaveData(first(h, saveDataKey))
	return hints
}

// first returns the first value of the header with canonical key key.
func first(h http.Header, key string) string {
	if v := h[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// parseDPR parses a structured-field decimal or integer ("2", "2.625"),
// clamped to maxDPR. Zero and malformed values are rejected.
func parseDPR(s string) (float64, bool) {
	s = trimOWS(s)
	intPart, frac, hasDot := strings.Cut(s, ".")
	if len(s) > 32 || !isDigits(intPart) || (hasDot && !isDigits(frac)) {
		return 0, false
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v <= 0 {
		return 0, false
	}
	return min(v, maxDPR), true
}

// parseWidth parses a positive integer of pixels, clamped to maxWidth.
func parseWidth(s string) (int, bool) {
	s = trimOWS(s)
	if !isDigits(s) {
		return 0, false
	}
	s = strings.TrimLeft(s, "0")
	if s == "" {
		return 0, false
	}
	if len(s) > maxWidthDigits {
		return maxWidth, true
	}
	v, _ := strconv.Atoi(s) // at most maxWidthDigits digits: cannot fail
	return min(v, maxWidth), true
}

// parseSaveData reports whether a Save-Data value starts with the token "on".
func parseSaveData(s string) bool {
	tok, _, _ := strings.Cut(s, ";")
	return strings.EqualFold(trimOWS(tok), "on")
}

// isDigits reports whether s is a non-empty run of ASCII digits.
func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
