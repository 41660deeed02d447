package slack

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ighealth/intelligems-health-action/health"
	goslack "github.com/slack-go/slack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// checkedAt is the fixed time of every rendered check.
var checkedAt = time.Date(2026, 3, 16, 13, 0, 0, 0, time.UTC)

// Links used by the fixtures. They are only written into messages, never
// requested.
const (
	testRunURL      = "https://localhost:8443/acme/shop/actions/runs/42"
	testURLTemplate = "https://localhost:8443/experiments/{id}"
)

// some is short for health.Some.
func some(v float64) health.Float { return health.Some(v) }

// metric returns a metric with a value and no comparison numbers.
func metric(v health.Float) health.Metric { return health.Metric{Value: v} }

// standing returns a standing on the primary metric.
func standing(lift, prob health.Float, o health.Outcome) health.Standing {
	return health.Standing{Lift: lift, ProbBeatControl: prob, Outcome: o}
}

// keepRunningTest is a two-arm price test in USD, healthy and undecided.
func keepRunningTest() health.Result {
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
			Type: "pricing", PriceOrShipping: true, StartedAt: started,
			Currency: health.Currency{Code: "USD", Symbol: "$"},
			Arms:     []health.Arm{control, variant}, HasAnalytics: true,
		},
		Verdict:  health.KeepRunning,
		Notes:    []string{"About 17 more days to a decision at current traffic"},
		Runtime:  checkedAt.Sub(started),
		Visitors: 19993, Orders: 413,
		Primary: health.RevenuePerVisitor,
		Comparisons: []health.Comparison{{
			Variant:               variant,
			ConversionLift:        some(0.0519),
			RevenuePerVisitorLift: some(0.056),
			AverageOrderValueLift: some(0.0038),
			Primary:               standing(some(0.056), some(0.7412), health.Undecided),
		}},
		SampleRatio: health.SampleRatio{
			Checked: true, ChiSquare: 0.036, DF: 1, PValue: 0.85,
			Arm: "Variant - $44", Observed: 0.5007, Expected: 0.5,
		},
		Decision: health.Decision{
			Known: true, SessionsPerArm: 24000, SessionsRemaining: 28007, DaysRemaining: 17,
		},
	}
}

// winnerTest is a shipping test whose variant wins on revenue per visitor,
// with a probability the assessment computed itself.
func winnerTest() health.Result {
	started := checkedAt.Add(-21 * 24 * time.Hour)
	control := health.Arm{
		ID: "v-ctl", Name: "Free shipping over $75", IsControl: true, Percentage: 50,
		Visitors: 31240, Orders: 812,
		ConversionRate:    metric(some(0.025992)),
		RevenuePerVisitor: metric(some(2.1841)),
		AverageOrderValue: metric(some(84.03)),
	}
	variant := health.Arm{
		ID: "v-50", Name: "Free shipping over $50", Percentage: 50,
		Visitors: 31188, Orders: 905,
		ConversionRate:    metric(some(0.029017)),
		RevenuePerVisitor: metric(some(2.3677)),
		AverageOrderValue: metric(some(81.6)),
	}
	return health.Result{
		Test: health.Test{
			ID: "5a0c9e7d-13f2-4c8b-9e64-b7d21f0a3c55", Name: "Free Shipping Threshold",
			Type: "shipping", PriceOrShipping: true, StartedAt: started,
			LatestRun: checkedAt.Add(-30 * time.Hour),
			Currency:  health.Currency{Code: "USD", Symbol: "$"},
			Arms:      []health.Arm{control, variant}, HasAnalytics: true,
		},
		Verdict:  health.Winner,
		Notes:    []string{"Analytics last updated 30 hours ago"},
		Runtime:  checkedAt.Sub(started),
		Visitors: 62428, Orders: 1717,
		Primary: health.RevenuePerVisitor,
		Comparisons: []health.Comparison{{
			Variant:               variant,
			ConversionLift:        some(0.1164),
			RevenuePerVisitorLift: some(0.0841),
			AverageOrderValueLift: some(-0.0289),
			Primary: health.Standing{
				Lift: some(0.0841), ProbBeatControl: some(0.9913), Computed: true,
				Outcome: health.Winning,
			},
		}},
		SampleRatio: health.SampleRatio{
			Checked: true, ChiSquare: 0.043, DF: 1, PValue: 0.84,
			Arm: "Free shipping over $50", Observed: 0.4996, Expected: 0.5,
		},
		Decision: health.Decision{Known: true, SessionsPerArm: 28500},
	}
}

// loserTest is a three-arm content test whose control is listed second; one
// variant is losing, with a real zero chance to beat the control.
func loserTest() health.Result {
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
		Verdict: health.Loser,
		Issues:  []string{"Losing on conversion rate: A - Video hero has a 0.0% chance to beat control"},
		Notes: []string{
			"B - Short copy is ahead on conversion rate but not yet significant (81.6%, needs 95%)",
		},
		Runtime:  checkedAt.Sub(started),
		Visitors: 19993, Orders: 373,
		Primary: health.ConversionRate,
		Comparisons: []health.Comparison{
			{
				Variant: video, ConversionLift: some(-0.277),
				RevenuePerVisitorLift: some(-0.2708), AverageOrderValueLift: some(0.0071),
				Primary: standing(some(-0.277), some(0), health.Losing),
			},
			{
				Variant: short, ConversionLift: some(0.0541),
				RevenuePerVisitorLift: some(0.0558), AverageOrderValueLift: some(0.0016),
				Primary: standing(some(0.0541), some(0.816), health.Undecided),
			},
		},
		SampleRatio: health.SampleRatio{
			Checked: true, ChiSquare: 0.29, DF: 2, PValue: 0.86,
			Arm: "Control - Static image", Observed: 0.3352, Expected: 0.334,
		},
		Decision: health.Decision{
			Known: true, SessionsPerArm: 9800, SessionsRemaining: 9407, DaysRemaining: 7,
		},
	}
}

// srmTest is a test in a Swedish store (currency code only) whose traffic
// split is broken, and which could not reach a decision anyway.
func srmTest() health.Result {
	started := checkedAt.Add(-9 * 24 * time.Hour)
	sek := health.Currency{Code: "SEK"}
	control := health.Arm{
		ID: "v-ctl", Name: "Control", IsControl: true, Percentage: 50,
		Visitors: 13102, Orders: 288,
		ConversionRate:    metric(some(0.021981)),
		RevenuePerVisitor: metric(some(14.52)),
		AverageOrderValue: metric(some(1210.5)),
	}
	variant := health.Arm{
		ID: "v-var", Name: "Variant", Percentage: 50,
		Visitors: 10890, Orders: 251,
		ConversionRate:    metric(some(0.023049)),
		RevenuePerVisitor: metric(some(15.07)),
		AverageOrderValue: metric(some(1188.25)),
	}
	return health.Result{
		Test: health.Test{
			ID: "c7d3e1f0-8a5b-4f29-b0c6-3e9a1d7f5b84", Name: "Cart Drawer Upsell",
			Type: "content/onsiteEdits", StartedAt: started, Currency: sek,
			Arms: []health.Arm{control, variant}, HasAnalytics: true,
		},
		Verdict: health.Unhealthy,
		Issues: []string{
			"Sample ratio mismatch: Variant got 45.4% of visitors, expected 50.0% (p = 1.2e-38)",
		},
		Runtime:  checkedAt.Sub(started),
		Visitors: 23992, Orders: 539,
		Primary: health.ConversionRate,
		Comparisons: []health.Comparison{{
			Variant: variant, ConversionLift: some(0.0486),
			RevenuePerVisitorLift: some(0.0379), AverageOrderValueLift: some(-0.0184),
			Primary: standing(some(0.0486), some(0.7104), health.Undecided),
		}},
		SampleRatio: health.SampleRatio{
			Checked: true, ChiSquare: 168.4, DF: 1, PValue: 1.2e-38, Mismatch: true,
			Arm: "Variant", Observed: 0.4539, Expected: 0.5,
		},
		Decision: health.Decision{
			Known: true, SessionsPerArm: 61000, SessionsRemaining: 98008, Underpowered: true,
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
		Verdict:     health.CollectingData,
		Notes:       []string{"No analytics yet: figures appear about two hours after a test starts"},
		Runtime:     checkedAt.Sub(started),
		Primary:     health.ConversionRate,
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
			Type: "pricing", PriceOrShipping: true, StartedAt: started,
			Arms: []health.Arm{control, five, ten}, HasAnalytics: true,
		},
		Verdict:  health.CollectingData,
		Notes:    []string{"Too little data to judge yet: 42 sessions and 2 orders (needs 100 and 10)"},
		Runtime:  checkedAt.Sub(started),
		Visitors: 42, Orders: 2,
		Primary: health.RevenuePerVisitor,
		Comparisons: []health.Comparison{
			{
				Variant: five, ConversionLift: some(-1), RevenuePerVisitorLift: some(-1),
				Primary: standing(some(-1), health.Float{}, health.Undecided),
			},
			{
				Variant: ten, ConversionLift: some(0.1538),
				RevenuePerVisitorLift: some(0.049), AverageOrderValueLift: some(-0.0909),
				Primary: standing(some(0.049), health.Float{}, health.Undecided),
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
			ID: "<!here>", Name: "Price <test> & <!channel>\n<http://x|click>", Type: "pricing",
			PriceOrShipping: true, StartedAt: started,
			Currency: health.Currency{Code: "EUR", Symbol: "€"},
			Arms:     []health.Arm{control, variant}, HasAnalytics: true,
		},
		Verdict:  health.Loser,
		Issues:   []string{"Losing on revenue per visitor: A & B <b> has a 2.9% chance to beat control"},
		Notes:    []string{"Ask <@U123> before stopping A & B <b>"},
		Runtime:  checkedAt.Sub(started),
		Visitors: 2394, Orders: 68,
		Primary: health.RevenuePerVisitor,
		Comparisons: []health.Comparison{{
			Variant: variant, ConversionLift: some(0.2075),
			RevenuePerVisitorLift: some(-0.1751), AverageOrderValueLift: some(-0.3169),
			Primary: standing(some(-0.1751), some(0.029), health.Losing),
		}},
		SampleRatio: health.SampleRatio{
			Checked: true, ChiSquare: 0.08, DF: 1, PValue: 0.77,
			Arm: "A & B <b>", Observed: 0.4971, Expected: 0.5,
		},
		Decision: health.Decision{
			Known: true, SessionsPerArm: 3100, SessionsRemaining: 3806, DaysRemaining: 12,
		},
	}
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

// marshalAll encodes several messages as one indented JSON array.
func marshalAll(t *testing.T, msgs []Message) []byte {
	t.Helper()
	payload, err := json.Marshal(msgs)
	require.NoError(t, err, "marshal messages")

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

// headerText returns the text of m's first block, a header.
func headerText(t *testing.T, m Message) string {
	t.Helper()
	require.NotEmpty(t, m.Blocks.BlockSet, "message has blocks")
	h, ok := m.Blocks.BlockSet[0].(*goslack.HeaderBlock)
	require.True(t, ok, "first block is a header, got %T", m.Blocks.BlockSet[0])
	return h.Text.Text
}
