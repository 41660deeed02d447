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
			errs = append(errs, fmt.Errorf("slack-webhook-url: %w", err))
		}
	}
	if c.SlackBotToken != "" {
		if err := slack.ValidateBotToken(c.SlackBotToken); err != nil {
			errs = append(errs, fmt.Errorf("slack-bot-token: %w", err))
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
			errs = append(errs, fmt.Errorf("slack-channel: %w", err))
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

// valueError says what is wrong with an input's value; the input's name is
// put in front of it by inputError.
type valueError struct {
	msg string
}

func (e *valueError) Error() string { return e.msg }

// count is a non-negative whole number input.
type count int

// EnvDecode parses a whole number of at least 0.
func (n *count) EnvDecode(_ context.Context, val string) error {
	v, err := strconv.Atoi(val)
	if err != nil || v < 0 {
		return &valueError{fmt.Sprintf("must be a whole number of 0 or more, got %q", val)}
	}
	*n = count(v)
	return nil
}

// fraction is an input between 0 and 1, exclusive of 0.
type fraction float64

// EnvDecode parses a fraction, and recognises a percentage given by mistake.
func (f *fraction) EnvDecode(_ context.Context, val string) error {
	v, err := strconv.ParseFloat(val, 64)
	switch {
	case err != nil:
		return &valueError{fmt.Sprintf("must be a fraction between 0 and 1, got %q", val)}
	case v > 1 && v <= 100:
		return &valueError{fmt.Sprintf("must be a fraction between 0 and 1, got %s (did you mean %s?)",
			val, strconv.FormatFloat(v/100, 'f', -1, 64))}
	case v <= 0 || v > 1:
		return &valueError{fmt.Sprintf("must be a fraction between 0 and 1, got %s", val)}
	}
	*f = fraction(v)
	return nil
}

// boolean is a true or false input.
type boolean bool

// EnvDecode parses true or false, in any case.
func (b *boolean) EnvDecode(_ context.Context, val string) error {
	switch strings.ToLower(val) {
	case "true":
		*b = true
	case "false":
		*b = false
	default:
		return &valueError{fmt.Sprintf("must be true or false, got %q", val)}
	}
	return nil
}

// notifyOn says which tests get a Slack message.
type notifyOn string

// The values of notify-on.
const (
	notifyAlways    notifyOn = "always"
	notifyUnhealthy notifyOn = "unhealthy"
	notifyNever     notifyOn = "never"
)

// EnvDecode accepts always, unhealthy or never.
func (n *notifyOn) EnvDecode(_ context.Context, val string) error {
	switch v := notifyOn(strings.ToLower(val)); v {
	case notifyAlways, notifyUnhealthy, notifyNever:
		*n = v
		return nil
	}
	return &valueError{fmt.Sprintf("must be always, unhealthy or never, got %q", val)}
}

// zone is an IANA time zone input, such as Europe/Berlin.
type zone string

// EnvDecode checks that the zone can be loaded.
func (z *zone) EnvDecode(_ context.Context, val string) error {
	if _, err := time.LoadLocation(val); err != nil || val == "Local" {
		return &valueError{fmt.Sprintf("must be an IANA time zone such as UTC or "+
			"America/New_York, got %q", val)}
	}
	*z = zone(val)
	return nil
}

// location returns the zone, or UTC for a zone that EnvDecode did not check.
func (z zone) location() *time.Location {
	loc, err := time.LoadLocation(string(z))
	if err != nil || z == "" {
		return time.UTC
	}
	return loc
}

// metric is the primary-metric input: auto or a metric name. It is a
// string, not a struct, so that envconfig names the input in its errors.
type metric string

// metricNames maps every accepted spelling to its metric: our names and the
// Intelligems analytics keys.
var metricNames = map[string]health.MetricID{
	"conversion-rate":         health.ConversionRate,
	"conversion_rate":         health.ConversionRate,
	"revenue-per-visitor":     health.RevenuePerVisitor,
	"net_revenue_per_visitor": health.RevenuePerVisitor,
	"average-order-value":     health.AverageOrderValue,
	"net_revenue_per_order":   health.AverageOrderValue,
}

// EnvDecode accepts auto or a metric name.
func (m *metric) EnvDecode(_ context.Context, val string) error {
	v := strings.ToLower(val)
	if _, ok := metricNames[v]; !ok && v != "auto" {
		return &valueError{fmt.Sprintf("must be auto, conversion-rate, revenue-per-visitor or "+
			"average-order-value, got %q", val)}
	}
	*m = metric(v)
	return nil
}

// primary returns the choice the input describes; auto when unset.
func (m metric) primary() health.PrimaryMetric {
	id, ok := metricNames[string(m)]
	if !ok {
		return health.PrimaryMetric{Auto: true}
	}
	return health.PrimaryMetric{Metric: id}
}

// days is a number of days, 0 or more; fractions are allowed.
type days float64

// EnvDecode parses a number of days.
func (d *days) EnvDecode(_ context.Context, val string) error {
	v, err := strconv.ParseFloat(val, 64)
	if err != nil || v < 0 || v > 365 {
		return &valueError{fmt.Sprintf("must be a number of days from 0 to 365, got %q", val)}
	}
	*d = days(v)
	return nil
}

// duration is a Go duration input such as 10m or 90s.
type duration time.Duration

// EnvDecode parses a duration between 10 seconds and 6 hours (the longest
// a GitHub-hosted job may run).
func (d *duration) EnvDecode(_ context.Context, val string) error {
	v, err := time.ParseDuration(val)
	if err != nil || v < 10*time.Second || v > 6*time.Hour {
		return &valueError{fmt.Sprintf("must be a duration from 10s to 6h such as 10m or 90s, got %q", val)}
	}
	*d = duration(v)
	return nil
}

// style is the message-style input.
type style string

// The values of message-style.
const (
	stylePerTest style = "per-test"
	styleDigest  style = "digest"
)

// EnvDecode accepts per-test or digest.
func (s *style) EnvDecode(_ context.Context, val string) error {
	switch v := style(strings.ToLower(val)); v {
	case stylePerTest, styleDigest:
		*s = v
		return nil
	}
	return &valueError{fmt.Sprintf("must be per-test or digest, got %q", val)}
}
