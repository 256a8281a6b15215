package cluster

import (
	"errors"
	"fmt"

	"github.com/raftsim/raftsim/models/fault"
	"github.com/raftsim/raftsim/raft"
	"github.com/raftsim/raftsim/sim"
)

// Membership changes in a run (Raft thesis ch. 4). The schedule's add, remove and replace events are
// carried out one after another, in schedule order: each is a sequence of single-server changes that
// the run asks of whoever leads, retrying every heartbeat interval until the leader's configuration
// shows the change and the leader knows it committed. A retry never repeats a change already made: a
// step is done when the leader's configuration reflects it, whoever proposed it, so a change that a
// deposed leader appended and its successor kept is not made twice, and one that was lost is made again.
//
// Hosts: a run provisions one host per node ID up to the highest the schedule names (Config.Hosts), with
// links for all of them in a generated topology. The nodes beyond Config.Nodes start with the bootstrap
// configuration, which leaves them out, and are down until the event that adds them fires: then the
// host starts, empty, and the leader adds it. A removed node's host shuts down for good once its
// removal is committed (the thesis's removed server shuts itself down); restarts then do nothing.

// catchUpEntries is how close a learner must be to the leader's last index before --replace promotes
// it: one AppendEntries' worth at the default batch size, so that the promoted voter does not hold up
// commits while it copies the log (thesis §4.2.1).
const catchUpEntries = 64

// memberStep is one step of a membership event.
type memberStep uint8

const (
	stepAddLearner memberStep = iota // target joins as a learner
	stepCatchUp                      // wait until the learner is within catchUpEntries of the leader
	stepAddVoter                     // target becomes a voter (added directly, or promoted)
	stepRemove                       // target leaves the configuration
)

// memberOp is a membership event in progress: the steps left, each with its node.
type memberOp struct {
	ev    fault.Event
	steps []memberStep
	nodes []uint64
}

// members carries out the membership events.
type members struct {
	c     *Cluster
	queue []memberOp
	timer sim.Timer
	// done counts the events carried out, for tests.
	done int
	// window measures the spans during which an event was in progress (memberwindow.go).
	window memberWindow
}

// enqueue starts an event: a node it adds gets its host now, and its steps run after those of the
// events before it.
func (m *members) enqueue(e *fault.Event) {
	c := m.c
	op := memberOp{ev: *e}
	switch e.Kind {
	case fault.Add:
		op.steps, op.nodes = []memberStep{stepAddVoter}, []uint64{uint64(e.Node)}
		m.create(e, uint64(e.Node))
	case fault.Remove:
		op.steps, op.nodes = []memberStep{stepRemove}, []uint64{uint64(e.Node)}
		c.trace.fault(e, uint64(e.Node))
	case fault.Replace:
		old, nw := uint64(e.Node), uint64(e.New)
		op.steps = []memberStep{stepAddLearner, stepCatchUp, stepAddVoter, stepRemove}
		op.nodes = []uint64{nw, nw, nw, old}
		if c.cfg.ReplaceDirect {
			op.steps, op.nodes = []memberStep{stepAddVoter, stepRemove}, []uint64{nw, old}
		}
		m.create(e, nw)
	}
	m.queue = append(m.queue, op)
	m.window.start(&c.metrics, c.loop.Now())
	if len(m.queue) == 1 {
		m.Fire(0)
	}
}

// create starts the empty host of a node the event adds.
func (m *members) create(e *fault.Event, id uint64) {
	c := m.c
	c.trace.fault(e, id)
	h := c.host(id)
	if h.created {
		return
	}
	h.created = true
	c.timeline.add(c.loop.Now(), e, nil, []uint64{id}, fmt.Sprintf("started %d, empty", id))
	if err := h.start(); err != nil {
		c.err = fmt.Errorf("cluster: start node %d: %w", id, err)
		c.loop.Stop()
	}
}

// Fire works on the first event until it waits on the cluster, then tries again a heartbeat later.
func (m *members) Fire(uint64) {
	c := m.c
	for len(m.queue) > 0 {
		op := &m.queue[0]
		if !m.advance(op) {
			m.timer = c.loop.Reset(m.timer, c.loop.Now().Add(c.cfg.Heartbeat), m, 0)
			return
		}
		m.done++
		c.timeline.add(c.loop.Now(), &op.ev, nil, nil, "done")
		m.queue = m.queue[1:]
	}
	m.window.stop(&c.metrics, c.loop.Now())
}

// advance takes op's steps as far as the cluster allows and reports whether all are done.
func (m *members) advance(op *memberOp) bool {
	c := m.c
	for len(op.steps) > 0 {
		lid := c.currentLeader()
		if lid == 0 {
			return false
		}
		n := c.host(lid).node
		step, id := op.steps[0], op.nodes[0]
		if step == stepCatchUp {
			match, _, ok := n.Match(id)
			if !ok || match+catchUpEntries < n.LastIndex() {
				return false
			}
		} else {
			cs := n.Conf()
			var reached bool
			var cc raft.ConfChange
			switch step {
			case stepAddLearner:
				reached, cc = cs.IsMember(id), raft.ConfChange{Type: raft.AddLearner, ID: id}
			case stepAddVoter:
				reached, cc = cs.IsVoter(id), raft.ConfChange{Type: raft.AddVoter, ID: id}
			case stepRemove:
				reached, cc = !cs.IsMember(id), raft.ConfChange{Type: raft.RemoveNode, ID: id}
			}
			if !reached {
				_, _, err := n.ProposeConfChange(cc)
				if err != nil && !errors.Is(err, raft.ErrConfChangePending) && !errors.Is(err, raft.ErrTransferring) {
					// Validate rules out every change that cannot apply, as far as the schedule shows.
					panic(fmt.Sprintf("cluster: %v: %v", op.ev, err))
				}
				c.host(lid).drain()
				// The leader's configuration changed when it appended the change, and with it the
				// majority that availability asks for: no change of role or term says so.
				c.statusChanged()
				return false
			}
			if n.ConfIndex() > n.Commit() && !c.cfg.Mutants.Has(raft.MutConcurrentConfChanges) {
				return false // appended, not yet known committed
			}
			if step == stepRemove {
				m.retire(&op.ev, id)
			}
		}
		op.steps, op.nodes = op.steps[1:], op.nodes[1:]
	}
	return true
}

// retire shuts down a removed node's host for good.
func (m *members) retire(e *fault.Event, id uint64) {
	h := m.c.host(id)
	h.retired = true
	h.crash()
	m.c.timeline.add(m.c.loop.Now(), e, nil, []uint64{id}, fmt.Sprintf("removed %d, shut down", id))
}
