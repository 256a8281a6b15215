package cluster

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/raftsim/raftsim/models/fault"
	"github.com/raftsim/raftsim/safety"
)

// driftRun is the lease-read scenario of the drift experiment: node 1, whose clock runs at rate, is
// made leader by a transfer at 1s and cut off from the other two at 2s, while every client keeps
// reading from it. The others elect a leader that commits (its first entry); a read node 1 serves on
// its lease after that is stale. Lease reads assume drift is at most 5%: node 1's lease, timed on its
// own clock, ends in time exactly when its clock runs no slower than 1/1.05 of the followers' (clocks
// sets the rates).
func driftRun(t *testing.T, seed uint64, clocks []NodeSettings) error {
	t.Helper()
	cfg := Default()
	cfg.Nodes, cfg.Seed, cfg.Duration, cfg.Clients = 3, seed, 3*time.Second, 8
	cfg.Workload.ReadRatio = 1
	cfg.ReadMode, cfg.CheckQuorum, cfg.ClockDrift, cfg.Check = ReadLease, true, 0.05, true
	cfg.PerNode = clocks
	cfg.Faults = []fault.Event{
		{At: time.Second, Kind: fault.Transfer, Node: 1},
		{At: 2 * time.Second, Kind: fault.Partition, Groups: [][]int64{{1}, {2, 3}}},
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Run()
	var v *safety.Violation
	if err != nil && !errors.As(err, &v) {
		t.Fatal(err)
	}
	return err
}

// TestLeaseDrift (acceptance item 5 of issue 8): with the clocks within the assumed drift bound (5%)
// no lease read is stale, over 40 seeds; well beyond it stale reads appear. Within: drift 0; the
// leader's clock 4.7% slow (rate 0.953, the bound is 1/1.05 = 0.9524); the followers' 4% fast. Beyond:
// the leader's clock 40% slow; the followers' 60% fast. Between, a stale read needs the new leader
// elected and committing inside the excess of the old lease, which the randomized election timeout may
// or may not allow: beyond the bound a stale read is possible, not certain.
func TestLeaseDrift(t *testing.T) {
	const seeds = 40
	for _, tt := range []struct {
		name      string
		clocks    []NodeSettings
		wantStale bool
	}{
		{"drift 0", nil, false},
		{"leader 0.953", []NodeSettings{{ID: 1, ClockRate: 0.953}}, false},
		{"followers 1.04", []NodeSettings{{ID: 2, ClockRate: 1.04}, {ID: 3, ClockRate: 1.04}}, false},
		{"leader 0.6", []NodeSettings{{ID: 1, ClockRate: 0.6}}, true},
		{"followers 1.6", []NodeSettings{{ID: 2, ClockRate: 1.6}, {ID: 3, ClockRate: 1.6}}, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			stale := 0
			for seed := uint64(1); seed <= seeds; seed++ {
				err := driftRun(t, seed, tt.clocks)
				if err == nil {
					continue
				}
				if !strings.Contains(err.Error(), "Read Freshness") {
					t.Fatalf("seed %d: %v, want a Read Freshness violation or none", seed, err)
				}
				stale++
				if !tt.wantStale {
					t.Errorf("%s, within the bound: %v", tt.name, err)
				}
			}
			if tt.wantStale && stale == 0 {
				t.Errorf("%s, beyond the bound: no stale read in %d seeds", tt.name, seeds)
			}
			t.Logf("%s: stale reads in %d of %d seeds", tt.name, stale, seeds)
		})
	}
}
