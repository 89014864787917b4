package signing

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
)

// imagekitNever is the expiry ImageKit signs for URLs that never expire; it
// is not sent in the URL.
const imagekitNever = "9999999999"

// ImageKit is ImageKit's URL signing scheme, for URLs built by ImageKit's
// SDKs:
//
//	ik-s = lowercase hex(HMAC-SHA1(private key, url after the endpoint + expiry))
//
// ImageKit's SDKs sign the URL with the endpoint (for example
// "https://ik.imagekit.io/demo/") cut off; on the server that is the escaped
// path as the handler receives it (after [net/http.StripPrefix] of the mount
// point) without its leading slash, then "?" and the raw query without ik-t
// and ik-s when other parameters remain. The expiry is the ik-t value (Unix
// seconds) or, for URLs that never expire, the constant "9999999999", which
// is then not sent. As the SDKs do, ik-s is the last parameter and ik-t, when
// present, comes just before it:
//
//	tr:w-300,h-200/photos/dog.jpg?v=2&ik-t=1893456000&ik-s=<hex>
//
// Several keys may be configured so they can be rotated: all of them verify,
// the first signs. An ImageKit is safe for concurrent use. The zero value has
// no key and refuses every request; make one with [NewImageKit].
type ImageKit struct {
	keys []string
}

// NewImageKit returns the ImageKit scheme with the given private keys (the
// "private key" of an ImageKit account, as its SDKs take it). The first one
// signs; all of them verify. It returns an error when no key is given or a
// key is empty.
func NewImageKit(keys ...string) (*ImageKit, error) {
	if err := checkKeys(keys); err != nil {
		return nil, err
	}
	return &ImageKit{keys: append([]string(nil), keys...)}, nil
}

// Sign returns rawQuery with any ik-s and ik-t parameters removed and a
// signature that never expires appended last as ik-s, for a request to
// escapedPath. A rawQuery with an expires parameter gives a URL that
// [ImageKit.Verify] refuses: use [ImageKit.SignExpiring]. It panics if k was
// not made by [NewImageKit].
func (k *ImageKit) Sign(escapedPath, rawQuery string) string {
	rest := without(rawQuery, "ik-s", "ik-t")
	return appendParam(rest, "ik-s="+imagekitSum(k.signingKey(), escapedPath, rest, imagekitNever))
}

// SignExpiring is like [ImageKit.Sign] but the signature expires at t: ik-t
// (Unix seconds) then ik-s are appended.
func (k *ImageKit) SignExpiring(escapedPath, rawQuery string, t time.Time) string {
	rest := without(rawQuery, "ik-s", "ik-t")
	exp := imagekitExpiry(t)
	sig := imagekitSum(k.signingKey(), escapedPath, rest, exp)
	return appendParam(rest, "ik-t="+exp+"&ik-s="+sig)
}

// imagekitExpiry is the ik-t value for t: Unix seconds as the ten digits
// Verify accepts, zero-padded before 2001 and capped at the never-expiring
// value after 2286.
func imagekitExpiry(t time.Time) string {
	sec := min(max(t.Unix(), 0), 9_999_999_999)
	return fmt.Sprintf("%010d", sec)
}

// Verify implements [Verifier]. The returned query is the received query
// without its final ik-t and ik-s parameters. A query with an expires
// parameter is refused: the scheme's expiry is ik-t, and the URL would
// otherwise be served past the time its expires names.
func (k *ImageKit) Verify(escapedPath, rawQuery string, now time.Time) (string, error) {
	if len(k.keys) == 0 {
		return "", errNoKey
	}
	if err := checkPath(escapedPath); err != nil {
		return "", err
	}
	rest, last := cutLast(rawQuery)
	sig, ok := strings.CutPrefix(last, "ik-s=")
	if !ok {
		if hasParam(rawQuery, "ik-s") {
			return "", invalid("ik-s must be the last parameter")
		}
		return "", invalid("missing ik-s parameter")
	}
	exp := imagekitNever
	var expValues []string
	if r, prev := cutLast(rest); strings.HasPrefix(prev, "ik-t=") {
		rest = r
		exp = prev[len("ik-t="):]
		expValues = []string{exp}
		// Exactly ten digits: the expiry is signed right after the query,
		// with no separator, so a digit moved between the two would leave
		// the signed text unchanged but change both the query and the
		// expiry. Unix seconds have ten digits from 2001 to 2286.
		if !isDigits(exp) || len(exp) != len(imagekitNever) {
			return "", invalid("malformed ik-t parameter: want Unix seconds, 10 digits")
		}
	}
	if hasParam(rest, "ik-s") {
		return "", invalid("more than one ik-s parameter")
	}
	if hasParam(rest, "ik-t") {
		return "", invalid("ik-t must come just before ik-s")
	}
	if sig == "" {
		return "", invalid("empty ik-s parameter")
	}
	if hasParam(rest, "expires") {
		// The caller treats expires as checked: refuse it rather than
		// serve, forever, a URL its author meant to expire.
		return "", invalid("the expires parameter is not part of the ImageKit scheme: ImageKit URLs expire with ik-t")
	}
	match := 0
	for _, key := range k.keys {
		match |= subtle.ConstantTimeCompare([]byte(imagekitSum(key, escapedPath, rest, exp)), []byte(sig))
	}
	if match != 1 {
		return "", invalid("signature does not match")
	}
	if err := checkExpiry("ik-t", expValues, now); err != nil {
		return "", err
	}
	return rest, nil
}

// cutLast splits rawQuery before its last pair.
func cutLast(rawQuery string) (rest, last string) {
	if i := strings.LastIndexByte(rawQuery, '&'); i >= 0 {
		return rawQuery[:i], rawQuery[i+1:]
	}
	return "", rawQuery
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

// imagekitSum returns the ImageKit signature of a path, a raw query without
// ik-t and ik-s, and an expiry.
func imagekitSum(key, escapedPath, rest, exp string) string {
	m := hmac.New(sha1.New, []byte(key))
	m.Write([]byte(strings.TrimPrefix(escapedPath, "/")))
	if rest != "" {
		m.Write([]byte{'?'})
		m.Write([]byte(rest))
	}
	m.Write([]byte(exp))
	return hex.EncodeToString(m.Sum(nil))
}

// signingKey returns the key that signs.
func (k *ImageKit) signingKey() string {
	if len(k.keys) == 0 {
		panic("signing: ImageKit used without NewImageKit")
	}
	return k.keys[0]
}
