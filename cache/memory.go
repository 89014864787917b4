package cache

import (
	"context"
	"fmt"
	"math"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/golang-lru/v2/simplelru"
)

// DefaultMaxBytes is the byte budget of a [Memory] cache whose
// [MemoryOptions.MaxBytes] is not set: 256 MiB.
const DefaultMaxBytes = 256 << 20

// MaxEntryFraction is the largest share of a [Memory] cache's budget a
// single entry may take: an entry charged more than MaxBytes/MaxEntryFraction
// bytes is not stored, so that one large image cannot flush most of the
// cache.
const MaxEntryFraction = 8

// MemoryOptions configures a [Memory] cache. The zero value is valid and
// means the defaults.
type MemoryOptions struct {
	// MaxBytes is the budget: the most bytes the entries may be charged in
	// total, counting each entry as len(key) + [Entry.Size]. Zero or less
	// means [DefaultMaxBytes].
	MaxBytes int64

	// MaxAge, when positive, caps how long an entry stays in memory,
	// whatever its Expires: an older one is a miss. With several instances
	// each keeping a Memory tier in front of one shared tier, it bounds how
	// long a purge of the shared tier takes to reach every instance, at the
	// cost of one read of the shared tier per key per MaxAge. Zero means no
	// cap.
	MaxAge time.Duration

	// Now returns the current time, against which [Entry.Expires] is
	// checked. Nil means time.Now.
	Now func() time.Time
}

// Memory is an in-process cache that keeps the most recently used entries
// within a byte budget, evicting the least recently used ones when it would
// exceed it. It is safe for concurrent use.
//
// Each entry is charged len(key) + [Entry.Size] bytes. An entry charged more
// than MaxBytes/[MaxEntryFraction] bytes, or one already expired, is not
// stored: Set drops any older entry under its key and returns nil. Expired
// entries are removed when Get finds them, and until then are evicted in
// their turn.
//
// Memory copies the Entry struct passed to Set but not its Data, which the
// caller must not modify afterwards (see [Cache]). Get returns the stored
// entry itself, without copying, so a hit does not allocate; callers must not
// modify it. Memory never blocks on I/O and ignores its methods' contexts.
//
// The zero value is an empty cache with the default options. A Memory must
// not be copied after first use.
type Memory struct {
	mu       sync.Mutex
	lru      *simplelru.LRU[string, *memoryEntry] // nil until the first Set
	maxAge   time.Duration                        // 0: no cap
	bytes    int64                                // charged to the entries in lru
	maxBytes int64                                // 0 in the zero value: DefaultMaxBytes
	now      func() time.Time                     // nil in the zero value: time.Now
}

var (
	_ Cache  = (*Memory)(nil)
	_ Purger = (*Memory)(nil)
)

// NewMemory returns an empty Memory cache configured by opts; nil opts means
// the defaults.
func NewMemory(opts *MemoryOptions) *Memory {
	m := &Memory{}
	if opts != nil {
		m.maxBytes = opts.MaxBytes
		m.now = opts.Now
		m.maxAge = max(0, opts.MaxAge)
	}
	return m
}

// charge returns the bytes charged for storing e under key.
func charge(key string, e *Entry) int64 {
	return int64(len(key)) + e.Size()
}

func (m *Memory) budget() int64 {
	if m.maxBytes <= 0 {
		return DefaultMaxBytes
	}
	return m.maxBytes
}

func (m *Memory) clock() time.Time {
	if m.now == nil {
		return time.Now()
	}
	return m.now()
}

// Get returns the entry stored under key, or [ErrMiss] if there is none or it
// has expired. A hit makes the entry the most recently used.
func (m *Memory) Get(ctx context.Context, key string) (*Entry, error) {
	now := m.clock()
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.lru == nil {
		return nil, ErrMiss
	}
	me, ok := m.lru.Get(key)
	if !ok {
		return nil, ErrMiss
	}
	if me.entry.Expired(now) || m.maxAge > 0 && now.Sub(me.stored) >= m.maxAge {
		m.lru.Remove(key)
		return nil, ErrMiss
	}
	return &me.entry, nil
}

// Set stores a copy of e (sharing e.Data) under key as the most recently used
// entry, then evicts the least recently used entries until the cache is
// within its budget. See [Memory] for the entries it declines to store.
func (m *Memory) Set(ctx context.Context, key string, e *Entry) error {
	if e == nil {
		return fmt.Errorf("cache: set %q: nil entry", key)
	}
	now := m.clock()
	me := &memoryEntry{entry: *e, stored: now}
	size := charge(key, &me.entry)

	m.mu.Lock()
	defer m.mu.Unlock()
	if m.lru == nil {
		// A count limit is required; the byte budget is the real bound.
		m.lru, _ = simplelru.NewLRU(math.MaxInt, m.evicted)
	}
	m.lru.Remove(key)
	limit := m.budget()
	if size > limit/MaxEntryFraction || me.entry.Expired(now) {
		return nil
	}
	m.lru.Add(key, me)
	m.bytes += size
	for m.bytes > limit {
		if _, _, ok := m.lru.RemoveOldest(); !ok {
			break
		}
	}
	return nil
}

// evicted is called by the LRU, with m.mu held, for every entry it removes.
func (m *Memory) evicted(key string, me *memoryEntry) {
	m.bytes -= charge(key, &me.entry)
}

// memoryEntry is an entry as Memory keeps it: a copy of the caller's Entry
// (whose Data is shared, not copied) and when it was stored.
type memoryEntry struct {
	entry  Entry
	stored time.Time
}

// Delete removes the entry stored under key, if any.
func (m *Memory) Delete(ctx context.Context, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.lru != nil {
		m.lru.Remove(key)
	}
	return nil
}

// Len returns the number of entries in the cache, expired ones not yet
// removed included.
func (m *Memory) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.lru == nil {
		return 0
	}
	return m.lru.Len()
}

// Bytes returns the bytes charged to the entries in the cache; it never
// exceeds the budget.
func (m *Memory) Bytes() int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.bytes
}

// DeletePrefix deletes every entry whose key starts with prefix. It looks
// only at the keys held in memory.
func (m *Memory) DeletePrefix(ctx context.Context, prefix string) error {
	if !strings.HasSuffix(prefix, "/") {
		return fmt.Errorf("%w: %q", ErrPrefix, prefix)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.lru == nil {
		return nil
	}
	for _, key := range m.lru.Keys() {
		if strings.HasPrefix(key, prefix) {
			m.lru.Remove(key)
		}
	}
	return nil
}
