package yamlnode

import (
	"fmt"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// walk visits every node of n as a strict reader does, following aliases through b, and returns the
// bytes of the scalars it read.
func walk(b *Budget, n *yaml.Node) int {
	n = b.Resolve(n)
	total := len(n.Value)
	for _, c := range n.Content {
		total += walk(b, c)
	}
	return total
}

func TestBudget(t *testing.T) {
	laughs := "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
	for i := 'b'; i <= 'i'; i++ {
		laughs += fmt.Sprintf("%c: &%c [%s]\n", i, i, strings.Repeat("*"+string(i-1)+", ", 9)+"*"+string(i-1))
	}
	var wide strings.Builder
	wide.WriteString("big: &big \"" + strings.Repeat("x", 1<<20) + "\"\nuses:\n")
	for range 20 {
		wide.WriteString("  - *big\n")
	}
	tests := []struct {
		name, src string
		want      string // the budget's error; "" for none
		read      int    // bytes read, when within budget
	}{
		{"a few aliases", "a: &a {k: vv}\nb: *a\nc: [*a, *a]\n", "", 1 + 1 + 2 + 1 + 1 + 2 + 1 + 2*(1+2)},
		{"billion laughs", laughs, "line 2: more than 10000 aliases followed", 0},
		{"1 MB quoted 20 times", wide.String(), "line 18: the aliases followed so far expand to more than 16777216 bytes (16 MiB, the most read from a file): write the values out, or quote fewer", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var doc yaml.Node
			if err := yaml.Unmarshal([]byte(tt.src), &doc); err != nil {
				t.Fatal(err)
			}
			var b Budget
			read := walk(&b, &doc)
			switch err := b.Err(); {
			case tt.want == "" && err != nil:
				t.Fatalf("over budget: %v", err)
			case tt.want == "" && read != tt.read:
				t.Fatalf("read %d bytes, want %d", read, tt.read)
			case tt.want != "" && (err == nil || err.Error() != tt.want):
				t.Fatalf("err = %v, want %s", err, tt.want)
			case tt.want != "" && read > MaxExpanded+1<<20:
				t.Fatalf("read %d bytes before stopping", read)
			}
		})
	}
}
