package topology

import (
	"strings"
	"testing"
	"time"

	"github.com/raftsim/raftsim/models/latency"
)

// TestRegionsSpread: regions that list no nodes take node i as region (i-1) mod R; the within link
// sets every edge inside a region, a links entry between regions the edges across and the region link
// clients use, both ways.
func TestRegionsSpread(t *testing.T) {
	const file = `nodes: 5
regions:
  - {name: a, latency: "const:1ms"}
  - {name: b, latency: "const:2ms"}
links:
  - {between: [a, b], latency: "const:10ms"}
`
	for _, name := range []string{"r.yaml", "r.json"} {
		data := file
		if strings.HasSuffix(name, ".json") {
			data = `{"nodes": 5, "regions": [{"name": "a", "latency": "const:1ms"}, {"name": "b", "latency": "const:2ms"}],
			"links": [{"between": ["a", "b"], "latency": "const:10ms"}]}`
		}
		g, err := Parse([]byte(data), name, Link{})
		if err != nil {
			t.Fatal(err)
		}
		if got := g.Regions(); strings.Join(got, ",") != "a,b" {
			t.Fatalf("%s: regions %v", name, got)
		}
		for id, want := range map[int64]int{1: 0, 2: 1, 3: 0, 4: 1, 5: 0} {
			if r, ok := g.RegionOf(id); !ok || r != want {
				t.Errorf("%s: node %d in region %d %v, want %d", name, id, r, ok, want)
			}
		}
		for _, tt := range []struct {
			from, to int64
			want     time.Duration
		}{{1, 3, time.Millisecond}, {2, 4, 2 * time.Millisecond}, {1, 2, 10 * time.Millisecond}, {4, 5, 10 * time.Millisecond}} {
			l, ok := g.Link(tt.from, tt.to)
			if !ok || l.Latency.Mean() != tt.want {
				t.Errorf("%s: edge %d->%d: %v %v, want %s", name, tt.from, tt.to, l.Latency, ok, tt.want)
			}
		}
		for _, tt := range []struct {
			a, b int
			want time.Duration
		}{{0, 0, time.Millisecond}, {1, 1, 2 * time.Millisecond}, {0, 1, 10 * time.Millisecond}, {1, 0, 10 * time.Millisecond}} {
			l, ok := g.RegionLink(tt.a, tt.b)
			if !ok || l.Latency.Mean() != tt.want {
				t.Errorf("%s: region link %d->%d: %v %v, want %s", name, tt.a, tt.b, l.Latency, ok, tt.want)
			}
		}
		if ids, ok := g.Group("a"); !ok || len(ids) != 3 {
			t.Errorf("%s: group a = %v %v", name, ids, ok)
		}
		c := g.Clone()
		if r, ok := c.RegionOf(4); !ok || r != 1 || strings.Join(c.Regions(), ",") != "a,b" {
			t.Errorf("%s: the clone lost the regions", name)
		}
	}
}

// TestRegionsListed: regions that list their nodes; an edge entry refines one edge but not the region
// link; a links entry that removes the edges between regions removes their region link too.
func TestRegionsListed(t *testing.T) {
	g, err := Parse([]byte(`nodes: 4
defaults: {latency: "const:7ms"}
regions:
  - {name: x, nodes: [1, 4]}
  - {name: y, nodes: [2, 3], latency: "const:3ms"}
links:
  - {between: [x, y], latency: "const:50ms"}
  - {between: [x, y], remove: true}
edges:
  - {from: 1, to: 4, latency: "const:9ms"}
`), "r.yaml", Link{})
	if err != nil {
		t.Fatal(err)
	}
	if r, _ := g.RegionOf(4); r != 0 {
		t.Errorf("node 4 in region %d, want 0", r)
	}
	if l, _ := g.RegionLink(0, 0); l.Latency.Mean() != 7*time.Millisecond {
		t.Errorf("region x's link %v, want the default 7ms", l.Latency)
	}
	if l, _ := g.Link(1, 4); l.Latency.Mean() != 9*time.Millisecond {
		t.Errorf("edge 1->4 %v, want 9ms", l.Latency)
	}
	if _, ok := g.RegionLink(0, 1); ok {
		t.Error("the region link x->y survived its remove")
	}
	if _, ok := g.Link(1, 2); ok {
		t.Error("edge 1->2 survived the remove")
	}
}

func TestRegionErrors(t *testing.T) {
	tests := []struct{ data, err string }{
		{"nodes: 3\nregions:\n  - {latency: 1ms}\n", "topology: r.yaml:3: regions[0].name: missing"},
		{"nodes: 3\nregions:\n  - {name: '', latency: 1ms}\n", "topology: r.yaml:3: regions[0].name: empty name"},
		{"nodes: 3\nregions:\n  - {name: a, latency: 1ms}\n  - {name: a, latency: 1ms}\n", `topology: r.yaml:4: regions[1].name: region "a" declared twice`},
		{"nodes: 3\ngroups: {a: [1]}\nregions:\n  - {name: a, latency: 1ms}\n", `topology: r.yaml:4: regions[0].name: "a" is already a group: a region is a group of its own name`},
		{"nodes: 3\nregions:\n  - {name: a, nodes: [1, 2], latency: 1ms}\n  - {name: b, latency: 1ms}\n",
			"topology: r.yaml:4: regions[1]: either every region lists its nodes or none does (then node i is in region (i-1) mod 2)"},
		{"nodes: 3\nregions:\n  - {name: a, nodes: [], latency: 1ms}\n", "topology: r.yaml:3: regions[0].nodes: empty region"},
		{"nodes: 3\nregions:\n  - {name: a, nodes: [1, 4], latency: 1ms}\n", "topology: r.yaml:3: regions[0].nodes[1]: node 4 not in 1..3"},
		{"nodes: 3\nregions:\n  - {name: a, nodes: [1, 2], latency: 1ms}\n  - {name: b, nodes: [2, 3], latency: 1ms}\n",
			`topology: r.yaml:4: regions[1].nodes[0]: node 2 is in region "a" already`},
		{"nodes: 3\nregions:\n  - {name: a, nodes: [1, 2], latency: 1ms}\n",
			"topology: r.yaml:3: regions: node 3 is in no region (every region lists its nodes, so every node must be listed)"},
		{"nodes: 3\nregions:\n  - {name: a}\n", "topology: r.yaml:3: regions[0].latency: missing, and there is no default latency"},
		{"nodes: 3\nregions:\n  - {name: a, latency: 1ms, lat: 1}\n", "topology: r.yaml:3: regions[0].lat: unknown field (want name, nodes, latency, loss, bandwidth, dup, reorder)"},
		{"nodes: 3\nregions:\n  - {name: a, latency: 1ms, loss: 2}\n", "topology: r.yaml:3: regions[0].loss: 2 not in [0,1]"},
		{"nodes: 3\nregions: {a: 1}\n", "topology: r.yaml:2: regions: want a list, got a mapping"},
	}
	for _, tt := range tests {
		t.Run(tt.err, func(t *testing.T) {
			_, err := Parse([]byte(tt.data), "r.yaml", Link{})
			if err == nil || err.Error() != tt.err {
				t.Errorf("error\n got: %v\nwant: %s", err, tt.err)
			}
		})
	}
	if _, err := Parse([]byte(`{"nodes": 3, "regions": [{"name": "a", "latency": "1ms", "x": 1}]}`), "r.json", Link{}); err == nil ||
		err.Error() != "topology: r.json: regions[0].x: unknown field (want name, nodes, latency, loss, bandwidth, dup, reorder)" {
		t.Errorf("json: %v", err)
	}
}

// TestPresets: every preset loads at any size, its regions are its comment's, and every inter-region
// latency is half the round trip its comment quotes (the comment is the source of record).
func TestPresets(t *testing.T) {
	def := Link{Latency: latency.Const(time.Millisecond), Bandwidth: 125e6}
	want := map[string][]string{
		"aws3": {"us-east-1", "eu-west-1", "ap-northeast-1"},
		"aws5": {"us-east-1", "us-west-1", "eu-west-1", "ap-northeast-1", "ap-southeast-2"},
	}
	for _, name := range PresetNames {
		for _, n := range []int{1, 3, 5, 9, 100} {
			g, err := Preset(name, n, def)
			if err != nil {
				t.Fatalf("%s, %d nodes: %v", name, n, err)
			}
			if got := strings.Join(g.Regions(), ","); got != strings.Join(want[name], ",") {
				t.Fatalf("%s: regions %s", name, got)
			}
			if n > 1 && len(g.Edges()) != n*(n-1) {
				t.Errorf("%s, %d nodes: %d edges, want a full mesh", name, n, len(g.Edges()))
			}
		}
		data, _ := PresetFile(name)
		g, _ := Preset(name, len(want[name]), def)
		checked := 0
		for _, line := range strings.Split(string(data), "\n") {
			// "#   us-east-1      - eu-west-1       80.55 ms RTT -> 40.275 ms one-way"
			f := strings.Fields(strings.TrimPrefix(line, "#"))
			if len(f) != 10 || f[1] != "-" || f[5] != "RTT" {
				continue
			}
			a, _ := g.RegionIndex(f[0])
			b, _ := g.RegionIndex(f[2])
			rtt, err1 := time.ParseDuration(f[3] + "ms")
			oneWay, err2 := time.ParseDuration(f[7] + "ms")
			l, ok := g.RegionLink(a, b)
			if err1 != nil || err2 != nil || !ok || oneWay != rtt/2 || l.Latency.Mean() != oneWay || !l.Latency.IsConst() {
				t.Errorf("%s: %q: link %v %v, want const %s", name, line, l.Latency, ok, rtt/2)
			}
			checked++
		}
		if k := len(want[name]); checked != k*(k-1)/2 {
			t.Errorf("%s: %d pairs quoted, want %d", name, checked, k*(k-1)/2)
		}
	}
	if _, err := Preset("aws4", 3, def); err == nil || err.Error() != `topology: unknown region preset "aws4" (want aws3 or aws5)` {
		t.Errorf("unknown preset: %v", err)
	}
	if _, err := Preset("aws3", 0, def); err == nil {
		t.Error("0 nodes accepted")
	}
}
