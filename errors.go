package rendition

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

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
	CodeCanceled     = "ECANCELED"    // 499: the client went away before the answer
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

// StatusClientClosedRequest is the status of a request whose client went
// away before it was answered (nginx's 499). Nobody reads such an answer;
// it is what Stats and the log count, apart from the server's own failures.
const StatusClientClosedRequest = 499

// classify is the one table from errors to statuses and codes. key is the
// source key, used in messages; it is the client's own input.
func classify(err error, key string) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	var pe *transform.ParamError
	var le *transform.LimitError
	answer := func(status int, code, message string) *Error {
		return &Error{Status: status, Code: code, Message: message, Err: err}
	}
	transient := func(status int, code, message string) *Error {
		return &Error{Status: status, Code: code, Message: message, Transient: true, Err: err}
	}
	switch {
	case errors.As(err, &pe):
		return answer(http.StatusBadRequest, CodeInvalid, pe.Error())
	case errors.Is(err, signing.ErrSignature):
		// The signing package's messages are safe to show: they never
		// include the expected signature or a key.
		return answer(http.StatusForbidden, CodeSignature, err.Error())
	case errors.Is(err, source.ErrInvalidKey):
		return answer(http.StatusBadRequest, CodeInvalid, fmt.Sprintf("invalid path %q", key))
	case errors.Is(err, source.ErrNotFound):
		return answer(http.StatusNotFound, CodeNotFound, fmt.Sprintf("no image at %q", key))
	case errors.Is(err, source.ErrPermission):
		return answer(http.StatusForbidden, CodePermission, "the origin refused access to "+quote(key))
	case errors.As(err, &le) && errors.Is(err, transform.ErrRenderTime):
		// How long a render takes depends on the machine's load as much as
		// on the request, so the answer is not kept.
		return transient(http.StatusRequestEntityTooLarge, CodeLimit, le.Error())
	case errors.As(err, &le):
		return answer(http.StatusRequestEntityTooLarge, CodeLimit, le.Error())
	case errors.Is(err, transform.ErrLimit):
		return answer(http.StatusRequestEntityTooLarge, CodeLimit, "the source is over the size limit")
	case errors.Is(err, transform.ErrUnknownFormat):
		return answer(http.StatusUnsupportedMediaType, CodeFormat, quote(key)+" is not an image format Rendition reads")
	case errors.Is(err, transform.ErrDecode):
		return answer(http.StatusUnprocessableEntity, CodeDecode, quote(key)+" cannot be decoded")
	case errors.Is(err, errBusy):
		return transient(http.StatusServiceUnavailable, CodeBusy, "too many images are being rendered; retry shortly")
	case errors.Is(err, source.ErrTimeout), errors.Is(err, context.DeadlineExceeded):
		return transient(http.StatusGatewayTimeout, CodeTimeout, "the origin did not answer in time")
	case errors.Is(err, source.ErrUnavailable):
		return answer(http.StatusBadGateway, CodeOrigin, "the origin failed")
	case errors.Is(err, context.Canceled):
		return transient(StatusClientClosedRequest, CodeCanceled, "request cancelled")
	}
	// Anything else, a recovered panic (*flight.PanicError) included.
	return transient(http.StatusInternalServerError, CodeUnidentified, "internal error")
}

func quote(s string) string { return fmt.Sprintf("%q", s) }
