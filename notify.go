package main

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/ighealth/intelligems-health-action/health"
	"github.com/ighealth/intelligems-health-action/slack"
)

// postBurst is how many posts may go out at once before pacing starts.
const postBurst = 3

// notify renders the Slack messages for the results that notify-on selects
// and delivers them: through the bot as a thread under the digest, through
// the webhook one by one, or to the log in a dry run. A refused post is
// reported and the rest are still sent.
func (c *checker) notify(ctx context.Context, results []health.Result) []error {
	var selected []health.Result
	for _, r := range results {
		if c.selects(r) {
			selected = append(selected, r)
		}
	}
	if c.cfg.NotifyOn == notifyNever {
		return nil
	}
	if len(selected) == 0 {
		c.action.Infof("Nothing to post: no test needs attention")
		return nil
	}

	switch {
	case bool(c.cfg.DryRun):
		for _, m := range c.messages(selected) {
			c.printPayload(m)
		}
		return nil
	case c.bot != nil:
		return c.postThread(ctx, selected)
	}
	return c.postEach(ctx, c.messages(selected))
}

// renderOptions are the message settings the inputs describe.
func (c *checker) renderOptions() slack.Options {
	return slack.Options{
		Now:             c.now,
		Location:        c.cfg.Timezone.location(),
		MinConfidence:   float64(c.cfg.MinConfidence),
		StoreName:       c.cfg.StoreName,
		RunURL:          c.runURL,
		TestURLTemplate: c.cfg.TestURLTemplate,
		Mention:         c.mention,
	}
}

// messages renders the selected results in the chosen style.
func (c *checker) messages(selected []health.Result) []slack.Message {
	opts := c.renderOptions()
	if c.cfg.MessageStyle == styleDigest {
		return slack.RenderDigest(selected, opts)
	}
	msgs := make([]slack.Message, 0, len(selected))
	for _, r := range selected {
		msgs = append(msgs, slack.Render(r, opts))
	}
	return msgs
}

// postEach sends messages through the webhook in order, paced.
func (c *checker) postEach(ctx context.Context, msgs []slack.Message) []error {
	feed := make(chan slack.Message, len(msgs))
	for _, m := range msgs {
		feed <- m
	}
	close(feed)
	return c.postStream(ctx, feed)
}

// postStream sends messages through the webhook as they arrive, paced,
// until feed is closed. A refused post is reported and the rest still go.
func (c *checker) postStream(ctx context.Context, feed <-chan slack.Message) []error {
	var failures []error
	p := newPacer(c.clock, c.pace, postBurst)
	sent, n := 0, 0
	for m := range feed {
		n++
		if err := p.wait(ctx); err != nil {
			failures = append(failures, fmt.Errorf("post message %d to Slack: %w", n, err))
			continue
		}
		if err := c.hook.Post(ctx, m); err != nil {
			err = fmt.Errorf("post message %d to Slack: %w", n, err)
			c.action.Errorf("%s", oneLine(err.Error()))
			failures = append(failures, err)
			continue
		}
		sent++
	}
	c.action.Infof("Posted %d of %d Slack %s", sent, n, plural(n, "message", "messages"))
	return failures
}

// streams reports whether each test's message is posted as soon as the
// test is assessed, while the others are still being fetched: one message
// per test through a webhook. The API's and Slack's rate limits then overlap
// instead of adding up.
func (c *checker) streams() bool {
	return c.hook != nil && !bool(c.cfg.DryRun) && c.cfg.MessageStyle == stylePerTest &&
		c.cfg.NotifyOn != notifyNever
}

// postThread posts the digest as the parent message and each test's detail
// as a reply in its thread. Only the parent carries the mention, so that
// the replies do not notify again.
func (c *checker) postThread(ctx context.Context, selected []health.Result) []error {
	opts := c.renderOptions()
	digest := slack.RenderDigest(selected, opts)
	replies := append([]slack.Message(nil), digest[1:]...)
	opts.Mention = ""
	for _, r := range selected {
		replies = append(replies, slack.Render(r, opts))
	}

	ts, err := c.bot.PostThread(ctx, c.cfg.SlackChannel, digest[0], replies)
	c.messageTS = ts
	if err != nil {
		err = fmt.Errorf("post to Slack channel %s: %w", c.cfg.SlackChannel, err)
		c.action.Errorf("%s", oneLine(err.Error()))
		return []error{err}
	}
	c.action.Infof("Posted a thread of %d Slack messages to %s", 1+len(replies), c.cfg.SlackChannel)
	return nil
}

// selects reports whether notify-on asks for a message about r.
func (c *checker) selects(r health.Result) bool {
	switch c.cfg.NotifyOn {
	case notifyAlways:
		return true
	case notifyUnhealthy:
		return r.Verdict.NeedsAttention()
	case notifyNever:
		return false
	}
	return true
}

// printPayload shows a message that a dry run does not post, with a link
// that opens it in Slack's Block Kit Builder.
func (c *checker) printPayload(m slack.Message) {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		c.action.Errorf("%s", oneLine(fmt.Sprintf("render a Slack message: %v", err)))
		return
	}
	c.action.Group(oneLine("Slack message (dry run): " + m.Text))
	c.action.Infof("%s", b)
	c.action.Infof("Preview: %s", slack.BuilderURL(m))
	c.action.EndGroup()
}
