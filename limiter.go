package rendition

import (
	"context"
	"sync/atomic"
)

// limiter bounds concurrent renders: n may run, up to queue more may wait,
// and the rest are refused at once with errBusy. It is safe for concurrent
// use.
type limiter struct {
	slots    chan struct{}
	waiting  atomic.Int64
	maxQueue int64
}

func newLimiter(n, queue int) *limiter {
	return &limiter{slots: make(chan struct{}, n), maxQueue: int64(queue)}
}

// acquire takes a slot, waiting in the queue if there is room in it. It
// returns errBusy when the queue is full and ctx's error if ctx ends first.
func (l *limiter) acquire(ctx context.Context) error {
	select {
	case l.slots <- struct{}{}:
		return nil
	default:
	}
	if l.waiting.Add(1) > l.maxQueue {
		l.waiting.Add(-1)
		return errBusy
	}
	defer l.waiting.Add(-1)
	select {
	case l.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// release frees a slot taken by acquire.
func (l *limiter) release() { <-l.slots }
