package results_test

import (
	"fmt"
	"math"

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

func ExampleSummaryHeader() {
	fmt.Println(results.TrialsHeader([]string{"nodes"}, []string{"availability"}))
	fmt.Println(results.SummaryHeader([]string{"nodes"}, []string{"availability"}))
	// Output:
	// [nodes trial seed availability]
	// [nodes trials availability_mean availability_ci95 availability_p50 availability_p90 availability_p99 availability_max]
}
