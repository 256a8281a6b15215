package topology

import (
	"fmt"
	"strings"
	"testing"
)

// TestTooManyRegions: the graph keeps a link between every two regions, so a file of a megabyte
// declaring 60,000 regions asked for 3.6 billion of them and ended the run out of memory with a stack
// trace. More than MaxRegions is an error naming the list; MaxRegions loads.
func TestTooManyRegions(t *testing.T) {
	file := func(r int) []byte {
		var b strings.Builder
		b.WriteString("nodes: 3\nregions:\n")
		for i := range r {
			fmt.Fprintf(&b, "  - {name: r%d}\n", i)
		}
		return []byte(b.String())
	}
	_, err := parse(file(60000), "t.yaml", ms1, MaxFileNodes)
	if want := "t.yaml:3: regions: 60000 regions: at most 1000"; err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("error %v, want one containing %q", err, want)
	}
	g, err := parse(file(MaxRegions), "t.yaml", ms1, MaxFileNodes)
	if err != nil || len(g.Regions()) != MaxRegions {
		t.Fatalf("%d regions: %v", MaxRegions, err)
	}
}
