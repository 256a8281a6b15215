// Package disk models a node's stable storage: nothing is durable until a write, which costs an fsync
// plus the bytes over the disk's bandwidth, completes.
//
// Writes are group-committed, as a write-ahead log does: batches submitted while a write is in progress
// wait, and all of them go to disk together in the next write, at the cost of one fsync. Batches become
// durable in the order they were submitted. A batch that carries no data (it only orders messages behind
// earlier writes) costs nothing of its own. A crash loses every batch not yet durable.
//
// The model keeps counts, not the batches themselves: the caller holds its batches in a FIFO queue and
// pops as many as Done reports durable.
package disk
