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
