// Package cluster runs one simulated Raft cluster: real raft.Nodes over a network.Network on a
// topology.Graph, each with a disk, a key-value state machine and a persisted store, driven by
// closed-loop clients and a fault schedule, on one sim.Loop.
//
// The package is the simulator's host for the nodes: it delivers their messages, persists their batches
// (messages that depend on a batch leave only once it is durable), keeps their timers, applies their
// committed entries and answers clients. It observes the whole cluster at once, which no node can, to
// measure availability (the fraction of time a leader holds a working majority), election downtime,
// commit latency and bandwidth, and to check the Raft safety properties as the run goes.
//
// A run is a function of its Config: the same Config gives the same events in the same order, the
// same trace and the same Summary, on any machine.
//
// A run's cost follows what it simulates, not its settings: fault schedules are drawn as the run
// reaches them, and Validate bounds the settings whose cost grows with their value (MaxNodes,
// MinHeartbeat, …). What no bound on one setting can keep in check — messages in flight, writes queued
// for the disks, the log, events at one instant — is limited as the run goes: a run that exceeds a
// limit stops with a *LimitError. A cancelled context stops a run within a few thousand events, or
// after the current fault.
//
// Nodes may have their own settings (Config.PerNode, node.go: disk, election timeout, heartbeat, clock
// rate, CPU time per message) and fail grayly, up but stuck or slow (gray.go: a process pause, a disk
// stall, a slow disk). Two seams carry them: every timer a node asks for goes through host.after, where
// its clock rate applies; and every message for a node enters through host.receive, where its CPU queue
// and a pause's inbox go. Each is off, and draws nothing, unless set.
//
// A repair (fault.Repair, repair.go) ends every fault at once and lets no later one fire: the start of
// a liveness phase, whose observations (a working leader, a write, a read after it) are
// Summary.Liveness.
package cluster
