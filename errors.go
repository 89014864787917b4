package rendition

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/rendition-go/rendition/internal/flight"
	"github.com/rendition-go/rendition/signing"
	"github.com/rendition-go/rendition/source"
	"github.com/rendition-go/rendition/transform"
)

// The error codes sent in the X-Rendition-Error header. They are stable:
// clients and tests may depend on them.
const (
	CodeInvalid      = "EINVAL"       // 400: a malformed or out-of-range parameter or path
	CodeSignature    = "ESIGNATURE"   // 403: signature missing, invalid or expired
	CodeNotFound     = "ENOENT"       // 404: the origin has no such object
	CodePermission   = "EACCES"       // 403: the origin refused our credentials
	CodeLimit        = "ELIMIT"       // 413: source or output over a limit
	CodeFormat       = "EFORMAT"      // 415: not an image, and no passthrough
	CodeDecode       = "EDECODE"      // 422: an image that cannot be decoded
	CodeBusy         = "EBUSY"        // 503: the render queue is full
	CodeOrigin       = "EORIGIN"      // 502: the origin failed
	CodeTimeout      = "ETIMEDOUT"    // 504: the origin was too slow
	CodeUnidentified = "UNIDENTIFIED" // 500: anything else
)

// Error is a failed request as the HTTP contract describes it: a status, a
// stable code and a message that is safe to show to the client. Process and
// the Handler return every error as an *Error; Err keeps the cause for logs
// and errors.Is.
type Error struct {
	Status  int    // HTTP status
	Code    string // X-Rendition-Error code
	Message string // short, safe to send: no internal address or origin body
	// Transient errors (timeouts, a full queue) are sent with
	// Cache-Control: no-store and never cached; others are cached for the
	// error TTL.
	Transient bool
	Err       error

	// expires is set for an answer from the cache: it is kept until then,
	// so caches downstream may keep it for the time left, not longer.
	expires time.Time
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s (%d %s): %v", e.Message, e.Status, e.Code, e.Err)
	}
	return fmt.Sprintf("%s (%d %s)", e.Message, e.Status, e.Code)
}

func (e *Error) Unwrap() error { return e.Err }

// errBusy is returned when the render queue is full.
var errBusy = errors.New("rendition: render queue full")

// classify is the one table from errors to statuses and codes. key is the
// source key, used in messages; it is the client's own input.
func classify(err error, key string) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	var pe *transform.ParamError
	var le *transform.LimitError
	var panicked *flight.PanicError
	switch {
	case errors.As(err, &pe):
		return newError(http.StatusBadRequest, CodeInvalid, pe.Error(), false, err)
	case errors.Is(err, signing.ErrSignature):
		// The signing package's messages are safe to show: they never
		// include the expected signature or a key.
		return newError(http.StatusForbidden, CodeSignature, err.Error(), false, err)
	case errors.Is(err, source.ErrInvalidKey):
		return newError(http.StatusBadRequest, CodeInvalid, fmt.Sprintf("invalid path %q", key), false, err)
	case errors.Is(err, source.ErrNotFound):
		return newError(http.StatusNotFound, CodeNotFound, fmt.Sprintf("no image at %q", key), false, err)
	case errors.Is(err, source.ErrPermission):
		return newError(http.StatusForbidden, CodePermission, "the origin refused access to "+quote(key), false, err)
	case errors.As(err, &le):
		return newError(http.StatusRequestEntityTooLarge, CodeLimit, le.Error(), false, err)
	case errors.Is(err, transform.ErrLimit):
		return newError(http.StatusRequestEntityTooLarge, CodeLimit, "the source is over the size limit", false, err)
	case errors.Is(err, transform.ErrUnknownFormat):
		return newError(http.StatusUnsupportedMediaType, CodeFormat, quote(key)+" is not an image format Rendition reads", false, err)
	case errors.Is(err, transform.ErrDecode):
		return newError(http.StatusUnprocessableEntity, CodeDecode, quote(key)+" cannot be decoded", false, err)
	case errors.Is(err, errBusy):
		return newError(http.StatusServiceUnavailable, CodeBusy, "too many images are being rendered; retry shortly", true, err)
	case errors.Is(err, source.ErrTimeout), errors.Is(err, context.DeadlineExceeded):
		return newError(http.StatusGatewayTimeout, CodeTimeout, "the origin did not answer in time", true, err)
	case errors.Is(err, source.ErrUnavailable):
		return newError(http.StatusBadGateway, CodeOrigin, "the origin failed", false, err)
	case errors.Is(err, context.Canceled):
		// The client went away; nobody reads this answer.
		return newError(http.StatusServiceUnavailable, CodeBusy, "request cancelled", true, err)
	case errors.As(err, &panicked):
		return newError(http.StatusInternalServerError, CodeUnidentified, "internal error", true, err)
	}
	return newError(http.StatusInternalServerError, CodeUnidentified, "internal error", true, err)
}

// newError is an *Error with the fields in their order.
func newError(status int, code, message string, transient bool, err error) *Error {
	return &Error{Status: status, Code: code, Message: message, Transient: transient, Err: err}
}

func quote(s string) string { return fmt.Sprintf("%q", s) }
