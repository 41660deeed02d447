package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
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

// fixtureNow is the instant the sample data describes.
var fixtureNow = time.Date(2026, 3, 16, 13, 0, 0, 0, time.UTC)

// newHook starts a fake Slack incoming webhook with no rate limit, whose
// first posts get the scripted answers and the rest 200 ok.
func newHook(t *testing.T, answers ...slacktest.Answer) *slacktest.Webhook {
	t.Helper()
	h := slacktest.NewWebhook(slacktest.WithRateLimit(0, 0), slacktest.WithScript(answers...))
	t.Cleanup(h.Close)
	return h
}

// newSampleAPI starts the fake Intelligems API on the bundled sample store.
func newSampleAPI(t *testing.T, opts ...intelligemstest.Option) *intelligemstest.Server {
	t.Helper()
	api := intelligemstest.NewServer(testKey, intelligemstest.SampleDataset(fixtureNow), opts...)
	t.Cleanup(api.Close)
	return api
}

// runnerEnv is the environment the Actions runner gives a container
// action: every declared input as INPUT_<NAME>, empty unless given, and the
// file-command paths.
type runnerEnv struct {
	vars    map[string]string
	summary string
	output  string
}

func newRunnerEnv(t *testing.T, with map[string]string) *runnerEnv {
	t.Helper()
	dir := t.TempDir()
	e := &runnerEnv{
		vars:    map[string]string{},
		summary: filepath.Join(dir, "step_summary"),
		output:  filepath.Join(dir, "output"),
	}
	for name := range codeInputs() {
		e.vars["INPUT_"+strings.ToUpper(name)] = ""
	}
	for k, v := range with {
		e.vars[k] = v
	}
	// The runner creates both files before the step starts.
	for _, p := range []string{e.summary, e.output} {
		require.NoError(t, os.WriteFile(p, nil, 0o644))
	}
	e.vars["GITHUB_STEP_SUMMARY"] = e.summary
	e.vars["GITHUB_OUTPUT"] = e.output
	return e
}

func (e *runnerEnv) getenv(k string) string { return e.vars[k] }

// parseOutputs reads GITHUB_OUTPUT the way the runner does: name=value
// lines, or name<<DELIM heredocs ended by the first line equal to DELIM. Any
// other non-empty line fails, as it fails the step on GitHub.
func parseOutputs(t *testing.T, path string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	out := map[string]string{}
	lines := strings.Split(string(b), "\n")
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		if line == "" {
			continue
		}
		eq, heredoc := strings.Index(line, "="), strings.Index(line, "<<")
		if eq >= 0 && (heredoc < 0 || eq < heredoc) {
			out[line[:eq]] = line[eq+1:]
			continue
		}
		require.GreaterOrEqual(t, heredoc, 0, "invalid output line %q", line)
		name, delim := line[:heredoc], line[heredoc+2:]
		var value []string
		for i++; i < len(lines) && lines[i] != delim; i++ {
			value = append(value, lines[i])
		}
		require.Less(t, i, len(lines), "matching delimiter not found for %s", name)
		_, dup := out[name]
		require.False(t, dup, "output %s written twice", name)
		out[name] = strings.Join(value, "\n")
	}
	return out
}

func runProgram(t *testing.T, e *runnerEnv, now time.Time) (string, error) {
	t.Helper()
	var stdout bytes.Buffer
	err := run(context.Background(), nil, env{
		getenv: e.getenv, stdout: &stdout, now: func() time.Time { return now },
	})
	return stdout.String(), err
}

func TestRunLikeTheRunner(t *testing.T) {
	t.Parallel()

	const running = 24
	data := intelligemstest.GeneratedDataset(fixtureNow, running)
	api := intelligemstest.NewServer(testKey, data)
	t.Cleanup(api.Close)
	hook := newHook(t)
	e := newRunnerEnv(t, map[string]string{
		"INPUT_INTELLIGEMS-API-KEY": testKey,
		"INPUT_SLACK-WEBHOOK-URL":   hook.URL(),
		"INPUT_API-URL":             api.URL(),
	})

	stdout, err := runProgram(t, e, fixtureNow)

	require.NoError(t, err, "exit 0; log:\n%s", stdout)
	posts := hook.Delivered()
	assert.Len(t, posts, running, "one message per running experiment")

	outs := parseOutputs(t, e.output)
	assert.Equal(t, fmt.Sprint(running), outs["checked-count"])
	assert.Equal(t, "0", outs["error-count"])
	var unhealthy []unhealthyTest
	require.NoError(t, json.Unmarshal([]byte(outs["unhealthy-tests"]), &unhealthy))
	assert.Equal(t, fmt.Sprint(len(unhealthy)), outs["unhealthy-count"])
	assert.Equal(t, fmt.Sprint(running-len(unhealthy)), outs["healthy-count"])
	assert.NotEmpty(t, unhealthy, "the generated store has unhealthy tests")
	for _, u := range unhealthy {
		assert.NotEmpty(t, u.ID)
		assert.NotEmpty(t, u.Issues, "unhealthy test %s lists its issues", u.Name)
		assert.Contains(t, []string{"unhealthy", "loser"}, u.Verdict)
	}
	assert.Contains(t, outs["unhealthy-tests"], `"daysToDecision":`, "the time to decision reaches the output")

	summaryMD, err := os.ReadFile(e.summary)
	require.NoError(t, err)
	names := experimentNames(t, data)
	require.Len(t, names, running+2, "the data also holds a personalization and a paused test")
	named := 0
	for _, p := range posts {
		text, _ := p.JSON["text"].(string)
		for name, running := range names {
			if running && strings.Contains(text, name) {
				named++
			}
		}
	}
	assert.Equal(t, running, named, "each message names its test")
	for name, isRunning := range names {
		if isRunning {
			assert.Contains(t, string(summaryMD), md(name), "the summary names %s", name)
		} else {
			assert.NotContains(t, string(summaryMD), md(name), "the summary skips %s", name)
		}
	}

	assert.Contains(t, stdout, "::add-mask::"+testKey+"\n", "the key is masked")
	assert.Contains(t, stdout, "::add-mask::"+hook.URL()+"\n", "the webhook is masked")
	assert.Contains(t, stdout, fmt.Sprintf("[%d/%d]", running, running), "progress per test")
	assertNoSecrets(t, stdout, string(summaryMD))
	b, _ := os.ReadFile(e.output)
	assertNoSecrets(t, string(b))
}

// assertNoSecrets checks that neither the API key nor the webhook's secret
// path appears in any text, except in the log's add-mask commands that hide
// them.
func assertNoSecrets(t *testing.T, texts ...string) {
	t.Helper()
	for _, text := range texts {
		for _, line := range strings.Split(text, "\n") {
			if strings.HasPrefix(line, "::add-mask::") {
				continue
			}
			assert.NotContains(t, line, testKey, "the API key leaked")
			assert.NotContains(t, line, slacktest.HookPath, "the webhook path leaked")
		}
	}
}

// experimentNames returns every experiment name in the data, true for those
// the action must check.
func experimentNames(t *testing.T, d *intelligemstest.Dataset) map[string]bool {
	t.Helper()
	names := map[string]bool{}
	for _, raw := range d.Experiences {
		var e struct{ Name, Status, Category string }
		require.NoError(t, json.Unmarshal(raw, &e))
		names[e.Name] = e.Status == "started" && e.Category == "experiment"
	}
	return names
}
