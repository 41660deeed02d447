// Package slacktest runs a fake Slack incoming webhook on loopback, in the
// manner of net/http/httptest. It records every request, answers as Slack
// does (200 "ok", 400 invalid_payload, 429 rate_limited with Retry-After),
// and can be scripted to fail, hang or redirect, so that tests and
// benchmarks can check what a sender posts and how it copes.
//
// Incoming webhooks: https://api.slack.com/messaging/webhooks
package slacktest

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"time"
)

// HookPath is the path the fake webhook listens on, shaped like the path of
// a real incoming webhook.
const HookPath = "/services/T000/B000/xyz"

// Post is one request the webhook received.
type Post struct {
	// Method and Path are as received; a sender that follows a redirect
	// shows up with another path or method.
	Method string
	Path   string
	// Header holds the request headers.
	Header http.Header
	// Body is the raw request body.
	Body []byte
	// JSON is Body decoded, or nil when Body is not a JSON object.
	JSON map[string]any
	// Time is when the request arrived, on the webhook's clock.
	Time time.Time
	// Status and Response are what the webhook answered. Status is 0 when
	// the request got no answer (the sender gave up during a hang).
	Status   int
	Response string
}

// Delivered reports whether p was accepted: answered 200 with body "ok".
func (p Post) Delivered() bool {
	return p.Status == http.StatusOK && p.Response == "ok"
}

// Answer is a scripted reply to one request.
type Answer struct {
	// Status is the HTTP status to answer. 0 means answer as Slack would,
	// after any Hang; with RedirectTo set it means 302.
	Status int
	// Body is sent as is.
	Body string
	// Header holds extra response headers; the default Content-Type is
	// text/plain.
	Header http.Header
	// Hang holds the request this long before answering. When the sender
	// gives up or the webhook is closed first, the connection is dropped
	// with no answer. It is measured on the wall clock.
	Hang time.Duration
	// RedirectTo, when set, is sent as the Location of a redirect. A path
	// (starting with "/") is taken on this server.
	RedirectTo string
}

// Webhook is a fake Slack incoming webhook listening on 127.0.0.1.
type Webhook struct {
	srv       *httptest.Server
	now       func() time.Time
	bucket    *bucket
	closing   chan struct{}
	closeOnce sync.Once

	mu     sync.Mutex
	script []Answer
	posts  []*Post
}

// Option changes how a Webhook behaves.
type Option func(*Webhook)

// Defaults of the rate limit. Slack allows about one message per second per
// webhook, with short bursts above that.
const (
	DefaultBurst = 10
	DefaultEvery = time.Second
)

// NewWebhook starts a fake webhook. Close it when done.
func NewWebhook(opts ...Option) *Webhook {
	w := &Webhook{
		// The fake keeps wall-clock time unless WithClock says otherwise;
		// this is the one place it is set.
		now:     time.Now,
		bucket:  newBucket(DefaultBurst, DefaultEvery),
		closing: make(chan struct{}),
	}
	for _, opt := range opts {
		opt(w)
	}

	w.srv = httptest.NewServer(w)
	return w
}

// WithRateLimit replaces the default rate limit (DefaultBurst posts, then
// one more every DefaultEvery) with burst posts and one more every period.
// A post over the limit is answered 429 with a Retry-After header in whole
// seconds (at least 1) and the body
// {"ok":false,"error":"rate_limited","retry_after":<seconds>}. A burst below
// 1 turns the limit off.
func WithRateLimit(burst int, every time.Duration) Option {
	return func(w *Webhook) {
		w.bucket = nil
		if burst >= 1 {
			w.bucket = newBucket(burst, every)
		}
	}
}

// WithScript sets the answers to the first requests, in order of arrival:
// the n-th request gets answers[n-1], whatever it holds. Later requests are
// answered as Slack would. A scripted answer takes no part in the rate
// limit.
func WithScript(answers ...Answer) Option {
	return func(w *Webhook) { w.script = append(w.script, answers...) }
}

// WithClock sets the clock used for arrival times and the rate limit, so
// that a sender whose pauses move the same clock can be tested without
// waiting.
func WithClock(now func() time.Time) Option {
	return func(w *Webhook) {
		if now != nil {
			w.now = now
		}
	}
}

// URL returns the webhook URL, including HookPath.
func (w *Webhook) URL() string { return w.srv.URL + HookPath }

// Client returns an HTTP client that talks to the webhook.
func (w *Webhook) Client() *http.Client { return w.srv.Client() }

// Close ends any hanging answer, shuts the webhook down and waits for
// pending requests. It may be called more than once.
func (w *Webhook) Close() {
	w.closeOnce.Do(func() { close(w.closing) })
	w.srv.Close()
}

// Posts returns a copy of every request received so far, in order of
// arrival, whatever it was answered.
func (w *Webhook) Posts() []Post {
	return w.filter(func(Post) bool { return true })
}

// Delivered returns a copy of the posts answered 200 "ok", in order of
// arrival. A post that was refused, failed or got no answer is not here.
func (w *Webhook) Delivered() []Post {
	return w.filter(Post.Delivered)
}

func (w *Webhook) filter(keep func(Post) bool) []Post {
	w.mu.Lock()
	defer w.mu.Unlock()

	var out []Post
	for _, p := range w.posts {
		if keep(*p) {
			c := *p
			c.Header = p.Header.Clone()
			out = append(out, c)
		}
	}
	return out
}
