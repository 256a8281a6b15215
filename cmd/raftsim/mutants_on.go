//go:build mutants

package main

import (
	"fmt"
	"strings"

	"github.com/raftsim/raftsim/cluster"
	"github.com/raftsim/raftsim/raft"
	"github.com/spf13/pflag"
)

// addMutateFlag registers run's --mutate, in the mutants build only: the release binary has no such
// flag. It is not a spec setting, so no spec file or sweep can switch a mutation on.
func addMutateFlag(fs *pflag.FlagSet, f *runFlags) {
	fs.StringVar(&f.mutate, "mutate", "", "break rules of Raft on purpose, to see the checks catch them (mutants build only): `NAME[,NAME]` among "+
		strings.Join(raft.MutationNames(), ", "))
	_ = fs.SetAnnotation("mutate", flagGroupKey, []string{groupCluster})
}

// setMutations switches on the mutations named in s (--mutate).
func setMutations(cfg *cluster.Config, s string) error {
	m, err := raft.ParseMutation(s)
	if err != nil {
		return fmt.Errorf("--mutate %s: %w", s, err)
	}
	cfg.Mutate = m
	return nil
}
