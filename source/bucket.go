package source

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"strings"
	"syscall"
	"time"

	"gocloud.dev/blob"
	"gocloud.dev/gcerrors"

	"github.com/rendition-go/rendition/internal/bloburl"
)

// Bucket serves keys from a [gocloud.dev/blob] bucket: a local directory,
// memory, Amazon S3, Google Cloud Storage, Azure Blob Storage or any other
// service with a blob driver. It is safe for concurrent use.
//
// Each successful Open costs two requests to the service: one that opens the
// reader (and reports the content type, size and modification time) and one
// for the attributes that only [blob.Bucket.Attributes] reports (the ETag and
// Cache-Control). A missing object costs one.
//
// Hidden objects are not served unless [BucketOptions.AllowDotfiles] says
// so: a key with a segment that starts with a dot, at any level (".env",
// ".git/config", "a/.hidden/b.jpg"), is not found. On a local directory
// (the fileblob driver, "file://" URLs), a key whose file lies outside the
// directory once symbolic links are resolved is not found, so a link such
// as "passwd.jpg -> /etc/passwd" serves nothing; nor is a key ending in
// ".attrs", the suffix fileblob keeps for its own metadata files.
type Bucket struct {
	b             *blob.Bucket
	owned         bool // Close closes b
	local         bool // b is a directory of the local file system
	allowDotfiles bool
}

var (
	_ Source     = (*Bucket)(nil)
	_ KeyChecker = (*Bucket)(nil)
)

// BucketOptions configure a [Bucket]. The zero value gives the defaults.
type BucketOptions struct {
	// AllowDotfiles serves keys with segments that start with a dot, which
	// are otherwise not found. Leave it off for buckets that may hold
	// configuration or version-control files next to the images.
	AllowDotfiles bool
}

// fileblobAttrs is the suffix that the fileblob driver reserves for the
// files holding its objects' metadata.
const fileblobAttrs = ".attrs"

// OpenBucket opens the bucket at urlstr with [blob.OpenBucket], for example
// "file:///srv/images", "s3://my-bucket?region=us-east-1" or "gs://my-bucket".
//
// This package registers no drivers: the program blank-imports the one the
// URL needs, such as
//
//	import _ "gocloud.dev/blob/s3blob"
//
// and OpenBucket's error names that package when it is missing. The returned
// Bucket owns the bucket it opened; [Bucket.Close] closes it. opts may be
// nil for the defaults.
func OpenBucket(ctx context.Context, urlstr string, opts *BucketOptions) (*Bucket, error) {
	b, err := bloburl.Open(ctx, "source", urlstr, nil)
	if err != nil {
		return nil, err
	}
	s := NewBucket(b, opts)
	s.owned = true
	return s, nil
}

// NewBucket returns a Bucket that serves keys from b, configured by opts;
// nil means the defaults.
//
// The caller keeps ownership of b: it must keep b open while the Bucket is in
// use and close it afterwards; [Bucket.Close] does not close it.
func NewBucket(b *blob.Bucket, opts *BucketOptions) *Bucket {
	if opts == nil {
		opts = &BucketOptions{}
	}
	s := &Bucket{b: b, allowDotfiles: opts.AllowDotfiles}
	if b != nil {
		// Only the fileblob driver reports the FileInfo of its directory.
		var dir os.FileInfo
		s.local = b.As(&dir)
	}
	return s
}

// CheckKey returns nil if key is accepted by [CheckPathKey], names no hidden
// object (unless [BucketOptions.AllowDotfiles]) and, on a local directory,
// does not end in ".attrs", without contacting the service.
func (b *Bucket) CheckKey(key string) error {
	if err := CheckPathKey(key); err != nil {
		return err
	}
	if b == nil {
		return nil
	}
	if !b.allowDotfiles {
		if err := hiddenKey(key); err != nil {
			return err
		}
	}
	if b.local && strings.HasSuffix(key, fileblobAttrs) {
		return openError(key, ErrNotFound, fmt.Errorf("the suffix %s is reserved for metadata by the file driver", fileblobAttrs))
	}
	return nil
}

// Open opens the object stored under key. key must be accepted by
// [Bucket.CheckKey]; otherwise Open returns its error without contacting
// the service.
//
// The service's error codes are reported as this package's errors:
// NotFound as [ErrNotFound], PermissionDenied as [ErrPermission],
// DeadlineExceeded (including an expired ctx) and network timeouts as
// [ErrTimeout], and ResourceExhausted, Internal, refused or reset
// connections and other network failures as [ErrUnavailable]. A cancelled
// ctx is reported as [context.Canceled]. The service's error stays in the
// chain for [gcerrors.Code] and [errors.As].
//
// If the object changes between the two requests Open makes, so that the
// attributes describe a different version than the body (their sizes or
// modification times differ), the ETag and CacheControl of the returned
// Object are left empty rather than describe another version.
func (b *Bucket) Open(ctx context.Context, key string) (*Object, error) {
	if err := b.CheckKey(key); err != nil {
		return nil, err
	}
	if b == nil || b.b == nil {
		return nil, fmt.Errorf("source: open %q: Bucket has no blob.Bucket", key)
	}
	if err := ctx.Err(); err != nil {
		return nil, blobError(key, err)
	}
	var escaped error
	r, err := b.b.NewReader(ctx, key, &blob.ReaderOptions{
		BeforeRead: func(as func(any) bool) error {
			// fileblob hands over the file it opened.
			var f *os.File
			if as(&f) && f != nil {
				escaped = checkInRoot(f, key)
			}
			return escaped
		},
	})
	if escaped != nil {
		if errors.Is(escaped, errOutsideRoot) {
			return nil, openError(key, ErrNotFound, escaped)
		}
		return nil, blobError(key, escaped)
	}
	if err != nil {
		return nil, blobError(key, err)
	}
	obj := &Object{
		Body:        r,
		ContentType: r.ContentType(),
		Size:        r.Size(),
		ModTime:     r.ModTime(),
	}
	attrs, err := b.b.Attributes(ctx, key)
	if err != nil {
		r.Close()
		return nil, blobError(key, err)
	}
	// Compare to the second: some services (GCS) report the reader's time
	// from an HTTP date and the attributes' with sub-second precision.
	if attrs.Size == obj.Size && attrs.ModTime.Truncate(time.Second).Equal(obj.ModTime.Truncate(time.Second)) {
		obj.ETag = attrs.ETag
		obj.CacheControl = attrs.CacheControl
	}
	return obj, nil
}

// Close closes the underlying bucket if it was opened by [OpenBucket]. For a
// Bucket made by [NewBucket] it does nothing: the caller owns that bucket.
// Objects already opened stay readable until they are closed, as far as the
// driver allows.
func (b *Bucket) Close() error {
	if b == nil || b.b == nil || !b.owned {
		return nil
	}
	if err := b.b.Close(); err != nil {
		return fmt.Errorf("source: close bucket: %w", err)
	}
	return nil
}

// blobError wraps err, returned by the blob package for key, with the
// sentinel error matching its code.
func blobError(key string, err error) error {
	var kind error
	switch gcerrors.Code(err) {
	case gcerrors.NotFound:
		kind = ErrNotFound
	case gcerrors.PermissionDenied:
		kind = ErrPermission
	case gcerrors.DeadlineExceeded:
		kind = ErrTimeout
	case gcerrors.ResourceExhausted, gcerrors.Internal:
		kind = ErrUnavailable
	case gcerrors.Canceled:
		// Reported as the context's own error.
	default:
		switch {
		case errors.Is(err, syscall.ENOTDIR), errors.Is(err, fs.ErrNotExist):
			// A local bucket asked for "a.jpg/b" where a.jpg is a file,
			// or a file removed while it was opened.
			kind = ErrNotFound
		case errors.Is(err, fs.ErrPermission):
			kind = ErrPermission
		default:
			kind = networkError(err)
		}
	}
	return openError(key, kind, err)
}

// networkError classifies an error without a more specific code: a network
// timeout is [ErrTimeout], and any other network failure, a refused or reset
// connection and a body cut short are [ErrUnavailable]. Anything else is nil.
func networkError(err error) error {
	var ne net.Error
	_ = errors.As(err, &ne)
	if _, ok := ne.(syscall.Errno); ok {
		// A bare system error is a net.Error too, but a local file
		// system's errors are not the network's.
		ne = nil
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return ErrTimeout
	case ne != nil && ne.Timeout():
		return ErrTimeout
	case ne != nil,
		errors.Is(err, syscall.ECONNREFUSED),
		errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, io.ErrUnexpectedEOF):
		return ErrUnavailable
	}
	return nil
}
