package signing

import (
	"crypto/md5"
	"crypto/subtle"
	"encoding/hex"
	"net/url"
	"strings"
	"time"
)

// Imgix is imgix's URL signing scheme, for URLs built by imgix's SDKs:
//
//	s = lowercase hex(MD5(token + path + "?" + query))
//
// where path is the escaped path exactly as received, query is the raw query
// in received order without the final s parameter, and "?" + query is left
// out when s is the only parameter. The s parameter must be the last one. An
// expires parameter (Unix seconds) is signed like any other and refused once
// past.
//
// MD5 with a secret prefix is open to length extension: whoever holds one
// signed URL can compute the signature of that URL with bytes appended. The
// scheme exists for compatibility with URLs already signed for imgix; new
// deployments should use [HMAC].
//
// Several keys may be configured so they can be rotated: all of them verify,
// the first signs. An Imgix is safe for concurrent use. The zero value has no
// key and refuses every request; make one with [NewImgix].
type Imgix struct {
	keys []string
}

// NewImgix returns the imgix scheme with the given secure URL tokens (the
// "secure URL token" of an imgix source). The first one signs; all of them
// verify. It returns an error when no key is given or a key is empty:
// running without signatures is chosen elsewhere, never by an empty key.
func NewImgix(keys ...string) (*Imgix, error) {
	if err := checkKeys(keys); err != nil {
		return nil, err
	}
	return &Imgix{keys: append([]string(nil), keys...)}, nil
}

// Sign returns rawQuery with any s parameter removed and the signature
// appended last as s, for a request to escapedPath. It panics if x was not
// made by [NewImgix].
func (x *Imgix) Sign(escapedPath, rawQuery string) string {
	rest := without(rawQuery, "s")
	return appendParam(rest, "s="+imgixSum(x.signingKey(), escapedPath, rest))
}

// SignExpiring is like [Imgix.Sign] but first sets the expires parameter to
// t (Unix seconds, appended after the other parameters), so the URL is
// refused after t.
func (x *Imgix) SignExpiring(escapedPath, rawQuery string, t time.Time) string {
	rest := appendParam(without(rawQuery, "s", "expires"), "expires="+unix(t))
	return x.Sign(escapedPath, rest)
}

// Verify implements [Verifier]. The returned query is the received query
// without its final s parameter.
func (x *Imgix) Verify(escapedPath, rawQuery string, now time.Time) (string, error) {
	if len(x.keys) == 0 {
		return "", errNoKey
	}
	if err := checkPath(escapedPath); err != nil {
		return "", err
	}
	rest, last := cutLast(rawQuery)
	sig, ok := strings.CutPrefix(last, "s=")
	if !ok {
		if hasParam(rawQuery, "s") {
			return "", invalid("s must be the last parameter")
		}
		return "", invalid("missing s parameter")
	}
	if hasParam(rest, "s") {
		return "", invalid("more than one s parameter")
	}
	if sig == "" {
		return "", invalid("empty s parameter")
	}
	match := 0
	for _, k := range x.keys {
		match |= subtle.ConstantTimeCompare([]byte(imgixSum(k, escapedPath, rest)), []byte(sig))
	}
	if match != 1 {
		return "", invalid("signature does not match")
	}
	var exp []string
	for pair := range strings.SplitSeq(rest, "&") {
		if pair == "" || paramName(pair) != "expires" {
			continue
		}
		_, v, _ := strings.Cut(pair, "=")
		if d, err := url.QueryUnescape(v); err == nil {
			v = d
		}
		exp = append(exp, v)
	}
	if err := checkExpiry("expires", exp, now); err != nil {
		return "", err
	}
	return rest, nil
}

// imgixSum returns the imgix signature of a path and a raw query without s.
func imgixSum(token, escapedPath, rest string) string {
	h := md5.New()
	h.Write([]byte(token))
	h.Write([]byte(escapedPath))
	if rest != "" {
		h.Write([]byte{'?'})
		h.Write([]byte(rest))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// signingKey returns the key that signs.
func (x *Imgix) signingKey() string {
	if len(x.keys) == 0 {
		panic("signing: Imgix used without NewImgix")
	}
	return x.keys[0]
}
