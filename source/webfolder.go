package source

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/rendition-go/rendition/internal/bloburl"
)

// WebFolder serves keys from a folder on a web server: the key is joined to a
// base URL and the original is fetched with an HTTP GET. It is safe for
// concurrent use.
//
// The key must be accepted by [CheckPathKey]. Each of its segments is
// percent-encoded exactly once, as [url.PathEscape] does, and appended to the
// base URL's path, so the URL requested always has the base URL's scheme and
// host and stays below its path: "café/ñ.jpg" becomes "caf%C3%A9/%C3%B1.jpg",
// a "%" in the key is sent as "%25" (so "%2e%2e" never becomes ".."), and "?"
// and "#" are sent as "%3F" and "%23", never as a query or fragment.
//
// The base URL is trusted configuration, like a bucket: it may name any
// address, loopback and private networks included, and no SSRF guard applies.
//
// Every request is a GET with the User-Agent "rendition/" and the release, an
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
	web     *webClient
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
	w.web, err = newWebClient(webConfig{
		what:          "web folder",
		typ:           "WebFolder",
		client:        opts.Client,
		header:        opts.Header,
		timeout:       opts.Timeout,
		maxRedirects:  opts.MaxRedirects,
		allowRedirect: w.checkRedirect,
	})
	if err != nil {
		return nil, err
	}
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

// keyURL returns the URL of key, which must be accepted by CheckPathKey: the base
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
// [CheckPathKey]; otherwise Open returns an error wrapping [ErrInvalidKey]
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
	return w.OpenIfChanged(ctx, key, "", time.Time{})
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
	if err := CheckPathKey(key); err != nil {
		return nil, err
	}
	if w == nil || w.web == nil {
		return nil, fmt.Errorf("source: open %q: WebFolder not made by NewWebFolder", key)
	}
	return w.web.get(ctx, key, w.keyURL(key), etag, modTime)
}

// CloseIdleConnections closes the idle connections of the client that
// [NewWebFolder] built. It does nothing when the client came from
// [WebFolderOptions.Client], whose owner manages its connections. The
// WebFolder stays usable.
func (w *WebFolder) CloseIdleConnections() {
	if w != nil {
		w.web.closeIdleConnections()
	}
}

// checkRedirect allows the redirects to the base URL's scheme, host and
// port.
func (w *WebFolder) checkRedirect(req *http.Request, _ []*http.Request) error {
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
