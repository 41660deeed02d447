package slack

import (
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
// against the control. An absent value or lift reads "no data", never 0.
func metricValue(value health.Float, format func(float64) string, lift *health.Float) string {
	s := "no data"
	if value.Valid {
		s = format(value.Value)
	}
	if lift == nil {
		return s
	}
	if !lift.Valid {
		return s + "\nvs control: no data"
	}
	return s + "\nvs control: " + formatLift(*lift)
}

// outlookBlock states, for each shown variant, its chance to beat the
// control on conversion rate and whether that is significant, followed by
// the result's notes. It returns nil when there is nothing to say.
func outlookBlock(r health.Result, shown []armView, opts Options) goslack.Block {
	var lines []string
	for _, v := range shown {
		if v.cmp != nil {
			lines = append(lines, "• "+outlookLine(armName(v.arm), *v.cmp, opts.MinConfidence))
		}
	}
	if len(lines) > 0 {
		lines = append([]string{"*Statistical outlook*"}, lines...)
	}

	if len(r.Notes) > 0 {
		if len(lines) > 0 {
			lines = append(lines, "")
		}
		lines = append(lines, "*Notes*")
		lines = append(lines, bullets(r.Notes, maxIssueText)...)
	}

	if len(lines) == 0 {
		return nil
	}
	return section(joinFit(lines, MaxSectionText))
}

// outlookLine writes one variant's chance to beat the control, such as
// "B: 81.6% chance to beat control on conversion rate — not yet
// statistically significant (needs 95%)".
func outlookLine(name string, c health.Comparison, confidence float64) string {
	p := c.ProbBeatControl
	if !p.Valid {
		return name + ": not enough data for a probability yet"
	}

	line := name + ": " + formatPercent(p.Value, 1) + " chance to beat control on conversion rate"
	level := formatConfidence(confidence)
	switch {
	case c.Significant:
		return line + " — statistically significant (at least " + level + ")"
	case p.Value <= 1-confidence:
		// The control's chance to beat the variant reached the level.
		return line + " — control is ahead with " + level + " confidence"
	default:
		return line + " — not yet statistically significant (needs " + level + ")"
	}
}
