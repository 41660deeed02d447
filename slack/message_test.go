package slack

import (
	"errors"
	"strings"
	"testing"

	goslack "github.com/slack-go/slack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// message builds a Message with a fallback text and the given blocks.
func message(blocks ...goslack.Block) Message {
	return Message{Text: "fallback", Blocks: goslack.Blocks{BlockSet: blocks}}
}

// sectionWithFields returns a section holding n fields of the given text.
func sectionWithFields(n int, text string) *goslack.SectionBlock {
	fields := make([]*goslack.TextBlockObject, n)
	for i := range fields {
		fields[i] = mrkdwn(text)
	}
	return goslack.NewSectionBlock(nil, fields, nil)
}

// contextWith returns a context block holding n text elements.
func contextWith(n int) *goslack.ContextBlock {
	elems := make([]goslack.MixedElement, n)
	for i := range elems {
		elems[i] = mrkdwn("x")
	}
	return goslack.NewContextBlock("", elems...)
}

// dividers returns n divider blocks.
func dividers(n int) []goslack.Block {
	blocks := make([]goslack.Block, n)
	for i := range blocks {
		blocks[i] = goslack.NewDividerBlock()
	}
	return blocks
}

func TestValidate(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name      string
		msg       Message
		wantWhere string // empty when the message is valid
	}{
		{"smallest", message(), ""},
		{"at every limit", message(
			header(strings.Repeat("é", MaxHeaderText)),
			section(strings.Repeat("ü", MaxSectionText)),
			sectionWithFields(MaxFields, strings.Repeat("ß", MaxFieldText)),
			contextWith(MaxContextElements),
		), ""},
		{"fifty blocks", message(dividers(MaxBlocks)...), ""},
		{"no fallback text", Message{}, "text"},
		{"too many blocks", message(dividers(MaxBlocks + 1)...), "blocks"},
		{"long header", message(header(strings.Repeat("é", MaxHeaderText+1))), "blocks[0].text"},
		{"mrkdwn header", message(goslack.NewHeaderBlock(mrkdwn("*bold*"))), "blocks[0].text"},
		{"empty section text", message(goslack.NewSectionBlock(
			&goslack.TextBlockObject{Type: goslack.MarkdownType}, nil, nil)), "blocks[0].text"},
		{"empty section", message(goslack.NewSectionBlock(nil, nil, nil)), "blocks[0]"},
		{"long section text", message(goslack.NewSectionBlock(
			mrkdwn(strings.Repeat("a", MaxSectionText+1)), nil, nil)), "blocks[0].text"},
		{"too many fields", message(sectionWithFields(MaxFields+1, "x")), "blocks[0].fields"},
		{"long field", message(
			divider(), sectionWithFields(2, strings.Repeat("a", MaxFieldText+1))), "blocks[1].fields[0]"},
		{"too many context elements", message(contextWith(MaxContextElements + 1)), "blocks[0].elements"},
		{"empty context", message(contextWith(0)), "blocks[0].elements"},
		{"invalid UTF-8", message(section("bad \xff byte")), "blocks[0].text"},
		{"unsupported block", message(
			goslack.NewImageBlock("https://example.test/a.png", "alt", "", nil)), "blocks[0]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.msg.Validate()
			if tt.wantWhere == "" {
				assert.NoError(t, err, "message within limits")
				return
			}

			var ie *InvalidMessageError
			require.True(t, errors.As(err, &ie), "error is *InvalidMessageError, got %v", err)
			assert.Equal(t, tt.wantWhere, ie.Where, "location of the problem")
		})
	}
}

// header returns a header block with plain text.
func header(text string) goslack.Block { return goslack.NewHeaderBlock(plain(text)) }

// divider returns a divider block.
func divider() goslack.Block { return goslack.NewDividerBlock() }
