package source

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode"
	"unicode/utf8"
)

// MaxURLLen is the length in bytes of the longest URL [WebProxy] accepts as
// a key.
const MaxURLLen = 4096

// WebProxy serves any image on the web: the key is the full http or https
// URL of the original, and the original is fetched with an HTTP GET. Since
// the URLs come from requests, a WebProxy guards the network it can reach:
// by default it only connects to public addresses (see [PublicAddr]), and
// [WebProxyOptions.AllowHosts] can narrow it to a list of hosts. It is safe
// for concurrent use.
//
// # Keys
//
// A key is an absolute URL as [url.Parse] accepts it, such as
// "https://images.example.com/photos/dog.jpg?v=2". An HTTP handler passes
// the path of its request without the leading slash, r.URL.Path[1:], which
// net/http has percent-decoded once: a client asks for
// "/https%3A%2F%2Fimages.example.com%2Fdog.jpg" (or, unencoded,
// "/https://images.example.com/dog.jpg") and the key is
// "https://images.example.com/dog.jpg". Because routers and proxies often
// collapse "//" in a path into "/", a key that starts with "http:/" or
// "https:/" followed by anything but a second slash is read as if the
// slash were doubled: "https:/images.example.com/dog.jpg" is the same key as
// "https://images.example.com/dog.jpg".
//
// A key that is empty, longer than [MaxURLLen], not valid UTF-8, holds a
// control character or a backslash, or is not an absolute URL, is refused
// with [ErrInvalidKey]. A fragment is ignored.
//
// # What is allowed
//
// A URL is allowed only if all of these hold; otherwise Open makes no
// request and returns an error wrapping [ErrNotFound] (a URL the proxy may
// not fetch is answered as one that does not exist), together with
// [ErrForbiddenAddress] when the problem is the address:
//
//   - the scheme is http or https, and there is no user information
//     ("user:password@");
//   - the host is ASCII (an internationalized name must be given in its
//     "xn--" form), a syntactically valid DNS name or IP address, and has no
//     IPv6 zone;
//   - a host that ends in a number is a canonical dotted-decimal IPv4
//     address: the other forms that some resolvers accept, such as
//     "127.1", "2130706433", "0x7f000001" and "017700000001", are refused
//     even with AllowPrivate;
//   - an IP address, and a name "localhost" or ending in ".localhost", is
//     allowed by the [Guard] (skipped with [WebProxyOptions.AllowPrivate]);
//   - the host (lower case, without a trailing dot) matches
//     [WebProxyOptions.AllowHosts], when that is not empty. The port is not
//     part of the match: an allowed host may be reached on any port.
//
// These checks apply to the URL of every redirect as well. Whatever the URL
// names, every connection goes through a [Guard] in the dialer, which sees
// the address actually connected to after name resolution; so a name that
// resolves to a private address is refused as well, also when the answer
// changes between lookups.
//
// # Requests and responses
//
// Requests are made as [WebFolder] makes them: a GET with the User-Agent
// "rendition/" and the release, an Accept header preferring images,
// "Accept-Encoding: identity" and the extra headers of
// [WebProxyOptions.Header], through a client of its own that ignores proxy
// settings from the environment. Responses are reported as WebFolder
// reports them: 200 is the object, 404 and 410 [ErrNotFound], 401 and 403
// [ErrPermission], 408 and 504 [ErrTimeout], any other status
// [ErrUnavailable]; a Content-Encoding other than identity is refused, and
// deadlines are reported as [ErrTimeout].
//
// Redirects are followed up to [WebProxyOptions.MaxRedirects] times. One to
// a URL that is not allowed is refused with [ErrNotFound]; more redirects
// than the limit, and a redirect back to a URL already visited, are faults
// of the origin, refused with [ErrUnavailable].
type WebProxy struct {
	guard    Guard
	exact    map[string]bool // allowed hosts
	suffixes []string        // allowed domains' suffixes, such as ".example.com"
	web      *webClient
}

var _ Source = (*WebProxy)(nil)

// WebProxyOptions configure a [WebProxy]. The zero value gives the defaults:
// any public host, a 10 second timeout and up to 5 redirects.
type WebProxyOptions struct {
	// AllowHosts, if not empty, lists the only hosts that may be fetched
	// from. An entry is a host name such as "images.example.com", which
	// matches only that host; a wildcard such as "*.example.com", which
	// matches every name below example.com ("a.example.com",
	// "a.b.example.com") but not example.com itself (list it too to allow
	// it) nor "evilexample.com"; or an IP address. Names are compared
	// without regard to case or a trailing dot, and must be ASCII. Being on
	// the list does not lift the address guard.
	AllowHosts []string

	// AllowPrivate turns off the address guard (see [Guard.AllowPrivate]),
	// so that loopback, private and other non-public addresses, and the
	// name localhost, may be fetched from. It is meant for development and
	// tests against servers on the local machine; never set it when the
	// URLs come from untrusted requests.
	AllowPrivate bool

	// Dialer makes the connections. If nil, a dialer with a 5 second
	// connection timeout is used. A Dialer given here is copied, not
	// modified: the copy runs the address guard before the Dialer's own
	// ControlContext or Control, if it has one.
	Dialer *net.Dialer

	// Header holds extra headers sent with every request. It is copied. It
	// may not set User-Agent, Accept-Encoding, Host, Range or the
	// conditional headers (If-*), which the WebProxy sets itself; it may
	// replace Accept. Since the URLs come from requests, it should not hold
	// credentials.
	Header http.Header

	// Timeout bounds each request from its start until the caller closes
	// the body, reading included. Zero means 10 seconds; it must not be
	// negative.
	Timeout time.Duration

	// MaxRedirects is the number of redirects followed for one request.
	// Zero means 5; a negative value means that no redirect is followed.
	MaxRedirects int
}

// NewWebProxy returns a WebProxy configured by opts, which may be nil for
// the defaults. The options are copied. It returns an error if an entry of
// AllowHosts is not a valid host name, wildcard or IP address, or if
// another option is invalid.
//
// The WebProxy's transport refuses response headers over 64 KiB and allows
// 5 seconds to complete a TLS handshake and 5 seconds to receive the
// response headers.
func NewWebProxy(opts *WebProxyOptions) (*WebProxy, error) {
	if opts == nil {
		opts = &WebProxyOptions{}
	}
	p := &WebProxy{
		guard: Guard{AllowPrivate: opts.AllowPrivate},
		exact: make(map[string]bool),
	}
	for _, h := range opts.AllowHosts {
		if err := p.allowHost(h); err != nil {
			return nil, err
		}
	}

	var d *net.Dialer
	if opts.Dialer != nil {
		c := *opts.Dialer
		d = &c
	} else {
		d = newDialer()
	}
	next := d.ControlContext
	if next == nil && d.Control != nil {
		control := d.Control
		next = func(_ context.Context, network, address string, c syscall.RawConn) error {
			return control(network, address, c)
		}
	}
	d.Control = nil
	d.ControlContext = p.guard.controlContext(next)
	var err error
	p.web, err = newWebClient(webConfig{
		what:          "web proxy",
		typ:           "WebProxy",
		dialer:        d,
		header:        opts.Header,
		timeout:       opts.Timeout,
		maxRedirects:  opts.MaxRedirects,
		allowRedirect: p.checkRedirect,
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// allowHost adds the AllowHosts entry h to the allow-list.
func (p *WebProxy) allowHost(h string) error {
	name := strings.TrimSuffix(strings.ToLower(h), ".")
	if s, ok := strings.CutPrefix(name, "*."); ok {
		if hostnameProblem(s) != "" || strings.Contains(s, "*") {
			return fmt.Errorf("source: web proxy: AllowHosts entry %q is not a valid wildcard such as *.example.com", h)
		}
		p.suffixes = append(p.suffixes, "."+s)
		return nil
	}
	if ip, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(name, "["), "]")); err == nil {
		if ip.Zone() != "" {
			return fmt.Errorf("source: web proxy: AllowHosts entry %q has an IPv6 zone", h)
		}
		p.exact[ip.String()] = true
		return nil
	}
	if hostnameProblem(name) != "" || endsInNumber(name) {
		return fmt.Errorf("source: web proxy: AllowHosts entry %q is not a valid host name, wildcard or IP address", h)
	}
	p.exact[name] = true
	return nil
}

// hostAllowed reports whether host, lower case and without a trailing dot
// (and an IP address in the form of [netip.Addr.String]), is on the
// allow-list.
func (p *WebProxy) hostAllowed(host string) bool {
	if len(p.exact) == 0 && len(p.suffixes) == 0 {
		return true
	}
	if p.exact[host] {
		return true
	}
	for _, s := range p.suffixes {
		if len(host) > len(s) && strings.HasSuffix(host, s) {
			return true
		}
	}
	return false
}

// Open fetches the object at the URL key. It returns an error wrapping
// [ErrInvalidKey] if key is not a URL, and one wrapping [ErrNotFound] if the
// URL is not allowed, both without making a request; see [WebProxy] for the
// rules.
//
// On success the Object carries the response's Content-Type, Content-Length
// as Size (-1 if absent), ETag, Last-Modified as ModTime (zero if absent or
// malformed) and Cache-Control. Its Body is the response body, unread: the
// caller must limit how much it reads and must close it. The request's
// timeout runs until Body is closed.
func (p *WebProxy) Open(ctx context.Context, key string) (*Object, error) {
	return p.OpenIfChanged(ctx, key, "", time.Time{})
}

// OpenIfChanged is [WebProxy.Open] as a conditional request, for
// revalidating a copy the caller holds: it sends etag (if not "") as
// If-None-Match and modTime (if not zero) as If-Modified-Since. When the
// origin answers 304 Not Modified, OpenIfChanged returns nil and a
// [*NotModifiedError] (which is [ErrNotModified]). Otherwise it behaves as
// Open.
func (p *WebProxy) OpenIfChanged(ctx context.Context, key, etag string, modTime time.Time) (*Object, error) {
	u, err := parseProxyKey(key)
	if err != nil {
		return nil, err
	}
	if p == nil || p.web == nil {
		return nil, fmt.Errorf("source: open %q: WebProxy not made by NewWebProxy", key)
	}
	if err := p.checkURL(u); err != nil {
		return nil, openError(key, ErrNotFound, err)
	}
	return p.web.get(ctx, key, u, etag, modTime)
}

// CloseIdleConnections closes the WebProxy's idle connections. The WebProxy
// stays usable.
func (p *WebProxy) CloseIdleConnections() {
	if p != nil {
		p.web.closeIdleConnections()
	}
}

// parseProxyKey parses a WebProxy key into a URL without a fragment, or
// returns an error wrapping ErrInvalidKey.
func parseProxyKey(key string) (*url.URL, error) {
	invalid := func(reason string) error {
		return fmt.Errorf("source: %w %q: %s", ErrInvalidKey, key, reason)
	}
	switch {
	case key == "":
		return nil, invalid("empty")
	case len(key) > MaxURLLen:
		return nil, fmt.Errorf("source: %w: URL longer than %d bytes", ErrInvalidKey, MaxURLLen)
	case !utf8.ValidString(key):
		return nil, invalid("not valid UTF-8")
	}
	for _, r := range key {
		switch {
		case r == '\\':
			return nil, invalid("contains a backslash")
		case unicode.IsControl(r):
			return nil, invalid("contains a control character")
		}
	}
	raw := key
	if scheme, rest, ok := strings.Cut(raw, ":"); ok &&
		(strings.EqualFold(scheme, "http") || strings.EqualFold(scheme, "https")) &&
		strings.HasPrefix(rest, "/") && !strings.HasPrefix(rest, "//") {
		raw = scheme + ":/" + rest
	}
	u, err := url.Parse(raw)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("source: %w %q: not a URL: %w", ErrInvalidKey, key, err)
	}
	if u.Scheme == "" || u.Opaque != "" {
		return nil, invalid("not an absolute URL")
	}
	u.Fragment, u.RawFragment = "", ""
	u.RawQuery = escapeQuery(u.RawQuery)
	return u, nil
}

// escapeQuery returns the raw query q with every byte that may not appear
// in a query (RFC 3986, section 3.4), such as a space or a byte of UTF-8,
// percent-encoded, and a "%" that does not start an escape sent as "%25":
// the request line then holds the query the key names, never raw text.
func escapeQuery(q string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(q); i++ {
		c := q[i]
		if queryByte(c) || c == '%' && i+2 < len(q) && isHex(q[i+1]) && isHex(q[i+2]) {
			if b.Len() > 0 {
				b.WriteByte(c)
			}
			continue
		}
		if b.Len() == 0 {
			b.Grow(len(q) + 8)
			b.WriteString(q[:i])
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&0xf])
	}
	if b.Len() == 0 {
		return q
	}
	return b.String()
}

// queryByte reports whether c may appear as itself in a query: an
// unreserved or sub-delimiter character, ":", "@", "/" or "?".
func queryByte(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("-._~!$&'()*+,;=:@/?", c) >= 0
}

// isHex reports whether c is a hexadecimal digit.
func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// checkURL returns nil if the WebProxy may fetch u, and otherwise an error
// that says why, wrapping ErrForbiddenAddress if the host is an address the
// guard refuses.
func (p *WebProxy) checkURL(u *url.URL) error {
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("scheme %q not allowed", u.Scheme)
	}
	if u.User != nil {
		return errors.New("URL with user information not allowed")
	}
	host := u.Hostname()
	if host == "" {
		return errors.New("URL has no host")
	}
	if u.Port() != "" {
		if n, err := strconv.ParseUint(u.Port(), 10, 16); err != nil || n == 0 {
			return fmt.Errorf("invalid port %q", u.Port())
		}
	}
	if strings.HasPrefix(u.Host, "[") {
		ip, err := netip.ParseAddr(host)
		if err != nil || !ip.Is6() {
			return fmt.Errorf("invalid IPv6 address %q", host)
		}
		return p.checkIP(ip)
	}
	for i := 0; i < len(host); i++ {
		if host[i] >= utf8.RuneSelf {
			return fmt.Errorf("host %q not allowed: not ASCII (use its xn-- form)", host)
		}
	}
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if endsInNumber(host) {
		ip, err := netip.ParseAddr(host)
		if err == nil && ip.Is4() {
			return p.checkIP(ip)
		}
		if a, ok := parseLegacyIPv4(host); ok {
			err := fmt.Errorf("host %q not allowed: IPv4 address %v not in dotted-decimal form", host, a)
			if gerr := p.guard.Check(a); gerr != nil {
				err = fmt.Errorf("%w; %w", err, gerr)
			}
			return err
		}
		return fmt.Errorf("host %q not allowed: ends in a number but is not an IPv4 address", host)
	}
	if reason := hostnameProblem(host); reason != "" {
		return fmt.Errorf("host %q not allowed: %s", host, reason)
	}
	if !p.guard.AllowPrivate && (host == "localhost" || strings.HasSuffix(host, ".localhost")) {
		return fmt.Errorf("host %q not allowed: %w", host, &addrError{addr: host, problem: "loopback name"})
	}
	if !p.hostAllowed(host) {
		return fmt.Errorf("host %q not on the allow-list", host)
	}
	return nil
}

// checkIP returns nil if the WebProxy may fetch from a URL whose host is the
// IP address ip.
func (p *WebProxy) checkIP(ip netip.Addr) error {
	if ip.Zone() != "" {
		return fmt.Errorf("address %s not allowed: IPv6 zone", ip)
	}
	if err := p.guard.Check(ip); err != nil {
		return err
	}
	if !p.hostAllowed(ip.String()) {
		return fmt.Errorf("host %s not on the allow-list", ip)
	}
	return nil
}

// checkRedirect allows the redirects to URLs the WebProxy may fetch and has
// not visited yet.
func (p *WebProxy) checkRedirect(req *http.Request, via []*http.Request) error {
	to := req.URL.String()
	for _, v := range via {
		if v.URL.String() == to {
			return &redirectError{kind: ErrUnavailable, msg: fmt.Sprintf("redirect loop back to %s", stripURL(to))}
		}
	}
	if err := p.checkURL(req.URL); err != nil {
		return &redirectError{
			kind: ErrNotFound,
			msg:  fmt.Sprintf("redirect to %s refused: %v", stripURL(to), err),
			err:  err,
		}
	}
	return nil
}

// hostnameProblem returns why name, in lower case, is not a valid DNS host
// name, or "" if it is. Labels hold letters, digits, hyphens and
// underscores, and neither start nor end with a hyphen.
func hostnameProblem(name string) string {
	if name == "" {
		return "empty"
	}
	if len(name) > 253 {
		return "longer than 253 bytes"
	}
	for label := range strings.SplitSeq(name, ".") {
		if label == "" {
			return "empty label"
		}
		if len(label) > 63 {
			return "label longer than 63 bytes"
		}
		if label[0] == '-' || label[len(label)-1] == '-' {
			return "label starts or ends with a hyphen"
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
				return fmt.Sprintf("invalid character %q", c)
			}
		}
	}
	return ""
}

// endsInNumber reports whether the last label of the host name name (in
// lower case, without a trailing dot) is a number, decimal or hexadecimal
// with a 0x prefix: such a host is an IPv4 address to the WHATWG URL
// standard and to many resolvers, whatever its form.
func endsInNumber(name string) bool {
	last := name[strings.LastIndexByte(name, '.')+1:]
	if last == "" {
		return false
	}
	if hex, ok := strings.CutPrefix(last, "0x"); ok {
		return strings.Trim(hex, "0123456789abcdef") == ""
	}
	return strings.Trim(last, "0123456789") == ""
}

// parseLegacyIPv4 parses host as the IPv4 address it denotes in the forms
// inet_aton and the WHATWG URL standard accept: one to four parts,
// separated by dots, each decimal, octal with a leading 0 or hexadecimal
// with a leading 0x, the last part filling the bytes the others leave.
func parseLegacyIPv4(host string) (netip.Addr, bool) {
	parts := strings.Split(host, ".")
	if len(parts) > 4 {
		return netip.Addr{}, false
	}
	var nums [4]uint64
	for i, s := range parts {
		base := 10
		switch {
		case strings.HasPrefix(s, "0x"):
			s, base = s[2:], 16
			if s == "" {
				s = "0"
			}
		case len(s) > 1 && s[0] == '0':
			s, base = s[1:], 8
		}
		n, err := strconv.ParseUint(s, base, 32)
		if err != nil {
			return netip.Addr{}, false
		}
		nums[i] = n
	}
	last := len(parts) - 1
	var v uint64
	for i := range last {
		if nums[i] > 0xff {
			return netip.Addr{}, false
		}
		v |= nums[i] << (8 * (3 - i))
	}
	if nums[last] >= 1<<(8*(4-last)) {
		return netip.Addr{}, false
	}
	v |= nums[last]
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}), true
}
