package health

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/integrate/quad"
	"gonum.org/v1/gonum/stat/distuv"
)

func TestChiSquareGOF(t *testing.T) {
	t.Parallel()

	// Reference statistics are worked by hand from the counts; p-values use
	// the closed forms of the chi-square tail for 1 and 2 degrees of
	// freedom (erfc and exp), not the distribution code under test.
	cases := []struct {
		name     string
		observed []int
		shares   []float64
		stat     float64
		df       int
		p        float64
	}{
		{
			name:     "50/50 at 5,000 vs 4,700",
			observed: []int{5000, 4700}, shares: []float64{0.5, 0.5},
			stat: 2 * 150.0 * 150 / 4850, df: 1,
			p: math.Erfc(math.Sqrt(150.0 * 150 / 4850)), // 0.002318781454 (mpmath)
		},
		{
			name:     "50/50 at 5,000 vs 4,500",
			observed: []int{5000, 4500}, shares: []float64{0.5, 0.5},
			stat: 2 * 250.0 * 250 / 4750, df: 1,
			p: math.Erfc(math.Sqrt(250.0 * 250 / 4750)),
		},
		{
			name:     "34/33/33 at 3,400 / 3,300 / 2,900",
			observed: []int{3400, 3300, 2900}, shares: []float64{0.34, 0.33, 0.33},
			stat: 18496.0/3264 + 17424.0/3168 + 71824.0/3168, df: 2,
			p: math.Exp(-(18496.0/3264 + 17424.0/3168 + 71824.0/3168) / 2), // 4.488e-8
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()

			stat, df, p, ok := chiSquareGOF(tc.observed, tc.shares)

			require.True(t, ok)
			assert.InEpsilon(t, tc.stat, stat, 1e-9, "statistic")
			assert.Equal(t, tc.df, df, "degrees of freedom")
			assert.InEpsilon(t, tc.p, p, 1e-6, "p-value")
		})
	}

	assert.InEpsilon(t, 0.002318781454, math.Erfc(math.Sqrt(150.0*150/4850)), 1e-9,
		"the closed form matches the published value")
}

func TestChiSquareGOFNotEvaluable(t *testing.T) {
	t.Parallel()

	_, _, _, ok := chiSquareGOF([]int{6, 3}, []float64{0.5, 0.5})
	assert.False(t, ok, "expected 4.5 per arm is under 5")
	_, _, _, ok = chiSquareGOF([]int{100}, []float64{1})
	assert.False(t, ok, "one arm has no split to test")
}

// probBBeatsAByQuadrature integrates P(p_B > p_A) = ∫ f_B(x)·F_A(x) dx
// numerically with gonum's Beta distribution, independently of the closed
// form under test.
func probBBeatsAByQuadrature(aA, bA, aB, bB float64) float64 {
	a, b := distuv.Beta{Alpha: aA, Beta: bA}, distuv.Beta{Alpha: aB, Beta: bB}
	// The posteriors are narrow; integrate over the region holding their
	// mass, with many nodes.
	lo := math.Max(0, math.Min(a.Quantile(1e-12), b.Quantile(1e-12)))
	hi := math.Min(1, math.Max(a.Quantile(1-1e-12), b.Quantile(1-1e-12)))
	return quad.Fixed(func(x float64) float64 { return b.Prob(x) * a.CDF(x) }, lo, hi, 2000, nil, 0)
}

func TestProbBBeatsA(t *testing.T) {
	t.Parallel()

	cases := []struct {
		name                   string
		ordersA, visitorsA     int
		ordersB, visitorsB     int
		published, publishedTo float64
	}{
		{"control 120/4,000 vs variant 95/4,100", 120, 4000, 95, 4100, 0.02811, 1e-5},
		{"3/100 vs 8/100", 3, 100, 8, 100, 0.933, 1e-3},
		{"1/200 vs 0/200", 1, 200, 0, 200, 0.249, 1e-3},
		{"equal arms", 50, 2000, 50, 2000, 0.5, 0.01},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()

			aA, bA := 1+float64(tc.ordersA), 1+float64(tc.visitorsA-tc.ordersA)
			aB, bB := 1+float64(tc.ordersB), 1+float64(tc.visitorsB-tc.ordersB)

			got := probBBeatsA(aA, bA, aB, bB)

			assert.InEpsilon(t, probBBeatsAByQuadrature(aA, bA, aB, bB), got, 1e-6, "against quadrature")
			assert.InDelta(t, tc.published, got, tc.publishedTo, "against the published value")
		})
	}
}

func TestHolm(t *testing.T) {
	t.Parallel()

	// Holm (1979) on p = 0.012, 0.020, 0.20: 3×0.012, max(0.036, 2×0.020),
	// max(0.040, 1×0.20); given out of order to check order is kept.
	got := holm([]float64{0.20, 0.012, 0.020})

	require.Len(t, got, 3)
	assert.InEpsilon(t, 0.20, got[0], 1e-12)
	assert.InEpsilon(t, 0.036, got[1], 1e-12)
	assert.InEpsilon(t, 0.040, got[2], 1e-12)
	assert.Equal(t, []float64{0.7}, holm([]float64{0.7}), "one test is not adjusted")
	assert.Equal(t, []float64{1, 1}, holm([]float64{0.6, 0.9}), "capped at 1")
}

func TestSampleSizePerArm(t *testing.T) {
	t.Parallel()

	// Baseline 3%, relative MDE 10%, two-sided 5%, power 80%: 53,210.3
	// per arm, so 53,211; with two variants and Bonferroni, 64,439.
	assert.Equal(t, 53211, sampleSizePerArm(0.03, 0.10, 0.05, 0.80, 1))
	assert.Equal(t, 64439, sampleSizePerArm(0.03, 0.10, 0.05, 0.80, 2))
	assert.Zero(t, sampleSizePerArm(0, 0.10, 0.05, 0.80, 1), "no baseline")
	assert.Zero(t, sampleSizePerArm(0.95, 0.10, 0.05, 0.80, 1), "the target rate would pass 100%")
	assert.Zero(t, sampleSizePerArm(0.03, 0, 0.05, 0.80, 1), "no effect to detect")
}
