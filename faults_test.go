package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ighealth/intelligems-health-action/intelligems/intelligemstest"
	"github.com/ighealth/intelligems-health-action/slack/slacktest"
)

// withNames returns d with the i-th experience renamed.
func withNames(t *testing.T, d *intelligemstest.Dataset, names map[int]string) *intelligemstest.Dataset {
	t.Helper()
	for i, name := range names {
		var e map[string]any
		require.NoError(t, json.Unmarshal(d.Experiences[i], &e))
		e["name"] = name
		b, err := json.Marshal(e)
		require.NoError(t, err)
		d.Experiences[i] = b
	}
	return d
}

// experimentID returns the id of the i-th experience in d.
func experimentID(t *testing.T, d *intelligemstest.Dataset, i int) string {
	t.Helper()
	var e struct{ ID string }
	require.NoError(t, json.Unmarshal(d.Experiences[i], &e))
	return e.ID
}

// runningClock starts at fixtureNow and runs with the wall clock, so the
// sample data has its intended age and rate-limit refills still happen.
func runningClock() func() time.Time {
	start := time.Now()
	return func() time.Time { return fixtureNow.Add(time.Since(start)) }
}

// jumpingClock starts at fixtureNow and moves on by step at every reading,
// so a run meets its deadline after a few readings.
func jumpingClock(step time.Duration) func() time.Time {
	var mu sync.Mutex
	now := fixtureNow
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		t := now
		now = now.Add(step)
		return t
	}
}

// TestFaultMatrix runs the whole program against faults of the API and of
// Slack and checks what the user gets: the exit, the messages delivered,
// the outputs, the log, and that no secret leaks.
func TestFaultMatrix(t *testing.T) {
	t.Parallel()

	const tests = 8
	gen := func() *intelligemstest.Dataset { return intelligemstest.GeneratedDataset(fixtureNow, tests) }
	first := experimentID(t, gen(), 0)

	cases := []struct {
		name       string
		data       *intelligemstest.Dataset
		apiOpts    []intelligemstest.Option
		hookScript []slacktest.Answer
		key        string
		with       map[string]string
		clock      func() time.Time
		slow       bool // requests may take as long as the run allows
		failed     bool
		delivered  int
		outputs    map[string]string
		log        []string
	}{
		{
			name: "strict bucket, transient 500s, an HTML 502, a hang and Slack 429s",
			apiOpts: []intelligemstest.Option{
				intelligemstest.WithStrictRateLimit(300 * time.Millisecond),
				intelligemstest.WithFractionalRetryAfter(),
				intelligemstest.WithFault(first, intelligemstest.Fault{
					Status: 500, Body: `{"error":"Internal Server Error"}`, Times: 1,
				}),
				intelligemstest.WithFault(first, intelligemstest.Fault{
					Status: 502, Body: intelligemstest.BadGatewayPage,
					ContentType: "text/html", Times: 1,
				}),
				intelligemstest.WithFault("/experiences-list", intelligemstest.Fault{Hang: 2 * time.Second, Times: 1}),
			},
			hookScript: []slacktest.Answer{{
				Status: 429, Header: http.Header{"Retry-After": {"1"}}, Body: "rate_limited",
			}},
			delivered: tests,
			outputs:   map[string]string{"checked-count": "8", "error-count": "0"},
			log:       []string{"server error 500", "rate limit", "Slack: "},
		},
		{
			name:      "wrong key",
			key:       "wrong-key",
			failed:    true,
			outputs:   map[string]string{"checked-count": "0", "error-count": "0", "unhealthy-tests": "[]"},
			log:       []string{"401 Unauthorized"},
			delivered: 1, // the message that the check could not run
		},
		{
			name: "broken JSON for one test",
			apiOpts: []intelligemstest.Option{
				intelligemstest.WithFault(first, intelligemstest.Fault{Truncate: true}),
			},
			failed:    true,
			delivered: tests,
			outputs:   map[string]string{"checked-count": "7", "error-count": "1"},
			log:       []string{"::error title=Generated 01"},
		},
		{
			name: "an HTML 502 that does not go away",
			apiOpts: []intelligemstest.Option{
				intelligemstest.WithFault(first, intelligemstest.Fault{
					Status: 502, Body: intelligemstest.BadGatewayPage, ContentType: "text/html",
				}),
			},
			failed:    true,
			delivered: tests,
			outputs:   map[string]string{"checked-count": "7", "error-count": "1"},
			log:       []string{"502"},
		},
		{
			name: "a test that hangs past the request timeout",
			apiOpts: []intelligemstest.Option{
				intelligemstest.WithFault(first, intelligemstest.Fault{Hang: time.Minute}),
			},
			failed:    true,
			delivered: tests,
			outputs:   map[string]string{"checked-count": "7", "error-count": "1"},
			log:       []string{"Client.Timeout exceeded"},
		},
		{
			name: "a 429 storm under the strict bucket",
			apiOpts: []intelligemstest.Option{
				intelligemstest.WithStrictRateLimit(200 * time.Millisecond),
				intelligemstest.WithFractionalRetryAfter(),
			},
			delivered: tests,
			outputs:   map[string]string{"checked-count": "8", "error-count": "0"},
		},
		{
			name:       "Slack 500 then ok",
			hookScript: []slacktest.Answer{{Status: 500, Body: "rollup_error"}},
			delivered:  tests,
			outputs:    map[string]string{"checked-count": "8"},
		},
		{
			name: "revoked webhook",
			hookScript: []slacktest.Answer{
				{Status: 404, Body: "no_service"},
				{Status: 404, Body: "no_service"},
			},
			failed:    true,
			delivered: tests - 2,
			log:       []string{"no_service", "create a new incoming webhook"},
		},
		{
			name:       "redirecting webhook",
			hookScript: []slacktest.Answer{{RedirectTo: "/elsewhere"}},
			failed:     true,
			delivered:  tests - 1,
			log:        []string{"302"},
		},
		{
			name: "names that try to break the outputs and the log",
			data: withNames(t, gen(), map[int]string{
				3: "Drop\n_GitHubActionsFileCommandDelimeter_\nevil=injected",
				8: "Split <<EOF\n::warning::fake",
			}),
			delivered: tests,
			outputs:   map[string]string{"checked-count": "8"},
		},
		{
			name: "every test hangs until the run's timeout",
			apiOpts: func() []intelligemstest.Option {
				var opts []intelligemstest.Option
				for i := range tests {
					opts = append(opts, intelligemstest.WithFault(experimentID(t, gen(), i),
						intelligemstest.Fault{Hang: time.Minute}))
				}
				return opts
			}(),
			with:      map[string]string{"INPUT_TIMEOUT": "10s"},
			slow:      true,
			failed:    true,
			delivered: 1, // one digest of the tests not read, in the time kept back for it
			outputs:   map[string]string{"checked-count": "0", "error-count": "8"},
			log:       []string{"the run reached its timeout before this test was read (timeout 10s)"},
		},
		{
			name:      "the whole-run deadline",
			clock:     jumpingClock(2 * time.Minute),
			failed:    true,
			delivered: -1, // the tests read, then one digest of the rest
			log:       []string{"the run reached its timeout before this test was read (timeout 10m0s)"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()

			data := tc.data
			if data == nil {
				data = gen()
			}
			clock := tc.clock
			if clock == nil {
				clock = runningClock()
			}
			// The fake API and the client read the same clock, as the real
			// API and the client read the same time of day.
			opts := append([]intelligemstest.Option{intelligemstest.WithClock(clock)}, tc.apiOpts...)
			api := intelligemstest.NewServer(testKey, data, opts...)
			t.Cleanup(api.Close)
			hook := newHook(t, tc.hookScript...)
			key := testKey
			if tc.key != "" {
				key = tc.key
			}
			with := map[string]string{
				"INPUT_INTELLIGEMS-API-KEY": key,
				"INPUT_SLACK-WEBHOOK-URL":   hook.URL(),
				"INPUT_API-URL":             api.URL(),
			}
			for k, v := range tc.with {
				with[k] = v
			}
			e := newRunnerEnv(t, with)
			requestTimeout := 500 * time.Millisecond
			if tc.slow {
				requestTimeout = time.Minute
			}

			var stdout bytes.Buffer
			err := run(context.Background(), nil, env{
				getenv: e.getenv, stdout: &stdout, now: clock,
				apiTimeout: requestTimeout, slackTimeout: 500 * time.Millisecond,
			})
			log := stdout.String()

			assert.Equal(t, tc.failed, err != nil, "step fails: %v\n%s", err, log)
			if tc.delivered >= 0 {
				assert.Len(t, hook.Delivered(), tc.delivered, "messages delivered")
			} else {
				assert.NotEmpty(t, hook.Delivered(), "messages delivered")
				assert.Contains(t, string(hook.Delivered()[len(hook.Delivered())-1].Body), "reached its timeout",
					"the last message sums up the tests not read in time")
			}
			outs := parseOutputs(t, e.output)
			assert.ElementsMatch(t, outputNames, keys(outs), "exactly the declared outputs, nothing injected")
			for k, v := range tc.outputs {
				assert.Equal(t, v, outs[k], "output %s", k)
			}
			for _, want := range tc.log {
				assert.Contains(t, log, want)
			}
			summaryMD, readErr := os.ReadFile(e.summary)
			require.NoError(t, readErr)
			assert.NotEmpty(t, summaryMD, "the summary is written in every case")
			assert.Contains(t, log, "::add-mask::"+hook.URL(), "the webhook is masked")
			assertNoSecrets(t, log, string(summaryMD))
			for _, line := range strings.Split(log, "\n") {
				assert.False(t, strings.HasPrefix(line, "::warning::fake") || strings.HasPrefix(line, "evil="),
					"user text never starts a line of its own: %q", line)
			}
		})
	}
}
