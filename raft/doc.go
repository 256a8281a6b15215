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
//   - PreVote (thesis §9.6) and CheckQuorum (thesis §6.2), both off by default as in etcd.
//
// PreVote here follows the thesis and Howard & Abraham (2020) rather than etcd: a node refuses a
// pre-vote while it has heard from a leader within the minimum election timeout, even when CheckQuorum is
// off. With CheckQuorum on, a node in that lease also ignores real vote requests of a higher term, and a
// leader that has not heard from a majority within an election timeout steps down.
//
// The commit index is volatile, as in the paper: a restarted node learns it again from the leader and
// re-applies its log from the start, or from its snapshot. There are no membership changes yet, so a
// snapshot holds no configuration.
package raft
