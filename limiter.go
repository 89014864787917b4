package rendition

import (
	"container/list"
	"context"
	"errors"
	"fmt"
	"math"
	"sync"
	"time"
)

// limiter bounds concurrent renders and admits waiting ones by time: n
// renders run at once; a request that finds every slot taken waits if it can
// be expected to start within the queue deadline, estimated from the queue
// ahead of it and a moving average of render times, and is refused at once
// with a *busyError otherwise. A waiter still waiting at its deadline gives
// up with a *busyError too; one whose context ends leaves the queue at once.
// maxQueue caps how many may wait, whatever the estimate. It is safe for
// concurrent use.
type limiter struct {
	slots    int
	maxQueue int
	deadline time.Duration

	mu      sync.Mutex
	running int
	queue   list.List     // of *slotWaiter, first come first served
	avg     time.Duration // moving average of render times; 0 before the first
}

// slotWaiter is a request in the queue; ready is closed when it is given a
// slot.
type slotWaiter struct {
	ready   chan struct{}
	granted bool // guarded by limiter.mu
}

// avgWeight is the weight of the newest render time in the moving average:
// about the last eight renders count, so the estimate follows a change of
// workload within a few renders without jumping at every outlier.
const avgWeight = 1.0 / 8

func newLimiter(n, queue int, deadline time.Duration) *limiter {
	return &limiter{slots: n, maxQueue: queue, deadline: deadline}
}

// acquire takes a render slot, waiting in the queue if the wait is expected
// to end within the deadline. It returns a *busyError (errors.Is errBusy)
// when the request is not admitted or waited until its deadline, and ctx's
// error if ctx ends first. Every successful acquire must be followed by one
// release.
func (l *limiter) acquire(ctx context.Context) error {
	l.mu.Lock()
	if l.running < l.slots && l.queue.Len() == 0 {
		l.running++
		l.mu.Unlock()
		return nil
	}
	if l.queue.Len() >= l.maxQueue {
		err := l.busyLocked(fmt.Sprintf("%d requests wait for a render slot", l.queue.Len()))
		l.mu.Unlock()
		return err
	}
	// Before the first render ends there is no estimate: the request is
	// admitted, and its deadline still bounds its wait.
	if wait := l.waitLocked(l.queue.Len() + 1); wait > l.deadline {
		err := l.busyLocked(fmt.Sprintf("a render slot is expected in %v, past the queue deadline of %v", wait.Round(time.Millisecond), l.deadline))
		l.mu.Unlock()
		return err
	}
	w := &slotWaiter{ready: make(chan struct{})}
	e := l.queue.PushBack(w)
	l.mu.Unlock()

	timer := time.NewTimer(l.deadline)
	defer timer.Stop()
	var err error
	select {
	case <-w.ready:
		return nil
	case <-ctx.Done():
		err = ctx.Err()
	case <-timer.C:
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if w.granted {
		// The slot came as the wait ended: pass it on.
		l.handOffLocked()
	} else {
		l.queue.Remove(e)
	}
	if err == nil {
		err = l.busyLocked(fmt.Sprintf("waited %v for a render slot", l.deadline))
	}
	return err
}

// release frees a slot taken by acquire; took is how long the render held
// it, which feeds the estimate.
func (l *limiter) release(took time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.avg == 0 {
		l.avg = took
	} else {
		l.avg += time.Duration(avgWeight * float64(took-l.avg))
	}
	l.avg = max(l.avg, time.Microsecond) // 0 means no estimate
	l.handOffLocked()
}

// handOffLocked gives a freed slot to the first waiter, or frees it.
func (l *limiter) handOffLocked() {
	if e := l.queue.Front(); e != nil {
		w := l.queue.Remove(e).(*slotWaiter)
		w.granted = true
		close(w.ready)
		return
	}
	l.running--
}

// waitLocked is the expected wait of the request at position pos (from 1)
// in the queue: the renders ahead of it, spread over the slots, at the
// average render time. It is 0 before the first render ends.
func (l *limiter) waitLocked(pos int) time.Duration {
	return time.Duration(float64(pos) * float64(l.avg) / float64(l.slots))
}

// expectedWait is how long a request arriving now is expected to wait for
// a slot: 0 when one is free.
func (l *limiter) expectedWait() time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.running < l.slots && l.queue.Len() == 0 {
		return 0
	}
	return l.waitLocked(l.queue.Len() + 1)
}

// drain is how long the renders running and queued now are expected to
// take: when a request refused now may expect to be admitted.
func (l *limiter) drain() time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.drainLocked()
}

func (l *limiter) drainLocked() time.Duration {
	return l.waitLocked(l.running + l.queue.Len())
}

func (l *limiter) busyLocked(why string) error {
	return &busyError{why: why, retryAfter: l.drainLocked()}
}

// estimate returns the moving average of render times.
func (l *limiter) estimate() time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.avg
}

// inUse returns how many slots are taken.
func (l *limiter) inUse() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.running
}

// queued returns how many requests wait for a slot.
func (l *limiter) queued() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.queue.Len()
}

// busyError is a request refused, or given up, because the server is busy:
// errors.Is(err, errBusy) holds. retryAfter is when it may expect to be
// served.
type busyError struct {
	why        string
	retryAfter time.Duration
}

func (e *busyError) Error() string { return "rendition: busy: " + e.why }

func (e *busyError) Is(target error) bool { return target == errBusy }

// retryAfterSeconds is the Retry-After of a 503 EBUSY answer caused by err:
// the seconds until the queue is expected to have drained, at least 1.
func retryAfterSeconds(err error) int {
	var b *busyError
	if !errors.As(err, &b) {
		return 1
	}
	return max(1, int(math.Ceil(b.retryAfter.Seconds())))
}
