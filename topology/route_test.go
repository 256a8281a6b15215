package topology

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/raftsim/raftsim/models/latency"
	"gonum.org/v1/gonum/graph/path"
	"gonum.org/v1/gonum/graph/simple"
	"gonum.org/v1/gonum/graph/topo"
)

func hops(g *Graph, from, to int64) int {
	p := g.Path(from, to)
	if p == nil {
		return -1
	}
	return len(p) - 1
}

func TestRouteRing(t *testing.T) {
	g := Ring(6, ms1)
	tests := []struct {
		from, to int64
		next     int64
		hops     int
	}{
		{1, 2, 2, 1},
		{1, 6, 6, 1},
		{1, 3, 2, 2},
		{1, 5, 6, 2},
		{1, 4, 2, 3}, // two equal paths (via 2 and via 6): smallest next hop
		{4, 1, 3, 3}, // via 3 or via 5
		{6, 3, 1, 3}, // via 1 or via 5
		{3, 3, 3, 0},
	}
	for _, tt := range tests {
		next, ok := g.NextHop(tt.from, tt.to)
		if !ok || next != tt.next {
			t.Errorf("NextHop(%d,%d) = %d, %v; want %d", tt.from, tt.to, next, ok, tt.next)
		}
		if h := hops(g, tt.from, tt.to); h != tt.hops {
			t.Errorf("hops(%d,%d) = %d, want %d (path %v)", tt.from, tt.to, h, tt.hops, g.Path(tt.from, tt.to))
		}
	}
	// Cutting 1->2 one way sends 1's traffic the long way round, but not
	// 2's traffic to 1.
	g.Cut(Edge{1, 2})
	if p := g.Path(1, 3); !slices.Equal(p, []int64{1, 6, 5, 4, 3}) {
		t.Errorf("after cut, Path(1,3) = %v", p)
	}
	if p := g.Path(3, 1); !slices.Equal(p, []int64{3, 2, 1}) {
		t.Errorf("after cut, Path(3,1) = %v", p)
	}
	// With 5->4 cut too, 1 cannot reach 4 either way round, but 4 still
	// reaches 1.
	g.Cut(Edge{5, 4})
	if g.Reachable(1, 4) || !g.Reachable(4, 1) {
		t.Errorf("Reachable(1,4)=%v Reachable(4,1)=%v", g.Reachable(1, 4), g.Reachable(4, 1))
	}
	if next, ok := g.NextHop(1, 4); ok || next != 0 {
		t.Errorf("NextHop to unreachable = %d, %v", next, ok)
	}
	if g.Path(1, 4) != nil {
		t.Errorf("Path to unreachable = %v", g.Path(1, 4))
	}
	g.Restore(Edge{1, 2})
	if p := g.Path(1, 4); !slices.Equal(p, []int64{1, 2, 3, 4}) {
		t.Errorf("after restore, Path(1,4) = %v", p)
	}
}

func TestRouteLine(t *testing.T) {
	g := Line(5, ms1)
	for from := int64(1); from <= 5; from++ {
		for to := int64(1); to <= 5; to++ {
			want := int(max(from-to, to-from))
			if h := hops(g, from, to); h != want {
				t.Errorf("hops(%d,%d) = %d, want %d", from, to, h, want)
			}
		}
	}
	g.Cut(Edge{3, 4})
	if g.Reachable(1, 5) || g.Reachable(3, 4) || !g.Reachable(5, 1) {
		t.Errorf("line cut at 3->4: wrong reachability")
	}
	g.HealAll()
	if hops(g, 1, 5) != 4 {
		t.Errorf("after HealAll, hops(1,5) = %d", hops(g, 1, 5))
	}
}

func TestRouteStar(t *testing.T) {
	g := Star(5, ms1)
	for u := int64(2); u <= 5; u++ {
		for v := int64(2); v <= 5; v++ {
			if u == v {
				continue
			}
			if next, ok := g.NextHop(u, v); !ok || next != 1 {
				t.Errorf("NextHop(%d,%d) = %d, %v; want the hub", u, v, next, ok)
			}
			if hops(g, u, v) != 2 {
				t.Errorf("hops(%d,%d) = %d", u, v, hops(g, u, v))
			}
		}
	}
	g.Isolate(1)
	for u := int64(1); u <= 5; u++ {
		for v := int64(1); v <= 5; v++ {
			if g.Reachable(u, v) != (u == v) {
				t.Errorf("with the hub isolated, Reachable(%d,%d) = %v", u, v, g.Reachable(u, v))
			}
		}
	}
	g.Restore(Edge{1, 3}, Edge{2, 1})
	if !g.Reachable(2, 3) || g.Reachable(3, 2) {
		t.Errorf("half-restored hub: Reachable(2,3)=%v Reachable(3,2)=%v", g.Reachable(2, 3), g.Reachable(3, 2))
	}
}

func TestRouteWeights(t *testing.T) {
	lat := func(s string) Link { return Link{Latency: latency.MustParse(s)} }

	// Two fast hops beat one slow hop.
	g := New(3)
	g.SetLink(1, 3, lat("10ms"))
	g.SetLink(1, 2, lat("1ms"))
	g.SetLink(2, 3, lat("1ms"))
	if next, _ := g.NextHop(1, 3); next != 2 {
		t.Errorf("NextHop(1,3) = %d, want 2 (via the fast path)", next)
	}
	// The weight is the mean, not the minimum: exp:1ms:9ms has mean 10ms > 2ms+2ms.
	g.SetLink(2, 3, lat("uniform:0s:4ms"))
	g.SetLink(1, 3, lat("exp:1ms:1ms"))
	if next, _ := g.NextHop(1, 3); next != 3 {
		t.Errorf("NextHop(1,3) = %d, want 3 (direct mean 2ms < 1ms+2ms)", next)
	}

	// Zero latency: the +1ns per hop makes the direct edge win, although
	// every path costs 0 latency and node 2 has a smaller ID than 4.
	z := Mesh(4, zero)
	for u := int64(1); u <= 4; u++ {
		for v := int64(1); v <= 4; v++ {
			if next, _ := z.NextHop(u, v); next != v {
				t.Errorf("zero-latency mesh: NextHop(%d,%d) = %d, want %d", u, v, next, v)
			}
		}
	}

	// Equal-length paths through 2 and 3: the smaller ID wins; making the
	// path through 2 one nanosecond longer flips the choice.
	sq := New(4)
	for _, e := range edges(1, 2, 2, 4, 1, 3, 3, 4) {
		sq.SetLink(e.From, e.To, ms1)
	}
	if next, _ := sq.NextHop(1, 4); next != 2 {
		t.Errorf("square: NextHop(1,4) = %d, want 2", next)
	}
	sq.SetLink(2, 4, Link{Latency: latency.Const(ms1.Latency.Mean() + 1)})
	if next, _ := sq.NextHop(1, 4); next != 3 {
		t.Errorf("square after slowing 2->4: NextHop(1,4) = %d, want 3", next)
	}
}

func TestRouteSaturatedWeights(t *testing.T) {
	// Means near the largest Duration must neither overflow nor loop.
	huge := Link{Latency: latency.MustParse("exp:2562047h:2562047h")}
	g := Ring(5, huge)
	for u := int64(1); u <= 5; u++ {
		for v := int64(1); v <= 5; v++ {
			p := g.Path(u, v)
			if len(p) == 0 || len(p) > 3 {
				t.Errorf("Path(%d,%d) = %v", u, v, p)
			}
		}
	}
}

// randomGraph builds a reproducible random graph with random cuts. Latencies
// come from a small set, including zero, so that ties are common.
func randomGraph(seed uint64) *Graph {
	r := rand.New(rand.NewPCG(seed, 1))
	lats := []*latency.Dist{latency.Const(0), latency.MustParse("1ms"), latency.MustParse("2ms"), latency.MustParse("uniform:0s:2ms")}
	n := 1 + r.IntN(12)
	g := New(n)
	p := r.Float64()
	for u := int64(1); u <= int64(n); u++ {
		for v := int64(1); v <= int64(n); v++ {
			if u != v && r.Float64() < p {
				g.SetLink(u, v, Link{Latency: lats[r.IntN(len(lats))]})
			}
		}
	}
	for _, e := range g.Edges() {
		if r.IntN(5) == 0 {
			g.Cut(e)
		}
	}
	return g
}

// upGraph returns a gonum weighted graph of g's up edges with the routing
// weights.
func upGraph(g *Graph) *simple.WeightedDirectedGraph {
	w := simple.NewWeightedDirectedGraph(0, 0)
	for _, id := range g.Nodes() {
		w.AddNode(simple.Node(id))
	}
	wcap := g.weightCap()
	for _, e := range g.Edges() {
		if g.Up(e.From, e.To) {
			i, _ := g.index(e.From, e.To)
			w.SetWeightedEdge(simple.WeightedEdge{F: simple.Node(e.From), T: simple.Node(e.To), W: float64(g.weight(i, wcap))})
		}
	}
	return w
}

// TestRouteAgainstGonum cross-checks reachability with graph/topo and path
// lengths with graph/path's Floyd–Warshall on random graphs, and checks
// that every route is a loop-free walk over up edges.
func TestRouteAgainstGonum(t *testing.T) {
	for seed := range uint64(300) {
		g := randomGraph(seed)
		w := upGraph(g)
		shortest, ok := path.FloydWarshall(w)
		if !ok {
			t.Fatalf("seed %d: negative cycle?", seed)
		}
		for _, u := range g.Nodes() {
			for _, v := range g.Nodes() {
				want := topo.PathExistsIn(w, simple.Node(u), simple.Node(v))
				if got := g.Reachable(u, v); got != want {
					t.Fatalf("seed %d: Reachable(%d,%d) = %v, gonum says %v", seed, u, v, got, want)
				}
				if !want {
					continue
				}
				p := g.Path(u, v)
				var length float64
				for i := 1; i < len(p); i++ {
					if !g.Up(p[i-1], p[i]) {
						t.Fatalf("seed %d: path %v uses down edge %d->%d", seed, p, p[i-1], p[i])
					}
					length += w.WeightedEdge(p[i-1], p[i]).Weight()
				}
				if wantLen := shortest.Weight(u, v); length != wantLen {
					t.Fatalf("seed %d: Path(%d,%d) = %v has length %v, shortest is %v", seed, u, v, p, length, wantLen)
				}
				// Tie-break: no neighbour with a smaller ID starts an
				// equally short path.
				next, _ := g.NextHop(u, v)
				for x := int64(1); x < next && u != v; x++ {
					if g.Up(u, x) && w.WeightedEdge(u, x).Weight()+shortest.Weight(x, v) == shortest.Weight(u, v) {
						t.Fatalf("seed %d: NextHop(%d,%d) = %d but %d is also on a shortest path", seed, u, v, next, x)
					}
				}
			}
		}
	}
}

// nextHopTable renders every NextHop answer of g.
func nextHopTable(g *Graph) string {
	var s []byte
	for _, u := range g.Nodes() {
		for _, v := range g.Nodes() {
			next, ok := g.NextHop(u, v)
			s = fmt.Appendf(s, "%d/%v ", next, ok)
		}
		s = append(s, '\n')
	}
	return string(s)
}

// TestRouteDeterminism builds the same graphs many times: gonum's map order
// differs between builds, and the tables must not.
func TestRouteDeterminism(t *testing.T) {
	for seed := range uint64(20) {
		want := nextHopTable(randomGraph(seed))
		for range 20 {
			if got := nextHopTable(randomGraph(seed)); got != want {
				t.Fatalf("seed %d: tables differ:\n%s\nvs\n%s", seed, got, want)
			}
		}
	}
	want := nextHopTable(mustLoad(t, "testdata/wan3.yaml"))
	for range 20 {
		if got := nextHopTable(mustLoad(t, "testdata/wan3.yaml")); got != want {
			t.Fatalf("wan3 tables differ")
		}
	}
}

func TestRouteRecomputedOnVersionChange(t *testing.T) {
	g := Mesh(3, ms1)
	if next, _ := g.NextHop(1, 3); next != 3 {
		t.Fatalf("NextHop(1,3) = %d", next)
	}
	// Slowing the direct link (no cut) must reroute: SetLink bumps Version.
	v := g.Version()
	g.SetLink(1, 3, Link{Latency: latency.MustParse("10ms")})
	if g.Version() == v {
		t.Fatalf("SetLink did not change Version")
	}
	if next, _ := g.NextHop(1, 3); next != 2 {
		t.Errorf("after slowing 1->3, NextHop(1,3) = %d, want 2", next)
	}
	g.RemoveLink(1, 2)
	if next, _ := g.NextHop(1, 3); next != 3 {
		t.Errorf("after removing 1->2, NextHop(1,3) = %d, want 3", next)
	}
}

func TestHotPathDoesNotAllocate(t *testing.T) {
	g := mustLoad(t, "testdata/wan3.yaml")
	g.NextHop(1, 2) // compute routes
	var sink int64
	var up bool
	var l Link
	n := testing.AllocsPerRun(1000, func() {
		for u := int64(1); u <= 9; u++ {
			for v := int64(1); v <= 9; v++ {
				h, _ := g.NextHop(u, v)
				sink += h
				up = up != g.Up(u, v)
				l, _ = g.Link(u, v)
			}
		}
	})
	if n != 0 {
		t.Errorf("NextHop/Up/Link allocate %v times per 81 calls", n)
	}
	_, _, _ = sink, up, l
}

func BenchmarkNextHop(b *testing.B) {
	for _, n := range []int{5, 64} {
		g := Ring(n, ms1)
		g.NextHop(1, 1)
		b.Run(fmt.Sprintf("ring%d", n), func(b *testing.B) {
			b.ReportAllocs()
			var sink int64
			i := int64(0)
			for b.Loop() {
				h, _ := g.NextHop(i%int64(n)+1, (i*7)%int64(n)+1)
				sink += h
				i++
			}
			_ = sink
		})
	}
}

func BenchmarkUp(b *testing.B) {
	g := Mesh(9, ms1)
	g.Cut(Edge{1, 2})
	b.ReportAllocs()
	cnt := 0
	i := int64(0)
	for b.Loop() {
		if g.Up(i%9+1, (i*5)%9+1) {
			cnt++
		}
		i++
	}
	_ = cnt
}

func BenchmarkLink(b *testing.B) {
	g := Mesh(9, ms1)
	b.ReportAllocs()
	var sink float64
	i := int64(0)
	for b.Loop() {
		l, _ := g.Link(i%9+1, (i*5)%9+1)
		sink += l.Loss
		i++
	}
	_ = sink
}

// BenchmarkRoute measures the lazy recomputation after a change.
func BenchmarkRoute(b *testing.B) {
	for _, n := range []int{9, 64, 256} {
		g := Mesh(n, ms1)
		b.Run(fmt.Sprintf("mesh%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				g.Cut(Edge{1, 2})
				g.NextHop(1, 2)
				g.Restore(Edge{1, 2})
				g.NextHop(1, 2)
			}
		})
	}
}
