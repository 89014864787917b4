package cache

import (
	"context"
	"errors"
	"time"
)

// Cache stores rendered derivatives and originals by key. Implementations
// must be safe for concurrent use.
//
// Keys are opaque strings chosen by the caller; a tier must accept any valid
// UTF-8 key up to 1024 bytes, slashes, spaces and non-ASCII characters
// included, and must not let one key's entry answer for another's.
//
// Entries are immutable once stored: after Set, neither the caller nor the
// tier modifies the entry or its Data, and callers must not modify an entry
// returned by Get. A tier may therefore keep the caller's Data slice, and may
// return the same entry to several callers, without copying.
type Cache interface {
	// Get returns the entry stored under key. It returns an error wrapping
	// [ErrMiss] when there is none or it has expired, and another error
	// when the tier failed (a caller treats both as a miss, but may log or
	// count the second).
	Get(ctx context.Context, key string) (*Entry, error)

	// Set stores e under key, replacing any entry stored there. A tier may
	// decline to store an entry (one too large for it, or already expired)
	// and still return nil, but it must then drop any older entry under key,
	// so Get never returns a replaced entry. Set with a nil e returns an
	// error.
	Set(ctx context.Context, key string, e *Entry) error

	// Delete removes the entry stored under key. Deleting an absent key is
	// not an error.
	Delete(ctx context.Context, key string) error
}

// ErrMiss is returned, possibly wrapped, by [Cache.Get] when the key has no
// entry or its entry has expired.
var ErrMiss = errors.New("cache: miss")

// Purger is implemented by caches that can delete every key under a prefix
// as one operation, without scanning the whole cache. The handler stores
// an original and all its derivatives under one prefix, so purging an image
// is one DeletePrefix per cache.
//
// The prefix ends with "/": it names a whole folder of keys such as
// "v1/3fa2c1/". Deleting a prefix that holds nothing is not an error.
type Purger interface {
	DeletePrefix(ctx context.Context, prefix string) error
}

// ErrPrefix is returned by DeletePrefix for a prefix that does not end
// with "/".
var ErrPrefix = errors.New("cache: a purge prefix must end with /")

// Entry is a cached answer: the bytes of an image and the headers to serve
// them with, or a cached error answer.
//
// A successful answer has Status 0 or 200. Any other Status is a cached
// error answer (negative caching): Status is its HTTP status, ErrorCode its
// stable error code (the X-Rendition-Error header, such as "ENOENT"), and
// Data its body, if any. Error answers are cached with a short Expires so
// that an origin that recovers is seen again soon.
type Entry struct {
	// Data is the body. It is immutable once the entry is stored: neither
	// the cache nor its callers modify it after Set.
	Data []byte

	// ContentType is the media type of Data.
	ContentType string

	// ETag is the entity tag to serve, including its quotes.
	ETag string

	// ModTime is the time to send as Last-Modified; zero means none.
	ModTime time.Time

	// Expires is when the entry stops being served; zero means never. An
	// entry whose Expires is not after the current time is a miss.
	Expires time.Time
	// FreshUntil, when set (before Expires), is when the entry becomes
	// stale: caches still return it until Expires, and the caller decides
	// whether a stale entry may be used (stale-while-revalidate,
	// stale-if-error, RFC 5861).
	FreshUntil time.Time

	// Status is 0 or 200 for a successful answer, otherwise the HTTP status
	// of a cached error answer.
	Status int

	// ErrorCode is the stable error code of a cached error answer, "" for
	// a successful one.
	ErrorCode string
}

// entryOverhead is the number of bytes [Entry.Size] charges for an entry
// besides its data and strings: the Entry itself and a cache's bookkeeping
// for it.
const entryOverhead = 256

// Size returns the number of bytes the entry is charged against a cache's
// budget: the length of Data, ContentType, ETag and ErrorCode, plus a fixed
// 256 bytes for the entry itself and the cache's bookkeeping. The Size of a
// nil entry is 0.
func (e *Entry) Size() int64 {
	if e == nil {
		return 0
	}
	return int64(len(e.Data)+len(e.ContentType)+len(e.ETag)+len(e.ErrorCode)) + entryOverhead
}

// Expired reports whether the entry has expired at time now: whether Expires
// is set and not after now.
func (e *Entry) Expired(now time.Time) bool {
	return e != nil && !e.Expires.IsZero() && !now.Before(e.Expires)
}
