package topology

import "fmt"

// Mesh returns n nodes with an edge for every ordered pair: the default
// topology, where every node reaches every other directly. It panics if l
// is not valid.
func Mesh(n int, l Link) *Graph {
	g := New(n)
	for u := int64(1); u <= int64(n); u++ {
		for v := int64(1); v <= int64(n); v++ {
			if u != v {
				g.SetLink(u, v, l)
			}
		}
	}
	return g
}

// Star returns n nodes where hub 1 and every other node are joined in both
// directions; the other nodes talk to each other through the hub. It
// panics if l is not valid.
func Star(n int, l Link) *Graph {
	g := New(n)
	for v := int64(2); v <= int64(n); v++ {
		g.setBoth(1, v, l)
	}
	return g
}

// Ring returns n nodes where i and i%n+1 are joined in both directions. A
// ring of 2 is a single pair of edges and a ring of 1 has no edges. It
// panics if l is not valid.
func Ring(n int, l Link) *Graph {
	g := New(n)
	for i := int64(1); i <= int64(n); i++ {
		if j := i%int64(n) + 1; j != i {
			g.setBoth(i, j, l)
		}
	}
	return g
}

// Line returns n nodes where i and i+1 are joined in both directions. It
// panics if l is not valid.
func Line(n int, l Link) *Graph {
	g := New(n)
	for i := int64(1); i < int64(n); i++ {
		g.setBoth(i, i+1, l)
	}
	return g
}

func (g *Graph) setBoth(u, v int64, l Link) {
	g.SetLink(u, v, l)
	g.SetLink(v, u, l)
}

// generators are the named topologies, in the order error messages list
// them.
var generators = []struct {
	name string
	fn   func(int, Link) *Graph
}{
	{"mesh", Mesh},
	{"star", Star},
	{"ring", Ring},
	{"line", Line},
}

const generatorList = "mesh, star, ring, line"

// Generate returns the named topology ("mesh", "star", "ring" or "line")
// over n nodes, every edge with parameters l.
func Generate(kind string, n int, l Link) (*Graph, error) {
	if n < 0 {
		return nil, fmt.Errorf("topology: %s of %d nodes: negative node count", kind, n)
	}
	if err := l.Validate(); err != nil {
		return nil, fmt.Errorf("topology: %s of %d nodes: %w", kind, n, err)
	}
	for _, gen := range generators {
		if gen.name == kind {
			return gen.fn(n, l), nil
		}
	}
	return nil, fmt.Errorf("topology: unknown topology %q (want %s)", kind, generatorList)
}
