package intelligems_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ighealth/intelligems-health-action/intelligems"
	"github.com/ighealth/intelligems-health-action/intelligems/intelligemstest"
)

func TestListRunningSample(t *testing.T) {
	t.Parallel()

	// E1 started this long before the sample instant.
	e1Age := intelligemstest.SampleTime.Sub(time.UnixMilli(1771601402170))

	cases := []struct {
		name string
		now  time.Time
	}{
		{name: "at the sample instant", now: intelligemstest.SampleTime},
		{name: "a year later", now: intelligemstest.SampleTime.AddDate(1, 0, 0).Add(90 * time.Minute)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, c := setup(t, intelligemstest.SampleDataset(tc.now), newFakeTime(tc.now), nil)

			got, err := c.ListRunning(context.Background())
			require.NoError(t, err)

			require.Len(t, got, 3, "only the three running experiments")
			assert.Equal(t, intelligemstest.SamplePriceTestID, got[0].ID)
			assert.Equal(t, intelligemstest.SampleThreeArmID, got[1].ID)
			assert.Equal(t, intelligemstest.SampleJustStartedID, got[2].ID)

			e1 := got[0]
			assert.Equal(t, "Price Test - Stoneware Mug Set +12%", e1.Name)
			assert.Equal(t, "started", e1.Status)
			assert.Equal(t, "experiment", e1.Category)
			assert.Equal(t, "pricing", e1.Type)
			assert.True(t, e1.StartedAt.Equal(tc.now.Add(-e1Age)), "E1 StartedAt %v", e1.StartedAt)
			assert.True(t, e1.PausedAt.IsZero(), "null pausedAtTs gives the zero time")
			assert.Equal(t, intelligems.Currency{Code: "USD", Symbol: "$"}, e1.Currency)
			assert.Equal(t, intelligems.TestTypes{Pricing: true}, e1.TestTypes)
			require.Len(t, e1.Variations, 2)
			assert.Equal(t, 50.0, e1.Variations[1].Percentage)
			assert.Equal(t, "+12% price", e1.Variations[1].Name)

			e2 := got[1]
			require.Len(t, e2.Variations, 3)
			ctrl, ok := e2.Control()
			require.True(t, ok, "E2 has a control")
			assert.Equal(t, "Control - Static hero", ctrl.Name, "control found by isControl")
			assert.Equal(t, 1, ctrl.Order)
			assert.Equal(t, 25.0, e2.Variations[0].Percentage)

			reqs := srv.Requests()
			require.Len(t, reqs, 1, "one page, one request")
			assert.Equal(t, http.MethodGet, reqs[0].Method)
			assert.Equal(t, "/v25-10-beta/experiences-list", reqs[0].Path)
			assert.Equal(t, "started", reqs[0].Query.Get("status"))
			assert.Equal(t, "experiment", reqs[0].Query.Get("category"))
			assert.Equal(t, "1", reqs[0].Query.Get("page"))
			assert.Equal(t, "50", reqs[0].Query.Get("limit"))
			assert.Equal(t, testKey, reqs[0].Header.Get("intelligems-access-token"))
			assert.Equal(t, "application/json", reqs[0].Header.Get("Accept"))
			assert.Contains(t, reqs[0].Header.Get("User-Agent"), "intelligems-health-action")
		})
	}
}

func TestListRunningPaging(t *testing.T) {
	t.Parallel()

	now := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
	cases := []struct {
		name      string
		pageSize  int
		srvOpts   []intelligemstest.Option
		wantPages []string
		wantLimit string
	}{
		{name: "page size 20", pageSize: 20, wantPages: []string{"1", "2"}, wantLimit: "20"},
		{name: "page size 50", pageSize: 50, wantPages: []string{"1"}, wantLimit: "50"},
		{
			name:      "server serves smaller pages than asked",
			pageSize:  50,
			srvOpts:   []intelligemstest.Option{intelligemstest.WithPageLimitCap(10)},
			wantPages: []string{"1", "2", "3"},
			wantLimit: "50",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, c := setup(t, intelligemstest.GeneratedDataset(now, 25), newFakeTime(now),
				tc.srvOpts, intelligems.WithPageSize(tc.pageSize))

			got, err := c.ListRunning(context.Background())
			require.NoError(t, err)

			assert.Len(t, got, 25, "every generated running experiment")
			names := make(map[string]bool)
			for _, e := range got {
				assert.Equal(t, "started", e.Status)
				assert.Equal(t, "experiment", e.Category)
				assert.False(t, names[e.Name], "name %q is unique", e.Name)
				names[e.Name] = true
			}

			var pages []string
			for _, r := range srv.Requests() {
				pages = append(pages, r.Query.Get("page"))
				assert.Equal(t, tc.wantLimit, r.Query.Get("limit"))
			}
			assert.Equal(t, tc.wantPages, pages, "pages requested")
		})
	}
}

func TestListRunningDecoding(t *testing.T) {
	t.Parallel()

	iso := json.RawMessage(`{"id":"x1","name":"ISO times","status":"started","category":"experiment",
		"createdAtTs":"2026-07-31T16:00:43.427+00:00","startedAtTs":"2026-08-01T08:00:00Z",
		"pausedAtTs":null,"currency":null,"testTypes":null,"unknownField":{"a":[1,2]},
		"variations":[{"id":"v1","name":"Control","percentage":50,"isControl":true,"order":0},null]}`)
	noCategory := json.RawMessage(`{"id":"x2","name":"No category","status":"started"}`)
	wrongStatus := json.RawMessage(`{"id":"x3","name":"Ended","status":"ended","category":"experiment"}`)

	personalization := json.RawMessage(`{"id":"x4","status":"started","category":"personalization"}`)

	data := &intelligemstest.Dataset{Experiences: []json.RawMessage{
		iso, noCategory, wrongStatus, personalization,
	}}
	now := time.Date(2026, 8, 2, 0, 0, 0, 0, time.UTC)
	_, c := setup(t, data, newFakeTime(now),
		[]intelligemstest.Option{intelligemstest.WithoutFilters()})

	got, err := c.ListRunning(context.Background())
	require.NoError(t, err)

	require.Len(t, got, 2, "the client filters again, keeping an item with no category")
	assert.Equal(t, "x2", got[1].ID)
	e := got[0]
	assert.True(t, e.CreatedAt.Equal(time.Date(2026, 7, 31, 16, 0, 43, 427e6, time.UTC)), "CreatedAt %v", e.CreatedAt)
	assert.True(t, e.StartedAt.Equal(time.Date(2026, 8, 1, 8, 0, 0, 0, time.UTC)), "StartedAt %v", e.StartedAt)
	assert.True(t, e.PausedAt.IsZero())
	assert.Equal(t, intelligems.Currency{}, e.Currency, "null currency is the zero Currency")
	assert.Len(t, e.Variations, 1, "a null variation is skipped")
}

func TestListRunningMalformed(t *testing.T) {
	t.Parallel()

	data := &intelligemstest.Dataset{Experiences: []json.RawMessage{
		json.RawMessage(`{"id":"x1","status":"started","category":"experiment","startedAtTs":"yesterday"}`),
	}}
	now := time.Date(2026, 8, 2, 0, 0, 0, 0, time.UTC)
	_, c := setup(t, data, newFakeTime(now), nil)

	_, err := c.ListRunning(context.Background())

	var decErr *intelligems.DecodeError
	require.True(t, errors.As(err, &decErr), "want a *DecodeError, got %v", err)
	assert.Equal(t, "/experiences-list", decErr.Path)
}
