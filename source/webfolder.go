package source

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/rendition-go/rendition/internal/bloburl"
)

// ErrNotModified is returned by [WebFolder.OpenIfChanged] when the origin
// answers 304 Not Modified: the object still matches the validators the
// caller holds. It is not a failure, and it is returned as is, not wrapped.
var ErrNotModified = errors.New("not modified")

// NotModifiedError is the error of a conditional request that the origin
// answered 304 Not Modified: errors.Is(err, ErrNotModified) reports true
// for it. CacheControl is the 304's Cache-Control header ("" when it had
// none), which replaces the one of the copy that was revalidated (RFC 9111,
// section 4.3.4).
type NotModifiedError struct {
	CacheControl string
}

func (e *NotModifiedError) Error() string { return ErrNotModified.Error() }

// Is reports whether target is ErrNotModified.
func (e *NotModifiedError) Is(target error) bool { return target == ErrNotModified }

// Defaults of [WebFolderOptions].
const (
	defaultWebTimeout      = 10 * time.Second
	defaultMaxRedirects    = 5
	defaultHeaderTimeout   = 5 * time.Second
	defaultDialTimeout     = 5 * time.Second
	defaultTLSTimeout      = 5 * time.Second
	defaultMaxHeaderBytes  = 64 << 10
	defaultIdleConnTimeout = 90 * time.Second
)

// acceptImages is the Accept header sent unless the options set another.
const acceptImages = "image/*,*/*;q=0.8"

// reservedHeaders are the request headers that WebFolder sets itself and that
// [WebFolderOptions.Header] may not set.
var reservedHeaders = []string{
	"Accept-Encoding",
	"Host",
	"If-Match",
	"If-Modified-Since",
	"If-None-Match",
	"If-Range",
	"If-Unmodified-Since",
	"Range",
	"User-Agent",
}

// WebFolder serves keys from a folder on a web server: the key is joined to a
// base URL and the original is fetched with an HTTP GET. It is safe for
// concurrent use.
//
// The key must be accepted by [ValidKey]. Each of its segments is
// percent-encoded exactly once, as [url.PathEscape] does, and appended to the
// base URL's path, so the URL requested always has the base URL's scheme and
// host and stays below its path: "café/ñ.jpg" becomes "caf%C3%A9/%C3%B1.jpg",
// a "%" in the key is sent as "%25" (so "%2e%2e" never becomes ".."), and "?"
// and "#" are sent as "%3F" and "%23", never as a query or fragment.
//
// The base URL is trusted configuration, like a bucket: it may name any
// address, loopback and private networks included, and no SSRF guard applies.
//
// Every request is a GET with the User-Agent "rendition/" + [Version], an
// Accept header preferring images, "Accept-Encoding: identity", and the
// extra headers of [WebFolderOptions.Header]. Responses are never
// decompressed: one with a Content-Encoding other than identity is refused.
//
// Redirects are followed up to [WebFolderOptions.MaxRedirects] times, and
// only to the base URL's scheme, host and port (to any path there). A
// redirect to anywhere else, or one past the limit, is refused with
// [ErrUnavailable]: it is a fault of the origin, not of the request.
//
// Statuses are reported as this package's errors: 404 and 410 as
// [ErrNotFound]; 401 and 403 as [ErrPermission]; 408 and 504 as [ErrTimeout];
// every other status but 200, including 206 and 5xx, as [ErrUnavailable].
// Failures to get a response are [ErrTimeout] when a deadline passed
// (the overall timeout, the time to first byte, or ctx's deadline) and
// [ErrUnavailable] otherwise (refused or reset connections, DNS and TLS
// failures); a cancelled ctx is reported as [context.Canceled]. Error
// messages name the key and the status, and never include the response body
// or a query string.
type WebFolder struct {
	scheme  string // of the base URL, lower case
	host    string // of the base URL, host[:port]
	path    string // the base URL's path, ending in "/"
	rawPath string // the escaped form of path, ending in "/"

	client       *http.Client // a copy owned by the WebFolder
	owned        bool         // client's Transport was built by NewWebFolder
	header       http.Header  // extra headers, canonical keys, never modified
	timeout      time.Duration
	maxRedirects int // 0: no redirects
}

var _ Source = (*WebFolder)(nil)

// WebFolderOptions configure a [WebFolder]. The zero value gives the
// defaults.
type WebFolderOptions struct {
	// Client sends the requests. If nil, NewWebFolder builds a dedicated
	// client (never [http.DefaultClient]) whose transport ignores proxy
	// settings from the environment, never asks for compression, refuses
	// response headers over 64 KiB, and allows 5 seconds each to connect,
	// to complete a TLS handshake and to receive the response headers.
	//
	// A Client given here is copied, not modified: the WebFolder uses the
	// copy with its own redirect policy in place of Client.CheckRedirect.
	// Its Transport, Jar and Timeout are used as they are.
	Client *http.Client

	// Header holds extra headers sent with every request, such as an
	// authorization token. It is copied. It may not set User-Agent,
	// Accept-Encoding, Host, Range or the conditional headers (If-*), which
	// the WebFolder sets itself; it may replace Accept.
	Header http.Header

	// Timeout bounds each request from its start until the caller closes
	// the body, reading included. Zero means 10 seconds; it must not be
	// negative.
	Timeout time.Duration

	// MaxRedirects is the number of redirects followed for one request.
	// Zero means 5; a negative value means that no redirect is followed.
	MaxRedirects int
}

// NewWebFolder returns a WebFolder that serves keys below base, an absolute
// http or https URL such as "https://images.example.com/originals". base must
// have a host and no user information, query or fragment, and its path no
// "." or ".." segments. Its path is treated as a directory: a trailing slash
// is added if missing. Credentials go in [WebFolderOptions.Header].
//
// opts may be nil for the defaults; the options are copied.
func NewWebFolder(base string, opts *WebFolderOptions) (*WebFolder, error) {
	if opts == nil {
		opts = &WebFolderOptions{}
	}
	u, err := parseBase(base)
	if err != nil {
		return nil, err
	}
	w := &WebFolder{
		scheme:  u.Scheme,
		host:    u.Host,
		path:    u.Path,
		rawPath: u.EscapedPath(),
	}
	if w.timeout, w.maxRedirects, err = webLimits(opts.Timeout, opts.MaxRedirects, "web folder"); err != nil {
		return nil, err
	}
	if w.header, err = copyHeader(opts.Header, "web folder", "WebFolder"); err != nil {
		return nil, err
	}
	if opts.Client != nil {
		c := *opts.Client
		w.client = &c
	} else {
		w.client = &http.Client{Transport: newTransport(newDialer())}
		w.owned = true
	}
	w.client.CheckRedirect = w.checkRedirect
	return w, nil
}

// parseBase parses and checks the base URL of a WebFolder, returning it with
// a path that ends in "/".
func parseBase(base string) (*url.URL, error) {
	u, err := url.Parse(base)
	if err != nil {
		// The parse error quotes the URL, which may hold credentials.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("source: web folder: invalid base URL: %w", err)
	}
	if u.User != nil {
		return nil, errors.New("source: web folder: base URL must not contain user information; send credentials with WebFolderOptions.Header")
	}
	var problem string
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		problem = "scheme must be http or https"
	case u.Opaque != "" || u.Host == "":
		problem = "URL must be absolute, with a host"
	case u.RawQuery != "" || u.ForceQuery:
		problem = "URL must not have a query"
	case u.Fragment != "":
		problem = "URL must not have a fragment"
	}
	if problem == "" {
		for seg := range strings.SplitSeq(u.Path, "/") {
			if seg == "." || seg == ".." {
				problem = fmt.Sprintf("path has a %q segment", seg)
				break
			}
		}
	}
	if problem != "" {
		return nil, fmt.Errorf("source: web folder: base URL %q: %s", bloburl.Redact(u), problem)
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
		if u.RawPath != "" {
			u.RawPath += "/"
		}
	}
	return u, nil
}

// copyHeader returns a copy of h with canonical keys, or an error if it sets a
// reserved header or holds an invalid name or value. what and typ name the
// source in error messages, as in "web folder" and "WebFolder".
func copyHeader(h http.Header, what, typ string) (http.Header, error) {
	c := make(http.Header, len(h))
	for name, values := range h {
		if !validHeaderName(name) {
			return nil, fmt.Errorf("source: %s: invalid header name %q", what, name)
		}
		name = http.CanonicalHeaderKey(name)
		for _, r := range reservedHeaders {
			if name == r {
				return nil, fmt.Errorf("source: %s: header %s is set by %s and cannot be replaced", what, name, typ)
			}
		}
		for _, v := range values {
			if !validHeaderValue(v) {
				return nil, fmt.Errorf("source: %s: header %s has a value with a control character", what, name)
			}
		}
		c[name] = append(c[name], values...)
	}
	return c, nil
}

// validHeaderName reports whether name is a token (RFC 9110, section 5.1).
func validHeaderName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// validHeaderValue reports whether v holds no control characters other than
// horizontal tab.
func validHeaderValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; (c < ' ' && c != '\t') || c == 0x7f {
			return false
		}
	}
	return true
}

// newDialer returns the dialer of the transports this package builds.
func newDialer() *net.Dialer {
	return &net.Dialer{Timeout: defaultDialTimeout, KeepAlive: 30 * time.Second}
}

// newTransport returns the transport of the clients this package builds,
// making its connections with d.
func newTransport(d *net.Dialer) *http.Transport {
	return &http.Transport{
		Proxy:                  nil,
		DialContext:            d.DialContext,
		ForceAttemptHTTP2:      true,
		TLSHandshakeTimeout:    defaultTLSTimeout,
		ResponseHeaderTimeout:  defaultHeaderTimeout,
		DisableCompression:     true,
		MaxResponseHeaderBytes: defaultMaxHeaderBytes,
		MaxIdleConns:           64,
		MaxIdleConnsPerHost:    16,
		IdleConnTimeout:        defaultIdleConnTimeout,
	}
}

// keyURL returns the URL of key, which must be accepted by ValidKey: the base
// URL with each segment of key percent-encoded and appended to its path.
func (w *WebFolder) keyURL(key string) *url.URL {
	var raw strings.Builder
	raw.Grow(len(w.rawPath) + len(key) + len(key)/2)
	raw.WriteString(w.rawPath)
	for i, seg := range strings.Split(key, "/") {
		if i > 0 {
			raw.WriteByte('/')
		}
		raw.WriteString(url.PathEscape(seg))
	}
	return &url.URL{
		Scheme:  w.scheme,
		Host:    w.host,
		Path:    w.path + key,
		RawPath: raw.String(),
	}
}

// Open fetches the object stored under key. key must be accepted by
// [ValidKey]; otherwise Open returns an error wrapping [ErrInvalidKey]
// without making a request.
//
// On success the Object carries the response's Content-Type, Content-Length
// as Size (-1 if absent), ETag, Last-Modified as ModTime (zero if absent or
// malformed) and Cache-Control. Its Body is the response body, unread: the
// caller must limit how much it reads and must close it. The request's
// timeout runs until Body is closed, so a body that arrives too slowly fails
// with an error wrapping [ErrTimeout] and [context.DeadlineExceeded]; a body
// cut short fails with one wrapping [ErrUnavailable].
func (w *WebFolder) Open(ctx context.Context, key string) (*Object, error) {
	return w.open(ctx, key, "", time.Time{})
}

// OpenIfChanged is [WebFolder.Open] as a conditional request, for
// revalidating a copy the caller holds: it sends etag (if not "") as
// If-None-Match and modTime (if not zero) as If-Modified-Since. When the
// origin answers 304 Not Modified, OpenIfChanged returns nil and a
// [*NotModifiedError] (which is [ErrNotModified]). Otherwise it behaves as
// Open.
//
// etag is sent as given, quotes included, as it was reported in
// [Object.ETag]; one holding a control character is refused without a
// request.
func (w *WebFolder) OpenIfChanged(ctx context.Context, key, etag string, modTime time.Time) (*Object, error) {
	return w.open(ctx, key, etag, modTime)
}

// open implements Open and OpenIfChanged.
func (w *WebFolder) open(ctx context.Context, key, etag string, modTime time.Time) (*Object, error) {
	if err := ValidKey(key); err != nil {
		return nil, err
	}
	if w == nil || w.client == nil {
		return nil, fmt.Errorf("source: open %q: WebFolder not made by NewWebFolder", key)
	}
	if !validHeaderValue(etag) {
		return nil, fmt.Errorf("source: open %q: ETag %q holds a control character", key, etag)
	}
	if err := ctx.Err(); err != nil {
		return nil, openError(key, contextKind(err), err)
	}
	return fetch(ctx, w.client, w.timeout, w.header, key, w.keyURL(key).String(), etag, modTime)
}

// fetch gets rawURL for key with client and reports the response as
// [WebFolder.OpenIfChanged] does. header holds the extra request headers;
// the request, reading the body included, must end within timeout.
func fetch(ctx context.Context, client *http.Client, timeout time.Duration, header http.Header, key, rawURL, etag string, modTime time.Time) (*Object, error) {
	rctx, cancel := context.WithTimeout(ctx, timeout)
	req, err := http.NewRequestWithContext(rctx, http.MethodGet, rawURL, nil)
	if err != nil {
		cancel()
		return nil, openError(key, nil, err)
	}
	req.Header = header.Clone()
	req.Header.Set("User-Agent", userAgent)
	if req.Header.Get("Accept") == "" {
		req.Header.Set("Accept", acceptImages)
	}
	// Asking for identity explicitly, rather than sending no Accept-Encoding
	// (which allows any coding), also keeps any transport from adding gzip
	// and decompressing behind the caller's byte cap.
	req.Header.Set("Accept-Encoding", "identity")
	conditional := false
	if etag != "" {
		req.Header.Set("If-None-Match", etag)
		conditional = true
	}
	if !modTime.IsZero() {
		req.Header.Set("If-Modified-Since", modTime.UTC().Format(http.TimeFormat))
		conditional = true
	}

	resp, err := client.Do(req)
	if err != nil {
		cancel()
		return nil, requestError(key, err)
	}
	var fault error
	switch code := resp.StatusCode; {
	case code == http.StatusOK:
		if ce := contentEncoding(resp.Header); ce != "" {
			fault = openError(key, ErrUnavailable, fmt.Errorf("unexpected Content-Encoding %q", ce))
			break
		}
		lastMod, _ := http.ParseTime(resp.Header.Get("Last-Modified"))
		return &Object{
			Body:         &webBody{body: resp.Body, ctx: rctx, cancel: cancel, key: key},
			ContentType:  resp.Header.Get("Content-Type"),
			Size:         resp.ContentLength,
			ETag:         resp.Header.Get("ETag"),
			ModTime:      lastMod,
			CacheControl: resp.Header.Get("Cache-Control"),
		}, nil
	case code == http.StatusNotModified && conditional:
		fault = &NotModifiedError{CacheControl: resp.Header.Get("Cache-Control")}
	default:
		fault = openError(key, statusKind(code), statusError(code))
	}
	// The body of a refused response is never read.
	resp.Body.Close()
	cancel()
	return nil, fault
}

// CloseIdleConnections closes the idle connections of the client that
// [NewWebFolder] built. It does nothing when the client came from
// [WebFolderOptions.Client], whose owner manages its connections. The
// WebFolder stays usable.
func (w *WebFolder) CloseIdleConnections() {
	if w != nil && w.owned {
		w.client.CloseIdleConnections()
	}
}

// checkRedirect is the redirect policy of the WebFolder's client: at most
// maxRedirects redirects, all to the base URL's scheme, host and port.
func (w *WebFolder) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) > w.maxRedirects {
		return &redirectError{kind: ErrUnavailable, msg: fmt.Sprintf("more than %d redirects", w.maxRedirects)}
	}
	if !w.sameOrigin(req.URL) {
		to := &url.URL{Scheme: req.URL.Scheme, Host: req.URL.Host}
		return &redirectError{kind: ErrUnavailable, msg: fmt.Sprintf("redirect to %s refused: only %s is allowed", to, w.origin())}
	}
	return nil
}

// origin returns the base URL's scheme and host.
func (w *WebFolder) origin() string {
	return (&url.URL{Scheme: w.scheme, Host: w.host}).String()
}

// sameOrigin reports whether u has the base URL's scheme, host (compared
// without regard to case) and port (an absent port being the scheme's
// default).
func (w *WebFolder) sameOrigin(u *url.URL) bool {
	if u.Scheme != w.scheme || u.User != nil {
		return false
	}
	base := url.URL{Scheme: w.scheme, Host: w.host}
	return strings.EqualFold(u.Hostname(), base.Hostname()) &&
		portOrDefault(u) == portOrDefault(&base)
}

// portOrDefault returns u's port, or the default port of its scheme.
func portOrDefault(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	if u.Scheme == "https" {
		return "443"
	}
	return "80"
}

// redirectError reports a redirect that a client's redirect policy refused
// to follow.
type redirectError struct {
	kind error // the sentinel error it is reported with
	msg  string
	err  error // the cause, if any
}

func (e *redirectError) Error() string { return e.msg }

func (e *redirectError) Unwrap() error { return e.err }

// statusError describes a response status other than 200.
type statusError int

func (e statusError) Error() string {
	if text := http.StatusText(int(e)); text != "" {
		return fmt.Sprintf("HTTP status %d %s", int(e), text)
	}
	return fmt.Sprintf("HTTP status %d", int(e))
}

// statusKind returns the sentinel error for a response status other than 200.
func statusKind(code int) error {
	switch code {
	case http.StatusNotFound, http.StatusGone:
		return ErrNotFound
	case http.StatusUnauthorized, http.StatusForbidden:
		return ErrPermission
	case http.StatusRequestTimeout, http.StatusGatewayTimeout:
		return ErrTimeout
	}
	return ErrUnavailable
}

// contentEncoding returns the response's Content-Encoding if it names a
// coding other than identity, and "" otherwise.
func contentEncoding(h http.Header) string {
	for _, v := range h.Values("Content-Encoding") {
		for coding := range strings.SplitSeq(v, ",") {
			coding = strings.TrimSpace(coding)
			if coding != "" && !strings.EqualFold(coding, "identity") {
				return v
			}
		}
	}
	return ""
}

// contextKind returns the sentinel error for a context's error: ErrTimeout
// for an expired deadline, and nil for a cancellation, which is reported as
// itself.
func contextKind(err error) error {
	if errors.Is(err, context.DeadlineExceeded) {
		return ErrTimeout
	}
	return nil
}

// requestError wraps err, returned by the client for key before any
// response, with the sentinel error matching it.
func requestError(key string, err error) error {
	var re *redirectError
	if errors.As(err, &re) {
		// The url.Error around it would repeat the refused URL.
		return openError(key, re.kind, re)
	}
	if ue, ok := err.(*url.Error); ok {
		// A URL reached through a redirect may carry credentials in its
		// query.
		err = &url.Error{Op: ue.Op, URL: stripURL(ue.URL), Err: ue.Err}
	}
	var kind error
	switch {
	case errors.Is(err, context.Canceled):
		// Reported as the context's own error.
	case errors.Is(err, ErrForbiddenAddress):
		// An address guard refused the connection: the URL is not
		// allowed.
		kind = ErrNotFound
	default:
		if kind = networkError(err); kind == nil {
			kind = ErrUnavailable
		}
	}
	return openError(key, kind, err)
}

// stripURL returns rawURL without user information, query and fragment.
func stripURL(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "(invalid URL)"
	}
	return (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path, RawPath: u.RawPath}).String()
}

// webBody is the body of a fetched object. It reports read errors as this
// package's errors, and its Close ends the request's deadline.
type webBody struct {
	body   io.ReadCloser
	ctx    context.Context // the request's context
	cancel context.CancelFunc
	key    string
	closed atomic.Bool
}

func (b *webBody) Read(p []byte) (int, error) {
	n, err := b.body.Read(p)
	if err != nil && err != io.EOF {
		err = b.readError(err)
	}
	return n, err
}

// readError wraps err, returned while reading the body, with the sentinel
// error matching it. When the request's deadline passed or its context was
// cancelled, the context's error is in the chain.
func (b *webBody) readError(err error) error {
	if b.closed.Load() {
		// The caller's own doing, not the origin's.
		return fmt.Errorf("source: read %q: %w", b.key, err)
	}
	kind := networkError(err)
	if cerr := b.ctx.Err(); cerr != nil {
		kind = contextKind(cerr)
		if !errors.Is(err, cerr) {
			err = fmt.Errorf("%w: %w", cerr, err)
		}
	}
	if kind == nil {
		return fmt.Errorf("source: read %q: %w", b.key, err)
	}
	return fmt.Errorf("source: read %q: %w: %w", b.key, kind, err)
}

// Close closes the body and releases the request's deadline.
func (b *webBody) Close() error {
	b.closed.Store(true)
	err := b.body.Close()
	b.cancel()
	return err
}

// webLimits applies the defaults of a web source's Timeout (0: 10 s;
// negative: an error) and MaxRedirects (0: 5; negative: none).
func webLimits(timeout time.Duration, maxRedirects int, what string) (time.Duration, int, error) {
	switch {
	case timeout < 0:
		return 0, 0, fmt.Errorf("source: %s: negative Timeout %v", what, timeout)
	case timeout == 0:
		timeout = defaultWebTimeout
	}
	switch {
	case maxRedirects < 0:
		maxRedirects = 0
	case maxRedirects == 0:
		maxRedirects = defaultMaxRedirects
	}
	return timeout, maxRedirects, nil
}
