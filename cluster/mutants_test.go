//go:build mutants

package cluster

// Mutations (raft/mutation.go), each in a hand-made world where the checks must catch it — the safety
// checker (Check) or the linearizability check of the client history (safety/linearize) — and where
// the same world without the mutation passes both: the checks can fail, and fail for the mutation.
// Run with go test -tags mutants -run Mutant ./cluster/ (make mutants).

import (
	"errors"
	"testing"
	"time"

	"github.com/raftsim/raftsim/models/fault"
	"github.com/raftsim/raftsim/raft"
	"github.com/raftsim/raftsim/safety"
	"github.com/raftsim/raftsim/safety/linearize"
	"github.com/raftsim/raftsim/sim"
)

// mutIf is m when on, the empty set otherwise.
func mutIf(on bool, m raft.Mutation) raft.Mutation {
	if on {
		return m
	}
	return 0
}

// TestMutantReadIndexNoHeartbeatNotLinearizable: with the read path broken on purpose (read_index_no_heartbeat: a leader
// serves a read at once, without a heartbeat round) and the first leader cut off from the other nodes but not from the
// clients, the history is not linearizable, and the checker says so without the safety checker's help
// (Check off, so the run goes on past the first stale read).
func TestMutantReadIndexNoHeartbeatNotLinearizable(t *testing.T) {
	for _, unsafe := range []bool{true, false} {
		cfg := readsConfig(ReadIndex)
		cfg.Check = false
		cfg.Bootstrap = 1
		cfg.Faults = []fault.Event{{At: time.Second, Kind: fault.Isolate, Node: 1}}
		cfg.Mutate = mutIf(unsafe, raft.MutReadIndexNoHeartbeat)
		cfg.Workload.ReadRatio = 0.99
		cfg.Workload.Keys = 20
		_, h, _ := runCfg(t, cfg)
		want := linearize.Ok
		if unsafe {
			want = linearize.Illegal
		}
		if res := linearize.Check(h.ops, time.Minute); res.Verdict != want {
			t.Errorf("unsafe reads %v: %s over %d operations, want %s", unsafe, res.Verdict, res.Ops, want)
		}
	}
}

// TestMutantReadIndexNoHeartbeat breaks the read path on purpose (read_index_no_heartbeat: a leader serves
// at once, without a heartbeat round) and cuts the first leader off from the other nodes, not
// from the clients: it keeps serving reads while the others elect a leader and commit writes, and the
// checker reports a stale read. With the read path intact, the same run has no violation.
func TestMutantReadIndexNoHeartbeat(t *testing.T) {
	cfgOf := func(unsafe bool) Config {
		cfg := readsConfig(ReadIndex)
		cfg.Bootstrap = 1
		cfg.Faults = []fault.Event{{At: time.Second, Kind: fault.Isolate, Node: 1}}
		cfg.Mutate = mutIf(unsafe, raft.MutReadIndexNoHeartbeat)
		// Mostly reads, so that a client whose guess of the leader is node 1 keeps reading from it
		// (each read is served at once) long after the others have elected a leader and committed.
		cfg.Workload.ReadRatio = 0.99
		return cfg
	}
	c, err := New(cfgOf(true))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Run()
	var v *safety.Violation
	if !errors.As(err, &v) || v.Invariant != safety.ReadFreshness {
		t.Fatalf("broken reads: err = %v, want a %s violation", err, safety.ReadFreshness)
	}
	t.Log(v)
	c, err = New(cfgOf(false))
	if err != nil {
		t.Fatal(err)
	}
	s, err := c.Run()
	if err != nil {
		t.Fatalf("intact reads: %v", err)
	}
	if s.Reads.OK == 0 {
		t.Fatal("intact reads: none answered")
	}
}

// The checker catches a broken configuration rule. With concurrent_conf_changes a leader cut off
// with two new, empty nodes adds both at once: its configuration (1..5) has a majority, 1, 4 and 5, that
// misses every majority of the configuration 2 and 3 still use (1, 2, 3), so both sides would elect and
// commit, different entries at the same index. The checker follows configurations, and reports
// Configuration Safety the moment the leader's log holds the second change while the first is
// uncommitted, before the split brain shows as Leader Completeness or State Machine Safety. With the
// rule kept, the first change cannot commit without 2 or 3 and the second waits for it.
func TestMutantConcurrentConfChanges(t *testing.T) {
	for _, unsafe := range []bool{false, true} {
		cfg := Default()
		cfg.Nodes, cfg.Duration, cfg.Clients, cfg.Check, cfg.Bootstrap = 3, 5*time.Second, 2, true, 1
		cfg.Mutate = mutIf(unsafe, raft.MutConcurrentConfChanges)
		cfg.Faults = events(t, "partition 1s:1,4,5|2,3", "add 4@1s", "add 5@1s")
		c, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Run()
		var v *safety.Violation
		switch {
		case !unsafe && err != nil:
			t.Errorf("one change at a time: %v", err)
		case unsafe && !errors.As(err, &v):
			t.Errorf("two changes in flight: got %v, want a safety violation", err)
		case unsafe && v.Invariant != safety.ConfigurationSafety:
			t.Errorf("two changes in flight caught as %s, want %s: %v", v.Invariant, safety.ConfigurationSafety, v)
		case unsafe:
			t.Logf("caught: %v", v)
		}
	}
}

// The same for 3, 5 and 7 nodes, over seeds: the old leader (node 1, which campaigns first) goes with
// the two new nodes and as many old ones as make a majority of the n+2 nodes, the rest keep a majority
// of the old n (for odd n there is such a split), which old ones drawn from the seed. With two changes
// allowed in flight, whichever node leads at 1 s appends both adds at once, and the checker reports
// Configuration Safety there in every seed, rather than through the split brain that follows (Leader
// Completeness or State Machine Safety, as it did before it followed configurations); none is reported
// with the rule kept.
func TestMutantConcurrentConfChangesSplits(t *testing.T) {
	seeds := 10
	if testing.Short() {
		seeds = 3
	}
	for _, n := range []int{3, 5, 7} {
		caught := 0
		for _, unsafe := range []bool{false, true} {
			for seed := uint64(1); seed <= uint64(seeds); seed++ {
				cfg := Default()
				cfg.Seed, cfg.Nodes, cfg.Duration, cfg.Clients, cfg.Check, cfg.Bootstrap = seed, n, 5*time.Second, 2, true, 1
				cfg.Mutate = mutIf(unsafe, raft.MutConcurrentConfChanges)
				r := sim.Stream(seed, "split")
				group := []int64{1, int64(n) + 1, int64(n) + 2}
				for _, k := range r.Perm(n - 1)[:(n+2)/2+1-3] {
					group = append(group, int64(k)+2)
				}
				cfg.Faults = []fault.Event{{At: time.Second, Kind: fault.Partition, Groups: [][]int64{group}},
					{At: time.Second, Kind: fault.Add, Node: int64(n) + 1}, {At: time.Second, Kind: fault.Add, Node: int64(n) + 2}}
				c, err := New(cfg)
				if err != nil {
					t.Fatal(err)
				}
				_, err = c.Run()
				var v *safety.Violation
				switch {
				case !unsafe && err != nil:
					t.Errorf("n=%d seed %d, one change at a time: %v", n, seed, err)
				case unsafe && errors.As(err, &v) && v.Invariant == safety.ConfigurationSafety:
					caught++
				case unsafe && errors.As(err, &v):
					t.Errorf("n=%d seed %d: two changes in flight caught as %s, want %s: %v", n, seed, v.Invariant, safety.ConfigurationSafety, v)
				case unsafe && err != nil:
					t.Errorf("n=%d seed %d: %v", n, seed, err)
				}
			}
		}
		t.Logf("n=%d: %d of %d seeds caught", n, caught, seeds)
		if caught < seeds {
			t.Errorf("n=%d: only %d of %d seeds caught two changes in flight", n, caught, seeds)
		}
	}
}
