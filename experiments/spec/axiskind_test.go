package spec

import (
	"slices"
	"testing"

	"github.com/raftsim/raftsim/experiments"
)

// TestPlanAxisKinds: a plan says how each axis reads as numbers, so that the result files give every
// axis that is not a plain number a numeric column.
func TestPlanAxisKinds(t *testing.T) {
	s, err := Parse([]byte(`name: kinds
axes:
  - {param: nodes, values: [3, 5]}
  - {param: loss, values: [0, 0.01]}
  - {param: heartbeat, values: [50ms, 75ms]}
  - {param: election_timeout, values: ["150ms:300ms"]}
  - {param: bandwidth, values: [1Gbps, unlimited]}
  - {param: latency, values: ["1ms", "exp:2ms"]}
  - {param: pre_vote, values: [true]}
  - {param: routing, values: [direct]}
  - name: net
    variant: [{name: lan}]
`), "kinds.yaml")
	if err != nil {
		t.Fatal(err)
	}
	plan, err := s.Plan()
	if err != nil {
		t.Fatal(err)
	}
	want := []experiments.AxisKind{experiments.Number, experiments.Number, experiments.Duration, experiments.DurationRange,
		experiments.Bandwidth, experiments.Categorical, experiments.Categorical, experiments.Categorical, experiments.Categorical}
	if !slices.Equal(plan.AxisKinds, want) {
		t.Errorf("AxisKinds = %v, want %v", plan.AxisKinds, want)
	}
	for i := range plan.Points {
		for j, c := range plan.Points[i].Coords {
			if _, err := plan.AxisKind(j).Numbers(c.Value); err != nil {
				t.Errorf("point %q: %v", plan.Points[i].Key(), err)
			}
		}
	}
}
