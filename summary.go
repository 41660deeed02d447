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

// summary renders the job summary: a line of totals, one table row per test,
// then the detail of each test, worst first. Detail that would pass
// summaryLimit is left out with a note; the table is always whole.
func summary(results []health.Result, now time.Time, loc *time.Location, listErr error) string {
	var b strings.Builder
	b.WriteString("## Intelligems test health\n\n")
	fmt.Fprintf(&b, "Checked %s: %s\n\n", now.In(loc).Format("2006-01-02 15:04 MST"), tally(results))
	if listErr != nil {
		fmt.Fprintf(&b, "> ❌ The running tests could not be listed: %s\n\n", md(listErr.Error()))
	}
	if len(results) == 0 {
		b.WriteString("No running experiments were found.\n")
		return b.String()
	}

	b.WriteString("| Test | Verdict | Runtime | Sessions | Orders | Issues |\n")
	b.WriteString("|---|---|---|---:|---:|---|\n")
	for _, r := range results {
		fmt.Fprintf(&b, "| %s | %s %s | %s | %s | %s | %s |\n",
			md(r.Test.Name), r.Verdict.Emoji(), r.Verdict, runtime(r.Runtime),
			health.Count(r.Visitors), health.Count(r.Orders), md(issueText(r)))
	}
	b.WriteString("\n")

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

// tally counts the verdicts, as in "12 tests: 3 unhealthy, 8 healthy, 1 error".
func tally(results []health.Result) string {
	n := len(results)
	return fmt.Sprintf("%d %s: %d unhealthy, %d healthy, %d %s", n, plural(n, "test", "tests"),
		countVerdict(results, health.Unhealthy), countVerdict(results, health.Healthy),
		countVerdict(results, health.Error), plural(countVerdict(results, health.Error), "error", "errors"))
}

// issueText is the issues cell of the table.
func issueText(r health.Result) string {
	switch r.Verdict {
	case health.Error:
		return r.Err.Error()
	case health.Unhealthy:
		return strings.Join(r.Issues, "; ")
	case health.Healthy:
	}
	return "—"
}

// worstFirst orders results errors, then unhealthy, then healthy, keeping
// the API order within each.
func worstFirst(results []health.Result) []health.Result {
	out := make([]health.Result, 0, len(results))
	for _, v := range []health.Verdict{health.Error, health.Unhealthy, health.Healthy} {
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
	b.WriteString("| Arm | Traffic | Sessions | Orders | Conversion | Revenue / session | " +
		"Avg order value | Chance to beat control |\n")
	b.WriteString("|---|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, a := range r.Test.Arms {
		name, c := md(a.Name), lifts[a.ID]
		if a.IsControl {
			name += " (control)"
		}
		fmt.Fprintf(&b, "| %s | %g%% | %s | %s | %s | %s | %s | %s |\n", name, a.Percentage,
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
	return fmt.Sprintf("%s (%+.1f%%)", value, lift.Value*100)
}

// chance is the probability-to-beat-control cell.
func chance(c health.Comparison, control bool) string {
	switch {
	case control:
		return "—"
	case !c.ProbBeatControl.Valid:
		return "low data"
	case c.Significant:
		return fmt.Sprintf("%.1f%% ✔", c.ProbBeatControl.Value*100)
	default:
		return fmt.Sprintf("%.1f%%", c.ProbBeatControl.Value*100)
	}
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
