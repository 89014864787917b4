// Package testclock is a settable clock for tests of code that takes a
// clock function (func() time.Time).
package testclock

import (
	"sync"
	"time"
)

// Clock is a clock that stands still until it is advanced. It is safe for
// concurrent use.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// New returns a Clock that reads now.
func New(now time.Time) *Clock { return &Clock{now: now} }

// Now returns the clock's time; pass c.Now where a clock function is taken.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}
