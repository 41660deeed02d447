package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/sethvargo/go-envconfig"

	"github.com/ighealth/intelligems-health-action/health"
	"github.com/ighealth/intelligems-health-action/slack"
)

// config holds every input of the action, decoded and validated.
//
// Each field's env key is the input's name upper-cased with "-" written as
// "_" (envconfig refuses hyphens); inputLookuper reads it back from the
// runner's INPUT_<NAME> variable, where hyphens are kept. The defaults here
// must equal those in action.yml; a test keeps the two in step.
type config struct {
	APIKey          string   `env:"INTELLIGEMS_API_KEY"`
	WebhookURL      string   `env:"SLACK_WEBHOOK_URL"`
	APIURL          string   `env:"API_URL, default=https://api.intelligems.io/v25-10-beta"`
	MinSessions     count    `env:"MIN_SESSIONS, default=100"`
	MinOrders       count    `env:"MIN_ORDERS, default=10"`
	ConversionDrop  fraction `env:"CONVERSION_DROP_THRESHOLD, default=0.20"`
	MinConfidence   fraction `env:"MIN_CONFIDENCE, default=0.95"`
	SRMThreshold    fraction `env:"SRM_THRESHOLD, default=0.001"`
	PrimaryMetric   metric   `env:"PRIMARY_METRIC, default=auto"`
	MinRuntimeDays  days     `env:"MIN_RUNTIME_DAYS, default=10"`
	MDE             fraction `env:"MINIMUM_DETECTABLE_EFFECT, default=0.10"`
	NotifyOn        notifyOn `env:"NOTIFY_ON, default=always"`
	DryRun          boolean  `env:"DRY_RUN, default=false"`
	FailOnUnhealthy boolean  `env:"FAIL_ON_UNHEALTHY, default=false"`
	Timezone        zone     `env:"TIMEZONE, default=UTC"`
	Timeout         duration `env:"TIMEOUT, default=10m"`
	MessageStyle    style    `env:"MESSAGE_STYLE, default=per-test"`
	StoreName       string   `env:"STORE_NAME"`
	TestURLTemplate string   `env:"TEST_URL_TEMPLATE"`
	Mention         string   `env:"MENTION"`
	SlackBotToken   string   `env:"SLACK_BOT_TOKEN"`
	SlackChannel    string   `env:"SLACK_CHANNEL"`
}

// secretFallbacks are the plain environment variables read for the two
// secrets when their inputs are absent, as the older .env setup named them.
var secretFallbacks = []string{"INTELLIGEMS_API_KEY", "SLACK_WEBHOOK_URL", "SLACK_BOT_TOKEN"}

// thresholds returns the health thresholds the inputs describe.
func (c config) thresholds() health.Thresholds {
	return health.Thresholds{
		MinSessions:    int(c.MinSessions),
		MinOrders:      int(c.MinOrders),
		ConversionDrop: float64(c.ConversionDrop),
		MinConfidence:  float64(c.MinConfidence),
		SRMThreshold:   float64(c.SRMThreshold),
		Primary:        c.PrimaryMetric.primary(),
		MinRuntime:     time.Duration(float64(c.MinRuntimeDays) * 24 * float64(time.Hour)),
		MDE:            float64(c.MDE),
	}
}

// inputName turns an env key such as MIN_SESSIONS into the input name
// min-sessions.
func inputName(key string) string {
	return strings.ToLower(strings.ReplaceAll(key, "_", "-"))
}

// inputLookuper reads inputs the way the Actions runner passes them: as
// INPUT_<NAME> with the name upper-cased and hyphens kept. An empty value
// counts as absent, because the runner passes "" for an input that was not
// given and an empty with: value suppresses the action.yml default. Keys in
// skip are treated as absent.
func inputLookuper(getenv func(string) string, skip map[string]bool) envconfig.Lookuper {
	return envconfig.LookuperFunc(func(key string) (string, bool) {
		if skip[key] {
			return "", false
		}
		v := strings.TrimSpace(getenv("INPUT_" + strings.ReplaceAll(key, "_", "-")))
		if v == "" {
			for _, name := range secretFallbacks {
				if key == name {
					v = strings.TrimSpace(getenv(name))
				}
			}
		}
		return v, v != ""
	})
}

// loadConfig reads and validates every input. It reports all bad inputs at
// once, each naming the input, what was given (never for a secret) and what
// is allowed.
func loadConfig(ctx context.Context, getenv func(string) string) (config, error) {
	var errs []error
	skip := map[string]bool{}
	var c config
	for range reflect.TypeFor[config]().NumField() + 1 {
		c = config{}
		err := envconfig.ProcessWith(ctx, &envconfig.Config{
			Target:   &c,
			Lookuper: inputLookuper(getenv, skip),
		})
		if err == nil {
			break
		}
		key, ierr := inputError(err)
		if key == "" || skip[key] {
			return config{}, fmt.Errorf("read inputs: %w", err)
		}
		// Set the bad input aside and decode again, so that one run
		// reports every bad input rather than the first.
		errs = append(errs, ierr)
		skip[key] = true
	}
	errs = append(errs, c.validate()...)
	return c, errors.Join(errs...)
}

// inputError rewrites an envconfig error, which names the Go field, so that
// it names the input. It returns the field's env key, or "" when the error is
// not about one field.
func inputError(err error) (string, error) {
	field, _, ok := strings.Cut(err.Error(), ":")
	if !ok {
		return "", err
	}
	f, ok := reflect.TypeFor[config]().FieldByName(field)
	if !ok {
		return "", err
	}
	key, _, _ := strings.Cut(f.Tag.Get("env"), ",")
	var ve *valueError
	if errors.As(err, &ve) {
		return key, fmt.Errorf("%s %w", inputName(key), ve)
	}
	return key, fmt.Errorf("%s: %w", inputName(key), errors.Unwrap(err))
}

// validate checks what the decoders cannot: required inputs and the shape
// of URLs. It never quotes a secret.
func (c config) validate() []error {
	var errs []error
	if c.APIKey == "" {
		errs = append(errs, errors.New("intelligems-api-key is required: "+
			"pass your Intelligems External API key from a repository secret"))
	}
	if c.MinConfidence > 0 && (c.MinConfidence <= 0.5 || c.MinConfidence >= 1) {
		errs = append(errs, fmt.Errorf("min-confidence must be above 0.5 (a 50%% chance to beat control "+
			"is a coin toss) and below 1 (no test reaches certainty), got %s",
			strconv.FormatFloat(float64(c.MinConfidence), 'f', -1, 64)))
	}
	errs = append(errs, c.validateSlack()...)
	if err := checkAPIURL(c.APIURL); err != nil {
		errs = append(errs, err)
	}
	if c.TestURLTemplate != "" {
		if err := slack.ValidateTestURLTemplate(c.TestURLTemplate); err != nil {
			errs = append(errs, fmt.Errorf("test-url-template %w", err))
		}
	}
	if c.Mention != "" {
		if _, err := slack.ParseMention(c.Mention); err != nil {
			errs = append(errs, fmt.Errorf("mention %w", err))
		}
	}
	if n := len([]rune(c.StoreName)); n > 100 {
		errs = append(errs, fmt.Errorf("store-name must be at most 100 characters, got %d", n))
	}
	return errs
}

// validateSlack checks the Slack destination: exactly one of an incoming
// webhook or a bot token with a channel, unless nothing will be posted.
func (c config) validateSlack() []error {
	var errs []error
	posting := !bool(c.DryRun) && c.NotifyOn != notifyNever
	switch {
	case c.WebhookURL != "" && c.SlackBotToken != "":
		errs = append(errs, errors.New("give either slack-webhook-url or slack-bot-token, not both"))
	case c.WebhookURL == "" && c.SlackBotToken == "" && posting:
		errs = append(errs, errors.New("slack-webhook-url or slack-bot-token is required unless dry-run "+
			"is true or notify-on is never: pass a Slack incoming webhook URL, or a bot token and "+
			"slack-channel, from repository secrets"))
	}
	if c.WebhookURL != "" {
		if err := slack.ValidateWebhookURL(c.WebhookURL); err != nil {
			errs = append(errs, renamed(err, "webhook URL", "slack-webhook-url"))
		}
	}
	if c.SlackBotToken != "" {
		if err := slack.ValidateBotToken(c.SlackBotToken); err != nil {
			errs = append(errs, renamed(err, "slack bot token", "slack-bot-token"))
		}
	}
	switch {
	case c.SlackBotToken != "" && c.SlackChannel == "":
		errs = append(errs, errors.New("slack-channel is required with slack-bot-token: "+
			"a channel ID such as C0123456789, or #name"))
	case c.SlackChannel != "" && c.SlackBotToken == "":
		errs = append(errs, errors.New("slack-channel is used only with slack-bot-token; "+
			"an incoming webhook always posts to its own channel"))
	case c.SlackChannel != "":
		if err := slack.ValidateChannel(c.SlackChannel); err != nil {
			errs = append(errs, renamed(err, "slack channel", "slack-channel"))
		}
	}
	return errs
}

// checkAPIURL accepts an https URL, or an http one on a loopback host.
func checkAPIURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return fmt.Errorf("api-url must be an absolute URL such as "+
			"https://api.intelligems.io/v25-10-beta, got %q", raw)
	}
	if u.Scheme == "https" || (u.Scheme == "http" && isLoopback(u.Hostname())) {
		return nil
	}
	return fmt.Errorf("api-url must use https (http is allowed only for localhost), got %q", raw)
}

// isLoopback reports whether host names this machine.
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// renamed puts the input's name on an error from a validator that names
// what it checks in its own words ("webhook URL must use https" becomes
// "slack-webhook-url must use https"), so the input is not named twice.
func renamed(err error, subject, input string) error {
	msg := err.Error()
	if rest, ok := strings.CutPrefix(msg, subject); ok {
		return errors.New(input + rest)
	}
	return fmt.Errorf("%s: %w", input, err)
}
