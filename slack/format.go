package slack

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/ighealth/intelligems-health-action/health"
)

// ellipsis marks text that was cut to fit a limit.
const ellipsis = "…"

// emptyText stands in for text that would otherwise be empty, because Slack
// refuses empty text objects.
const emptyText = "—"

// lowData stands in for a number the source has not computed yet because
// the test has too little traffic. It is never shown as 0, since 0 is a real
// value.
const lowData = "low data"

// minus is the sign of every negative number shown: U+2212, the true minus
// sign, which lines up with "+" and does not read as a hyphen.
const minus = "−"

// mrkdwnEscaper replaces the three characters Slack treats as control
// characters in mrkdwn. Only these three are escaped: other entities would be
// shown literally.
// https://api.slack.com/reference/surfaces/formatting#escaping
var mrkdwnEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// Escape returns s with &, < and > replaced by &amp;, &lt; and &gt;, so that
// user text placed in mrkdwn is shown as typed: "<!channel>" stays text and
// pings nobody, and "<https://x|y>" stays text instead of becoming a link.
// Text that is already escaped is escaped again, because it too is user text.
func Escape(s string) string {
	return mrkdwnEscaper.Replace(s)
}

// truncate shortens s to at most n runes, ending it with an ellipsis when it
// was cut. It never splits a rune, so valid UTF-8 stays valid.
func truncate(s string, n int) string {
	if n <= 0 {
		return ""
	}
	if utf8.RuneCountInString(s) <= n {
		return s
	}

	runes := 0
	for i := range s {
		if runes == n-1 {
			return s[:i] + ellipsis
		}
		runes++
	}
	return s
}

// clean makes user text fit on one line: invalid UTF-8 becomes U+FFFD and
// runs of white space, newlines included, become one space.
func clean(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.Join(strings.Fields(s), " ")
}

// userText prepares user text for mrkdwn: cleaned, cut to n runes, escaped.
// It cuts before escaping so that an entity such as &amp; is never split.
func userText(s string, n int) string {
	return Escape(truncate(clean(s), n))
}

// orDash returns s, or a dash when s is empty.
func orDash(s string) string {
	if s == "" {
		return emptyText
	}
	return s
}

// formatCount writes n with comma thousands separators: 19993 is "19,993"
// and -4200 is "−4,200".
func formatCount(n int) string {
	sign := ""
	u := uint64(n)
	if n < 0 {
		sign = minus
		u = -u
	}
	return sign + groupDigits(strconv.FormatUint(u, 10))
}

// groupDigits inserts a comma every three digits from the right.
func groupDigits(digits string) string {
	var b strings.Builder
	for i, d := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(d)
	}
	return b.String()
}

// formatPercent writes a fraction as a percent with the given decimals:
// 0.02123 with 2 decimals is "2.12%".
func formatPercent(fraction float64, decimals int) string {
	return strconv.FormatFloat(fraction*100, 'f', decimals, 64) + "%"
}

// formatShare writes a configured traffic share, already in percent, with at
// most one decimal: 50 is "50%" and 33.33 is "33.3%".
func formatShare(percent float64) string {
	rounded := math.Round(percent*10) / 10
	return strconv.FormatFloat(rounded, 'f', -1, 64) + "%"
}

// formatLift writes a relative change, a fraction, as a signed percent with
// one decimal: 0.056 is "+5.6%" and -0.277 is "−27.7%". A change that rounds
// to zero is "0.0%"; an absent one is "low data".
func formatLift(f health.Float) string {
	if !f.Valid {
		return lowData
	}
	pct := math.Round(f.Value*1000) / 10
	switch {
	case pct > 0:
		return fmt.Sprintf("+%.1f%%", pct)
	case pct < 0:
		return fmt.Sprintf("%s%.1f%%", minus, -pct)
	default:
		return "0.0%"
	}
}

// formatProb writes a probability, a fraction, as a percent with one
// decimal, or "low data" when it is absent: 0.8163 is "81.6%".
func formatProb(f health.Float) string {
	if !f.Valid {
		return lowData
	}
	return formatPercent(f.Value, 1)
}

// formatMoney writes an amount in the store currency with two decimals and
// thousands separators, such as "$1,234.50", "€58.10", "SEK 12.00" or
// "−$3.25".
func formatMoney(amount float64, c health.Currency) string {
	sign := ""
	if amount < 0 {
		sign = minus
		amount = -amount
	}
	s := strconv.FormatFloat(amount, 'f', 2, 64)
	whole, cents, _ := strings.Cut(s, ".")
	return sign + currencySymbol(c) + groupDigits(whole) + "." + cents
}

// currencySymbol returns the symbol shown before amounts. A currency with
// neither symbol nor code is US dollars; one with only a code shows the code,
// so that euros never appear as dollars.
func currencySymbol(c health.Currency) string {
	switch {
	case c.Symbol != "":
		return Escape(clean(c.Symbol))
	case c.Code == "" || strings.EqualFold(c.Code, "USD"):
		return "$"
	default:
		return Escape(clean(c.Code)) + " "
	}
}

// formatConfidence writes a confidence level, a fraction, as a percent with
// at most one decimal: 0.95 is "95%" and 0.975 is "97.5%".
func formatConfidence(fraction float64) string {
	return formatShare(fraction * 100)
}

// plural returns "1 issue" or "3 issues".
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return formatCount(n) + " " + word + "s"
}

// resultDecision is the time to decision of a result: "decided" once a
// winner or loser is called, "not checked" for an error, else as
// formatDecision writes it.
func resultDecision(r health.Result) string {
	switch r.Verdict {
	case health.Winner, health.Loser:
		return "decided"
	case health.Error:
		return "not checked"
	case health.CollectingData, health.KeepRunning, health.Flat, health.Unhealthy:
	}
	return formatDecision(r.Decision)
}

// formatDecision writes how far a test is from a decision, such as "about 12
// days (8,400 more sessions)", "sample reached", or "underpowered: won't
// reach 12,400 sessions/arm within five weeks of running".
func formatDecision(d health.Decision) string {
	switch {
	case !d.Known:
		return lowData
	case d.Underpowered:
		return "underpowered: won't reach " + formatCount(d.SessionsPerArm) +
			" sessions/arm within five weeks of running"
	case d.SessionsRemaining <= 0 && d.DaysRemaining > 0:
		return fmt.Sprintf("sample reached; %s to the minimum runtime", plural(d.DaysRemaining, "day"))
	case d.SessionsRemaining <= 0:
		return "sample reached"
	}

	more := " (" + formatCount(d.SessionsRemaining) + " more sessions)"
	switch d.DaysRemaining {
	case 0:
		return "under a day" + more
	case 1:
		return "about 1 day" + more
	default:
		return "about " + formatCount(d.DaysRemaining) + " days" + more
	}
}

// formatPValue writes a p-value with two significant digits, in exponent
// form when it is tiny: 0.0123 is "0.012" and 1.2e-38 is "1.2e-38".
func formatPValue(p float64) string {
	return strconv.FormatFloat(p, 'g', 2, 64)
}

// capitalize returns s with its first letter in upper case.
func capitalize(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	if size == 0 {
		return s
	}
	return strings.ToUpper(string(r)) + s[size:]
}
