package cluster

import (
	"fmt"
	"testing"
	"time"

	"github.com/raftsim/raftsim/safety/linearize"
)

// TestHistoriesLinearizable checks whole client histories with Porcupine (safety/linearize): under chaos
// (crashes, restarts, partitions), with reads served each way, every history is linearizable. The
// safety checker judges each read against the commit index; this judges the history as the clients saw
// it, writes that timed out included.
func TestHistoriesLinearizable(t *testing.T) {
	seeds := uint64(6)
	if testing.Short() {
		seeds = 2
	}
	for _, mode := range []ReadMode{ReadIndex, ReadLease, ReadFollower} {
		for seed := uint64(1); seed <= seeds; seed++ {
			t.Run(fmt.Sprintf("%v/seed=%d", mode, seed), func(t *testing.T) {
				cfg := readsConfig(mode)
				cfg.Seed = seed
				cfg.Duration = 10 * time.Second
				cfg.Chaos = true
				cfg.Workload.Keys = 20 // few keys, so that operations on one key overlap
				_, h, _ := runCfg(t, cfg)
				res := linearize.Check(h.ops, time.Minute)
				if res.Verdict != linearize.Ok || res.Ops < 100 {
					t.Fatalf("%s over %d operations on %d keys; replay: raftsim run --seed %d --chaos --read-ratio 0.5 --read-mode %v --keys 20 --clients 10 --duration 10s",
						res.Verdict, res.Ops, res.Keys, seed, mode)
				}
			})
		}
	}
}

// TestHistoryHoldsPendingWrites: a write still awaited when the run ends is in the history as a write of
// unknown outcome (not OK, completing at the end), since it may have been applied and seen; the summary
// does not count it. Before this, a run ending while a write was committed but not yet acknowledged gave
// a history in which a later read (or write's prev) saw a value no operation wrote.
func TestHistoryHoldsPendingWrites(t *testing.T) {
	cfg := Default()
	cfg.Duration = 2 * time.Second
	cfg.Clients = 5
	cfg.Workload.Keys = 3
	sum, h, _ := runCfg(t, cfg)
	pending := 0
	for _, op := range h.ops {
		if !op.OK && time.Duration(op.Complete) == cfg.Duration {
			pending++
		}
	}
	if pending == 0 || pending > cfg.Clients {
		t.Fatalf("%d operations pending at the end, want 1 to %d", pending, cfg.Clients)
	}
	if got := uint64(len(h.ops) - pending); got != sum.ClientOps.OK+sum.ClientOps.Failed {
		t.Errorf("history holds %d finished operations, the summary counts %d", got, sum.ClientOps.OK+sum.ClientOps.Failed)
	}
	if res := linearize.Check(h.ops, time.Minute); res.Verdict != linearize.Ok {
		t.Errorf("%s", res.Verdict)
	}
}
