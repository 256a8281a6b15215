package cluster

import (
	"fmt"
	"testing"
	"time"

	"github.com/raftsim/raftsim/models/fault"
)

// TestLeaderCrashRule: "crash leader+K@T" crashes K+1 nodes, the leader at T first; when no node leads
// at T (here at 0, before the first election) all K+1 are live nodes drawn uniformly from the fault
// stream, so which nodes are hit does not follow their numbers.
func TestLeaderCrashRule(t *testing.T) {
	const seeds = 200
	tests := []struct {
		extra     int
		bootstrap int           // 0: nobody leads at the crash
		at        time.Duration // when the crash happens
	}{
		{0, 0, 0},
		{1, 0, 0},
		{2, 0, 0},
		{0, 3, time.Second},
		{2, 3, time.Second},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("leader+%d, bootstrap %d", tt.extra, tt.bootstrap), func(t *testing.T) {
			var hits [6]int
			for seed := uint64(1); seed <= seeds; seed++ {
				cfg := Default()
				cfg.Seed, cfg.Duration, cfg.Clients, cfg.Bootstrap = seed, tt.at+10*time.Millisecond, 0, tt.bootstrap
				cfg.Faults = []fault.Event{{At: tt.at, Kind: fault.Crash, Role: fault.Leader, Extra: tt.extra}}
				c, err := New(cfg)
				if err != nil {
					t.Fatal(err)
				}
				leader := uint64(0)
				if tt.bootstrap != 0 {
					leader = uint64(tt.bootstrap)
				}
				if _, err := c.Run(); err != nil {
					t.Fatal(err)
				}
				down := 0
				for _, h := range c.hosts {
					if !h.alive {
						down++
						hits[h.id]++
					}
				}
				if down != 1+tt.extra {
					t.Fatalf("seed %d: %d nodes down, want %d", seed, down, 1+tt.extra)
				}
				if leader != 0 && c.host(leader).alive {
					t.Fatalf("seed %d: the leader %d was not crashed", seed, leader)
				}
			}
			// Each node that is not the leader is hit with the same probability: allow 4.5 standard
			// deviations of a binomial around it.
			others, drawn := 5, 1+tt.extra
			if tt.bootstrap != 0 {
				others, drawn = 4, tt.extra
			}
			if drawn == 0 {
				return
			}
			p := float64(drawn) / float64(others)
			want := p * seeds
			variance := want * (1 - p)
			for id := 1; id <= 5; id++ {
				if id == tt.bootstrap {
					continue
				}
				if d := float64(hits[id]) - want; d*d > 4.5*4.5*variance {
					t.Errorf("node %d hit %d times in %d runs, want about %.0f", id, hits[id], seeds, want)
				}
			}
		})
	}
}
