package intelligems

import (
	"bytes"
	"context"
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
// up to rateLimitAttempts times; 5xx answers, HTML pages and network errors
// are retried up to attempts times; anything else fails at once.
//
// The loop is written here rather than with retry.Do because the pause must
// follow the server's hint when there is one, go through the injected sleep,
// and be reported to the wait hook first.
func (c *Client) send(ctx context.Context, r request) ([]byte, error) {
	backoff := newBackoff()
	var failed, limited int
	for attempt := 1; ; attempt++ {
		body, err := c.exchange(ctx, r)
		var tmp *temporaryError
		if !errors.As(err, &tmp) {
			return body, err
		}

		if tmp.rateLimited {
			limited++
		} else {
			failed++
		}
		if limited >= c.rateLimitAttempts || failed >= c.attempts {
			return nil, fmt.Errorf("give up after %d attempts: %w", attempt, tmp.err)
		}

		if err := c.pause(ctx, r, tmp, attempt+1, backoff); err != nil {
			return nil, err
		}
	}
}

// pause reports and sleeps the wait before attempt.
func (c *Client) pause(
	ctx context.Context, r request, tmp *temporaryError, attempt int, b retry.Backoff,
) error {
	d := tmp.wait
	if d <= 0 {
		d, _ = b.Next()
	}
	d = min(d, maxWait)

	c.onWait(Wait{Reason: tmp.reason, Duration: d, Attempt: attempt, Path: r.path})
	if err := c.sleep(ctx, d); err != nil {
		return fmt.Errorf("wait to retry %s %s: %w", r.method, r.path, err)
	}
	return nil
}

// exchange sends r once and reads the answer.
func (c *Client) exchange(ctx context.Context, r request) ([]byte, error) {
	req, err := c.newRequest(ctx, r)
	if err != nil {
		return nil, err
	}

	resp, err := c.http.Do(req)
	if err != nil {
		return nil, transportError(ctx, r, err)
	}
	defer closeBody(resp.Body)

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
// gateway page) is treated as temporary.
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
	return body, nil
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
