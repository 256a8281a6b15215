//go:build mutants

package raft

// Mutants is the set of mutations a node (or a cluster) carries out: in this build, the mutants
// build, a set a test or `raftsim run --mutate` chooses. Config embeds it.
type Mutants struct {
	Mutate Mutation
}

// Has reports whether mutation x is switched on.
func (m Mutants) Has(x Mutation) bool { return m.Mutate&x != 0 }

// MutantsBuilt reports whether this is a mutants build, in which Mutants can switch mutations on.
const MutantsBuilt = true
