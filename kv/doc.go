// Package kv is the replicated key-value state machine the simulated clients write to.
//
// Commands travel in raft.Entry.Data in a fixed 32-byte binary form. The store keeps, per client, the
// sequence number and result of its last command, so a command that a client retries after a timeout is
// applied once however many times it reaches the log (at-most-once semantics, thesis §6.3). A Put returns
// the value it replaced, so a recorded client history says what each write saw.
//
// Snapshot writes the whole store as an image (keys and sessions in increasing order, so equal stores
// give equal images) and Restore reads it back: a store restored from a snapshot at index i and given
// the entries after i is the store that applied the whole log. SnapshotSize is the image's modelled size
// for the disk and the network: keys × (8 + value size) + 24 bytes per client session.
package kv
