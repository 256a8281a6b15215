package cluster

import (
	"flag"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/raftsim/raftsim/models/fault"
	"github.com/raftsim/raftsim/models/latency"
	"github.com/raftsim/raftsim/raft"
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
	if r.IntN(2) == 0 {
		cfg.PreVote = raft.PreVoteThesis
	}
	cfg.CheckQuorum = r.IntN(2) == 0
	if r.IntN(3) == 0 {
		cfg.Link.Loss = 0.2 * r.Float64()
	}
	if r.IntN(3) == 0 {
		cfg.MaxBatch = 1 + r.IntN(4)
	}
	if r.IntN(4) == 0 {
		cfg.MaxInflight = 1 + r.IntN(3)
	}
	// Timing is where ordering bugs hide: slow and erratic disks, wide and heavy-tailed links, and
	// election timeouts close to the broadcast time, so votes and acknowledgements race timeouts.
	cfg.Fsync = latency.MustParse(pick(r, "const:1ms", "exp:2ms", "uniform:0s:20ms", "normal:10ms:5ms", "pareto:500us:1.5"))
	cfg.Link.Latency = latency.MustParse(pick(r, "uniform:500us:1500us", "uniform:100us:30ms", "exp:5ms:1ms", "lognormal:5ms:1", "pareto:1ms:2"))
	if r.IntN(3) == 0 {
		lo := time.Duration(10+r.IntN(40)) * time.Millisecond
		cfg.ElectionMin, cfg.ElectionMax, cfg.Heartbeat = lo, 2*lo, lo/2
	}
	cfg.Clients = 1 + r.IntN(8)
	cfg.Check = true
	return cfg
}

func pick(r *rand.Rand, options ...string) string { return options[r.IntN(len(options))] }

// outcome is one seed's run.
type outcome struct {
	sum Summary
	err error
}

// runSeeds runs cfgOf(seed) for seeds 1..n on all CPUs and returns each run's outcome, by seed. Each
// run is single-threaded and independent, so the results do not depend on the scheduling.
func runSeeds(n int, cfgOf func(uint64) Config) []outcome {
	out := make([]outcome, n+1)
	var wg sync.WaitGroup
	next := make(chan uint64)
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for seed := range next {
				c, err := New(cfgOf(seed))
				var sum Summary
				if err == nil {
					sum, err = c.Run()
				}
				out[seed] = outcome{sum, err}
			}
		}()
	}
	for s := 1; s <= n; s++ {
		next <- uint64(s)
	}
	close(next)
	wg.Wait()
	return out
}

// TestChaosSafety runs random fault schedules on random worlds with every safety property checked.
func TestChaosSafety(t *testing.T) {
	n := *chaosSeeds
	if testing.Short() {
		n = 100
	}
	for seed, o := range runSeeds(n, swarm) {
		if o.err != nil {
			t.Errorf("seed %d (nodes %d): %v", seed, swarm(uint64(seed)).Nodes, o.err)
		}
	}
}

// TestChaosLiveness: after a safety phase of chaos, every fault is repaired (fault.Repair: cuts, crashes,
// loss and the rest) and the cluster must converge: a client write must commit in the last seconds, as in
// TigerBeetle's liveness phase.
func TestChaosLiveness(t *testing.T) {
	const chaosEnd, end = 8 * time.Second, 16 * time.Second
	n := *chaosSeeds / 4
	if testing.Short() {
		n = 50
	}
	cfgOf := func(seed uint64) Config {
		cfg := swarm(seed)
		cfg.Duration = end
		cfg.MeasureFrom = chaosEnd + 4*time.Second
		// Liveness needs Raft's timing rule, broadcastTime << electionTimeout: the swarm's short
		// timeouts break it on purpose (for safety); here the timeouts are an order of magnitude above
		// the slowest round trip plus disk write the swarm draws (60 ms + 20 ms).
		cfg.ElectionMin, cfg.ElectionMax, cfg.Heartbeat = 800*time.Millisecond, 1600*time.Millisecond, 200*time.Millisecond
		cfg.Chaos, cfg.ChaosOptions.Until = true, chaosEnd
		cfg.Faults = append(cfg.Faults, fault.Event{At: chaosEnd, Kind: fault.Repair})
		return cfg
	}
	for seed, o := range runSeeds(n, cfgOf)[1:] {
		seed++
		cfg := cfgOf(uint64(seed))
		switch s := o.sum; {
		case o.err != nil:
			t.Errorf("seed %d: %v", seed, o.err)
		case s.ClientOps.OKAfter == 0 || s.AvailabilityAfter < 0.5:
			t.Errorf("seed %d (nodes %d, loss %.3f, latency %v, fsync %v): no convergence after the faults were repaired: %d writes ok after %v, availability after %.3f, liveness %+v",
				seed, cfg.Nodes, cfg.Link.Loss, cfg.Link.Latency, cfg.Fsync, s.ClientOps.OKAfter, cfg.MeasureFrom, s.AvailabilityAfter, s.Liveness)
		}
	}
}
