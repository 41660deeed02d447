package intelligems_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ighealth/intelligems-health-action/intelligems"
	"github.com/ighealth/intelligems-health-action/intelligems/intelligemstest"
)

const testKey = "ig-test-key-7d3f9a"

// fakeTime is a clock that moves only when the client sleeps, shared by the
// client and the fake server so that rate-limit waits take no real time.
type fakeTime struct {
	mu    sync.Mutex
	now   time.Time
	waits []intelligems.Wait
	slept []time.Duration
}

func newFakeTime(now time.Time) *fakeTime { return &fakeTime{now: now} }

func (f *fakeTime) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *fakeTime) Sleep(ctx context.Context, d time.Duration) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.slept = append(f.slept, d)
	f.now = f.now.Add(d)
	return ctx.Err()
}

func (f *fakeTime) Hook(w intelligems.Wait) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.waits = append(f.waits, w)
}

func (f *fakeTime) Waits() []intelligems.Wait {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]intelligems.Wait(nil), f.waits...)
}

// setup starts a fake server on data and a client for it whose clock and
// sleep are ft.
func setup(t *testing.T, data *intelligemstest.Dataset, ft *fakeTime,
	srvOpts []intelligemstest.Option, opts ...intelligems.Option,
) (*intelligemstest.Server, *intelligems.Client) {
	t.Helper()

	srvOpts = append([]intelligemstest.Option{intelligemstest.WithClock(ft.Now)}, srvOpts...)
	srv := intelligemstest.NewServer(testKey, data, srvOpts...)
	t.Cleanup(srv.Close)

	opts = append([]intelligems.Option{
		intelligems.WithHTTPClient(srv.Client()),
		intelligems.WithClock(ft.Now),
		intelligems.WithSleep(ft.Sleep),
		intelligems.WithWaitHook(ft.Hook),
	}, opts...)
	c, err := intelligems.NewClient(srv.URL(), testKey, opts...)
	require.NoError(t, err, "NewClient")
	return srv, c
}
