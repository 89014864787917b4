package rendition

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/rendition-go/rendition/cache"
	"github.com/rendition-go/rendition/internal/flight"
	"github.com/rendition-go/rendition/signing"
	"github.com/rendition-go/rendition/source"
	"github.com/rendition-go/rendition/transform"
)

// Options configures a [Handler]. A nil *Options, and every zero field, means
// the default.
type Options struct {
	// Transform configures rendering: the limits on sources and outputs,
	// the resampling kernel, AVIF output. Its zero value means the
	// defaults of [transform.Options]. AVIF output (fm=avif, and
	// auto=format for clients that list image/avif) is off by default:
	// encoding AVIF costs about three times WebP's CPU; when enabling it,
	// call transform.WarmUpAVIF at start so that no request pays the
	// encoder's one-time set-up.
	Transform transform.Options

	// Cache holds rendered derivatives (and cached error answers). The
	// default is a [cache.Memory] of [cache.DefaultMaxBytes] (256 MiB);
	// construct one to choose another budget, or a [cache.Tiered] with a
	// bucket tier to share derivatives between instances.
	Cache cache.Cache
	// Originals caches originals apart from derivatives, so that a new size
	// of a known image does not go back to the origin. The default is a
	// [cache.Memory] of DefaultOriginalsBytes (128 MiB); give it a bucket
	// tier (cache.NewTiered(memory, bucket)) to share originals between
	// instances.
	Originals cache.Cache

	// TTL is the lifetime of originals and of what is rendered from them:
	// how long the caches keep them and the max-age sent to clients. With
	// the default TTLMode it is a minimum. The default is 90 days.
	TTL time.Duration
	// TTLMode says how TTL and the origin's Cache-Control combine; the
	// default enforces TTL as a minimum.
	TTLMode TTLMode
	// StaleWhileRevalidate is how long after an original stops being fresh
	// it is still used, while one background request refreshes it (RFC
	// 5861); it is also sent to CDNs in Cache-Control. The default is a day;
	// a negative value turns it off.
	StaleWhileRevalidate time.Duration
	// StaleIfError is how long after an original stops being fresh it is
	// still used when the origin fails (5xx, a broken connection, a
	// timeout; not a 404). The default is a week; a negative value turns it
	// off.
	StaleIfError time.Duration

	// ErrorTTL is the max-age and cache lifetime of error answers that are
	// definitive (not found, not an image, over a limit, undecodable): 5
	// minutes. An origin's failure (a 5xx, a refused or broken connection)
	// is kept for OriginFailureTTL at most, so an image is not left broken
	// after the origin recovers; timeouts and a full queue are not kept.
	ErrorTTL time.Duration

	// FetchTimeout bounds reading an original from the source: 10 seconds.
	FetchTimeout time.Duration

	// MaxRenders is how many images are decoded and encoded at once:
	// GOMAXPROCS by default. It bounds CPU and the memory of decoded
	// pixels: a request waiting for a render slot holds none.
	MaxRenders int
	// QueueDeadline is how long a render may wait for a slot, and a fetch
	// for room under MaxOriginalBytesInFlight. A request is admitted to the
	// queue only if it can be expected to start within it, estimated from
	// the renders ahead of it and a moving average of render times;
	// otherwise, and when it has waited that long, it is answered 503
	// EBUSY with a Retry-After of the seconds the queue is expected to take
	// to drain (at least 1). The default, 10 seconds, lets a request that
	// waited its whole deadline render and answer before a CDN in front
	// gives up on the origin: Fastly's first-byte timeout is 15 s, the
	// shortest of the common defaults (CloudFront waits 30 s, Cloudflare
	// 100 s). A request refused at once costs the server nothing and the
	// CDN can retry it; one the CDN abandons has cost a render for nothing.
	QueueDeadline time.Duration
	// MaxQueue caps how many renders may wait for a slot, whatever the
	// estimate: a safety net for the goroutines and requests held while
	// waiting, which is reached only when renders are very fast or before
	// the first one has ended. Past it, requests are answered 503 EBUSY.
	// The default is 256 x MaxRenders, well above a gallery page's burst.
	MaxQueue int
	// MaxOriginalBytesInFlight bounds the bytes of originals being read
	// from the source and held by requests until their render ends (also
	// while they wait for a render slot): a fetch that does not fit waits
	// for room (see QueueDeadline), except that a single original larger
	// than the budget is read when nothing else holds bytes. The size is
	// reserved before reading when the source gives it, otherwise as the
	// body is read. Bytes shared by several requests are counted once; an
	// original from the origin cache is counted while renders hold it but
	// never waits, its bytes being in memory already. The origin cache's
	// own bytes are bounded apart, by its own budget (DefaultOriginalsBytes
	// for the default one), so originals take at most that budget +
	// MaxOriginalBytesInFlight (plus one original over the budget). The default is 256 MiB: six originals at the
	// default 40 MiB source limit, or some eighty 12 MP phone photos.
	MaxOriginalBytesInFlight int64

	// Verifier checks each request's signature before anything else is
	// done with it; a missing, invalid or expired signature is answered 403
	// ESIGNATURE. Nil serves unsigned URLs: leaving it nil is the explicit
	// choice of an open server. See package signing for the three schemes.
	Verifier signing.Verifier

	// AllowUnsigned lets the handler serve, without a Verifier, a source
	// that requires signed URLs (a source.WebProxy, which fetches whatever
	// URL a request names). New refuses that combination otherwise. Leave
	// it false outside development.
	AllowUnsigned bool

	// NoPassthrough refuses (415 EFORMAT) files that are not images even
	// when no transformation is asked for. By default such files are served
	// unchanged, and cached like images, except from a source that fetches
	// any URL a request names (a source.WebProxy): there only images pass,
	// so that the image domain never serves a script, a style sheet or a
	// page from elsewhere under its own origin.
	NoPassthrough bool

	// OnPurge, when set, is called by [Handler.Purge] after the caches were
	// purged, to purge a CDN in front (Varnish, nginx, a commercial CDN) of
	// the URLs of key.
	OnPurge func(ctx context.Context, key string) error

	// Now is the clock: of the TTL policy, signature expiry and the default
	// caches. Nil means time.Now; tests set a fake one.
	Now func() time.Time

	// Logger receives one line per failed request with the full cause
	// (which is never sent to the client). The default discards them.
	Logger *slog.Logger
}

// The defaults of [Options].
const (
	DefaultOriginalsBytes       = 128 << 20
	DefaultTTL                  = 90 * 24 * time.Hour
	DefaultErrorTTL             = 5 * time.Minute
	DefaultStaleWhileRevalidate = 24 * time.Hour
	DefaultStaleIfError         = 7 * 24 * time.Hour
	DefaultFetchTimeout         = 10 * time.Second
	// OriginFailureTTL is how long an origin's failure is answered from the
	// cache (and the max-age sent with it): long enough that a failing
	// origin is not asked again by every request of a burst, short enough
	// that an image works again seconds after the origin recovers.
	OriginFailureTTL                = 5 * time.Second
	DefaultQueueDeadline            = 10 * time.Second
	DefaultMaxOriginalBytesInFlight = 256 << 20
)

// maxQueuePerRender times MaxRenders is the default MaxQueue.
const maxQueuePerRender = 256

// Handler serves transformed images: GET /{key}?{params}. It is an
// [http.Handler] and can also be called without HTTP through
// [Handler.Process]. A Handler is safe for concurrent use. It starts no
// goroutines of its own beyond the work of the requests it serves; the one
// piece of work that outlives a request is the background refresh of a
// stale original (see [Options].StaleWhileRevalidate), one per original at
// a time and bounded by FetchTimeout.
type Handler struct {
	src           source.Source
	opts          Options
	cache         cache.Cache // derivatives and cached errors
	originals     cache.Cache // originals
	flights       flight.Group[*Result]
	originFlights flight.Group[*original]
	renders       *limiter
	inFlight      *byteBudget // originals being read and held for renders
	purges        purgeLog
	stats         counters
	now           func() time.Time // Options.Now
	fingerprint   string           // of Options.Transform, in every derivative key
}

// New returns a Handler that reads originals from src. It copies opts and
// returns an error if a value is invalid.
func New(src source.Source, opts *Options) (*Handler, error) {
	if src == nil {
		return nil, errors.New("rendition: New needs a source")
	}
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.TTL < 0 || o.ErrorTTL < 0 || o.FetchTimeout < 0 || o.MaxRenders < 0 || o.MaxQueue < 0 ||
		o.QueueDeadline < 0 || o.MaxOriginalBytesInFlight < 0 {
		return nil, errors.New("rendition: Options values must not be negative")
	}
	o.TTL = orDefault(o.TTL, DefaultTTL)
	o.ErrorTTL = orDefault(o.ErrorTTL, DefaultErrorTTL)
	o.StaleWhileRevalidate = max(0, orDefault(o.StaleWhileRevalidate, DefaultStaleWhileRevalidate))
	o.StaleIfError = max(0, orDefault(o.StaleIfError, DefaultStaleIfError))
	o.FetchTimeout = orDefault(o.FetchTimeout, DefaultFetchTimeout)
	o.MaxRenders = orDefault(o.MaxRenders, runtime.GOMAXPROCS(0))
	o.MaxQueue = orDefault(o.MaxQueue, maxQueuePerRender*o.MaxRenders)
	o.QueueDeadline = orDefault(o.QueueDeadline, DefaultQueueDeadline)
	o.MaxOriginalBytesInFlight = orDefault(o.MaxOriginalBytesInFlight, DefaultMaxOriginalBytesInFlight)
	o.Transform.Limits = o.Transform.Limits.WithDefaults()
	if o.Transform.Kernel.Name == "" && o.Transform.Kernel.At == nil {
		o.Transform.Kernel = transform.Lanczos3
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Verifier == nil && !o.AllowUnsigned && source.RequiresSigning(src) {
		return nil, errors.New("rendition: the source fetches any URL a request names: set Options.Verifier " +
			"to require signed URLs, or Options.AllowUnsigned to serve it unsigned (development only)")
	}
	if source.RequiresSigning(src) {
		o.NoPassthrough = true
	}
	if o.TTLMode < TTLEnforceMinimum || o.TTLMode > TTLOverride {
		return nil, fmt.Errorf("rendition: unknown TTLMode %d", o.TTLMode)
	}
	h := &Handler{src: src, opts: o, cache: o.Cache, originals: o.Originals,
		renders: newLimiter(o.MaxRenders, o.MaxQueue, o.QueueDeadline), now: o.Now}
	// The origin flights keep an original for flightLinger from a little
	// after its read ends: it is counted that long, with a margin.
	h.inFlight = newByteBudget(o.MaxOriginalBytesInFlight, o.QueueDeadline, flightLinger*5/4, h.renders)
	h.fingerprint = o.Transform.Fingerprint()
	h.flights.Linger, h.originFlights.Linger = flightLinger, flightLinger
	h.flights.Valid = func(r *Result) bool { return r.Expires.After(h.now()) }
	h.originFlights.Valid = func(o *original) bool { return o.expires.After(h.now()) }
	if h.cache == nil {
		h.cache = cache.NewMemory(&cache.MemoryOptions{Now: o.Now})
	}
	if h.originals == nil {
		h.originals = cache.NewMemory(&cache.MemoryOptions{MaxBytes: DefaultOriginalsBytes, Now: o.Now})
	}
	return h, nil
}

// flightLinger is how long a finished fetch or render stays shared with
// callers who missed the cache just before it was stored: long enough to
// cover that race (and a background refresh's late starters), short enough
// to hold little memory.
const flightLinger = time.Second

func orDefault[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// ServeHTTP answers GET and HEAD requests for /{key}?{params}. Each step of
// the request is one call, in order; Process does the steps between parsing
// and responding.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		h.fail(w, r, &Error{Status: http.StatusMethodNotAllowed, Code: CodeInvalid,
			Message: "method " + r.Method + " is not allowed; use GET or HEAD"}, "")
		return
	}
	req, err := h.parseRequest(r) // 1 parse: path -> key, signature verified, query -> Params
	if err != nil {
		h.fail(w, r, err, req.Key)
		return
	}
	n := negotiateRequest(r, &req, h.opts.Transform.AVIF) // 2 negotiate: Accept and client hints
	res, err := h.process(r.Context(), req)               // 3-8: key, cache, coalesce, fetch, render, store
	if err != nil {
		// The error may depend on the negotiated headers (a client hint
		// asking for too many pixels): caches must key it on them too.
		n.setHeaders(w.Header())
		h.fail(w, r, err, req.Key)
		return
	}
	h.respond(w, r, req, res, n) // 9 respond
}

// MaxQueryBytes is the longest query string a Handler accepts; a longer one
// is a 400 EINVAL naming the query.
const MaxQueryBytes = 8 << 10

// parseRequest turns the URL into a Request: the path (without its leading
// slash) is the source key, the query the transformation. When a Verifier is
// configured, the signature is checked first, on the escaped path and the
// query exactly as received and at the handler's clock: nothing else of the
// request is interpreted before, so an unsigned request learns nothing of
// which keys the source accepts, and nothing unsigned is fetched.
func (h *Handler) parseRequest(r *http.Request) (Request, error) {
	rawQuery := r.URL.RawQuery
	if len(rawQuery) > MaxQueryBytes {
		return Request{}, &Error{Status: http.StatusBadRequest, Code: CodeInvalid,
			Message: fmt.Sprintf("the query is longer than %d bytes", MaxQueryBytes)}
	}
	signed := h.opts.Verifier != nil
	if signed {
		var err error
		if rawQuery, err = h.opts.Verifier.Verify(r.URL.EscapedPath(), rawQuery, h.now()); err != nil {
			return Request{}, err
		}
	}
	var req Request
	var pathTr string // an ImageKit transformation in the path: /tr:w-300/key
	req.Key, pathTr = pathKey(r.URL.Path)
	if err := source.CheckKey(h.src, req.Key); err != nil {
		return req, err
	}
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return req, &Error{Status: http.StatusBadRequest, Code: CodeInvalid,
			Message: "the query is not valid URL encoding", Err: err}
	}
	if signed {
		q.Del("expires") // checked by the Verifier; not a transformation
	}
	if tr, err := imageKitTransformation(pathTr, q); err != nil || tr != "" {
		if err != nil {
			return req, err
		}
		steps, err := transform.ParseImageKit(tr)
		if err != nil {
			return req, err
		}
		req.Params, req.Then = steps[0], steps[1:]
		return req, nil
	}
	req.Params, err = transform.ParseQuery(q)
	return req, err
}

// pathKey splits a decoded request path (after the mount point) into the
// source key and the ImageKit transformation of a first segment "tr:...",
// without its "tr:" ("" when there is none). The leading slash is not part
// of the key, nor is one extra slash after it, which ImageKit's SDKs write
// when their endpoint ends in "/" (https://host//dog.jpg) and ImageKit
// accepts. Requests and purges name originals through it alike.
func pathKey(path string) (key, tr string) {
	key = strings.TrimPrefix(strings.TrimPrefix(path, "/"), "/")
	if first, rest, ok := strings.Cut(key, "/"); ok && strings.HasPrefix(first, "tr:") {
		return rest, first[len("tr:"):]
	}
	return key, ""
}

// imageKitTransformation returns the ImageKit transformation of a request:
// the one from its path (tr, from a first segment "tr:...") or its ?tr=
// parameter. The two dialects do not mix: with a transformation, the query
// may hold nothing else but the SDKs' own name.
func imageKitTransformation(tr string, q url.Values) (string, error) {
	if v, ok := q["tr"]; ok {
		if tr != "" || len(v) != 1 {
			return "", &transform.ParamError{Param: "tr", Reason: "given more than once (in the path and the query)"}
		}
		tr = v[0]
		if tr == "" {
			return "", &transform.ParamError{Param: "tr", Reason: "empty transformation"}
		}
	}
	if tr == "" {
		return "", nil
	}
	for name := range q {
		if name != "tr" && name != "ik-sdk-version" {
			return "", &transform.ParamError{Param: name, Value: q.Get(name),
				Reason: "imgix parameters cannot be combined with an ImageKit transformation (tr)"}
		}
	}
	return tr, nil
}

// respond writes a successful answer with the headers of the HTTP contract;
// http.ServeContent answers conditional requests (304), HEAD and ranges.
func (h *Handler) respond(w http.ResponseWriter, r *http.Request, req Request, res *Result, n negotiated) {
	hdr := w.Header()
	n.setHeaders(hdr)
	hdr.Set("Content-Type", res.ContentType)
	hdr.Set("ETag", res.ETag)
	if res.noStore {
		hdr.Set("Cache-Control", "no-store")
	} else {
		hdr.Set("Cache-Control", h.cacheControl(res.Expires))
	}
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("X-Cache", res.Cache)
	hdr.Set("Server-Timing", serverTiming(res))
	if !isRaster(res.ContentType) {
		// A file passed through from the origin (SVG, HTML, PDF...) must not
		// run scripts in the image domain's origin when opened directly.
		hdr.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; sandbox")
	}
	if name := req.Params.Download; name != "" {
		hdr.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	}
	http.ServeContent(w, r, "", res.ModTime, bytes.NewReader(res.Data))
}

// errorTTL is how long an error answer may be cached, here and downstream:
// not at all when it is transient, seconds for an origin's failure, the
// error TTL for a definitive answer.
func (h *Handler) errorTTL(e *Error) time.Duration {
	switch {
	case e.Transient:
		return 0
	case e.Code == CodeOrigin:
		return min(OriginFailureTTL, h.opts.ErrorTTL)
	}
	return h.opts.ErrorTTL
}

func serverTiming(res *Result) string {
	if res.Cache == CacheHit {
		return "cache;desc=hit"
	}
	return fmt.Sprintf("fetch;dur=%.1f, render;dur=%.1f, cache;desc=miss", ms(res.FetchTime), ms(res.RenderTime))
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// fail writes an error answer: the status, the code in X-Rendition-Error, a
// short plain-text body and a Cache-Control that lets caches keep it for the
// error TTL, or not at all when it is transient.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error, key string) {
	e := classify(err, key)
	h.stats.countError(e.Code)
	level := slog.LevelInfo
	if e.Status >= 500 {
		level = slog.LevelError
	}
	h.opts.Logger.Log(r.Context(), level, "request failed", "method", r.Method, "url", r.URL.String(),
		"status", e.Status, "code", e.Code, "err", e.Err)

	hdr := w.Header()
	hdr.Set("X-Rendition-Error", e.Code)
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Content-Type", "text/plain; charset=utf-8")
	switch ttl := h.errorTTL(e); {
	case ttl <= 0:
		hdr.Set("Cache-Control", "no-store")
	case !e.expires.IsZero():
		hdr.Set("Cache-Control", "public, max-age="+strconv.Itoa(h.maxAge(e.expires)))
	default:
		hdr.Set("Cache-Control", "public, max-age="+strconv.Itoa(int(ttl.Seconds())))
	}
	if e.Code == CodeBusy && e.Status == http.StatusServiceUnavailable {
		hdr.Set("Retry-After", strconv.Itoa(retryAfterSeconds(e.Err)))
	}
	body := http.StatusText(e.Status) + ": " + e.Message + "\n"
	hdr.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(e.Status)
	if r.Method != http.MethodHead {
		w.Write([]byte(body))
	}
}
