package slack

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// maxCodeBytes caps the Slack error text kept in a DeliveryError.
const maxCodeBytes = 200

// DeliveryError reports a message that Slack did not accept: Slack answered
// with an error (for a webhook, anything but 200 "ok"; for the Web API,
// "ok": false or a status other than 200), or the request failed on the
// network. It never contains the webhook URL or the bot token.
type DeliveryError struct {
	// API reports an answer from Slack's Web API (a Bot) rather than from
	// an incoming webhook. The Web API answers most errors with a 200.
	API bool
	// StatusCode is the HTTP status Slack answered with; 0 when no answer
	// came.
	StatusCode int
	// Code is Slack's error text, such as "no_service" or
	// "not_in_channel", trimmed and capped at about 200 bytes; for a
	// webhook's 200 it is the unexpected body. Empty for a redirect or a
	// network failure.
	Code string
	// Detail is the Web API's first explanation of the error, such as
	// "must be less than 3001 characters [json-pointer:/blocks/1/text/text]",
	// capped like Code; empty when Slack gave none, and for webhooks.
	Detail string
	// RetryAfter is the wait Slack asked for with a 429, capped at 30 s.
	RetryAfter time.Duration
	// Err is the network failure, with the URL already removed; nil when
	// Slack answered.
	Err error
}

// Error says what Slack answered and what to do about it, such as
// "slack answered 404 no_service: the webhook was removed or disabled; create
// a new incoming webhook and update the secret".
func (e *DeliveryError) Error() string {
	switch {
	case e.Err != nil && e.API:
		return "send to slack api: " + e.Err.Error()
	case e.Err != nil:
		return "send to slack webhook: " + e.Err.Error()
	case e.StatusCode == http.StatusOK && !e.API:
		return fmt.Sprintf("slack answered 200 with %q instead of ok: the URL does not look "+
			"like a Slack incoming webhook; check the webhook secret", e.Code)
	case e.StatusCode >= 300 && e.StatusCode < 400 && e.API:
		return fmt.Sprintf("slack answered %d, a redirect: the API URL is not Slack's Web API",
			e.StatusCode)
	case e.StatusCode >= 300 && e.StatusCode < 400:
		return fmt.Sprintf("slack answered %d, a redirect: the URL is not an incoming-webhook "+
			"endpoint; check the webhook secret", e.StatusCode)
	}

	head := "slack answered"
	if e.StatusCode != http.StatusOK {
		head += fmt.Sprintf(" %d", e.StatusCode)
	}
	if e.Code != "" {
		head += " " + e.Code
	}
	if e.Detail != "" {
		head += " (" + e.Detail + ")"
	}
	return head + ": " + hint(e.API, e.StatusCode, e.Code)
}

// Unwrap returns the network failure, if any.
func (e *DeliveryError) Unwrap() error { return e.Err }

// Retryable reports whether trying again later may succeed: rate limits,
// server errors, Slack's own failures and network failures.
func (e *DeliveryError) Retryable() bool {
	return e.Err != nil || e.rateLimited() || e.StatusCode >= 500 ||
		(e.API && transientCodes[e.Code])
}

// rateLimited reports whether Slack asked to slow down, with a 429 or, from
// the Web API, with the error code alone.
func (e *DeliveryError) rateLimited() bool {
	return e.StatusCode == http.StatusTooManyRequests ||
		e.Code == "ratelimited" || e.Code == "rate_limited"
}

// transientCodes are the Web API's codes for failures on Slack's side.
// https://api.slack.com/methods/chat.postMessage#errors
var transientCodes = map[string]bool{
	"internal_error":      true,
	"fatal_error":         true,
	"service_unavailable": true,
	"request_timeout":     true,
}

// hints says what to do about each error code an incoming webhook answers.
var hints = map[string]string{
	"invalid_payload": "Slack could not read the message; " + reportBug,
	"invalid_blocks": "Slack refused the message layout (a Block Kit rule or limit); " +
		reportBug,
	"no_text": "the message had no text; " + reportBug,
	"no_service": "the webhook was removed or disabled; " +
		"create a new incoming webhook and update the secret",
	"no_service_id": "the webhook URL is incomplete; copy the whole URL into the secret",
	"no_active_hooks": "incoming webhooks are turned off for the Slack app; " +
		"turn them on or create a new incoming webhook and update the secret",
	"invalid_token": "the webhook was revoked; create a new incoming webhook and update the secret",
	"channel_not_found": "the channel was deleted or made private; " +
		"create a webhook for a channel that exists and update the secret",
	"channel_is_archived": "the channel is archived; " +
		"unarchive it or create a webhook for another channel",
	"action_prohibited": "a workspace admin does not allow this post; " +
		"ask an admin or use another channel",
	"posting_to_general_channel_denied": "only admins may post in this channel; " +
		"create a webhook for another channel",
	"no_team": "the Slack workspace is gone or the app was removed; " +
		"create a new incoming webhook",
	"team_disabled": "the Slack workspace is disabled; " +
		"create a webhook in an active workspace",
	"rate_limited": "Slack is rate limiting this webhook; " +
		"post less often or spread scheduled runs apart",
	"rollup_error": "Slack failed on its side; try again later",
}

// reportBug ends the hint of an error that a correct message cannot cause.
const reportBug = "this is a bug in the action, please report it"

// apiHints says what to do about each error code the Web API answers
// chat.postMessage with, where it differs from a webhook's.
// https://api.slack.com/methods/chat.postMessage#errors
var apiHints = map[string]string{
	"invalid_auth": "the bot token is not valid; copy the app's Bot User OAuth Token " +
		"(xoxb-…) into the secret",
	"not_authed":    "no bot token was sent; set the bot token secret",
	"token_revoked": "the bot token was revoked; reinstall the app and update the secret",
	"token_expired": "the bot token expired; reinstall the app and update the secret",
	"account_inactive": "the app's bot was removed or deactivated; " +
		"reinstall the app and update the secret",
	"missing_scope": "the app lacks the chat:write scope; add it under OAuth & Permissions " +
		"and reinstall the app",
	"not_in_channel": "the app is not a member of the channel; " +
		"invite the app to the channel with /invite @app",
	"channel_not_found": "the app cannot see that channel; check the channel ID " +
		"(such as C0123ABCD) and invite the app to a private channel",
	"is_archived": "the channel is archived; unarchive it or choose another channel",
	"restricted_action": "a workspace setting does not let the app post in this channel; " +
		"ask an admin or choose another channel",
	"restricted_action_read_only_channel": "the channel is read-only; choose another channel",
	"msg_too_long":                        "the message text is too long; " + reportBug,
	"invalid_blocks_format":               "Slack could not read the message layout; " + reportBug,
	"too_many_attachments":                "the message has too many attachments; " + reportBug,
	"invalid_arguments":                   "Slack refused the request's arguments; " + reportBug,
	"team_access_not_granted": "the bot token has no access to this workspace; " +
		"install the app in it and update the secret",
	"ratelimited": "Slack is rate limiting this app; " +
		"post less often or spread scheduled runs apart",
	"internal_error":      "Slack failed on its side; try again later",
	"fatal_error":         "Slack failed on its side; try again later",
	"service_unavailable": "Slack is unavailable; try again later",
	"request_timeout":     "Slack timed out; try again later",
}

// hint says what to do about a status and code, trying the Web API's hints
// first for an API answer, then the webhook's, then the status class.
func hint(api bool, status int, code string) string {
	if h, ok := apiHints[code]; ok && api {
		return h
	}
	if h, ok := hints[code]; ok {
		return h
	}
	switch {
	case status == http.StatusTooManyRequests && api:
		return apiHints["ratelimited"]
	case status == http.StatusTooManyRequests:
		return hints["rate_limited"]
	case status >= 500:
		return "Slack failed on its side; try again later"
	case api:
		return "Slack refused the message; check the bot token, the channel " +
			"and the app's chat:write scope"
	default:
		return "Slack refused the message; check the webhook secret and the Slack app"
	}
}

// slackCode extracts Slack's error text from a response body: the "error"
// member of a JSON body, or else the whole body, on one line and capped at
// maxCodeBytes without splitting a rune.
func slackCode(body []byte) string {
	text := strings.TrimSpace(string(body))

	var j struct {
		Error string `json:"error"`
	}
	if strings.HasPrefix(text, "{") && json.Unmarshal(body, &j) == nil && j.Error != "" {
		text = j.Error
	}

	return capText(text)
}

// capText puts s on one line and caps it at maxCodeBytes, without splitting
// a rune.
func capText(s string) string {
	text := clean(s)
	if len(text) <= maxCodeBytes {
		return text
	}
	cut := 0
	for i := range text {
		if i > maxCodeBytes-len(ellipsis) {
			break
		}
		cut = i
	}
	return text[:cut] + ellipsis
}

// redactedError is a request failure with the webhook URL taken out. Go's
// *url.Error quotes the full URL, and the URL of an incoming webhook is a
// secret, so it must never be shown as is.
type redactedError struct {
	prefix string
	err    error
	scrub  *strings.Replacer
}

// Error returns the operation and the cause, without the URL.
func (e *redactedError) Error() string {
	return e.scrub.Replace(e.prefix + e.err.Error())
}

// Unwrap returns the cause, so that errors.Is(err, context.DeadlineExceeded)
// and similar checks keep working.
func (e *redactedError) Unwrap() error { return e.err }

// Timeout reports whether the cause was a timeout.
func (e *redactedError) Timeout() bool {
	var ne net.Error
	return errors.As(e.err, &ne) && ne.Timeout()
}

// redact replaces err with a redactedError that keeps the operation and the
// cause of a *url.Error but not its URL. Its text also passes through scrub,
// in case the cause quotes the URL or its path.
func redact(err error, scrub *strings.Replacer) error {
	r := &redactedError{err: err, scrub: scrub}

	var ue *url.Error
	if errors.As(err, &ue) {
		r.prefix = strings.ToLower(ue.Op) + ": "
		r.err = ue.Err
	}
	return r
}

// scrubber returns a replacer that hides the webhook URL and its path, in
// the forms they may be quoted in. Longer forms come first, so the whole URL
// is replaced before its path is looked for.
func scrubber(raw string) *strings.Replacer {
	forms := []string{raw, strings.TrimSpace(raw)}
	if u, err := url.Parse(strings.TrimSpace(raw)); err == nil {
		forms = append(forms, u.String(), u.EscapedPath(), u.Path, u.RawQuery)
	}

	var pairs []string
	for i, f := range forms {
		if len(f) <= 1 {
			continue // an empty or one-character pattern would match everywhere
		}
		label := "[webhook URL]"
		if i >= 3 {
			label = "[webhook path]"
		}
		pairs = append(pairs, f, label)
	}
	return strings.NewReplacer(pairs...)
}
