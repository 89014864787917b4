package signing

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// ErrSignature is wrapped by every verification failure: a signature that is
// missing, malformed, does not match, or has expired.
var ErrSignature = errors.New("signing: invalid signature")

// ErrExpired is wrapped by the error returned for a correctly signed URL
// whose expiry time has passed. That error wraps [ErrSignature] too, so a
// caller that only checks errors.Is(err, ErrSignature) refuses expired URLs
// as well; errors.Is(err, ErrExpired) tells them apart.
var ErrExpired = errors.New("signing: signature expired")

// Verifier checks a request's signature before anything is fetched.
// Implementations are safe for concurrent use.
type Verifier interface {
	// Verify checks the signature of a request whose escaped path (as the
	// handler receives it, normally r.URL.EscapedPath(), with its leading
	// slash) and raw query (r.URL.RawQuery) are given, at time now.
	//
	// On success it returns the query with the signature parameters removed
	// (s, or ik-s and ik-t for ImageKit; an expires parameter stays, it is
	// an ordinary signed parameter), so the caller can parse the remaining
	// transformation parameters. A caller treats a remaining expires
	// parameter as checked, so a Verifier that does not honour expires
	// must refuse a query that has one, as [ImageKit] does.
	//
	// On failure it returns an error wrapping [ErrSignature] (missing,
	// malformed or wrong signature), and also [ErrExpired] when a correctly
	// signed URL has expired. The error text is safe to show a client: it
	// never contains a key or the expected signature.
	Verify(escapedPath, rawQuery string, now time.Time) (query string, err error)
}

// Signer signs URLs for a [Builder]. *[Imgix], *[ImageKit] and *[HMAC]
// implement it. Implementations are safe for concurrent use.
type Signer interface {
	// Sign returns rawQuery with any signature parameter of the scheme
	// removed and a fresh signature parameter appended last, for a request
	// to escapedPath (as the server will receive it, with its leading
	// slash).
	Sign(escapedPath, rawQuery string) string
}

var (
	_ Verifier = (*Imgix)(nil)
	_ Verifier = (*ImageKit)(nil)
	_ Verifier = (*HMAC)(nil)
	_ Signer   = (*Imgix)(nil)
	_ Signer   = (*ImageKit)(nil)
	_ Signer   = (*HMAC)(nil)
)

// invalid returns an error wrapping ErrSignature with a reason safe to show
// a client.
func invalid(reason string) error {
	return &reasonError{reason: reason}
}

// expired returns an error wrapping ErrExpired and ErrSignature for an
// expiry time t.
func expired(t time.Time) error {
	return &reasonError{expired: true, reason: "expired at " + t.UTC().Format(time.RFC3339)}
}

// reasonError is a verification failure with a reason: it wraps
// ErrSignature, and ErrExpired too when expired is set.
type reasonError struct {
	expired bool
	reason  string
}

func (e *reasonError) Error() string {
	if e.expired {
		return ErrExpired.Error() + ": " + e.reason
	}
	return ErrSignature.Error() + ": " + e.reason
}

func (e *reasonError) Unwrap() []error {
	if e.expired {
		return []error{ErrExpired, ErrSignature}
	}
	return []error{ErrSignature}
}

// checkKeys refuses an empty key list and empty keys: the constructors of
// every scheme take their keys the same way.
func checkKeys(keys []string) error {
	if len(keys) == 0 {
		return errors.New("signing: no key given")
	}
	for i, k := range keys {
		if k == "" {
			return fmt.Errorf("signing: key %d is empty", i)
		}
	}
	return nil
}

// errNoKey is returned by Verify on a zero value (a verifier not made by its
// constructor): it refuses every request rather than accepting them.
var errNoKey = invalid("no key configured")

// checkPath refuses an escaped path that contains a raw '?': a path as a
// server receives it never does, and accepting one would let the boundary
// between path and query move without changing the signed string.
func checkPath(escapedPath string) error {
	if strings.IndexByte(escapedPath, '?') >= 0 {
		return invalid("path contains a raw '?'")
	}
	return nil
}

// paramName returns the decoded name of one raw query pair: "a%20b=c"
// gives "a b". A name that does not decode is returned as it is.
func paramName(pair string) string {
	name, _, _ := strings.Cut(pair, "=")
	if d, err := url.QueryUnescape(name); err == nil {
		return d
	}
	return name
}

// hasParam reports whether rawQuery has a pair whose decoded name is name.
func hasParam(rawQuery, name string) bool {
	for pair := range strings.SplitSeq(rawQuery, "&") {
		if pair != "" && paramName(pair) == name {
			return true
		}
	}
	return false
}

// without returns rawQuery without the pairs whose decoded name is one of
// names, keeping the other pairs byte for byte and in order.
func without(rawQuery string, names ...string) string {
	if rawQuery == "" {
		return ""
	}
	var b strings.Builder
	first := true
	for pair := range strings.SplitSeq(rawQuery, "&") {
		drop := false
		if pair != "" {
			n := paramName(pair)
			for _, name := range names {
				if n == name {
					drop = true
					break
				}
			}
		}
		if drop {
			continue
		}
		if !first {
			b.WriteByte('&')
		}
		b.WriteString(pair)
		first = false
	}
	return b.String()
}

// appendParam appends the raw pair to rawQuery.
func appendParam(rawQuery, pair string) string {
	if rawQuery == "" {
		return pair
	}
	return rawQuery + "&" + pair
}

// maxExpiry is the latest expiry accepted, 9999-12-31T23:59:59Z in Unix
// seconds: past it, a time is no longer a date that formats as RFC 3339,
// and near the int64 limit it no longer fits a time.Time.
const maxExpiry = 253402300799

// checkExpiry checks the values of an expiry parameter named name (Unix
// seconds, digits only, at most maxExpiry) against now. No value means the
// URL never expires.
func checkExpiry(name string, values []string, now time.Time) error {
	switch len(values) {
	case 0:
		return nil
	case 1:
	default:
		return invalid("more than one " + name + " parameter")
	}
	sec, err := strconv.ParseInt(values[0], 10, 64)
	if err != nil || !isDigits(values[0]) || sec > maxExpiry {
		return invalid("malformed " + name + " parameter: want Unix seconds from 0 to " + strconv.FormatInt(maxExpiry, 10))
	}
	t := time.Unix(sec, 0)
	if now.After(t) {
		return expired(t)
	}
	return nil
}

// unix formats t as Unix seconds.
func unix(t time.Time) string {
	return strconv.FormatInt(t.Unix(), 10)
}
