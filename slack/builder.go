package slack

import (
	"encoding/json"
	"net/url"

	goslack "github.com/slack-go/slack"
)

// builderBase opens Slack's Block Kit Builder with the payload that follows
// the "#".
const builderBase = "https://app.slack.com/block-kit-builder/#"

// BuilderURL returns a link that opens m's blocks in Slack's Block Kit
// Builder, to look at a message before it is posted (as in a dry run). The
// payload is {"blocks":[…]}, URL-escaped, after the "#"; the fallback text
// is not part of it. It only builds the link and requests nothing; a
// message with no blocks gives the Builder an empty list.
func BuilderURL(m Message) string {
	payload := struct {
		Blocks []goslack.Block `json:"blocks"`
	}{Blocks: m.Blocks.BlockSet}
	if payload.Blocks == nil {
		payload.Blocks = []goslack.Block{}
	}

	// Blocks made by this package always marshal; a failure leaves an empty
	// list rather than a broken link.
	b, err := json.Marshal(payload)
	if err != nil {
		b = []byte(`{"blocks":[]}`)
	}
	return builderBase + url.PathEscape(string(b))
}
