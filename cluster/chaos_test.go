package cluster

import (
	"flag"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/raftsim/raftsim/sim"
)

var chaosSeeds = flag.Int("chaos.seeds", 1000, "how many seeds TestChaosSafety runs")

// swarm draws a whole world from the seed, as swarm testing does: cluster size, options, loss and
// fault rate all vary, so that many seeds explore many kinds of run rather than one kind many times.
func swarm(seed uint64) Config {
	r := sim.Stream(seed, "swarm")
	cfg := Default()
	cfg.Seed = seed
	cfg.Nodes = 1 + int(seed%9)
	cfg.Duration = 10 * time.Second
	cfg.Clients = 1 + r.IntN(3)
	cfg.Chaos = true
	cfg.ChaosOptions.MeanInterval = time.Duration(200+r.IntN(1800)) * time.Millisecond
	cfg.PreVote = r.IntN(2) == 0
	cfg.CheckQuorum = r.IntN(2) == 0
	if r.IntN(3) == 0 {
		cfg.Link.Loss = 0.05 * r.Float64()
	}
	if r.IntN(3) == 0 {
		cfg.MaxBatch = 1 + r.IntN(4)
	}
	cfg.Check = true
	return cfg
}

// runSeeds runs cfgOf(seed) for seeds 1..n on all CPUs and returns each run's error, by seed. Each run
// is single-threaded and independent, so the results do not depend on the scheduling.
func runSeeds(n int, cfgOf func(uint64) Config) []error {
	errs := make([]error, n+1)
	var wg sync.WaitGroup
	next := make(chan uint64)
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for seed := range next {
				c, err := New(cfgOf(seed))
				if err == nil {
					_, err = c.Run()
				}
				errs[seed] = err
			}
		}()
	}
	for s := 1; s <= n; s++ {
		next <- uint64(s)
	}
	close(next)
	wg.Wait()
	return errs
}

// TestChaosSafety runs random fault schedules on random worlds with every safety property checked.
func TestChaosSafety(t *testing.T) {
	n := *chaosSeeds
	if testing.Short() {
		n = 100
	}
	for seed, err := range runSeeds(n, swarm) {
		if err != nil {
			t.Errorf("seed %d (nodes %d): %v", seed, swarm(uint64(seed)).Nodes, err)
		}
	}
}
