package health

import (
	"math"
	"time"
)

// The standard the time to decision is planned for: a two-sided test at
// 95% confidence with 80% power.
const (
	planAlpha = 0.05
	planPower = 0.80
)

// decide estimates the sample the test needs to detect th.MDE on
// conversion rate and how long that takes at its traffic so far. Each arm
// needs SessionsPerArm; arms fill at their configured shares, so the arm
// furthest behind for its share sets the sessions remaining. With several
// variants the level is split among them (Bonferroni).
func decide(control Arm, t Test, run time.Duration, th Thresholds) Decision {
	p1 := conversion(control)
	variants := len(t.Variants())
	if !p1.Valid || variants == 0 {
		return Decision{}
	}
	n := sampleSizePerArm(p1.Value, th.MDE, planAlpha, planPower, variants)
	if n == 0 {
		return Decision{}
	}
	d := Decision{Known: true, SessionsPerArm: n, SessionsRemaining: remaining(t, n)}

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
