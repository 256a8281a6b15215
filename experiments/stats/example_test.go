package stats_test

import (
	"fmt"

	"github.com/raftsim/raftsim/experiments/stats"
)

func ExampleSummarize() {
	// Election downtime (ms) of ten trials of one sweep point.
	downtime := []float64{212, 305, 198, 251, 240, 199, 330, 228, 264, 221}
	s := stats.Summarize(downtime)
	fmt.Printf("n=%d mean=%.1f ±%.1f p50=%.1f p90=%.1f max=%.0f\n", s.N, s.Mean, s.CI95, s.P50, s.P90, s.Max)
	// Output:
	// n=10 mean=244.8 ±31.6 p50=234.0 p90=307.5 max=330
}

func ExamplePercentile() {
	sorted := []float64{15, 20, 35, 40, 50}
	fmt.Println(stats.Percentile(sorted, 0), stats.Percentile(sorted, 40), stats.Percentile(sorted, 100))
	// Output:
	// 15 29 50
}

func ExampleHistogram() {
	h := stats.NewHistogram()
	for i := int64(1); i <= 1000; i++ {
		h.Record(i * 1_000_000) // 1ms .. 1s in nanoseconds
	}
	fmt.Println(h.Count(), h.Min(), h.Max(), h.Mean())
	fmt.Println(h.Quantile(0.5), h.Quantile(0.99)) // exact: 500000000 990000000, within 1/128
	// Output:
	// 1000 1000000 1000000000 5.005e+08
	// 501219328 994050048
}
