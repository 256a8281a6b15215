package network

import (
	"testing"

	"github.com/raftsim/raftsim/sim"
	"github.com/raftsim/raftsim/topology"
)

// TestRepair: after Repair, a link between nodes that lost, duplicated and reordered every message, a
// filter that dropped every class, and a client link that lost everything, each deliver every message
// once and in order; before it, none of them did. The latency stays.
func TestRepair(t *testing.T) {
	loop := sim.NewLoop()
	rec := &recorder{loop: loop}
	l := link("uniform:1ms:5ms", 1, 0)
	l.Dup, l.Reorder = 1, 1
	ext := link("const:2ms", 1, 0)
	nw := New[msg](loop, topology.Mesh(3, l), Direct, 1, ext, 1, rec)
	nw.SetClassifier(classOf)
	nw.AddFilter(Filter{Classes: 0b1110, Links: [][2]uint64{{2, 3}}, Until: sim.Never})
	const repairAt = 100 * sim.Millisecond
	for i := range 40 {
		at(loop, sim.Time(i)*5*sim.Millisecond, func() {
			nw.Send(1, 2, 10, msg{id: i})
			nw.Send(2, 3, 10, msg{id: 1000 + i})
			nw.Send(4, 1, 10, msg{id: 2000 + i}) // the external endpoint, 4
		})
	}
	at(loop, repairAt, func() {
		if f, l := nw.Repair(); f != 1 || l != 6 {
			t.Errorf("Repair() = %d filters, %d links; want 1, 6", f, l)
		}
	})
	loop.RunUntil(sim.Second)
	last := map[uint64]int{}
	seen := map[int]bool{}
	for _, e := range rec.got {
		sent := sim.Time(e.id%1000) * 5 * sim.Millisecond
		if sent <= repairAt { // the sends at 100ms were scheduled before the repair: they go first
			if e.drop == 0 {
				t.Errorf("%v: delivered, but sent before the repair", e)
			}
			continue
		}
		if e.drop != 0 {
			t.Errorf("%v: dropped after the repair", e)
			continue
		}
		if seen[e.id] {
			t.Errorf("%v: delivered twice after the repair", e)
		}
		seen[e.id] = true
		if prev, ok := last[e.to]; ok && e.id < prev {
			t.Errorf("%v: out of order after #%d", e, prev)
		}
		last[e.to] = e.id
		if d := e.at - sent; d < sim.Millisecond {
			t.Errorf("%v: took %v, less than the link's latency", e, d)
		}
	}
	if want := 3 * 19; len(seen) != want {
		t.Errorf("%d messages sent after the repair delivered, want %d", len(seen), want)
	}
}
