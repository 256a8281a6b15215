package network

import "github.com/raftsim/raftsim/topology"

// Repair is the network's part of a repair of every fault (the cluster's fault.Repair): it ends every
// filter, and sets the loss, duplication and reordering of every link to 0, those between nodes (on the
// graph, whose cuts the caller heals itself) and those with the external endpoints, made or yet to be
// made. Latency and bandwidth, which are the world rather than a fault, stay; so do each link's queue
// and random streams, which go on where they were. It is called once, off the hot path. It returns
// how many filters it ended that had not run out yet, and how many links between nodes it repaired.
func (nw *Network[T]) Repair() (filters, links int) {
	now := nw.loop.Now()
	for _, f := range nw.filters {
		if f.Until > now {
			filters++
		}
	}
	clear(nw.filters)
	nw.filters = nw.filters[:0]
	for _, e := range nw.g.Edges() {
		if l, _ := nw.g.Link(e.From, e.To); l.Loss > 0 || l.Dup > 0 || l.Reorder > 0 {
			nw.g.SetLink(e.From, e.To, repaired(l)) // a cut edge stays cut
			links++
		}
	}
	nw.external = repaired(nw.external)
	for i := range nw.extParams {
		nw.extParams[i] = repaired(nw.extParams[i])
	}
	if f := nw.extLinkOf; f != nil {
		nw.extLinkOf = func(external, node uint64) topology.Link { return repaired(f(external, node)) }
	}
	return filters, links
}

// repaired is l without its faults: no loss, duplication or reordering.
func repaired(l topology.Link) topology.Link {
	l.Loss, l.Dup, l.Reorder = 0, 0, 0
	return l
}
