package stats

import (
	"math"
	"slices"
	"testing"
)

func near(got, want, tol float64) bool {
	if math.IsNaN(want) {
		return math.IsNaN(got)
	}
	return math.Abs(got-want) <= tol*math.Max(1, math.Abs(want))
}

func TestMeanStdDev(t *testing.T) {
	tests := []struct {
		name     string
		xs       []float64
		mean, sd float64
	}{
		{"empty", nil, math.NaN(), math.NaN()},
		{"one", []float64{4}, 4, math.NaN()},
		{"1..10", []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 5.5, 3.0276503540974917},
		{"pair", []float64{1, 3}, 2, math.Sqrt2},
		{"equal", []float64{0.1, 0.1, 0.1}, 0.1, 0},
		// Large offset: a naive sum-of-squares formula loses all digits here.
		{"offset", []float64{1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16}, 1e9 + 10, math.Sqrt(30)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Mean(tt.xs); !near(got, tt.mean, 1e-15) {
				t.Errorf("Mean = %v, want %v", got, tt.mean)
			}
			if got := StdDev(tt.xs); !near(got, tt.sd, 1e-12) {
				t.Errorf("StdDev = %v, want %v", got, tt.sd)
			}
		})
	}
}

func TestStdDevAllEqualIsExactlyZero(t *testing.T) {
	xs := []float64{0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1}
	if got := StdDev(xs); got != 0 {
		t.Fatalf("StdDev = %v, want exactly 0", got)
	}
	if got := CI95(xs); got != 0 {
		t.Fatalf("CI95 = %v, want exactly 0", got)
	}
	if got := Mean(xs); got != 0.1 {
		t.Fatalf("Mean = %v, want exactly 0.1", got)
	}
}

// Textbook t(0.975, df) values: 12.706205 (1), 2.776445 (4),
// 2.262157 (9), 2.045230 (29).
func TestCI95(t *testing.T) {
	thirty := make([]float64, 30)
	for i := range thirty {
		thirty[i] = float64(i % 3) // 10 each of 0, 1, 2: sd = sqrt(20/29)
	}
	tests := []struct {
		name string
		xs   []float64
		want float64
	}{
		{"empty", nil, math.NaN()},
		{"n=1", []float64{3}, math.NaN()},
		{"n=2", []float64{1, 3}, 12.706205}, // t·√2/√2
		{"n=5", []float64{10, 12, 14, 16, 18}, 2.776445 * math.Sqrt(10) / math.Sqrt(5)},            // 3.926486
		{"1..10", []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 2.262157 * 3.02765035 / math.Sqrt(10)}, // 2.16585
		{"n=30", thirty, 2.045230 * math.Sqrt(20.0/29) / math.Sqrt(30)},
		{"all equal", []float64{2, 2, 2}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// The tabulated t values have 7 significant digits.
			if got := CI95(tt.xs); !near(got, tt.want, 1e-6) {
				t.Errorf("CI95 = %.9g, want %.9g", got, tt.want)
			}
		})
	}
	// The brief's worked example: t=2.262157, sd=3.02765, half-width 2.1659.
	if got := CI95([]float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}); math.Abs(got-2.16585) > 1e-5 {
		t.Errorf("CI95(1..10) = %v, want 2.16585", got)
	}
}

func TestTQuantileTable(t *testing.T) {
	table := []struct {
		df   int
		want float64
	}{
		{1, 12.706205}, {2, 4.302653}, {3, 3.182446}, {4, 2.776445}, {5, 2.570582},
		{9, 2.262157}, {10, 2.228139}, {29, 2.045230}, {30, 2.042272}, {100, 1.983972},
	}
	for _, tt := range table {
		if got := tQuantile975(tt.df); math.Abs(got-tt.want) > 1e-6 {
			t.Errorf("t(0.975, %d) = %.7f, want %.6f", tt.df, got, tt.want)
		}
	}
}

// Expected values are numpy.percentile(a, p) (type 7), worked by hand:
// h = (n-1)·p/100, result = a[floor h] + frac(h)·(a[floor h + 1] - a[floor h]).
func TestPercentile(t *testing.T) {
	tests := []struct {
		name   string
		sorted []float64
		p      float64
		want   float64
	}{
		{"p0", []float64{1, 2, 3, 4}, 0, 1},
		{"p100", []float64{1, 2, 3, 4}, 100, 4},
		{"median even", []float64{1, 2, 3, 4}, 50, 2.5}, // h=1.5
		{"p25", []float64{1, 2, 3, 4}, 25, 1.75},        // h=0.75
		{"p10", []float64{1, 2, 3, 4}, 10, 1.3},         // h=0.3
		{"p90", []float64{1, 2, 3, 4}, 90, 3.7},         // h=2.7
		{"median odd", []float64{15, 20, 35, 40, 50}, 50, 35},
		{"p40", []float64{15, 20, 35, 40, 50}, 40, 29}, // h=1.6: 20+0.6·15
		{"p30", []float64{15, 20, 35, 40, 50}, 30, 23}, // h=1.2: 20+0.2·15
		{"p75 on rank", []float64{15, 20, 35, 40, 50}, 75, 40},
		{"ties p50", []float64{1, 1, 1, 2, 2}, 50, 1},   // h=2
		{"ties p60", []float64{1, 1, 1, 2, 2}, 60, 1.4}, // h=2.4
		{"ties p75", []float64{1, 1, 1, 2, 2}, 75, 2},   // h=3
		{"all tied", []float64{5, 5, 5}, 37, 5},
		{"n=1 p0", []float64{7}, 0, 7},
		{"n=1 p50", []float64{7}, 50, 7},
		{"n=1 p100", []float64{7}, 100, 7},
		{"negative", []float64{-5, -1, 0, 2}, 50, -0.5},
		{"p99.9", []float64{0, 1000}, 99.9, 999},
		{"empty", nil, 50, math.NaN()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Percentile(tt.sorted, tt.p); !near(got, tt.want, 1e-12) {
				t.Errorf("Percentile(%v, %v) = %v, want %v", tt.sorted, tt.p, got, tt.want)
			}
		})
	}
}

func TestPercentileMonotoneAndExactAtRanks(t *testing.T) {
	a := []float64{0.1, 0.7, 0.7, 1.3, 2.9, 3.0, 10.5}
	prev := math.Inf(-1)
	for p := 0.0; p <= 100; p += 0.25 {
		got := Percentile(a, p)
		if got < prev {
			t.Fatalf("Percentile not monotone at p=%v: %v < %v", p, got, prev)
		}
		prev = got
	}
	// p = 100·k/(n-1) lands exactly on order statistic k.
	for k := range a {
		p := 100 * float64(k) / float64(len(a)-1)
		if got := Percentile(a, p); got != a[k] {
			t.Errorf("Percentile(p=%v) = %v, want a[%d] = %v", p, got, k, a[k])
		}
	}
}

func TestPercentilePanics(t *testing.T) {
	tests := []struct {
		name   string
		sorted []float64
		p      float64
	}{
		{"p<0", []float64{1}, -1},
		{"p>100", []float64{1}, 100.5},
		{"p NaN", []float64{1}, math.NaN()},
		{"unsorted", []float64{2, 1}, 50},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("Percentile(%v, %v) did not panic", tt.sorted, tt.p)
				}
			}()
			Percentile(tt.sorted, tt.p)
		})
	}
}

func TestSummarize(t *testing.T) {
	xs := []float64{10, 1, 9, 2, 8, 3, 7, 4, 6, 5}
	orig := slices.Clone(xs)
	s := Summarize(xs)
	if !slices.Equal(xs, orig) {
		t.Fatalf("Summarize modified its input: %v", xs)
	}
	want := Summary{
		N: 10, Mean: 5.5, SD: 3.0276503540974917, CI95: 2.1658505896,
		P50:  5.5,  // h=4.5
		P90:  9.1,  // h=8.1
		P99:  9.91, // h=8.91
		P999: 9.991,
		Min:  1, Max: 10,
	}
	check := func(name string, got, want float64) {
		t.Helper()
		// Exact but for CI95, whose t quantile is tabulated to 10 digits here.
		if got != want && !(name == "CI95" && near(got, want, 1e-9)) {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	if s.N != want.N {
		t.Errorf("N = %d, want %d", s.N, want.N)
	}
	check("Mean", s.Mean, want.Mean)
	check("SD", s.SD, want.SD)
	check("CI95", s.CI95, want.CI95)
	check("P50", s.P50, want.P50)
	check("P90", s.P90, want.P90)
	check("P99", s.P99, want.P99)
	check("P999", s.P999, want.P999)
	check("Min", s.Min, want.Min)
	check("Max", s.Max, want.Max)

	t.Run("empty", func(t *testing.T) {
		s := Summarize(nil)
		if s.N != 0 || !math.IsNaN(s.Mean) || !math.IsNaN(s.P50) || !math.IsNaN(s.Min) || !math.IsNaN(s.CI95) {
			t.Errorf("Summarize(nil) = %+v, want N=0 and NaNs", s)
		}
	})
	t.Run("single", func(t *testing.T) {
		s := Summarize([]float64{3})
		if s.N != 1 || s.Mean != 3 || s.P50 != 3 || s.P999 != 3 || s.Min != 3 || s.Max != 3 || !math.IsNaN(s.CI95) {
			t.Errorf("Summarize([3]) = %+v", s)
		}
	})
	t.Run("NaN propagates", func(t *testing.T) {
		s := Summarize([]float64{1, math.NaN(), 3})
		if s.N != 3 || !math.IsNaN(s.Mean) || !math.IsNaN(s.P50) || !math.IsNaN(s.Max) {
			t.Errorf("Summarize with NaN = %+v, want NaN fields", s)
		}
	})
}

// An unfinished election is recorded as +Inf downtime: percentiles must stay exact where they can.
func TestPercentileInfinities(t *testing.T) {
	inf := math.Inf(1)
	tests := []struct {
		xs   []float64
		p    float64
		want float64
	}{
		{[]float64{1, 2, inf}, 50, 2},   // an exact order statistic, not 0·Inf
		{[]float64{1, inf}, 0, 1},       // likewise
		{[]float64{1, inf}, 50, inf},    // interpolating towards +Inf: its limit
		{[]float64{1, 2, inf}, 99, inf}, //
		{[]float64{inf, inf}, 50, inf},  // equal ends
		{[]float64{-inf, 1}, 50, -inf},  //
		{[]float64{-inf, inf}, 50, math.NaN()},
	}
	for _, tt := range tests {
		got := Percentile(tt.xs, tt.p)
		if got != tt.want && !(math.IsNaN(got) && math.IsNaN(tt.want)) {
			t.Errorf("Percentile(%v, %v) = %v, want %v", tt.xs, tt.p, got, tt.want)
		}
	}
}
