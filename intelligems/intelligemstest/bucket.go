package intelligemstest

import (
	"sync"
	"time"
)

// bucket is a token bucket. In the documented style it gains refill tokens,
// up to burst, at each whole period since it was first used. In the strict
// style (windowed) a period opens with the first request after the previous
// one closed, and the whole burst comes back when it closes.
type bucket struct {
	burst, refill int
	every         time.Duration
	windowed      bool

	mu     sync.Mutex
	tokens int
	last   time.Time // start of the current period; zero until it starts
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

// newStrictBucket returns a bucket of burst tokens that refills all at once
// cooldown after the first request of each window.
func newStrictBucket(burst int, cooldown time.Duration) *bucket {
	b := newBucket(burst, burst, cooldown)
	b.windowed = true
	return b
}

// take spends a token if there is one. It returns whether it did, the tokens
// left, and when the bucket next refills.
func (b *bucket) take(now time.Time) (ok bool, remaining int, reset time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()

	if b.windowed {
		return b.takeWindowed(now)
	}
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

func (b *bucket) takeWindowed(now time.Time) (ok bool, remaining int, reset time.Time) {
	if !b.last.IsZero() && !now.Before(b.last.Add(b.every)) {
		b.tokens, b.last = b.burst, time.Time{}
	}
	if b.last.IsZero() {
		b.last = now
	}

	reset = b.last.Add(b.every)
	if b.tokens == 0 {
		return false, 0, reset
	}
	b.tokens--
	return true, b.tokens, reset
}
