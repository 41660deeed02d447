package intelligemstest_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ighealth/intelligems-health-action/intelligems/intelligemstest"
)

// answer is what one raw request got.
type answer struct {
	status      int
	contentType string
	body        string
	err         error
}

func send(ctx context.Context, t *testing.T, srv *intelligemstest.Server, method, target string) answer {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, method, srv.URL()+target, nil)
	require.NoError(t, err)
	req.Header.Set("intelligems-access-token", key)

	resp, err := srv.Client().Do(req)
	if err != nil {
		return answer{err: err}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	return answer{status: resp.StatusCode, contentType: resp.Header.Get("Content-Type"), body: string(raw), err: err}
}

func TestFaultScript(t *testing.T) {
	t.Parallel()

	e1 := "/analytics/resource/" + intelligemstest.SamplePriceTestID
	cases := []struct {
		name       string
		target     string
		faults     []intelligemstest.Fault
		path       string
		wantStatus []int
		wantType   string // Content-Type of the first answer
		wantBody   string // start of the first answer
	}{
		{
			name:   "by experience ID, in order, then normal",
			target: intelligemstest.SamplePriceTestID,
			faults: []intelligemstest.Fault{{Status: 500, Body: `{"error":"boom"}`, Times: 2},
				{Status: 502, Body: intelligemstest.BadGatewayPage, ContentType: "text/html", Times: 1}},
			path:       e1,
			wantStatus: []int{500, 500, 502, 200},
			wantType:   "application/json",
			wantBody:   `{"error":"boom"}`,
		},
		{
			name:   "HTML page",
			target: intelligemstest.SamplePriceTestID,
			faults: []intelligemstest.Fault{{Status: 502, Body: intelligemstest.BadGatewayPage,
				ContentType: "text/html", Times: 1}},
			path:       e1,
			wantStatus: []int{502, 200},
			wantType:   "text/html",
			wantBody:   "<html>",
		},
		{
			name:       "by path, always",
			target:     "/experiences-list",
			faults:     []intelligemstest.Fault{{Status: 503, Body: `{}`}},
			path:       "/experiences-list",
			wantStatus: []int{503, 503, 503},
		},
		{
			name:       "every path",
			target:     "*",
			faults:     []intelligemstest.Fault{{Status: 401, Body: `{"error":"Unauthorized"}`}},
			path:       e1,
			wantStatus: []int{401, 401},
		},
		{
			name:       "another ID is untouched",
			target:     intelligemstest.SampleThreeArmID,
			faults:     []intelligemstest.Fault{{Status: 404, Body: `{"error":"Not Found"}`}},
			path:       e1,
			wantStatus: []int{200, 200},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var opts []intelligemstest.Option
			for _, f := range tc.faults {
				opts = append(opts, intelligemstest.WithFault(tc.target, f))
			}
			srv := intelligemstest.NewServer(key, intelligemstest.SampleDataset(intelligemstest.SampleTime), opts...)
			t.Cleanup(srv.Close)

			var got []int
			for i := range tc.wantStatus {
				a := send(context.Background(), t, srv, http.MethodGet, tc.path)
				require.NoError(t, a.err)
				got = append(got, a.status)
				if i == 0 && tc.wantType != "" {
					assert.Equal(t, tc.wantType, a.contentType)
					assert.True(t, strings.HasPrefix(a.body, tc.wantBody), "body %q", a.body)
				}
			}
			assert.Equal(t, tc.wantStatus, got)
			assert.Len(t, srv.Requests(), len(tc.wantStatus), "every request is recorded")
		})
	}
}

func TestFaultTruncate(t *testing.T) {
	t.Parallel()

	srv := intelligemstest.NewServer(key, intelligemstest.SampleDataset(intelligemstest.SampleTime),
		intelligemstest.WithFault("/experiences-list", intelligemstest.Fault{Truncate: true, Times: 1}))
	t.Cleanup(srv.Close)

	cut := send(context.Background(), t, srv, http.MethodGet, "/experiences-list")
	whole := send(context.Background(), t, srv, http.MethodGet, "/experiences-list")

	assert.ErrorIs(t, cut.err, io.ErrUnexpectedEOF, "the body ends before its length")
	require.NoError(t, whole.err)
	assert.Equal(t, whole.body[:len(cut.body)], cut.body, "the head of the real answer")
	assert.InDelta(t, len(whole.body)/2, len(cut.body), 1, "about half of it")
}

func TestFaultHang(t *testing.T) {
	t.Parallel()

	cases := []struct {
		name    string
		hang    time.Duration
		timeout time.Duration
		wantErr bool
	}{
		{name: "ends when the client gives up", hang: time.Minute, timeout: 50 * time.Millisecond, wantErr: true},
		{name: "answers after a short hang", hang: 30 * time.Millisecond, timeout: 5 * time.Second},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := intelligemstest.NewServer(key, intelligemstest.SampleDataset(intelligemstest.SampleTime),
				intelligemstest.WithFault("*", intelligemstest.Fault{Hang: tc.hang}))
			ctx, cancel := context.WithTimeout(context.Background(), tc.timeout)
			defer cancel()

			start := time.Now()
			a := send(ctx, t, srv, http.MethodGet, "/experiences-list")
			srv.Close()

			assert.Less(t, time.Since(start), 5*time.Second, "neither the request nor Close waits out the hang")
			if tc.wantErr {
				assert.ErrorIs(t, a.err, context.DeadlineExceeded)
				return
			}
			require.NoError(t, a.err)
			assert.Equal(t, http.StatusOK, a.status)
			assert.GreaterOrEqual(t, time.Since(start), tc.hang)
		})
	}
}

func TestFaultHangEndsOnClose(t *testing.T) {
	t.Parallel()

	srv := intelligemstest.NewServer(key, nil, intelligemstest.WithFault("*", intelligemstest.Fault{Hang: time.Minute}))
	done := make(chan answer, 1)
	go func() { done <- send(context.Background(), t, srv, http.MethodGet, "/experiences-list") }()
	require.Eventually(t, func() bool { return len(srv.Requests()) == 1 }, 5*time.Second, 5*time.Millisecond)

	start := time.Now()
	srv.Close()

	assert.Less(t, time.Since(start), 5*time.Second, "Close ends the hang")
	assert.Error(t, (<-done).err, "the hung request gets no answer")
}

func TestStrictRateLimit(t *testing.T) {
	t.Parallel()

	now := intelligemstest.SampleTime
	cases := []struct {
		name      string
		opts      []intelligemstest.Option
		wantReset string
		wantRetry float64
	}{
		{name: "reset as epoch, whole seconds", wantReset: "1773666030000", wantRetry: 30,
			opts: []intelligemstest.Option{intelligemstest.WithStrictRateLimit(30 * time.Second)}},
		{name: "reset as duration", wantReset: "30000", wantRetry: 30,
			opts: []intelligemstest.Option{intelligemstest.WithStrictRateLimit(30 * time.Second),
				intelligemstest.WithResetMode(intelligemstest.ResetDurationMillis)}},
		{name: "scaled, whole seconds", wantReset: "1773666000200", wantRetry: 1,
			opts: []intelligemstest.Option{intelligemstest.WithStrictRateLimit(200 * time.Millisecond)}},
		{name: "scaled, fractional retryAfter", wantReset: "200", wantRetry: 0.2,
			opts: []intelligemstest.Option{intelligemstest.WithStrictRateLimit(200 * time.Millisecond),
				intelligemstest.WithResetMode(intelligemstest.ResetDurationMillis),
				intelligemstest.WithFractionalRetryAfter()}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			clock := now
			opts := append([]intelligemstest.Option{
				intelligemstest.WithClock(func() time.Time { return clock }),
			}, tc.opts...)
			srv := intelligemstest.NewServer(key, intelligemstest.SampleDataset(now), opts...)
			t.Cleanup(srv.Close)

			var remaining []string
			for range intelligemstest.StrictBurst {
				r := call(t, srv, http.MethodGet, "/experiences-list", key, "")
				require.Equal(t, http.StatusOK, r.status)
				remaining = append(remaining, r.header.Get("x-ratelimit-remaining"))
				assert.Equal(t, "4", r.header.Get("x-ratelimit-limit"))
				assert.Equal(t, tc.wantReset, r.header.Get("x-ratelimit-reset"))
			}
			refused := call(t, srv, http.MethodGet, "/experiences-list", key, "")

			assert.Equal(t, []string{"3", "2", "1", "0"}, remaining)
			assert.Equal(t, http.StatusTooManyRequests, refused.status)
			assert.Equal(t, tc.wantRetry, refused.body["retryAfter"])
			assert.Equal(t, tc.wantReset, refused.header.Get("x-ratelimit-reset"))
		})
	}
}
