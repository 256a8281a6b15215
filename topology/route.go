package topology

import (
	"fmt"
	"math"
)

// unreachable is the distance between nodes with no path over up edges.
const unreachable = math.MaxInt64

// NextHop returns the node to which from should forward a message for to:
// the first hop of a shortest path over up edges. The length of a path is
// the sum over its edges of the link's mean latency in nanoseconds plus 1,
// so that zero-latency links still prefer fewer hops. Among several
// shortest paths the one whose first hop has the smallest ID wins, and the
// same rule applies again at every hop, so forwarding never loops. It
// returns false if to is unreachable from from or an ID is not a node;
// NextHop(x, x) is (x, true).
//
// After a change to the graph the first call recomputes all routes in
// O(n³); after that NextHop is O(1) and does not allocate.
func (g *Graph) NextHop(from, to int64) (int64, bool) {
	i, ok := g.index(from, to)
	if !ok {
		return 0, false
	}
	if !g.routed || g.routedAt != g.version {
		g.route()
	}
	h := g.next[i]
	return int64(h), h != 0
}

// Reachable reports whether a message from from can reach to over up edges,
// possibly forwarded by other nodes.
func (g *Graph) Reachable(from, to int64) bool {
	_, ok := g.NextHop(from, to)
	return ok
}

// Path returns the nodes a message from from to to visits, both ends
// included, or nil if to is unreachable.
func (g *Graph) Path(from, to int64) []int64 {
	if !g.Reachable(from, to) {
		return nil
	}
	path := []int64{from}
	for u := from; u != to; {
		u, _ = g.NextHop(u, to)
		path = append(path, u)
		if len(path) > g.n {
			// Impossible while every edge weighs at least 1.
			panic(fmt.Sprintf("topology: routing loop from %d to %d: %v", from, to, path))
		}
	}
	return path
}

// weightCap bounds a single edge's routing weight so that no sum of two
// path lengths can overflow: a path has at most n-1 edges, so every
// distance is below 2^61 + n and the sum of two below 2^62 + 2n. Only links
// with a mean latency of days (for hundreds of nodes) are affected.
func (g *Graph) weightCap() int64 { return (1 << 61) / int64(max(g.n, 1)) }

// weight is the routing length of the up edge at dense index i.
func (g *Graph) weight(i int, wcap int64) int64 {
	return min(int64(g.links[i].Latency.Mean()), wcap) + 1
}

// route recomputes the distance and next-hop tables with Floyd–Warshall
// over the dense, ID-ordered matrix, then picks each next hop by scanning
// neighbours in ascending ID order. Weights are integers, so ties are exact
// and the result depends only on the graph, never on iteration order.
func (g *Graph) route() {
	n := g.n
	if len(g.dist) != n*n {
		g.dist = make([]int64, n*n)
		g.next = make([]int32, n*n)
	}
	dist, wcap := g.dist, g.weightCap()
	for i := range dist {
		dist[i] = unreachable
		if g.state[i] == up {
			dist[i] = g.weight(i, wcap)
		}
	}
	for u := range n {
		dist[u*n+u] = 0
	}
	for k := range n {
		rowK := dist[k*n : k*n+n]
		for i := range n {
			dik := dist[i*n+k]
			if dik == unreachable {
				continue
			}
			rowI := dist[i*n : i*n+n]
			for j, dkj := range rowK {
				if dkj != unreachable && dik+dkj < rowI[j] {
					rowI[j] = dik + dkj
				}
			}
		}
	}
	for u := range n {
		for t := range n {
			ut := u*n + t
			g.next[ut] = 0
			switch {
			case u == t:
				g.next[ut] = int32(t + 1)
				continue
			case dist[ut] == unreachable:
				continue
			}
			for v := range n {
				uv := u*n + v
				if g.state[uv] == up && dist[v*n+t] != unreachable && g.weight(uv, wcap)+dist[v*n+t] == dist[ut] {
					g.next[ut] = int32(v + 1)
					break
				}
			}
		}
	}
	g.routed, g.routedAt = true, g.version
}
