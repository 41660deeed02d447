package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	testKey     = "ig-secret-key-9f8e7d"
	testWebhook = "https://hooks.slack.com/services/T000/B000/secretpathXYZ"
)

// inputsEnv returns a getenv that serves the inputs as the runner does:
// every declared input present, empty unless given.
func inputsEnv(with map[string]string) func(string) string {
	vars := map[string]string{}
	for name := range codeInputs() {
		vars["INPUT_"+strings.ToUpper(name)] = ""
	}
	for k, v := range with {
		vars[k] = v
	}
	return func(k string) string { return vars[k] }
}

func TestLoadConfigDefaults(t *testing.T) {
	t.Parallel()

	c, err := loadConfig(context.Background(), inputsEnv(map[string]string{
		"INPUT_INTELLIGEMS-API-KEY": testKey,
		"INPUT_SLACK-WEBHOOK-URL":   testWebhook,
	}))

	require.NoError(t, err)
	assert.Equal(t, testKey, c.APIKey)
	assert.Equal(t, testWebhook, c.WebhookURL)
	assert.Equal(t, "https://api.intelligems.io/v25-10-beta", c.APIURL)
	assert.Equal(t, count(100), c.MinSessions)
	assert.Equal(t, count(10), c.MinOrders)
	assert.InDelta(t, 0.20, float64(c.ConversionDrop), 1e-12)
	assert.InDelta(t, 0.95, float64(c.MinConfidence), 1e-12)
	assert.Equal(t, notifyAlways, c.NotifyOn)
	assert.False(t, bool(c.DryRun))
	assert.False(t, bool(c.FailOnUnhealthy))
	assert.Equal(t, time.UTC.String(), c.Timezone.location().String())
}

func TestLoadConfigValues(t *testing.T) {
	t.Parallel()

	c, err := loadConfig(context.Background(), inputsEnv(map[string]string{
		"INPUT_INTELLIGEMS-API-KEY":       " " + testKey + " ",
		"INPUT_API-URL":                   "http://127.0.0.1:8080/v25-10-beta",
		"INPUT_MIN-SESSIONS":              "2500",
		"INPUT_MIN-ORDERS":                "0",
		"INPUT_CONVERSION-DROP-THRESHOLD": "0.1",
		"INPUT_MIN-CONFIDENCE":            "0.8",
		"INPUT_NOTIFY-ON":                 "Unhealthy",
		"INPUT_DRY-RUN":                   "TRUE",
		"INPUT_FAIL-ON-UNHEALTHY":         "true",
		"INPUT_TIMEZONE":                  "Europe/Berlin",
	}))

	require.NoError(t, err)
	assert.Equal(t, testKey, c.APIKey, "spaces are trimmed")
	assert.Equal(t, count(2500), c.MinSessions)
	assert.Equal(t, count(0), c.MinOrders)
	assert.InDelta(t, 0.1, float64(c.ConversionDrop), 1e-12)
	assert.InDelta(t, 0.8, float64(c.MinConfidence), 1e-12)
	assert.Equal(t, notifyUnhealthy, c.NotifyOn)
	assert.True(t, bool(c.DryRun), "no webhook is needed in a dry run")
	assert.True(t, bool(c.FailOnUnhealthy))
	assert.Equal(t, "Europe/Berlin", c.Timezone.location().String())
}

func TestLoadConfigSecretFallback(t *testing.T) {
	t.Parallel()

	// Outside GitHub there are no INPUT_ variables at all.
	vars := map[string]string{"INTELLIGEMS_API_KEY": testKey, "SLACK_WEBHOOK_URL": testWebhook}
	c, err := loadConfig(context.Background(), func(k string) string { return vars[k] })

	require.NoError(t, err)
	assert.Equal(t, testKey, c.APIKey)
	assert.Equal(t, testWebhook, c.WebhookURL)
	assert.Equal(t, count(100), c.MinSessions, "defaults still apply")
}

func TestLoadConfigErrors(t *testing.T) {
	t.Parallel()

	base := map[string]string{
		"INPUT_INTELLIGEMS-API-KEY": testKey,
		"INPUT_SLACK-WEBHOOK-URL":   testWebhook,
	}
	cases := []struct {
		name  string
		with  map[string]string
		wants []string
	}{
		{"missing key", map[string]string{"INPUT_INTELLIGEMS-API-KEY": ""},
			[]string{"intelligems-api-key is required"}},
		{"missing webhook", map[string]string{"INPUT_SLACK-WEBHOOK-URL": "  "},
			[]string{"slack-webhook-url or slack-bot-token is required unless dry-run is true"}},
		{"percentage for a fraction", map[string]string{"INPUT_MIN-CONFIDENCE": "95"},
			[]string{"min-confidence must be a fraction between 0 and 1, got 95 (did you mean 0.95?)"}},
		{"drop as a percentage", map[string]string{"INPUT_CONVERSION-DROP-THRESHOLD": "20"},
			[]string{"conversion-drop-threshold must be a fraction between 0 and 1, got 20 (did you mean 0.2?)"}},
		{"negative fraction", map[string]string{"INPUT_MIN-CONFIDENCE": "-0.5"},
			[]string{"min-confidence must be a fraction between 0 and 1, got -0.5"}},
		{"words for a number", map[string]string{"INPUT_MIN-SESSIONS": "lots"},
			[]string{`min-sessions must be a whole number of 0 or more, got "lots"`}},
		{"fractional orders", map[string]string{"INPUT_MIN-ORDERS": "2.5"},
			[]string{`min-orders must be a whole number of 0 or more, got "2.5"`}},
		{"unknown notify-on", map[string]string{"INPUT_NOTIFY-ON": "sometimes"},
			[]string{`notify-on must be always, unhealthy or never, got "sometimes"`}},
		{"yes for a boolean", map[string]string{"INPUT_DRY-RUN": "yes"},
			[]string{`dry-run must be true or false, got "yes"`}},
		{"unknown zone", map[string]string{"INPUT_TIMEZONE": "Mars/Olympus"},
			[]string{`timezone must be an IANA time zone such as UTC or America/New_York, got "Mars/Olympus"`}},
		{"plain http api", map[string]string{"INPUT_API-URL": "http://api.example.com/v25-10-beta"},
			[]string{"api-url must use https (http is allowed only for localhost)"}},
		{"bot token for a webhook", map[string]string{"INPUT_SLACK-WEBHOOK-URL": "xoxb-1234-5678-secrettoken"},
			[]string{"slack-webhook-url "}},
		{"http webhook", map[string]string{"INPUT_SLACK-WEBHOOK-URL": "http://hooks.slack.com/services/T/B/secretpath"},
			[]string{"slack-webhook-url "}},
		{"a coin toss for a confidence", map[string]string{"INPUT_MIN-CONFIDENCE": "0.5"},
			[]string{"min-confidence must be above 0.5 (a 50% chance to beat control " +
				"is a coin toss) and below 1 (no test reaches certainty), got 0.5"}},
		{"certainty for a confidence", map[string]string{"INPUT_MIN-CONFIDENCE": "1"},
			[]string{"min-confidence must be above 0.5", "got 1"}},
		{"unknown message style", map[string]string{"INPUT_MESSAGE-STYLE": "thread"},
			[]string{`message-style must be per-test or digest, got "thread"`}},
		{"unknown primary metric", map[string]string{"INPUT_PRIMARY-METRIC": "profit"},
			[]string{`primary-metric must be auto, conversion-rate, revenue-per-visitor ` +
				`or average-order-value, got "profit"`}},
		{"srm threshold as a percentage", map[string]string{"INPUT_SRM-THRESHOLD": "5"},
			[]string{"srm-threshold must be a fraction between 0 and 1, got 5 (did you mean 0.05?)"}},
		{"negative runtime", map[string]string{"INPUT_MIN-RUNTIME-DAYS": "-3"},
			[]string{`min-runtime-days must be a number of days from 0 to 365, got "-3"`}},
		{"timeout without a unit", map[string]string{"INPUT_TIMEOUT": "600"},
			[]string{`timeout must be a duration from 10s to 6h such as 10m or 90s, got "600"`}},
		{"mention that is not one", map[string]string{"INPUT_MENTION": "everyone"},
			[]string{"mention must be @here, @channel"}},
		{"test link without its id", map[string]string{"INPUT_TEST-URL-TEMPLATE": "https://app.example.com/tests"},
			[]string{"test-url-template must contain {id}"}},
		{"webhook and bot token together", map[string]string{
			"INPUT_SLACK-BOT-TOKEN": "xoxb-1-2-secrettoken", "INPUT_SLACK-CHANNEL": "C0123456789",
		},
			[]string{"give either slack-webhook-url or slack-bot-token, not both"}},
		{"bot token without a channel", map[string]string{
			"INPUT_SLACK-WEBHOOK-URL": "", "INPUT_SLACK-BOT-TOKEN": "xoxb-1-2-secrettoken",
		},
			[]string{"slack-channel is required with slack-bot-token"}},
		{"user token for a bot token", map[string]string{
			"INPUT_SLACK-WEBHOOK-URL": "", "INPUT_SLACK-BOT-TOKEN": "xoxp-1-2-secrettoken",
			"INPUT_SLACK-CHANNEL": "C0123456789",
		},
			[]string{"slack-bot-token is a user token"}},
		{"channel without a bot token", map[string]string{"INPUT_SLACK-CHANNEL": "C0123456789"},
			[]string{"slack-channel is used only with slack-bot-token"}},
		{"several at once", map[string]string{
			"INPUT_MIN-SESSIONS": "-1", "INPUT_MIN-CONFIDENCE": "1.5", "INPUT_NOTIFY-ON": "x",
		}, []string{"min-sessions must", "min-confidence must", "notify-on must"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()

			with := map[string]string{}
			for k, v := range base {
				with[k] = v
			}
			for k, v := range tc.with {
				with[k] = v
			}
			_, err := loadConfig(context.Background(), inputsEnv(with))

			require.Error(t, err)
			for _, want := range tc.wants {
				assert.Contains(t, err.Error(), want)
			}
			for _, secret := range []string{testKey, "secretpath", "secrettoken"} {
				assert.NotContains(t, err.Error(), secret, "no secret in the error")
			}
		})
	}
}
