package slack

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	goslack "github.com/slack-go/slack"
)

// botTokenPrefix starts every Slack bot token.
const botTokenPrefix = "xoxb-"

// postInterval is the pause between the messages of a thread. Slack allows
// about one message per second per channel and may drop bursts above it.
// https://api.slack.com/apis/rate-limits
const postInterval = time.Second

// Bot posts messages with a Slack app's bot token through the Web API's
// chat.postMessage. Unlike a webhook it learns each message's timestamp
// (ts), so it can post replies in a message's thread. Build it with NewBot;
// it is safe for concurrent use.
type Bot struct {
	token    string
	channel  string
	apiURL   string
	client   *goslack.Client
	scrub    *strings.Replacer
	sleep    func(ctx context.Context, d time.Duration) error
	waitHook func(reason string, d time.Duration)
}

// BotOption configures a Bot.
type BotOption func(*botConfig)

// botConfig collects the options of NewBot.
type botConfig struct {
	client   *http.Client
	apiURL   string
	sleep    func(ctx context.Context, d time.Duration) error
	waitHook func(reason string, d time.Duration)
}

// WithBotHTTPClient sets the client requests go through; NewBot uses a copy
// that refuses redirects. Nil means a plain client with a 10 s timeout per
// attempt.
func WithBotHTTPClient(c *http.Client) BotOption {
	return func(cfg *botConfig) { cfg.client = c }
}

// WithAPIURL sets the base URL of the Web API, ending in a slash, such as a
// local test server's "http://127.0.0.1:8080/api/". It must use https, or
// http for a loopback host. Empty keeps the default, Slack's own API.
func WithAPIURL(u string) BotOption {
	return func(cfg *botConfig) { cfg.apiURL = strings.TrimSpace(u) }
}

// WithBotSleep sets how the bot waits between attempts and between the
// messages of a thread, as WithSleep does for a Webhook. Nil keeps the
// default timer.
func WithBotSleep(f func(ctx context.Context, d time.Duration) error) BotOption {
	return func(cfg *botConfig) {
		if f != nil {
			cfg.sleep = f
		}
	}
}

// WithBotWaitHook sets a function called before every wait between
// attempts, with the reason and the wait, as WithWaitHook does for a
// Webhook. The reason never contains the token. Nil means no call.
func WithBotWaitHook(f func(reason string, d time.Duration)) BotOption {
	return func(cfg *botConfig) {
		if f != nil {
			cfg.waitHook = f
		}
	}
}

// NewBot returns a Bot that posts with token, by default to channel. The
// token and channel are checked by PostMessage, not here.
func NewBot(token, channel string, opts ...BotOption) *Bot {
	cfg := botConfig{sleep: sleepContext, waitHook: func(string, time.Duration) {}}
	for _, o := range opts {
		o(&cfg)
	}

	c := http.Client{Timeout: defaultTimeout}
	if cfg.client != nil {
		c = *cfg.client
	}
	c.CheckRedirect = refuseRedirect

	token = strings.TrimSpace(token)
	clientOpts := []goslack.Option{goslack.OptionHTTPClient(&c), goslack.OptionLog(quiet{})}
	if cfg.apiURL != "" {
		clientOpts = append(clientOpts, goslack.OptionAPIURL(cfg.apiURL))
	}
	return &Bot{
		token:    token,
		channel:  strings.TrimSpace(channel),
		apiURL:   cfg.apiURL,
		client:   goslack.New(token, clientOpts...),
		scrub:    tokenScrubber(token),
		sleep:    cfg.sleep,
		waitHook: cfg.waitHook,
	}
}

// quiet is a logger that drops everything: a package that is not main
// never prints.
type quiet struct{}

// Output drops the line.
func (quiet) Output(int, string) error { return nil }

// tokenScrubber returns a replacer that hides the token.
func tokenScrubber(token string) *strings.Replacer {
	if len(token) <= 1 {
		return strings.NewReplacer()
	}
	return strings.NewReplacer(token, "[bot token]")
}

// PostMessage posts m to channel (the Bot's channel when empty), in the
// thread of the message with timestamp threadTS when it is not empty, and
// returns the new message's timestamp. It checks the token, the channel and
// m's Block Kit limits first and sends nothing when any is wrong.
//
// Slack's refusals, which the Web API sends as 200 with "ok": false, become
// a *DeliveryError with API set and a hint, as do failed requests. A 429 is
// retried after the wait Slack asks for (Retry-After, 1 s when absent or
// unreadable, at most 30 s) up to 3 times; a 5xx, a failure on Slack's side
// or a network failure up to 2 times with backoff. Waits end when ctx ends.
func (b *Bot) PostMessage(
	ctx context.Context, channel string, m Message, threadTS string,
) (string, error) {
	channel = cmp.Or(strings.TrimSpace(channel), b.channel)
	if err := b.check(channel, m); err != nil {
		return "", err
	}

	opts := []goslack.MsgOption{goslack.MsgOptionText(m.Text, false)}
	if len(m.Blocks.BlockSet) > 0 {
		opts = append(opts, goslack.MsgOptionBlocks(m.Blocks.BlockSet...))
	}
	if threadTS != "" {
		opts = append(opts, goslack.MsgOptionTS(threadTS))
	}

	var ts string
	err := withRetries(ctx, b.sleep, b.waitHook, func() error {
		var err error
		_, ts, err = b.client.PostMessageContext(ctx, channel, opts...)
		return b.deliveryError(err)
	})
	if err == nil && ts == "" {
		return "", errors.New("read slack answer: no message timestamp")
	}
	return ts, err
}

// check validates everything PostMessage needs before it sends.
func (b *Bot) check(channel string, m Message) error {
	if err := ValidateBotToken(b.token); err != nil {
		return err
	}
	if err := ValidateChannel(channel); err != nil {
		return err
	}
	if err := validateAPIURL(b.apiURL); err != nil {
		return err
	}
	return m.Validate()
}

// deliveryError turns an error of slack-go's client into a *DeliveryError,
// or nil into nil.
func (b *Bot) deliveryError(err error) error {
	var (
		se  goslack.SlackErrorResponse
		rl  *goslack.RateLimitedError
		sc  goslack.StatusCodeError
		num *strconv.NumError
	)
	switch {
	case err == nil:
		return nil
	case errors.As(err, &se):
		return apiRefusal(se)
	case errors.As(err, &rl):
		return &DeliveryError{API: true, StatusCode: http.StatusTooManyRequests,
			Code: "ratelimited", RetryAfter: min(max(rl.RetryAfter, 0), maxRetryAfter)}
	case errors.As(err, &sc):
		return &DeliveryError{API: true, StatusCode: sc.Code}
	case errors.As(err, &num):
		// slack-go parses Retry-After of a 429 as whole seconds and hands
		// back the parse error when Slack sends anything else.
		return &DeliveryError{API: true, StatusCode: http.StatusTooManyRequests,
			Code: "ratelimited", RetryAfter: defaultRetryAfter}
	default:
		return &DeliveryError{API: true, Err: redact(err, b.scrub)}
	}
}

// apiRefusal turns Slack's "ok": false answer into a *DeliveryError.
func apiRefusal(se goslack.SlackErrorResponse) *DeliveryError {
	e := &DeliveryError{API: true, StatusCode: http.StatusOK, Code: capText(se.Err)}
	if msgs := se.ResponseMetadata.Messages; len(msgs) > 0 {
		e.Detail = capText(msgs[0])
	}
	if e.rateLimited() {
		e.RetryAfter = defaultRetryAfter
	}
	return e
}

// PostThread posts parent to channel (the Bot's channel when empty) and then
// every reply in its thread, in order and about a second apart, and returns
// the parent's timestamp. When the parent fails nothing else is posted.
// A failed reply does not stop the rest: the error joins every failure,
// each naming its reply's position.
func (b *Bot) PostThread(
	ctx context.Context, channel string, parent Message, replies []Message,
) (string, error) {
	parentTS, err := b.PostMessage(ctx, channel, parent, "")
	if err != nil {
		return "", fmt.Errorf("post thread parent: %w", err)
	}

	var errs []error
	for i, m := range replies {
		if err := b.sleep(ctx, postInterval); err != nil {
			errs = append(errs, fmt.Errorf("post replies %d to %d of %d: %w",
				i+1, len(replies), len(replies), err))
			break
		}
		if _, err := b.PostMessage(ctx, channel, m, parentTS); err != nil {
			errs = append(errs, fmt.Errorf("post reply %d of %d: %w", i+1, len(replies), err))
		}
	}
	return parentTS, errors.Join(errs...)
}

// ValidateBotToken reports whether tok looks like a Slack bot token: it
// starts with "xoxb-". A user token (xoxp-), an app-level token (xapp-) and
// a webhook URL are refused with a hint. The token is a secret, so no error
// contains it or any part of it.
func ValidateBotToken(tok string) error {
	tok = strings.TrimSpace(tok)
	switch {
	case tok == "":
		return errors.New("slack bot token is empty")
	case strings.HasPrefix(tok, "xoxp-"):
		return errors.New("slack bot token is a user token (it starts with xoxp-); " +
			"use the app's Bot User OAuth Token, which starts with xoxb-")
	case strings.HasPrefix(tok, "xapp-"):
		return errors.New("slack bot token is an app-level token (it starts with xapp-); " +
			"use the app's Bot User OAuth Token, which starts with xoxb-")
	case strings.HasPrefix(tok, "http://") || strings.HasPrefix(tok, "https://"):
		return errors.New("slack bot token is a URL; a webhook URL goes in the webhook " +
			"setting, and the bot token starts with xoxb-")
	case !strings.HasPrefix(tok, botTokenPrefix) || len(tok) == len(botTokenPrefix):
		return errors.New("slack bot token must start with xoxb- " +
			"(the app's Bot User OAuth Token)")
	case strings.ContainsFunc(tok, isSpaceOrControl):
		return errors.New("slack bot token contains white space; copy it again")
	}
	return nil
}

// isSpaceOrControl reports whether r cannot be part of a token.
func isSpaceOrControl(r rune) bool {
	return r <= ' ' || r == 0x7f
}

// Patterns of the ways to name a channel.
var (
	channelID   = regexp.MustCompile(`^[CG][A-Z0-9]{6,20}$`)
	channelName = regexp.MustCompile(`^#[a-z0-9][a-z0-9._-]{0,79}$`)
)

// ValidateChannel reports whether id names a channel: a channel ID such as
// "C0123ABCD" (public) or "G0123ABCD" (an older private channel), or a name
// such as "#experiments". The ID is the safer choice: it survives renames.
func ValidateChannel(id string) error {
	id = strings.TrimSpace(id)
	switch {
	case id == "":
		return errors.New("slack channel is empty")
	case channelID.MatchString(id), channelName.MatchString(id):
		return nil
	}
	return fmt.Errorf("slack channel must be a channel ID such as C0123ABCD "+
		"or a name such as #experiments (lower case, digits, - _ .), got %q",
		truncate(clean(id), maxNameText))
}

// validateAPIURL reports whether raw can be the Web API's base URL: empty
// for the default, else https, or http for a loopback host.
func validateAPIURL(raw string) error {
	if raw == "" {
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return errors.New("slack api URL is not an absolute URL")
	}
	if u.Scheme != "https" && (u.Scheme != "http" || !isLoopback(u.Hostname())) {
		return errors.New("slack api URL must use https (http is accepted only for loopback hosts)")
	}
	return nil
}
