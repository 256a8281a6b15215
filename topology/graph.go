package topology

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"gonum.org/v1/gonum/graph/simple"
)

// Edge names a directed edge: From can send directly to To.
type Edge struct{ From, To int64 }

// String formats e as "1->2".
func (e Edge) String() string { return fmt.Sprintf("%d->%d", e.From, e.To) }

func compareEdges(a, b Edge) int {
	if c := cmp.Compare(a.From, b.From); c != 0 {
		return c
	}
	return cmp.Compare(a.To, b.To)
}

type edgeState uint8

const (
	absent edgeState = iota
	up
	cut
)

// Graph is a network of nodes 1..Len() joined by directed links, some of
// which may be cut. It holds the static description of the network and its
// cut state; the simulator keeps the per-link dynamic state.
//
// Invariants: g.g has exactly the nodes 1..n and the edges whose state is
// not absent; links[i] is valid exactly when state[i] != absent. Per-pair
// data is stored densely at index (from-1)*n + (to-1) so that the hot-path
// queries Up, Link and NextHop are O(1) and do not allocate; memory is
// O(n²).
//
// A Graph is not safe for concurrent use: even NextHop and Reachable may
// recompute the routing tables after a change.
type Graph struct {
	n       int
	g       *simple.DirectedGraph
	links   []Link
	state   []edgeState
	version uint64
	groups  map[string][]int64 // only looked up by name; GroupNames sorts
	regions *regions           // nil when the graph declares none (regions.go)
	// nodeSettings are a topology file's per-node settings, in its order (NodeSettings).
	nodeSettings []string

	// Routing tables, valid when routed and routedAt == version.
	routed   bool
	routedAt uint64
	dist     []int64
	next     []int32 // next hop ID, 0 when unreachable
}

// New returns a graph with nodes 1..n and no edges. It panics if n < 0.
func New(n int) *Graph {
	if n < 0 || int64(n) > 1<<31-1 {
		panic(fmt.Sprintf("topology: New(%d): bad node count", n))
	}
	g := &Graph{
		n:     n,
		g:     simple.NewDirectedGraph(),
		links: make([]Link, n*n),
		state: make([]edgeState, n*n),
	}
	for id := int64(1); id <= int64(n); id++ {
		g.g.AddNode(simple.Node(id))
	}
	return g
}

// Clone returns a deep copy of g, cut state and groups included. Link
// latencies are shared, which is safe because a latency.Dist is immutable.
func (g *Graph) Clone() *Graph {
	c := New(g.n)
	copy(c.links, g.links)
	copy(c.state, g.state)
	for _, e := range g.Edges() {
		c.g.SetEdge(simple.Edge{F: simple.Node(e.From), T: simple.Node(e.To)})
	}
	c.version = g.version
	for name, ids := range g.groups {
		c.setGroup(name, slices.Clone(ids))
	}
	c.regions = g.regions.clone()
	c.nodeSettings = g.nodeSettings // never modified
	return c
}

// NodeSettings returns the per-node settings a topology file declares beside its links, each
// "ID:key=value[,key=value…]" as the command line's --node takes it (package cluster reads them); nil
// for a generated graph. The caller must not modify the slice.
func (g *Graph) NodeSettings() []string { return g.nodeSettings }

// index returns the dense index of (from, to), or false if either ID is
// not a node.
func (g *Graph) index(from, to int64) (int, bool) {
	f, t, n := uint64(from-1), uint64(to-1), uint64(g.n)
	if f >= n || t >= n {
		return 0, false
	}
	return int(f*n + t), true
}

func (g *Graph) has(id int64) bool { return id >= 1 && id <= int64(g.n) }

func (g *Graph) mustHave(op string, id int64) {
	if !g.has(id) {
		panic(fmt.Sprintf("topology: %s: node %d not in 1..%d", op, id, g.n))
	}
}

// SetLink adds the edge from->to with parameters l, or replaces the
// parameters of an existing edge; a cut edge stays cut. It panics if an ID
// is not a node, if from == to, or if l is not valid (see Link.Validate).
func (g *Graph) SetLink(from, to int64, l Link) {
	var problem string
	switch err := l.Validate(); {
	case !g.has(from):
		problem = fmt.Sprintf("node %d not in 1..%d", from, g.n)
	case !g.has(to):
		problem = fmt.Sprintf("node %d not in 1..%d", to, g.n)
	case from == to:
		problem = "self loop"
	case err != nil:
		problem = strings.TrimPrefix(err.Error(), "topology: ")
	}
	if problem != "" {
		panic(fmt.Sprintf("topology: SetLink(%d, %d): %s", from, to, problem))
	}
	i, _ := g.index(from, to)
	if g.state[i] == absent {
		g.g.SetEdge(simple.Edge{F: simple.Node(from), T: simple.Node(to)})
		g.state[i] = up
	}
	g.links[i] = l
	g.version++
}

// RemoveLink deletes the edge from->to together with its cut state. Removing
// an edge that does not exist is a no-op.
func (g *Graph) RemoveLink(from, to int64) {
	i, ok := g.index(from, to)
	if !ok || g.state[i] == absent {
		return
	}
	g.g.RemoveEdge(from, to)
	g.state[i] = absent
	g.links[i] = Link{}
	g.version++
}

// Len returns the number of nodes.
func (g *Graph) Len() int { return g.n }

// Nodes returns the node IDs in ascending order.
func (g *Graph) Nodes() []int64 {
	ids := make([]int64, 0, g.n)
	for it := g.g.Nodes(); it.Next(); {
		ids = append(ids, it.Node().ID())
	}
	slices.Sort(ids) // gonum iterates in map order
	return ids
}

// Edges returns every configured edge, cut or not, sorted by (From, To).
func (g *Graph) Edges() []Edge {
	var es []Edge
	for it := g.g.Edges(); it.Next(); {
		e := it.Edge()
		es = append(es, Edge{e.From().ID(), e.To().ID()})
	}
	slices.SortFunc(es, compareEdges) // gonum iterates in map order
	return es
}

// Link returns the parameters of the edge from->to, whether or not it is
// cut, and false if there is no such edge. It is O(1) and does not allocate.
func (g *Graph) Link(from, to int64) (Link, bool) {
	i, ok := g.index(from, to)
	if !ok || g.state[i] == absent {
		return Link{}, false
	}
	return g.links[i], true
}

// Up reports whether the edge from->to exists and is not cut. It is O(1)
// and does not allocate.
func (g *Graph) Up(from, to int64) bool {
	i, ok := g.index(from, to)
	return ok && g.state[i] == up
}

// Version returns a counter that changes whenever edges, links or cuts
// change, so that callers can cache anything derived from the graph.
func (g *Graph) Version() uint64 { return g.version }

// setState moves every edge in es from state old to state new, ignoring
// edges not in state old (in particular edges that do not exist).
func (g *Graph) setState(old, new edgeState, es []Edge) {
	changed := false
	for _, e := range es {
		if i, ok := g.index(e.From, e.To); ok && g.state[i] == old {
			g.state[i] = new
			changed = true
		}
	}
	if changed {
		g.version++
	}
}

// Cut cuts the given directed edges: they stay configured but carry no
// traffic. Cutting an edge that does not exist, or is already cut, is a
// no-op. Cutting 1->2 leaves 2->1 up.
func (g *Graph) Cut(edges ...Edge) { g.setState(up, cut, edges) }

// Restore undoes Cut for the given edges. Restoring an edge that does not
// exist or is not cut is a no-op.
func (g *Graph) Restore(edges ...Edge) { g.setState(cut, up, edges) }

// Isolate cuts every edge into and out of id. It panics if id is not a node.
func (g *Graph) Isolate(id int64) {
	g.mustHave("Isolate", id)
	var es []Edge
	for v := int64(1); v <= int64(g.n); v++ {
		es = append(es, Edge{id, v}, Edge{v, id})
	}
	g.Cut(es...)
}

// Partition cuts every edge between nodes of different groups. Nodes that
// are in no group form one more group together. Earlier cuts are kept, not
// restored. It panics if an ID is not a node or is in two groups.
func (g *Graph) Partition(groups ...[]int64) {
	label := make([]int, g.n+1) // 0: in no group
	for gi, grp := range groups {
		for _, id := range grp {
			g.mustHave("Partition", id)
			if label[id] != 0 && label[id] != gi+1 {
				panic(fmt.Sprintf("topology: Partition: node %d in groups %d and %d", id, label[id]-1, gi))
			}
			label[id] = gi + 1
		}
	}
	var es []Edge
	for u := int64(1); u <= int64(g.n); u++ {
		for v := int64(1); v <= int64(g.n); v++ {
			if label[u] != label[v] {
				es = append(es, Edge{u, v})
			}
		}
	}
	g.Cut(es...)
}

// HealAll restores every cut edge.
func (g *Graph) HealAll() { g.Restore(g.Cuts()...) }

// Cuts returns the currently cut edges sorted by (From, To).
func (g *Graph) Cuts() []Edge {
	var es []Edge
	for i, s := range g.state {
		if s == cut {
			es = append(es, Edge{int64(i/g.n) + 1, int64(i%g.n) + 1})
		}
	}
	return es
}

// SetGroup names a set of nodes (for example a region), replacing any group
// of the same name. Groups do not change edges; they let tools refer to
// node sets by name, e.g. for Partition. It panics if an ID is not a node.
func (g *Graph) SetGroup(name string, ids []int64) {
	for _, id := range ids {
		g.mustHave("SetGroup("+name+")", id)
	}
	g.setGroup(name, slices.Clone(ids))
}

func (g *Graph) setGroup(name string, ids []int64) {
	if g.groups == nil {
		g.groups = make(map[string][]int64)
	}
	g.groups[name] = ids
}

// Group returns the nodes of the named group in the order they were given.
func (g *Graph) Group(name string) ([]int64, bool) {
	ids, ok := g.groups[name]
	return slices.Clone(ids), ok
}

// GroupNames returns the names of all groups, sorted.
func (g *Graph) GroupNames() []string {
	names := make([]string, 0, len(g.groups))
	for name := range g.groups {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}
