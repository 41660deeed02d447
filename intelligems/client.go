package intelligems

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Defaults used by NewClient when no Option says otherwise.
const (
	// DefaultPageSize is how many experiences one list request asks for. The
	// API's own default is 20; a larger page saves requests against a
	// tight rate limit.
	DefaultPageSize = 50
	// DefaultMaxRateLimitAttempts is how many times one request is sent while
	// the API answers 429. It is generous because a 429 must not drop a test.
	DefaultMaxRateLimitAttempts = 8
	// DefaultMaxAttempts is how many times one request is sent while the API
	// answers 5xx or the network fails.
	DefaultMaxAttempts = 3
	// DefaultTimeout bounds one HTTP exchange of the default HTTP client.
	DefaultTimeout = 30 * time.Second
)

const userAgent = "intelligems-health-action"

// Client calls the Intelligems External API for one store. It is safe for
// concurrent use, and its goroutines share one view of the API's rate limit:
// when the budget reported by the x-ratelimit-* headers is spent, or a 429
// asks for a pause, every request waits for the refill instead of being
// refused.
type Client struct {
	base   *url.URL
	apiKey string
	http   *http.Client

	pageSize          int
	attempts          int
	rateLimitAttempts int
	sleep             func(ctx context.Context, d time.Duration) error
	onWait            func(Wait)
	now               func() time.Time

	limits limiter
	stats  counters
}

// Option changes how a Client behaves.
type Option func(*Client)

// Wait describes a pause before a request is sent, or sent again.
type Wait struct {
	// Reason says why, such as "rate limit nearly used up (0 of 4 left)",
	// "rate limited (429)", "holding off after a rate limit (429) on another
	// request" or
	// "server error 502".
	Reason string
	// Duration is how long the client will pause.
	Duration time.Duration
	// Attempt is the number of the attempt that follows the pause: 1 when
	// the rate limit holds back a request not yet sent, 2 for the first
	// retry.
	Attempt int
	// Path is the request path below the base URL, without the query.
	Path string
}

// NewClient returns a client for the API at baseURL, a versioned base such as
// "https://api.intelligems.io/v25-10-beta", authenticating with apiKey.
// baseURL must be absolute, with a scheme and a host.
func NewClient(baseURL, apiKey string, opts ...Option) (*Client, error) {
	base, err := url.Parse(baseURL)
	if err != nil {
		return nil, fmt.Errorf("parse base URL: %w", err)
	}
	if base.Scheme == "" || base.Host == "" {
		return nil, errors.New("parse base URL: scheme and host are required")
	}
	if apiKey == "" {
		return nil, errors.New("create client: API key is empty")
	}
	base.Path = strings.TrimRight(base.Path, "/")
	base.RawPath = ""
	base.RawQuery, base.Fragment = "", ""

	c := &Client{
		base:              base,
		apiKey:            apiKey,
		http:              &http.Client{Timeout: DefaultTimeout},
		pageSize:          DefaultPageSize,
		attempts:          DefaultMaxAttempts,
		rateLimitAttempts: DefaultMaxRateLimitAttempts,
		sleep:             sleepContext,
		onWait:            func(Wait) {},
		// The wall clock is read only to turn an epoch x-ratelimit-reset into
		// a wait; WithClock replaces it, and this is the one place it is set.
		now:    time.Now,
		limits: limiter{reserve: DefaultRateLimitReserve},
	}
	for _, opt := range opts {
		opt(c)
	}
	return c, nil
}

// WithHTTPClient sets the HTTP client used for every request. The default
// has a 30-second timeout. A nil client is ignored.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) {
		if hc != nil {
			c.http = hc
		}
	}
}

// WithPageSize sets how many experiences one list request asks for. Values
// below 1 are ignored; the default is DefaultPageSize.
func WithPageSize(n int) Option {
	return func(c *Client) {
		if n > 0 {
			c.pageSize = n
		}
	}
}

// WithMaxAttempts sets how many times a request is sent in all while the API
// answers 5xx, an HTML page or a 2xx body that is not JSON at all, or the
// network fails. Values below 1 are
// ignored; the default is DefaultMaxAttempts.
func WithMaxAttempts(n int) Option {
	return func(c *Client) {
		if n > 0 {
			c.attempts = n
		}
	}
}

// WithMaxRateLimitAttempts sets how many times a request is sent in all while
// the API answers 429. Values below 1 are ignored; the default is
// DefaultMaxRateLimitAttempts.
func WithMaxRateLimitAttempts(n int) Option {
	return func(c *Client) {
		if n > 0 {
			c.rateLimitAttempts = n
		}
	}
}

// WithRateLimitReserve sets how many requests of the API's budget are left
// unused: once the x-ratelimit-remaining count reaches n, requests pause
// until x-ratelimit-reset. A reserve leaves room for other programs that use
// the same API key. Negative values are ignored; the default is
// DefaultRateLimitReserve.
func WithRateLimitReserve(n int) Option {
	return func(c *Client) {
		if n >= 0 {
			c.limits.reserve = n
		}
	}
}

// WithSleep sets how the client pauses between attempts. The function must
// return early with an error when ctx ends. The default waits on a timer.
func WithSleep(f func(ctx context.Context, d time.Duration) error) Option {
	return func(c *Client) {
		if f != nil {
			c.sleep = f
		}
	}
}

// WithWaitHook sets a function called before every pause, so the caller can
// tell people why the run is waiting. It is called from the goroutine that
// made the request, so it must be safe for concurrent use when several
// goroutines share the client.
func WithWaitHook(f func(Wait)) Option {
	return func(c *Client) {
		if f != nil {
			c.onWait = f
		}
	}
}

// WithClock sets the clock used to turn an epoch-milliseconds
// x-ratelimit-reset header, or an HTTP-date Retry-After header, into a wait.
func WithClock(now func() time.Time) Option {
	return func(c *Client) {
		if now != nil {
			c.now = now
		}
	}
}

// sleepContext waits for d or until ctx ends, whichever comes first.
func sleepContext(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()

	select {
	case <-ctx.Done():
		return context.Cause(ctx)
	case <-t.C:
		return nil
	}
}
