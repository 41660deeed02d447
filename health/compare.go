package health

import "time"

// compareAll measures every variant against control and, once the test is
// over the data floor (mature), makes the calls on the primary metric,
// corrected for the number of variants. Below the floor no variant is called
// winning or losing, whatever its probability.
func compareAll(control Arm, t Test, primary MetricID, run time.Duration, mature bool, th Thresholds) []Comparison {
	var cs []Comparison
	for _, v := range t.Variants() {
		cs = append(cs, compare(control, v, len(t.Arms), primary))
	}
	if mature {
		call(cs, run, th)
	}
	return cs
}

// compare measures variant v against control c.
func compare(c, v Arm, arms int, primary MetricID) Comparison {
	cmp := Comparison{
		Variant:               v,
		ConversionLift:        lift(v.ConversionRate, c.ConversionRate, rate(v), rate(c)),
		RevenuePerVisitorLift: lift(v.RevenuePerVisitor, c.RevenuePerVisitor, Float{}, Float{}),
		AverageOrderValueLift: lift(v.AverageOrderValue, c.AverageOrderValue, Float{}, Float{}),
	}
	cmp.Primary.Lift = cmp.ConversionLift
	switch primary {
	case RevenuePerVisitor:
		cmp.Primary.Lift = cmp.RevenuePerVisitorLift
	case AverageOrderValue:
		cmp.Primary.Lift = cmp.AverageOrderValueLift
	case ConversionRate:
	}
	cmp.Primary.ProbBeatControl, cmp.Primary.Computed = probability(c, v, arms, primary)
	return cmp
}

// probability returns the chance that v beats c on metric m. It is the
// source's probability to beat control; with only two arms, its
// probability to be best (the same quantity there); and for conversion rate
// without either, the Beta-binomial posterior probability computed from
// visitors and orders, with computed true.
func probability(c, v Arm, arms int, m MetricID) (p Float, computed bool) {
	vm := v.Metric(m)
	switch {
	case vm.ProbBeatControl.Valid:
		return vm.ProbBeatControl, false
	case vm.ProbBeBest.Valid && arms == 2:
		return vm.ProbBeBest, false
	case m == ConversionRate && c.Visitors > 0 && v.Visitors > 0 && c.Orders >= 0 && v.Orders >= 0 &&
		c.Orders <= c.Visitors && v.Orders <= v.Visitors:
		return Some(probBBeatsA(
			1+float64(c.Orders), 1+float64(c.Visitors-c.Orders),
			1+float64(v.Orders), 1+float64(v.Visitors-v.Orders))), true
	}
	return Float{}, false
}

// call sets each variant's outcome. The probability to beat control is
// read as a one-sided p-value: 1 − p for "better", p for "worse". With
// several variants each family is adjusted with Holm's method, so that the
// chance of a false win, and separately of a false loss, stays at about
// 1 − MinConfidence on one look at the data. Looking every day raises both
// over a test's life; the runtime gate on winners limits that for wins.
func call(cs []Comparison, run time.Duration, th Thresholds) {
	var idx []int
	var better, worse []float64
	for i, c := range cs {
		if p := c.Primary.ProbBeatControl; p.Valid {
			idx = append(idx, i)
			better = append(better, 1-p.Value)
			worse = append(worse, p.Value)
		}
	}
	// "At least" and "at most" include the bound. The tolerance absorbs the
	// float32 noise the API's p2bb carries (0.95 arrives as 0.9499999881).
	alpha := 1 - th.MinConfidence + 1e-6
	better, worse = holm(better), holm(worse)
	for k, i := range idx {
		switch {
		case worse[k] <= alpha:
			cs[i].Primary.Outcome = Losing
		case better[k] <= alpha && run >= th.MinRuntime:
			cs[i].Primary.Outcome = Winning
		case better[k] <= alpha:
			cs[i].Primary.Outcome = Leading
		}
	}
}

// lift returns the relative change of variant metric v against control
// metric c, a fraction. The source's own lift wins; otherwise it is computed
// from the metric values, then from the fallbacks (rates from counts). It is
// absent when the control's value is zero or unknown, rather than infinite.
func lift(v, c Metric, vFallback, cFallback Float) Float {
	if v.Lift.Valid {
		return v.Lift
	}
	cv, vv := pick(c.Value, cFallback), pick(v.Value, vFallback)
	if !cv.Valid || !vv.Valid || cv.Value == 0 {
		return Float{}
	}
	return Some(vv.Value/cv.Value - 1)
}

// pick returns f when present, else the fallback.
func pick(f, fallback Float) Float {
	if f.Valid {
		return f
	}
	return fallback
}

// rate returns the arm's orders per visitor, absent with no visitors.
func rate(a Arm) Float {
	if a.Visitors <= 0 {
		return Float{}
	}
	return Some(float64(a.Orders) / float64(a.Visitors))
}

// conversion is the arm's conversion rate as given, else from its counts.
func conversion(a Arm) Float {
	return pick(a.ConversionRate.Value, rate(a))
}
