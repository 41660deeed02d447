package intelligems_test

import (
	"cmp"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ighealth/intelligems-health-action/intelligems"
	"github.com/ighealth/intelligems-health-action/intelligems/intelligemstest"
)

// analyticsIDs are the sample experiences that have analytics.
var analyticsIDs = []string{
	intelligemstest.SamplePriceTestID,
	intelligemstest.SampleThreeArmID,
	intelligemstest.SampleJustStartedID,
}

// waitLog collects the pauses of a client that runs on the wall clock.
type waitLog struct {
	mu    sync.Mutex
	waits []intelligems.Wait
}

func (l *waitLog) Hook(w intelligems.Wait) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.waits = append(l.waits, w)
}

func (l *waitLog) Waits() []intelligems.Wait {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]intelligems.Wait(nil), l.waits...)
}

// realSetup starts a fake server and a client for it that both keep wall
// time, with its pauses logged.
func realSetup(t *testing.T, srvOpts []intelligemstest.Option, opts ...intelligems.Option,
) (*intelligemstest.Server, *intelligems.Client, *waitLog) {
	t.Helper()

	srv := intelligemstest.NewServer(testKey, intelligemstest.SampleDataset(intelligemstest.SampleTime), srvOpts...)
	t.Cleanup(srv.Close)

	log := &waitLog{}
	opts = append([]intelligems.Option{
		intelligems.WithHTTPClient(srv.Client()),
		intelligems.WithWaitHook(log.Hook),
	}, opts...)
	c, err := intelligems.NewClient(srv.URL(), testKey, opts...)
	require.NoError(t, err, "NewClient")
	return srv, c, log
}

// fetchAll fetches the analytics of ids with at most workers calls at once,
// and returns the first error.
func fetchAll(ctx context.Context, c *intelligems.Client, ids []string, workers int) error {
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
	)
	sem := make(chan struct{}, workers)
	for _, id := range ids {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if _, err := c.Analytics(ctx, id); err != nil {
				mu.Lock()
				first = cmp.Or(first, err)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return first
}

func TestProactivePause(t *testing.T) {
	t.Parallel()

	const period = 200 * time.Millisecond
	cases := []struct {
		name    string
		srvOpts []intelligemstest.Option
	}{
		{name: "bucket, reset as epoch", srvOpts: []intelligemstest.Option{
			intelligemstest.WithRateLimit(4, 4, period)}},
		{name: "bucket, reset as duration", srvOpts: []intelligemstest.Option{
			intelligemstest.WithRateLimit(4, 4, period),
			intelligemstest.WithResetMode(intelligemstest.ResetDurationMillis)}},
		{name: "strict, reset as epoch", srvOpts: []intelligemstest.Option{
			intelligemstest.WithStrictRateLimit(period)}},
		{name: "strict, reset as duration", srvOpts: []intelligemstest.Option{
			intelligemstest.WithStrictRateLimit(period),
			intelligemstest.WithResetMode(intelligemstest.ResetDurationMillis)}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, c, log := realSetup(t, tc.srvOpts)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()

			for i := range 10 {
				_, err := c.Analytics(ctx, analyticsIDs[i%len(analyticsIDs)])
				require.NoError(t, err, "call %d", i+1)
			}

			assert.Zero(t, c.Stats().RateLimited, "no request ran into a 429")
			assert.Len(t, srv.Requests(), 10, "no request was sent twice")
			waits := log.Waits()
			assert.Len(t, waits, 2, "one pause after every 4 requests")
			for _, w := range waits {
				assert.Equal(t, "rate limit nearly used up (0 of 4 left)", w.Reason)
				assert.Equal(t, 1, w.Attempt, "the pause comes before the first attempt")
				assert.InDelta(t, period, w.Duration, float64(period), "pause %v", w.Duration)
			}
			st := c.Stats()
			assert.Equal(t, intelligems.Stats{Requests: 10, Pauses: 2, Paused: st.Paused}, st)
		})
	}
}

func TestConcurrentCallsShareTheLimit(t *testing.T) {
	t.Parallel()

	const cooldown = 200 * time.Millisecond
	cases := []struct {
		name     string
		srvOpts  []intelligemstest.Option
		opts     []intelligems.Option
		calls    int
		max429   int
		deadline time.Duration
	}{
		{
			name: "strict limit, exact retryAfter",
			srvOpts: []intelligemstest.Option{intelligemstest.WithStrictRateLimit(cooldown),
				intelligemstest.WithFractionalRetryAfter()},
			calls: 24, max429: 4, deadline: 10 * time.Second,
		},
		{
			name: "strict limit, reset as duration, whole-second retryAfter",
			srvOpts: []intelligemstest.Option{intelligemstest.WithStrictRateLimit(cooldown),
				intelligemstest.WithResetMode(intelligemstest.ResetDurationMillis)},
			calls: 12, max429: 4, deadline: 15 * time.Second,
		},
		{
			name: "documented bucket, scaled",
			srvOpts: []intelligemstest.Option{intelligemstest.WithRateLimit(10, 5, cooldown),
				intelligemstest.WithFractionalRetryAfter()},
			calls: 30, max429: 4, deadline: 10 * time.Second,
		},
		{
			name: "a reserve of one",
			srvOpts: []intelligemstest.Option{intelligemstest.WithStrictRateLimit(cooldown),
				intelligemstest.WithFractionalRetryAfter()},
			opts:  []intelligems.Option{intelligems.WithRateLimitReserve(1)},
			calls: 12, max429: 4, deadline: 10 * time.Second,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, c, log := realSetup(t, tc.srvOpts, tc.opts...)
			ctx, cancel := context.WithTimeout(context.Background(), tc.deadline)
			defer cancel()

			ids := make([]string, tc.calls)
			for i := range ids {
				ids[i] = analyticsIDs[i%len(analyticsIDs)]
			}
			require.NoError(t, fetchAll(ctx, c, ids, 4), "every call succeeds")

			st := c.Stats()
			t.Logf("%+v", st)
			assert.LessOrEqual(t, st.RateLimited, tc.max429, "429s seen")
			assert.Equal(t, tc.calls+st.RateLimited, len(srv.Requests()), "only 429s were repeated")
			assert.Equal(t, st.Requests, len(srv.Requests()), "Stats.Requests")
			for _, w := range log.Waits() {
				assert.True(t, strings.HasPrefix(w.Reason, "rate limit nearly used up") ||
					(w.Reason == "rate limited (429)" ||
						w.Reason == "holding off after a rate limit (429) on another request"),
					"reason %q", w.Reason)
			}
		})
	}
}

// A 429 seen by one request holds back the next request of another
// goroutine until the server's retryAfter has passed.
func TestRateLimitHoldIsShared(t *testing.T) {
	t.Parallel()

	now := intelligemstest.SampleTime
	ft := newFakeTime(now)
	_, c := setup(t, intelligemstest.SampleDataset(now), ft,
		[]intelligemstest.Option{intelligemstest.WithThrottleFirst(1, 12)},
		intelligems.WithMaxRateLimitAttempts(1))

	_, err := c.Analytics(context.Background(), intelligemstest.SamplePriceTestID)
	require.Error(t, err, "the first request gives up at its 429")
	require.Empty(t, ft.Waits(), "giving up takes no pause")

	_, err = c.Analytics(context.Background(), intelligemstest.SampleThreeArmID)
	require.NoError(t, err)

	want := []intelligems.Wait{{
		Reason: "holding off after a rate limit (429) on another request", Duration: 12 * time.Second, Attempt: 1,
		Path: "/analytics/resource/" + intelligemstest.SampleThreeArmID,
	}}
	assert.Equal(t, want, ft.Waits(), "the second request waits out the first one's 429")
	assert.Equal(t, 1, c.Stats().RateLimited)
}

// A clock that does not move while the client sleeps must not trap it in
// its pause.
func TestFrozenClockDoesNotStall(t *testing.T) {
	t.Parallel()

	now := intelligemstest.SampleTime
	frozen := func() time.Time { return now }
	srv := intelligemstest.NewServer(testKey, intelligemstest.SampleDataset(now),
		intelligemstest.WithRateLimit(2, 2, time.Hour))
	t.Cleanup(srv.Close)

	var pauses int
	c, err := intelligems.NewClient(srv.URL(), testKey,
		intelligems.WithHTTPClient(srv.Client()), intelligems.WithClock(frozen),
		intelligems.WithSleep(func(context.Context, time.Duration) error { return nil }),
		intelligems.WithWaitHook(func(intelligems.Wait) { pauses++ }),
		intelligems.WithMaxRateLimitAttempts(2))
	require.NoError(t, err)

	for range 3 {
		_, _ = c.Analytics(context.Background(), intelligemstest.SamplePriceTestID)
	}

	assert.LessOrEqual(t, len(srv.Requests()), 6, "requests stay bounded")
	assert.Positive(t, pauses, "the spent budget caused a pause")
}
