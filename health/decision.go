package health

import (
	"math"
	"time"

	"gonum.org/v1/gonum/stat/distuv"
)

// The standard the time to decision is planned for: a two-sided test at
// 95% confidence with 80% power.
const (
	planAlpha = 0.05
	planPower = 0.80
)

// decide estimates the sample the test needs to detect th.MDE on its
// primary metric (on conversion rate when the source gives no interval for
// the primary metric's lift) and how long that takes at its traffic so far. Each arm
// needs SessionsPerArm; arms fill at their configured shares, so the arm
// furthest behind for its share sets the sessions remaining. With several
// variants the level is split among them (Bonferroni).
func decide(control Arm, t Test, primary MetricID, run time.Duration, th Thresholds) Decision {
	metric, n := primary, sampleFromIntervals(t, primary, th)
	if n == 0 {
		metric, n = ConversionRate, sampleFromRate(control, t, th)
	}
	if n == 0 {
		return Decision{}
	}
	d := Decision{Known: true, Metric: metric, SessionsPerArm: n, SessionsRemaining: remaining(t, n)}

	visitors, _ := t.Totals()
	daysRun := run.Hours() / 24
	if d.SessionsRemaining > 0 && (visitors == 0 || daysRun <= 0) {
		return Decision{}
	}
	if d.SessionsRemaining > 0 {
		perDay := float64(visitors) / daysRun
		d.DaysRemaining = int(math.Ceil(float64(d.SessionsRemaining) / perDay))
	}
	// No winner is called before the minimum runtime, whatever the sample.
	if wait := th.MinRuntime - run; wait > 0 {
		d.DaysRemaining = max(d.DaysRemaining, int(math.Ceil(wait.Hours()/24)))
	}
	left := horizon - run
	d.Underpowered = d.SessionsRemaining > 0 && float64(d.DaysRemaining) > left.Hours()/24
	return d
}

// sampleFromRate is the sample each arm needs to detect th.MDE on
// conversion rate from the control's rate (see sampleSizePerArm); 0 when
// it cannot be worked out.
func sampleFromRate(control Arm, t Test, th Thresholds) int {
	p1 := conversion(control)
	variants := len(t.Variants())
	if !p1.Valid || variants == 0 {
		return 0
	}
	return sampleSizePerArm(p1.Value, th.MDE, planAlpha, planPower, variants)
}

// sampleFromIntervals is the sample each arm needs to detect th.MDE on
// metric m, projected from the 95% intervals of the variants' lifts, for
// metrics such as revenue per visitor whose variance the counts alone do
// not give. The standard error of a lift falls as 1/√n, and detecting a
// lift of MDE at level α (split among the variants) with the planned power
// needs SE ≤ MDE / (z_{1−α/2} + z_{power}); so the arms need
// n·(SE / SE_target)², with SE read from the interval as half its width
// over 1.96. The variant furthest from that sets the sample. It returns 0
// when any variant lacks an interval, or when m is conversion rate, which
// sampleFromRate covers from the counts.
func sampleFromIntervals(t Test, m MetricID, th Thresholds) int {
	vs := t.Variants()
	if m == ConversionRate || len(vs) == 0 || th.MDE <= 0 {
		return 0
	}
	z := distuv.UnitNormal
	target := th.MDE / (z.Quantile(1-planAlpha/(2*float64(len(vs)))) + z.Quantile(planPower))
	most := 0.0
	for _, v := range vs {
		l := v.Metric(m)
		if !l.LiftLow.Valid || !l.LiftHigh.Valid || l.LiftHigh.Value <= l.LiftLow.Value || v.Visitors <= 0 {
			return 0
		}
		se := (l.LiftHigh.Value - l.LiftLow.Value) / 2 / z.Quantile(0.975)
		most = math.Max(most, float64(v.Visitors)*(se/target)*(se/target))
	}
	return int(math.Ceil(most))
}

// remaining returns the sessions still to come, at the configured split,
// until every arm has n. Arms without a configured share are given an equal
// one.
func remaining(t Test, n int) int {
	total := 0.0
	for _, a := range t.Arms {
		total += a.Percentage
	}
	most := 0.0
	for _, a := range t.Arms {
		share := 1 / float64(len(t.Arms))
		if total > 0 {
			share = a.Percentage / total
		}
		if share <= 0 {
			continue
		}
		most = math.Max(most, float64(n-a.Visitors)/share)
	}
	return int(math.Ceil(most))
}
