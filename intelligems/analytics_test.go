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

// Variation IDs of the sample tests.
const (
	e1Control = "8c584773-4b40-41f9-957f-f8fbc0a16896"
	e1Variant = "1e5d5026-d065-4561-90db-167a8a1afba8"
	e2ArmA    = "9ad99493-c1ab-4f68-8fed-aacdcb21d463"
	e2Control = "4fa37019-469b-4c07-901d-b7d8fec87100"
	e2ArmB    = "90da2a11-6af1-442a-84e0-1820eb2765a0"
	e3Variant = "0c091a32-e702-4062-ae28-5cef95ddab7f"
	e3Control = "11f8a246-ba28-4494-91ae-a3884937f480"
)

func valid(v float64) intelligems.Number { return intelligems.Number{Value: v, Valid: true} }

func TestAnalyticsSample(t *testing.T) {
	t.Parallel()

	now := intelligemstest.SampleTime
	cases := []struct {
		name  string
		data  *intelligemstest.Dataset
		id    string
		check func(t *testing.T, a *intelligems.Analytics)
	}{
		{
			name: "three arms, rows in another order than variations",
			data: intelligemstest.SampleDataset(now),
			id:   intelligemstest.SampleThreeArmID,
			check: func(t *testing.T, a *intelligems.Analytics) {
				require.Len(t, a.Rows, 3)
				assert.Equal(t, e2ArmB, a.Rows[0].VariationID, "rows keep API order")

				want := map[string][2]int{e2ArmA: {8047, 198}, e2Control: {16020, 545}, e2ArmB: {7961, 289}}
				for id, counts := range want {
					row, ok := a.Row(id)
					require.True(t, ok, "row for %s", id)
					assert.Equal(t, counts[0], row.Visitors, "visitors of %s", id)
					assert.Equal(t, counts[1], row.Orders, "orders of %s", id)
				}

				armA, _ := a.Row(e2ArmA)
				cr := armA.Metrics["conversion_rate"]
				assert.Equal(t, valid(0), cr.P2BC, "a real zero p2bc is valid")
				assert.Equal(t, valid(0), cr.P2BB)
				assert.InDelta(t, -0.2767, cr.Uplift.Value, 1e-4)
				assert.InDelta(t, -0.1509, cr.UpliftHigh.Value, 1e-4)

				ctrl, ok := a.Control()
				require.True(t, ok)
				assert.Equal(t, e2Control, ctrl.ID)
				assert.True(t, a.LatestRun.Equal(time.UnixMilli(1773662880000)), "LatestRun %v", a.LatestRun)
				assert.Equal(t, valid(8635), a.EstMonthlyRevenueIncrease)
			},
		},
		{
			name: "control row has no p2bc or uplift; null metrics are absent",
			data: intelligemstest.SampleDataset(now),
			id:   intelligemstest.SamplePriceTestID,
			check: func(t *testing.T, a *intelligems.Analytics) {
				ctrl, ok := a.Row(e1Control)
				require.True(t, ok)
				cr := ctrl.Metrics["conversion_rate"]
				assert.False(t, cr.P2BC.Valid, "control has no p2bc")
				assert.False(t, cr.Uplift.Valid, "control has no uplift")
				assert.True(t, cr.P2BB.Valid)
				assert.Equal(t, 10912, ctrl.Visitors)

				variant, _ := a.Row(e1Variant)
				assert.Equal(t, valid(0.2746), variant.Metrics["conversion_rate"].P2BC)
				assert.NotContains(t, variant.Metrics, "gross_profit_per_visitor", "a null metric is absent")
				assert.Equal(t, valid(15097.65), variant.Metrics["net_revenue"].Value)
			},
		},
		{
			name: "just started: no rows, no error",
			data: intelligemstest.SampleDataset(now),
			id:   intelligemstest.SampleJustStartedID,
			check: func(t *testing.T, a *intelligems.Analytics) {
				assert.Empty(t, a.Rows)
				assert.Len(t, a.Variations, 2)
				assert.False(t, a.EstMonthlyRevenueIncrease.Valid)
			},
		},
		{
			name: "low data: probabilities and intervals null",
			data: intelligemstest.SampleLowData(now.Add(6 * time.Hour)),
			id:   intelligemstest.SampleJustStartedID,
			check: func(t *testing.T, a *intelligems.Analytics) {
				variant, ok := a.Row(e3Variant)
				require.True(t, ok)
				assert.Equal(t, 197, variant.Visitors)
				assert.Equal(t, 2, variant.Orders)
				cr := variant.Metrics["conversion_rate"]
				assert.False(t, cr.P2BC.Valid, "null p2bc")
				assert.False(t, cr.P2BB.Valid, "null p2bb")
				assert.False(t, cr.CILow.Valid, "null ci_low")
				assert.False(t, cr.UpliftLow.Valid, "null uplift interval")
				assert.True(t, cr.Uplift.Valid, "uplift value present")

				ctrl, _ := a.Row(e3Control)
				assert.Equal(t, 214, ctrl.Visitors)
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, c := setup(t, tc.data, newFakeTime(now), nil)

			a, err := c.Analytics(context.Background(), tc.id)
			require.NoError(t, err)
			assert.Equal(t, tc.id, a.ExperienceID)
			tc.check(t, a)
		})
	}
}

func TestAnalyticsMethod(t *testing.T) {
	t.Parallel()

	now := intelligemstest.SampleTime
	cases := []struct {
		name        string
		srvOpts     []intelligemstest.Option
		wantMethods []string
	}{
		{name: "POST with a JSON body", wantMethods: []string{http.MethodPost}},
		{
			name:        "falls back to GET when POST is refused",
			srvOpts:     []intelligemstest.Option{intelligemstest.WithoutPOST()},
			wantMethods: []string{http.MethodPost, http.MethodGet},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, c := setup(t, intelligemstest.SampleDataset(now), newFakeTime(now), tc.srvOpts)

			a, err := c.Analytics(context.Background(), intelligemstest.SamplePriceTestID)
			require.NoError(t, err)
			assert.Len(t, a.Rows, 2)

			reqs := srv.Requests()
			require.Len(t, reqs, len(tc.wantMethods))
			for i, r := range reqs {
				assert.Equal(t, tc.wantMethods[i], r.Method, "request %d", i)
				assert.Equal(t, "/v25-10-beta/analytics/resource/"+intelligemstest.SamplePriceTestID, r.Path)
				assert.Equal(t, testKey, r.Header.Get("intelligems-access-token"))
			}
			assert.JSONEq(t, `{"view":"overview"}`, string(reqs[0].Body), "POST body")
			assert.Equal(t, "application/json", reqs[0].Header.Get("Content-Type"))
			if last := reqs[len(reqs)-1]; last.Method == http.MethodGet {
				assert.Equal(t, "overview", last.Query.Get("view"))
				assert.Empty(t, last.Body)
			}
		})
	}
}

func TestAnalyticsDecoding(t *testing.T) {
	t.Parallel()

	cases := []struct {
		name    string
		raw     string
		wantErr bool
		check   func(t *testing.T, a *intelligems.Analytics)
	}{
		{
			name: "float and bare counts, ISO latestRunTs, odd keys",
			raw: `{"latestRunTs":"2026-07-31T16:00:43.427+00:00","impact":null,"variations":null,
				"metrics":[{"variation_id":"v1","n_visitors":{"value":214.0},"n_orders":3,
				"audience":"Mobile","conversion_rate":{"value":0.014,"uplift":null,"p2bb":null},
				"weird":{"value":"text"}},null]}`,
			check: func(t *testing.T, a *intelligems.Analytics) {
				assert.Equal(t, "x1", a.ExperienceID, "falls back to the requested ID")
				assert.True(t, a.LatestRun.Equal(time.Date(2026, 7, 31, 16, 0, 43, 427e6, time.UTC)))
				require.Len(t, a.Rows, 1, "a null row is skipped")
				row := a.Rows[0]
				assert.Equal(t, 214, row.Visitors)
				assert.Equal(t, 3, row.Orders)
				assert.Equal(t, valid(0.014), row.Metrics["conversion_rate"].Value)
				assert.NotContains(t, row.Metrics, "audience")
				assert.NotContains(t, row.Metrics, "weird", "an object of unknown shape is skipped")
			},
		},
		{
			name: "missing and null counts read as zero",
			raw:  `{"metrics":[{"variation_id":"v1","n_visitors":null,"n_orders":{"value":null}}]}`,
			check: func(t *testing.T, a *intelligems.Analytics) {
				require.Len(t, a.Rows, 1)
				assert.Zero(t, a.Rows[0].Visitors)
				assert.Zero(t, a.Rows[0].Orders)
			},
		},
		{name: "truncated JSON", raw: `{"metrics":[`, wantErr: true},
		{name: "count of the wrong type", raw: `{"metrics":[{"n_visitors":"many"}]}`, wantErr: true},
		{name: "null body", raw: `null`, wantErr: true},
	}
	now := intelligemstest.SampleTime
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			data := &intelligemstest.Dataset{Analytics: map[string]json.RawMessage{"x1": json.RawMessage(tc.raw)}}
			_, c := setup(t, data, newFakeTime(now), nil)

			a, err := c.Analytics(context.Background(), "x1")
			if tc.wantErr {
				var decErr *intelligems.DecodeError
				require.True(t, errors.As(err, &decErr), "want a *DecodeError, got %v", err)
				assert.Equal(t, "/analytics/resource/x1", decErr.Path)
				return
			}
			require.NoError(t, err)
			tc.check(t, a)
		})
	}
}

func TestAnalyticsGenerated(t *testing.T) {
	t.Parallel()

	now := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
	_, c := setup(t, intelligemstest.GeneratedDataset(now, 10), newFakeTime(now), nil)

	tests, err := c.ListRunning(context.Background())
	require.NoError(t, err)
	require.Len(t, tests, 10)

	var lowData, drops int
	for _, e := range tests {
		a, err := c.Analytics(context.Background(), e.ID)
		require.NoError(t, err, "analytics of %s", e.Name)

		_, ok := e.Control()
		assert.True(t, ok, "%s has a control", e.Name)
		for _, v := range e.Variations {
			row, ok := a.Row(v.ID)
			require.True(t, ok, "%s has a row for %s", e.Name, v.Name)
			cr := row.Metrics["conversion_rate"]
			if !v.IsControl && !cr.P2BC.Valid {
				lowData++
			}
			if cr.Uplift.Valid && cr.Uplift.Value < -0.2 {
				drops++
			}
		}
	}
	assert.Positive(t, lowData, "some arms have null probabilities")
	assert.Positive(t, drops, "some arms convert more than 20% worse")
}
