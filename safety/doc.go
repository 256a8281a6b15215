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
// prefix and the records below are not (they are indexed by log position across the whole run).
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
