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
			"(%s); results cannot be trusted until the cause is found",
			sr.Arm, sr.Observed*100, sr.Expected*100, pValue(sr.PValue)))
	}
	ps = append(ps, zeroTraffic(r.Test)...)
	ps = append(ps, zeroOrders(control, r.Test)...)
	if enoughData(r, th) && r.Primary == ConversionRate {
		ps = append(ps, dropProblems(r.Comparisons, r.Primary, th)...)
	}
	return ps
}

// pValue formats a p-value for people, without a bare 0 for one too small
// for a float64 to hold.
func pValue(p float64) string {
	if p < 1e-300 {
		return "p < 1e-300"
	}
	return fmt.Sprintf("p = %.2g", p)
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
	// Name the arm furthest off by standardized residual; on a tie (always
	// so with two arms) the one that is short, which is where traffic is
	// being lost.
	worst, short := -1.0, false
	for i, a := range arms {
		e := float64(n) * shares[i]
		z := math.Abs(float64(a.Visitors)-e) / math.Sqrt(e)
		below := float64(a.Visitors) < e
		if z > worst+1e-9 || (math.Abs(z-worst) <= 1e-9 && below && !short) {
			worst, short = z, below
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
// arm's record makes that very unlikely. The reference is the control for a
// variant, and the variants taken together for the control.
//
// The chance of no order from n visitors converting like the reference is
// taken over the reference's own uncertainty: with o orders from m visitors
// and a uniform prior, the rate is Beta(1+o, 1+m−o), and the posterior
// predictive chance of zero successes in n trials is
//
//	B(1+o, 1+m−o+n) / B(1+o, 1+m−o)
//
// which, unlike (1−o/m)^n, does not call a small control's rate certain.
func zeroOrders(control Arm, t Test) []string {
	var ps []string
	for _, a := range t.Arms {
		if a.Orders != 0 || a.Visitors <= 0 {
			continue
		}
		ref, who := control, "the control"
		if a.IsControl {
			ref, who = pooled(t.Variants()), "the variants"
		}
		if ref.Orders <= 0 || ref.Orders > ref.Visitors {
			continue
		}
		o, m := float64(ref.Orders), float64(ref.Visitors)
		p := math.Exp(lbeta(1+o, 1+m-o+float64(a.Visitors)) - lbeta(1+o, 1+m-o))
		if p < unlikely {
			ps = append(ps, fmt.Sprintf("No orders from %s sessions in %s: if it converted like %s "+
				"(%.2f%%), that would happen about 1 in %s times; check checkout and price delivery",
				Count(a.Visitors), a.Name, who, 100*o/m, oneIn(p)))
		}
	}
	return ps
}

// pooled adds arms' visitors and orders together.
func pooled(arms []Arm) Arm {
	var sum Arm
	for _, a := range arms {
		sum.Visitors += a.Visitors
		sum.Orders += a.Orders
	}
	return sum
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
// data floor, where a relative change of a point estimate means something,
// and only when conversion rate is the primary metric: a price test is
// meant to trade conversions for revenue, and is judged on revenue.
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
