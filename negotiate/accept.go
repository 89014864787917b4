package negotiate

import "strings"

// Limits that bound the work ParseAccept does on a hostile header. Real
// browsers send fewer than ten ranges in well under 200 bytes.
const (
	maxRanges    = 64      // media ranges kept; later ones are ignored
	maxAcceptLen = 8 << 10 // bytes of the header examined; the rest is ignored
)

// Accept is a parsed Accept request header (RFC 9110, section 12.5.1).
//
// The zero value, like a request without an Accept header, accepts every
// media type with quality 1 and lists none explicitly. An Accept is never
// modified after [ParseAccept] returns it, so it is safe for concurrent use.
type Accept struct {
	ranges []mediaRange
}

// mediaRange is one element of an Accept header: type/subtype, type/* or */*,
// with its weight in thousandths (0..1000), the precision RFC 9110 allows.
type mediaRange struct {
	typ, sub string // as sent; compared case-insensitively
	q        uint16
}

// specificity ranks how closely r names a type: an exact type/subtype beats
// type/*, which beats */*.
func (r mediaRange) specificity() int {
	switch {
	case r.typ == "*":
		return 1
	case r.sub == "*":
		return 2
	}
	return 3
}

// ParseAccept parses the value of an Accept header: a comma-separated list of
// media ranges (type/subtype, type/* or */*), each with an optional weight
// ";q=" between 0 and 1 with at most three decimals. q=0 marks a type as not
// acceptable. Type names are case-insensitive; parameters other than q are
// ignored. Several header lines are parsed as one when joined with ",":
//
//	ParseAccept(strings.Join(r.Header.Values("Accept"), ","))
//
// ParseAccept never fails. It skips malformed elements (a missing subtype,
// "*/html", a bad q, an unterminated quoted string) and keeps the rest. A
// header with no well-formed range, including an empty one, is treated like
// an absent header: everything is acceptable, nothing is explicit. Work is
// bounded: only the first 8 KiB of the header and its first 64 ranges are
// considered.
func ParseAccept(header string) Accept {
	complete := true
	if len(header) > maxAcceptLen {
		// The element that straddles the cut is incomplete unless the cut
		// falls exactly on its terminating comma.
		complete = header[maxAcceptLen] == ','
		header = header[:maxAcceptLen]
	}
	n := min(strings.Count(header, ",")+1, maxRanges)
	var ranges []mediaRange
	for header != "" && len(ranges) < maxRanges {
		elem, rest, found := cut(header, ',')
		if !found && !complete {
			break
		}
		header = rest
		r, ok := parseRange(elem)
		if !ok {
			continue
		}
		if ranges == nil {
			ranges = make([]mediaRange, 0, n)
		}
		ranges = append(ranges, r)
	}
	return Accept{ranges: ranges}
}

// parseRange parses one media range with its parameters.
func parseRange(s string) (mediaRange, bool) {
	s, params, _ := cut(s, ';')
	typ, sub, ok := splitType(trimOWS(s))
	if !ok || (typ == "*" && sub != "*") {
		return mediaRange{}, false
	}
	r := mediaRange{typ: typ, sub: sub, q: 1000}
	seenQ := false
	for params != "" {
		var p string
		p, params, _ = cut(params, ';')
		p = trimOWS(p)
		if p == "" {
			continue // "image/png;" and "a/b;;q=1" are harmless
		}
		name, value, found := strings.Cut(p, "=")
		name, value = trimOWS(name), trimOWS(value)
		if !found || !isToken(name) || value == "" {
			return mediaRange{}, false
		}
		if value[0] == '"' && !isQuoted(value) {
			return mediaRange{}, false
		}
		if seenQ || (name != "q" && name != "Q") {
			continue // the first q wins; other parameters are ignored
		}
		q, ok := parseQ(value)
		if !ok {
			return mediaRange{}, false
		}
		r.q, seenQ = q, true
	}
	return r, true
}

// splitType splits "type/subtype" and checks that both halves are tokens.
func splitType(s string) (typ, sub string, ok bool) {
	typ, sub, ok = strings.Cut(s, "/")
	if !ok || !isToken(typ) || !isToken(sub) {
		return "", "", false
	}
	return typ, sub, true
}

// parseQ parses an RFC 9110 qvalue: "0" or "1", optionally followed by "."
// and up to three digits, never above 1. The result is in thousandths.
func parseQ(s string) (uint16, bool) {
	if len(s) == 0 || len(s) > 5 || (s[0] != '0' && s[0] != '1') {
		return 0, false
	}
	q := uint16(s[0]-'0') * 1000
	if len(s) > 1 {
		if s[1] != '.' {
			return 0, false
		}
		scale := uint16(100)
		for i := 2; i < len(s); i++ {
			c := s[i]
			if c < '0' || c > '9' {
				return 0, false
			}
			q += uint16(c-'0') * scale
			scale /= 10
		}
	}
	if q > 1000 {
		return 0, false
	}
	return q, true
}

// Quality returns the weight the client gives mediaType, between 0 and 1: the
// q of the most specific range that matches it (an exact type/subtype beats
// type/*, which beats */*; among equally specific ranges the highest q wins).
// It returns 0 when no range matches or the matching range has q=0.
//
// mediaType must be a concrete type such as "image/webp"; parameters after
// ";" are ignored and case does not matter. Quality returns 0 for a wildcard
// or malformed mediaType. Matching is exact: "image/webpx" does not match a
// range for "image/webp".
func (a Accept) Quality(mediaType string) float64 {
	typ, sub, ok := concreteType(mediaType)
	if !ok {
		return 0
	}
	if len(a.ranges) == 0 {
		return 1
	}
	best, bestQ := 0, uint16(0)
	for _, r := range a.ranges {
		if !r.matches(typ, sub) {
			continue
		}
		if s := r.specificity(); s > best || (s == best && r.q > bestQ) {
			best, bestQ = s, r.q
		}
	}
	return float64(bestQ) / 1000
}

// Explicit reports whether the client lists mediaType itself (not through
// type/* or */*) with a q above 0. Explicit is the test for "this client
// can display this format": browsers send image/* and */* whatever formats
// they decode, so a wildcard match says nothing about WebP or AVIF support;
// browsers announce those formats by naming them.
// mediaType is interpreted as for [Accept.Quality].
func (a Accept) Explicit(mediaType string) bool {
	typ, sub, ok := concreteType(mediaType)
	if !ok {
		return false
	}
	for _, r := range a.ranges {
		// Among duplicates the highest q counts, so one positive is enough.
		if r.q > 0 && r.specificity() == 3 && r.matches(typ, sub) {
			return true
		}
	}
	return false
}

// matches reports whether r covers the concrete type typ/sub.
func (r mediaRange) matches(typ, sub string) bool {
	if r.typ == "*" {
		return true
	}
	if !strings.EqualFold(r.typ, typ) {
		return false
	}
	return r.sub == "*" || strings.EqualFold(r.sub, sub)
}

// concreteType splits a media type without wildcards, dropping parameters.
func concreteType(s string) (typ, sub string, ok bool) {
	s, _, _ = strings.Cut(s, ";")
	typ, sub, ok = splitType(trimOWS(s))
	if !ok || typ == "*" || sub == "*" {
		return "", "", false
	}
	return typ, sub, true
}

// cut splits s at the first sep outside a quoted string and reports whether
// there was one. An unterminated quoted string runs to the end of s.
func cut(s string, sep byte) (before, after string, found bool) {
	quoted := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case quoted && c == '\\':
			i++ // skip the escaped byte
		case c == '"':
			quoted = !quoted
		case !quoted && c == sep:
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

// isQuoted reports whether s is exactly one well-formed quoted-string.
func isQuoted(s string) bool {
	if len(s) < 2 || s[0] != '"' {
		return false
	}
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			return i == len(s)-1
		}
	}
	return false
}

// trimOWS removes optional whitespace (spaces and horizontal tabs).
func trimOWS(s string) string {
	for s != "" && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	for s != "" && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t') {
		s = s[:len(s)-1]
	}
	return s
}

// isToken reports whether s is a non-empty RFC 9110 token.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isTchar(s[i]) {
			return false
		}
	}
	return true
}

func isTchar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	switch c {
	case '!', '#', '$', '%', '&', '\'', '*', '+', '-', '.', '^', '_', '`', '|', '~':
		return true
	}
	return false
}
