// Package linearize checks a run's client history for linearizability (Herlihy and Wing, "Linearizability:
// a correctness condition for concurrent objects", TOPLAS 1990), with Porcupine
// (github.com/anishathalye/porcupine, the checker etcd's robustness tests and MIT 6.5840 use).
//
// The object is raftsim's key-value store (kv): one register per key, initially 0; a write replaces the
// value and returns the one it replaced, a read returns the value. Keys are independent registers, so
// the history is checked key by key (Porcupine's partitioning), which keeps the search small.
//
// Operations that did not complete are the subtle part. A read whose client gave up changed nothing and
// is left out. A write whose client gave up may or may not have taken effect, at any time after it was
// invoked (it may sit in a leader's log and commit after the deadline) until the same client's next
// write is applied (the store's client sessions then ignore it): it is kept with no known output, returning
// when that next write completed (never, when none did), and a state of the model is the set of values
// the register may hold, so that the write may take effect or not.
//
// Verdicts: Ok and Illegal are facts about the history. The search is NP-complete in general and runs
// under a wall-clock limit; a check that runs out of time is Unknown, never a pass, and is the one verdict
// that can depend on the machine.
package linearize
