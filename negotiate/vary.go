package negotiate

import (
	"net/http"
	"strings"
)

// VaryFor returns the request headers a response varies on when it used the
// given client hints, named as in the ch= parameter: "dpr", "width",
// "viewport-width" and "save-data" (any case; unknown names are ignored).
// Each hint contributes every header [ParseHints] consults for it, the
// Sec-CH- name and the legacy one, because a request carrying either can
// change the response:
//
//	dpr             Sec-CH-DPR, DPR
//	width           Sec-CH-Width, Width
//	viewport-width  Sec-CH-Viewport-Width, Viewport-Width
//	save-data       Save-Data
//
// The result follows the order of hints, without duplicates; it is nil when
// no hint is known.
func VaryFor(hints []string) []string {
	var out []string
	for _, hint := range hints {
		var names []string
		switch strings.ToLower(trimOWS(hint)) {
		case "dpr":
			names = dprHeaders
		case "width":
			names = widthHeaders
		case "viewport-width":
			names = viewportHeaders
		case "save-data":
			names = saveDataHeaders
		}
		for _, name := range names {
			if !containsFold(out, name) {
				out = append(out, name)
			}
		}
	}
	return out
}

// AddVary adds names to the Vary header of h, keeping what is there. Names
// are compared case-insensitively and added once; blank names are ignored.
// The result is written as one header line, in first-seen order. "*" (the
// response varies on anything) absorbs everything: when h already says "*"
// or names include it, Vary becomes exactly "*". h is left untouched when
// nothing new is added; AddVary does nothing when h is nil.
func AddVary(h http.Header, names ...string) {
	if h == nil {
		return
	}
	var fields []string
	for _, line := range h.Values("Vary") {
		for line != "" {
			var f string
			f, line, _ = strings.Cut(line, ",")
			fields = appendField(fields, f)
		}
	}
	existing := len(fields)
	for _, n := range names {
		fields = appendField(fields, n)
	}
	if len(fields) == existing {
		return
	}
	if containsFold(fields, "*") {
		h.Set("Vary", "*")
		return
	}
	h.Set("Vary", strings.Join(fields, ", "))
}

// appendField appends the trimmed field f unless it is blank or present.
func appendField(fields []string, f string) []string {
	f = trimOWS(f)
	if f == "" || containsFold(fields, f) {
		return fields
	}
	return append(fields, f)
}

// containsFold reports whether list holds s, ignoring case.
func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}
