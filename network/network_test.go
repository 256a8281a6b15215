package network

import (
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/raftsim/raftsim/models/latency"
	"github.com/raftsim/raftsim/sim"
	"github.com/raftsim/raftsim/topology"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// msg is the payload of the tests: id numbers messages in send order.
type msg struct{ id int }

// event is what the recorder saw happen to one message.
type event struct {
	from, to uint64
	id       int
	at       sim.Time
	drop     Drop // 0: delivered
}

func (e event) String() string {
	what := "deliver"
	if e.drop != 0 {
		what = "drop " + e.drop.String()
	}
	return fmt.Sprintf("%v %d->%d #%d %s", e.at, e.from, e.to, e.id, what)
}

// recorder is an Endpoint that notes every delivery and drop with the time it happened.
type recorder struct {
	loop *sim.Loop
	got  []event
	// onDeliver, if set, runs after the delivery is recorded, with the message still valid.
	onDeliver func(from, to uint64, v *msg)
}

func (r *recorder) Deliver(from, to uint64, v *msg) {
	r.got = append(r.got, event{from, to, v.id, r.loop.Now(), 0})
	if r.onDeliver != nil {
		r.onDeliver(from, to, v)
	}
}

func (r *recorder) Dropped(from, to uint64, v *msg, why Drop) {
	r.got = append(r.got, event{from, to, v.id, r.loop.Now(), why})
}

// byID returns what happened to each message, indexed by id; ids must be 0..n-1.
func (r *recorder) byID(t *testing.T, n int) []event {
	t.Helper()
	out := make([]event, n)
	seen := make([]bool, n)
	for _, e := range r.got {
		if e.id < 0 || e.id >= n || seen[e.id] {
			t.Fatalf("message #%d reported twice or unknown: %v", e.id, r.got)
		}
		seen[e.id] = true
		out[e.id] = e
	}
	for id, ok := range seen {
		if !ok {
			t.Fatalf("message #%d neither delivered nor dropped", id)
		}
	}
	return out
}

// filter returns the events on from->to in the order they happened.
func (r *recorder) filter(from, to uint64) []event {
	var out []event
	for _, e := range r.got {
		if e.from == from && e.to == to {
			out = append(out, e)
		}
	}
	return out
}

func link(spec string, loss, bw float64) topology.Link {
	return topology.Link{Latency: latency.MustParse(spec), Loss: loss, Bandwidth: bw}
}

// at runs fn at virtual time t.
func at(l *sim.Loop, t sim.Time, fn func()) {
	l.At(t, sim.HandlerFunc(func(uint64) { fn() }), 0)
}

// send is one message of a scripted test.
type send struct {
	at       sim.Time
	from, to uint64
	size     int
}

// script builds a network over g, sends the messages (id = index) at their times, runs the loop to the
// end and returns the recorder.
func script(g *topology.Graph, r Routing, external int, ext topology.Link, seed uint64, sends []send) (*Network[msg], *recorder) {
	loop := sim.NewLoop()
	rec := &recorder{loop: loop}
	nw := New[msg](loop, g, r, external, ext, seed, rec)
	for i, s := range sends {
		at(loop, s.at, func() { nw.Send(s.from, s.to, s.size, msg{i}) })
	}
	loop.Run()
	return nw, rec
}

const ms = sim.Millisecond

func TestArrivalTimes(t *testing.T) {
	const mbps = 1e6 // bytes per second: 1000 bytes take 1ms
	tests := []struct {
		name  string
		link  topology.Link
		sends []send
		want  []sim.Time // arrival of each message
	}{
		{"latency only", link("const:5ms", 0, 0),
			[]send{{0, 1, 2, 1000}, {0, 1, 2, 1000}, {2 * ms, 1, 2, 50}},
			[]sim.Time{5 * ms, 5 * ms, 7 * ms}},
		{"back to back serialise", link("const:5ms", 0, mbps),
			[]send{{0, 1, 2, 1000}, {0, 1, 2, 1000}},
			[]sim.Time{6 * ms, 7 * ms}},
		{"queue of three", link("const:5ms", 0, mbps),
			[]send{{0, 1, 2, 2000}, {0, 1, 2, 500}, {1 * ms, 1, 2, 1000}},
			[]sim.Time{7 * ms, 7*ms + 500*sim.Microsecond, 8*ms + 500*sim.Microsecond}},
		{"idle link starts at once", link("const:5ms", 0, mbps),
			[]send{{0, 1, 2, 1000}, {10 * ms, 1, 2, 1000}},
			[]sim.Time{6 * ms, 16 * ms}},
		{"busy until the previous one is transmitted", link("const:5ms", 0, mbps),
			// The first occupies the link until 3ms; the second, sent at 1ms, starts then.
			[]send{{0, 1, 2, 3000}, {1 * ms, 1, 2, 1000}},
			[]sim.Time{8 * ms, 9 * ms}},
		{"other links do not queue", link("const:5ms", 0, mbps),
			[]send{{0, 1, 2, 1000}, {0, 2, 1, 1000}, {0, 1, 3, 1000}, {0, 1, 2, 1000}},
			[]sim.Time{6 * ms, 6 * ms, 6 * ms, 7 * ms}},
		{"zero size", link("const:5ms", 0, mbps),
			[]send{{0, 1, 2, 0}, {0, 1, 2, 0}},
			[]sim.Time{5 * ms, 5 * ms}},
		// Transmission times that are whole nanoseconds must come out exactly, not a nanosecond short
		// because 65/1e6*1e9 is 64999.99999999999 in float64.
		{"whole nanoseconds are exact", link("const:0s", 0, mbps),
			[]send{{0, 1, 2, 65}, {0, 1, 2, 129}, {0, 1, 2, 1}},
			[]sim.Time{65 * sim.Microsecond, 194 * sim.Microsecond, 195 * sim.Microsecond}},
		{"1Gbps", link("const:1ms", 0, 1.25e8),
			[]send{{0, 1, 2, 100}, {0, 1, 2, 1e6}},
			[]sim.Time{1*ms + 800, 1*ms + 800 + 8*ms}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, rec := script(topology.Mesh(3, tt.link), Direct, 0, topology.Link{}, 1, tt.sends)
			got := rec.byID(t, len(tt.sends))
			for i, e := range got {
				if e.drop != 0 || e.at != tt.want[i] {
					t.Errorf("message #%d: %v, want delivered at %v", i, e, tt.want[i])
				}
			}
		})
	}
}

// TestFIFO sends many messages over links whose latency varies by far more than the gap between sends:
// each link must still deliver in send order.
func TestFIFO(t *testing.T) {
	for _, bw := range []float64{0, 1e6} {
		t.Run(fmt.Sprintf("bandwidth=%g", bw), func(t *testing.T) {
			g := topology.Mesh(3, link("uniform:1ms:10ms", 0, bw))
			var sends []send
			pairs := [][2]uint64{{1, 2}, {2, 1}, {1, 3}, {3, 2}}
			for i := range 2000 {
				p := pairs[i%len(pairs)]
				sends = append(sends, send{sim.Time(i) * 20 * sim.Microsecond, p[0], p[1], 100})
			}
			_, rec := script(g, Direct, 0, topology.Link{}, 7, sends)
			rec.byID(t, len(sends))
			for _, p := range pairs {
				evs := rec.filter(p[0], p[1])
				if len(evs) != len(sends)/len(pairs) {
					t.Fatalf("%d->%d: %d events, want %d", p[0], p[1], len(evs), len(sends)/len(pairs))
				}
				lat := map[sim.Time]bool{}
				for i, e := range evs {
					if e.drop != 0 {
						t.Fatalf("%d->%d: %v", p[0], p[1], e)
					}
					if i > 0 && e.id < evs[i-1].id {
						t.Fatalf("%d->%d: #%d delivered after #%d", p[0], p[1], evs[i-1].id, e.id)
					}
					d := e.at - sends[e.id].at
					if d < 1*ms {
						t.Fatalf("%d->%d: #%d took %v, less than the minimum latency", p[0], p[1], e.id, d)
					}
					lat[d] = true
				}
				// The latencies really vary; otherwise FIFO order would hold trivially.
				if len(lat) < len(evs)/2 {
					t.Fatalf("%d->%d: only %d distinct delays over %d messages", p[0], p[1], len(lat), len(evs))
				}
			}
		})
	}
}

// TestLinkIndependence checks that the fate of one link's messages depends only on the seed and that
// link's own traffic, not on what other links carry.
func TestLinkIndependence(t *testing.T) {
	g := func() *topology.Graph { return topology.Mesh(3, link("uniform:1ms:10ms", 0.2, 1e6)) }
	var alone, mixed []send
	for i := range 300 {
		s := send{sim.Time(i) * 500 * sim.Microsecond, 1, 2, 200}
		alone = append(alone, s)
		mixed = append(mixed, s)
		if i%2 == 0 {
			mixed = append(mixed, send{s.at, 1, 3, 5000}, send{s.at + 1, 3, 2, 700})
		}
	}
	_, a := script(g(), Direct, 0, topology.Link{}, 99, alone)
	_, b := script(g(), Direct, 0, topology.Link{}, 99, mixed)
	_, c := script(g(), Direct, 0, topology.Link{}, 100, alone)
	fa, fb, fc := a.filter(1, 2), b.filter(1, 2), c.filter(1, 2)
	// Ids differ between the scripts; compare times and outcomes.
	strip := func(evs []event) []event {
		out := make([]event, len(evs))
		for i, e := range evs {
			out[i] = event{from: e.from, to: e.to, at: e.at, drop: e.drop}
		}
		return out
	}
	if !slices.Equal(strip(fa), strip(fb)) {
		t.Fatalf("traffic on 1->3 and 3->2 changed 1->2:\nalone %v\nmixed %v", fa[:5], fb[:5])
	}
	if slices.Equal(strip(fa), strip(fc)) {
		t.Fatal("seeds 99 and 100 gave the same 1->2 history")
	}
}

func TestLoss(t *testing.T) {
	const n = 20000
	for _, p := range []float64{0, 0.01, 0.3, 0.9, 1} {
		t.Run(fmt.Sprint(p), func(t *testing.T) {
			run := func(seed uint64) []int {
				loop := sim.NewLoop()
				rec := &recorder{loop: loop}
				nw := New[msg](loop, topology.Mesh(2, link("const:1ms", p, 0)), Direct, 0, topology.Link{}, seed, rec)
				// One send every 100µs on a link of 1ms: the link holds about ten at a time, far from its
				// capacity.
				for i := range n {
					at(loop, sim.Time(i)*100*sim.Microsecond, func() { nw.Send(1, 2, 10, msg{i}) })
				}
				loop.Run()
				var lost []int
				for _, e := range rec.got {
					switch e.drop {
					case DropLoss:
						lost = append(lost, e.id)
					case 0:
					default:
						t.Fatalf("unexpected %v", e)
					}
				}
				if len(rec.got) != n || nw.Sent != n || nw.Delivered+nw.Drops[DropLoss] != n ||
					nw.Drops[DropLoss] != uint64(len(lost)) {
					t.Fatalf("counters: %d reported, sent %d, delivered %d, drops %v", len(rec.got), nw.Sent, nw.Delivered, nw.Drops)
				}
				return lost
			}
			lost := run(5)
			rate := float64(len(lost)) / n
			sigma := math.Sqrt(p * (1 - p) / n)
			if math.Abs(rate-p) > 5*sigma+1e-12 {
				t.Fatalf("loss rate %.4f, want %v ± %.4f", rate, p, 5*sigma)
			}
			if again := run(5); !slices.Equal(lost, again) {
				t.Fatal("the same seed lost different messages")
			}
			if other := run(6); p > 0 && p < 1 && slices.Equal(lost, other) {
				t.Fatal("seeds 5 and 6 lost the same messages")
			}
		})
	}
}

// TestCut checks both moments a cut can strike in direct routing: when the message is sent and when it
// arrives. A cut that is restored before the message arrives does not touch it.
func TestCut(t *testing.T) {
	e12 := topology.Edge{From: 1, To: 2}
	tests := []struct {
		name    string
		routing Routing
		ops     func(l *sim.Loop, g *topology.Graph)
		want    event
	}{
		{"none", Direct, func(*sim.Loop, *topology.Graph) {}, event{at: 10 * ms}},
		{"cut before send", Direct, func(l *sim.Loop, g *topology.Graph) { g.Cut(e12) }, event{at: 0, drop: DropCut}},
		{"cut in flight", Direct, func(l *sim.Loop, g *topology.Graph) {
			at(l, 4*ms, func() { g.Cut(e12) })
		}, event{at: 10 * ms, drop: DropCut}},
		{"cut at arrival instant", Direct, func(l *sim.Loop, g *topology.Graph) {
			at(l, 0, func() { at(l, 10*ms, func() { g.Cut(e12) }) }) // scheduled after the arrival
		}, event{at: 10 * ms}},
		{"cut and restored in flight", Direct, func(l *sim.Loop, g *topology.Graph) {
			at(l, 3*ms, func() { g.Cut(e12) })
			at(l, 6*ms, func() { g.Restore(e12) })
		}, event{at: 10 * ms}},
		{"reverse edge cut", Direct, func(l *sim.Loop, g *topology.Graph) {
			g.Cut(topology.Edge{From: 2, To: 1})
		}, event{at: 10 * ms}},
		{"isolated receiver", Direct, func(l *sim.Loop, g *topology.Graph) {
			at(l, 9*ms, func() { g.Isolate(2) })
		}, event{at: 10 * ms, drop: DropCut}},
		// Routed: a cut edge at send time is routed around (1->3->2), but a message already on the edge
		// when it is cut is lost even though another path exists.
		{"routed cut before send", ShortestPath, func(l *sim.Loop, g *topology.Graph) { g.Cut(e12) }, event{at: 20 * ms}},
		{"routed cut in flight", ShortestPath, func(l *sim.Loop, g *topology.Graph) {
			at(l, 4*ms, func() { g.Cut(e12) })
		}, event{at: 10 * ms, drop: DropCut}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			loop := sim.NewLoop()
			rec := &recorder{loop: loop}
			g := topology.Mesh(3, link("const:10ms", 0, 0))
			nw := New[msg](loop, g, tt.routing, 0, topology.Link{}, 1, rec)
			tt.ops(loop, g)
			nw.Send(1, 2, 100, msg{0})
			loop.Run()
			want := tt.want
			want.from, want.to = 1, 2
			if len(rec.got) != 1 || rec.got[0] != want {
				t.Fatalf("got %v, want [%v]", rec.got, want)
			}
			if want.drop != 0 && nw.Drops[want.drop] != 1 {
				t.Fatalf("drop counters %v", nw.Drops)
			}
		})
	}
}

func TestRouting(t *testing.T) {
	// A ring of 5 where 1->2 takes 1ms and 2->3 3ms, everything else 2ms, and 1000 bytes take 1ms to
	// transmit: 1 reaches 3 over 2 (4ms against 6ms) and 4 over 5 (4ms against 6ms).
	ring := func() *topology.Graph {
		g := topology.Ring(5, link("const:2ms", 0, 1e6))
		g.SetLink(1, 2, link("const:1ms", 0, 1e6))
		g.SetLink(2, 3, link("const:3ms", 0, 1e6))
		return g
	}
	tests := []struct {
		name    string
		routing Routing
		ops     func(l *sim.Loop, g *topology.Graph)
		sends   []send
		want    []event // from, to, id filled in from sends
	}{
		{"direct neighbour", Direct, nil,
			[]send{{0, 1, 2, 1000}, {0, 2, 3, 1000}},
			[]event{{at: 2 * ms}, {at: 4 * ms}}},
		// 1->3 is not an edge: lost at once, and the 1->2 link never carries it (the second message is
		// not queued behind a 5000-byte forward).
		{"direct non-adjacent", Direct, nil,
			[]send{{0, 1, 3, 5000}, {0, 1, 2, 1000}, {0, 1, 4, 10}},
			[]event{{at: 0, drop: DropUnreachable}, {at: 2 * ms}, {at: 0, drop: DropUnreachable}}},
		// 1->3 over 1->2->3: two hops, each paying transmission and latency: (1+1) + (1+3).
		{"routed two hops", ShortestPath, nil,
			[]send{{0, 1, 3, 1000}},
			[]event{{at: 6 * ms}}},
		// 1->4 over 1->5->4: (1+2) * 2.
		{"routed other way", ShortestPath, nil,
			[]send{{0, 1, 4, 1000}},
			[]event{{at: 6 * ms}}},
		// The forwarded message occupies 1->2 for 1ms, so a direct 1->2 message sent with it queues.
		{"routed hop shares the link", ShortestPath, nil,
			[]send{{0, 1, 3, 1000}, {0, 1, 2, 1000}},
			[]event{{at: 6 * ms}, {at: 3 * ms}}},
		// 2->3 is cut while the message is on 1->2: node 2 forwards it the long way, 2->1->5->4->3.
		{"routed reroute at a hop", ShortestPath, func(l *sim.Loop, g *topology.Graph) {
			at(l, 1*ms, func() { g.Cut(topology.Edge{From: 2, To: 3}) })
		}, []send{{0, 1, 3, 1000}},
			[]event{{at: 2*ms + 3*ms + 3*ms + 3*ms + 3*ms}}},
		// A cut of the second hop while the message is on it (from 2ms to 6ms).
		{"routed cut on second hop", ShortestPath, func(l *sim.Loop, g *topology.Graph) {
			at(l, 4*ms, func() { g.Cut(topology.Edge{From: 2, To: 3}) })
		}, []send{{0, 1, 3, 1000}},
			[]event{{at: 6 * ms, drop: DropCut}}},
		{"routed no path left", ShortestPath, func(l *sim.Loop, g *topology.Graph) {
			g.Isolate(3)
		}, []send{{0, 1, 3, 1000}},
			[]event{{at: 0, drop: DropUnreachable}}},
		// The path disappears while the message is on its first hop: lost at node 2.
		{"routed path lost at a hop", ShortestPath, func(l *sim.Loop, g *topology.Graph) {
			at(l, 1*ms, func() { g.Isolate(3) })
		}, []send{{0, 1, 3, 1000}},
			[]event{{at: 2 * ms, drop: DropUnreachable}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			loop := sim.NewLoop()
			rec := &recorder{loop: loop}
			g := ring()
			nw := New[msg](loop, g, tt.routing, 0, topology.Link{}, 1, rec)
			if tt.ops != nil {
				tt.ops(loop, g)
			}
			for i, s := range tt.sends {
				at(loop, s.at, func() { nw.Send(s.from, s.to, s.size, msg{i}) })
			}
			loop.Run()
			got := rec.byID(t, len(tt.sends))
			for i, w := range tt.want {
				w.from, w.to, w.id = tt.sends[i].from, tt.sends[i].to, i
				if got[i] != w {
					t.Errorf("got %v, want %v", got[i], w)
				}
			}
		})
	}
}

// TestPartition splits a mesh in two: in both routing modes nothing crosses, and inside a side traffic
// flows (routed traffic even if a side's direct edge is cut, by forwarding within the side).
func TestPartition(t *testing.T) {
	for _, r := range []Routing{Direct, ShortestPath} {
		t.Run(r.String(), func(t *testing.T) {
			loop := sim.NewLoop()
			rec := &recorder{loop: loop}
			g := topology.Mesh(5, link("const:1ms", 0, 0))
			nw := New[msg](loop, g, r, 0, topology.Link{}, 1, rec)
			g.Partition([]int64{1, 2}, []int64{3, 4, 5})
			g.Cut(topology.Edge{From: 3, To: 5})
			cross := DropCut // direct: the edge exists but is cut
			if r == ShortestPath {
				cross = DropUnreachable
			}
			sends := []struct {
				from, to uint64
				want     event
			}{
				{1, 3, event{at: 0, drop: cross}},
				{5, 2, event{at: 0, drop: cross}},
				{1, 2, event{at: 1 * ms}},
				{4, 3, event{at: 1 * ms}},
			}
			for i, s := range sends {
				nw.Send(s.from, s.to, 10, msg{i})
			}
			nw.Send(3, 5, 10, msg{len(sends)})
			loop.Run()
			got := rec.byID(t, len(sends)+1)
			for i, s := range sends {
				w := s.want
				w.from, w.to, w.id = s.from, s.to, i
				if got[i] != w {
					t.Errorf("got %v, want %v", got[i], w)
				}
			}
			want35 := event{3, 5, len(sends), 0, DropCut}
			if r == ShortestPath {
				want35 = event{3, 5, len(sends), 2 * ms, 0} // via 4
			}
			if got[len(sends)] != want35 {
				t.Errorf("got %v, want %v", got[len(sends)], want35)
			}
			if nw.Reachable(1, 3) || nw.Reachable(4, 2) || !nw.Reachable(2, 1) {
				t.Error("Reachable disagrees with the partition")
			}
			if got := nw.Reachable(3, 5); got != (r == ShortestPath) {
				t.Errorf("Reachable(3, 5) = %v in %v", got, r)
			}
		})
	}
}

// TestExternal checks that clients talk to every node over the client link, whatever the graph's cuts.
func TestExternal(t *testing.T) {
	for _, r := range []Routing{Direct, ShortestPath} {
		t.Run(r.String(), func(t *testing.T) {
			loop := sim.NewLoop()
			rec := &recorder{loop: loop}
			// Graph edges are slow; the client link is fast and serialises 1000 bytes in 1ms.
			g := topology.Line(3, link("const:50ms", 0, 0))
			nw := New[msg](loop, g, r, 2, link("const:2ms", 0, 1e6), 1, rec)
			g.Isolate(1)
			g.Isolate(3)
			sends := []send{
				{0, 4, 1, 1000}, // client 4 (the first) to isolated node 1
				{0, 4, 1, 1000}, // queued behind it on link 4->1
				{0, 1, 5, 1000}, // isolated node 1 to client 5
				{0, 5, 3, 1000}, // client 5 to node 3, not adjacent to 1 in the graph
			}
			for i, s := range sends {
				nw.Send(s.from, s.to, s.size, msg{i})
			}
			loop.Run()
			got := rec.byID(t, len(sends))
			want := []sim.Time{3 * ms, 4 * ms, 3 * ms, 3 * ms}
			for i, e := range got {
				if e.drop != 0 || e.at != want[i] {
					t.Errorf("#%d: %v, want delivered at %v", i, e, want[i])
				}
			}
			for _, p := range [][2]uint64{{4, 1}, {1, 4}, {5, 3}, {3, 5}, {4, 2}} {
				if !nw.Reachable(p[0], p[1]) {
					t.Errorf("Reachable(%d, %d) = false", p[0], p[1])
				}
			}
			if nw.Reachable(1, 2) {
				t.Error("Reachable(1, 2) with 1 isolated")
			}
		})
	}
}

func TestReachable(t *testing.T) {
	// Ring of 4: 1-2-3-4-1, with 2->3 cut one way.
	g := topology.Ring(4, link("const:1ms", 0, 0))
	g.Cut(topology.Edge{From: 2, To: 3})
	tests := []struct {
		from, to       uint64
		direct, routed bool
	}{
		{1, 1, true, true},
		{1, 2, true, true},
		{2, 1, true, true},
		{1, 3, false, true}, // no edge; routed over 2 or 4
		{2, 3, false, true}, // cut; routed 2->1->4->3
		{3, 2, true, true},  // the other direction is up
		{2, 4, false, true},
		{1, 5, true, true}, // 5 is the external endpoint
		{5, 3, true, true},
	}
	for _, r := range []Routing{Direct, ShortestPath} {
		nw := New[msg](sim.NewLoop(), g, r, 1, link("const:1ms", 0, 0), 1, &recorder{})
		for _, tt := range tests {
			want := tt.direct
			if r == ShortestPath {
				want = tt.routed
			}
			if got := nw.Reachable(tt.from, tt.to); got != want {
				t.Errorf("%v: Reachable(%d, %d) = %v, want %v", r, tt.from, tt.to, got, want)
			}
		}
	}
	g.Partition([]int64{1}, []int64{2, 3, 4})
	nw := New[msg](sim.NewLoop(), g, ShortestPath, 0, topology.Link{}, 1, &recorder{})
	if nw.Reachable(1, 3) || nw.Reachable(3, 1) || !nw.Reachable(4, 3) {
		t.Error("routed Reachable ignores the partition")
	}
}

// TestSlotReuse checks that the flights slab holds only what is in flight at once, however many
// messages pass through, including ones lost or dropped.
func TestSlotReuse(t *testing.T) {
	t.Run("ping-pong", func(t *testing.T) {
		loop := sim.NewLoop()
		rec := &recorder{loop: loop}
		nw := New[msg](loop, topology.Mesh(2, link("uniform:1ms:3ms", 0, 1e6)), ShortestPath, 0, topology.Link{}, 1, rec)
		rec.onDeliver = func(from, to uint64, v *msg) {
			if v.id < 10000 {
				nw.Send(to, from, 100, msg{v.id + 1})
			}
		}
		nw.Send(1, 2, 100, msg{0})
		loop.Run()
		// Two slots: the reply is sent while the message it answers is still being delivered.
		if nw.Delivered != 10001 || len(nw.flights) != 2 {
			t.Fatalf("delivered %d, slab %d; want 10001 and 2", nw.Delivered, len(nw.flights))
		}
	})
	t.Run("bursts with loss and cuts", func(t *testing.T) {
		loop := sim.NewLoop()
		rec := &recorder{loop: loop}
		g := topology.Ring(4, link("uniform:1ms:3ms", 0.3, 0))
		nw := New[msg](loop, g, ShortestPath, 1, link("const:1ms", 0.1, 0), 1, rec)
		const burst = 64
		for round := range 200 {
			if round%3 == 0 {
				g.Isolate(int64(round%4 + 1))
			} else {
				g.HealAll()
			}
			for i := range burst {
				nw.Send(uint64(i%5+1), uint64((i+1)%5+1), 10, msg{round*burst + i})
			}
			loop.Run()
			if len(nw.free) != len(nw.flights) {
				t.Fatalf("round %d: %d free of %d slots after the loop drained", round, len(nw.free), len(nw.flights))
			}
		}
		if len(nw.flights) > burst {
			t.Fatalf("slab grew to %d for bursts of %d", len(nw.flights), burst)
		}
		if nw.Drops[DropLoss] == 0 || nw.Drops[DropCut]+nw.Drops[DropUnreachable] == 0 || nw.Delivered == 0 {
			t.Fatalf("the test did not exercise every outcome: delivered %d, drops %v", nw.Delivered, nw.Drops)
		}
		if nw.Sent != nw.Delivered+nw.Drops[DropLoss]+nw.Drops[DropCut]+nw.Drops[DropUnreachable] {
			t.Fatalf("sent %d != delivered %d + drops %v", nw.Sent, nw.Delivered, nw.Drops)
		}
	})
}

// TestDeliverMaySend checks that the message handed to Deliver stays intact while the endpoint sends
// enough new messages to grow the slab under it.
func TestDeliverMaySend(t *testing.T) {
	loop := sim.NewLoop()
	rec := &recorder{loop: loop}
	nw := New[msg](loop, topology.Mesh(3, link("const:1ms", 0, 0)), Direct, 0, topology.Link{}, 1, rec)
	checked := false
	rec.onDeliver = func(from, to uint64, v *msg) {
		if v.id != 7 {
			return
		}
		for i := range 100 {
			nw.Send(to, from, 1, msg{1000 + i})
		}
		if v.id != 7 {
			t.Fatalf("message changed to #%d while the endpoint was sending", v.id)
		}
		checked = true
	}
	nw.Send(1, 2, 1, msg{7})
	loop.Run()
	if !checked || nw.Delivered != 101 {
		t.Fatalf("checked %v, delivered %d", checked, nw.Delivered)
	}
}

// TestReleaseClearsPayload checks that a free slot does not keep a delivered message's data reachable.
func TestReleaseClearsPayload(t *testing.T) {
	loop := sim.NewLoop()
	type big struct{ data []byte }
	nw := New[big](loop, topology.Mesh(2, link("const:1ms", 0.5, 0)), Direct, 0, topology.Link{}, 1, nopEndpoint[big]{})
	for range 50 {
		nw.Send(1, 2, 1, big{make([]byte, 10)})
	}
	loop.Run()
	for i, f := range nw.flights {
		if f.v.data != nil {
			t.Fatalf("free slot %d still holds its payload", i)
		}
	}
}

type nopEndpoint[T any] struct{}

func (nopEndpoint[T]) Deliver(uint64, uint64, *T)       {}
func (nopEndpoint[T]) Dropped(uint64, uint64, *T, Drop) {}

// TestGolden pins a mixed run — random latency, loss, bandwidth, routing over hops, a cut in flight and
// clients — so that any change to the draws or the timing model shows up. Run go test -update to
// regenerate testdata/golden.txt after an intended change.
func TestGolden(t *testing.T) {
	loop := sim.NewLoop()
	rec := &recorder{loop: loop}
	g := topology.Ring(4, link("uniform:1ms:5ms", 0.1, 1e6))
	g.SetLink(1, 3, link("exp:2ms:1ms", 0.05, 1.25e8))
	nw := New[msg](loop, g, ShortestPath, 1, link("lognormal:3ms:0.5", 0.02, 0), 2024, rec)
	pairs := [][2]uint64{{1, 3}, {2, 4}, {3, 1}, {4, 2}, {5, 1}, {1, 5}, {2, 3}, {4, 3}, {3, 2}, {1, 4}, {3, 5}}
	for i := range 60 {
		p := pairs[i%len(pairs)]
		at(loop, sim.Time(i)*500*sim.Microsecond, func() { nw.Send(p[0], p[1], 100+37*i, msg{i}) })
	}
	at(loop, 10*ms, func() { g.Cut(topology.Edge{From: 2, To: 3}, topology.Edge{From: 1, To: 4}) })
	at(loop, 20*ms, func() { g.HealAll() })
	loop.Run()
	var b strings.Builder
	for _, e := range rec.got {
		fmt.Fprintln(&b, e)
	}
	fmt.Fprintf(&b, "sent %d delivered %d drops %v\n", nw.Sent, nw.Delivered, nw.Drops[1:])
	path := filepath.Join("testdata", "golden.txt")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if b.String() != string(want) {
		t.Fatalf("run differs from %s (run go test -update if the change is intended):\n%s", path, b.String())
	}
}

func TestStrings(t *testing.T) {
	for _, tt := range []struct{ got, want string }{
		{DropLoss.String(), "loss"},
		{DropCut.String(), "cut"},
		{DropUnreachable.String(), "unreachable"},
		{Drop(0).String(), "Drop(0)"},
		{Drop(9).String(), "Drop(9)"},
		{Direct.String(), "direct"},
		{ShortestPath.String(), "shortest-path"},
	} {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
	for _, r := range []Routing{Direct, ShortestPath} {
		if got, err := ParseRouting(r.String()); err != nil || got != r {
			t.Errorf("ParseRouting(%q) = %v, %v", r.String(), got, err)
		}
	}
	_, err := ParseRouting("flood")
	if want := `network: routing "flood": want direct or shortest-path`; err == nil || err.Error() != want {
		t.Errorf("ParseRouting(flood): %v, want %s", err, want)
	}
}

// pinger is a benchmark endpoint that sends every message straight back.
type pinger struct {
	nw *Network[payload]
}

// payload is about the size of a small Raft message header.
type payload struct {
	term, index, commit uint64
	kind                uint8
}

func (p *pinger) Deliver(from, to uint64, v *payload) {
	v.index++
	p.nw.Send(to, from, 64, *v)
}

func (p *pinger) Dropped(from, to uint64, v *payload, _ Drop) {
	p.nw.Send(from, to, 64, *v) // keep the population constant
}

// BenchmarkSendDeliver measures messages in steady state: 64 messages bouncing between the nodes of a
// 5-node ring with random latency, loss and finite bandwidth. Each b.N is one event: an arrival and the
// send it triggers, or, routed over two hops, a forward.
func BenchmarkSendDeliver(b *testing.B) {
	for _, bc := range []struct {
		r    Routing
		hops uint64
	}{{Direct, 1}, {ShortestPath, 1}, {ShortestPath, 2}} {
		r := bc.r
		b.Run(fmt.Sprintf("%v/hops=%d", r, bc.hops), func(b *testing.B) {
			loop := sim.NewLoop()
			g := topology.Ring(5, topology.Link{Latency: latency.MustParse("uniform:1ms:5ms"), Loss: 0.01, Bandwidth: 1.25e8})
			p := &pinger{}
			p.nw = New[payload](loop, g, r, 0, topology.Link{}, 1, p)
			for i := range 64 {
				from := uint64(i%5 + 1)
				p.nw.Send(from, (from+bc.hops-1)%5+1, 64, payload{term: 1})
			}
			for range 10000 { // warm up: create every link's stream, grow the slabs
				loop.Step()
			}
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				loop.Step()
			}
			b.StopTimer()
			if loop.Pending() != 64 {
				b.Fatalf("%d messages pending, want 64", loop.Pending())
			}
		})
	}
}

// TestResetLink: a message delayed far past the end of the run (a heavy tail, saturated) would hold up
// every later message on its FIFO link; a reset starts a new connection that no longer waits for it.
func TestResetLink(t *testing.T) {
	for _, reset := range []bool{false, true} {
		loop := sim.NewLoop()
		rec := &recorder{loop: loop}
		g := topology.Mesh(2, link("const:1ms", 0, 0))
		g.SetLink(1, 2, topology.Link{Latency: latency.MustParse("pareto:1ms:0.01")}) // absurd tail
		nw := New[msg](loop, g, Direct, 0, topology.Link{}, 1, rec)
		nw.Send(1, 2, 10, msg{id: 0})
		g.SetLink(1, 2, link("const:1ms", 0, 0))
		at(loop, 5*sim.Millisecond, func() {
			if reset {
				nw.ResetLink(1, 2)
			}
			nw.Send(1, 2, 10, msg{id: 1})
		})
		loop.RunUntil(sim.Second)
		got := rec.filter(1, 2)
		if reset {
			if len(got) != 1 || got[0].id != 1 || got[0].at != 6*sim.Millisecond {
				t.Fatalf("after a reset: %v, want #1 delivered at 6ms", got)
			}
		} else if len(got) != 0 {
			t.Fatalf("without a reset: %v, want #1 stuck behind #0", got)
		}
	}
}
