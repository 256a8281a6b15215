package cluster

import (
	"fmt"
	"time"
)

// What a run may hold at once. Each grows with the settings and the simulated time together (messages
// sent faster than links drain them, writes faster than disks take them, a log that is never
// compacted), so no bound on one setting can keep them in check; a run that reaches one stops with a
// *LimitError instead of taking all the machine's memory. The bounds are far above what a run meant as
// a model of a real cluster reaches: together they keep a run under a few gigabytes.
const (
	// MaxInFlight bounds the messages in the network at once: about 1 KB each at the peak, counting
	// the doubling of the tables that hold them (a run that reaches it takes about 600 MB).
	MaxInFlight = 1 << 19
	// MaxDiskQueue bounds the persist batches waiting for a disk, all nodes together.
	MaxDiskQueue = 1 << 20
	// MaxLogEntries bounds the log entries held by all nodes together: those after each node's
	// snapshot, so every entry when snapshots are off (Config.SnapshotEntries, SnapshotBytes). A run
	// that reaches it takes about 2 GB (each entry is in the node's log and in its durable copy); without
	// snapshots five nodes reach it after 1.6 million writes, an hour and a half of one client writing
	// without pause, and with them a run never does unless the snapshots are far apart.
	MaxLogEntries = 1 << 23
	// MaxCheckRecords bounds what the safety checker (Config.Check) remembers beyond the logs: every
	// distinct entry any node's log has held at an index, overwritten ones included, and the leader of
	// every term (safety.Checker.Records). They grow with every election, so a run that elects leaders
	// for ever without committing much reaches it while its log stays short; a run that reaches it
	// holds about 400 MB of them.
	MaxCheckRecords = 1 << 23
	// MaxEventsAtOnce bounds the events that fire at one instant of simulated time. With no delay
	// anywhere (a latency, an fsync and a think time of 0, unlimited bandwidth) a client's writes
	// complete in no time, and a run would fire events for ever without its time moving on.
	MaxEventsAtOnce = 1 << 22
	// MaxInbox bounds the messages waiting in the nodes' inboxes, all nodes together: for their CPUs
	// (NodeSettings.CPU) or for a pause to end. Each holds an envelope, about as large as a message in
	// flight.
	MaxInbox = 1 << 19
)

// The limits in force; tests lower them.
var (
	maxInFlight   = MaxInFlight
	maxDiskQueue  = MaxDiskQueue
	maxLogEntries = MaxLogEntries
	maxAtOnce     = MaxEventsAtOnce
	maxChecked    = MaxCheckRecords
	maxInbox      = MaxInbox
)

// LimitError stops a run that would hold more than the simulator allows (MaxInFlight, MaxDiskQueue,
// MaxLogEntries, MaxCheckRecords, MaxEventsAtOnce). It is the settings' doing, not a failure of the simulator: the command line treats it
// as bad input.
type LimitError struct {
	At    time.Duration // simulated time when the limit was reached
	What  string        // what overflowed, e.g. "messages in flight"
	Limit int
	Why   string // why, and the settings that drive it
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("cluster: more than %d %s at %s of simulated time: %s", e.Limit, e.What, ascii(e.At), e.Why)
}

// limit stops the run at the first limit reached.
func (c *Cluster) limit(what string, n int, why string) {
	if c.err != nil {
		return
	}
	c.err = &LimitError{At: c.loop.Now().Duration(), What: what, Limit: n, Why: why}
	c.loop.Stop()
}

// watch is asked by the loop every few thousand events whether to stop: when the run's context is
// done, or when simulated time has stood still for more than MaxEventsAtOnce events. It reports the
// run's progress (Config.Progress) on the way.
func (c *Cluster) watch() bool {
	if c.cfg.Progress != nil {
		c.cfg.Progress(c.loop.Now().Duration())
	}
	if c.interrupted != nil && c.interrupted() {
		return true
	}
	if now := c.loop.Now(); now != c.stillAt {
		c.stillAt, c.stillSince = now, c.loop.Fired()
		return false
	}
	if c.loop.Fired()-c.stillSince > uint64(maxAtOnce) {
		c.limit("events at one instant", maxAtOnce,
			"simulated time stands still, since with no latency, fsync or think time a write takes no time at all (give one of them a positive value)")
		return true
	}
	return false
}

// checkInFlight is called after every message sent.
func (c *Cluster) checkInFlight() {
	if c.net.InFlight() > maxInFlight {
		c.limit("messages in flight", maxInFlight,
			"the nodes and clients send faster than the links deliver them (see heartbeat, election timeout, client timeout, clients, bandwidth and latency)")
	}
}
