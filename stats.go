package rendition

import (
	"sync"
	"sync/atomic"

	"github.com/rendition-go/rendition/cache"
)

// Stats is a snapshot of a Handler's counters since it was created.
type Stats struct {
	CacheHits     int64            // derivatives (or cached errors) served from the cache
	CacheMisses   int64            // lookups that found nothing
	OriginFetches int64            // originals opened at the source
	Renders       int64            // images decoded and encoded (successful or not)
	Passthroughs  int64            // non-image files served unchanged
	Purges        int64            // calls of Purge
	StaleServed   int64            // originals used stale (stale-while-revalidate or stale-if-error)
	BytesFetched  int64            // bytes read from the origin
	BytesRendered int64            // bytes of the images rendered
	Errors        map[string]int64 // failed requests by X-Rendition-Error code

	// CacheTiers and OriginTiers count the Gets that reached each tier of
	// the derivative and origin caches, when they count them (as
	// cache.Tiered does: a cache with a Stats() []cache.TierStats method).
	CacheTiers, OriginTiers []cache.TierStats
}

// HitRatio is CacheHits / (CacheHits + CacheMisses), or 0 before any lookup.
func (s Stats) HitRatio() float64 {
	if n := s.CacheHits + s.CacheMisses; n > 0 {
		return float64(s.CacheHits) / float64(n)
	}
	return 0
}

// Stats returns a snapshot of the handler's counters. It is safe to call
// concurrently with requests.
func (h *Handler) Stats() Stats {
	h.stats.mu.Lock()
	errs := make(map[string]int64, len(h.stats.errs))
	for code, n := range h.stats.errs {
		errs[code] = n
	}
	h.stats.mu.Unlock()
	return Stats{
		CacheHits:     h.stats.cacheHits.Load(),
		CacheMisses:   h.stats.cacheMisses.Load(),
		OriginFetches: h.stats.originFetches.Load(),
		Renders:       h.stats.renders.Load(),
		Passthroughs:  h.stats.passthroughs.Load(),
		Purges:        h.stats.purges.Load(),
		StaleServed:   h.stats.staleServed.Load(),
		BytesFetched:  h.stats.bytesFetched.Load(),
		BytesRendered: h.stats.bytesRendered.Load(),
		CacheTiers:    tierStats(h.cache),
		OriginTiers:   tierStats(h.originals),
		Errors:        errs,
	}
}

// counters are the live values behind Stats.
type counters struct {
	cacheHits, cacheMisses, originFetches, renders, passthroughs, purges atomic.Int64
	bytesFetched, bytesRendered, staleServed                             atomic.Int64

	mu   sync.Mutex
	errs map[string]int64
}

func (c *counters) countError(code string) {
	c.mu.Lock()
	if c.errs == nil {
		c.errs = make(map[string]int64)
	}
	c.errs[code]++
	c.mu.Unlock()
}

// tierCounter is a cache made of tiers that counts what reaches each one,
// such as [cache.Tiered].
type tierCounter interface {
	Stats() []cache.TierStats
}

// tierStats returns c's per-tier counters when it counts them.
func tierStats(c cache.Cache) []cache.TierStats {
	if t, ok := c.(tierCounter); ok {
		return t.Stats()
	}
	return nil
}
