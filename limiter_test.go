package rendition

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/rendition-go/rendition/source"
)

// primed returns a limiter whose render time estimate is avg.
func primed(t *testing.T, slots, queue int, deadline, avg time.Duration) *limiter {
	t.Helper()
	l := newLimiter(slots, queue, deadline)
	if err := l.acquire(context.Background()); err != nil {
		t.Fatal(err)
	}
	l.release(avg)
	return l
}

// waitQueued waits until n requests wait in l's queue.
func waitQueued(t *testing.T, l *limiter, n int) {
	t.Helper()
	for end := time.Now().Add(10 * time.Second); l.queued() != n; time.Sleep(time.Millisecond) {
		if time.Now().After(end) {
			t.Fatalf("%d requests queued, want %d", l.queued(), n)
		}
	}
}

// TestLimiterAdmitsByDeadline: with renders of 400 ms and one slot, a
// request is admitted while it can be expected to start within the
// deadline of 1 s (the second in the queue starts after 800 ms) and refused
// at once past it, with a Retry-After of the queue's drain time: 3 renders
// of 400 ms, rounded up to 2 s.
func TestLimiterAdmitsByDeadline(t *testing.T) {
	l := primed(t, 1, 100, time.Second, 400*time.Millisecond)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := l.acquire(ctx); err != nil {
		t.Fatal(err)
	}
	waited := make(chan error, 2)
	for i := range 2 {
		go func() { waited <- l.acquire(ctx) }()
		waitQueued(t, l, i+1)
	}
	begin := time.Now()
	err := l.acquire(ctx)
	if !errors.Is(err, errBusy) {
		t.Fatalf("the third in the queue: %v, want busy", err)
	}
	if took := time.Since(begin); took > 500*time.Millisecond {
		t.Errorf("refused after %v: not at once", took)
	}
	if s := retryAfterSeconds(err); s != 2 {
		t.Errorf("Retry-After %d, want 2 (3 renders of 400 ms ahead)", s)
	}
	// The queue is unchanged: the refused request took no place.
	if n := l.queued(); n != 2 {
		t.Errorf("%d queued", n)
	}
	cancel()
	for range 2 {
		if err := <-waited; !errors.Is(err, context.Canceled) {
			t.Errorf("a cancelled waiter: %v", err)
		}
	}
}

// TestLimiterDeadlineReached: a waiter still waiting at its deadline gives
// up with a busy error, leaves the queue, and is told to retry after at
// least a second.
func TestLimiterDeadlineReached(t *testing.T) {
	l := newLimiter(1, 10, 100*time.Millisecond) // no estimate yet: admitted
	if err := l.acquire(context.Background()); err != nil {
		t.Fatal(err)
	}
	begin := time.Now()
	err := l.acquire(context.Background())
	if !errors.Is(err, errBusy) {
		t.Fatalf("got %v, want busy", err)
	}
	if took := time.Since(begin); took < 100*time.Millisecond || took > 5*time.Second {
		t.Errorf("gave up after %v, want the deadline of 100ms", took)
	}
	if s := retryAfterSeconds(err); s < 1 {
		t.Errorf("Retry-After %d", s)
	}
	if n := l.queued(); n != 0 {
		t.Errorf("%d still queued", n)
	}
	l.release(time.Millisecond)
	if err := l.acquire(context.Background()); err != nil {
		t.Fatalf("the slot after the release: %v", err)
	}
}

// TestLimiterCancelledWaiterLeaves: a waiter whose context ends leaves the
// queue at once, and the slot freed next goes to the one behind it.
func TestLimiterCancelledWaiterLeaves(t *testing.T) {
	l := newLimiter(1, 10, time.Minute)
	if err := l.acquire(context.Background()); err != nil {
		t.Fatal(err)
	}
	first, cancelFirst := context.WithCancel(context.Background())
	firstDone := make(chan error, 1)
	go func() { firstDone <- l.acquire(first) }()
	waitQueued(t, l, 1)
	secondDone := make(chan error, 1)
	go func() { secondDone <- l.acquire(context.Background()) }()
	waitQueued(t, l, 2)

	cancelFirst()
	select {
	case err := <-firstDone:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("the cancelled waiter: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the cancelled waiter did not leave")
	}
	if n := l.queued(); n != 1 {
		t.Fatalf("%d queued after the cancel, want 1", n)
	}
	l.release(time.Millisecond)
	select {
	case err := <-secondDone:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the slot did not go to the next waiter")
	}
	l.release(time.Millisecond)
}

// TestLimiterEstimateAdapts: the estimate follows the render times, and
// admission with it: a queue refused while renders take a second is
// admitted once they take 10 ms.
func TestLimiterEstimateAdapts(t *testing.T) {
	l := primed(t, 1, 100, 500*time.Millisecond, time.Second)
	if err := l.acquire(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := l.acquire(context.Background()); !errors.Is(err, errBusy) {
		t.Fatalf("renders of 1s, deadline 500ms: %v, want busy", err)
	}
	l.release(10 * time.Millisecond)
	before := l.estimate()
	for range 30 {
		if err := l.acquire(context.Background()); err != nil {
			t.Fatal(err)
		}
		l.release(10 * time.Millisecond)
	}
	after := l.estimate()
	t.Logf("estimate after a render of 1s then one of 10ms: %v; after 30 more of 10ms: %v", before, after)
	if before >= time.Second || after > 50*time.Millisecond {
		t.Errorf("the estimate does not follow the render times: %v, then %v", before, after)
	}
	if err := l.acquire(context.Background()); err != nil {
		t.Fatal(err)
	}
	queued := make(chan error, 1)
	go func() { queued <- l.acquire(context.Background()) }()
	waitQueued(t, l, 1)
	l.release(10 * time.Millisecond)
	if err := <-queued; err != nil {
		t.Fatalf("renders of 10ms, deadline 500ms: %v", err)
	}
	l.release(10 * time.Millisecond)
}

// TestBusyRetryAfterFromTheQueue: through the handler, a request the queue
// would make wait past the deadline is answered 503 EBUSY at once, with a
// Retry-After of the queue's drain time rather than a constant.
func TestBusyRetryAfterFromTheQueue(t *testing.T) {
	h := newHandler(t, source.NewFS(testFS(t)), &Options{MaxRenders: 1, QueueDeadline: time.Second})
	h.renders = primed(t, 1, 10, time.Second, 2500*time.Millisecond)
	h.inFlight.renders = h.renders
	if err := h.renders.acquire(context.Background()); err != nil { // the only slot
		t.Fatal(err)
	}
	defer h.renders.release(0)
	r := get(t, h, "/photo.jpg?w=33")
	if r.Code != http.StatusServiceUnavailable || r.Header().Get("X-Rendition-Error") != CodeBusy {
		t.Fatalf("got %d %s", r.Code, r.Body)
	}
	if got := r.Header().Get("Retry-After"); got != strconv.Itoa(3) {
		t.Errorf("Retry-After %q, want 3 (a render of 2.5 s under way)", got)
	}
}
