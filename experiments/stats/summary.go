package stats

import (
	"math"
	"math/big"
	"slices"
	"strconv"
)

// Summary describes a sample: the statistics of a point's trials in summary.csv.
//
// Every field but CI95 is computed exactly and rounded once to the nearest float64 (ties to even), on
// the values as their shortest decimal text reads (strconv.FormatFloat(x, 'g', -1, 64), the form the
// result files write): the mean of 0.1 and 0.2 is 0.15, not the 0.15000000000000002 that float
// arithmetic gives, and the result does not depend on the order of the values, on the machine or on
// the compiler fusing a multiply and an add. So a statistic reads as a person working from trials.csv
// by hand would write it. It may differ in the last bit from numpy or R, which add in float64.
//
//   - N is the number of values.
//   - Mean is the arithmetic mean.
//   - SD is the sample standard deviation, normalised by N-1 (sqrt of the exact variance, rounded).
//   - CI95 is the half-width of the two-sided 95% confidence interval of the mean, t(0.975, N-1)·SD/√N
//     with Student's t quantile (see CI95): the interval is Mean ± CI95.
//   - Min and Max are the smallest and largest values.
//   - P50, P90, P99 and P999 are the 50th, 90th, 99th and 99.9th percentiles by Hyndman & Fan's type 7
//     (numpy's default "linear", R's default, Excel's PERCENTILE.INC): with h = (N-1)·p/100, the value
//     interpolates linearly between the order statistics x[floor h] and x[floor h + 1] (from 0). h
//     and the interpolation are exact: P90 of 1..10 is 9.1.
//
// Infinities are kept, not hidden: a +Inf value (an election still unfinished when its trial ended)
// makes Mean and Max +Inf, SD and CI95 NaN (the spread of a sample with an infinite value is not a
// number), and a percentile +Inf exactly when it interpolates towards +Inf (as the limit of a finite
// interpolation would; an exact order statistic stays finite). +Inf and -Inf together make Mean NaN.
//
// For an empty sample every float field is NaN; SD and CI95 are NaN for N < 2 and exactly 0 when all
// values are equal. If any value is NaN, every float field is NaN, as in numpy: callers that mean
// "not measured" by NaN leave those values out first.
type Summary struct {
	N                   int
	Mean, SD, CI95      float64
	Min                 float64
	P50, P90, P99, P999 float64
	Max                 float64
}

// Summarize computes the Summary of xs without modifying it.
func Summarize(xs []float64) Summary {
	nan := math.NaN()
	s := Summary{N: len(xs), Mean: nan, SD: nan, CI95: nan, Min: nan, P50: nan, P90: nan, P99: nan, P999: nan, Max: nan}
	if len(xs) == 0 || slices.ContainsFunc(xs, math.IsNaN) {
		return s
	}
	sorted := slices.Clone(xs)
	slices.Sort(sorted)
	s.Min, s.Max = sorted[0], sorted[len(sorted)-1]
	s.P50 = exactPercentile(sorted, 500)
	s.P90 = exactPercentile(sorted, 900)
	s.P99 = exactPercentile(sorted, 990)
	s.P999 = exactPercentile(sorted, 999)
	switch lo, hi := math.IsInf(s.Min, -1), math.IsInf(s.Max, 1); {
	case lo && hi:
		return s // Mean NaN: -Inf + Inf
	case lo:
		s.Mean = s.Min
		return s
	case hi:
		s.Mean = s.Max
		return s
	}
	s.Mean, s.SD = exactMeanSD(xs)
	if s.N >= 2 {
		s.CI95 = s.SD
		if s.SD != 0 {
			s.CI95 = tQuantile975(s.N-1) * s.SD / math.Sqrt(float64(s.N))
		}
	}
	return s
}

// decimal is a finite float64 as its shortest decimal text reads: m·10^e, with |m| < 10^17.
type decimal struct {
	m int64
	e int
}

func toDecimal(x float64) decimal {
	var buf [32]byte
	b := strconv.AppendFloat(buf[:0], x, 'e', -1, 64) // "-1.2345e-07", "5e+00"
	neg := b[0] == '-'
	if neg {
		b = b[1:]
	}
	var d decimal
	frac, dot := 0, false
	i := 0
	for ; b[i] != 'e'; i++ {
		if b[i] == '.' {
			dot = true
			continue
		}
		d.m = d.m*10 + int64(b[i]-'0')
		if dot {
			frac++
		}
	}
	e, _ := strconv.Atoi(string(b[i+1:]))
	d.e = e - frac
	if neg {
		d.m = -d.m
	}
	return d
}

// pow10 returns 10^k as a big.Int, k >= 0.
func pow10(k int) *big.Int {
	return new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(k)), nil)
}

// rat returns d as an exact rational.
func (d decimal) rat() *big.Rat {
	num := big.NewInt(d.m)
	if d.e >= 0 {
		return new(big.Rat).SetInt(num.Mul(num, pow10(d.e)))
	}
	return new(big.Rat).SetFrac(num, pow10(-d.e))
}

// exactMeanSD returns the mean and the sample standard deviation of finite xs (SD NaN for fewer than
// two values), from exact sums. With every value scaled to the smallest exponent E, x_i = M_i·10^E for
// integers M_i, and S = ΣM_i, Q = ΣM_i²: mean = S/n·10^E and variance = (nQ - S²)/(n(n-1))·10^(2E).
func exactMeanSD(xs []float64) (mean, sd float64) {
	ds := make([]decimal, len(xs))
	minE := math.MaxInt
	for i, x := range xs {
		ds[i] = toDecimal(x)
		if ds[i].m != 0 {
			minE = min(minE, ds[i].e)
		}
	}
	n := int64(len(xs))
	if minE == math.MaxInt { // all zero
		if n < 2 {
			return 0, math.NaN()
		}
		return 0, 0
	}
	scale := map[int]*big.Int{}
	var s, q, mi big.Int
	for _, d := range ds {
		if d.m == 0 {
			continue
		}
		mi.SetInt64(d.m)
		if k := d.e - minE; k > 0 {
			p, ok := scale[k]
			if !ok {
				p = pow10(k)
				scale[k] = p
			}
			mi.Mul(&mi, p)
		}
		s.Add(&s, &mi)
		q.Add(&q, mi.Mul(&mi, &mi))
	}
	// scaleRat multiplies r by 10^(k·minE).
	scaleRat := func(r *big.Rat, k int) *big.Rat {
		if e := k * minE; e < 0 {
			return r.Quo(r, new(big.Rat).SetInt(pow10(-e)))
		}
		return r.Mul(r, new(big.Rat).SetInt(pow10(k*minE)))
	}
	mean, _ = scaleRat(new(big.Rat).SetFrac(new(big.Int).Set(&s), big.NewInt(n)), 1).Float64()
	if n < 2 {
		return mean, math.NaN()
	}
	var num big.Int
	num.Mul(big.NewInt(n), &q)
	num.Sub(&num, new(big.Int).Mul(&s, &s))
	if num.Sign() == 0 {
		return mean, 0
	}
	v := scaleRat(new(big.Rat).SetFrac(&num, big.NewInt(n*(n-1))), 2)
	// 200 bits, then one rounding to 53: the square root is correct to the last bit but for ties too
	// rare to matter, and the same on every machine.
	f := new(big.Float).SetPrec(200).SetRat(v)
	sd, _ = f.Sqrt(f).Float64()
	return mean, sd
}

// exactPercentile is Percentile(sorted, perMille/10) computed exactly: h = (n-1)·perMille/1000 and the
// interpolation are exact rationals, rounded once. Infinite ends follow lerp. sorted holds no NaN.
func exactPercentile(sorted []float64, perMille int) float64 {
	n := len(sorted)
	h := (n - 1) * perMille
	lo, r := h/1000, h%1000
	if r == 0 || lo >= n-1 {
		return sorted[min(lo, n-1)]
	}
	a, b := sorted[lo], sorted[lo+1]
	if a == b || math.IsInf(a, 0) || math.IsInf(b, 0) {
		return lerp(a, b, float64(r)/1000) // the infinite cases, decided without arithmetic
	}
	ra, rb := toDecimal(a).rat(), toDecimal(b).rat()
	t := big.NewRat(int64(r), 1000)
	rb.Sub(rb, ra)
	rb.Mul(rb, t)
	ra.Add(ra, rb)
	x, _ := ra.Float64()
	return x
}
