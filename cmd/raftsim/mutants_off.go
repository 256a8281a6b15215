//go:build !mutants

package main

import (
	"github.com/spf13/pflag"

	"github.com/raftsim/raftsim/cluster"
)

// addMutateFlag adds --mutate in a mutants build (mutants_on.go); a release binary has no such flag.
func addMutateFlag(*pflag.FlagSet, *func(*cluster.Config), *[]string) {}
