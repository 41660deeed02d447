// Package intelligemstest runs a fake Intelligems External API on loopback,
// in the manner of net/http/httptest, with sample data. Tests use it to
// check what the client sends and how it copes with paging, rate limits and
// faults; a demo program can point the real client at it.
package intelligemstest

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"time"
)

// BasePath is the version prefix the fake serves under, as the real API does.
const BasePath = "/v25-10-beta"

// Request is one request the server received.
type Request struct {
	Method string
	// Path is the URL path as received, including BasePath.
	Path   string
	Query  url.Values
	Header http.Header
	Body   []byte
}

// ResetMode says how the x-ratelimit-reset header is written.
type ResetMode int

const (
	// ResetEpochMillis writes the Unix time in milliseconds at which the
	// bucket next refills, as the API documentation describes.
	ResetEpochMillis ResetMode = iota
	// ResetDurationMillis writes the milliseconds until the bucket next
	// refills, as some field reports describe.
	ResetDurationMillis
)

// Server is a fake Intelligems API listening on 127.0.0.1.
type Server struct {
	apiKey string
	data   index
	srv    *httptest.Server

	now          func() time.Time
	bucket       *bucket
	resetMode    ResetMode
	preciseRetry bool
	noPOST       bool
	noFilters    bool
	pageLimitCap int
	closing      chan struct{}
	closeOnce    sync.Once

	mu         sync.Mutex
	requests   []Request
	faults     []*faultRule
	throttle   int
	throttleRA int
}

// Option changes how a Server behaves.
type Option func(*Server)

// NewServer starts a fake API that accepts apiKey and serves data, which
// must not be changed afterwards. A nil data serves nothing. Close the
// server when done.
func NewServer(apiKey string, data *Dataset, opts ...Option) *Server {
	s := &Server{
		apiKey: apiKey,
		data:   newIndex(data),
		// The fake keeps wall-clock time for its rate limit unless WithClock
		// says otherwise; this is the one place it is set.
		now:     time.Now,
		bucket:  newBucket(50, 25, 30*time.Second),
		closing: make(chan struct{}),
	}
	for _, opt := range opts {
		opt(s)
	}

	s.srv = httptest.NewServer(s)
	return s
}

// WithClock sets the clock used for the rate limit and its headers.
func WithClock(now func() time.Time) Option {
	return func(s *Server) { s.now = now }
}

// WithRateLimit replaces the default token bucket (burst 50, 25 more every
// 30 seconds, as documented) with one holding burst tokens that gains refill
// tokens every period. One bucket is shared by all paths. When it is empty
// the server answers 429 with {"error":"Too Many Requests","retryAfter":s},
// s being the whole seconds until the next refill, at least 1.
func WithRateLimit(burst, refill int, every time.Duration) Option {
	return func(s *Server) { s.bucket = newBucket(burst, refill, every) }
}

// StrictBurst is the budget of the strict rate limit: the number of
// requests served before a cool-down.
const StrictBurst = 4

// WithStrictRateLimit replaces the default token bucket with the tighter
// limit some accounts meet: StrictBurst requests, then nothing until the
// cool-down has passed, then StrictBurst again. The cool-down runs from the
// first request after the previous one ended, so requests sent back to back
// meet it right after the fourth; x-ratelimit-reset names its end. The
// cool-down seen in the field is 25 to 60 seconds; tests may scale it down
// to milliseconds, and will then want WithFractionalRetryAfter too.
func WithStrictRateLimit(cooldown time.Duration) Option {
	return func(s *Server) { s.bucket = newStrictBucket(StrictBurst, cooldown) }
}

// WithFractionalRetryAfter makes the retryAfter of a 429 body the exact
// seconds to the refill, rounded up to the millisecond (0.183), instead of
// whole seconds rounded up and at least 1, as the API sends. It lets a
// client keep up with a bucket whose periods are scaled down below a second.
func WithFractionalRetryAfter() Option {
	return func(s *Server) { s.preciseRetry = true }
}

// WithResetMode sets how x-ratelimit-reset is written; the default is
// ResetEpochMillis.
func WithResetMode(m ResetMode) Option {
	return func(s *Server) { s.resetMode = m }
}

// WithoutPOST makes POST on the analytics path answer 405, so that only the
// legacy GET form works.
func WithoutPOST() Option {
	return func(s *Server) { s.noPOST = true }
}

// WithThrottleFirst makes the first n authenticated requests answer 429
// with a body retryAfter of retryAfter seconds, before the rate limit is
// consulted.
func WithThrottleFirst(n, retryAfter int) Option {
	return func(s *Server) { s.throttle, s.throttleRA = n, retryAfter }
}

// WithoutFilters makes the list ignore its status and category filters,
// as a server that does not apply them would, so that a client's own
// filtering can be checked.
func WithoutFilters() Option {
	return func(s *Server) { s.noFilters = true }
}

// WithPageLimitCap caps the limit a list request may ask for, as a server
// that serves smaller pages than asked would.
func WithPageLimitCap(n int) Option {
	return func(s *Server) { s.pageLimitCap = n }
}

// URL returns the base URL of the API, including BasePath.
func (s *Server) URL() string { return s.srv.URL + BasePath }

// Client returns an HTTP client that talks to the server.
func (s *Server) Client() *http.Client { return s.srv.Client() }

// Close ends any hanging fault, shuts the server down and waits for pending
// requests. It may be called more than once.
func (s *Server) Close() {
	s.closeOnce.Do(func() { close(s.closing) })
	s.srv.Close()
}

// Requests returns a copy of every request received so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

func (s *Server) record(r *http.Request) []byte {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	r.Body = io.NopCloser(bytes.NewReader(body))

	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, Request{
		Method: r.Method,
		Path:   r.URL.Path,
		Query:  r.URL.Query(),
		Header: r.Header.Clone(),
		Body:   body,
	})
	return body
}

// takeThrottle reports whether this request is one of the forced 429s.
func (s *Server) takeThrottle() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.throttle <= 0 {
		return false
	}
	s.throttle--
	return true
}
