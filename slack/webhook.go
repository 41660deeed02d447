package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/sethvargo/go-retry"
)

// Retry budget and response limits for webhook delivery.
const (
	// maxRateLimitRetries is how many times a 429 is retried.
	maxRateLimitRetries = 3
	// maxTransientRetries is how many times a 5xx or a network failure is
	// retried. A retried post that had in fact arrived shows twice; for a
	// health report a duplicate costs less than a missing alert.
	maxTransientRetries = 2
	// defaultRetryAfter is the wait after a 429 without Retry-After.
	defaultRetryAfter = time.Second
	// maxRetryAfter caps the wait Slack may ask for.
	maxRetryAfter = 30 * time.Second
	// backoffBase is the first wait after a 5xx or network failure; it
	// doubles each time, with jitter.
	backoffBase = 500 * time.Millisecond
	// backoffJitter is the jitter added to each backoff wait, as a percent.
	backoffJitter = 20
	// maxResponseBytes caps how much of a response is read. Slack answers
	// with a short code; anything longer is not Slack.
	maxResponseBytes = 4 << 10
	// defaultTimeout bounds one attempt when NewWebhook gets no client.
	defaultTimeout = 10 * time.Second
)

// Webhook posts messages to one Slack incoming webhook. Build it with
// NewWebhook; it is safe for concurrent use.
type Webhook struct {
	url      string
	client   *http.Client
	scrub    *strings.Replacer
	sleep    func(ctx context.Context, d time.Duration) error
	waitHook func(reason string, d time.Duration)
}

// Option configures a Webhook.
type Option func(*Webhook)

// WithSleep sets how the webhook waits between attempts. The function must
// return early with an error when ctx ends. Tests pass one that returns at
// once; the default waits on a timer. A nil f keeps the default.
func WithSleep(f func(ctx context.Context, d time.Duration) error) Option {
	return func(w *Webhook) {
		if f != nil {
			w.sleep = f
		}
	}
}

// WithWaitHook sets a function called before every wait between attempts,
// with the reason and the length of the wait, so that the caller can log it.
// The reason never contains the webhook URL. A nil f means no call.
func WithWaitHook(f func(reason string, d time.Duration)) Option {
	return func(w *Webhook) {
		if f != nil {
			w.waitHook = f
		}
	}
}

// NewWebhook returns a Webhook that posts to url through a copy of client.
// The copy refuses redirects: an incoming webhook never redirects, and a
// redirect means the URL is wrong. A nil client means a plain client with a
// 10 s timeout per attempt. The url is checked by Post, not here.
func NewWebhook(url string, client *http.Client, opts ...Option) *Webhook {
	c := http.Client{Timeout: defaultTimeout}
	if client != nil {
		c = *client
	}
	c.CheckRedirect = refuseRedirect

	w := &Webhook{
		url:      strings.TrimSpace(url),
		client:   &c,
		scrub:    scrubber(url),
		sleep:    sleepContext,
		waitHook: func(string, time.Duration) {},
	}
	for _, o := range opts {
		o(w)
	}
	return w
}

// refuseRedirect stops the client at the first redirect and hands back the
// 3xx response itself.
func refuseRedirect(*http.Request, []*http.Request) error {
	return http.ErrUseLastResponse
}

// sleepContext waits for d or until ctx ends.
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

// Post sends m to the webhook. It checks the URL and m's Block Kit limits
// first and sends nothing when either is wrong. Delivery succeeds only when
// Slack answers 200 with the body "ok".
//
// A 429 is retried up to 3 times after the wait Slack asks for (Retry-After,
// 1 s when absent, at most 30 s). A 5xx or a network failure is retried up to
// 2 times with exponential backoff and jitter. Nothing else is retried.
// Waits end early when ctx ends. A failed delivery is a *DeliveryError.
func (w *Webhook) Post(ctx context.Context, m Message) error {
	if err := ValidateWebhookURL(w.url); err != nil {
		return err
	}
	if err := m.Validate(); err != nil {
		return err
	}

	body, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("encode slack message: %w", err)
	}

	return w.deliver(ctx, body)
}

// deliver sends body until it is accepted or the retry budget is spent.
func (w *Webhook) deliver(ctx context.Context, body []byte) error {
	return withRetries(ctx, w.sleep, w.waitHook, func() error { return w.send(ctx, body) })
}

// withRetries calls attempt until it succeeds or fails for good, under the
// retry policy, waiting with sleep between attempts and telling waitHook
// about each wait first.
func withRetries(ctx context.Context, sleep func(context.Context, time.Duration) error,
	waitHook func(string, time.Duration), attempt func() error,
) error {
	p := newRetryPolicy()
	for {
		err := attempt()
		if err == nil {
			return nil
		}

		d, ok := p.next(err)
		if !ok || ctx.Err() != nil {
			return err
		}

		waitHook(err.Error(), d)
		if serr := sleep(ctx, d); serr != nil {
			return fmt.Errorf("%w; stopped waiting to retry: %w", err, serr)
		}
	}
}

// send makes one attempt. Its error is a *DeliveryError, except when the
// request cannot be built.
func (w *Webhook) send(ctx context.Context, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.url, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("build webhook request: %w", redact(err, w.scrub))
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")

	resp, err := w.client.Do(req)
	if err != nil {
		return &DeliveryError{Err: redact(err, w.scrub)}
	}
	defer drainClose(resp.Body)

	text, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if err != nil {
		return &DeliveryError{StatusCode: resp.StatusCode, Err: redact(err, w.scrub)}
	}
	return w.check(resp, text)
}

// check turns a response into nil for 200 "ok", or a *DeliveryError.
func (w *Webhook) check(resp *http.Response, body []byte) error {
	if resp.StatusCode == http.StatusOK && strings.TrimSpace(string(body)) == "ok" {
		return nil
	}

	e := &DeliveryError{StatusCode: resp.StatusCode}
	if resp.StatusCode < 300 || resp.StatusCode >= 400 {
		e.Code = w.scrub.Replace(slackCode(body))
	}
	if resp.StatusCode == http.StatusTooManyRequests {
		e.RetryAfter = retryAfter(resp.Header.Get("Retry-After"))
	}
	return e
}

// drainClose reads what is left of a body, up to a bound, and closes it, so
// that the connection can be reused.
func drainClose(body io.ReadCloser) {
	_, _ = io.Copy(io.Discard, io.LimitReader(body, maxResponseBytes))
	_ = body.Close()
}

// retryAfter reads a Retry-After header in whole seconds. Slack sends
// seconds; an absent or unreadable value means 1 s, and the wait is capped
// at 30 s.
func retryAfter(header string) time.Duration {
	secs, err := strconv.Atoi(strings.TrimSpace(header))
	if err != nil || secs < 0 {
		return defaultRetryAfter
	}
	return min(time.Duration(secs)*time.Second, maxRetryAfter)
}

// retryPolicy decides, attempt by attempt, whether and how long to wait.
type retryPolicy struct {
	rateLimited int
	backoff     retry.Backoff
}

// newRetryPolicy returns a fresh budget for one message.
func newRetryPolicy() *retryPolicy {
	b := retry.NewExponential(backoffBase)
	b = retry.WithJitterPercent(backoffJitter, b)
	b = retry.WithMaxRetries(maxTransientRetries, b)
	return &retryPolicy{backoff: b}
}

// next returns the wait before the next attempt after err, or false when
// err is final.
func (p *retryPolicy) next(err error) (time.Duration, bool) {
	var de *DeliveryError
	if !errors.As(err, &de) || !de.Retryable() {
		return 0, false
	}

	if de.rateLimited() {
		if p.rateLimited >= maxRateLimitRetries {
			return 0, false
		}
		p.rateLimited++
		return de.RetryAfter, true
	}

	d, stop := p.backoff.Next()
	return d, !stop
}
