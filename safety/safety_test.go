package safety

import (
	"strings"
	"testing"
	"time"

	"github.com/raftsim/raftsim/raft"
)

// ents builds entries first.. with the given terms; data distinguishes entries of the same term.
func ents(first uint64, data string, terms ...uint64) []raft.Entry {
	out := make([]raft.Entry, len(terms))
	for i, t := range terms {
		out[i] = raft.Entry{Term: t, Index: first + uint64(i), Data: []byte(data)}
	}
	return out
}

func TestCheckerCatches(t *testing.T) {
	tests := []struct {
		name string
		run  func(c *Checker) *Violation
		want string // invariant; "" for none
	}{
		{"healthy run", func(c *Checker) *Violation {
			for id := uint64(1); id <= 3; id++ {
				if v := c.LogChanged(id, 1, ents(1, "a", 1, 1, 2)); v != nil {
					return v
				}
			}
			if v := c.BecameLeader(1, 2); v != nil {
				return v
			}
			if v := c.Committed(1, 2, 3); v != nil {
				return v
			}
			if v := c.Applied(2, ents(1, "a", 1, 1, 2)); v != nil {
				return v
			}
			return c.Applied(3, ents(1, "a", 1, 1, 2))
		}, ""},
		{"two leaders in a term", func(c *Checker) *Violation {
			c.BecameLeader(1, 5)
			return c.BecameLeader(2, 5)
		}, ElectionSafety},
		{"leader truncates its log", func(c *Checker) *Violation {
			c.LogChanged(1, 1, ents(1, "a", 1, 1))
			c.BecameLeader(1, 1)
			return c.LogChanged(1, 2, ents(2, "b", 1))
		}, LeaderAppendOnly},
		{"a follower may truncate", func(c *Checker) *Violation {
			c.LogChanged(1, 1, ents(1, "a", 1, 1))
			return c.LogChanged(1, 2, ents(2, "b", 2))
		}, ""},
		{"same index and term, different prefix", func(c *Checker) *Violation {
			c.LogChanged(1, 1, ents(1, "a", 1, 2))
			return c.LogChanged(2, 1, ents(1, "b", 1, 2))
		}, LogMatching},
		{"one node, the same index and term over another prefix", func(c *Checker) *Violation {
			c.LogChanged(1, 1, ents(1, "a", 1, 2))
			return c.LogChanged(1, 1, ents(1, "b", 1, 2))
		}, LogMatching},
		{"new leader lacks a committed entry", func(c *Checker) *Violation {
			c.LogChanged(1, 1, ents(1, "a", 1, 1))
			c.LogChanged(2, 1, ents(1, "a", 1))
			c.Committed(1, 1, 2)
			return c.BecameLeader(2, 3)
		}, LeaderCompleteness},
		{"different entries applied at one index", func(c *Checker) *Violation {
			c.LogChanged(1, 1, ents(1, "a", 1))
			c.LogChanged(2, 1, ents(1, "b", 2))
			c.Applied(1, ents(1, "a", 1))
			return c.Applied(2, ents(1, "b", 2))
		}, StateMachineSafety},
		{"a slow candidate of an earlier term may win after a later term committed more", func(c *Checker) *Violation {
			c.LogChanged(1, 1, ents(1, "a", 1))
			c.LogChanged(2, 1, ents(1, "a", 1, 2))
			c.Committed(2, 2, 2)        // the leader of term 2 committed index 2
			return c.BecameLeader(1, 1) // node 1's votes for term 1 arrive late
		}, ""},
		{"a committed index that differs from what another node committed there", func(c *Checker) *Violation {
			c.LogChanged(1, 1, ents(1, "a", 1, 1))
			c.LogChanged(2, 1, ents(1, "a", 1, 2))
			c.Committed(1, 1, 2)
			return c.Committed(2, 2, 2)
		}, StateMachineSafety},
		{"snapshots: compacted, installed and restarted logs are judged on what they retain", func(c *Checker) *Violation {
			for _, v := range []*Violation{
				c.LogChanged(1, 1, ents(1, "a", 1, 1, 1, 1)),
				c.LogChanged(2, 1, ents(1, "a", 1, 1, 1, 1)),
				c.LogChanged(3, 1, ents(1, "a", 1)),
				c.Committed(1, 1, 3),
				c.Applied(1, ents(1, "a", 1, 1, 1)),
				c.Snapshotted(1, 3, 1, raft.ConfState{}), // compacts; entry 4 stays
				c.Committed(1, 1, 4),
				c.Applied(1, ents(4, "a", 1)),
				c.Snapshotted(3, 3, 1, raft.ConfState{}), // installed: replaces node 3's log
				c.LogChanged(3, 4, ents(4, "a", 1)),
				c.Committed(3, 1, 4),
				c.Applied(3, ents(4, "a", 1)),
				c.Restarted(2, 3, 1, raft.ConfState{}, ents(4, "a", 1)),
				c.Committed(2, 1, 3),
				c.BecameLeader(2, 2),
			} {
				if v != nil {
					return v
				}
			}
			return nil
		}, ""},
		{"snapshot beyond the committed index", func(c *Checker) *Violation {
			c.LogChanged(1, 1, ents(1, "a", 1, 1))
			c.Committed(1, 1, 1)
			return c.Snapshotted(1, 2, 1, raft.ConfState{})
		}, StateMachineSafety},
		{"a change inside the snapshot", func(c *Checker) *Violation {
			c.LogChanged(1, 1, ents(1, "a", 1, 1))
			c.Committed(1, 1, 2)
			c.Snapshotted(1, 2, 1, raft.ConfState{})
			return c.LogChanged(1, 2, ents(2, "b", 2))
		}, StateMachineSafety},
		{"committed prefix rewritten", func(c *Checker) *Violation {
			c.LogChanged(1, 1, ents(1, "a", 1, 1))
			c.Committed(1, 1, 2)
			c.LogChanged(2, 1, ents(1, "a", 1, 3, 3))
			return c.Committed(2, 3, 3)
		}, StateMachineSafety},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := New(42, func() time.Duration { return 1500 * time.Millisecond })
			v := tt.run(c)
			if tt.want == "" {
				if v != nil {
					t.Fatalf("unexpected violation: %v", v)
				}
				return
			}
			if v == nil {
				t.Fatalf("no violation; want %s", tt.want)
			}
			if v.Invariant != tt.want {
				t.Fatalf("violation of %s, want %s: %v", v.Invariant, tt.want, v)
			}
			msg := v.Error()
			for _, s := range []string{tt.want, "1.5s", "seed 42"} {
				if !strings.Contains(msg, s) {
					t.Errorf("report %q lacks %q", msg, s)
				}
			}
			if c.Err() != v {
				t.Error("Err does not return the first violation")
			}
		})
	}
}

// TestRecordsGrowWithElections: what the checker remembers beyond the logs grows with each leader
// whose empty entry the next leader overwrites, while every log stays two entries long; the copies of
// an entry other nodes hold add nothing. This is the growth cluster bounds with Records.
func TestRecordsGrowWithElections(t *testing.T) {
	c := New(1, func() time.Duration { return 0 })
	for id := uint64(1); id <= 3; id++ {
		c.LogChanged(id, 1, ents(1, "a", 1))
	}
	base := c.Records()
	if base != 1 {
		t.Fatalf("%d records for one entry held by three nodes, want 1", base)
	}
	for term := uint64(2); term <= 101; term++ {
		// Each leader's empty entry replaces the last one's at index 2 on every node, then the
		// leader steps down before anything commits.
		for id := uint64(1); id <= 3; id++ {
			if v := c.LogChanged(id, 2, ents(2, "", term)); v != nil {
				t.Fatal(v)
			}
		}
		leader := term%3 + 1
		if v := c.BecameLeader(leader, term); v != nil {
			t.Fatal(v)
		}
		c.SteppedDown(leader)
	}
	// Per term: the entry (index 2, term) and the term's leader.
	if got, want := c.Records(), base+100*2; got != want {
		t.Fatalf("%d records after 100 elections, want %d", got, want)
	}
}

// TestLogMatchingNamesNodes: a Log Matching violation names two nodes when two nodes' logs disagree, and
// one node once when it is one node's log at two times (not "nodes 4 and 4").
func TestLogMatchingNamesNodes(t *testing.T) {
	for _, tc := range []struct {
		other uint64
		want  string
	}{
		{2, "nodes 1 and 2 both hold an entry of term 1 at index 1, but the entries or their logs before them differ"},
		{1, "node 1 holds an entry of term 1 at index 1 again, but the entry or its log before it differs"},
	} {
		c := New(1, func() time.Duration { return 0 })
		c.LogChanged(1, 1, ents(1, "a", 1, 2))
		v := c.LogChanged(tc.other, 1, ents(1, "b", 1, 2))
		if v == nil || !strings.Contains(v.Error(), tc.want) {
			t.Errorf("second holder %d: got %v, want %q", tc.other, v, tc.want)
		}
	}
}
