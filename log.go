package main

import (
	"fmt"
	"time"

	"github.com/ighealth/intelligems-health-action/health"
	"github.com/ighealth/intelligems-health-action/intelligems"
)

// logResult writes one line for a test, its detail in a folded group, and
// an annotation when it needs attention.
//
// The lines of one test stay together: the fetch workers' pauses and the
// Slack sender's errors are logged from other goroutines while tests are
// still being logged, so every log call that can happen then takes logMu.
func (c *checker) logResult(i, n int, r health.Result) {
	c.logMu.Lock()
	defer c.logMu.Unlock()

	name := oneLine(r.Test.Name)
	line := fmt.Sprintf("[%d/%d] %s %s: %s", i, n, r.Verdict.Emoji(), name, r.Verdict)
	if s := issueText(r); s != "" {
		line += " (" + s + ")"
	}
	c.action.Infof("%s", oneLine(line))

	c.action.Group(fmt.Sprintf("Details: %s", name))
	for _, l := range detailLines(r, c.cfg.Timezone.location()) {
		c.action.Infof("%s", oneLine(l))
	}
	c.action.EndGroup()

	title := map[string]string{"title": name}
	switch {
	case r.Verdict == health.Error:
		c.action.WithFieldsMap(title).Errorf("%s", oneLine(issueText(r)))
	case r.Verdict.NeedsAttention():
		c.action.WithFieldsMap(title).Warningf("%s", oneLine(r.Verdict.String()+": "+issueText(r)))
	}
}

// detailLines describes a result in plain lines for the log.
func detailLines(r health.Result, loc *time.Location) []string {
	lines := []string{fmt.Sprintf("id %s, type %s", r.Test.ID, r.Test.Type)}
	if !r.Test.StartedAt.IsZero() {
		lines = append(lines, fmt.Sprintf("started %s, running %s",
			r.Test.StartedAt.In(loc).Format("2006-01-02 15:04 MST"), runtime(r.Runtime)))
	}
	if r.Verdict == health.Error {
		return lines // no figures were read
	}
	for _, a := range r.Test.Arms {
		role := ""
		if a.IsControl {
			role = " (control)"
		}
		lines = append(lines, fmt.Sprintf("%s%s: %s sessions, %s orders, conversion %s",
			a.Name, role, health.Count(a.Visitors), health.Count(a.Orders),
			percent(a.ConversionRate.Value)))
	}
	for _, s := range r.Issues {
		lines = append(lines, "issue: "+s)
	}
	for _, s := range r.Notes {
		lines = append(lines, "note: "+s)
	}
	return lines
}

// logAPIWait reports a pause of the Intelligems client, with its reason.
func (c *checker) logAPIWait(w intelligems.Wait) {
	c.logMu.Lock()
	defer c.logMu.Unlock()
	if w.Duration < 50*time.Millisecond {
		return // not a pause anyone would notice
	}
	c.action.Infof("%s", oneLine(fmt.Sprintf("Intelligems API: %s on %s; waiting %s (attempt %d)",
		w.Reason, w.Path, w.Duration.Round(100*time.Millisecond), w.Attempt)))
}

// logSlackWait reports a pause before a Slack post is retried.
func (c *checker) logSlackWait(reason string, d time.Duration) {
	c.logMu.Lock()
	defer c.logMu.Unlock()
	c.action.Infof("%s", oneLine(fmt.Sprintf("Slack: %s; waiting %s",
		reason, d.Round(100*time.Millisecond))))
}

// runtime formats a duration for people: hours under a day, else days.
func runtime(d time.Duration) string {
	switch {
	case d <= 0:
		return "unknown"
	case d < 24*time.Hour:
		h := int(d.Hours())
		if h < 1 {
			return "under an hour"
		}
		return fmt.Sprintf("%d %s", h, plural(h, "hour", "hours"))
	default:
		return fmt.Sprintf("%.1f days", d.Hours()/24)
	}
}

// percent formats a fraction as a percentage, or "no data" when absent.
func percent(f health.Float) string {
	if !f.Valid {
		return "no data"
	}
	return fmt.Sprintf("%.2f%%", f.Value*100)
}

// logStats sums up the run's traffic with the Intelligems API, so that a
// slow run can be told apart from a rate-limited one.
func (c *checker) logStats() {
	s := c.api.Stats()
	c.action.Infof("Intelligems API: %d %s, %d %s, %d rate-limit %s (429), "+
		"%s of pauses (added up over the parallel requests)",
		s.Requests, plural(s.Requests, "request", "requests"), s.Retries, plural(s.Retries, "retry", "retries"),
		s.RateLimited, plural(s.RateLimited, "answer", "answers"), s.Paused.Round(100*time.Millisecond))
}

// logError writes an error line from the Slack sender, under logMu.
func (c *checker) logError(err error) {
	c.logMu.Lock()
	defer c.logMu.Unlock()
	c.action.Errorf("%s", oneLine(err.Error()))
}
