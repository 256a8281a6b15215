package cluster

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/raftsim/raftsim/models/fault"
	"github.com/raftsim/raftsim/sim"
	"github.com/raftsim/raftsim/topology"
)

// roleState is what role targets need to know beyond the hosts: the follower draws and the last
// leader that crashed.
type roleState struct {
	// follower draws the node a "follower" target names. Its own stream, made on first use, so that a
	// schedule naming a follower changes no other draw of the run (and one naming none draws nothing).
	follower *rand.Rand
	// crashedLeader is the last node that crashed while it led, by any crash; 0 before the first.
	crashedLeader uint64
}

// resolved is what an event's roles named when it fired. Each role names one node (the leader, with
// its K others) throughout an event, so that "leader<->follower" is two edges between the same pair.
type resolved struct {
	leader  []uint64 // the leader and its K others, or 1+K live nodes drawn when none led; nil: none live
	led     bool     // leader[0] led; otherwise every node in leader was drawn
	follow  uint64
	crashed uint64
}

// resolve names the nodes of every role event e mentions, as the cluster stands now. It is the one
// place a role becomes a node; the roles are resolved in a fixed order (the leader, then the follower,
// then the crashed leader) whatever order the event writes them in, so that the draws, and the nodes
// named, do not depend on how the schedule was written. The rules (models/fault/target.go):
//
//   - leader+K: the node that leads (currentLeader) and K more live nodes drawn uniformly from the
//     "faults" stream, in ID order; with no leader, 1+K live nodes drawn (fewer when fewer are live).
//     These are exactly the draws of the crash of the leader before roles existed, so that schedules
//     written then give the same runs.
//   - follower: a live node that is not named by the leader role (or, when the event names no leader,
//     is not the leader), drawn uniformly from the "fault-follower" stream; none when none is left.
//   - crashed-leader: the last node that crashed while leading; none before the first.
func (c *Cluster) resolve(e *fault.Event) resolved {
	var has [fault.CrashedLeader + 1]bool
	k := 0
	mark := func(t fault.Target) {
		if t.Role != fault.ByID && int(t.Role) < len(has) {
			has[t.Role] = true
			k = max(k, t.K)
		}
	}
	mark(e.Target())
	for _, ed := range e.RoleEdges {
		mark(ed.From)
		mark(ed.To)
	}
	for _, g := range e.RoleGroups {
		for _, t := range g {
			mark(t)
		}
	}
	if e.Filter != nil {
		for _, l := range e.Filter.RoleLinks {
			mark(l.From) // an end "*" is by ID (0): marks nothing
			mark(l.To)
		}
	}
	var r resolved
	if has[fault.Leader] {
		if l := c.currentLeader(); l != 0 {
			r.leader, r.led = []uint64{l}, true
		}
		for n := 1 + k - len(r.leader); n > 0; n-- {
			live := c.liveExcept(r.leader)
			if len(live) == 0 {
				break
			}
			r.leader = append(r.leader, live[c.faultRand.IntN(len(live))])
		}
	}
	if has[fault.Follower] {
		not := r.leader
		if !has[fault.Leader] {
			if l := c.currentLeader(); l != 0 {
				not = []uint64{l}
			}
		}
		if live := c.liveExcept(not); len(live) > 0 {
			if c.roles.follower == nil {
				c.roles.follower = sim.Stream(c.cfg.Seed, "fault-follower")
			}
			r.follow = live[c.roles.follower.IntN(len(live))]
		}
	}
	if has[fault.CrashedLeader] {
		r.crashed = c.roles.crashedLeader
	}
	return r
}

// liveExcept returns the live nodes, in ID order, other than those in not.
func (c *Cluster) liveExcept(not []uint64) []uint64 {
	var live []uint64
	for _, h := range c.hosts {
		if h.alive && !slices.Contains(not, h.id) {
			live = append(live, h.id)
		}
	}
	return live
}

// nodes returns the nodes t names in r: one, 1+K for leader+K, none when its role named nobody.
func (r *resolved) nodes(t fault.Target) []uint64 {
	switch t.Role {
	case fault.ByID:
		return []uint64{uint64(t.ID)}
	case fault.Leader:
		return r.leader[:min(len(r.leader), 1+t.K)]
	case fault.Follower:
		if r.follow != 0 {
			return []uint64{r.follow}
		}
	case fault.CrashedLeader:
		if r.crashed != 0 {
			return []uint64{r.crashed}
		}
	}
	return nil
}

// who says what t named, for the timeline: "leader 3", "leader 3 and 1, 5 drawn", "no leader: 2
// drawn", "follower 4", "crashed leader 3"; or, when it named nobody, why ("no live follower").
func (r *resolved) who(t fault.Target) string {
	ids := r.nodes(t)
	switch t.Role {
	case fault.Leader:
		switch {
		case len(ids) == 0:
			return "no node was up"
		case !r.led:
			return "no leader: " + nodeList(ids) + " drawn"
		case len(ids) == 1:
			return fmt.Sprintf("leader %d", ids[0])
		}
		return fmt.Sprintf("leader %d and %s drawn", ids[0], nodeList(ids[1:]))
	case fault.Follower:
		if len(ids) == 0 {
			return "no live follower"
		}
		return fmt.Sprintf("follower %d", ids[0])
	case fault.CrashedLeader:
		if len(ids) == 0 {
			return "no leader has crashed"
		}
		return fmt.Sprintf("crashed leader %d", ids[0])
	}
	return ""
}

// applyRoles fires an event that names a role: it resolves the roles, then applies the event as if
// written with the nodes they named. A kind that hits one node (crash, restart, isolate, transfer, and
// any kind another area adds) is applied once per node named, to a copy whose Node is that node (Role
// kept, so that the timeline shows the event as written); cuts, restores and partitions get their edges
// and groups. A role that names nobody makes the event do nothing, and the timeline says why. The crash
// of leader+K keeps the one timeline entry it always had.
func (c *Cluster) applyRoles(e *fault.Event) {
	r := c.resolve(e)
	now := c.loop.Now()
	switch {
	case e.Kind == fault.Crash && e.Role == fault.Leader:
		hit := r.nodes(e.Target())
		for _, id := range hit {
			c.crash(e, id)
		}
		var effect string
		switch {
		case len(hit) == 0:
			effect = "no effect: no node was up"
		case r.led && len(hit) == 1:
			effect = fmt.Sprintf("crashed the leader %d", hit[0])
		case r.led:
			effect = fmt.Sprintf("crashed the leader %d and %s, drawn", hit[0], nodeList(hit[1:]))
		default:
			effect = fmt.Sprintf("no leader: crashed %s, drawn", nodeList(hit))
		}
		c.timeline.add(now, e, nil, hit, effect)
	case e.RoleEdges != nil:
		var eds []topology.Edge
		var notes []string
		for _, ed := range e.RoleEdges {
			for _, t := range []fault.Target{ed.From, ed.To} {
				if w := r.who(t); w != "" && !slices.Contains(notes, w) {
					notes = append(notes, w)
				}
			}
			from, to := r.nodes(ed.From), r.nodes(ed.To)
			if len(from) == 0 || len(to) == 0 || from[0] == to[0] {
				continue // a role that named nobody, or an edge from a node to itself
			}
			if x := (topology.Edge{From: int64(from[0]), To: int64(to[0])}); !slices.Contains(eds, x) {
				eds = append(eds, x)
			}
		}
		if len(eds) == 0 {
			c.noEffect(e, strings.Join(notes, ", ")+": no edge left")
			return
		}
		ev := *e
		ev.Edges = eds
		c.applyAs(&ev, strings.Join(notes, ", "))
	case e.Filter != nil && e.Filter.RoleLinks != nil:
		// A filter's roles are resolved once, when it starts: it keeps to the links they named until
		// its end, whoever leads meanwhile (models/fault.MsgFilter.RoleLinks).
		var links []fault.LinkPattern
		var notes []string
		for _, l := range e.Filter.RoleLinks {
			for _, t := range []fault.Target{l.From, l.To} {
				if w := r.who(t); w != "" && !slices.Contains(notes, w) {
					notes = append(notes, w)
				}
			}
			from, to := r.nodes(l.From), r.nodes(l.To) // "*" is node 0, every node
			if len(from) == 0 || len(to) == 0 || (from[0] == to[0] && from[0] != 0) {
				continue // a role that named nobody, or a link from a node to itself
			}
			if p := (fault.LinkPattern{From: int64(from[0]), To: int64(to[0])}); !slices.Contains(links, p) {
				links = append(links, p)
			}
		}
		if len(links) == 0 {
			c.noEffect(e, strings.Join(notes, ", ")+": no link left")
			return
		}
		f := *e.Filter
		f.Links = links
		ev := *e
		ev.Filter = &f
		c.applyAs(&ev, strings.Join(notes, ", "))
	case e.RoleGroups != nil:
		var groups [][]int64
		var notes []string
		placed := map[uint64]bool{}
		for _, g := range e.RoleGroups {
			var ids []int64
			for _, t := range g {
				if w := r.who(t); w != "" && !slices.Contains(notes, w) {
					notes = append(notes, w)
				}
				for _, id := range r.nodes(t) {
					if !placed[id] { // a node stays in the first group that names it
						placed[id] = true
						ids = append(ids, int64(id))
					}
				}
			}
			if len(ids) > 0 {
				groups = append(groups, ids)
			}
		}
		if len(groups) == 0 {
			c.noEffect(e, strings.Join(notes, ", ")+": no group left")
			return
		}
		ev := *e
		ev.Groups = groups
		c.applyAs(&ev, strings.Join(notes, ", "))
	default:
		t := e.Target()
		hit := r.nodes(t)
		if len(hit) == 0 {
			c.noEffect(e, r.who(t))
			return
		}
		for _, id := range hit {
			ev := *e
			ev.Node = int64(id)
			c.applyAs(&ev, r.who(t))
		}
	}
}

// applyAs applies ev, whose roles are resolved (its Node, Edges or Groups set), with its timeline
// entries prefixed by who ("leader 3: cut 8 directed edges, …").
func (c *Cluster) applyAs(ev *fault.Event, who string) {
	c.timeline.who = who
	c.applyFault(ev)
	c.timeline.who = ""
}

// noEffect records a role event that had nothing to hit, with the reason.
func (c *Cluster) noEffect(e *fault.Event, why string) {
	c.trace.fault(e, 0)
	c.timeline.add(c.loop.Now(), e, nil, nil, "no effect: "+why)
}

// fire applies a scheduled event: one that names a role goes through applyRoles, which resolves it and
// calls applyFault with the nodes named; the rest go to applyFault as they are.
func (c *Cluster) fire(e *fault.Event) {
	if e.Role != fault.ByID || e.RoleEdges != nil || e.RoleGroups != nil || (e.Filter != nil && e.Filter.RoleLinks != nil) {
		c.applyRoles(e)
		return
	}
	c.applyFault(e)
}
