package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReplayWarns: replay of a world file says the configuration's warnings as raftsim run does. A
// world written by hand whose clocks break the lease's drift bound fails Read Freshness because of its
// clocks, not Raft: the verdict alone did not say so. A drawn world has none (seed 7 prints nothing).
func TestReplayWarns(t *testing.T) {
	dir := t.TempDir()
	world := filepath.Join(dir, "world.yaml")
	const spec = "name: hand\nseed: 5\nduration: 1s\ncluster:\n  nodes: 3\n  read_mode: lease\n  check_quorum: true\n  read_ratio: 0.5\n  node: ['1:clock_rate=+360000ppm']\n"
	if err := os.WriteFile(world, []byte(spec), 0o644); err != nil {
		t.Fatal(err)
	}
	const want = "raftsim: warning: lease reads with clocks outside clock_drift 0: node 2's lease (150ms / 1 at clock_rate 1: 150ms of simulated time) outlasts node 1's minimum election timeout (150ms at clock_rate 1.36: 110.294118ms)"
	r := raftsim(t, nil, "replay", world, "--quiet")
	if r.code != 0 || strings.Count(r.stderr, "raftsim: warning: ") != 1 || !strings.Contains(r.stderr, want) {
		t.Fatalf("replay %s: exit %d, stderr %q, want one warning %q", world, r.code, r.stderr, want)
	}
	// --shrink says them before it starts (this world passes: nothing to shrink, exit 1).
	r = raftsim(t, nil, "replay", world, "--shrink", filepath.Join(dir, "small.yaml"))
	if r.code != 1 || !strings.Contains(r.stderr, want) || !strings.Contains(r.stderr, "does not fail") {
		t.Fatalf("replay --shrink: exit %d, stderr %q", r.code, r.stderr)
	}
	if r := raftsim(t, nil, "replay", "7", "--quiet"); r.code != 0 || strings.Contains(r.stderr, "warning") {
		t.Fatalf("replay 7: exit %d, stderr %q", r.code, r.stderr)
	}
}
