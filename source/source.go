package source

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Source opens originals by key. Implementations must be safe for concurrent
// use.
//
// Open returns the object stored under key, or an error that wraps one of the
// sentinel errors of this package ([ErrNotFound], [ErrPermission],
// [ErrTimeout], [ErrUnavailable], [ErrInvalidKey]) when one applies, or the
// context's error when ctx was cancelled. On success the caller must close
// [Object.Body].
type Source interface {
	Open(ctx context.Context, key string) (*Object, error)
}

// Func adapts an ordinary function to the [Source] interface.
type Func func(ctx context.Context, key string) (*Object, error)

var _ Source = Func(nil)

// Open calls f(ctx, key).
func (f Func) Open(ctx context.Context, key string) (*Object, error) {
	return f(ctx, key)
}

// Object is an original opened by a [Source]: its body and the metadata the
// origin reported with it.
type Object struct {
	// Body is the object's content. The caller must close it.
	Body io.ReadCloser

	// ContentType is the media type reported by the origin; it may be "".
	ContentType string

	// Size is the length of Body in bytes, or -1 when unknown.
	Size int64

	// ETag is the origin's validator for this version of the object,
	// including its quotes (for example "\"5d41402a\""); it may be "".
	ETag string

	// ModTime is the time the object was last modified; it is the zero
	// time when unknown.
	ModTime time.Time

	// CacheControl is the origin's Cache-Control value; it may be "".
	CacheControl string
}

// Errors reported by sources. Sources wrap them together with the backend's
// own error, so both can be inspected with [errors.Is] and [errors.As]:
//
//	source: open "a.jpg": object not found: blob (key "a.jpg") (code=NotFound): ...
//
// The comment of each error names the stable error code it corresponds to.
// A cancelled context is reported as the context's own error, not as one of
// these.
var (
	// ErrNotFound means there is no object under the key (ENOENT).
	ErrNotFound = errors.New("object not found")

	// ErrPermission means the origin refused the credentials in use (EACCES).
	ErrPermission = errors.New("permission denied by origin")

	// ErrTimeout means the origin did not answer within the deadline
	// (ETIMEDOUT).
	ErrTimeout = errors.New("origin timed out")

	// ErrUnavailable means the origin refused the connection, reset it, or
	// failed (EORIGIN).
	ErrUnavailable = errors.New("origin unavailable")

	// ErrInvalidKey means the key is not acceptable to [CheckPathKey]; no
	// request was made to the origin (EINVAL).
	ErrInvalidKey = errors.New("invalid key")
)

// ErrNotModified means that the object still matches the validators the
// caller sent with OpenIfChanged (the origin answered 304 Not Modified). It
// is not a failure. Sources report it as a [*NotModifiedError], which
// carries the answer's Cache-Control; test for it with [errors.Is].
var ErrNotModified = errors.New("not modified")

// NotModifiedError is the error of a conditional request that the origin
// answered 304 Not Modified: errors.Is(err, ErrNotModified) reports true
// for it. CacheControl is the 304's Cache-Control header ("" when it had
// none), which replaces the one of the copy that was revalidated (RFC 9111,
// section 4.3.4).
type NotModifiedError struct {
	CacheControl string
}

func (e *NotModifiedError) Error() string { return ErrNotModified.Error() }

// Is reports whether target is ErrNotModified.
func (e *NotModifiedError) Is(target error) bool { return target == ErrNotModified }

// MaxKeyLen is the length in bytes of the longest key [CheckPathKey] accepts.
const MaxKeyLen = 1024

// CheckPathKey is the rule for keys that name a path below a root, as those
// of [Bucket], [FS] and [WebFolder] do: it returns nil if key is acceptable
// and otherwise an error that wraps [ErrInvalidKey] and names the problem.
//
// A key is a relative, slash-separated path such as "photos/dog.jpg": valid
// UTF-8, 1 to [MaxKeyLen] bytes long, with no empty, "." or ".." segments
// (so no leading, trailing or doubled slashes), no backslashes, and no NUL or
// other control characters. These rules keep a key from escaping the root of
// any source, whatever the backend's path syntax, and every source in this
// package whose keys are paths applies them before it contacts its backend.
func CheckPathKey(key string) error {
	if reason := keyProblem(key); reason != "" {
		return fmt.Errorf("source: %w %q: %s", ErrInvalidKey, key, reason)
	}
	return nil
}

// keyProblem returns why key is not valid, or "" if it is.
func keyProblem(key string) string {
	switch {
	case key == "":
		return "empty"
	case len(key) > MaxKeyLen:
		return fmt.Sprintf("longer than %d bytes", MaxKeyLen)
	case !utf8.ValidString(key):
		return "not valid UTF-8"
	case key[0] == '/':
		return "absolute path"
	}
	for _, r := range key {
		switch {
		case r == '\\':
			return "contains a backslash"
		case unicode.IsControl(r):
			return "contains a control character"
		}
	}
	for seg := range strings.SplitSeq(key, "/") {
		switch seg {
		case "":
			return "empty path segment"
		case ".", "..":
			return fmt.Sprintf("%q path segment", seg)
		}
	}
	return ""
}

// openError wraps err, returned by a backend while opening key, with the
// sentinel error that matches kind. A nil kind wraps err alone.
func openError(key string, kind, err error) error {
	if kind == nil {
		return fmt.Errorf("source: open %q: %w", key, err)
	}
	return fmt.Errorf("source: open %q: %w: %w", key, kind, err)
}

// contextKind returns the sentinel error for a context's error: ErrTimeout
// for an expired deadline, and nil for a cancellation, which is reported as
// itself.
func contextKind(err error) error {
	if errors.Is(err, context.DeadlineExceeded) {
		return ErrTimeout
	}
	return nil
}
