package intelligems

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// epochMillisFloor separates the two readings of x-ratelimit-reset: the
// documented one, a Unix time in milliseconds (13 digits today), and the one
// seen in the field, milliseconds until the bucket refills. No wait in
// milliseconds comes near 10^12 (about 31 years).
const epochMillisFloor = 1_000_000_000_000

// rateLimitWait returns how long to pause after a 429, from the first hint
// present: the body's retryAfter (seconds), the Retry-After header (seconds
// or an HTTP date), then x-ratelimit-reset (see parseReset). It returns 0
// when there is no usable hint, and caps the result at maxWait.
//
// Rate limits: https://docs.intelligems.io/developer-resources/external-api/intelligems-external-api/rate-limiting
func rateLimitWait(h http.Header, retryAfter *float64, now time.Time) time.Duration {
	if retryAfter != nil && *retryAfter > 0 {
		return capWait(seconds(*retryAfter))
	}
	if d, ok := parseRetryAfter(h.Get("Retry-After"), now); ok {
		return capWait(d)
	}
	if d, ok := parseReset(h.Get("x-ratelimit-reset"), now); ok {
		return capWait(d)
	}
	return 0
}

// parseRetryAfter reads a Retry-After header: delay-seconds or an HTTP date
// (RFC 9110, section 10.2.3). It reports false for a missing, malformed or
// past value.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if n, err := strconv.ParseFloat(v, 64); err == nil {
		return seconds(n), n > 0
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	d := t.Sub(now)
	return d, d > 0
}

// parseReset reads x-ratelimit-reset. A value of 10^12 or more is a Unix
// time in milliseconds and the wait runs until then; a smaller value is
// itself a wait in milliseconds. It reports false for a missing, malformed
// or past value.
func parseReset(v string, now time.Time) (time.Duration, bool) {
	n, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil || math.IsNaN(n) || math.IsInf(n, 0) || n <= 0 {
		return 0, false
	}

	var d time.Duration
	if n >= epochMillisFloor {
		d = time.UnixMilli(int64(n)).Sub(now)
	} else {
		d = time.Duration(n * float64(time.Millisecond))
	}
	return d, d > 0
}

// seconds converts a count of seconds to a Duration without overflowing.
func seconds(s float64) time.Duration {
	if s >= maxWait.Seconds() {
		return maxWait
	}
	return time.Duration(s * float64(time.Second))
}

func capWait(d time.Duration) time.Duration {
	return min(d, maxWait)
}
