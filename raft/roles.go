package raft

import "slices"

// Role behaviour is switched through the step function field, as in etcd, rather than by checks of
// n.state scattered through the handlers.

// reset moves to term (clearing the vote when the term changes) and forgets the leader.
func (n *Node) reset(term uint64) {
	if term != n.term {
		n.term = term
		n.vote = None
		n.hsDirty = true
		n.termSeq = n.batchSeq + 1 // the batch the next Ready hands out
	}
	n.lead = None
	n.selfVoteSeq = 0
	n.grantSeq = 0 // a vote of an earlier term, or one this node's own campaign supersedes
	for i := range n.votes {
		n.votes[i] = 0
	}
}

// becomeFollower makes the node a follower in term. With a leader, the caller goes on to handle that
// leader's message, which restarts the election timer. Without one, a running election timer keeps
// running: Figure 2 restarts it only on hearing from the current leader or granting a vote, not on
// learning of a higher term — so a candidate that cannot win (its log is behind) does not push back
// the timeouts of those that can. (etcd restarts it on every term change; the paper's rule is the one
// its election measurements were made with.) A node without a running timer — a leader stepping down,
// a node just started — gets a fresh one.
func (n *Node) becomeFollower(term, lead uint64) {
	wasLeader := n.state == Leader
	n.reset(term)
	if wasLeader {
		n.failReads()
		n.transfer = leadTransfer{}
	}
	n.state = Follower
	n.step = stepFollower
	n.stopTimer(HeartbeatTimeout)
	n.lead = lead
	if lead == None && (wasLeader || !n.electionArmed) {
		n.resetElectionTimer()
	}
}

// campaign starts a pre-election (pre) or an election for the next term; transfer marks an election a
// leader asked for (MsgTimeoutNow), whose vote requests voters answer even in their lease.
func (n *Node) campaign(pre, transfer bool) {
	voteType, term := MsgVote, n.term+1
	if pre {
		n.preVoteRounds++
		n.reset(n.term)
		n.state = PreCandidate
		voteType = MsgPreVote
	} else {
		n.elections++
		n.reset(term)
		n.state = Candidate
		n.vote = n.id
		n.hsDirty = true
	}
	n.step = stepCandidate
	n.inLease = false
	n.stopTimer(HeartbeatTimeout)
	n.resetElectionTimer()
	if pre {
		// A pre-vote promises nothing, so the node's own counts at once.
		if n.poll(n.id, true) {
			n.wonElection(pre)
			return
		}
	} else {
		// The vote for itself counts once it is durable, which the batch handed out with the next
		// Ready makes it (Persisted). The requests go out meanwhile: a node that crashed before that
		// batch never counted its own vote, so it never led in this term, and may vote for another.
		n.selfVoteSeq = n.batchSeq + 1
	}
	var ctx uint64
	if transfer {
		ctx = CampaignTransfer
	}
	for i, id := range n.peers {
		if id != n.id && n.prs[i].Voter {
			n.send(Message{Type: voteType, To: id, Term: term, Index: n.lastIndex(), LogTerm: n.lastTerm(), Context: ctx})
		}
	}
}

// poll records a (pre-)vote and reports whether the votes granted now make a majority. Only the voters
// of the node's configuration count (§4.1: majorities are of the current configuration).
func (n *Node) poll(from uint64, granted bool) bool {
	if i := n.peerIndex(from); i >= 0 && n.prs[i].Voter && n.votes[i] == 0 {
		if granted {
			n.votes[i] = 1
		} else {
			n.votes[i] = -1
		}
	}
	return n.tally(1) >= n.quorum
}

func (n *Node) tally(v int8) int {
	c := 0
	for _, x := range n.votes {
		if x == v {
			c++
		}
	}
	return c
}

func (n *Node) wonElection(pre bool) {
	if pre {
		n.campaign(false, false)
		return
	}
	n.becomeLeader()
}

func (n *Node) becomeLeader() {
	n.state = Leader
	n.step = stepLeader
	n.lead = n.id
	n.inLease = false
	// Track the configuration's members afresh (and, while its entry is uncommitted, those of the one
	// before it): a node that led before may still track members of an older configuration.
	n.setConf()
	n.reads.becomeLeader()
	n.transfer = leadTransfer{}
	last := n.lastIndex()
	for i := range n.prs {
		pr := &n.prs[i]
		pr.Match = 0
		pr.Next = last + 1
		pr.State = stateProbe
		pr.ProbeSent = false
		pr.RecentActive = pr.ID == n.id
		pr.inflight.reset()
	}
	if n.cfg.CheckQuorum {
		n.setTimer(ElectionTimeout, n.cfg.ElectionTimeoutMin)
	} else {
		n.stopTimer(ElectionTimeout)
	}
	n.stopTimer(LeaseTimeout)
	n.setTimer(HeartbeatTimeout, n.cfg.HeartbeatInterval)
	// An empty entry of the new term lets the leader commit everything before it as soon as it is
	// replicated (thesis §6.4), instead of waiting for the next client write.
	n.appendEntry(nil, 0)
	n.bcastAppend(true)
	if len(n.peers) == 1 {
		n.maybeCommit()
	}
}

// checkQuorum steps down a leader that has not heard from a majority within an election timeout.
func (n *Node) checkQuorum() {
	active := 0
	for i := range n.prs {
		if n.prs[i].Voter && (n.prs[i].RecentActive || n.prs[i].ID == n.id) {
			active++
		}
		n.prs[i].RecentActive = false
	}
	if active < n.quorum {
		n.becomeFollower(n.term, None)
		return
	}
	n.setTimer(ElectionTimeout, n.cfg.ElectionTimeoutMin)
}

func stepFollower(n *Node, m *Message) {
	switch m.Type {
	case MsgApp:
		n.heardFromLeader(m.From)
		n.handleAppend(m)
	case MsgHeartbeat:
		n.heardFromLeader(m.From)
		// The leader caps the commit index at what this follower is known to hold; never go past the
		// end of the log all the same.
		n.commit = max(n.commit, min(m.Commit, n.lastIndex()))
		n.send(Message{Type: MsgHeartbeatResp, To: m.From, Term: n.term, Index: m.Index, Context: m.Context})
	case MsgSnap:
		n.heardFromLeader(m.From)
		n.handleSnapshot(m)
	case MsgTimeoutNow:
		n.handleTimeoutNow(m)
	case MsgReadIndex:
		n.refuseRead(m)
	}
}

func stepCandidate(n *Node, m *Message) {
	switch m.Type {
	case MsgReadIndex:
		n.refuseRead(m)
	case MsgApp, MsgHeartbeat, MsgSnap:
		n.becomeFollower(n.term, m.From)
		stepFollower(n, m)
	case MsgVoteResp, MsgPreVoteResp:
		pre := n.state == PreCandidate
		if pre != (m.Type == MsgPreVoteResp) {
			return // an answer to the other kind of election
		}
		// A majority wins only once the candidate's own vote is durable (selfVoteSeq 0), even when
		// the others' votes alone make one: a leader must never lead in a term it could forget.
		if n.poll(m.From, !m.Reject) {
			if pre || n.selfVoteSeq == 0 {
				n.wonElection(pre)
			}
		} else if n.tally(-1) >= n.quorum {
			n.becomeFollower(n.term, None)
		}
	}
}

func stepLeader(n *Node, m *Message) {
	i := n.peerIndex(m.From)
	if i < 0 {
		return
	}
	pr := &n.prs[i]
	switch m.Type {
	case MsgAppResp:
		pr.RecentActive = true
		if m.Reject {
			n.handleAppendReject(pr, m)
			return
		}
		if !pr.maybeUpdate(m.Index) {
			return
		}
		switch pr.State {
		case stateProbe:
			pr.becomeReplicate()
		case stateSnapshot:
			if pr.Match >= pr.PendingSnapshot {
				pr.becomeReplicate()
			}
		case stateReplicate:
			pr.inflight.freeLE(m.Index)
		}
		if n.maybeCommit() {
			// The commit may have changed the tracked nodes, or deposed a leader that removed itself.
			if i = n.peerIndex(m.From); n.state != Leader || i < 0 {
				return
			}
			pr = &n.prs[i]
		}
		for n.sendAppend(pr, false) {
		}
		if n.transfer.to == pr.ID {
			n.maybeSendTimeoutNow(pr)
		}
	case MsgHeartbeatResp:
		if m.Context != 0 {
			n.readAck(i, m.Context)
		}
		pr.RecentActive = true
		pr.ProbeSent = false
		if pr.State == stateSnapshot && m.Index == pr.PendingSnapshot {
			// A heartbeat sent after the snapshot was answered, and links are FIFO: the follower's
			// answer to the snapshot would have come first. The snapshot or its answer was lost.
			pr.becomeProbe(pr.Match + 1)
		}
		if pr.State == stateReplicate && pr.inflight.full() {
			pr.inflight.freeFirst()
		}
		// The follower is alive but behind: resend, with an empty AppendEntries if nothing new is left to
		// send, so that a lost final AppendEntries is noticed (the follower rejects or acknowledges).
		if pr.Match < n.lastIndex() {
			n.sendAppend(pr, true)
		}
	case MsgReadIndex:
		n.leaderRead(m.From, m.Context)
	}
}

// handleAppendReject moves nextIndex back after a failed consistency check, skipping a whole
// conflicting term at a time (the optimisation at the end of §5.3).
func (n *Node) handleAppendReject(pr *progress, m *Message) {
	if pr.State == stateSnapshot {
		return // the snapshot on its way settles where the follower's log matches
	}
	if pr.State == stateReplicate {
		if m.Index <= pr.Match {
			return // stale: the follower has since acknowledged more
		}
	} else if m.Index != pr.Next-1 {
		return // stale: an answer to an earlier probe
	}
	next := m.RejectHint
	if m.LogTerm != 0 {
		// The follower holds term LogTerm at the rejected index, from RejectHint on. If the leader has
		// entries of that term, its logs agree with the follower's up to the leader's last one of them.
		for j := min(m.Index, n.lastIndex()); j > 0; j-- {
			t, ok := n.termAt(j)
			if !ok {
				break // compacted: the snapshot settles it
			}
			if t == m.LogTerm {
				next = j + 1
				break
			}
			if t < m.LogTerm {
				break
			}
		}
	}
	// Move strictly back, and never below what is known to match.
	next = max(min(next, m.Index), pr.Match+1, 1)
	pr.becomeProbe(next)
	n.sendAppend(pr, true)
}

// handleAppend is the follower's side of AppendEntries (§5.3).
func (n *Node) handleAppend(m *Message) {
	if m.Index < n.commit {
		// Everything up to commit is known to match already.
		n.send(Message{Type: MsgAppResp, To: m.From, Term: n.term, Index: n.commit})
		return
	}
	if t, ok := n.termAt(m.Index); !ok || t != m.LogTerm {
		r := Message{Type: MsgAppResp, To: m.From, Term: n.term, Index: m.Index, Reject: true}
		if !ok {
			r.RejectHint = n.lastIndex() + 1
		} else {
			// Point the leader at the first entry of the conflicting term.
			j := m.Index
			for j > n.commit+1 && n.entryAt(j-1).Term == t {
				j--
			}
			r.RejectHint, r.LogTerm = j, t
		}
		n.send(r)
		return
	}
	// Skip entries already present; truncate at the first conflict; append the rest.
	ents := m.Entries
	k := 0
	for ; k < len(ents); k++ {
		t, ok := n.termAt(ents[k].Index)
		if !ok {
			break
		}
		if t != ents[k].Term {
			if ents[k].Index <= n.commit {
				panic("raft: leader asked to overwrite a committed entry")
			}
			if n.cfg.Mutants.Has(MutNoSuffixTruncation) && ents[len(ents)-1].Index < n.lastIndex() {
				n.overwrite(ents[k:])
				k = len(ents)
				break
			}
			n.truncate(ents[k].Index - 1)
			break
		}
	}
	if k < len(ents) {
		n.dirtyFrom = min(n.dirtyFrom, ents[k].Index)
		n.log = append(n.log, ents[k:]...)
		n.confAppended(ents[k:])
	}
	lastNew := m.Index + uint64(len(ents))
	n.commit = max(n.commit, min(m.Commit, lastNew))
	n.send(Message{Type: MsgAppResp, To: m.From, Term: n.term, Index: lastNew})
}

// sendAppend sends the peer the next AppendEntries if it is not paused and reports whether it sent.
// With empty true it sends even when there is nothing new, as a probe.
func (n *Node) sendAppend(pr *progress, empty bool) bool {
	if pr.ID == n.id || pr.paused() {
		return false
	}
	last := n.lastIndex()
	if pr.Next > last && !empty {
		return false
	}
	prev := pr.Next - 1
	off := n.log[0].Index
	if prev < off {
		n.sendSnapshot(pr) // the entries it needs are compacted
		return true
	}
	hi := pr.Next
	bytes := 0
	for hi <= last && hi-pr.Next < uint64(n.cfg.MaxEntriesPerMsg) {
		sz := int(n.log[hi-off].Size)
		if hi > pr.Next && bytes+sz > n.cfg.MaxBytesPerMsg {
			break
		}
		bytes += sz
		hi++
	}
	m := Message{Type: MsgApp, To: pr.ID, Term: n.term, Index: prev, LogTerm: n.log[prev-off].Term, Commit: n.commit}
	if hi > pr.Next {
		m.Entries = n.log[pr.Next-off : hi-off : hi-off]
	}
	switch pr.State {
	case stateProbe:
		pr.ProbeSent = true
	case stateReplicate:
		if len(m.Entries) > 0 {
			pr.Next = hi
			pr.inflight.add(hi - 1)
		}
	}
	n.send(m)
	return true
}

// bcastAppend sends every follower what it is missing.
func (n *Node) bcastAppend(empty bool) {
	for i := range n.prs {
		n.sendAppend(&n.prs[i], empty)
	}
}

// bcastHeartbeat sends every follower a heartbeat. It belongs to a read round (read.go) when reads
// wait for one or lease reads are on; otherwise its Context is 0.
func (n *Node) bcastHeartbeat() {
	ctx := n.heartbeatRound()
	for i := range n.prs {
		pr := &n.prs[i]
		if pr.ID == n.id {
			continue
		}
		m := Message{Type: MsgHeartbeat, To: pr.ID, Term: n.term, Commit: min(pr.Match, n.commit), Context: ctx}
		if pr.State == stateSnapshot {
			m.Index = pr.PendingSnapshot // echoed: see stepLeader
		}
		n.send(m)
	}
}

// maybeCommit advances the commit index to the highest index a majority holds, if that entry is of
// the current term (§5.4.2). The leader counts itself only up to what it has persisted.
func (n *Node) maybeCommit() bool {
	matches := n.matches[:0]
	for i := range n.prs {
		if !n.prs[i].Voter {
			continue // a learner, or a node the pending configuration removes
		}
		if n.prs[i].ID == n.id {
			matches = append(matches, n.persisted)
		} else {
			matches = append(matches, n.prs[i].Match)
		}
	}
	n.matches = matches
	sortIndexes(matches)
	q := matches[len(matches)-n.quorum]
	if q <= n.commit {
		return false
	}
	if n.entryAt(q).Term != n.term && !n.cfg.Mutants.Has(MutCommitPriorTerm) {
		return false
	}
	pending := n.confPending()
	n.commit = q
	if len(n.reads.waiting) > 0 {
		n.releaseWaitingReads() // the leader's first entry of its term is committed (thesis §6.4 step 1)
	}
	if pending && !n.confPending() {
		n.leaderConfCommitted()
	}
	return true
}

// sortIndexes sorts xs ascending. It runs on every acknowledgement (commit, read rounds): an insertion
// sort is fastest for the usual handful of nodes, but quadratic, and a 1000-node cluster would spend a
// million steps per acknowledgement in it.
func sortIndexes(xs []uint64) {
	if len(xs) > 16 {
		slices.Sort(xs)
		return
	}
	for i := 1; i < len(xs); i++ {
		for j := i; j > 0 && xs[j] < xs[j-1]; j-- {
			xs[j], xs[j-1] = xs[j-1], xs[j]
		}
	}
}
