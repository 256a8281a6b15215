package cluster

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestLeaseClockWarningNumbers: the lease warning's numbers read as they were written. A rate given in
// ppm (+360000ppm is 1 + 0.36, 1.3599999999999999 in binary) and the lease's divisor 1 + clock_drift
// (1 + 0.14 is 1.1400000000000001) printed with every binary digit; the whole message is checked, its
// durations included (150ms / 1.14 = 131.578947ms; 150ms / 1.36 = 110.294118ms).
func TestLeaseClockWarningNumbers(t *testing.T) {
	for _, tt := range []struct {
		drift float64
		nodes []string
		want  string
	}{
		{0.14, []string{"2:clock_rate=+360000ppm"},
			"lease reads with clocks outside clock_drift 0.14: node 1's lease (150ms / 1.14 at clock_rate 1: 131.578947ms of simulated time) outlasts node 2's minimum election timeout (150ms at clock_rate 1.36: 110.294118ms), so a leader cut off may serve stale reads (thesis §6.4.1)"},
		{0.5, []string{"all:clock_rate=0.5", "3:clock_rate=0.86", "2:election_timeout=90ms:200ms"},
			"lease reads with clocks outside clock_drift 0.5: node 1's lease (150ms / 1.5 at clock_rate 0.5: 200ms of simulated time) outlasts node 2's minimum election timeout (90ms at clock_rate 0.5: 180ms), so"},
		{0, []string{"1:clock_rate=-800000ppm", "2:clock_rate=0.6666666666666666"},
			"lease reads with clocks outside clock_drift 0: node 1's lease (150ms / 1 at clock_rate 0.2: 750ms of simulated time) outlasts node 2's minimum election timeout (150ms at clock_rate 0.6666666666666666: 225ms), so"},
		{0, []string{"all:clock_rate=100", "1:clock_rate=99"},
			"lease reads with clocks outside clock_drift 0: node 1's lease (150ms / 1 at clock_rate 99: 1.515152ms of simulated time) outlasts node 2's minimum election timeout (150ms at clock_rate 100: 1.5ms), so"},
		{0.1, []string{"all:clock_rate=0.0111", "1:clock_rate=0.01"},
			"lease reads with clocks outside clock_drift 0.1: node 1's lease (150ms / 1.1 at clock_rate 0.01: 13.636363636s of simulated time) outlasts node 2's minimum election timeout (150ms at clock_rate 0.0111: 13.513513514s), so"},
	} {
		cfg := Default()
		cfg.Nodes, cfg.ReadMode, cfg.CheckQuorum, cfg.ClockDrift = 3, ReadLease, true, tt.drift
		cfg.Workload.ReadRatio = 0.5
		for _, s := range tt.nodes {
			cfg.PerNode = append(cfg.PerNode, mustNode(t, s))
		}
		if err := cfg.Validate(); err != nil {
			t.Fatalf("%v: %v", tt.nodes, err)
		}
		got := cfg.leaseClockWarning()
		if !strings.HasPrefix(got, tt.want) {
			t.Errorf("drift %v %v:\n got %s\nwant %s", tt.drift, tt.nodes, got, tt.want)
		}
	}
}

// TestWarningsSeeTopologyFile: a topology file's per-node settings (docs/topology.md) count in the
// warnings as the run's own do. Warnings read only the configuration's own, so a file's slow clock
// under lease reads ran without a word on standard error or in a sweep's manifest, and the shrinker
// could not see it; only the run's summary, built after the file was read, had the warning.
func TestWarningsSeeTopologyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "topo.yaml")
	const file = "nodes: 3\nbase: mesh\ndefaults: {latency: \"const:1ms\"}\nnode:\n  - \"1:clock_rate=0.5\"\n"
	if err := os.WriteFile(path, []byte(file), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := Default()
	cfg.Nodes, cfg.ReadMode, cfg.CheckQuorum, cfg.Topology = 3, ReadLease, true, path
	cfg.Workload.ReadRatio = 0.5
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	const lease = "lease reads with clocks outside clock_drift 0: node 1's lease (150ms / 1 at clock_rate 0.5: 300ms of simulated time)"
	const heartbeat = "node 1's heartbeat 75ms at clock_rate 0.5 (150ms of simulated time) is not below node 2's"
	w := cfg.Warnings()
	if len(w) != 2 || !strings.HasPrefix(w[0], heartbeat) || !strings.HasPrefix(w[1], lease) {
		t.Fatalf("warnings %q, want %q and %q", w, heartbeat, lease)
	}
	if len(cfg.PerNode) != 0 {
		t.Fatalf("Warnings changed the configuration: %v", cfg.PerNode)
	}
	// The run's own settings apply after the file's: a node 1 set right again warns of nothing.
	cfg.PerNode = []NodeSettings{mustNode(t, "1:clock_rate=1")}
	if w := cfg.Warnings(); len(w) != 0 {
		t.Fatalf("with the file's clock overridden: warnings %q", w)
	}
	// The cluster's configuration, the file's settings already in it, warns the same (its summary).
	cfg.PerNode = nil
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.cfg.Warnings(); !slices.Equal(got, w) {
		t.Fatalf("the cluster's warnings %q, want %q", got, w)
	}
}
