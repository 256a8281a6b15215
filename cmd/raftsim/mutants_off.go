//go:build !mutants

package main

import (
	"github.com/raftsim/raftsim/cluster"
	"github.com/spf13/pflag"
)

// addMutateFlag registers nothing: --mutate exists only in the mutants build (mutants_on.go).
func addMutateFlag(*pflag.FlagSet, *runFlags) {}

// setMutations has nothing to set: without the flag, s is always empty.
func setMutations(*cluster.Config, string) error { return nil }
