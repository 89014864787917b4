package signing

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"
)

// scheme bundles one scheme's verifier (keys "current-key" then
// "previous-key") with signers for tests.
type scheme struct {
	name     string
	verifier Verifier
	signer   Signer // signs with "current-key", the verifier's first key
	previous Signer // signs with "previous-key", the verifier's second key
	retired  Signer // signs with "retired-key", which the verifier lacks
	sig      string // name of the signature parameter
	expiring func(path, query string, t time.Time) string
}

func schemes(t testing.TB) []scheme {
	x := mustImgix(t, "current-key", "previous-key")
	k := mustImageKit(t, "current-key", "previous-key")
	h := mustHMAC(t, "current-key", "previous-key")
	return []scheme{
		{"imgix", x, x, mustImgix(t, "previous-key"), mustImgix(t, "retired-key"), "s", x.SignExpiring},
		{"imagekit", k, k, mustImageKit(t, "previous-key"), mustImageKit(t, "retired-key"), "ik-s", k.SignExpiring},
		{"hmac", h, h, mustHMAC(t, "previous-key"), mustHMAC(t, "retired-key"), "s", h.SignExpiring},
	}
}

// refused reports whether err is a signature failure that is not an expiry.
func refused(err error) bool {
	return errors.Is(err, ErrSignature) && !errors.Is(err, ErrExpired)
}

// replaceSig returns q with the value of its signature parameter (the last
// pair) replaced by f(value).
func replaceSig(q string, f func(string) string) string {
	rest, last := cutLast(q)
	name, value, _ := strings.Cut(last, "=")
	return appendParam(rest, name+"="+f(value))
}

// otherAlphabets returns the signature re-encoded in other alphabets: for a
// hex signature, base64 of its bytes; for a base64url one, the standard
// alphabet with and without padding and base64url with padding.
func otherAlphabets(s scheme, sig string) []string {
	if s.name == "hmac" {
		b, err := base64.RawURLEncoding.DecodeString(sig)
		if err != nil {
			panic(err)
		}
		return []string{
			base64.RawStdEncoding.EncodeToString(b),
			base64.StdEncoding.EncodeToString(b),
			base64.URLEncoding.EncodeToString(b),
			hex.EncodeToString(b),
		}
	}
	b, err := hex.DecodeString(sig)
	if err != nil {
		panic(err)
	}
	return []string{
		base64.RawURLEncoding.EncodeToString(b),
		base64.StdEncoding.EncodeToString(b),
		strings.ToUpper(sig),
	}
}

// swapCase swaps the case of ASCII letters.
func swapCase(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' {
			b[i] = c ^ 0x20
		}
	}
	return string(b)
}

// TestTamper signs one URL per scheme and checks that every alteration is
// refused with ErrSignature, except the few the native scheme's
// canonicalisation makes equivalent.
func TestTamper(t *testing.T) {
	const path = "/photos/my%20dog.jpg"
	// Find a query whose native signature has a character of the URL-safe
	// alphabet ('-' or '_'), so that re-encoding it in the standard alphabet
	// changes it.
	h := mustHMAC(t, "current-key", "previous-key")
	query := ""
	for i := range 1000 {
		q := fmt.Sprintf("m=%%2a&auto=format&auto=compress&txt=a%%20b&w=300&v=%d", i)
		if strings.ContainsAny(sigOf(h.Sign(path, q)), "-_") {
			query = q
			break
		}
	}
	if query == "" {
		t.Fatal("no query gives a signature with '-' or '_'")
	}

	type mutation func(s scheme, p, q string) (string, string)
	onSig := func(f func(string) string) mutation {
		return func(s scheme, p, q string) (string, string) { return p, replaceSig(q, f) }
	}
	onQuery := func(old, new string) mutation {
		return func(s scheme, p, q string) (string, string) {
			if !strings.Contains(q, old) {
				panic(fmt.Sprintf("%q not in %q", old, q))
			}
			return p, strings.Replace(q, old, new, 1)
		}
	}
	onPath := func(old, new string) mutation {
		return func(s scheme, p, q string) (string, string) {
			if !strings.Contains(p, old) {
				panic(fmt.Sprintf("%q not in %q", old, p))
			}
			return strings.Replace(p, old, new, 1), q
		}
	}
	tests := []struct {
		name   string
		mutate mutation
		accept string // scheme that accepts the change, if any
	}{
		{"truncate one", onSig(func(s string) string { return s[:len(s)-1] }), ""},
		{"truncate half", onSig(func(s string) string { return s[:len(s)/2] }), ""},
		{"append digit", onSig(func(s string) string { return s + "0" }), ""},
		{"append letter", onSig(func(s string) string { return s + "A" }), ""},
		{"append padding", onSig(func(s string) string { return s + "=" }), ""},
		{"swap case", onSig(swapCase), ""},
		{"upper case", onSig(strings.ToUpper), ""},
		{"empty", onSig(func(string) string { return "" }), ""},
		{"space", onSig(func(s string) string { return " " + s }), ""},
		{"missing", func(s scheme, p, q string) (string, string) { return p, without(q, s.sig) }, ""},
		{"name only", func(s scheme, p, q string) (string, string) { return p, without(q, s.sig) + "&" + s.sig }, ""},
		{"duplicated", func(s scheme, p, q string) (string, string) {
			_, last := cutLast(q)
			return p, q + "&" + last
		}, ""},
		{"signature first", func(s scheme, p, q string) (string, string) {
			rest, last := cutLast(q)
			return p, last + "&" + rest
		}, "hmac"},
		{"signature percent-encoded", onSig(func(s string) string {
			var b strings.Builder
			for i := 0; i < len(s); i++ {
				fmt.Fprintf(&b, "%%%02X", s[i])
			}
			return b.String()
		}), "hmac"},
		{"names reordered", onQuery("txt=a%20b&w=300", "w=300&txt=a%20b"), "hmac"},
		{"equivalent escape", onQuery("txt=a%20b", "txt=a+b"), "hmac"},
		{"escape hex case", onQuery("%2a", "%2A"), "hmac"},
		{"values of one name reordered", onQuery("auto=format&auto=compress", "auto=compress&auto=format"), ""},
		{"value changed", onQuery("w=300", "w=301"), ""},
		{"value emptied", onQuery("w=300", "w="), ""},
		{"parameter removed", onQuery("w=300&", ""), ""},
		{"parameter added", onQuery("w=300", "w=300&h=300"), ""},
		{"parameter duplicated", onQuery("w=300", "w=300&w=300"), ""},
		{"name case", onQuery("w=300", "W=300"), ""},
		{"query double encoded", onQuery("txt=a%20b", "txt=a%2520b"), ""},
		{"query decoded", onQuery("txt=a%20b", "txt=a b"), "hmac"},
		{"path double encoded", onPath("%20", "%2520"), ""},
		{"path decoded", onPath("%20", " "), ""},
		{"path escape case", onPath("my%20dog", "my%20Dog"), ""},
		{"path slash encoded", onPath("/my", "%2Fmy"), ""},
		{"path trailing slash", onPath(".jpg", ".jpg/"), ""},
		{"path other file", onPath("dog", "cat"), ""},
		{"path with query moved in", func(s scheme, p, q string) (string, string) {
			rest, last := cutLast(q)
			return p + "?" + rest, last
		}, ""},
		{"path upper case", func(s scheme, p, q string) (string, string) { return strings.ToUpper(p), q }, ""},
	}
	for _, s := range schemes(t) {
		p, q := path, s.signer.Sign(path, query)
		if _, err := s.verifier.Verify(p, q, now); err != nil {
			t.Fatalf("%s: untouched URL refused: %v", s.name, err)
		}
		for _, tt := range tests {
			tp, tq := tt.mutate(s, p, q)
			if tp == p && tq == q {
				t.Fatalf("%s/%s: mutation changed nothing", s.name, tt.name)
			}
			_, err := s.verifier.Verify(tp, tq, now)
			if tt.accept == s.name {
				if err != nil {
					t.Errorf("%s/%s: Verify(%q, %q) = %v, want it accepted", s.name, tt.name, tp, tq, err)
				}
				continue
			}
			if !refused(err) {
				t.Errorf("%s/%s: Verify(%q, %q) = %v, want ErrSignature", s.name, tt.name, tp, tq, err)
			}
		}
		sig := sigOf(q)
		for _, other := range otherAlphabets(s, sig) {
			if other == sig {
				t.Fatalf("%s: alphabet change gave the same signature", s.name)
			}
			if _, err := s.verifier.Verify(p, replaceSig(q, func(string) string { return other }), now); !refused(err) {
				t.Errorf("%s: signature %q in another alphabet: %v, want ErrSignature", s.name, other, err)
			}
		}
		// Every character of the signature, replaced by each other character
		// of its alphabet.
		const alphabet = "0123456789abcdefABCDEF-_+/=%."
		for i := range len(sig) {
			for _, c := range []byte(alphabet) {
				if sig[i] == c {
					continue
				}
				bad := sig[:i] + string(c) + sig[i+1:]
				if _, err := s.verifier.Verify(p, replaceSig(q, func(string) string { return bad }), now); !refused(err) {
					t.Errorf("%s: signature char %d set to %q: %v, want ErrSignature", s.name, i, c, err)
				}
			}
		}
		// A key that was rotated out.
		if _, err := s.verifier.Verify(p, s.retired.Sign(p, query), now); !refused(err) {
			t.Errorf("%s: retired key: %v, want ErrSignature", s.name, err)
		}
	}
}

// TestRotation checks that every configured key verifies and the first one
// signs.
func TestRotation(t *testing.T) {
	const path, query = "/a/b.jpg", "w=100"
	for _, s := range schemes(t) {
		if _, err := s.verifier.Verify(path, s.previous.Sign(path, query), now); err != nil {
			t.Errorf("%s: URL signed with the second key refused: %v", s.name, err)
		}
		if _, err := s.verifier.Verify(path, s.signer.Sign(path, query), now); err != nil {
			t.Errorf("%s: URL signed with the first key refused: %v", s.name, err)
		}
	}
	// The first key signs: a verifier holding only it accepts the URL.
	x := mustImgix(t, "current-key", "previous-key")
	if _, err := mustImgix(t, "current-key").Verify(path, x.Sign(path, query), now); err != nil {
		t.Errorf("imgix: first key does not sign: %v", err)
	}
	k := mustImageKit(t, "current-key", "previous-key")
	if _, err := mustImageKit(t, "current-key").Verify(path, k.Sign(path, query), now); err != nil {
		t.Errorf("imagekit: first key does not sign: %v", err)
	}
	h := mustHMAC(t, "current-key", "previous-key")
	if _, err := mustHMAC(t, "current-key").Verify(path, h.Sign(path, query), now); err != nil {
		t.Errorf("hmac: first key does not sign: %v", err)
	}
	if _, err := mustHMAC(t, "previous-key").Verify(path, h.Sign(path, query), now); !refused(err) {
		t.Errorf("hmac: second key signs: %v", err)
	}
}

// TestExpiry checks expiring URLs at, before and after their expiry time.
func TestExpiry(t *testing.T) {
	const path, query = "/a.jpg", "w=100"
	exp := time.Unix(1893456000, 0)
	tests := []struct {
		name    string
		now     time.Time
		expired bool
	}{
		{"long before", exp.Add(-24 * time.Hour), false},
		{"just before", exp.Add(-time.Nanosecond), false},
		{"at", exp, false},
		{"within the second", exp.Add(999 * time.Millisecond), true},
		{"after", exp.Add(time.Second), true},
		{"long after", exp.Add(24 * 365 * time.Hour), true},
	}
	if errors.Unwrap(ErrExpired) != nil || ErrExpired.Error() != "signing: signature expired" {
		t.Errorf("ErrExpired = %#v, want a plain sentinel", ErrExpired)
	}
	for _, s := range schemes(t) {
		q := s.expiring(path, query, exp)
		for _, tt := range tests {
			got, err := s.verifier.Verify(path, q, tt.now)
			if tt.expired {
				if !errors.Is(err, ErrExpired) || !errors.Is(err, ErrSignature) {
					t.Errorf("%s/%s: Verify = %v, want ErrExpired wrapping ErrSignature", s.name, tt.name, err)
				}
				continue
			}
			if err != nil {
				t.Errorf("%s/%s: Verify = %v", s.name, tt.name, err)
			}
			if s.name != "imagekit" && !strings.Contains(got, "expires=1893456000") {
				t.Errorf("%s/%s: returned query %q lost expires", s.name, tt.name, got)
			}
		}
		// An expired URL signed with a wrong key is a bad signature, not an
		// expired one: the signature is checked first.
		bad := replaceSig(q, func(v string) string { return swapCase(v[:len(v)-1]) + "0" })
		if _, err := s.verifier.Verify(path, bad, exp.Add(time.Hour)); !refused(err) {
			t.Errorf("%s: expired URL with a bad signature: %v, want ErrSignature only", s.name, err)
		}
	}
	// Re-signing replaces a previous expiry.
	h := mustHMAC(t, "k")
	q := h.SignExpiring(path, h.SignExpiring(path, query, exp), exp.Add(time.Hour))
	if strings.Count(q, "expires=") != 1 {
		t.Errorf("SignExpiring twice = %q, want one expires", q)
	}
	if _, err := h.Verify(path, q, exp.Add(30*time.Minute)); err != nil {
		t.Errorf("re-signed URL refused: %v", err)
	}
}

// TestMalformedExpiry checks that bad expiry parameters are refused as bad
// signatures even when the signature matches.
func TestMalformedExpiry(t *testing.T) {
	const path = "/a.jpg"
	x := mustImgix(t, "k")
	h := mustHMAC(t, "k")
	k := mustImageKit(t, "k")
	tests := []struct {
		name   string
		v      Verifier
		query  string
		reason string
	}{
		{"imgix not a number", x, x.Sign(path, "expires=soon"), "malformed expires"},
		{"imgix fraction", x, x.Sign(path, "expires=1.5"), "malformed expires"},
		{"imgix twice", x, x.Sign(path, "expires=1&expires=2"), "more than one expires"},
		{"imgix empty", x, x.Sign(path, "expires="), "malformed expires"},
		{"hmac not a number", h, h.Sign(path, "expires=soon"), "malformed expires"},
		{"hmac overflow", h, h.Sign(path, "expires=99999999999999999999"), "malformed expires"},
		{"hmac twice", h, h.Sign(path, "expires=1&expires=2"), "more than one expires"},
		{"imagekit ik-t overflow", k, imagekitWithExpiry(k, path, "99999999999999999999"), "malformed ik-t"},
		{"imagekit ik-t negative", k, imagekitWithExpiry(k, path, "-1"), "malformed ik-t"},
		{"imagekit ik-t empty", k, imagekitWithExpiry(k, path, ""), "malformed ik-t"},
		// Within int64 but past any date: not a time in the year 292277026596.
		{"imgix past the time range", x, x.Sign(path, "expires=9223372036854775807"), "malformed expires"},
		{"hmac past the time range", h, h.Sign(path, "expires=9223372036854775807"), "malformed expires"},
		{"hmac past 9999", h, h.Sign(path, "expires=253402300800"), "malformed expires"},
		{"hmac most negative", h, h.Sign(path, "expires=-9223372036854775808"), "malformed expires"},
		{"hmac negative", h, h.Sign(path, "expires=-1"), "malformed expires"},
		{"hmac plus sign", h, h.Sign(path, "expires=%2B1893456000"), "malformed expires"},
	}
	for _, tt := range tests {
		_, err := tt.v.Verify(path, tt.query, now)
		if !refused(err) || !strings.Contains(fmt.Sprint(err), tt.reason) {
			t.Errorf("%s: Verify(%q) = %v, want ErrSignature with %q", tt.name, tt.query, err, tt.reason)
		}
	}
}

// TestImageKitRefusesExpires checks that ImageKit refuses a correctly signed
// URL that carries an expires parameter, which the scheme does not honour,
// with a reason naming it, before or after the time it names.
func TestImageKitRefusesExpires(t *testing.T) {
	const path = "/a.jpg"
	k := mustImageKit(t, "k")
	past := strconv.FormatInt(now.Add(-time.Hour).Unix(), 10)
	future := strconv.FormatInt(now.Add(time.Hour).Unix(), 10)
	for _, q := range []string{
		k.Sign(path, "w=1&expires="+past),
		k.Sign(path, "expires="+future),
		k.SignExpiring(path, "w=1&expires="+future, now.Add(time.Hour)),
		k.Sign(path, "w=1&%65xpires="+past), // the name escaped
	} {
		_, err := k.Verify(path, q, now)
		if !refused(err) || !strings.Contains(fmt.Sprint(err), "expires parameter is not part of the ImageKit scheme") {
			t.Errorf("Verify(%q) = %v, want ErrSignature naming expires", q, err)
		}
	}
	// expires is only refused as a name: a value may hold the word.
	q := k.Sign(path, "txt=expires")
	if _, err := k.Verify(path, q, now); err != nil {
		t.Errorf("Verify(%q) = %v", q, err)
	}
}

// imagekitWithExpiry signs path with an arbitrary ik-t value, as a client
// could.
func imagekitWithExpiry(k *ImageKit, path, exp string) string {
	return "ik-t=" + exp + "&ik-s=" + imagekitSum(k.keys[0], path, "", exp)
}

// TestStructure checks the reasons given for malformed signature
// parameters.
func TestStructure(t *testing.T) {
	const path = "/a.jpg"
	x := mustImgix(t, "k")
	k := mustImageKit(t, "k")
	h := mustHMAC(t, "k")
	xs := sigOf(x.Sign(path, "w=1"))
	ks := sigOf(k.Sign(path, "w=1"))
	hs := sigOf(h.Sign(path, "w=1"))
	tests := []struct {
		name   string
		v      Verifier
		path   string
		query  string
		reason string
	}{
		{"imgix no query", x, path, "", "missing s"},
		{"imgix no s", x, path, "w=1", "missing s"},
		{"imgix s first", x, path, "s=" + xs + "&w=1", "s must be the last"},
		{"imgix s encoded name", x, path, "w=1&%73=" + xs, "s must be the last"},
		{"imgix two s", x, path, "s=" + xs + "&w=1&s=" + xs, "more than one s"},
		{"imgix empty s", x, path, "w=1&s=", "empty s"},
		{"imgix wrong", x, path, "w=2&s=" + xs, "does not match"},
		{"imgix raw ? in path", x, "/a?b.jpg", "s=" + xs, "raw '?'"},
		{"imagekit no ik-s", k, path, "w=1", "missing ik-s"},
		{"imagekit ik-s first", k, path, "ik-s=" + ks + "&w=1", "ik-s must be the last"},
		{"imagekit two ik-s", k, path, "ik-s=" + ks + "&w=1&ik-s=" + ks, "more than one ik-s"},
		{"imagekit ik-t misplaced", k, path, "ik-t=1&w=1&ik-s=" + ks, "ik-t must come just before ik-s"},
		{"imagekit ik-t letters", k, path, "w=1&ik-t=12a&ik-s=" + ks, "malformed ik-t"},
		{"imagekit empty ik-s", k, path, "w=1&ik-s=", "empty ik-s"},
		{"imagekit wrong", k, path, "w=2&ik-s=" + ks, "does not match"},
		{"hmac no query", h, path, "", "missing s"},
		{"hmac two s", h, path, "s=" + hs + "&w=1&s=" + hs, "more than one s"},
		{"hmac empty s", h, path, "w=1&s=", "empty s"},
		{"hmac bad escape", h, path, "w=%zz&s=" + hs, "malformed query"},
		{"hmac semicolon", h, path, "w=1;h=2&s=" + hs, "malformed query"},
		{"hmac wrong", h, path, "w=2&s=" + hs, "does not match"},
		{"hmac raw ? in path", h, "/a?w=1", "s=" + hs, "raw '?'"},
		{"zero imgix", &Imgix{}, path, "w=1&s=" + xs, "no key"},
		{"zero imagekit", &ImageKit{}, path, "w=1&ik-s=" + ks, "no key"},
		{"zero hmac", &HMAC{}, path, "w=1&s=" + hs, "no key"},
	}
	for _, tt := range tests {
		q, err := tt.v.Verify(tt.path, tt.query, now)
		if !refused(err) || !strings.Contains(fmt.Sprint(err), tt.reason) {
			t.Errorf("%s: Verify(%q, %q) = %v, want ErrSignature with %q", tt.name, tt.path, tt.query, err, tt.reason)
		}
		if q != "" {
			t.Errorf("%s: Verify returned query %q with an error", tt.name, q)
		}
	}
}

// TestErrorHidesSignature checks that a refusal never shows the signature
// the server expected.
func TestErrorHidesSignature(t *testing.T) {
	const path, query = "/a.jpg", "w=1"
	for _, s := range schemes(t) {
		good := s.signer.Sign(path, query)
		bad := replaceSig(good, func(v string) string { return strings.Repeat("0", len(v)) })
		_, err := s.verifier.Verify(path, bad, now)
		if !refused(err) {
			t.Fatalf("%s: Verify = %v, want ErrSignature", s.name, err)
		}
		if msg := err.Error(); strings.Contains(msg, sigOf(good)) || strings.Contains(msg, "current-key") {
			t.Errorf("%s: error %q reveals the signature or the key", s.name, msg)
		}
		if want := "signing: invalid signature: signature does not match"; err.Error() != want {
			t.Errorf("%s: error %q, want %q", s.name, err, want)
		}
	}
}

// TestRoundTrip signs and verifies a range of paths and queries with every
// scheme and checks the query handed back.
func TestRoundTrip(t *testing.T) {
	tests := []struct{ path, query, want string }{
		{"/a.jpg", "", ""},
		{"/", "", ""},
		{"", "w=1", "w=1"},
		{"/photos/my%20dog.jpg", "w=300&h=200", "w=300&h=200"},
		{"/caf%C3%A9/%E2%9C%93.png", "txt=%E2%9C%93&txt64=4pyT", "txt=%E2%9C%93&txt64=4pyT"},
		{"/http%3A%2F%2Fa.com%2Fb.png", "auto=format&auto=compress", "auto=format&auto=compress"},
		{"/tr:w-300,h-200/a.jpg", "tr=w-1", "tr=w-1"},
		{"/a.jpg", "flip&w=1", "flip&w=1"},
		{"/a.jpg", "w=1&", "w=1&"},
		{"/a.jpg", "s=stale&w=1", "w=1"},
		{"/a.jpg", "w=1&s=stale&h=2", "w=1&h=2"},
		{"/a.jpg", "expires=4102444800&w=1", "expires=4102444800&w=1"},
	}
	for _, s := range schemes(t) {
		for _, tt := range tests {
			want := tt.want
			if s.name == "imagekit" {
				// s is an ordinary parameter for ImageKit.
				want = tt.query
			}
			q := s.signer.Sign(tt.path, tt.query)
			got, err := s.verifier.Verify(tt.path, q, now)
			if s.name == "imagekit" && strings.Contains(tt.query, "expires=") {
				if !refused(err) {
					t.Errorf("%s: Verify(%q, %q) = %q, %v; want ErrSignature", s.name, tt.path, q, got, err)
				}
				continue
			}
			if err != nil || got != want {
				t.Errorf("%s: Verify(%q, %q) = %q, %v; want %q, nil", s.name, tt.path, q, got, err, want)
			}
			// Signing twice gives the same URL.
			if again := s.signer.Sign(tt.path, q); again != q {
				t.Errorf("%s: re-signing %q gave %q", s.name, q, again)
			}
		}
	}
}

// TestConstructors checks that the three constructors take their keys the
// same way: none accepts a missing or empty key, each names the empty one,
// and a binary key works.
func TestConstructors(t *testing.T) {
	constructors := []struct {
		name string
		make func(keys ...string) (Verifier, error)
	}{
		{"NewHMAC", func(keys ...string) (Verifier, error) { return NewHMAC(keys...) }},
		{"NewImgix", func(keys ...string) (Verifier, error) { return NewImgix(keys...) }},
		{"NewImageKit", func(keys ...string) (Verifier, error) { return NewImageKit(keys...) }},
	}
	binary := string([]byte{0, 0xff, 0x80, '\n', 0x7f})
	for _, c := range constructors {
		if _, err := c.make(); err == nil || !strings.Contains(err.Error(), "no key given") {
			t.Errorf("%s() = %v, want no key given", c.name, err)
		}
		if _, err := c.make(""); err == nil || !strings.Contains(err.Error(), "key 0 is empty") {
			t.Errorf("%s(\"\") = %v, want key 0 is empty", c.name, err)
		}
		if _, err := c.make("a", ""); err == nil || !strings.Contains(err.Error(), "key 1 is empty") {
			t.Errorf("%s(a, \"\") = %v, want key 1 is empty", c.name, err)
		}
		v, err := c.make(binary)
		if err != nil {
			t.Fatalf("%s(binary key): %v", c.name, err)
		}
		q := v.(Signer).Sign("/a.jpg", "w=1")
		if _, err := v.Verify("/a.jpg", q, now); err != nil {
			t.Errorf("%s: a binary key does not verify its own signature: %v", c.name, err)
		}
		other, _ := c.make(binary[:len(binary)-1] + "\x7e")
		if _, err := other.Verify("/a.jpg", q, now); !refused(err) {
			t.Errorf("%s: a key differing in its last byte verifies: %v", c.name, err)
		}
	}

	keys := []string{"secret"}
	x, err := NewImgix(keys...)
	if err != nil {
		t.Fatal(err)
	}
	q := x.Sign("/a.jpg", "")
	keys[0] = "other"
	if _, err := x.Verify("/a.jpg", q, now); err != nil {
		t.Errorf("changing the caller's key slice changed the verifier: %v", err)
	}
}

// TestConcurrent verifies and signs from several goroutines (run with
// -race).
func TestConcurrent(t *testing.T) {
	ss := schemes(t)
	done := make(chan struct{})
	for g := range 4 {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := range 200 {
				s := ss[(g+i)%len(ss)]
				p := fmt.Sprintf("/img/%d.jpg", i)
				if _, err := s.verifier.Verify(p, s.signer.Sign(p, "w=1"), now); err != nil {
					t.Errorf("%s: %v", s.name, err)
					return
				}
			}
		}()
	}
	for range 4 {
		<-done
	}
}

// TestImageKitDigitShift: ImageKit signs the query and the expiry with no
// separator between them, so moving a digit between the two keeps the
// signed text; only ten-digit expiries are accepted, which rules it out.
func TestImageKitDigitShift(t *testing.T) {
	k := mustImageKit(t, "current-key")
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	const path = "/img/123"
	never := k.Sign(path, "w=300")
	sig := never[strings.LastIndex(never, "ik-s="):]
	expired := k.SignExpiring(path, "h=200&w=301", time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC))
	expiredSig := expired[strings.LastIndex(expired, "ik-s="):]
	for _, c := range []struct{ path, query string }{
		{path, "w=30&ik-t=09999999999&" + sig},
		{path, "w=3&ik-t=009999999999&" + sig},
		{path, "w=3000&ik-t=999999999&" + sig},
		{path, "h=200&w=30&ik-t=11577836800&" + expiredSig},
		{"/img/12", "w=300&ik-t=39999999999&" + sig},
	} {
		if _, err := k.Verify(c.path, c.query, now); !refused(err) {
			t.Errorf("Verify(%q, %q) = %v, want a refusal", c.path, c.query, err)
		}
	}
	// The URLs as signed still verify (the expired one as expired).
	if _, err := k.Verify(path, never, now); err != nil {
		t.Errorf("the never-expiring URL: %v", err)
	}
	if _, err := k.Verify(path, expired, now); !errors.Is(err, ErrExpired) {
		t.Errorf("the expired URL: %v, want ErrExpired", err)
	}
}
