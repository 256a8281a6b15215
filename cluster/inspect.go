package cluster

import (
	"errors"
	"fmt"

	"github.com/raftsim/raftsim/models/fault"
	"github.com/raftsim/raftsim/network"
	"github.com/raftsim/raftsim/raft"
	"github.com/raftsim/raftsim/sim"
	"github.com/raftsim/raftsim/topology"
)

// An inspected run: the hooks an interactive driver (the browser demo, package demo) needs to run a
// cluster one event at a time, act on it between events, and look at everything it holds. A run
// driven through them is the run Run makes for the same Config up to the first action: Start is the
// first half of RunContext and Step fires the next event as RunUntil would. None of them is used by
// Run, and none allocates on the event path.

// Start starts the run (nodes, clients, fault schedule) without firing any event: drive it with Step
// or Loop().RunUntil. A cluster is started once, by Start or by Run, not both.
func (c *Cluster) Start() error {
	_, err := c.begin()
	return err
}

// End is the end of the run: the instant of its configured Duration.
func (c *Cluster) End() sim.Time { return min(sim.Time(c.cfg.Duration), sim.Never-1) }

// Step fires the next event if it is due at or before by and the end of the run, and reports whether
// it did; false too once the run has stopped (an error, a violation: Err).
func (c *Cluster) Step(by sim.Time) bool {
	if c.err != nil {
		return false
	}
	return c.loop.StepBy(min(by, c.End()))
}

// Err is the error that stopped the run (a safety violation, a limit), or nil.
func (c *Cluster) Err() error { return c.err }

// Apply applies a fault event now, as the schedule would at its instant (e.At is not read): crash,
// restart, pause, cut, restore, partition, isolate, heal, and the other kinds of fault.Event.
func (c *Cluster) Apply(e fault.Event) {
	e.At = c.loop.Now().Duration()
	c.fire(&e)
}

// ErrNotUp is returned by the hooks that act on a node that is down or paused.
var ErrNotUp = errors.New("cluster: node is down or paused")

// Timeout makes node id's election timer fire now: it campaigns (or pre-campaigns), as RaftScope's
// "time out" does. A leader ignores it.
func (c *Cluster) Timeout(id uint64) error {
	h, err := c.upHost(id)
	if err != nil {
		return err
	}
	h.Fire(uint64(raft.ElectionTimeout))
	return nil
}

// Propose proposes a write of an empty command at node id, now, as a client's request arriving there
// would be, and returns the index and term of its entry; raft.ErrNotLeader if id does not lead.
func (c *Cluster) Propose(id uint64) (index, term uint64, err error) {
	h, err := c.upHost(id)
	if err != nil {
		return 0, 0, err
	}
	index, term, err = h.node.Propose(nil, 0)
	if err != nil {
		return 0, 0, err
	}
	h.drain()
	return index, term, nil
}

func (c *Cluster) upHost(id uint64) (*host, error) {
	if id < 1 || id > c.nodes {
		return nil, fmt.Errorf("cluster: node %d: not a node of 1..%d", id, c.nodes)
	}
	h := c.host(id)
	if !h.alive || h.paused {
		return nil, fmt.Errorf("node %d: %w", id, ErrNotUp)
	}
	return h, nil
}

// NodeView is what an inspector sees of one host.
type NodeView struct {
	// Node is the Raft node, nil while the host is down; Durable is what its disk holds (all a down
	// node has: its term, vote and log). Both are valid until the next event.
	Node    *raft.Node
	Durable *raft.Durable
	Up     bool
	Paused bool
	// ElectionArmed says whether the election timer is running, from ElectionStart to
	// ElectionDeadline (on the simulated clock, after the node's clock rate).
	ElectionArmed                   bool
	ElectionStart, ElectionDeadline sim.Time
}

// View returns what host id holds now. It panics on an id outside 1..Nodes (a programmer's error).
func (c *Cluster) View(id uint64) NodeView {
	h := c.host(id)
	v := NodeView{Up: h.alive, Paused: h.paused, Durable: &h.durable.Durable}
	if !h.alive {
		return v
	}
	v.Node = h.node
	if at, ok := c.loop.When(h.timers[raft.ElectionTimeout]); ok {
		v.ElectionArmed, v.ElectionStart, v.ElectionDeadline = true, h.armedAt[raft.ElectionTimeout], at
	}
	return v
}

// WorkingLeader returns the leader that holds a working majority now (its majority alive, in its
// term, following it, reachable both ways), or 0: what the availability measure counts.
func (c *Cluster) WorkingLeader() uint64 { return c.workingLeader() }

// Traffic returns the messages and bytes sent so far by traffic class (ClassNames).
func (c *Cluster) Traffic() (msgs, bytes [NumClasses]uint64) {
	return c.metrics.msgs, c.metrics.bytes
}

// Message is a message in flight, as Flights shows it.
type Message struct {
	ID       uint64 // its send number (1 for the run's first message), stable across replays
	From, To uint64 // endpoints: nodes 1..Nodes, clients after them
	// Raft is the Raft message (nil for a client's request or reply, Client true); valid until the
	// next event.
	Raft         *raft.Message
	Client       bool
	Request      bool // a client's request (else its reply), when Client
	Sent, Arrive sim.Time
	Size         int
}

// Flights calls fn with every message in flight, in no particular order.
func (c *Cluster) Flights(fn func(Message)) {
	c.net.Flights(func(f network.Flight[envelope]) {
		m := Message{ID: f.ID, From: f.From, To: f.To, Sent: f.Sent, Arrive: f.Arrive, Size: f.Size}
		if f.V.kind == envRaft {
			m.Raft = &f.V.msg
		} else {
			m.Client, m.Request = true, f.V.kind == envRequest
		}
		fn(m)
	})
}

// DropMessage loses the message in flight with send number id, now, as the link's loss would, and
// reports whether it was in flight.
func (c *Cluster) DropMessage(id uint64) bool { return c.net.DropFlight(id) > 0 }

// Cuts returns the directed links that are down now, sorted.
func (c *Cluster) Cuts() []topology.Edge { return c.graph.Cuts() }

// FlushTrace writes out what the trace has buffered, so that its writer holds every event so far.
func (c *Cluster) FlushTrace() { c.trace.flush() }

// ClientWrites returns the client writes that succeeded so far and their latency from the client's
// first send to its reply: mean and 99th percentile, in nanoseconds (0 with none).
func (c *Cluster) ClientWrites() (n int64, mean float64, p99 int64) {
	h := c.metrics.latency
	if h == nil || h.Count() == 0 {
		return 0, 0, 0
	}
	return h.Count(), h.Mean(), h.Quantile(0.99)
}
