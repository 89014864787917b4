package cache

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"gocloud.dev/blob"
	"gocloud.dev/gcerrors"

	"github.com/rendition-go/rendition/internal/bloburl"
)

// DefaultBucketTimeout is the time limit of each operation of a [Bucket]
// whose [BucketOptions.Timeout] is not set.
const DefaultBucketTimeout = 2 * time.Second

// BucketOptions configures a [Bucket]. The zero value is valid and means the
// defaults.
type BucketOptions struct {
	// Prefix is prepended, as is, to the name of every object the Bucket
	// reads, writes or deletes, such as "rendition/" to keep the entries
	// under one folder of a bucket shared with other data.
	Prefix string

	// Timeout limits each Get, Set and Delete, on top of the context's own
	// deadline, so that a slow or hanging service is abandoned and reported
	// as an error that the caller treats as a miss. Zero means
	// [DefaultBucketTimeout]; a negative Timeout means no limit but the
	// context's.
	Timeout time.Duration

	// Now returns the current time, against which [Entry.Expires] is
	// checked. Nil means time.Now.
	Now func() time.Time
}

// Bucket is a cache tier over a [gocloud.dev/blob] bucket: a local
// directory, memory, Amazon S3, Google Cloud Storage, Azure Blob Storage or
// any other service with a blob driver. It is safe for concurrent use, by
// one process or several sharing the bucket.
//
// # Objects
//
// Each entry is one object holding the whole [Entry] in a self-describing
// binary encoding: a magic number and version, the metadata, the key, the
// data, and a CRC-32C checksum over all of it. Get serves an object only if
// it decodes exactly, its checksum matches, and it was stored for the key
// asked for; an object that is damaged, truncated, of another version or
// not an entry at all is a miss, and Get deletes it. An entry whose
// [Entry.Expires] has passed is a miss too, and Get deletes it. Both
// deletions are best-effort: they are made within the Get's time limit,
// an error is ignored, and a writer that replaces the object in between
// may lose its entry (a later miss, never a wrong answer). An object whose
// length is not the one the service announced, as when it is replaced
// while being read, is a miss but is not deleted.
//
// # Atomic writes
//
// Set writes through a [blob.Writer], which makes the object visible only
// when it is closed without error: a failed or cancelled write leaves the
// object as it was, never a part of the new one. On an error, Set cancels
// the writer's context before closing it, so that the driver discards what
// was written, and then, if the time limit allows, tries to delete the
// object, so that a later Get does not return the entry the caller meant to
// replace. Concurrent writers of a
// key each replace the whole object; readers see one complete entry or the
// other. (The local-directory driver writes a temporary file and renames it;
// the cloud drivers commit an upload on close.)
//
// # Object names
//
// A key maps to the object name Prefix + escaped key + ".entry". The key's
// slashes are kept, so that its folders are the bucket's; in each segment
// between slashes, lower-case ASCII letters, digits, '-', '_' and '.' are
// kept, and every other byte is written as '!' and two lower-case hex
// digits; an empty segment is written as "!", and a segment of dots, such
// as "..", has its dots escaped, as does a segment ending in ".entry" the
// dot of that ending. The ".entry" suffix keeps the object of a key "a"
// apart from the folder of a key "a/b". Names hold no upper-case letters,
// so a store that ignores case still keeps keys apart, and no byte a
// service or file system treats specially. A key whose escaped name,
// without the prefix, would be longer than 512 bytes, or have a segment
// longer than 200 (the suffix included), is stored instead as "!h/", the
// first two hex digits of the key's SHA-256, "/", the other 62, and
// ".entry". For example, the key "v1/3fa2/9c01" is stored as
// "v1/3fa2/9c01.entry" and "Photos/dog 1.jpg" as "!50hotos/dog!201.jpg.entry".
//
// # Limits
//
// A key, ContentType, ETag or ErrorCode longer than 65535 bytes, or a time
// outside the years 1 to 9999, is an error of Set. An entry whose Data is
// longer than 256 MiB, or one already expired, is not stored: Set deletes any
// older entry under its key and returns nil.
//
// # Errors
//
// Every method returns within the Timeout or when its context is done,
// whichever comes first, provided the driver honours contexts (those of
// gocloud.dev do). An absent, expired or corrupt entry is an error wrapping
// [ErrMiss]; a failure of the service,
// including the Timeout, is returned wrapped, naming the operation and the
// key, with the driver's error in its chain for [gcerrors.Code] and
// [errors.As].
//
// # Local directories
//
// By default the local-directory driver (fileblob) keeps a file of
// attributes beside each object, which the Bucket does not use and which
// the driver rewrites in place, so that a Get racing a Set of the same key
// can fail; and it writes temporary files in the system's temporary
// directory, from which renaming them into a directory on another file
// system fails. [OpenBucket] therefore opens file URLs with the driver's
// options metadata=skip and no_tmp_dir=true unless the URL sets them; a
// bucket passed to [NewBucket] should be opened with the same options
// (fileblob.Options{Metadata: fileblob.MetadataDontWrite, NoTempDir: true}).
type Bucket struct {
	b       *blob.Bucket
	owned   bool // Close closes b
	prefix  string
	timeout time.Duration
	now     func() time.Time
}

var (
	_ Cache  = (*Bucket)(nil)
	_ Purger = (*Bucket)(nil)
)

// OpenBucket opens the bucket at urlstr with [blob.OpenBucket], for example
// "file:///var/cache/rendition", "s3://my-bucket?region=us-east-1" or
// "gs://my-bucket", and returns a Bucket cache tier over it, configured by
// opts; nil opts means the defaults. A file URL gets the query parameters
// metadata=skip and no_tmp_dir=true unless it sets them (see [Bucket]).
//
// This package registers no blob drivers: the program blank-imports the
// one the URL needs, such as
//
//	import _ "gocloud.dev/blob/s3blob"
//
// The returned Bucket owns the bucket it opened: [Bucket.Close] closes it.
// Error messages show the URL without its query and password.
func OpenBucket(ctx context.Context, urlstr string, opts *BucketOptions) (*Bucket, error) {
	b, err := bloburl.Open(ctx, "cache", urlstr, fileDefaults)
	if err != nil {
		return nil, err
	}
	c := NewBucket(b, opts)
	c.owned = true
	return c, nil
}

// fileDefaults sets, for file:// URLs, the fileblob options concurrent use
// needs (see [Bucket]) unless the URL sets them.
func fileDefaults(u *url.URL) {
	if u.Scheme != "file" {
		return
	}
	q := u.Query()
	for _, p := range [...]struct{ name, value string }{
		{"metadata", "skip"},
		{"no_tmp_dir", "true"},
	} {
		if !q.Has(p.name) {
			q.Set(p.name, p.value)
		}
	}
	u.RawQuery = q.Encode()
}

// NewBucket returns a Bucket cache tier over b, configured by opts; nil
// opts means the defaults.
//
// The caller keeps ownership of b: it must keep b open while the Bucket is
// in use and close it afterwards; [Bucket.Close] does not close it.
func NewBucket(b *blob.Bucket, opts *BucketOptions) *Bucket {
	c := &Bucket{b: b, timeout: DefaultBucketTimeout, now: time.Now}
	if opts != nil {
		c.prefix = opts.Prefix
		if opts.Timeout != 0 {
			c.timeout = opts.Timeout
		}
		if opts.Now != nil {
			c.now = opts.Now
		}
	}
	return c
}

// Close closes the underlying bucket if the Bucket was made by
// [OpenBucket], and does nothing if it was made by [NewBucket]. The Bucket
// must not be used afterwards.
func (c *Bucket) Close() error {
	if !c.owned || c.b == nil {
		return nil
	}
	if err := c.b.Close(); err != nil {
		return fmt.Errorf("cache: close bucket: %w", err)
	}
	return nil
}

// withTimeout returns ctx limited by the Bucket's Timeout.
func (c *Bucket) withTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	if c.timeout < 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, c.timeout)
}

// check returns an error if c cannot be used or ctx is done.
func (c *Bucket) check(ctx context.Context, op, key string) error {
	if c == nil || c.b == nil {
		return fmt.Errorf("cache: bucket %s %q: Bucket has no blob.Bucket", op, key)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("cache: bucket %s %q: %w", op, key, err)
	}
	return nil
}

// Get returns the entry stored under key. An absent, expired or corrupt
// entry is an error wrapping [ErrMiss]; see [Bucket] for what Get checks
// and deletes.
func (c *Bucket) Get(ctx context.Context, key string) (*Entry, error) {
	if err := c.check(ctx, "get", key); err != nil {
		return nil, err
	}
	parent := ctx
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()

	name := c.objectName(key)
	buf, err := c.read(ctx, name)
	if err != nil {
		if gcerrors.Code(err) == gcerrors.NotFound {
			return nil, fmt.Errorf("cache: bucket get %q: %w", key, ErrMiss)
		}
		if errors.Is(err, errChanged) {
			// Not deleted: the object read may be a new, whole entry.
			return nil, fmt.Errorf("cache: bucket get %q: %w: %w", key, ErrMiss, err)
		}
		if errors.Is(err, errCorrupt) {
			c.deleteBestEffort(ctx, name)
			return nil, fmt.Errorf("cache: bucket get %q: object %q deleted: %w: %w", key, name, ErrMiss, err)
		}
		return nil, c.opError(parent, "get", key, err)
	}
	storedKey, e, err := decodeEntry(buf)
	switch {
	case err != nil:
		c.deleteBestEffort(ctx, name)
		return nil, fmt.Errorf("cache: bucket get %q: object %q deleted: %w: %w", key, name, ErrMiss, err)
	case storedKey != key:
		// Another key's entry under this key's name: a store that folds
		// names together, or a SHA-256 collision. Not served, not deleted.
		return nil, fmt.Errorf("cache: bucket get %q: object %q holds the entry of another key: %w", key, name, ErrMiss)
	case e.Expired(c.now()):
		c.deleteBestEffort(ctx, name)
		return nil, fmt.Errorf("cache: bucket get %q: expired: %w", key, ErrMiss)
	}
	return e, nil
}

// read returns the content of the object name. An object too large to be
// an entry is an error wrapping errCorrupt.
func (c *Bucket) read(ctx context.Context, name string) ([]byte, error) {
	r, err := c.b.NewReader(ctx, name, nil)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	size := r.Size()
	if size < 0 {
		// The driver does not know the size: read up to one byte more
		// than the longest entry.
		buf, err := io.ReadAll(io.LimitReader(r, maxEncodedLen+1))
		if err == nil && len(buf) > maxEncodedLen {
			err = fmt.Errorf("%w: object longer than %d bytes", errCorrupt, maxEncodedLen)
		}
		return buf, err
	}
	if size > maxEncodedLen {
		return nil, fmt.Errorf("%w: object of %d bytes, longer than %d", errCorrupt, size, maxEncodedLen)
	}
	// One byte more than announced, to see the end.
	buf := make([]byte, size+1)
	n, err := io.ReadFull(r, buf)
	switch {
	case err == nil:
		return nil, fmt.Errorf("%w: object longer than the %d bytes announced", errChanged, size)
	case !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF):
		return nil, err
	case int64(n) != size:
		return nil, fmt.Errorf("%w: object of %d bytes, not the %d announced", errChanged, n, size)
	}
	return buf[:size], nil
}

// errChanged is returned by read for an object whose length was not the
// one announced: the local-directory driver, for one, can announce the
// length of an object and then read the one that replaced it.
var errChanged = errors.New("object replaced while being read")

// deleteBestEffort deletes the object name, ignoring errors, within what is
// left of the operation's ctx; it does nothing if ctx is done.
func (c *Bucket) deleteBestEffort(ctx context.Context, name string) {
	if ctx.Err() == nil {
		_ = c.b.Delete(ctx, name)
	}
}

// Set stores e under key, replacing the object stored there as a whole;
// see [Bucket] for how the write is made atomic and which entries are not
// stored.
func (c *Bucket) Set(ctx context.Context, key string, e *Entry) error {
	if e == nil {
		return fmt.Errorf("cache: bucket set %q: nil entry", key)
	}
	if err := c.check(ctx, "set", key); err != nil {
		return err
	}
	header, err := appendEntryHeader(nil, key, e)
	if errors.Is(err, errEntryTooLarge) || (err == nil && e.Expired(c.now())) {
		// Declined: drop the older entry, so Get does not return it.
		if err := c.Delete(ctx, key); err != nil {
			return fmt.Errorf("cache: bucket set %q: entry not stored, and the older one not deleted: %w", key, err)
		}
		return nil
	}
	if err != nil {
		return fmt.Errorf("cache: bucket set %q: %w", key, err)
	}

	parent := ctx
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	name := c.objectName(key)
	if err := c.write(ctx, name, header, e.Data); err != nil {
		c.deleteBestEffort(ctx, name)
		return c.opError(parent, "set", key, err)
	}
	return nil
}

// write writes the object name, the encoded entry made of header, data and
// their trailer, so that it is visible only if the whole write succeeds.
func (c *Bucket) write(ctx context.Context, name string, header, data []byte) error {
	// Cancelling wctx aborts the write: the driver then discards it on
	// Close instead of committing it.
	wctx, abort := context.WithCancel(ctx)
	defer abort()
	w, err := c.b.NewWriter(wctx, name, &blob.WriterOptions{ContentType: "application/octet-stream"})
	if err != nil {
		return err
	}
	var trailer [entryTrailerLen]byte
	for _, p := range [][]byte{header, data, appendEntryTrailer(trailer[:0], header, data)} {
		if len(p) == 0 {
			continue
		}
		if _, err := w.Write(p); err != nil {
			abort()
			_ = w.Close()
			return err
		}
	}
	return w.Close()
}

// Delete removes the entry stored under key, if any.
func (c *Bucket) Delete(ctx context.Context, key string) error {
	if err := c.check(ctx, "delete", key); err != nil {
		return err
	}
	tctx, cancel := c.withTimeout(ctx)
	defer cancel()
	err := c.b.Delete(tctx, c.objectName(key))
	if err != nil && gcerrors.Code(err) != gcerrors.NotFound {
		return c.opError(ctx, "delete", key, err)
	}
	return nil
}

// opError wraps err, the failure of the operation op on key, saying whether
// it is the Bucket's Timeout that ended it; parent is the operation's
// context before the Timeout was added.
func (c *Bucket) opError(parent context.Context, op, key string, err error) error {
	if errors.Is(err, context.DeadlineExceeded) && parent.Err() == nil {
		return fmt.Errorf("cache: bucket %s %q: no answer within the timeout of %v: %w", op, key, c.timeout, err)
	}
	return fmt.Errorf("cache: bucket %s %q: %w", op, key, err)
}

const (
	// objectSuffix ends the name of every object, and no folder's name.
	objectSuffix = ".entry"

	// maxEscapedLen and maxSegmentLen bound an escaped name, without the
	// prefix, and each of its segments, the suffix included. Longer names
	// are replaced by a hash: services limit names to 1024 bytes, and file
	// systems a component to 255.
	maxEscapedLen = 512
	maxSegmentLen = 200

	// hashedFolder holds the objects of keys stored under their hash; no
	// escaped segment is "!h".
	hashedFolder = "!h/"
)

// objectName returns the name of the object that stores key.
func (c *Bucket) objectName(key string) string {
	return c.prefix + escapeKey(key)
}

// escapeKey maps key to an object name, without the prefix, as documented
// on [Bucket]. Distinct keys map to distinct names, even if the store
// ignores case, except for hashed keys whose SHA-256 collide.
func escapeKey(key string) string {
	var sb strings.Builder
	sb.Grow(len(key) + len(objectSuffix))
	for rest, last := key, false; !last; {
		seg := rest
		if i := strings.IndexByte(rest, '/'); i >= 0 {
			seg, rest = rest[:i], rest[i+1:]
		} else {
			last = true
		}
		start := sb.Len()
		escapeSegment(&sb, seg)
		if last {
			sb.WriteString(objectSuffix)
		}
		segLen := sb.Len() - start
		if !last {
			sb.WriteByte('/')
		}
		if segLen > maxSegmentLen || sb.Len() > maxEscapedLen {
			sum := sha256.Sum256([]byte(key))
			h := hex.EncodeToString(sum[:])
			return hashedFolder + h[:2] + "/" + h[2:] + objectSuffix
		}
	}
	return sb.String()
}

// escapeSegment writes the escaped form of seg, one segment of a key
// between slashes, to sb. The result never ends in objectSuffix, which
// marks the last segment.
func escapeSegment(sb *strings.Builder, seg string) {
	const hexDigits = "0123456789abcdef"
	if seg == "" {
		sb.WriteByte('!')
		return
	}
	allDots := strings.Trim(seg, ".") == ""
	// The '.' at which seg would end in objectSuffix is escaped.
	suffixDot := -1
	if strings.HasSuffix(seg, objectSuffix) {
		suffixDot = len(seg) - len(objectSuffix)
	}
	for i := 0; i < len(seg); i++ {
		c := seg[i]
		keep := 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' ||
			c == '.' && !allDots && i != suffixDot
		if keep {
			sb.WriteByte(c)
		} else {
			sb.WriteByte('!')
			sb.WriteByte(hexDigits[c>>4])
			sb.WriteByte(hexDigits[c&0xf])
		}
	}
}

// DeletePrefix deletes every entry whose key starts with prefix, a whole
// folder of keys ending with "/". It lists only the objects under that
// folder, never the whole bucket, and each list page and delete is bounded
// by the Bucket's Timeout. Keys so long that their object names are hashed
// (see [Bucket]) cannot be found by prefix.
func (c *Bucket) DeletePrefix(ctx context.Context, prefix string) error {
	if !strings.HasSuffix(prefix, "/") {
		return fmt.Errorf("%w: %q", ErrPrefix, prefix)
	}
	if err := c.check(ctx, "delete prefix", prefix); err != nil {
		return err
	}
	var folder strings.Builder
	folder.WriteString(c.prefix)
	for seg := range strings.SplitSeq(strings.TrimSuffix(prefix, "/"), "/") {
		escapeSegment(&folder, seg)
		folder.WriteByte('/')
	}
	it := c.b.List(&blob.ListOptions{Prefix: folder.String()})
	for {
		tctx, cancel := c.withTimeout(ctx)
		obj, err := it.Next(tctx)
		cancel()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return c.opError(ctx, "delete prefix", prefix, err)
		}
		tctx, cancel = c.withTimeout(ctx)
		err = c.b.Delete(tctx, obj.Key)
		cancel()
		if err != nil && gcerrors.Code(err) != gcerrors.NotFound {
			return c.opError(ctx, "delete prefix", prefix, err)
		}
	}
}
