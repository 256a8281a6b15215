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
// Raft moves them, and the check must still catch each within this bound). A mutation with within 0 is one
// the swarm has not caught in the seeds tried (missed): the test says so; its scenario test (raft/testdata/
// mutants, cluster/mutants_test.go) is what catches it today.
func TestMutantsCaughtBySwarm(t *testing.T) {
	for _, tc := range []struct {
		name   string
		within uint64
		missed uint64 // for within 0: the seeds tried without a catch (README)
		// at, when set, is the first seed that catches it, found by a search too long for a test: the
		// test checks that seed alone.
		at uint64
	}{
		{"vote_no_log_check", 50, 0, 0},
		{"ack_before_durable", 1000, 0, 0},
		{"no_suffix_truncation", 50, 0, 0},
		{"read_index_no_heartbeat", 150, 0, 0},
		{"concurrent_conf_changes", 20, 0, 0},
		{"snapshot_drops_entry", 200, 0, 0},
		{"lease_no_check_quorum", 1, 0, 39308}, // seeds 1 to 39307 pass (README)
		{"vote_before_durable", 1, 0, 7288},    // seeds 1 to 7287 pass (README)
		{"commit_prior_term", 0, 46000, 0},
		{"lease_ignores_drift", 0, 60622, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := raft.ParseMutation(tc.name)
			if err != nil {
				t.Fatal(err)
			}
			if tc.within == 0 {
				t.Skipf("not caught by the swarm in seeds 1 to %d (raftsim-mutants check --mutate %s --max-failures 1 --seeds %d; README); its scenario test catches it",
					tc.missed, tc.name, tc.missed)
			}
			from := uint64(1)
			if tc.at > 0 {
				from = tc.at
			}
			rep, err := Check(context.Background(), Plan{From: from, Seeds: tc.within, MaxFailures: 1,
				Options: Options{Tweak: func(c *cluster.Config) { c.Mutate = m }}}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if rep.FailedSeeds() == 0 {
				t.Fatalf("not caught in seeds %d to %d", from, from+tc.within-1)
			}
			r := rep.Failed[0]
			t.Logf("caught at seed %d (%s): %s", r.Seed, r.Fail, r.Reason)
		})
	}
}
