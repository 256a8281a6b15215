package rafttest

import (
	"bytes"
	"fmt"

	"github.com/raftsim/raftsim/raft"
)

// setTimers records the timer changes of a Ready and checks them against the node's role.
func (e *Env) setTimers(nd *node, changes [raft.NumTimeouts]raft.TimerChange) {
	for t, ch := range changes {
		if ch.Changed {
			nd.timers[t] = ch.After
			if t == int(raft.ElectionTimeout) && ch.After != 0 {
				nd.armings++
			}
		}
	}
	cfg, tm := &nd.cfg, &nd.timers
	var bad []string
	if nd.n.State() == raft.Leader {
		if cfg.CheckQuorum && tm[raft.ElectionTimeout] != cfg.ElectionTimeoutMin {
			bad = append(bad, fmt.Sprintf("quorum check every %v, want %v", tm[raft.ElectionTimeout], cfg.ElectionTimeoutMin))
		}
		if !cfg.CheckQuorum && tm[raft.ElectionTimeout] != 0 {
			bad = append(bad, "election timer armed without CheckQuorum")
		}
		if tm[raft.HeartbeatTimeout] != cfg.HeartbeatInterval {
			bad = append(bad, fmt.Sprintf("heartbeat timer %v, want %v", tm[raft.HeartbeatTimeout], cfg.HeartbeatInterval))
		}
		if tm[raft.LeaseTimeout] != 0 {
			bad = append(bad, "lease timer armed")
		}
	} else {
		// A stopped timer is fine while a timeout is held back, or when the node has already asked
		// for a new one that its next Ready hands out: a synchronous node's batch is made durable
		// right after its Ready is taken, and a vote durable then restarts the timer
		// (TimerOnDurable) after the Ready that stopped it.
		if d := tm[raft.ElectionTimeout]; (d < cfg.ElectionTimeoutMin || d > cfg.ElectionTimeoutMax) && !(d == 0 && (nd.n.ElectionHeld() || nd.n.HasReady())) {
			bad = append(bad, fmt.Sprintf("election timer %v outside [%v, %v]", d, cfg.ElectionTimeoutMin, cfg.ElectionTimeoutMax))
		}
		if tm[raft.HeartbeatTimeout] != 0 {
			bad = append(bad, "heartbeat timer armed")
		}
		// A node with lease reads arms the lease timer when it starts (its start-up lease), which
		// CheckQuorum comes with — except under raft.MutLeaseNoCheckQuorum.
		if d := tm[raft.LeaseTimeout]; d != 0 && (d != cfg.ElectionTimeoutMin || cfg.PreVote != raft.PreVoteThesis && !cfg.CheckQuorum && !cfg.LeaseRead) {
			bad = append(bad, fmt.Sprintf("lease timer %v", d))
		}
	}
	for _, b := range bad {
		e.violation("timers: node %d (%s): %s", nd.id, nd.n.State(), b)
	}
}

// observe prints a change of role or term since the transcript last showed nd, and checks that a new
// leader is the only one of its term and holds every entry committed in an earlier term.
func (e *Env) observe(nd *node) {
	n := nd.n
	if n.State() == nd.state && n.Term() == nd.term {
		return
	}
	s := fmt.Sprintf("node %d: %s -> %s term=%d", nd.id, nd.state, n.State(), n.Term())
	if n.State() != raft.Leader && n.Leader() != raft.None {
		s += fmt.Sprintf(" lead=%d", n.Leader())
	}
	e.printf("%s", s)
	nd.state, nd.term = n.State(), n.Term()
	if n.State() != raft.Leader {
		return
	}
	if hs := nd.durable.HardState; hs.Term != n.Term() || hs.Vote != nd.id {
		e.violation("persistence: node %d leads term %d before its own vote is durable (durable term=%d vote=%d)", nd.id, n.Term(), hs.Term, hs.Vote)
	}
	if other, ok := e.leaders[n.Term()]; ok && other != nd.id {
		e.violation("safety: term %d has two leaders, %d and %d", n.Term(), other, nd.id)
	} else {
		e.leaders[n.Term()] = nd.id
	}
	for i, r := range e.committed {
		if r.term >= n.Term() || uint64(i+1) <= n.SnapshotIndex() {
			continue // compacted entries were committed when the snapshot was taken
		}
		if got, ok := n.Entry(uint64(i + 1)); !ok || !sameEntry(got, r.e) {
			e.violation("safety: leader %d of term %d lacks %s, committed in term %d", nd.id, n.Term(), fmtEntry(r.e, true), r.term)
		}
	}
}

// apply records the entries nd applies and checks that no two nodes apply different entries at one
// index.
func (e *Env) apply(nd *node, ents []raft.Entry) {
	e.printf("apply %s", fmtEntries(ents, true))
	for _, x := range ents {
		if x.Index != nd.applied+1 {
			e.violation("node %d applies index %d after %d", nd.id, x.Index, nd.applied)
		}
		nd.applied = x.Index
		if len(x.Data) > 0 && x.Type == raft.EntryNormal {
			nd.sm = append(nd.sm, string(x.Data))
		}
		if i := int(x.Index - 1); i < len(e.applied) {
			if r := e.applied[i]; !sameEntry(r.e, x) {
				e.violation("safety: node %d applies %s at index %d, where node %d applied %s", nd.id, fmtEntry(x, true), x.Index, r.node, fmtEntry(r.e, true))
			}
		} else if i == len(e.applied) {
			e.applied = append(e.applied, record{e: x, node: nd.id, term: nd.n.Term()})
		}
	}
}

// check verifies what can be seen across the live nodes: each committed prefix agrees with every
// entry seen committed before (State Machine Safety), and any two logs that hold the same entry are
// identical up to it (Log Matching, §5.3).
func (e *Env) check() {
	for _, nd := range e.nodes {
		if nd.n == nil {
			continue
		}
		for i := nd.n.SnapshotIndex() + 1; i <= nd.n.Commit(); i++ {
			x, ok := nd.n.Entry(i)
			switch {
			case !ok:
				e.violation("node %d: commit index %d past its last entry", nd.id, nd.n.Commit())
			case int(i) <= len(e.committed):
				if r := e.committed[i-1]; !sameEntry(r.e, x) {
					e.violation("safety: node %d has %s committed at index %d, where node %d had %s committed", nd.id, fmtEntry(x, true), i, r.node, fmtEntry(r.e, true))
				}
			default:
				e.committed = append(e.committed, record{e: x, node: nd.id, term: nd.n.Term()})
			}
		}
	}
	for ai, a := range e.nodes {
		for _, b := range e.nodes[ai+1:] {
			if a.n == nil || b.n == nil {
				continue
			}
			// Entries compacted into either snapshot were committed, and are checked as they commit.
			floor := max(a.n.SnapshotIndex(), b.n.SnapshotIndex())
			i := min(a.n.LastIndex(), b.n.LastIndex())
			for ; i > floor; i-- {
				x, _ := a.n.Entry(i)
				y, _ := b.n.Entry(i)
				if x.Term == y.Term {
					break
				}
			}
			shared, _ := a.n.Entry(i) // the last index where both logs hold the same term
			for j := i; j > floor; j-- {
				x, _ := a.n.Entry(j)
				y, _ := b.n.Entry(j)
				if !sameEntry(x, y) {
					e.violation("safety: logs of %d and %d both hold term %d at index %d but differ at index %d", a.id, b.id, shared.Term, i, j)
					break
				}
			}
		}
	}
}

func sameEntry(a, b raft.Entry) bool {
	return a.Term == b.Term && a.Index == b.Index && a.Size == b.Size && a.Type == b.Type && bytes.Equal(a.Data, b.Data)
}

// tellObserver reports one Ready of nd to the observer as the simulator reports one to its checker: a
// change of role first, so that a node stepping down is not judged as a leader for the truncation
// that comes with it; then the persist batch's entries; then an election, so that a new leader is
// judged on the log it won with; then the entries to apply and the commit index. It runs as the Ready
// is taken, so a commit that persisting the batch brings about is reported with the next Ready, as a
// host with a disk would see it.
func (e *Env) tellObserver(nd *node, rd *raft.Ready) {
	if e.obs == nil {
		return
	}
	n := nd.n
	state, term, commit := n.State(), n.Term(), n.Commit()
	wasLeader := nd.obsState == raft.Leader
	elected := state == raft.Leader && (!wasLeader || term != nd.obsTerm)
	if wasLeader && (state != raft.Leader || term != nd.obsTerm) {
		e.obs.SteppedDown(nd.id)
	}
	nd.obsState, nd.obsTerm = state, term
	if rd.HasPersist && rd.Persist.Snapshot != nil {
		s := rd.Persist.Snapshot
		e.observed(e.obs.Snapshotted(nd.id, s.Index, s.Term, s.Conf))
	}
	if rd.HasPersist && rd.Persist.First != 0 {
		e.observed(e.obs.LogChanged(nd.id, rd.Persist.First, rd.Persist.Entries))
	}
	if elected {
		e.observed(e.obs.BecameLeader(nd.id, term))
	}
	if len(rd.Committed) > 0 {
		e.observed(e.obs.Applied(nd.id, rd.Committed))
	}
	if commit != nd.obsCommit {
		nd.obsCommit = commit
		e.observed(e.obs.Committed(nd.id, nd.n.Term(), commit))
	}
}
