package slacktest_test

import (
	"cmp"
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ighealth/intelligems-health-action/slack/slacktest"
)

const message = `{"text":"3 tests checked","blocks":[{"type":"section","text":{"type":"mrkdwn","text":"hi"}}]}`

// result is what one request got.
type result struct {
	status int
	header http.Header
	body   string
	err    error
}

// post sends one request the way a careful sender does: no redirects
// followed.
func post(ctx context.Context, t *testing.T, hook *slacktest.Webhook, method, url, contentType, body string) result {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, method, url, strings.NewReader(body))
	require.NoError(t, err)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}

	c := *hook.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.Do(req)
	if err != nil {
		return result{err: err}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	return result{status: resp.StatusCode, header: resp.Header, body: string(raw), err: err}
}

func TestWebhookAnswers(t *testing.T) {
	t.Parallel()

	cases := []struct {
		name        string
		method      string
		path        string // below the server; HookPath when empty
		contentType string
		body        string
		wantStatus  int
		wantBody    string
	}{
		{name: "a message", contentType: "application/json", body: message,
			wantStatus: 200, wantBody: "ok"},
		{name: "with a charset", contentType: "application/json; charset=utf-8", body: `{"text":"hi"}`,
			wantStatus: 200, wantBody: "ok"},
		{name: "GET", method: http.MethodGet, wantStatus: 400, wantBody: "invalid_payload"},
		{name: "form encoded", contentType: "application/x-www-form-urlencoded", body: "payload=%7B%7D",
			wantStatus: 400, wantBody: "invalid_payload"},
		{name: "no content type", body: message, wantStatus: 400, wantBody: "invalid_payload"},
		{name: "broken JSON", contentType: "application/json", body: `{"text":`,
			wantStatus: 400, wantBody: "invalid_payload"},
		{name: "JSON array", contentType: "application/json", body: `[1]`,
			wantStatus: 400, wantBody: "invalid_payload"},
		{name: "nothing to show", contentType: "application/json", body: `{"username":"bot"}`,
			wantStatus: 400, wantBody: "no_text"},
		{name: "another path", path: "/services/T000/B000/other", contentType: "application/json",
			body: message, wantStatus: 404, wantBody: "no_service"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			hook := slacktest.NewWebhook()
			t.Cleanup(hook.Close)
			method, url := tc.method, hook.URL()
			if method == "" {
				method = http.MethodPost
			}
			if tc.path != "" {
				url = strings.TrimSuffix(url, slacktest.HookPath) + tc.path
			}

			r := post(context.Background(), t, hook, method, url, tc.contentType, tc.body)

			require.NoError(t, r.err)
			assert.Equal(t, tc.wantStatus, r.status)
			assert.Equal(t, tc.wantBody, r.body)
			posts := hook.Posts()
			require.Len(t, posts, 1, "every request is recorded")
			assert.Equal(t, tc.body, string(posts[0].Body))
			assert.Equal(t, tc.wantStatus, posts[0].Status)
			if tc.wantStatus == 200 {
				assert.Len(t, hook.Delivered(), 1)
				assert.NotNil(t, posts[0].JSON["text"], "the decoded payload")
				assert.Equal(t, tc.contentType, posts[0].Header.Get("Content-Type"))
				assert.False(t, posts[0].Time.IsZero(), "arrival time")
				return
			}
			assert.Empty(t, hook.Delivered(), "a refused post is not delivered")
		})
	}
}

func TestWebhookRateLimit(t *testing.T) {
	t.Parallel()

	clock := time.Date(2026, 3, 16, 13, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	now := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		return clock
	}
	advance := func(d time.Duration) {
		mu.Lock()
		defer mu.Unlock()
		clock = clock.Add(d)
	}
	hook := slacktest.NewWebhook(slacktest.WithRateLimit(2, time.Second), slacktest.WithClock(now))
	t.Cleanup(hook.Close)
	send := func() result {
		return post(context.Background(), t, hook, http.MethodPost, hook.URL(), "application/json", message)
	}

	first, second, third := send(), send(), send()
	advance(time.Second)
	fourth := send()

	assert.Equal(t, []int{200, 200, 429, 200}, []int{first.status, second.status, third.status, fourth.status})
	assert.Equal(t, "1", third.header.Get("Retry-After"))
	assert.JSONEq(t, `{"ok":false,"error":"rate_limited","retry_after":1}`, third.body)
	assert.Len(t, hook.Posts(), 4)
	assert.Len(t, hook.Delivered(), 3, "the refused post is not delivered")
}

func TestWebhookRateLimitRetryAfter(t *testing.T) {
	t.Parallel()

	hook := slacktest.NewWebhook(slacktest.WithRateLimit(1, 3*time.Second))
	t.Cleanup(hook.Close)

	_ = post(context.Background(), t, hook, http.MethodPost, hook.URL(), "application/json", message)
	r := post(context.Background(), t, hook, http.MethodPost, hook.URL(), "application/json", message)

	assert.Equal(t, http.StatusTooManyRequests, r.status)
	assert.Equal(t, "3", r.header.Get("Retry-After"), "whole seconds until the next token")
}

func TestWebhookScript(t *testing.T) {
	t.Parallel()

	cases := []struct {
		name          string
		script        []slacktest.Answer
		timeout       time.Duration
		wantStatus    []int // 0 where no answer came
		wantDelivered int
		check         func(t *testing.T, hook *slacktest.Webhook, results []result)
	}{
		{
			name:          "server error, then ok",
			script:        []slacktest.Answer{{Status: 500, Body: "rollup_error"}},
			wantStatus:    []int{500, 200},
			wantDelivered: 1,
		},
		{
			name: "Slack's codes",
			script: []slacktest.Answer{{Status: 404, Body: "channel_not_found"},
				{Status: 410, Body: "channel_is_archived"}, {Status: 403, Body: "invalid_token"}},
			wantStatus:    []int{404, 410, 403},
			wantDelivered: 0,
			check: func(t *testing.T, _ *slacktest.Webhook, results []result) {
				assert.Equal(t, "channel_is_archived", results[1].body)
			},
		},
		{
			name:          "200 without ok is not delivered",
			script:        []slacktest.Answer{{Status: 200, Body: ""}},
			wantStatus:    []int{200},
			wantDelivered: 0,
		},
		{
			name: "scripted 429 with headers",
			script: []slacktest.Answer{{Status: 429, Body: `{"ok":false,"error":"rate_limited","retry_after":7}`,
				Header: http.Header{"Retry-After": {"7"}, "Content-Type": {"application/json"}}}},
			wantStatus: []int{429, 200},
			check: func(t *testing.T, _ *slacktest.Webhook, results []result) {
				assert.Equal(t, "7", results[0].header.Get("Retry-After"))
				assert.Equal(t, "application/json", results[0].header.Get("Content-Type"))
			},
			wantDelivered: 1,
		},
		{
			name:          "redirect, not followed",
			script:        []slacktest.Answer{{RedirectTo: "/elsewhere"}},
			wantStatus:    []int{302},
			wantDelivered: 0,
			check: func(t *testing.T, hook *slacktest.Webhook, results []result) {
				assert.True(t, strings.HasSuffix(results[0].header.Get("Location"), "/elsewhere"))
				assert.True(t, strings.HasPrefix(results[0].header.Get("Location"), "http://127.0.0.1:"))
				assert.Len(t, hook.Posts(), 1, "nothing followed the redirect")
			},
		},
		{
			name:          "hang past the sender's timeout, then normal",
			script:        []slacktest.Answer{{Hang: time.Minute}},
			timeout:       50 * time.Millisecond,
			wantStatus:    []int{0, 200},
			wantDelivered: 1,
			check: func(t *testing.T, hook *slacktest.Webhook, results []result) {
				assert.ErrorIs(t, results[0].err, context.DeadlineExceeded)
				assert.Zero(t, hook.Posts()[0].Status, "no answer recorded")
			},
		},
		{
			name:          "short hang, then Slack's own answer",
			script:        []slacktest.Answer{{Hang: 20 * time.Millisecond}},
			timeout:       5 * time.Second,
			wantStatus:    []int{200},
			wantDelivered: 1,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			hook := slacktest.NewWebhook(slacktest.WithScript(tc.script...))
			t.Cleanup(hook.Close)

			start := time.Now()
			var results []result
			var got []int
			for range tc.wantStatus {
				ctx, cancel := context.WithTimeout(context.Background(), cmp.Or(tc.timeout, 5*time.Second))
				r := post(ctx, t, hook, http.MethodPost, hook.URL(), "application/json", message)
				cancel()
				results = append(results, r)
				got = append(got, r.status)
			}

			assert.Less(t, time.Since(start), 5*time.Second, "bounded in time")
			assert.Equal(t, tc.wantStatus, got)
			assert.Len(t, hook.Delivered(), tc.wantDelivered)
			for _, p := range hook.Delivered() {
				assert.True(t, p.Delivered())
			}
			if tc.check != nil {
				tc.check(t, hook, results)
			}
		})
	}
}

func TestWebhookCloseEndsHang(t *testing.T) {
	t.Parallel()

	hook := slacktest.NewWebhook(slacktest.WithScript(slacktest.Answer{Hang: time.Minute}))
	done := make(chan result, 1)
	go func() {
		done <- post(context.Background(), t, hook, http.MethodPost, hook.URL(), "application/json", message)
	}()
	require.Eventually(t, func() bool { return len(hook.Posts()) == 1 }, 5*time.Second, 5*time.Millisecond)

	start := time.Now()
	hook.Close()
	hook.Close()

	assert.Less(t, time.Since(start), 5*time.Second, "Close ends the hang")
	assert.Error(t, (<-done).err, "the hung post gets no answer")
	assert.Empty(t, hook.Delivered())
}
