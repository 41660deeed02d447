package slacktest

import (
	"math"
	"sync"
	"time"
)

// bucket is a token bucket of burst tokens that gains one token per period.
type bucket struct {
	burst int
	every time.Duration

	mu     sync.Mutex
	tokens int
	last   time.Time // when the last token was added; zero until first use
}

func newBucket(burst int, every time.Duration) *bucket {
	return &bucket{burst: burst, every: max(every, time.Millisecond), tokens: burst}
}

// take spends a token if there is one. When there is none it returns the
// whole seconds, at least 1, until the next one.
func (b *bucket) take(now time.Time) (ok bool, retryAfter int) {
	b.mu.Lock()
	defer b.mu.Unlock()

	if b.last.IsZero() {
		b.last = now
	}
	if n := int(now.Sub(b.last) / b.every); n > 0 {
		b.tokens = min(b.burst, b.tokens+n)
		b.last = b.last.Add(time.Duration(n) * b.every)
	}

	if b.tokens == 0 {
		wait := b.last.Add(b.every).Sub(now)
		return false, max(int(math.Ceil(wait.Seconds())), 1)
	}
	b.tokens--
	return true, 0
}
