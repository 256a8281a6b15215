package cluster

import (
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
