package main

import (
	"github.com/ighealth/intelligems-health-action/health"
	"github.com/ighealth/intelligems-health-action/intelligems"
)

// The analytics keys of the metrics the assessment reads.
const (
	keyConversionRate    = "conversion_rate"
	keyRevenuePerVisitor = "net_revenue_per_visitor"
	keyAverageOrderValue = "net_revenue_per_order"
)

// toTest joins an experience and its analytics into the assessment's input.
// Metric rows are matched to arms by variation id, never by position, and
// the arms keep the experience's display order. a may be nil when the test
// has no analytics.
func toTest(e intelligems.Experience, a *intelligems.Analytics) health.Test {
	t := health.Test{
		ID:   e.ID,
		Name: e.Name,
		Type: e.Type,
		PriceOrShipping: e.TestTypes.Pricing || e.TestTypes.Shipping ||
			e.Type == "pricing" || e.Type == "shipping",
		StartedAt: e.StartedAt,
		Currency:  health.Currency{Code: e.Currency.Code, Symbol: e.Currency.Symbol},
	}
	if a != nil {
		t.LatestRun = a.LatestRun
		t.HasAnalytics = len(a.Rows) > 0
	}
	for _, v := range e.Variations {
		arm := health.Arm{ID: v.ID, Name: v.Name, IsControl: v.IsControl, Percentage: v.Percentage}
		if a != nil {
			if row, ok := a.Row(v.ID); ok {
				fillArm(&arm, row)
			}
		}
		t.Arms = append(t.Arms, arm)
	}
	return t
}

// fillArm copies one analytics row into an arm.
func fillArm(arm *health.Arm, row intelligems.Row) {
	arm.Visitors, arm.Orders = row.Visitors, row.Orders
	arm.ConversionRate = toMetric(row.Metrics[keyConversionRate])
	arm.RevenuePerVisitor = toMetric(row.Metrics[keyRevenuePerVisitor])
	arm.AverageOrderValue = toMetric(row.Metrics[keyAverageOrderValue])
}

// toMetric keeps the parts of a metric the assessment uses. An absent
// metric (the zero value) stays absent.
func toMetric(m intelligems.Metric) health.Metric {
	return health.Metric{
		Value:           toFloat(m.Value),
		Lift:            toFloat(m.Uplift),
		LiftLow:         toFloat(m.UpliftLow),
		LiftHigh:        toFloat(m.UpliftHigh),
		ProbBeatControl: toFloat(m.P2BC),
		ProbBeBest:      toFloat(m.P2BB),
	}
}

func toFloat(n intelligems.Number) health.Float {
	return health.Float{Value: n.Value, Valid: n.Valid}
}
