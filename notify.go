package main

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/ighealth/intelligems-health-action/health"
	"github.com/ighealth/intelligems-health-action/slack"
)

// notify renders a Slack message for each result that notify-on selects and
// posts it, or prints it in a dry run. A refused post is reported and the
// rest are still sent.
func (c *checker) notify(ctx context.Context, results []health.Result) []error {
	opts := slack.Options{
		Now:           c.now,
		Location:      c.cfg.Timezone.location(),
		MinConfidence: float64(c.cfg.MinConfidence),
	}
	var failures []error
	sent := 0
	for _, r := range results {
		if !c.selects(r) {
			continue
		}
		msg := slack.Render(r, opts)
		if bool(c.cfg.DryRun) || c.hook == nil {
			c.printPayload(r, msg)
			continue
		}
		if err := c.hook.Post(ctx, msg); err != nil {
			err = fmt.Errorf("post to Slack for %q: %w", r.Test.Name, err)
			c.action.Errorf("%s", oneLine(err.Error()))
			failures = append(failures, err)
			continue
		}
		sent++
	}
	if c.hook != nil {
		c.action.Infof("Posted %d Slack %s", sent, plural(sent, "message", "messages"))
	}
	return failures
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

// printPayload shows a message that a dry run does not post.
func (c *checker) printPayload(r health.Result, msg slack.Message) {
	b, err := json.MarshalIndent(msg, "", "  ")
	if err != nil {
		c.action.Errorf("%s", oneLine(fmt.Sprintf("render the message for %q: %v", r.Test.Name, err)))
		return
	}
	c.action.Group(oneLine("Slack message (dry run): " + r.Test.Name))
	c.action.Infof("%s", b)
	c.action.EndGroup()
}
