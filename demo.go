package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/ighealth/intelligems-health-action/intelligems/intelligemstest"
)

// demoKey is the API key the demo's fake server accepts. It is not a secret.
const demoKey = "demo-key"

// demoGenerated is how many generated tests the demo adds to the samples.
const demoGenerated = 6

// runDemo runs the real pipeline in dry run against a fake Intelligems API
// on loopback that serves the bundled sample store, then prints the job
// summary and the outputs it wrote. It needs no key and no network. Under
// the Actions runner (with: args: -demo) it writes the runner's own output
// and summary files instead, so a workflow can try the action end to end.
func runDemo(ctx context.Context, e env) error {
	now := e.now()
	srv := intelligemstest.NewServer(demoKey, demoDataset(now))
	defer srv.Close()

	dir, err := os.MkdirTemp("", "intelligems-health-demo-")
	if err != nil {
		return fmt.Errorf("create the demo's output folder: %w", err)
	}
	defer os.RemoveAll(dir)
	temp := map[string]string{}
	overlay := map[string]string{
		"INPUT_API-URL":             srv.URL(),
		"INPUT_INTELLIGEMS-API-KEY": demoKey,
		"INPUT_DRY-RUN":             "true",
	}
	for name, file := range map[string]string{"GITHUB_STEP_SUMMARY": "summary.md", "GITHUB_OUTPUT": "output.txt"} {
		if e.getenv(name) == "" {
			temp[name] = filepath.Join(dir, file)
			overlay[name] = temp[name]
		}
	}
	getenv := func(k string) string {
		if v, ok := overlay[k]; ok {
			return v
		}
		return e.getenv(k)
	}

	fmt.Fprintf(e.stdout, "Demo: checking a sample store served by a fake Intelligems API at %s\n\n", srv.URL())
	runErr := run(ctx, nil, env{getenv: getenv, stdout: e.stdout, now: e.now, pace: e.pace})
	for _, name := range []string{"GITHUB_STEP_SUMMARY", "GITHUB_OUTPUT"} {
		if temp[name] == "" {
			continue
		}
		b, err := os.ReadFile(temp[name])
		if err != nil {
			return fmt.Errorf("read the demo's %s: %w", name, err)
		}
		fmt.Fprintf(e.stdout, "\n===== %s =====\n%s", name, b)
	}
	return runErr
}

// demoDataset is the sample store plus a few generated tests, so the demo
// shows healthy, unhealthy, brand-new and multi-arm tests side by side.
func demoDataset(now time.Time) *intelligemstest.Dataset {
	d := intelligemstest.SampleDataset(now)
	d.Merge(intelligemstest.GeneratedDataset(now, demoGenerated))
	return d
}
