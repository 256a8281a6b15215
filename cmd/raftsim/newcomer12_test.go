package main

import (
	"strings"
	"testing"
)

// TestRunViolationNamesRaftsim: without a mutation, a run's replay line names the release binary,
// raftsim (the mutants build's is TestMutantRunViolationNamesMutantsBinary).
func TestRunViolationNamesRaftsim(t *testing.T) {
	f := &runFlags{}
	got := strings.Join(f.replay(), " ")
	if got != "raftsim run --trace violation.jsonl" {
		t.Errorf("replay %q, want %q", got, "raftsim run --trace violation.jsonl")
	}
}

// TestSummaryOneNode: a one-node run's heading says "1 node", not "1 nodes"; five say "5 nodes".
func TestSummaryOneNode(t *testing.T) {
	for _, c := range []struct{ nodes, want string }{{"1", "raftsim run: 1 node, seed 1,"}, {"5", "raftsim run: 5 nodes, seed 1,"}} {
		r := raftsim(t, nil, "run", "--nodes", c.nodes, "--duration", "1s", "--quiet")
		if r.code != 0 || !strings.HasPrefix(r.stdout, c.want) {
			t.Errorf("--nodes %s: exit %d, stdout %q; want it to start %q", c.nodes, r.code, r.stdout, c.want)
		}
	}
}
