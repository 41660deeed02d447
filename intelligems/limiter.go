package intelligems

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Tuning of the shared rate limiter.
const (
	// DefaultRateLimitReserve is how many requests of the API's budget the
	// client leaves unused before it pauses until the budget refills. Zero
	// spends the whole budget: the pause comes when the API reports none
	// left.
	DefaultRateLimitReserve = 0

	// resetMargin is added to a pause that runs until x-ratelimit-reset,
	// because the header is rounded down to the millisecond and a request
	// that arrives a moment early is refused.
	resetMargin = 25 * time.Millisecond

	// sameWindow is how far apart two x-ratelimit-reset instants may be and
	// still name the same refill. Resets written as a duration move with
	// each response's travel time.
	sameWindow = 50 * time.Millisecond
)

// limiter is the rate-limit state that every request of one Client shares.
// It learns the API's budget from the x-ratelimit-* headers and from 429s,
// and tells a request about to be sent how long to hold back.
//
// The count it keeps is on the safe side: a request still in flight when an
// answer reports the count is assumed not yet counted by the server. Before
// the first answer, and again after a refill, the budget is unknown and
// requests go freely until an answer reports the new count; how many run at
// once is then up to the caller.
type limiter struct {
	reserve int

	mu        sync.Mutex
	inflight  int       // requests sent and not yet answered
	known     bool      // limit, remaining and resetAt describe the current budget
	limit     int       // budget size, from x-ratelimit-limit; 0 when not sent
	remaining int       // requests left, less those sent since it was reported
	resetAt   time.Time // when the budget next refills
	holdUntil time.Time // no request before this, after a 429
}

// pause returns until when a request must wait before it is sent, and why.
// A zero time means go now; the request is then counted as in flight, and
// against the budget when that is known, and done must follow.
func (l *limiter) pause(now time.Time) (until time.Time, reason string) {
	l.mu.Lock()
	defer l.mu.Unlock()

	if l.known && !now.Before(l.resetAt.Add(resetMargin)) {
		l.known = false // the budget has refilled; its size is unknown again
	}
	if now.Before(l.holdUntil) {
		until, reason = l.holdUntil, reasonHold
	}
	if l.known && l.remaining <= l.reserve {
		if end := l.resetAt.Add(resetMargin); end.After(until) {
			until = end
			if reason == "" {
				reason = l.nearlyUsedUp()
			}
		}
	}
	if until.IsZero() {
		l.inflight++
		if l.known {
			l.remaining--
		}
	}
	return until, reason
}

func (l *limiter) nearlyUsedUp() string {
	if l.limit > 0 {
		return fmt.Sprintf("rate limit nearly used up (%d of %d left)", max(l.remaining, 0), l.limit)
	}
	return fmt.Sprintf("rate limit nearly used up (%d left)", max(l.remaining, 0))
}

// waited records that a pause until the given instant is over, so that a
// clock that did not move (a test's) cannot hold requests forever.
func (l *limiter) waited(until time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()

	if !l.holdUntil.After(until) {
		l.holdUntil = time.Time{}
	}
	if l.known && !l.resetAt.Add(resetMargin).After(until) {
		l.known = false
	}
}

// hold stops every request until the given instant, after a 429.
func (l *limiter) hold(until time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()

	if until.After(l.holdUntil) {
		l.holdUntil = until
	}
}

// done records the answer to a request that pause let go, received at now:
// its x-ratelimit-* headers, or nil when there was no answer. An answer
// that names an earlier refill than the one already known arrived late and
// is ignored; one for the same refill can only lower the count.
func (l *limiter) done(h http.Header, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()

	l.inflight = max(l.inflight-1, 0)
	remaining, resetAt, limit, ok := readLimitHeaders(h, now)
	if !ok {
		return
	}
	remaining -= l.inflight // the others in flight may not be counted yet

	switch {
	case !l.known || resetAt.After(l.resetAt.Add(sameWindow)):
		l.known, l.remaining, l.resetAt = true, remaining, resetAt
	case resetAt.Before(l.resetAt.Add(-sameWindow)):
		return
	default:
		l.remaining = min(l.remaining, remaining)
		l.resetAt = later(l.resetAt, resetAt)
	}
	l.limit = max(limit, 0)
}

// readLimitHeaders returns the requests left, the refill time and the
// budget size (0 when absent) from h. It reports false when the count or
// the refill time is missing or malformed: without both there is nothing
// to plan a pause with.
func readLimitHeaders(h http.Header, now time.Time) (remaining int, resetAt time.Time, limit int, ok bool) {
	remaining, err := strconv.Atoi(strings.TrimSpace(h.Get("x-ratelimit-remaining")))
	if err != nil {
		return 0, time.Time{}, 0, false
	}
	wait, ok := parseReset(h.Get("x-ratelimit-reset"), now)
	if !ok {
		return 0, time.Time{}, 0, false
	}
	limit, _ = strconv.Atoi(strings.TrimSpace(h.Get("x-ratelimit-limit")))
	return remaining, now.Add(capWait(wait)), limit, true
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// The reasons given for a pause after a 429: the request's own, or another
// request's that every request now waits out.
const (
	reasonRateLimited = "rate limited (429)"
	reasonHold        = "holding off after a rate limit (429) on another request"
)
