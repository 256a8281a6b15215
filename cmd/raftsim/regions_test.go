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
	if r.code != 0 || !strings.Contains(r.stdout, "eu-west-1") {
		t.Errorf("exit %d, summary:\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// TestRegionsBadInput: every bad region setting is one line naming the flag (or the topology file),
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
		{[]string{"--nodes", "3", "--topology", bad}, "raftsim: --topology " + bad + ": " + bad + ":3: regions: node 2 is in no region"},
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
