package cluster

import (
	"bufio"
	"io"
	"strconv"

	"github.com/raftsim/raftsim/models/fault"
	"github.com/raftsim/raftsim/models/workload"
	"github.com/raftsim/raftsim/raft"
	"github.com/raftsim/raftsim/safety"
	"github.com/raftsim/raftsim/sim"
)

// tracer writes every event as one JSON object per line (docs/trace.md describes the format). Lines are
// built by hand with strconv, in a fixed key order, so the trace is byte-identical run after run and
// costs no reflection. The zero tracer writes nothing.
type tracer struct {
	w    *bufio.Writer
	loop *sim.Loop
	b    []byte
	err  error
}

func newTracer(w io.Writer, loop *sim.Loop) tracer {
	return tracer{w: bufio.NewWriterSize(w, 1<<16), loop: loop, b: make([]byte, 0, 256)}
}

func (t *tracer) on() bool { return t.w != nil }

func (t *tracer) begin(ev string) {
	t.b = append(t.b[:0], `{"t":`...)
	t.b = strconv.AppendInt(t.b, int64(t.loop.Now()), 10)
	t.b = append(t.b, `,"ev":"`...)
	t.b = append(t.b, ev...)
	t.b = append(t.b, '"')
}

func (t *tracer) num(key string, v uint64) {
	t.b = append(t.b, ',', '"')
	t.b = append(t.b, key...)
	t.b = append(t.b, '"', ':')
	t.b = strconv.AppendUint(t.b, v, 10)
}

func (t *tracer) str(key, v string) {
	t.b = append(t.b, ',', '"')
	t.b = append(t.b, key...)
	t.b = append(t.b, '"', ':')
	t.b = strconv.AppendQuote(t.b, v)
}

func (t *tracer) boolean(key string, v bool) {
	t.b = append(t.b, ',', '"')
	t.b = append(t.b, key...)
	t.b = append(t.b, '"', ':')
	t.b = strconv.AppendBool(t.b, v)
}

func (t *tracer) end() {
	t.b = append(t.b, '}', '\n')
	if _, err := t.w.Write(t.b); err != nil && t.err == nil {
		t.err = err
		// A trace that cannot be written (a full disk) ends the run now, not after hours more of
		// simulation whose trace would be lost anyway.
		t.loop.Stop()
	}
}

func (t *tracer) flush() {
	if t.w != nil {
		if err := t.w.Flush(); err != nil && t.err == nil {
			t.err = err
		}
	}
}

// traceVersion is the format version of docs/trace.md the header names: raised when a field changes
// meaning (adding one does not), so that a reader refuses what it would misread.
const traceVersion = 1

// header is a trace's first line: the format version, and the run's endpoints (nodes 1..nodes, the
// spares membership events add among them; clients nodes+1..nodes+clients), so that a reader need not
// infer them from the events. Package trace reads it, and traces written before it had none.
func (t *tracer) header(nodes, clients, seed uint64) {
	t.begin("trace")
	t.num("version", traceVersion)
	t.num("nodes", nodes)
	t.num("clients", clients)
	t.num("seed", seed)
	t.end()
}

func (t *tracer) state(node uint64, s raft.State, term, lead uint64) {
	if t.w == nil {
		return
	}
	t.begin("state")
	t.num("node", node)
	t.str("state", s.String())
	t.num("term", term)
	t.num("lead", lead)
	t.end()
}

func (t *tracer) raftFields(m *raft.Message) {
	t.str("type", m.Type.String())
	t.num("term", m.Term)
	switch m.Type {
	case raft.MsgApp:
		t.num("index", m.Index)
		t.num("log_term", m.LogTerm)
		t.num("commit", m.Commit)
		t.num("entries", uint64(len(m.Entries)))
	case raft.MsgAppResp:
		t.num("index", m.Index)
		t.boolean("reject", m.Reject)
		if m.Reject {
			t.num("hint", m.RejectHint)
			t.num("hint_term", m.LogTerm)
		}
	case raft.MsgHeartbeat:
		t.num("commit", m.Commit)
	case raft.MsgVote, raft.MsgPreVote:
		t.num("index", m.Index)
		t.num("log_term", m.LogTerm)
	case raft.MsgVoteResp, raft.MsgPreVoteResp:
		t.boolean("reject", m.Reject)
	case raft.MsgReadIndexResp:
		t.num("index", m.Index)
		t.boolean("reject", m.Reject)
	}
	// A read round (heartbeats), a read's tag, or a transfer's election: only when set, so that a run
	// without reads or transfers traces as before.
	if m.Context != 0 {
		t.num("ctx", m.Context)
	}
}

func (t *tracer) sendRaft(m *raft.Message, size int) {
	if t.w == nil {
		return
	}
	t.begin("send")
	t.num("from", m.From)
	t.num("to", m.To)
	t.raftFields(m)
	t.num("bytes", uint64(size))
	t.end()
}

func (t *tracer) envFields(e *envelope) {
	switch e.kind {
	case envRaft:
		t.raftFields(&e.msg)
	case envRequest:
		t.str("type", "request")
		t.num("client", e.req.Client)
		t.num("seq", e.req.Seq)
	case envReply:
		t.str("type", "reply")
		t.num("client", e.rep.Client)
		t.num("seq", e.rep.Seq)
	}
}

func (t *tracer) deliver(from, to uint64, e *envelope) {
	t.begin("deliver")
	t.num("from", from)
	t.num("to", to)
	t.envFields(e)
	t.end()
}

func (t *tracer) drop(from, to uint64, e *envelope, reason string) {
	if t.w == nil {
		return
	}
	t.begin("drop")
	t.num("from", from)
	t.num("to", to)
	t.envFields(e)
	t.str("reason", reason)
	t.end()
}

func (t *tracer) timeout(node uint64, which raft.Timeout) {
	if t.w == nil {
		return
	}
	t.begin("timeout")
	t.num("node", node)
	t.str("timer", which.String())
	t.end()
}

func (t *tracer) persist(node uint64, b *batch) {
	if t.w == nil {
		return
	}
	t.begin("persist")
	t.num("node", node)
	t.num("seq", b.seq)
	if b.hasHS {
		t.num("term", b.hs.Term)
		t.num("vote", b.hs.Vote)
	}
	if b.first != 0 {
		t.num("first", b.first)
		t.num("last", b.first+uint64(len(b.entries))-1)
	}
	t.num("released", uint64(len(b.msgs)))
	t.end()
}

func (t *tracer) commit(node, index uint64) {
	if t.w == nil {
		return
	}
	t.begin("commit")
	t.num("node", node)
	t.num("index", index)
	t.end()
}

func (t *tracer) fault(e *fault.Event, node uint64) {
	if t.w == nil {
		return
	}
	t.begin("fault")
	t.str("kind", e.Kind.String())
	switch e.Kind {
	case fault.Crash, fault.Restart, fault.Isolate, fault.Pause, fault.DiskStall, fault.DiskSlow:
		t.num("node", node) // 0: a leader crash when no node led
	}
	t.str("desc", e.String())
	t.end()
}

func (t *tracer) clientMsg(kind string, from, to, client, seq uint64, ok bool, leader uint64) {
	if t.w == nil {
		return
	}
	t.begin(kind)
	t.num("from", from)
	t.num("to", to)
	t.num("client", client)
	t.num("seq", seq)
	if kind == "reply" {
		t.boolean("ok", ok)
		t.num("leader", leader)
	}
	t.end()
}

func (t *tracer) op(op *workload.Op) {
	if t.w == nil {
		return
	}
	t.begin("op")
	t.num("client", op.Client)
	t.num("seq", op.Seq)
	if op.Read {
		t.boolean("read", true) // only on reads, so that a write-only trace is as before
	}
	t.num("key", op.Key)
	t.num("value", op.Value)
	t.num("prev", op.Prev)
	t.boolean("ok", op.OK)
	t.num("invoke", uint64(op.Invoke))
	t.num("complete", uint64(op.Complete))
	t.num("attempts", uint64(op.Attempts))
	t.end()
}

func (t *tracer) scenario(what string, node, index uint64) {
	if t.w == nil {
		return
	}
	t.begin("scenario")
	t.str("what", what)
	t.num("node", node)
	t.num("index", index)
	t.end()
}

func (t *tracer) violation(v *safety.Violation) {
	if t.w == nil {
		return
	}
	t.begin("violation")
	t.str("invariant", v.Invariant)
	t.str("detail", v.Detail)
	t.num("seed", v.Seed)
	t.end()
}
