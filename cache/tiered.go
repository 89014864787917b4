package cache

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
)

// Tiered is a [Cache] made of tiers tried in order, usually a fast,
// small one first ([Memory]) and a slower, larger, shared one after it
// ([Bucket]). It is safe for concurrent use if its tiers are.
//
// Get asks the tiers in order and returns the first hit. The tiers before
// it that missed are then given the entry (promotion), so the next Get
// finds it sooner; promotion is best-effort: its errors are ignored, and a
// tier that failed during this Get is not written to. A tier that fails
// (returns an error other than [ErrMiss]) is skipped, never failing the
// Get: if no tier has the entry, Get returns an error wrapping ErrMiss,
// and, if some tiers failed, their errors too, for the caller to log. A
// tier that hangs delays a Get until its own time limit (such as
// [BucketOptions.Timeout]) or ctx ends it.
//
// Set writes through to every tier, in order, even when some fail, and
// returns their errors joined, each naming its tier; nil means every tier
// stored (or declined) the entry. After a failed Set the tiers may
// disagree, each holding a complete entry, the new one or an older one.
//
// Delete deletes from every tier, in order, and returns their errors
// joined.
type Tiered struct {
	tiers []Cache
	stats []tierCounters // one per tier
}

// TierStats counts the Get calls that reached one tier of a [Tiered].
type TierStats struct {
	Hits, Misses, Errors int64
}

type tierCounters struct {
	hits, misses, errors atomic.Int64
}

// Stats returns the hits, misses and errors of each tier's Gets, in tier
// order, since the Tiered was made. A tier is only asked when the
// tiers before it missed or failed.
func (t *Tiered) Stats() []TierStats {
	out := make([]TierStats, len(t.stats))
	for i := range t.stats {
		c := &t.stats[i]
		out[i] = TierStats{Hits: c.hits.Load(), Misses: c.misses.Load(), Errors: c.errors.Load()}
	}
	return out
}

var (
	_ Cache  = (*Tiered)(nil)
	_ Purger = (*Tiered)(nil)
)

// Tiered returns a Tiered over tiers, tried in the order given. Nil
// tiers are left out; with no tiers, every Get is a miss.
func NewTiered(tiers ...Cache) *Tiered {
	t := &Tiered{tiers: make([]Cache, 0, len(tiers))}
	for _, c := range tiers {
		if c != nil {
			t.tiers = append(t.tiers, c)
		}
	}
	t.stats = make([]tierCounters, len(t.tiers))
	return t
}

// Get returns the entry from the first tier that has it, after promoting it
// into the earlier tiers that missed. See [Tiered].
func (t *Tiered) Get(ctx context.Context, key string) (*Entry, error) {
	// failed[i] records that tier i failed, so it is not promoted into.
	var failed []bool
	var errs []error
	for i, c := range t.tiers {
		e, err := c.Get(ctx, key)
		if err == nil && e == nil {
			err = fmt.Errorf("cache: tier %d: Get(%q) returned neither an entry nor an error", i, key)
		}
		if err == nil {
			t.stats[i].hits.Add(1)
			for j := range i {
				if failed == nil || !failed[j] {
					_ = t.tiers[j].Set(ctx, key, e)
				}
			}
			return e, nil
		}
		if errors.Is(err, ErrMiss) {
			t.stats[i].misses.Add(1)
		} else {
			t.stats[i].errors.Add(1)
			if failed == nil {
				failed = make([]bool, len(t.tiers))
			}
			failed[i] = true
			errs = append(errs, fmt.Errorf("cache: tier %d: %w", i, err))
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("%w: %w", ErrMiss, errors.Join(errs...))
	}
	return nil, ErrMiss
}

// Set stores e in every tier and returns their errors joined. See
// [Tiered].
func (t *Tiered) Set(ctx context.Context, key string, e *Entry) error {
	if e == nil {
		return fmt.Errorf("cache: set %q: nil entry", key)
	}
	var errs []error
	for i, c := range t.tiers {
		if err := c.Set(ctx, key, e); err != nil {
			errs = append(errs, fmt.Errorf("cache: tier %d: %w", i, err))
		}
	}
	return errors.Join(errs...)
}

// Delete removes the entry stored under key from every tier and returns
// their errors joined.
func (t *Tiered) Delete(ctx context.Context, key string) error {
	var errs []error
	for i, c := range t.tiers {
		if err := c.Delete(ctx, key); err != nil {
			errs = append(errs, fmt.Errorf("cache: tier %d: %w", i, err))
		}
	}
	return errors.Join(errs...)
}

// DeletePrefix deletes the keys under prefix from every tier, the last tier
// first, so that a concurrent Get finds less to promote back into the tiers
// already purged. Every tier must implement [Purger]; a tier that does not
// is reported in the joined error, after the others have been purged.
func (t *Tiered) DeletePrefix(ctx context.Context, prefix string) error {
	var errs []error
	for i := len(t.tiers) - 1; i >= 0; i-- {
		c := t.tiers[i]
		p, ok := c.(Purger)
		if !ok {
			errs = append(errs, fmt.Errorf("cache: tier %d (%T) cannot delete by prefix", i, c))
			continue
		}
		if err := p.DeletePrefix(ctx, prefix); err != nil {
			errs = append(errs, fmt.Errorf("cache: tier %d: %w", i, err))
		}
	}
	return errors.Join(errs...)
}
