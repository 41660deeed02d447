package intelligems

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// FuzzDecodeAnalytics checks that decodeAnalytics never panics and that
// what it returns holds together:
//
//   - it accepts only valid JSON, and gives the same result twice;
//   - on success the analytics, its rows, its metrics maps and its
//     variations are non-nil, and the experience ID is never empty;
//   - every count is in [0, maxCount];
//   - every Number is either Valid with a finite value or invalid with a
//     zero value;
//   - every variation has an ID.
func FuzzDecodeAnalytics(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("intelligemstest", "data", "*.json"))
	if err != nil || len(files) == 0 {
		f.Fatalf("find the sample data: %v (%d files)", err, len(files))
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatalf("read seed: %v", err)
		}
		f.Add(b)
	}
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}

	f.Fuzz(func(t *testing.T, body []byte) {
		a, err := decodeAnalytics(body, "x1")
		if err != nil {
			return
		}
		if !json.Valid(body) {
			t.Fatalf("accepted a body that is not valid JSON: %q", body)
		}
		again, _ := decodeAnalytics(body, "x1")
		if !reflect.DeepEqual(a, again) {
			t.Fatalf("two decodings of %q differ", body)
		}
		checkAnalytics(t, a)
	})
}

// fuzzSeeds are hand-made edge cases.
var fuzzSeeds = []string{
	`{}`,
	`null`,
	`[]`,
	`""`,
	`{"experienceId":null,"latestRunTs":null,"impact":null,"metrics":null,"variations":null}`,
	`{"metrics":[null,{},{"variation_id":null,"n_visitors":null,"n_orders":{"value":null},
		"conversion_rate":null,"aov":{"value":null,"uplift":null,"p2bb":null,"p2bc":null}}]}`,
	`{"metrics":[{"variation_id":"v","n_visitors":"100","conversion_rate":{"value":"0.1","p2bc":"0.9"}}]}`,
	`{"latestRunTs":"1773662880000","impact":{"est_monthly_revenue_increase":"8635"}}`,
	`{"metrics":[{"variation_id":"v","n_visitors":-12,"n_orders":1e308,"conversion_rate":{"value":-0}}]}`,
	`{"metrics":[{"variation_id":"v","n_visitors":{"value":{"value":3}},"x":{"uplift":{"value":[1]}}}]}`,
	`{"variations":[{"id":"a","percentage":"50","isControl":"yes","order":-3},{"id":""},null]}`,
	`{"metrics":{"variation_id":"v"}}`,
	`{"latestRunTs":1e300,"metrics":[]}`,
	`{"a":{"b":{"c":{"d":{"e":{"f":[[[[[[[[{"g":null}]]]]]]]]}}}}}}`,
	`{"metrics":[{"variation_id":"v","n_visitors":5,"n_visitors":"dup"}]}`,
	`{"metrics":[{"variation_id":"\ud800","conversion_rate":{"value":1,"value":null}}]}`,
}

func checkAnalytics(t *testing.T, a *Analytics) {
	t.Helper()
	if a == nil || a.Rows == nil || a.Variations == nil {
		t.Fatalf("nil analytics, rows or variations: %+v", a)
	}
	if a.ExperienceID == "" {
		t.Errorf("empty experience ID")
	}
	checkNumber(t, "est_monthly_revenue_increase", a.EstMonthlyRevenueIncrease)
	for _, r := range a.Rows {
		if r.Visitors < 0 || r.Visitors > maxCount || r.Orders < 0 || r.Orders > maxCount {
			t.Errorf("count out of range: visitors %d, orders %d", r.Visitors, r.Orders)
		}
		if r.Metrics == nil {
			t.Errorf("row %q has a nil metrics map", r.VariationID)
		}
		for key, m := range r.Metrics {
			for _, n := range []Number{
				m.Value, m.Uplift, m.UpliftLow, m.UpliftHigh, m.P2BB, m.P2BC, m.CILow, m.CIHigh,
			} {
				checkNumber(t, key, n)
			}
		}
	}
	for _, v := range a.Variations {
		if v.ID == "" {
			t.Errorf("variation without an ID: %+v", v)
		}
		if v.Order < 0 || math.IsNaN(v.Percentage) || math.IsInf(v.Percentage, 0) {
			t.Errorf("variation %q out of range: %+v", v.ID, v)
		}
	}
}

func checkNumber(t *testing.T, name string, n Number) {
	t.Helper()
	if !n.Valid && n.Value != 0 {
		t.Errorf("%s: invalid number with value %v", name, n.Value)
	}
	if math.IsNaN(n.Value) || math.IsInf(n.Value, 0) {
		t.Errorf("%s: value %v is not finite", name, n.Value)
	}
}
