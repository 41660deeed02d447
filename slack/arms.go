package slack

import (
	"fmt"

	"github.com/ighealth/intelligems-health-action/health"
	goslack "github.com/slack-go/slack"
)

// armView is one arm with its comparison against the control; cmp is nil for
// the control and for a variant the result has no comparison for.
type armView struct {
	arm health.Arm
	cmp *health.Comparison
}

// armViews pairs every arm, in display order, with its comparison. The
// result holds one comparison per variant in the order of Test.Variants, so
// the k-th variant goes with the k-th comparison.
func armViews(r health.Result) []armView {
	views := make([]armView, 0, len(r.Test.Arms))
	k := 0
	for _, a := range r.Test.Arms {
		v := armView{arm: a}
		if !a.IsControl {
			if k < len(r.Comparisons) {
				v.cmp = &r.Comparisons[k]
			}
			k++
		}
		views = append(views, v)
	}
	return views
}

// selectArms keeps at most budget arms in display order, always keeping the
// control, and returns how many it left out.
func selectArms(views []armView, budget int) (shown []armView, hidden int) {
	if len(views) <= budget {
		return views, 0
	}

	room := budget
	for _, v := range views {
		if v.arm.IsControl {
			room--
		}
	}
	for _, v := range views {
		if v.arm.IsControl || room > 0 {
			shown = append(shown, v)
		}
		if !v.arm.IsControl && room > 0 {
			room--
		}
	}
	return shown, len(views) - len(shown)
}

// armName returns the arm's name as typed, cut and escaped for mrkdwn.
func armName(a health.Arm) string {
	if name := userText(a.Name, maxNameText); name != "" {
		return name
	}
	return "Unnamed arm"
}

// armBlock shows one arm: its name, traffic and key metrics.
func armBlock(r health.Result, v armView) goslack.Block {
	title := "*" + armName(v.arm) + "*"
	if v.arm.IsControl {
		title += " (control)"
	}
	text := title + "\n" + armTraffic(v.arm, r.Visitors)

	return goslack.NewSectionBlock(
		mrkdwn(truncate(text, MaxSectionText)),
		metricFields(v, r.Test.Currency),
		nil,
	)
}

// armTraffic writes the arm's sessions and orders, and its observed share of
// sessions next to the configured share.
func armTraffic(a health.Arm, totalVisitors int) string {
	observed := "no sessions yet"
	if totalVisitors > 0 {
		observed = formatPercent(float64(a.Visitors)/float64(totalVisitors), 1) + " of sessions"
	}
	return "Sessions " + formatCount(a.Visitors) +
		" · Orders " + formatCount(a.Orders) +
		" · Traffic " + observed + " (configured " + formatShare(a.Percentage) + ")"
}

// metricFields returns the conversion rate, revenue per visitor and average
// order value of one arm, each with its lift when the arm is a variant.
func metricFields(v armView, c health.Currency) []*goslack.TextBlockObject {
	var lifts [3]*health.Float
	if v.cmp != nil {
		lifts = [3]*health.Float{
			&v.cmp.ConversionLift, &v.cmp.RevenuePerVisitorLift, &v.cmp.AverageOrderValueLift,
		}
	}

	a := v.arm
	return []*goslack.TextBlockObject{
		field("Conversion rate", metricValue(a.ConversionRate.Value, percent2, lifts[0])),
		field("Revenue per visitor", metricValue(a.RevenuePerVisitor.Value, money(c), lifts[1])),
		field("Avg. order value", metricValue(a.AverageOrderValue.Value, money(c), lifts[2])),
	}
}

// percent2 writes a fraction as a percent with two decimals.
func percent2(f float64) string { return formatPercent(f, 2) }

// money returns a formatter for amounts in currency c.
func money(c health.Currency) func(float64) string {
	return func(f float64) string { return formatMoney(f, c) }
}

// metricValue writes a metric's value and, when lift is not nil, its lift
// against the control. An absent value or lift reads "low data", never 0.
func metricValue(value health.Float, format func(float64) string, lift *health.Float) string {
	s := lowData
	if value.Valid {
		s = format(value.Value)
	}
	if lift == nil {
		return s
	}
	return s + "\nvs control: " + formatLift(*lift)
}

// primaryBlock states each shown variant's standing on the primary metric:
// the call, the lift and the chance to beat the control. It returns nil
// when no variant is shown.
func primaryBlock(r health.Result, shown []armView) goslack.Block {
	var lines []string
	for _, v := range shown {
		if v.cmp != nil {
			lines = append(lines, "• "+standingLine(armName(v.arm), v.cmp.Primary))
		}
	}
	if len(lines) == 0 {
		return nil
	}

	title := "*" + capitalize(r.Primary.String()) + "* (primary metric) against the control"
	return section(joinFit(append([]string{title}, lines...), MaxSectionText))
}

// standingLine writes one variant's standing, such as "B — *winning*: lift
// +5.6%, 97.1% chance to beat control (computed)". Calls that need action
// are bold. An absent lift or probability reads "low data".
func standingLine(name string, s health.Standing) string {
	call := s.Outcome.String()
	if s.Outcome == health.Winning || s.Outcome == health.Losing {
		call = "*" + call + "*"
	}

	chance := "chance to beat control: " + lowData
	if s.ProbBeatControl.Valid {
		chance = formatProb(s.ProbBeatControl) + " chance to beat control"
		if s.Computed {
			chance += " (computed)"
		}
	}
	return name + " — " + call + ": lift " + formatLift(s.Lift) + ", " + chance
}

// sampleRatioBlock reports a traffic split that does not match the
// configuration, with the test statistic, or returns nil when the split was
// not checked or matched. A mismatch means the arms' visitors differ in more
// than the change under test, so no result of the test can be trusted.
func sampleRatioBlock(r health.Result) goslack.Block {
	sr := r.SampleRatio
	if !sr.Checked || !sr.Mismatch {
		return nil
	}

	arm := userText(sr.Arm, maxNameText)
	if arm == "" {
		arm = "One arm"
	}
	return section(fmt.Sprintf("*Sample ratio mismatch:* %s got %s of sessions, expected %s "+
		"(χ² = %.1f, %d df, p = %s). Results cannot be trusted until the split is fixed.",
		arm, formatPercent(sr.Observed, 1), formatPercent(sr.Expected, 1),
		sr.ChiSquare, sr.DF, formatPValue(sr.PValue)))
}

// notesBlock lists the result's notes, or returns nil when there are none.
func notesBlock(r health.Result) goslack.Block {
	if len(r.Notes) == 0 {
		return nil
	}
	lines := append([]string{"*Notes*"}, bullets(r.Notes, maxIssueText)...)
	return section(joinFit(lines, MaxSectionText))
}
