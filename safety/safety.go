package safety

import (
	"fmt"
	"strings"
	"time"

	"github.com/raftsim/raftsim/raft"
)

// The properties, as named in the Raft paper.
const (
	ElectionSafety     = "Election Safety"
	LeaderAppendOnly   = "Leader Append-Only"
	LogMatching        = "Log Matching"
	LeaderCompleteness = "Leader Completeness"
	StateMachineSafety = "State Machine Safety"
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
	return fmt.Sprintf("safety: %s violated at %v (nodes %s): %s; replay with --seed %d",
		v.Invariant, v.At, strings.Join(ids, ","), v.Detail, v.Seed)
}

// mark identifies an entry with its whole prefix.
type mark struct {
	term uint64
	hash uint64
	node uint64 // the first node seen with it, for reports
}

type nodeLog struct {
	// hashes[i] is the prefix hash through index i; terms[i] the term of entry i. Index 0 is the empty
	// prefix.
	hashes []uint64
	terms  []uint64
	// While leader: the term, and the last index it had when it became leader or last appended.
	leaderTerm uint64
	applied    uint64
}

// Checker watches one run. The simulator calls its methods as things happen; the first violation found
// is returned and kept (Err).
type Checker struct {
	seed  uint64
	clock func() time.Duration
	nodes map[uint64]*nodeLog

	leaders map[uint64]uint64 // term -> leader elected in it
	byIndex [][]mark          // index -> the distinct (term, prefix hash) seen at that index
	applied []mark            // index -> what was applied there first (index 0 unused)

	commitIndex uint64 // the highest index known committed anywhere
	commitHash  uint64 // the prefix hash at commitIndex
	commitBy    uint64

	err *Violation
}

// New returns a checker for a run with the given seed; clock reads the simulated time for reports.
func New(seed uint64, clock func() time.Duration) *Checker {
	return &Checker{seed: seed, clock: clock, nodes: map[uint64]*nodeLog{}, leaders: map[uint64]uint64{},
		byIndex: make([][]mark, 1), applied: make([]mark, 1)}
}

// Err returns the first violation found, or nil.
func (c *Checker) Err() *Violation { return c.err }

func (c *Checker) fail(inv string, nodes []uint64, format string, args ...any) *Violation {
	if c.err == nil {
		c.err = &Violation{Invariant: inv, At: c.clock(), Nodes: nodes, Seed: c.seed, Detail: fmt.Sprintf(format, args...)}
	}
	return c.err
}

func (c *Checker) node(id uint64) *nodeLog {
	nl := c.nodes[id]
	if nl == nil {
		nl = &nodeLog{hashes: []uint64{0}, terms: []uint64{0}}
		c.nodes[id] = nl
	}
	return nl
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

// Restarted resets a node's view to what it recovered from storage.
func (c *Checker) Restarted(id uint64, entries []raft.Entry) *Violation {
	nl := c.node(id)
	nl.hashes, nl.terms = nl.hashes[:1], nl.terms[:1]
	nl.leaderTerm, nl.applied = 0, 0
	return c.LogChanged(id, 1, entries)
}

// LogChanged records that node id's log now holds entries from first on (replacing whatever it held
// there), as handed out in a persist batch.
func (c *Checker) LogChanged(id uint64, first uint64, entries []raft.Entry) *Violation {
	nl := c.node(id)
	last := uint64(len(nl.hashes) - 1)
	if first == 0 || first > last+1 {
		return c.fail(LogMatching, []uint64{id}, "node %d's log changed from index %d but it only held %d entries", id, first, last)
	}
	if nl.leaderTerm != 0 && first <= last {
		return c.fail(LeaderAppendOnly, []uint64{id}, "leader %d of term %d replaced its entries from index %d (it had %d)", id, nl.leaderTerm, first, last)
	}
	nl.hashes, nl.terms = nl.hashes[:first], nl.terms[:first]
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
	}
	return nil
}

// matchIndex checks Log Matching for one (index, term) and remembers it.
func (c *Checker) matchIndex(id, index, term, h uint64) *Violation {
	for uint64(len(c.byIndex)) <= index {
		c.byIndex = append(c.byIndex, nil)
	}
	for _, m := range c.byIndex[index] {
		if m.term == term {
			if m.hash != h {
				return c.fail(LogMatching, []uint64{m.node, id}, "nodes %d and %d both hold an entry of term %d at index %d but their logs differ before it", m.node, id, term, index)
			}
			return nil
		}
	}
	c.byIndex[index] = append(c.byIndex[index], mark{term: term, hash: h, node: id})
	return nil
}

// BecameLeader records that id won the election of term; its log is as the checker last saw it.
func (c *Checker) BecameLeader(id, term uint64) *Violation {
	if prev, ok := c.leaders[term]; ok && prev != id {
		return c.fail(ElectionSafety, []uint64{prev, id}, "nodes %d and %d were both elected leader of term %d", prev, id, term)
	}
	c.leaders[term] = id
	nl := c.node(id)
	nl.leaderTerm = term
	if c.commitIndex > 0 {
		if uint64(len(nl.hashes)) <= c.commitIndex || nl.hashes[c.commitIndex] != c.commitHash {
			return c.fail(LeaderCompleteness, []uint64{id, c.commitBy}, "leader %d of term %d lacks entry %d, committed as node %d saw it", id, term, c.commitIndex, c.commitBy)
		}
	}
	return nil
}

// SteppedDown records that id is no longer leader.
func (c *Checker) SteppedDown(id uint64) {
	c.node(id).leaderTerm = 0
}

// Committed records that node id's commit index is now commit.
func (c *Checker) Committed(id, commit uint64) *Violation {
	if commit <= c.commitIndex {
		// Must agree with what is already known committed.
		nl := c.node(id)
		if commit > 0 && uint64(len(nl.hashes)) > commit {
			if v := c.agreeCommitted(id, commit, nl.hashes[commit]); v != nil {
				return v
			}
		}
		return nil
	}
	nl := c.node(id)
	if uint64(len(nl.hashes)) <= commit {
		return c.fail(LogMatching, []uint64{id}, "node %d committed index %d beyond its log (%d entries)", id, commit, len(nl.hashes)-1)
	}
	// The new committed prefix must extend the old one.
	if c.commitIndex > 0 && nl.hashes[c.commitIndex] != c.commitHash {
		return c.fail(StateMachineSafety, []uint64{id, c.commitBy}, "node %d committed through %d a log that differs from the one node %d committed through %d", id, commit, c.commitBy, c.commitIndex)
	}
	c.commitIndex, c.commitHash, c.commitBy = commit, nl.hashes[commit], id
	return nil
}

// agreeCommitted checks a node's prefix hash at a committed index against any node's that applied it.
func (c *Checker) agreeCommitted(id, index, h uint64) *Violation {
	if index < uint64(len(c.applied)) && c.applied[index].node != 0 && c.applied[index].hash != h {
		return c.fail(StateMachineSafety, []uint64{c.applied[index].node, id}, "node %d committed a different entry at index %d than node %d applied", id, index, c.applied[index].node)
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
		if uint64(len(nl.hashes)) <= e.Index {
			return c.fail(StateMachineSafety, []uint64{id}, "node %d applied index %d beyond its log", id, e.Index)
		}
		h := nl.hashes[e.Index]
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
