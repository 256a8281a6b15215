//go:build !mutants

package raft_test

import (
	"strings"
	"testing"

	"github.com/raftsim/raftsim/raft"
	"github.com/raftsim/raftsim/raft/rafttest"
)

// TestNoMutantsInRelease: outside the mutants build no mutation can be switched on, and a script that
// asks for one fails with a message that says which build it needs.
func TestNoMutantsInRelease(t *testing.T) {
	if raft.MutantsBuilt || (raft.Mutants{}).Has(raft.MutCommitPriorTerm) {
		t.Fatal("a release build with mutations")
	}
	_, err := rafttest.NewEnv(nil).Run("add-nodes 3 mutate=commit_prior_term")
	if err == nil || !strings.Contains(err.Error(), "-tags mutants") {
		t.Errorf("add-nodes mutate= in a release build: %v, want an error naming -tags mutants", err)
	}
}
