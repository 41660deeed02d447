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

func TestFaults(t *testing.T) {
	t.Parallel()

	now := intelligemstest.SampleTime
	e1 := intelligemstest.SamplePriceTestID
	serverError := `{"error":"Internal Server Error"}`
	cases := []struct {
		name       string
		faults     []intelligemstest.Fault
		target     string // what the faults match; e1 when empty
		timeout    time.Duration
		wantReqs   int
		wantWaits  []string // reasons, in order
		wantStatus int      // of the *APIError returned; 0 for none
		check      func(t *testing.T, err error)
	}{
		{
			name:      "500 once, then the answer",
			faults:    []intelligemstest.Fault{{Status: 500, Body: serverError, Times: 1}},
			wantReqs:  2,
			wantWaits: []string{"server error 500"},
		},
		{
			name: "502 HTML page twice, then the answer",
			faults: []intelligemstest.Fault{{Status: 502, Body: intelligemstest.BadGatewayPage,
				ContentType: "text/html", Times: 2}},
			wantReqs:  3,
			wantWaits: []string{"server error 502", "server error 502"},
		},
		{
			name: "500, then 502, then the answer",
			faults: []intelligemstest.Fault{{Status: 500, Body: serverError, Times: 1},
				{Status: 502, Body: intelligemstest.BadGatewayPage, ContentType: "text/html", Times: 1}},
			wantReqs:  3,
			wantWaits: []string{"server error 500", "server error 502"},
		},
		{
			name: "502 HTML page every time",
			faults: []intelligemstest.Fault{
				{Status: 502, Body: intelligemstest.BadGatewayPage, ContentType: "text/html"},
			},
			wantReqs:   3,
			wantWaits:  []string{"server error 502", "server error 502"},
			wantStatus: 502,
		},
		{
			name:      "a slow answer within the timeout",
			faults:    []intelligemstest.Fault{{Hang: 20 * time.Millisecond}},
			timeout:   5 * time.Second,
			wantReqs:  1,
			wantWaits: []string{},
		},
		{
			name:      "a hang past the timeout, once",
			faults:    []intelligemstest.Fault{{Hang: 10 * time.Second, Times: 1}},
			timeout:   100 * time.Millisecond,
			wantReqs:  2,
			wantWaits: []string{"network error"},
		},
		{
			name:      "a hang past the timeout, every time",
			faults:    []intelligemstest.Fault{{Hang: 10 * time.Second}},
			timeout:   100 * time.Millisecond,
			wantReqs:  3,
			wantWaits: []string{"network error", "network error"},
			check: func(t *testing.T, err error) {
				assert.ErrorIs(t, err, context.DeadlineExceeded, "the cause is the client's timeout")
				var timeout interface{ Timeout() bool }
				require.True(t, errors.As(err, &timeout), "a timeout error in %v", err)
				assert.True(t, timeout.Timeout())
			},
		},
		{
			name:      "a transfer cut short, once",
			faults:    []intelligemstest.Fault{{Truncate: true, Times: 1}},
			wantReqs:  2,
			wantWaits: []string{"network error"},
		},
		{
			name:      "a 200 whose JSON stops half way, once",
			faults:    []intelligemstest.Fault{{Status: 200, Body: `{"metrics":[{"variation_id":`, Times: 1}},
			wantReqs:  2,
			wantWaits: []string{"malformed JSON with status 200"},
		},
		{
			name:      "an empty 200, every time",
			faults:    []intelligemstest.Fault{{Status: 200}},
			wantReqs:  3,
			wantWaits: []string{"malformed JSON with status 200", "malformed JSON with status 200"},
			check: func(t *testing.T, err error) {
				var decErr *intelligems.DecodeError
				require.True(t, errors.As(err, &decErr), "want a *DecodeError, got %v", err)
				assert.EqualError(t, decErr.Err, "body is empty")
			},
		},
		{
			name:       "404 for one test: not retried, only the legacy form tried",
			faults:     []intelligemstest.Fault{{Status: 404, Body: `{"error":"Not Found"}`}},
			wantReqs:   2,
			wantWaits:  []string{},
			wantStatus: 404,
			check: func(t *testing.T, err error) {
				assert.True(t, intelligems.IsNotFound(err), "IsNotFound(%v)", err)
			},
		},
		{
			name:       "401 for everything: not retried",
			target:     "*",
			faults:     []intelligemstest.Fault{{Status: 401, Body: `{"error":"Unauthorized!"}`}},
			wantReqs:   1,
			wantWaits:  []string{},
			wantStatus: 401,
			check: func(t *testing.T, err error) {
				assert.True(t, intelligems.IsUnauthorized(err), "IsUnauthorized(%v)", err)
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			target := tc.target
			if target == "" {
				target = e1
			}
			var srvOpts []intelligemstest.Option
			for _, f := range tc.faults {
				srvOpts = append(srvOpts, intelligemstest.WithFault(target, f))
			}
			var opts []intelligems.Option
			if tc.timeout > 0 {
				tr := &http.Transport{}
				t.Cleanup(tr.CloseIdleConnections)
				opts = append(opts, intelligems.WithHTTPClient(&http.Client{Transport: tr, Timeout: tc.timeout}))
			}
			ft := newFakeTime(now)
			srv, c := setup(t, intelligemstest.SampleDataset(now), ft, srvOpts, opts...)

			start := time.Now()
			a, err := c.Analytics(context.Background(), e1)

			assert.Less(t, time.Since(start), 5*time.Second, "bounded in time")
			assert.Len(t, srv.Requests(), tc.wantReqs, "requests sent")
			reasons := []string{}
			for _, w := range ft.Waits() {
				reasons = append(reasons, w.Reason)
			}
			assert.Equal(t, tc.wantWaits, reasons, "pauses")
			if tc.check != nil {
				tc.check(t, err)
			}
			if tc.wantStatus != 0 {
				var apiErr *intelligems.APIError
				require.True(t, errors.As(err, &apiErr), "want an *APIError, got %v", err)
				assert.Equal(t, tc.wantStatus, apiErr.StatusCode)
			}
			if tc.wantStatus != 0 || tc.check != nil {
				require.Error(t, err)
				assert.NotContains(t, err.Error(), testKey, "error text never holds the key")
				assert.NotContains(t, err.Error(), "127.0.0.1", "error text names no host")
				return
			}
			require.NoError(t, err)
			assert.Len(t, a.Rows, 2, "the real analytics arrived")
		})
	}
}

func TestListFaults(t *testing.T) {
	t.Parallel()

	now := intelligemstest.SampleTime
	ft := newFakeTime(now)
	srv, c := setup(t, intelligemstest.SampleDataset(now), ft, []intelligemstest.Option{
		intelligemstest.WithFault("/experiences-list", intelligemstest.Fault{Truncate: true, Times: 1}),
		intelligemstest.WithFault("/experiences-list", intelligemstest.Fault{Status: 503, Times: 1}),
	})

	got, err := c.ListRunning(context.Background())

	require.NoError(t, err)
	assert.Len(t, got, 3, "the running experiments")
	assert.Len(t, srv.Requests(), 3, "two failures, then the list")
	assert.Equal(t, intelligems.Stats{Requests: 3, Retries: 2, Pauses: 2, Paused: c.Stats().Paused}, c.Stats())
}
