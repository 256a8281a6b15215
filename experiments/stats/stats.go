package stats

import (
	"math"
	"slices"

	"gonum.org/v1/gonum/stat/distuv"
)

// Mean returns the arithmetic mean of xs, or NaN when xs is empty.
func Mean(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	var sum float64
	for _, x := range xs {
		sum += x
	}
	m := sum / float64(len(xs))
	if math.IsInf(m, 0) || math.IsNaN(m) {
		return m
	}
	// One refinement pass removes most of the rounding error of the
	// naive sum; it also makes the mean of identical values exact.
	var corr float64
	for _, x := range xs {
		corr += x - m
	}
	return m + corr/float64(len(xs))
}

// StdDev returns the sample standard deviation of xs (normalised by n-1).
// It is NaN when len(xs) < 2 and exactly 0 when all values are equal.
func StdDev(xs []float64) float64 {
	if len(xs) < 2 {
		return math.NaN()
	}
	if allEqual(xs) {
		return 0
	}
	m := Mean(xs)
	// Two-pass with compensation (Chan, Golub & LeVeque "corrected
	// two-pass"): the second sum cancels the rounding left in m.
	var ss, comp float64
	for _, x := range xs {
		d := x - m
		ss += d * d
		comp += d
	}
	n := float64(len(xs))
	return math.Sqrt((ss - comp*comp/n) / (n - 1))
}

// CI95 returns the half-width of the two-sided 95% confidence interval
// of the mean of xs, t(0.975, n-1) * s / sqrt(n), where s is StdDev(xs)
// and t is the Student t quantile with n-1 degrees of freedom. The
// interval assumes independent, roughly normal trial results; it is NaN
// when len(xs) < 2 and exactly 0 when all values are equal.
func CI95(xs []float64) float64 {
	n := len(xs)
	if n < 2 {
		return math.NaN()
	}
	sd := StdDev(xs)
	if sd == 0 || math.IsNaN(sd) {
		return sd
	}
	return tQuantile975(n-1) * sd / math.Sqrt(float64(n))
}

// tQuantile975 returns the 0.975 quantile of Student's t distribution
// with df degrees of freedom. Quantile does not sample, so the nil Src
// never reaches the global random source.
func tQuantile975(df int) float64 {
	return distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(df)}.Quantile(0.975)
}

// Percentile returns the p-th percentile (p in [0, 100]) of sorted, which
// must be in ascending order.
//
// The definition is Hyndman & Fan's type 7, the default of numpy
// (method="linear"), R and Excel's PERCENTILE.INC: with h = (n-1)·p/100,
// the result interpolates linearly between the order statistics
// sorted[floor(h)] and sorted[floor(h)+1]. So p=0 is the minimum, p=100
// the maximum, and for n=1 every percentile is the single value. The
// interpolation is done the way numpy does it, so results agree with
// numpy.percentile to the last bit for finite inputs.
//
// Percentile returns NaN for an empty slice and panics if p is outside
// [0, 100] or sorted is not sorted (both are programmer errors).
func Percentile(sorted []float64, p float64) float64 {
	if !(p >= 0 && p <= 100) {
		panic("stats: percentile p not in [0,100]")
	}
	if !slices.IsSorted(sorted) {
		panic("stats: percentile input not sorted")
	}
	n := len(sorted)
	if n == 0 {
		return math.NaN()
	}
	h := float64(n-1) * (p / 100)
	lo := int(math.Floor(h))
	if lo >= n-1 {
		return sorted[n-1]
	}
	return lerp(sorted[lo], sorted[lo+1], h-float64(lo))
}

// lerp interpolates between a and b like numpy's _lerp: from the nearer
// end, so lerp(a, b, 1) == b exactly and the result is monotone in t.
// Infinite ends are handled before the arithmetic, which would give NaN
// (0·Inf, Inf−Inf): at t == 0 or a == b the result is a; otherwise an
// infinite end wins, as the limit of a finite interpolation would.
func lerp(a, b, t float64) float64 {
	switch {
	case t == 0 || a == b:
		return a
	case math.IsInf(a, -1) && math.IsInf(b, 1):
		return math.NaN()
	case math.IsInf(a, -1):
		return a
	case math.IsInf(b, 1):
		return b
	}
	d := b - a
	if t >= 0.5 {
		return b - d*(1-t)
	}
	return a + d*t
}

func allEqual(xs []float64) bool {
	for _, x := range xs[1:] {
		if x != xs[0] {
			return false
		}
	}
	return true
}
