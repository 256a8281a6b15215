package cluster

import (
	"flag"
	"testing"
	"time"

	"github.com/raftsim/raftsim/models/fault"
	"github.com/raftsim/raftsim/raft"
	"github.com/raftsim/raftsim/sim"
)

var everythingSeeds = flag.Int("everything.seeds", 1000, "how many seeds TestChaosEverything runs")

// everythingSwarm is the chaos swarm with every feature of issue 7 at once: membership changes (a
// replace, an add and a remove), log compaction, reads in every mode the world allows, leadership
// transfers to random nodes (members or not), and the implementation variants, each drawn from the
// seed's own stream "swarm-everything".
func everythingSwarm(seed uint64) Config {
	cfg := memberSwarm(seed)
	r := sim.Stream(seed, "swarm-everything")
	cfg.SnapshotEntries = 5 + r.IntN(300)
	cfg.Workload.ReadRatio = 0.1 + 0.5*r.Float64()
	cfg.ReadMode = ReadMode(r.IntN(3))
	if cfg.ReadMode == ReadLease {
		cfg.CheckQuorum = true
		cfg.ClockDrift = 0.05 * r.Float64()
	}
	cfg.PreVote = raft.PreVote(r.IntN(3))
	cfg.Variant = raft.Variant{
		VoteWrite:           raft.VoteWrite(r.IntN(2)),
		VoterTimer:          raft.VoterTimer(r.IntN(2)),
		VoteWriteHoldsTimer: r.IntN(2) == 0,
		HeartbeatReply:      raft.HeartbeatReply(r.IntN(2)),
	}
	hosts := cfg.Hosts()
	for at := time.Duration(0); ; {
		at += time.Duration(300+r.IntN(2500)) * time.Millisecond
		if at >= cfg.Duration {
			break
		}
		cfg.Faults = append(cfg.Faults, fault.Event{At: at, Kind: fault.Transfer, Node: int64(1 + r.IntN(hosts))})
	}
	fault.Sort(cfg.Faults)
	return cfg
}

// TestChaosEverything: issue 7's acceptance item 2. The chaos swarm with snapshots, membership changes,
// transfers, reads and the variants all in play, every safety property checked (Read Freshness
// included): no violation in 1,000 seeds (100 with -short; -everything.seeds N for more). And the
// features are exercised, not merely switched on: snapshots are installed, membership events are carried
// out, reads are served and transfers completed over the swarm.
func TestChaosEverything(t *testing.T) {
	n := *everythingSeeds
	if testing.Short() {
		n = 100
	}
	var reads, transfers uint64
	for seed, o := range runSeeds(n, everythingSwarm)[1:] {
		if o.err != nil {
			cfg := everythingSwarm(uint64(seed + 1))
			t.Errorf("seed %d (nodes %d, read_mode %v, pre_vote %v, variant %+v): %v", seed+1, cfg.Nodes, cfg.ReadMode, cfg.PreVote, cfg.Variant, o.err)
			continue
		}
		if o.sum.Reads != nil {
			reads += o.sum.Reads.OK
		}
		if o.sum.Transfers != nil {
			transfers += o.sum.Transfers.Done
		}
	}
	var members, restores int
	for seed := uint64(1); seed <= 10; seed++ {
		c, err := New(everythingSwarm(seed))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Run(); err != nil {
			t.Fatal(err)
		}
		members += c.members.done
		for _, h := range c.hosts {
			restores += h.restores
		}
	}
	if reads == 0 || transfers == 0 || members == 0 || restores == 0 {
		t.Errorf("over the swarm: %d reads served, %d transfers done; in seeds 1..10: %d membership events carried out, %d stores restored from snapshots: a feature is not exercised",
			reads, transfers, members, restores)
	}
	t.Logf("%d seeds: %d reads served, %d transfers done; seeds 1..10: %d membership events, %d snapshot restores", n, reads, transfers, members, restores)
}
