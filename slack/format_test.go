package slack

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/ighealth/intelligems-health-action/health"
	"github.com/stretchr/testify/assert"
)

func TestEscape(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name string
		in   string
		want string
	}{
		{"plain", "Homepage Hero", "Homepage Hero"},
		{"ampersand", "A & B", "A &amp; B"},
		{"angle brackets", "map<string>", "map&lt;string&gt;"},
		{"here", "<!here>", "&lt;!here&gt;"},
		{"channel in a name", "Price <test> & <!channel>", "Price &lt;test&gt; &amp; &lt;!channel&gt;"},
		{"user mention", "<@U123>", "&lt;@U123&gt;"},
		{"link", "<https://example.test|click>", "&lt;https://example.test|click&gt;"},
		{"already escaped", "&lt;b&gt; &amp;", "&amp;lt;b&amp;gt; &amp;amp;"},
		{"other markup untouched", "*bold* _it_ \"q\" 'a'", "*bold* _it_ \"q\" 'a'"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, Escape(tt.in), "Escape(%q)", tt.in)
		})
	}
}

func TestTruncate(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name string
		in   string
		n    int
		want string
	}{
		{"fits", "abc", 3, "abc"},
		{"ascii", "abcdef", 4, "abc…"},
		{"cjk", "こんにちは世界", 4, "こんに…"},
		{"emoji", "✅✅✅✅", 3, "✅✅…"},
		{"four-byte emoji", "🚀🚀🚀", 2, "🚀…"},
		{"one", "abc", 1, "…"},
		{"zero", "abc", 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := truncate(tt.in, tt.n)
			assert.Equal(t, tt.want, got, "truncate(%q, %d)", tt.in, tt.n)
			assert.True(t, utf8.ValidString(got), "result is valid UTF-8")
			assert.LessOrEqual(t, utf8.RuneCountInString(got), max(tt.n, 0), "result fits")
		})
	}
}

func TestUserTextCutsBeforeEscaping(t *testing.T) {
	t.Parallel()

	got := userText(strings.Repeat("&", 10), 4)
	assert.Equal(t, "&amp;&amp;&amp;…", got, "no entity is split")
	assert.Equal(t, "a b \uFFFD", userText("a\n\tb \xff", 10), "one line, valid UTF-8")
}

func TestFormatCount(t *testing.T) {
	t.Parallel()

	tests := []struct {
		in   int
		want string
	}{
		{0, "0"}, {7, "7"}, {999, "999"}, {1000, "1,000"}, {19993, "19,993"},
		{1234567, "1,234,567"}, {-4200, "−4,200"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, formatCount(tt.in), "formatCount(%d)", tt.in)
	}
}

func TestFormatLift(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name string
		in   health.Float
		want string
	}{
		{"up", health.Some(0.056), "+5.6%"},
		{"down", health.Some(-0.277), "−27.7%"},
		{"zero", health.Some(0), "0.0%"},
		{"rounds to zero", health.Some(-0.0004), "0.0%"},
		{"absent", health.Float{}, "low data"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, formatLift(tt.in), "formatLift(%v)", tt.in)
		})
	}
}

func TestFormatMoney(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name     string
		amount   float64
		currency health.Currency
		want     string
	}{
		{"zero value is dollars", 1.5, health.Currency{}, "$1.50"},
		{"dollars", 50.279, health.Currency{Code: "USD", Symbol: "$"}, "$50.28"},
		{"euros", 1234.5, health.Currency{Code: "EUR", Symbol: "€"}, "€1,234.50"},
		{"code only", 12, health.Currency{Code: "GBP"}, "GBP 12.00"},
		{"negative", -3.25, health.Currency{}, "−$3.25"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, formatMoney(tt.amount, tt.currency), "formatMoney")
		})
	}
}

func TestFormatShareAndConfidence(t *testing.T) {
	t.Parallel()

	assert.Equal(t, "50%", formatShare(50), "whole share")
	assert.Equal(t, "33.3%", formatShare(33.333), "fractional share")
	assert.Equal(t, "95%", formatConfidence(0.95), "confidence")
	assert.Equal(t, "97.5%", formatConfidence(0.975), "confidence with a decimal")
}

// time24h is one day.
const time24h = 24 * time.Hour

func TestFormatRuntime(t *testing.T) {
	t.Parallel()

	ran := func(d time.Duration) health.Result {
		return health.Result{Test: health.Test{StartedAt: checkedAt.Add(-d)}, Runtime: d}
	}
	tests := []struct {
		name string
		r    health.Result
		want string
	}{
		{"unknown start", health.Result{Runtime: 5 * time24h}, "unknown"},
		{"minutes", ran(30 * time.Minute), "under an hour"},
		{"one hour", ran(time.Hour), "1 hour"},
		{"hours", ran(3 * time.Hour), "3 hours"},
		{"days", ran(time24h * 124 / 10), "12.4 days"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, formatRuntime(tt.r), "formatRuntime")
		})
	}
}

func TestFormatDecision(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name string
		in   health.Decision
		want string
	}{
		{"unknown", health.Decision{}, "low data"},
		{"underpowered", health.Decision{Known: true, Underpowered: true, SessionsPerArm: 61000,
			SessionsRemaining: 9000}, "underpowered: won't reach 61,000 sessions/arm within five weeks of running"},
		{"reached", health.Decision{Known: true, SessionsPerArm: 100}, "sample reached"},
		{"days", health.Decision{Known: true, SessionsRemaining: 8400, DaysRemaining: 12},
			"about 12 days (8,400 more sessions)"},
		{"one day", health.Decision{Known: true, SessionsRemaining: 300, DaysRemaining: 1},
			"about 1 day (300 more sessions)"},
		{"hours", health.Decision{Known: true, SessionsRemaining: 20}, "under a day (20 more sessions)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, formatDecision(tt.in), "formatDecision")
		})
	}
}

func TestFormatProbAndPValue(t *testing.T) {
	t.Parallel()

	assert.Equal(t, "81.6%", formatProb(health.Some(0.8163)), "probability")
	assert.Equal(t, "0.0%", formatProb(health.Some(0)), "a real zero")
	assert.Equal(t, "low data", formatProb(health.Float{}), "absent probability")
	assert.Equal(t, "1.2e-38", formatPValue(1.2e-38), "tiny p-value")
	assert.Equal(t, "0.012", formatPValue(0.0123), "small p-value")
	assert.Equal(t, "0.85", formatPValue(0.85), "large p-value")
}
