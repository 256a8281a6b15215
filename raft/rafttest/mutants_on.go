//go:build mutants

package rafttest

import "github.com/raftsim/raftsim/raft"

// setMutants switches on the mutations named in s (add-nodes mutate=).
func setMutants(cfg *raft.Config, s string) error {
	m, err := raft.ParseMutation(s)
	cfg.Mutate = m
	return err
}
