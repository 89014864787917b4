package source

import (
	"context"
	"time"
)

// KeyChecker is implemented by sources whose rule for keys is not (or not
// only) [CheckPathKey]: a [WebProxy]'s keys are URLs. CheckKey returns nil
// if Open may be called with key, else an error wrapping [ErrInvalidKey] or
// [ErrNotFound], without contacting the origin.
type KeyChecker interface {
	CheckKey(key string) error
}

// CheckKey checks key for src with src's own CheckKey method when it
// implements [KeyChecker], and with [CheckPathKey] otherwise. Callers use it
// to refuse a bad key before any other work.
func CheckKey(src Source, key string) error {
	if c, ok := src.(KeyChecker); ok {
		return c.CheckKey(key)
	}
	return CheckPathKey(key)
}

// Revalidator is implemented by sources that can revalidate a copy of an
// object the caller holds, such as [WebFolder] and [WebProxy].
//
// OpenIfChanged is Open with the validators of the copy: etag (if not "")
// as it was reported in [Object.ETag], quotes included, and modTime (if not
// zero) as it was reported in [Object.ModTime]. When the object still
// matches them it returns a nil Object and an error for which
// errors.Is(err, [ErrNotModified]) is true, normally a [*NotModifiedError];
// otherwise it behaves as Open.
type Revalidator interface {
	Source
	OpenIfChanged(ctx context.Context, key, etag string, modTime time.Time) (*Object, error)
}

// SigningRequirer is implemented by sources that fetch whatever a request
// names, such as a [WebProxy]: serving them to unsigned URLs lets anyone
// use the server as an open proxy, so a handler refuses to unless its
// operator says so explicitly.
type SigningRequirer interface {
	RequiresSigning() bool
}

// RequiresSigning reports whether src implements [SigningRequirer] and says
// it needs signed URLs.
func RequiresSigning(src Source) bool {
	r, ok := src.(SigningRequirer)
	return ok && r.RequiresSigning()
}

// CheckKey accepts key if any source of c accepts it.
func (c Chain) CheckKey(key string) error {
	err := CheckPathKey(key)
	for _, s := range c {
		if s == nil {
			continue
		}
		if err = CheckKey(s, key); err == nil {
			return nil
		}
	}
	return err
}

// RequiresSigning reports whether any source of c requires signed URLs.
func (c Chain) RequiresSigning() bool {
	for _, s := range c {
		if s != nil && RequiresSigning(s) {
			return true
		}
	}
	return false
}

// CheckKey checks key as Open does, without a request: a malformed URL
// wraps [ErrInvalidKey], a URL that is not allowed [ErrNotFound] (and
// [ErrForbiddenAddress] when its host is an address the guard refuses).
// Names are resolved only by Open, whose dialer guard checks the address
// of every connection.
func (p *WebProxy) CheckKey(key string) error {
	u, err := parseProxyKey(key)
	if err != nil {
		return err
	}
	if err := p.checkURL(u); err != nil {
		return openError(key, ErrNotFound, err)
	}
	return nil
}

// RequiresSigning is true: a WebProxy fetches any allowed URL a request
// names.
func (p *WebProxy) RequiresSigning() bool { return true }

var (
	_ Revalidator     = (*WebFolder)(nil)
	_ Revalidator     = (*WebProxy)(nil)
	_ Revalidator     = Chain(nil)
	_ KeyChecker      = (*WebProxy)(nil)
	_ SigningRequirer = (*WebProxy)(nil)
	_ KeyChecker      = Chain(nil)
	_ SigningRequirer = Chain(nil)
)
