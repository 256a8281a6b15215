package network

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/raftsim/raftsim/sim"
	"github.com/raftsim/raftsim/topology"
)

// Drop says why a message was lost.
type Drop uint8

// The reasons a message is dropped. The receiver being down is the endpoint's business, not the network's.
const (
	DropLoss        Drop = iota + 1 // the link's loss probability struck
	DropCut                         // the edge was cut when the message tried to use it, or while it was on it
	DropUnreachable                 // no path to the destination over edges that are up
	DropOverflow                    // the link already held LinkCapacity messages
	DropFilter                      // a Filter dropped it
	numDrops
)

var dropNames = [...]string{DropLoss: "loss", DropCut: "cut", DropUnreachable: "unreachable", DropOverflow: "overflow",
	DropFilter: "filter"}

// LinkCapacity is how many messages one link holds at once, waiting to be transmitted, being
// transmitted or propagating; a message sent on a full link is dropped (DropOverflow). It is the
// connection's buffer: etcd drops a Raft message when the send buffer of its stream to that peer, 4096
// messages, is full. Without it, a sender that outpaces its link (a heartbeat every few nanoseconds, a
// bandwidth near zero, a latency of hours) piles up messages, and memory, for as long as the run lasts.
const LinkCapacity = 4096

func (d Drop) String() string {
	if int(d) < len(dropNames) && dropNames[d] != "" {
		return dropNames[d]
	}
	return fmt.Sprintf("Drop(%d)", uint8(d))
}

// Endpoint receives what the network does with messages.
type Endpoint[T any] interface {
	// Deliver hands v to its destination. v is only valid during the call.
	Deliver(from, to uint64, v *T)
	// Dropped reports a message lost on the way.
	Dropped(from, to uint64, v *T, why Drop)
}

// linkState is the dynamic state of one directed link: one connection.
//
// Invariant: held counts the flights on the link whose gen is the link's gen.
type linkState struct {
	busyUntil   sim.Time // when the link finishes transmitting what is queued on it
	lastArrival sim.Time // arrival time of the last message sent on it, for FIFO order
	rng         *rand.Rand
	dupRng      *rand.Rand // "dup/U->V": made when the link first duplicates (Link.Dup > 0)
	reorderRng  *rand.Rand // "reorder/U->V": made when the link first may reorder (Link.Reorder > 0)
	held        int32      // messages on the link now, up to LinkCapacity
	gen         uint32     // bumped when the connection is reset: what was on it no longer counts
}

// linkRef names a link's state: an index into Network.links (between nodes) or, with ext, into
// Network.extLinks (between an external endpoint and a node).
type linkRef struct {
	i   int32
	ext bool
}

type flight[T any] struct {
	v        T
	from, to uint64 // origin and final destination
	hop      uint64 // the node the message travels to now
	prev     uint64 // the node it left
	size     int
	link     linkRef // the link from prev to hop
	gen      uint32  // that link's gen when the message was put on it
	// copied: a link already duplicated this message (it is the original or the copy). Forwarded on,
	// neither is duplicated again, so a message reaches its destination at most twice: with dup P on
	// every link of an h-hop route, copies compounding hop by hop would make (1+P)^h of them, 2^h at
	// P = 1, and the work of a run grow exponentially with the path length.
	copied bool
	// id is the message's send number (Network.Sent when it was sent; a duplicate keeps its
	// original's), sent the instant it was sent, and timer its arrival at hop: what Flights shows of
	// it and DropFlight takes to drop it.
	id    uint64
	sent  sim.Time
	timer sim.Timer
}

// Network moves messages of type T. Endpoints 1..Nodes are the graph's nodes; Nodes+1..Nodes+External
// are external endpoints.
//
// The state of the links between nodes is a dense table (nodes² entries); that of the links between an
// external endpoint and a node is made when the first message uses it, since a client talks to a few
// nodes, not to every endpoint: 100,000 clients cost what their traffic costs, not (nodes+clients)²
// link states.
type Network[T any] struct {
	routed   bool
	loop     *sim.Loop
	g        *topology.Graph
	seed     uint64
	nodes    int
	total    int
	external topology.Link
	ep       Endpoint[T]
	horizon  sim.Time

	links    []linkState // between nodes: (from-1)*nodes + (to-1)
	extLinks []linkState // with an external endpoint, in the order first used
	extIndex map[uint64]int32
	extOf    [][]int32 // per node (index id-1), its external links
	// extParams is, when extLinkOf is set (SetExternalLinks), the link of each of extLinks (same index),
	// asked of extLinkOf when the link is made; otherwise every external link is external.
	extParams []topology.Link
	extLinkOf func(external, node uint64) topology.Link
	flights   []flight[T]
	free      []uint64

	// filters are the filters started and not yet known to have ended, in the order they started;
	// classOf gives a message's class for them.
	filters []Filter
	classOf func(*T) uint8

	Sent, Delivered uint64
	Drops           [numDrops]uint64 // by Drop
	Duplicated      uint64           // copies made by links that duplicate (Link.Dup), each delivered too
}

// Routing says how messages find their way between nodes.
type Routing uint8

// The routing modes.
const (
	// Direct: a message travels only on the edge from its sender to its receiver, as between Raft
	// servers that do not forward for each other; no edge, or a cut one, loses it. This is the model
	// of partial partitions (Howard & Abraham 2020): 4 may reach 2 and 2 reach 1 while 4 cannot reach 1.
	Direct Routing = iota
	// ShortestPath: a message is forwarded hop by hop along the current shortest path, as a switched
	// network does; only when no path is left is it lost.
	ShortestPath
)

// ParseRouting reads "direct" or "shortest-path".
func ParseRouting(s string) (Routing, error) {
	switch s {
	case "direct":
		return Direct, nil
	case "shortest-path":
		return ShortestPath, nil
	}
	return 0, fmt.Errorf("network: routing %q: want direct or shortest-path", s)
}

func (r Routing) String() string {
	if r == ShortestPath {
		return "shortest-path"
	}
	return "direct"
}

// New returns a network over g whose nodes are 1..g.Len(), plus external endpoints linked to every
// node by ext.
func New[T any](loop *sim.Loop, g *topology.Graph, r Routing, external int, ext topology.Link, seed uint64, ep Endpoint[T]) *Network[T] {
	n := g.Len()
	total := n + external
	return &Network[T]{routed: r == ShortestPath, loop: loop, g: g, seed: seed, nodes: n, total: total,
		external: ext, ep: ep, horizon: sim.Never, links: make([]linkState, n*n),
		extIndex: map[uint64]int32{}, extOf: make([][]int32, n)}
}

// SetHorizon makes the network release, as soon as it is sent, a message that would arrive after t:
// a run that ends at t never sees it arrive, and holding it until then would only cost memory (a
// latency of a million hours in a one-minute run). It is not a drop: nothing is reported. The
// default horizon is sim.Never.
func (nw *Network[T]) SetHorizon(t sim.Time) { nw.horizon = t }

// InFlight returns how many messages the network holds: on a link, or between two hops.
func (nw *Network[T]) InFlight() int { return len(nw.flights) - len(nw.free) }

// Graph returns the topology the network runs over; cuts are made on it.
func (nw *Network[T]) Graph() *topology.Graph { return nw.g }

// ResetLink forgets the queue of the link from one endpoint to another, as a new connection would: the
// messages already on it still arrive when they were due, but new ones no longer wait behind them. The
// link's random stream goes on where it was.
func (nw *Network[T]) ResetLink(from, to uint64) {
	if from == 0 || to == 0 || int(from) > nw.total || int(to) > nw.total {
		return
	}
	if !nw.isExternal(from) && !nw.isExternal(to) {
		nw.links[int(from-1)*nw.nodes+int(to-1)].reset()
	} else if i, ok := nw.extIndex[from<<32|to]; ok {
		nw.extLinks[i].reset()
	}
}

// reset starts a new connection: nothing queued, nothing held. The messages on the old one still
// arrive when due, but no longer count against the new one's capacity.
func (ls *linkState) reset() {
	ls.busyUntil, ls.lastArrival = 0, 0
	ls.held = 0
	ls.gen++
}

// ResetNode resets every link into and out of an endpoint, as when it restarts and reconnects.
func (nw *Network[T]) ResetNode(id uint64) {
	if id == 0 || int(id) > nw.total {
		return
	}
	if nw.isExternal(id) {
		for key, i := range nw.extIndex { // order does not matter: each reset is independent
			if key>>32 == id || key&(1<<32-1) == id {
				nw.extLinks[i].reset()
			}
		}
		return
	}
	for other := 1; other <= nw.nodes; other++ {
		nw.links[(int(id)-1)*nw.nodes+other-1].reset()
		nw.links[(other-1)*nw.nodes+int(id)-1].reset()
	}
	for _, i := range nw.extOf[id-1] {
		nw.extLinks[i].reset()
	}
}

// SetExternalLinks makes the link between an external endpoint and a node, in either direction, what
// f says (for example by the regions they are in) instead of the one link New was given. f is asked
// once per pair and direction, when the first message uses the link; call it before any is sent.
func (nw *Network[T]) SetExternalLinks(f func(external, node uint64) topology.Link) { nw.extLinkOf = f }

// extLink returns the state of the link from one endpoint to another, one of them external, and its
// parameters; it is made the first time.
func (nw *Network[T]) extLink(from, to uint64) (*linkState, linkRef, topology.Link) {
	key := from<<32 | to
	i, ok := nw.extIndex[key]
	if !ok {
		i = int32(len(nw.extLinks))
		nw.extLinks = append(nw.extLinks, linkState{})
		nw.extIndex[key] = i
		node, ext := min(from, to), max(from, to) // external endpoints are numbered after every node
		nw.extOf[node-1] = append(nw.extOf[node-1], i)
		if nw.extLinkOf != nil {
			nw.extParams = append(nw.extParams, nw.extLinkOf(ext, node))
		}
	}
	if nw.extLinkOf == nil {
		return &nw.extLinks[i], linkRef{i: i, ext: true}, nw.external
	}
	return &nw.extLinks[i], linkRef{i: i, ext: true}, nw.extParams[i]
}

func (nw *Network[T]) ref(r linkRef) *linkState {
	if r.ext {
		return &nw.extLinks[r.i]
	}
	return &nw.links[r.i]
}

// Reachable reports whether a message from one endpoint can currently reach another.
func (nw *Network[T]) Reachable(from, to uint64) bool {
	if from == to {
		return true
	}
	if nw.isExternal(from) || nw.isExternal(to) {
		return true
	}
	if !nw.routed {
		return nw.g.Up(int64(from), int64(to))
	}
	return nw.g.Reachable(int64(from), int64(to))
}

func (nw *Network[T]) isExternal(id uint64) bool { return id > uint64(nw.nodes) }

// Send puts v, of the given size in bytes, on its way from one endpoint to another.
func (nw *Network[T]) Send(from, to uint64, size int, v T) {
	nw.Sent++
	k := nw.alloc()
	f := &nw.flights[k]
	f.v, f.from, f.to, f.size, f.copied = v, from, to, size, false
	f.id, f.sent = nw.Sent, nw.loop.Now()
	nw.forward(k, from)
}

// alloc returns a free flight slot; it may grow nw.flights, so pointers into it must be taken again.
func (nw *Network[T]) alloc() uint64 {
	if n := len(nw.free); n > 0 {
		k := nw.free[n-1]
		nw.free = nw.free[:n-1]
		return k
	}
	nw.flights = append(nw.flights, flight[T]{})
	return uint64(len(nw.flights) - 1)
}

// forward sends flight k onwards from node at.
func (nw *Network[T]) forward(k, at uint64) {
	f := &nw.flights[k]
	next := f.to
	var link topology.Link
	var ls *linkState
	var ref linkRef
	external := nw.isExternal(at) || nw.isExternal(f.to)
	if external {
		ls, ref, link = nw.extLink(at, next)
	} else if nw.routed {
		hop, ok := nw.g.NextHop(int64(at), int64(f.to))
		if !ok {
			nw.drop(k, DropUnreachable)
			return
		}
		next = uint64(hop)
		link, _ = nw.g.Link(int64(at), int64(next))
	} else {
		var ok bool
		if link, ok = nw.g.Link(int64(at), int64(next)); !ok {
			nw.drop(k, DropUnreachable)
			return
		}
		if !nw.g.Up(int64(at), int64(next)) {
			nw.drop(k, DropCut)
			return
		}
	}
	if !external {
		ref.i = int32(int(at-1)*nw.nodes + int(next-1))
		ls = &nw.links[ref.i]
	}
	if ls.rng == nil {
		ls.rng = sim.Stream(nw.seed, fmt.Sprintf("link/%d->%d", at, next))
	}
	var delay time.Duration
	if len(nw.filters) > 0 && !external {
		var drop bool
		if delay, drop = nw.filter(&f.v, at, next); drop {
			nw.drop(k, DropFilter)
			return
		}
	}
	if link.Loss > 0 && ls.rng.Float64() < link.Loss {
		nw.drop(k, DropLoss)
		return
	}
	if ls.held >= LinkCapacity {
		nw.drop(k, DropOverflow)
		return
	}
	now := nw.loop.Now()
	start := max(now, ls.busyUntil)
	done := start
	if link.Bandwidth > 0 {
		// Rounded, not truncated: 65 bytes at 1MB/s is 64999.99999999999ns in float64 and must be 65µs.
		// Saturating: a bandwidth near zero makes a transmission last forever, not wrap into the past.
		done = done.Add(sim.FloatSeconds(float64(f.size) / link.Bandwidth))
	}
	ls.busyUntil = done
	arrive := done
	if link.Latency != nil {
		arrive = arrive.Add(link.Latency.Sample(ls.rng)) // saturates: a heavy tail can reach Never
	}
	// Reordered: it keeps its own latency, overtaking or overtaken, and later ones do not wait for it.
	fifo := true
	if link.Reorder > 0 {
		if ls.reorderRng == nil {
			ls.reorderRng = sim.Stream(nw.seed, fmt.Sprintf("reorder/%d->%d", at, next))
		}
		fifo = ls.reorderRng.Float64() >= link.Reorder
	}
	if fifo {
		arrive = max(arrive, ls.lastArrival)
	}
	if delay > 0 {
		// Held aside: it waits, the link's later messages do not wait behind it.
		arrive = arrive.Add(delay)
	} else if fifo {
		ls.lastArrival = arrive
	}
	dup := false
	if link.Dup > 0 && !f.copied {
		if ls.dupRng == nil {
			ls.dupRng = sim.Stream(nw.seed, fmt.Sprintf("dup/%d->%d", at, next))
		}
		dup = ls.dupRng.Float64() < link.Dup
	}
	if arrive > nw.horizon {
		// It would arrive after the run: nobody will ever see it. Its copy, with a latency of its own,
		// may arrive within the run, so it is made first, while slot k still holds the message.
		if dup {
			nw.duplicate(k, at, next, ref, ls, done, link)
		}
		nw.release(k)
		return
	}
	ls.held++
	f.prev, f.hop, f.link, f.gen = at, next, ref, ls.gen
	f.timer = nw.loop.At(arrive, nw, k)
	if dup {
		nw.duplicate(k, at, next, ref, ls, done, link)
	}
}

// duplicate puts a copy of flight k, as it was sent from at to next, on the same link: it left when the
// original finished transmitting (done) and travels with a latency of its own, drawn from the link's
// "dup" stream, outside the link's FIFO order, as a duplicate made by a retransmission would.
func (nw *Network[T]) duplicate(k, at, next uint64, ref linkRef, ls *linkState, done sim.Time, link topology.Link) {
	arrive := done
	if link.Latency != nil {
		arrive = arrive.Add(link.Latency.Sample(ls.dupRng))
	}
	if arrive > nw.horizon || ls.held >= LinkCapacity {
		return // never seen, or no room: either way no copy
	}
	nw.Duplicated++
	c := nw.alloc()
	orig := &nw.flights[k] // after alloc, which may move the flights
	cp := &nw.flights[c]
	cp.v, cp.from, cp.to, cp.size = orig.v, orig.from, orig.to, orig.size
	cp.id, cp.sent = orig.id, orig.sent
	orig.copied, cp.copied = true, true
	ls.held++
	cp.prev, cp.hop, cp.link, cp.gen = at, next, ref, ls.gen
	cp.timer = nw.loop.At(arrive, nw, c)
}

// Filter drops or delays the messages of some classes on some links between nodes, from when it is
// added (AddFilter) until Until: the network's side of a scripted message-level fault
// (fault.MsgFilter). A message is filtered as it is put on a link, on every hop.
type Filter struct {
	Classes uint32 // bit c: messages whose class (SetClassifier) is c; class 0 is never filtered
	// Links are directed links From->To, 0 at either end standing for every node.
	Links [][2]uint64
	Until sim.Time      // exclusive
	Delay time.Duration // 0: drop
}

// SetClassifier sets how filters tell messages apart: the class of a message, 1 to 31; 0 is a message
// no filter applies to. It must be set before the first AddFilter.
func (nw *Network[T]) SetClassifier(class func(v *T) uint8) { nw.classOf = class }

// AddFilter starts a filter now; it ends at its Until. When several filters match a message, the
// first started decides.
func (nw *Network[T]) AddFilter(f Filter) {
	if nw.classOf == nil {
		panic("network: AddFilter before SetClassifier")
	}
	nw.filters = append(nw.filters, f)
}

// filter applies the filters to message v on the link from one node to another: it returns whether to
// drop the message, and otherwise the delay it suffers. Filters that have ended are forgotten here, so
// a run whose filters are over pays nothing for them.
func (nw *Network[T]) filter(v *T, from, to uint64) (time.Duration, bool) {
	now := nw.loop.Now()
	live := nw.filters[:0]
	for _, f := range nw.filters {
		if f.Until > now {
			live = append(live, f)
		}
	}
	clear(nw.filters[len(live):])
	nw.filters = live
	class := nw.classOf(v)
	if class == 0 || class > 31 {
		return 0, false
	}
	for i := range nw.filters {
		f := &nw.filters[i]
		if f.Classes&(1<<class) == 0 {
			continue
		}
		for _, l := range f.Links {
			if (l[0] == 0 || l[0] == from) && (l[1] == 0 || l[1] == to) {
				return f.Delay, f.Delay == 0
			}
		}
	}
	return 0, false
}

// Fire is the arrival of flight k at its next hop.
func (nw *Network[T]) Fire(k uint64) {
	f := &nw.flights[k]
	if ls := nw.ref(f.link); ls.gen == f.gen {
		ls.held--
	}
	if !nw.isExternal(f.prev) && !nw.isExternal(f.hop) && !nw.g.Up(int64(f.prev), int64(f.hop)) {
		nw.drop(k, DropCut)
		return
	}
	if f.hop != f.to {
		nw.forward(k, f.hop)
		return
	}
	nw.Delivered++
	nw.ep.Deliver(f.from, f.to, &f.v)
	nw.release(k)
}

func (nw *Network[T]) drop(k uint64, why Drop) {
	f := &nw.flights[k]
	nw.Drops[why]++
	nw.ep.Dropped(f.from, f.to, &f.v, why)
	nw.release(k)
}

func (nw *Network[T]) release(k uint64) {
	var zero T
	nw.flights[k].v = zero // do not keep entry slices reachable from a free slot
	nw.free = append(nw.free, k)
}

// Flight is a message on its way, as Flights shows it.
type Flight[T any] struct {
	ID       uint64 // its send number: the value of Sent once it was sent, 1 for the first message
	From, To uint64 // origin and final destination
	Hop      uint64 // the node it travels to now (To, without routing)
	Sent     sim.Time
	Arrive   sim.Time // when it reaches Hop
	Size     int
	V        *T // valid until the next event
}

// Flights calls fn with every message in flight, in no particular order: an inspector's view (the
// browser demo draws them), not part of a run, which it leaves unchanged.
func (nw *Network[T]) Flights(fn func(Flight[T])) {
	for k := range nw.flights {
		f := &nw.flights[k]
		at, ok := nw.loop.When(f.timer)
		if !ok {
			continue // a free slot: its last arrival fired
		}
		fn(Flight[T]{ID: f.id, From: f.from, To: f.to, Hop: f.hop, Sent: f.sent, Arrive: at, Size: f.size, V: &f.v})
	}
}

// DropFlight loses, now, every copy in flight of the message with send number id, as the link's loss
// would (DropLoss), and reports how many there were; 0 if it has arrived or was never sent.
func (nw *Network[T]) DropFlight(id uint64) int {
	n := 0
	for k := range nw.flights {
		f := &nw.flights[k]
		if f.id != id || !nw.loop.Cancel(f.timer) {
			continue
		}
		if ls := nw.ref(f.link); ls.gen == f.gen {
			ls.held--
		}
		nw.drop(uint64(k), DropLoss)
		n++
	}
	return n
}
