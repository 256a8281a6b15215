package raft

import "fmt"

// The implementation variants: points where real Raft implementations differ and the measured numbers
// (election times above all) move, while safety does not. Each zero value is the behaviour raftsim had
// before the variants existed, so a Config that sets none of them runs as before. raft/doc.go gives
// each choice its source.

// PreVote is whether and how a node runs the pre-vote phase (thesis §9.6) before an election.
type PreVote uint8

const (
	// PreVoteOff: a node that times out starts an election at once.
	PreVoteOff PreVote = iota
	// PreVoteThesis: a node refuses a pre-vote while it has heard from a leader within the minimum
	// election timeout (thesis §9.6, Howard & Abraham 2020), whether CheckQuorum is on or not.
	PreVoteThesis
	// PreVoteEtcd: a node grants a pre-vote to any candidate whose log is up to date and whose
	// proposed term is above its own, whatever it has heard from a leader; only CheckQuorum's lease
	// makes it ignore the request (etcd-io/raft raft.go, Step).
	PreVoteEtcd
)

var preVoteNames = [...]string{"off", "thesis", "etcd"}

func (p PreVote) String() string {
	if int(p) < len(preVoteNames) {
		return preVoteNames[p]
	}
	return fmt.Sprintf("PreVote(%d)", uint8(p))
}

// Variant picks, at each decision point where implementations differ, the behaviour the node follows.
// The zero Variant is etcd's order everywhere, and raftsim's behaviour before the variants existed.
type Variant struct {
	// VoteWrite is when a candidate's new term and its vote for itself are written relative to its
	// RequestVotes.
	VoteWrite VoteWrite
	// VoterTimer is when a node that grants a vote restarts its election timer.
	VoterTimer VoterTimer
	// VoteWriteHoldsTimer: while a vote the node granted is being written, its election timer cannot
	// fire; a timeout that falls due meanwhile takes effect once the vote is durable (unless the timer
	// is restarted first). LogCabin and hashicorp/raft write the vote synchronously, holding the lock
	// (or the one goroutine) their timer needs.
	VoteWriteHoldsTimer bool
	// HeartbeatReply is whether a heartbeat's reply waits behind the node's earlier writes.
	HeartbeatReply HeartbeatReply
}

// VoteWrite is when a candidate writes its term and self-vote, relative to sending RequestVote.
type VoteWrite uint8

const (
	// VoteWriteParallel: the RequestVotes leave at once, while the term and vote are written; the
	// candidate counts its own vote only once it is durable (etcd-io/raft: MsgVote goes to msgs, not
	// msgsAfterAppend, in raft.go send).
	VoteWriteParallel VoteWrite = iota
	// VoteWriteBeforeSend: the RequestVotes leave only once the term and vote are durable (LogCabin,
	// Server/RaftConsensus.cc startNewElection: updateLogMetadata runs under the lock the peer threads
	// need to send requestVote).
	VoteWriteBeforeSend
)

// VoterTimer is when a voter restarts its election timer.
type VoterTimer uint8

const (
	// TimerOnGrant: when the node decides to grant the vote, before the vote is durable (etcd-io/raft
	// raft.go Step: electionElapsed = 0 on a granted MsgVote; LogCabin handleRequestVote:
	// setElectionTimer before updateLogMetadata).
	TimerOnGrant VoterTimer = iota
	// TimerOnDurable: once the vote is durable (hashicorp/raft raft.go requestVote: persistVote, then
	// setLastContact).
	TimerOnDurable
)

// HeartbeatReply is whether a heartbeat's reply queues behind writes it does not depend on.
type HeartbeatReply uint8

const (
	// ReplyQueued: like every reply, a heartbeat's waits until every write handed out before it is
	// durable (the disk is FIFO, so it waits behind unrelated writes such as a log append).
	ReplyQueued HeartbeatReply = iota
	// ReplyAtOnce: a heartbeat's reply vouches for nothing but the node's current term, so it leaves at
	// once when that term is durable, and otherwise as a reply of any kind would. etcd with
	// AsyncStorageWrites does not hold it at all (raft.go send: MsgHeartbeatResp goes to msgs; only
	// MsgAppResp, MsgVoteResp and MsgPreVoteResp wait in msgsAfterAppend).
	ReplyAtOnce
)

var (
	voteWriteNames      = [...]string{"parallel", "before_send"}
	voterTimerNames     = [...]string{"on_grant", "on_durable"}
	heartbeatReplyNames = [...]string{"queued", "at_once"}
)

func (v VoteWrite) String() string {
	if int(v) < len(voteWriteNames) {
		return voteWriteNames[v]
	}
	return fmt.Sprintf("VoteWrite(%d)", uint8(v))
}

func (v VoterTimer) String() string {
	if int(v) < len(voterTimerNames) {
		return voterTimerNames[v]
	}
	return fmt.Sprintf("VoterTimer(%d)", uint8(v))
}

func (v HeartbeatReply) String() string {
	if int(v) < len(heartbeatReplyNames) {
		return heartbeatReplyNames[v]
	}
	return fmt.Sprintf("HeartbeatReply(%d)", uint8(v))
}

// ParseVoteWrite reads a VoteWrite by its name (parallel, before_send).
func ParseVoteWrite(s string) (VoteWrite, error) {
	i, err := parseName(s, voteWriteNames[:])
	return VoteWrite(i), err
}

// ParseVoterTimer reads a VoterTimer by its name (on_grant, on_durable).
func ParseVoterTimer(s string) (VoterTimer, error) {
	i, err := parseName(s, voterTimerNames[:])
	return VoterTimer(i), err
}

// ParseHeartbeatReply reads a HeartbeatReply by its name (queued, at_once).
func ParseHeartbeatReply(s string) (HeartbeatReply, error) {
	i, err := parseName(s, heartbeatReplyNames[:])
	return HeartbeatReply(i), err
}

func parseName(s string, names []string) (int, error) {
	for i, n := range names {
		if n == s {
			return i, nil
		}
	}
	return 0, fmt.Errorf("raft: %q: want one of %v", s, names)
}
