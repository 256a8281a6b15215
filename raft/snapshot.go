package raft

// InstallSnapshot (Raft thesis §5.1, Figure 5.3): a leader whose follower needs entries it has compacted
// sends its snapshot instead, in one message; the follower replaces its state machine and log with it.

// sendSnapshot sends pr the leader's snapshot and waits for the answer (progress snapshot state).
func (n *Node) sendSnapshot(pr *progress) {
	s := n.snap
	pr.becomeSnapshot(s.Index)
	n.send(Message{Type: MsgSnap, To: pr.ID, Term: n.term, Index: s.Index, LogTerm: s.Term, Commit: n.commit, Snapshot: s})
}

// handleSnapshot is the follower's side of InstallSnapshot. The answer is an AppendEntries response
// whose Index is how far the follower's log now matches the leader's; like every response it leaves
// only once what it vouches for (here the snapshot) is durable.
func (n *Node) handleSnapshot(m *Message) {
	s := m.Snapshot
	switch t, ok := n.termAt(s.Index); {
	case s.Index <= n.commit:
		// Everything in the snapshot is committed here already (a duplicate, or a slow one).
		n.send(Message{Type: MsgAppResp, To: m.From, Term: n.term, Index: n.commit})
	case ok && t == s.Term:
		// Figure 5.3, step 6: the log holds the snapshot's last entry, so by Log Matching it holds
		// everything the snapshot covers; keep the log, entries after it included, and commit through it.
		n.commit = s.Index
		n.send(Message{Type: MsgAppResp, To: m.From, Term: n.term, Index: s.Index})
	default:
		// Step 7: discard the whole log and reset the state machine from the snapshot.
		n.restore(s)
		n.send(Message{Type: MsgAppResp, To: m.From, Term: n.term, Index: s.Index})
	}
}

// restore replaces the node's log and state machine with snapshot s, whose entries are all beyond the
// node's commit index.
func (n *Node) restore(s *Snapshot) {
	n.dropHeldAcks(n.commit) // the log after the commit index goes, and what was acknowledged of it
	n.log = make([]Entry, 1, 64)
	n.log[0] = Entry{Index: s.Index, Term: s.Term}
	n.snap, n.snapPersist, n.snapApply = s, s, s
	n.logReplaced = true
	n.commit, n.applied = s.Index, s.Index
	n.appliedBytes = 0
	n.dirtyFrom = s.Index + 1
	n.persisted = min(n.persisted, s.Index)
	base := n.confs[0].cs
	if len(s.Conf.Voters) > 0 {
		base = s.Conf
	}
	n.confs = []confMark{{index: s.Index, cs: base}}
	n.setConf()
}
