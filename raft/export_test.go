package raft

// Hooks for the external tests (package raft_test) that break a node behind its back, to show that the
// interaction env's checks can fail.

// ForgeEntry overwrites the entry at e.Index in n's log in place, as no correct node ever does.
func ForgeEntry(n *Node, e Entry) { n.log[e.Index] = e }

// ForceState sets n's role without any of the work that goes with it.
func ForceState(n *Node, s State) { n.state = s }
