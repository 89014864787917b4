package signing

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"hash"
	"net/url"
	"time"
)

// HMAC is the native signing scheme, the one to choose for new deployments:
//
//	s = base64url-no-padding(HMAC-SHA256(key, path + "?" + canonical))
//
// where path is the escaped path as received and canonical is the query
// without s, encoded as [url.Values.Encode] does (names sorted, the values
// of one name in received order); when no other parameter remains, the
// signed string is the path alone. An expires parameter (Unix seconds) is
// signed like any other and refused once past. The package documentation
// specifies the scheme byte for byte.
//
// Because the query is canonicalised, parameters with different names may
// arrive in any order, and percent-encodings that decode to the same bytes
// are equivalent; the values of one name may not be reordered.
//
// Several keys may be configured so they can be rotated: all of them verify,
// the first signs. An HMAC is safe for concurrent use. The zero value has no
// key and refuses every request; make one with [NewHMAC].
type HMAC struct {
	keys [][]byte
}

// NewHMAC returns the native scheme with the given secret keys. The first
// one signs; all of them verify. Keys should be at least 32 random bytes; as
// for every scheme of this package, a key is a string of bytes, not
// necessarily text (pass string(b) for a key read as a []byte). It returns
// an error when no key is given or a key is empty.
func NewHMAC(keys ...string) (*HMAC, error) {
	if err := checkKeys(keys); err != nil {
		return nil, err
	}
	h := &HMAC{keys: make([][]byte, len(keys))}
	for i, k := range keys {
		h.keys[i] = []byte(k)
	}
	return h, nil
}

// Sign returns rawQuery with any s parameter removed and the signature
// appended last as s, for a request to escapedPath. The other parameters are
// kept as given, in their order. A rawQuery that [url.ParseQuery] refuses
// gives a URL that [HMAC.Verify] refuses too. It panics if h was not made by
// [NewHMAC].
func (h *HMAC) Sign(escapedPath, rawQuery string) string {
	rest := without(rawQuery, "s")
	values, _ := url.ParseQuery(rest)
	m := hmac.New(sha256.New, h.signingKey())
	return appendParam(rest, "s="+hmacSum(m, escapedPath, values.Encode()))
}

// SignExpiring is like [HMAC.Sign] but first sets the expires parameter to
// t (Unix seconds, appended after the other parameters), so the URL is
// refused after t.
func (h *HMAC) SignExpiring(escapedPath, rawQuery string, t time.Time) string {
	rest := appendParam(without(rawQuery, "s", "expires"), "expires="+unix(t))
	return h.Sign(escapedPath, rest)
}

// Verify implements [Verifier]. The returned query is the received query
// without its s parameter, other parameters byte for byte and in order.
func (h *HMAC) Verify(escapedPath, rawQuery string, now time.Time) (string, error) {
	if len(h.keys) == 0 {
		return "", errNoKey
	}
	if err := checkPath(escapedPath); err != nil {
		return "", err
	}
	values, err := url.ParseQuery(rawQuery)
	if err != nil {
		return "", invalid("malformed query")
	}
	sigs := values["s"]
	switch {
	case len(sigs) == 0:
		return "", invalid("missing s parameter")
	case len(sigs) > 1:
		return "", invalid("more than one s parameter")
	case sigs[0] == "":
		return "", invalid("empty s parameter")
	}
	delete(values, "s")
	canonical := values.Encode()
	match := 0
	for _, k := range h.keys {
		m := hmac.New(sha256.New, k)
		match |= subtle.ConstantTimeCompare([]byte(hmacSum(m, escapedPath, canonical)), []byte(sigs[0]))
	}
	if match != 1 {
		return "", invalid("signature does not match")
	}
	if err := checkExpiry("expires", values["expires"], now); err != nil {
		return "", err
	}
	return without(rawQuery, "s"), nil
}

// hmacSum returns the native signature of a path and a canonical query,
// computed with m, a fresh HMAC-SHA256.
func hmacSum(m hash.Hash, escapedPath, canonical string) string {
	m.Write([]byte(escapedPath))
	if canonical != "" {
		m.Write([]byte{'?'})
		m.Write([]byte(canonical))
	}
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// signingKey returns the key that signs.
func (h *HMAC) signingKey() []byte {
	if len(h.keys) == 0 {
		panic("signing: HMAC used without NewHMAC")
	}
	return h.keys[0]
}
