package msc_test

import (
	"bytes"
	"encoding/xml"
	"flag"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/raftsim/raftsim/trace"
	"github.com/raftsim/raftsim/trace/msc"
)

var update = flag.Bool("update", false, "rewrite the golden charts in testdata/")

// TestGolden draws charts of ../testdata/small.jsonl (its README names the command that wrote it) and
// compares them with testdata/*.svg byte for byte: the default window (the split vote and the election
// of term 2), a window with the clients, the crash of the leader and the election after it, and a
// chart cut at 12 messages.
func TestGolden(t *testing.T) {
	tests := []struct {
		name string
		o    msc.Options
		want []string // fragments the chart must hold
	}{
		{"default", msc.Options{Title: "small.jsonl"},
			[]string{"candidate t1", "leader t2", "vote_resp t1 no", "by default, the first election"}},
		{"crash", msc.Options{From: 440 * time.Millisecond, To: 700 * time.Millisecond, Clients: true, Title: "small.jsonl, the crash"},
			[]string{">crash<", ">c1<", "leader t3", "restart"}},
		{"cut", msc.Options{MaxMessages: 12, Title: "small.jsonl, cut"},
			[]string{"cut: only the first 12 messages"}},
		{"votes", msc.Options{Types: []string{"vote", "vote_resp"}, Nodes: []uint64{3, 1}, Title: "small.jsonl, votes of n3 and n1"},
			[]string{">n3<", ">n1<"}},
	}
	data, err := os.ReadFile("../testdata/small.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			draw := func() []byte {
				tr := trace.NewReader(bytes.NewReader(data))
				events, err := msc.Collect(tr, tt.o)
				if err != nil {
					t.Fatal(err)
				}
				var b bytes.Buffer
				if err := msc.Write(&b, events, tr.Info(), tt.o); err != nil {
					t.Fatal(err)
				}
				return b.Bytes()
			}
			got := draw()
			if !bytes.Equal(got, draw()) {
				t.Fatal("two charts of the same events differ")
			}
			// Drawn from every event, not the collected ones, the chart is the same.
			all, info, err := trace.ReadAll(bytes.NewReader(data), nil)
			if err != nil {
				t.Fatal(err)
			}
			var fromAll bytes.Buffer
			if err := msc.Write(&fromAll, all, info, tt.o); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, fromAll.Bytes()) {
				t.Error("the chart of every event differs from the chart of the collected ones")
			}
			wellFormed(t, got)
			for _, w := range tt.want {
				if !bytes.Contains(got, []byte(w)) {
					t.Errorf("the chart has no %q", w)
				}
			}
			file := "testdata/" + tt.name + ".svg"
			if *update {
				if err := os.WriteFile(file, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("the chart differs from %s (go test ./trace/msc/ -update rewrites it)", file)
			}
		})
	}
}

// wellFormed fails unless b is well-formed XML whose root is an svg element.
func wellFormed(t *testing.T, b []byte) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(b))
	root := ""
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v", err)
		}
		if s, ok := tok.(xml.StartElement); ok && root == "" {
			root = s.Name.Local
		}
	}
	if root != "svg" {
		t.Fatalf("root element %q, want svg", root)
	}
}

// TestEscapes: text from the trace (a fault's description, a violation's detail) is escaped.
func TestEscapes(t *testing.T) {
	events := []trace.Event{
		{T: 1, Kind: trace.KindState, Ev: "state", Node: 1, State: "candidate", Term: 1},
		{T: 2, Kind: trace.KindFault, Ev: "fault", Fault: "partition", Desc: `2s:1|2 <script>&"`},
		{T: 3, Kind: trace.KindViolation, Ev: "violation", Invariant: "x<y", Detail: "a&b"},
	}
	var b bytes.Buffer
	if err := msc.Write(&b, events, trace.Info{Nodes: 2}, msc.Options{Title: "<title>"}); err != nil {
		t.Fatal(err)
	}
	wellFormed(t, b.Bytes())
	if strings.Contains(b.String(), "<script>") || strings.Contains(b.String(), "<title>") {
		t.Error("text from the trace reached the SVG unescaped")
	}
}

func TestNoNodes(t *testing.T) {
	if err := msc.Write(io.Discard, nil, trace.Info{Inferred: true}, msc.Options{}); err == nil || !strings.HasPrefix(err.Error(), "msc: ") {
		t.Errorf("an empty trace: %v", err)
	}
}
