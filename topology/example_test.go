package topology_test

import (
	"fmt"

	"github.com/raftsim/raftsim/models/latency"
	"github.com/raftsim/raftsim/topology"
)

func Example() {
	link := topology.Link{Latency: latency.MustParse("uniform:1ms:3ms"), Loss: 0.001}
	g := topology.Ring(5, link)

	fmt.Println(g.Path(1, 3))
	// Cut one direction of one link: 1 now reaches 3 the long way round,
	// while 3 still reaches 1 through 2.
	g.Cut(topology.Edge{From: 1, To: 2})
	fmt.Println(g.Path(1, 3), g.Path(3, 1))
	g.HealAll()
	fmt.Println(g.Path(1, 3), g.Cuts())
	// Output:
	// [1 2 3]
	// [1 5 4 3] [3 2 1]
	// [1 2 3] []
}

func ExampleParse() {
	data := []byte(`
nodes: 4
base: line
defaults: {latency: "exp:1ms:2ms", bandwidth: 1Gbps}
edges:
  - {from: 4, to: 1, latency: 5ms}   # one-way shortcut, faster than 3 hops of 3ms
`)
	g, err := topology.Parse(data, "example.yaml", topology.Link{})
	if err != nil {
		panic(err)
	}
	l, _ := g.Link(1, 2)
	fmt.Println(l)
	fmt.Println(g.Path(4, 1), g.Path(1, 4))
	// Output:
	// latency=exp:1ms:2ms loss=0 bandwidth=1Gbps
	// [4 1] [1 2 3 4]
}

func ExampleParse_error() {
	_, err := topology.Parse([]byte("nodes: 3\nbase: mesh\ndefaults: {latency: 1ms, loss: 1.5}\n"), "net.yaml", topology.Link{})
	fmt.Println(err)
	// Output:
	// topology: net.yaml:3: defaults.loss: 1.5 not in [0,1]
}

func ExampleGraph_Partition() {
	g := topology.Mesh(5, topology.Link{Latency: latency.Const(0)})
	g.Partition([]int64{1, 2}) // {1,2} against the rest
	fmt.Println(g.Reachable(1, 2), g.Reachable(2, 3), g.Reachable(3, 5))
	// Output:
	// true false true
}

func ExampleParseBandwidth() {
	for _, s := range []string{"1Gbps", "100Mbps", "512KiB/s", "unlimited"} {
		bw, err := topology.ParseBandwidth(s)
		if err != nil {
			panic(err)
		}
		fmt.Printf("%-9s = %g bytes/s = %s\n", s, bw, topology.FormatBandwidth(bw))
	}
	// Output:
	// 1Gbps     = 1.25e+08 bytes/s = 1Gbps
	// 100Mbps   = 1.25e+07 bytes/s = 100Mbps
	// 512KiB/s  = 524288 bytes/s = 4.194304Mbps
	// unlimited = 0 bytes/s = unlimited
}
