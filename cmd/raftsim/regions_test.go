package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/raftsim/raftsim/cluster"
)

// TestRegionsRun runs a region preset through the binary: the summary has a region per preset region,
// each with its clients' latency and the prediction; the text summary too.
func TestRegionsRun(t *testing.T) {
	r := raftsim(t, nil, "run", "--regions", "aws3", "--nodes", "3", "--clients", "3", "--bootstrap", "1",
		"--election-timeout", "1s:2s", "--duration", "6s", "--measure-from", "2s", "--check", "--json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var s cluster.Summary
	if err := json.Unmarshal([]byte(r.stdout), &s); err != nil {
		t.Fatal(err)
	}
	if len(s.Regions) != 3 || s.Regions[2].Name != "ap-northeast-1" || s.Regions[2].Writes.OK == 0 || s.Regions[2].Leader != 1 {
		t.Fatalf("regions %+v", s.Regions)
	}
	r = raftsim(t, nil, "run", "--regions", "aws5", "--nodes", "5", "--clients", "5", "--client-region", "eu-west-1", "--duration", "3s")
	if r.code != 0 || !strings.Contains(r.stdout, "region          eu-west-1: nodes 3, 5 clients") {
		t.Errorf("exit %d, summary:\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = raftsim(t, nil, "run", "--arrival-rate", "500", "--clients", "8", "--key-zipf", "1.2", "--value-sizes", "uniform:64:4096", "--duration", "3s", "--check", "--json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	s = cluster.Summary{}
	if err := json.Unmarshal([]byte(r.stdout), &s); err != nil {
		t.Fatal(err)
	}
	if a := s.Arrivals; a == nil || a.Offered < 1000 || s.ClientOps.OK == 0 {
		t.Errorf("arrivals %+v, writes %+v", a, s.ClientOps)
	}
}

// TestRegionsBadInput: every bad region or workload setting is one line naming the flag (or the topology file),
// exit status 2, and nothing written.
func TestRegionsBadInput(t *testing.T) {
	dir := t.TempDir()
	topo := filepath.Join(dir, "r.yaml")
	if err := os.WriteFile(topo, []byte("nodes: 3\nregions:\n  - {name: a, latency: 1ms}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("nodes: 3\nregions:\n  - {name: a, nodes: [1], latency: 1ms}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	trace := filepath.Join(dir, "trace.jsonl")
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--regions", "aws4"}, "raftsim: --regions aws4: want none, aws3 or aws5"},
		{[]string{"--regions", "aws3", "--topology", "ring"}, `raftsim: --regions aws3: aws3 is a whole topology: leave topology at mesh (it is "ring")`},
		{[]string{"--regions", "aws3", "--client-region", "mars"}, `raftsim: --client-region mars: "mars" is not a region of aws3`},
		{[]string{"--client-region", "mars"}, "raftsim: --client-region mars: a mesh topology has no regions"},
		{[]string{"--client-region", ""}, "raftsim: --client-region: empty: want spread or a region's name"},
		{[]string{"--nodes", "3", "--topology", topo, "--client-region", "b"}, `raftsim: client-region: "b" is not a region of the topology (want a, or spread)`},
		{[]string{"--regions", "aws3", "--client-loss", "0.1"}, "raftsim: client-loss: the topology has regions, and a client reaches a node over the link between their regions: set it in the regions (or leave it at same)"},
		{[]string{"--nodes", "3", "--topology", bad}, "raftsim: --topology " + bad + ": " + bad + ":3: regions: node 2 is in no region"},
		// the workload models
		{[]string{"--arrival-rate", "2e6"}, "raftsim: --arrival-rate 2e6: 2e+06: want a number in [0, 1e+06]"},
		{[]string{"--arrival-rate", "10", "--clients", "0"}, "raftsim: --arrival-rate 10: open-loop arrivals need clients"},
		{[]string{"--key-zipf", "1"}, "raftsim: --key-zipf 1: want 0 or a number above 1, at most 1000"},
		{[]string{"--value-sizes", "exp:x"}, `raftsim: --value-sizes exp:x: "x" is not a size in bytes`},
	} {
		args := append([]string{"run", "--trace", trace}, tt.args...)
		r := raftsim(t, nil, args...)
		if r.code != 2 || !strings.HasPrefix(r.stderr, tt.want) || strings.Count(r.stderr, "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tt.args, r.code, r.stderr, tt.want)
		}
		if _, err := os.Stat(trace); err == nil {
			t.Errorf("%v: the trace was written", tt.args)
		}
	}
}
