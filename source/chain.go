package source

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"time"
)

// Chain is a [Source] that serves each key from the first of its sources
// that has it, in order, as an ordered list of origins.
//
// Open asks each source in turn and moves on to the next only when one
// answers with an error wrapping [ErrNotFound]. Any other error, such as
// [ErrPermission], [ErrTimeout], [ErrUnavailable] or a cancelled context,
// is returned at once, without asking the sources after it: a failing
// origin is never hidden by a later one. When every source misses, Open
// returns the last source's error. A source that refuses the key itself
// ([CheckKey]: a web proxy asked for a path, a folder asked for a URL) is
// skipped; when every source refuses it, Open returns the first refusal. An
// empty Chain has nothing and answers every key with [ErrNotFound].
//
// A Chain is safe for concurrent use if its sources are and it is not
// modified while in use.
type Chain []Source

var _ Source = Chain(nil)

// errEmptyChain is the error of an empty Chain.
var errEmptyChain = errors.New("empty chain")

// Open opens key from the first source of c that has it.
func (c Chain) Open(ctx context.Context, key string) (*Object, error) {
	return c.open(ctx, key, func(s Source) (*Object, error) {
		return s.Open(ctx, key)
	})
}

// OpenIfChanged revalidates a copy of key with the first source of c that
// has it: when that source is a [Revalidator], the validators are passed on
// to its OpenIfChanged, and otherwise the source is opened, which serves the
// object as if it had changed. Sources are tried in the order and with the
// rules of [Chain.Open]; an answer of [ErrNotModified] ends the search.
//
// The validators go to whichever source has the key now, which need not be
// the one the copy came from.
func (c Chain) OpenIfChanged(ctx context.Context, key, etag string, modTime time.Time) (*Object, error) {
	return c.open(ctx, key, func(s Source) (*Object, error) {
		if r, ok := s.(Revalidator); ok {
			return r.OpenIfChanged(ctx, key, etag, modTime)
		}
		return s.Open(ctx, key)
	})
}

// open implements Open and OpenIfChanged, opening key from each source with
// open.
func (c Chain) open(ctx context.Context, key string, open func(Source) (*Object, error)) (*Object, error) {
	if len(c) == 0 {
		return nil, openError(key, ErrNotFound, errEmptyChain)
	}
	var err, refused error
	for i, s := range c {
		if s == nil {
			return nil, fmt.Errorf("source: open %q: chain source %d is nil", key, i)
		}
		if kerr := CheckKey(s, key); kerr != nil {
			refused = cmp.Or(refused, kerr)
			continue
		}
		if i > 0 {
			if cerr := ctx.Err(); cerr != nil {
				return nil, openError(key, contextKind(cerr), cerr)
			}
		}
		var obj *Object
		obj, err = open(s)
		if err == nil {
			return obj, nil
		}
		if !errors.Is(err, ErrNotFound) {
			return nil, err
		}
	}
	if err == nil {
		return nil, refused
	}
	return nil, err
}
