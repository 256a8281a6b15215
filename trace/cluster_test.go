package trace_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/raftsim/raftsim/cluster"
	"github.com/raftsim/raftsim/models/fault"
	"github.com/raftsim/raftsim/trace"
)

// TestReadsClusterTraces: what cluster writes, this package reads: a header naming the run, every
// line an event of a known kind, and the kinds a run with clients, loss, a crash, a restart and a
// partition makes.
func TestReadsClusterTraces(t *testing.T) {
	var buf bytes.Buffer
	cfg := cluster.Default()
	cfg.Nodes, cfg.Seed, cfg.Duration, cfg.Clients, cfg.Check = 5, 3, 3*time.Second, 2, true
	cfg.Link.Loss = 0.05
	cfg.Faults = []fault.Event{
		{At: 1 * time.Second, Kind: fault.Crash, Role: fault.Leader},
		{At: 1500 * time.Millisecond, Kind: fault.Restart, Role: fault.CrashedLeader},
	}
	part, err := fault.ParsePartition("2s:1,2|3,4,5", 5)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Faults = append(cfg.Faults, part...)
	cfg.Trace = &buf
	c, err := cluster.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Run(); err != nil {
		t.Fatal(err)
	}
	lines := bytes.Count(buf.Bytes(), []byte("\n"))
	r := trace.NewReader(bytes.NewReader(buf.Bytes()))
	first, err := r.Next()
	if err != nil || first.Kind != trace.KindHeader || first.Version != trace.Version {
		t.Fatalf("first line: %+v, %v; want a version %d header", first, err, trace.Version)
	}
	if info := r.Info(); info != (trace.Info{Version: trace.Version, Nodes: 5, Clients: 2, Seed: 3}) {
		t.Errorf("info %+v", info)
	}
	events, info, err := trace.ReadAll(bytes.NewReader(buf.Bytes()), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != lines-1 || info.Nodes != 5 {
		t.Fatalf("%d events of %d lines, info %+v", len(events), lines, info)
	}
	seen := map[trace.Kind]int{}
	var last time.Duration
	for _, e := range events {
		seen[e.Kind]++
		if e.Kind == trace.KindUnknown {
			t.Errorf("line %d: unknown kind %q", e.Line, e.Ev)
		}
		if e.T < last {
			t.Errorf("line %d: time %v before %v", e.Line, e.T, last)
		}
		last = e.T
	}
	for _, k := range []trace.Kind{trace.KindState, trace.KindTimeout, trace.KindSend, trace.KindDeliver, trace.KindDrop,
		trace.KindPersist, trace.KindCommit, trace.KindFault, trace.KindRequest, trace.KindReply, trace.KindOp} {
		if seen[k] == 0 {
			t.Errorf("no %s event in the trace", k)
		}
	}
	// Without its header the trace is an older one: the node count is inferred from the clients.
	_, old, err := trace.ReadAll(bytes.NewReader(buf.Bytes()[bytes.IndexByte(buf.Bytes(), '\n')+1:]), nil)
	if err != nil || old != (trace.Info{Nodes: 5, Clients: 2, Inferred: true}) {
		t.Errorf("headerless: %+v, %v", old, err)
	}
}
