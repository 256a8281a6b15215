package cluster

import (
	"fmt"

	"github.com/raftsim/raftsim/models/fault"
	"github.com/raftsim/raftsim/topology"
)

// validateSchedule checks the fault schedule against itself, as far as it can be known before the run:
// a node named by ID must not be crashed while it is certainly down, nor restarted while it is certainly
// up; an edge must not be cut while it is certainly cut, nor restored while it is certainly up. A node is certainly up until a crash that may hit it — its own, or one of the leader, whoever that
// turns out to be — and certainly down after its own crash until its restart. With chaos, crash-recovery
// faults or the leader-crash scenario, crashes the schedule does not list may hit any node, so a restart
// is never certainly redundant then.
func (c *Config) validateSchedule() error {
	const (
		up = iota
		down
		maybe
	)
	state := make([]uint8, c.Nodes+1)
	since := make([]fault.Event, c.Nodes+1) // the event that put the node in its state
	if c.Chaos || c.CrashRecovery != nil || c.LeaderCrash != nil {
		for i := range state {
			state[i] = maybe
		}
	}
	// Directed edges, likewise: certainly up until a cut that names them, certainly cut after it until
	// a restore or a heal. A partition or an isolation leaves the edges it may have cut unknown, so a
	// restore after one is never certainly redundant; chaos cuts and heals edges the schedule does not
	// list.
	edges := map[topology.Edge]uint8{} // absent: up, unless unknown
	edgeSince := map[topology.Edge]fault.Event{}
	unknown := c.Chaos
	edgeState := func(ed topology.Edge) uint8 {
		if st, ok := edges[ed]; ok {
			return st
		}
		if unknown {
			return maybe
		}
		return up
	}
	for _, e := range c.Faults {
		id := e.Node
		switch e.Kind {
		case fault.Cut:
			for _, ed := range e.Edges {
				if edgeState(ed) == down {
					return fmt.Errorf("schedule: %v: edge %d->%d is already cut (%v, and no restore or heal since)", e, ed.From, ed.To, edgeSince[ed])
				}
				edges[ed], edgeSince[ed] = down, e
			}
		case fault.Restore:
			for _, ed := range e.Edges {
				if edgeState(ed) == up {
					if prev, ok := edgeSince[ed]; ok {
						return fmt.Errorf("schedule: %v: edge %d->%d is up (%v, and no cut since)", e, ed.From, ed.To, prev)
					}
					return fmt.Errorf("schedule: %v: edge %d->%d is up: no cut of it comes before", e, ed.From, ed.To)
				}
				edges[ed], edgeSince[ed] = up, e
			}
		case fault.Heal:
			clear(edges)
			for ed := range edgeSince {
				edgeSince[ed] = e
			}
			unknown = c.Chaos
		case fault.Partition, fault.Isolate:
			for ed, st := range edges {
				if st == up {
					edges[ed] = maybe
				}
			}
			unknown = true
		}
		switch {
		case e.Kind == fault.Crash && e.Leader:
			for i := 1; i <= c.Nodes; i++ {
				if state[i] == up {
					state[i], since[i] = maybe, e
				}
			}
		case e.Kind == fault.Crash:
			if id >= 1 && id <= int64(c.Nodes) {
				if state[id] == down {
					return fmt.Errorf("schedule: %v: node %d is already down (%v, and no restart since)", e, id, since[id])
				}
				state[id], since[id] = down, e
			}
		case e.Kind == fault.Restart:
			if id >= 1 && id <= int64(c.Nodes) {
				if state[id] == up {
					if since[id].Kind == fault.Restart {
						return fmt.Errorf("schedule: %v: node %d is up (%v, and no crash since)", e, id, since[id])
					}
					return fmt.Errorf("schedule: %v: node %d is up: no crash of it comes before", e, id)
				}
				state[id], since[id] = up, e
			}
		}
	}
	return nil
}

// CheckEdges reports the first cut or restore in faults of an edge that g does not have: it would do
// nothing, which is seldom what was meant (with direct routing, star, ring and line topologies lack
// most edges).
func CheckEdges(faults []fault.Event, g *topology.Graph) error {
	for _, e := range faults {
		if e.Kind != fault.Cut && e.Kind != fault.Restore {
			continue
		}
		for _, ed := range e.Edges {
			if _, ok := g.Link(ed.From, ed.To); !ok {
				return fmt.Errorf("schedule: %v: the topology has no edge %d->%d", e, ed.From, ed.To)
			}
		}
	}
	return nil
}
