package sweep

import (
	"context"
	"testing"

	"github.com/raftsim/raftsim/cluster"
	"github.com/raftsim/raftsim/experiments/measure"
)

// BenchmarkOverhead measures what the sweep adds to each trial (scheduling, journal, its syncs and the
// result files) with a run that does nothing: ns/op is per sweep of 4 points × 25 trials.
func BenchmarkOverhead(b *testing.B) {
	plan := testPlan(25)
	row := make([]float64, len(measure.Names))
	for i := range row {
		row[i] = float64(i) / 7
	}
	for b.Loop() {
		o := Options{Out: b.TempDir(), Workers: 4, run: func(context.Context, cluster.Config) ([]float64, error) { return row, nil }}
		if _, err := Run(context.Background(), plan, o); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTinySweep runs the test plan for real: 4 points × 3 trials of 300ms simulated.
func BenchmarkTinySweep(b *testing.B) {
	plan := testPlan(3)
	for b.Loop() {
		if _, err := Run(context.Background(), plan, Options{Out: b.TempDir(), Workers: 4}); err != nil {
			b.Fatal(err)
		}
	}
}
