package network

import (
	"slices"
	"testing"

	"github.com/raftsim/raftsim/sim"
	"github.com/raftsim/raftsim/topology"
)

// linksRun sends 100 messages 1->2, one every millisecond, and 100 on 3->4, over links l, and returns
// what happened on each and the network.
func linksRun(l12, l34 topology.Link) (a, b []event, nw *Network[msg]) {
	loop := sim.NewLoop()
	rec := &recorder{loop: loop}
	g := topology.Mesh(4, l34)
	g.SetLink(1, 2, l12)
	nw = New[msg](loop, g, Direct, 0, topology.Link{}, 1, rec)
	for i := range 100 {
		at(loop, sim.Time(i)*sim.Millisecond, func() {
			nw.Send(1, 2, 100, msg{id: i})
			nw.Send(3, 4, 100, msg{id: i})
		})
	}
	loop.RunUntil(sim.Second)
	return rec.filter(1, 2), rec.filter(3, 4), nw
}

// TestDupReorderEdges: the edge values of duplication and reordering.
func TestDupReorderEdges(t *testing.T) {
	base := link("uniform:1ms:20ms", 0, 1e6)
	with := func(dup, reorder float64) topology.Link { l := base; l.Dup, l.Reorder = dup, reorder; return l }
	off, _, _ := linksRun(base, base)
	inOrder := func(evs []event) bool {
		return slices.IsSortedFunc(evs, func(x, y event) int { return x.id - y.id })
	}
	if len(off) != 100 || !inOrder(off) {
		t.Fatalf("without dup or reorder: %d delivered, in order %v", len(off), inOrder(off))
	}
	for _, tt := range []struct {
		name         string
		dup, reorder float64
		delivered    int // messages delivered on 1->2
		ordered      bool
	}{
		{"dup 0, reorder 0", 0, 0, 100, true},
		{"dup 1: every message twice", 1, 0, 200, false}, // copies travel outside the FIFO order
		{"reorder 1: no FIFO order at all", 0, 1, 100, false},
		{"dup 0.5", 0.5, 0, -1, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, _, nw := linksRun(with(tt.dup, tt.reorder), base)
			if tt.delivered >= 0 && len(got) != tt.delivered {
				t.Fatalf("%d delivered, want %d", len(got), tt.delivered)
			}
			if tt.dup == 0.5 && (len(got) < 130 || len(got) > 170) {
				t.Fatalf("%d delivered of 100 with dup 0.5, want about 150", len(got))
			}
			if nw.Duplicated != uint64(len(got)-100) {
				t.Fatalf("Duplicated %d, want %d", nw.Duplicated, len(got)-100)
			}
			if inOrder(got) != tt.ordered {
				t.Fatalf("in order: %v, want %v", inOrder(got), tt.ordered)
			}
			if tt.dup == 0 && tt.reorder == 0 && !slices.Equal(got, off) {
				t.Fatal("dup 0 and reorder 0 changed the run")
			}
			// Every message arrives at least once; a copy never before the original was sent.
			seen := map[int]int{}
			for _, e := range got {
				seen[e.id]++
				if e.at < sim.Time(e.id)*sim.Millisecond {
					t.Fatalf("%v arrived before it was sent", e)
				}
			}
			if len(seen) != 100 {
				t.Fatalf("%d distinct messages arrived, want 100", len(seen))
			}
		})
	}
}

// TestDupReorderStreams: duplication and reordering draw from their own streams: turned on for 1->2,
// they leave every message of 3->4 as it was, and the originals on 1->2 keep the latencies they drew
// (with reorder 1, nothing waits for an earlier message, so each arrives at exactly its own draw, which
// is at or before its FIFO time).
func TestDupReorderStreams(t *testing.T) {
	base := link("uniform:1ms:20ms", 0.2, 1e6)
	off12, off34, _ := linksRun(base, base)
	dup := base
	dup.Dup = 1
	on12, on34, _ := linksRun(dup, base)
	if !slices.Equal(off34, on34) {
		t.Fatal("dup on 1->2 changed 3->4")
	}
	// The originals are the first arrival of each id whose time matches; with dup 1 each lost message
	// has no copy either (loss strikes before duplication).
	var orig []event
	for _, e := range on12 {
		if i := slices.IndexFunc(off12, func(o event) bool { return o.id == e.id && o.at == e.at && o.drop == e.drop }); i >= 0 {
			orig = append(orig, e)
		}
	}
	if len(orig) < len(off12) {
		t.Fatalf("dup changed the originals: %d of %d found", len(orig), len(off12))
	}
	re := base
	re.Reorder = 1
	r12, r34, _ := linksRun(re, base)
	if !slices.Equal(off34, r34) {
		t.Fatal("reorder on 1->2 changed 3->4")
	}
	early := 0
	for _, e := range r12 {
		i := slices.IndexFunc(off12, func(o event) bool { return o.id == e.id })
		if i < 0 || off12[i].drop != e.drop || e.at > off12[i].at {
			t.Fatalf("reordered %v, FIFO %v: the same draws must give the same fate, no later", e, off12[i])
		}
		if e.at < off12[i].at {
			early++
		}
	}
	if early == 0 {
		t.Fatal("reorder 1 let no message arrive before its FIFO time")
	}
}
