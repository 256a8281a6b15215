package rafttest

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/raftsim/raftsim/raft"
)

// envRead is a read a node has a read index for and serves once it has applied that far.
type envRead struct {
	ctx, index uint64
}

// read N asks node N for a linearizable read (raft.Node.ReadIndex), tagged with the env's next read
// number. The env remembers the highest commit index any node had reached then: a read served at a
// lower applied index would miss a write committed before it was asked, a violation.
func (e *Env) read(nd *node) {
	if nd.n == nil {
		e.printf("node %d is down", nd.id)
		return
	}
	e.readCtx++
	e.readFrom[e.readCtx] = uint64(len(e.committed))
	e.printf("node %d: read #%d asked", nd.id, e.readCtx)
	nd.n.ReadIndex(e.readCtx)
	e.observe(nd)
	e.check()
}

// readStates prints the answers of a Ready to reads, and serves those the node has applied far enough.
func (e *Env) readStates(nd *node, states []raft.ReadState) {
	for _, rs := range states {
		switch {
		case rs.Refused:
			e.printf("read #%d refused", rs.Ctx)
		case nd.applied >= rs.Index:
			e.printf("read #%d index=%d", rs.Ctx, rs.Index)
			e.serve(nd, rs.Ctx)
		default:
			e.printf("read #%d index=%d (waits for apply)", rs.Ctx, rs.Index)
			nd.reads = append(nd.reads, envRead{ctx: rs.Ctx, index: rs.Index})
		}
	}
	k := 0
	for _, r := range nd.reads {
		if nd.applied >= r.index {
			e.serve(nd, r.ctx)
			continue
		}
		nd.reads[k] = r
		k++
	}
	nd.reads = nd.reads[:k]
}

// serve serves read ctx at nd's applied index and checks it is at least the commit index known when
// the read was asked.
func (e *Env) serve(nd *node, ctx uint64) {
	e.printf("serve read #%d at applied=%d", ctx, nd.applied)
	if from := e.readFrom[ctx]; nd.applied < from {
		e.violation("safety: node %d serves read #%d at applied index %d, but index %d was committed before it was asked", nd.id, ctx, nd.applied, from)
	}
}

// transfer N M: leader N hands its leadership to M (raft.Node.TransferLeadership).
func (e *Env) transferCmd(c *cmd) error {
	if err := c.onlyKeys(); err != nil {
		return err
	}
	pos := c.positional()
	if len(pos) != 2 {
		return errors.New("transfer: want the leader and the target")
	}
	nd, err := e.nodeArg(pos[0])
	if err != nil {
		return err
	}
	to, err := e.nodeArg(pos[1])
	if err != nil {
		return err
	}
	if nd.n == nil {
		e.printf("node %d is down", nd.id)
		return nil
	}
	if err := nd.n.TransferLeadership(to.id); err != nil {
		e.printf("node %d: %v", nd.id, err)
		return nil
	}
	e.printf("node %d: transferring to %d", nd.id, to.id)
	e.observe(nd)
	e.check()
	return nil
}

// advance D moves the env's clock on by D and tells every live node (raft.Node.SetNow); only lease
// reads look at it. Timers still fire only when a command says so.
func (e *Env) advance(c *cmd) error {
	pos := c.positional()
	if len(pos) != 1 {
		return errors.New("advance: want a duration")
	}
	d, err := time.ParseDuration(pos[0])
	if err != nil || d < 0 {
		return fmt.Errorf("advance: bad duration %q", pos[0])
	}
	e.now += d
	var held []string
	for _, nd := range e.nodes {
		if nd.n != nil {
			nd.n.SetNow(e.now)
			if nd.n.LeaseHolds() {
				held = append(held, fmt.Sprint(nd.id))
			}
		}
	}
	lease := "none"
	if len(held) > 0 {
		lease = strings.Join(held, ",")
	}
	e.printf("now %v; leases held: %s", e.now, lease)
	return nil
}
