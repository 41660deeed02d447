package health_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ighealth/intelligems-health-action/health"
)

var now = time.Date(2026, 3, 16, 13, 0, 0, 0, time.UTC)

// arm builds an arm whose conversion rate is orders/visitors.
func arm(name string, control bool, visitors, orders int) health.Arm {
	a := health.Arm{ID: name, Name: name, IsControl: control, Percentage: 50,
		Visitors: visitors, Orders: orders}
	if visitors > 0 {
		a.ConversionRate.Value = health.Some(float64(orders) / float64(visitors))
	}
	return a
}

func withP2BC(a health.Arm, p float64) health.Arm {
	a.ConversionRate.ProbBeatControl = health.Some(p)
	return a
}

func test(arms ...health.Arm) health.Test {
	return health.Test{ID: "t1", Name: "Test", StartedAt: now.Add(-10 * 24 * time.Hour),
		Arms: arms, HasAnalytics: true}
}

func TestAssess(t *testing.T) {
	t.Parallel()

	noData := test(arm("Control", true, 0, 0), arm("B", false, 0, 0))
	noData.HasAnalytics = false
	noControl := test(arm("A", false, 500, 20), withP2BC(arm("B", false, 500, 20), 0.5))
	zeroControl := test(arm("Control", true, 400, 0), withP2BC(arm("B", false, 400, 12), 0.99))
	p2bbOnly := test(arm("Control", true, 1000, 30), arm("B", false, 1000, 40))
	p2bbOnly.Arms[1].ConversionRate.ProbBeBest = health.Some(0.97)
	threeArmP2BB := test(arm("Control", true, 1000, 30), arm("B", false, 1000, 40),
		arm("C", false, 1000, 31))
	threeArmP2BB.Arms[1].ConversionRate.ProbBeBest = health.Some(0.97)

	cases := []struct {
		name        string
		test        health.Test
		verdict     health.Verdict
		issues      []string
		notes       []string
		significant []bool
	}{
		{
			name:    "healthy two arms, significant",
			test:    test(arm("Control", true, 4000, 120), withP2BC(arm("B", false, 4000, 150), 0.97)),
			verdict: health.Healthy, significant: []bool{true},
		},
		{
			name:        "under both floors",
			test:        test(arm("Control", true, 30, 2), arm("B", false, 12, 1)),
			verdict:     health.Unhealthy,
			issues:      []string{"Low sample size (42 sessions)", "Insufficient orders (3 orders)"},
			notes:       []string{"B: too little data for a probability to beat control yet"},
			significant: []bool{false},
		},
		{
			name: "control listed second, drop in the first arm, a real zero probability",
			test: test(
				withP2BC(arm("A - Video hero", false, 8000, 197), 0),
				arm("Control", true, 16000, 544),
				withP2BC(arm("B", false, 8000, 290), 0.816),
			),
			verdict: health.Unhealthy,
			// 197/8000 ÷ 544/16000 − 1 = 0.024625/0.034 − 1 = −0.27573…
			issues: []string{"Conversion rate dropped 27.6% (A - Video hero)"},
			notes: []string{
				"A - Video hero: not yet statistically significant (0.0% chance to beat control, needs 95%)",
				"B: not yet statistically significant (81.6% chance to beat control, needs 95%)",
			},
			significant: []bool{false, false},
		},
		{
			name:    "a drop of exactly the threshold is not flagged",
			test:    test(arm("Control", true, 1000, 50), withP2BC(arm("B", false, 1000, 40), 0.96)),
			verdict: health.Healthy, significant: []bool{true},
		},
		{
			name:        "a drop under the data floor is low data, not a drop",
			test:        test(arm("Control", true, 214, 3), arm("B", false, 197, 2)),
			verdict:     health.Unhealthy,
			issues:      []string{"Insufficient orders (5 orders)"},
			notes:       []string{"B: too little data for a probability to beat control yet"},
			significant: []bool{false},
		},
		{
			name:    "control converts nothing",
			test:    zeroControl,
			verdict: health.Healthy, significant: []bool{true},
		},
		{
			name:    "two arms fall back to probability to be best",
			test:    p2bbOnly,
			verdict: health.Healthy, significant: []bool{true},
		},
		{
			name:    "three arms never use probability to be best",
			test:    threeArmP2BB,
			verdict: health.Healthy,
			notes: []string{
				"B: too little data for a probability to beat control yet",
				"C: too little data for a probability to beat control yet",
			},
			significant: []bool{false, false},
		},
		{
			name:        "no analytics yet",
			test:        noData,
			verdict:     health.Healthy,
			notes:       []string{"No analytics yet: figures appear about two hours after a test starts"},
			significant: []bool{false},
		},
		{
			name:    "no control",
			test:    noControl,
			verdict: health.Unhealthy,
			issues:  []string{"No control arm found, so no variant can be compared"},
			notes: []string{
				"A: too little data for a probability to beat control yet",
				"B: not yet statistically significant (50.0% chance to beat control, needs 95%)",
			},
			significant: []bool{false, false},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()

			r := health.Assess(tc.test, health.DefaultThresholds(), now)

			assert.Equal(t, tc.verdict, r.Verdict, "verdict")
			assert.Equal(t, tc.issues, r.Issues, "issues")
			assert.Equal(t, tc.notes, r.Notes, "notes")
			require.Len(t, r.Comparisons, len(tc.significant), "one comparison per variant")
			for i, c := range r.Comparisons {
				assert.Equal(t, tc.significant[i], c.Significant, "significance of %s", c.Variant.Name)
			}
		})
	}
}

func TestAssessLifts(t *testing.T) {
	t.Parallel()

	control := arm("Control", true, 10000, 300)
	control.RevenuePerVisitor.Value = health.Some(2.00)
	control.AverageOrderValue.Value = health.Some(66.67)
	variant := arm("B", false, 10000, 330)
	variant.RevenuePerVisitor.Value = health.Some(2.30)
	variant.AverageOrderValue.Lift = health.Some(0.045) // the source's own lift wins
	variant.AverageOrderValue.Value = health.Some(1000)

	r := health.Assess(test(control, variant), health.DefaultThresholds(), now)

	require.Len(t, r.Comparisons, 1)
	c := r.Comparisons[0]
	assert.InEpsilon(t, 0.10, c.ConversionLift.Value, 1e-9, "330/10000 against 300/10000")
	assert.InEpsilon(t, 0.15, c.RevenuePerVisitorLift.Value, 1e-9, "2.30 against 2.00")
	assert.InEpsilon(t, 0.045, c.AverageOrderValueLift.Value, 1e-12, "lift as given")
	assert.Equal(t, 20000, r.Visitors)
	assert.Equal(t, 630, r.Orders)
	assert.InDelta(t, 10.0, r.RuntimeDays(), 1e-9)
}

func TestAssessLiftFromCounts(t *testing.T) {
	t.Parallel()

	control := health.Arm{Name: "Control", IsControl: true, Visitors: 2000, Orders: 40}
	variant := health.Arm{Name: "B", Visitors: 2000, Orders: 28}

	r := health.Assess(test(control, variant), health.DefaultThresholds(), now)

	require.True(t, r.Comparisons[0].ConversionLift.Valid, "rate computed from counts")
	assert.InEpsilon(t, -0.30, r.Comparisons[0].ConversionLift.Value, 1e-9)
	assert.Equal(t, []string{"Conversion rate dropped 30.0% (B)"}, r.Issues)
}

func TestVerdictString(t *testing.T) {
	t.Parallel()

	for v, want := range map[health.Verdict]string{
		health.Healthy: "healthy", health.Unhealthy: "unhealthy", health.Error: "error",
		health.Verdict(99): "unknown",
	} {
		assert.Equal(t, want, v.String())
	}
}

func TestCount(t *testing.T) {
	t.Parallel()

	for n, want := range map[int]string{
		0: "0", 7: "7", 999: "999", 1000: "1,000", 19993: "19,993", 1234567: "1,234,567",
		-4500: "-4,500",
	} {
		assert.Equal(t, want, health.Count(n), "Count(%d)", n)
	}
}
