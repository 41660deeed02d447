package slack

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/ighealth/intelligems-health-action/health"
	goslack "github.com/slack-go/slack"
)

// Budgets of one digest message.
const (
	// digestFixedBlocks counts the blocks of a digest message other than
	// its tests: header, summary and footer.
	digestFixedBlocks = 3
	// maxDigestText caps the text, in runes, of all blocks of one digest
	// message. Slack has been seen refusing messages whose blocks hold
	// about 12,000 characters in total (msg_blocks_too_long), though no
	// limit is documented; this leaves room for counting differences.
	maxDigestText = 10000
	// maxDigestReasons is how many reasons a test's line shows before it
	// says how many more there are; the per-test message has them all.
	maxDigestReasons = 3
	// maxReasonText is the length, in runes, a reason is cut to.
	maxReasonText = 200
)

// digestOrder lists the verdicts in the order a digest shows them: those
// that need attention first, then those that call for a decision, then the
// rest.
var digestOrder = []health.Verdict{
	health.Error, health.Unhealthy, health.Loser,
	health.Winner, health.Flat, health.KeepRunning, health.CollectingData,
}

// digestItem is one test's part of a digest: its blocks, their text size in
// runes, and whether the test needs attention.
type digestItem struct {
	blocks    []goslack.Block
	size      int
	attention bool
}

// RenderDigest turns the assessments of every running test of a store into
// one digest: a header with the store's name and the count of tests per
// verdict, a summary in words, one entry per test, and a footer with the
// time of the check and a link to the workflow run. Tests that need
// attention come first (Error, Unhealthy, Loser), then Winner, Flat,
// KeepRunning and CollectingData; tests with the same verdict keep their
// order. Each entry is one line with the verdict's emoji, the test's name
// (a link when Options.TestURLTemplate is set), the runtime and the key lift
// on the primary metric, then the reasons, then a small line with the
// traffic and the time to a decision.
//
// A digest that would break a Block Kit limit, or grow past the size Slack
// accepts, is split into as few messages as needed, of about equal length,
// in order. Each has its own header with "(2 of 3)", its own summary and
// fallback text, and the footer, so that each reads on its own. Messages
// that carry a test needing attention start with Options.Mention. Every
// message passes Validate. With no results, the one message says so.
func RenderDigest(results []health.Result, opts Options) []Message {
	opts = opts.withDefaults()

	sorted := slices.Clone(results)
	slices.SortStableFunc(sorted, func(a, b health.Result) int {
		return cmp.Compare(digestRank(a.Verdict), digestRank(b.Verdict))
	})

	items := make([]digestItem, len(sorted))
	for i, r := range sorted {
		items[i] = digestEntry(r, opts)
	}

	parts := packDigest(items)
	msgs := make([]Message, len(parts))
	first := 0
	for i, part := range parts {
		d := digestPart{results: results, items: part, index: i, count: len(parts), first: first}
		msgs[i] = d.message(opts)
		first += len(part)
	}
	return msgs
}

// digestRank returns the position of v in digestOrder, unknown verdicts
// first because nobody knows what they mean.
func digestRank(v health.Verdict) int {
	return slices.Index(digestOrder, v)
}

// digestEntry renders one test: a section with its line and reasons, and a
// context block with its traffic and time to a decision.
func digestEntry(r health.Result, opts Options) digestItem {
	// joinFit keeps whole lines, so no link or entity is ever cut.
	text := joinFit(append([]string{entryLine(r, opts)}, entryReasons(r)...), MaxSectionText)
	detail := truncate(entryDetail(r), MaxSectionText)

	return digestItem{
		blocks: []goslack.Block{
			section(text),
			goslack.NewContextBlock("", mrkdwn(detail)),
		},
		size:      utf8.RuneCountInString(text) + utf8.RuneCountInString(detail),
		attention: r.Verdict.NeedsAttention(),
	}
}

// entryLine writes a test's first line, such as "🔴 *Hero test* · unhealthy
// · 12.4 days · revenue per visitor −12.3% (B)".
func entryLine(r health.Result, opts Options) string {
	name := userText(testName(r.Test), maxNameText)
	if u, ok := opts.testURL(clean(r.Test.ID)); ok {
		name = "<" + u + "|" + name + ">"
	}

	parts := []string{r.Verdict.Emoji() + " *" + name + "*", r.Verdict.String()}
	if r.Verdict != health.Error {
		parts = append(parts, formatRuntime(r))
	}
	if lift := keyLift(r); lift != "" {
		parts = append(parts, lift)
	}
	return strings.Join(parts, " · ")
}

// entryReasons returns the bullets that explain a verdict: the issues, or
// the error, cut to maxDigestReasons lines.
func entryReasons(r health.Result) []string {
	reasons := r.Issues
	if r.Verdict == health.Error {
		reasons = []string{errorText(r.Err)}
	}

	lines := bullets(reasons, maxReasonText)
	if len(lines) > maxDigestReasons {
		more := len(lines) - maxDigestReasons
		lines = append(lines[:maxDigestReasons], "…and "+plural(more, "more reason"))
	}
	return lines
}

// entryDetail writes a test's traffic and time to a decision, such as
// "19,993 sessions · 413 orders · time to decision: about 12 days (8,400
// more sessions)", or its ID when it could not be checked.
func entryDetail(r health.Result) string {
	if r.Verdict == health.Error {
		return "Test ID " + orDash(userText(r.Test.ID, maxNameText))
	}
	decision := resultDecision(r)
	if !r.Decision.Known || (!r.Decision.Underpowered && r.Decision.SessionsRemaining > 0) {
		decision = "time to decision: " + decision
	}
	return formatCount(r.Visitors) + " sessions · " + formatCount(r.Orders) + " orders · " + decision
}

// keyLift writes the lift that best sums up a test on its primary metric,
// such as "conversion rate +5.2%", naming the variant when there are
// several. It returns "" when the test has no variant.
func keyLift(r health.Result) string {
	if len(r.Comparisons) == 0 {
		return ""
	}
	c := keyComparison(r)
	s := r.Primary.String() + " " + formatLift(c.Primary.Lift)
	if len(r.Comparisons) > 1 {
		s += " (" + orDash(userText(c.Variant.Name, maxNameText)) + ")"
	}
	return s
}

// keyComparison picks the variant that sums up a test: the one whose call
// matches the verdict (the winning one of a winner, the losing one of a
// loser), else a leading one, else the one with the largest lift either
// way. Ties go to the first.
func keyComparison(r health.Result) health.Comparison {
	best, bestScore := r.Comparisons[0], math.Inf(-1)
	for _, c := range r.Comparisons {
		if s := keyScore(r.Verdict, c.Primary); s > bestScore {
			best, bestScore = c, s
		}
	}
	return best
}

// keyScore ranks a standing for keyComparison: the call first, then the
// size of the lift, which is below 1000% for any real test.
func keyScore(v health.Verdict, s health.Standing) float64 {
	score := 0.0
	switch {
	case v == health.Winner && s.Outcome == health.Winning,
		v == health.Loser && s.Outcome == health.Losing:
		score = 300
	case s.Outcome == health.Leading:
		score = 200
	case s.Lift.Valid:
		score = 100
	}
	if s.Lift.Valid {
		score += min(math.Abs(s.Lift.Value), 10) * 9
	}
	return score
}

// packDigest splits the items into as few parts as fit in a message each,
// keeping their order, and evens the parts out when there are several.
func packDigest(items []digestItem) [][]digestItem {
	parts := packGreedy(items, len(items))
	if len(parts) <= 1 {
		return parts
	}

	perPart := (len(items) + len(parts) - 1) / len(parts)
	if even := packGreedy(items, perPart); len(even) == len(parts) {
		return even
	}
	return parts
}

// packGreedy fills parts in order, starting a new one when the next item
// would break the block or text budget or the part holds perPart items.
// It always returns at least one part, which may be empty.
func packGreedy(items []digestItem, perPart int) [][]digestItem {
	parts := [][]digestItem{nil}
	blocks, size := 0, 0
	for _, it := range items {
		cur := parts[len(parts)-1]
		full := len(cur) >= perPart ||
			digestFixedBlocks+blocks+len(it.blocks) > MaxBlocks ||
			size+it.size > maxDigestText-digestHeadroom
		if len(cur) > 0 && full {
			parts = append(parts, nil)
			blocks, size = 0, 0
		}
		parts[len(parts)-1] = append(parts[len(parts)-1], it)
		blocks += len(it.blocks)
		size += it.size
	}
	return parts
}

// digestHeadroom is the text, in runes, kept for a digest message's header,
// summary and footer.
const digestHeadroom = 1000

// digestPart is one message of a digest.
type digestPart struct {
	results      []health.Result // every result, for the counts
	items        []digestItem    // this message's tests
	index, count int             // this message's place, from 0, and the number of messages
	first        int             // the position of the first item among all tests
}

// message renders the part.
func (d digestPart) message(opts Options) Message {
	blocks := []goslack.Block{d.header(opts), section(d.summary(opts))}
	for _, it := range d.items {
		blocks = append(blocks, it.blocks...)
	}

	footer := []goslack.MixedElement{mrkdwn(opts.checkedLine())}
	if link := opts.runLink(); link != "" {
		footer = append(footer, mrkdwn(link))
	}
	blocks = append(blocks, goslack.NewContextBlock("", footer...))

	return Message{Text: d.fallback(opts), Blocks: goslack.Blocks{BlockSet: blocks}}
}

// attention reports whether any of the part's tests needs attention.
func (d digestPart) attention() bool {
	return slices.ContainsFunc(d.items, func(it digestItem) bool { return it.attention })
}

// digestTitle returns the digest's name, such as "Acme · Test health", without
// the part number.
func digestTitle(opts Options) string {
	return withStore("Test health", opts)
}

// partLabel returns " (2 of 3)", or "" for a digest of one message.
func (d digestPart) partLabel() string {
	if d.count <= 1 {
		return ""
	}
	return " (" + formatCount(d.index+1) + " of " + formatCount(d.count) + ")"
}

// header shows the store and the count of tests per verdict, such as
// "Acme · Test health: 🔴 2 · 🟠 1 · 🔵 12 · ⚪ 3 (1 of 2)". Only the name
// is cut, so the counts and the part number always show.
func (d digestPart) header(opts Options) goslack.Block {
	tail := emojiCounts(d.results) + d.partLabel()
	if len(d.results) == 0 {
		tail = "no running tests"
	}
	room := MaxHeaderText - utf8.RuneCountInString(tail) - 2
	return goslack.NewHeaderBlock(plain(truncate(digestTitle(opts), room) + ": " + tail))
}

// summary states the counts in words and, when the digest is split, which
// tests this part lists, after the mention when a test here needs
// attention.
func (d digestPart) summary(opts Options) string {
	if len(d.results) == 0 {
		return "No running tests were found."
	}
	text := opts.mentionFor(d.attention()) + "*" + plural(len(d.results), "running test") +
		":* " + wordCounts(d.results)
	if d.count > 1 {
		text += "\nThis message lists tests " + formatCount(d.first+1) + "–" +
			formatCount(d.first+len(d.items)) + "."
	}
	return text
}

// fallback returns the notification text, such as "<!here> Acme · Test
// health (1 of 2): 25 running tests: 2 unhealthy, 1 loser, 12 keep
// running".
func (d digestPart) fallback(opts Options) string {
	head := opts.mentionFor(d.attention()) + Escape(digestTitle(opts)) + d.partLabel() + ": "
	if len(d.results) == 0 {
		return head + "no running tests"
	}
	return head + plural(len(d.results), "running test") + ": " + wordCounts(d.results)
}

// verdictCounts returns the number of results per verdict, in digestOrder,
// leaving out verdicts no result has.
func verdictCounts(results []health.Result) []verdictCount {
	var counts []verdictCount
	for _, v := range digestOrder {
		n := 0
		for _, r := range results {
			if r.Verdict == v {
				n++
			}
		}
		if n > 0 {
			counts = append(counts, verdictCount{v, n})
		}
	}
	return counts
}

// verdictCount is how many tests got one verdict.
type verdictCount struct {
	verdict health.Verdict
	n       int
}

// emojiCounts writes the counts as "🔴 2 · 🟠 1 · 🔵 12".
func emojiCounts(results []health.Result) string {
	var parts []string
	for _, c := range verdictCounts(results) {
		parts = append(parts, c.verdict.Emoji()+" "+formatCount(c.n))
	}
	return strings.Join(parts, " · ")
}

// wordCounts writes the counts as "2 unhealthy, 1 loser, 12 keep running".
func wordCounts(results []health.Result) string {
	var parts []string
	for _, c := range verdictCounts(results) {
		parts = append(parts, formatCount(c.n)+" "+verdictWords(c.verdict, c.n))
	}
	return strings.Join(parts, ", ")
}

// verdictWords names n tests with verdict v: "1 winner" but "2 winners",
// and "2 unhealthy".
func verdictWords(v health.Verdict, n int) string {
	switch v {
	case health.Winner, health.Loser, health.Error:
		if n != 1 {
			return v.String() + "s"
		}
	case health.CollectingData, health.KeepRunning, health.Flat, health.Unhealthy:
	}
	return v.String()
}
