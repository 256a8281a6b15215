package topology

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/raftsim/raftsim/models/latency"
)

var (
	ms1  = Link{Latency: latency.MustParse("1ms")}
	zero = Link{Latency: latency.Const(0)}
)

// checkInvariants verifies that the gonum graph and the dense slices agree.
func checkInvariants(t *testing.T, g *Graph) {
	t.Helper()
	if got := g.g.Nodes().Len(); got != g.Len() {
		t.Fatalf("gonum graph has %d nodes, want %d", got, g.Len())
	}
	var fromGonum []Edge
	for it := g.g.Edges(); it.Next(); {
		fromGonum = append(fromGonum, Edge{it.Edge().From().ID(), it.Edge().To().ID()})
	}
	slices.SortFunc(fromGonum, compareEdges)
	var fromDense []Edge
	n := int64(g.Len())
	for u := int64(1); u <= n; u++ {
		for v := int64(1); v <= n; v++ {
			l, ok := g.Link(u, v)
			if ok != g.g.HasEdgeFromTo(u, v) {
				t.Fatalf("Link(%d,%d) ok=%v, gonum HasEdgeFromTo=%v", u, v, ok, !ok)
			}
			if ok {
				fromDense = append(fromDense, Edge{u, v})
				if l.Latency == nil {
					t.Fatalf("edge %d->%d has nil latency", u, v)
				}
			}
			if g.Up(u, v) && !ok {
				t.Fatalf("Up(%d,%d) for a missing edge", u, v)
			}
		}
	}
	if !slices.Equal(fromGonum, fromDense) || !slices.Equal(g.Edges(), fromDense) {
		t.Fatalf("edge sets disagree:\ngonum %v\ndense %v\nEdges %v", fromGonum, fromDense, g.Edges())
	}
	for _, c := range g.Cuts() {
		if _, ok := g.Link(c.From, c.To); !ok || g.Up(c.From, c.To) {
			t.Fatalf("cut %v is not a configured, down edge", c)
		}
	}
}

func edges(pairs ...int64) []Edge {
	var es []Edge
	for i := 0; i < len(pairs); i += 2 {
		es = append(es, Edge{pairs[i], pairs[i+1]})
	}
	return es
}

func TestGenerators(t *testing.T) {
	tests := []struct {
		kind string
		n    int
		want []Edge
	}{
		{"mesh", 0, nil},
		{"mesh", 1, nil},
		{"mesh", 3, edges(1, 2, 1, 3, 2, 1, 2, 3, 3, 1, 3, 2)},
		{"star", 1, nil},
		{"star", 4, edges(1, 2, 1, 3, 1, 4, 2, 1, 3, 1, 4, 1)},
		{"ring", 1, nil},
		{"ring", 2, edges(1, 2, 2, 1)},
		{"ring", 3, edges(1, 2, 1, 3, 2, 1, 2, 3, 3, 1, 3, 2)},
		{"ring", 4, edges(1, 2, 1, 4, 2, 1, 2, 3, 3, 2, 3, 4, 4, 1, 4, 3)},
		{"line", 1, nil},
		{"line", 2, edges(1, 2, 2, 1)},
		{"line", 4, edges(1, 2, 2, 1, 2, 3, 3, 2, 3, 4, 4, 3)},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/%d", tt.kind, tt.n), func(t *testing.T) {
			g, err := Generate(tt.kind, tt.n, ms1)
			if err != nil {
				t.Fatal(err)
			}
			checkInvariants(t, g)
			if g.Len() != tt.n {
				t.Errorf("Len() = %d, want %d", g.Len(), tt.n)
			}
			wantNodes := []int64{}
			for i := int64(1); i <= int64(tt.n); i++ {
				wantNodes = append(wantNodes, i)
			}
			if got := g.Nodes(); !slices.Equal(got, wantNodes) {
				t.Errorf("Nodes() = %v, want %v", got, wantNodes)
			}
			if got := g.Edges(); !slices.Equal(got, tt.want) {
				t.Errorf("Edges() = %v, want %v", got, tt.want)
			}
			for _, e := range g.Edges() {
				if l, _ := g.Link(e.From, e.To); !l.Equal(ms1) {
					t.Errorf("edge %v has link %v, want %v", e, l, ms1)
				}
			}
		})
	}
	// The four shapes of Generate are the four functions.
	for _, gen := range []struct {
		name string
		fn   func(int, Link) *Graph
	}{{"mesh", Mesh}, {"star", Star}, {"ring", Ring}, {"line", Line}} {
		g, _ := Generate(gen.name, 6, ms1)
		if !slices.Equal(g.Edges(), gen.fn(6, ms1).Edges()) {
			t.Errorf("Generate(%q) differs from its function", gen.name)
		}
	}
}

func TestGenerateErrors(t *testing.T) {
	tests := []struct {
		kind string
		n    int
		l    Link
		err  string
	}{
		{"torus", 3, ms1, `topology: unknown topology "torus" (want mesh, star, ring, line)`},
		{"mesh", -1, ms1, `topology: mesh of -1 nodes: negative node count`},
		{"mesh", 3, Link{}, `topology: mesh of 3 nodes: topology: link has no latency`},
		{"ring", 3, Link{Latency: ms1.Latency, Loss: 2}, `topology: ring of 3 nodes: topology: link loss 2 not in [0,1]`},
	}
	for _, tt := range tests {
		if _, err := Generate(tt.kind, tt.n, tt.l); err == nil || err.Error() != tt.err {
			t.Errorf("Generate(%q, %d) error\n got: %v\nwant: %s", tt.kind, tt.n, err, tt.err)
		}
	}
}

func TestSetLinkRemoveLink(t *testing.T) {
	g := New(3)
	v0 := g.Version()
	g.SetLink(1, 2, ms1)
	if !g.Up(1, 2) || g.Up(2, 1) || g.Version() == v0 {
		t.Fatalf("after SetLink(1,2): Up(1,2)=%v Up(2,1)=%v version %d->%d", g.Up(1, 2), g.Up(2, 1), v0, g.Version())
	}
	slow := Link{Latency: latency.MustParse("9ms"), Loss: 0.5, Bandwidth: 100}
	g.Cut(Edge{1, 2})
	g.SetLink(1, 2, slow) // replacing parameters keeps the cut
	if l, ok := g.Link(1, 2); !ok || !l.Equal(slow) || g.Up(1, 2) {
		t.Fatalf("after replace: Link = %v, %v; Up = %v", l, ok, g.Up(1, 2))
	}
	checkInvariants(t, g)
	v1 := g.Version()
	g.RemoveLink(1, 2)
	if _, ok := g.Link(1, 2); ok || len(g.Cuts()) != 0 || g.Version() == v1 {
		t.Fatalf("RemoveLink did not remove the edge and its cut")
	}
	checkInvariants(t, g)
	v2 := g.Version()
	g.RemoveLink(1, 2)
	g.RemoveLink(0, 7)
	if g.Version() != v2 {
		t.Errorf("no-op RemoveLink changed Version")
	}
	g.SetLink(1, 2, ms1) // re-adding gives a fresh, uncut edge
	if !g.Up(1, 2) {
		t.Errorf("re-added edge is not up")
	}
	checkInvariants(t, g)
}

func TestQueriesOutOfRange(t *testing.T) {
	g := Mesh(3, ms1)
	for _, p := range [][2]int64{{0, 1}, {1, 0}, {4, 1}, {1, 4}, {-1, 2}, {1 << 62, 1}, {-1 << 63, 1}} {
		if g.Up(p[0], p[1]) {
			t.Errorf("Up%v", p)
		}
		if _, ok := g.Link(p[0], p[1]); ok {
			t.Errorf("Link%v", p)
		}
		if _, ok := g.NextHop(p[0], p[1]); ok {
			t.Errorf("NextHop%v", p)
		}
	}
}

func TestPanics(t *testing.T) {
	g := New(3)
	for _, tt := range []struct {
		name string
		f    func()
	}{
		{"New(-1)", func() { New(-1) }},
		{"SetLink out of range", func() { g.SetLink(1, 4, ms1) }},
		{"SetLink zero", func() { g.SetLink(0, 1, ms1) }},
		{"SetLink self loop", func() { g.SetLink(2, 2, ms1) }},
		{"SetLink nil latency", func() { g.SetLink(1, 2, Link{}) }},
		{"SetLink bad loss", func() { g.SetLink(1, 2, Link{Latency: ms1.Latency, Loss: 1.01}) }},
		{"Mesh nil latency", func() { Mesh(3, Link{}) }},
		{"Isolate out of range", func() { g.Isolate(9) }},
		{"Partition overlap", func() { g.Partition([]int64{1, 2}, []int64{2, 3}) }},
		{"Partition bad id", func() { g.Partition([]int64{1, 4}) }},
		{"SetGroup bad id", func() { g.SetGroup("x", []int64{0}) }},
	} {
		func() {
			defer func() {
				r := recover()
				if r == nil {
					t.Errorf("%s did not panic", tt.name)
				} else if s, ok := r.(string); !ok || !strings.HasPrefix(s, "topology: ") {
					t.Errorf("%s panicked with %v, want a topology: message", tt.name, r)
				}
			}()
			tt.f()
		}()
	}
	if len(g.Edges()) != 0 {
		t.Errorf("failed SetLink calls left edges %v", g.Edges())
	}
}

func TestCuts(t *testing.T) {
	g := Mesh(4, ms1)
	v := g.Version()

	// One-way cut.
	g.Cut(Edge{1, 2})
	if g.Up(1, 2) || !g.Up(2, 1) {
		t.Fatalf("one-way cut: Up(1,2)=%v Up(2,1)=%v", g.Up(1, 2), g.Up(2, 1))
	}
	if _, ok := g.Link(1, 2); !ok {
		t.Fatalf("cut edge lost its Link")
	}
	if g.Version() == v {
		t.Errorf("Cut did not change Version")
	}
	// No-ops: already cut, not an edge, not a node.
	v = g.Version()
	g.Cut(Edge{1, 2}, Edge{1, 1}, Edge{0, 9}, Edge{5, 1})
	if g.Version() != v {
		t.Errorf("no-op Cut changed Version")
	}
	if got := g.Cuts(); !slices.Equal(got, edges(1, 2)) {
		t.Errorf("Cuts() = %v", got)
	}
	g.Restore(Edge{2, 1}) // not cut: no-op
	if g.Version() != v {
		t.Errorf("no-op Restore changed Version")
	}
	g.Restore(Edge{1, 2})
	if !g.Up(1, 2) || len(g.Cuts()) != 0 || g.Version() == v {
		t.Errorf("Restore failed")
	}
	checkInvariants(t, g)
}

func TestIsolate(t *testing.T) {
	g := Mesh(4, ms1)
	g.Cut(Edge{2, 3})
	g.Isolate(1)
	want := edges(1, 2, 1, 3, 1, 4, 2, 1, 2, 3, 3, 1, 4, 1)
	if got := g.Cuts(); !slices.Equal(got, want) {
		t.Fatalf("Cuts() = %v, want %v", got, want)
	}
	for _, v := range []int64{2, 3, 4} {
		if g.Reachable(1, v) || g.Reachable(v, 1) {
			t.Errorf("isolated node 1 still reaches or is reached by %d", v)
		}
	}
	if !g.Reachable(2, 3) || g.Path(2, 3)[1] != 4 {
		t.Errorf("2->3 should be forwarded via 4: %v", g.Path(2, 3))
	}
	g.HealAll()
	if len(g.Cuts()) != 0 || !g.Up(2, 3) || !g.Up(1, 2) {
		t.Errorf("HealAll left cuts %v", g.Cuts())
	}
	checkInvariants(t, g)
}

func TestPartition(t *testing.T) {
	g := Mesh(5, ms1)
	g.Cut(Edge{1, 2}) // an earlier one-way cut inside a group survives
	g.Partition([]int64{1, 2}, []int64{3})
	// Groups: {1,2}, {3}, and {4,5} (nodes in no group).
	side := map[int64]int{1: 0, 2: 0, 3: 1, 4: 2, 5: 2}
	for u := int64(1); u <= 5; u++ {
		for v := int64(1); v <= 5; v++ {
			if u == v {
				continue
			}
			want := side[u] == side[v] && !(u == 1 && v == 2)
			if g.Up(u, v) != want {
				t.Errorf("Up(%d,%d) = %v, want %v", u, v, g.Up(u, v), want)
			}
		}
	}
	// 1->2 is cut and the group has no third node to forward through.
	if g.Reachable(1, 2) || !g.Reachable(2, 1) || g.Reachable(1, 3) || !g.Reachable(4, 5) || g.Reachable(5, 3) {
		t.Errorf("reachability after partition is wrong")
	}
	g.Restore(Edge{1, 2})
	g.Partition() // one group of everything: nothing more to cut
	// {1,2}x{3}: 2*1 pairs, {1,2}x{4,5}: 2*2, {3}x{4,5}: 1*2; both directions.
	if got := len(g.Cuts()); got != 2*(2+4+2) {
		t.Errorf("%d cuts: %v", got, g.Cuts())
	}
	checkInvariants(t, g)
}

func TestClone(t *testing.T) {
	g := Ring(4, ms1)
	g.Cut(Edge{1, 2})
	g.SetGroup("a", []int64{1, 2})
	c := g.Clone()
	checkInvariants(t, c)
	if !slices.Equal(c.Edges(), g.Edges()) || !slices.Equal(c.Cuts(), g.Cuts()) || c.Version() != g.Version() {
		t.Fatalf("clone differs")
	}
	c.HealAll()
	c.RemoveLink(2, 3)
	c.SetGroup("a", []int64{3})
	if len(g.Cuts()) != 1 || !g.Up(2, 3) {
		t.Errorf("changing the clone changed the original")
	}
	if ids, _ := g.Group("a"); !slices.Equal(ids, []int64{1, 2}) {
		t.Errorf("original group = %v", ids)
	}
}

func TestGroups(t *testing.T) {
	g := New(5)
	g.SetGroup("eu", []int64{4, 5})
	g.SetGroup("us", []int64{3, 1, 2})
	if got := g.GroupNames(); !slices.Equal(got, []string{"eu", "us"}) {
		t.Errorf("GroupNames() = %v", got)
	}
	ids, ok := g.Group("us")
	if !ok || !slices.Equal(ids, []int64{3, 1, 2}) {
		t.Errorf("Group(us) = %v, %v", ids, ok)
	}
	ids[0] = 99 // the caller's copy
	if again, _ := g.Group("us"); again[0] != 3 {
		t.Errorf("Group returned internal storage")
	}
	if _, ok := g.Group("ap"); ok {
		t.Errorf("Group(ap) found")
	}
}

// TestGonumIsSourceOfTruth checks that the wrapped gonum graph tracks every
// structural change.
func TestGonumIsSourceOfTruth(t *testing.T) {
	g := Mesh(5, ms1)
	g.RemoveLink(1, 2)
	g.RemoveLink(3, 1)
	g.SetLink(1, 2, zero)
	g.Cut(Edge{4, 5})
	checkInvariants(t, g)
	if !g.g.HasEdgeFromTo(4, 5) || g.g.HasEdgeFromTo(3, 1) {
		t.Errorf("gonum graph out of sync")
	}
}

func mustLoad(t testing.TB, path string) *Graph {
	t.Helper()
	g, err := Load(path, Link{})
	if err != nil {
		t.Fatal(err)
	}
	return g
}
