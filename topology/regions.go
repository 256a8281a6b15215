package topology

import (
	"fmt"
	"slices"
)

// regions is how a graph's nodes are grouped into regions, and the link between two regions: what a
// client placed in one region sees towards a node of another.
//
// Invariants: of has one entry per node (index id-1), -1 for a node in no region; links and set hold
// len(names)² entries at index a*len(names)+b, set[i] saying whether links[i] was declared.
type regions struct {
	names []string
	of    []int
	links []Link
	set   []bool
}

func (r *regions) clone() *regions {
	if r == nil {
		return nil
	}
	return &regions{names: slices.Clone(r.names), of: slices.Clone(r.of), links: slices.Clone(r.links), set: slices.Clone(r.set)}
}

// SetRegions declares the graph's regions: names in order (a region's index is its position), and the
// region of every node, of[id-1], -1 for none. It replaces any earlier regions and their links, and
// sets no edge: the links between nodes are the caller's (see SetLink), those between regions are
// SetRegionLink's. It panics if of does not have one entry per node or names a region that is not one.
func (g *Graph) SetRegions(names []string, of []int) {
	if len(of) != g.n {
		panic(fmt.Sprintf("topology: SetRegions: %d regions of nodes for %d nodes", len(of), g.n))
	}
	for id, r := range of {
		if r < -1 || r >= len(names) {
			panic(fmt.Sprintf("topology: SetRegions: node %d in region %d of %d", id+1, r, len(names)))
		}
	}
	k := len(names)
	g.regions = &regions{names: slices.Clone(names), of: slices.Clone(of), links: make([]Link, k*k), set: make([]bool, k*k)}
}

// SetRegionLink sets the link from region a to region b (indexes into Regions; a == b is the link
// within a region), the link a client in a has to a node in b. It panics if a or b is not a region.
func (g *Graph) SetRegionLink(a, b int, l Link) {
	r := g.regions
	if r == nil || a < 0 || b < 0 || a >= len(r.names) || b >= len(r.names) {
		panic(fmt.Sprintf("topology: SetRegionLink(%d, %d): not a region", a, b))
	}
	r.links[a*len(r.names)+b], r.set[a*len(r.names)+b] = l, true
}

// removeRegionLink forgets the link from region a to region b.
func (g *Graph) removeRegionLink(a, b int) {
	r := g.regions
	r.links[a*len(r.names)+b], r.set[a*len(r.names)+b] = Link{}, false
}

// Regions returns the names of the graph's regions in their declared order; nil when it has none.
func (g *Graph) Regions() []string {
	if g.regions == nil {
		return nil
	}
	return slices.Clone(g.regions.names)
}

// RegionOf returns the index of node id's region, or false when the node is in none (or the graph
// has no regions, or id is not a node).
func (g *Graph) RegionOf(id int64) (int, bool) {
	if g.regions == nil || !g.has(id) || g.regions.of[id-1] < 0 {
		return 0, false
	}
	return g.regions.of[id-1], true
}

// RegionLink returns the link from region a to region b, and whether one was declared.
func (g *Graph) RegionLink(a, b int) (Link, bool) {
	r := g.regions
	if r == nil || a < 0 || b < 0 || a >= len(r.names) || b >= len(r.names) {
		return Link{}, false
	}
	i := a*len(r.names) + b
	return r.links[i], r.set[i]
}

// RegionIndex returns the index of the region named name, or false.
func (g *Graph) RegionIndex(name string) (int, bool) {
	if g.regions == nil {
		return 0, false
	}
	i := slices.Index(g.regions.names, name)
	return i, i >= 0
}
