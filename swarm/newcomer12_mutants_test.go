//go:build mutants

package swarm

import (
	"context"
	"slices"
	"testing"

	"github.com/raftsim/raftsim/cluster"
	"github.com/raftsim/raftsim/raft"
)

// TestMutantShrinkStepSingular: shrinking seed 93 under lease_ignores_drift drops single schedule
// entries on the way (the README's shrink table: 28 entries to 4), and says so as "dropped 1 schedule
// entry", not "dropped 1 schedule entries".
func TestMutantShrinkStepSingular(t *testing.T) {
	mutate := Options{Tweak: func(c *cluster.Config) { c.Mutate = raft.MutLeaseIgnoresDrift }}
	sh, err := Shrink(context.Background(), Draw(93), mutate, nil, 300)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(sh.Steps, "dropped 1 schedule entry") || slices.Contains(sh.Steps, "dropped 1 schedule entries") {
		t.Errorf("steps %q: want \"dropped 1 schedule entry\" among them, never \"... entries\"", sh.Steps)
	}
}
