package cluster

import (
	"bytes"
	"testing"
	"time"

	"github.com/raftsim/raftsim/sim"
)

// snapshotSwarm is the swarm's world with compaction on, every few entries or bytes, so that nodes
// that were down or cut off come back behind their leader's snapshot.
func snapshotSwarm(seed uint64) Config {
	cfg := swarm(seed)
	r := sim.Stream(seed, "swarm-snapshot")
	switch r.IntN(3) {
	case 0:
		cfg.SnapshotEntries = 1 + r.IntN(50)
	case 1:
		cfg.SnapshotBytes = int64(1+r.IntN(50)) * 152 // a 128-byte write is 152 bytes of log
	default:
		cfg.SnapshotEntries, cfg.SnapshotBytes = 1+r.IntN(200), int64(1+r.IntN(50))*152
	}
	return cfg
}

// TestChaosSafetySnapshots runs the chaos swarm with log compaction on and every safety property
// checked, and then compares the stores: nodes that applied through the same index hold the same
// store, however they got there — applying the log, restoring a leader's snapshot, or restarting from
// their own. It fails too if snapshots were never installed, which would make it prove nothing.
func TestChaosSafetySnapshots(t *testing.T) {
	n := *chaosSeeds
	if testing.Short() {
		n = 100
	}
	var sent, restored int
	for seed := uint64(1); seed <= uint64(n); seed++ {
		cfg := snapshotSwarm(seed)
		c, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Run(); err != nil {
			t.Errorf("seed %d (nodes %d, snapshot entries %d bytes %d): %v", seed, cfg.Nodes, cfg.SnapshotEntries, cfg.SnapshotBytes, err)
			continue
		}
		sent += int(c.metrics.snapshots)
		byApplied := map[uint64]*host{}
		for _, h := range c.hosts {
			restored += h.restores
			if !h.alive {
				continue
			}
			i := h.store.Applied()
			if o, ok := byApplied[i]; ok && !bytes.Equal(o.store.Snapshot(), h.store.Snapshot()) {
				t.Errorf("seed %d: nodes %d and %d applied through %d but their stores differ", seed, o.id, h.id, i)
			}
			byApplied[i] = h
		}
	}
	t.Logf("%d seeds: %d InstallSnapshot messages sent, %d stores restored from a snapshot", n, sent, restored)
	if sent == 0 || restored == 0 {
		t.Errorf("%d snapshots sent and %d restored over %d seeds: the test exercised no InstallSnapshot", sent, restored, n)
	}
}

// TestRetainedEntriesBounded: with compaction on, what a node holds of its log — in memory and on its
// disk — follows the entries since its last snapshot, not the simulated time. Without compaction the
// same runs hold every entry (the last check shows the test can fail).
func TestRetainedEntriesBounded(t *testing.T) {
	const k = 500
	peak := func(d time.Duration, snapshotEntries int) (retained, durable int, commit uint64) {
		cfg := Default()
		cfg.Clients, cfg.Duration, cfg.SnapshotEntries = 10, d, snapshotEntries
		c, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		s := &sampler{c: c, every: 50 * time.Millisecond}
		c.loop.At(sim.Time(s.every), s, 0)
		if _, err := c.Run(); err != nil {
			t.Fatal(err)
		}
		return s.retained, s.durable, c.metrics.commitIndex
	}
	short := 5 * time.Second
	long := 4 * short
	if testing.Short() {
		long = 2 * short
	}
	rs, ds, _ := peak(short, k)
	rl, dl, commit := peak(long, k)
	t.Logf("peak entries held per node: %d in memory, %d durable after %v; %d, %d after %v (commit index %d)", rs, ds, short, rl, dl, long, commit)
	if commit < 10*k {
		t.Fatalf("only %d entries committed: too few for compaction to matter", commit)
	}
	// A node holds the entries since its snapshot (up to k) plus those not yet applied; 10 clients have
	// at most 10 writes uncommitted.
	for _, x := range []int{rs, ds, rl, dl} {
		if x > 2*k {
			t.Errorf("a node held %d entries with a snapshot every %d", x, k)
		}
	}
	if rl > rs+k/2 || dl > ds+k/2 {
		t.Errorf("entries held grow with simulated time: %d/%d after %v, %d/%d after %v", rs, ds, short, rl, dl, long)
	}
	if r, _, commit := peak(short, 0); r < int(commit)-10 {
		t.Errorf("without compaction the peak was %d entries of %d committed: the sampler misses the log", r, commit)
	}
}

// sampler records, every so often, the most entries any live node holds in memory and on disk.
type sampler struct {
	c                 *Cluster
	every             time.Duration
	retained, durable int
}

func (s *sampler) Fire(uint64) {
	for _, h := range s.c.hosts {
		if h.alive {
			s.retained = max(s.retained, h.node.Retained())
		}
		s.durable = max(s.durable, len(h.durable.Entries))
	}
	s.c.loop.At(s.c.loop.Now().Add(s.every), s, 0)
}
