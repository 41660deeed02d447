package intelligems

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// limitHeader returns x-ratelimit-* headers for a budget of 4 with
// remaining left, refilling reset from parseNow.
func limitHeader(remaining int, reset time.Duration) http.Header {
	h := http.Header{}
	h.Set("x-ratelimit-limit", "4")
	h.Set("x-ratelimit-remaining", strconv.Itoa(remaining))
	h.Set("x-ratelimit-reset", strconv.FormatInt(parseNow.Add(reset).UnixMilli(), 10))
	return h
}

func TestLimiter(t *testing.T) {
	t.Parallel()

	refill := parseNow.Add(30*time.Second + resetMargin)
	cases := []struct {
		name       string
		reserve    int
		steps      func(t *testing.T, l *limiter)
		wantUntil  time.Time
		wantReason string
	}{
		{name: "nothing known: go", steps: func(*testing.T, *limiter) {}},
		{
			name:  "budget left: go",
			steps: func(t *testing.T, l *limiter) { admit(t, l); l.done(limitHeader(1, 30*time.Second), parseNow) },
		},
		{
			name:      "budget spent: wait for the refill",
			steps:     func(t *testing.T, l *limiter) { admit(t, l); l.done(limitHeader(0, 30*time.Second), parseNow) },
			wantUntil: refill, wantReason: "rate limit nearly used up (0 of 4 left)",
		},
		{
			name:      "reserve reached: wait for the refill",
			reserve:   1,
			steps:     func(t *testing.T, l *limiter) { admit(t, l); l.done(limitHeader(1, 30*time.Second), parseNow) },
			wantUntil: refill, wantReason: "rate limit nearly used up (1 of 4 left)",
		},
		{
			name: "the last request of the budget was let go before",
			steps: func(t *testing.T, l *limiter) {
				admit(t, l)
				l.done(limitHeader(1, 30*time.Second), parseNow)
				admit(t, l)
			},
			wantUntil: refill, wantReason: "rate limit nearly used up (0 of 4 left)",
		},
		{
			name: "others in flight count against the budget",
			steps: func(t *testing.T, l *limiter) {
				admit(t, l)
				admit(t, l)
				admit(t, l)
				l.done(limitHeader(2, 30*time.Second), parseNow)
			},
			wantUntil: refill, wantReason: "rate limit nearly used up (0 of 4 left)",
		},
		{
			name: "a late answer about an earlier refill is ignored",
			steps: func(t *testing.T, l *limiter) {
				admit(t, l)
				admit(t, l)
				l.done(limitHeader(0, 30*time.Second), parseNow)
				l.done(limitHeader(3, 5*time.Second), parseNow)
			},
			wantUntil: refill, wantReason: "rate limit nearly used up (0 of 4 left)",
		},
		{
			name: "an answer about the same refill cannot raise the count",
			steps: func(t *testing.T, l *limiter) {
				admit(t, l)
				admit(t, l)
				l.done(limitHeader(0, 30*time.Second), parseNow)
				l.done(limitHeader(1, 30*time.Second), parseNow)
			},
			wantUntil: refill, wantReason: "rate limit nearly used up (0 of 4 left)",
		},
		{
			name: "the refill has passed: go",
			steps: func(t *testing.T, l *limiter) {
				admit(t, l)
				l.done(limitHeader(0, -time.Second), parseNow)
			},
		},
		{
			name: "no reset header: nothing to wait for",
			steps: func(t *testing.T, l *limiter) {
				admit(t, l)
				l.done(http.Header{"X-Ratelimit-Remaining": {"0"}}, parseNow)
			},
		},
		{
			name:       "a 429 holds every request",
			steps:      func(t *testing.T, l *limiter) { l.hold(parseNow.Add(18 * time.Second)) },
			wantUntil:  parseNow.Add(18 * time.Second),
			wantReason: "holding off after a rate limit (429) on another request",
		},
		{
			name: "a 429 and a spent budget: the later of the two",
			steps: func(t *testing.T, l *limiter) {
				admit(t, l)
				l.done(limitHeader(0, 30*time.Second), parseNow)
				l.hold(parseNow.Add(18 * time.Second))
			},
			wantUntil: refill, wantReason: "holding off after a rate limit (429) on another request",
		},
		{
			name: "a pause served on a clock that did not move",
			steps: func(t *testing.T, l *limiter) {
				admit(t, l)
				l.done(limitHeader(0, 30*time.Second), parseNow)
				l.hold(parseNow.Add(18 * time.Second))
				l.waited(refill)
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			l := &limiter{reserve: tc.reserve}
			tc.steps(t, l)

			until, reason := l.pause(parseNow)

			assert.Equal(t, tc.wantUntil, until, "until")
			assert.Equal(t, tc.wantReason, reason)
		})
	}
}

// admit lets one request go, as pause does when no wait is due.
func admit(t *testing.T, l *limiter) {
	t.Helper()
	until, reason := l.pause(parseNow)
	require.True(t, until.IsZero(), "no wait due, got %q until %v", reason, until)
}
