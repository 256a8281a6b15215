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
	// MaxLogEntries bounds the log entries held by all nodes together: raftsim keeps every entry,
	// since it does not model snapshots. A run that reaches it takes about 2 GB (each entry is in the
	// node's log and in its durable copy); five nodes reach it after 1.6 million writes, an hour and a
	// half of one client writing without pause.
	MaxLogEntries = 1 << 23
)

// The limits in force; tests lower them.
var (
	maxInFlight   = MaxInFlight
	maxDiskQueue  = MaxDiskQueue
	maxLogEntries = MaxLogEntries
)

// LimitError stops a run that would hold more than the simulator allows (MaxInFlight, MaxDiskQueue,
// MaxLogEntries). It is the settings' doing, not a failure of the simulator: the command line treats it
// as bad input.
type LimitError struct {
	At    time.Duration // simulated time when the limit was reached
	What  string        // what overflowed, e.g. "messages in flight"
	Limit int
	Hint  string // the settings that drive it
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("cluster: more than %d %s at %v of simulated time: more than raftsim holds (%s)",
		e.Limit, e.What, e.At, e.Hint)
}

// limit stops the run at the first limit reached.
func (c *Cluster) limit(what string, n int, hint string) {
	if c.err != nil {
		return
	}
	c.err = &LimitError{At: c.loop.Now().Duration(), What: what, Limit: n, Hint: hint}
	c.loop.Stop()
}

// checkInFlight is called after every message sent.
func (c *Cluster) checkInFlight() {
	if c.net.InFlight() > maxInFlight {
		c.limit("messages in flight", maxInFlight,
			"the nodes and clients send faster than the links deliver; see heartbeat, election timeout, client timeout, clients, bandwidth and latency")
	}
}
