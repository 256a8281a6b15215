package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// These tests are the breaker's of issue 8: input that a hostile user gives the features of the
// issue (per-node settings, gray failures, role targets, filters, links, regions, workloads) gets one
// line naming what is wrong and exit 2, and what parses runs without an explosion.

// TestBreakerTopologyNodeKeys: a topology file's node: entry quotes the file's own vocabulary back
// (disk_bandwidth, election_timeout), not the run's flags of the same name (--disk-bandwidth).
func TestBreakerTopologyNodeKeys(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "t.yaml")
	if err := os.WriteFile(file, []byte("nodes: 3\nnode:\n  - \"1:bogus=1\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := raftsim(t, nil, "run", "--nodes", "3", "--duration", "1s", "--topology", file)
	exitLine(t, r, 2, `unknown key "bogus": want one of fsync, disk_bandwidth, election_timeout, heartbeat, clock_rate, cpu`)
}

// TestBreakerDupRouted: dup 1 on every link of a routed line of 13 nodes duplicates each message once,
// not once per hop: 2^12 copies of a message from one end to the other made 1.85 million messages in
// 2 s of simulated time (21 s of CPU); once per message, about ten thousand.
func TestBreakerDupRouted(t *testing.T) {
	r := raftsim(t, nil, "run", "--dup", "1", "--routing", "shortest-path", "--topology", "line", "--nodes", "13",
		"--duration", "2s", "--json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var s struct{ Messages int }
	if err := json.Unmarshal([]byte(r.stdout), &s); err != nil {
		t.Fatal(err)
	}
	if s.Messages == 0 || s.Messages > 50_000 {
		t.Fatalf("%d messages, want some and at most 50,000 (copies compounding hop by hop)", s.Messages)
	}
}

// TestBreakerPresetLatency: --latency beside a region preset, which sets every link's latency, is
// refused with one line rather than silently ignored.
func TestBreakerPresetLatency(t *testing.T) {
	exitLine(t, raftsim(t, nil, "run", "--regions", "aws3", "--latency", "const:100ms", "--duration", "1s"), 2,
		"--latency const:100ms: aws3 sets the latency of every link")
}

// TestBreakerOpenLoopThink: --think beside --arrival-rate did nothing; it is refused with one line.
func TestBreakerOpenLoopThink(t *testing.T) {
	exitLine(t, raftsim(t, nil, "run", "--arrival-rate", "100", "--think", "10ms", "--duration", "1s"), 2,
		"--think 10ms: open-loop clients (arrival-rate 100) take operations as they arrive and never think")
}

// TestBreakerFlapLinksBlamed: a --flap-links pair outside the cluster was blamed on --flap-up, the
// first flag of the flap mapping; the flag that set the field is named.
func TestBreakerFlapLinksBlamed(t *testing.T) {
	exitLine(t, raftsim(t, nil, "run", "--flap-up", "exp:1s", "--flap-down", "exp:1s", "--flap-links", "1<->9", "--duration", "1s"), 2,
		"raftsim: --flap-links 1<->9: node 9 is not in 1..5")
}
