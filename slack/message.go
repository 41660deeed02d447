// Package slack renders test-health results as Slack Block Kit messages and
// delivers them, through an incoming webhook or with a bot token.
//
// Rendering is pure: Render turns one health.Result into a detailed message,
// and RenderDigest turns a store's results into a digest of one or a few
// messages. Every rendered message already fits Slack's Block Kit limits and
// shows user text exactly as typed. BuilderURL links a message to Slack's
// Block Kit Builder for a look before posting.
//
// Delivery is a small webhook client (Webhook) and a Web API client (Bot)
// that can post a thread. Both refuse redirects, keep Slack's error code
// with a hint on what to do, retry only what is worth retrying, and never
// let the webhook URL or the token into an error.
package slack

import (
	"fmt"
	"unicode/utf8"

	goslack "github.com/slack-go/slack"
)

// Block Kit limits, counted in characters (runes). Slack refuses a message
// that breaks any of them with invalid_blocks and says nothing about which.
// https://api.slack.com/reference/block-kit/blocks
const (
	// MaxBlocks is the most blocks one message may hold.
	MaxBlocks = 50
	// MaxHeaderText is the longest text of a header block.
	MaxHeaderText = 150
	// MaxSectionText is the longest text of a section block, and of any
	// text object.
	MaxSectionText = 3000
	// MaxFields is the most fields one section block may hold.
	MaxFields = 10
	// MaxFieldText is the longest text of one section field.
	MaxFieldText = 2000
	// MaxContextElements is the most elements one context block may hold.
	MaxContextElements = 10
	// MaxFallbackText is the longest top-level text this package sends.
	// Slack cuts text above 40,000 characters and advises far less; a
	// notification line needs no more than this.
	MaxFallbackText = 4000
)

// Message is one Slack message: a fallback text and Block Kit blocks. It
// marshals with encoding/json to {"text":"…","blocks":[…]}, the body an
// incoming webhook expects.
type Message struct {
	// Text is the top-level fallback text, shown in notifications and read
	// by screen readers. It is mrkdwn, so user text in it is escaped.
	Text string `json:"text"`
	// Blocks is the message layout. It is omitted when empty.
	Blocks goslack.Blocks `json:"blocks,omitzero"`
}

// InvalidMessageError reports the first Block Kit rule a Message breaks.
type InvalidMessageError struct {
	// Where locates the offending part, such as "text", "blocks" or
	// "blocks[3].fields[2]".
	Where string
	// Problem says what is wrong, such as "has 3001 characters, limit 3000".
	Problem string
}

// Error returns the location and the problem.
func (e *InvalidMessageError) Error() string {
	return "invalid slack message: " + e.Where + " " + e.Problem
}

// Validate reports whether m keeps Slack's Block Kit limits: fallback text
// set, at most MaxBlocks blocks, header text plain_text of at most
// MaxHeaderText characters, section text of 1 to MaxSectionText characters,
// at most MaxFields fields of at most MaxFieldText characters each, and at
// most MaxContextElements context elements. Every text must be valid UTF-8.
// Only the block types Render produces (header, section, context, divider)
// are accepted. The error is an *InvalidMessageError.
func (m Message) Validate() error {
	if err := checkText("text", m.Text, MaxFallbackText); err != nil {
		return err
	}

	blocks := m.Blocks.BlockSet
	if len(blocks) > MaxBlocks {
		return invalid("blocks", "has %d blocks, limit %d", len(blocks), MaxBlocks)
	}
	for i, b := range blocks {
		if err := checkBlock(fmt.Sprintf("blocks[%d]", i), b); err != nil {
			return err
		}
	}
	return nil
}

// checkBlock validates one block by its type.
func checkBlock(where string, b goslack.Block) error {
	switch b := b.(type) {
	case *goslack.HeaderBlock:
		return checkObject(where+".text", b.Text, goslack.PlainTextType, MaxHeaderText)
	case *goslack.SectionBlock:
		return checkSection(where, b)
	case *goslack.ContextBlock:
		return checkContext(where, b)
	case *goslack.DividerBlock:
		return nil
	default:
		return invalid(where, "has unsupported type %T", b)
	}
}

// checkSection validates a section's text and fields. A section needs at
// least one of them.
func checkSection(where string, s *goslack.SectionBlock) error {
	if s.Text == nil && len(s.Fields) == 0 {
		return invalid(where, "has neither text nor fields")
	}
	if s.Text != nil {
		if err := checkObject(where+".text", s.Text, "", MaxSectionText); err != nil {
			return err
		}
	}

	if len(s.Fields) > MaxFields {
		return invalid(where+".fields", "has %d fields, limit %d", len(s.Fields), MaxFields)
	}
	for i, f := range s.Fields {
		if err := checkObject(fmt.Sprintf("%s.fields[%d]", where, i), f, "", MaxFieldText); err != nil {
			return err
		}
	}
	return nil
}

// checkContext validates a context block's elements.
func checkContext(where string, c *goslack.ContextBlock) error {
	elems := c.ContextElements.Elements
	if len(elems) == 0 || len(elems) > MaxContextElements {
		return invalid(where+".elements", "has %d elements, want 1 to %d", len(elems), MaxContextElements)
	}
	for i, e := range elems {
		at := fmt.Sprintf("%s.elements[%d]", where, i)
		t, ok := e.(*goslack.TextBlockObject)
		if !ok {
			return invalid(at, "has unsupported type %T", e)
		}
		if err := checkObject(at, t, "", MaxSectionText); err != nil {
			return err
		}
	}
	return nil
}

// checkObject validates a text object: present, of the wanted type (any text
// type when want is empty), and within limit.
func checkObject(where string, t *goslack.TextBlockObject, want string, limit int) error {
	if t == nil {
		return invalid(where, "is missing")
	}
	if t.Type != goslack.PlainTextType && t.Type != goslack.MarkdownType {
		return invalid(where, "has type %q, want plain_text or mrkdwn", t.Type)
	}
	if want != "" && t.Type != want {
		return invalid(where, "has type %q, want %s", t.Type, want)
	}
	return checkText(where, t.Text, limit)
}

// checkText validates a string: valid UTF-8 and 1 to limit runes.
func checkText(where, s string, limit int) error {
	if !utf8.ValidString(s) {
		return invalid(where, "is not valid UTF-8")
	}
	n := utf8.RuneCountInString(s)
	if n == 0 {
		return invalid(where, "is empty")
	}
	if n > limit {
		return invalid(where, "has %d characters, limit %d", n, limit)
	}
	return nil
}

// invalid builds an *InvalidMessageError.
func invalid(where, format string, args ...any) error {
	return &InvalidMessageError{Where: where, Problem: fmt.Sprintf(format, args...)}
}
