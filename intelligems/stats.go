package intelligems

import (
	"sync"
	"time"
)

// Stats counts what a Client has done since it was made, for a run's log.
type Stats struct {
	// Requests is the number of HTTP requests sent, retries included.
	Requests int
	// Retries is how many of those requests repeated an earlier one that
	// failed or was refused.
	Retries int
	// RateLimited is the number of 429 answers.
	RateLimited int
	// Pauses is the number of pauses, whether taken before the budget ran
	// out or after a refusal or failure.
	Pauses int
	// Paused is the sum of the pauses. Goroutines that pause at the same time
	// each add their own, so it can exceed the time the run took.
	Paused time.Duration
}

// counters accumulates Stats for concurrent requests.
type counters struct {
	mu sync.Mutex
	s  Stats
}

func (c *counters) add(f func(*Stats)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	f(&c.s)
}

// Stats returns what the client has done so far. It is safe to call while
// requests are running.
func (c *Client) Stats() Stats {
	c.stats.mu.Lock()
	defer c.stats.mu.Unlock()
	return c.stats.s
}
