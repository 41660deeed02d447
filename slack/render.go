package slack

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ighealth/intelligems-health-action/health"
	goslack "github.com/slack-go/slack"
)

// Lengths, in runes, that user text is cut to before it is escaped, so that
// one long name cannot crowd out the rest of a message.
const (
	maxNameText  = 80
	maxStoreText = 60
	maxIssueText = 300
	maxErrorText = 1000
)

// fixedBlocks counts the blocks of a full message other than the arm
// sections: header, status, overview, divider, overflow notice, primary
// metric, sample ratio, notes and context. The arms get what is left of
// MaxBlocks.
const fixedBlocks = 9

// Render turns the assessment of one test into one Slack message: a header
// with the verdict's emoji, the store and the test name; the verdict in
// words with the issues; the runtime, totals, primary metric and time to a
// decision; one section per arm with its traffic and key metrics against the
// control; each variant's standing on the primary metric; the sample-ratio
// mismatch, when there is one; the notes; and a footer with the time of the
// check and links to the workflow run and the test. A result with the Error
// verdict gets the header, the status and the footer only.
//
// Options.Mention is added, to the status and to the fallback text, only
// when the verdict needs attention. The message always passes Validate:
// long text is cut with "…" and arms beyond what fits in MaxBlocks are
// summarised in one line. All user text is escaped for mrkdwn.
func Render(r health.Result, opts Options) Message {
	opts = opts.withDefaults()

	blocks := []goslack.Block{headerBlock(r, opts), statusBlock(r, opts)}
	if r.Verdict != health.Error {
		blocks = append(blocks, bodyBlocks(r, opts)...)
	}
	blocks = append(blocks, contextBlock(r, opts))

	return Message{
		Text:   fallbackText(r, opts),
		Blocks: goslack.Blocks{BlockSet: blocks},
	}
}

// testName returns the test's name cleaned for display.
func testName(t health.Test) string {
	if name := clean(t.Name); name != "" {
		return name
	}
	return "Untitled test"
}

// storeName returns the store's name cleaned and cut for display, or "".
func storeName(opts Options) string {
	return truncate(clean(opts.StoreName), maxStoreText)
}

// withStore prefixes name with the store's name, as in "Acme · Hero test".
func withStore(name string, opts Options) string {
	if store := storeName(opts); store != "" {
		return store + " · " + name
	}
	return name
}

// fallbackText returns the one-line summary used for notifications, such as
// "<!here> 🔴 Acme · Homepage Hero: unhealthy (1 issue)". The mention comes
// first so that it notifies.
func fallbackText(r health.Result, opts Options) string {
	title := Escape(truncate(withStore(testName(r.Test), opts), MaxHeaderText))
	state := r.Verdict.String()
	switch {
	case r.Verdict == health.Error:
		state = "could not be checked"
	case len(r.Issues) > 0:
		state += " (" + plural(len(r.Issues), "issue") + ")"
	}
	return opts.mentionFor(r.Verdict.NeedsAttention()) +
		r.Verdict.Emoji() + " " + title + ": " + state
}

// headerBlock shows the verdict's emoji, the store and the test name. A
// header is plain_text, which Slack does not parse, so nothing is escaped.
func headerBlock(r health.Result, opts Options) goslack.Block {
	text := r.Verdict.Emoji() + " " + withStore(testName(r.Test), opts)
	return goslack.NewHeaderBlock(plain(truncate(text, MaxHeaderText)))
}

// statusBlock states the verdict in words, with the issues or the error,
// after the mention when the test needs attention.
func statusBlock(r health.Result, opts Options) goslack.Block {
	lead := opts.mentionFor(r.Verdict.NeedsAttention())
	if r.Verdict == health.Error {
		return section(lead + "*Could not be checked:* " + userText(errorText(r.Err), maxErrorText))
	}

	lines := append([]string{lead + verdictSentence(r)}, bullets(r.Issues, maxIssueText)...)
	return section(joinFit(lines, MaxSectionText))
}

// verdictSentence says what the verdict means for the test, such as
// "*Winner* — a variant beats the control on revenue per visitor".
func verdictSentence(r health.Result) string {
	metric := r.Primary.String()
	switch r.Verdict {
	case health.CollectingData:
		return "*Collecting data* — too early to judge"
	case health.KeepRunning:
		return "*Keep running* — healthy, no decision yet"
	case health.Winner:
		return "*Winner* — a variant beats the control on " + metric
	case health.Flat:
		return "*Flat* — no variant differs from the control on " + metric
	case health.Loser:
		return "*Loser* — a variant is losing to the control on " + metric
	case health.Unhealthy:
		return "*Unhealthy* — the test itself has a problem"
	case health.Error:
		return "*Could not be checked*"
	}
	return "*Unknown verdict*"
}

// errorText returns the error's text, or a placeholder when there is none.
func errorText(err error) string {
	if err == nil {
		return "unknown error"
	}
	return err.Error()
}

// bullets returns each item as an escaped bullet line cut to n runes.
func bullets(items []string, n int) []string {
	lines := make([]string, len(items))
	for i, item := range items {
		lines[i] = "• " + userText(item, n)
	}
	return lines
}

// joinFit joins lines with newlines, keeping whole lines while they fit in
// limit runes, and ends with a count of the lines it left out.
func joinFit(lines []string, limit int) string {
	const reserve = 32 // room for the closing "…and N more"

	var b strings.Builder
	used := 0
	for i, line := range lines {
		size := utf8.RuneCountInString(line) + 1
		if used+size > limit-reserve {
			b.WriteString("…and " + formatCount(len(lines)-i) + " more")
			break
		}
		b.WriteString(line + "\n")
		used += size
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// bodyBlocks returns the blocks between the status and the footer.
func bodyBlocks(r health.Result, opts Options) []goslack.Block {
	blocks := []goslack.Block{overviewBlock(r, opts), goslack.NewDividerBlock()}

	shown, hidden := selectArms(armViews(r), MaxBlocks-fixedBlocks)
	for _, v := range shown {
		blocks = append(blocks, armBlock(r, v))
	}
	if hidden > 0 {
		blocks = append(blocks, section("_+"+plural(hidden, "more arm")+" not shown_"))
	}

	for _, b := range []goslack.Block{primaryBlock(r, shown), sampleRatioBlock(r), notesBlock(r)} {
		if b != nil {
			blocks = append(blocks, b)
		}
	}
	return blocks
}

// overviewBlock shows the runtime, the totals and the start date as fields.
func overviewBlock(r health.Result, opts Options) goslack.Block {
	return goslack.NewSectionBlock(nil, []*goslack.TextBlockObject{
		field("Runtime", formatRuntime(r)),
		field("Total sessions", formatCount(r.Visitors)),
		field("Total orders", formatCount(r.Orders)),
		field("Started", formatDate(r.Test.StartedAt, opts.Location)),
		field("Primary metric", capitalize(r.Primary.String())),
		field("Time to decision", resultDecision(r)),
	}, nil)
}

// formatRuntime writes the runtime in days with one decimal, or in whole
// hours under a day, or "unknown" when the start is unknown.
func formatRuntime(r health.Result) string {
	if r.Test.StartedAt.IsZero() || r.Runtime < 0 {
		return "unknown"
	}
	if r.Runtime >= 24*time.Hour {
		return fmt.Sprintf("%.1f days", r.RuntimeDays())
	}

	switch h := int(r.Runtime.Hours()); h {
	case 0:
		return "under an hour"
	case 1:
		return "1 hour"
	default:
		return fmt.Sprintf("%d hours", h)
	}
}

// formatDate writes t's date in loc, or "unknown" for the zero time.
func formatDate(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return "unknown"
	}
	return t.In(loc).Format("2006-01-02")
}

// contextBlock is the footer: when the check ran, which test it was, and
// links to the workflow run and the test when they are known.
func contextBlock(r health.Result, opts Options) goslack.Block {
	elems := []goslack.MixedElement{mrkdwn(opts.checkedLine())}
	id := clean(r.Test.ID)
	if id != "" {
		elems = append(elems, mrkdwn("Test ID "+userText(id, maxNameText)))
	}
	if link := opts.runLink(); link != "" {
		elems = append(elems, mrkdwn(link))
	}
	if u, ok := opts.testURL(id); ok {
		elems = append(elems, mrkdwn("<"+u+"|Open test>"))
	}
	return goslack.NewContextBlock("", elems...)
}

// section returns a section block with mrkdwn text cut to the section limit.
func section(text string) *goslack.SectionBlock {
	return goslack.NewSectionBlock(mrkdwn(truncate(orDash(text), MaxSectionText)), nil, nil)
}

// field returns a mrkdwn section field with a bold label over a value.
func field(label, value string) *goslack.TextBlockObject {
	return mrkdwn(truncate("*"+label+"*\n"+orDash(value), MaxFieldText))
}

// mrkdwn returns a mrkdwn text object.
func mrkdwn(text string) *goslack.TextBlockObject {
	return goslack.NewTextBlockObject(goslack.MarkdownType, orDash(text), false, false)
}

// plain returns a plain_text object with emoji shortcodes enabled.
func plain(text string) *goslack.TextBlockObject {
	return goslack.NewTextBlockObject(goslack.PlainTextType, orDash(text), true, false)
}
