package health

import (
	"fmt"
	"time"
)

// Thresholds are the limits a test is judged against. Start from
// DefaultThresholds; the zero value is not useful.
type Thresholds struct {
	// MinSessions and MinOrders are the fewest total visitors and orders,
	// over all arms, before a test has enough data to judge.
	MinSessions int
	MinOrders   int
	// ConversionDrop is the relative drop of a variant's conversion rate
	// against the control's, a fraction, beyond which the test is unhealthy
	// once it has enough data (0.20 means a drop of more than 20%).
	ConversionDrop float64
	// MinConfidence is the probability to beat control, a fraction, that a
	// variant needs to win; a variant at or below 1 − MinConfidence loses.
	MinConfidence float64
	// SRMThreshold is the p-value below which the traffic split is called a
	// sample ratio mismatch.
	SRMThreshold float64
	// Primary chooses the metric winners and losers are judged on.
	Primary PrimaryMetric
	// MinRuntime is how long a test must run before a winner is called.
	MinRuntime time.Duration
	// MDE is the minimum detectable effect used for the time to decision,
	// a relative change of the conversion rate (0.10 means 10%).
	MDE float64
}

// DefaultThresholds returns the thresholds used when none are configured.
func DefaultThresholds() Thresholds {
	return Thresholds{
		MinSessions:    100,
		MinOrders:      10,
		ConversionDrop: 0.20,
		MinConfidence:  0.95,
		SRMThreshold:   0.001,
		Primary:        PrimaryMetric{Auto: true},
		MinRuntime:     10 * 24 * time.Hour,
		MDE:            0.10,
	}
}

// Fixed parts of the policy.
const (
	// dataGrace is how long a test may stay under the data floor, or
	// without analytics, before that is a problem rather than youth.
	dataGrace = 48 * time.Hour
	// horizon is the longest a test should run: Intelligems advises no more
	// than five weeks, after which cookie churn mixes the arms.
	horizon = 35 * 24 * time.Hour
	// staleAfter is the age past which analytics are called stale.
	staleAfter = 24 * time.Hour
	// unlikely is the probability below which a count is too improbable to
	// be chance (zero orders, zero traffic).
	unlikely = 0.001
	// minExpectedForZeroTraffic is the visitors an arm must expect before
	// getting none is called a problem.
	minExpectedForZeroTraffic = 20
)

// Assess judges one test at the instant now. See Verdict for the possible
// outcomes; every finding that is not the verdict's reason is a note.
func Assess(t Test, th Thresholds, now time.Time) Result {
	r := Result{Test: t, Runtime: runtime(t, now), Primary: th.Primary.For(t)}
	r.Visitors, r.Orders = t.Totals()
	control, ok := t.Control()
	if !ok {
		r.Issues = []string{"No control arm found, so no variant can be compared"}
		r.Verdict = Unhealthy
		return r
	}

	r.Comparisons = compareAll(control, t, r.Primary, r.Runtime, enoughData(r, th), th)
	r.SampleRatio = sampleRatio(t, th)
	if enoughData(r, th) {
		// Projecting from a handful of sessions would only mislead.
		r.Decision = decide(control, t, r.Primary, r.Runtime, th)
	}
	problems := findProblems(control, r, th)
	r.Verdict, r.Issues = verdict(r, problems, th)
	if r.Verdict == Winner || r.Verdict == Loser {
		// The test is decided; a time to decision would contradict that.
		r.Decision = Decision{}
	}
	r.Notes = notes(r, th, now)
	return r
}

// Failed returns the result for a test whose data could not be read: its
// verdict is Error and err says why.
func Failed(t Test, err error, now time.Time) Result {
	return Result{Test: t, Verdict: Error, Err: err, Runtime: runtime(t, now)}
}

// runtime is how long t has run at now; zero when its start is unknown.
func runtime(t Test, now time.Time) time.Duration {
	if t.StartedAt.IsZero() || !now.After(t.StartedAt) {
		return 0
	}
	return now.Sub(t.StartedAt)
}

// young reports whether a test is still inside the grace period in which
// thin data is expected. A test whose start is unknown counts as young.
func young(r Result) bool {
	return r.Runtime <= dataGrace
}

// enoughData reports whether the totals are over the data floor.
func enoughData(r Result, th Thresholds) bool {
	return r.Test.HasAnalytics && r.Visitors >= th.MinSessions && r.Orders >= th.MinOrders
}

// verdict picks the verdict and its reasons. Problems with the test itself
// win, then losing variants, then youth, then decisions.
func verdict(r Result, problems []string, th Thresholds) (Verdict, []string) {
	losses := lossReasons(r)
	switch {
	case len(problems) > 0:
		return Unhealthy, append(problems, losses...)
	case len(losses) > 0:
		return Loser, losses
	case !enoughData(r, th):
		return CollectingData, nil
	case hasOutcome(r, Winning):
		return Winner, nil
	case flat(r, th):
		return Flat, nil
	}
	return KeepRunning, nil
}

// hasOutcome reports whether any variant has outcome o.
func hasOutcome(r Result, o Outcome) bool {
	for _, c := range r.Comparisons {
		if c.Primary.Outcome == o {
			return true
		}
	}
	return false
}

// flat reports a test that ran long enough and collected the sample it
// needs, with a probability for every variant and none pulling away.
func flat(r Result, th Thresholds) bool {
	for _, c := range r.Comparisons {
		if !c.Primary.ProbBeatControl.Valid {
			return false
		}
	}
	return r.Runtime >= th.MinRuntime && r.Decision.Known && r.Decision.SessionsRemaining == 0 &&
		!hasOutcome(r, Leading)
}

// lossReasons describes each losing variant.
func lossReasons(r Result) []string {
	var out []string
	for _, c := range r.Comparisons {
		if c.Primary.Outcome != Losing {
			continue
		}
		computed := ""
		if c.Primary.Computed {
			computed = ", computed from sessions and orders"
		}
		out = append(out, fmt.Sprintf("%s is losing on %s (%s, %s chance to beat control%s)",
			c.Variant.Name, r.Primary, signedPercent(c.Primary.Lift), percentOf(c.Primary.ProbBeatControl), computed))
	}
	return out
}

// signedPercent formats a lift as "+5.6%" or "−6.1%" (with a true minus
// sign, U+2212), or "lift unknown".
func signedPercent(f Float) string {
	switch {
	case !f.Valid:
		return "lift unknown"
	case f.Value < 0:
		return fmt.Sprintf("−%.1f%%", -f.Value*100)
	}
	return fmt.Sprintf("+%.1f%%", f.Value*100)
}

// percentOf formats a probability as a percentage, with "<0.1%" and
// ">99.9%" at the ends rather than a 0 or 100 that reads as certainty.
func percentOf(f Float) string {
	switch {
	case !f.Valid:
		return "unknown"
	case f.Value < 0.0005:
		return "<0.1%"
	case f.Value > 0.9995:
		return ">99.9%"
	}
	return fmt.Sprintf("%.1f%%", f.Value*100)
}
