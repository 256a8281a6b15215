package network

import (
	"runtime"
	"testing"

	"github.com/raftsim/raftsim/sim"
	"github.com/raftsim/raftsim/topology"
)

// TestLinkCapacity: a link holds at most LinkCapacity messages; what is sent to a full link is dropped
// as overflow, and once messages arrive there is room again. A reset starts a new connection with
// room of its own, while the messages of the old one still arrive.
func TestLinkCapacity(t *testing.T) {
	loop := sim.NewLoop()
	rec := &recorder{loop: loop}
	nw := New[msg](loop, topology.Mesh(2, link("const:1ms", 0, 0)), Direct, 0, topology.Link{}, 1, rec)
	const extra = 100
	id := 0
	sendN := func(n int) {
		for range n {
			nw.Send(1, 2, 10, msg{id})
			id++
		}
	}
	sendN(LinkCapacity + extra)
	if nw.InFlight() != LinkCapacity {
		t.Fatalf("in flight %d, want %d", nw.InFlight(), LinkCapacity)
	}
	at(loop, sim.Millisecond/2, func() {
		nw.ResetLink(1, 2)
		sendN(LinkCapacity + extra) // a new connection: room for LinkCapacity more
	})
	at(loop, 2*sim.Millisecond, func() { sendN(10) }) // everything arrived: room again
	loop.Run()
	got := rec.byID(t, id)
	for i, e := range got {
		full := i >= LinkCapacity && i < LinkCapacity+extra || i >= 2*LinkCapacity+extra && i < 2*LinkCapacity+2*extra
		if full != (e.drop == DropOverflow) || !full && e.drop != 0 {
			t.Fatalf("#%d: %v (link full: %v)", i, e, full)
		}
	}
	if nw.Drops[DropOverflow] != 2*extra || nw.InFlight() != 0 {
		t.Fatalf("overflow drops %d, in flight %d; want %d and 0", nw.Drops[DropOverflow], nw.InFlight(), 2*extra)
	}
}

// TestHorizon: a message that would arrive after the horizon is released at once, neither delivered
// nor reported as dropped, and holds no memory; one that arrives at the horizon is delivered.
func TestHorizon(t *testing.T) {
	loop := sim.NewLoop()
	rec := &recorder{loop: loop}
	g := topology.Mesh(2, link("const:1ms", 0, 0))
	g.SetLink(2, 1, link("const:1000000h", 0, 0))
	nw := New[msg](loop, g, Direct, 0, topology.Link{}, 1, rec)
	nw.SetHorizon(sim.Millisecond)
	nw.Send(1, 2, 10, msg{0})
	for i := range 2 * LinkCapacity {
		nw.Send(2, 1, 10, msg{1 + i})
	}
	if nw.InFlight() != 1 {
		t.Fatalf("in flight %d, want 1", nw.InFlight())
	}
	loop.Run()
	if len(rec.got) != 1 || rec.got[0].id != 0 || rec.got[0].drop != 0 || rec.got[0].at != sim.Millisecond {
		t.Fatalf("got %v, want #0 delivered at 1ms and nothing else", rec.got)
	}
}

// TestBandwidthNearZero: a message that takes forever to transmit never arrives; the ones behind it
// wait for ever too, and nothing panics (the transmission time used to wrap into the past).
func TestBandwidthNearZero(t *testing.T) {
	for _, bw := range []float64{1e-300, 5e-324, 1e-10} {
		loop := sim.NewLoop()
		rec := &recorder{loop: loop}
		nw := New[msg](loop, topology.Mesh(2, link("const:1ms", 0, bw)), Direct, 0, topology.Link{}, 1, rec)
		nw.Send(1, 2, 1000, msg{0})
		nw.Send(1, 2, 1000, msg{1})
		loop.Run()
		if len(rec.got) != 0 {
			t.Fatalf("bandwidth %v: %v, want nothing delivered", bw, rec.got)
		}
	}
}

// TestExternalLinksAreSparse: a network with 100,000 external endpoints costs what its traffic costs,
// not a (nodes+clients)² link table (which was 240 GB here); messages between clients and nodes still
// keep their FIFO order and their own streams, and a node's restart resets its client links.
func TestExternalLinksAreSparse(t *testing.T) {
	const clients = 100000
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	loop := sim.NewLoop()
	rec := &recorder{loop: loop}
	g := topology.Mesh(5, link("const:1ms", 0, 0))
	nw := New[msg](loop, g, Direct, clients, link("uniform:1ms:2ms", 0, 0), 1, rec)
	for c := range clients {
		from := uint64(5 + 1 + c)
		nw.Send(from, uint64(1+c%5), 100, msg{2 * c})
		nw.Send(from, uint64(1+c%5), 100, msg{2*c + 1})
	}
	loop.Run()
	runtime.GC()
	runtime.ReadMemStats(&after)
	if grew := int64(after.HeapAlloc) - int64(before.HeapAlloc); grew > 200<<20 {
		t.Fatalf("the network of %d clients holds %d MB", clients, grew>>20)
	}
	got := rec.byID(t, 2*clients)
	for c := range clients {
		a, b := got[2*c], got[2*c+1]
		if a.drop != 0 || b.drop != 0 || b.at < a.at {
			t.Fatalf("client %d: %v then %v", c, a, b)
		}
	}
	runtime.KeepAlive(nw)

	// A node restart resets its client links: a message stuck behind one of a million hours no
	// longer waits for it.
	loop = sim.NewLoop()
	rec = &recorder{loop: loop}
	nw = New[msg](loop, g, Direct, 2, link("const:1000000h", 0, 0), 1, rec)
	nw.Send(6, 1, 10, msg{0})
	at(loop, sim.Millisecond, func() {
		nw.external = link("const:1ms", 0, 0)
		nw.ResetNode(1)
		nw.Send(6, 1, 10, msg{1})
		nw.Send(7, 2, 10, msg{2})
	})
	loop.RunUntil(sim.Second)
	if len(rec.got) != 2 || rec.got[0].id != 1 || rec.got[1].id != 2 {
		t.Fatalf("after the restart: %v, want #1 and #2 delivered", rec.got)
	}
}
