//go:build mutants

package main

import (
	"fmt"
	"strings"

	"github.com/raftsim/raftsim/cluster"
	"github.com/raftsim/raftsim/raft"
	"github.com/spf13/pflag"
)

// mutateFlag is run's --mutate, which exists in the mutants build only: the release binary has no
// such flag (mutants_off.go). It is not a spec setting, so no spec file or sweep can switch a mutation
// on.
type mutateFlag struct{ names string }

func (m *mutateFlag) register(fs *pflag.FlagSet) {
	fs.StringVar(&m.names, "mutate", "", "break rules of Raft on purpose, to see the checks catch them (mutants build only): `NAME[,NAME]` among "+
		strings.Join(raft.MutationNames(), ", "))
	_ = fs.SetAnnotation("mutate", flagGroupKey, []string{groupCluster})
}

// apply switches on the mutations named.
func (m mutateFlag) apply(cfg *cluster.Config) error {
	mut, err := raft.ParseMutation(m.names)
	if err != nil {
		return fmt.Errorf("--mutate %s: %w", m.names, err)
	}
	cfg.Mutate = mut
	return nil
}

// replay is the flag as the replay command of a violation gives it.
func (m mutateFlag) replay() []string {
	if m.names == "" {
		return nil
	}
	return []string{"--mutate=" + m.names}
}

// tweak is the mutation as swarm.Options.Tweak switches it on in each world (check, replay); nil with
// none. apply must have accepted the names first.
func (m mutateFlag) tweak() func(*cluster.Config) {
	if m.names == "" {
		return nil
	}
	return func(cfg *cluster.Config) { _ = m.apply(cfg) }
}
