package rendition

import (
	"sync"
	"sync/atomic"
)

// Stats is a snapshot of a Handler's counters since it was created.
type Stats struct {
	CacheHits     int64            // derivatives (or cached errors) served from the cache
	CacheMisses   int64            // lookups that found nothing
	OriginFetches int64            // originals opened at the source
	Renders       int64            // images decoded and encoded (successful or not)
	Passthroughs  int64            // non-image files served unchanged
	Purges        int64            // calls of Purge
	Errors        map[string]int64 // failed requests by X-Rendition-Error code
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
		Errors:        errs,
	}
}

// counters are the live values behind Stats.
type counters struct {
	cacheHits, cacheMisses, originFetches, renders, passthroughs, purges atomic.Int64

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
