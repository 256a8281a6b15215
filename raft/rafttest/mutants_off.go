//go:build !mutants

package rafttest

import (
	"errors"

	"github.com/raftsim/raftsim/raft"
)

// setMutants refuses: outside the mutants build no mutation can be switched on (add-nodes mutate=).
func setMutants(*raft.Config, string) error {
	return errors.New("rafttest: mutations exist only in a build with -tags mutants (run the script with go test -tags mutants)")
}
