package main

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/ighealth/intelligems-health-action/health"
)

// unhealthyTest is one entry of the unhealthy-tests output.
type unhealthyTest struct {
	ID      string   `json:"id"`
	Name    string   `json:"name"`
	Verdict string   `json:"verdict"`
	Issues  []string `json:"issues"`
	// DaysToDecision is the estimated days until the test can be decided
	// (0 once it has its sample), or null when it cannot be estimated.
	DaysToDecision *int `json:"daysToDecision"`
	// Underpowered reports a test that will not reach its sample in time.
	Underpowered bool `json:"underpowered"`
}

// outputs returns the step outputs by name. unhealthy-tests is compact
// JSON: it has no raw line breaks, so a test name can never end the
// runner's heredoc value early or add an output of its own.
func outputs(results []health.Result, messageTS string) (map[string]string, error) {
	list := []unhealthyTest{}
	for _, r := range results {
		if r.Verdict.NeedsAttention() && r.Verdict != health.Error {
			u := unhealthyTest{
				ID: r.Test.ID, Name: r.Test.Name, Verdict: r.Verdict.String(), Issues: r.Issues,
				Underpowered: r.Decision.Underpowered,
			}
			if r.Decision.Known {
				u.DaysToDecision = &r.Decision.DaysRemaining
			}
			list = append(list, u)
		}
	}
	b, err := json.Marshal(list)
	if err != nil {
		return nil, fmt.Errorf("encode unhealthy-tests: %w", err)
	}
	unhealthy, errs := countUnhealthy(results), countVerdict(results, health.Error)
	healthy := len(results) - unhealthy - errs
	return map[string]string{
		"unhealthy-tests":  string(b),
		"unhealthy-count":  strconv.Itoa(unhealthy),
		"healthy-count":    strconv.Itoa(healthy),
		"checked-count":    strconv.Itoa(unhealthy + healthy),
		"error-count":      strconv.Itoa(errs),
		"slack-message-ts": messageTS,
	}, nil
}

// outputNames lists the outputs in the order they are written.
var outputNames = []string{
	"unhealthy-tests", "unhealthy-count", "healthy-count", "checked-count", "error-count", "slack-message-ts",
}
