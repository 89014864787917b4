package rendition

import (
	"strconv"
	"strings"
	"time"
)

// TTLMode says how the origin's Cache-Control and [Options].TTL combine into
// the lifetime of an original and of everything rendered from it, as imgix's
// source cache settings do. The lifetime is both how long Rendition's caches
// keep an entry and the max-age sent to clients and CDNs (the time left).
type TTLMode int

const (
	// TTLEnforceMinimum uses the longer of the origin's max-age and TTL:
	// an origin that says no-store or max-age=60 is still cached for TTL.
	// It is the default.
	TTLEnforceMinimum TTLMode = iota
	// TTLRespectOrigin uses the origin's max-age (s-maxage first) when it
	// sends one, else TTL; no-store, no-cache and private mean no caching.
	TTLRespectOrigin
	// TTLOverride always uses TTL, whatever the origin says.
	TTLOverride
)

// ttl is the lifetime of an original whose origin sent cacheControl.
func (h *Handler) ttl(cacheControl string) time.Duration {
	origin, ok := originMaxAge(cacheControl)
	switch h.opts.TTLMode {
	case TTLOverride:
		return h.opts.TTL
	case TTLRespectOrigin:
		if ok {
			return origin
		}
		return h.opts.TTL
	}
	if ok && origin > h.opts.TTL {
		return origin
	}
	return h.opts.TTL
}

// originMaxAge reads the lifetime a Cache-Control value gives shared caches:
// s-maxage, else max-age; 0 for no-store, no-cache and private. ok is false
// when the value says nothing about it.
func originMaxAge(cc string) (ttl time.Duration, ok bool) {
	maxAge, sMaxAge := -1, -1
	for directive := range strings.SplitSeq(cc, ",") {
		name, value, _ := strings.Cut(strings.TrimSpace(directive), "=")
		switch strings.ToLower(name) {
		case "no-store", "no-cache", "private":
			return 0, true
		case "max-age":
			maxAge = seconds(value)
		case "s-maxage":
			sMaxAge = seconds(value)
		}
	}
	switch {
	case sMaxAge >= 0:
		return time.Duration(sMaxAge) * time.Second, true
	case maxAge >= 0:
		return time.Duration(maxAge) * time.Second, true
	}
	return 0, false
}

// seconds parses a delta-seconds value (RFC 9111 1.2.2); -1 when malformed.
// Values too large to represent are capped, as the RFC asks.
func seconds(v string) int {
	v = strings.Trim(v, `"`)
	if v == "" {
		return -1
	}
	n, err := strconv.ParseUint(v, 10, 31)
	if err != nil {
		for _, c := range v {
			if c < '0' || c > '9' {
				return -1
			}
		}
		return 1<<31 - 1
	}
	return int(n)
}

// maxAge is the Cache-Control max-age for an answer that expires at
// expires: the whole seconds left, never negative.
func (h *Handler) maxAge(expires time.Time) int {
	left := expires.Sub(h.now())
	if left <= 0 {
		return 0
	}
	return int((left + time.Second - 1) / time.Second)
}

// cacheControl is the Cache-Control of a successful answer that expires at
// expires, with the stale windows a CDN may use.
func (h *Handler) cacheControl(expires time.Time) string {
	b := make([]byte, 0, 80)
	b = append(b, "public, max-age="...)
	b = strconv.AppendInt(b, int64(h.maxAge(expires)), 10)
	if s := h.opts.StaleWhileRevalidate; s > 0 {
		b = strconv.AppendInt(append(b, ", stale-while-revalidate="...), int64(s/time.Second), 10)
	}
	if s := h.opts.StaleIfError; s > 0 {
		b = strconv.AppendInt(append(b, ", stale-if-error="...), int64(s/time.Second), 10)
	}
	return string(b)
}
