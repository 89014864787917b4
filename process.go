package rendition

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/rendition-go/rendition/cache"
	"github.com/rendition-go/rendition/source"
	"github.com/rendition-go/rendition/transform"
)

// Request is one image request, without HTTP.
type Request struct {
	// Key names the original in the source, e.g. "photos/dog.jpg".
	Key string
	// Params is the transformation; the zero value re-encodes the original
	// upright in its own format (or passes a non-image file through).
	Params transform.Params
	// Then holds more steps applied after Params, in order: ImageKit's
	// chained transformations (tr=w-400:rt-90). Usually empty.
	Then []transform.Params
}

// steps returns every step of the request, in order.
func (r Request) steps() []transform.Params {
	return append([]transform.Params{r.Params}, r.Then...)
}

// transforms reports whether the request asks for any transformation.
func (r Request) transforms() bool {
	for _, p := range r.steps() {
		if p != (transform.Params{}) {
			return true
		}
	}
	return false
}

// The values of [Result.Cache] and of the X-Cache header.
const (
	CacheHit  = "HIT"
	CacheMiss = "MISS"
)

// Result is a rendered image (or a file passed through unchanged).
type Result struct {
	// Data is the encoded image. It is shared with the cache and with other
	// requests: it must not be modified.
	Data        []byte
	ContentType string
	ETag        string    // strong, quoted; differs per output format
	ModTime     time.Time // the original's modification time, when known
	Expires     time.Time // when caches must stop using it (the TTL policy)
	// Cache is CacheHit when the result came from the cache.
	Cache string
	// FetchTime and RenderTime are the time spent reading the original and
	// rendering it (zero for a cache hit).
	FetchTime, RenderTime time.Duration

	// noStore: the origin forbade caching (no-store, no-cache, private or
	// max-age=0 under TTLRespectOrigin), and so does the answer.
	noStore bool
}

// Dimensions returns the width and height of the image in Data, read from
// its header, whether the result was rendered or came from a cache; ok is
// false for a file passed through that is not an image. Rendition never
// writes an orientation tag, so the size is as displayed.
func (r *Result) Dimensions() (width, height int, ok bool) {
	cfg, err := transform.DecodeConfig(r.Data)
	if err != nil {
		return 0, 0, false
	}
	return cfg.Width, cfg.Height, true
}

// Process serves one request without HTTP: it looks the derivative up in the
// cache, and on a miss reads the original (from the origin cache or the
// source), renders and stores it, with identical concurrent requests sharing
// one fetch and one render. Every error is an [*Error].
func (h *Handler) Process(ctx context.Context, req Request) (*Result, error) {
	if err := source.CheckKey(h.src, req.Key); err != nil {
		return nil, classify(err, req.Key)
	}
	return h.process(ctx, req)
}

// process is Process for a request whose key was checked (ServeHTTP checks
// it while parsing).
func (h *Handler) process(ctx context.Context, req Request) (*Result, error) {
	k := h.keys(req) // 3 key
	if res, err := h.lookup(ctx, k); res != nil || err != nil {
		h.stats.cacheHits.Add(1)
		return res, err // 4 cache hit (or a cached error)
	}
	h.stats.cacheMisses.Add(1)
	// 5 coalesce. A flight that ended between the lookup above and Do is
	// still shared: the group keeps successful results for flightLinger.
	res, err := h.flights.Do(ctx, k.derivative, func(ctx context.Context) (*Result, error) {
		return h.produce(ctx, k, req)
	})
	if err != nil {
		return nil, classify(err, req.Key)
	}
	return res, nil
}

// keyVersion changes when the meaning of stored entries changes, so that old
// entries in a shared tier are never served by a newer version.
const keyVersion = "v1"

// keys name what is cached for one request. Every entry of one original
// shares a prefix, "v1/<hash of the source key>/", so that purging the
// original and all its derivatives is one prefix deletion per cache.
type keys struct {
	prefix     string // v1/<original>/
	original   string // v1/<original>/o
	derivative string // v1/<original>/d<hash of the transformation and the render options>
}

func (h *Handler) keys(req Request) keys {
	prefix := h.prefix(req.Key)
	// On the stack unless the transformation is long: a cache hit pays no
	// allocation for it.
	transformation := make([]byte, 0, 512)
	transformation = append(transformation, req.Params.Encode()...)
	for _, p := range req.Then {
		transformation = append(transformation, "\x00then\x00"...)
		transformation = append(transformation, p.Encode()...)
	}
	transformation = append(transformation, "\x00options="...)
	transformation = append(transformation, h.fingerprint...)
	deriv := sha256.Sum256(transformation)
	return keys{prefix: prefix, original: prefix + "o", derivative: prefix + "d" + hex.EncodeToString(deriv[:16])}
}

func (h *Handler) prefix(key string) string {
	orig := sha256.Sum256([]byte(key))
	return keyVersion + "/" + hex.EncodeToString(orig[:16]) + "/"
}

// lookup returns the cached derivative of k, the cached error answer, or
// (nil, nil) on a miss. A failing cache is logged and treated as a miss: it
// never turns into a client error.
func (h *Handler) lookup(ctx context.Context, k keys) (*Result, error) {
	e := h.get(ctx, h.cache, k.prefix, k.derivative)
	if e == nil {
		return nil, nil
	}
	if e.Status >= 400 {
		return nil, &Error{Status: e.Status, Code: e.ErrorCode, Message: string(e.Data), expires: e.Expires}
	}
	return &Result{Data: e.Data, ContentType: e.ContentType, ETag: e.ETag, ModTime: e.ModTime,
		Expires: e.Expires, Cache: CacheHit}, nil
}

// get reads key, under prefix, from c; nil for a miss. A failing cache is
// logged and treated as a miss. An entry read while its prefix was purged
// is a miss too, and deleted: it may be the purged entry, which a tiered
// cache may even have copied back into a tier the purge had cleared.
func (h *Handler) get(ctx context.Context, c cache.Cache, prefix, key string) *cache.Entry {
	ticket := h.purges.ticket()
	e, err := c.Get(ctx, key)
	if err != nil {
		if !errors.Is(err, cache.ErrMiss) {
			h.opts.Logger.Warn("cache get failed", "key", key, "err", err)
		}
		return nil
	}
	if h.purges.after(prefix, ticket) {
		if err := c.Delete(ctx, key); err != nil {
			h.opts.Logger.Warn("cache delete failed", "key", key, "err", err)
		}
		return nil
	}
	return e
}

// produce reads the original, renders and stores one derivative; it runs
// once per derivative key however many requests wait for it. Nothing is
// stored when the original was purged after produce started, or after the
// original it was given began to be read (a shared read may have started
// before produce did).
func (h *Handler) produce(ctx context.Context, k keys, req Request) (*Result, error) {
	ticket := h.purges.ticket()
	orig, err := h.original(ctx, k, req.Key) // 6 fetch (origin cache, then the source)
	if err != nil {
		h.storeError(ctx, k, ticket, err, req.Key)
		return nil, err
	}
	ticket = min(ticket, orig.ticket)
	res, err := h.render(ctx, req, orig) // 7 render
	if err != nil {
		h.storeError(ctx, k, ticket, err, req.Key)
		return nil, err
	}
	res.FetchTime = orig.fetchTime
	h.store(ctx, k, ticket, res) // 8 store
	return res, nil
}

// original is a source object read into memory, with its cache lifetime.
type original struct {
	data        []byte
	contentType string
	etag        string
	modTime     time.Time
	expires     time.Time
	fetchTime   time.Duration
	ticket      uint64 // the purge ticket taken before it was read
	noStore     bool   // the origin forbids caching it (TTLRespectOrigin)
}

// original returns the original of key: from the origin cache while it is
// fresh; stale within the stale windows of RFC 5861 (while one background
// request refreshes it, or while the origin fails); otherwise read from the
// source, once for concurrent requests of any derivative of it, and cached
// for the TTL policy's lifetime.
func (h *Handler) original(ctx context.Context, k keys, key string) (*original, error) {
	ticket := h.purges.ticket()
	e := h.get(ctx, h.originals, k.prefix, k.original)
	if e != nil && e.Status >= 400 {
		e = nil
	}
	now := h.now()
	if e != nil {
		fresh := freshUntil(e)
		switch {
		case now.Before(fresh):
			return cachedOriginal(e, fresh, ticket), nil
		case now.Before(fresh.Add(h.opts.StaleWhileRevalidate)):
			// Serve it stale and refresh it in the background; refresh is
			// coalesced per key, so one refresh runs however many requests
			// see the stale copy.
			h.stats.staleServed.Add(1)
			go func() {
				if _, err := h.refresh(context.WithoutCancel(ctx), k, key, e, ticket); err != nil {
					h.opts.Logger.Warn("background refresh failed", "key", key, "err", err)
				}
			}()
			return cachedOriginal(e, now, ticket), nil
		}
	}
	o, err := h.refresh(ctx, k, key, e, ticket)
	if err != nil && e != nil && originFailed(err) && now.Before(e.FreshUntil.Add(h.opts.StaleIfError)) {
		h.stats.staleServed.Add(1)
		h.opts.Logger.Warn("serving a stale original: the origin failed", "key", key, "err", err)
		return cachedOriginal(e, now, ticket), nil
	}
	return o, err
}

// freshUntil is when a cached original becomes stale.
func freshUntil(e *cache.Entry) time.Time {
	if e.FreshUntil.IsZero() {
		return e.Expires
	}
	return e.FreshUntil
}

// cachedOriginal is the original held by e. What is rendered from it may be
// cached until expires: a stale original gets now, so nothing rendered from
// it is stored and its answers carry max-age=0.
func cachedOriginal(e *cache.Entry, expires time.Time, ticket uint64) *original {
	return &original{data: e.Data, contentType: e.ContentType, etag: e.ETag, modTime: e.ModTime, expires: expires, ticket: ticket}
}

// originFailed reports whether err is the origin's failure (5xx, a broken
// connection, a timeout), for which a stale copy may be served, rather than
// its answer (not found, permission denied).
func originFailed(err error) bool {
	return errors.Is(err, source.ErrUnavailable) || errors.Is(err, source.ErrTimeout) ||
		errors.Is(err, context.DeadlineExceeded)
}

// refresh reads the original from the source, once for concurrent callers,
// and stores it in the origin cache, fresh for the TTL policy's lifetime and
// kept for the stale windows after it. With a stale copy, the request is
// conditional when the source supports it: an unchanged original keeps its
// bytes and gets a new lifetime. ticket is the purge ticket taken before
// stale was read (or found missing): a copy purged since is not made fresh
// again by a 304, and the original is read in full instead.
func (h *Handler) refresh(ctx context.Context, k keys, key string, stale *cache.Entry, ticket uint64) (*original, error) {
	// A refresh that ended between the caller's look at the origin cache
	// and Do is shared too: the group keeps its result for flightLinger.
	o, err := h.originFlights.Do(ctx, k.original, func(ctx context.Context) (*original, error) {
		start := h.now()
		obj, data, err := h.fetch(ctx, key, stale)
		if errors.Is(err, source.ErrNotModified) && h.purges.after(k.prefix, ticket) {
			// The copy was purged since it was read: the purge asks for the
			// original itself, which callers joining now share.
			ticket = h.purges.ticket()
			obj, data, err = h.fetch(ctx, key, nil)
		}
		if errors.Is(err, source.ErrNotModified) && stale != nil {
			// The copy's lifetime comes from the 304's Cache-Control.
			var nm *source.NotModifiedError
			cc := ""
			if errors.As(err, &nm) {
				cc = nm.CacheControl
			}
			obj = &source.Object{ContentType: stale.ContentType, ETag: stale.ETag, ModTime: stale.ModTime, CacheControl: cc}
			data, err = stale.Data, nil
		}
		if err != nil {
			return nil, err
		}
		ttl := h.ttl(obj.CacheControl)
		o := &original{data: data, contentType: obj.ContentType, etag: obj.ETag, modTime: obj.ModTime,
			expires: start.Add(ttl), noStore: ttl <= 0, fetchTime: h.now().Sub(start), ticket: ticket}
		if o.modTime.IsZero() {
			o.modTime = start
		}
		if o.expires.After(start) {
			h.set(ctx, h.originals, k.prefix, k.original, ticket, &cache.Entry{Data: data, ContentType: o.contentType,
				ETag: o.etag, ModTime: o.modTime, FreshUntil: o.expires,
				Expires: o.expires.Add(max(h.opts.StaleWhileRevalidate, h.opts.StaleIfError))})
		}
		return o, nil
	})
	return o, err
}

// fetch reads the original from the source, bounded in time and in bytes.
// With a stale copy and a source that supports it, the request carries the
// copy's validators, and an unchanged original is source.ErrNotModified.
// The bytes read are counted in the budget of originals in flight, reserved
// before they are allocated: a read that finds no room waits for it, with
// the origin's answer open, and is busy past the queue deadline.
func (h *Handler) fetch(ctx context.Context, key string, stale *cache.Entry) (*source.Object, []byte, error) {
	ctx, cancel := context.WithTimeout(ctx, h.opts.FetchTimeout)
	defer cancel()
	var obj *source.Object
	var err error
	if c, ok := h.src.(source.Revalidator); ok && stale != nil && (stale.ETag != "" || !stale.ModTime.IsZero()) {
		obj, err = c.OpenIfChanged(ctx, key, stale.ETag, stale.ModTime)
	} else {
		obj, err = h.src.Open(ctx, key)
	}
	if err != nil {
		return nil, nil, err
	}
	defer obj.Body.Close()
	h.stats.originFetches.Add(1)
	limit := h.opts.Transform.Limits.MaxSourceBytes
	if obj.Size > limit {
		return nil, nil, &transform.LimitError{What: "source bytes", Value: obj.Size, Max: limit}
	}
	var res *reservation
	data, err := readAll(obj.Body, obj.Size, limit+1, func(n int64) error {
		if res == nil {
			var rerr error
			res, rerr = h.inFlight.reserve(ctx, n)
			return rerr
		}
		return res.grow(ctx, n)
	})
	if err == nil && int64(len(data)) > limit {
		err = &transform.LimitError{What: "source bytes", Value: int64(len(data)), Max: limit}
	}
	if err != nil {
		if res != nil {
			res.cancel()
		}
		var le *transform.LimitError
		switch {
		case errors.Is(err, errBusy), errors.As(err, &le):
			return nil, nil, err
		case ctx.Err() != nil:
			return nil, nil, fmt.Errorf("read %q: %w", key, ctx.Err())
		}
		return nil, nil, fmt.Errorf("read %q: %w: %w", key, source.ErrUnavailable, err)
	}
	res.keep(data)
	h.stats.bytesFetched.Add(int64(len(data)))
	return obj, data, nil
}

// readAll reads r up to limit bytes. It calls reserve with the bytes of
// each allocation before making it: once, of size+1, when the expected size
// is known (the extra byte sees the end, or a body longer than announced),
// otherwise as the buffer doubles, from 64 KiB. An error from reserve ends
// the read.
func readAll(r io.Reader, size, limit int64, reserve func(n int64) error) ([]byte, error) {
	const first = 64 << 10
	var buf []byte
	for {
		if len(buf) == cap(buf) {
			if int64(len(buf)) >= limit {
				return buf, nil
			}
			next := min(max(2*int64(cap(buf)), first), limit)
			if cap(buf) == 0 && size > 0 {
				next = min(size+1, limit)
			}
			if err := reserve(next - int64(cap(buf))); err != nil {
				return nil, err
			}
			grown := make([]byte, len(buf), next)
			copy(grown, buf)
			buf = grown
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}

// render turns the original into the derivative within the render limit. A
// file that is not an image is passed through when no transformation is
// asked for.
func (h *Handler) render(ctx context.Context, req Request, orig *original) (*Result, error) {
	// The original's bytes count in the budget of originals in flight until
	// the render ends, while it waits for a slot too.
	defer h.inFlight.hold(orig.data)()
	if transform.Sniff(orig.data) == "" && !req.transforms() && !h.opts.NoPassthrough {
		h.stats.passthroughs.Add(1)
		ct := orig.contentType
		if ct == "" || ct == "application/octet-stream" {
			ct = http.DetectContentType(orig.data)
		}
		return &Result{Data: orig.data, ContentType: ct, ETag: etag(orig.data), ModTime: orig.modTime,
			Expires: orig.expires, Cache: CacheMiss, noStore: orig.noStore}, nil
	}

	if err := h.renders.acquire(ctx); err != nil {
		return nil, err
	}
	// The limiter's estimate is of real time, whatever the handler's clock.
	began := time.Now()
	defer func() { h.renders.release(time.Since(began)) }()
	start := h.now()
	var buf bytes.Buffer
	info, err := transform.RenderChain(ctx, &buf, orig.data, req.steps(), &h.opts.Transform)
	h.stats.renders.Add(1)
	if err != nil {
		return nil, err
	}
	out := buf.Bytes()
	h.stats.bytesRendered.Add(int64(len(out)))
	return &Result{Data: out, ContentType: info.ContentType(), ETag: etag(out), ModTime: orig.modTime,
		Expires: orig.expires, Cache: CacheMiss,
		RenderTime: h.now().Sub(start), noStore: orig.noStore}, nil
}

// etag is a strong validator: a hash of the bytes sent.
func etag(data []byte) string {
	sum := sha256.Sum256(data)
	return `"` + hex.EncodeToString(sum[:16]) + `"`
}

// store writes a derivative to the cache until it expires, unless the
// original was purged after ticket was taken. A failing cache is logged,
// never a client error.
func (h *Handler) store(ctx context.Context, k keys, ticket uint64, res *Result) {
	if !res.Expires.After(h.now()) {
		return
	}
	h.set(ctx, h.cache, k.prefix, k.derivative, ticket, &cache.Entry{
		Data: res.Data, ContentType: res.ContentType, ETag: res.ETag, ModTime: res.ModTime, Expires: res.Expires,
	})
}

// storeError caches an error answer for as long as errorTTL allows: not at
// all when it is transient (a timeout, a full queue, a cancelled request),
// seconds for an origin's failure.
func (h *Handler) storeError(ctx context.Context, k keys, ticket uint64, err error, srcKey string) {
	e := classify(err, srcKey)
	ttl := h.errorTTL(e)
	if ttl <= 0 || ctx.Err() != nil {
		return
	}
	h.set(ctx, h.cache, k.prefix, k.derivative, ticket, &cache.Entry{
		Data: []byte(e.Message), ContentType: "text/plain; charset=utf-8",
		Status: e.Status, ErrorCode: e.Code, Expires: h.now().Add(ttl),
	})
}

// set writes e under key, of prefix, to c unless prefix was purged after
// ticket. A purge may come while the entry is being written, after its
// prefix deletion has passed the key: the log is read again once the entry
// is written, and the entry deleted if a purge came. A purge marked after
// that second look deletes its prefix after the entry was written. A
// failing cache is logged, never a client error.
func (h *Handler) set(ctx context.Context, c cache.Cache, prefix, key string, ticket uint64, e *cache.Entry) {
	if h.purges.after(prefix, ticket) {
		return
	}
	if err := c.Set(ctx, key, e); err != nil {
		h.opts.Logger.Warn("cache set failed", "key", key, "err", err)
	}
	if h.purges.after(prefix, ticket) {
		if err := c.Delete(ctx, key); err != nil {
			h.opts.Logger.Warn("cache delete failed", "key", key, "err", err)
		}
	}
}

// isRaster reports whether a content type is one of the image formats
// Rendition writes; anything else passed through gets a sandboxing policy.
func isRaster(contentType string) bool {
	_, ok := transform.FormatOf(contentType)
	return ok
}
