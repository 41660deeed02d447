package intelligems_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ighealth/intelligems-health-action/intelligems"
	"github.com/ighealth/intelligems-health-action/intelligems/intelligemstest"
)

func TestErrors(t *testing.T) {
	t.Parallel()

	now := intelligemstest.SampleTime
	e1 := intelligemstest.SamplePriceTestID
	cases := []struct {
		name       string
		key        string
		srvOpts    []intelligemstest.Option
		id         string
		wantStatus int
		wantMsg    string
		wantReqs   int
		wantWaits  int
		is         func(error) bool
	}{
		{
			name: "wrong key", key: "wrong-key-9c1e", id: e1,
			wantStatus: 401, wantMsg: "Unauthorized", wantReqs: 1, is: intelligems.IsUnauthorized,
		},
		{
			name: "unknown experience, after falling back to GET", id: "no-such-id",
			wantStatus: 404, wantMsg: "Not Found", wantReqs: 2, is: intelligems.IsNotFound,
		},
		{
			name: "server error retried, then given up", id: e1,
			srvOpts: []intelligemstest.Option{
				intelligemstest.WithAnalyticsFault(e1, 500, `{"error":"Internal Server Error"}`),
			},
			wantStatus: 500, wantMsg: "Internal Server Error", wantReqs: 3, wantWaits: 2,
		},
		{
			name: "forbidden is not retried", id: e1,
			srvOpts: []intelligemstest.Option{
				intelligemstest.WithAnalyticsFault(e1, 403, `{"error":"Plan lacks feature"}`),
			},
			wantStatus: 403, wantMsg: "Plan lacks feature", wantReqs: 1, is: intelligems.IsUnauthorized,
		},
		{
			name: "key echoed by the server is redacted", id: e1,
			srvOpts: []intelligemstest.Option{intelligemstest.WithAnalyticsFault(e1, 400,
				`{"errors":[],"properties":{"token":{"errors":["bad token `+testKey+`"]}}}`)},
			wantStatus: 400, wantMsg: "token: bad token [redacted]", wantReqs: 1,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ft := newFakeTime(now)
			srv, c := setup(t, intelligemstest.SampleDataset(now), ft, tc.srvOpts)
			key := testKey
			if tc.key != "" {
				key = tc.key
				var err error
				c, err = intelligems.NewClient(srv.URL(), key, intelligems.WithHTTPClient(srv.Client()),
					intelligems.WithSleep(ft.Sleep), intelligems.WithWaitHook(ft.Hook))
				require.NoError(t, err)
			}

			_, err := c.Analytics(context.Background(), tc.id)

			var apiErr *intelligems.APIError
			require.True(t, errors.As(err, &apiErr), "want an *APIError, got %v", err)
			assert.Equal(t, tc.wantStatus, apiErr.StatusCode)
			assert.Equal(t, tc.wantMsg, apiErr.Message)
			assert.NotContains(t, apiErr.Path, "?", "path has no query")
			assert.NotContains(t, err.Error(), key, "error text never holds the key")
			assert.NotContains(t, apiErr.Body, key, "body snippet never holds the key")
			assert.NotContains(t, err.Error(), "127.0.0.1", "error text names no host")
			if tc.is != nil {
				assert.True(t, tc.is(err), "classifier matches %v", err)
			}
			assert.Len(t, srv.Requests(), tc.wantReqs, "requests sent")
			assert.Len(t, ft.Waits(), tc.wantWaits, "pauses")
		})
	}
}

func TestAPIErrorText(t *testing.T) {
	t.Parallel()

	err := &intelligems.APIError{
		Method: http.MethodGet, Path: "/experiences-list", StatusCode: 401, Message: "Unauthorized",
	}
	assert.Equal(t, "GET /experiences-list: 401 Unauthorized: Unauthorized", err.Error())
}

func TestRateLimit(t *testing.T) {
	t.Parallel()

	now := intelligemstest.SampleTime
	cases := []struct {
		name       string
		srvOpts    []intelligemstest.Option
		opts       []intelligems.Option
		calls      int
		wantWaits  []intelligems.Wait
		wantStatus int // 0 when every call succeeds
	}{
		{
			name:    "one 429 with retryAfter is waited out",
			srvOpts: []intelligemstest.Option{intelligemstest.WithThrottleFirst(1, 18)},
			calls:   1,
			wantWaits: []intelligems.Wait{{
				Reason: "rate limited (429)", Duration: 18 * time.Second, Attempt: 2,
				Path: "/analytics/resource/" + intelligemstest.SamplePriceTestID,
			}},
		},
		{
			name:    "a spent budget is waited out before the request, not after a 429",
			srvOpts: []intelligemstest.Option{intelligemstest.WithRateLimit(2, 1, 30*time.Second)},
			calls:   3,
			wantWaits: []intelligems.Wait{{
				Reason: "rate limit nearly used up (0 of 2 left)", Duration: 30*time.Second + 25*time.Millisecond,
				Attempt: 1, Path: "/analytics/resource/" + intelligemstest.SamplePriceTestID,
			}},
		},
		{
			name:       "too many 429s give up",
			srvOpts:    []intelligemstest.Option{intelligemstest.WithThrottleFirst(10, 1)},
			opts:       []intelligems.Option{intelligems.WithMaxRateLimitAttempts(3)},
			calls:      1,
			wantStatus: http.StatusTooManyRequests,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ft := newFakeTime(now)
			_, c := setup(t, intelligemstest.SampleDataset(now), ft, tc.srvOpts, tc.opts...)

			var err error
			for range tc.calls {
				_, err = c.Analytics(context.Background(), intelligemstest.SamplePriceTestID)
			}

			if tc.wantStatus != 0 {
				var apiErr *intelligems.APIError
				require.True(t, errors.As(err, &apiErr), "want an *APIError, got %v", err)
				assert.Equal(t, tc.wantStatus, apiErr.StatusCode)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.wantWaits, ft.Waits())
		})
	}
}

func TestWaitStopsOnCancel(t *testing.T) {
	t.Parallel()

	now := intelligemstest.SampleTime
	srv := intelligemstest.NewServer(testKey, intelligemstest.SampleDataset(now),
		intelligemstest.WithThrottleFirst(1, 60))
	t.Cleanup(srv.Close)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c, err := intelligems.NewClient(srv.URL(), testKey, intelligems.WithHTTPClient(srv.Client()),
		intelligems.WithWaitHook(func(intelligems.Wait) { cancel() }))
	require.NoError(t, err)

	start := time.Now()
	_, err = c.ListRunning(ctx)

	assert.ErrorIs(t, err, context.Canceled)
	assert.Less(t, time.Since(start), 10*time.Second, "the 60-second wait ends with the context")
}

func TestHTMLPageRetried(t *testing.T) {
	t.Parallel()

	now := intelligemstest.SampleTime
	e1 := intelligemstest.SamplePriceTestID
	ft := newFakeTime(now)
	srv, c := setup(t, intelligemstest.SampleDataset(now), ft,
		[]intelligemstest.Option{intelligemstest.WithAnalyticsFault(e1, 200, "<html><body>Bad gateway</body></html>")})

	_, err := c.Analytics(context.Background(), e1)

	var decErr *intelligems.DecodeError
	require.True(t, errors.As(err, &decErr), "want a *DecodeError, got %v", err)
	assert.Len(t, srv.Requests(), intelligems.DefaultMaxAttempts)
	assert.Len(t, ft.Waits(), intelligems.DefaultMaxAttempts-1)
}

func TestNewClient(t *testing.T) {
	t.Parallel()

	cases := []struct {
		name    string
		base    string
		key     string
		wantErr bool
	}{
		{name: "valid", base: "https://127.0.0.1:8443/v25-10-beta", key: "k"},
		{name: "trailing slash", base: "http://localhost/v25-10-beta/", key: "k"},
		{name: "no scheme", base: "127.0.0.1/v25-10-beta", key: "k", wantErr: true},
		{name: "no host", base: "https:///v25-10-beta", key: "k", wantErr: true},
		{name: "unparseable", base: "http://[::1", key: "k", wantErr: true},
		{name: "empty key", base: "https://127.0.0.1/v25-10-beta", wantErr: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := intelligems.NewClient(tc.base, tc.key)
			if tc.wantErr {
				assert.Error(t, err)
				return
			}
			assert.NoError(t, err)
		})
	}
}
