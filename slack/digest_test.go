package slack

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ighealth/intelligems-health-action/health"
	goslack "github.com/slack-go/slack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// storeTest describes one test of the generated store.
type storeTest struct {
	name    string
	verdict health.Verdict
	days    int
	issues  []string
}

// storeTests are the 25 running tests of a mid-sized store, in the order
// the API might list them.
var storeTests = []storeTest{
	{"PDP Image Carousel v3", health.KeepRunning, 9, nil},
	{"Bundle Builder Price Anchor", health.Loser, 16, []string{
		"Losing on revenue per visitor: B - Anchor $129 has a 2.0% chance to beat control",
	}},
	{"Free Shipping Bar Copy", health.KeepRunning, 6, nil},
	{"Subscribe & Save 15% vs 20%", health.Winner, 24, nil},
	{"Cart Drawer Cross-sell", health.Unhealthy, 11, []string{
		"Sample ratio mismatch: Variant got 45.4% of visitors, expected 50.0% (p = 1.2e-38)",
	}},
	{"Homepage Hero Video", health.CollectingData, 1, nil},
	{"Collection Grid 3 vs 4 columns", health.KeepRunning, 13, nil},
	{"Checkout Trust Badges", health.Flat, 30, nil},
	{"Sticky Add to Cart (mobile)", health.KeepRunning, 8, nil},
	{"Shipping Threshold $50 vs $75", health.Error, 19, nil},
	{"Gift Card Upsell", health.KeepRunning, 4, nil},
	{"Quiz Landing Page", health.CollectingData, 0, nil},
	{"Price Test: Core Kit $39/$44/$49", health.Unhealthy, 22, []string{
		"Sample ratio mismatch: $49 got 30.2% of visitors, expected 33.3% (p = 4.1e-09)",
		"Conversion rate of $49 is 31.0% below control",
	}},
	{"Reviews Above the Fold", health.KeepRunning, 10, nil},
	{"Mega Menu Simplification", health.KeepRunning, 15, nil},
	{"Bundle Discount Tiering", health.Winner, 27, nil},
	{"Exit Intent Offer", health.Loser, 12, []string{
		"Losing on conversion rate: 10% off popup has a 0.4% chance to beat control",
	}},
	{"Size Guide Modal", health.KeepRunning, 7, nil},
	{"PDP Benefits Icons", health.Flat, 35, nil},
	{"Search Bar Placement", health.CollectingData, 2, nil},
	{"Loyalty Points Callout", health.KeepRunning, 5, nil},
	{"Announcement Bar Rotation", health.KeepRunning, 3, nil},
	{"Product Video Autoplay", health.CollectingData, 1, nil},
	{"Back in Stock Form", health.KeepRunning, 20, nil},
	{"Post-purchase Upsell Offer", health.KeepRunning, 18, nil},
}

// storeResults builds the store's results from storeTests. Every number is
// derived from the test's position, so the results are the same each run.
func storeResults() []health.Result {
	results := make([]health.Result, len(storeTests))
	for i, st := range storeTests {
		results[i] = storeResult(i, st)
	}
	return results
}

// storeResult builds the i-th result of the store.
func storeResult(i int, st storeTest) health.Result {
	started := checkedAt.Add(-time.Duration(st.days*24+i) * time.Hour)
	visitors := 1800*st.days + 137*i
	orders := visitors * (18 + i%7) / 1000
	lift := float64((i*37)%41-20) / 200 // −10.0% to +10.0%
	prob := float64((i*53)%97+2) / 100  // 0.02 to 0.98

	r := health.Result{
		Test: health.Test{
			ID:   fmt.Sprintf("00000000-0000-4000-8000-%012d", i+1),
			Name: st.name, StartedAt: started,
		},
		Verdict: st.verdict, Issues: st.issues,
		Runtime: checkedAt.Sub(started), Visitors: visitors, Orders: orders,
		Primary: health.MetricID(i % 2),
	}
	if st.verdict == health.Error {
		r.Err = fmt.Errorf("fetch analytics: intelligems answered 502")
		return r
	}

	outcome := map[health.Verdict]health.Outcome{
		health.Winner: health.Winning, health.Loser: health.Losing,
	}[st.verdict]
	if st.verdict == health.Winner {
		lift, prob = 0.062+float64(i)/1000, 0.985
	}
	if st.verdict == health.Loser {
		lift, prob = -0.081-float64(i)/1000, 0.02
	}
	r.Comparisons = []health.Comparison{{
		Variant: health.Arm{ID: "b", Name: "B"},
		Primary: health.Standing{Lift: some(lift), ProbBeatControl: some(prob), Outcome: outcome},
	}}
	if st.verdict == health.CollectingData {
		r.Comparisons[0].Primary = health.Standing{}
	}
	remaining := max(0, 48000-visitors)
	if st.verdict == health.Winner || st.verdict == health.Flat {
		remaining = 0
	}
	r.Decision = health.Decision{
		Known: st.verdict != health.CollectingData, SessionsPerArm: 24000,
		SessionsRemaining: remaining, DaysRemaining: remaining / 1800,
	}
	return r
}

// digestScenario is one rendered digest with its golden file.
type digestScenario struct {
	name    string
	results []health.Result
	opts    Options
	parts   int
}

// digestScenarios lists every rendered digest.
func digestScenarios() []digestScenario {
	store := linked
	store.Mention = "<!here>"
	return []digestScenario{
		{name: "digest_store25_split", results: storeResults(), opts: store, parts: 2},
		{name: "digest_small", results: []health.Result{
			keepRunningTest(), winnerTest(), loserTest(), justStartedTest(), srmTest(),
		}, opts: store, parts: 1},
		{name: "digest_all_clear", results: []health.Result{
			keepRunningTest(), winnerTest(), justStartedTest(),
		}, opts: store, parts: 1},
		{name: "digest_empty", opts: Options{StoreName: "Acme Outdoor"}, parts: 1},
	}
}

func TestRenderDigestGolden(t *testing.T) {
	t.Parallel()

	for _, s := range digestScenarios() {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			s.opts.Now = checkedAt
			msgs := RenderDigest(s.results, s.opts)

			require.Len(t, msgs, s.parts, "number of messages")
			assertDeliverable(t, msgs, s.opts)
			assertGolden(t, s.name, marshalAll(t, msgs))
		})
	}
}

func TestRenderDigestStore(t *testing.T) {
	t.Parallel()

	opts := linked
	opts.Now, opts.Mention = checkedAt, "<!here>"
	results := storeResults()
	msgs := RenderDigest(results, opts)

	require.GreaterOrEqual(t, len(msgs), 2, "25 tests need more than one message")
	require.LessOrEqual(t, len(msgs), 3, "25 tests fit in three messages")

	all := ""
	for i, m := range msgs {
		label := fmt.Sprintf(" (%d of %d)", i+1, len(msgs))
		assert.True(t, strings.HasPrefix(headerText(t, m),
			"Acme Outdoor · Test health: ❌ 1 · 🔴 2 · 🟠 2 · 🟢 2 · 🟡 2 · 🔵 12 · ⚪ 4"),
			"message %d header has the store and every count", i)
		assert.True(t, strings.HasSuffix(headerText(t, m), label), "message %d header numbers it", i)
		assert.Contains(t, m.Text, "Test health"+label+": 25 running tests: 1 error, 2 unhealthy, "+
			"2 losers, 2 winners, 2 flat, 12 keep running, 4 collecting data",
			"message %d fallback stands on its own", i)
		_, footer := m.Blocks.BlockSet[len(m.Blocks.BlockSet)-1].(*goslack.ContextBlock)
		assert.True(t, footer, "message %d ends with the footer", i)
		all += strings.Join(mrkdwnTexts(m), "\n")
	}

	for _, r := range results {
		assert.Equal(t, 1, strings.Count(all, "|"+Escape(r.Test.Name)+">*"),
			"%q is listed once, as a link", r.Test.Name)
	}
	assert.Equal(t, len(results), countEntries(msgs), "one entry per test")
}

func TestRenderDigestOrder(t *testing.T) {
	t.Parallel()

	msgs := RenderDigest(storeResults(), Options{Now: checkedAt})
	var got []health.Verdict
	for _, m := range msgs {
		for _, text := range mrkdwnTexts(m) {
			for _, v := range allVerdicts {
				if strings.HasPrefix(text, v.Emoji()+" *") {
					got = append(got, v)
				}
			}
		}
	}

	want := []health.Verdict{health.Error, health.Unhealthy, health.Unhealthy,
		health.Loser, health.Loser, health.Winner, health.Winner, health.Flat, health.Flat}
	for range 12 {
		want = append(want, health.KeepRunning)
	}
	for range 4 {
		want = append(want, health.CollectingData)
	}
	assert.Equal(t, want, got, "attention first, then by verdict")
}

func TestRenderDigestMention(t *testing.T) {
	t.Parallel()

	opts := Options{Now: checkedAt, Mention: "<@U0123ABCD>"}
	msgs := RenderDigest(storeResults(), opts)
	require.Len(t, msgs, 2, "the store splits in two")

	// Attention comes first, so only the first message carries such tests.
	assert.True(t, strings.HasPrefix(msgs[0].Text, "<@U0123ABCD> "), "first fallback mentions")
	assert.True(t, strings.HasPrefix(mrkdwnTexts(msgs[0])[0], "<@U0123ABCD> "),
		"first summary mentions")
	assert.NotContains(t, msgs[1].Text, "<@U0123ABCD>", "second fallback does not")
	assert.NotContains(t, strings.Join(mrkdwnTexts(msgs[1]), "\n"), "<@U0123ABCD>",
		"second message's blocks do not")

	calm := RenderDigest([]health.Result{keepRunningTest(), winnerTest()}, opts)
	assert.NotContains(t, calm[0].Text, "<@U0123ABCD>", "no mention when nothing needs attention")
}

func TestRenderDigestManyTests(t *testing.T) {
	t.Parallel()

	var results []health.Result
	for i := range 120 {
		r := storeResult(i, storeTests[i%len(storeTests)])
		r.Test.Name = fmt.Sprintf("%03d %s", i, strings.Repeat("Long name ", 30))
		r.Issues = append(r.Issues, strings.Repeat("A long reason that goes on. ", 20))
		results = append(results, r)
	}
	opts := Options{Now: checkedAt, TestURLTemplate: testURLTemplate}
	msgs := RenderDigest(results, opts)

	assertDeliverable(t, msgs, opts)
	assert.Equal(t, len(results), countEntries(msgs), "every test is listed")
	for i, m := range msgs {
		size := 0
		for _, text := range mrkdwnTexts(m) {
			size += len([]rune(text))
		}
		assert.LessOrEqual(t, size, maxDigestText, "message %d stays under the size budget", i)
	}
	sizes := make([]int, len(msgs))
	for i, m := range msgs {
		sizes[i] = len(m.Blocks.BlockSet)
	}
	t.Logf("120 long tests: %d messages with %v blocks", len(msgs), sizes)
}

func TestKeyLift(t *testing.T) {
	t.Parallel()

	named := func(name string, s health.Standing) health.Comparison {
		return health.Comparison{Variant: health.Arm{Name: name}, Primary: s}
	}
	tests := []struct {
		name    string
		verdict health.Verdict
		cmps    []health.Comparison
		want    string
	}{
		{"no variant", health.KeepRunning, nil, ""},
		{"one variant", health.KeepRunning, []health.Comparison{
			named("B", standing(some(0.052), some(0.8), health.Undecided)),
		}, "conversion rate +5.2%"},
		{"absent lift", health.CollectingData, []health.Comparison{
			named("B", health.Standing{}),
		}, "conversion rate low data"},
		{"the loser's losing arm", health.Loser, []health.Comparison{
			named("B", standing(some(0.30), some(0.9), health.Undecided)),
			named("C", standing(some(-0.08), some(0.01), health.Losing)),
		}, "conversion rate −8.0% (C)"},
		{"the winner's winning arm", health.Winner, []health.Comparison{
			named("B", standing(some(-0.30), some(0.1), health.Undecided)),
			named("C", standing(some(0.04), some(0.99), health.Winning)),
		}, "conversion rate +4.0% (C)"},
		{"largest change", health.KeepRunning, []health.Comparison{
			named("B", standing(some(0.01), some(0.6), health.Undecided)),
			named("C", standing(some(-0.12), some(0.2), health.Undecided)),
		}, "conversion rate −12.0% (C)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := health.Result{Verdict: tt.verdict, Comparisons: tt.cmps}
			assert.Equal(t, tt.want, keyLift(r), "key lift")
		})
	}
}
