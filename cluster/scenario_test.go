package cluster

import (
	"slices"
	"testing"
	"time"

	"github.com/raftsim/raftsim/models/fault"
	"github.com/raftsim/raftsim/models/latency"
)

// TestLeaderCrash: the leader is crashed within a heartbeat interval of a heartbeat broadcast, the
// stale followers cannot win, the run stops once every survivor follows the new leader, and the
// downtime is measured once.
func TestLeaderCrash(t *testing.T) {
	for seed := uint64(1); seed <= 30; seed++ {
		cfg := Default()
		cfg.Seed, cfg.Clients, cfg.Check, cfg.Duration = seed, 0, true, 30*time.Second
		cfg.Heartbeat = 0
		cfg.LeaderCrash = &LeaderCrash{After: time.Second, Stale: 2, Stop: true}
		c, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		s, err := c.Run()
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		lc := c.scenario
		if lc.phase != lcDone {
			t.Fatalf("seed %d: scenario ended in phase %d", seed, lc.phase)
		}
		if s.ElectionDowntime.Count != 1 || s.ElectionDowntime.Unfinished != 0 {
			t.Fatalf("seed %d: downtime %+v, want one finished election", seed, s.ElectionDowntime)
		}
		newLeader := c.currentLeader()
		if newLeader == 0 || newLeader == lc.leader || lc.stale[newLeader] {
			t.Fatalf("seed %d: new leader %d (old %d, stale %v)", seed, newLeader, lc.leader, lc.stale)
		}
		if n := count(lc.stale); n != 2 {
			t.Fatalf("seed %d: %d stale followers, want 2", seed, n)
		}
		// The run stopped at the end of the election, long before the configured duration.
		if s.EndMS >= float64(cfg.Duration/time.Millisecond) || s.EndMS < 1000 {
			t.Fatalf("seed %d: run ended at %vms", seed, s.EndMS)
		}
		// The downtime is at least the time from the crash to the earliest possible election: the
		// election timeout minus at most one heartbeat interval.
		if min := float64(cfg.ElectionMin-cfg.ElectionMin/2) / 1e6; float64(s.ElectionDowntime.MeanMS) < min {
			t.Fatalf("seed %d: downtime %vms below the %vms floor", seed, s.ElectionDowntime.MeanMS, min)
		}
	}
}

func count(b []bool) int {
	n := 0
	for _, x := range b {
		if x {
			n++
		}
	}
	return n
}

// TestCrashRecoverySchedule: each node's failures come from its own streams, alternate crash and
// restart, and do not change when another node is added.
func TestCrashRecoverySchedule(t *testing.T) {
	cfg := Default()
	cfg.Duration = 10 * time.Minute
	cfg.CrashRecovery = &CrashRecovery{MTTF: latency.MustParse("exp:30s"), MTTR: latency.MustParse("exp:3s")}
	byNode := func(evs []fault.Event, id int64) []fault.Event {
		return slices.DeleteFunc(slices.Clone(evs), func(e fault.Event) bool { return e.Node != id })
	}
	five := fault.Collect(cfg.faultSource(), cfg.Duration)
	cfg.Nodes = 7
	seven := fault.Collect(cfg.faultSource(), cfg.Duration)
	for id := int64(1); id <= 5; id++ {
		a, b := byNode(five, id), byNode(seven, id)
		if !slices.EqualFunc(a, b, func(x, y fault.Event) bool { return x.At == y.At && x.Kind == y.Kind }) {
			t.Fatalf("node %d's schedule changed when nodes 6 and 7 were added", id)
		}
		if len(a) < 10 {
			t.Fatalf("node %d: only %d events in 10 minutes at MTTF 30s", id, len(a))
		}
		for i, e := range a {
			want := fault.Crash
			if i%2 == 1 {
				want = fault.Restart
			}
			if e.Kind != want || (i > 0 && e.At <= a[i-1].At) {
				t.Fatalf("node %d event %d: %v", id, i, e)
			}
		}
	}
}
