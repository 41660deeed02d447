package slack

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/ighealth/intelligems-health-action/health"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testBotToken is the fake bot token; like a real one it is a secret.
const testBotToken = "xoxb-1111-2222-s3cr3tBotToken"

// testChannel is the channel every test posts to.
const testChannel = "C0123ABCD"

// apiReply is one canned answer of the fake Web API.
type apiReply struct {
	status     int    // 200 when zero
	body       string // JSON; an ok answer with the next ts when empty
	retryAfter string
	location   string
}

// apiCall is what the fake Web API received in one request.
type apiCall struct {
	Method   string          `json:"method"`
	Path     string          `json:"path"`
	Channel  string          `json:"channel"`
	ThreadTS string          `json:"thread_ts,omitempty"`
	Text     string          `json:"text"`
	Blocks   json.RawMessage `json:"blocks,omitempty"`
	token    string
}

// fakeAPI is a loopback HTTP server that plays Slack's Web API: it answers
// chat.postMessage with canned replies, repeating the last one, and records
// every request.
type fakeAPI struct {
	srv     *httptest.Server
	replies []apiReply

	mu     sync.Mutex
	calls  []apiCall
	strays int
}

// newFakeAPI starts a fake Web API that is closed with the test.
func newFakeAPI(t *testing.T, replies ...apiReply) *fakeAPI {
	t.Helper()
	f := &fakeAPI{replies: replies}
	if len(f.replies) == 0 {
		f.replies = []apiReply{{}}
	}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

// serve records the request and writes the next reply.
func (f *fakeAPI) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	form, _ := url.ParseQuery(string(body))

	f.mu.Lock()
	if r.URL.Path != "/api/chat.postMessage" {
		f.strays++
		f.mu.Unlock()
		_, _ = io.WriteString(w, `{"ok":true,"ts":"0.0"}`)
		return
	}
	n := len(f.calls)
	f.calls = append(f.calls, apiCall{
		Method: r.Method, Path: r.URL.Path, Channel: form.Get("channel"),
		ThreadTS: form.Get("thread_ts"), Text: form.Get("text"),
		Blocks: json.RawMessage(form.Get("blocks")), token: form.Get("token"),
	})
	f.mu.Unlock()

	rep := f.replies[min(n, len(f.replies)-1)]
	if rep.retryAfter != "" {
		w.Header().Set("Retry-After", rep.retryAfter)
	}
	if rep.location != "" {
		w.Header().Set("Location", f.srv.URL+rep.location)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(cmp.Or(rep.status, http.StatusOK))
	if rep.body == "" {
		rep.body = fmt.Sprintf(`{"ok":true,"channel":%q,"ts":"1773666000.%06d"}`, testChannel, n+1)
	}
	_, _ = io.WriteString(w, rep.body)
}

// apiURL returns the base URL of the fake Web API.
func (f *fakeAPI) apiURL() string { return f.srv.URL + "/api/" }

// recorded returns a copy of the requests received so far.
func (f *fakeAPI) recorded() []apiCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]apiCall(nil), f.calls...)
}

// strayCount returns how many requests went to another path.
func (f *fakeAPI) strayCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.strays
}

// newTestBot returns a bot that posts to the fake API without real waits,
// recording the waits in w.
func newTestBot(f *fakeAPI, w *waits) *Bot {
	return NewBot(testBotToken, testChannel,
		WithAPIURL(f.apiURL()), WithBotHTTPClient(f.srv.Client()),
		WithBotSleep(func(_ context.Context, d time.Duration) error {
			w.mu.Lock()
			defer w.mu.Unlock()
			w.slept = append(w.slept, d)
			return nil
		}),
		WithBotWaitHook(func(reason string, d time.Duration) {
			w.mu.Lock()
			defer w.mu.Unlock()
			w.got = append(w.got, d)
			w.reasons = append(w.reasons, reason)
		}))
}

// assertNoToken checks that text does not hold the bot token or its secret
// part.
func assertNoToken(t *testing.T, text string) {
	t.Helper()
	assert.NotContains(t, text, testBotToken, "text leaks the bot token")
	assert.NotContains(t, text, "s3cr3tBotToken", "text leaks the bot token's secret part")
}

func TestBotPostThread(t *testing.T) {
	t.Parallel()

	fake := newFakeAPI(t)
	var w waits
	bot := newTestBot(fake, &w)
	opts := linked
	opts.Now, opts.Mention = checkedAt, "<!here>"

	digest := RenderDigest([]health.Result{keepRunningTest(), loserTest(), srmTest()}, opts)
	require.Len(t, digest, 1, "a small digest is one message")
	// The parent notifies; replies in its thread need not notify again.
	quiet := opts
	quiet.Mention = ""
	replies := []Message{Render(srmTest(), quiet), Render(loserTest(), quiet)}

	ts, err := bot.PostThread(t.Context(), "", digest[0], replies)

	require.NoError(t, err, "thread is posted")
	assert.Equal(t, "1773666000.000001", ts, "the parent's ts is returned")
	calls := fake.recorded()
	require.Len(t, calls, 3, "parent and two replies")
	for i, c := range calls {
		assert.Equal(t, http.MethodPost, c.Method, "call %d method", i)
		assert.Equal(t, "/api/chat.postMessage", c.Path, "call %d is chat.postMessage", i)
		assert.Equal(t, testChannel, c.Channel, "call %d channel", i)
		assert.Equal(t, testBotToken, c.token, "call %d carries the token", i)
	}
	assert.Empty(t, calls[0].ThreadTS, "the parent starts the thread")
	assert.Equal(t, ts, calls[1].ThreadTS, "the first reply is in the parent's thread")
	assert.Equal(t, ts, calls[2].ThreadTS, "the second reply is in the parent's thread")
	assert.Equal(t, []time.Duration{postInterval, postInterval}, w.slept, "replies are paced")
	assert.Zero(t, fake.strayCount(), "no other endpoint is called")

	for i, m := range append(digest, replies...) {
		want, err := json.Marshal(m.Blocks)
		require.NoError(t, err, "marshal blocks")
		assert.JSONEq(t, string(want), string(calls[i].Blocks), "call %d blocks are the message's", i)
		assert.Equal(t, m.Text, calls[i].Text, "call %d text is the fallback, unescaped again", i)
	}
	got, err := json.MarshalIndent(calls, "", "  ")
	require.NoError(t, err, "marshal calls")
	assertGolden(t, "bot_thread", append(got, '\n'))
}

func TestBotPostThreadReplyFails(t *testing.T) {
	t.Parallel()

	fake := newFakeAPI(t,
		apiReply{},
		apiReply{body: `{"ok":false,"error":"invalid_blocks","response_metadata":` +
			`{"messages":["[ERROR] must be less than 3001 characters [json-pointer:/blocks/1/text/text]"]}}`},
		apiReply{},
		apiReply{body: `{"ok":false,"error":"msg_too_long"}`},
		apiReply{})
	bot := newTestBot(fake, &waits{})
	m := Render(keepRunningTest(), Options{Now: checkedAt})

	ts, err := bot.PostThread(t.Context(), testChannel, m, []Message{m, m, m, m})

	assert.Equal(t, "1773666000.000001", ts, "the parent's ts is returned despite failed replies")
	require.Error(t, err, "failed replies are reported")
	assert.Len(t, fake.recorded(), 5, "every reply is tried")
	assert.Contains(t, err.Error(), "post reply 1 of 4: slack answered invalid_blocks "+
		"([ERROR] must be less than 3001 characters [json-pointer:/blocks/1/text/text])",
		"the first failure names its reply and Slack's detail")
	assert.Contains(t, err.Error(), "post reply 3 of 4: slack answered msg_too_long",
		"the second failure names its reply")
	var de *DeliveryError
	require.ErrorAs(t, err, &de, "a DeliveryError is inside")
	assert.True(t, de.API, "the error came from the Web API")
}

func TestBotPostThreadParentFails(t *testing.T) {
	t.Parallel()

	fake := newFakeAPI(t, apiReply{body: `{"ok":false,"error":"not_in_channel"}`})
	bot := newTestBot(fake, &waits{})
	m := Render(keepRunningTest(), Options{Now: checkedAt})

	ts, err := bot.PostThread(t.Context(), "", m, []Message{m, m})

	assert.Empty(t, ts, "no parent, no ts")
	assert.Len(t, fake.recorded(), 1, "no reply without a parent")
	assert.ErrorContains(t, err, "post thread parent: slack answered not_in_channel: "+
		"the app is not a member of the channel; invite the app to the channel with /invite @app")
}

func TestBotPostMessageResponses(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name         string
		replies      []apiReply
		wantStatus   int // zero when the post succeeds
		wantCode     string
		wantInError  string
		wantRequests int
		wantWaits    []time.Duration
	}{
		{name: "ok", replies: []apiReply{{}}, wantRequests: 1},
		{
			name: "invalid auth", replies: []apiReply{{body: `{"ok":false,"error":"invalid_auth"}`}},
			wantStatus: 200, wantCode: "invalid_auth", wantInError: "Bot User OAuth Token",
			wantRequests: 1,
		},
		{
			name:       "channel not found",
			replies:    []apiReply{{body: `{"ok":false,"error":"channel_not_found"}`}},
			wantStatus: 200, wantCode: "channel_not_found", wantInError: "check the channel ID",
			wantRequests: 1,
		},
		{
			name:       "not in channel",
			replies:    []apiReply{{body: `{"ok":false,"error":"not_in_channel"}`}},
			wantStatus: 200, wantCode: "not_in_channel", wantInError: "/invite @app",
			wantRequests: 1,
		},
		{
			name:       "archived",
			replies:    []apiReply{{body: `{"ok":false,"error":"is_archived"}`}},
			wantStatus: 200, wantCode: "is_archived", wantInError: "unarchive it", wantRequests: 1,
		},
		{
			name:       "missing scope",
			replies:    []apiReply{{body: `{"ok":false,"error":"missing_scope","needed":"chat:write"}`}},
			wantStatus: 200, wantCode: "missing_scope", wantInError: "chat:write", wantRequests: 1,
		},
		{
			name:       "unknown code",
			replies:    []apiReply{{body: `{"ok":false,"error":"something_new"}`}},
			wantStatus: 200, wantCode: "something_new", wantInError: "check the bot token",
			wantRequests: 1,
		},
		{
			name: "429 then ok",
			replies: []apiReply{
				{status: 429, retryAfter: "3", body: `{"ok":false,"error":"ratelimited"}`}, {},
			},
			wantRequests: 2, wantWaits: []time.Duration{3 * time.Second},
		},
		{
			name:         "429 with a date",
			replies:      []apiReply{{status: 429, retryAfter: "Wed, 21 Oct 2026 07:28:00 GMT"}, {}},
			wantRequests: 2, wantWaits: []time.Duration{time.Second},
		},
		{
			name:         "429 with a long wait",
			replies:      []apiReply{{status: 429, retryAfter: "600"}, {}},
			wantRequests: 2, wantWaits: []time.Duration{30 * time.Second},
		},
		{
			name:       "rate limited for good",
			replies:    []apiReply{{status: 429, retryAfter: "1"}},
			wantStatus: 429, wantCode: "ratelimited", wantInError: "post less often",
			wantRequests: 4, wantWaits: []time.Duration{time.Second, time.Second, time.Second},
		},
		{
			name:         "ratelimited in the body",
			replies:      []apiReply{{body: `{"ok":false,"error":"ratelimited"}`}, {}},
			wantRequests: 2, wantWaits: []time.Duration{time.Second},
		},
		{
			name:         "internal error then ok",
			replies:      []apiReply{{body: `{"ok":false,"error":"internal_error"}`}, {}},
			wantRequests: 2,
		},
		{
			name:         "server error then ok",
			replies:      []apiReply{{status: 503, body: "<html>down</html>"}, {}},
			wantRequests: 2,
		},
		{
			name:       "server error for good",
			replies:    []apiReply{{status: 500, body: "<html>down</html>"}},
			wantStatus: 500, wantInError: "Slack failed on its side", wantRequests: 3,
		},
		{
			name:       "redirect",
			replies:    []apiReply{{status: 302, location: "/elsewhere"}},
			wantStatus: 302, wantInError: "not Slack's Web API", wantRequests: 1,
		},
		{
			name:         "ok without a ts",
			replies:      []apiReply{{body: `{"ok":true}`}},
			wantInError:  "no message timestamp",
			wantRequests: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fake := newFakeAPI(t, tt.replies...)
			var w waits
			bot := newTestBot(fake, &w)

			ts, err := bot.PostMessage(t.Context(), "", Render(loserTest(), Options{Now: checkedAt}), "")

			assert.Len(t, fake.recorded(), tt.wantRequests, "requests the server saw")
			assert.Zero(t, fake.strayCount(), "redirects are not followed")
			if tt.wantWaits != nil {
				assert.Equal(t, tt.wantWaits, w.got, "waits between attempts")
			}
			assert.Len(t, w.got, tt.wantRequests-1, "one wait before each retry")
			for _, reason := range w.reasons {
				assertNoToken(t, reason)
			}
			if tt.wantInError == "" {
				require.NoError(t, err, "post succeeds")
				assert.NotEmpty(t, ts, "the message's ts is returned")
				return
			}

			require.Error(t, err, "post fails")
			assert.Empty(t, ts, "no ts for a failed post")
			assert.Contains(t, err.Error(), tt.wantInError, "error says what to do")
			assertNoToken(t, err.Error())
			if tt.wantStatus == 0 {
				return
			}
			var de *DeliveryError
			require.ErrorAs(t, err, &de, "error is *DeliveryError")
			assert.True(t, de.API, "error came from the Web API")
			assert.Equal(t, tt.wantStatus, de.StatusCode, "status code")
			assert.Equal(t, tt.wantCode, de.Code, "Slack's code")
		})
	}
}

func TestBotPostMessageConnectionRefused(t *testing.T) {
	t.Parallel()

	srv := httptest.NewServer(http.NotFoundHandler())
	apiURL := srv.URL + "/api/"
	srv.Close()
	var w waits
	bot := NewBot(testBotToken, testChannel, WithAPIURL(apiURL),
		WithBotSleep(func(context.Context, time.Duration) error { return nil }),
		WithBotWaitHook(func(string, time.Duration) { w.got = append(w.got, 0) }))

	_, err := bot.PostMessage(t.Context(), "", Render(errorResult(), Options{}), "")

	var de *DeliveryError
	require.ErrorAs(t, err, &de, "error is *DeliveryError")
	assert.True(t, de.API, "error came from the Web API")
	assert.True(t, de.Retryable(), "a refused connection may succeed later")
	assert.Contains(t, err.Error(), "connection refused", "the cause is named")
	assertNoToken(t, err.Error())
	assert.Len(t, w.got, maxTransientRetries, "refused connections are retried")
}

func TestBotPostMessageRefusesBeforeSending(t *testing.T) {
	t.Parallel()

	fake := newFakeAPI(t)
	valid := Render(errorResult(), Options{})
	tests := []struct {
		name    string
		token   string
		channel string
		apiURL  string
		msg     Message
		want    string
	}{
		{"invalid message", testBotToken, testChannel, fake.apiURL(), Message{}, "invalid slack message"},
		{"user token", "xoxp-1111-s3cr3tBotToken", testChannel, fake.apiURL(), valid, "user token"},
		{"no channel", testBotToken, "", fake.apiURL(), valid, "slack channel is empty"},
		{"channel name with spaces", testBotToken, "# my channel", fake.apiURL(), valid, "channel ID"},
		{"http off loopback", testBotToken, testChannel, "http://api.example.test/api/", valid, "https"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			bot := NewBot(tt.token, tt.channel, WithAPIURL(tt.apiURL), WithBotHTTPClient(fake.srv.Client()))
			_, err := bot.PostMessage(t.Context(), "", tt.msg, "")
			assert.ErrorContains(t, err, tt.want, "post is refused with a reason")
			assertNoToken(t, err.Error())
		})
	}
	t.Cleanup(func() { assert.Empty(t, fake.recorded(), "nothing was sent") })
}

func TestBotStopsWhenContextEnds(t *testing.T) {
	t.Parallel()

	fake := newFakeAPI(t, apiReply{status: 503})
	ctx, cancel := context.WithCancel(t.Context())
	bot := NewBot(testBotToken, testChannel, WithAPIURL(fake.apiURL()),
		WithBotSleep(func(context.Context, time.Duration) error {
			cancel()
			return context.Canceled
		}))

	_, err := bot.PostMessage(ctx, "", Render(errorResult(), Options{}), "")

	assert.ErrorIs(t, err, context.Canceled, "the wait's error is kept")
	assert.Len(t, fake.recorded(), 1, "no attempt after the context ended")
}

func TestValidateBotToken(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name    string
		tok     string
		wantErr string
	}{
		{"bot token", testBotToken, ""},
		{"surrounding space", " " + testBotToken + "\n", ""},
		{"empty", "  ", "empty"},
		{"prefix only", "xoxb-", "must start with xoxb-"},
		{"user token", "xoxp-1111-s3cr3tBotToken", "user token"},
		{"app token", "xapp-1-s3cr3tBotToken", "app-level token"},
		{"webhook URL", "https://hooks.slack.com/services/s3cr3tBotToken", "webhook"},
		{"something else", "s3cr3tBotToken", "must start with xoxb-"},
		{"inner space", "xoxb-1111 s3cr3tBotToken", "white space"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := ValidateBotToken(tt.tok)
			if tt.wantErr == "" {
				assert.NoError(t, err, "token accepted")
				return
			}
			assert.ErrorContains(t, err, tt.wantErr, "error says why")
			assert.NotContains(t, err.Error(), "s3cr3tBotToken", "error does not quote the token")
		})
	}
}

func TestValidateChannel(t *testing.T) {
	t.Parallel()

	tests := []struct {
		id    string
		valid bool
	}{
		{"C0123ABCD", true}, {"G01234567", true}, {"CABCDEFGHIJ1", true},
		{"#experiments", true}, {"#ab-tests_2026.q1", true},
		{"", false}, {"c0123abcd", false}, {"U0123ABCD", false}, {"D0123ABCD", false},
		{"experiments", false}, {"#Experiments", false}, {"# exp", false}, {"#", false},
		{"<#C0123ABCD>", false},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			t.Parallel()
			err := ValidateChannel(tt.id)
			if tt.valid {
				assert.NoError(t, err, "ValidateChannel(%q)", tt.id)
				return
			}
			assert.Error(t, err, "ValidateChannel(%q)", tt.id)
		})
	}
}

func TestDeliveryErrorFromBot(t *testing.T) {
	t.Parallel()

	b := NewBot(testBotToken, testChannel)
	err := b.deliveryError(errors.New("oops " + testBotToken))
	var de *DeliveryError
	require.ErrorAs(t, err, &de, "unknown failures become a DeliveryError")
	assertNoToken(t, err.Error())
	assert.NoError(t, b.deliveryError(nil), "no error stays no error")
}
