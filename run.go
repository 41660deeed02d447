package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/sethvargo/go-githubactions"

	"github.com/ighealth/intelligems-health-action/health"
	"github.com/ighealth/intelligems-health-action/intelligems"
	"github.com/ighealth/intelligems-health-action/slack"
)

// env is what the program takes from the world. main passes the real
// process environment; tests pass fakes.
type env struct {
	getenv func(string) string
	stdout io.Writer
	now    func() time.Time
	pace   time.Duration // the gap between Slack posts after the first few

	// Tests shorten the per-request limits and point the bot at a local
	// Slack API; zero values mean the defaults.
	apiTimeout, slackTimeout time.Duration
	slackAPI                 string
}

// withDefaults fills in the per-request limits.
func (e env) withDefaults() env {
	if e.apiTimeout == 0 {
		e.apiTimeout = apiTimeout
	}
	if e.slackTimeout == 0 {
		e.slackTimeout = slackTimeout
	}
	return e
}

// Per-request limits. A hung server costs one attempt, not the run.
const (
	apiTimeout   = 30 * time.Second
	slackTimeout = 10 * time.Second
)

// errConfig marks a run stopped by bad inputs before any request.
var errConfig = errors.New("invalid inputs")

// run is the whole program: it reads the inputs, checks every running test,
// notifies, and writes the summary and outputs. It returns an error when the
// step should fail; the reasons have been reported by then.
func run(ctx context.Context, args []string, e env) error {
	fs := flag.NewFlagSet("intelligems-health", flag.ContinueOnError)
	fs.SetOutput(e.stdout)
	demo := fs.Bool("demo", false, "run against a built-in fake Intelligems API with sample data, in dry run")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *demo {
		return runDemo(ctx, e)
	}

	action := githubactions.New(githubactions.WithGetenv(e.getenv), githubactions.WithWriter(e.stdout))
	cfg, err := loadConfig(ctx, e.getenv)
	maskSecrets(action, cfg)
	if err != nil {
		reportInvalidInputs(action, cfg, e, err)
		return errConfig
	}

	c, err := newChecker(action, cfg, e)
	if err != nil {
		action.Errorf("%s", oneLine(err.Error()))
		return err
	}
	return c.check(ctx)
}

// reportInvalidInputs annotates each bad input and still writes the summary
// and the outputs, so that the run's page says what to fix and later steps
// find every output they read. The messages never quote a secret.
func reportInvalidInputs(action *githubactions.Action, cfg config, e env, err error) {
	msgs := strings.Split(err.Error(), "\n")
	for _, msg := range msgs {
		action.WithFieldsMap(map[string]string{"title": "Invalid input"}).Errorf("%s", oneLine(msg))
	}
	c := &checker{action: action, cfg: cfg, now: e.now()}
	c.problems = append([]string{"The check did not run because of invalid inputs:"}, msgs...)
	c.report(nil)
}

// maskSecrets tells the runner to hide both secrets from the log from now
// on, before anything could print them.
func maskSecrets(action *githubactions.Action, cfg config) {
	for _, s := range []string{cfg.APIKey, cfg.WebhookURL, cfg.SlackBotToken} {
		if s != "" {
			action.AddMask(s)
		}
	}
}

// checker runs one check of a store.
type checker struct {
	action *githubactions.Action
	cfg    config
	api    *intelligems.Client
	hook   *slack.Webhook   // set when posting through a webhook
	bot    *slack.Bot       // set when posting with a bot token
	pace   time.Duration    // the gap between Slack posts after the first few
	now    time.Time        // the time of the check, shown to people
	clock  func() time.Time // the running clock, for the deadline

	deadline  time.Time // when the run must end, from the timeout input
	posts     int       // how many messages the reserve must leave time for
	mention   string    // the mention input in Slack's syntax
	runURL    string    // the workflow run, when running in Actions
	problems  []string  // what went wrong outside the tests: listing, delivery
	logMu     sync.Mutex
	messageTS string // the parent message a bot posted, if any
}

// newChecker builds the API client and the Slack sender from the inputs.
func newChecker(action *githubactions.Action, cfg config, e env) (*checker, error) {
	e = e.withDefaults()
	c := &checker{action: action, cfg: cfg, now: e.now(), clock: e.now, pace: e.pace}
	c.mention, _ = slack.ParseMention(cfg.Mention) // checked with the inputs
	c.runURL = runURL(e.getenv)
	c.deadline = c.now.Add(time.Duration(cfg.Timeout))
	api, err := intelligems.NewClient(cfg.APIURL, cfg.APIKey,
		intelligems.WithHTTPClient(&http.Client{Timeout: e.apiTimeout}),
		intelligems.WithClock(e.now),
		intelligems.WithWaitHook(c.logAPIWait))
	if err != nil {
		return nil, fmt.Errorf("set up the Intelligems client: %w", err)
	}
	c.api = api
	if bool(cfg.DryRun) || cfg.NotifyOn == notifyNever {
		return c, nil
	}
	if cfg.SlackBotToken != "" {
		c.bot = slack.NewBot(cfg.SlackBotToken, cfg.SlackChannel,
			slack.WithBotHTTPClient(&http.Client{Timeout: e.slackTimeout}),
			slack.WithBotWaitHook(c.logSlackWait), slack.WithAPIURL(e.slackAPI))
		return c, nil
	}
	c.hook = slack.NewWebhook(cfg.WebhookURL, &http.Client{Timeout: e.slackTimeout},
		slack.WithWaitHook(c.logSlackWait))
	return c, nil
}

// runURL links the workflow run from the runner's variables, or is empty
// outside Actions.
func runURL(getenv func(string) string) string {
	server, repo, id := getenv("GITHUB_SERVER_URL"), getenv("GITHUB_REPOSITORY"), getenv("GITHUB_RUN_ID")
	if server == "" || repo == "" || id == "" {
		return ""
	}
	return server + "/" + repo + "/actions/runs/" + id
}

// check lists the running tests, assesses each, notifies, and reports.
// Every failure is collected, so one bad test or post hides no other.
//
// The timeout bounds the whole run. Reading from Intelligems stops a
// reserve before it, so that the messages about what was found, and about
// what could not be checked in time, still reach Slack.
func (c *checker) check(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, time.Duration(c.cfg.Timeout))
	defer cancel()
	listCtx, cancelList := c.readContext(ctx)
	defer cancelList()

	var failures []error
	exps, err := c.api.ListRunning(listCtx)
	if err != nil {
		failures = append(failures, c.listFailed(ctx, err))
	} else {
		c.action.Infof("Found %d running %s", len(exps), plural(len(exps), "test", "tests"))
	}

	// Keep back enough time to post a message per test.
	c.posts = len(exps)
	readCtx, cancelRead := c.readContext(ctx)
	defer cancelRead()
	results, posted := c.assessAndStream(ctx, readCtx, exps)
	if !c.streams() {
		posted = c.notify(ctx, results)
	}
	failures = append(failures, posted...)
	for _, r := range results {
		if r.Verdict == health.Error {
			failures = append(failures, fmt.Errorf("check %q: %w", r.Test.Name, r.Err))
		}
	}
	c.logStats()
	failures = append(failures, c.report(results)...)

	if n := countUnhealthy(results); n > 0 && bool(c.cfg.FailOnUnhealthy) {
		err := fmt.Errorf("%d %s need attention (unhealthy or losing) and fail-on-unhealthy is true",
			n, plural(n, "test", "tests"))
		c.action.Errorf("%s", err)
		failures = append(failures, err)
	}
	if len(failures) > 0 {
		c.action.Errorf("%s", oneLine(fmt.Sprintf("The check failed: %d %s; see above",
			len(failures), plural(len(failures), "problem", "problems"))))
	}
	return errors.Join(failures...)
}

// listFailed reports that the running tests could not be listed, in the
// log, the summary and, when messages are sent, in Slack, with a hint at
// the likely cause.
func (c *checker) listFailed(ctx context.Context, err error) error {
	msg := "The running tests could not be listed: " + err.Error() + listHint(err)
	c.action.Errorf("%s", oneLine(msg))
	c.problems = append(c.problems, msg)
	err = errors.New(msg)
	if c.hook != nil || c.bot != nil {
		r := health.Failed(health.Test{Name: "Running tests"}, errors.New(msg), c.now)
		c.problems = append(c.problems, errText(c.notify(ctx, []health.Result{r}))...)
	}
	return err
}

// listHint suggests what to check after a listing failure.
func listHint(err error) string {
	switch {
	case intelligems.IsUnauthorized(err):
		return " (check that intelligems-api-key holds a valid External API key for this store)"
	case intelligems.IsNotFound(err):
		return " (check api-url: it must include the API version, such as https://api.intelligems.io/v25-10-beta)"
	case errors.Is(err, context.DeadlineExceeded):
		return " (the run reached its timeout)"
	}
	return ""
}

// errText returns the text of each error.
func errText(errs []error) []string {
	out := make([]string, 0, len(errs))
	for _, err := range errs {
		out = append(out, err.Error())
	}
	return out
}

// countUnhealthy counts the results that need attention for what was
// found in them (unhealthy or losing), as opposed to errors.
func countUnhealthy(results []health.Result) int {
	return countVerdict(results, health.Unhealthy) + countVerdict(results, health.Loser)
}

// countVerdict counts the results with verdict v.
func countVerdict(results []health.Result, v health.Verdict) int {
	n := 0
	for _, r := range results {
		if r.Verdict == v {
			n++
		}
	}
	return n
}

// plural picks the word for n.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// oneLine flattens text from outside (test names, server messages) to one
// line, so it cannot start a line of its own and be read by the runner as a
// workflow command.
func oneLine(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return r == '\n' || r == '\r' || r == '\u2028' || r == '\u2029'
	}), " ")
}
