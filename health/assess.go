package health

import (
	"fmt"
	"math"
	"time"
)

// Thresholds are the limits a test is judged against. The zero value is not
// useful; start from DefaultThresholds.
type Thresholds struct {
	// MinSessions is the fewest total visitors, over all arms, before a test
	// has enough data.
	MinSessions int
	// MinOrders is the fewest total orders, over all arms, before a test has
	// enough data.
	MinOrders int
	// ConversionDrop is the relative drop of a variant's conversion rate
	// against the control's, a fraction, beyond which the test is unhealthy
	// (0.20 means a drop of more than 20%).
	ConversionDrop float64
	// MinConfidence is the probability to beat control, a fraction, that a
	// variant needs before its result is called significant.
	MinConfidence float64
}

// DefaultThresholds returns the thresholds used when none are configured.
func DefaultThresholds() Thresholds {
	return Thresholds{
		MinSessions:    100,
		MinOrders:      10,
		ConversionDrop: 0.20,
		MinConfidence:  0.95,
	}
}

// Assess judges one test at the instant now.
//
// A test is unhealthy when its totals are under the data floor (MinSessions,
// MinOrders) or, once over it, when a variant's conversion rate is more than
// ConversionDrop below the control's. A variant that has not reached
// MinConfidence is noted but does not make the test unhealthy. A test with no
// analytics yet is healthy with a note: nothing can be judged before the
// first figures arrive.
func Assess(t Test, th Thresholds, now time.Time) Result {
	r := Result{Test: t, Verdict: Healthy, Runtime: runtime(t, now)}
	r.Visitors, r.Orders = t.Totals()

	control, ok := t.Control()
	if !ok {
		r.Issues = append(r.Issues, "No control arm found, so no variant can be compared")
	}
	for _, v := range t.Variants() {
		r.Comparisons = append(r.Comparisons, compare(control, v, len(t.Arms), th))
	}

	if !t.HasAnalytics {
		r.Notes = append(r.Notes, "No analytics yet: figures appear about two hours after a test starts")
		return finish(r)
	}
	r.Issues = append(r.Issues, floorIssues(r.Visitors, r.Orders, th)...)
	if len(r.Issues) == 0 {
		r.Issues = append(r.Issues, dropIssues(r.Comparisons, th)...)
	}
	r.Notes = append(r.Notes, significanceNotes(r.Comparisons, th)...)
	return finish(r)
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

// finish sets the verdict from the issues found.
func finish(r Result) Result {
	if len(r.Issues) > 0 {
		r.Verdict = Unhealthy
	}
	return r
}

// floorIssues reports totals under the data floor.
func floorIssues(visitors, orders int, th Thresholds) []string {
	var issues []string
	if visitors < th.MinSessions {
		issues = append(issues, fmt.Sprintf("Low sample size (%s sessions)", Count(visitors)))
	}
	if orders < th.MinOrders {
		issues = append(issues, fmt.Sprintf("Insufficient orders (%s orders)", Count(orders)))
	}
	return issues
}

// dropIssues reports variants whose conversion rate fell further below the
// control's than the threshold allows. It is applied only above the data
// floor, where a relative change of a point estimate means something.
func dropIssues(cs []Comparison, th Thresholds) []string {
	var issues []string
	for _, c := range cs {
		// A tolerance keeps a drop of exactly the threshold (0.04/0.05 − 1 in
		// floating point is a hair past −0.2) from being flagged.
		lift := c.ConversionLift
		if !lift.Valid || -lift.Value <= th.ConversionDrop+1e-9 {
			continue
		}
		issues = append(issues, fmt.Sprintf("Conversion rate dropped %.1f%% (%s)",
			-lift.Value*100, c.Variant.Name))
	}
	return issues
}

// significanceNotes says which variants have not reached MinConfidence.
func significanceNotes(cs []Comparison, th Thresholds) []string {
	var notes []string
	for _, c := range cs {
		switch {
		case !c.ProbBeatControl.Valid:
			notes = append(notes, fmt.Sprintf(
				"%s: too little data for a probability to beat control yet", c.Variant.Name))
		case !c.Significant:
			notes = append(notes, fmt.Sprintf(
				"%s: not yet statistically significant (%.1f%% chance to beat control, needs %.0f%%)",
				c.Variant.Name, c.ProbBeatControl.Value*100, th.MinConfidence*100))
		}
	}
	return notes
}

// compare measures variant v against control c. arms is the number of arms
// in the test, which decides whether probability to be best may stand in for
// probability to beat control: the two are equal only with two arms.
func compare(c, v Arm, arms int, th Thresholds) Comparison {
	cmp := Comparison{
		Variant:               v,
		ConversionLift:        lift(v.ConversionRate, c.ConversionRate, rate(c), rate(v)),
		RevenuePerVisitorLift: lift(v.RevenuePerVisitor, c.RevenuePerVisitor, Float{}, Float{}),
		AverageOrderValueLift: lift(v.AverageOrderValue, c.AverageOrderValue, Float{}, Float{}),
		ProbBeatControl:       v.ConversionRate.ProbBeatControl,
	}
	if !cmp.ProbBeatControl.Valid && arms == 2 {
		cmp.ProbBeatControl = v.ConversionRate.ProbBeBest
	}
	cmp.Significant = cmp.ProbBeatControl.Valid && cmp.ProbBeatControl.Value >= th.MinConfidence
	return cmp
}

// lift returns the relative change of variant metric v against control
// metric c, a fraction. The source's own lift wins; otherwise it is computed
// from the metric values, then from the fallbacks (rates from counts). It is
// absent when the control's value is zero or unknown, rather than infinite.
func lift(v, c Metric, cFallback, vFallback Float) Float {
	if v.Lift.Valid {
		return v.Lift
	}
	cv, vv := pick(c.Value, cFallback), pick(v.Value, vFallback)
	if !cv.Valid || !vv.Valid || cv.Value == 0 {
		return Float{}
	}
	return Some(vv.Value/cv.Value - 1)
}

// pick returns f when present, else the fallback.
func pick(f, fallback Float) Float {
	if f.Valid {
		return f
	}
	return fallback
}

// rate returns the arm's orders per visitor, absent with no visitors.
func rate(a Arm) Float {
	if a.Visitors <= 0 {
		return Float{}
	}
	return Some(float64(a.Orders) / float64(a.Visitors))
}

// Count formats n with comma thousands separators, as in 19,993.
func Count(n int) string {
	s := fmt.Sprint(int64(math.Abs(float64(n))))
	out := make([]byte, 0, len(s)+len(s)/3+1)
	if n < 0 {
		out = append(out, '-')
	}
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}
