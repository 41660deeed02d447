// Command intelligems-health checks every running Intelligems A/B test of a
// store, posts the verdicts to Slack, and leaves a job summary and step
// outputs for later steps. It runs as a GitHub container action, and also
// from a shell with the same inputs as environment variables.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
	"time"
	_ "time/tzdata" // the timezone input must work in an image without zone files
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], env{
		getenv: os.Getenv, stdout: os.Stdout, now: time.Now, pace: time.Second,
	})
	stop()
	if err != nil {
		os.Exit(1)
	}
}
