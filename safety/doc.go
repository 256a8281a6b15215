// Package safety checks the five safety properties of Raft (Figure 3 of the extended Raft paper) as a
// simulated run goes, from what the simulator observes of its nodes:
//
//   - Election Safety: at most one leader is elected in a given term.
//   - Leader Append-Only: a leader never overwrites or deletes entries in its log; it only appends.
//   - Log Matching: if two logs contain an entry with the same index and term, the logs are identical
//     in all entries up through that index.
//   - Leader Completeness: if an entry is committed in a term, it is present in the logs of the
//     leaders of all higher terms.
//   - State Machine Safety: if a server has applied an entry at an index, no other server ever applies
//     a different entry at that index.
//
// and one property of reads (thesis §6.4), for runs with reads:
//
//   - Read Freshness: a read is served from a state machine that has applied at least every entry
//     committed anywhere before the read was invoked. It is a cheap necessary condition of
//     linearizable reads: a leader that serves without confirming it still leads, or a lease that
//     outlives another leader's election, breaks it as soon as a write commits elsewhere.
//
// and two of membership changes (thesis ch. 4), which follow each node's configuration as its log
// shows it — the latest configuration entry it holds, committed or not, else its snapshot's, else the
// bootstrap one (§4.1) — across truncation, compaction and restarts:
//
//   - Configuration Safety: one change at a time (§4.1). A configuration entry changes at most one
//     voter of the configuration before it; no log ever holds a configuration entry while the
//     configuration entry before it is beyond the committed prefix (that is, no log holds two
//     configuration entries that are not both committed but the last); and a leader appends a
//     configuration entry only once it has committed an entry of its own term (the fix to §4.1 that
//     Ongaro posted to raft-dev in 2015, "bug in single-server membership changes": without it a
//     deposed leader's uncommitted change and its successor's can together make two in flight). A
//     snapshot records the configuration its log has in force at its index.
//   - Commit Quorum: when a leader commits an index beyond anything committed before, a majority of
//     the voters of its configuration hold the entry (§4.1: a leader counts the majority of its
//     latest configuration, and counts itself only if it is one of the voters, §4.2.2). With
//     Election Safety, a leader is a voter of its configuration when elected (§4.2.2: only voters
//     campaign).
//
// Why these formulations. The thesis's argument is that every majority of one configuration overlaps
// every majority of the next when they differ by one voter, and that at most two adjacent
// configurations can be in use at once because a leader starts a change only once the last has
// committed. The checker cannot see who granted a vote or which acknowledgements a leader counted; it
// sees logs, commit indices and elections. So it checks the rule where the logs show it — in any log,
// every configuration entry but the last is within the committed prefix, and each one changes one
// voter — which holds in a correct run whoever the node is (entries reach followers only through a
// leader that committed the previous configuration first, and Log Matching makes the follower's prefix
// the leader's), and fails at the moment a leader appends a second change while one is in flight:
// cluster's TestMutantConcurrentConfChanges and ...Splits (mutants build) break the rule
// (raft.MutConcurrentConfChanges) and are caught there, before the split brain the broken
// rule leads to shows as Leader Completeness or State Machine Safety. "Committed" means the highest
// index any node has reported committed; a leader's own commit index is never ahead of it, because a
// host reports a commit before handing the node its next input (a membership proposal included).
// Commit Quorum is the counting half: a leader that miscounts — a stale configuration, a learner or a
// removed node counted as a voter — commits an entry a majority does not hold. It judges what the
// checker last saw of each voter's log, which is what the voter handed to its disk, no less than what
// it acknowledged: it can miss a leader that counted an acknowledgement not yet made durable, but never
// flags a correct one. It adds no overlap test between configurations: given Configuration Safety, the
// leader's configuration is at most one change from the last committed one, whose majorities it then
// overlaps.
//
// The checker keeps, per node, a hash of every log prefix (h[i] = hash(h[i-1], term, index, payload)),
// updated from the log changes the node hands out for persisting. Two prefixes are identical exactly
// when (up to hash collisions) their hashes are, so each property is checked in constant time per
// entry: Log Matching compares the prefix hash every node has for an (index, term); Leader Completeness
// compares a new leader's prefix hash at the highest committed index with the committed one; State
// Machine Safety compares what is applied at each index.
//
// Compacted logs: a node's prefix hashes start at its snapshot (Snapshotted), whose prefix hash is the
// committed one at that index — a snapshot holds only committed entries, so the checker requires that
// its index be known committed and that the node's log, if it holds that index, agree. Entries below a
// snapshot are committed and equal cluster-wide by construction; each property compares what is
// retained. The per-node hashes are then bounded by the entries after the snapshot; the committed
// prefix and the records below are not (they are indexed by log position across the whole run). A
// node's configurations are kept like its hashes: one record per configuration entry after its
// snapshot plus the one in force at the snapshot, cut when the log is truncated and dropped when it is
// compacted, so they are bounded by the log and need no count of their own.
//
// Memory: besides each node's prefix hashes and the committed prefix, which follow the length of the
// logs, the checker remembers every distinct (index, term) ever held at an index and the leader of
// every term, so that it can judge entries and leaders that turn up late. These grow with every
// election even when the logs do not; Records counts them, and the simulator stops a run that would
// hold too many (cluster.MaxCheckRecords).
//
// A violation is returned as a *Violation naming the property, the simulated time, the nodes involved
// and the seed that replays it; the simulator stops the run there.
package safety
