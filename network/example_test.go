package network_test

import (
	"fmt"

	"github.com/raftsim/raftsim/models/latency"
	"github.com/raftsim/raftsim/network"
	"github.com/raftsim/raftsim/sim"
	"github.com/raftsim/raftsim/topology"
)

// printer is an Endpoint that prints what happens to each message.
type printer struct{ loop *sim.Loop }

func (p printer) Deliver(from, to uint64, v *string) {
	fmt.Printf("%v: %d->%d %s\n", p.loop.Now(), from, to, *v)
}

func (p printer) Dropped(from, to uint64, v *string, why network.Drop) {
	fmt.Printf("%v: %d->%d %s dropped: %v\n", p.loop.Now(), from, to, *v, why)
}

func Example() {
	loop := sim.NewLoop()
	// Three nodes in a line, 5ms per hop at 1MB/s; one client, 1ms from every node.
	g := topology.Line(3, topology.Link{Latency: latency.Const(5e6), Bandwidth: 1e6})
	client := topology.Link{Latency: latency.Const(1e6)}
	nw := network.New[string](loop, g, network.ShortestPath, 1, client, 1, printer{loop})

	nw.Send(1, 2, 1000, "a")  // 1ms to transmit, 5ms to travel
	nw.Send(1, 2, 1000, "b")  // queued behind a
	nw.Send(1, 3, 1000, "c")  // forwarded by 2: two hops
	nw.Send(4, 3, 100, "req") // from the client
	g.Cut(topology.Edge{From: 3, To: 2})
	nw.Send(3, 1, 100, "d") // no way back
	loop.Run()
	// Output:
	// 0s: 3->1 d dropped: unreachable
	// 1ms: 4->3 req
	// 6ms: 1->2 a
	// 7ms: 1->2 b
	// 14ms: 1->3 c
}
