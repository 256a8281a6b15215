//go:build mutants

package raft

import (
	"fmt"
	"math/bits"
	"strings"
)

// mutationNames are the mutations as settings spell them, in the order of their bits.
var mutationNames = [...]string{
	"commit_prior_term",
	"vote_no_log_check",
	"vote_before_durable",
	"ack_before_durable",
	"no_suffix_truncation",
	"lease_no_check_quorum",
	"lease_ignores_drift",
	"read_index_no_heartbeat",
	"concurrent_conf_changes",
	"snapshot_drops_entry",
}

// MutationNames returns the name of every mutation, in the order of their bits.
func MutationNames() []string { return mutationNames[:] }

// ParseMutation reads a comma-separated list of mutation names ("commit_prior_term,vote_no_log_check")
// into their set. An empty string is the empty set; an unknown name is an error that lists the known.
func ParseMutation(s string) (Mutation, error) {
	var m Mutation
	if s == "" {
		return 0, nil
	}
	for _, name := range strings.Split(s, ",") {
		name = strings.TrimSpace(name)
		found := false
		for b, n := range mutationNames {
			if n == name {
				m |= 1 << b
				found = true
				break
			}
		}
		if !found {
			return 0, fmt.Errorf("raft: unknown mutation %q (want one of %s)", name, strings.Join(mutationNames[:], ", "))
		}
	}
	return m, nil
}

// String is the set's names, comma-separated, in the order of their bits; "none" for the empty set.
func (m Mutation) String() string {
	if m == 0 {
		return "none"
	}
	var b strings.Builder
	for x := m; x != 0; x &= x - 1 {
		i := bits.TrailingZeros32(uint32(x))
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		if i < len(mutationNames) {
			b.WriteString(mutationNames[i])
		} else {
			fmt.Fprintf(&b, "Mutation(1<<%d)", i)
		}
	}
	return b.String()
}
