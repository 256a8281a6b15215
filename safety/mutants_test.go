//go:build mutants

package safety_test

import (
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/raftsim/raftsim/raft/rafttest"
	"github.com/raftsim/raftsim/safety"
)

// mutantScripts are the mutation scripts of ../raft/testdata/mutants (one per mutation the node
// carries out) and the properties the checker may report for each. Nil for the read mutations: an
// interaction env does not report reads to its observer, so only the env's own read check catches
// them (cluster/mutants_test.go shows the checker's Read Freshness catching each in a simulated run).
//
//   - vote_no_log_check, ack_before_durable: a leader elected without a committed entry (Leader
//     Completeness).
//   - vote_before_durable: a node that forgot its vote elects a second leader of the term (Election
//     Safety).
//   - no_suffix_truncation: a follower keeps a stale suffix behind an overwritten entry (Log Matching).
//   - commit_prior_term: Figure 8 of the Raft paper, where an entry that was committed and applied is
//     overwritten: Leader Completeness (the next leader lacks it) or State Machine Safety (another
//     entry is committed there).
//   - concurrent_conf_changes: a leader adds two voters at once; the checker, which follows
//     configurations, must report Configuration Safety when the second change is appended, before
//     the split brain that follows.
var mutantScripts = map[string][]string{
	"commit_prior_term":       {safety.LeaderCompleteness, safety.StateMachineSafety},
	"concurrent_conf_changes": {safety.ConfigurationSafety},
	"vote_no_log_check":       {safety.LeaderCompleteness},
	"vote_before_durable":     {safety.ElectionSafety},
	"ack_before_durable":      {safety.LeaderCompleteness},
	"no_suffix_truncation":    {safety.LogMatching},
	"read_index_no_heartbeat": nil,
	"lease_no_check_quorum":   nil,
	"lease_ignores_drift":     nil,
}

// TestCheckerOnMutantScripts replays the mutation scripts with a Checker watching, called as the
// simulator calls it: the checker must catch each script listed with properties in mutantScripts as
// one of them, and the env must pass its violation on.
func TestCheckerOnMutantScripts(t *testing.T) {
	files, err := filepath.Glob("../raft/testdata/mutants/*.txt")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".txt")
		want, listed := mutantScripts[name]
		seen[name] = true
		t.Run(name, func(t *testing.T) {
			if !listed {
				t.Fatalf("%s is not in mutantScripts: say what the checker must report", f)
			}
			e, checkers := watched()
			rafttest.RunScript(t, f, e, false)
			var found []*safety.Violation
			for _, c := range *checkers {
				if v := c.Err(); v != nil {
					found = append(found, v)
				}
			}
			if want == nil {
				for _, v := range found {
					t.Logf("checker (not required here): %v", v)
				}
				return
			}
			if len(found) == 0 {
				t.Fatalf("checker missed the broken rule; want %v", want)
			}
			v := found[0]
			t.Logf("checker: %s: %v", v.Invariant, v)
			if !slices.Contains(want, v.Invariant) {
				t.Errorf("checker reports %s, want one of %v", v.Invariant, want)
			}
			var got *safety.Violation
			if errs := e.ObserverErrors(); len(errs) == 0 || !errors.As(errs[0], &got) || got != v {
				t.Errorf("the env did not pass the checker's violation on: %v", errs)
			}
		})
	}
	for name := range mutantScripts {
		if !seen[name] {
			t.Errorf("%s.txt is missing from ../raft/testdata/mutants", name)
		}
	}
}
