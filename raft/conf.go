package raft

import (
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Membership changes (Raft thesis ch. 4): one server at a time, the configuration taking effect on each
// node as soon as its entry is in the node's log, committed or not (§4.1).

// EntryType is what a log entry holds.
type EntryType uint8

const (
	// EntryNormal is a client command, or the empty entry a new leader appends.
	EntryNormal EntryType = iota
	// EntryConfChange is a configuration: Data encodes a ConfChange and the ConfState it produces.
	EntryConfChange
)

// ConfState is a configuration: the voters, whose majorities elect leaders and commit entries, and the
// learners, who receive the log but neither vote nor count towards a majority (as etcd's learners).
// Both are sorted and disjoint.
type ConfState struct {
	Voters   []uint64
	Learners []uint64
}

// IsVoter and IsLearner report id's place in the configuration.
func (c *ConfState) IsVoter(id uint64) bool { _, ok := slices.BinarySearch(c.Voters, id); return ok }
func (c *ConfState) IsLearner(id uint64) bool {
	_, ok := slices.BinarySearch(c.Learners, id)
	return ok
}

// IsMember reports whether id is a voter or a learner.
func (c *ConfState) IsMember(id uint64) bool { return c.IsVoter(id) || c.IsLearner(id) }

// Quorum is the number of voters that make a majority.
func (c *ConfState) Quorum() int { return len(c.Voters)/2 + 1 }

func (c ConfState) String() string {
	s := "voters=" + joinIDs(c.Voters)
	if len(c.Learners) > 0 {
		s += " learners=" + joinIDs(c.Learners)
	}
	return s
}

func joinIDs(ids []uint64) string {
	p := make([]string, len(ids))
	for i, id := range ids {
		p[i] = fmt.Sprint(id)
	}
	return "(" + strings.Join(p, ",") + ")"
}

// ConfChangeType is a single-server change.
type ConfChangeType uint8

const (
	// AddVoter adds a server as a voter, or promotes a learner.
	AddVoter ConfChangeType = iota
	// AddLearner adds a server as a learner.
	AddLearner
	// RemoveNode removes a voter or a learner.
	RemoveNode
)

var confChangeNames = [...]string{"add-voter", "add-learner", "remove"}

func (t ConfChangeType) String() string {
	if int(t) < len(confChangeNames) {
		return confChangeNames[t]
	}
	return fmt.Sprintf("ConfChangeType(%d)", uint8(t))
}

// ParseConfChangeType reads a ConfChangeType by its name (add-voter, add-learner, remove).
func ParseConfChangeType(s string) (ConfChangeType, error) {
	i, err := parseName(s, confChangeNames[:])
	return ConfChangeType(i), err
}

// ConfChange is one server added, promoted or removed.
type ConfChange struct {
	Type ConfChangeType
	ID   uint64
}

func (cc ConfChange) String() string { return fmt.Sprintf("%v %d", cc.Type, cc.ID) }

// Errors of ProposeConfChange besides ErrNotLeader.
var (
	// ErrConfChangePending: the leader's latest configuration entry is not committed yet (thesis
	// §4.1: one change at a time), or the leader has not yet committed an entry of its own term (the
	// fix to §4.1 posted to raft-dev in 2015: without it, a change of a new leader's and one of a
	// deposed leader's, each uncommitted, can together make two changes in flight).
	ErrConfChangePending = errors.New("raft: a configuration change is in progress")
	// ErrConfChangeInvalid: the change does not apply to the current configuration (adding a member,
	// removing a non-member, removing the last voter, demoting a voter).
	ErrConfChangeInvalid = errors.New("raft: configuration change does not apply")
)

// apply returns the configuration cc makes of c, or ErrConfChangeInvalid.
func (c *ConfState) apply(cc ConfChange) (ConfState, error) {
	if cc.ID == None {
		return ConfState{}, fmt.Errorf("%w: node ID 0", ErrConfChangeInvalid)
	}
	v, l := slices.Clone(c.Voters), slices.Clone(c.Learners)
	switch cc.Type {
	case AddVoter:
		if c.IsVoter(cc.ID) {
			return ConfState{}, fmt.Errorf("%w: %d is a voter already", ErrConfChangeInvalid, cc.ID)
		}
		l = slices.DeleteFunc(l, func(x uint64) bool { return x == cc.ID })
		v = insertID(v, cc.ID)
	case AddLearner:
		if c.IsMember(cc.ID) {
			return ConfState{}, fmt.Errorf("%w: %d is a member already", ErrConfChangeInvalid, cc.ID)
		}
		l = insertID(l, cc.ID)
	case RemoveNode:
		if !c.IsMember(cc.ID) {
			return ConfState{}, fmt.Errorf("%w: %d is not a member", ErrConfChangeInvalid, cc.ID)
		}
		if c.IsVoter(cc.ID) && len(c.Voters) == 1 {
			return ConfState{}, fmt.Errorf("%w: %d is the last voter", ErrConfChangeInvalid, cc.ID)
		}
		v = slices.DeleteFunc(v, func(x uint64) bool { return x == cc.ID })
		l = slices.DeleteFunc(l, func(x uint64) bool { return x == cc.ID })
	default:
		return ConfState{}, fmt.Errorf("%w: type %v", ErrConfChangeInvalid, cc.Type)
	}
	return ConfState{Voters: v, Learners: l}, nil
}

func insertID(ids []uint64, id uint64) []uint64 {
	i, _ := slices.BinarySearch(ids, id)
	return slices.Insert(ids, i, id)
}

// EncodeConfEntry is the Data of a configuration entry: the change, then the configuration it makes,
// as unsigned varints (type, ID, number of voters, voters, number of learners, learners).
func EncodeConfEntry(cc ConfChange, cs ConfState) []byte {
	b := make([]byte, 0, 4+2*(len(cs.Voters)+len(cs.Learners)))
	b = binary.AppendUvarint(b, uint64(cc.Type))
	b = binary.AppendUvarint(b, cc.ID)
	for _, ids := range [2][]uint64{cs.Voters, cs.Learners} {
		b = binary.AppendUvarint(b, uint64(len(ids)))
		for _, id := range ids {
			b = binary.AppendUvarint(b, id)
		}
	}
	return b
}

// DecodeConfEntry reads the Data of a configuration entry.
func DecodeConfEntry(b []byte) (ConfChange, ConfState, error) {
	var x [2]uint64
	for i := range x {
		v, k := binary.Uvarint(b)
		if k <= 0 {
			return ConfChange{}, ConfState{}, errors.New("raft: configuration entry: truncated")
		}
		x[i], b = v, b[k:]
	}
	var lists [2][]uint64
	for i := range lists {
		n, k := binary.Uvarint(b)
		if k <= 0 || n > uint64(len(b)) {
			return ConfChange{}, ConfState{}, errors.New("raft: configuration entry: truncated")
		}
		b = b[k:]
		lists[i] = make([]uint64, n)
		for j := range lists[i] {
			v, k := binary.Uvarint(b)
			if k <= 0 {
				return ConfChange{}, ConfState{}, errors.New("raft: configuration entry: truncated")
			}
			lists[i][j], b = v, b[k:]
		}
	}
	return ConfChange{Type: ConfChangeType(x[0]), ID: x[1]}, ConfState{Voters: lists[0], Learners: lists[1]}, nil
}

// BootConf is the configuration a node starts from before the entries of its durable log: that of
// its durable snapshot s, or, for none (or a snapshot that records none), the bootstrap configuration
// whose voters are peers (Config.Peers). Observers that follow configurations from outside (the safety
// checker) start from it too.
func BootConf(peers []uint64, s *Snapshot) ConfState {
	if s.Index > 0 && len(s.Conf.Voters) > 0 {
		return s.Conf
	}
	voters := slices.Clone(peers)
	slices.Sort(voters)
	return ConfState{Voters: slices.Compact(voters)}
}

// confMark is a configuration and the log index where it appears (the snapshot's index, or 0, for the
// base configuration).
type confMark struct {
	index uint64
	cs    ConfState
}

// Conf returns the node's configuration: the latest in its log, committed or not.
func (n *Node) Conf() ConfState { return n.confs[len(n.confs)-1].cs }

// ConfIndex returns the index of the entry of the node's configuration (the snapshot's index, or 0,
// for one that predates the log).
func (n *Node) ConfIndex() uint64 { return n.confs[len(n.confs)-1].index }

func (n *Node) conf() *ConfState { return &n.confs[len(n.confs)-1].cs }

// confPending reports whether the latest configuration entry is not known committed.
func (n *Node) confPending() bool { return n.confs[len(n.confs)-1].index > n.commit }

// ProposeConfChange appends a configuration entry for cc to the leader's log and starts replicating
// it; the new configuration is the leader's at once (thesis §4.1). It returns the entry's index and
// term. A leader accepts one change at a time: ErrConfChangePending while its last configuration entry
// is uncommitted or it has not yet committed an entry of its own term. A leader that removes itself
// goes on leading until the change commits, without counting itself towards majorities, then steps
// down (§4.2.2).
func (n *Node) ProposeConfChange(cc ConfChange) (index, term uint64, err error) {
	if n.state != Leader {
		return 0, 0, ErrNotLeader
	}
	if n.transfer.to != None {
		// As Propose: an entry appended once the target's log matched would leave the target behind,
		// and its forced election would fail (thesis §3.10), or the change could remove the target.
		return 0, 0, ErrTransferring
	}
	if !n.cfg.Mutants.Has(MutConcurrentConfChanges) {
		if t, _ := n.termAt(n.commit); t != n.term || n.confPending() {
			return 0, 0, ErrConfChangePending
		}
	}
	cs, err := n.conf().apply(cc)
	if err != nil {
		return 0, 0, err
	}
	data := EncodeConfEntry(cc, cs)
	e := Entry{Term: n.term, Index: n.lastIndex() + 1, Size: uint32(len(data)), Type: EntryConfChange, Data: data}
	n.log = append(n.log, e)
	n.dirtyFrom = min(n.dirtyFrom, e.Index)
	n.confs = append(n.confs, confMark{index: e.Index, cs: cs})
	n.setConf()
	n.bcastAppend(false)
	return e.Index, e.Term, nil
}

// confAppended records the configuration entries among ents, just appended to the log.
func (n *Node) confAppended(ents []Entry) {
	changed := false
	for i := range ents {
		if ents[i].Type != EntryConfChange {
			continue
		}
		_, cs, err := DecodeConfEntry(ents[i].Data)
		if err != nil {
			panic(err) // entries come from a leader's ProposeConfChange
		}
		n.confs = append(n.confs, confMark{index: ents[i].Index, cs: cs})
		changed = true
	}
	if changed {
		n.setConf()
	}
}

// confTruncated reverts to the configuration in force after the log was cut to keep (§4.1: a node
// uses the latest configuration in its log, so removing an entry brings back the one before it).
func (n *Node) confTruncated(keep uint64) {
	k := len(n.confs)
	for k > 1 && n.confs[k-1].index > keep {
		k--
	}
	if k < len(n.confs) {
		n.confs = n.confs[:k]
		n.setConf()
	}
}

// confCompacted drops the configurations before the snapshot at index, keeping the one in force there
// as the base, and returns it.
func (n *Node) confCompacted(index uint64) ConfState {
	k := 0
	for k+1 < len(n.confs) && n.confs[k+1].index <= index {
		k++
	}
	base := n.confs[k].cs
	n.confs = append([]confMark{{index: index, cs: base}}, n.confs[k+1:]...)
	return base
}

// setConf rebuilds the progress of every tracked node from the configuration: its voters and learners
// and, on a leader whose latest configuration entry is uncommitted, the members of the configuration
// before it as well, so that a node being removed still gets the entry that removes it (and so stops
// campaigning) — it no longer counts towards anything. Progress of nodes still tracked is kept.
func (n *Node) setConf() {
	cs := n.conf()
	ids := append(slices.Clone(cs.Voters), cs.Learners...)
	if n.state == Leader && n.confPending() && len(n.confs) > 1 {
		prev := &n.confs[len(n.confs)-2].cs
		ids = append(ids, prev.Voters...)
		ids = append(ids, prev.Learners...)
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	old := n.prs
	prs := make([]progress, len(ids))
	for i, id := range ids {
		if j := n.peerIndex(id); j >= 0 {
			prs[i] = old[j]
		} else {
			// Next at the last entry (the configuration entry, on a leader that just appended it)
			// rather than after it, so that the first AppendEntries carries an entry and goes out at
			// once; the consistency check then finds where the new node's log matches.
			prs[i] = progress{ID: id, Next: max(n.lastIndex(), 1)}
			prs[i].inflight.init(n.cfg.MaxInflight)
		}
		prs[i].Voter = cs.IsVoter(id)
	}
	votes := make([]int8, len(ids))
	for i, id := range ids {
		if j := n.peerIndex(id); j >= 0 && j < len(n.votes) {
			votes[i] = n.votes[j]
		}
	}
	// The read rounds' answers follow their peers too (read.go).
	acks := make([]uint64, len(ids))
	for i, id := range ids {
		if j := n.peerIndex(id); j >= 0 && j < len(n.reads.acks) {
			acks[i] = n.reads.acks[j]
		}
	}
	n.reads.acks = acks
	n.prs, n.votes, n.peers = prs, votes, ids
	n.quorum = cs.Quorum()
}

// leaderConfCommitted is called when a leader's commit index reaches its latest configuration entry:
// it stops tracking the nodes that entry removed and, if the entry removed the leader itself, steps
// down (§4.2.2). It reports whether the leader stepped down.
func (n *Node) leaderConfCommitted() bool {
	if !n.conf().IsVoter(n.id) {
		n.becomeFollower(n.term, None)
		return true
	}
	n.setConf()
	return false
}
