package topology

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/raftsim/raftsim/models/latency"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// dump renders everything a file defines, plus the routes, for golden files.
func dump(g *Graph) string {
	var b strings.Builder
	fmt.Fprintf(&b, "nodes %d\n", g.Len())
	for _, name := range g.GroupNames() {
		ids, _ := g.Group(name)
		fmt.Fprintf(&b, "group %s %v\n", name, ids)
	}
	for _, e := range g.Edges() {
		l, _ := g.Link(e.From, e.To)
		fmt.Fprintf(&b, "edge %v %v\n", e, l)
	}
	b.WriteString("next hops (row: from, column: to, .: unreachable)\n")
	for _, u := range g.Nodes() {
		for _, v := range g.Nodes() {
			if next, ok := g.NextHop(u, v); ok {
				fmt.Fprintf(&b, " %d", next)
			} else {
				b.WriteString(" .")
			}
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func TestLoadGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.*")
	if err != nil {
		t.Fatal(err)
	}
	tested := 0
	for _, file := range files {
		ext := filepath.Ext(file)
		if ext != ".yaml" && ext != ".yml" && ext != ".json" {
			continue
		}
		tested++
		t.Run(filepath.Base(file), func(t *testing.T) {
			g := mustLoad(t, file)
			checkInvariants(t, g)
			got := dump(g)
			golden := strings.TrimSuffix(file, ext) + ".golden"
			if *update && ext != ".json" { // JSON files share the YAML file's golden
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if got != string(want) {
				t.Errorf("%s differs from %s:\n%s", file, golden, got)
			}
		})
	}
	if tested < 3 {
		t.Errorf("only %d example files found", tested)
	}
}

// TestHowardAbraham checks the example's shape directly, independently of
// the golden file.
func TestHowardAbraham(t *testing.T) {
	for _, file := range []string{"testdata/howard-abraham.yaml", "testdata/howard-abraham.json"} {
		g := mustLoad(t, file)
		want := edges(1, 2, 1, 3, 2, 1, 2, 3, 2, 4, 3, 1, 3, 2, 3, 5, 4, 2, 5, 3)
		if got := g.Edges(); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: Edges() = %v, want %v", file, got, want)
		}
		if p := g.Path(4, 5); fmt.Sprint(p) != "[4 2 3 5]" {
			t.Errorf("%s: Path(4,5) = %v", file, p)
		}
	}
}

func TestWAN3(t *testing.T) {
	g := mustLoad(t, "testdata/wan3.yaml")
	check := func(from, to int64, want string) {
		t.Helper()
		l, ok := g.Link(from, to)
		if !ok || l.String() != want {
			t.Errorf("Link(%d,%d) = %v, %v; want %s", from, to, l, ok, want)
		}
	}
	check(2, 3, "latency=normal:500us:100us loss=0 bandwidth=10Gbps")
	check(4, 1, "latency=lognormal:5ms:0.3:35ms loss=0 bandwidth=1Gbps")
	check(1, 4, "latency=exp:20ms:35ms loss=0.02 bandwidth=100Mbps")
	check(7, 2, "latency=lognormal:10ms:0.3:60ms loss=0.001 bandwidth=1Gbps")
	if _, ok := g.Link(6, 9); ok {
		t.Errorf("edge 6->9 should have been removed")
	}
	if ids, _ := g.Group("eu"); fmt.Sprint(ids) != "[4 5 6]" {
		t.Errorf("Group(eu) = %v", ids)
	}
	// Regions can be partitioned by name.
	us, _ := g.Group("us")
	g.Partition(us)
	if g.Reachable(1, 4) || !g.Reachable(4, 7) {
		t.Errorf("partition by group failed")
	}
}

func TestParseDefaultsFallBack(t *testing.T) {
	def := Link{Latency: latency.MustParse("7ms"), Loss: 0.5, Bandwidth: 1000}
	g, err := Parse([]byte(`
nodes: 3
base: line
defaults: {loss: 0.1}
edges:
  - {from: 1, to: 3, bandwidth: 1Mbps}
`), "x.yml", def)
	if err != nil {
		t.Fatal(err)
	}
	// latency and bandwidth from the caller, loss from defaults.
	if l, _ := g.Link(1, 2); l.String() != "latency=const:7ms loss=0.1 bandwidth=8Kbps" {
		t.Errorf("base edge: %v", l)
	}
	if l, _ := g.Link(1, 3); l.String() != "latency=const:7ms loss=0.1 bandwidth=1Mbps" {
		t.Errorf("file edge: %v", l)
	}
	if _, ok := g.Link(3, 1); ok {
		t.Errorf("edge without both: true created the reverse edge")
	}
}

func TestParseGroupLinks(t *testing.T) {
	g, err := Parse([]byte(`
nodes: 6
base: mesh
defaults: {latency: 1ms}
groups: {a: [1, 2], b: [3, 4], c: [5, 6]}
links:
  - {within: a, latency: 2ms}
  - {between: [b, c], latency: 9ms}
  - {between: [a, c], remove: true}
`), "x.yaml", Link{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		from, to int64
		want     string // "" = no edge
	}{
		{1, 2, "const:2ms"}, {2, 1, "const:2ms"},
		{3, 4, "const:1ms"}, {1, 3, "const:1ms"},
		{3, 5, "const:9ms"}, {6, 4, "const:9ms"},
		{1, 5, ""}, {6, 2, ""},
	} {
		l, ok := g.Link(tt.from, tt.to)
		got := ""
		if ok {
			got = l.Latency.String()
		}
		if got != tt.want {
			t.Errorf("Link(%d,%d) latency = %q, want %q", tt.from, tt.to, got, tt.want)
		}
	}
	// a and c talk through b.
	if p := g.Path(1, 5); fmt.Sprint(p) != "[1 3 5]" {
		t.Errorf("Path(1,5) = %v", p)
	}
}

func TestParseErrors(t *testing.T) {
	const (
		units = "(want bps, Kbps, Mbps, Gbps, Tbps, B/s, KB/s, MB/s, GB/s, TB/s, KiB/s, MiB/s, GiB/s, TiB/s)"
		ms    = "defaults: {latency: 1ms}\n"
	)
	tests := []struct {
		name, data, err string
	}{
		// The example from the package documentation.
		{"net.yaml", "nodes: 5\nbase: mesh\ndefaults: {latency: 1ms}\nedges:\n  - {from: 1, to: 2}\n  - {from: 2, to: 3}\n  - {from: 3, to: 4, loss: 1.5}\n",
			"topology: net.yaml:7: edges[2].loss: 1.5 not in [0,1]"},
		{"net.yaml", "", "topology: net.yaml: empty file"},
		{"net.yaml", "# nothing\n", "topology: net.yaml: empty file"},
		{"net.yaml", "- 1\n- 2\n", "topology: net.yaml:1: want a mapping, got a list"},
		{"net.yaml", "base: mesh\n", "topology: net.yaml:1: nodes: missing"},
		{"net.yaml", "nodes: 3\nfoo: 1\n", "topology: net.yaml:2: foo: unknown field (want nodes, base, defaults, groups, regions, links, edges, node)"},
		{"net.yaml", "nodes: 3\nnodes: 4\n", "topology: net.yaml:2: nodes: duplicate key"},
		{"net.yaml", "nodes: five\n", `topology: net.yaml:1: nodes: want an integer, got string "five"`},
		{"net.yaml", "nodes: 2.0\n", `topology: net.yaml:1: nodes: want an integer, got number 2.0`},
		{"net.yaml", "nodes: 0\n", "topology: net.yaml:1: nodes: 0 not in [1,1000]"},
		{"net.yaml", "nodes: 5000\n", "topology: net.yaml:1: nodes: 5000 not in [1,1000]"},
		{"net.yaml", "nodes: 99999999999999999999\n", "topology: net.yaml:1: nodes: want an integer, got number 99999999999999999999"},
		{"net.yaml", "nodes: [1\n", "topology: net.yaml:1: did not find expected ',' or ']'"},
		{"net.yaml", "nodes: 3\n---\nnodes: 4\n", "topology: net.yaml:2: more than one YAML document"},
		{"net.yaml", "nodes: 3\nbase: torus\n", `topology: net.yaml:2: base: unknown topology "torus" (want mesh, star, ring, line, none)`},
		{"net.yaml", "nodes: 3\nbase: [mesh]\n", `topology: net.yaml:2: base: want a string, got a list`},
		{"net.yaml", "nodes: 3\nbase: mesh\n", "topology: net.yaml:2: base: mesh needs a latency for its edges: set defaults.latency"},
		{"net.yaml", "nodes: 3\ndefaults: {latency: 1ms, jitter: 1ms}\n", "topology: net.yaml:2: defaults.jitter: unknown field (want latency, loss, bandwidth, dup, reorder)"},
		{"net.yaml", "nodes: 3\ndefaults: {loss: 2}\n", "topology: net.yaml:2: defaults.loss: 2 not in [0,1]"},
		{"net.yaml", "nodes: 3\ndefaults: {dup: 1.5}\n", "topology: net.yaml:2: defaults.dup: 1.5 not in [0,1]"},
		{"net.yaml", "nodes: 3\ndefaults: {reorder: -0.1}\n", "topology: net.yaml:2: defaults.reorder: -0.1 not in [0,1]"},
		{"net.json", `{"nodes": 3, "defaults": {"latency": "1ms"}, "edges": [{"from": 1, "to": 2, "dup": 2}]}`, "topology: net.json: edges[0].dup: 2 not in [0,1]"},
		{"net.yaml", "nodes: 3\ndefaults: {loss: .nan}\n", "topology: net.yaml:2: defaults.loss: NaN not in [0,1]"},
		{"net.yaml", "nodes: 3\ndefaults: {loss: \"0.1\"}\n", `topology: net.yaml:2: defaults.loss: want a number, got string "0.1"`},
		{"net.yaml", "nodes: 3\ndefaults:\n  latency: gauss:1ms\n",
			`topology: net.yaml:3: defaults.latency: latency: "gauss:1ms": unknown distribution "gauss" (want const, uniform, normal, exp, lognormal, pareto)`},
		{"net.yaml", "nodes: 3\ndefaults: {bandwidth: 10Xbps}\n", `topology: net.yaml:2: defaults.bandwidth: "10Xbps": unknown unit "Xbps" ` + units},
		{"net.yaml", "nodes: 3\ndefaults: 1ms\n", `topology: net.yaml:2: defaults: want a mapping, got string "1ms"`},
		{"net.yaml", "nodes: 3\nedges: {from: 1, to: 2}\n", "topology: net.yaml:2: edges: want a list, got a mapping"},
		{"net.yaml", "nodes: 3\nedges:\n", "topology: net.yaml:2: edges: want a list, got null"},
		{"net.yaml", "nodes: 3\nedges:\n  - {from: 1, to: 2, latency: 1ms, lossy: 0.1}\n",
			"topology: net.yaml:3: edges[0].lossy: unknown field (want from, to, both, remove, latency, loss, bandwidth, dup, reorder)"},
		{"net.yaml", "nodes: 3\nedges:\n  - from: 1\n    latency: 1ms\n", "topology: net.yaml:3: edges[0].to: missing"},
		{"net.yaml", "nodes: 3\n" + ms + "edges:\n  - {from: 1, to: 9}\n", "topology: net.yaml:4: edges[0].to: node 9 not in 1..3"},
		{"net.yaml", "nodes: 3\n" + ms + "edges:\n  - {from: 0, to: 1}\n", "topology: net.yaml:4: edges[0].from: node 0 not in 1..3"},
		{"net.yaml", "nodes: 3\n" + ms + "edges:\n  - {from: 2, to: 2}\n", "topology: net.yaml:4: edges[0].to: self loop 2->2"},
		{"net.yaml", "nodes: 3\n" + ms + "edges:\n  - {from: \"1\", to: 2}\n", `topology: net.yaml:4: edges[0].from: want an integer, got string "1"`},
		{"net.yaml", "nodes: 3\n" + ms + "edges:\n  - {from: 1, to: 2, both: yes}\n", `topology: net.yaml:4: edges[0].both: want true or false, got string "yes"`},
		{"net.yaml", "nodes: 3\nedges:\n  - {from: 1, to: 2}\n", "topology: net.yaml:3: edges[0].latency: missing, and there is no default latency"},
		{"net.yaml", "nodes: 3\n" + ms + "edges:\n  - {from: 1, to: 2, latency: \"uniform:8ms:2ms\"}\n",
			`topology: net.yaml:4: edges[0].latency: latency: "uniform:8ms:2ms": min 8ms > max 2ms`},
		{"net.yaml", "nodes: 3\n" + ms + "edges:\n  - {from: 1, to: 2, bandwidth: 100}\n",
			`topology: net.yaml:4: edges[0].bandwidth: "100": missing unit ` + units},
		{"net.yaml", "nodes: 3\n" + ms + "edges:\n  - {from: 1, to: 2, remove: true}\n", "topology: net.yaml:4: edges[0].remove: no edge 1->2 to remove"},
		{"net.yaml", "nodes: 3\nbase: line\n" + ms + "edges:\n  - {from: 1, to: 2, remove: true, loss: 0}\n",
			"topology: net.yaml:5: edges[0].loss: not allowed with remove: true"},
		{"net.yaml", "nodes: 3\nbase: line\n" + ms + "edges:\n  - {from: 1, to: 3, both: true, remove: true}\n",
			"topology: net.yaml:5: edges[0].remove: no edge 1->3 to remove"},
		{"net.yaml", "nodes: 3\ngroups: {a: [1, 4]}\n", "topology: net.yaml:2: groups.a[1]: node 4 not in 1..3"},
		{"net.yaml", "nodes: 3\ngroups: {a: [1, 1]}\n", "topology: net.yaml:2: groups.a[1]: node 1 listed twice"},
		{"net.yaml", "nodes: 3\ngroups: {a: []}\n", "topology: net.yaml:2: groups.a: empty group"},
		{"net.yaml", "nodes: 3\ngroups: {a: 1}\n", "topology: net.yaml:2: groups.a: want a list, got integer 1"},
		{"net.yaml", "nodes: 3\ngroups: {a: [1], a: [2]}\n", "topology: net.yaml:2: groups.a: duplicate key"},
		{"net.yaml", "nodes: 3\n" + ms + "groups: {a: [1], b: [2]}\nlinks:\n  - {between: [a, c]}\n",
			`topology: net.yaml:5: links[0].between[1]: unknown group "c"`},
		{"net.yaml", "nodes: 3\n" + ms + "groups: {a: [1], b: [2]}\nlinks:\n  - {between: [a]}\n",
			"topology: net.yaml:5: links[0].between: want at least 2 groups, got 1"},
		{"net.yaml", "nodes: 3\n" + ms + "groups: {a: [1], b: [2]}\nlinks:\n  - {between: [a, a]}\n",
			`topology: net.yaml:5: links[0].between[1]: group "a" listed twice`},
		{"net.yaml", "nodes: 3\n" + ms + "groups: {a: [1], b: [2]}\nlinks:\n  - {latency: 1ms}\n",
			"topology: net.yaml:5: links[0]: want between or within"},
		{"net.yaml", "nodes: 3\n" + ms + "groups: {a: [1], b: [2]}\nlinks:\n  - {within: a, between: [a, b]}\n",
			"topology: net.yaml:5: links[0]: between and within are exclusive"},
		{"net.yaml", "nodes: 3\n" + ms + "groups: {a: [1], b: [2]}\nlinks:\n  - {within: a, remove: true, latency: 1ms}\n",
			"topology: net.yaml:5: links[0].latency: not allowed with remove: true"},
		{"net.yaml", "nodes: 3\n" + ms + "groups: {a: [1], b: [2]}\nlinks:\n  - {within: a, to: 2}\n",
			"topology: net.yaml:5: links[0].to: unknown field (want between, within, remove, latency, loss, bandwidth, dup, reorder)"},
		{"net.yaml", "nodes: 3\n" + ms + "links:\n  - {within: a}\n", `topology: net.yaml:4: links[0].within: unknown group "a"`},

		// JSON: field paths, no line numbers except for syntax errors.
		{"net.json", `{"nodes": 5, "base": "mesh", "defaults": {"latency": "1ms"}, "edges": [{"from": 1, "to": 2}, {"from": 2, "to": 3}, {"from": 3, "to": 4, "loss": 1.5}]}`,
			"topology: net.json: edges[2].loss: 1.5 not in [0,1]"},
		{"net.json", ``, "topology: net.json: empty file"},
		{"net.json", `{"Nodes": 3}`, "topology: net.json: Nodes: unknown field (want nodes, base, defaults, groups, regions, links, edges, node)"},
		{"net.json", `{"nodes": 3, "nodes": 4}`, "topology: net.json: nodes: duplicate key"},
		{"net.json", `{"nodes": 3, "groups": {"a": [1], "a": [2]}}`, "topology: net.json: groups.a: duplicate key"},
		{"net.json", `{"nodes": 3, "edges": [{"from": 1, "to": 2, "From": 1}]}`,
			"topology: net.json: edges[0].From: unknown field (want from, to, both, remove, latency, loss, bandwidth, dup, reorder)"},
		{"net.json", `{"nodes": 3, "foo": 1}`, "topology: net.json: foo: unknown field (want nodes, base, defaults, groups, regions, links, edges, node)"},
		{"net.json", `{"nodes": 3.5}`, "topology: net.json: nodes: want an integer, got number 3.5"},
		{"net.json", `{"nodes": "3"}`, "topology: net.json: nodes: want an integer, got a string"},
		{"net.json", `[1]`, "topology: net.json: want a mapping, got a list"},
		{"net.json", "{\n  \"nodes\": 3,\n  \"edges\": [\n    {\"from\": 1,}\n  ]\n}", "topology: net.json:4: invalid character '}' looking for beginning of object key string"},
		{"net.json", `{"nodes": 3} {}`, "topology: net.json: unexpected data after the JSON value"},
		{"net.json", `{"nodes": 3, "edges": [{"from": 1, "to": 2, "latency": "1ms", "lossy": 1}]}`,
			"topology: net.json: edges[0].lossy: unknown field (want from, to, both, remove, latency, loss, bandwidth, dup, reorder)"},
		{"net.json", `{"nodes": 3, "edges": [{"from": 1, "to": 2, "loss": "0.1"}]}`, "topology: net.json: edges[0].loss: want a number, got a string"},
		{"net.json", `{"nodes": 3, "edges": [{"from": 1, "to": 2, "latency": 5}]}`, "topology: net.json: edges[0].latency: want a string, got a number"},
		{"net.json", `{"nodes": 3, "edges": [{"from": 1, "to": 2, "latency": "1ms", "bandwidth": true}]}`, "topology: net.json: edges[0].bandwidth: want a string, got a boolean"},
		{"net.json", `{"nodes": 3, "edges": [{"from": 1, "to": 2, "latency": "1ms", "bandwidth": 100}]}`,
			`topology: net.json: edges[0].bandwidth: "100": missing unit ` + units},
		{"net.json", `{"nodes": 3, "edges": [{"to": 2, "latency": "1ms"}]}`, "topology: net.json: edges[0].from: missing"},
		{"net.json", `{"nodes": 3, "edges": {"from": 1}}`, "topology: net.json: edges: want a list, got a mapping"},
		{"net.json", `{"nodes": 3, "defaults": {"loss": -1}}`, "topology: net.json: defaults.loss: -1 not in [0,1]"},
		{"net.json", `{"nodes": 3, "defaults": {"latency": "1ms", "x": 1}}`, "topology: net.json: defaults.x: unknown field (want latency, loss, bandwidth, dup, reorder)"},
		{"net.json", `{"nodes": 3, "groups": {"a": [1, "2"]}}`, "topology: net.json: groups.a[1]: want an integer, got a string"},
		{"net.json", `{"nodes": 3, "groups": {"a": [1]}, "links": [{"within": "a", "between": ["a"]}]}`, "topology: net.json: links[0]: between and within are exclusive"},
		{"net.json", `{"nodes": 3, "groups": {"a": [1]}, "links": [{"within": "b"}]}`, `topology: net.json: links[0].within: unknown group "b"`},

		{"net.txt", "nodes: 3\n", `topology: net.txt: unknown file extension ".txt" (want .yaml, .yml or .json)`},
		{"net", "nodes: 3\n", `topology: net: unknown file extension "" (want .yaml, .yml or .json)`},
	}
	for _, tt := range tests {
		t.Run(tt.err, func(t *testing.T) {
			g, err := Parse([]byte(tt.data), tt.name, Link{})
			if err == nil {
				t.Fatalf("no error; edges %v", g.Edges())
			}
			if err.Error() != tt.err {
				t.Errorf("error\n got: %s\nwant: %s", err, tt.err)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("multi-line error")
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "nope.yaml")
	if _, err := Load(missing, ms1); err == nil || err.Error() != "topology: open "+missing+": no such file or directory" {
		t.Errorf("missing file: %v", err)
	}
	txt := filepath.Join(dir, "net.txt")
	if err := os.WriteFile(txt, []byte("nodes: 3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(txt, ms1); err == nil || err.Error() != `topology: `+txt+`: unknown file extension ".txt" (want .yaml, .yml or .json)` {
		t.Errorf("unknown extension: %v", err)
	}
	if _, err := Load(dir+"/x.YAML", ms1); err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("upper-case extension should be accepted, then fail to open: %v", err)
	}
	if _, err := Load("testdata/howard-abraham.yaml", Link{Latency: ms1.Latency, Loss: 3}); err == nil ||
		err.Error() != "topology: testdata/howard-abraham.yaml: default link: topology: link loss 3 not in [0,1]" {
		t.Errorf("bad default link: %v", err)
	}
}

func FuzzParse(f *testing.F) {
	for _, file := range []string{"testdata/wan3.yaml", "testdata/howard-abraham.yaml", "testdata/howard-abraham.json"} {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, filepath.Ext(file) == ".json")
	}
	f.Add([]byte("nodes: 3\nbase: ring\nedges: [{from: 1, to: 2, remove: true}]\n"), false)
	f.Add([]byte(`{"nodes": 2, "edges": [{"from": 1, "to": 2, "latency": "1ms"}]}`), true)
	f.Add([]byte("nodes: 3\ngroups: {a: &a [1, 2], b: *a}\nedges: [&e {from: 1, to: 2, latency: &l 2ms}, *e, {from: 2, to: 3, latency: *l}]\n"), false)
	f.Fuzz(func(t *testing.T, data []byte, isJSON bool) {
		name := "fuzz.yaml"
		if isJSON {
			name = "fuzz.json"
		}
		g, err := parse(data, name, ms1, 16) // small limit: keep each run fast
		if err != nil {
			if msg := err.Error(); strings.Contains(msg, "\n") || !strings.HasPrefix(msg, "topology: "+name) {
				t.Fatalf("bad error %q", msg)
			}
			return
		}
		checkInvariants(t, g)
		for _, u := range g.Nodes() {
			for _, v := range g.Nodes() {
				if g.Reachable(u, v) {
					g.Path(u, v) // panics on a routing loop
				}
			}
		}
	})
}

// TestDupReorderFields: a topology file sets duplication and reordering per edge and in its defaults,
// in YAML and in JSON, and an edge that says nothing of them has the run's.
func TestDupReorderFields(t *testing.T) {
	base := Link{Latency: latency.Const(time.Millisecond), Dup: 0.5}
	for name, data := range map[string]string{
		"net.yaml": "nodes: 3\nbase: mesh\ndefaults: {reorder: 0.25}\nedges:\n  - {from: 1, to: 2, dup: 1, reorder: 0}\n",
		"net.json": `{"nodes": 3, "base": "mesh", "defaults": {"reorder": 0.25}, "edges": [{"from": 1, "to": 2, "dup": 1, "reorder": 0}]}`,
	} {
		g, err := Parse([]byte(data), name, base)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if l, _ := g.Link(1, 2); l.Dup != 1 || l.Reorder != 0 {
			t.Errorf("%s: 1->2 %v, want dup 1 reorder 0", name, l)
		}
		if l, _ := g.Link(2, 1); l.Dup != 0.5 || l.Reorder != 0.25 {
			t.Errorf("%s: 2->1 %v, want the run's dup 0.5 and the file's reorder 0.25", name, l)
		}
	}
}
