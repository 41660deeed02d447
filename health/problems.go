package health

import (
	"fmt"
	"math"
	"time"
)

// findProblems lists what is wrong with the test itself, as opposed to how
// its variants perform. Each problem makes the test unhealthy.
func findProblems(control Arm, r Result, th Thresholds) []string {
	if !r.Test.HasAnalytics {
		if young(r) {
			return nil
		}
		return []string{fmt.Sprintf("No analytics after %s: check that the test is live on the store", days(r.Runtime))}
	}
	var ps []string
	if !young(r) {
		ps = append(ps, floorProblems(r, th)...)
	}
	if sr := r.SampleRatio; sr.Mismatch {
		ps = append(ps, fmt.Sprintf("Sample ratio mismatch: %s got %.1f%% of sessions, expected %.1f%% "+
			"(p = %.2g); results cannot be trusted until the cause is found",
			sr.Arm, sr.Observed*100, sr.Expected*100, sr.PValue))
	}
	ps = append(ps, zeroTraffic(r.Test)...)
	ps = append(ps, zeroOrders(control, r.Test)...)
	if enoughData(r, th) {
		ps = append(ps, dropProblems(r.Comparisons, r.Primary, th)...)
	}
	return ps
}

// floorProblems reports totals under the data floor in a test old enough
// to have passed it.
func floorProblems(r Result, th Thresholds) []string {
	var ps []string
	if r.Visitors < th.MinSessions {
		ps = append(ps, fmt.Sprintf("Low sample size (%s %s after %s)",
			Count(r.Visitors), plural(r.Visitors, "session", "sessions"), days(r.Runtime)))
	}
	if r.Orders < th.MinOrders {
		ps = append(ps, fmt.Sprintf("Insufficient orders (%s %s after %s)",
			Count(r.Orders), plural(r.Orders, "order", "orders"), days(r.Runtime)))
	}
	return ps
}

// sampleRatio tests the visitors per arm against the configured split.
// Arms configured at 0% are left out; the split is normalised so that
// percentages which do not sum to exactly 100 still work.
func sampleRatio(t Test, th Thresholds) SampleRatio {
	var arms []Arm
	total := 0.0
	for _, a := range t.Arms {
		if a.Percentage > 0 {
			arms = append(arms, a)
			total += a.Percentage
		}
	}
	observed := make([]int, len(arms))
	shares := make([]float64, len(arms))
	n := 0
	for i, a := range arms {
		observed[i], shares[i] = a.Visitors, a.Percentage/total
		n += a.Visitors
	}
	stat, df, p, ok := chiSquareGOF(observed, shares)
	if !t.HasAnalytics || !ok {
		return SampleRatio{}
	}
	sr := SampleRatio{Checked: true, ChiSquare: stat, DF: df, PValue: p, Mismatch: p < th.SRMThreshold}
	worst := -1.0
	for i, a := range arms {
		e := float64(n) * shares[i]
		if z := math.Abs(float64(a.Visitors)-e) / math.Sqrt(e); z > worst {
			worst = z
			sr.Arm, sr.Observed, sr.Expected = a.Name, float64(a.Visitors)/float64(n), shares[i]
		}
	}
	return sr
}

// zeroTraffic reports arms that get no visitors although their share of
// the others' traffic would be at least minExpectedForZeroTraffic.
func zeroTraffic(t Test) []string {
	total, pct := 0, 0.0
	for _, a := range t.Arms {
		total += a.Visitors
		pct += a.Percentage
	}
	var ps []string
	for _, a := range t.Arms {
		if a.Visitors > 0 || a.Percentage <= 0 || a.Percentage >= pct {
			continue
		}
		// Of the visitors the other arms got, this arm should have had
		// total × share / (1 − share).
		share := a.Percentage / pct
		if float64(total)*share/(1-share) >= minExpectedForZeroTraffic {
			ps = append(ps, fmt.Sprintf("No traffic to %s (configured %g%%) while the other arms have %s sessions",
				a.Name, a.Percentage, Count(total)))
		}
	}
	return ps
}

// zeroOrders reports arms with visitors but no orders when the reference
// rate makes that very unlikely: with rate p, n visitors place no order
// with probability (1−p)^n (independent visitors). The reference is the
// control's rate for a variant, and the variants' pooled rate for the
// control.
func zeroOrders(control Arm, t Test) []string {
	var ps []string
	for _, a := range t.Arms {
		if a.Orders > 0 || a.Visitors == 0 {
			continue
		}
		ref, who := conversion(control), "the control's"
		if a.IsControl {
			ref, who = pooledRate(t.Variants()), "the variants'"
		}
		if !ref.Valid || ref.Value <= 0 || ref.Value >= 1 {
			continue
		}
		p := math.Exp(float64(a.Visitors) * math.Log1p(-ref.Value))
		if p < unlikely {
			ps = append(ps, fmt.Sprintf("No orders from %s sessions in %s: at %s %.2f%% conversion "+
				"that has a 1 in %s chance; check checkout and price delivery",
				Count(a.Visitors), a.Name, who, ref.Value*100, oneIn(p)))
		}
	}
	return ps
}

// pooledRate is the conversion rate of arms taken together.
func pooledRate(arms []Arm) Float {
	v, o := 0, 0
	for _, a := range arms {
		v, o = v+a.Visitors, o+a.Orders
	}
	return rate(Arm{Visitors: v, Orders: o})
}

// oneIn formats 1/p for "a 1 in N chance", rounded to two significant
// figures so it reads as an order of magnitude.
func oneIn(p float64) string {
	n := 1 / p
	if n > 1e12 {
		return "more than a trillion"
	}
	mag := math.Pow(10, math.Floor(math.Log10(n))-1)
	return Count(int(math.Round(n/mag) * mag))
}

// dropProblems reports variants whose conversion rate fell further below
// the control's than the threshold allows. It is applied only above the
// data floor, where a relative change of a point estimate means something.
//
// A variant already losing on conversion rate as the primary metric is left
// to the loss, which says the same with its probability.
func dropProblems(cs []Comparison, primary MetricID, th Thresholds) []string {
	var ps []string
	for _, c := range cs {
		if primary == ConversionRate && c.Primary.Outcome == Losing {
			continue
		}
		// A tolerance keeps a drop of exactly the threshold (0.04/0.05 − 1 in
		// floating point is a hair past −0.2) from being flagged.
		l := c.ConversionLift
		if !l.Valid || -l.Value <= th.ConversionDrop+1e-9 {
			continue
		}
		ps = append(ps, fmt.Sprintf("Conversion rate dropped %.1f%% (%s)", -l.Value*100, c.Variant.Name))
	}
	return ps
}

// days formats a duration in days, or hours under two days.
func days(d time.Duration) string {
	if d < 48*time.Hour {
		return fmt.Sprintf("%d hours", int(d.Hours()))
	}
	return fmt.Sprintf("%d days", int(d.Hours()/24))
}
