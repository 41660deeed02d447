package main

import (
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ighealth/intelligems-health-action/intelligems/intelligemstest"
	"github.com/ighealth/intelligems-health-action/slack/slacktest"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "golden file; run go test -update to create it")
	assert.Equal(t, string(want), got, "%s differs; run go test -update if the change is intended", path)
}

func TestSummaryGolden(t *testing.T) {
	t.Parallel()

	cases := []struct {
		name   string
		data   *intelligemstest.Dataset
		opts   []intelligemstest.Option
		zone   string
		failed bool
	}{
		{name: "summary_sample.golden.md", data: intelligemstest.SampleDataset(fixtureNow)},
		{
			name: "summary_low_data_and_error.golden.md",
			data: intelligemstest.SampleLowData(fixtureNow),
			opts: []intelligemstest.Option{intelligemstest.WithAnalyticsFault(
				intelligemstest.SamplePriceTestID, http.StatusNotFound, `{"error":"Not Found"}`)},
			zone:   "America/New_York",
			failed: true,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()

			api := intelligemstest.NewServer(testKey, tc.data, tc.opts...)
			t.Cleanup(api.Close)
			e := newRunnerEnv(t, map[string]string{
				"INPUT_INTELLIGEMS-API-KEY": testKey,
				"INPUT_API-URL":             api.URL(),
				"INPUT_DRY-RUN":             "true",
				"INPUT_TIMEZONE":            tc.zone,
			})

			stdout, err := runProgram(t, e, fixtureNow)

			assert.Equal(t, tc.failed, err != nil, "step fails; log:\n%s", stdout)
			b, readErr := os.ReadFile(e.summary)
			require.NoError(t, readErr)
			golden(t, tc.name, string(b))
		})
	}
}

func TestRunCases(t *testing.T) {
	t.Parallel()

	cases := []struct {
		name       string
		apiOpts    []intelligemstest.Option
		key        string
		with       map[string]string
		hookScript []slacktest.Answer
		failed     bool
		posts      int
		outputs    map[string]string
		log        []string
		summary    []string
		noCalls    bool // no request reaches the API
	}{
		{
			name:  "all good, one message each",
			posts: 3,
			outputs: map[string]string{
				"checked-count": "3", "unhealthy-count": "2",
				"healthy-count": "1", "error-count": "0",
			},
			log: []string{"Found 3 running tests", "[3/3]", "Posted 3 of 3 Slack messages"},
		},
		{
			name: "one test vanishes between listing and fetching",
			apiOpts: []intelligemstest.Option{intelligemstest.WithAnalyticsFault(
				intelligemstest.SampleThreeArmID, http.StatusNotFound, `{"error":"Not Found"}`)},
			failed: true,
			posts:  3,
			outputs: map[string]string{
				"checked-count": "2", "unhealthy-count": "1",
				"healthy-count": "1", "error-count": "1",
			},
			log:     []string{"::error title=Homepage Hero Layout - 3 way::", "404"},
			summary: []string{"❌ error", "Could not be checked"},
		},
		{
			name:    "wrong key stops the listing but still reports",
			key:     "not-the-key",
			failed:  true,
			posts:   1, // a message that the check could not run
			outputs: map[string]string{"checked-count": "0", "unhealthy-count": "0", "unhealthy-tests": "[]"},
			log:     []string{"could not be listed", "401"},
			summary: []string{"could not be listed", "check that intelligems-api-key holds a valid External API key"},
		},
		{
			name:       "a refused post hides no other",
			hookScript: []slacktest.Answer{{}, {Status: http.StatusNotFound, Body: "no_service"}},
			failed:     true,
			posts:      3,
			outputs:    map[string]string{"checked-count": "3"},
			log:        []string{"no_service", "Posted 2 of 3 Slack messages"},
		},
		{
			name:    "notify only about tests that need attention",
			with:    map[string]string{"INPUT_NOTIFY-ON": "unhealthy"},
			posts:   2,
			outputs: map[string]string{"unhealthy-count": "2"},
		},
		{
			name:    "fail on unhealthy",
			with:    map[string]string{"INPUT_FAIL-ON-UNHEALTHY": "true"},
			failed:  true,
			posts:   3,
			outputs: map[string]string{"unhealthy-count": "2"},
			log:     []string{"2 tests need attention (unhealthy or losing) and fail-on-unhealthy is true"},
		},
		{
			name:    "dry run prints instead of posting",
			with:    map[string]string{"INPUT_DRY-RUN": "true", "INPUT_SLACK-WEBHOOK-URL": ""},
			posts:   0,
			outputs: map[string]string{"checked-count": "3"},
			log: []string{"::group::Slack message (dry run): 🟠 Homepage Hero Layout - 3 way", `"blocks": [`,
				"Preview: https://app.slack.com/block-kit-builder/#"},
		},
		{
			name:    "never notify needs no webhook",
			with:    map[string]string{"INPUT_NOTIFY-ON": "never", "INPUT_SLACK-WEBHOOK-URL": ""},
			posts:   0,
			outputs: map[string]string{"checked-count": "3"},
		},
		{
			name:    "a 429 is waited out and no test is lost",
			apiOpts: []intelligemstest.Option{intelligemstest.WithThrottleFirst(2, 1)},
			posts:   3,
			outputs: map[string]string{"checked-count": "3", "error-count": "0"},
			log:     []string{"429", "waiting 1s"},
		},
		{
			name:    "bad inputs stop before any request",
			with:    map[string]string{"INPUT_MIN-CONFIDENCE": "95", "INPUT_NOTIFY-ON": "loudly"},
			failed:  true,
			posts:   0,
			outputs: map[string]string{"checked-count": "0", "unhealthy-tests": "[]"},
			noCalls: true,
			summary: []string{"The check did not run because of invalid inputs", "did you mean 0.95?"},
			log: []string{
				"::error title=Invalid input::min-confidence must be a fraction between 0 and 1, " +
					"got 95 (did you mean 0.95?)",
				`::error title=Invalid input::notify-on must be always, unhealthy or never, got "loudly"`,
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()

			api := newSampleAPI(t, tc.apiOpts...)
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

			stdout, err := runProgram(t, e, fixtureNow)

			assert.Equal(t, tc.failed, err != nil, "step fails: %v; log:\n%s", err, stdout)
			assert.Len(t, hook.Posts(), tc.posts, "posts received")
			outs := parseOutputs(t, e.output)
			for k, v := range tc.outputs {
				assert.Equal(t, v, outs[k], "output %s", k)
			}
			if tc.noCalls {
				assert.Empty(t, api.Requests(), "no request after bad inputs")
			}
			for _, want := range tc.log {
				assert.Contains(t, stdout, want, "log")
			}
			summaryMD, _ := os.ReadFile(e.summary)
			for _, want := range tc.summary {
				assert.Contains(t, string(summaryMD), want, "summary")
			}
			assertNoSecrets(t, stdout, string(summaryMD))
			for _, line := range strings.Split(stdout, "\n") {
				assert.False(t, strings.HasPrefix(line, "::") && strings.Contains(line, "Unauthorized!"),
					"server text never starts a workflow command")
			}
		})
	}
}

func TestDemoUnderTheRunner(t *testing.T) {
	t.Parallel()

	// A workflow step "uses: ./" with "args: -demo": the runner names its
	// own files, and the demo writes its outputs there.
	e := newRunnerEnv(t, map[string]string{"INPUT_FAIL-ON-UNHEALTHY": "false"})
	var stdout strings.Builder
	err := run(t.Context(), []string{"-demo"},
		env{getenv: e.getenv, stdout: &stdout, now: func() time.Time { return fixtureNow }})

	require.NoError(t, err, stdout.String())
	outs := parseOutputs(t, e.output)
	assert.Equal(t, "9", outs["checked-count"], "three samples and six generated tests")
	assert.NotEqual(t, "0", outs["unhealthy-count"])
	summaryMD, _ := os.ReadFile(e.summary)
	assert.Contains(t, string(summaryMD), "Homepage Hero Layout - 3 way")
	assert.NotContains(t, stdout.String(), "===== GITHUB_OUTPUT", "the runner shows its own files")
}
