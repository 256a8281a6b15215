// Package raft is a Raft node as a pure, deterministic state machine, in the style of etcd's RawNode.
//
// A Node has no goroutines, no clock and no I/O. Its inputs are messages (Step), timer firings (Timeout),
// client proposals (Propose) and notice that a write reached stable storage (Persisted). Its outputs are
// collected in a Ready: messages to send, state and entries to persist, entries to apply, and timers to
// arm or stop. The caller — the simulator — delivers, persists and keeps time, so every choice the node
// makes is a function of its inputs and of the random stream it was given. Besides its role, term and
// leader, the node reports one thing its state cannot show: how many pre-vote rounds and elections it
// has started (Campaigns), since a pre-candidate that times out starts a new round in the same state.
//
// What it implements, with the sections of the extended Raft paper (Ongaro & Ousterhout 2014) and of
// Ongaro's thesis (2014) that define it:
//
//   - leader election with randomized timeouts drawn from the node's own stream (§5.2); as in Figure 2,
//     the election timer restarts only on hearing from the current leader, granting a vote or starting
//     an election — not on merely learning of a higher term (etcd restarts it then too), so a candidate
//     whose log is behind cannot keep pushing back the timeouts of those that could win;
//   - RequestVote with the log up-to-date check (§5.4.1);
//   - AppendEntries with the consistency check, conflict truncation and fast back-off by term
//     (§5.3, and the optimisation sketched at its end);
//   - nextIndex and matchIndex per follower, with a probe state (one message in flight) and a
//     replicate state that batches entries and pipelines up to MaxInflight messages (as etcd does);
//   - the commit rule: a leader commits by counting replicas only entries of its own term (§5.4.2);
//     a leader appends an empty entry when elected so that earlier entries commit promptly (thesis §6.4);
//   - heartbeats, carrying the commit index as far as the follower is known to match;
//   - persistence before reply: term, vote and log are handed out in a Persist batch, and every message
//     that depends on them is held in that batch until the caller reports it durable. Requests that
//     vouch for nothing durable go out at once, in parallel with the sender's own disk write: a leader's
//     AppendEntries (thesis §10.2.1) — it counts itself towards a commit only for what it has persisted —
//     and a candidate's RequestVotes — it counts its own vote, and so may lead, only once that vote is
//     durable, so it never leads in a term it could forget;
//   - crash and restart from durable state only (New with the Durable the caller kept);
//   - log compaction (thesis ch. 5), off by default: with Config.SnapshotEntries or SnapshotBytes set, the
//     node asks its caller for a snapshot of the state machine (Ready.SnapshotDue) every so many applied
//     entries or bytes and, given it (Compact), discards its log through it; the log keeps a sentinel
//     with the snapshot's last index and term, so the consistency check works across the boundary. A
//     follower that needs compacted entries gets InstallSnapshot (MsgSnap, §5.1 Figure 5.3: the whole
//     snapshot in one message); the leader waits for its answer in progress state snapshot, as etcd
//     does, and sends it again if a heartbeat sent after it is answered first (links are FIFO, so the
//     snapshot or its answer was lost). The follower keeps its log after the snapshot's last entry if
//     it holds that entry, and otherwise replaces log and state machine (Ready.Snapshot). A snapshot
//     is persisted (Persist.Snapshot) before the answer that vouches for it leaves, and a restarted
//     node recovers from its durable snapshot plus the entries after it, with its commit index at the
//     snapshot's;
//   - PreVote (thesis §9.6) and CheckQuorum (thesis §6.2), both off by default as in etcd;
//   - linearizable reads by ReadIndex (thesis §6.4; read.go): the leader records its commit index,
//     confirms its leadership with a heartbeat round a majority answers (the round's number rides in
//     the heartbeats, as etcd's ReadOnlySafe carries a request context), and waits first for an entry
//     of its own term to commit; followers ask the leader for a read index (MsgReadIndex), as etcd's
//     do; and by leader lease (§6.4.1), with CheckQuorum only, under an assumed clock drift bound;
//   - leadership transfer (thesis §3.10; transfer.go): the leader catches the target up, sends it
//     MsgTimeoutNow, and refuses proposals for at most a minimum election timeout; the target's
//     election skips PreVote, and its vote requests are answered even under CheckQuorum's lease;
//   - membership changes one server at a time (thesis ch. 4, conf.go): ProposeConfChange appends a
//     configuration entry (Entry.Type EntryConfChange, whose Data holds the change and the whole new
//     configuration); every node uses the latest configuration in its log, committed or not (§4.1), and
//     goes back to the one before when a conflicting suffix is truncated. Majorities, for votes, commits
//     and CheckQuorum, are of the current configuration's voters. A leader accepts one change at a time:
//     not while its latest configuration entry is uncommitted, nor before it has committed an entry of
//     its own term (the bug fix Ongaro posted to raft-dev in 2015: without it, uncommitted changes of a
//     deposed and a new leader can add up to two in flight). Learners (etcd's non-voting members, the
//     thesis's §4.2.1 catch-up phase) get the log but neither vote nor count, and are promoted by an
//     AddVoter change. A node that is not a voter of its configuration — a learner, a spare not yet
//     added (Config.Peers leaves it out), a removed node — never campaigns; it still answers vote
//     requests, which count only with candidates whose configuration has it as a voter. A leader that
//     removes itself leads on, not counting itself, until the entry commits, then steps down (§4.2.2).
//     While a change is uncommitted the leader also replicates to the nodes it removes, so that they
//     learn they are out and stop campaigning; a removed node that never learns it (it was down) may
//     still time out and disrupt the cluster with a higher term (§4.2.3), which CheckQuorum's lease
//     prevents; it cannot win, as its log lacks the committed removal. A snapshot records the
//     configuration as of its last index (Snapshot.Conf), so a restart recovers it from snapshot plus log.
//
// With CheckQuorum on, a node that has heard from its leader within the minimum election timeout (its
// lease) ignores vote and pre-vote requests of a higher term, unanswered, as etcd does, and a leader that
// has not heard from a majority within an election timeout steps down.
//
// # Implementation variants
//
// Where real implementations differ at a point that moves the measured numbers, the node offers each
// behaviour as an option (Config.PreVote, Config.Variant). The defaults are raftsim's behaviour before
// the options existed. Sources, as read: etcd-io/raft raft.go (commit cdfbeed), LogCabin
// Server/RaftConsensus.cc (commit ee6c55a), hashicorp/raft raft.go (commit 1837036).
//
//   - PreVote style. PreVoteThesis (the thesis §9.6 and Howard & Abraham 2020): a node refuses a
//     pre-vote while it has heard from a leader within the minimum election timeout, even with
//     CheckQuorum off. PreVoteEtcd (raft.go, Step, case pb.MsgVote, pb.MsgPreVote): a pre-vote is
//     granted to any candidate whose log is up to date and whose proposed term is above the voter's
//     (canVote ... || m.Term > r.Term), whatever the voter has heard from a leader; the only lease is
//     CheckQuorum's (inLease := r.checkQuorum && r.lead != None && r.electionElapsed <
//     r.electionTimeout), under which the request is ignored. The two part ways when a follower is cut
//     off from a leader that the others still hear (testdata/prevote_thesis_cut.txt,
//     prevote_etcd_cut.txt): it times out, and its pre-vote is up to date. Without CheckQuorum the
//     thesis's voters refuse it and the leader stays; etcd's grant it — the leader too — and the
//     follower wins the election and deposes a leader a majority still hears. etcd's PreVote only
//     keeps out a node that cannot win (one whose requests reach no majority, or whose log is behind);
//     with CheckQuorum both styles keep the leader, the thesis's by refusing, etcd's by silence.
//   - When a candidate writes its term and self-vote (Variant.VoteWrite). VoteWriteParallel, etcd's
//     order (raft.go send: MsgVote goes to r.msgs, which leave at once; only responses wait in
//     msgsAfterAppend): the requests go out while the write runs, and the candidate counts its own vote
//     only once durable. VoteWriteBeforeSend, LogCabin's (startNewElection: ++currentTerm, votedFor =
//     serverId, then updateLogMetadata, a synchronous write, under the mutex that the peer threads
//     need to send requestVote): the requests leave once the write is done, a write time later.
//   - When a voter restarts its election timer (Variant.VoterTimer). TimerOnGrant: on deciding to
//     grant, before the vote is durable — etcd (Step: r.electionElapsed = 0 beside r.Vote = m.From,
//     with the response held until the vote is persisted) and LogCabin (handleRequestVote:
//     setElectionTimer, then votedFor and updateLogMetadata). TimerOnDurable: once the vote is
//     durable — hashicorp/raft (requestVote: persistVote, then setLastContact).
//   - Whether the timer can fire while the vote is written (Variant.VoteWriteHoldsTimer). In etcd the
//     node's goroutine keeps ticking while the application persists a Ready, so it can. LogCabin holds
//     its mutex through the synchronous write, and its timer thread needs that mutex to start an
//     election (timerThreadMain); hashicorp/raft writes the vote on the one goroutine that also
//     watches the heartbeat timer (runFollower). There a timeout that falls due during the write
//     takes effect only once it is done — with TimerOnDurable, not at all, since the timer restarts
//     then. Only the write of a granted vote holds the timer here; LogCabin's lock also covers its other
//     writes, which this option does not model.
//   - Whether a heartbeat's reply waits behind unrelated writes (Variant.HeartbeatReply). ReplyQueued:
//     like every response it waits for every write handed out before it, so on a FIFO disk it queues
//     behind a log append it does not depend on. ReplyAtOnce: a heartbeat's reply vouches for nothing
//     but the node's current term, so it leaves at once if that term is durable, and otherwise waits
//     for the write of the term only. etcd's Ready contract (doc.go) holds every message until the
//     latest HardState and the entries of earlier Readies are durable, not the entries of the same
//     Ready; with AsyncStorageWrites (rawnode.go) only msgsAfterAppend — MsgAppResp, MsgVoteResp,
//     MsgPreVoteResp — wait for the write, and a MsgHeartbeatResp, in r.msgs, waits for nothing.
//     ReplyAtOnce sits between the two: it waits for the term, so that no reply ever carries a term
//     the node could forget, and for nothing else.
//
// # Mutations
//
// A build with the mutants tag can break rules of Raft on purpose (mutation.go: Config.Mutants, one
// Mutation per rule, each naming the rule and its section), so that tests show the checks catch each
// break: raft/testdata/mutants has a script per mutation, replayed without it to show the same schedule
// is safe, and cluster/mutants_test.go a simulated run the safety checker or the linearizability check
// catches. In any other build Mutants is empty and its Has the constant false: the release binary
// carries neither the mutated paths nor the mutations' names.
//
// The commit index is volatile, as in the paper: a restarted node learns it again from the leader and
// re-applies its log from the start, or from its snapshot.
package raft
