package health

import "time"

// Verdict is the overall judgement of one test.
type Verdict int

// The verdicts, from best to worst. Error is for a test whose data could not
// be read; the assessment itself never returns it.
const (
	Healthy Verdict = iota
	Unhealthy
	Error
)

// String returns the verdict as a lowercase word for logs and outputs.
func (v Verdict) String() string {
	switch v {
	case Healthy:
		return "healthy"
	case Unhealthy:
		return "unhealthy"
	case Error:
		return "error"
	default:
		return "unknown"
	}
}

// Emoji returns the symbol shown next to the verdict to people.
func (v Verdict) Emoji() string {
	switch v {
	case Healthy:
		return "✅"
	case Unhealthy:
		return "⚠️"
	case Error:
		return "❌"
	default:
		return "❔"
	}
}

// Result is the assessment of one test.
type Result struct {
	// Test is the assessed test, as given.
	Test Test
	// Verdict is the overall judgement.
	Verdict Verdict
	// Issues are the reasons the test is unhealthy, one sentence each,
	// such as "Low sample size (42 sessions)". Empty when healthy.
	Issues []string
	// Notes are observations that do not make the test unhealthy, such as
	// a variant that is not yet statistically significant.
	Notes []string
	// Runtime is how long the test has run at the time of assessment;
	// zero when its start is unknown.
	Runtime time.Duration
	// Visitors and Orders are the totals over all arms.
	Visitors, Orders int
	// Comparisons holds one entry per variant, each against the control,
	// in the order of Test.Variants.
	Comparisons []Comparison
	// Err is why the test could not be assessed; set only with Error.
	Err error
}

// Comparison is one variant measured against the control.
type Comparison struct {
	// Variant is the arm compared with the control.
	Variant Arm
	// ConversionLift, RevenuePerVisitorLift and AverageOrderValueLift are
	// relative changes against the control, fractions; absent when the
	// source gave none and the control's value makes them undefined.
	ConversionLift        Float
	RevenuePerVisitorLift Float
	AverageOrderValueLift Float
	// ProbBeatControl is the probability, 0 to 1, that the variant beats the
	// control on conversion rate; absent when the source has too little data.
	ProbBeatControl Float
	// Significant reports whether ProbBeatControl reached the configured
	// confidence.
	Significant bool
}

// RuntimeDays returns the runtime in days, with the fraction of a day.
func (r Result) RuntimeDays() float64 {
	return r.Runtime.Hours() / 24
}
