// Package health judges whether a running A/B test is healthy.
//
// It is pure: every function takes plain values (including the current time)
// and returns plain values. It does no I/O, reads no clock and logs nothing,
// so the same input always gives the same verdict.
package health

import "time"

// Test is one running experiment with its arms and their metrics, as the
// assessment needs it. Callers build it from whatever source they read.
type Test struct {
	// ID is the experiment's identifier (a UUID for Intelligems tests).
	ID string
	// Name is the experiment's name as people typed it; it is user text.
	Name string
	// Type is the experiment's kind as the source names it, such as
	// "pricing", "shipping" or "content/onsiteEdits".
	Type string
	// PriceOrShipping marks a test that changes prices or shipping.
	PriceOrShipping bool
	// StartedAt is when the test started; the zero time means unknown.
	StartedAt time.Time
	// LatestRun is when the analytics were last computed; zero when unknown.
	LatestRun time.Time
	// Currency is the store's currency for money metrics.
	Currency Currency
	// Arms holds every arm, the control among them, in display order.
	Arms []Arm
	// HasAnalytics is false when the source has no analytics rows for the
	// test yet (a test younger than the analytics delay).
	HasAnalytics bool
}

// Currency names a store currency. The zero value means US dollars.
type Currency struct {
	// Code is the ISO 4217 code, such as "USD" or "EUR".
	Code string
	// Symbol is the symbol shown before amounts, such as "$" or "€".
	Symbol string
}

// Arm is one variation of a test: the control or a variant.
type Arm struct {
	// ID is the variation's identifier.
	ID string
	// Name is the variation's name as people typed it; it is user text.
	Name string
	// IsControl marks the arm every other arm is compared with.
	IsControl bool
	// Percentage is the configured share of traffic, 0 to 100.
	Percentage float64
	// Visitors is the number of unique visitors (sessions) seen in the arm.
	Visitors int
	// Orders is the number of orders placed by the arm's visitors.
	Orders int
	// ConversionRate is orders per visitor, a fraction.
	ConversionRate Metric
	// RevenuePerVisitor is net revenue per visitor, in the store currency.
	RevenuePerVisitor Metric
	// AverageOrderValue is net revenue per order, in the store currency.
	AverageOrderValue Metric
}

// Metric is one metric of one arm. Every number is optional because the
// source sends null when data is thin; a Float with Valid false is absent,
// which is different from a real zero.
type Metric struct {
	// Value is the metric for the arm.
	Value Float
	// Lift is the relative change against the control, a fraction
	// (0.12 means 12% higher). Absent on the control.
	Lift Float
	// LiftLow and LiftHigh bound the 95% interval of Lift; absent when the
	// source has too little data for one.
	LiftLow, LiftHigh Float
	// ProbBeatControl is the probability, 0 to 1, that the arm beats the
	// control on this metric. Absent on the control.
	ProbBeatControl Float
	// ProbBeBest is the probability, 0 to 1, that the arm is the best of
	// all arms on this metric.
	ProbBeBest Float
}

// Float is a number that may be absent. The zero value is absent.
type Float struct {
	Value float64
	Valid bool
}

// Some returns a present Float holding v.
func Some(v float64) Float { return Float{Value: v, Valid: true} }

// Control returns the control arm and true, or false when the test has none.
func (t Test) Control() (Arm, bool) {
	for _, a := range t.Arms {
		if a.IsControl {
			return a, true
		}
	}
	return Arm{}, false
}

// Variants returns every arm that is not the control, in display order.
func (t Test) Variants() []Arm {
	var vs []Arm
	for _, a := range t.Arms {
		if !a.IsControl {
			vs = append(vs, a)
		}
	}
	return vs
}

// Totals returns the visitors and orders summed over all arms.
func (t Test) Totals() (visitors, orders int) {
	for _, a := range t.Arms {
		visitors += a.Visitors
		orders += a.Orders
	}
	return visitors, orders
}
