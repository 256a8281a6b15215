package cluster

import (
	"strings"
	"testing"
)

// TestPerNodeHeartbeatWarning: the heartbeat warning sees per-node settings. A node whose heartbeat,
// in simulated time (its clock's rate counted), is not below another node's minimum election timeout
// makes the cluster churn whenever it leads, as the cluster-wide setting does; the run goes ahead.
func TestPerNodeHeartbeatWarning(t *testing.T) {
	for _, tt := range []struct {
		nodes []string
		want  string // "" for no warning
	}{
		{nil, ""},
		{[]string{"1:heartbeat=100ms"}, ""},
		{[]string{"1:heartbeat=149ms"}, ""},
		{[]string{"1:heartbeat=150ms"}, "node 1's heartbeat 150ms is not below node 2's minimum election timeout 150ms"},
		{[]string{"3:heartbeat=300ms"}, "node 3's heartbeat 300ms is not below node 1's minimum election timeout 150ms"},
		{[]string{"2:election_timeout=40ms:80ms"}, "node 1's heartbeat 75ms is not below node 2's minimum election timeout 40ms"},
		// The node's own election timeout does not count: it does not time out while it leads.
		{[]string{"all:election_timeout=300ms:600ms,heartbeat=50ms", "1:heartbeat=200ms,election_timeout=100ms:200ms"}, ""},
		{[]string{"1:clock_rate=0.3"}, "node 1's heartbeat 75ms at clock_rate 0.3 (250ms of simulated time) is not below node 2's"},
		{[]string{"all:clock_rate=0.3"}, ""}, // every clock slow alike: the rule holds in every node's own time
		{[]string{"2:clock_rate=3"}, "node 1's heartbeat 75ms is not below node 2's minimum election timeout 150ms at clock_rate 3 (50ms of simulated time)"},
	} {
		cfg := Default()
		cfg.Nodes = 3
		for _, s := range tt.nodes {
			cfg.PerNode = append(cfg.PerNode, mustNode(t, s))
		}
		if err := cfg.Validate(); err != nil {
			t.Fatalf("%v: %v", tt.nodes, err)
		}
		w := cfg.Warnings()
		switch {
		case tt.want == "" && len(w) != 0:
			t.Errorf("%v: warnings %q, want none", tt.nodes, w)
		case tt.want != "" && (len(w) != 1 || !strings.Contains(w[0], tt.want)):
			t.Errorf("%v: warnings %q, want one containing %q", tt.nodes, w, tt.want)
		}
	}
}

// TestLeaseClockWarning: lease reads warn when the nodes' clocks break the lease's assumption — some
// node's minimum election timeout, in simulated time, ends before another's lease (its minimum
// election timeout / (1 + clock_drift), on its clock) — and not when every pair is within the bound,
// the bound itself included.
func TestLeaseClockWarning(t *testing.T) {
	for _, tt := range []struct {
		drift float64
		nodes []string
		read  ReadMode
		want  string // "" for no warning
	}{
		{0, nil, ReadLease, ""},
		{0, []string{"all:clock_rate=1.3"}, ReadLease, ""}, // every clock fast alike
		{0, []string{"1:clock_rate=1.0001"}, ReadLease, "lease reads with clocks outside clock_drift 0: node 2's lease"},
		{0.05, []string{"1:clock_rate=+50000ppm"}, ReadLease, ""}, // at the bound exactly
		{0.5, []string{"1:clock_rate=+500000ppm", "2:clock_rate=+500000ppm"}, ReadLease, ""},
		{0.05, []string{"1:clock_rate=+50001ppm"}, ReadLease, "outlasts node 1's minimum election timeout"},
		{0.05, []string{"1:clock_rate=0.9"}, ReadLease, "node 1's lease"}, // the leader's slow clock
		{0.05, []string{"3:election_timeout=100ms:200ms"}, ReadLease, "outlasts node 3's minimum election timeout (100ms"},
		{0, []string{"1:clock_rate=2"}, ReadIndex, ""}, // no lease, no assumption
	} {
		cfg := Default()
		cfg.Nodes, cfg.ReadMode, cfg.CheckQuorum, cfg.ClockDrift = 3, tt.read, true, tt.drift
		cfg.Workload.ReadRatio = 0.5
		for _, s := range tt.nodes {
			cfg.PerNode = append(cfg.PerNode, mustNode(t, s))
		}
		if err := cfg.Validate(); err != nil {
			t.Fatalf("%v: %v", tt.nodes, err)
		}
		var got []string
		for _, w := range cfg.Warnings() {
			if strings.HasPrefix(w, "lease reads") {
				got = append(got, w)
			}
		}
		switch {
		case tt.want == "" && len(got) != 0:
			t.Errorf("drift %v %v: warnings %q, want none", tt.drift, tt.nodes, got)
		case tt.want != "" && (len(got) != 1 || !strings.Contains(got[0], tt.want)):
			t.Errorf("drift %v %v: warnings %q, want one containing %q", tt.drift, tt.nodes, got, tt.want)
		}
	}
}
