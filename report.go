package main

import (
	"fmt"

	"github.com/ighealth/intelligems-health-action/health"
)

// report writes the job summary and the step outputs. Outside the Actions
// runner, where the files are not named, it prints both to the log instead.
func (c *checker) report(results []health.Result) []error {
	var failures []error
	md := summary(results, c.now, c.cfg.Timezone.location(), c.problems)
	if c.action.Getenv("GITHUB_STEP_SUMMARY") == "" {
		c.action.Group("Job summary (GITHUB_STEP_SUMMARY is not set)")
		c.action.Infof("%s", md)
		c.action.EndGroup()
	} else if err := fileCommand(func() { c.action.AddStepSummary(md) }); err != nil {
		failures = append(failures, fmt.Errorf("write the job summary: %w", err))
	}

	outs, err := outputs(results, c.messageTS)
	if err != nil {
		return append(failures, err)
	}
	toFile := c.action.Getenv("GITHUB_OUTPUT") != ""
	for _, name := range outputNames {
		if !toFile {
			c.action.Infof("%s", oneLine(fmt.Sprintf("output %s=%s", name, outs[name])))
			continue
		}
		if err := fileCommand(func() { c.action.SetOutput(name, outs[name]) }); err != nil {
			failures = append(failures, fmt.Errorf("write output %s: %w", name, err))
		}
	}
	for _, err := range failures {
		c.action.Errorf("%s", oneLine(err.Error()))
	}
	return failures
}

// fileCommand runs a go-githubactions file command, which panics when its
// file cannot be written, and turns that panic into an error.
func fileCommand(f func()) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%v", p)
		}
	}()
	f()
	return nil
}
