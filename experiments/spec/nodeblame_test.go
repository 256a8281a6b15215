package spec

import (
	"strings"
	"testing"
)

// TestNodeEntryBlamesTheAxis: a per-node entry naming a node that a point of the sweep lacks is
// blamed on the axis that made that point, as a schedule entry is, not on the entry alone (which is
// fine at the other points).
func TestNodeEntryBlamesTheAxis(t *testing.T) {
	for _, tt := range []struct{ src, want string }{
		{"name: x\ncluster:\n  node: [\"5:fsync=const:1ms\"]\naxes:\n  - {param: nodes, values: [5, 3]}\n",
			"t.yaml:5: axes[0] (nodes=3): node: 5:fsync=const:1ms: node 5 is not in 1..3 (or all)"},
		{"name: x\ncluster:\n  nodes: 3\n  node: [\"5:fsync=const:1ms\"]\n",
			"t.yaml:4: cluster.node: node: 5:fsync=const:1ms: node 5 is not in 1..3 (or all)"},
		{"name: x\nscenario: {schedule: [\"filter drop all 1->5 @1s\"]}\naxes:\n  - {param: nodes, values: [5, 3]}\n",
			"axes[0] (nodes=3)"},
	} {
		_, err := Parse([]byte(tt.src), "testdata/specs/t.yaml")
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: error %v, want %q", tt.src, err, tt.want)
		}
	}
}
