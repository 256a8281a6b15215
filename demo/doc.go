// Package demo is the engine of the simulator in the browser: an interactive, deterministic session
// over the real simulator (package cluster: real raft.Nodes over the simulated network), compiled to
// WebAssembly by demo/wasm and drawn by the page in demo/site.
//
// A session is a function of its Settings (cluster size, timeouts, latency, loss, PreVote,
// CheckQuorum, seed) and its list of Actions (crash, restart, pause, time out, drop a message, cut or
// restore a link, partition, heal, write), each stamped with the simulated instant it applies at. Each
// action is an event of the run's own loop, in a place of the loop's order of events reserved when the
// session starts (action i takes place i), so it fires before every other event of its instant, and
// in the same place whether it was added live or scheduled with the others on a replay. Hence going
// back (Seek, SeekEvent) rebuilds the run from the seed and the actions and replays it, and lands on
// exactly the state that was there; acting in the past forks: the actions not yet applied are
// dropped (Session.Act).
//
// State is a plain, JSON-tagged picture of the session at its current instant: each node's role,
// term, vote, log, commit index and election timer; the leader's nextIndex and matchIndex; the
// messages in flight (each named by its send number, stable across replays); the links cut; the
// measures so far. Times in it are milliseconds as float64; the clock underneath is integer
// nanoseconds, and a millisecond value read from State and given back lands on the same nanosecond.
//
// Encode and Decode turn a session (settings, actions and the current instant) into a URL-fragment
// safe string and back; Decode checks everything and names the bad field. Scenarios are the guided
// tours, as data: settings, actions and narration keyed to simulated time, each tested to show what
// it narrates (scenarios_test.go). docs/demo.md describes the whole.
package demo
