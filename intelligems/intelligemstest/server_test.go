package intelligemstest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ighealth/intelligems-health-action/intelligems/intelligemstest"
)

const key = "fake-key"

type response struct {
	status int
	header http.Header
	body   map[string]any
}

func call(t *testing.T, srv *intelligemstest.Server, method, target, token, body string) response {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL()+target, strings.NewReader(body))
	require.NoError(t, err)
	if token != "" {
		req.Header.Set("intelligems-access-token", token)
	}

	resp, err := srv.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)

	r := response{status: resp.StatusCode, header: resp.Header}
	require.NoError(t, json.Unmarshal(raw, &r.body), "body is JSON: %s", raw)
	return r
}

func TestServerAnswers(t *testing.T) {
	t.Parallel()

	cases := []struct {
		name       string
		method     string
		target     string
		token      string
		body       string
		wantStatus int
		wantTotal  float64 // checked on a 200 list
		wantField  string  // property named in a 400
	}{
		{name: "running experiments", target: "/experiences-list?status=started&category=experiment",
			wantStatus: 200, wantTotal: 3},
		{name: "started, any category", target: "/experiences-list?status=started", wantStatus: 200, wantTotal: 4},
		{name: "everything", target: "/experiences-list", wantStatus: 200, wantTotal: 5},
		{name: "paused", target: "/experiences-list?status=paused", wantStatus: 200, wantTotal: 1},
		{name: "bad status", target: "/experiences-list?status=running", wantStatus: 400, wantField: "status"},
		{name: "bad category", target: "/experiences-list?category=test", wantStatus: 400, wantField: "category"},
		{name: "page zero", target: "/experiences-list?page=0", wantStatus: 400, wantField: "page"},
		{name: "page not a number", target: "/experiences-list?page=two", wantStatus: 400, wantField: "page"},
		{name: "no key", target: "/experiences-list", token: "-", wantStatus: 401},
		{name: "wrong key", target: "/experiences-list", token: "nope", wantStatus: 401},
		{name: "unknown path", target: "/experiences", wantStatus: 404},
		{name: "wrong method", method: http.MethodPost, target: "/experiences-list", wantStatus: 405},
		{name: "analytics by POST", method: http.MethodPost, body: `{"view":"overview"}`,
			target: "/analytics/resource/" + intelligemstest.SamplePriceTestID, wantStatus: 200},
		{name: "analytics by GET",
			target: "/analytics/resource/" + intelligemstest.SamplePriceTestID +
				"?view=overview",
			wantStatus: 200},
		{name: "analytics, other view",
			target: "/analytics/resource/" + intelligemstest.SamplePriceTestID +
				"?view=audience",
			wantStatus: 400, wantField: "view"},
		{name: "analytics, unknown id", target: "/analytics/resource/nope", wantStatus: 404},
	}
	srv := intelligemstest.NewServer(key, intelligemstest.SampleDataset(intelligemstest.SampleTime))
	t.Cleanup(srv.Close)

	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			method, token := tc.method, tc.token
			if method == "" {
				method = http.MethodGet
			}
			switch token {
			case "":
				token = key
			case "-":
				token = ""
			}

			r := call(t, srv, method, tc.target, token, tc.body)

			assert.Equal(t, tc.wantStatus, r.status)
			if tc.wantTotal > 0 {
				assert.Equal(t, tc.wantTotal, r.body["total"])
				assert.Equal(t, float64(20), r.body["limit"], "default limit")
				assert.Len(t, r.body["experiencesList"], int(tc.wantTotal))
			}
			if tc.wantField != "" {
				assert.Equal(t, []any{}, r.body["errors"])
				assert.Contains(t, r.body["properties"], tc.wantField)
			}
			if tc.wantStatus == 200 {
				assert.NotEmpty(t, r.header.Get("x-ratelimit-limit"))
				assert.NotEmpty(t, r.header.Get("x-ratelimit-remaining"))
			}
		})
	}
}

func TestServerRateLimit(t *testing.T) {
	t.Parallel()

	now := intelligemstest.SampleTime
	cases := []struct {
		name      string
		mode      intelligemstest.ResetMode
		wantReset string
	}{
		{name: "epoch milliseconds", mode: intelligemstest.ResetEpochMillis, wantReset: "1773666030000"},
		{name: "duration milliseconds", mode: intelligemstest.ResetDurationMillis, wantReset: "30000"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := intelligemstest.NewServer(key, intelligemstest.SampleDataset(now),
				intelligemstest.WithClock(func() time.Time { return now }),
				intelligemstest.WithRateLimit(2, 1, 30*time.Second),
				intelligemstest.WithResetMode(tc.mode))
			t.Cleanup(srv.Close)

			first := call(t, srv, http.MethodGet, "/experiences-list", key, "")
			assert.Equal(t, "2", first.header.Get("x-ratelimit-limit"))
			assert.Equal(t, "1", first.header.Get("x-ratelimit-remaining"))
			assert.Equal(t, tc.wantReset, first.header.Get("x-ratelimit-reset"))

			call(t, srv, http.MethodGet, "/experiences-list", key, "")
			third := call(t, srv, http.MethodGet, "/experiences-list", key, "")
			assert.Equal(t, http.StatusTooManyRequests, third.status)
			assert.Equal(t, "Too Many Requests", third.body["error"])
			assert.Equal(t, float64(30), third.body["retryAfter"])
		})
	}
}

func TestSampleDataset(t *testing.T) {
	t.Parallel()

	startedAt := func(raw json.RawMessage) int64 {
		var e struct {
			StartedAtTs int64 `json:"startedAtTs"`
		}
		require.NoError(t, json.Unmarshal(raw, &e))
		return e.StartedAtTs
	}
	latestRun := func(raw json.RawMessage) int64 {
		var a struct {
			LatestRunTs int64 `json:"latestRunTs"`
		}
		require.NoError(t, json.Unmarshal(raw, &a))
		return a.LatestRunTs
	}

	cases := []struct {
		name          string
		data          *intelligemstest.Dataset
		wantStarted   int64
		wantLatestRun int64
	}{
		{name: "at the sample instant", data: intelligemstest.SampleDataset(intelligemstest.SampleTime),
			wantStarted: 1771601402170, wantLatestRun: 1773662880000},
		{name: "one day later", data: intelligemstest.SampleDataset(intelligemstest.SampleTime.Add(24 * time.Hour)),
			wantStarted: 1771601402170 + 86400000, wantLatestRun: 1773662880000 + 86400000},
		{name: "low data, six hours later",
			data:        intelligemstest.SampleLowData(intelligemstest.SampleTime.Add(6 * time.Hour)),
			wantStarted: 1771601402170, wantLatestRun: 1773662880000},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			require.Len(t, tc.data.Experiences, 5)
			assert.Equal(t, tc.wantStarted, startedAt(tc.data.Experiences[0]), "E1 startedAtTs")
			assert.Equal(t, tc.wantLatestRun, latestRun(tc.data.Analytics[intelligemstest.SamplePriceTestID]),
				"E1 latestRunTs")
		})
	}
}

func TestGeneratedDataset(t *testing.T) {
	t.Parallel()

	now := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
	a := intelligemstest.GeneratedDataset(now, 25)
	b := intelligemstest.GeneratedDataset(now, 25)

	assert.Equal(t, a, b, "the same arguments give the same data")
	require.Len(t, a.Experiences, 27, "25 tests, a personalization and a paused test")

	counts := map[string]int{}
	for _, raw := range a.Experiences {
		var e struct {
			Status, Category string
			Currency         struct{ Code string }
		}
		require.NoError(t, json.Unmarshal(raw, &e))
		counts[e.Status+"/"+e.Category]++
		counts[e.Currency.Code]++
	}
	assert.Equal(t, 25, counts["started/experiment"])
	assert.Equal(t, 1, counts["started/personalization"])
	assert.Equal(t, 1, counts["paused/experiment"])
	assert.Positive(t, counts["EUR"])
	assert.Positive(t, counts["USD"])
}

func TestDatasetMerge(t *testing.T) {
	t.Parallel()

	now := intelligemstest.SampleTime
	cases := []struct {
		name      string
		base      *intelligemstest.Dataset
		other     *intelligemstest.Dataset
		wantItems int
		wantStats int
	}{
		{name: "sample plus generated", base: intelligemstest.SampleDataset(now),
			other: intelligemstest.GeneratedDataset(now, 3), wantItems: 5 + 5, wantStats: 4 + 4},
		{name: "into an empty dataset", base: &intelligemstest.Dataset{},
			other: intelligemstest.GeneratedDataset(now, 2), wantItems: 4, wantStats: 3},
		{name: "nil other", base: intelligemstest.SampleDataset(now), wantItems: 5, wantStats: 4},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.base.Merge(tc.other)
			assert.Len(t, tc.base.Experiences, tc.wantItems)
			assert.Len(t, tc.base.Analytics, tc.wantStats)
		})
	}
}
