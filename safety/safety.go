package safety

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/raftsim/raftsim/raft"
	"github.com/raftsim/raftsim/sim"
)

// The properties, as named in the Raft paper.
const (
	ElectionSafety     = "Election Safety"
	LeaderAppendOnly   = "Leader Append-Only"
	LogMatching        = "Log Matching"
	LeaderCompleteness = "Leader Completeness"
	StateMachineSafety = "State Machine Safety"
	// ReadFreshness is not one of the paper's five: a read served must reflect every write committed
	// before the read was invoked (the part of linearizability a stale ReadIndex or lease breaks).
	ReadFreshness = "Read Freshness"
	// ConfigurationSafety and CommitQuorum follow membership changes (thesis ch. 4); see the package
	// documentation for what each states and why it is checkable from outside.
	ConfigurationSafety = "Configuration Safety"
	CommitQuorum        = "Commit Quorum"
)

// Violation is a broken safety property.
type Violation struct {
	Invariant string
	At        time.Duration // simulated time
	Nodes     []uint64
	Seed      uint64
	Detail    string
}

func (v *Violation) Error() string {
	ids := make([]string, len(v.Nodes))
	for i, id := range v.Nodes {
		ids[i] = fmt.Sprint(id)
	}
	return fmt.Sprintf("safety: %s violated at %s (nodes %s): %s; seed %d",
		v.Invariant, sim.FormatDuration(v.At), strings.Join(ids, ","), v.Detail, v.Seed)
}

// mark identifies an entry with its whole prefix.
type mark struct {
	term uint64
	hash uint64
	node uint64 // the first node seen with it, for reports
}

type nodeLog struct {
	// hashes[i] is the prefix hash through index base+i; terms[i] the term of entry base+i. base is the
	// index of the node's snapshot (0 for none, and hashes[0] the empty prefix): entries at or below it
	// are compacted, committed by construction, and not kept here.
	base   uint64
	hashes []uint64
	terms  []uint64
	// While leader: the term, and the last index it had when it became leader or last appended.
	leaderTerm uint64
	applied    uint64
	// confs[0] is the configuration in force at base (the snapshot's, or the bootstrap one), then one
	// record per configuration entry the log holds after base, in index order: like hashes, they follow
	// the log, cut at truncation and dropped at compaction. confs[0].voters is nil while the node's
	// configuration is unknown (it was never Restarted): the checks that need voters then skip it.
	confs []confRec
}

// confRec is a configuration and the index of its entry (base's for confs[0]).
type confRec struct {
	index  uint64
	voters []uint64 // sorted
}

// voters returns the voters of the node's configuration (the latest in its log, committed or not),
// nil if unknown.
func (nl *nodeLog) voters() []uint64 { return nl.confs[len(nl.confs)-1].voters }

// confAt returns the configuration in force at index i (which must be at least base): that of the
// last configuration entry at or below i.
func (nl *nodeLog) confAt(i uint64) []uint64 {
	k := len(nl.confs) - 1
	for k > 0 && nl.confs[k].index > i {
		k--
	}
	return nl.confs[k].voters
}

// termCommit is the highest index a node in term had committed.
type termCommit struct{ term, index uint64 }

// Checker watches one run. The simulator calls its methods as things happen; the first violation found
// is returned and kept (Err).
type Checker struct {
	seed  uint64
	clock func() time.Duration
	nodes map[uint64]*nodeLog

	leaders map[uint64]uint64 // term -> leader elected in it
	byIndex [][]mark          // index -> the distinct (term, prefix hash) seen at that index
	applied []mark            // index -> what was applied there first (index 0 unused)

	// committed[i] is the prefix hash of the committed log through index i (committed[0] = 0, the empty
	// prefix), and committedBy[i] the node first seen to commit it.
	committed   []uint64
	committedBy []uint64
	termCommits []termCommit // sorted by term

	// records counts what the checker remembers beyond the logs themselves: the marks of byIndex, the
	// terms of leaders and of termCommits. See Records.
	records int

	err *Violation
}

// New returns a checker for a run with the given seed; clock reads the simulated time for reports.
func New(seed uint64, clock func() time.Duration) *Checker {
	return &Checker{seed: seed, clock: clock, nodes: map[uint64]*nodeLog{}, leaders: map[uint64]uint64{},
		byIndex: make([][]mark, 1), applied: make([]mark, 1), committed: []uint64{0}, committedBy: []uint64{0}}
}

// Err returns the first violation found, or nil.
func (c *Checker) Err() *Violation { return c.err }

// Records returns how many records the checker holds beyond the nodes' logs: one per distinct (index,
// term) any node's log has held — overwritten entries included — and up to two per term that elected a
// leader or committed. Everything else it keeps follows the length of the logs, but these grow with
// every election even while the logs do not (a new leader's empty entry, overwritten by the next
// leader's, is a new record each time): the caller bounds them.
func (c *Checker) Records() int { return c.records }

func (c *Checker) fail(inv string, nodes []uint64, format string, args ...any) *Violation {
	if c.err == nil {
		c.err = &Violation{Invariant: inv, At: c.clock(), Nodes: nodes, Seed: c.seed, Detail: fmt.Sprintf(format, args...)}
	}
	return c.err
}

func (c *Checker) node(id uint64) *nodeLog {
	nl := c.nodes[id]
	if nl == nil {
		nl = &nodeLog{hashes: []uint64{0}, terms: []uint64{0}, confs: []confRec{{}}}
		c.nodes[id] = nl
	}
	return nl
}

// last is the index of the last entry of the node's log.
func (nl *nodeLog) last() uint64 { return nl.base + uint64(len(nl.hashes)-1) }

// hash returns the prefix hash through index i, and false if the log does not hold i (compacted or
// beyond its end).
func (nl *nodeLog) hash(i uint64) (uint64, bool) {
	if i < nl.base || i > nl.last() {
		return 0, false
	}
	return nl.hashes[i-nl.base], true
}

// entryHash extends a prefix hash by one entry: FNV-1a over the previous hash, the entry's term, index
// and size, and its data, written out so that hashing allocates nothing.
func entryHash(prev uint64, e *raft.Entry) uint64 {
	const prime = 1099511628211
	h := uint64(14695981039346656037)
	for _, x := range [4]uint64{prev, e.Term, e.Index, uint64(e.Size)} {
		for k := 0; k < 8; k++ {
			h ^= x & 0xff
			h *= prime
			x >>= 8
		}
	}
	for _, b := range e.Data {
		h ^= uint64(b)
		h *= prime
	}
	return h
}

// Restarted resets a node's view to what it recovered from storage: a snapshot through snapIndex, of
// term snapTerm (0 and 0 for none), and the entries after it. conf is the configuration the node
// starts from before those entries (raft.BootConf: the snapshot's, or the bootstrap one).
func (c *Checker) Restarted(id, snapIndex, snapTerm uint64, conf raft.ConfState, entries []raft.Entry) *Violation {
	nl := c.node(id)
	nl.base, nl.hashes, nl.terms = 0, nl.hashes[:1], nl.terms[:1]
	nl.hashes[0], nl.terms[0] = 0, 0
	nl.leaderTerm, nl.applied = 0, 0
	nl.confs = []confRec{{voters: conf.Voters}}
	if snapIndex > 0 {
		if v := c.Snapshotted(id, snapIndex, snapTerm, conf); v != nil {
			return v
		}
	}
	return c.LogChanged(id, snapIndex+1, entries)
}

// Snapshotted records that node id's log now starts after a snapshot through index, of term term, as
// handed out in a persist batch (before the batch's entries). A snapshot holds committed entries only,
// so its prefix is the committed one: the node's own log, if it holds index, must agree with it. If the
// log holds the snapshot's last entry the entries after it stay (a node compacting its own log);
// otherwise the snapshot replaces the whole log (one installed from the leader). The node's state
// machine is then the snapshot's: it applies from index+1 on. conf is the snapshot's configuration
// (raft.Snapshot.Conf), the one in force at index; a snapshot that records none (no voters) leaves the
// node's configuration as its log has it at index.
func (c *Checker) Snapshotted(id, index, term uint64, conf raft.ConfState) *Violation {
	nl := c.node(id)
	if index <= nl.base {
		return nil // an older snapshot than the one the log starts at already
	}
	if known := uint64(len(c.committed) - 1); index > known {
		return c.fail(StateMachineSafety, []uint64{id}, "node %d snapshotted through index %d, beyond the highest index known committed (%d)", id, index, known)
	}
	want := c.committed[index]
	h, ok := nl.hash(index)
	keep := ok && nl.terms[index-nl.base] == term
	// The configuration in force at index: the snapshot's, or for one that records none, the log's.
	inForce := nl.confAt(min(index, nl.last()))
	voters := conf.Voters
	if len(voters) == 0 {
		voters = inForce
	}
	if keep {
		if h != want {
			return c.fail(StateMachineSafety, []uint64{id, c.committedBy[index]}, "node %d snapshotted through index %d a log that differs from the one node %d committed", id, index, c.committedBy[index])
		}
		if inForce != nil && !slices.Equal(inForce, voters) {
			return c.fail(ConfigurationSafety, []uint64{id}, "node %d snapshotted through index %d with voters %v, but its log has %v in force there", id, index, voters, inForce)
		}
		// Keep what follows, in new arrays, so that the compacted part can be collected.
		k := index - nl.base
		nl.hashes = append(make([]uint64, 0, uint64(len(nl.hashes))-k+64), nl.hashes[k:]...)
		nl.terms = append(make([]uint64, 0, uint64(len(nl.terms))-k+64), nl.terms[k:]...)
	} else {
		nl.hashes, nl.terms = []uint64{want}, []uint64{term}
	}
	// The configuration entries at or below index go with the compacted log (all of them, for a log
	// the snapshot replaces); the one in force at index becomes the base.
	k := len(nl.confs)
	if keep {
		k = 1
		for k < len(nl.confs) && nl.confs[k].index <= index {
			k++
		}
	}
	nl.confs = append([]confRec{{index: index, voters: voters}}, nl.confs[k:]...)
	nl.base = index
	nl.applied = max(nl.applied, index)
	return nil
}

// LogChanged records that node id's log now holds entries from first on (replacing whatever it held
// there), as handed out in a persist batch.
func (c *Checker) LogChanged(id uint64, first uint64, entries []raft.Entry) *Violation {
	nl := c.node(id)
	last := nl.last()
	if first == 0 || first > last+1 {
		return c.fail(LogMatching, []uint64{id}, "node %d's log changed from index %d but it only held %d entries", id, first, last)
	}
	if first <= nl.base {
		return c.fail(StateMachineSafety, []uint64{id}, "node %d's log changed from index %d, inside its snapshot through %d", id, first, nl.base)
	}
	if nl.leaderTerm != 0 && first <= last {
		return c.fail(LeaderAppendOnly, []uint64{id}, "leader %d of term %d replaced its entries from index %d (it had %d)", id, nl.leaderTerm, first, last)
	}
	nl.hashes, nl.terms = nl.hashes[:first-nl.base], nl.terms[:first-nl.base]
	// A configuration entry cut from the log takes its configuration with it (thesis §4.1: a node uses
	// the latest configuration in its log, committed or not).
	k := len(nl.confs)
	for k > 1 && nl.confs[k-1].index >= first {
		k--
	}
	nl.confs = nl.confs[:k]
	for i := range entries {
		e := &entries[i]
		if e.Index != first+uint64(i) {
			return c.fail(LogMatching, []uint64{id}, "node %d's entries are not consecutive at index %d", id, e.Index)
		}
		h := entryHash(nl.hashes[len(nl.hashes)-1], e)
		nl.hashes = append(nl.hashes, h)
		nl.terms = append(nl.terms, e.Term)
		if v := c.matchIndex(id, e.Index, e.Term, h); v != nil {
			return v
		}
		if e.Type == raft.EntryConfChange {
			if v := c.confAppended(id, nl, e); v != nil {
				return v
			}
		}
	}
	return nil
}

// confAppended checks Configuration Safety for a configuration entry just added to node id's log, and
// records its configuration. One change at a time (thesis §4.1): the entry changes at most one voter of
// the configuration before it; the configuration entry before it in the log is known committed (so no
// log ever holds two configuration entries beyond the committed prefix); and, if the node is the
// leader that appended it, it had committed an entry of its own term first (the raft-dev fix of 2015).
// The committed index the checker knows is the highest any node reported; a leader's own is never
// ahead of it, as its host reports a commit before it hands the leader another input.
func (c *Checker) confAppended(id uint64, nl *nodeLog, e *raft.Entry) *Violation {
	cc, cs, err := raft.DecodeConfEntry(e.Data)
	if err != nil {
		return c.fail(ConfigurationSafety, []uint64{id}, "node %d holds configuration entry %d of term %d that does not decode: %v", id, e.Index, e.Term, err)
	}
	prev := &nl.confs[len(nl.confs)-1]
	if prev.voters != nil {
		if d := voterChanges(prev.voters, cs.Voters); d > 1 {
			return c.fail(ConfigurationSafety, []uint64{id}, "configuration entry %d of term %d (%v) on node %d changes %d voters at once: %v to %v", e.Index, e.Term, cc, id, d, prev.voters, cs.Voters)
		}
	}
	known := uint64(len(c.committed) - 1)
	if prev.index > known {
		return c.fail(ConfigurationSafety, []uint64{id}, "node %d's log holds configuration entries at %d and %d (%v), beyond the highest index known committed (%d): two changes in flight", id, prev.index, e.Index, cc, known)
	}
	if nl.leaderTerm != 0 && e.Term == nl.leaderTerm {
		// The entries before it that the leader can have committed; the highest is of its own term iff
		// it has committed one (terms never decrease along a log).
		k := min(known, e.Index-1)
		if t := nl.terms[k-nl.base]; t != e.Term {
			return c.fail(ConfigurationSafety, []uint64{id}, "leader %d of term %d appended configuration entry %d (%v) before committing an entry of its term (known committed through %d, of term %d)", id, e.Term, e.Index, cc, known, t)
		}
	}
	nl.confs = append(nl.confs, confRec{index: e.Index, voters: cs.Voters})
	return nil
}

// voterChanges counts the voters in one of two sorted lists and not in the other.
func voterChanges(a, b []uint64) int {
	d, i, j := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			i++
			j++
		case a[i] < b[j]:
			d++
			i++
		default:
			d++
			j++
		}
	}
	return d + len(a) - i + len(b) - j
}

// matchIndex checks Log Matching for one (index, term) and remembers it.
func (c *Checker) matchIndex(id, index, term, h uint64) *Violation {
	for uint64(len(c.byIndex)) <= index {
		c.byIndex = append(c.byIndex, nil)
	}
	for _, m := range c.byIndex[index] {
		if m.term == term {
			if m.hash != h && m.node == id {
				// The entry's first holder holds it again over another log: a node's own log
				// at two times, which Log Matching constrains as it does two nodes' logs.
				return c.fail(LogMatching, []uint64{id}, "node %d holds an entry of term %d at index %d again, but the entry or its log before it differs from when the node first held one there", id, term, index)
			}
			if m.hash != h {
				return c.fail(LogMatching, []uint64{m.node, id}, "nodes %d and %d both hold an entry of term %d at index %d, but the entries or their logs before them differ", m.node, id, term, index)
			}
			return nil
		}
	}
	c.byIndex[index] = append(c.byIndex[index], mark{term: term, hash: h, node: id})
	c.records++
	return nil
}

// BecameLeader records that id won the election of term; its log is as the checker last saw it.
func (c *Checker) BecameLeader(id, term uint64) *Violation {
	if prev, ok := c.leaders[term]; ok && prev != id {
		return c.fail(ElectionSafety, []uint64{prev, id}, "nodes %d and %d were both elected leader of term %d", prev, id, term)
	}
	if _, ok := c.leaders[term]; !ok {
		c.leaders[term] = id
		c.records++
	}
	nl := c.node(id)
	nl.leaderTerm = term
	// Only a voter of its configuration campaigns, and votes count only from the candidate's
	// configuration's voters (thesis §4.1, §4.2.2); the log it won with holds that configuration.
	if vs := nl.voters(); vs != nil && !slices.Contains(vs, id) {
		return c.fail(ElectionSafety, []uint64{id}, "node %d was elected leader of term %d but is not a voter of its configuration %v", id, term, vs)
	}
	// Leader Completeness binds leaders of later terms only: a candidate whose votes were slow may win
	// term T after a leader of term T+1 has committed more, and that is no violation. The highest index
	// committed in an earlier term covers every lower one, as committed prefixes agree (Committed checks).
	var index uint64
	for _, tc := range c.termCommits {
		if tc.term >= term {
			break
		}
		index = max(index, tc.index)
	}
	// A snapshot's prefix was checked against the committed one when the node took it.
	if h, ok := nl.hash(max(index, nl.base)); index > 0 && (!ok || index >= nl.base && h != c.committed[index]) {
		return c.fail(LeaderCompleteness, []uint64{id, c.committedBy[index]}, "leader %d of term %d lacks entry %d, committed in an earlier term as node %d saw it", id, term, index, c.committedBy[index])
	}
	return nil
}

// SteppedDown records that id is no longer leader.
func (c *Checker) SteppedDown(id uint64) {
	c.node(id).leaderTerm = 0
}

// Committed records that node id, in term, has commit index commit.
func (c *Checker) Committed(id, term, commit uint64) *Violation {
	if commit == 0 {
		return nil
	}
	nl := c.node(id)
	hc, ok := nl.hash(commit)
	if !ok {
		return c.fail(LogMatching, []uint64{id}, "node %d committed index %d outside its log (entries %d to %d)", id, commit, nl.base+1, nl.last())
	}
	known := uint64(len(c.committed) - 1) // the highest index known committed
	if nl.leaderTerm == term && commit > known {
		if v := c.commitQuorum(id, nl, commit, hc); v != nil {
			return v
		}
	}
	switch {
	case commit <= known:
		if hc != c.committed[commit] {
			return c.fail(StateMachineSafety, []uint64{c.committedBy[commit], id}, "node %d committed a log through index %d that differs from the one node %d committed", id, commit, c.committedBy[commit])
		}
	default:
		// The new committed prefix must extend the known one. A node whose snapshot is beyond known
		// cannot exist: it holds only committed entries (Snapshotted).
		hk, _ := nl.hash(known)
		if known > 0 && hk != c.committed[known] {
			return c.fail(StateMachineSafety, []uint64{id, c.committedBy[known]}, "node %d committed through %d a log that differs from the one node %d committed through %d", id, commit, c.committedBy[known], known)
		}
		for i := known + 1; i <= commit; i++ {
			c.committed = append(c.committed, nl.hashes[i-nl.base])
			c.committedBy = append(c.committedBy, id)
		}
	}
	// Remember the highest index committed in each term, in term order.
	i, found := slices.BinarySearchFunc(c.termCommits, term, func(tc termCommit, t uint64) int { return cmp.Compare(tc.term, t) })
	if !found {
		c.termCommits = slices.Insert(c.termCommits, i, termCommit{term: term})
		c.records++
	}
	c.termCommits[i].index = max(c.termCommits[i].index, commit)
	return nil
}

// commitQuorum checks Commit Quorum for leader id, which has just committed through index commit, of
// prefix hash hc, beyond anything known committed: a majority of the voters of the leader's
// configuration (its latest, committed or not, as it counts them: thesis §4.1) hold that entry — hold
// it as the checker last saw their logs, which is what they handed to their disks and no less than
// what they acknowledged. The leader counts itself only if it is one of the voters (§4.2.2).
func (c *Checker) commitQuorum(id uint64, nl *nodeLog, commit, hc uint64) *Violation {
	voters := nl.voters()
	if voters == nil {
		return nil
	}
	held := 0
	for _, v := range voters {
		o := nl
		if v != id {
			if o = c.nodes[v]; o == nil {
				continue
			}
		}
		if h, ok := o.hash(commit); ok && h == hc {
			held++
		}
	}
	if q := len(voters)/2 + 1; held < q {
		return c.fail(CommitQuorum, []uint64{id}, "leader %d committed index %d held by %d of the voters %v of its configuration, fewer than a majority (%d)", id, commit, held, voters, q)
	}
	return nil
}

// Applied records that node id applied entries, which follow what it applied before.
func (c *Checker) Applied(id uint64, entries []raft.Entry) *Violation {
	nl := c.node(id)
	for i := range entries {
		e := &entries[i]
		if e.Index != nl.applied+1 {
			return c.fail(StateMachineSafety, []uint64{id}, "node %d applied index %d after %d", id, e.Index, nl.applied)
		}
		nl.applied = e.Index
		h, ok := nl.hash(e.Index)
		if !ok {
			return c.fail(StateMachineSafety, []uint64{id}, "node %d applied index %d outside its log", id, e.Index)
		}
		for uint64(len(c.applied)) <= e.Index {
			c.applied = append(c.applied, mark{})
		}
		a := &c.applied[e.Index]
		if a.node == 0 {
			*a = mark{term: e.Term, hash: h, node: id}
			continue
		}
		if a.hash != h {
			return c.fail(StateMachineSafety, []uint64{a.node, id}, "node %d applied entry %d of term %d but node %d applied one of term %d there", id, e.Index, e.Term, a.node, a.term)
		}
	}
	return nil
}

// ReadServed checks a read that node id served for a client's operation seq: the node's state machine
// had applied through index applied, and when the client invoked the read, some node had already
// committed through floor. Every write acknowledged before the read began is at or below floor, so a
// read served below it can miss one: no linearizable read does.
func (c *Checker) ReadServed(id, client, seq, applied, floor uint64) *Violation {
	if applied >= floor {
		return nil
	}
	return c.fail(ReadFreshness, []uint64{id}, "node %d served read %d of client %d at applied index %d, but index %d was committed before the read was invoked",
		id, seq, client, applied, floor)
}
