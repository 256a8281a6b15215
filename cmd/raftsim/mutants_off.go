//go:build !mutants

package main

import (
	"github.com/raftsim/raftsim/cluster"
	"github.com/spf13/pflag"
)

// mutateFlag is empty outside the mutants build: run has no --mutate (mutants_on.go).
type mutateFlag struct{}

func (*mutateFlag) register(*pflag.FlagSet)     {}
func (mutateFlag) apply(*cluster.Config) error  { return nil }
func (mutateFlag) replay() []string             { return nil }
func (mutateFlag) tweak() func(*cluster.Config) { return nil }
