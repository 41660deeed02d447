package intelligems

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/sethvargo/go-retry"
)

// Limits on what is read from a response.
const (
	maxSuccessBody  = 10 << 20 // bytes of a 2xx body
	maxErrorBody    = 4 << 10  // bytes of a non-2xx body
	maxErrorSnippet = 300      // bytes of a non-2xx body kept in APIError.Body
	maxDrain        = 64 << 10 // bytes read before closing, so the connection is reused
	maxWait         = 2 * time.Minute
)

// request is one API call. path is below the base URL and unescaped, for
// errors and logs; escapedPath is what goes on the wire.
type request struct {
	method      string
	path        string
	escapedPath string
	query       url.Values
	body        []byte
}

// temporaryError is a failure that a later attempt may not meet.
type temporaryError struct {
	err         error
	reason      string
	wait        time.Duration // the server's hint; 0 means use the backoff
	rateLimited bool
}

func (e *temporaryError) Error() string { return e.err.Error() }
func (e *temporaryError) Unwrap() error { return e.err }

// newBackoff returns the pauses used when the server gives no hint:
// exponential from one second, ±20% jitter, each capped at maxWait.
func newBackoff() retry.Backoff {
	return retry.WithCappedDuration(maxWait,
		retry.WithJitterPercent(20, retry.NewExponential(time.Second)))
}

// send makes r and returns the body of its 2xx response. A 429 is waited out
// up to rateLimitAttempts times; 5xx answers, HTML pages, malformed JSON and
// network errors are retried up to attempts times; anything else fails at
// once. Before every attempt the shared limiter may hold the request back.
//
// The loop is written here rather than with retry.Do because the pause must
// follow the server's hint when there is one, be shared with the client's
// other goroutines after a 429, go through the injected sleep, and be
// reported to the wait hook first.
func (c *Client) send(ctx context.Context, r request) ([]byte, error) {
	backoff := newBackoff()
	var failed, limited int
	was429 := false
	for attempt := 1; ; attempt++ {
		if err := c.admit(ctx, r, attempt, was429); err != nil {
			return nil, err
		}

		body, err := c.exchange(ctx, r, attempt)
		var tmp *temporaryError
		if !errors.As(err, &tmp) {
			return body, err
		}

		was429 = tmp.rateLimited
		if tmp.rateLimited {
			limited++
			c.stats.add(func(s *Stats) { s.RateLimited++ })
			c.limits.hold(c.now().Add(retryWait(tmp, backoff)))
		} else {
			failed++
		}
		if limited >= c.rateLimitAttempts || failed >= c.attempts {
			return nil, fmt.Errorf("give up after %d attempts: %w", attempt, tmp.err)
		}
		if tmp.rateLimited {
			continue // admit waits out the hold, with every other request
		}

		w := Wait{Reason: tmp.reason, Duration: retryWait(tmp, backoff), Attempt: attempt + 1, Path: r.path}
		if err := c.wait(ctx, r, w); err != nil {
			return nil, err
		}
	}
}

// retryWait returns the pause before the next attempt: the server's hint if
// it gave one, else the next backoff step, capped at maxWait.
func retryWait(tmp *temporaryError, b retry.Backoff) time.Duration {
	d := tmp.wait
	if d <= 0 {
		d, _ = b.Next()
	}
	return min(d, maxWait)
}

// admit waits until the shared limiter lets attempt of r go. was429 says
// that r's previous attempt was itself refused with a 429, so that the
// wait is reported as r's own rather than as holding off for another's.
func (c *Client) admit(ctx context.Context, r request, attempt int, was429 bool) error {
	for {
		now := c.now()
		until, reason := c.limits.pause(now)
		if until.IsZero() {
			return nil
		}
		if was429 && reason == reasonHold {
			reason = reasonRateLimited
		}

		w := Wait{Reason: reason, Duration: until.Sub(now), Attempt: attempt, Path: r.path}
		if err := c.wait(ctx, r, w); err != nil {
			return err
		}
		c.limits.waited(until)
	}
}

// wait reports w to the hook and the stats, then sleeps it.
func (c *Client) wait(ctx context.Context, r request, w Wait) error {
	c.stats.add(func(s *Stats) {
		s.Pauses++
		s.Paused += w.Duration
	})
	c.onWait(w)

	if err := c.sleep(ctx, w.Duration); err != nil {
		return fmt.Errorf("wait to send %s %s: %w", r.method, r.path, err)
	}
	return nil
}

// exchange sends r once, after admit has let it go, and reads the answer.
func (c *Client) exchange(ctx context.Context, r request, attempt int) ([]byte, error) {
	req, err := c.newRequest(ctx, r)
	if err != nil {
		c.limits.done(nil, c.now())
		return nil, err
	}

	c.stats.add(func(s *Stats) {
		s.Requests++
		if attempt > 1 {
			s.Retries++
		}
	})
	resp, err := c.http.Do(req)
	if err != nil {
		c.limits.done(nil, c.now())
		return nil, transportError(ctx, r, err)
	}
	defer closeBody(resp.Body)

	c.limits.done(resp.Header, c.now())
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, c.statusError(r, resp)
	}
	return readSuccess(r, resp)
}

func (c *Client) newRequest(ctx context.Context, r request) (*http.Request, error) {
	target := c.base.String() + r.escapedPath
	if len(r.query) > 0 {
		target += "?" + r.query.Encode()
	}

	var body io.Reader
	if r.body != nil {
		body = bytes.NewReader(r.body)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, target, body)
	if err != nil {
		return nil, fmt.Errorf("build request %s %s: %w", r.method, r.path, err)
	}

	req.Header.Set("intelligems-access-token", c.apiKey)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", userAgent)
	if r.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req, nil
}

// transportError classifies a failure to get any response. The *url.Error
// wrapper is dropped: it repeats the whole URL, which only lengthens logs.
func transportError(ctx context.Context, r request, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("send %s %s: %w", r.method, r.path, context.Cause(ctx))
	}

	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		err = urlErr.Err
	}
	return &temporaryError{
		err:    fmt.Errorf("send %s %s: %w", r.method, r.path, err),
		reason: "network error",
	}
}

// readSuccess reads a 2xx body. An HTML page in place of JSON (a proxy or
// gateway page) and a body that is not valid JSON at all (most likely a
// transfer cut short) are treated as temporary. Valid JSON of the wrong
// shape is not: asking again would give the same answer.
func readSuccess(r request, resp *http.Response) ([]byte, error) {
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxSuccessBody+1))
	if err != nil {
		return nil, &temporaryError{
			err:    fmt.Errorf("read %s %s: %w", r.method, r.path, err),
			reason: "network error",
		}
	}
	if len(body) > maxSuccessBody {
		return nil, fmt.Errorf("read %s %s: body exceeds %d bytes", r.method, r.path, maxSuccessBody)
	}

	if isHTML(resp.Header, body) {
		return nil, &temporaryError{
			err:    &DecodeError{Path: r.path, Err: errors.New("got an HTML page, not JSON")},
			reason: fmt.Sprintf("HTML page with status %d", resp.StatusCode),
		}
	}
	if !json.Valid(body) {
		return nil, &temporaryError{
			err:    &DecodeError{Path: r.path, Err: syntaxError(body)},
			reason: fmt.Sprintf("malformed JSON with status %d", resp.StatusCode),
		}
	}
	return body, nil
}

// syntaxError says why body, known not to be valid JSON, is not.
func syntaxError(body []byte) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return errors.New("body is empty")
	}
	var raw json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil {
		return err
	}
	return errors.New("body is not valid JSON")
}

func isHTML(h http.Header, body []byte) bool {
	if strings.Contains(h.Get("Content-Type"), "text/html") {
		return true
	}
	return bytes.HasPrefix(bytes.TrimSpace(body), []byte("<"))
}

// closeBody drains a little of what is left, so the connection can be
// reused, and closes the body.
func closeBody(body io.ReadCloser) {
	_, _ = io.Copy(io.Discard, io.LimitReader(body, maxDrain))
	_ = body.Close()
}
