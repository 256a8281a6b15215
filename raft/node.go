package raft

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"
)

// State is a node's role.
type State uint8

// The roles. PreCandidate is the PreVote phase: the node asks whether it could win before it raises
// its term.
const (
	Follower State = iota
	PreCandidate
	Candidate
	Leader
)

var stateNames = [...]string{"follower", "precandidate", "candidate", "leader"}

func (s State) String() string {
	if int(s) < len(stateNames) {
		return stateNames[s]
	}
	return fmt.Sprintf("State(%d)", uint8(s))
}

// Timeout names one of a node's timers.
type Timeout uint8

// The timers a node asks its caller to keep.
const (
	// ElectionTimeout fires when a follower or candidate has waited a randomized election timeout; a
	// leader with CheckQuorum uses it to check, every minimum election timeout, that a majority is alive.
	ElectionTimeout Timeout = iota
	// HeartbeatTimeout fires every heartbeat interval on a leader.
	HeartbeatTimeout
	// LeaseTimeout fires a minimum election timeout after a node last heard from its leader; until then
	// the node refuses pre-votes (thesis-style PreVote) and, with CheckQuorum, ignores vote requests.
	// Armed only when one of those is on.
	LeaseTimeout
	NumTimeouts
)

var timeoutNames = [...]string{"election", "heartbeat", "lease"}

func (t Timeout) String() string {
	if int(t) < len(timeoutNames) {
		return timeoutNames[t]
	}
	return fmt.Sprintf("Timeout(%d)", uint8(t))
}

// Config configures a Node.
type Config struct {
	ID uint64
	// Peers is the bootstrap configuration's voters: the configuration in force until the log (or a
	// snapshot) holds a later one. A node whose ID is not among them starts as a non-member, a spare
	// for a configuration change to add later (see ProposeConfChange).
	Peers []uint64

	ElectionTimeoutMin time.Duration // each election timeout is drawn uniformly from [Min, Max]
	ElectionTimeoutMax time.Duration
	HeartbeatInterval  time.Duration

	// Rand is the node's own random stream; the election timeouts are its only use.
	Rand *rand.Rand

	// PreVote (thesis §9.6) and CheckQuorum (thesis §6.2) are off by default, as in etcd.
	PreVote     PreVote
	CheckQuorum bool
	// Variant picks the behaviour at the decision points where implementations differ (see Variant);
	// the zero value is raftsim's behaviour before the variants existed.
	Variant Variant

	MaxInflight      int // AppendEntries in flight per follower in replicate state (default 256)
	MaxEntriesPerMsg int // entries per AppendEntries (default 64)
	MaxBytesPerMsg   int // modelled payload bytes per AppendEntries (default 1 MiB); at least one entry is always sent

	// Log compaction (thesis ch. 5): the node asks its caller for a snapshot of the state machine
	// (Ready.SnapshotDue) once SnapshotEntries entries, or entries of SnapshotBytes modelled bytes
	// (Entry.Size plus EntryBytes each), have been applied since the last snapshot, and discards the log
	// through it when the caller hands the image back (Compact). 0 turns either trigger off; with both off
	// the log is never compacted and the node behaves exactly as it did before snapshots existed.
	SnapshotEntries uint64
	SnapshotBytes   uint64

	// Reads and leadership transfer (thesis §6.4, §6.4.1, §3.10); see read.go and transfer.go.
	//
	// LeaseRead lets a leader serve a read without a round trip while its lease holds (thesis §6.4.1):
	// from the time it sent a heartbeat round that a majority acknowledged, for ElectionTimeoutMin /
	// (1 + ClockDrift). It requires CheckQuorum, under which a follower that heard from its leader
	// ignores vote requests for ElectionTimeoutMin, so no other leader can be elected meanwhile. The
	// node has no clock: the caller tells it the time (SetNow) before each input.
	LeaseRead bool
	// ClockDrift is the assumed bound on how much faster one node's clock may run than another's (0.01
	// = 1%). It is an assumption, not something the node can check: a lease is safe only while every
	// pair of clocks stays within it.
	ClockDrift float64

	// Mutants are the rules of Raft the node breaks on purpose (mutation.go), so that tests can show
	// the checks catch each break. Outside the mutants build it is empty and breaks nothing.
	Mutants
}

func (c *Config) validate() error {
	switch {
	case c.ID == None:
		return errors.New("raft: config: ID must not be 0")
	case len(c.Peers) == 0:
		return errors.New("raft: config: no peers (the bootstrap configuration needs a voter)")
	case slices.Contains(c.Peers, None):
		return errors.New("raft: config: peer ID 0 is reserved")
	case c.ElectionTimeoutMin <= 0 || c.ElectionTimeoutMax < c.ElectionTimeoutMin:
		return fmt.Errorf("raft: config: election timeout range %v..%v is empty or not positive", c.ElectionTimeoutMin, c.ElectionTimeoutMax)
	case c.HeartbeatInterval <= 0:
		return fmt.Errorf("raft: config: heartbeat interval %v is not positive", c.HeartbeatInterval)
	case c.Rand == nil:
		return errors.New("raft: config: Rand is nil (every node needs its own seeded stream)")
	case c.LeaseRead && !c.CheckQuorum && !c.Mutants.Has(MutLeaseNoCheckQuorum):
		return errors.New("raft: config: lease reads need CheckQuorum (without it nothing stops a new leader during the lease)")
	case c.ClockDrift < 0 || c.ClockDrift != c.ClockDrift:
		return fmt.Errorf("raft: config: clock drift %v is negative", c.ClockDrift)
	}
	return nil
}

// TimerChange tells the caller what to do with one timer after a step.
type TimerChange struct {
	Changed bool          // false: leave the timer as it is
	After   time.Duration // when Changed: fire this long from now, or stop the timer if 0
}

// Persist is a batch of state to make durable, in order after every batch handed out before it.
// An empty batch (no HardState, no Entries) still orders its Messages behind the earlier batches.
type Persist struct {
	Seq          uint64
	HasHardState bool
	HardState    HardState
	// Snapshot, when not nil, is written before the entries: it replaces the durable snapshot, and the
	// durable entries through its Index are discarded. If the durable log does not hold the snapshot's
	// last entry (same Index and Term), the durable entries after it are discarded too. A snapshot the
	// node installed from its leader also comes with First = Snapshot.Index+1, which says so explicitly.
	Snapshot *Snapshot
	// First is the log index from which the durable log is replaced by Entries: everything durable at
	// First or later is discarded, then Entries (which start at First) are appended. 0 when the log is
	// unchanged.
	First   uint64
	Entries []Entry
	// Messages may be sent only once this batch and all earlier ones are durable: they answer on the
	// strength of what is in them.
	Messages []Message
}

// Empty reports whether the batch writes nothing.
func (p *Persist) Empty() bool { return !p.HasHardState && p.First == 0 && p.Snapshot == nil }

// Ready is what a node wants done after the inputs since the last Ready. Its slices are valid until the
// next call to Ready; entries inside them are immutable and may be kept.
type Ready struct {
	// Messages may be sent at once.
	Messages []Message
	// Persist, when HasPersist, must be written to stable storage; then the caller calls
	// Persisted(Persist.Seq) and sends Persist.Messages.
	HasPersist bool
	Persist    Persist
	// Snapshot, when not nil, replaces the state machine: restore it before applying Committed, which
	// follow it. A node hands one out after installing its leader's snapshot, and in the first Ready after
	// New from a Durable with a snapshot.
	Snapshot *Snapshot
	// Committed entries, in index order, to apply to the state machine.
	Committed []Entry
	// SnapshotDue, when not 0, asks the caller to snapshot its state machine once it has applied
	// Committed — at index SnapshotDue, the last entry applied — and to hand the image to Compact
	// (Config.SnapshotEntries, SnapshotBytes). A caller that does not is asked again later.
	SnapshotDue uint64
	// Timers to arm or stop, indexed by Timeout.
	Timers [NumTimeouts]TimerChange
	// ReadStates answer the reads asked of this node (ReadIndex), in the order they were settled.
	ReadStates []ReadState
}

// ErrNotLeader is returned by Propose on a node that is not the leader; Node.Leader says where to go.
var ErrNotLeader = errors.New("raft: not the leader")

// ErrTransferring is returned by Propose while the leader is handing its leadership over (thesis §3.10):
// the client should retry shortly, with the new leader or, if the transfer fails, with this one.
var ErrTransferring = errors.New("raft: leadership transfer in progress")

// batchMark remembers where a handed-out batch ended, to advance persisted when it becomes durable.
type batchMark struct {
	seq       uint64
	lastIndex uint64
	lastTerm  uint64
}

// Node is one Raft server. It is not safe for concurrent use; the simulator drives it from one loop.
type Node struct {
	cfg   Config
	id    uint64
	peers []uint64 // the nodes tracked (see setConf), sorted; index i of prs and votes refers to peers[i]
	// confs are the configurations in the log: confs[0] the one in force at the snapshot (or the
	// bootstrap one, at index 0), then one per configuration entry after it, in log order. The last is
	// the node's configuration. quorum is the number of its voters that make a majority.
	confs  []confMark
	quorum int

	term  uint64
	vote  uint64
	state State
	lead  uint64

	// log[0] is a sentinel that stands for the snapshot: it has the index and term of the snapshot's last
	// entry (0 and 0 without one) and no payload, so log[i].Index == log[0].Index + i. Everything the
	// node still needs of the log is log[1:]; compaction copies that into a new array, so that the
	// discarded entries can be collected.
	//
	// Invariant: entries shared with messages or batches are never written in place: a truncation
	// copies the kept prefix into a new array first.
	// Invariant: log[0].Index <= applied <= commit (a snapshot holds only applied, hence committed,
	// entries).
	log       []Entry
	commit    uint64
	applied   uint64 // committed entries handed out in a Ready
	persisted uint64 // highest index known durable in this node's storage

	// snap is the node's latest snapshot (nil for none); log[0] has its index and term. snapPersist and
	// snapApply are a snapshot not yet handed out in a batch to persist, or in a Ready to restore.
	// logReplaced says that an installed snapshot replaced the whole log, which the next batch must say
	// (First) even when it has no entries. appliedBytes sums the modelled bytes of the entries handed
	// out to apply since the last snapshot, for SnapshotBytes.
	snap                   *Snapshot
	snapPersist, snapApply *Snapshot
	logReplaced            bool
	appliedBytes           uint64

	prs     []progress
	votes   []int8   // per peer in the current (pre-)election: 0 unknown, 1 granted, -1 refused
	matches []uint64 // scratch for maybeCommit, one per peer

	inLease bool // heard from the leader within the minimum election timeout
	// bootLease: with lease reads, a node that has just started ignores vote requests for a minimum
	// election timeout, as if it had just heard from a leader: it may have acknowledged a heartbeat
	// round of a leader that now serves reads on the strength of it, and forgotten so in the crash.
	bootLease bool
	// electionArmed: the caller's election timer is running (set or reset and not yet fired or stopped).
	electionArmed bool
	// selfVoteSeq is the batch that makes a candidate's vote for itself durable; the candidate counts
	// that vote only once the batch is (0: no such vote pending).
	selfVoteSeq uint64

	// For the variants (Config.Variant). grantSeq is the batch that makes a vote this node granted
	// durable (0: none pending); termSeq the batch that makes the current term durable (0: it is);
	// heldTimeout is an election timeout that fell due while grantSeq was pending, with
	// VoteWriteHoldsTimer, and takes effect once it is not.
	grantSeq, termSeq uint64
	heldTimeout       bool

	// preVoteRounds and elections count the campaigns this node started since New, for the caller's
	// measures: a pre-vote round per campaign(true) — a pre-candidate that times out starts another in
	// the same state — and an election per campaign(false), each in a new term.
	preVoteRounds, elections uint64

	step func(n *Node, m *Message)
	in   Message // the message being stepped

	reads    readOnly      // pending reads and heartbeat rounds (read.go)
	transfer leadTransfer  // a leadership transfer in progress (transfer.go)
	now      time.Duration // the caller's clock, as last told (SetNow); used only for lease reads

	// Output, gathered until the next Ready. msgs may go at once; after must wait for the next batch.
	msgs, after         []Message
	msgsSpare, aftSpare []Message
	hsDirty             bool
	dirtyFrom           uint64 // lowest log index changed since the last batch; > lastIndex when none
	batchSeq            uint64 // last batch handed out
	durableSeq          uint64 // last batch reported durable
	marks               []batchMark
	timers              [NumTimeouts]TimerChange
}

// New returns a node that starts as a follower from what was durable. A fresh node has a zero Durable.
func New(cfg Config, d Durable) (*Node, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if cfg.MaxInflight <= 0 {
		cfg.MaxInflight = 256
	}
	if cfg.MaxEntriesPerMsg <= 0 {
		cfg.MaxEntriesPerMsg = 64
	}
	if cfg.MaxBytesPerMsg <= 0 {
		cfg.MaxBytesPerMsg = 1 << 20
	}
	if cfg.Mutants.Has(MutLeaseNoCheckQuorum) && cfg.LeaseRead {
		// The mutation is a leader serving lease reads with CheckQuorum off, in whatever world asks
		// for lease reads (a release build refuses lease reads without CheckQuorum, so a world that
		// reads by lease has it on).
		cfg.CheckQuorum = false
	}
	n := &Node{cfg: cfg, id: cfg.ID}
	n.confs = []confMark{{index: d.Snapshot.Index, cs: BootConf(cfg.Peers, &d.Snapshot)}}
	n.log = make([]Entry, 1, len(d.Entries)+64)
	n.log[0] = Entry{Index: d.Snapshot.Index, Term: d.Snapshot.Term}
	for i, e := range d.Entries {
		if want := d.Snapshot.Index + uint64(i+1); e.Index != want {
			return nil, fmt.Errorf("raft: durable entry %d has index %d", want, e.Index)
		}
		n.log = append(n.log, e)
	}
	if d.Snapshot.Index > 0 {
		// Everything in the snapshot was committed; the caller restores it from the first Ready.
		s := d.Snapshot
		n.snap, n.snapApply = &s, &s
		n.commit, n.applied = s.Index, s.Index
	}
	n.confAppended(n.log[1:])
	n.setConf()
	n.term, n.vote = d.HardState.Term, d.HardState.Vote
	n.persisted = n.lastIndex()
	n.dirtyFrom = n.lastIndex() + 1
	n.reads.init(&cfg, len(n.peers))
	n.becomeFollower(n.term, None)
	if cfg.LeaseRead {
		n.bootLease = true
		n.setTimer(LeaseTimeout, cfg.ElectionTimeoutMin)
	}
	return n, nil
}

// ID returns the node's ID.
func (n *Node) ID() uint64 { return n.id }

// Term returns the current term.
func (n *Node) Term() uint64 { return n.term }

// Vote returns the node voted for in the current term, or None.
func (n *Node) Vote() uint64 { return n.vote }

// State returns the node's role.
func (n *Node) State() State { return n.state }

// Leader returns the leader the node knows of in its current term, or None.
func (n *Node) Leader() uint64 { return n.lead }

// Campaigns returns how many pre-vote rounds and elections the node has started since New. A node
// that stays pre-candidate or candidate and times out again starts another of each; its role and term
// alone (pre-candidates keep their term) cannot tell the caller so.
func (n *Node) Campaigns() (preVoteRounds, elections uint64) { return n.preVoteRounds, n.elections }

// Commit returns the commit index as far as this node knows it.
func (n *Node) Commit() uint64 { return n.commit }

// LastIndex returns the index of the last entry in the node's log.
func (n *Node) LastIndex() uint64 { return n.log[len(n.log)-1].Index }

// SnapshotIndex returns the index of the last entry the node's snapshot holds (0 without one): the
// log holds the entries after it only.
func (n *Node) SnapshotIndex() uint64 { return n.log[0].Index }

// Snapshot returns the node's latest snapshot, or nil. It must not be modified.
func (n *Node) Snapshot() *Snapshot { return n.snap }

// Retained returns how many entries the node's log holds in memory: those after the snapshot.
func (n *Node) Retained() int { return len(n.log) - 1 }

// Persisted returns the highest log index known durable on this node.
func (n *Node) PersistedIndex() uint64 { return n.persisted }

// Entry returns the entry at index i, if the log holds one.
func (n *Node) Entry(i uint64) (Entry, bool) {
	if i <= n.log[0].Index || i > n.lastIndex() {
		return Entry{}, false
	}
	return n.log[i-n.log[0].Index], true
}

// Entries returns the log's entries from lo through hi, inclusive, as far as the log holds them (not
// those compacted into the snapshot); the slice must not be modified.
func (n *Node) Entries(lo, hi uint64) []Entry {
	off := n.log[0].Index
	hi = min(hi, n.lastIndex())
	lo = max(lo, off+1)
	if lo > hi {
		return nil
	}
	return n.log[lo-off : hi-off+1 : hi-off+1]
}

// Peers returns the nodes the node tracks, sorted: the voters and learners of its configuration (and,
// on a leader with a configuration change in flight, those of the configuration before it).
func (n *Node) Peers() []uint64 { return n.peers }

// Quorum returns the number of votes that make a majority of the node's configuration.
func (n *Node) Quorum() int { return n.quorum }

// Match returns the leader's matchIndex for peer id (for inspection and tests); ok is false if the node
// is not the leader or id is not a peer.
func (n *Node) Match(id uint64) (match, next uint64, ok bool) {
	i := n.peerIndex(id)
	if n.state != Leader || i < 0 {
		return 0, 0, false
	}
	return n.prs[i].Match, n.prs[i].Next, true
}

func (n *Node) lastIndex() uint64 { return n.log[len(n.log)-1].Index }
func (n *Node) lastTerm() uint64  { return n.log[len(n.log)-1].Term }

// termAt returns the term of entry i, and false if the log does not hold it. The snapshot's last entry
// counts as held: its term is the sentinel's.
func (n *Node) termAt(i uint64) (uint64, bool) {
	off := n.log[0].Index
	if i < off || i > n.lastIndex() {
		return 0, false
	}
	return n.log[i-off].Term, true
}

// entryAt returns entry i, which the log must hold (off < i <= lastIndex).
func (n *Node) entryAt(i uint64) *Entry { return &n.log[i-n.log[0].Index] }

// dirty reports whether anything is waiting to be handed out in a batch.
func (n *Node) dirty() bool {
	return n.hsDirty || n.dirtyFrom <= n.lastIndex() || n.snapPersist != nil || n.logReplaced
}

func (n *Node) peerIndex(id uint64) int {
	// Peers are usually 1..N, so try the direct position before searching.
	if i := int(id) - 1; i >= 0 && i < len(n.peers) && n.peers[i] == id {
		return i
	}
	i, ok := slices.BinarySearch(n.peers, id)
	if !ok {
		return -1
	}
	return i
}

// HasReady reports whether Ready has anything to hand out.
func (n *Node) HasReady() bool {
	if len(n.msgs) > 0 || len(n.after) > 0 || n.dirty() || n.applied < n.commit || n.snapApply != nil ||
		len(n.reads.states) > 0 {
		return true
	}
	for _, t := range n.timers {
		if t.Changed {
			return true
		}
	}
	return false
}

// Ready hands out what the node wants done since the last call and clears it.
func (n *Node) Ready() Ready {
	var rd Ready
	rd.Messages = n.msgs
	n.msgs, n.msgsSpare = n.msgsSpare[:0], n.msgs
	if n.dirty() || len(n.after) > 0 {
		n.batchSeq++
		p := &rd.Persist
		rd.HasPersist = true
		p.Seq = n.batchSeq
		if n.hsDirty {
			p.HasHardState = true
			p.HardState = HardState{Term: n.term, Vote: n.vote}
			n.hsDirty = false
		}
		if s := n.snapPersist; s != nil {
			// Once the snapshot is durable, so is everything through its index.
			p.Snapshot = s
			n.snapPersist = nil
			n.marks = append(n.marks, batchMark{seq: n.batchSeq, lastIndex: s.Index, lastTerm: s.Term})
		}
		if last := n.lastIndex(); n.dirtyFrom <= last || n.logReplaced {
			off := n.log[0].Index
			p.First = n.dirtyFrom
			p.Entries = n.log[n.dirtyFrom-off : last-off+1 : last-off+1]
			n.marks = append(n.marks, batchMark{seq: n.batchSeq, lastIndex: last, lastTerm: n.lastTerm()})
			n.dirtyFrom = last + 1
			n.logReplaced = false
		}
		p.Messages = n.after
		n.after, n.aftSpare = n.aftSpare[:0], n.after
	}
	if n.snapApply != nil {
		rd.Snapshot = n.snapApply
		n.snapApply = nil
	}
	if n.applied < n.commit {
		off := n.log[0].Index
		rd.Committed = n.log[n.applied-off+1 : n.commit-off+1 : n.commit-off+1]
		n.applied = n.commit
		if n.cfg.SnapshotBytes > 0 {
			for i := range rd.Committed {
				n.appliedBytes += EntryBytes + uint64(rd.Committed[i].Size)
			}
		}
		if since := n.applied - off; n.cfg.SnapshotEntries > 0 && since >= n.cfg.SnapshotEntries ||
			n.cfg.SnapshotBytes > 0 && n.appliedBytes >= n.cfg.SnapshotBytes {
			rd.SnapshotDue = n.applied
		}
	}
	rd.Timers = n.timers
	n.timers = [NumTimeouts]TimerChange{}
	if len(n.reads.states) > 0 {
		rd.ReadStates = n.reads.states
		n.reads.states, n.reads.statesSpare = n.reads.statesSpare[:0], n.reads.states
	}
	n.reads.open = false // the round's heartbeats are out: a later read needs a new round
	return rd
}

// Persisted tells the node that batch seq, and every batch before it, is durable.
func (n *Node) Persisted(seq uint64) {
	if seq <= n.durableSeq || seq > n.batchSeq {
		return
	}
	n.durableSeq = seq
	k := 0
	for ; k < len(n.marks) && n.marks[k].seq <= seq; k++ {
		m := n.marks[k]
		// The batch's last entry is durable. If the log still holds that same entry (same index and
		// term, hence by Log Matching the same prefix), everything up to it is durable; a truncation
		// since then has already lowered persisted below the cut.
		if t, ok := n.termAt(m.lastIndex); ok && t == m.lastTerm {
			n.persisted = max(n.persisted, m.lastIndex)
		}
	}
	n.marks = append(n.marks[:0], n.marks[k:]...)
	if n.termSeq != 0 && seq >= n.termSeq {
		n.termSeq = 0
	}
	if n.grantSeq != 0 && seq >= n.grantSeq {
		n.voteDurable()
	}
	switch {
	case n.state == Leader:
		n.maybeCommit()
	case n.state == Candidate && n.selfVoteSeq != 0 && seq >= n.selfVoteSeq:
		n.selfVoteSeq = 0
		if n.poll(n.id, true) {
			n.wonElection(false)
		}
	}
}

// Compact takes the caller's snapshot of its state machine at index, which the caller has applied (any
// index from a Ready's SnapshotDue on): the node keeps it as its snapshot, to send to followers that
// need entries it no longer holds, hands it out in the next batch to persist, and discards its log
// through index (thesis §5.1). Data is the image and size its modelled size in bytes. An index at or
// below the current snapshot's is ignored; one beyond what was handed out to apply is an error.
func (n *Node) Compact(index uint64, data []byte, size uint64) error {
	off := n.log[0].Index
	if index <= off {
		return nil
	}
	if index > n.applied {
		return fmt.Errorf("raft: compact at index %d, beyond the last entry handed out to apply (%d)", index, n.applied)
	}
	s := &Snapshot{Index: index, Term: n.entryAt(index).Term, Size: size, Data: data, Conf: n.confCompacted(index)}
	n.snap, n.snapPersist = s, s
	n.appliedBytes = 0
	// Copy what is kept into a new array: the old one, and the discarded entries' payloads, can then be
	// collected as soon as no message or batch in flight shares them. The new array is as large as the
	// old: the log grows back to the same length before the next compaction, and growing it again by
	// doubling from a small array cost a fifth of a loaded run's time in copying and clearing.
	keep := n.log[index-off:]
	nl := make([]Entry, len(keep), max(cap(n.log), len(keep)+64))
	copy(nl, keep)
	nl[0] = Entry{Index: index, Term: s.Term}
	n.log = nl
	n.dirtyFrom = max(n.dirtyFrom, index+1)
	return nil
}

// Propose appends a command to the leader's log and starts replicating it. It returns the entry's index
// and term, which the caller matches against applied entries to answer the client.
func (n *Node) Propose(data []byte, size uint32) (index, term uint64, err error) {
	if n.state != Leader {
		return 0, 0, ErrNotLeader
	}
	if n.transfer.to != None {
		return 0, 0, ErrTransferring
	}
	e := n.appendEntry(data, size)
	n.bcastAppend(false)
	if len(n.peers) == 1 {
		n.maybeCommit()
	}
	return e.Index, e.Term, nil
}

// Timeout tells the node that one of its timers fired.
func (n *Node) Timeout(t Timeout) {
	switch t {
	case ElectionTimeout:
		n.electionArmed = false
		if n.state == Leader {
			// A leader's election timer runs only for CheckQuorum; a stray firing is ignored.
			if n.cfg.CheckQuorum {
				n.checkQuorum()
			}
			return
		}
		if n.cfg.Variant.VoteWriteHoldsTimer && n.grantSeq != 0 {
			n.heldTimeout = true // see voteDurable
			return
		}
		n.electionTimeout()
	case HeartbeatTimeout:
		if n.state == Leader {
			n.transferTick()
		}
		if n.state == Leader {
			n.bcastHeartbeat()
			n.setTimer(HeartbeatTimeout, n.cfg.HeartbeatInterval)
		}
	case LeaseTimeout:
		n.bootLease = false
		if n.state != Leader {
			n.inLease = false
		}
	}
}

// electionTimeout starts a campaign: a pre-vote round with PreVote, an election without. A node that
// is not a voter of its configuration — a learner, a spare not yet added, a node removed — never
// campaigns (thesis §4.2.2): it only draws its next timeout, so that it notices, should a later
// configuration make it a voter.
func (n *Node) electionTimeout() {
	n.inLease = false
	if !n.conf().IsVoter(n.id) {
		n.resetElectionTimer()
		return
	}
	n.campaign(n.cfg.PreVote != PreVoteOff, false)
}

// voteDurable is called when the vote the node granted has become durable, in the same term (a new
// term clears grantSeq): with TimerOnDurable the election timer restarts now; with
// VoteWriteHoldsTimer a timeout that fell due during the write takes effect now.
func (n *Node) voteDurable() {
	n.grantSeq = 0
	switch {
	case n.cfg.Variant.VoterTimer == TimerOnDurable:
		n.resetElectionTimer() // drops a held timeout too
	case n.heldTimeout:
		n.heldTimeout = false
		n.electionTimeout()
	}
}

// ElectionHeld reports whether the node's election timer fell due while a vote it granted was being
// written (Variant.VoteWriteHoldsTimer): the timeout takes effect once the vote is durable, and until
// then the node has no election timer armed.
func (n *Node) ElectionHeld() bool { return n.heldTimeout }

// Step gives the node a message from the network.
func (n *Node) Step(m Message) {
	switch {
	case m.Term > n.term:
		if m.Type == MsgVote || m.Type == MsgPreVote {
			// A node that hears from a live leader refuses to help depose it (thesis §4.2.3, §9.6):
			// pre-votes with thesis-style PreVote, and every request when CheckQuorum is on, as in
			// etcd (which ignores the request, unanswered). etcd-style PreVote alone refuses nothing
			// on the strength of the lease: see doc.go.
			// An election a leadership transfer started is answered all the same: the leader asked for
			// it (thesis §3.10; etcd's campaignTransfer). With lease reads, a node that has just
			// started counts as in a lease too (see bootLease).
			lease := n.lead != None && (n.state == Leader || n.inLease) || n.bootLease
			if lease && m.Type == MsgPreVote && n.cfg.PreVote == PreVoteThesis {
				n.send(Message{Type: MsgPreVoteResp, To: m.From, Term: n.term, Reject: true})
				return
			}
			if lease && n.cfg.CheckQuorum && !(m.Type == MsgVote && m.Context == CampaignTransfer) {
				return
			}
		}
		switch {
		case m.Type == MsgPreVote:
			// A pre-vote never changes the receiver's term.
		case m.Type == MsgPreVoteResp && !m.Reject:
			// A granted pre-vote carries the term the candidate will campaign for, not a real term.
		default:
			lead := None
			if m.Type == MsgApp || m.Type == MsgHeartbeat || m.Type == MsgSnap {
				lead = m.From
			}
			n.becomeFollower(m.Term, lead)
		}
	case m.Term < n.term:
		// Answer stale leaders and candidates with the current term, so that they step down (§5.1).
		switch m.Type {
		case MsgApp, MsgSnap:
			n.send(Message{Type: MsgAppResp, To: m.From, Term: n.term, Index: m.Index, Reject: true})
		case MsgHeartbeat:
			n.send(Message{Type: MsgHeartbeatResp, To: m.From, Term: n.term})
		case MsgVote:
			n.send(Message{Type: MsgVoteResp, To: m.From, Term: n.term, Reject: true})
		case MsgPreVote:
			n.send(Message{Type: MsgPreVoteResp, To: m.From, Term: n.term, Reject: true})
		case MsgReadIndex:
			n.send(Message{Type: MsgReadIndexResp, To: m.From, Term: n.term, Context: m.Context, Reject: true})
		}
		return
	}

	// The handlers take a pointer; pointing them at the node's own copy rather than at m keeps m from
	// escaping to the heap, which would cost an allocation per message.
	n.in = m
	switch m.Type {
	case MsgVote, MsgPreVote:
		n.handleVoteRequest(&n.in)
	case MsgReadIndexResp:
		// A confirmed read index stays valid whatever the node's role since: serving at it once applied
		// is linearizable.
		n.reads.states = append(n.reads.states, ReadState{Ctx: m.Context, Index: m.Index, Refused: m.Reject})
	default:
		n.step(n, &n.in)
	}
	n.in.Entries, n.in.Snapshot = nil, nil // do not keep the sender's entries reachable
}

func (n *Node) handleVoteRequest(m *Message) {
	canVote := n.vote == m.From ||
		(n.vote == None && n.lead == None) ||
		(m.Type == MsgPreVote && m.Term > n.term)
	resp := MsgVoteResp
	if m.Type == MsgPreVote {
		resp = MsgPreVoteResp
	}
	if canVote && (n.upToDate(m.LogTerm, m.Index) || n.cfg.Mutants.Has(MutVoteNoLogCheck)) {
		if m.Type == MsgVote {
			// Record the vote before answering: send then holds the answer until the vote is durable
			// (Figure 2: votedFor is persisted before responding). Recording it after would let the
			// grant leave at once when nothing else was dirty, and a crash then frees the vote for a
			// second candidate of the same term.
			n.vote = m.From
			n.hsDirty = true
			n.grantSeq = n.batchSeq + 1 // the batch the next Ready hands out
			if n.cfg.Variant.VoterTimer == TimerOnGrant {
				n.resetElectionTimer()
			}
		}
		// Answer with the term of the request: for a pre-vote that is the candidate's future term.
		n.send(Message{Type: resp, To: m.From, Term: m.Term})
		return
	}
	n.send(Message{Type: resp, To: m.From, Term: n.term, Reject: true})
}

// upToDate is the election restriction of §5.4.1: a candidate's log must be at least as up-to-date as
// the voter's, comparing last terms first and then lengths.
func (n *Node) upToDate(lastTerm, lastIndex uint64) bool {
	return lastTerm > n.lastTerm() || (lastTerm == n.lastTerm() && lastIndex >= n.lastIndex())
}

// send queues m. Requests that vouch for nothing durable may leave at once: a leader's AppendEntries,
// InstallSnapshot and heartbeats (the leader writes its own entries in parallel, thesis §10.2.1) and a candidate's vote
// requests (it writes its term and self-vote in parallel, and counts that vote only once durable: see
// campaign). Anything else — every response — waits for the state it was decided on to be durable, if
// any of that state is not yet.
//
// Two variants change this (Config.Variant): with VoteWriteBeforeSend a candidate's vote requests wait
// for its term and vote like a response; with ReplyAtOnce a heartbeat's reply, which vouches for the
// current term and nothing else, leaves at once when that term is durable, without waiting for
// unrelated writes handed out before it.
func (n *Node) send(m Message) {
	m.From = n.id
	switch m.Type {
	case MsgApp, MsgHeartbeat, MsgPreVote, MsgSnap, MsgReadIndex, MsgTimeoutNow:
		n.msgs = append(n.msgs, m)
		return
	case MsgReadIndexResp:
		// A leader's answer vouches for its term, durable since it was elected, and for nothing it
		// has yet to write. A refusal may carry a term the node has just learned: it waits like any
		// reply.
		if !m.Reject {
			n.msgs = append(n.msgs, m)
			return
		}
	case MsgVote:
		if n.cfg.Variant.VoteWrite == VoteWriteParallel {
			n.msgs = append(n.msgs, m)
			return
		}
	case MsgHeartbeatResp:
		if n.cfg.Variant.HeartbeatReply == ReplyAtOnce && n.termSeq == 0 {
			n.msgs = append(n.msgs, m)
			return
		}
	case MsgVoteResp:
		if !m.Reject && n.cfg.Mutants.Has(MutVoteBeforeDurable) {
			n.msgs = append(n.msgs, m) // the grant leaves before the vote is written
			return
		}
	case MsgAppResp:
		if !m.Reject && n.cfg.Mutants.Has(MutAckBeforeDurable) {
			n.msgs = append(n.msgs, m) // the acknowledgement leaves before the entries are written
			return
		}
	}
	if n.dirty() || n.batchSeq > n.durableSeq || len(n.after) > 0 {
		n.after = append(n.after, m)
		return
	}
	n.msgs = append(n.msgs, m)
}

func (n *Node) setTimer(t Timeout, d time.Duration) {
	n.timers[t] = TimerChange{Changed: true, After: d}
	if t == ElectionTimeout {
		n.electionArmed = true
		n.heldTimeout = false // a restarted timer replaces one held back
	}
}

func (n *Node) stopTimer(t Timeout) {
	n.timers[t] = TimerChange{Changed: true}
	if t == ElectionTimeout {
		n.electionArmed = false
	}
}

func (n *Node) randomElectionTimeout() time.Duration {
	lo, hi := n.cfg.ElectionTimeoutMin, n.cfg.ElectionTimeoutMax
	if hi == lo {
		return lo
	}
	return lo + time.Duration(n.cfg.Rand.Int64N(int64(hi-lo)+1))
}

func (n *Node) resetElectionTimer() {
	n.setTimer(ElectionTimeout, n.randomElectionTimeout())
}

// heardFromLeader restarts the follower's election timer and lease.
func (n *Node) heardFromLeader(from uint64) {
	n.lead = from
	n.resetElectionTimer()
	if n.cfg.PreVote == PreVoteThesis || n.cfg.CheckQuorum {
		n.inLease = true
		n.setTimer(LeaseTimeout, n.cfg.ElectionTimeoutMin)
	}
}

// appendEntry appends a new entry of the current term to the leader's log.
func (n *Node) appendEntry(data []byte, size uint32) Entry {
	e := Entry{Term: n.term, Index: n.lastIndex() + 1, Size: size, Data: data}
	n.log = append(n.log, e)
	n.dirtyFrom = min(n.dirtyFrom, e.Index)
	return e
}

// truncate discards the entries after index keep. The kept prefix is copied to a new array because
// messages and batches in flight may share the old one.
func (n *Node) truncate(keep uint64) {
	k := keep - n.log[0].Index
	nl := make([]Entry, k+1, max(cap(n.log), int(k)+64))
	copy(nl, n.log[:k+1])
	n.log = nl
	n.dirtyFrom = min(n.dirtyFrom, keep+1)
	n.persisted = min(n.persisted, keep)
	n.confTruncated(keep)
	n.dropHeldAcks(keep)
}

// dropHeldAcks drops the answers held for the next batch that acknowledge entries after index keep,
// which the log no longer holds: such an answer, taken before the entries it vouches for were written
// and held until the batch is durable, would leave once a batch without those entries is durable and
// tell their leader the node holds what it never will (testdata/held_ack_truncated.txt, found by
// FuzzScenario). Dropping an answer is what the network may do to any. Answers handed out in an earlier
// batch stay: their entries are in that batch, durable before they leave.
func (n *Node) dropHeldAcks(keep uint64) {
	n.after = slices.DeleteFunc(n.after, func(m Message) bool { return m.Type == MsgAppResp && !m.Reject && m.Index > keep })
}

// overwrite replaces the entries at the indexes of ents, all within the log, and keeps the entries
// after them: the suffix a conflict should have discarded (MutNoSuffixTruncation). Only a mutated node
// calls it. The log is copied, as truncate does, because messages and batches in flight may share it.
func (n *Node) overwrite(ents []Entry) {
	first, off := ents[0].Index, n.log[0].Index
	nl := make([]Entry, len(n.log), cap(n.log))
	copy(nl, n.log)
	copy(nl[first-off:], ents)
	n.log = nl
	n.dirtyFrom = min(n.dirtyFrom, first)
	n.persisted = min(n.persisted, first-1)
	n.confTruncated(first - 1)
	n.confAppended(n.log[first-off:])
}
