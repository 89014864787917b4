// Package cache stores rendered images and fetched originals by key.
//
// A [Cache] is a tier: something that can get, set and delete an [Entry]
// under a key. An Entry holds the bytes to serve together with their
// headers (content type, ETag, Last-Modified), an expiry time, and, for a
// cached error answer, its HTTP status and error code.
//
// # Tiers
//
// [Memory] keeps the most recently used entries in process, within a byte
// budget rather than an entry count, so a few large images cannot exhaust
// memory. Other tiers (a shared bucket, a remote cache) implement [Cache]
// themselves and check their behaviour with the conformance suite in
// package cachetest.
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
// does not expire, though a tier may still evict it.
package cache
