//go:build mutants

package swarm

import (
	"context"
	"testing"

	"github.com/raftsim/raftsim/cluster"
	"github.com/raftsim/raftsim/raft"
)

// TestMutantsCaughtBySwarm: `raftsim check` against each mutation (raft/mutation.go) from seed 1, stopping
// at the first failing seed. within is the most seeds the check may need: about twice the seed that caught
// the mutation when this was written (the README lists those seeds; a change to the world generator or to
// Raft moves them, and the check must still catch each within this bound). The failing world is then
// shrunk: the smaller world must still fail with the mutation (Shrink's promise) and pass without it, so
// that what it shows is the mutation's doing, not the world's.
func TestMutantsCaughtBySwarm(t *testing.T) {
	for _, tc := range []struct {
		name   string
		within uint64
		// at, when set, is the first seed that catches it, found by a search too long for a test: the
		// test checks that seed alone.
		at uint64
	}{
		{"commit_prior_term", 1200, 0},      // seed 602, a figure8 world (swarm/family.go)
		{"vote_no_log_check", 50, 0},        // seed 16
		{"vote_before_durable", 1, 7288},    // seeds 1 to 7287 pass (README)
		{"ack_before_durable", 1000, 0},     // seed 469
		{"no_suffix_truncation", 50, 0},     // seed 16
		{"lease_no_check_quorum", 1, 39308}, // seeds 1 to 39307 pass (README)
		{"lease_ignores_drift", 200, 0},     // seed 93, a lease-edge world
		{"read_index_no_heartbeat", 100, 0}, // seed 44
		{"concurrent_conf_changes", 20, 0},  // seed 8
		{"snapshot_drops_entry", 200, 0},    // seed 86
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := raft.ParseMutation(tc.name)
			if err != nil {
				t.Fatal(err)
			}
			mutate := Options{Tweak: func(c *cluster.Config) { c.Mutate = m }}
			from := uint64(1)
			if tc.at > 0 {
				from = tc.at
			}
			rep, err := Check(context.Background(), Plan{From: from, Seeds: tc.within, MaxFailures: 1, Options: mutate}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if rep.FailedSeeds() == 0 {
				t.Fatalf("not caught in seeds %d to %d", from, from+tc.within-1)
			}
			r := rep.Failed[0]
			t.Logf("caught at seed %d (%s): %s", r.Seed, r.Fail, r.Reason)

			sh, err := Shrink(context.Background(), Draw(r.Seed), mutate, nil, 300)
			if err != nil {
				t.Fatal(err)
			}
			if !sh.After.Less(sh.Before) || sh.Result.Fail != r.Fail {
				t.Fatalf("seed %d shrunk from %s to %s, %s", r.Seed, sh.Before, sh.After, sh.Result.Fail)
			}
			clean, err := Run(context.Background(), sh.World, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if !clean.Passed() {
				t.Fatalf("seed %d's shrunk world fails without the mutation: %s: %s\nworld: %s", r.Seed, clean.Fail, clean.Reason, sh.World.String())
			}
		})
	}
}
