package network

import (
	"slices"
	"testing"
	"time"

	"github.com/raftsim/raftsim/sim"
	"github.com/raftsim/raftsim/topology"
)

// classOf is the tests' classifier: a message's class is its id modulo 4 (ids 0, 4, 8… are class 0,
// which no filter applies to).
func classOf(v *msg) uint8 { return uint8(v.id % 4) }

// TestFilter: a filter drops or delays the messages of its classes on its links during its span,
// and nothing else.
func TestFilter(t *testing.T) {
	const ms = sim.Millisecond
	tests := []struct {
		name   string
		filter Filter
		want   []string // what happens to messages #0..#7, sent 1->2 at 0, 1, …, 7 ms (and #9, class 1, 2->1 at 0)
	}{
		{"drop class 1 on 1->2", Filter{Classes: 1 << 1, Links: [][2]uint64{{1, 2}}, Until: sim.Never},
			[]string{"1ms", "drop@1ms", "3ms", "4ms", "5ms", "drop@5ms", "7ms", "8ms", "2->1 1ms"}},
		{"drop every class on every link", Filter{Classes: 0b1110, Links: [][2]uint64{{0, 0}}, Until: sim.Never},
			[]string{"1ms", "drop@1ms", "drop@2ms", "drop@3ms", "5ms", "drop@5ms", "drop@6ms", "drop@7ms", "2->1 drop@0s"}},
		{"drop from 1 to any", Filter{Classes: 1 << 2, Links: [][2]uint64{{1, 0}}, Until: sim.Never},
			[]string{"1ms", "2ms", "drop@2ms", "4ms", "5ms", "6ms", "drop@6ms", "8ms", "2->1 1ms"}},
		{"the other direction only", Filter{Classes: 0b1110, Links: [][2]uint64{{2, 1}}, Until: sim.Never},
			[]string{"1ms", "2ms", "3ms", "4ms", "5ms", "6ms", "7ms", "8ms", "2->1 drop@0s"}},
		{"until 4ms, exclusive", Filter{Classes: 0b1110, Links: [][2]uint64{{1, 2}}, Until: 4 * ms},
			[]string{"1ms", "drop@1ms", "drop@2ms", "drop@3ms", "5ms", "6ms", "7ms", "8ms", "2->1 1ms"}},
		{"an empty span", Filter{Classes: 0b1110, Links: [][2]uint64{{1, 2}}, Until: 0},
			[]string{"1ms", "2ms", "3ms", "4ms", "5ms", "6ms", "7ms", "8ms", "2->1 1ms"}},
		// Delayed messages are held aside: the later ones overtake them.
		{"delay class 3 by 10ms", Filter{Classes: 1 << 3, Links: [][2]uint64{{1, 2}}, Until: sim.Never, Delay: 10 * time.Millisecond},
			[]string{"1ms", "2ms", "3ms", "14ms", "5ms", "6ms", "7ms", "18ms", "2->1 1ms"}},
		{"a zero-length delay is a drop", Filter{Classes: 1 << 3, Links: [][2]uint64{{1, 2}}, Until: sim.Never},
			[]string{"1ms", "2ms", "3ms", "drop@3ms", "5ms", "6ms", "7ms", "drop@7ms", "2->1 1ms"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			loop := sim.NewLoop()
			rec := &recorder{loop: loop}
			nw := New[msg](loop, topology.Mesh(2, link("const:1ms", 0, 0)), Direct, 0, topology.Link{}, 1, rec)
			nw.SetClassifier(classOf)
			nw.AddFilter(tt.filter)
			for i := range 8 {
				at(loop, sim.Time(i)*ms, func() { nw.Send(1, 2, 10, msg{id: i}) })
			}
			nw.Send(2, 1, 10, msg{id: 9})
			loop.RunUntil(sim.Second)
			got := make([]string, 9)
			for _, e := range rec.got {
				s := e.at.String()
				if e.drop != 0 {
					if e.drop != DropFilter {
						t.Fatalf("%v: want only filter drops", e)
					}
					s = "drop@" + s
				}
				if e.from == 2 {
					got[8] = "2->1 " + s
				} else {
					got[e.id] = s
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("got  %q\nwant %q", got, tt.want)
			}
			if tt.filter.Until <= 7*ms && len(nw.filters) != 0 {
				t.Fatalf("%d filters left after their end", len(nw.filters))
			}
		})
	}
}

// TestFilterStreams: a filter on one link leaves the draws of every other link unchanged: the same
// messages on 3->4 arrive at the same times, lost or not, with a filter dropping everything on 1->2.
func TestFilterStreams(t *testing.T) {
	run := func(filtered bool) []event {
		loop := sim.NewLoop()
		rec := &recorder{loop: loop}
		nw := New[msg](loop, topology.Mesh(4, link("uniform:1ms:9ms", 0.3, 1e6)), Direct, 0, topology.Link{}, 1, rec)
		if filtered {
			nw.SetClassifier(classOf)
			nw.AddFilter(Filter{Classes: 0b1110, Links: [][2]uint64{{1, 2}, {2, 1}}, Until: sim.Never})
		}
		for i := range 200 {
			at(loop, sim.Time(i)*sim.Millisecond, func() {
				nw.Send(1, 2, 100, msg{id: i})
				nw.Send(3, 4, 100, msg{id: i})
			})
		}
		loop.RunUntil(sim.Second)
		return rec.filter(3, 4)
	}
	off, on := run(false), run(true)
	if len(off) != 200 || !slices.Equal(off, on) {
		t.Fatalf("link 3->4 changed with a filter on 1->2:\n%v\n%v", off, on)
	}
}

// TestFilterDelayPastHorizon: a message delayed past the end of the run is released at once, not held.
func TestFilterDelayPastHorizon(t *testing.T) {
	loop := sim.NewLoop()
	rec := &recorder{loop: loop}
	nw := New[msg](loop, topology.Mesh(2, link("const:1ms", 0, 0)), Direct, 0, topology.Link{}, 1, rec)
	nw.SetHorizon(sim.Second)
	nw.SetClassifier(classOf)
	nw.AddFilter(Filter{Classes: 1 << 1, Links: [][2]uint64{{0, 0}}, Until: sim.Never, Delay: 1 << 62})
	for i := range 4 {
		nw.Send(1, 2, 10, msg{id: i})
	}
	if got := nw.InFlight(); got != 3 {
		t.Fatalf("%d in flight, want 3 (the delayed one released)", got)
	}
	loop.RunUntil(sim.Second)
	if len(rec.got) != 3 || nw.InFlight() != 0 {
		t.Fatalf("%v, %d in flight; want 3 delivered, none held", rec.got, nw.InFlight())
	}
}
