package health

// MetricID names one of the metrics the assessment can judge on.
type MetricID int

// The metrics.
const (
	ConversionRate MetricID = iota
	RevenuePerVisitor
	AverageOrderValue
)

// String returns the metric's name for people.
func (m MetricID) String() string {
	switch m {
	case ConversionRate:
		return "conversion rate"
	case RevenuePerVisitor:
		return "revenue per visitor"
	case AverageOrderValue:
		return "average order value"
	}
	return "unknown metric"
}

// Metric returns the arm's value of metric m.
func (a Arm) Metric(m MetricID) Metric {
	switch m {
	case ConversionRate:
		return a.ConversionRate
	case RevenuePerVisitor:
		return a.RevenuePerVisitor
	case AverageOrderValue:
		return a.AverageOrderValue
	}
	return Metric{}
}

// PrimaryMetric chooses the metric for a test. Auto picks revenue per
// visitor for price and shipping tests, where a change is meant to trade
// conversion for revenue, and conversion rate for the rest.
type PrimaryMetric struct {
	// Auto selects by test type; Metric is used when Auto is false.
	Auto   bool
	Metric MetricID
}

// For returns the primary metric of t.
func (p PrimaryMetric) For(t Test) MetricID {
	if !p.Auto {
		return p.Metric
	}
	if t.PriceOrShipping {
		return RevenuePerVisitor
	}
	return ConversionRate
}
