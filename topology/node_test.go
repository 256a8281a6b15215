package topology

import (
	"slices"
	"strings"
	"testing"
)

// TestNodeSettings: a file's node: list is kept, in order, for the cluster to apply, in YAML and JSON
// alike; a node outside the file's nodes, a malformed entry, or one the checker (package cluster's,
// when set) refuses is an error naming the line and the entry; a clone keeps them.
func TestNodeSettings(t *testing.T) {
	want := []string{"3:fsync=const:30ms", "all:cpu=exp:50us"}
	for _, tt := range []struct{ name, data string }{
		{"n.yaml", "nodes: 3\nbase: mesh\ndefaults: {latency: 1ms}\nnode:\n  - \"3:fsync=const:30ms\"\n  - \"all:cpu=exp:50us\"\n"},
		{"n.json", `{"nodes": 3, "base": "mesh", "defaults": {"latency": "1ms"}, "node": ["3:fsync=const:30ms", "all:cpu=exp:50us"]}`},
	} {
		g, err := Parse([]byte(tt.data), tt.name, Link{})
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if got := g.NodeSettings(); !slices.Equal(got, want) {
			t.Errorf("%s: %q, want %q", tt.name, got, want)
		}
		if got := g.Clone().NodeSettings(); !slices.Equal(got, want) {
			t.Errorf("%s: clone: %q, want %q", tt.name, got, want)
		}
	}
	if g, _ := Generate("mesh", 3, Link{Latency: nil}); g != nil && g.NodeSettings() != nil {
		t.Error("a generated graph has node settings")
	}

	defer func(f func(string) error) { CheckNodeSetting = f }(CheckNodeSetting)
	CheckNodeSetting = func(s string) error {
		if strings.Contains(s, "bad") {
			return errBad
		}
		return nil
	}
	for _, tt := range []struct{ name, data, err string }{
		{"n.yaml", "nodes: 3\nnode:\n  - \"4:cpu=1ms\"\n", `topology: n.yaml:3: node[0]: "4:cpu=1ms": node "4" is not in 1..3 (or all)`},
		{"n.yaml", "nodes: 3\nnode:\n  - \"cpu=1ms\"\n", `topology: n.yaml:3: node[0]: "cpu=1ms": want ID:key=value`},
		{"n.yaml", "nodes: 3\nnode:\n  - \"2:cpu=bad\"\n", `topology: n.yaml:3: node[0]: bad value`},
		{"n.yaml", "nodes: 3\nnode: \"2:cpu=1ms\"\n", `topology: n.yaml:2: node: want a list`},
		{"n.json", `{"nodes": 3, "node": [3]}`, `topology: n.json: node[0]:`},
	} {
		_, err := Parse([]byte(tt.data), tt.name, Link{})
		if err == nil || !strings.HasPrefix(err.Error(), tt.err) {
			t.Errorf("%s %q: %v, want %q", tt.name, tt.data, err, tt.err)
		}
	}
}

type badError struct{}

func (badError) Error() string { return "bad value" }

var errBad = badError{}
