package main

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

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
		why := "no running tests"
		if len(results) > 0 {
			why = "no test needs attention"
		}
		c.action.Infof("Nothing to post to Slack: %s", why)
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

// threaded reports whether messages go out as a thread under the digest:
// with a bot token, in a real run or a dry run.
func (c *checker) threaded() bool {
	return c.cfg.SlackBotToken != ""
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

// messages renders the selected results in the chosen style; with a bot
// token, as the thread it would post.
func (c *checker) messages(selected []health.Result) []slack.Message {
	opts := c.renderOptions()
	if c.threaded() {
		parent, replies := c.thread(selected)
		return append([]slack.Message{parent}, replies...)
	}
	if c.cfg.MessageStyle == styleDigest {
		return slack.RenderDigest(selected, opts)
	}
	msgs := make([]slack.Message, 0, len(selected))
	for _, r := range worstFirst(selected) {
		msgs = append(msgs, slack.Render(r, opts))
	}
	return msgs
}

// postEach sends messages through the webhook in order, paced.
func (c *checker) postEach(ctx context.Context, msgs []slack.Message) []error {
	feed := make(chan post, len(msgs))
	for _, m := range msgs {
		feed <- post{msg: m}
	}
	close(feed)
	return c.postStream(ctx, feed)
}

// postStream sends messages through the webhook as they arrive, paced,
// until feed is closed. A refused post is reported and the rest still go.
func (c *checker) postStream(ctx context.Context, feed <-chan post) []error {
	var failures []error
	p := newPacer(c.clock, c.pace, postBurst)
	sent, n := 0, 0
	for m := range feed {
		n++
		err := p.wait(ctx)
		if err == nil {
			err = c.hook.Post(ctx, m.msg)
		}
		if err != nil {
			err = fmt.Errorf("post %s to Slack: %w", m.about(n), deadlineText(ctx, err, c.cfg.Timeout))
			c.logError(err)
			c.problems = append(c.problems, err.Error())
			failures = append(failures, err)
			continue
		}
		sent++
	}
	if n > 0 {
		c.action.Infof("Posted %d of %d Slack %s", sent, n, plural(n, "message", "messages"))
	}
	return failures
}

// about names the message for errors: its test, or its place.
func (p post) about(n int) string {
	if p.name != "" {
		return fmt.Sprintf("the message about %q", p.name)
	}
	return fmt.Sprintf("message %d", n)
}

// deadlineText replaces Go's "context deadline exceeded" with words that
// say what happened, when the run's timeout is why err happened.
func deadlineText(ctx context.Context, err error, timeout duration) error {
	if ctx.Err() == nil {
		return err
	}
	return fmt.Errorf("the run reached its %s timeout before it was sent", time.Duration(timeout))
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
	parent, replies := c.thread(selected)
	ts, err := c.bot.PostThread(ctx, c.cfg.SlackChannel, parent, replies)
	c.messageTS = ts
	if err != nil {
		err = fmt.Errorf("post to Slack channel %s: %w", c.cfg.SlackChannel,
			deadlineText(ctx, err, c.cfg.Timeout))
		c.logError(err)
		c.problems = append(c.problems, err.Error())
		return []error{err}
	}
	c.action.Infof("Posted a thread of %d Slack messages to %s", 1+len(replies), c.cfg.SlackChannel)
	return nil
}

// thread renders the digest as the parent and each test's detail as a
// reply. Only the parent carries the mention, so that the replies do not
// notify again.
func (c *checker) thread(selected []health.Result) (slack.Message, []slack.Message) {
	opts := c.renderOptions()
	digest := slack.RenderDigest(selected, opts)
	replies := append([]slack.Message(nil), digest[1:]...)
	opts.Mention = ""
	for _, r := range worstFirst(selected) {
		replies = append(replies, slack.Render(r, opts))
	}
	return digest[0], replies
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
