// Package cache stores rendered images and fetched originals by key.
//
// A [Cache] is a tier: something that can get, set and delete an [Entry]
// under a key. An Entry holds the bytes to serve together with their
// headers (content type, ETag, Last-Modified), an expiry time, and, for a
// cached error answer, its HTTP status and error code.
//
// # Tiers
//
//   - [Memory] keeps the most recently used entries in process, within a
//     byte budget rather than an entry count, so a few large images cannot
//     exhaust memory; [MemoryOptions].MaxAge can cap how long an entry stays.
//   - [Bucket] keeps entries in any gocloud.dev/blob bucket (a directory,
//     S3, GCS, Azure), each with a checksum, so a damaged or partial object
//     is a miss and is never served; every call has its own timeout.
//   - [Tiered] reads tiers in order, copies a hit into the faster tiers
//     that missed, writes through to all, and skips a tier that fails.
//
// Other tiers (a remote cache, a database) implement [Cache] themselves and
// check their behaviour with the conformance suite in package cachetest.
// Tiers that can delete every key under a prefix as one operation implement
// [Purger], which is how an original and all its derivatives are purged.
//
// # Contract
//
// Every tier is safe for concurrent use. An absent or expired entry is a
// miss: Get returns an error wrapping [ErrMiss]. Entries are immutable once
// stored, which lets a tier keep the caller's bytes and hand the same entry
// to many readers without copying: callers must not modify an entry, or its
// Data, after passing it to Set or receiving it from Get.
//
// # Expiry
//
// An entry's Expires is set by its writer from the caching policy: the
// origin's Cache-Control, or a short time for error answers. A tier never
// returns an entry whose Expires has passed; a zero Expires means the entry
// does not expire, though a tier may still evict it. FreshUntil, when set,
// marks the end of the entry's fresh life before Expires: tiers keep and
// return the entry until Expires, and the caller decides whether a stale
// entry may be used.
package cache
