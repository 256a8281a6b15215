package cluster

import (
	"fmt"

	"github.com/raftsim/raftsim/experiments/stats"
	"github.com/raftsim/raftsim/models/fault"
	"github.com/raftsim/raftsim/models/workload"
	"github.com/raftsim/raftsim/raft"
	"github.com/raftsim/raftsim/sim"
)

// Reads and leadership transfers, the host's side. A host serves a client's read through its node's
// ReadIndex (raft/read.go): it hands the node a tag, gets back a read index in a later Ready, and
// answers with the store's value once it has applied that far. The tag carries the client, so that the
// host keeps at most one read per client, its latest: a client has one operation outstanding, and
// a read the node never answers (its leader cut off, say) is forgotten when the client's next read
// arrives, not kept for the rest of the run.

// clientBits is how many low bits of a read's tag hold the client ID (MaxClients < 2^17).
const clientBits = 17

// hostRead is a client's read at a host: waiting for its read index, then for the host to apply it.
type hostRead struct {
	ctx, seq, key uint64
	index         uint64
	confirmed     bool // the node answered with index
}

// tell gives the node the time, which only lease reads look at.
func (h *host) tell() {
	if h.cfg.LeaseRead {
		h.node.SetNow(h.localNow())
	}
}

// read handles a client's read: the leader serves it, and with follower reads a follower that knows a
// leader does too, by asking it; any other node redirects the client.
func (h *host) read(r *workload.Request) {
	if h.node.State() != raft.Leader && (h.c.cfg.ReadMode != ReadFollower || h.node.Leader() == raft.None) {
		h.c.reply(h.id, workload.Reply{Client: r.Client, Seq: r.Seq, Leader: h.node.Leader()})
		return
	}
	if h.reads == nil {
		h.reads = map[uint64]hostRead{} // looked up only, never iterated
	}
	h.readCtx++
	ctx := h.readCtx<<clientBits | r.Client
	h.reads[r.Client] = hostRead{ctx: ctx, seq: r.Seq, key: r.Key}
	h.node.ReadIndex(ctx)
}

// readStates takes the node's answers to reads.
func (h *host) readStates(states []raft.ReadState) {
	for _, rs := range states {
		client := rs.Ctx & (1<<clientBits - 1)
		hr, ok := h.reads[client]
		if !ok || hr.ctx != rs.Ctx {
			continue // the client has moved on to another read
		}
		if rs.Refused {
			delete(h.reads, client)
			h.c.reply(h.id, workload.Reply{Client: client, Seq: hr.seq, Leader: h.node.Leader()})
			continue
		}
		hr.index, hr.confirmed = rs.Index, true
		h.reads[client] = hr
		h.readWait = append(h.readWait, client)
	}
	h.serveReads()
}

// serveReads answers, in the order their read indexes came, the reads the host has applied far enough.
func (h *host) serveReads() {
	applied := h.store.Applied()
	k := 0
	for _, client := range h.readWait {
		hr, ok := h.reads[client]
		if !ok || !hr.confirmed {
			continue // served already, or replaced by a read still waiting for its index
		}
		if applied < hr.index {
			h.readWait[k] = client
			k++
			continue
		}
		delete(h.reads, client)
		if inv := h.c.invoked[client-1]; inv.seq == hr.seq {
			if applied < inv.commit {
				h.c.metrics.staleReads++
			}
			if h.c.check != nil {
				h.c.violation(h.c.check.ReadServed(h.id, client, hr.seq, applied, inv.commit))
			}
		}
		h.c.reply(h.id, workload.Reply{Client: client, Seq: hr.seq, OK: true, Prev: h.store.Get(hr.key)})
	}
	h.readWait = h.readWait[:k]
}

// transferRun follows the leadership transfer in progress, for the transfer_time measure.
type transferRun struct {
	active bool
	target uint64
	at     sim.Time

	requested, done, failed, unfinished uint64
	times                               *stats.Histogram // request to the target's election, of those done
}

// applyTransfer asks the leader to hand its leadership to the event's node. The transfer is measured
// from the request until the target is elected; it fails if another node is elected first.
func (c *Cluster) applyTransfer(e *fault.Event) {
	target := uint64(e.Node)
	c.trace.fault(e, target)
	now := c.loop.Now()
	l := c.currentLeader()
	switch {
	case l == 0:
		c.timeline.add(now, e, nil, nil, "no effect: no leader")
		return
	case l == target:
		c.timeline.add(now, e, nil, nil, fmt.Sprintf("no effect: node %d leads already", target))
		return
	}
	h := c.host(l)
	h.tell()
	if err := h.node.TransferLeadership(target); err != nil {
		c.timeline.add(now, e, nil, nil, "no effect: "+err.Error())
		return
	}
	t := &c.transfer
	if t.active {
		t.failed++ // replaced before it finished
	}
	t.active, t.target, t.at = true, target, now
	t.requested++
	c.timeline.add(now, e, nil, []uint64{l, target}, fmt.Sprintf("leader %d hands its leadership to %d", l, target))
	h.drain()
}

// elected is called when node id becomes leader: it ends the transfer in progress.
func (t *transferRun) elected(id uint64, now sim.Time) {
	if !t.active {
		return
	}
	t.active = false
	if id != t.target {
		t.failed++
		return
	}
	t.done++
	if t.times == nil {
		t.times = stats.NewHistogram()
	}
	t.times.Record(int64(now - t.at))
}
