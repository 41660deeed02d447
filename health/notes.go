package health

import (
	"fmt"
	"strings"
	"time"
)

// notes lists what people should know that does not change the verdict.
func notes(r Result, th Thresholds, now time.Time) []string {
	var ns []string
	if !r.Test.HasAnalytics && young(r) {
		ns = append(ns, "No analytics yet: figures appear about two hours after a test starts")
	} else if !enoughData(r, th) && young(r) {
		ns = append(ns, collectingNote(r, th))
	}
	if lr := r.Test.LatestRun; !lr.IsZero() && now.Sub(lr) > staleAfter {
		ns = append(ns, fmt.Sprintf("Analytics last updated %s ago", days(now.Sub(lr))))
	}
	ns = append(ns, dropNotes(r, th)...)
	ns = append(ns, standingNotes(r, th)...)
	ns = append(ns, decisionNote(r, th)...)
	return ns
}

// standingNotes describes each variant's position on the primary metric,
// except losses, which are issues.
func standingNotes(r Result, th Thresholds) []string {
	var ns []string
	for _, c := range r.Comparisons {
		s, name := c.Primary, c.Variant.Name
		chance := percentOf(s.ProbBeatControl) + " chance to beat control"
		if s.Computed {
			chance += ", computed by the action from sessions and orders"
		}
		switch s.Outcome {
		case Winning:
			ns = append(ns, fmt.Sprintf("%s wins on %s (%s, %s)", name, r.Primary, signedPercent(s.Lift), chance))
		case Leading:
			ns = append(ns, fmt.Sprintf("%s is leading on %s (%s, %s) but the test has run %s of the %s "+
				"needed to call a winner", name, r.Primary, signedPercent(s.Lift), chance,
				days(r.Runtime), days(th.MinRuntime)))
		case Undecided:
			if !s.ProbBeatControl.Valid {
				ns = append(ns, fmt.Sprintf("%s: too little data for a probability to beat control on %s yet",
					name, r.Primary))
				continue
			}
			ns = append(ns, fmt.Sprintf("%s: not yet conclusive on %s (%s; needs %s)",
				name, r.Primary, chance, bar(len(r.Comparisons), th)))
		case Losing:
		}
	}
	if len(r.Comparisons) > 1 {
		ns = append(ns, fmt.Sprintf("Calls are corrected for %d variants against one control (Holm)",
			len(r.Comparisons)))
	}
	return ns
}

// bar is the probability to beat control a variant needs to be called a
// winner. With K variants Holm's method raises it step by step: the
// strongest variant needs 1 − (1 − MinConfidence)/K, and each later one
// less, down to MinConfidence, once those before it are called.
func bar(variants int, th Thresholds) string {
	if variants <= 1 {
		return fmt.Sprintf("%.0f%%", th.MinConfidence*100)
	}
	strongest := 1 - (1-th.MinConfidence)/float64(variants)
	return fmt.Sprintf("%.0f%%, raised to as much as %.1f%% for %d variants (Holm)",
		th.MinConfidence*100, strongest*100, variants)
}

// dropNotes mentions conversion-rate drops in a test judged on another
// metric, where a lower conversion rate can be the intended trade.
func dropNotes(r Result, th Thresholds) []string {
	if r.Primary == ConversionRate || !enoughData(r, th) {
		return nil
	}
	var ns []string
	for _, p := range dropProblems(r.Comparisons, ConversionRate, th) {
		ns = append(ns, fmt.Sprintf("%s; this test is judged on %s", p, r.Primary))
	}
	return ns
}

// decisionNote gives the time to decision, or says the test is
// underpowered.
func decisionNote(r Result, th Thresholds) []string {
	d := r.Decision
	switch {
	case !d.Known:
		return nil
	case d.Underpowered:
		return []string{fmt.Sprintf("Underpowered: detecting a %.0f%% change in %s with 80%% "+
			"power needs %s sessions per arm, about %d more days at steady traffic; consider a larger "+
			"effect or fewer variants",
			th.MDE*100, d.Metric, Count(d.SessionsPerArm), d.DaysRemaining)}
	case d.SessionsRemaining > 0:
		return []string{fmt.Sprintf("About %d more %s to a decision at steady traffic (%s more sessions "+
			"to detect a %.0f%% change in %s with 80%% power)",
			d.DaysRemaining, plural(d.DaysRemaining, "day", "days"),
			Count(d.SessionsRemaining), th.MDE*100, d.Metric)}
	}
	return []string{fmt.Sprintf("Has the %s sessions per arm needed to detect a %.0f%% change in "+
		"%s with 80%% power",
		Count(d.SessionsPerArm), th.MDE*100, d.Metric)}
}

// plural picks the word for n.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// collectingNote says how far a young test is from the data floor, naming
// only what is still short.
func collectingNote(r Result, th Thresholds) string {
	var short []string
	if r.Visitors < th.MinSessions {
		short = append(short, fmt.Sprintf("%s of the %s sessions", Count(r.Visitors), Count(th.MinSessions)))
	}
	if r.Orders < th.MinOrders {
		short = append(short, fmt.Sprintf("%s of the %s orders", Count(r.Orders), Count(th.MinOrders)))
	}
	return "Collecting data: " + strings.Join(short, " and ") + " needed to judge it so far"
}
