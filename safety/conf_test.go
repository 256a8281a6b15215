package safety

import (
	"testing"
	"time"

	"github.com/raftsim/raftsim/raft"
)

// confEnt is a configuration entry at index of term: change cc, making voters (and no learners).
func confEnt(index, term uint64, cc raft.ConfChange, voters ...uint64) raft.Entry {
	d := raft.EncodeConfEntry(cc, raft.ConfState{Voters: voters})
	return raft.Entry{Term: term, Index: index, Type: raft.EntryConfChange, Size: uint32(len(d)), Data: d}
}

func add(id uint64) raft.ConfChange    { return raft.ConfChange{Type: raft.AddVoter, ID: id} }
func remove(id uint64) raft.ConfChange { return raft.ConfChange{Type: raft.RemoveNode, ID: id} }

// first returns the first violation of a sequence of calls, all of which are made.
func first(vs ...*Violation) *Violation {
	for _, v := range vs {
		if v != nil {
			return v
		}
	}
	return nil
}

// booted returns a checker whose nodes ids start empty in the bootstrap configuration voters, then
// hold entry 1 of term 1, which node 1, leader of term 1, has committed.
func booted(voters []uint64, ids ...uint64) (*Checker, *Violation) {
	c := New(42, func() time.Duration { return 1500 * time.Millisecond })
	var vs []*Violation
	for _, id := range ids {
		vs = append(vs, c.Restarted(id, 0, 0, raft.ConfState{Voters: voters}, nil), c.LogChanged(id, 1, ents(1, "a", 1)))
	}
	vs = append(vs, c.BecameLeader(1, 1), c.Committed(1, 1, 1))
	return c, first(vs...)
}

// TestCheckerFollowsConfigurations: the checks of membership changes, each with a run that keeps it
// and one that breaks it.
func TestCheckerFollowsConfigurations(t *testing.T) {
	v123 := []uint64{1, 2, 3}
	tests := []struct {
		name string
		run  func(c *Checker) *Violation
		want string // invariant; "" for none
	}{
		{"one change at a time", func(c *Checker) *Violation {
			return first(
				c.LogChanged(1, 2, []raft.Entry{confEnt(2, 1, add(4), 1, 2, 3, 4)}),
				c.LogChanged(2, 2, []raft.Entry{confEnt(2, 1, add(4), 1, 2, 3, 4)}),
				c.LogChanged(3, 2, []raft.Entry{confEnt(2, 1, add(4), 1, 2, 3, 4)}),
				c.Committed(1, 1, 2), // 3 of the 4 voters of (1,2,3,4) hold it
				c.LogChanged(1, 3, []raft.Entry{confEnt(3, 1, add(5), 1, 2, 3, 4, 5)}),
				// A follower that gets both changes in one batch: the first is committed.
				c.LogChanged(4, 1, append(ents(1, "a", 1), confEnt(2, 1, add(4), 1, 2, 3, 4), confEnt(3, 1, add(5), 1, 2, 3, 4, 5))),
			)
		}, ""},
		{"two changes in flight", func(c *Checker) *Violation {
			c.LogChanged(1, 2, []raft.Entry{confEnt(2, 1, add(4), 1, 2, 3, 4)})
			return c.LogChanged(1, 3, []raft.Entry{confEnt(3, 1, add(5), 1, 2, 3, 4, 5)})
		}, ConfigurationSafety},
		{"two changes in flight, seen on a follower", func(c *Checker) *Violation {
			return c.LogChanged(2, 2, []raft.Entry{confEnt(2, 1, add(4), 1, 2, 3, 4), confEnt(3, 1, add(5), 1, 2, 3, 4, 5)})
		}, ConfigurationSafety},
		{"two voters changed in one entry", func(c *Checker) *Violation {
			return c.LogChanged(1, 2, []raft.Entry{confEnt(2, 1, add(4), 1, 2, 3, 4, 5)})
		}, ConfigurationSafety},
		{"a new leader's change before it commits an entry of its term", func(c *Checker) *Violation {
			c.SteppedDown(1)
			c.LogChanged(2, 2, ents(2, "", 2)) // node 2's empty entry of term 2, not yet committed
			c.BecameLeader(2, 2)
			return c.LogChanged(2, 3, []raft.Entry{confEnt(3, 2, remove(3), 1, 2)})
		}, ConfigurationSafety},
		{"a new leader's change once it has committed an entry of its term", func(c *Checker) *Violation {
			c.SteppedDown(1)
			return first(
				c.LogChanged(2, 2, ents(2, "", 2)),
				c.BecameLeader(2, 2),
				c.LogChanged(3, 2, ents(2, "", 2)),
				c.Committed(2, 2, 2),
				c.LogChanged(2, 3, []raft.Entry{confEnt(3, 2, remove(3), 1, 2)}),
			)
		}, ""},
		{"a truncated configuration entry takes its configuration with it", func(c *Checker) *Violation {
			// Node 3 holds a deposed leader's uncommitted change; the next leader's log replaces it
			// and makes another change, one voter from the committed configuration.
			c.SteppedDown(1)
			return first(
				c.LogChanged(3, 2, []raft.Entry{confEnt(2, 1, add(4), 1, 2, 3, 4)}),
				c.LogChanged(2, 2, ents(2, "", 2)),
				c.BecameLeader(2, 2),
				c.LogChanged(1, 2, ents(2, "", 2)),
				c.Committed(2, 2, 2),
				c.LogChanged(2, 3, []raft.Entry{confEnt(3, 2, add(5), 1, 2, 3, 5)}),
				c.LogChanged(3, 2, append(ents(2, "", 2), confEnt(3, 2, add(5), 1, 2, 3, 5))),
			)
		}, ""},
		{"configurations across compaction and restart", func(c *Checker) *Violation {
			return first(
				c.LogChanged(1, 2, []raft.Entry{confEnt(2, 1, add(4), 1, 2, 3, 4)}),
				c.LogChanged(2, 2, []raft.Entry{confEnt(2, 1, add(4), 1, 2, 3, 4)}),
				c.LogChanged(3, 2, []raft.Entry{confEnt(2, 1, add(4), 1, 2, 3, 4)}),
				c.Committed(1, 1, 2),
				c.LogChanged(1, 3, ents(3, "b", 1)),
				c.LogChanged(2, 3, ents(3, "b", 1)),
				c.LogChanged(3, 3, ents(3, "b", 1)),
				c.Committed(1, 1, 3),                                                 // 3 of (1,2,3,4)
				c.Snapshotted(1, 3, 1, raft.ConfState{Voters: []uint64{1, 2, 3, 4}}), // through the change
				c.Restarted(2, 3, 1, raft.ConfState{Voters: []uint64{1, 2, 3, 4}}, nil),
				// Both now judge the next change against (1,2,3,4), from their snapshots.
				c.LogChanged(1, 4, []raft.Entry{confEnt(4, 1, remove(4), 1, 2, 3)}),
				c.LogChanged(2, 4, []raft.Entry{confEnt(4, 1, remove(4), 1, 2, 3)}),
				c.Committed(1, 1, 4), // 1 and 2 of (1,2,3)
			)
		}, ""},
		{"a snapshot whose configuration is not its log's", func(c *Checker) *Violation {
			c.LogChanged(1, 2, []raft.Entry{confEnt(2, 1, add(4), 1, 2, 3, 4)})
			c.LogChanged(2, 2, []raft.Entry{confEnt(2, 1, add(4), 1, 2, 3, 4)})
			c.LogChanged(3, 2, []raft.Entry{confEnt(2, 1, add(4), 1, 2, 3, 4)})
			c.Committed(1, 1, 2)
			return c.Snapshotted(1, 2, 1, raft.ConfState{Voters: v123})
		}, ConfigurationSafety},
		{"a leader commits what a majority holds", func(c *Checker) *Violation {
			return first(c.LogChanged(1, 2, ents(2, "b", 1)), c.LogChanged(3, 2, ents(2, "b", 1)), c.Committed(1, 1, 2))
		}, ""},
		{"a leader commits what only it holds", func(c *Checker) *Violation {
			c.LogChanged(1, 2, ents(2, "b", 1))
			c.LogChanged(3, 2, ents(2, "x", 2)) // another entry there does not count
			return c.Committed(1, 1, 2)
		}, CommitQuorum},
		{"a leader counts a node its configuration removed", func(c *Checker) *Violation {
			c.LogChanged(1, 2, []raft.Entry{confEnt(2, 1, remove(3), 1, 2)})
			c.LogChanged(3, 2, []raft.Entry{confEnt(2, 1, remove(3), 1, 2)})
			return c.Committed(1, 1, 2) // 1 and 3 hold it: a majority of (1,2,3), not of (1,2)
		}, CommitQuorum},
		{"a leader that removes itself does not count itself", func(c *Checker) *Violation {
			c.LogChanged(1, 2, []raft.Entry{confEnt(2, 1, remove(1), 2, 3)})
			c.LogChanged(2, 2, []raft.Entry{confEnt(2, 1, remove(1), 2, 3)})
			return c.Committed(1, 1, 2) // 1 and 2 hold it: one of the voters (2,3)
		}, CommitQuorum},
		{"a leader that removes itself commits with the others", func(c *Checker) *Violation {
			return first(
				c.LogChanged(1, 2, []raft.Entry{confEnt(2, 1, remove(1), 2, 3)}),
				c.LogChanged(2, 2, []raft.Entry{confEnt(2, 1, remove(1), 2, 3)}),
				c.LogChanged(3, 2, []raft.Entry{confEnt(2, 1, remove(1), 2, 3)}),
				c.Committed(1, 1, 2),
			)
		}, ""},
		{"a node elected outside its configuration's voters", func(c *Checker) *Violation {
			c.Restarted(4, 0, 0, raft.ConfState{Voters: v123}, nil)
			return c.BecameLeader(4, 2)
		}, ElectionSafety},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, v := booted(v123, 1, 2, 3)
			if v != nil {
				t.Fatalf("violation while booting: %v", v)
			}
			v = tt.run(c)
			switch {
			case tt.want == "" && v != nil:
				t.Fatalf("unexpected violation: %v", v)
			case tt.want != "" && v == nil:
				t.Fatalf("no violation; want %s", tt.want)
			case tt.want != "" && v.Invariant != tt.want:
				t.Fatalf("violation of %s, want %s: %v", v.Invariant, tt.want, v)
			case v != nil:
				t.Logf("%v", v)
			}
		})
	}
}
