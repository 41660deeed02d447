package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ighealth/intelligems-health-action/health"
	"github.com/ighealth/intelligems-health-action/intelligems"
	"github.com/ighealth/intelligems-health-action/slack"
)

// workers is how many tests' analytics are fetched at once. The client
// shares one rate limiter among them, so more workers only help while the
// API has tokens to spare.
const workers = 4

// assessAndStream assesses every test and, when messages are streamed,
// posts each one as its test finishes. Fetching uses readCtx, posting ctx.
func (c *checker) assessAndStream(
	ctx, readCtx context.Context, exps []intelligems.Experience,
) ([]health.Result, []error) {
	if !c.streams() {
		return c.assessAll(readCtx, exps, nil), nil
	}
	feed := make(chan post, len(exps))
	posted := make(chan []error, 1)
	go func() { posted <- c.postStream(ctx, feed) }()
	results := c.assessAll(readCtx, exps, feed)
	return results, <-posted
}

// post is one message waiting to be sent, with the test it is about.
type post struct {
	name string
	msg  slack.Message
}

// assessAll fetches the analytics of every test, a few at a time, and
// assesses each. Results keep the order of exps; the log gets one line per
// test as it finishes, with progress, and the detail in a group. When feed
// is not nil, each finished test's message is sent on it if notify-on
// selects the test, and feed is closed at the end.
func (c *checker) assessAll(ctx context.Context, exps []intelligems.Experience, feed chan<- post) []health.Result {
	if feed != nil {
		defer close(feed)
	}
	results := make([]health.Result, len(exps))
	jobs := make(chan int)
	done := make(chan int)
	for range min(workers, len(exps)) {
		go func() {
			for i := range jobs {
				results[i] = c.assess(ctx, exps[i])
				done <- i
			}
		}()
	}
	go func() {
		for i := range exps {
			jobs <- i
		}
		close(jobs)
	}()
	for n := 1; n <= len(exps); n++ {
		i := <-done
		c.logResult(n, len(exps), results[i])
		if feed != nil && c.selects(results[i]) && !errors.Is(results[i].Err, errTimedOut) {
			feed <- post{name: results[i].Test.Name, msg: slack.Render(results[i], c.renderOptions())}
		}
	}
	if feed != nil {
		c.feedTimedOut(results, feed)
	}
	return results
}

// feedTimedOut sends one digest about the tests the run had no time to
// read, rather than a message each, so that the time left can carry it.
func (c *checker) feedTimedOut(results []health.Result, feed chan<- post) {
	var late []health.Result
	for _, r := range results {
		if errors.Is(r.Err, errTimedOut) && c.selects(r) {
			late = append(late, r)
		}
	}
	if len(late) == 0 {
		return
	}
	for _, m := range slack.RenderDigest(late, c.renderOptions()) {
		feed <- post{name: fmt.Sprintf("%d tests not checked in time", len(late)), msg: m}
	}
}

// assess fetches one test's analytics and judges it. A fetch failure
// becomes an Error result, so the test is still reported; so does a test
// left unchecked because the run is near its deadline.
func (c *checker) assess(ctx context.Context, e intelligems.Experience) health.Result {
	if left := c.deadline.Sub(c.clock()); left < c.reserve() || ctx.Err() != nil {
		return health.Failed(toTest(e, nil), c.timedOut(), c.now)
	}
	a, err := c.api.Analytics(ctx, e.ID)
	switch {
	case err != nil && ctx.Err() != nil:
		return health.Failed(toTest(e, nil), c.timedOut(), c.now)
	case err != nil:
		return health.Failed(toTest(e, nil), err, c.now)
	}
	if missing := missingRows(e, a); missing != nil {
		return health.Failed(toTest(e, nil), missing, c.now)
	}
	return health.Assess(toTest(e, a), c.cfg.thresholds(), c.now)
}

// missingRows reports arms that the analytics have no figures for although
// the test has figures for others: a join that fails would otherwise read
// as an arm with no traffic.
func missingRows(e intelligems.Experience, a *intelligems.Analytics) error {
	if len(a.Rows) == 0 {
		return nil
	}
	var names []string
	for _, v := range e.Variations {
		if _, ok := a.Row(v.ID); !ok {
			names = append(names, fmt.Sprintf("%q", v.Name))
		}
	}
	if len(names) == 0 {
		return nil
	}
	return fmt.Errorf("the analytics have no figures for %s; the test may have changed since it was listed",
		strings.Join(names, ", "))
}

// errTimedOut marks a test that was not read because the run reached its
// timeout.
var errTimedOut = errors.New("the run reached its timeout before this test was read")

// timedOut is the error of a test left unread at the deadline, in words
// that say why.
func (c *checker) timedOut() error {
	why := ""
	if c.api.Stats().RateLimited > 0 {
		why = "; the Intelligems API was rate-limiting requests"
	}
	return fmt.Errorf("%w (timeout %s%s)", errTimedOut, time.Duration(c.cfg.Timeout), why)
}

// reserve is the time kept back at the end of the run for posting to
// Slack; no new test is read inside it. It is a fifth of the timeout, or
// the time the paced posts for every test need if that is longer, but at
// least 2 seconds and at most half the timeout.
func (c *checker) reserve() time.Duration {
	timeout := time.Duration(c.cfg.Timeout)
	posting := time.Duration(max(0, c.posts-postBurst+2)) * (c.pace + c.pace/10)
	return min(max(timeout/5, posting, 2*time.Second), timeout/2)
}

// readContext is ctx ending a reserve before ctx does, for reading from
// Intelligems.
func (c *checker) readContext(ctx context.Context) (context.Context, context.CancelFunc) {
	end, ok := ctx.Deadline()
	if !ok {
		return context.WithCancel(ctx)
	}
	return context.WithDeadline(ctx, end.Add(-c.reserve()))
}
