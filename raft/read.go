package raft

import "time"

// Linearizable reads (thesis §6.4), by ReadIndex as etcd's ReadOnlySafe does it, and by leader lease
// (§6.4.1) when Config.LeaseRead is on.
//
// ReadIndex. A read asked of the leader records the commit index as its read index. The leader then
// confirms that it still leads with a heartbeat round: every heartbeat carries the round's number
// (Message.Context), each follower echoes it, and once a majority, the leader included, has answered
// a round sent after the read arrived, no other leader can have committed anything the read index
// misses. The caller serves the read once its applied index reaches the read index. A leader that has
// not yet committed an entry of its own term does not know the latest commit index: its reads wait
// until it has (§6.4 step 1). A leader that steps down refuses every read still waiting; a deposed
// leader that does not know it yet never gets a majority to answer its round, so it never serves.
//
// Rounds are numbered in increasing order over the node's life, and a follower's answer to round s
// vouches for every round before it too (it was following this leader in this term when it answered),
// so one number per follower — the highest round it answered — is the whole bookkeeping, and the
// highest round a majority answered is the quorum's value of those numbers, as a commit index is of
// matchIndex. Reads asked before a round's heartbeats leave the node (before the next Ready) share that
// round.
//
// Followers serve ReadIndex reads by asking the leader (MsgReadIndex), which confirms the read as its
// own and answers with the read index (MsgReadIndexResp); the follower serves once it has applied that
// far, as etcd's followers do.
//
// Lease. With LeaseRead, every heartbeat broadcast is a round, stamped with the time it was sent
// (SetNow). Once a majority has answered round s, the leader holds a lease until s was sent plus
// ElectionTimeoutMin / (1 + ClockDrift): the followers that answered ignore vote requests for a
// minimum election timeout of their own clocks from when they heard round s (CheckQuorum's lease), and
// the drift bound turns their time into the leader's. While the lease holds, a read is served at the
// commit index at once. Outside it, the read falls back to ReadIndex. A leader that has sent
// MsgTimeoutNow in its term serves no more lease reads in it: the transfer's election ignores the
// followers' leases.

// ReadState answers one read asked of a node with ReadIndex.
type ReadState struct {
	Ctx   uint64 // the caller's tag, as given to ReadIndex
	Index uint64 // the read index: serve the read once the applied index reaches it
	// Refused: the node could not obtain a read index (it does not lead, knows no leader, or stepped
	// down before confirming); the caller retries elsewhere.
	Refused bool
}

// pendingRead is a read the leader has yet to confirm: from is the node that asked (this one, or a
// follower to answer with MsgReadIndexResp), index its read index, seq the round that confirms it.
type pendingRead struct {
	from, ctx, index, seq uint64
}

// round is a heartbeat round sent for a lease: its number and when it was sent.
type round struct {
	seq  uint64
	sent time.Duration
}

// maxRounds bounds the unanswered rounds a leader remembers for its lease. Forgetting the oldest is
// safe: a lease is then renewed from a later round than it could have been, or not at all.
const maxRounds = 64

// readOnly is a node's read state.
//
// Invariant: queue is in increasing seq, and every seq in it is in (confirmed, seq].
type readOnly struct {
	seq       uint64   // the last round started
	confirmed uint64   // the highest round a majority answered in this term
	open      bool     // round seq's heartbeats have not left the node yet: a read may join it
	acks      []uint64 // by peer index: the highest round the peer answered in this term
	scratch   []uint64
	queue     []pendingRead // waiting for their round
	waiting   []pendingRead // waiting for the leader's first commit in its term

	states, statesSpare []ReadState // answers for the next Ready

	lease      bool
	leaseDur   time.Duration
	rounds     []round // unanswered rounds, oldest first
	leaseEnd   time.Duration
	leaseValid bool
	noLease    bool // a MsgTimeoutNow was sent in this term
}

func (r *readOnly) init(cfg *Config, peers int) {
	r.acks = make([]uint64, peers)
	r.lease = cfg.LeaseRead
	r.leaseDur = time.Duration(float64(cfg.ElectionTimeoutMin) / (1 + cfg.ClockDrift))
	if cfg.Mutants.Has(MutLeaseIgnoresDrift) {
		r.leaseDur = cfg.ElectionTimeoutMin // no margin for a follower's faster clock
	}
}

// becomeLeader starts the read state of a new term: no round answered yet.
func (r *readOnly) becomeLeader() {
	clear(r.acks)
	r.confirmed, r.open = r.seq, false
	r.queue, r.waiting, r.rounds = r.queue[:0], r.waiting[:0], r.rounds[:0]
	r.leaseValid, r.noLease = false, false
}

// SetNow tells the node the time on its own clock. Only lease reads use it; the caller sets it before
// each input when Config.LeaseRead is on.
func (n *Node) SetNow(now time.Duration) { n.now = now }

// ReadIndex asks for a linearizable read, tagged ctx. The answer comes in the ReadStates of a later
// Ready: a read index to serve at once the node has applied that far, or a refusal. A leader confirms
// the read itself; a follower asks its leader; a node that knows no leader refuses at once. A read the
// leader never confirms (its round reaches no majority, or its answer is lost) gets no answer.
func (n *Node) ReadIndex(ctx uint64) {
	switch {
	case n.state == Leader:
		n.leaderRead(n.id, ctx)
	case n.lead == None:
		n.reads.states = append(n.reads.states, ReadState{Ctx: ctx, Refused: true})
	default:
		n.send(Message{Type: MsgReadIndex, To: n.lead, Term: n.term, Context: ctx})
	}
}

// committedInTerm reports whether the leader has committed an entry of its own term, and so knows the
// latest commit index (thesis §6.4 step 1).
func (n *Node) committedInTerm() bool {
	t, ok := n.termAt(n.commit)
	return ok && t == n.term
}

// leaderRead handles a read asked of the leader by node from (itself or a follower).
func (n *Node) leaderRead(from, ctx uint64) {
	switch {
	case !n.committedInTerm():
		n.reads.waiting = append(n.reads.waiting, pendingRead{from: from, ctx: ctx})
	default:
		n.startRead(from, ctx)
	}
}

func (n *Node) startRead(from, ctx uint64) {
	r := &n.reads
	if n.cfg.Mutants.Has(MutReadIndexNoHeartbeat) {
		n.answerRead(from, ctx, n.commit) // no round: a deposed leader that does not know it serves
		return
	}
	if r.lease && !r.noLease && r.leaseValid && n.now < r.leaseEnd {
		n.answerRead(from, ctx, n.commit)
		return
	}
	r.queue = append(r.queue, pendingRead{from: from, ctx: ctx, index: n.commit})
	if !r.open {
		n.bcastHeartbeat() // starts round seq+1, since a read waits
	}
	r.queue[len(r.queue)-1].seq = r.seq
	n.confirmReads()
}

// releaseWaitingReads starts the reads that waited for the leader's first commit in its term.
func (n *Node) releaseWaitingReads() {
	if !n.committedInTerm() {
		return
	}
	w := n.reads.waiting
	n.reads.waiting = w[:0]
	for _, p := range w {
		n.startRead(p.from, p.ctx)
	}
}

// heartbeatRound returns the round a heartbeat broadcast belongs to: the open round, or a new one when
// reads wait for one or leases are on; 0 (no round) otherwise, so that a run without reads sends the
// heartbeats it always did.
func (n *Node) heartbeatRound() uint64 {
	r := &n.reads
	if !r.lease && len(r.queue) == 0 {
		return 0
	}
	if !r.open {
		r.seq++
		r.open = true
		if r.lease {
			if len(r.rounds) == maxRounds {
				r.rounds = append(r.rounds[:0], r.rounds[1:]...)
			}
			r.rounds = append(r.rounds, round{seq: r.seq, sent: n.now})
		}
	}
	return r.seq
}

// readAck records that the peer at index i answered round seq.
func (n *Node) readAck(i int, seq uint64) {
	r := &n.reads
	if seq <= r.acks[i] || seq > r.seq {
		return
	}
	r.acks[i] = seq
	n.confirmReads()
}

// confirmReads finds the highest round a majority has answered and serves what it confirms.
func (n *Node) confirmReads() {
	r := &n.reads
	vals := r.scratch[:0]
	for i := range r.acks {
		if !n.prs[i].Voter {
			continue // a learner's answer, or a removed node's, confirms nothing
		}
		if n.prs[i].ID == n.id {
			vals = append(vals, r.seq)
		} else {
			vals = append(vals, r.acks[i])
		}
	}
	r.scratch = vals
	sortIndexes(vals)
	c := vals[len(vals)-n.Quorum()]
	if c <= r.confirmed {
		return
	}
	r.confirmed = c
	if r.lease {
		k := 0
		for ; k < len(r.rounds) && r.rounds[k].seq <= c; k++ {
		}
		if k > 0 {
			// The latest round answered by a majority was sent last: the lease runs from then.
			r.leaseEnd, r.leaseValid = r.rounds[k-1].sent+r.leaseDur, true
			r.rounds = append(r.rounds[:0], r.rounds[k:]...)
		}
	}
	k := 0
	for ; k < len(r.queue) && r.queue[k].seq <= c; k++ {
		p := &r.queue[k]
		n.answerRead(p.from, p.ctx, p.index)
	}
	r.queue = append(r.queue[:0], r.queue[k:]...)
}

// answerRead hands a confirmed read index to whoever asked: this node's caller, or a follower.
func (n *Node) answerRead(from, ctx, index uint64) {
	if from == n.id {
		n.reads.states = append(n.reads.states, ReadState{Ctx: ctx, Index: index})
		return
	}
	n.send(Message{Type: MsgReadIndexResp, To: from, Term: n.term, Index: index, Context: ctx})
}

// refuseRead answers a follower's MsgReadIndex that this node, not leading, cannot serve.
func (n *Node) refuseRead(m *Message) {
	n.send(Message{Type: MsgReadIndexResp, To: m.From, Term: n.term, Context: m.Context, Reject: true})
}

// failReads refuses every read a leader that steps down had not confirmed.
func (n *Node) failReads() {
	r := &n.reads
	for _, q := range [2][]pendingRead{r.waiting, r.queue} {
		for _, p := range q {
			if p.from == n.id {
				r.states = append(r.states, ReadState{Ctx: p.ctx, Refused: true})
			} else {
				n.send(Message{Type: MsgReadIndexResp, To: p.from, Term: n.term, Context: p.ctx, Reject: true})
			}
		}
	}
	r.queue, r.waiting, r.rounds = r.queue[:0], r.waiting[:0], r.rounds[:0]
	r.leaseValid = false
}

// LeaseHolds reports whether the node leads under a lease that holds at the time last set (SetNow);
// for inspection and tests.
func (n *Node) LeaseHolds() bool {
	r := &n.reads
	return n.state == Leader && r.lease && !r.noLease && r.leaseValid && n.now < r.leaseEnd
}
