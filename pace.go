package main

import (
	"context"
	"time"
)

// pacer spaces Slack posts as a token bucket: burst posts at once, then one
// per every. Slack allows about one message a second per webhook or
// channel, with short bursts, and may drop what goes over.
type pacer struct {
	clock  func() time.Time
	every  time.Duration
	burst  float64
	tokens float64
	last   time.Time
}

// newPacer returns a full bucket. The interval is stretched by a tenth, so
// that posts which leave evenly spaced but arrive a little bunched (network
// jitter) still find a token at Slack's end.
func newPacer(clock func() time.Time, every time.Duration, burst int) *pacer {
	return &pacer{clock: clock, every: every + every/10, burst: float64(burst), tokens: float64(burst)}
}

// wait takes a token, sleeping until one is there or ctx ends.
func (p *pacer) wait(ctx context.Context) error {
	if p.every <= 0 {
		return ctx.Err()
	}
	now := p.clock()
	if !p.last.IsZero() {
		p.tokens = min(p.burst, p.tokens+float64(now.Sub(p.last))/float64(p.every))
	}
	p.last = now
	if p.tokens >= 1 {
		p.tokens--
		return nil
	}
	d := time.Duration((1 - p.tokens) * float64(p.every))
	if err := sleep(ctx, d); err != nil {
		return err
	}
	p.tokens, p.last = 0, now.Add(d)
	return nil
}

// sleep waits for d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
