package health

import "time"

// Result is the assessment of one test.
type Result struct {
	// Test is the assessed test, as given.
	Test Test
	// Verdict is the overall judgement.
	Verdict Verdict
	// Issues are the reasons the test needs attention, one sentence each,
	// such as "Sample ratio mismatch: …". Empty unless the verdict is
	// Unhealthy or Loser.
	Issues []string
	// Notes are observations that do not change the verdict, such as a
	// variant that is not yet statistically significant or stale analytics.
	Notes []string
	// Runtime is how long the test has run at the time of assessment;
	// zero when its start is unknown.
	Runtime time.Duration
	// Visitors and Orders are the totals over all arms.
	Visitors, Orders int
	// Primary is the metric winners and losers are judged on.
	Primary MetricID
	// Comparisons holds one entry per variant, each against the control,
	// in the order of Test.Variants.
	Comparisons []Comparison
	// SampleRatio is the check of the traffic split against configuration.
	SampleRatio SampleRatio
	// Decision estimates the time left until the test can be decided.
	Decision Decision
	// Err is why the test could not be assessed; set only with Error.
	Err error
}

// RuntimeDays returns the runtime in days, with the fraction of a day.
func (r Result) RuntimeDays() float64 {
	return r.Runtime.Hours() / 24
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
	// Primary is the variant's standing on the primary metric.
	Primary Standing
}

// Standing is where a variant stands against the control on the primary
// metric.
type Standing struct {
	// Lift is the relative change against the control, a fraction.
	Lift Float
	// ProbBeatControl is the probability, 0 to 1, that the variant beats the
	// control on the primary metric.
	ProbBeatControl Float
	// Computed reports that ProbBeatControl was computed by this package
	// from visitors and orders, because the source gave none.
	Computed bool
	// Outcome is the call made for the variant.
	Outcome Outcome
}

// Outcome is the call on one variant.
type Outcome int

// The outcomes of a variant on the primary metric.
const (
	// Undecided: neither better nor worse with the configured confidence.
	Undecided Outcome = iota
	// Leading: better with the configured confidence, but the test has not
	// run for the minimum runtime, so it is not called a winner yet.
	Leading
	// Winning: better with the configured confidence after the minimum
	// runtime, corrected for the number of variants.
	Winning
	// Losing: worse with the configured confidence, corrected for the
	// number of variants. Losses are called at any runtime.
	Losing
)

// String returns the outcome in words.
func (o Outcome) String() string {
	switch o {
	case Undecided:
		return "undecided"
	case Leading:
		return "leading"
	case Winning:
		return "winning"
	case Losing:
		return "losing"
	}
	return "unknown"
}

// SampleRatio is the result of the sample-ratio-mismatch check.
type SampleRatio struct {
	// Checked is false when the check could not run: fewer than two arms
	// with traffic configured, or an arm expecting fewer than 5 visitors.
	Checked bool
	// ChiSquare is Pearson's statistic and DF its degrees of freedom.
	ChiSquare float64
	DF        int
	// PValue is the probability, under the configured split, of a
	// statistic at least this large.
	PValue float64
	// Mismatch reports PValue below the configured threshold.
	Mismatch bool
	// Arm is the arm furthest from its expected share, by standardized
	// residual; Observed and Expected are its shares of all visitors,
	// fractions.
	Arm                string
	Observed, Expected float64
}

// Decision estimates how far a test is from a decision on Metric, for the
// configured minimum detectable effect at 95% confidence (two-sided) and 80%
// power.
type Decision struct {
	// Known is false when there is no control conversion rate or no
	// traffic to project from.
	Known bool
	// Metric is what the estimate is for: the primary metric when the
	// source gives an interval for its lift, else conversion rate.
	Metric MetricID
	// SessionsPerArm is the sample each arm needs.
	SessionsPerArm int
	// SessionsRemaining is how many more sessions the test needs at its
	// configured split; zero once it has them.
	SessionsRemaining int
	// DaysRemaining is SessionsRemaining at the test's average daily
	// traffic so far, rounded up.
	DaysRemaining int
	// Underpowered reports that the test will not reach its sample within
	// the decision horizon.
	Underpowered bool
}
