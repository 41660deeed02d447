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

// DeliveryError reports a message that Slack did not accept: either Slack
// answered with something other than 200 "ok", or the request failed on the
// network. It never contains the webhook URL.
type DeliveryError struct {
	// StatusCode is the HTTP status Slack answered with; 0 when no answer
	// came.
	StatusCode int
	// Code is Slack's error text, such as "no_service", trimmed and capped
	// at about 200 bytes; for a 200 it is the unexpected body. Empty for a
	// redirect or a network failure.
	Code string
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
	case e.Err != nil:
		return "send to slack webhook: " + e.Err.Error()
	case e.StatusCode == http.StatusOK:
		return fmt.Sprintf("slack answered 200 with %q instead of ok: the URL does not look "+
			"like a Slack incoming webhook; check the webhook secret", e.Code)
	case e.StatusCode >= 300 && e.StatusCode < 400:
		return fmt.Sprintf("slack answered %d, a redirect: the URL is not an incoming-webhook "+
			"endpoint; check the webhook secret", e.StatusCode)
	}

	head := fmt.Sprintf("slack answered %d", e.StatusCode)
	if e.Code != "" {
		head += " " + e.Code
	}
	return head + ": " + hint(e.StatusCode, e.Code)
}

// Unwrap returns the network failure, if any.
func (e *DeliveryError) Unwrap() error { return e.Err }

// Retryable reports whether trying again later may succeed: rate limits,
// server errors and network failures.
func (e *DeliveryError) Retryable() bool {
	return e.Err != nil || e.StatusCode == http.StatusTooManyRequests || e.StatusCode >= 500
}

// hints says what to do about each error code an incoming webhook answers.
var hints = map[string]string{
	"invalid_payload": "Slack could not read the message; " +
		"this is a bug in the action, please report it",
	"invalid_blocks": "Slack refused the message layout (a Block Kit rule or limit); " +
		"this is a bug in the action, please report it",
	"no_text": "the message had no text; this is a bug in the action, please report it",
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

// hint says what to do about a status and code, falling back on the status
// class for codes it does not know.
func hint(status int, code string) string {
	if h, ok := hints[code]; ok {
		return h
	}
	switch {
	case status == http.StatusTooManyRequests:
		return hints["rate_limited"]
	case status >= 500:
		return "Slack failed on its side; try again later"
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

	text = clean(text)
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
