package network

import (
	"testing"

	"github.com/raftsim/raftsim/sim"
	"github.com/raftsim/raftsim/topology"
)

// TestSetExternalLinks: each pair of an external endpoint and a node gets the link the function gives,
// in both directions, asked once per link; zero and enormous latencies included (a message due after
// the horizon is released, never delivered).
func TestSetExternalLinks(t *testing.T) {
	loop := sim.NewLoop()
	rec := &recorder{loop: loop}
	g := topology.Mesh(2, link("const:1ms", 0, 0))
	nw := New[msg](loop, g, Direct, 3, link("const:1ms", 0, 0), 1, rec)
	asked := map[[2]uint64]int{}
	nw.SetExternalLinks(func(ext, node uint64) topology.Link {
		asked[[2]uint64{ext, node}]++
		switch ext {
		case 3:
			return link("const:10ms", 0, 0)
		case 4:
			return link("const:0s", 0, 0)
		}
		return link("const:1000000h", 0, 0)
	})
	nw.SetHorizon(sim.Time(sim.Second))
	nw.Send(3, 1, 10, msg{0})
	nw.Send(1, 3, 10, msg{1})
	nw.Send(4, 2, 10, msg{2})
	nw.Send(3, 1, 10, msg{3})
	nw.Send(5, 1, 10, msg{4})
	loop.Run()
	want := map[int]sim.Time{0: 10 * sim.Millisecond, 1: 10 * sim.Millisecond, 2: 0, 3: 10 * sim.Millisecond}
	if len(rec.got) != len(want) {
		t.Fatalf("got %v, want %d deliveries (the one of a million hours released)", rec.got, len(want))
	}
	for _, e := range rec.got {
		if w, ok := want[e.id]; !ok || e.at != w || e.drop != 0 {
			t.Errorf("#%d at %v (drop %v), want %v", e.id, e.at, e.drop, w)
		}
	}
	// 3->1 and 1->3 are two links; the others were used one way.
	wantAsked := map[[2]uint64]int{{3, 1}: 2, {4, 2}: 1, {5, 1}: 1}
	for k, n := range asked {
		if n != wantAsked[k] {
			t.Errorf("link %v asked %d times, want %d", k, n, wantAsked[k])
		}
	}
}
