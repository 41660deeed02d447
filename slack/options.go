package slack

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// defaultConfidence is used when Options.MinConfidence is not a fraction
// strictly between 0 and 1.
const defaultConfidence = 0.95

// testIDPlaceholder is replaced by the test's ID in Options.TestURLTemplate.
const testIDPlaceholder = "{id}"

// maxLinkURL caps the length, in bytes, of a URL placed in a link; a longer
// one is left out. Slack refuses URLs over 3,000 characters, and a cap far
// below that keeps a digest line with a link within a section's limit.
const maxLinkURL = 1000

// Options controls the parts of a message that depend on the run rather than
// on the test. The zero value renders a plain message in UTC.
type Options struct {
	// Now is the time of the check, shown in the message footer.
	Now time.Time
	// Location is the zone for times shown to people; nil means UTC.
	Location *time.Location
	// MinConfidence is the probability to beat the control, a fraction,
	// that counts as statistically significant. Values outside (0, 1),
	// the zero value included, mean 0.95.
	MinConfidence float64
	// StoreName is the store the tests run in, shown in headers; empty
	// leaves it out. It is user text.
	StoreName string
	// RunURL links the footer to the workflow run that made the message,
	// such as https://github.com/acme/shop/actions/runs/123; empty leaves
	// the link out, and so does a URL that is not absolute http or https.
	RunURL string
	// TestURLTemplate links each test, with "{id}" replaced by the
	// path-escaped test ID, such as https://app.example.com/tests/{id};
	// empty leaves the links out. Check it with ValidateTestURLTemplate.
	TestURLTemplate string
	// Mention is who to notify when a message carries a test that needs
	// attention, in Slack's syntax as ParseMention returns it: "<!here>",
	// "<!channel>", "<@U123>" or "<!subteam^S123>". Empty mentions nobody;
	// any other value is ignored, so that it can never inject markup.
	Mention string
}

// withDefaults fills the zero values of o and drops a mention that is not
// in Slack's syntax.
func (o Options) withDefaults() Options {
	if o.Location == nil {
		o.Location = time.UTC
	}
	if o.MinConfidence <= 0 || o.MinConfidence >= 1 {
		o.MinConfidence = defaultConfidence
	}
	if !slackMention.MatchString(o.Mention) {
		o.Mention = ""
	}
	return o
}

// checkedLine writes the time of the check in the chosen zone, such as
// "Checked 2026-03-16 09:00 EDT".
func (o Options) checkedLine() string {
	return "Checked " + o.Now.In(o.Location).Format("2006-01-02 15:04 MST")
}

// runLink returns a mrkdwn link to the workflow run, or "" when there is no
// usable RunURL.
func (o Options) runLink() string {
	u, ok := linkURL(o.RunURL)
	if !ok {
		return ""
	}
	return "<" + u + "|Workflow run>"
}

// testURL returns the link target of the test with the given ID, escaped
// for use inside a mrkdwn link, or false when there is no usable template.
func (o Options) testURL(id string) (string, bool) {
	if o.TestURLTemplate == "" || id == "" {
		return "", false
	}
	raw := strings.ReplaceAll(o.TestURLTemplate, testIDPlaceholder, url.PathEscape(id))
	return linkURL(raw)
}

// mentionFor returns the mention followed by a space when attention is
// true, and "" otherwise.
func (o Options) mentionFor(attention bool) string {
	if !attention || o.Mention == "" {
		return ""
	}
	return o.Mention + " "
}

// linkURL checks that raw is an absolute http or https URL that can sit
// inside a mrkdwn link, and returns it with & escaped as Slack expects.
// A URL holding white space, <, > or | would end the link early or break
// it, so it is refused rather than repaired.
func linkURL(raw string) (string, bool) {
	raw = strings.TrimSpace(raw)
	if raw == "" || len(raw) > maxLinkURL || strings.ContainsAny(raw, "<>| \t\r\n") {
		return "", false
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return "", false
	}
	return strings.ReplaceAll(raw, "&", "&amp;"), true
}

// ValidateTestURLTemplate reports whether tmpl can link tests: an absolute
// https URL (http only for loopback hosts) that holds "{id}" and no white
// space, <, > or |. An empty template is valid and means no links.
func ValidateTestURLTemplate(tmpl string) error {
	tmpl = strings.TrimSpace(tmpl)
	switch {
	case tmpl == "":
		return nil
	case !strings.Contains(tmpl, testIDPlaceholder):
		return fmt.Errorf("must contain %s, where the test ID goes, got %q",
			testIDPlaceholder, tmpl)
	}

	raw := strings.ReplaceAll(tmpl, testIDPlaceholder, "id")
	u, err := url.Parse(raw)
	if _, ok := linkURL(raw); !ok || err != nil {
		return fmt.Errorf("must be an absolute URL without spaces, "+
			"< > or |, such as https://app.example.com/tests/{id}, got %q", tmpl)
	}
	if u.Scheme != "https" && !isLoopback(u.Hostname()) {
		return fmt.Errorf("must use https "+
			"(http is accepted only for loopback hosts), got %q", tmpl)
	}
	return nil
}

// slackMention matches the mentions this package writes: a special mention,
// a user or a user group.
var slackMention = regexp.MustCompile(
	`^(<!here>|<!channel>|<@[UW][A-Z0-9]{2,20}>|<!subteam\^S[A-Z0-9]{2,20}>)$`)

// Patterns for the ways a person may name who to mention.
var (
	userID  = regexp.MustCompile(`^[UW][A-Z0-9]{2,20}$`)
	groupID = regexp.MustCompile(`^S[A-Z0-9]{2,20}$`)
)

// ParseMention turns who to notify, as a person writes it, into Slack's
// syntax: "@here" is "<!here>", "@channel" is "<!channel>", a user ID such
// as "U012AB3CD" (or "W…", with or without "@") is "<@U012AB3CD>", and a
// user-group ID such as "S012AB3CD" is "<!subteam^S012AB3CD>". Text already
// in that syntax is accepted as is. An empty s means no mention. IDs are
// what Slack shows under "Copy member ID" or in a user group's link; names
// such as "@jane" are refused, because Slack does not resolve them in
// messages.
func ParseMention(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" || slackMention.MatchString(s) {
		return s, nil
	}

	bare := strings.TrimPrefix(s, "@")
	switch {
	case bare == "here" || bare == "channel":
		return "<!" + bare + ">", nil
	case userID.MatchString(bare):
		return "<@" + bare + ">", nil
	case groupID.MatchString(bare):
		return "<!subteam^" + bare + ">", nil
	}
	return "", fmt.Errorf("must be @here, @channel, a user ID such as U012AB3CD "+
		"or a user-group ID such as S012AB3CD, got %q", truncate(clean(s), maxNameText))
}
