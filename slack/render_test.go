package slack

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/ighealth/intelligems-health-action/health"
	goslack "github.com/slack-go/slack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	_ "time/tzdata" // America/New_York even where the system has no zone files
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// checkedAt is the fixed time of every rendered check.
var checkedAt = time.Date(2026, 3, 16, 13, 0, 0, 0, time.UTC)

// some is short for health.Some.
func some(v float64) health.Float { return health.Some(v) }

// metric returns a metric with a value and no comparison numbers.
func metric(v health.Float) health.Metric { return health.Metric{Value: v} }

// healthyPriceTest is a two-arm price test in USD, doing fine.
func healthyPriceTest() health.Result {
	started := checkedAt.Add(-297*time.Hour - 36*time.Minute) // 12.4 days
	control := health.Arm{
		ID: "v-ctl", Name: "Control - $49", IsControl: true, Percentage: 50,
		Visitors: 9983, Orders: 201,
		ConversionRate:    metric(some(0.020134)),
		RevenuePerVisitor: metric(some(1.0123)),
		AverageOrderValue: metric(some(50.28)),
	}
	variant := health.Arm{
		ID: "v-44", Name: "Variant - $44", Percentage: 50,
		Visitors: 10010, Orders: 212,
		ConversionRate:    metric(some(0.021179)),
		RevenuePerVisitor: metric(some(1.069)),
		AverageOrderValue: metric(some(50.47)),
	}
	return health.Result{
		Test: health.Test{
			ID: "8c1f4e2a-5b7d-4e0f-9a31-2d6b8f0c7e11", Name: "Hero Bundle Price Test",
			Type: "pricing", StartedAt: started, Currency: health.Currency{Code: "USD", Symbol: "$"},
			Arms: []health.Arm{control, variant}, HasAnalytics: true,
		},
		Verdict:  health.Healthy,
		Notes:    []string{"Variant - $44 is not yet statistically significant (70.0% < 95%)"},
		Runtime:  checkedAt.Sub(started),
		Visitors: 19993, Orders: 413,
		Comparisons: []health.Comparison{{
			Variant:               variant,
			ConversionLift:        some(0.0519),
			RevenuePerVisitorLift: some(0.056),
			AverageOrderValueLift: some(0.0038),
			ProbBeatControl:       some(0.70),
		}},
	}
}

// unhealthyContentTest is a three-arm content test whose control is listed
// second; one variant has a real zero chance to beat the control.
func unhealthyContentTest() health.Result {
	started := time.Date(2026, 3, 6, 14, 30, 0, 0, time.UTC)
	video := health.Arm{
		ID: "v-a", Name: "A - Video hero", Percentage: 33.3, Visitors: 6650, Orders: 97,
		ConversionRate:    metric(some(0.014586)),
		RevenuePerVisitor: metric(some(0.9051)),
		AverageOrderValue: metric(some(62.06)),
	}
	control := health.Arm{
		ID: "v-ctl", Name: "Control - Static image", IsControl: true, Percentage: 33.4,
		Visitors: 6702, Orders: 135,
		ConversionRate:    metric(some(0.020143)),
		RevenuePerVisitor: metric(some(1.2412)),
		AverageOrderValue: metric(some(61.62)),
	}
	short := health.Arm{
		ID: "v-b", Name: "B - Short copy", Percentage: 33.3, Visitors: 6641, Orders: 141,
		ConversionRate:    metric(some(0.021232)),
		RevenuePerVisitor: metric(some(1.3104)),
		AverageOrderValue: metric(some(61.72)),
	}
	return health.Result{
		Test: health.Test{
			ID: "3f9a7c10-2e44-4b8a-a1d2-77c05e9b6f08", Name: "Homepage Hero Layout - 3 way",
			Type: "content/onsiteEdits", StartedAt: started,
			Arms: []health.Arm{video, control, short}, HasAnalytics: true,
		},
		Verdict:  health.Unhealthy,
		Issues:   []string{"Conversion rate dropped 27.7% (A - Video hero)"},
		Runtime:  checkedAt.Sub(started),
		Visitors: 19993, Orders: 373,
		Comparisons: []health.Comparison{
			{
				Variant: video, ConversionLift: some(-0.277),
				RevenuePerVisitorLift: some(-0.2708), AverageOrderValueLift: some(0.0071),
				ProbBeatControl: some(0),
			},
			{
				Variant: short, ConversionLift: some(0.0541),
				RevenuePerVisitorLift: some(0.0558), AverageOrderValueLift: some(0.0016),
				ProbBeatControl: some(0.816),
			},
		},
	}
}

// justStartedTest has run for three hours and has no analytics yet.
func justStartedTest() health.Result {
	started := checkedAt.Add(-3 * time.Hour)
	control := health.Arm{ID: "v-ctl", Name: "Original", IsControl: true, Percentage: 50}
	variant := health.Arm{ID: "v-new", Name: "Sticky add to cart", Percentage: 50}
	return health.Result{
		Test: health.Test{
			ID: "b2e6d9f4-0c3a-4d71-8e5b-19a4c7f2d380", Name: "Sticky Add To Cart",
			Type: "content/onsiteEdits", StartedAt: started,
			Arms: []health.Arm{control, variant},
		},
		Verdict:     health.Unhealthy,
		Issues:      []string{"Low sample size (0 sessions, 0 orders)"},
		Notes:       []string{"No analytics yet: they appear a few hours after a test starts"},
		Runtime:     checkedAt.Sub(started),
		Comparisons: []health.Comparison{{Variant: variant}},
	}
}

// lowDataTest has a little traffic, no probabilities and no orders in one arm.
func lowDataTest() health.Result {
	started := checkedAt.Add(-40 * time.Hour)
	control := health.Arm{
		ID: "v-ctl", Name: "Control", IsControl: true, Percentage: 34, Visitors: 15, Orders: 1,
		ConversionRate:    metric(some(0.066667)),
		RevenuePerVisitor: metric(some(2.9333)),
		AverageOrderValue: metric(some(44)),
	}
	five := health.Arm{
		ID: "v-5", Name: "5% off", Percentage: 33, Visitors: 14, Orders: 0,
		ConversionRate:    metric(some(0)),
		RevenuePerVisitor: metric(some(0)),
	}
	ten := health.Arm{
		ID: "v-10", Name: "10% off", Percentage: 33, Visitors: 13, Orders: 1,
		ConversionRate:    metric(some(0.076923)),
		RevenuePerVisitor: metric(some(3.0769)),
		AverageOrderValue: metric(some(40)),
	}
	return health.Result{
		Test: health.Test{
			ID: "e4c1a8b3-9d02-47f6-b5e8-0a3d6c9f1b27", Name: "Discount Depth",
			Type: "pricing", StartedAt: started,
			Arms: []health.Arm{control, five, ten}, HasAnalytics: true,
		},
		Verdict:  health.Unhealthy,
		Issues:   []string{"Low sample size (42 sessions)", "Low order count (2 orders)"},
		Runtime:  checkedAt.Sub(started),
		Visitors: 42, Orders: 2,
		Comparisons: []health.Comparison{
			{Variant: five, ConversionLift: some(-1), RevenuePerVisitorLift: some(-1)},
			{
				Variant: ten, ConversionLift: some(0.1538),
				RevenuePerVisitorLift: some(0.049), AverageOrderValueLift: some(-0.0909),
			},
		},
	}
}

// errorResult is a test whose data could not be read.
func errorResult() health.Result {
	return health.Result{
		Test: health.Test{
			ID: "0d5e8f71-6a2b-4c93-b4e0-5f1a7d3c9e62", Name: "Checkout Upsell",
			StartedAt: time.Date(2026, 2, 20, 9, 0, 0, 0, time.UTC),
		},
		Verdict: health.Error,
		Err:     errors.New("fetch analytics: intelligems answered 503 <upstream timeout>"),
	}
}

// hostileNamesTest has user text that mrkdwn would otherwise interpret, in
// a euro store with four-digit order values.
func hostileNamesTest() health.Result {
	started := time.Date(2026, 3, 9, 0, 0, 0, 0, time.UTC)
	control := health.Arm{
		ID: "v-ctl", Name: "Control", IsControl: true, Percentage: 50,
		Visitors: 1204, Orders: 31,
		ConversionRate:    metric(some(0.025748)),
		RevenuePerVisitor: metric(some(30.186)),
		AverageOrderValue: metric(some(1172.40)),
	}
	variant := health.Arm{
		ID: "v-ab", Name: "A & B <b>", Percentage: 50, Visitors: 1190, Orders: 37,
		ConversionRate:    metric(some(0.031092)),
		RevenuePerVisitor: metric(some(24.90)),
		AverageOrderValue: metric(some(800.84)),
	}
	return health.Result{
		Test: health.Test{
			ID: "<!here>", Name: "Price <test> & <!channel>", Type: "pricing",
			StartedAt: started, Currency: health.Currency{Code: "EUR", Symbol: "€"},
			Arms: []health.Arm{control, variant}, HasAnalytics: true,
		},
		Verdict:  health.Unhealthy,
		Issues:   []string{"Revenue per visitor dropped 17.5% (A & B <b>)"},
		Notes:    []string{"Ask <@U123> before stopping A & B <b>"},
		Runtime:  checkedAt.Sub(started),
		Visitors: 2394, Orders: 68,
		Comparisons: []health.Comparison{{
			Variant: variant, ConversionLift: some(0.2075),
			RevenuePerVisitorLift: some(-0.1751), AverageOrderValueLift: some(-0.3169),
			ProbBeatControl: some(0.9712), Significant: true,
		}},
	}
}

// scenario is one rendered case with its golden file.
type scenario struct {
	name   string
	result health.Result
	zone   string
}

// scenarios lists every rendered case.
func scenarios() []scenario {
	return []scenario{
		{name: "healthy_price", result: healthyPriceTest()},
		{name: "unhealthy_content", result: unhealthyContentTest(), zone: "America/New_York"},
		{name: "just_started", result: justStartedTest()},
		{name: "low_data", result: lowDataTest()},
		{name: "error", result: errorResult()},
		{name: "escaping", result: hostileNamesTest()},
	}
}

// render renders s with the fixed check time.
func (s scenario) render(t *testing.T) Message {
	t.Helper()
	opts := Options{Now: checkedAt, MinConfidence: 0.95}
	if s.zone != "" {
		loc, err := time.LoadLocation(s.zone)
		require.NoError(t, err, "load zone %s", s.zone)
		opts.Location = loc
	}
	return Render(s.result, opts)
}

// marshalIndented encodes m as Post does, indented for reading. Like the
// wire body it has <, > and & as the JSON escapes \u003c, \u003e and \u0026,
// which Slack decodes before it reads mrkdwn; so the mrkdwn escape &lt;
// appears as \u0026lt;.
func marshalIndented(t *testing.T, m Message) []byte {
	t.Helper()
	payload, err := json.Marshal(m)
	require.NoError(t, err, "marshal message")

	var buf bytes.Buffer
	require.NoError(t, json.Indent(&buf, payload, "", "  "), "indent payload")
	buf.WriteByte('\n')
	return buf.Bytes()
}

// assertGolden compares got with testdata/<name>.golden.json, or rewrites
// the file when -update is set.
func assertGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden.json")
	if *update {
		require.NoError(t, os.MkdirAll("testdata", 0o755), "create testdata")
		require.NoError(t, os.WriteFile(path, got, 0o644), "write %s", path)
		return
	}

	want, err := os.ReadFile(path)
	require.NoError(t, err, "read %s (run go test ./slack -update to create it)", path)
	assert.Equal(t, string(want), string(got), "rendered message differs from %s", path)
}

func TestRenderGolden(t *testing.T) {
	t.Parallel()

	for _, s := range scenarios() {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			assertGolden(t, s.name, marshalIndented(t, s.render(t)))
		})
	}
}

func TestRenderIsValidAndClean(t *testing.T) {
	t.Parallel()

	for _, s := range scenarios() {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			m := s.render(t)
			require.NoError(t, m.Validate(), "rendered message keeps Block Kit limits")

			payload, err := json.Marshal(m)
			require.NoError(t, err, "marshal message")
			assert.True(t, utf8.Valid(payload), "payload is valid UTF-8")
			for _, bad := range []string{"â", "Ã", "ðŸ", "\uFFFD"} {
				assert.NotContains(t, string(payload), bad, "payload has no mojibake")
			}
		})
	}
}

func TestRenderMessageShape(t *testing.T) {
	t.Parallel()

	payload, err := json.Marshal(Render(healthyPriceTest(), Options{Now: checkedAt}))
	require.NoError(t, err, "marshal message")

	var top map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(payload, &top), "payload is a JSON object")
	assert.ElementsMatch(t, []string{"text", "blocks"}, keys(top), "top-level members")
	assert.True(t, bytes.HasPrefix(top["blocks"], []byte("[")), "blocks is an array")

	payload, err = json.Marshal(Message{Text: "only text"})
	require.NoError(t, err, "marshal text-only message")
	assert.JSONEq(t, `{"text":"only text"}`, string(payload), "empty blocks are left out")
}

// keys returns the keys of m.
func keys(m map[string]json.RawMessage) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}

func TestRenderFallbackText(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name   string
		result health.Result
		want   string
	}{
		{"healthy", healthyPriceTest(), "✅ Hero Bundle Price Test: healthy"},
		{"unhealthy", unhealthyContentTest(), "⚠️ Homepage Hero Layout - 3 way: needs attention (1 issue)"},
		{"two issues", lowDataTest(), "⚠️ Discount Depth: needs attention (2 issues)"},
		{"error", errorResult(), "❌ Checkout Upsell: could not be checked"},
		{
			"escaped", hostileNamesTest(),
			"⚠️ Price &lt;test&gt; &amp; &lt;!channel&gt;: needs attention (1 issue)",
		},
		{"unnamed", health.Result{}, "✅ Untitled test: healthy"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := Render(tt.result, Options{Now: checkedAt})
			assert.Equal(t, tt.want, got.Text, "fallback text")
		})
	}
}

func TestRenderEscapesAllMrkdwn(t *testing.T) {
	t.Parallel()

	for _, s := range scenarios() {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			m := s.render(t)
			// Render writes no links or mentions of its own, so any < or >
			// in mrkdwn would be unescaped user text.
			for _, text := range append(mrkdwnTexts(m), m.Text) {
				assert.NotContains(t, text, "<", "mrkdwn text %q escapes <", text)
				assert.NotContains(t, text, ">", "mrkdwn text %q escapes >", text)
			}
		})
	}
}

func TestRenderHostileNames(t *testing.T) {
	t.Parallel()

	m := Render(hostileNamesTest(), Options{Now: checkedAt})
	header := m.Blocks.BlockSet[0].(*goslack.HeaderBlock)
	assert.Equal(t, "⚠️ Price <test> & <!channel>", header.Text.Text, "plain_text header is not escaped")

	all := strings.Join(mrkdwnTexts(m), "\n")
	assert.Contains(t, all, "*A &amp; B &lt;b&gt;*", "arm name is escaped")
	assert.Contains(t, all, "Ask &lt;@U123&gt; before", "note is escaped")
	assert.Contains(t, all, "€1,172.40", "money uses the euro symbol and separators")
	assert.NotContains(t, all, "$", "no dollar sign in a euro store")
}

// mrkdwnTexts returns the text of every mrkdwn object in m.
func mrkdwnTexts(m Message) []string {
	var texts []string
	add := func(o *goslack.TextBlockObject) {
		if o != nil && o.Type == goslack.MarkdownType {
			texts = append(texts, o.Text)
		}
	}
	for _, b := range m.Blocks.BlockSet {
		switch b := b.(type) {
		case *goslack.SectionBlock:
			add(b.Text)
			for _, f := range b.Fields {
				add(f)
			}
		case *goslack.ContextBlock:
			for _, e := range b.ContextElements.Elements {
				if o, ok := e.(*goslack.TextBlockObject); ok {
					add(o)
				}
			}
		}
	}
	return texts
}

func TestRenderAbsentIsNotZero(t *testing.T) {
	t.Parallel()

	all := strings.Join(mrkdwnTexts(Render(justStartedTest(), Options{Now: checkedAt})), "\n")
	assert.NotContains(t, all, "0.00%", "absent conversion rate is not shown as 0")
	assert.NotContains(t, all, "$0.00", "absent money is not shown as 0")
	assert.Contains(t, all, "no data", "absent values read no data")
	assert.Contains(t, all, "not enough data for a probability yet", "absent probability")

	all = strings.Join(mrkdwnTexts(Render(unhealthyContentTest(), Options{Now: checkedAt})), "\n")
	assert.Contains(t, all, "A - Video hero: 0.0% chance to beat control", "real zero probability")
}

func TestRenderOversized(t *testing.T) {
	t.Parallel()

	r := manyArms(60, strings.Repeat("N", 300))
	m := Render(r, Options{Now: checkedAt})
	require.NoError(t, m.Validate(), "oversized test still renders within limits")

	assert.LessOrEqual(t, len(m.Blocks.BlockSet), MaxBlocks, "block count")
	header := m.Blocks.BlockSet[0].(*goslack.HeaderBlock)
	assert.Equal(t, MaxHeaderText, utf8.RuneCountInString(header.Text.Text), "header is cut")
	assert.True(t, strings.HasSuffix(header.Text.Text, "…"), "cut header ends with an ellipsis")

	all := strings.Join(mrkdwnTexts(m), "\n")
	assert.Contains(t, all, "more arms not shown", "overflow is summarised")
	assert.Contains(t, all, "(control)", "the control is always shown")
	assert.Contains(t, all, "…and", "long issue lists are summarised")
}

// manyArms builds an unhealthy test with n arms of long names, the control
// last, and a long list of long issues and notes.
func manyArms(n int, name string) health.Result {
	r := health.Result{
		Test:    health.Test{ID: "many", Name: name, StartedAt: checkedAt.Add(-48 * time.Hour)},
		Verdict: health.Unhealthy,
		Runtime: 48 * time.Hour,
	}
	for i := range n {
		a := health.Arm{
			ID: string(rune('a' + i%26)), Name: strings.Repeat("Ω<&>", 100),
			IsControl: i == n-1, Percentage: 100 / float64(n), Visitors: 1000 + i, Orders: 10 + i,
			ConversionRate: metric(some(0.01)),
		}
		r.Test.Arms = append(r.Test.Arms, a)
		r.Visitors += a.Visitors
		r.Orders += a.Orders
		if !a.IsControl {
			r.Comparisons = append(r.Comparisons, health.Comparison{
				Variant: a, ConversionLift: some(0.01), ProbBeatControl: some(0.5),
			})
		}
		r.Issues = append(r.Issues, strings.Repeat("issue <!here> ", 30))
		r.Notes = append(r.Notes, strings.Repeat("note & ", 50))
	}
	return r
}
