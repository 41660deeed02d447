package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ighealth/intelligems-health-action/intelligems/intelligemstest"
	"github.com/ighealth/intelligems-health-action/slack/slacktest"
)

// Scaled rate limits for the benchmark: the fake API in strict mode (4
// requests, then a cool-down) and a webhook that takes a burst of 3 posts,
// then one per slackEvery. Real limits are seconds; these keep a run short
// while keeping the shape.
const (
	apiCooldown = 250 * time.Millisecond
	slackEvery  = 100 * time.Millisecond
	slackBurst  = 3
	pageSize    = 50
)

// floor is the shortest time any client could need for n tests under the
// two buckets: the API allows 4 requests per cool-down, the webhook a burst
// then one post per slackEvery. Fetching and posting can overlap, so the
// floor is the larger of the two.
func floor(n int) time.Duration {
	requests := n + (n+pageSize-1)/pageSize
	api := time.Duration((requests+intelligemstest.StrictBurst-1)/intelligemstest.StrictBurst-1) * apiCooldown
	slack := time.Duration(max(0, n-slackBurst)) * slackEvery
	return max(api, slack)
}

// BenchmarkCheck runs the whole program for a store of n running tests
// under the scaled buckets and reports the wall time as a ratio to the
// floor, and the tests delivered to Slack. It then does the same for the
// approach of the tutorial script (one page, one request after another, no
// retries) for comparison. Run it with:
//
//	go test -run '^$' -bench BenchmarkCheck -benchtime 3x .
func BenchmarkCheck(b *testing.B) {
	for _, n := range []int{20, 60} {
		b.Run(fmt.Sprintf("action/tests=%d", n), func(b *testing.B) {
			var wall time.Duration
			delivered := 0
			for b.Loop() {
				d, w := benchAction(b, n)
				delivered, wall = d, wall+w
			}
			report(b, n, delivered, wall)
		})
		b.Run(fmt.Sprintf("tutorial/tests=%d", n), func(b *testing.B) {
			var wall time.Duration
			delivered := 0
			for b.Loop() {
				d, w := benchTutorial(b, n)
				delivered, wall = d, wall+w
			}
			report(b, n, delivered, wall)
		})
	}
}

// report prints the figures of one benchmark.
func report(b *testing.B, n, delivered int, total time.Duration) {
	wall := total / time.Duration(b.N)
	b.ReportMetric(wall.Seconds(), "wall-s")
	b.ReportMetric(floor(n).Seconds(), "floor-s")
	b.ReportMetric(wall.Seconds()/floor(n).Seconds(), "x-floor")
	b.ReportMetric(float64(delivered), "delivered")
	b.ReportMetric(float64(n), "tests")
}

// servers starts the scaled fake API and webhook for n tests.
func servers(b *testing.B, n int) (*intelligemstest.Server, *slacktest.Webhook) {
	api := intelligemstest.NewServer(testKey, intelligemstest.GeneratedDataset(time.Now(), n),
		intelligemstest.WithStrictRateLimit(apiCooldown), intelligemstest.WithFractionalRetryAfter())
	hook := slacktest.NewWebhook(slacktest.WithRateLimit(slackBurst, slackEvery))
	b.Cleanup(api.Close)
	b.Cleanup(hook.Close)
	return api, hook
}

// benchAction runs the program once and returns the tests delivered and
// the wall time.
func benchAction(b *testing.B, n int) (int, time.Duration) {
	api, hook := servers(b, n)
	vars := map[string]string{
		"INPUT_INTELLIGEMS-API-KEY": testKey,
		"INPUT_SLACK-WEBHOOK-URL":   hook.URL(),
		"INPUT_API-URL":             api.URL(),
	}
	var out bytes.Buffer
	start := time.Now()
	err := run(context.Background(), nil, env{
		getenv: func(k string) string { return vars[k] }, stdout: &out, now: time.Now, pace: slackEvery,
	})
	wall := time.Since(start)
	if err != nil {
		b.Fatalf("run: %v\n%s", err, out.String())
	}
	if testing.Verbose() {
		for _, line := range strings.Split(out.String(), "\n") {
			if strings.Contains(line, "waiting") || strings.Contains(line, "::error") {
				b.Log(line)
			}
		}
	}
	return len(hook.Delivered()), wall
}

// benchTutorial does what the tutorial script does: read the first page of
// running tests, then for each one fetch its analytics and post a message,
// one request after another, giving up on any error (a 429 included).
func benchTutorial(b *testing.B, n int) (int, time.Duration) {
	api, hook := servers(b, n)
	client := &http.Client{Timeout: 10 * time.Second}
	start := time.Now()

	var list struct {
		ExperiencesList []struct{ ID, Name string } `json:"experiencesList"`
	}
	if get(client, api.URL()+"/experiences-list?status=started", &list) != nil {
		return 0, time.Since(start)
	}
	for _, e := range list.ExperiencesList {
		var analytics map[string]any
		if get(client, api.URL()+"/analytics/resource/"+e.ID+"?view=overview", &analytics) != nil {
			continue // the test is silently dropped
		}
		body := strings.NewReader(fmt.Sprintf(`{"text":%q}`, "Health check: "+e.Name))
		resp, err := client.Post(hook.URL(), "application/json", body)
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	}
	return len(hook.Delivered()), time.Since(start)
}

// get fetches url with the API key and decodes the JSON answer; any status
// but 200 is an error.
func get(client *http.Client, url string, v any) error {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	req.Header.Set("intelligems-access-token", testKey)
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, resp.Body)
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}
