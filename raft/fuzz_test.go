package raft_test

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/raftsim/raftsim/raft"
	"github.com/raftsim/raftsim/raft/rafttest"
)

// fuzzSource is a rand.Source that reads the fuzzer's bytes, eight at a time, and continues from a
// stream seeded with them once they run out (zeros for ever would make rand's rejection sampling loop),
// so that a mutation of a byte is a change of one choice.
type fuzzSource struct {
	data []byte
	rest *rand.PCG
}

func newFuzzSource(data []byte) *fuzzSource {
	var h uint64 = 0xcbf29ce484222325 // FNV-1a of the data seeds what follows it
	for _, b := range data {
		h = (h ^ uint64(b)) * 0x100000001b3
	}
	return &fuzzSource{data: data, rest: rand.NewPCG(h, uint64(len(data)))}
}

func (s *fuzzSource) Uint64() uint64 {
	if len(s.data) >= 8 {
		x := binary.LittleEndian.Uint64(s.data)
		s.data = s.data[8:]
		return x
	}
	s.data = nil
	return s.rest.Uint64()
}

// FuzzScenario drives a cluster of real nodes in the interaction env (package rafttest) through a
// scenario drawn from the fuzzer's bytes — elections, proposals, reads, transfers, deliveries in any
// order between links, drops, partitions, crashes, restarts, asynchronous persistence, compaction —
// with an implementation variant drawn from the first byte. Every message a node receives is one a
// node sent, so the env's checks after every command (one leader per term, one vote per node per term,
// Log Matching, Leader Completeness, agreement of what is committed and applied, nothing vouched for
// before it is durable, timers that fit the role, no stale read) must hold, and nothing may panic.
func FuzzScenario(f *testing.F) {
	for seed := range uint64(8) {
		b := make([]byte, 256)
		r := rand.New(rand.NewPCG(seed, 0x5eed))
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		f.Add(b)
	}
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		var opts []string
		if len(data) > 0 {
			v := data[0]
			opts = append(opts, []string{"prevote=false", "prevote=thesis", "prevote=etcd"}[int(v&3)%3])
			if v&4 != 0 {
				opts = append(opts, "vote-write=before_send")
			}
			if v&8 != 0 {
				opts = append(opts, "voter-timer=on_durable")
			}
			if v&16 != 0 {
				opts = append(opts, "vote-write-holds-timer=true")
			}
			if v&32 != 0 {
				opts = append(opts, "heartbeat-reply=at_once")
			}
			data = data[1:]
		}
		e := rafttest.NewEnv(nil)
		steps := min(400, 40+len(data))
		script, err := rafttest.RandomWith(e, rand.New(newFuzzSource(data)), steps, strings.Join(opts, " "))
		if err != nil {
			t.Fatalf("%v\nscript:\n%s", err, script)
		}
		if v := e.Violations(); len(v) > 0 {
			t.Fatalf("%s\nto replay it, save this as raft/testdata/x.txt and run with -update:\n%s", strings.Join(v, "; "), script)
		}
	})
}

// nodeFuzz drives one raft.Node (ID 1 of a cluster of 3 or 5) as its host would, by inputs decoded from
// the fuzzer's bytes: well-formed messages from the other nodes, timer firings (of armed timers only),
// proposals, configuration changes, reads, transfers, Readies, writes made durable, compactions, and
// crashes followed by a restart from what was durable. The messages are well-formed as far as one node can tell: of any type,
// with terms and indexes near the node's own, but never contradicting an entry it has committed, in
// this life or an earlier one (no leader elected by a majority could: Leader Completeness, §5.4).
// After every input it checks what a single node must keep whatever it is told.
type nodeFuzz struct {
	t     *testing.T
	in    []byte
	cfg   raft.Config
	peers []uint64
	n     *raft.Node

	durable raft.Durable
	pending []raft.Persist // batches handed out, not yet durable, in order
	lastSeq uint64         // the last batch handed out in this life
	armed   [raft.NumTimeouts]bool
	now     time.Duration

	// What must never change.
	durableVote map[uint64]uint64 // term -> the vote made durable in it
	committed   map[uint64]uint64 // index -> term of every entry handed out to apply
	// Within one life of the node (New resets the volatile state).
	term, vote, commit, applied uint64
}

// byte returns the next input byte, 0 once they run out.
func (z *nodeFuzz) byte() byte {
	if len(z.in) == 0 {
		return 0
	}
	b := z.in[0]
	z.in = z.in[1:]
	return b
}

// near returns x moved by a small amount, up or down, not below 0.
func (z *nodeFuzz) near(x uint64) uint64 {
	d := int64(z.byte()%7) - 3
	if d < 0 && uint64(-d) > x {
		return 0
	}
	return uint64(int64(x) + d)
}

func (z *nodeFuzz) fatalf(format string, args ...any) {
	z.t.Helper()
	z.t.Fatalf("node %d, term %d, state %v, log %d..%d, commit %d: %s", z.cfg.ID, z.n.Term(), z.n.State(),
		z.n.SnapshotIndex(), z.n.LastIndex(), z.n.Commit(), fmt.Sprintf(format, args...))
}

func (z *nodeFuzz) boot() {
	n, err := raft.New(z.cfg, z.durable)
	if err != nil {
		z.t.Fatalf("restart from what was durable: %v", err)
	}
	z.n = n
	z.pending, z.lastSeq, z.armed = nil, 0, [raft.NumTimeouts]bool{}
	z.term, z.vote = z.durable.HardState.Term, z.durable.HardState.Vote
	z.commit, z.applied = n.Commit(), n.Commit()
	if n.Term() != z.term || n.Vote() != z.vote {
		z.fatalf("restarted with term %d vote %d, durable term %d vote %d", n.Term(), n.Vote(), z.term, z.vote)
	}
}

// termAt is the term of entry i in the node's log, the snapshot's last entry included.
func (z *nodeFuzz) termAt(i uint64) (uint64, bool) {
	if i == z.n.SnapshotIndex() {
		if s := z.n.Snapshot(); s != nil {
			return s.Term, true
		}
		return 0, i == 0
	}
	e, ok := z.n.Entry(i)
	return e.Term, ok
}

// message builds a well-formed message of a type drawn from the input, from another node.
func (z *nodeFuzz) message() raft.Message {
	n := z.n
	m := raft.Message{
		Type: raft.MsgType(1 + z.byte()%12),
		From: z.peers[1+int(z.byte())%(len(z.peers)-1)],
		To:   z.cfg.ID,
		Term: z.near(n.Term()),
	}
	switch m.Type {
	case raft.MsgApp:
		m.Index = z.near(n.LastIndex())
		if m.Index < n.SnapshotIndex() {
			m.Index = n.SnapshotIndex()
		}
		if t, ok := z.committed[m.Index]; ok {
			m.LogTerm = t // what was committed is in every leader's log
		} else if t, ok := z.termAt(m.Index); ok && m.Index < z.mismatch() && (m.Index <= n.Commit() || z.byte()&1 == 0) {
			m.LogTerm = t
		} else {
			m.LogTerm = min(z.near(n.Term()), m.Term)
		}
		last := m.LogTerm
		for i := range uint64(z.byte() % 4) {
			idx := m.Index + 1 + i
			e := raft.Entry{Index: idx, Size: uint32(z.byte())}
			if t, ok := z.committed[idx]; ok {
				e.Term = t
			} else if t, ok := z.termAt(idx); ok && idx < z.mismatch() && z.byte()&1 == 0 {
				e.Term = t
				if got, _ := n.Entry(idx); got.Term == t {
					e = got // the same entry: a leader that holds it sends it as it is
				}
			} else {
				e.Term = max(last+uint64(z.byte()%2), 1)
			}
			if e.Term > m.Term || e.Term < last {
				break // a leader's log has no entry of a later term than its own, and terms never fall
			}
			last = e.Term
			m.Entries = append(m.Entries, e)
		}
		m.Commit = z.near(n.Commit() + uint64(len(m.Entries)))
	case raft.MsgAppResp:
		m.Index = min(z.near(n.LastIndex()), n.LastIndex())
		m.Reject = z.byte()&1 == 1
		if m.Reject {
			m.RejectHint = min(z.near(m.Index), m.Index+1)
			m.LogTerm = min(z.near(n.Term()), m.Term)
		}
	case raft.MsgHeartbeat:
		// A leader caps the commit index at what the follower is known to hold of its log.
		m.Commit = min(z.near(n.Commit()), max(n.Commit(), z.mismatch()-1))
		m.Context = uint64(z.byte() % 4)
	case raft.MsgHeartbeatResp:
		m.Index = z.near(n.SnapshotIndex())
		m.Context = uint64(z.byte() % 4)
	case raft.MsgVote, raft.MsgPreVote:
		if z.byte()&1 == 1 {
			m.Term = n.Term() + 1 + uint64(z.byte()%2)
		}
		m.Index = z.near(n.LastIndex())
		m.LogTerm = min(z.near(n.Term()), m.Term)
		if m.Type == raft.MsgVote && z.byte()&1 == 1 {
			m.Context = raft.CampaignTransfer
		}
	case raft.MsgVoteResp, raft.MsgPreVoteResp:
		// A voter grants only a candidate whose log holds every committed entry: a majority holds them,
		// and refuses a candidate that lacks one (§5.4.1).
		m.Reject = z.byte()&1 == 1 || !z.holdsCommitted()
		if m.Type == raft.MsgPreVoteResp && !m.Reject {
			m.Term = n.Term() + uint64(z.byte()%2) // a grant carries the term the candidate asked for
		}
	case raft.MsgSnap:
		idx := z.near(n.Commit() + 2)
		s := &raft.Snapshot{Index: idx, Size: uint64(z.byte()), Conf: raft.ConfState{Voters: z.peers}}
		if t, ok := z.committed[idx]; ok {
			s.Term = t
		} else if t, ok := z.termAt(idx); ok && idx < z.mismatch() && z.byte()&1 == 0 {
			s.Term = t
		} else {
			s.Term = min(z.near(n.Term()), m.Term)
		}
		if s.Index > 0 && s.Term == 0 {
			s.Term = 1
		}
		if s.Term > m.Term {
			m.Term = s.Term
		}
		m.Snapshot, m.Index, m.LogTerm, m.Commit = s, s.Index, s.Term, z.near(s.Index)
	case raft.MsgReadIndex:
		m.Context = uint64(z.byte())
	case raft.MsgReadIndexResp:
		m.Context = uint64(z.byte())
		m.Index = z.near(n.Commit())
		m.Reject = z.byte()&1 == 1
	}
	return m
}

// mismatch is the first index at which the node's log holds an entry other than the one committed
// there (in this life or an earlier one: after a restart the durable log may hold an entry that was
// overwritten, committed and applied, but not yet written, before the crash), or one past its last
// entry. A leader's log agrees with the node's only below it: the messages agree with the node's log
// only there (Log Matching, §5.3).
func (z *nodeFuzz) mismatch() uint64 {
	first := z.n.LastIndex() + 1
	for i, t := range z.committed {
		if i > z.n.SnapshotIndex() && i < first {
			if got, ok := z.termAt(i); ok && got != t {
				first = i
			}
		}
	}
	return first
}

// holdsCommitted reports whether the node's log holds the last entry ever committed (and so, by Log
// Matching, every one before it).
func (z *nodeFuzz) holdsCommitted() bool {
	var last uint64
	for i := range z.committed {
		last = max(last, i)
	}
	if last <= z.n.SnapshotIndex() {
		return true
	}
	t, ok := z.termAt(last)
	return ok && t == z.committed[last]
}

// ready takes the node's Ready and does what a host does with it, checking it on the way.
func (z *nodeFuzz) ready() {
	n := z.n
	if !n.HasReady() {
		return
	}
	rd := n.Ready()
	for _, m := range rd.Messages {
		z.checkMsg(m, "sent")
	}
	if rd.HasPersist {
		p := rd.Persist
		if p.Seq != z.lastSeq+1 {
			z.fatalf("batch #%d after #%d", p.Seq, z.lastSeq)
		}
		z.lastSeq = p.Seq
		if p.HasHardState && p.HardState.Term < z.durable.HardState.Term {
			z.fatalf("batch #%d writes term %d below the durable %d", p.Seq, p.HardState.Term, z.durable.HardState.Term)
		}
		for i, e := range p.Entries {
			if e.Index != p.First+uint64(i) || e.Term > n.Term() || i > 0 && e.Term < p.Entries[i-1].Term {
				z.fatalf("batch #%d from %d: entry %d is %d/%d", p.Seq, p.First, i, e.Term, e.Index)
			}
		}
		for _, m := range p.Messages {
			z.checkMsg(m, "held")
		}
		// A Ready's slices are valid until the next Ready; the batch is kept until it is durable.
		p.Entries, p.Messages = slices.Clone(p.Entries), slices.Clone(p.Messages)
		z.pending = append(z.pending, p)
	}
	next := z.applied + 1
	if s := rd.Snapshot; s != nil {
		next = s.Index + 1
	}
	for _, e := range rd.Committed {
		if e.Index != next {
			z.fatalf("applies entry %d, want %d", e.Index, next)
		}
		next++
		if t, ok := z.committed[e.Index]; ok && t != e.Term {
			z.fatalf("applies entry %d of term %d; it applied term %d there before", e.Index, e.Term, t)
		}
		z.committed[e.Index] = e.Term
	}
	if len(rd.Committed) > 0 || rd.Snapshot != nil {
		z.applied = next - 1
	}
	for i, tc := range rd.Timers {
		if tc.Changed {
			z.armed[i] = tc.After > 0
		}
	}
	if rd.SnapshotDue != 0 && z.byte()&1 == 0 {
		if err := n.Compact(rd.SnapshotDue, nil, 100); err != nil {
			z.fatalf("compact at %d, as asked: %v", rd.SnapshotDue, err)
		}
	}
}

// checkMsg checks a message the node sends.
func (z *nodeFuzz) checkMsg(m raft.Message, how string) {
	n := z.n
	switch {
	case m.From != z.cfg.ID || m.To == z.cfg.ID || m.To == raft.None:
		z.fatalf("%s %v from %d to %d", how, m.Type, m.From, m.To)
	case m.Type == raft.MsgPreVote && m.Term > n.Term()+1,
		m.Type != raft.MsgPreVote && !(m.Type == raft.MsgPreVoteResp && !m.Reject) && m.Term > n.Term():
		// (A granted pre-vote carries the term the candidate asked for, which may be above the node's.)
		z.fatalf("%s %v to %d of term %d", how, m.Type, m.To, m.Term)
	case m.Type == raft.MsgSnap && (m.Snapshot == nil || m.Snapshot.Index != m.Index || m.Snapshot.Term != m.LogTerm):
		z.fatalf("%s a snapshot message that does not match its snapshot: %+v", how, m)
	}
	for i, e := range m.Entries {
		if m.Type != raft.MsgApp || e.Index != m.Index+1+uint64(i) || e.Term > m.Term || e.Term < m.LogTerm ||
			i > 0 && e.Term < m.Entries[i-1].Term {
			z.fatalf("%s %v to %d after %d/%d with entry %d/%d", how, m.Type, m.To, m.LogTerm, m.Index, e.Term, e.Index)
		}
	}
}

// persist makes the pending batches through one drawn from the input durable, as storage does, in order.
func (z *nodeFuzz) persist() {
	if len(z.pending) == 0 {
		return
	}
	k := int(z.byte()) % len(z.pending)
	for _, p := range z.pending[:k+1] {
		d := &z.durable
		if p.HasHardState {
			if v, ok := z.durableVote[p.HardState.Term]; ok && v != raft.None && v != p.HardState.Vote {
				z.fatalf("batch #%d writes vote %d in term %d, which has durable vote %d", p.Seq, p.HardState.Vote, p.HardState.Term, v)
			}
			if p.HardState.Vote != raft.None {
				z.durableVote[p.HardState.Term] = p.HardState.Vote
			}
			d.HardState = p.HardState
		}
		if s := p.Snapshot; s != nil {
			k := int(s.Index - d.Snapshot.Index)
			if k > 0 && k <= len(d.Entries) && d.Entries[k-1].Term == s.Term {
				d.Entries = slices.Clone(d.Entries[k:])
			} else {
				d.Entries = nil
			}
			d.Snapshot = *s
		}
		if p.First != 0 {
			if p.First <= d.Snapshot.Index || p.First-1-d.Snapshot.Index > uint64(len(d.Entries)) {
				z.fatalf("batch #%d starts at %d: the durable log is %d..%d", p.Seq, p.First, d.Snapshot.Index, d.Snapshot.Index+uint64(len(d.Entries)))
			}
			k := int(p.First - 1 - d.Snapshot.Index)
			d.Entries = append(d.Entries[:k:k], p.Entries...)
		}
		// The batch's messages leave now: an acknowledgement vouches for entries now durable, or for
		// committed ones (a follower answers a stale AppendEntries with its commit index).
		for _, m := range p.Messages {
			if last := d.Snapshot.Index + uint64(len(d.Entries)); m.Type == raft.MsgAppResp && !m.Reject && m.Index > max(last, z.commit) {
				z.fatalf("batch #%d durable: its answer to %d acknowledges index %d, the durable log ends at %d", p.Seq, m.To, m.Index, last)
			}
		}
	}
	seq := z.pending[k].Seq
	z.pending = z.pending[k+1:]
	z.n.Persisted(seq)
}

// check checks what the node must keep after every input.
func (z *nodeFuzz) check(what string) {
	z.t.Helper()
	n := z.n
	switch {
	case n.Term() < z.term:
		z.fatalf("after %s: term fell from %d", what, z.term)
	case n.Term() == z.term && z.vote != raft.None && n.Vote() != z.vote:
		z.fatalf("after %s: vote changed from %d to %d in term %d", what, z.vote, n.Vote(), n.Term())
	case n.Commit() < z.commit:
		z.fatalf("after %s: commit fell from %d", what, z.commit)
	case n.Commit() > n.LastIndex():
		z.fatalf("after %s: commit beyond the last entry", what)
	case n.SnapshotIndex() > n.Commit():
		z.fatalf("after %s: snapshot beyond the commit index", what)
	case n.PersistedIndex() > n.LastIndex():
		z.fatalf("after %s: persisted index %d beyond the log", what, n.PersistedIndex())
	case n.State() == raft.Leader && n.Leader() != z.cfg.ID:
		z.fatalf("after %s: a leader that names %d as leader", what, n.Leader())
	}
	z.term, z.vote, z.commit = n.Term(), n.Vote(), n.Commit()
	prev := raft.Entry{Index: n.SnapshotIndex()}
	if s := n.Snapshot(); s != nil {
		prev.Term = s.Term
	}
	for _, e := range n.Entries(n.SnapshotIndex()+1, n.LastIndex()) {
		if e.Index != prev.Index+1 || e.Term < prev.Term || e.Term > n.Term() {
			z.fatalf("after %s: entry %d/%d follows %d/%d", what, e.Term, e.Index, prev.Term, prev.Index)
		}
		if t, ok := z.committed[e.Index]; ok && t != e.Term && e.Index <= n.Commit() {
			z.fatalf("after %s: committed entry %d, applied in term %d, is now of term %d", what, e.Index, t, e.Term)
		}
		prev = e
	}
}

// FuzzNode drives one node through inputs decoded from the fuzzer's bytes (see nodeFuzz) and checks
// after each what a single node must keep: its term never falls (nor below what is durable, across a
// restart), it never changes its vote within a term, nor makes two votes durable in one term; its commit
// index never falls within a life and never passes the end of its log, nor its snapshot the commit index;
// an entry handed out to apply is never handed out again with another term, nor changed in the log; the
// log is contiguous after its snapshot with terms that never fall; batches come in order and start
// where the durable log can take them, and an acknowledgement held in one vouches only for entries
// durable once it is; messages come from the node, to another node, of no later term than its own,
// with contiguous entries. And it never panics.
func FuzzNode(f *testing.F) {
	for seed := range uint64(8) {
		b := make([]byte, 512)
		r := rand.New(rand.NewPCG(seed, 0xf022))
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		f.Add(b)
	}
	// An election won and two entries committed, then random inputs: the timer fires (11 0), the self-
	// vote is made durable (6, 9 0), node 2 grants its vote (0 5 0 3 0), the new leader's empty entry is
	// written (6, 9 0), a proposal (12 10) is written (6, 9 0) and acknowledged by node 2 (0 1 0 3 3 0),
	// and applied (6). Without, with CheckQuorum and compaction every two entries, and with five nodes.
	won := []byte{6, 11, 0, 6, 9, 0, 0, 5, 0, 3, 0, 6, 9, 0, 12, 10, 6, 9, 0, 0, 1, 0, 3, 3, 0, 6, 0}
	for i, opt := range []byte{0, 8 | 16, 1} {
		tail := make([]byte, 256)
		r := rand.New(rand.NewPCG(uint64(i), 0x1ead))
		for j := range tail {
			tail[j] = byte(r.Uint32())
		}
		f.Add(append(append([]byte{opt}, won...), tail...))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		z := &nodeFuzz{t: t, in: data, durableVote: map[uint64]uint64{}, committed: map[uint64]uint64{}}
		opt := z.byte()
		size := 3 + 2*int(opt&1)
		for i := 1; i <= size; i++ {
			z.peers = append(z.peers, uint64(i))
		}
		z.cfg = raft.Config{ID: 1, Peers: z.peers, ElectionTimeoutMin: 150 * time.Millisecond,
			ElectionTimeoutMax: 300 * time.Millisecond, HeartbeatInterval: 50 * time.Millisecond,
			Rand: rand.New(rand.NewPCG(uint64(opt), 1)), PreVote: raft.PreVote(opt >> 1 % 3),
			CheckQuorum: opt&8 != 0, MaxEntriesPerMsg: 2, MaxInflight: 2}
		if opt&16 != 0 {
			z.cfg.SnapshotEntries = 2
		}
		if opt&32 != 0 {
			z.cfg.Variant.VoteWrite = raft.VoteWriteBeforeSend
		}
		if opt&64 != 0 {
			z.cfg.Variant.VoterTimer = raft.TimerOnDurable
			z.cfg.Variant.VoteWriteHoldsTimer = true
		}
		if opt&128 != 0 {
			z.cfg.Variant.HeartbeatReply = raft.ReplyAtOnce
			if z.cfg.CheckQuorum {
				z.cfg.LeaseRead, z.cfg.ClockDrift = true, 0.01
			}
		}
		z.boot()
		for steps := 0; len(z.in) > 0 && steps < 2000; steps++ {
			var what string
			switch op := z.byte() % 16; {
			case op < 6:
				m := z.message()
				what = fmt.Sprintf("step %v from %d term %d index %d logterm %d commit %d entries %d", m.Type, m.From, m.Term, m.Index, m.LogTerm, m.Commit, len(m.Entries))
				z.n.Step(m)
			case op < 9:
				what = "ready"
				z.ready()
			case op < 11:
				what = "persist"
				z.persist()
			case op == 11:
				to := raft.Timeout(z.byte() % uint8(raft.NumTimeouts))
				if !z.armed[to] {
					continue // a host fires only a timer the node armed
				}
				z.armed[to] = false
				what = "timeout " + to.String()
				z.n.Timeout(to)
			case op == 12:
				what = "propose"
				z.n.Propose(nil, uint32(z.byte()))
			case op == 13:
				what = "read"
				z.n.ReadIndex(uint64(z.byte()))
			case op == 14:
				switch z.byte() % 3 {
				case 0:
					what = "transfer"
					z.n.TransferLeadership(z.peers[1+int(z.byte())%(len(z.peers)-1)])
				case 1:
					what = "time"
					z.now += time.Duration(z.byte()) * time.Millisecond
					z.n.SetNow(z.now)
				default:
					// A member added, promoted or removed: this node, another, or one beyond the cluster.
					cc := raft.ConfChange{Type: raft.ConfChangeType(z.byte() % 3), ID: 1 + uint64(z.byte())%uint64(len(z.peers)+2)}
					what = "conf change " + cc.String()
					z.n.ProposeConfChange(cc)
				}
			default:
				what = "crash and restart"
				z.boot()
			}
			if os.Getenv("FUZZNODE_TRACE") != "" { // to read a failing input's inputs: go test -run FuzzNode/ID -v
				t.Logf("%s -> term %d state %v log %d..%d commit %d", what, z.n.Term(), z.n.State(), z.n.SnapshotIndex(), z.n.LastIndex(), z.n.Commit())
			}
			z.check(what)
		}
	})
}
