package flight

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestDoCoalesces(t *testing.T) {
	var g Group[int]
	var runs atomic.Int32
	release := make(chan struct{})
	const n = 50
	var wg sync.WaitGroup
	results := make(chan int, n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, err := g.Do(context.Background(), "k", func(context.Context) (int, error) {
				runs.Add(1)
				<-release
				return 42, nil
			})
			if err != nil {
				t.Error(err)
			}
			results <- v
		}()
	}
	// Wait until every caller has joined before releasing the work.
	waitFor(t, func() bool {
		g.mu.Lock()
		defer g.mu.Unlock()
		c := g.calls["k"]
		return c != nil && c.waiters == n
	})
	close(release)
	wg.Wait()
	close(results)
	for v := range results {
		if v != 42 {
			t.Fatalf("got %d, want 42", v)
		}
	}
	if got := runs.Load(); got != 1 {
		t.Fatalf("work ran %d times, want 1", got)
	}
}

func TestDoLeaderCancelDoesNotFailFollowers(t *testing.T) {
	var g Group[string]
	release := make(chan struct{})
	leaderCtx, cancelLeader := context.WithCancel(context.Background())
	var workErr atomic.Value
	leaderDone := make(chan error, 1)
	go func() {
		_, err := g.Do(leaderCtx, "k", func(ctx context.Context) (string, error) {
			<-release
			if err := ctx.Err(); err != nil {
				workErr.Store(err)
				return "", err
			}
			return "ok", nil
		})
		leaderDone <- err
	}()
	waitFor(t, func() bool { g.mu.Lock(); defer g.mu.Unlock(); return g.calls["k"] != nil })
	followerDone := make(chan string, 1)
	go func() {
		v, err := g.Do(context.Background(), "k", func(context.Context) (string, error) {
			t.Error("a second execution started")
			return "", nil
		})
		if err != nil {
			t.Errorf("follower: err=%v", err)
		}
		followerDone <- v
	}()
	waitFor(t, func() bool { g.mu.Lock(); defer g.mu.Unlock(); return g.calls["k"].waiters == 2 })
	cancelLeader()
	if err := <-leaderDone; !errors.Is(err, context.Canceled) {
		t.Fatalf("leader: got %v, want context.Canceled", err)
	}
	close(release)
	if v := <-followerDone; v != "ok" {
		t.Fatalf("follower got %q, want ok", v)
	}
	if err := workErr.Load(); err != nil {
		t.Fatalf("the work saw its context cancelled: %v", err)
	}
}

func TestDoCancelsWorkWhenEveryoneLeaves(t *testing.T) {
	var g Group[int]
	ctx, cancel := context.WithCancel(context.Background())
	cancelled := make(chan struct{})
	go func() {
		g.Do(ctx, "k", func(ctx context.Context) (int, error) {
			<-ctx.Done()
			close(cancelled)
			return 0, ctx.Err()
		})
	}()
	waitFor(t, func() bool { g.mu.Lock(); defer g.mu.Unlock(); return g.calls["k"] != nil })
	cancel()
	select {
	case <-cancelled:
	case <-time.After(10 * time.Second):
		t.Fatal("the work was not cancelled after its only caller left")
	}
}

func TestDoRecoversPanics(t *testing.T) {
	var g Group[int]
	_, err := g.Do(context.Background(), "k", func(context.Context) (int, error) {
		panic("boom")
	})
	var pe *PanicError
	if !errors.As(err, &pe) || pe.Value != "boom" || len(pe.Stack) == 0 {
		t.Fatalf("got %v, want a PanicError with a stack", err)
	}
	// The key is free again.
	v, err := g.Do(context.Background(), "k", func(context.Context) (int, error) { return 7, nil })
	if v != 7 || err != nil {
		t.Fatalf("after a panic: got %d, %v", v, err)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached in 10s")
		}
		time.Sleep(time.Millisecond)
	}
}

func TestLinger(t *testing.T) {
	g := Group[int]{Linger: time.Hour}
	var runs atomic.Int32
	work := func(context.Context) (int, error) { return int(runs.Add(1)), nil }
	if v, _ := g.Do(context.Background(), "k", work); v != 1 {
		t.Fatalf("first: %d", v)
	}
	// A caller just after the work ended shares its result.
	if v, err := g.Do(context.Background(), "k", work); v != 1 || err != nil {
		t.Fatalf("within Linger: %d, %v; want the kept result", v, err)
	}
	g.ForgetPrefix("k")
	if v, _ := g.Do(context.Background(), "k", work); v != 2 {
		t.Fatalf("after ForgetPrefix: %d, want the work done again", v)
	}

	// A failed call is not kept: the next caller tries again.
	fail := func(context.Context) (int, error) { runs.Add(1); return 0, errors.New("down") }
	g.Do(context.Background(), "f", fail)
	before := runs.Load()
	g.Do(context.Background(), "f", fail)
	if runs.Load() != before+1 {
		t.Error("a failed call's error was kept")
	}

	// A kept result that Valid rejects is not shared.
	picky := Group[int]{Linger: time.Hour, Valid: func(v int) bool { return v > 100 }}
	picky.Do(context.Background(), "k", work)
	before = runs.Load()
	picky.Do(context.Background(), "k", work)
	if runs.Load() != before+1 {
		t.Error("a result Valid rejects was shared")
	}

	// Results are dropped once Linger has passed.
	short := Group[int]{Linger: time.Millisecond}
	short.Do(context.Background(), "k", work)
	waitFor(t, func() bool { short.mu.Lock(); defer short.mu.Unlock(); return short.calls["k"] == nil })
}

// TestCancelledWorkIsNotJoined: once every caller has left, a new caller
// starts the work again instead of joining the cancelled call and getting
// its cancellation.
func TestCancelledWorkIsNotJoined(t *testing.T) {
	var g Group[int]
	ctx, cancel := context.WithCancel(context.Background())
	release := make(chan struct{})
	started := make(chan struct{})
	go g.Do(ctx, "k", func(ctx context.Context) (int, error) {
		close(started)
		<-release // ends only when the test says so, cancelled or not
		return 0, ctx.Err()
	})
	<-started
	cancel()
	waitFor(t, func() bool { g.mu.Lock(); defer g.mu.Unlock(); return g.calls["k"] == nil })
	v, err := g.Do(context.Background(), "k", func(context.Context) (int, error) { return 2, nil })
	close(release)
	if v != 2 || err != nil {
		t.Fatalf("after the only caller left: got %d, %v; want the work done again", v, err)
	}
}

// TestForgetPrefixDetachesRunningCalls: a call under way when its prefix is
// forgotten still answers its callers, but later callers start new work and
// its result is not kept.
func TestForgetPrefixDetachesRunningCalls(t *testing.T) {
	g := Group[int]{Linger: time.Hour}
	release := make(chan struct{})
	started := make(chan struct{})
	old := make(chan int)
	go func() {
		v, _ := g.Do(context.Background(), "p/k", func(context.Context) (int, error) {
			close(started)
			<-release
			return 1, nil
		})
		old <- v
	}()
	<-started
	g.ForgetPrefix("p/")
	v, _ := g.Do(context.Background(), "p/k", func(context.Context) (int, error) { return 2, nil })
	if v != 2 {
		t.Fatalf("after ForgetPrefix: got %d, want new work", v)
	}
	close(release)
	if v := <-old; v != 1 {
		t.Fatalf("the caller of the forgotten call got %d, want its result 1", v)
	}
	// The new call's result is the one kept, not the forgotten one's.
	if v, _ := g.Do(context.Background(), "p/k", func(context.Context) (int, error) { return 3, nil }); v != 2 {
		t.Fatalf("kept result %d, want 2", v)
	}
}
