package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ighealth/intelligems-health-action/intelligems/intelligemstest"
)

const testBotToken = "xoxb-1111-2222-secretbottoken"

// slackAPI is a local Slack Web API that answers chat.postMessage and
// records the calls.
type slackAPI struct {
	*httptest.Server
	mu    sync.Mutex
	calls []url.Values
}

func newSlackAPI(t *testing.T) *slackAPI {
	t.Helper()
	s := &slackAPI{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		form, _ := url.ParseQuery(string(body))
		authorized := r.Header.Get("Authorization") == "Bearer "+testBotToken || form.Get("token") == testBotToken
		if r.URL.Path != "/chat.postMessage" || !authorized {
			_ = json.NewEncoder(w).Encode(map[string]any{"ok": false, "error": "invalid_auth"})
			return
		}
		s.mu.Lock()
		s.calls = append(s.calls, form)
		n := len(s.calls)
		s.mu.Unlock()
		_ = json.NewEncoder(w).Encode(map[string]any{
			"ok": true, "channel": "C0123456789", "ts": "1773666000.00010" + string(rune('0'+n)),
		})
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *slackAPI) received() []url.Values {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]url.Values(nil), s.calls...)
}

func TestDigestThroughWebhook(t *testing.T) {
	t.Parallel()

	api := newSampleAPI(t)
	hook := newHook(t)
	e := newRunnerEnv(t, map[string]string{
		"INPUT_INTELLIGEMS-API-KEY": testKey,
		"INPUT_SLACK-WEBHOOK-URL":   hook.URL(),
		"INPUT_API-URL":             api.URL(),
		"INPUT_MESSAGE-STYLE":       "digest",
		"INPUT_STORE-NAME":          "Example Outdoor Co",
		"INPUT_MENTION":             "@here",
		"GITHUB_SERVER_URL":         "https://github.com",
		"GITHUB_REPOSITORY":         "acme/store-checks",
		"GITHUB_RUN_ID":             "4242",
	})

	stdout, err := runProgram(t, e, fixtureNow)

	require.NoError(t, err, stdout)
	posts := hook.Delivered()
	require.Len(t, posts, 1, "one digest for three tests")
	body := string(posts[0].Body)
	for _, name := range []string{"Price Test - Stoneware Mug Set +12%", "Homepage Hero Layout - 3 way",
		"Shipping - Free Shipping Threshold $60 vs $75", "Example Outdoor Co",
		"https://github.com/acme/store-checks/actions/runs/4242"} {
		assert.Contains(t, body, name)
	}
	assert.Contains(t, posts[0].JSON["text"], "<!here>", "the mention notifies: two tests need attention")
	assert.Less(t, strings.Index(body, "Homepage Hero"), strings.Index(body, "Shipping - Free"),
		"tests that need attention come first")
}

func TestMentionOnlyWhereNeeded(t *testing.T) {
	t.Parallel()

	api := newSampleAPI(t)
	hook := newHook(t)
	e := newRunnerEnv(t, map[string]string{
		"INPUT_INTELLIGEMS-API-KEY": testKey,
		"INPUT_SLACK-WEBHOOK-URL":   hook.URL(),
		"INPUT_API-URL":             api.URL(),
		"INPUT_MENTION":             "S0614TZR7",
	})

	stdout, err := runProgram(t, e, fixtureNow)

	require.NoError(t, err, stdout)
	require.Len(t, hook.Delivered(), 3)
	for _, p := range hook.Delivered() {
		text, _ := p.JSON["text"].(string)
		needs := !strings.Contains(text, "collecting data")
		assert.Equal(t, needs, strings.Contains(text, "<!subteam^S0614TZR7>"),
			"mention only on messages about tests that need attention: %s", text)
	}
}

func TestBotTokenThread(t *testing.T) {
	t.Parallel()

	api := newSampleAPI(t)
	slackSrv := newSlackAPI(t)
	e := newRunnerEnv(t, map[string]string{
		"INPUT_INTELLIGEMS-API-KEY": testKey,
		"INPUT_SLACK-BOT-TOKEN":     testBotToken,
		"INPUT_SLACK-CHANNEL":       "C0123456789",
		"INPUT_API-URL":             api.URL(),
		"INPUT_NOTIFY-ON":           "unhealthy",
	})

	var stdout strings.Builder
	err := run(t.Context(), nil, env{
		getenv: e.getenv, stdout: &stdout, now: func() time.Time { return fixtureNow },
		slackAPI: slackSrv.URL + "/",
	})

	require.NoError(t, err, stdout.String())
	calls := slackSrv.received()
	require.Len(t, calls, 3, "the digest, then one reply per test that needs attention")
	parent := calls[0]
	assert.Equal(t, "C0123456789", parent.Get("channel"))
	assert.Empty(t, parent.Get("thread_ts"), "the digest starts the thread")
	for _, reply := range calls[1:] {
		assert.Equal(t, "1773666000.000101", reply.Get("thread_ts"), "replies go in the digest's thread")
	}
	outs := parseOutputs(t, e.output)
	assert.Equal(t, "1773666000.000101", outs["slack-message-ts"])
	assert.Contains(t, stdout.String(), "::add-mask::"+testBotToken)
	for _, line := range strings.Split(stdout.String(), "\n") {
		if !strings.HasPrefix(line, "::add-mask::") {
			assert.NotContains(t, line, "secretbottoken", "the bot token leaked")
		}
	}
}

func TestBotDryRunShowsTheThread(t *testing.T) {
	t.Parallel()

	api := newSampleAPI(t)
	e := newRunnerEnv(t, map[string]string{
		"INPUT_INTELLIGEMS-API-KEY": testKey,
		"INPUT_SLACK-BOT-TOKEN":     testBotToken,
		"INPUT_SLACK-CHANNEL":       "#growth",
		"INPUT_API-URL":             api.URL(),
		"INPUT_DRY-RUN":             "true",
	})

	stdout, err := runProgram(t, e, fixtureNow)

	require.NoError(t, err, stdout)
	assert.Equal(t, 4, strings.Count(stdout, "::group::Slack message (dry run)"), "the digest and three replies")
	first := strings.Index(stdout, "::group::Slack message (dry run)")
	assert.Contains(t, stdout[first:first+200], "Test health", "the digest comes first, as the parent")
}

func TestDigestForATwentyFiveTestStore(t *testing.T) {
	t.Parallel()

	data := intelligemstest.GeneratedDataset(fixtureNow, 25)
	api := intelligemstest.NewServer(testKey, data)
	t.Cleanup(api.Close)
	hook := newHook(t)
	e := newRunnerEnv(t, map[string]string{
		"INPUT_INTELLIGEMS-API-KEY": testKey,
		"INPUT_SLACK-WEBHOOK-URL":   hook.URL(),
		"INPUT_API-URL":             api.URL(),
		"INPUT_MESSAGE-STYLE":       "digest",
	})

	stdout, err := runProgram(t, e, fixtureNow)

	require.NoError(t, err, stdout)
	posts := hook.Delivered()
	require.GreaterOrEqual(t, len(posts), 1)
	require.LessOrEqual(t, len(posts), 3, "one to three digest messages")
	var all strings.Builder
	for _, p := range posts {
		text, _ := p.JSON["text"].(string)
		assert.NotEmpty(t, text, "each message has its fallback text")
		all.Write(p.Body)
	}
	for name, running := range experimentNames(t, data) {
		if running {
			assert.Contains(t, all.String(), name, "the digest names %s", name)
		}
	}
	body := all.String()
	losing := strings.Index(body, "Generated 04 - Conversion drop")
	calm := strings.Index(body, "Generated 01 - Healthy two-arm")
	require.GreaterOrEqual(t, losing, 0, "the store has a test that needs attention")
	assert.Less(t, losing, calm, "tests that need attention come before the calm ones")
}
