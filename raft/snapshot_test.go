package raft

import (
	"math/rand/v2"
	"testing"
	"time"
)

// compactedNode returns follower 1 of a three-node cluster restarted from a snapshot through index 5
// (term 2) and the entries 6..10 of terms 2, 3, 3, 3, 3, in term 3 and following leader 2.
func compactedNode(t *testing.T) *Node {
	t.Helper()
	cfg := Config{ID: 1, Peers: []uint64{1, 2, 3}, ElectionTimeoutMin: 150 * time.Millisecond,
		ElectionTimeoutMax: 300 * time.Millisecond, HeartbeatInterval: 50 * time.Millisecond,
		Rand: rand.New(rand.NewPCG(1, 1))}
	d := Durable{HardState: HardState{Term: 3}, Snapshot: Snapshot{Index: 5, Term: 2, Size: 100, Data: []byte("img")}}
	for i, term := range []uint64{2, 3, 3, 3, 3} {
		d.Entries = append(d.Entries, Entry{Index: uint64(6 + i), Term: term})
	}
	n, err := New(cfg, d)
	if err != nil {
		t.Fatal(err)
	}
	rd := n.Ready()
	if rd.Snapshot == nil || rd.Snapshot.Index != 5 || string(rd.Snapshot.Data) != "img" {
		t.Fatalf("first Ready after a restart hands back snapshot %+v, want the durable one", rd.Snapshot)
	}
	return n
}

// step delivers m and returns the messages the node sends at once or after its next batch.
func step(n *Node, m Message) []Message {
	n.Step(m)
	rd := n.Ready()
	return append(rd.Messages, rd.Persist.Messages...)
}

func TestSnapshotBoundaryLookups(t *testing.T) {
	n := compactedNode(t)
	if got := n.Commit(); got != 5 {
		t.Errorf("commit after a restart from a snapshot through 5 = %d, want 5", got)
	}
	for _, tc := range []struct {
		i    uint64
		term uint64
		ok   bool
	}{{4, 0, false}, {5, 2, true}, {6, 2, true}, {7, 3, true}, {10, 3, true}, {11, 0, false}} {
		if term, ok := n.termAt(tc.i); term != tc.term || ok != tc.ok {
			t.Errorf("termAt(%d) = %d, %v; want %d, %v", tc.i, term, ok, tc.term, tc.ok)
		}
	}
	if _, ok := n.Entry(5); ok {
		t.Error("Entry(5) found an entry compacted into the snapshot")
	}
	if e, ok := n.Entry(6); !ok || e.Index != 6 || e.Term != 2 {
		t.Errorf("Entry(6) = %+v, %v", e, ok)
	}
	if es := n.Entries(1, 100); len(es) != 5 || es[0].Index != 6 || es[4].Index != 10 {
		t.Errorf("Entries(1, 100) = %v, want entries 6..10", es)
	}
	if n.LastIndex() != 10 || n.SnapshotIndex() != 5 || n.Retained() != 5 {
		t.Errorf("last %d snapshot %d retained %d, want 10 5 5", n.LastIndex(), n.SnapshotIndex(), n.Retained())
	}
}

func TestSnapshotConsistencyCheckAtBoundary(t *testing.T) {
	for _, tc := range []struct {
		name      string
		m         Message
		reject    bool
		index     uint64 // of the response
		lastIndex uint64
		lastTerm  uint64
	}{
		{"preceding entry inside the snapshot: known to match", Message{Index: 3, LogTerm: 1}, false, 5, 10, 3},
		{"preceding entry is the snapshot's last", Message{Index: 5, LogTerm: 2, Entries: []Entry{{Index: 6, Term: 2}}}, false, 6, 10, 3},
		{"conflict just after the snapshot truncates there", Message{Index: 5, LogTerm: 2, Entries: []Entry{{Index: 6, Term: 4}}}, false, 6, 6, 4},
		{"preceding term differs just after the snapshot: the hint stays after the commit index", Message{Index: 6, LogTerm: 4}, true, 6, 10, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := compactedNode(t)
			m := tc.m
			m.Type, m.From, m.To, m.Term, m.Commit = MsgApp, 2, 1, 4, 5
			out := step(n, m)
			if len(out) != 1 || out[0].Type != MsgAppResp {
				t.Fatalf("sent %+v, want one MsgAppResp", out)
			}
			r := out[0]
			if r.Reject != tc.reject || r.Index != tc.index {
				t.Errorf("response reject=%v index=%d, want reject=%v index=%d", r.Reject, r.Index, tc.reject, tc.index)
			}
			if tc.reject && (r.RejectHint != 6 || r.LogTerm != 2) {
				t.Errorf("rejection hint %d term %d, want 6 (first index after the commit index) and 2", r.RejectHint, r.LogTerm)
			}
			if n.LastIndex() != tc.lastIndex || n.lastTerm() != tc.lastTerm {
				t.Errorf("log ends at %d/%d, want %d/%d", n.lastTerm(), n.LastIndex(), tc.lastTerm, tc.lastIndex)
			}
			if n.SnapshotIndex() != 5 {
				t.Errorf("snapshot index %d, want 5", n.SnapshotIndex())
			}
		})
	}
}

func TestCompact(t *testing.T) {
	n := compactedNode(t)
	n.Step(Message{Type: MsgHeartbeat, From: 2, To: 1, Term: 3, Commit: 8})
	rd := n.Ready()
	if len(rd.Committed) != 3 || rd.Committed[0].Index != 6 {
		t.Fatalf("committed %v, want 6..8", rd.Committed)
	}
	if err := n.Compact(9, nil, 0); err == nil {
		t.Error("Compact beyond the entries handed out to apply: no error")
	}
	old := &n.log[0]
	if err := n.Compact(8, []byte("img8"), 200); err != nil {
		t.Fatal(err)
	}
	if &n.log[0] == old {
		t.Error("compaction kept the old array: the discarded entries cannot be collected")
	}
	if n.SnapshotIndex() != 8 || n.Retained() != 2 || n.Snapshot().Term != 3 {
		t.Errorf("snapshot %d term %d, %d retained; want 8, 3, 2", n.SnapshotIndex(), n.Snapshot().Term, n.Retained())
	}
	if term, ok := n.termAt(8); !ok || term != 3 {
		t.Errorf("termAt(8) = %d, %v after compacting through 8", term, ok)
	}
	if err := n.Compact(7, nil, 0); err != nil || n.SnapshotIndex() != 8 {
		t.Errorf("Compact at an older index: err %v, snapshot %d; want it ignored", err, n.SnapshotIndex())
	}
	rd = n.Ready()
	if !rd.HasPersist || rd.Persist.Snapshot == nil || rd.Persist.Snapshot.Index != 8 || rd.Persist.First != 0 {
		t.Errorf("batch after Compact: %+v, want the snapshot through 8 and no log change", rd.Persist)
	}
	n.Persisted(rd.Persist.Seq)
	if n.PersistedIndex() != 10 {
		t.Errorf("persisted %d, want 10", n.PersistedIndex())
	}
}

func TestCompactTriggers(t *testing.T) {
	for _, tc := range []struct {
		name           string
		entries, bytes uint64
		want           uint64 // SnapshotDue after committing 6..10 (10 bytes each)
	}{
		{"off", 0, 0, 0},
		{"entries reached", 5, 0, 10},
		{"entries not reached", 6, 0, 0},
		{"bytes reached", 0, 5 * (EntryBytes + 10), 10},
		{"bytes not reached", 0, 5*(EntryBytes+10) + 1, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := compactedNode(t)
			n.cfg.SnapshotEntries, n.cfg.SnapshotBytes = tc.entries, tc.bytes
			ents := make([]Entry, 5)
			for i := range ents {
				ents[i] = Entry{Index: uint64(6 + i), Term: 3, Size: 10}
			}
			n.Step(Message{Type: MsgApp, From: 2, To: 1, Term: 3, Index: 5, LogTerm: 2, Commit: 10, Entries: ents})
			if rd := n.Ready(); rd.SnapshotDue != tc.want {
				t.Errorf("SnapshotDue = %d, want %d", rd.SnapshotDue, tc.want)
			}
		})
	}
}

func TestInstallSnapshot(t *testing.T) {
	snap := func(index, term uint64) *Snapshot { return &Snapshot{Index: index, Term: term, Size: 1000} }
	for _, tc := range []struct {
		name      string
		s         *Snapshot
		index     uint64 // acknowledged
		installed bool
		commit    uint64
		lastIndex uint64
	}{
		{"already committed", snap(4, 2), 5, false, 5, 10},
		{"log holds its last entry: keep the log after it", snap(8, 3), 8, false, 8, 10},
		{"log conflicts: replace it", snap(8, 4), 8, true, 8, 8},
		{"beyond the log: replace it", snap(12, 3), 12, true, 12, 12},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := compactedNode(t)
			out := step(n, Message{Type: MsgSnap, From: 2, To: 1, Term: 4, Index: tc.s.Index, LogTerm: tc.s.Term, Snapshot: tc.s})
			if len(out) != 1 || out[0].Type != MsgAppResp || out[0].Reject || out[0].Index != tc.index {
				t.Fatalf("sent %+v, want an acknowledgement of %d", out, tc.index)
			}
			if n.Commit() != tc.commit || n.LastIndex() != tc.lastIndex {
				t.Errorf("commit %d last %d, want %d %d", n.Commit(), n.LastIndex(), tc.commit, tc.lastIndex)
			}
			if installed := n.Snapshot() == tc.s; installed != tc.installed {
				t.Errorf("installed %v, want %v", installed, tc.installed)
			}
		})
	}
	// An installed snapshot is handed out to persist (replacing the whole durable log) and to restore.
	n := compactedNode(t)
	s := snap(8, 4)
	n.Step(Message{Type: MsgSnap, From: 2, To: 1, Term: 4, Index: 8, LogTerm: 4, Snapshot: s})
	rd := n.Ready()
	if rd.Snapshot != s || rd.Persist.Snapshot != s || rd.Persist.First != 9 || len(rd.Persist.Entries) != 0 {
		t.Errorf("Ready after an install: restore %v, persist %+v; want the snapshot in both and First 9", rd.Snapshot, rd.Persist)
	}
	if len(rd.Messages) != 0 || len(rd.Persist.Messages) != 1 {
		t.Errorf("the acknowledgement left before the snapshot was durable: %+v", rd.Messages)
	}
}
