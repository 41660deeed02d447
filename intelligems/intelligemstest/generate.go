package intelligemstest

import (
	"encoding/json"
	"fmt"
	"time"
)

// A shape is one kind of generated test.
type shape struct {
	label    string
	currency genCurrency
	arms     []arm // in variation order
	lowData  bool  // probabilities and intervals null
	ageHours int   // hours since start at now, before the per-test offset
	reversed bool  // metric rows in reverse variation order
}

// arm is one generated variation: its share of traffic and its true
// conversion rate.
type arm struct {
	name    string
	pct     float64
	control bool
	cr      float64
}

var (
	usd = genCurrency{Code: "USD", Symbol: "$"}
	eur = genCurrency{Code: "EUR", Symbol: "€"}
)

// shapes cycle over the generated tests.
var shapes = []shape{
	{label: "Healthy two-arm", currency: usd, ageHours: 240, arms: []arm{
		{name: "Control", pct: 50, control: true, cr: 0.030},
		{name: "Variant", pct: 50, cr: 0.031},
	}},
	{label: "Three-arm, control second", currency: eur, ageHours: 300, reversed: true, arms: []arm{
		{name: "A", pct: 25, cr: 0.029},
		{name: "Control", pct: 50, control: true, cr: 0.030},
		{name: "B", pct: 25, cr: 0.032},
	}},
	{label: "Low data", currency: usd, ageHours: 5, lowData: true, reversed: true, arms: []arm{
		{name: "Variant", pct: 50, cr: 0.010},
		{name: "Control", pct: 50, control: true, cr: 0.014},
	}},
	{label: "Conversion drop", currency: eur, ageHours: 200, arms: []arm{
		{name: "Control", pct: 50, control: true, cr: 0.032},
		{name: "Variant", pct: 50, cr: 0.022},
	}},
	{label: "Three-arm, one arm dropping", currency: usd, ageHours: 400, reversed: true, arms: []arm{
		{name: "A", pct: 30, cr: 0.033},
		{name: "B", pct: 30, cr: 0.020},
		{name: "Control", pct: 40, control: true, cr: 0.031},
	}},
}

// GeneratedDataset returns n running experiments as seen at now, cycling
// through five shapes: a healthy two-arm test, a three-arm test with the
// control second (EUR), a low-data test with null probabilities and the
// control second, a two-arm test whose variant converts about 31% worse
// (EUR), and a three-arm test with the control last and one arm about 35%
// worse. Some list their metric rows in reverse order. It adds a running
// personalization and a paused experiment, which a client must not count.
// The result is the same for the same arguments.
func GeneratedDataset(now time.Time, n int) *Dataset {
	d := &Dataset{Analytics: make(map[string]json.RawMessage, n+2)}
	for i := range n {
		g := generate(now, i, shapes[i%len(shapes)])
		d.Experiences = append(d.Experiences, mustMarshal(g.experience))
		d.Analytics[g.experience.ID] = mustMarshal(g.analytics)
	}

	extra := generate(now, n, shapes[0])
	extra.experience.Category, extra.experience.Type = "personalization", "personalization"
	extra.experience.Name = "Generated personalization"
	paused := generate(now, n+1, shapes[3])
	paused.experience.Status = "paused"
	paused.experience.PausedAtTs = ptr(now.Add(-24 * time.Hour).UnixMilli())
	paused.experience.Name = "Generated paused test"

	d.Experiences = append(d.Experiences, mustMarshal(extra.experience), mustMarshal(paused.experience))
	d.Analytics[paused.experience.ID] = mustMarshal(paused.analytics)
	return d
}

type generated struct {
	experience genExperience
	analytics  genAnalytics
}

func generate(now time.Time, i int, s shape) generated {
	id := fmt.Sprintf("0e5a%04x-7c1d-4b2e-9f30-%012x", i, i+1)
	started := now.Add(-time.Duration(s.ageHours+i) * time.Hour)

	e := genExperience{
		ID:             id,
		Name:           fmt.Sprintf("Generated %02d - %s", i+1, s.label),
		OrganizationID: "403df415-45d6-4c2d-8509-14db39a13b13",
		Category:       "experiment",
		Type:           "content/onsiteEdits",
		Status:         "started",
		CreatedAtTs:    started.Add(-72 * time.Hour).UnixMilli(),
		LastUpdateTs:   started.Add(-time.Minute).UnixMilli(),
		StartedAtTs:    ptr(started.UnixMilli()),
		Currency:       s.currency,
		TestTypes:      genTestTypes{Content: true},
	}
	for j, a := range s.arms {
		e.Variations = append(e.Variations, genVariation{
			ID:           fmt.Sprintf("0e5b%04x-7c1d-4b2e-9f30-%012x", i, j+1),
			ExperienceID: id,
			Name:         a.name,
			Percentage:   a.pct,
			IsControl:    a.control,
			Order:        j,
		})
	}

	return generated{experience: e, analytics: analytics(now, e, s)}
}

func analytics(now time.Time, e genExperience, s shape) genAnalytics {
	a := genAnalytics{
		DatasetID:      "variation_overview",
		LatestRunTs:    now.Add(-2 * time.Hour).UnixMilli(),
		ExperienceID:   e.ID,
		ExperienceName: e.Name,
		Variations:     e.Variations,
		Metrics:        []map[string]any{},
		AudienceOrder:  []any{},
	}
	if !s.lowData {
		a.Impact.EstMonthlyRevenueIncrease = ptr(1500.0)
	}

	visitorsPerPct := 400.0 // per percentage point of traffic
	if s.lowData {
		visitorsPerPct = 4
	}
	var control arm
	for _, x := range s.arms {
		if x.control {
			control = x
		}
	}
	for j, x := range s.arms {
		a.Metrics = append(a.Metrics, row(e.Variations[j].ID, x, control, visitorsPerPct, s.lowData))
	}
	if s.reversed {
		for l, r := 0, len(a.Metrics)-1; l < r; l, r = l+1, r-1 {
			a.Metrics[l], a.Metrics[r] = a.Metrics[r], a.Metrics[l]
		}
	}
	return a
}

// aov is the average order value of every generated arm, so that revenue
// per visitor is conversion rate × aov, as it is on live data.
const aov = 55.0

// counts returns an arm's visitors, orders and realised conversion rate.
func counts(x arm, visitorsPerPct float64) (visitors, orders int, cr float64) {
	visitors = int(x.pct * visitorsPerPct)
	orders = int(float64(visitors)*x.cr + 0.5)
	return visitors, orders, float64(orders) / float64(visitors)
}

// row builds one metrics row. Lifts follow from the counts; the
// probabilities are plausible, not computed.
func row(variationID string, x, control arm, visitorsPerPct float64, lowData bool) map[string]any {
	visitors, orders, cr := counts(x, visitorsPerPct)
	_, _, controlCR := counts(control, visitorsPerPct)

	stat := map[string]any{"value": cr, "p2bb": nil, "ci_low": nil, "ci_high": nil}
	if !lowData {
		stat["p2bb"], stat["ci_low"], stat["ci_high"] = 0.5, cr*0.9, cr*1.1
	}
	if !x.control {
		uplift := cr/controlCR - 1
		stat["uplift"] = map[string]any{"value": uplift, "ci_low": nil, "ci_high": nil}
		stat["p2bc"] = nil
		if !lowData {
			stat["uplift"] = map[string]any{"value": uplift, "ci_low": uplift - 0.1, "ci_high": uplift + 0.1}
			stat["p2bc"] = probability(uplift)
		}
	}

	return map[string]any{
		"variation_id":             variationID,
		"n_visitors":               map[string]any{"value": visitors},
		"n_orders":                 map[string]any{"value": orders},
		"conversion_rate":          stat,
		"net_revenue_per_visitor":  map[string]any{"value": cr * aov},
		"net_revenue_per_order":    map[string]any{"value": aov},
		"gross_profit_per_visitor": nil,
	}
}

// probability maps an uplift to a rough probability to beat control.
func probability(uplift float64) float64 {
	switch {
	case uplift < -0.2:
		return 0.001
	case uplift < 0:
		return 0.3
	case uplift < 0.05:
		return 0.6
	default:
		return 0.85
	}
}

func ptr[T any](v T) *T { return &v }

type genExperience struct {
	ID             string         `json:"id"`
	Name           string         `json:"name"`
	OrganizationID string         `json:"organizationId"`
	Category       string         `json:"category"`
	Type           string         `json:"type"`
	Status         string         `json:"status"`
	CreatedAtTs    int64          `json:"createdAtTs"`
	LastUpdateTs   int64          `json:"lastUpdateTs"`
	StartedAtTs    *int64         `json:"startedAtTs"`
	PausedAtTs     *int64         `json:"pausedAtTs"`
	EndedAtTs      *int64         `json:"endedAtTs"`
	Currency       genCurrency    `json:"currency"`
	TestTypes      genTestTypes   `json:"testTypes"`
	Variations     []genVariation `json:"variations"`
}

type genCurrency struct {
	Code   string `json:"code"`
	Symbol string `json:"symbol"`
}

type genTestTypes struct {
	Pricing  bool `json:"hasTestPricing"`
	Shipping bool `json:"hasTestShipping"`
	Content  bool `json:"hasTestContent"`
}

type genVariation struct {
	ID           string  `json:"id"`
	ExperienceID string  `json:"experienceId"`
	Name         string  `json:"name"`
	Percentage   float64 `json:"percentage"`
	IsControl    bool    `json:"isControl"`
	Order        int     `json:"order"`
}

type genAnalytics struct {
	DatasetID      string `json:"datasetId"`
	LatestRunTs    int64  `json:"latestRunTs"`
	ExperienceID   string `json:"experienceId"`
	ExperienceName string `json:"experienceName"`
	Impact         struct {
		EstMonthlyRevenueIncrease *float64 `json:"est_monthly_revenue_increase"`
	} `json:"impact"`
	Metrics       []map[string]any `json:"metrics"`
	Variations    []genVariation   `json:"variations"`
	AudienceOrder []any            `json:"audienceOrder"`
}
