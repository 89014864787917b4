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

	"github.com/rendition-go/rendition/internal/version"
)

// Defaults of the options common to [WebFolderOptions] and
// [WebProxyOptions].
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

// reservedHeaders are the request headers that the web sources set
// themselves and that their options' Header may not set.
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

// webClient is the HTTP client shared by [WebFolder] and [WebProxy]: it
// builds the requests, applies the deadline and the redirect limit, and
// reports responses and failures as this package's errors.
type webClient struct {
	client        *http.Client // a copy owned by the webClient
	owned         bool         // client's Transport was built here
	header        http.Header  // extra headers, canonical keys, never modified
	timeout       time.Duration
	maxRedirects  int // 0: no redirects
	allowRedirect func(req *http.Request, via []*http.Request) error
}

// webConfig is what a web source tells newWebClient.
type webConfig struct {
	what string // the source in error messages, as in "web folder"
	typ  string // the source's type, as in "WebFolder"

	// client, if not nil, is copied and used with its transport; otherwise
	// a transport is built that connects with dialer (nil: newDialer()).
	client *http.Client
	dialer *net.Dialer

	header       http.Header
	timeout      time.Duration // 0: 10 s; negative: an error
	maxRedirects int           // 0: 5; negative: none

	// allowRedirect is asked about each redirect within the limit; an
	// error it returns, a *redirectError, refuses the redirect.
	allowRedirect func(req *http.Request, via []*http.Request) error
}

// newWebClient returns the client that cfg describes, or an error naming the
// option that is invalid.
func newWebClient(cfg webConfig) (*webClient, error) {
	c := &webClient{
		timeout:       cfg.timeout,
		maxRedirects:  cfg.maxRedirects,
		allowRedirect: cfg.allowRedirect,
	}
	switch {
	case c.timeout < 0:
		return nil, fmt.Errorf("source: %s: negative Timeout %v", cfg.what, c.timeout)
	case c.timeout == 0:
		c.timeout = defaultWebTimeout
	}
	switch {
	case c.maxRedirects < 0:
		c.maxRedirects = 0
	case c.maxRedirects == 0:
		c.maxRedirects = defaultMaxRedirects
	}
	var err error
	if c.header, err = copyHeader(cfg.header, cfg.what, cfg.typ); err != nil {
		return nil, err
	}
	if cfg.client != nil {
		hc := *cfg.client
		c.client = &hc
	} else {
		d := cfg.dialer
		if d == nil {
			d = newDialer()
		}
		c.client = &http.Client{Transport: newTransport(d)}
		c.owned = true
	}
	c.client.CheckRedirect = c.checkRedirect
	return c, nil
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

// get fetches u for key and reports the response as the web sources'
// OpenIfChanged does: etag (if not "") is sent as If-None-Match and modTime
// (if not zero) as If-Modified-Since, and a 304 answer to such a request is
// a *NotModifiedError. The request, reading the body included, must end
// within the client's timeout.
func (c *webClient) get(ctx context.Context, key string, u *url.URL, etag string, modTime time.Time) (*Object, error) {
	if !validHeaderValue(etag) {
		return nil, fmt.Errorf("source: open %q: ETag %q holds a control character", key, etag)
	}
	if err := ctx.Err(); err != nil {
		return nil, openError(key, contextKind(err), err)
	}
	rctx, cancel := context.WithTimeout(ctx, c.timeout)
	req, err := http.NewRequestWithContext(rctx, http.MethodGet, u.String(), nil)
	if err != nil {
		cancel()
		return nil, openError(key, nil, err)
	}
	req.Header = c.header.Clone()
	req.Header.Set("User-Agent", version.UserAgent)
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

	resp, err := c.client.Do(req)
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

// checkRedirect is the redirect policy of the client: at most maxRedirects
// redirects, each one allowed by allowRedirect.
func (c *webClient) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) > c.maxRedirects {
		return &redirectError{kind: ErrUnavailable, msg: fmt.Sprintf("more than %d redirects", c.maxRedirects)}
	}
	if c.allowRedirect == nil {
		return nil
	}
	return c.allowRedirect(req, via)
}

// closeIdleConnections closes the idle connections of a transport built by
// newWebClient; one that came with the caller's client is the caller's to
// manage.
func (c *webClient) closeIdleConnections() {
	if c != nil && c.owned {
		c.client.CloseIdleConnections()
	}
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
