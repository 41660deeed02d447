package intelligemstest

import (
	"sync"
	"time"
)

// bucket is a token bucket that gains refill tokens, up to burst, at each
// whole period since it was last refilled.
type bucket struct {
	burst, refill int
	every         time.Duration

	mu     sync.Mutex
	tokens int
	last   time.Time // start of the current period; zero until first use
}

func newBucket(burst, refill int, every time.Duration) *bucket {
	burst = max(burst, 1)
	return &bucket{
		burst:  burst,
		refill: max(refill, 1),
		every:  max(every, time.Millisecond),
		tokens: burst,
	}
}

// take spends a token if there is one. It returns whether it did, the tokens
// left, and when the bucket next refills.
func (b *bucket) take(now time.Time) (ok bool, remaining int, reset time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()

	if b.last.IsZero() {
		b.last = now
	}
	if periods := int(now.Sub(b.last) / b.every); periods > 0 {
		b.tokens = min(b.burst, b.tokens+periods*b.refill)
		b.last = b.last.Add(time.Duration(periods) * b.every)
	}

	reset = b.last.Add(b.every)
	if b.tokens == 0 {
		return false, 0, reset
	}
	b.tokens--
	return true, b.tokens, reset
}
