package raft

import "fmt"

// None is the zero node ID: no leader, no vote.
const None uint64 = 0

// MsgType is the kind of a Message.
type MsgType uint8

// The message types. Heartbeats are separate from AppendEntries, as in etcd, so that they can carry a
// commit index without a consistency check and unblock a follower in probe state.
const (
	MsgApp           MsgType = iota + 1 // AppendEntries request
	MsgAppResp                          // AppendEntries response
	MsgHeartbeat                        // leader heartbeat
	MsgHeartbeatResp                    // heartbeat response
	MsgVote                             // RequestVote request
	MsgVoteResp                         // RequestVote response
	MsgPreVote                          // pre-vote request (thesis §9.6)
	MsgPreVoteResp                      // pre-vote response
	MsgSnap                             // InstallSnapshot request (thesis §5.1, Figure 5.3)
	MsgReadIndex                        // a follower asks the leader for a read index (thesis §6.4)
	MsgReadIndexResp                    // the leader's answer: a confirmed read index, or a refusal
	MsgTimeoutNow                       // leadership transfer: start an election at once (thesis §3.10)
	numMsgTypes
)

var msgTypeNames = [...]string{
	MsgApp:           "app",
	MsgAppResp:       "app_resp",
	MsgHeartbeat:     "heartbeat",
	MsgHeartbeatResp: "heartbeat_resp",
	MsgVote:          "vote",
	MsgVoteResp:      "vote_resp",
	MsgPreVote:       "prevote",
	MsgPreVoteResp:   "prevote_resp",
	MsgSnap:          "snap",
	MsgReadIndex:     "read_index",
	MsgReadIndexResp: "read_index_resp",
	MsgTimeoutNow:    "timeout_now",
}

// String returns the short lower-case name used in traces, e.g. "app_resp".
func (t MsgType) String() string {
	if t > 0 && t < numMsgTypes {
		return msgTypeNames[t]
	}
	return fmt.Sprintf("MsgType(%d)", uint8(t))
}

// IsResponse reports whether t answers a request.
func (t MsgType) IsResponse() bool {
	return t == MsgAppResp || t == MsgHeartbeatResp || t == MsgVoteResp || t == MsgPreVoteResp ||
		t == MsgReadIndexResp
}

// Entry is one log entry. Entries are immutable once created: a Node shares them between its log,
// the messages it sends and the batches it hands out for persisting.
type Entry struct {
	Term  uint64
	Index uint64
	// Size is the size in bytes the payload stands for on the wire and on disk. It lets a workload model
	// 1 KB writes without allocating them; Data holds only what the state machine needs.
	Size uint32
	// Type is EntryNormal for a client command (or a new leader's empty entry) and EntryConfChange for
	// a configuration (thesis ch. 4), whose Data then encodes the change and the whole configuration
	// it produces (see ConfChange). It fits in the padding after Size: an Entry is no larger for it.
	Type EntryType
	Data []byte // nil for the empty entry a new leader appends
}

// Message is a Raft RPC. Which fields mean what depends on Type:
//
//	MsgApp:        Index, LogTerm = the entry preceding Entries; Commit = leader's commit index
//	MsgAppResp:    accepted: Index = last index now known to match; rejected: Index = the rejected
//	               preceding index, RejectHint and LogTerm = where the follower suggests to retry
//	MsgHeartbeat:  Commit = leader's commit, capped at what this follower is known to hold; Index = the
//	               snapshot the leader waits for this follower to acknowledge, or 0 (echoed in the response)
//	MsgHeartbeatResp: Index = the heartbeat's Index
//	MsgSnap:       Snapshot = the leader's snapshot; Index, LogTerm = its last included entry. The
//	               follower answers with a MsgAppResp (thesis §5.1: one message carries the whole snapshot)
//	MsgVote, MsgPreVote: Index, LogTerm = candidate's last entry; Term = the term it campaigns for
//	MsgVoteResp, MsgPreVoteResp: Reject = vote refused
//	MsgHeartbeat, MsgHeartbeatResp: Context = the leader's read round the heartbeat belongs to, echoed
//	               in the response (0: none), as etcd's ReadOnlySafe carries its request context
//	MsgVote:       Context = CampaignTransfer when a leadership transfer started the election
//	MsgReadIndex:  Context = the follower's own tag for the read
//	MsgReadIndexResp: Context = that tag; Index = the confirmed read index; Reject = refused
//	MsgTimeoutNow: no fields beyond the header
type Message struct {
	Type       MsgType
	Reject     bool
	From       uint64
	To         uint64
	Term       uint64
	LogTerm    uint64
	Index      uint64
	Commit     uint64
	RejectHint uint64
	Entries    []Entry
	Snapshot   *Snapshot // MsgSnap only; immutable, shared with the sender
	Context    uint64
}

// CampaignTransfer in a MsgVote's Context marks an election that a leadership transfer started
// (MsgTimeoutNow): voters answer it even while they hear from the old leader, as etcd's campaignTransfer.
const CampaignTransfer uint64 = 1

// Modelled wire sizes, in bytes, for the bandwidth figures. A header carries the fixed fields above plus
// framing, as a compact binary RPC encoding would; each entry adds its term, index and length.
const (
	HeaderBytes = 64
	EntryBytes  = 24
)

// Size returns the modelled size of m on the wire in bytes.
func (m *Message) Size() int {
	n := HeaderBytes
	for i := range m.Entries {
		n += EntryBytes + int(m.Entries[i].Size)
	}
	if m.Snapshot != nil {
		n += int(min(m.Snapshot.Size, maxSnapshotSize))
	}
	return n
}

// maxSnapshotSize caps a snapshot's modelled size where it becomes an int (1 TiB is far beyond any
// state machine a run can model).
const maxSnapshotSize = 1 << 40

// Snapshot is a state machine image that replaces the log through Index (Raft thesis ch. 5). A node
// never looks inside Data; it is the caller's image, handed back to the caller to restore. Snapshots
// are immutable once made: a node shares them with the messages that carry them and the batches that
// persist them.
type Snapshot struct {
	Index uint64 // lastIncludedIndex: the last entry the image reflects
	Term  uint64 // lastIncludedTerm: that entry's term
	// Size is the image's modelled size in bytes, on the wire and on disk; as with Entry.Size, Data need
	// not be that large.
	Size uint64
	Data []byte
	// Conf is the configuration as of Index (the latest in the log through Index): a node restored from
	// the snapshot uses it until a later configuration entry follows.
	Conf ConfState
}

// HardState is what a node must persist before answering: its term and its vote in that term.
type HardState struct {
	Term uint64
	Vote uint64
}

// Durable is everything a node has on stable storage, and all a restarted node gets back.
type Durable struct {
	HardState HardState
	// Snapshot is the last snapshot made durable; Index 0 for none.
	Snapshot Snapshot
	// Entries follow the snapshot: indices Snapshot.Index+1 .. Snapshot.Index+len(Entries), in order.
	Entries []Entry
}
