package slack

import (
	"bytes"
	"encoding/json"
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

// scenario is one rendered case with its golden file.
type scenario struct {
	name   string
	result health.Result
	opts   Options
	zone   string
}

// linked are options with a store name and both links.
var linked = Options{
	StoreName: "Acme Outdoor", RunURL: testRunURL, TestURLTemplate: testURLTemplate,
}

// scenarios lists every rendered case.
func scenarios() []scenario {
	withMention := linked
	withMention.Mention = "<!here>"
	hostile := Options{
		StoreName: "Shop <!channel> & Co\n<http://x|click>", RunURL: testRunURL,
		TestURLTemplate: testURLTemplate, Mention: "<!subteam^S0TEAM42>",
	}
	return []scenario{
		{name: "keep_running", result: keepRunningTest(), opts: linked},
		{name: "winner", result: winnerTest(), opts: linked},
		{name: "loser_mention", result: loserTest(), opts: withMention, zone: "America/New_York"},
		{name: "unhealthy_srm_sek", result: srmTest(), opts: withMention},
		{name: "collecting_data", result: justStartedTest()},
		{name: "low_data", result: lowDataTest(), opts: withMention},
		{name: "error", result: errorResult(), opts: withMention},
		{name: "escaping_eur", result: hostileNamesTest(), opts: hostile},
	}
}

// render renders s with the fixed check time.
func (s scenario) render(t *testing.T) Message {
	t.Helper()
	opts := s.opts
	opts.Now, opts.MinConfidence = checkedAt, 0.95
	if s.zone != "" {
		loc, err := time.LoadLocation(s.zone)
		require.NoError(t, err, "load zone %s", s.zone)
		opts.Location = loc
	}
	return Render(s.result, opts)
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

	payload, err := json.Marshal(Render(keepRunningTest(), Options{Now: checkedAt}))
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
		opts   Options
		want   string
	}{
		{"keep running", keepRunningTest(), Options{}, "🔵 Hero Bundle Price Test: keep running"},
		{
			"store name", winnerTest(), Options{StoreName: "Acme"},
			"🟢 Acme · Free Shipping Threshold: winner",
		},
		{
			"loser with mention", loserTest(), Options{Mention: "<!here>"},
			"<!here> 🟠 Homepage Hero Layout - 3 way: loser (1 issue)",
		},
		{
			"no mention without attention", keepRunningTest(), Options{Mention: "<!here>"},
			"🔵 Hero Bundle Price Test: keep running",
		},
		{"collecting data", lowDataTest(), Options{}, "⚪ Discount Depth: collecting data"},
		{"error", errorResult(), Options{}, "❌ Checkout Upsell: could not be checked"},
		{
			"escaped", hostileNamesTest(), Options{StoreName: "A&B"},
			"🟠 A&amp;B · Price &lt;test&gt; &amp; &lt;!channel&gt; " +
				"&lt;http://x|click&gt;: loser (1 issue)",
		},
		{"unnamed", health.Result{}, Options{}, "⚪ Untitled test: collecting data"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.opts.Now = checkedAt
			got := Render(tt.result, tt.opts)
			assert.Equal(t, tt.want, got.Text, "fallback text")
		})
	}
}

func TestRenderEscapesAllMrkdwn(t *testing.T) {
	t.Parallel()

	for _, s := range scenarios() {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			assertOnlyOwnMarkup(t, []Message{s.render(t)}, s.opts)
		})
	}
}

func TestRenderHostileNames(t *testing.T) {
	t.Parallel()

	s := scenarios()[len(scenarios())-1]
	require.Equal(t, "escaping_eur", s.name, "the last scenario has the hostile names")
	m := s.render(t)
	assert.Equal(t, "🟠 Shop <!channel> & Co <http://x|click> · Price <test> & <!channel> "+
		"<http://x|click>", headerText(t, m), "plain_text header is on one line, not escaped")

	all := strings.Join(mrkdwnTexts(m), "\n")
	assert.Contains(t, all, "*A &amp; B &lt;b&gt;*", "arm name is escaped")
	assert.Contains(t, all, "Ask &lt;@U123&gt; before", "note is escaped")
	assert.Contains(t, all, "Test ID &lt;!here&gt;", "test ID is escaped")
	assert.Contains(t, all, "<https://localhost:8443/experiments/%3C%21here%3E|Open test>",
		"test ID is path-escaped in the link")
	assert.Contains(t, all, "€1,172.40", "money uses the euro symbol and separators")
	assert.NotContains(t, all, "$", "no dollar sign in a euro store")
}

func TestRenderMention(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name    string
		result  health.Result
		mention string
		want    bool
	}{
		{"loser", loserTest(), "<!here>", true},
		{"unhealthy", srmTest(), "<@U0123ABCD>", true},
		{"error", errorResult(), "<!subteam^S0TEAM42>", true},
		{"winner", winnerTest(), "<!here>", false},
		{"keep running", keepRunningTest(), "<!channel>", false},
		{"collecting data", justStartedTest(), "<!here>", false},
		{"not slack syntax", loserTest(), "@here <b>", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := Render(tt.result, Options{Now: checkedAt, Mention: tt.mention})
			texts := mrkdwnTexts(m)
			status := texts[0]
			if !tt.want {
				assert.NotContains(t, m.Text+strings.Join(texts, "\n"), tt.mention, "no mention")
				return
			}
			assert.True(t, strings.HasPrefix(m.Text, tt.mention+" "), "fallback starts with it")
			assert.True(t, strings.HasPrefix(status, tt.mention+" "), "status starts with it")
			assert.Equal(t, 1, strings.Count(strings.Join(texts, "\n"), tt.mention),
				"blocks mention once")
		})
	}
}

func TestRenderLinks(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name string
		opts Options
		want []string
	}{
		{"none", Options{}, []string{
			"Checked 2026-03-16 13:00 UTC", "Test ID 8c1f4e2a-5b7d-4e0f-9a31-2d6b8f0c7e11",
		}},
		{"both", linked, []string{
			"Checked 2026-03-16 13:00 UTC", "Test ID 8c1f4e2a-5b7d-4e0f-9a31-2d6b8f0c7e11",
			"<" + testRunURL + "|Workflow run>",
			"<https://localhost:8443/experiments/8c1f4e2a-5b7d-4e0f-9a31-2d6b8f0c7e11|Open test>",
		}},
		{"query escaped", Options{RunURL: "https://localhost/runs?a=1&b=2"}, []string{
			"Checked 2026-03-16 13:00 UTC", "Test ID 8c1f4e2a-5b7d-4e0f-9a31-2d6b8f0c7e11",
			"<https://localhost/runs?a=1&amp;b=2|Workflow run>",
		}},
		{"unusable URLs left out", Options{
			RunURL: "javascript:alert(1)", TestURLTemplate: "https://localhost/x|y/{id}",
		}, []string{"Checked 2026-03-16 13:00 UTC", "Test ID 8c1f4e2a-5b7d-4e0f-9a31-2d6b8f0c7e11"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.opts.Now = checkedAt
			m := Render(keepRunningTest(), tt.opts)
			footer := m.Blocks.BlockSet[len(m.Blocks.BlockSet)-1].(*goslack.ContextBlock)
			var got []string
			for _, e := range footer.ContextElements.Elements {
				got = append(got, e.(*goslack.TextBlockObject).Text)
			}
			assert.Equal(t, tt.want, got, "footer elements")
		})
	}
}

func TestRenderAbsentIsNotZero(t *testing.T) {
	t.Parallel()

	all := strings.Join(mrkdwnTexts(Render(justStartedTest(), Options{Now: checkedAt})), "\n")
	assert.NotContains(t, all, "0.00%", "absent conversion rate is not shown as 0")
	assert.NotContains(t, all, "$0.00", "absent money is not shown as 0")
	assert.Contains(t, all, "*Conversion rate*\nlow data", "absent values read low data")
	assert.Contains(t, all, "chance to beat control: low data", "absent probability")
	assert.Contains(t, all, "*Time to decision*\nlow data", "unknown decision")

	all = strings.Join(mrkdwnTexts(Render(loserTest(), Options{Now: checkedAt})), "\n")
	assert.Contains(t, all, "A - Video hero — *losing*: lift −27.7%, 0.0% chance to beat control",
		"real zero probability")
}

func TestRenderOversized(t *testing.T) {
	t.Parallel()

	r := manyArms(60, strings.Repeat("N", 300))
	m := Render(r, Options{Now: checkedAt, StoreName: strings.Repeat("S", 300)})
	require.NoError(t, m.Validate(), "oversized test still renders within limits")

	assert.LessOrEqual(t, len(m.Blocks.BlockSet), MaxBlocks, "block count")
	header := headerText(t, m)
	assert.Equal(t, MaxHeaderText, utf8.RuneCountInString(header), "header is cut")
	assert.True(t, strings.HasSuffix(header, "…"), "cut header ends with an ellipsis")

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
				Variant: a, ConversionLift: some(0.01),
				Primary: standing(some(-0.3), some(0.01), health.Losing),
			})
		}
		r.Issues = append(r.Issues, strings.Repeat("issue <!here> ", 30))
		r.Notes = append(r.Notes, strings.Repeat("note & ", 50))
	}
	return r
}
