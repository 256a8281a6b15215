package raft

// Mutation is a set of rules of Raft to break on purpose, so that a test can show the checks catch
// what each break leads to: "the checker can fail". A mutation takes effect only in a build with the
// mutants tag (Mutants, mutants_on.go); in any other build, the release binary among them, Mutants is
// empty and Mutants.Has is the constant false, so no mutated path is compiled into the node's hot path.
//
// Each constant's doc names the rule it breaks and where the rule is stated: the extended Raft paper
// (Ongaro & Ousterhout 2014) or Ongaro's thesis (2014). Their names, as settings spell them, and
// ParseMutation are in mutation_names.go, compiled in the mutants build only: Mutation is reachable
// from raft.Config, and the linker keeps the methods of such a type, so a String method here would
// bring every name into the release binary.
type Mutation uint32

// The mutations, one bit each.
const (
	// MutCommitPriorTerm: a leader commits an entry of an earlier term by counting its replicas. Breaks
	// the commit rule of §5.4.2 (Figure 8: such an entry can be overwritten by a later leader).
	MutCommitPriorTerm Mutation = 1 << iota
	// MutVoteNoLogCheck: a node grants its vote without the election restriction, whether or not the
	// candidate's log is at least as up-to-date as its own. Breaks §5.4.1 (RequestVote receiver, step 2
	// of Figure 2).
	MutVoteNoLogCheck
	// MutVoteBeforeDurable: a node answers a vote request it grants before the vote (and the term) is
	// on stable storage. Breaks Figure 2's "updated on stable storage before responding to RPCs" for
	// votedFor: a crash before the write frees the vote for a second candidate of the same term.
	MutVoteBeforeDurable
	// MutAckBeforeDurable: a follower acknowledges AppendEntries (and InstallSnapshot) before the
	// entries are on stable storage. Breaks the same rule of Figure 2 for log[]: a leader may count a
	// replica that a crash then loses.
	MutAckBeforeDurable
	// MutNoSuffixTruncation: a follower whose log conflicts with the leader's overwrites the
	// conflicting entries the leader sent but keeps the rest of its own suffix after them. Breaks step
	// 3 of the AppendEntries receiver in Figure 2 ("delete the existing entry and all that follow
	// it", §5.3), and with it Log Matching.
	MutNoSuffixTruncation
	// MutLeaseNoCheckQuorum: a leader serves lease reads without CheckQuorum, whose lease on the
	// followers is what keeps a new leader from being elected while the old one's lease holds. Breaks
	// the requirement of the thesis §6.4.1 (lease reads rely on the followers not electing a new
	// leader within an election timeout of hearing from the current one, §6.2). A node with lease reads
	// turns CheckQuorum off under it, whatever its configuration says.
	MutLeaseNoCheckQuorum
	// MutLeaseIgnoresDrift: a leader's lease runs a full minimum election timeout of its own clock
	// from the round's send time, without the clock drift margin (ElectionTimeoutMin / (1 + drift)).
	// Breaks the thesis §6.4.1: the lease is safe only if it ends before any follower's election
	// timeout could, on that follower's clock, which may run faster by up to the bound.
	MutLeaseIgnoresDrift
	// MutReadIndexNoHeartbeat: a leader serves a ReadIndex read at its commit index without the
	// heartbeat round that confirms it still leads (it still waits to commit an entry of its term).
	// Breaks step 3 of ReadIndex in the thesis §6.4: a deposed leader that does not know it serves
	// stale data.
	MutReadIndexNoHeartbeat
	// MutConcurrentConfChanges: a leader accepts a membership change while another is uncommitted,
	// and before it has committed an entry of its term. Breaks the one-server-at-a-time rule of the
	// thesis ch. 4 (§4.1, and Ongaro's 2015 raft-dev fix): two configurations whose majorities need
	// not overlap can be in use at once.
	MutConcurrentConfChanges
	// MutSnapshotDropsEntry: a snapshot claims to cover the state machine through its index but its
	// image lacks the effect of the last command applied before it. Breaks the thesis ch. 5 (§5.1: a
	// snapshot is the state machine's state as of its last included index). The image is taken by
	// the caller, so the mutation is carried out there (package cluster).
	MutSnapshotDropsEntry
)
