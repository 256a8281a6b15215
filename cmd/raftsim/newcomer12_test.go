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
