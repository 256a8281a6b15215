package spec_test

import (
	"fmt"

	"github.com/raftsim/raftsim/experiments"
	"github.com/raftsim/raftsim/experiments/spec"
)

// A sweep of cluster sizes and, for each, of the number of nodes crashed with the leader.
func ExampleSpec_Plan() {
	src := `name: quorum
trials: 10
duration: 20s
scenario: {crash_at: 5s, measure_from: 7s}
axes:
  - {param: nodes, values: [3, 5]}
  - {param: faults, from: 1, to: nodes - 1}
`
	s, err := spec.Parse([]byte(src), "quorum.yaml")
	if err != nil {
		fmt.Println(err)
		return
	}
	plan, err := s.Plan()
	if err != nil {
		fmt.Println(err)
		return
	}
	for i := range plan.Points {
		p := &plan.Points[i]
		fmt.Printf("%-17s %v  seed of trial 0: %d\n", p.Key(), p.Config.Faults, experiments.TrialSeed(plan.Seed, p, 0))
	}
	// Output:
	// nodes=3 faults=1  [crash leader@5s]  seed of trial 0: 10842771678283085070
	// nodes=3 faults=2  [crash leader+1@5s]  seed of trial 0: 10434572139252264833
	// nodes=5 faults=1  [crash leader@5s]  seed of trial 0: 369961705462001093
	// nodes=5 faults=2  [crash leader+1@5s]  seed of trial 0: 3383320134064083144
	// nodes=5 faults=3  [crash leader+2@5s]  seed of trial 0: 9993972407700698523
	// nodes=5 faults=4  [crash leader+3@5s]  seed of trial 0: 9586222139618221285
}

// Errors name the file, the line, the field and, for a point of the sweep, the point.
func ExampleParse_error() {
	src := `name: quorum
scenario: {crash_at: 5s}
axes:
  - {param: nodes, values: [3, 5]}
  - {param: faults, from: 0, to: nodes + 1}
`
	_, err := spec.Parse([]byte(src), "quorum.yaml")
	fmt.Println(err)
	// Output:
	// spec: quorum.yaml:5: axes[1] (faults=4 at nodes=3): faults 4 > nodes 3
}
