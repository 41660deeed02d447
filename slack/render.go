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
	maxIssueText = 300
	maxErrorText = 1000
)

// fixedBlocks counts the blocks of a full message other than the arm
// sections: header, status, overview, divider, overflow notice, outlook and
// context. The arms get what is left of MaxBlocks.
const fixedBlocks = 7

// defaultConfidence is used when Options.MinConfidence is not a fraction
// strictly between 0 and 1.
const defaultConfidence = 0.95

// Options controls the parts of a message that depend on the run rather than
// on the test.
type Options struct {
	// Now is the time of the check, shown in the message footer.
	Now time.Time
	// Location is the zone for times shown to people; nil means UTC.
	Location *time.Location
	// MinConfidence is the probability to beat the control, a fraction,
	// that counts as statistically significant. Values outside (0, 1),
	// the zero value included, mean 0.95.
	MinConfidence float64
}

// withDefaults fills the zero values of o.
func (o Options) withDefaults() Options {
	if o.Location == nil {
		o.Location = time.UTC
	}
	if o.MinConfidence <= 0 || o.MinConfidence >= 1 {
		o.MinConfidence = defaultConfidence
	}
	return o
}

// Render turns the assessment of one test into one Slack message: a header
// with the verdict and the test name, the status, the runtime and totals, one
// section per arm with its traffic and key metrics against the control, the
// statistical outlook, and the time of the check. A result with the Error
// verdict gets the header, the status and the time only.
//
// The message always passes Validate: long text is cut with "…" and arms
// beyond what fits in MaxBlocks are summarised in one line. All user text is
// escaped for mrkdwn.
func Render(r health.Result, opts Options) Message {
	opts = opts.withDefaults()

	blocks := []goslack.Block{headerBlock(r), statusBlock(r)}
	if r.Verdict != health.Error {
		blocks = append(blocks, bodyBlocks(r, opts)...)
	}
	blocks = append(blocks, contextBlock(r, opts))

	return Message{
		Text:   fallbackText(r),
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

// fallbackText returns the one-line summary used for notifications, such as
// "⚠️ Homepage Hero: needs attention (1 issue)".
func fallbackText(r health.Result) string {
	name := Escape(truncate(testName(r.Test), MaxHeaderText))
	var state string
	switch r.Verdict {
	case health.Healthy:
		state = "healthy"
	case health.Unhealthy:
		state = "needs attention (" + plural(len(r.Issues), "issue") + ")"
	case health.Error:
		state = "could not be checked"
	default:
		state = "unknown verdict"
	}
	return r.Verdict.Emoji() + " " + name + ": " + state
}

// headerBlock shows the verdict's emoji and the test name. A header is
// plain_text, which Slack does not parse, so the name is not escaped.
func headerBlock(r health.Result) goslack.Block {
	text := truncate(r.Verdict.Emoji()+" "+testName(r.Test), MaxHeaderText)
	return goslack.NewHeaderBlock(plain(text))
}

// statusBlock states the verdict in a sentence, with the issues or the error.
func statusBlock(r health.Result) goslack.Block {
	var text string
	switch r.Verdict {
	case health.Healthy:
		text = "*Status:* Healthy — no issues found."
	case health.Unhealthy:
		lines := append([]string{"*Status:* Needs attention"}, bullets(r.Issues, maxIssueText)...)
		text = joinFit(lines, MaxSectionText)
	case health.Error:
		text = "*Status:* Could not be checked: " + userText(errorText(r.Err), maxErrorText)
	default:
		text = "*Status:* Unknown verdict"
	}
	return section(text)
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

	if b := outlookBlock(r, shown, opts); b != nil {
		blocks = append(blocks, b)
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

// contextBlock is the footer: when the check ran and which test it was.
func contextBlock(r health.Result, opts Options) goslack.Block {
	elems := []goslack.MixedElement{
		mrkdwn("Checked " + opts.Now.In(opts.Location).Format("2006-01-02 15:04 MST")),
	}
	if id := clean(r.Test.ID); id != "" {
		elems = append(elems, mrkdwn("Test ID "+userText(id, maxNameText)))
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
