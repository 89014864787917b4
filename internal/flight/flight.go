// Package flight coalesces concurrent calls for the same key into one
// execution, like golang.org/x/sync/singleflight, with four differences the
// image handler needs:
//
//   - the shared work runs detached from the first caller's context, so a
//     caller that goes away does not fail the others;
//   - the work is cancelled when every caller waiting for it has gone;
//   - a panic in the work is recovered and returned to every caller as a
//     [*PanicError] instead of crashing the process;
//   - a successful result may be kept for a moment ([Group].Linger), so a
//     caller that just missed it in a cache shares it rather than redo it.
package flight

import (
	"context"
	"fmt"
	"runtime/debug"
	"strings"
	"sync"
	"time"
)

// Group runs at most one call per key at a time. The zero value is ready to
// use. A Group is safe for concurrent use.
type Group[V any] struct {
	// Linger keeps a successful call's result for this long after it ends,
	// so that a caller who looked for the result elsewhere (a cache) just
	// before the work stored it there, and calls Do just after, shares it
	// instead of doing the work again. Failed calls are never kept, so they
	// are retried. Zero keeps nothing.
	Linger time.Duration
	// Valid, when set, decides whether a kept result may still be shared;
	// one it rejects is dropped and the work is done again.
	Valid func(V) bool

	mu    sync.Mutex
	calls map[string]*call[V]
}

type call[V any] struct {
	done    chan struct{} // closed when val and err are set
	ended   bool          // the work has ended; guarded by Group.mu
	val     V
	err     error
	waiters int // callers still waiting; guarded by Group.mu
	cancel  context.CancelFunc
}

// PanicError is returned when the work panicked.
type PanicError struct {
	Value any
	Stack []byte
}

func (e *PanicError) Error() string { return fmt.Sprintf("panic: %v", e.Value) }

// Do returns the result of fn for key, running fn in a new goroutine unless a
// call for key is already under way, in which case it waits for that one.
//
// fn receives a context that keeps ctx's values but not its cancellation or
// deadline; it is cancelled when every caller has stopped waiting. When ctx
// is done before the work ends, Do returns ctx.Err().
func (g *Group[V]) Do(ctx context.Context, key string, fn func(context.Context) (V, error)) (V, error) {
	g.mu.Lock()
	if g.calls == nil {
		g.calls = make(map[string]*call[V])
	}
	c, joined := g.calls[key]
	if joined && c.ended { // a result kept by Linger
		if g.Valid == nil || g.Valid(c.val) {
			g.mu.Unlock()
			return c.val, c.err
		}
		joined = false
	}
	switch {
	case joined:
		c.waiters++
	default:
		workCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		c = &call[V]{done: make(chan struct{}), waiters: 1, cancel: cancel}
		g.calls[key] = c
		go g.run(workCtx, key, c, fn)
	}
	g.mu.Unlock()

	select {
	case <-c.done:
		return c.val, c.err
	case <-ctx.Done():
		g.mu.Lock()
		c.waiters--
		if c.waiters == 0 {
			// Cancelled work must not be joined: the next caller starts
			// it again.
			c.cancel()
			if g.calls[key] == c {
				delete(g.calls, key)
			}
		}
		g.mu.Unlock()
		var zero V
		return zero, ctx.Err()
	}
}

func (g *Group[V]) run(ctx context.Context, key string, c *call[V], fn func(context.Context) (V, error)) {
	defer func() {
		if r := recover(); r != nil {
			c.err = &PanicError{Value: r, Stack: debug.Stack()}
		}
		c.cancel()
		g.mu.Lock()
		c.ended = true
		if g.calls[key] == c {
			if g.Linger > 0 && c.err == nil {
				time.AfterFunc(g.Linger, func() { g.forget(key, c) })
			} else {
				delete(g.calls, key)
			}
		}
		g.mu.Unlock()
		close(c.done)
	}()
	c.val, c.err = fn(ctx)
}

// forget drops c, a call kept by Linger, if it is still the one for key.
func (g *Group[V]) forget(key string, c *call[V]) {
	g.mu.Lock()
	if g.calls[key] == c {
		delete(g.calls, key)
	}
	g.mu.Unlock()
}

// ForgetPrefix makes the next Do of every key that starts with prefix do
// the work again: kept results are dropped, and calls under way finish for
// the callers already waiting but are neither joined nor kept afterwards.
func (g *Group[V]) ForgetPrefix(prefix string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for key := range g.calls {
		if strings.HasPrefix(key, prefix) {
			delete(g.calls, key)
		}
	}
}
