package rendition

import (
	"container/list"
	"context"
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"runtime/metrics"
	"sync"
	"time"
)

// byteBudget bounds the bytes of originals in flight: those being read from
// the source and those held by requests that render them (waiting for a
// render slot or rendering). It is safe for concurrent use.
//
// A read reserves its bytes before it allocates them: all at once when the
// source gives the size, otherwise as the buffer grows. A reservation that
// does not fit waits, first come first served, until renders end and free
// room; one larger than the whole budget is granted when nothing else holds
// bytes, so that a single large original is never refused. While more bytes
// are needed for a read of unknown size, the oldest read may always grow, so
// that reads cannot wait on each other for ever; the budget is then exceeded
// by at most that one original.
//
// Bytes read are counted, once per backing array however many requests
// share it, until the last render holding them ends and, at the earliest,
// linger after the read, the time the flight group keeps the result for late
// joiners. An original served from the origin cache is counted likewise
// while renders hold it, without waiting: its bytes are in memory already.
//
// Bytes no longer held stay counted until a garbage collection that began
// after they were let go has ended: until then they are garbage still on
// the heap, and a new original allocated in their room would double them.
// The collections the program runs anyway release them; a reservation that
// finds no room while such bytes are counted runs one itself
// (runtime.GC), which happens only when large originals fill the budget and
// costs less than reading one of them.
type byteBudget struct {
	max      int64
	deadline time.Duration // the longest wait for room
	linger   time.Duration // how long bytes just read stay counted without a holder
	renders  *limiter      // for Retry-After, and to refuse at once what it would refuse

	mu      sync.Mutex
	used    int64
	queue   list.List // of *int64 (the bytes asked for): reservations waiting, in order
	reading list.List // of *reservation: reads under way, oldest first
	held    map[heldKey]*holding
	changed chan struct{} // closed, and replaced, when room may have been made

	// garbage is the bytes let go, counted until a collection begun after
	// they were let go has ended.
	garbage    []letGo
	letGoes    uint64           // the bytes let go so far, numbered
	collected  uint64           // the bytes let go up to this number are reclaimed
	collecting bool             // a waiter runs runtime.GC
	cycles     []metrics.Sample // the collections ended, read by gcCyclesLocked
}

// letGo is bytes no longer held: their number, and the count of collections
// ended when they were let go.
type letGo struct {
	n      int64
	number uint64
	cycle  uint64
}

// reservation is the bytes counted for one read of an original.
type reservation struct {
	b *byteBudget
	n int64
	e *list.Element // in b.reading
}

// heldKey identifies the backing array of an original: its address and
// capacity. The address is kept as a number so that the budget never keeps
// an array alive.
type heldKey struct {
	addr uintptr
	cap  int
}

// holding is an original's bytes counted while renders hold it.
type holding struct {
	n      int64
	refs   int
	pinned time.Time // counted at least until then
}

func newByteBudget(max int64, deadline, linger time.Duration, renders *limiter) *byteBudget {
	return &byteBudget{max: max, deadline: deadline, linger: linger, renders: renders,
		held: make(map[heldKey]*holding), changed: make(chan struct{}),
		cycles: []metrics.Sample{{Name: "/gc/cycles/total:gc-cycles"}}}
}

func keyOf(data []byte) heldKey {
	return heldKey{addr: reflect.ValueOf(data).Pointer(), cap: cap(data)}
}

// reserve counts n bytes for a new read, waiting for room. It returns a
// *busyError when the render queue would refuse the request anyway, or when
// there is no room within the deadline (or before ctx's deadline), and
// ctx's error if ctx is cancelled.
func (b *byteBudget) reserve(ctx context.Context, n int64) (*reservation, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.sweepLocked(time.Now())
	if b.queue.Len() == 0 && b.fitsLocked(n) {
		return b.grantLocked(n), nil
	}
	if wait := b.renders.expectedWait(); wait > b.deadline {
		return nil, b.busy(fmt.Sprintf("no room for %d bytes of original, and a render slot is expected in %v", n, wait.Round(time.Millisecond)))
	}
	e := b.queue.PushBack(&n)
	defer func() {
		b.queue.Remove(e)
		b.broadcastLocked() // the next in line may fit
	}()
	err := b.waitLocked(ctx, n, func() bool { return b.queue.Front() == e && b.fitsLocked(n) })
	if err != nil {
		return nil, err
	}
	return b.grantLocked(n), nil
}

// grow counts n more bytes for the read r, waiting for room unless r is the
// oldest read under way. Its errors are those of reserve.
func (r *reservation) grow(ctx context.Context, n int64) error {
	b := r.b
	b.mu.Lock()
	defer b.mu.Unlock()
	b.sweepLocked(time.Now())
	err := b.waitLocked(ctx, n, func() bool { return b.used+n <= b.max || b.reading.Front() == r.e })
	if err != nil {
		return err
	}
	b.used += n
	r.n += n
	return nil
}

// cancel frees the bytes of a read that failed.
func (r *reservation) cancel() {
	b := r.b
	b.mu.Lock()
	defer b.mu.Unlock()
	b.reading.Remove(r.e)
	b.used -= r.n
	b.broadcastLocked()
}

// keep turns the bytes of a finished read into data's holding: counted
// until the last render holding data ends, and at least linger from now.
// data must be the array the reservation was for, with its capacity.
func (r *reservation) keep(data []byte) {
	b := r.b
	b.mu.Lock()
	defer b.mu.Unlock()
	b.reading.Remove(r.e)
	defer b.broadcastLocked() // the oldest read changed
	if cap(data) == 0 {
		b.used -= r.n
		return
	}
	k := keyOf(data)
	if h := b.held[k]; h != nil { // not expected: the array is new
		b.used -= r.n
		h.pinned = time.Now().Add(b.linger)
		return
	}
	b.used += int64(cap(data)) - r.n
	b.held[k] = &holding{n: int64(cap(data)), pinned: time.Now().Add(b.linger)}
}

// hold counts data while a render holds it and returns the function that
// ends the hold. Bytes already counted (read for this request, or held by
// another) are not counted twice; bytes not counted yet (from the origin
// cache) are counted without waiting.
func (b *byteBudget) hold(data []byte) (release func()) {
	if cap(data) == 0 {
		return func() {}
	}
	k := keyOf(data)
	b.mu.Lock()
	defer b.mu.Unlock()
	b.sweepLocked(time.Now())
	h := b.held[k]
	if h == nil {
		h = &holding{n: int64(cap(data))}
		b.held[k] = h
		b.used += h.n
	}
	h.refs++
	var once sync.Once
	return func() {
		once.Do(func() {
			b.mu.Lock()
			defer b.mu.Unlock()
			h.refs--
			b.sweepLocked(time.Now())
			if h.refs == 0 {
				b.broadcastLocked() // waiters now wait for its linger
			}
		})
	}
}

// inUse returns the bytes counted now.
func (b *byteBudget) inUse() int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.sweepLocked(time.Now())
	return b.used
}

func (b *byteBudget) fitsLocked(n int64) bool { return b.used+n <= b.max || b.used == 0 }

func (b *byteBudget) grantLocked(n int64) *reservation {
	b.used += n
	r := &reservation{b: b, n: n}
	r.e = b.reading.PushBack(r)
	return r
}

// waitLocked waits, with b.mu held except while blocked, until ok holds, the
// deadline passes or ctx ends. need is the bytes waited for.
func (b *byteBudget) waitLocked(ctx context.Context, need int64, ok func() bool) error {
	var deadline <-chan time.Time
	for !ok() {
		if g := b.garbageLocked(); g > 0 && !b.collecting && (b.used-g+need <= b.max || b.used == g) {
			// The room is taken by garbage: collect it rather than wait
			// for the program's next collection.
			b.collecting = true
			before := b.letGoes
			b.mu.Unlock()
			runtime.GC()
			b.mu.Lock()
			b.collecting = false
			b.collected = max(b.collected, before)
			b.sweepLocked(time.Now())
			continue
		}
		if deadline == nil {
			t := time.NewTimer(b.deadline)
			defer t.Stop()
			deadline = t.C
		}
		changed := b.changed
		expiry := time.NewTimer(time.Hour)
		if next := b.nextExpiryLocked(); !next.IsZero() {
			expiry.Reset(time.Until(next))
		} else {
			expiry.Stop()
		}
		b.mu.Unlock()
		var err error
		select {
		case <-changed:
		case <-expiry.C:
		case <-deadline:
			err = b.busy(fmt.Sprintf("waited %v for room for an original", b.deadline))
		case <-ctx.Done():
			err = ctx.Err()
			if errors.Is(err, context.DeadlineExceeded) {
				err = b.busy("no room for an original before the fetch's deadline")
			}
		}
		expiry.Stop()
		b.mu.Lock()
		if err != nil {
			return err
		}
		b.sweepLocked(time.Now())
	}
	return nil
}

// sweepLocked lets go of the holdings no render holds whose linger has
// passed, and stops counting the bytes let go that a collection has
// reclaimed.
func (b *byteBudget) sweepLocked(now time.Time) {
	cycle := b.gcCyclesLocked()
	for k, h := range b.held {
		if h.refs == 0 && !now.Before(h.pinned) {
			delete(b.held, k)
			b.letGoes++
			b.garbage = append(b.garbage, letGo{n: h.n, number: b.letGoes, cycle: cycle})
		}
	}
	// A collection that had begun when the bytes were let go may keep
	// them: the one after it has ended when the count has gone up by 2. A
	// runtime.GC begun after them reclaims them too.
	kept := b.garbage[:0]
	for _, g := range b.garbage {
		if cycle >= g.cycle+2 || g.number <= b.collected {
			b.used -= g.n
			continue
		}
		kept = append(kept, g)
	}
	if len(kept) < len(b.garbage) {
		clear(b.garbage[len(kept):])
		b.broadcastLocked()
	}
	b.garbage = kept
}

// garbageLocked returns the bytes let go that a collection has not yet
// reclaimed.
func (b *byteBudget) garbageLocked() int64 {
	var n int64
	for _, g := range b.garbage {
		n += g.n
	}
	return n
}

// gcCyclesLocked returns the number of garbage collections ended.
func (b *byteBudget) gcCyclesLocked() uint64 {
	metrics.Read(b.cycles)
	return b.cycles[0].Value.Uint64()
}

// nextExpiryLocked is when the next holding no render holds stops being
// counted, or zero.
func (b *byteBudget) nextExpiryLocked() time.Time {
	var next time.Time
	for _, h := range b.held {
		if h.refs == 0 && (next.IsZero() || h.pinned.Before(next)) {
			next = h.pinned
		}
	}
	return next
}

func (b *byteBudget) broadcastLocked() {
	close(b.changed)
	b.changed = make(chan struct{})
}

// busy is a *busyError whose Retry-After is the render queue's drain time:
// the bytes in flight are freed as renders end.
func (b *byteBudget) busy(why string) error {
	return &busyError{why: why, retryAfter: b.renders.drain()}
}
