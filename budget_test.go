package rendition

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"
	"testing/iotest"
	"time"
)

func testBudget(max int64, deadline, linger time.Duration) *byteBudget {
	return newByteBudget(max, deadline, linger, newLimiter(2, 10, deadline))
}

// granted reports whether a reservation arrives on c within a second.
func granted(c <-chan *reservation) *reservation {
	select {
	case r := <-c:
		return r
	case <-time.After(time.Second):
		return nil
	}
}

// TestBudgetWaitsForRoom: a read that does not fit waits until the render
// holding the bytes ends and the linger after the read has passed, then
// the bytes let go are collected, and it is granted.
func TestBudgetWaitsForRoom(t *testing.T) {
	b := testBudget(100, 10*time.Second, 50*time.Millisecond)
	ctx := context.Background()
	r1, err := b.reserve(ctx, 60)
	if err != nil {
		t.Fatal(err)
	}
	data := make([]byte, 60)
	r1.keep(data)
	release := b.hold(data) // a render
	if n := b.inUse(); n != 60 {
		t.Fatalf("%d bytes in use, want 60", n)
	}
	next := make(chan *reservation, 1)
	go func() {
		r, err := b.reserve(ctx, 60)
		if err != nil {
			t.Error(err)
		}
		next <- r
	}()
	if r := granted(next); r != nil {
		t.Fatal("granted while the render holds the bytes")
	}
	release()
	r2 := granted(next)
	if r2 == nil {
		t.Fatal("not granted once the render ended")
	}
	if n := b.inUse(); n != 60 {
		t.Errorf("%d bytes in use, want 60", n)
	}
	r2.cancel()
	if n := b.inUse(); n != 0 {
		t.Errorf("%d bytes in use after the cancel", n)
	}
}

// TestBudgetDeadline: a read that finds no room within the deadline is
// busy, with a Retry-After of at least a second, and leaves the queue.
func TestBudgetDeadline(t *testing.T) {
	b := testBudget(100, 100*time.Millisecond, time.Hour)
	r, err := b.reserve(context.Background(), 80)
	if err != nil {
		t.Fatal(err)
	}
	defer r.cancel()
	begin := time.Now()
	_, err = b.reserve(context.Background(), 30)
	if !errors.Is(err, errBusy) || retryAfterSeconds(err) < 1 {
		t.Fatalf("got %v, want busy with a Retry-After", err)
	}
	if took := time.Since(begin); took < 100*time.Millisecond || took > 5*time.Second {
		t.Errorf("gave up after %v, want the deadline of 100ms", took)
	}
	if b.queue.Len() != 0 {
		t.Error("the reservation that gave up is still queued")
	}
	// A cancelled one leaves at once with the context's error.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := b.reserve(ctx, 30); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

// TestBudgetOneOriginalOverTheBudget is read when nothing else holds
// bytes, and the next read waits for it.
func TestBudgetOneOriginalOverTheBudget(t *testing.T) {
	b := testBudget(100, 100*time.Millisecond, 0)
	big, err := b.reserve(context.Background(), 500)
	if err != nil {
		t.Fatalf("alone: %v", err)
	}
	if _, err := b.reserve(context.Background(), 10); !errors.Is(err, errBusy) {
		t.Errorf("beside it: %v, want busy", err)
	}
	big.cancel()
	r, err := b.reserve(context.Background(), 10)
	if err != nil {
		t.Fatal(err)
	}
	r.cancel()
}

// TestBudgetSharedBytesCountOnce: renders of several derivatives of one
// original count its bytes once.
func TestBudgetSharedBytesCountOnce(t *testing.T) {
	b := testBudget(1000, time.Second, 0)
	data := make([]byte, 50, 64)
	releases := []func(){b.hold(data), b.hold(data), b.hold(data[:10])}
	if n := b.inUse(); n != 64 {
		t.Errorf("%d bytes in use, want 64 (the array's capacity, once)", n)
	}
	for _, release := range releases {
		release()
		release() // a second call does nothing
	}
	b.mu.Lock()
	if len(b.held) != 0 || b.used != int64(len(b.garbage))*64 {
		t.Errorf("after the renders: %d holdings, %d bytes, %d let go", len(b.held), b.used, len(b.garbage))
	}
	b.mu.Unlock()
}

// TestBudgetOldestReadGrows: reads of unknown size grow their reservation
// as they read; when the budget is full, the oldest may still grow, so
// that reads never wait on each other for ever, and a younger one waits.
func TestBudgetOldestReadGrows(t *testing.T) {
	b := testBudget(100, 10*time.Second, 0)
	ctx := context.Background()
	old, _ := b.reserve(ctx, 50)
	young, _ := b.reserve(ctx, 50)
	grew := make(chan error, 1)
	go func() { grew <- young.grow(ctx, 10) }()
	if err := old.grow(ctx, 50); err != nil {
		t.Fatalf("the oldest read: %v", err)
	}
	select {
	case err := <-grew:
		t.Fatalf("the younger read grew past the budget: %v", err)
	case <-time.After(100 * time.Millisecond):
	}
	old.cancel()
	if err := <-grew; err != nil {
		t.Fatal(err)
	}
	if n := b.inUse(); n != 60 {
		t.Errorf("%d bytes in use, want 60", n)
	}
	young.cancel()
}

// TestReadAllReserves: readAll reserves each allocation before making it:
// the announced size plus one byte at once, or doubling from 64 KiB when
// the size is unknown; the bytes reserved are the buffer's capacity.
func TestReadAllReserves(t *testing.T) {
	body := bytes.Repeat([]byte("rendition"), 50_000) // 450,000 bytes
	for _, tt := range []struct {
		name     string
		size     int64
		reserves int
	}{
		{"size known", int64(len(body)), 1},
		{"size unknown", -1, 4}, // 64, 128, 256, 512 KiB
	} {
		t.Run(tt.name, func(t *testing.T) {
			var reserved int64
			var calls int
			data, err := readAll(iotest.HalfReader(bytes.NewReader(body)), tt.size, 1<<20, func(n int64) error {
				reserved += n
				calls++
				return nil
			})
			if err != nil || !bytes.Equal(data, body) {
				t.Fatalf("read %d bytes, %v", len(data), err)
			}
			if reserved != int64(cap(data)) || calls != tt.reserves {
				t.Errorf("%d reservations of %d bytes in all for a buffer of %d", calls, reserved, cap(data))
			}
		})
	}
	refused := errors.New("no room")
	if _, err := readAll(bytes.NewReader(body), -1, 1<<20, func(int64) error { return refused }); err != refused {
		t.Errorf("a refused reservation: %v", err)
	}
	// Over the limit: reads stop at the limit.
	data, err := readAll(io.LimitReader(bytes.NewReader(body), 1000), -1, 100, func(int64) error { return nil })
	if err != nil || len(data) != 100 {
		t.Errorf("over the limit: %d bytes, %v", len(data), err)
	}
}
