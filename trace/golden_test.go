package trace_test

import (
	"bytes"
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/raftsim/raftsim/trace"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestShowGolden: the words every event of testdata/small.jsonl is shown in (trace.Line), against
// testdata/small.show. The same text must come from a copy without its header: the endpoints are then
// inferred.
func TestShowGolden(t *testing.T) {
	data, err := os.ReadFile("testdata/small.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	show := func(data []byte) string {
		events, info, err := trace.ReadAll(bytes.NewReader(data), nil)
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for i := range events {
			b.WriteString(trace.Line(&events[i], info) + "\n")
		}
		return b.String()
	}
	got := show(data)
	if *update {
		if err := os.WriteFile("testdata/small.show", []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile("testdata/small.show")
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("trace.Line differs from testdata/small.show (go test ./trace/ -update rewrites it):\n%s", got)
	}
	_, headerless, _ := bytes.Cut(data, []byte("\n"))
	if old := show(headerless); old != got {
		t.Errorf("without its header the trace shows differently:\n%s", old)
	}
}
