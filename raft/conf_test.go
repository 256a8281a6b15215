package raft_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/raftsim/raftsim/raft"
	"github.com/raftsim/raftsim/raft/rafttest"
)

func run(t *testing.T, e *rafttest.Env, lines ...string) string {
	t.Helper()
	var out string
	for _, l := range lines {
		o, err := e.Run(l)
		if err != nil {
			t.Fatalf("%s: %v", l, err)
		}
		out += o
	}
	if v := e.Violations(); len(v) > 0 {
		t.Fatalf("violations: %v", v)
	}
	return out
}

func TestConfEntryRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		cc raft.ConfChange
		cs raft.ConfState
	}{
		{raft.ConfChange{Type: raft.AddLearner, ID: 4}, raft.ConfState{Voters: []uint64{1, 2, 3}, Learners: []uint64{4}}},
		{raft.ConfChange{Type: raft.RemoveNode, ID: 300}, raft.ConfState{Voters: []uint64{1, 1 << 40}, Learners: []uint64{}}},
	} {
		cc, cs, err := raft.DecodeConfEntry(raft.EncodeConfEntry(tc.cc, tc.cs))
		if err != nil || cc != tc.cc || !slices.Equal(cs.Voters, tc.cs.Voters) || !slices.Equal(cs.Learners, tc.cs.Learners) {
			t.Errorf("round trip of %v %v = %v %v %v", tc.cc, tc.cs, cc, cs, err)
		}
		b := raft.EncodeConfEntry(tc.cc, tc.cs)
		for k := range len(b) {
			if _, _, err := raft.DecodeConfEntry(b[:k]); err == nil {
				t.Errorf("%v: decoding the first %d of %d bytes succeeded", tc.cc, k, len(b))
			}
		}
	}
}

// A leader refuses a change before it has committed an entry of its own term (the 2015 fix to thesis
// §4.1), while another is uncommitted, and one that does not apply.
func TestConfChangeRefused(t *testing.T) {
	e := rafttest.NewEnv(nil)
	// Node 1 is elected but its empty entry reaches nobody.
	run(t, e, "add-nodes 3 spares=1", "campaign 1", "process-ready 1", "deliver-msgs", "process-ready 2 3",
		"deliver-msgs", "process-ready 1", "drop-msgs")
	n := e.Node(1)
	if n.State() != raft.Leader {
		t.Fatalf("node 1 is %v, want leader", n.State())
	}
	if _, _, err := n.ProposeConfChange(raft.ConfChange{Type: raft.AddLearner, ID: 4}); !errors.Is(err, raft.ErrConfChangePending) {
		t.Errorf("change before the leader committed an entry of its term: %v, want ErrConfChangePending", err)
	}
	run(t, e, "tick-heartbeat 1", "stabilize")
	for _, cc := range []raft.ConfChange{{Type: raft.AddVoter, ID: 2}, {Type: raft.AddLearner, ID: 3},
		{Type: raft.RemoveNode, ID: 4}, {Type: raft.AddVoter, ID: 0}} {
		if _, _, err := n.ProposeConfChange(cc); !errors.Is(err, raft.ErrConfChangeInvalid) {
			t.Errorf("%v: %v, want ErrConfChangeInvalid", cc, err)
		}
	}
	if _, _, err := n.ProposeConfChange(raft.ConfChange{Type: raft.AddLearner, ID: 4}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := n.ProposeConfChange(raft.ConfChange{Type: raft.AddVoter, ID: 4}); !errors.Is(err, raft.ErrConfChangePending) {
		t.Errorf("second change in flight: %v, want ErrConfChangePending", err)
	}
	run(t, e, "stabilize")
	if _, _, err := n.ProposeConfChange(raft.ConfChange{Type: raft.AddVoter, ID: 4}); err != nil {
		t.Errorf("change after the first committed: %v", err)
	}
}

// While the leader hands its leadership over, it refuses configuration changes as it refuses
// proposals: an entry appended after the target caught up would leave the target's log behind and
// fail its forced election.
func TestConfChangeRefusedDuringTransfer(t *testing.T) {
	e := rafttest.NewEnv(nil)
	run(t, e, "add-nodes 3 spares=1", "campaign 1", "stabilize")
	n := e.Node(1)
	if err := n.TransferLeadership(2); err != nil {
		t.Fatal(err)
	}
	if _, _, err := n.ProposeConfChange(raft.ConfChange{Type: raft.AddLearner, ID: 4}); !errors.Is(err, raft.ErrTransferring) {
		t.Errorf("change during a transfer: %v, want ErrTransferring", err)
	}
}

// A snapshot records the configuration as of its last index, and a node restarted from it (or that
// installs it) uses that configuration until a later entry changes it.
func TestSnapshotKeepsConf(t *testing.T) {
	e := rafttest.NewEnv(nil)
	run(t, e, "add-nodes 3 spares=2 snapshot-entries=3", "campaign 1", "stabilize",
		"conf-change 1 add-learner 4", "stabilize", "propose 1 a b c d", "stabilize", "tick-heartbeat 1", "stabilize")
	s := e.Node(2).Snapshot()
	if s == nil || !slices.Equal(s.Conf.Learners, []uint64{4}) || !slices.Equal(s.Conf.Voters, []uint64{1, 2, 3}) {
		t.Fatalf("node 2's snapshot %+v, want one with voters 1,2,3 and learner 4", s)
	}
	run(t, e, "crash 2", "restart 2")
	if cs := e.Node(2).Conf(); !cs.IsLearner(4) || e.Node(2).ConfIndex() != s.Index {
		t.Errorf("node 2 restarted from its snapshot with configuration %v at %d", cs, e.Node(2).ConfIndex())
	}
	// Node 5, added now, needs the compacted entries: it gets the leader's snapshot, and with it the
	// configuration that the compacted entry 2 made.
	run(t, e, "conf-change 1 add-learner 5", "stabilize", "tick-heartbeat 1", "stabilize")
	if cs := e.Node(5).Conf(); !cs.IsLearner(4) || !cs.IsLearner(5) {
		t.Errorf("node 5 after installing the snapshot: configuration %v, want learners 4 and 5", cs)
	}
}
