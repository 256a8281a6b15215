package cluster

import (
	"encoding/json"
	"flag"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/raftsim/raftsim/models/fault"
	"github.com/raftsim/raftsim/sim"
)

// readsConfig is a five-node cluster whose clients mix reads and writes, with every safety property
// and Read Freshness checked.
func readsConfig(mode ReadMode) Config {
	cfg := Default()
	cfg.Duration = 5 * time.Second
	cfg.Clients = 10
	cfg.Workload.ReadRatio = 0.5
	cfg.ReadMode = mode
	cfg.CheckQuorum = mode == ReadLease
	cfg.Check = true
	return cfg
}

// TestReadsServed runs each read mode and checks that reads are answered, none stale, the writes still
// commit, and a second run is the same run.
func TestReadsServed(t *testing.T) {
	for _, mode := range []ReadMode{ReadIndex, ReadLease, ReadFollower} {
		t.Run(mode.String(), func(t *testing.T) {
			run := func() Summary {
				c, err := New(readsConfig(mode))
				if err != nil {
					t.Fatal(err)
				}
				s, err := c.Run()
				if err != nil {
					t.Fatal(err)
				}
				return s
			}
			s := run()
			if s.Reads == nil || s.Reads.OK == 0 || s.ClientOps.OK == 0 {
				t.Fatalf("reads %+v, writes ok %d: want both", s.Reads, s.ClientOps.OK)
			}
			if a, b := mustJSON(t, s), mustJSON(t, run()); a != b {
				t.Error("two runs of the same configuration differ")
			}
			t.Logf("%s: %d reads ok, p50 %.3fms; %d writes ok, p50 %.3fms; heartbeats %d", mode, s.Reads.OK,
				float64(s.Reads.LatencyMS.P50), s.ClientOps.OK, float64(s.CommitLatencyMS.P50), s.Traffic["heartbeat"].Messages)
		})
	}
}

func mustJSON(t *testing.T, s Summary) string {
	t.Helper()
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestLeaseReadsSkipTheRoundTrip: a lease read costs the client's round trip only, a ReadIndex read a
// heartbeat round more, and lease reads send no heartbeat per read.
func TestLeaseReadsSkipTheRoundTrip(t *testing.T) {
	sums := map[ReadMode]Summary{}
	for _, mode := range []ReadMode{ReadIndex, ReadLease} {
		cfg := readsConfig(mode)
		cfg.CheckQuorum = true
		c, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if sums[mode], err = c.Run(); err != nil {
			t.Fatal(err)
		}
	}
	idx, lease := sums[ReadIndex], sums[ReadLease]
	if !(lease.Reads.LatencyMS.P50 < idx.Reads.LatencyMS.P50) {
		t.Errorf("read p50: lease %v, read_index %v: want lease lower", lease.Reads.LatencyMS.P50, idx.Reads.LatencyMS.P50)
	}
	// ReadIndex sends a round per read (or per group of reads); a lease sends the regular heartbeats.
	if hb := lease.Traffic["heartbeat"].Messages; hb*10 > idx.Traffic["heartbeat"].Messages {
		t.Errorf("heartbeats: lease %d, read_index %d: want lease far fewer", hb, idx.Traffic["heartbeat"].Messages)
	}
}

// TestTransfer: a transfer to an up-to-date follower ends with it elected well within an election
// timeout, without failing a write; one to a crashed node is given up and stays unfinished.
func TestTransfer(t *testing.T) {
	cfg := Default()
	cfg.Duration = 4 * time.Second
	cfg.Clients = 5
	cfg.Check = true
	cfg.Faults = []fault.Event{{At: 2 * time.Second, Kind: fault.Transfer, Node: 3}}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	s, err := c.Run()
	if err != nil {
		t.Fatal(err)
	}
	tr := s.Transfers
	if tr == nil || tr.Requested != 1 || tr.Done != 1 || !(float64(tr.MeanMS) < float64(cfg.ElectionMin/time.Millisecond)) {
		t.Fatalf("transfers %+v: want one done within %v", tr, cfg.ElectionMin)
	}
	if s.ClientOps.Failed != 0 {
		t.Errorf("%d writes failed during the transfer", s.ClientOps.Failed)
	}

	cfg.Faults = []fault.Event{{At: time.Second, Kind: fault.Crash, Node: 3}, {At: 2 * time.Second, Kind: fault.Transfer, Node: 3}}
	if c, err = New(cfg); err != nil {
		t.Fatal(err)
	}
	if s, err = c.Run(); err != nil {
		t.Fatal(err)
	}
	if tr := s.Transfers; tr == nil || tr.Requested != 1 || tr.Done != 0 || tr.Unfinished != 1 {
		t.Fatalf("transfer to a crashed node: %+v, want requested and unfinished", tr)
	}
	if s.ClientOps.OK == 0 || s.LeaderChanges != 1 {
		t.Errorf("writes ok %d, leader changes %d: the leader should stay and serve after giving up", s.ClientOps.OK, s.LeaderChanges)
	}
}

// TestReadSettingsValidated: the read settings' bounds, and lease reads without CheckQuorum.
func TestReadSettingsValidated(t *testing.T) {
	for _, tt := range []struct {
		set  func(*Config)
		want string
	}{
		{func(c *Config) { c.Workload.ReadRatio = 1.5 }, "read-ratio: 1.5: must be in [0, 1]"},
		{func(c *Config) { c.Workload.ReadRatio = math.NaN() }, "read-ratio: NaN"},
		{func(c *Config) { c.ReadMode = ReadLease }, "read-mode: lease needs check_quorum"},
		{func(c *Config) { c.ReadMode = 7 }, "read-mode: ReadMode(7)"},
		{func(c *Config) { c.ClockDrift = -0.1 }, "clock-drift: -0.1"},
	} {
		cfg := Default()
		tt.set(&cfg)
		if err := cfg.Validate(); err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("got %v, want %q", err, tt.want)
		}
	}
}

// readSwarm is the chaos swarm with reads in every mode the world allows and leadership transfers to
// random nodes in the schedule, drawn from a stream of their own so that the swarm's other draws are
// unchanged.
func readSwarm(seed uint64) Config {
	cfg := swarm(seed)
	r := sim.Stream(seed, "swarm-reads")
	cfg.Workload.ReadRatio = 0.2 + 0.6*r.Float64()
	cfg.ReadMode = ReadMode(r.IntN(3))
	if cfg.ReadMode == ReadLease {
		cfg.CheckQuorum = true
		cfg.ClockDrift = 0.05 * r.Float64()
	}
	for at := time.Duration(0); ; {
		at += time.Duration(200+r.IntN(1800)) * time.Millisecond
		if at >= cfg.Duration {
			break
		}
		cfg.Faults = append(cfg.Faults, fault.Event{At: at, Kind: fault.Transfer, Node: int64(1 + r.IntN(cfg.Nodes))})
	}
	return cfg
}

var readSeeds = flag.Int("reads.seeds", 300, "how many seeds TestChaosReadsSafety runs")

// TestChaosReadsSafety: the chaos swarm with reads and transfers; no violation, stale reads included.
func TestChaosReadsSafety(t *testing.T) {
	n := *readSeeds
	if testing.Short() {
		n = 30
	}
	var reads, transfers uint64
	for seed, o := range runSeeds(n, readSwarm)[1:] {
		seed++
		if o.err != nil {
			cfg := readSwarm(uint64(seed))
			t.Errorf("seed %d (nodes %d, read_mode %v): %v", seed, cfg.Nodes, cfg.ReadMode, o.err)
			continue
		}
		if o.sum.Reads != nil {
			reads += o.sum.Reads.OK
		}
		if o.sum.Transfers != nil {
			transfers += o.sum.Transfers.Done
		}
	}
	if reads == 0 || transfers == 0 {
		t.Errorf("%d reads served, %d transfers done over the swarm: the test exercises nothing", reads, transfers)
	}
	t.Logf("%d seeds: %d reads served, %d transfers done", n, reads, transfers)
}
