package slack

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// hookPath is the secret part of the fake webhook URL.
const hookPath = "/services/T0TEST/B0TEST/s3cr3tWebhookToken"

// reply is one canned answer of the fake Slack server.
type reply struct {
	status     int
	body       string
	retryAfter string
	location   string
}

// fakeSlack is a loopback HTTP server that answers webhook posts with
// canned replies, repeating the last one, and records what it received.
type fakeSlack struct {
	srv     *httptest.Server
	replies []reply

	mu       sync.Mutex
	requests []*http.Request
	bodies   [][]byte
	strays   int // requests to any path but the webhook's
}

// newFakeSlack starts a fake Slack server that is closed with the test.
func newFakeSlack(t *testing.T, replies ...reply) *fakeSlack {
	t.Helper()
	f := &fakeSlack{replies: replies}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

// serve records the request and writes the next reply.
func (f *fakeSlack) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)

	f.mu.Lock()
	if r.URL.Path != hookPath {
		f.strays++
		f.mu.Unlock()
		_, _ = io.WriteString(w, "ok")
		return
	}
	n := len(f.requests)
	f.requests = append(f.requests, r)
	f.bodies = append(f.bodies, body)
	f.mu.Unlock()

	rep := f.replies[min(n, len(f.replies)-1)]
	if rep.retryAfter != "" {
		w.Header().Set("Retry-After", rep.retryAfter)
	}
	if rep.location != "" {
		w.Header().Set("Location", f.srv.URL+rep.location)
	}
	w.WriteHeader(rep.status)
	_, _ = io.WriteString(w, rep.body)
}

// url returns the webhook URL on the fake server.
func (f *fakeSlack) url() string { return f.srv.URL + hookPath }

// count returns how many posts reached the webhook path.
func (f *fakeSlack) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.requests)
}

// request returns the i-th post and its body.
func (f *fakeSlack) request(i int) (*http.Request, []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.requests[i], f.bodies[i]
}

// strayCount returns how many requests went to another path.
func (f *fakeSlack) strayCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.strays
}

// waits records the pauses a Webhook asked for, without pausing.
type waits struct {
	mu      sync.Mutex
	got     []time.Duration
	reasons []string
	slept   []time.Duration // pauses between a thread's messages
}

// options returns the Webhook options that record into w.
func (w *waits) options() []Option {
	return []Option{
		WithSleep(func(context.Context, time.Duration) error { return nil }),
		WithWaitHook(func(reason string, d time.Duration) {
			w.mu.Lock()
			defer w.mu.Unlock()
			w.got = append(w.got, d)
			w.reasons = append(w.reasons, reason)
		}),
	}
}

// assertNoSecret checks that text holds neither the webhook URL nor its path.
func assertNoSecret(t *testing.T, text, url string) {
	t.Helper()
	assert.NotContains(t, text, url, "error text leaks the webhook URL")
	assert.NotContains(t, text, hookPath, "error text leaks the webhook path")
	assert.NotContains(t, text, "s3cr3tWebhookToken", "error text leaks the webhook secret")
}

func TestPostSendsMessage(t *testing.T) {
	t.Parallel()

	fake := newFakeSlack(t, reply{status: http.StatusOK, body: "ok"})
	m := Render(loserTest(), Options{Now: checkedAt})

	err := NewWebhook(fake.url(), fake.srv.Client()).Post(t.Context(), m)
	require.NoError(t, err, "post to a webhook that answers ok")

	require.Equal(t, 1, fake.count(), "one request")
	req, body := fake.request(0)
	assert.Equal(t, http.MethodPost, req.Method, "method")
	assert.Equal(t, "application/json; charset=utf-8", req.Header.Get("Content-Type"), "content type")

	var got Message
	require.NoError(t, json.Unmarshal(body, &got), "body is a JSON message")
	assert.Equal(t, m, got, "decoded body equals the message")
}

func TestPostResponses(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name         string
		replies      []reply
		wantErr      bool
		wantStatus   int
		wantCode     string
		wantInError  string
		wantRequests int
		wantWaits    []time.Duration
	}{
		{
			name:         "ok",
			replies:      []reply{{status: 200, body: "ok"}},
			wantRequests: 1,
		},
		{
			name:         "ok with white space",
			replies:      []reply{{status: 200, body: " ok\n"}},
			wantRequests: 1,
		},
		{
			name:         "200 not ok",
			replies:      []reply{{status: 200, body: "not ok"}},
			wantErr:      true,
			wantStatus:   200,
			wantCode:     "not ok",
			wantInError:  "does not look like a Slack incoming webhook",
			wantRequests: 1,
		},
		{
			name:         "redirect",
			replies:      []reply{{status: 302, location: "/elsewhere", body: "<a>moved</a>"}},
			wantErr:      true,
			wantStatus:   302,
			wantInError:  "not an incoming-webhook endpoint",
			wantRequests: 1,
		},
		{
			name:         "invalid blocks",
			replies:      []reply{{status: 400, body: "invalid_blocks"}},
			wantErr:      true,
			wantStatus:   400,
			wantCode:     "invalid_blocks",
			wantInError:  "slack answered 400 invalid_blocks: ",
			wantRequests: 1,
		},
		{
			name:         "removed webhook",
			replies:      []reply{{status: 404, body: "no_service"}},
			wantErr:      true,
			wantStatus:   404,
			wantCode:     "no_service",
			wantInError:  "create a new incoming webhook and update the secret",
			wantRequests: 1,
		},
		{
			name:         "archived channel",
			replies:      []reply{{status: 410, body: "channel_is_archived"}},
			wantErr:      true,
			wantStatus:   410,
			wantCode:     "channel_is_archived",
			wantInError:  "unarchive",
			wantRequests: 1,
		},
		{
			name:         "unknown code",
			replies:      []reply{{status: 403, body: "something_new"}},
			wantErr:      true,
			wantStatus:   403,
			wantCode:     "something_new",
			wantInError:  "check the webhook secret",
			wantRequests: 1,
		},
		{
			name: "rate limited then ok",
			replies: []reply{
				{status: 429, retryAfter: "2", body: `{"retry_after":2,"ok":false,"error":"rate_limited"}`},
				{status: 200, body: "ok"},
			},
			wantRequests: 2,
			wantWaits:    []time.Duration{2 * time.Second},
		},
		{
			name:         "rate limited without Retry-After",
			replies:      []reply{{status: 429, body: "rate_limited"}, {status: 200, body: "ok"}},
			wantRequests: 2,
			wantWaits:    []time.Duration{time.Second},
		},
		{
			name:         "rate limited with a long Retry-After",
			replies:      []reply{{status: 429, retryAfter: "120"}, {status: 200, body: "ok"}},
			wantRequests: 2,
			wantWaits:    []time.Duration{30 * time.Second},
		},
		{
			name: "rate limited for good",
			replies: []reply{
				{status: 429, retryAfter: "1", body: `{"ok":false,"error":"rate_limited"}`},
			},
			wantErr:      true,
			wantStatus:   429,
			wantCode:     "rate_limited",
			wantInError:  "post less often",
			wantRequests: 4,
			wantWaits:    []time.Duration{time.Second, time.Second, time.Second},
		},
		{
			name:         "server error then ok",
			replies:      []reply{{status: 500, body: "rollup_error"}, {status: 200, body: "ok"}},
			wantRequests: 2,
		},
		{
			name:         "server error for good",
			replies:      []reply{{status: 500, body: "rollup_error"}},
			wantErr:      true,
			wantStatus:   500,
			wantCode:     "rollup_error",
			wantRequests: 3,
		},
		{
			name:         "long body is capped",
			replies:      []reply{{status: 400, body: strings.Repeat("é", 1000)}},
			wantErr:      true,
			wantStatus:   400,
			wantCode:     strings.Repeat("é", 98) + "…",
			wantRequests: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fake := newFakeSlack(t, tt.replies...)
			var w waits
			hook := NewWebhook(fake.url(), fake.srv.Client(), w.options()...)

			err := hook.Post(t.Context(), Render(keepRunningTest(), Options{Now: checkedAt}))

			assert.Equal(t, tt.wantRequests, fake.count(), "requests the server saw")
			assert.Zero(t, fake.strayCount(), "redirects are not followed")
			if tt.wantWaits != nil {
				assert.Equal(t, tt.wantWaits, w.got, "waits between attempts")
			}
			assert.Len(t, w.got, tt.wantRequests-1, "one wait before each retry")
			for _, reason := range w.reasons {
				assertNoSecret(t, reason, fake.url())
			}
			if !tt.wantErr {
				assert.NoError(t, err, "delivery succeeds")
				return
			}

			var de *DeliveryError
			require.True(t, errors.As(err, &de), "error is *DeliveryError, got %v", err)
			assert.Equal(t, tt.wantStatus, de.StatusCode, "status code")
			assert.Equal(t, tt.wantCode, de.Code, "Slack's code")
			assert.Contains(t, err.Error(), tt.wantInError, "error text says what to do")
			assertNoSecret(t, err.Error(), fake.url())
		})
	}
}

func TestPostTimeout(t *testing.T) {
	t.Parallel()

	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })

	client := srv.Client()
	client.Timeout = 50 * time.Millisecond
	var w waits
	url := srv.URL + hookPath

	err := NewWebhook(url, client, w.options()...).Post(t.Context(), Render(errorResult(), Options{}))

	require.Error(t, err, "a hung server fails the post")
	assertNoSecret(t, err.Error(), url)
	var ne net.Error
	require.True(t, errors.As(err, &ne), "error is a net.Error, got %v", err)
	assert.True(t, ne.Timeout(), "error reports a timeout")
	assert.Len(t, w.got, maxTransientRetries, "timeouts are retried")
}

func TestPostConnectionRefused(t *testing.T) {
	t.Parallel()

	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL + hookPath
	srv.Close()
	var w waits

	err := NewWebhook(url, nil, w.options()...).Post(t.Context(), Render(errorResult(), Options{}))

	var de *DeliveryError
	require.True(t, errors.As(err, &de), "error is *DeliveryError, got %v", err)
	assert.Zero(t, de.StatusCode, "no answer came")
	require.Error(t, de.Err, "the network cause is kept")
	assert.Contains(t, err.Error(), "connection refused", "the cause is named")
	assertNoSecret(t, err.Error(), url)
	assert.Len(t, w.got, maxTransientRetries, "refused connections are retried")
}

func TestPostStopsWhenWaitEnds(t *testing.T) {
	t.Parallel()

	fake := newFakeSlack(t, reply{status: 503})
	stop := errors.New("deadline reached")
	hook := NewWebhook(fake.url(), fake.srv.Client(),
		WithSleep(func(context.Context, time.Duration) error { return stop }))

	err := hook.Post(t.Context(), Render(errorResult(), Options{}))

	assert.ErrorIs(t, err, stop, "the wait's error is kept")
	var de *DeliveryError
	assert.True(t, errors.As(err, &de), "the delivery error is kept")
	assert.Equal(t, 1, fake.count(), "no attempt after the wait failed")
}

func TestPostRefusesBeforeSending(t *testing.T) {
	t.Parallel()

	fake := newFakeSlack(t, reply{status: 200, body: "ok"})
	tests := []struct {
		name string
		url  string
		msg  Message
	}{
		{"invalid message", fake.url(), Message{}},
		{"http off loopback", "http://hooks.example.test" + hookPath, Render(errorResult(), Options{})},
		{"token instead of URL", "xoxb-1234-s3cr3tWebhookToken", Render(errorResult(), Options{})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := NewWebhook(tt.url, fake.srv.Client()).Post(t.Context(), tt.msg)
			require.Error(t, err, "post is refused")
			assertNoSecret(t, err.Error(), tt.url)
		})
	}
	t.Cleanup(func() { assert.Zero(t, fake.count(), "nothing was sent") })
}

func TestNewWebhookLeavesClientAlone(t *testing.T) {
	t.Parallel()

	client := &http.Client{Timeout: time.Second}
	hook := NewWebhook("https://hooks.example.test/x", client)

	assert.Nil(t, client.CheckRedirect, "the caller's client is not changed")
	require.NotNil(t, hook.client.CheckRedirect, "the webhook's copy refuses redirects")
	assert.Equal(t, time.Second, hook.client.Timeout, "the copy keeps the timeout")
}

func TestSleepContext(t *testing.T) {
	t.Parallel()

	require.NoError(t, sleepContext(t.Context(), time.Millisecond), "short wait ends")

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	err := sleepContext(ctx, time.Hour)
	assert.ErrorIs(t, err, context.Canceled, "a canceled wait ends at once")
}

func TestValidateWebhookURL(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name    string
		raw     string
		wantErr string
	}{
		{"https", "https://hooks.slack.com/services/T0/B0/s3cr3tWebhookToken", ""},
		{"loopback ip", "http://127.0.0.1:8080/services/T0/B0/x", ""},
		{"loopback ipv6", "http://[::1]:8080/hook", ""},
		{"localhost", "http://localhost/hook", ""},
		{"empty", "  ", "empty"},
		{"bot token", "xoxb-1234-5678-s3cr3tWebhookToken", "incoming webhook"},
		{"user token", "xoxp-1234-s3cr3tWebhookToken", "incoming webhook"},
		{"http elsewhere", "http://hooks.slack.com/services/T0/B0/s3cr3tWebhookToken", "https"},
		{"other scheme", "ftp://hooks.slack.com/s3cr3tWebhookToken", "https"},
		{"no scheme", "hooks.slack.com/services/s3cr3tWebhookToken", "absolute URL"},
		{"unparsable", "https://hooks.slack.com/%zz/s3cr3tWebhookToken", "absolute URL"},
		{"no host", "https:///s3cr3tWebhookToken", "absolute URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := ValidateWebhookURL(tt.raw)
			if tt.wantErr == "" {
				assert.NoError(t, err, "URL accepted")
				return
			}
			require.Error(t, err, "URL refused")
			assert.Contains(t, err.Error(), tt.wantErr, "error says why")
			assert.NotContains(t, err.Error(), "s3cr3tWebhookToken", "error does not quote the value")
		})
	}
}
