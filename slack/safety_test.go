package slack

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/ighealth/intelligems-health-action/health"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// hostileTexts are user texts that mrkdwn would act on if they were not
// escaped: mentions, a link, markup, an entity and a line break.
var hostileTexts = []string{
	"<!channel>", "<!here>", "<@U123>", "A & B", "<b>bold</b>", "two\nlines",
	"<http://x|click>", "&amp; already", "<#C123|general>", "<!subteam^S1>",
	strings.Repeat("long name <!here> & ", 15), // 300 runes
	"plain name",
}

// ownLink matches a mrkdwn link as this package writes it.
var ownLink = regexp.MustCompile(`<(https?://[^<>|\s]+)\|([^<>]*)>`)

// currencies are the currencies results are generated in, one with a
// symbol that needs escaping.
var currencies = []health.Currency{
	{}, {Code: "EUR", Symbol: "€"}, {Code: "SEK"}, {Symbol: "<&>"},
}

// assertOnlyOwnMarkup checks that the only mrkdwn control sequences in msgs
// are the links and the mention this package adds from opts: every other
// <, > or & comes from user text and must be escaped, and every link must
// point where opts says.
func assertOnlyOwnMarkup(t *testing.T, msgs []Message, opts Options) {
	t.Helper()
	prefixes := []string{}
	if opts.RunURL != "" {
		prefixes = append(prefixes, strings.ReplaceAll(opts.RunURL, "&", "&amp;"))
	}
	if base, _, ok := strings.Cut(opts.TestURLTemplate, "{id}"); ok {
		prefixes = append(prefixes, base)
	}

	for i, m := range msgs {
		for _, text := range append(mrkdwnTexts(m), m.Text) {
			rest := ownLink.ReplaceAllStringFunc(text, func(link string) string {
				target := ownLink.FindStringSubmatch(link)[1]
				assert.True(t, hasAnyPrefix(target, prefixes),
					"message %d links only to the run or a test, got %q", i, target)
				return "link"
			})
			if opts.Mention != "" {
				rest = strings.Replace(rest, opts.Mention+" ", "", 1)
			}
			assert.NotContains(t, rest, "<", "message %d: user text escapes < in %q", i, text)
			assert.NotContains(t, rest, ">", "message %d: user text escapes > in %q", i, text)
			entities := strings.NewReplacer("&amp;", "", "&lt;", "", "&gt;", "")
			assert.NotContains(t, entities.Replace(rest), "&",
				"message %d: every & is escaped in %q", i, text)
		}
	}
}

// hasAnyPrefix reports whether s starts with one of prefixes.
func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if p != "" && strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// allVerdicts lists every verdict.
var allVerdicts = []health.Verdict{
	health.CollectingData, health.KeepRunning, health.Winner, health.Flat,
	health.Loser, health.Unhealthy, health.Error,
}

// randomResult builds a result from rng with hostile user text, between 0
// and 60 arms, absent and present numbers, and any verdict.
func randomResult(rng *rand.Rand, i int) health.Result {
	pick := func() string { return hostileTexts[rng.IntN(len(hostileTexts))] }
	armCounts := []int{0, 1, 2, 3, 4, 60}
	r := health.Result{
		Test: health.Test{
			ID: fmt.Sprintf("%s-%d", pick(), i), Name: fmt.Sprintf("%d %s", i, pick()),
			StartedAt: checkedAt.Add(-time.Duration(rng.IntN(60*24)) * time.Hour),
			Currency:  currencies[rng.IntN(len(currencies))],
		},
		Verdict: allVerdicts[rng.IntN(len(allVerdicts))],
		Primary: health.MetricID(rng.IntN(3)),
	}
	r.Runtime = checkedAt.Sub(r.Test.StartedAt)
	for range rng.IntN(5) {
		r.Issues = append(r.Issues, "Issue "+pick())
		r.Notes = append(r.Notes, "Note "+pick())
	}
	if r.Verdict == health.Error {
		r.Err = errors.New("fetch: " + pick())
	}
	addArms(rng, &r, armCounts[rng.IntN(len(armCounts))], pick)
	r.SampleRatio = health.SampleRatio{
		Checked: rng.IntN(2) == 0, Mismatch: rng.IntN(2) == 0, Arm: pick(),
		ChiSquare: rng.Float64() * 200, DF: 1, PValue: rng.Float64() / 1e6,
		Observed: rng.Float64(), Expected: 0.5,
	}
	r.Decision = health.Decision{
		Known: rng.IntN(3) > 0, Underpowered: rng.IntN(3) == 0, SessionsPerArm: rng.IntN(1e6),
		SessionsRemaining: rng.IntN(1e6), DaysRemaining: rng.IntN(400),
	}
	return r
}

// addArms gives r n arms, the control at a random place, with comparisons.
func addArms(rng *rand.Rand, r *health.Result, n int, pick func() string) {
	maybe := func(v float64) health.Float {
		if rng.IntN(4) == 0 {
			return health.Float{}
		}
		return some(v)
	}
	control := rng.IntN(max(n, 1))
	for k := range n {
		a := health.Arm{
			ID: fmt.Sprint(k), Name: pick(), IsControl: k == control, Percentage: 100 / float64(n),
			Visitors: rng.IntN(1e6), Orders: rng.IntN(1e4),
			ConversionRate:    metric(maybe(rng.Float64() / 10)),
			RevenuePerVisitor: metric(maybe(rng.Float64() * 5000)),
			AverageOrderValue: metric(maybe(rng.Float64() * 5000)),
		}
		r.Test.Arms = append(r.Test.Arms, a)
		r.Visitors += a.Visitors
		r.Orders += a.Orders
		if !a.IsControl {
			r.Comparisons = append(r.Comparisons, health.Comparison{
				Variant: a, ConversionLift: maybe(rng.Float64()*2 - 1),
				Primary: health.Standing{
					Lift: maybe(rng.Float64()*2 - 1), ProbBeatControl: maybe(rng.Float64()),
					Computed: rng.IntN(2) == 0, Outcome: health.Outcome(rng.IntN(4)),
				},
			})
		}
	}
}

// generatedOptions returns options that use every feature, with hostile
// text where the user gives it.
func generatedOptions(rng *rand.Rand) Options {
	mentions := []string{"", "<!here>", "<!channel>", "<@U0123ABCD>", "<!subteam^S0TEAM42>"}
	return Options{
		Now: checkedAt, StoreName: hostileTexts[rng.IntN(len(hostileTexts))],
		RunURL: testRunURL, TestURLTemplate: testURLTemplate,
		Mention: mentions[rng.IntN(len(mentions))],
	}
}

// assertDeliverable checks what every message must satisfy before it is
// posted.
func assertDeliverable(t *testing.T, msgs []Message, opts Options) {
	t.Helper()
	for i, m := range msgs {
		require.NoError(t, m.Validate(), "message %d keeps Block Kit limits", i)
		assert.NotEmpty(t, strings.TrimSpace(m.Text), "message %d has a fallback text", i)
		assert.NotContains(t, headerText(t, m), "\n", "message %d header is one line", i)
		assert.True(t, utf8.ValidString(m.Text), "message %d text is valid UTF-8", i)
	}
	assertOnlyOwnMarkup(t, msgs, opts)
}

// needsAttention reports whether any result needs attention.
func needsAttention(results []health.Result) bool {
	for _, r := range results {
		if r.Verdict.NeedsAttention() {
			return true
		}
	}
	return false
}

func TestRenderGeneratedResults(t *testing.T) {
	t.Parallel()

	rng := rand.New(rand.NewPCG(2026, 3))
	for i := range 300 {
		r, opts := randomResult(rng, i), generatedOptions(rng)
		m := Render(r, opts)

		assertDeliverable(t, []Message{m}, opts)
		if opts.Mention != "" {
			want := r.Verdict.NeedsAttention()
			assert.Equal(t, want, strings.HasPrefix(m.Text, opts.Mention+" "),
				"result %d (%s): fallback mentions only when attention is needed", i, r.Verdict)
			assert.Equal(t, want, strings.Contains(mrkdwnTexts(m)[0], opts.Mention),
				"result %d (%s): status mentions only when attention is needed", i, r.Verdict)
		}
	}
}

func TestRenderDigestGeneratedResults(t *testing.T) {
	t.Parallel()

	rng := rand.New(rand.NewPCG(2026, 4))
	for _, n := range []int{0, 1, 2, 7, 25, 26, 47, 60, 130} {
		results := make([]health.Result, n)
		for i := range results {
			results[i] = randomResult(rng, i)
		}
		opts := generatedOptions(rng)
		opts.Mention = "<!here>"
		msgs := RenderDigest(results, opts)

		require.NotEmpty(t, msgs, "%d results give at least one message", n)
		assertDeliverable(t, msgs, opts)
		assert.Equal(t, n, countEntries(msgs), "%d results: every test is listed once", n)
		mentioned := 0
		for _, m := range msgs {
			if strings.HasPrefix(m.Text, "<!here> ") {
				mentioned++
			}
		}
		assert.Equal(t, needsAttention(results), mentioned > 0,
			"%d results: a mention only when a test needs attention", n)
	}
}

// countEntries counts the digest entries of msgs: the sections that start
// with a verdict's emoji.
func countEntries(msgs []Message) int {
	n := 0
	for _, m := range msgs {
		for _, text := range mrkdwnTexts(m) {
			for _, v := range allVerdicts {
				if strings.HasPrefix(text, v.Emoji()+" *") {
					n++
				}
			}
		}
	}
	return n
}
