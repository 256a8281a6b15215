package cluster

import (
	"fmt"

	"github.com/raftsim/raftsim/models/fault"
	"github.com/raftsim/raftsim/topology"
)

// validateSchedule checks the fault schedule against itself, as far as it can be known before the run
// (a fault aimed at a role names its node only when it fires, so it only makes what it may hit
// uncertain: its effect, or its lack of one, is the run's defined behaviour, not an error):
// a node named by ID must not be crashed while it is certainly down, nor restarted while it is certainly
// up; an edge must not be cut while it is certainly cut, nor restored while it is certainly up. A node is certainly up until a crash that may hit it — its own, or one of the leader, whoever that
// turns out to be — and certainly down after its own crash until its restart. With chaos, crash-recovery
// faults or the leader-crash scenario, crashes the schedule does not list may hit any node, so a restart
// is never certainly redundant then. A pause, a disk stall or a slow disk must not hit a node certainly
// down; overlapping pauses and stalls are allowed (each lasts until the later end). Nothing after a
// repair is checked: no fault fires after it (repair.go), so none can be redundant.
func (c *Config) validateSchedule() error {
	const (
		up = iota
		down
		maybe
	)
	state := make([]uint8, c.Hosts()+1)
	since := make([]fault.Event, c.Hosts()+1) // the event that put the node in its state
	for i := range state {
		// Spares are created, and members removed, when the run gets to it: never certain.
		if c.Chaos || c.CrashRecovery != nil || c.LeaderCrash != nil || i > c.Nodes || c.hasMembership() {
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
		if e.Kind == fault.Repair {
			return nil // every fault after it is ignored (repair.go): none can be redundant
		}
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
		// A cut or restore aimed at a role may hit any edge: what it hits is known only when it fires.
		if len(e.RoleEdges) > 0 {
			for ed, st := range edges {
				if st != maybe && (e.Kind == fault.Cut) == (st == up) {
					edges[ed] = maybe
				}
			}
			unknown = unknown || e.Kind == fault.Cut
		}
		switch {
		case e.Kind == fault.Restart && e.Role != fault.ByID:
			// A restart of the crashed leader may bring back any node certainly down.
			for i := 1; i < len(state); i++ {
				if state[i] == down {
					state[i], since[i] = maybe, e
				}
			}
		case e.Kind == fault.Crash && e.Role != fault.ByID:
			for i := 1; i < len(state); i++ {
				if state[i] == up {
					state[i], since[i] = maybe, e
				}
			}
		case e.Kind == fault.Crash:
			if id >= 1 && id < int64(len(state)) {
				if state[id] == down {
					return fmt.Errorf("schedule: %v: node %d is already down (%v, and no restart since)", e, id, since[id])
				}
				state[id], since[id] = down, e
			}
		case e.Kind == fault.Pause || e.Kind == fault.DiskStall || e.Kind == fault.DiskSlow:
			// A gray failure hits a live node: one certainly down is a mistake, as crashing it again is.
			if id >= 1 && id < int64(len(state)) && state[id] == down {
				return fmt.Errorf("schedule: %v: node %d is down (%v, and no restart since)", e, id, since[id])
			}
		case e.Kind == fault.Restart:
			if id >= 1 && id < int64(len(state)) {
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

// Hosts is how many hosts a run provisions: Nodes, or the highest node ID a membership event names.
func (c *Config) Hosts() int {
	n := c.Nodes
	for _, e := range c.Faults {
		switch e.Kind {
		case fault.Add, fault.Remove:
			n = max(n, int(min(e.Node, fault.MaxMemberID)))
		case fault.Replace:
			n = max(n, int(min(e.Node, fault.MaxMemberID)), int(min(e.New, fault.MaxMemberID)))
		}
	}
	return n
}

func (c *Config) hasMembership() bool {
	for _, e := range c.Faults {
		if e.Kind == fault.Add || e.Kind == fault.Remove || e.Kind == fault.Replace {
			return true
		}
	}
	return false
}

// validateMembership follows the configuration through the schedule's membership events, which the run
// carries out one after another in that order: a node added must not be a member already, nor one
// removed before (IDs are not reused: its host is shut down); a node removed or replaced must be a
// member; a removal must leave a voter; and the hosts must fit MaxNodes.
func (c *Config) validateMembership() error {
	if !c.hasMembership() {
		return nil
	}
	if h := c.Hosts(); h > MaxNodes {
		for _, e := range c.Faults {
			if e.Node == int64(h) || e.New == int64(h) {
				return fmt.Errorf("schedule: %v: node %d: at most %d nodes are supported", e, h, MaxNodes)
			}
		}
		return fmt.Errorf("schedule: node %d: at most %d nodes are supported", h, MaxNodes)
	}
	member := map[int64]bool{}
	gone := map[int64]fault.Event{}
	for id := int64(1); id <= int64(c.Nodes); id++ {
		member[id] = true
	}
	voters := c.Nodes
	add := func(e fault.Event, id int64) error {
		if member[id] {
			return fmt.Errorf("schedule: %v: node %d is a member already", e, id)
		}
		if g, ok := gone[id]; ok {
			return fmt.Errorf("schedule: %v: node %d was removed (%v); node IDs are not reused", e, id, g)
		}
		member[id] = true
		voters++
		return nil
	}
	remove := func(e fault.Event, id int64) error {
		if !member[id] {
			if g, ok := gone[id]; ok {
				return fmt.Errorf("schedule: %v: node %d was removed already (%v)", e, id, g)
			}
			return fmt.Errorf("schedule: %v: node %d is not a member", e, id)
		}
		if voters == 1 {
			return fmt.Errorf("schedule: %v: node %d is the last member", e, id)
		}
		delete(member, id)
		gone[id] = e
		voters--
		return nil
	}
	for _, e := range c.Faults {
		var err error
		switch e.Kind {
		case fault.Add:
			err = add(e, e.Node)
		case fault.Remove:
			err = remove(e, e.Node)
		case fault.Replace:
			if !member[e.Node] {
				err = remove(e, e.Node) // names the problem
			} else if err = add(e, e.New); err == nil {
				err = remove(e, e.Node)
			}
		}
		if err != nil {
			return err
		}
	}
	return nil
}
