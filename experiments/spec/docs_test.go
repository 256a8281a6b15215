package spec

import (
	"os"
	"strings"
	"testing"

	"github.com/raftsim/raftsim/experiments/measure"
)

// TestDocs keeps docs/experiments.md in step with the code: every parameter has a table row giving its
// default, and every measure is described.
func TestDocs(t *testing.T) {
	data, err := os.ReadFile("../../docs/experiments.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	rows := map[string]string{}
	for _, line := range strings.Split(doc, "\n") {
		if strings.HasPrefix(line, "| `") {
			name, _, _ := strings.Cut(strings.TrimPrefix(line, "| `"), "`")
			if _, dup := rows[name]; !dup {
				rows[name] = line
			}
		}
	}
	for _, p := range Params() {
		row, ok := rows[p.Name]
		if !ok {
			t.Errorf("parameter %s has no table row", p.Name)
			continue
		}
		want := "`" + p.Default + "`"
		switch {
		case p.Kind == Mapping:
			want = "`null`"
		case p.Kind == List:
			want = "`[]`"
		}
		if !strings.Contains(row, want) {
			t.Errorf("parameter %s: the row does not give the default %s:\n%s", p.Name, want, row)
		}
	}
	for _, m := range measure.Names {
		if !strings.Contains(doc, "`"+m+"`") {
			t.Errorf("measure %s is not described", m)
		}
	}
	for _, k := range []string{"name", "description", "seed", "trials", "cluster", "scenario", "axes", "plots", "reference"} {
		if _, ok := rows[k]; !ok {
			t.Errorf("top-level key %s has no table row", k)
		}
	}
}

// TestDocExamples parses the examples of docs/experiments.md that are a whole spec or a section of one;
// panel fragments need a sweep around them and are left out.
func TestDocExamples(t *testing.T) {
	data, err := os.ReadFile("../../docs/experiments.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := strings.Split(string(data), "```yaml\n")[1:]
	checked := 0
	for i, b := range blocks {
		src, _, _ := strings.Cut(b, "```")
		switch {
		case strings.Contains(src, "topologies/"): // names a file of the reader's
			continue
		case strings.HasPrefix(src, "name:"):
		case strings.HasPrefix(src, "cluster:"), strings.HasPrefix(src, "scenario:"), strings.HasPrefix(src, "axes:"):
			src = "name: x\n" + src
		default:
			continue
		}
		checked++
		if _, err := Parse([]byte(src), "doc.yaml"); err != nil {
			t.Errorf("example %d: %v\n%s", i, err, src)
		}
	}
	if checked < 8 {
		t.Errorf("only %d examples checked", checked)
	}
}
