package intelligems

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// Number is a value the API may send as null. A null or missing value has
// Valid false; a real zero has Valid true and Value 0.
type Number struct {
	Value float64
	Valid bool
}

// Metric is one metric of one variation. Fractions (rates, uplifts,
// probabilities) are in [0, 1] or relative (0.12 = +12%), never percents;
// money is in the store currency. Any field may be absent: the control has
// no Uplift or P2BC, and thin data leaves the probabilities and intervals
// null.
type Metric struct {
	// Value is the metric itself, such as a conversion rate of 0.029.
	Value Number
	// Uplift is the change relative to control, as a fraction (0.12 = +12%).
	Uplift Number
	// UpliftLow and UpliftHigh bound the 95% interval of Uplift.
	UpliftLow, UpliftHigh Number
	// P2BB is the probability that this arm is the best of all arms.
	P2BB Number
	// P2BC is the probability that this arm beats the control.
	P2BC Number
	// CILow and CIHigh bound the 95% interval of Value.
	CILow, CIHigh Number
}

// Row is the analytics of one variation.
type Row struct {
	// VariationID joins the row to a Variation.
	VariationID string
	// Visitors and Orders are the counts so far, 0 when absent.
	Visitors, Orders int
	// Metrics holds every metric object in the row by its API key, such as
	// "conversion_rate" or "net_revenue_per_visitor", counts included. A
	// metric the API sent as null (profit without cost data) is absent.
	Metrics map[string]Metric
}

// Analytics is the overview analytics of one experience.
type Analytics struct {
	// ExperienceID is the experience the data belongs to.
	ExperienceID string
	// LatestRun is when the API last computed the data; zero when unknown.
	LatestRun time.Time
	// EstMonthlyRevenueIncrease is the API's estimate in the store currency;
	// invalid when the data is too thin.
	EstMonthlyRevenueIncrease Number
	// Rows are in API order, which is not variation order: join with Row.
	// They are empty for a test too young to have analytics.
	Rows []Row
	// Variations are the arms as the analytics know them; may be empty.
	Variations []Variation
}

// Row returns the row of the variation with the given ID, and false when
// there is none.
func (a *Analytics) Row(variationID string) (Row, bool) {
	for _, r := range a.Rows {
		if r.VariationID == variationID {
			return r, true
		}
	}
	return Row{}, false
}

// Control returns the variation flagged as control, and false when there is
// none.
func (a *Analytics) Control() (Variation, bool) {
	return control(a.Variations)
}

var overviewBody = []byte(`{"view":"overview"}`)

// Analytics returns the overview analytics of one experience. It uses the
// documented POST form and falls back to the legacy GET form when POST is
// answered with 404 or 405; if the GET fails too, its error is returned.
func (c *Client) Analytics(ctx context.Context, experienceID string) (*Analytics, error) {
	if experienceID == "" || experienceID == "." || experienceID == ".." {
		return nil, fmt.Errorf("fetch analytics: invalid experience ID %q", experienceID)
	}

	r := request{
		method:      http.MethodPost,
		path:        "/analytics/resource/" + experienceID,
		escapedPath: "/analytics/resource/" + url.PathEscape(experienceID),
		body:        overviewBody,
	}
	body, err := c.send(ctx, r)
	if hasStatus(err, http.StatusNotFound) || hasStatus(err, http.StatusMethodNotAllowed) {
		r.method, r.body = http.MethodGet, nil
		r.query = url.Values{"view": {"overview"}}
		body, err = c.send(ctx, r)
	}
	if err != nil {
		return nil, fmt.Errorf("fetch analytics: %w", err)
	}

	a, err := decodeAnalytics(body, experienceID)
	if err != nil {
		return nil, fmt.Errorf("fetch analytics: %w", &DecodeError{Path: r.path, Err: err})
	}
	return a, nil
}

type wireAnalytics struct {
	ExperienceID string                       `json:"experienceId"`
	LatestRunTs  timestamp                    `json:"latestRunTs"`
	Impact       *wireImpact                  `json:"impact"`
	Metrics      []map[string]json.RawMessage `json:"metrics"`
	Variations   []wireVariation              `json:"variations"`
}

type wireImpact struct {
	EstMonthlyRevenueIncrease *float64 `json:"est_monthly_revenue_increase"`
}

type wireMetric struct {
	Value  *float64    `json:"value"`
	Uplift *wireUplift `json:"uplift"`
	P2BB   *float64    `json:"p2bb"`
	P2BC   *float64    `json:"p2bc"`
	CILow  *float64    `json:"ci_low"`
	CIHigh *float64    `json:"ci_high"`
}

type wireUplift struct {
	Value  *float64 `json:"value"`
	CILow  *float64 `json:"ci_low"`
	CIHigh *float64 `json:"ci_high"`
}

func decodeAnalytics(body []byte, experienceID string) (*Analytics, error) {
	if bytes.Equal(bytes.TrimSpace(body), jsonNull) {
		return nil, errors.New("body is null")
	}
	var w wireAnalytics
	if err := json.Unmarshal(body, &w); err != nil {
		return nil, err
	}

	a := &Analytics{
		ExperienceID: w.ExperienceID,
		LatestRun:    w.LatestRunTs.Time(),
		Rows:         make([]Row, 0, len(w.Metrics)),
		Variations:   variations(w.Variations),
	}
	if a.ExperienceID == "" {
		a.ExperienceID = experienceID
	}
	if w.Impact != nil {
		a.EstMonthlyRevenueIncrease = number(w.Impact.EstMonthlyRevenueIncrease)
	}

	for i, m := range w.Metrics {
		if m == nil {
			continue // a null row carries nothing
		}
		row, err := decodeRow(m)
		if err != nil {
			return nil, fmt.Errorf("metrics[%d]: %w", i, err)
		}
		a.Rows = append(a.Rows, row)
	}
	return a, nil
}

// decodeRow reads one metrics row. Keys that are not metric objects (the
// audience label, a date) and objects of an unknown shape are skipped, since
// the set of keys depends on the store and the view.
func decodeRow(m map[string]json.RawMessage) (Row, error) {
	var r Row
	if err := decodeOptional(m["variation_id"], &r.VariationID); err != nil {
		return Row{}, fmt.Errorf("variation_id: %w", err)
	}

	var visitors, orders count
	if err := decodeOptional(m["n_visitors"], &visitors); err != nil {
		return Row{}, fmt.Errorf("n_visitors: %w", err)
	}
	if err := decodeOptional(m["n_orders"], &orders); err != nil {
		return Row{}, fmt.Errorf("n_orders: %w", err)
	}
	r.Visitors, r.Orders = int(visitors), int(orders)

	r.Metrics = make(map[string]Metric, len(m))
	for key, raw := range m {
		raw = bytes.TrimSpace(raw)
		if len(raw) == 0 || raw[0] != '{' {
			continue
		}
		var wm wireMetric
		if json.Unmarshal(raw, &wm) == nil {
			r.Metrics[key] = wm.metric()
		}
	}
	return r, nil
}

// decodeOptional unmarshals raw into v unless raw is empty (the key was
// missing); null leaves v unchanged.
func decodeOptional(raw json.RawMessage, v any) error {
	if len(raw) == 0 {
		return nil
	}
	return json.Unmarshal(raw, v)
}

func (w wireMetric) metric() Metric {
	m := Metric{
		Value:  number(w.Value),
		P2BB:   number(w.P2BB),
		P2BC:   number(w.P2BC),
		CILow:  number(w.CILow),
		CIHigh: number(w.CIHigh),
	}
	if u := w.Uplift; u != nil {
		m.Uplift = number(u.Value)
		m.UpliftLow = number(u.CILow)
		m.UpliftHigh = number(u.CIHigh)
	}
	return m
}
