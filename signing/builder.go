package signing

import (
	"encoding/base64"
	"net/url"
	"slices"
	"strings"
)

// Builder builds image URLs on the application side, as imgix's SDKs do:
// the path is escaped segment by segment, the parameters are sorted by name,
// the values of parameters whose name ends in "64" are base64url-encoded,
// and the URL is signed last.
//
// A Builder is safe for concurrent use as long as its fields are not
// modified.
type Builder struct {
	// Host is the scheme and host every URL starts with, for example
	// "https://img.example.com". A trailing slash is ignored. Empty gives
	// root-relative URLs ("/photos/dog.jpg?w=300").
	Host string

	// Prefix is the path the image handler is mounted at, for example
	// "/img" for a handler behind http.StripPrefix("/img", h). It is put
	// between Host and the path and is not signed: the server verifies the
	// path it receives after the prefix is stripped. Empty means the root.
	Prefix string

	// Signer signs every URL; nil builds unsigned URLs.
	Signer Signer
}

// URL returns the URL of the image at path (an unescaped source key such as
// "photos/my dog.jpg", or a full URL for a web-proxy source) with the given
// parameters.
//
// The path is escaped by [EscapePath]. Parameters are sorted by name and
// escaped with [url.QueryEscape]; several values of one name are joined with
// commas (auto=format,compress); a name without values is left out; the
// value of a parameter whose name ends in "64" (txt64, mark64, ...) is given
// in plain text and encoded as URL-safe base64 without padding. Finally the
// Signer, if any, appends the signature.
func (b *Builder) URL(path string, params url.Values) string {
	p := EscapePath(path)
	q := encodeParams(params)
	if b.Signer != nil {
		q = b.Signer.Sign(p, q)
	}
	var sb strings.Builder
	sb.WriteString(strings.TrimSuffix(b.Host, "/"))
	if prefix := strings.Trim(b.Prefix, "/"); prefix != "" {
		sb.WriteByte('/')
		sb.WriteString(prefix)
	}
	sb.WriteString(p)
	if q != "" {
		sb.WriteByte('?')
		sb.WriteString(q)
	}
	return sb.String()
}

// EscapePath returns path escaped for a URL, with one leading slash, the
// way imgix's SDKs escape it:
//
//   - a full URL (starting with "http://" or "https://", for web-proxy
//     sources) becomes a single segment in which every byte other than
//     letters, digits and "-._~" is percent-encoded:
//     "http://a.com/b.png" gives "/http%3A%2F%2Fa.com%2Fb.png"; one
//     already percent-encoded ("http%3A%2F%2F...") is kept as it is;
//   - any other path is split at "/" and each segment escaped: every byte
//     other than letters, digits and "-._~$&,:=@" is percent-encoded, so
//     "a b/c+d?.png" gives "/a%20b/c%2Bd%3F.png" and an ImageKit chain such
//     as "tr:w-300,h-200" stays readable. This is [url.PathEscape] with "+"
//     encoded and "," kept.
//
// The result is what a Go server sees as r.URL.EscapedPath(), so a
// signature computed over it verifies there. Dot segments ("." and "..")
// are not escaped: clients remove them before sending, so they cannot be
// used in signed paths.
func EscapePath(path string) string {
	path = strings.TrimPrefix(path, "/")
	if hasFoldPrefix(path, "http://") || hasFoldPrefix(path, "https://") {
		return "/" + escapeAll(path)
	}
	if hasFoldPrefix(path, "http%3A%2F%2F") || hasFoldPrefix(path, "https%3A%2F%2F") {
		return "/" + path
	}
	segments := strings.Split(path, "/")
	for i, s := range segments {
		segments[i] = segmentEscaper.Replace(url.PathEscape(s))
	}
	return "/" + strings.Join(segments, "/")
}

// segmentEscaper adjusts url.PathEscape's output: "+" is encoded (some
// servers decode it as a space) and "," is kept. A literal "%2C" in the input
// was escaped to "%252C" first, so only commas are restored.
var segmentEscaper = strings.NewReplacer("+", "%2B", "%2C", ",")

// hasFoldPrefix reports whether s starts with prefix, ignoring ASCII case.
func hasFoldPrefix(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// escapeAll percent-encodes every byte of s except the unreserved
// characters of RFC 3986 (letters, digits, "-", ".", "_", "~").
func escapeAll(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s) * 3)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}

// encodeParams encodes params sorted by name, joining several values of one
// name with commas and base64-encoding the values of "*64" parameters.
func encodeParams(params url.Values) string {
	names := make([]string, 0, len(params))
	for name, values := range params {
		if len(values) > 0 {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	var b strings.Builder
	for i, name := range names {
		if i > 0 {
			b.WriteByte('&')
		}
		value := strings.Join(params[name], ",")
		if strings.HasSuffix(name, "64") {
			value = base64.RawURLEncoding.EncodeToString([]byte(value))
		}
		b.WriteString(url.QueryEscape(name))
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(value))
	}
	return b.String()
}
