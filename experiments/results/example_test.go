package results_test

import (
	"fmt"
	"math"

	"github.com/raftsim/raftsim/experiments"
	"github.com/raftsim/raftsim/experiments/results"
)

func ExampleFormatNumber() {
	for _, x := range []float64{42, 1500000, 0.1, 1.0 / 3, 1.5e-7, math.NaN(), math.Inf(1)} {
		fmt.Println(results.FormatNumber(x))
	}
	// Output:
	// 42
	// 1500000
	// 0.1
	// 0.3333333333333333
	// 1.5e-07
	// NaN
	// +Inf
}

func ExampleFormatSeed() {
	for _, seed := range []uint64{7, 12155563408180182791} {
		s := results.FormatSeed(seed)
		back, _ := results.ParseSeed(s)
		fmt.Println(s, back == seed)
	}
	// Output:
	// 0x0000_0000_0000_0007 true
	// 0xa8b1_3c84_4d50_ff07 true
}

func ExampleSummaryHeader() {
	plan := &experiments.Plan{
		Axes:      []string{"nodes", "election_timeout"},
		AxisKinds: []experiments.AxisKind{experiments.Number, experiments.DurationRange},
	}
	fmt.Println(results.TrialsHeader(plan, []string{"availability"}))
	fmt.Println(results.SummaryHeader(plan, []string{"availability"}))
	fmt.Println(results.SummaryLongHeader(plan))
	// Output:
	// [nodes election_timeout election_timeout_min_ms election_timeout_max_ms trial seed availability]
	// [nodes election_timeout election_timeout_min_ms election_timeout_max_ms trials availability_n availability_mean availability_sd availability_ci95 availability_min availability_p50 availability_p90 availability_p99 availability_p999 availability_max]
	// [nodes election_timeout election_timeout_min_ms election_timeout_max_ms trials measure statistic value]
}
