//go:build !mutants

package raft

// Mutants is empty outside the mutants build: no mutation can be switched on, and Has, the constant
// false, lets the compiler drop every mutated path, so the release binary carries none of them (build
// with -tags mutants for the mutations: mutants_on.go).
type Mutants struct{}

// Has reports whether mutation x is switched on: never, in this build.
func (Mutants) Has(Mutation) bool { return false }

// MutantsBuilt reports whether this is a mutants build, in which Mutants can switch mutations on.
const MutantsBuilt = false
