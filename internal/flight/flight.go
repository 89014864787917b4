// Package flight coalesces concurrent calls for the same key into one
// execution, like golang.org/x/sync/singleflight, with three differences the
// image handler needs:
//
//   - the shared work runs detached from the first caller's context, so a
//     caller that goes away does not fail the others;
//   - the work is cancelled when every caller waiting for it has gone;
//   - a panic in the work is recovered and returned to every caller as a
//     [*PanicError] instead of crashing the process.
package flight

import (
	"context"
	"fmt"
	"runtime/debug"
	"sync"
)

// Group runs at most one call per key at a time. The zero value is ready to
// use. A Group is safe for concurrent use.
type Group[V any] struct {
	mu    sync.Mutex
	calls map[string]*call[V]
}

type call[V any] struct {
	done    chan struct{} // closed when val and err are set
	val     V
	err     error
	waiters int // callers still waiting; guarded by Group.mu
	joins   int // callers that joined; written only while the call is in the map
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
// shared reports whether the result went to more than one caller (or, for a
// caller that joined, that it did not start the work).
//
// fn receives a context that keeps ctx's values but not its cancellation or
// deadline; it is cancelled when every caller has stopped waiting. When ctx
// is done before the work ends, Do returns ctx.Err().
func (g *Group[V]) Do(ctx context.Context, key string, fn func(context.Context) (V, error)) (v V, err error, shared bool) {
	g.mu.Lock()
	if g.calls == nil {
		g.calls = make(map[string]*call[V])
	}
	c, joined := g.calls[key]
	if joined {
		c.waiters++
		c.joins++
	} else {
		workCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		c = &call[V]{done: make(chan struct{}), waiters: 1, cancel: cancel}
		g.calls[key] = c
		go g.run(workCtx, key, c, fn)
	}
	g.mu.Unlock()

	select {
	case <-c.done:
		// Safe without the lock: joins only changes while the call is in the
		// map, and it leaves the map before done is closed.
		return c.val, c.err, joined || c.joins > 0
	case <-ctx.Done():
		g.mu.Lock()
		c.waiters--
		if c.waiters == 0 {
			c.cancel()
		}
		g.mu.Unlock()
		var zero V
		return zero, ctx.Err(), joined
	}
}

func (g *Group[V]) run(ctx context.Context, key string, c *call[V], fn func(context.Context) (V, error)) {
	defer func() {
		if r := recover(); r != nil {
			c.err = &PanicError{Value: r, Stack: debug.Stack()}
		}
		c.cancel()
		g.mu.Lock()
		if g.calls[key] == c {
			delete(g.calls, key)
		}
		g.mu.Unlock()
		close(c.done)
	}()
	c.val, c.err = fn(ctx)
}
