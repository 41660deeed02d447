package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/ighealth/intelligems-health-action/health"
)

// summaryLimit keeps the job summary well under the runner's 1 MiB per
// step, above which the runner drops the whole summary.
const summaryLimit = 900 << 10

// summary renders the job summary: a line of totals, what went wrong
// outside the tests (listing, delivery) if anything did, one table row per
// test, then the detail of each test, worst first. Detail that would pass
// summaryLimit is left out with a note; the table is always whole.
func summary(results []health.Result, now time.Time, loc *time.Location, problems []string) string {
	var b strings.Builder
	b.WriteString("## Intelligems test health\n\n")
	when := now.In(loc).Format("2006-01-02 15:04 MST")
	if len(results) == 0 && len(problems) > 0 {
		fmt.Fprintf(&b, "Run at %s: no test was checked\n\n", when)
	} else {
		fmt.Fprintf(&b, "Checked %s: %s\n\n", when, tally(results))
	}
	for _, s := range problems {
		fmt.Fprintf(&b, "> ❌ %s\n>\n", md(s))
	}
	if len(problems) > 0 {
		b.WriteString("\n")
	}
	switch {
	case len(results) == 0 && len(problems) == 0:
		b.WriteString("No running experiments were found.\n")
		return b.String()
	case len(results) == 0:
		return b.String()
	}

	b.WriteString(table(results))
	for i, r := range worstFirst(results) {
		d := detail(r, loc)
		if b.Len()+len(d) > summaryLimit {
			fmt.Fprintf(&b, "_Detail of %d more tests left out to keep this summary "+
				"under GitHub's size limit; see the log._\n", len(results)-i)
			break
		}
		b.WriteString(d)
	}
	return b.String()
}

// table renders one row per test, worst first.
func table(results []health.Result) string {
	var b strings.Builder
	b.WriteString("| Test | Verdict | Runtime | Sessions | Orders | Time to decision | Issues |\n")
	b.WriteString("|---|---|---|---:|---:|---|---|\n")
	for _, r := range worstFirst(results) {
		sessions, orders := health.Count(r.Visitors), health.Count(r.Orders)
		if r.Verdict == health.Error {
			sessions, orders = "—", "—"
		}
		fmt.Fprintf(&b, "| %s | %s %s | %s | %s | %s | %s | %s |\n",
			md(r.Test.Name), r.Verdict.Emoji(), r.Verdict, runtime(r.Runtime),
			sessions, orders, timeToDecision(r), md(orDash(issueText(r))))
	}
	b.WriteString("\n")
	return b.String()
}

// severity lists the verdicts from the one that most needs attention.
var severity = []health.Verdict{
	health.Error, health.Unhealthy, health.Loser, health.Winner,
	health.Flat, health.KeepRunning, health.CollectingData,
}

// tally counts the tests and each verdict present, worst first, as in
// "12 tests: 🔴 2 unhealthy · 🔵 9 keep running · ❌ 1 error".
func tally(results []health.Result) string {
	var parts []string
	for _, v := range severity {
		if n := countVerdict(results, v); n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d %s", v.Emoji(), n, v))
		}
	}
	n := len(results)
	if len(parts) == 0 {
		return fmt.Sprintf("%d %s", n, plural(n, "test", "tests"))
	}
	return fmt.Sprintf("%d %s: %s", n, plural(n, "test", "tests"), strings.Join(parts, " · "))
}

// issueText gives the reasons a test needs attention, or "".
func issueText(r health.Result) string {
	if r.Verdict == health.Error && r.Err != nil {
		return r.Err.Error()
	}
	return strings.Join(r.Issues, "; ")
}

// orDash stands in for an empty cell.
func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// timeToDecision is the decision cell of the table.
func timeToDecision(r health.Result) string {
	d := r.Decision
	switch {
	case r.Verdict == health.Winner || r.Verdict == health.Loser:
		return "decided"
	case r.Verdict == health.Error || !d.Known:
		return "—"
	case d.Underpowered:
		return fmt.Sprintf("underpowered (~%d days)", d.DaysRemaining)
	case d.DaysRemaining > 0:
		return fmt.Sprintf("~%d %s", d.DaysRemaining, plural(d.DaysRemaining, "day", "days"))
	}
	return "sample reached"
}

// worstFirst orders results by severity, keeping the API order within each
// verdict.
func worstFirst(results []health.Result) []health.Result {
	out := make([]health.Result, 0, len(results))
	for _, v := range severity {
		for _, r := range results {
			if r.Verdict == v {
				out = append(out, r)
			}
		}
	}
	return out
}

// detail renders one test's section of the summary.
func detail(r health.Result, loc *time.Location) string {
	var b strings.Builder
	fmt.Fprintf(&b, "### %s %s\n\n", r.Verdict.Emoji(), md(r.Test.Name))
	fmt.Fprintf(&b, "Verdict **%s**", r.Verdict)
	if !r.Test.StartedAt.IsZero() {
		fmt.Fprintf(&b, " · started %s · running %s",
			r.Test.StartedAt.In(loc).Format("2006-01-02 15:04 MST"), runtime(r.Runtime))
	}
	fmt.Fprintf(&b, " · id `%s`\n\n", strings.ReplaceAll(r.Test.ID, "`", ""))
	if r.Verdict == health.Error {
		fmt.Fprintf(&b, "Could not be checked: %s\n\n", md(r.Err.Error()))
		return b.String()
	}
	if sr := r.SampleRatio; sr.Checked {
		fmt.Fprintf(&b, "Traffic split: χ² = %.2f on %d df, p = %.3g (%s)\n\n", sr.ChiSquare, sr.DF, sr.PValue,
			map[bool]string{true: "**mismatch**", false: "matches the configuration"}[sr.Mismatch])
	}
	fmt.Fprintf(&b, "Primary metric: %s\n\n", r.Primary)
	b.WriteString(armTable(r))
	for _, s := range r.Issues {
		fmt.Fprintf(&b, "- ⚠️ %s\n", md(s))
	}
	for _, s := range r.Notes {
		fmt.Fprintf(&b, "- ℹ️ %s\n", md(s))
	}
	b.WriteString("\n")
	return b.String()
}

// armTable renders one row per arm, variants measured against the control.
func armTable(r health.Result) string {
	lifts := map[string]health.Comparison{}
	for _, c := range r.Comparisons {
		lifts[c.Variant.ID] = c
	}
	cur := currencySymbol(r.Test.Currency)
	var b strings.Builder
	b.WriteString("| Arm | Traffic (configured) | Sessions | Orders | Conversion | Revenue per visitor | " +
		"Avg order value | Chance to beat control on primary |\n")
	b.WriteString("|---|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, a := range r.Test.Arms {
		name, c := md(a.Name), lifts[a.ID]
		if a.IsControl {
			name += " (control)"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s | %s |\n", name, share(a, r.Visitors),
			health.Count(a.Visitors), health.Count(a.Orders),
			withLift(percent(a.ConversionRate.Value), c.ConversionLift, a.IsControl),
			withLift(money(cur, a.RevenuePerVisitor.Value), c.RevenuePerVisitorLift, a.IsControl),
			withLift(money(cur, a.AverageOrderValue.Value), c.AverageOrderValueLift, a.IsControl),
			chance(c, a.IsControl))
	}
	b.WriteString("\n")
	return b.String()
}

// withLift appends a signed lift to a value, for variants.
func withLift(value string, lift health.Float, control bool) string {
	if control || !lift.Valid {
		return value
	}
	if lift.Value < 0 {
		return fmt.Sprintf("%s (−%.1f%%)", value, -lift.Value*100)
	}
	return fmt.Sprintf("%s (+%.1f%%)", value, lift.Value*100)
}

// chance is the cell for the probability to beat control on the primary
// metric, with the call made on it.
func chance(c health.Comparison, control bool) string {
	s := c.Primary
	switch {
	case control:
		return "—"
	case !s.ProbBeatControl.Valid:
		return "low data"
	}
	out := probText(s.ProbBeatControl.Value)
	if s.Computed {
		out += " (computed)"
	}
	if s.Outcome != health.Undecided {
		out += ", " + s.Outcome.String()
	}
	return out
}

// money formats an amount in the store currency, or "no data".
func money(symbol string, f health.Float) string {
	if !f.Valid {
		return "no data"
	}
	return fmt.Sprintf("%s%.2f", symbol, f.Value)
}

// currencySymbol returns the symbol to show, falling back to the code, then
// to the dollar the API assumes when a store sets none.
func currencySymbol(c health.Currency) string {
	switch {
	case c.Symbol != "":
		return c.Symbol
	case c.Code != "":
		return c.Code + " "
	default:
		return "$"
	}
}

// mdEscaper makes user text literal in GitHub Markdown: punctuation that
// starts emphasis, links, code, tables or HTML is backslash-escaped, and
// line breaks become spaces so a table row stays one row.
var mdEscaper = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`,
	"<", `\<`, ">", `\>`, "|", `\|`, "~", `\~`, "#", `\#`, "!", `\!`,
	"&", "&amp;", "\r\n", " ", "\n", " ", "\r", " ",
)

// md escapes user text for the job summary.
func md(s string) string {
	return mdEscaper.Replace(s)
}

// share is an arm's observed share of sessions with its configured one, as
// in "54.6% (50%)".
func share(a health.Arm, total int) string {
	if total == 0 {
		return fmt.Sprintf("— (%g%%)", a.Percentage)
	}
	return fmt.Sprintf("%.1f%% (%g%%)", 100*float64(a.Visitors)/float64(total), a.Percentage)
}

// probText formats a probability as a percentage, with "<0.1%" and
// ">99.9%" at the ends rather than a 0 or 100 that reads as certainty.
func probText(p float64) string {
	switch {
	case p < 0.0005:
		return "<0.1%"
	case p > 0.9995:
		return ">99.9%"
	}
	return fmt.Sprintf("%.1f%%", p*100)
}
