package health

import (
	"math"
	"sort"

	"gonum.org/v1/gonum/stat/distuv"
)

// chiSquareGOF runs Pearson's chi-square goodness-of-fit test of observed
// counts against expected proportions (which must sum to 1). It returns the
// statistic, its k−1 degrees of freedom, and the upper-tail p-value from the
// chi-square distribution.
//
// The test assumes independent units (visitors) and is trusted only when
// every expected count is at least 5; ok is false otherwise, or with fewer
// than two categories. See Pearson (1900) or any statistics text.
func chiSquareGOF(observed []int, proportions []float64) (stat float64, df int, p float64, ok bool) {
	if len(observed) < 2 || len(observed) != len(proportions) {
		return 0, 0, 0, false
	}
	n := 0
	for _, o := range observed {
		n += o
	}
	for i, o := range observed {
		e := float64(n) * proportions[i]
		if e < 5 {
			return 0, 0, 0, false
		}
		d := float64(o) - e
		stat += d * d / e
	}
	df = len(observed) - 1
	p = distuv.ChiSquared{K: float64(df)}.Survival(stat)
	return stat, df, p, true
}

// probBBeatsA returns P(p_B > p_A) where p_A ~ Beta(aA, bA) and
// p_B ~ Beta(aB, bB) are independent, for a whole-number aB. These are the
// posteriors of two conversion rates under a uniform Beta(1, 1) prior after
// o orders from n visitors: Beta(1+o, 1+n−o).
//
// It uses the exact closed form (Evan Miller, "Formulas for Bayesian A/B
// testing", 2015), a sum of aB terms computed in log space to avoid
// overflow:
//
//	P = Σ_{i=0}^{aB−1} B(aA+i, bA+bB) / ((bB+i) · B(1+i, bB) · B(aA, bA))
func probBBeatsA(aA, bA, aB, bB float64) float64 {
	total := 0.0
	for i := 0.0; i < aB; i++ {
		total += math.Exp(lbeta(aA+i, bA+bB) - math.Log(bB+i) - lbeta(1+i, bB) - lbeta(aA, bA))
	}
	return math.Min(1, math.Max(0, total))
}

// lbeta is the natural log of the beta function B(a, b).
func lbeta(a, b float64) float64 {
	la, _ := math.Lgamma(a)
	lb, _ := math.Lgamma(b)
	lab, _ := math.Lgamma(a + b)
	return la + lb - lab
}

// holm adjusts p-values for multiple comparisons with Holm's step-down
// method (Holm 1979), which controls the family-wise error rate like
// Bonferroni but rejects at least as often. The result is in input order.
func holm(ps []float64) []float64 {
	idx := make([]int, len(ps))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return ps[idx[a]] < ps[idx[b]] })
	adj := make([]float64, len(ps))
	running := 0.0
	for rank, i := range idx {
		running = math.Max(running, math.Min(1, float64(len(ps)-rank)*ps[i]))
		adj[i] = running
	}
	return adj
}

// sampleSizePerArm returns the visitors each arm needs to detect a relative
// change mde from a baseline conversion rate p1, with a two-sided test at
// level alpha and the given power, for comparisons simultaneous tests
// (Bonferroni: alpha is divided among them). It is the standard formula for
// two proportions with a pooled variance under the null:
//
//	n = [z_{1−α/2}·√(2·p̄·(1−p̄)) + z_{1−β}·√(p1(1−p1) + p2(1−p2))]² / (p2 − p1)²
//
// with p2 = p1·(1+mde) and p̄ = (p1+p2)/2, rounded up. It returns 0 when
// the inputs make no sense (p1 outside (0,1), p2 ≥ 1, mde ≤ 0).
func sampleSizePerArm(p1, mde, alpha, power float64, comparisons int) int {
	p2 := p1 * (1 + mde)
	if p1 <= 0 || p1 >= 1 || p2 >= 1 || mde <= 0 || comparisons < 1 {
		return 0
	}
	z := distuv.UnitNormal
	za := z.Quantile(1 - alpha/(2*float64(comparisons)))
	zb := z.Quantile(power)
	pbar := (p1 + p2) / 2
	num := za*math.Sqrt(2*pbar*(1-pbar)) + zb*math.Sqrt(p1*(1-p1)+p2*(1-p2))
	d := p2 - p1
	return int(math.Ceil(num * num / (d * d)))
}
