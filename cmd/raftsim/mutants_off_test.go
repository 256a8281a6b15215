//go:build !mutants

package main

import (
	"testing"

	"github.com/raftsim/raftsim/cluster"
	"github.com/raftsim/raftsim/raft"
)

// setMutate has nothing to set outside the mutants build; a test that asks for a mutation there is a
// mistake.
func setMutate(_ *cluster.Config, m raft.Mutation) {
	if m != 0 {
		panic("mutations need a build with -tags mutants")
	}
}

// TestNoMutateInRelease: the release binary has no --mutate: it is an unknown flag, one line, exit 2.
func TestNoMutateInRelease(t *testing.T) {
	exitLine(t, raftsim(t, nil, "run", "--mutate", "x"), 2, "unknown flag: --mutate")
}
