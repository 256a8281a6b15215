package stats

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
)

// TestSummarizeExact: the statistics are the exact values of the decimals as written, rounded once, so
// they read back as a person computing from the CSV by hand expects; float arithmetic would not.
func TestSummarizeExact(t *testing.T) {
	g := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	inf := math.Inf(1)
	tests := []struct {
		name  string
		xs    []float64
		field func(Summary) float64
		want  string
		float string // what float64 arithmetic gives, to show the test could fail
	}{
		{"mean of 0.1 and 0.2", []float64{0.1, 0.2}, func(s Summary) float64 { return s.Mean }, "0.15", ""},
		// The availability of 20 trials of fig16 at 150ms:150ms: float arithmetic gives 0.06406970000000001.
		{"mean of availabilities", fig16Availability, func(s Summary) float64 { return s.Mean }, "0.0640697", g(Mean(fig16Availability))},
		{"p90 of availabilities", fig16Availability, func(s Summary) float64 { return s.P90 }, "0.0392828", g(pct(fig16Availability, 90))},
		{"mean of downtimes in ms", []float64{170.535, 170.535, 170.535}, func(s Summary) float64 { return s.Mean }, "170.535", ""},
		// h = 19·0.9 = 17.1 is 17.100000000000001 in float64: numpy's p90 is 52.00000000000004.
		{"p90 of 20 counts", append(seq(1, 17), 49, 79, 80), func(s Summary) float64 { return s.P90 }, "52", g(Percentile(append(seq(1, 17), 49, 79, 80), 90))},
		{"p99.9 of 0 and 1000", []float64{0, 1000}, func(s Summary) float64 { return s.P999 }, "999", ""},
		{"p99 of 1..4", []float64{1, 2, 3, 4}, func(s Summary) float64 { return s.P99 }, "3.97", g(Percentile([]float64{1, 2, 3, 4}, 99))},
		{"sd of a pair", []float64{1, 3}, func(s Summary) float64 { return s.SD }, g(math.Sqrt2), ""},
		{"sd far from zero", []float64{1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16}, func(s Summary) float64 { return s.SD }, g(math.Sqrt(30)), ""},
		{"sd of equal decimals", []float64{0.1, 0.1, 0.1}, func(s Summary) float64 { return s.SD }, "0", ""},
		{"mean across magnitudes", []float64{1e-300, 1e300}, func(s Summary) float64 { return s.Mean }, "5e+299", ""},
		{"negative", []float64{-0.3, 0.1}, func(s Summary) float64 { return s.Mean }, "-0.1", ""},
		{"zeros", []float64{0, 0, math.Copysign(0, -1)}, func(s Summary) float64 { return s.SD }, "0", ""},
		{"one +Inf: mean", []float64{1, inf, 2}, func(s Summary) float64 { return s.Mean }, "+Inf", ""},
		{"one +Inf: sd", []float64{1, inf, 2}, func(s Summary) float64 { return s.SD }, "NaN", ""},
		{"one +Inf: ci95", []float64{1, inf, 2}, func(s Summary) float64 { return s.CI95 }, "NaN", ""},
		{"one +Inf: p50 is an order statistic", []float64{1, inf, 2}, func(s Summary) float64 { return s.P50 }, "2", ""},
		{"one +Inf: p90 interpolates to it", []float64{1, inf, 2}, func(s Summary) float64 { return s.P90 }, "+Inf", ""},
		{"all +Inf: sd", []float64{inf, inf}, func(s Summary) float64 { return s.SD }, "NaN", ""},
		{"both infinities", []float64{-inf, inf}, func(s Summary) float64 { return s.Mean }, "NaN", ""},
		{"-Inf", []float64{-inf, 3}, func(s Summary) float64 { return s.Mean }, "-Inf", ""},
		{"one value: sd", []float64{5}, func(s Summary) float64 { return s.SD }, "NaN", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := g(tt.field(Summarize(tt.xs)))
			if got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
			if tt.float != "" && tt.float == tt.want {
				t.Errorf("float arithmetic also gives %s: the case shows nothing", tt.float)
			}
		})
	}
}

var fig16Availability = []float64{0.036725, 0.036204, 0.573808, 0.036072, 0.036031, 0.036357, 0.037185, 0.034921,
	0.035475, 0.036668, 0.035914, 0.036006, 0.036923, 0.035143, 0.037029, 0.03604, 0.058163, 0.034955, 0.036617, 0.035158}

func pct(xs []float64, p float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return Percentile(s, p)
}

func seq(lo, hi int) []float64 {
	var xs []float64
	for i := lo; i <= hi; i++ {
		xs = append(xs, float64(i))
	}
	return xs
}

// TestSummarizeOrderFree: the result does not depend on the order of the values (float sums do), and
// agrees with the float functions to within their rounding.
func TestSummarizeOrderFree(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 50 {
		xs := make([]float64, 1+r.IntN(300))
		for i := range xs {
			xs[i] = math.Round(r.ExpFloat64()*200_000) / 1000 // ms with µs resolution, as the measures are
		}
		a := Summarize(xs)
		ys := slices.Clone(xs)
		r.Shuffle(len(ys), func(i, j int) { ys[i], ys[j] = ys[j], ys[i] })
		if b := Summarize(ys); !same(a, b) {
			t.Fatalf("order changed the summary:\n%+v\n%+v", a, b)
		}
		sorted := slices.Clone(xs)
		slices.Sort(sorted)
		for _, c := range []struct {
			name      string
			got, want float64
		}{
			{"mean", a.Mean, Mean(xs)}, {"sd", a.SD, StdDev(xs)}, {"ci95", a.CI95, CI95(xs)},
			{"p50", a.P50, Percentile(sorted, 50)}, {"p90", a.P90, Percentile(sorted, 90)},
			{"p99", a.P99, Percentile(sorted, 99)}, {"p999", a.P999, Percentile(sorted, 99.9)},
			{"min", a.Min, sorted[0]}, {"max", a.Max, sorted[len(sorted)-1]},
		} {
			if !near(c.got, c.want, 1e-13) {
				t.Errorf("n=%d %s = %v, float %v", len(xs), c.name, c.got, c.want)
			}
		}
	}
}

func same(a, b Summary) bool {
	eq := func(x, y float64) bool { return x == y || (math.IsNaN(x) && math.IsNaN(y)) }
	return a.N == b.N && eq(a.Mean, b.Mean) && eq(a.SD, b.SD) && eq(a.CI95, b.CI95) && eq(a.Min, b.Min) &&
		eq(a.P50, b.P50) && eq(a.P90, b.P90) && eq(a.P99, b.P99) && eq(a.P999, b.P999) && eq(a.Max, b.Max)
}

func TestToDecimal(t *testing.T) {
	for _, tt := range []struct {
		x float64
		m int64
		e int
	}{
		{0, 0, 0}, {1, 1, 0}, {-2.5, -25, -1}, {170.535, 170535, -3}, {1.5e-7, 15, -8}, {2e6, 2, 6},
		{math.MaxFloat64, 17976931348623157, 292}, {5e-324, 5, -324}, {fig16Availability[0] + 0.2, 23672500000000002, -17},
	} {
		if d := toDecimal(tt.x); d.m != tt.m || d.e != tt.e {
			t.Errorf("toDecimal(%v) = %d·10^%d, want %d·10^%d", tt.x, d.m, d.e, tt.m, tt.e)
		}
	}
}

func BenchmarkSummarize1000(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	xs := make([]float64, 1000)
	for i := range xs {
		xs[i] = math.Round(r.ExpFloat64()*200_000) / 1000
	}
	b.ReportAllocs()
	for b.Loop() {
		Summarize(xs)
	}
}
