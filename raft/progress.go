package raft

// progressState is how a leader replicates to one follower.
type progressState uint8

const (
	// stateProbe: the leader does not know where the follower's log matches; it sends one AppendEntries
	// at a time and waits for the answer (or a heartbeat response) before sending another.
	stateProbe progressState = iota
	// stateReplicate: the follower's log matches up to Match; the leader streams entries optimistically,
	// advancing Next on send, with at most MaxInflight messages unacknowledged.
	stateReplicate
	// stateSnapshot: the follower needs entries the leader has compacted; the leader has sent it its
	// snapshot through PendingSnapshot and sends nothing more until the follower acknowledges it, or a
	// heartbeat shows that it was lost (as etcd's StateSnapshot).
	stateSnapshot
)

// progress is the leader's view of one peer.
//
// Invariant: 0 <= Match < Next.
type progress struct {
	ID           uint64
	Match        uint64
	Next         uint64
	State        progressState
	ProbeSent    bool // in probe state: an AppendEntries is outstanding
	RecentActive bool // heard from since the last CheckQuorum round
	// Voter: the node is a voter of the configuration and counts towards majorities; false for a
	// learner, and for a node the leader's pending configuration removes.
	Voter bool
	// PendingSnapshot is the index of the snapshot sent in snapshot state.
	PendingSnapshot uint64
	inflight        inflights
}

func (p *progress) becomeProbe(next uint64) {
	p.State = stateProbe
	p.ProbeSent = false
	p.Next = max(next, p.Match+1)
	p.inflight.reset()
}

func (p *progress) becomeSnapshot(index uint64) {
	p.State = stateSnapshot
	p.ProbeSent = false
	p.PendingSnapshot = index
	p.Next = max(index+1, p.Match+1)
	p.inflight.reset()
}

func (p *progress) becomeReplicate() {
	p.State = stateReplicate
	p.ProbeSent = false
	p.Next = p.Match + 1
	p.inflight.reset()
}

// maybeUpdate records that the peer's log matches up to n and reports whether that is news.
func (p *progress) maybeUpdate(n uint64) bool {
	updated := false
	if p.Match < n {
		p.Match = n
		updated = true
		p.ProbeSent = false
	}
	p.Next = max(p.Next, n+1)
	return updated
}

// paused reports whether the leader must wait before sending this peer more entries.
func (p *progress) paused() bool {
	switch p.State {
	case stateProbe:
		return p.ProbeSent
	case stateSnapshot:
		return true
	default:
		return p.inflight.full()
	}
}

// inflights is a ring of the last indices of AppendEntries sent but not yet acknowledged, oldest first.
// It holds at most size; its buffer grows by doubling as the pipeline fills, so a large MaxInflight
// costs memory only when that many messages are actually outstanding (1000 nodes with 999 followers
// each would otherwise allocate 256 entries for every pair up front, 2 GB).
//
// Invariant: 0 <= count <= len(buf) <= size.
type inflights struct {
	buf   []uint64
	size  int
	start int
	count int
}

func (in *inflights) init(size int) {
	in.size = size
	if len(in.buf) > size {
		in.buf = in.buf[:0]
	}
	in.reset()
}

func (in *inflights) reset()     { in.start, in.count = 0, 0 }
func (in *inflights) full() bool { return in.count == in.size }

func (in *inflights) add(last uint64) {
	if in.count == len(in.buf) {
		in.grow()
	}
	i := in.start + in.count
	if i >= len(in.buf) {
		i -= len(in.buf)
	}
	in.buf[i] = last
	in.count++
}

// grow doubles the buffer (up to size), unrolling the ring to the front of the new one.
func (in *inflights) grow() {
	buf := make([]uint64, min(max(2*len(in.buf), 8), in.size))
	n := copy(buf, in.buf[in.start:in.start+min(in.count, len(in.buf)-in.start)])
	copy(buf[n:], in.buf[:in.count-n])
	in.buf, in.start = buf, 0
}

// freeLE forgets every message whose last index is at most to: the follower has acknowledged them.
func (in *inflights) freeLE(to uint64) {
	for in.count > 0 && in.buf[in.start] <= to {
		in.start++
		if in.start == len(in.buf) {
			in.start = 0
		}
		in.count--
	}
}

// freeFirst forgets the oldest message; a heartbeat response shows the follower is alive, so one slot
// is released to keep a full pipeline from stalling after a lost acknowledgement (as etcd does).
func (in *inflights) freeFirst() {
	if in.count > 0 {
		in.freeLE(in.buf[in.start])
	}
}

// PeerProgress is a leader's view of one follower, for inspection and tests (the interaction env's
// status command prints it).
type PeerProgress struct {
	Match, Next uint64
	Replicate   bool   // streaming entries optimistically; false while probing, one message at a time
	Learner     bool   // tracked but not a voter: a learner, or a node a pending change removes
	Snapshot    uint64 // in snapshot state: the index of the snapshot sent and not yet acknowledged
	ProbeSent   bool   // probing: an AppendEntries is outstanding
	Inflight    int    // replicating: AppendEntries sent and not yet acknowledged
	MaxInflight int
}

// Progress returns the leader's view of peer id; ok is false if the node is not the leader or id is not
// a peer.
func (n *Node) Progress(id uint64) (pp PeerProgress, ok bool) {
	i := n.peerIndex(id)
	if n.state != Leader || i < 0 {
		return PeerProgress{}, false
	}
	pr := &n.prs[i]
	pp = PeerProgress{Match: pr.Match, Next: pr.Next, Replicate: pr.State == stateReplicate, Learner: !pr.Voter,
		ProbeSent: pr.ProbeSent, Inflight: pr.inflight.count, MaxInflight: pr.inflight.size}
	if pr.State == stateSnapshot {
		pp.Snapshot = pr.PendingSnapshot
	}
	return pp, true
}
