package network

import (
	"testing"

	"github.com/raftsim/raftsim/sim"
	"github.com/raftsim/raftsim/topology"
)

// TestDupRoutedAtMostTwice: with dup 1 on every link of a line of 9 nodes, a message routed over its 8
// hops reaches its destination twice, not 2^8 times: a link never duplicates a message that was already
// duplicated on its way, so the work of a run stays linear in the path length.
func TestDupRoutedAtMostTwice(t *testing.T) {
	l := link("uniform:1ms:2ms", 0, 0)
	l.Dup = 1
	loop := sim.NewLoop()
	rec := &recorder{loop: loop}
	g := topology.Line(9, l)
	nw := New[msg](loop, g, ShortestPath, 0, topology.Link{}, 1, rec)
	for i := range 10 {
		at(loop, sim.Time(i)*sim.Millisecond, func() { nw.Send(1, 9, 100, msg{id: i}) })
	}
	loop.RunUntil(sim.Second)
	count := map[int]int{}
	for _, e := range rec.got {
		if e.drop != 0 {
			t.Fatalf("dropped: %v", e)
		}
		count[e.id]++
	}
	for i := range 10 {
		if count[i] != 2 {
			t.Fatalf("message %d delivered %d times, want 2 (the original and one copy): %v", i, count[i], count)
		}
	}
	if nw.Duplicated != 10 {
		t.Fatalf("Duplicated %d, want 10", nw.Duplicated)
	}
}

// TestDupPastHorizon: an original that would arrive after the run is forgotten, but its copy, with a
// latency of its own, may arrive within it: the copy must carry the message, not the forgotten slot's
// zero value (nor reuse that slot as though it were still the original).
func TestDupPastHorizon(t *testing.T) {
	l := link("uniform:1ms:1s", 0, 0)
	l.Dup = 1
	loop := sim.NewLoop()
	rec := &recorder{loop: loop}
	g := topology.Mesh(2, l)
	nw := New[msg](loop, g, Direct, 0, topology.Link{}, 1, rec)
	nw.SetHorizon(500 * sim.Millisecond)
	const n = 200
	for i := range n {
		at(loop, 0, func() { nw.Send(1, 2, 100, msg{id: i + 1}) }) // ids from 1: 0 is the zero value
	}
	loop.RunUntil(sim.Second)
	count := map[int]int{}
	for _, e := range rec.got {
		if e.id < 1 || e.id > n {
			t.Fatalf("delivered message #%d, never sent (a copy of a forgotten original?)", e.id)
		}
		count[e.id]++
	}
	// Half the originals and half the copies arrive by 500ms: some messages arrive only as a copy.
	onlyOne := 0
	for i := 1; i <= n; i++ {
		if count[i] == 1 {
			onlyOne++
		}
	}
	if onlyOne == 0 || len(rec.got) == 0 {
		t.Fatalf("no message arrived just once (%d arrivals): the test does not exercise a lone copy", len(rec.got))
	}
	if uint64(len(rec.got)) > nw.Sent+nw.Duplicated {
		t.Fatalf("%d arrivals of %d sent and %d copies", len(rec.got), nw.Sent, nw.Duplicated)
	}
}
