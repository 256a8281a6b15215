package cluster

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/raftsim/raftsim/models/fault"
	"github.com/raftsim/raftsim/models/latency"
)

// wanConfig is a run on a region preset with one client per region, the leader bootstrapped at node
// leader (node i is in region (i-1) mod R), election timeouts long beside the widest round trip
// (309.6 ms) so that the first leader stays, and the measures taken from 4 s.
func wanConfig(preset string, nodes, leader int, reads string) Config {
	cfg := Default()
	cfg.Regions, cfg.Nodes, cfg.Bootstrap = preset, nodes, leader
	cfg.Clients = map[string]int{"aws3": 3, "aws5": 5}[preset]
	cfg.ElectionMin, cfg.ElectionMax = time.Second, 2*time.Second
	cfg.Duration, cfg.MeasureFrom = 12*time.Second, 4*time.Second
	cfg.Fsync = latency.Const(2 * time.Millisecond)
	switch reads {
	case "read_index":
		cfg.Workload.ReadRatio = 1
	case "lease":
		// With CheckQuorum a node refuses votes for an election timeout after it starts (thesis §4.2.3), so
		// the bootstrapped node seldom wins the first election: a transfer at 3 s puts the leader there.
		cfg.Workload.ReadRatio, cfg.ReadMode, cfg.CheckQuorum = 1, ReadLease, true
		cfg.Faults = []fault.Event{{At: 3 * time.Second, Kind: fault.Transfer, Node: int64(leader)}}
	}
	return cfg
}

// TestWANPrediction is acceptance item 4 of issue 8: with constant latencies (the presets'), the median
// commit latency of every region's clients is within 2% of the analytic prediction (PredictCommit), for
// every cluster size and leader region; and so are ReadIndex and lease reads (PredictRead). -short
// leaves out n = 7 and the 5-region preset's n = 3.
func TestWANPrediction(t *testing.T) {
	type point struct {
		preset string
		nodes  int
	}
	points := []point{{"aws3", 3}, {"aws3", 5}, {"aws3", 7}, {"aws5", 3}, {"aws5", 5}, {"aws5", 7}}
	if testing.Short() {
		points = []point{{"aws3", 3}, {"aws3", 5}, {"aws5", 5}}
	}
	for _, p := range points {
		regions := map[string]int{"aws3": 3, "aws5": 5}[p.preset]
		for leader := 1; leader <= min(regions, p.nodes); leader++ { // node i is in region i for i <= R
			for _, reads := range []string{"writes", "read_index", "lease"} {
				t.Run(fmt.Sprintf("%s/n=%d/leader=%d/%s", p.preset, p.nodes, leader, reads), func(t *testing.T) {
					c, err := New(wanConfig(p.preset, p.nodes, leader, reads))
					if err != nil {
						t.Fatal(err)
					}
					s, err := c.Run()
					if err != nil {
						t.Fatal(err)
					}
					if s.LeaderChanges > 3 || len(s.Regions) != regions {
						t.Fatalf("%d leader changes, %d regions: want the leader placed once and for all", s.LeaderChanges, len(s.Regions))
					}
					for _, r := range s.Regions {
						if r.Leader != uint64(leader) {
							t.Fatalf("leader %d at the end, want %d", r.Leader, leader)
						}
						got, want := r.CommitLatencyMS.P50, r.PredictedCommitMS
						if reads != "writes" {
							got, want = r.Reads.LatencyMS.P50, r.PredictedReadMS
						}
						if math.IsNaN(float64(got)) || math.Abs(float64(got-want)) > 0.02*float64(want) {
							t.Errorf("clients in %s: median %v ms, predicted %v ms (more than 2%% apart)", r.Name, got, want)
						}
					}
				})
			}
		}
	}
}

// TestPredictionByHand: the prediction for one case worked out from the preset's numbers. aws3, n = 5,
// leader node 2 (eu-west-1): its voters are 1 and 4 (us-east-1, 80.55 ms round trip), 3 (ap-northeast-1,
// 212.4 ms) and 5 (eu-west-1, 1 ms). The 2nd nearest is 80.55 ms away; with its 2 ms disk write the
// commit takes 82.55 ms; a client in ap-northeast-1 adds its own round trip to the leader, 212.4 ms.
func TestPredictionByHand(t *testing.T) {
	c, err := New(wanConfig("aws3", 5, 2, "writes"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		region int
		want   time.Duration
	}{{2, 82550*time.Microsecond + 212400*time.Microsecond}, {1, 82550*time.Microsecond + time.Millisecond}, {0, 82550*time.Microsecond + 80550*time.Microsecond}} {
		if got, err := c.PredictCommit(tt.region, 2); err != nil || got != tt.want {
			t.Errorf("region %d: %v %v, want %v", tt.region, got, err, tt.want)
		}
	}
	c.cfg.ReadMode = ReadIndex
	if got, _ := c.PredictRead(0, 2); got != 80550*time.Microsecond+80550*time.Microsecond {
		t.Errorf("ReadIndex read from us-east-1: %v", got)
	}
	c.cfg.Nodes = 1 // no voter but the leader: its own write
	if got, _ := c.PredictCommit(1, 2); got != 2*time.Millisecond+time.Millisecond {
		t.Errorf("one node: %v", got)
	}
}

// TestRegionsChangeNothingElse: declaring regions draws nothing and moves no message: a run on the aws3
// preset is the run on a topology file with the same links and no regions, but for the regions key
// of the summary (no clients, so no client link differs); and client_region spread is the default.
func TestRegionsChangeNothingElse(t *testing.T) {
	file := filepath.Join(t.TempDir(), "plain.yaml")
	plain := `nodes: 6
groups: {us: [1, 4], eu: [2, 5], ap: [3, 6]}
links:
  - {within: us, latency: "const:500us"}
  - {within: eu, latency: "const:500us"}
  - {within: ap, latency: "const:500us"}
  - {between: [us, eu], latency: "const:40.275ms"}
  - {between: [us, ap], latency: "const:72.65ms"}
  - {between: [eu, ap], latency: "const:106.2ms"}
`
	if err := os.WriteFile(file, []byte(plain), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(cfg Config) Summary {
		t.Helper()
		c, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		s, err := c.Run()
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	base := Default()
	base.Nodes, base.Clients, base.Duration = 6, 0, 10*time.Second
	base.ElectionMin, base.ElectionMax = time.Second, 2*time.Second
	base.Faults = nil
	a := base
	a.Regions = "aws3"
	b := base
	b.Topology = file
	sa, sb := run(a), run(b)
	if len(sa.Regions) != 3 || sb.Regions != nil {
		t.Fatalf("regions %v and %v", sa.Regions, sb.Regions)
	}
	sa.Regions = nil
	ja, _ := json.Marshal(sa)
	jb, _ := json.Marshal(sb)
	if !bytes.Equal(ja, jb) {
		t.Errorf("with regions:\n%s\nwithout:\n%s", ja, jb)
	}

	d := Default()
	d.Duration = 5 * time.Second
	e := d
	e.ClientRegion = SpreadClients
	jd, _ := json.Marshal(run(d))
	je, _ := json.Marshal(run(e))
	if !bytes.Equal(jd, je) {
		t.Error("client_region spread changed a run without regions")
	}
}

// TestRegionEdges: zero and enormous latencies. Inside region near every latency is 0, so its client's
// writes take the disk write and the messages' few microseconds of transmission (one client: two would queue behind each other's writes); far is a million hours away, so its clients' writes never arrive,
// fail at their deadline, and what they send is released rather than held (memory stays bounded).
func TestRegionEdges(t *testing.T) {
	file := filepath.Join(t.TempDir(), "edges.yaml")
	if err := os.WriteFile(file, []byte(`nodes: 3
regions:
  - {name: near, nodes: [1, 2], latency: "const:0s"}
  - {name: far, nodes: [3], latency: "const:0s"}
links:
  - {between: [near, far], latency: "const:1000000h"}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := Default()
	cfg.Nodes, cfg.Topology, cfg.Clients, cfg.Bootstrap = 3, file, 2, 1
	cfg.Duration, cfg.MeasureFrom = 20*time.Second, time.Second
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	s, err := c.Run()
	if err != nil {
		t.Fatal(err)
	}
	near, far := s.Regions[0], s.Regions[1]
	if near.Clients != 1 || far.Clients != 1 || near.Writes.OK == 0 || math.Abs(float64(near.CommitLatencyMS.P50)-1) > 0.01 || near.PredictedCommitMS != 1 {
		t.Errorf("near: %+v: want its writes in the 1 ms disk write (and a few microseconds of transmission), as predicted", near)
	}
	if far.Writes.OK != 0 || far.Writes.Failed == 0 || !math.IsNaN(float64(far.CommitLatencyMS.P50)) {
		t.Errorf("far: %+v: want every write failed", far)
	}
	if in := c.net.InFlight(); in > 100 {
		t.Errorf("%d messages held at the end", in)
	}
}

func TestRegionSettingErrors(t *testing.T) {
	file := filepath.Join(t.TempDir(), "r.yaml")
	if err := os.WriteFile(file, []byte("nodes: 3\nregions:\n  - {name: a, latency: 1ms}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		set  func(c *Config)
		want string
	}{
		{func(c *Config) { c.Regions = "aws4" }, `regions: "aws4": want one of aws3, aws5 (or none)`},
		{func(c *Config) { c.Regions, c.Topology = "aws3", "ring" }, `regions: aws3 is a whole topology: leave topology at mesh (it is "ring")`},
		{func(c *Config) { c.Regions, c.ClientRegion = "aws3", "us-west-1" },
			`client-region: "us-west-1" is not a region of aws3 (want us-east-1, eu-west-1, ap-northeast-1, or spread)`},
		{func(c *Config) { c.ClientRegion = "mars" }, `client-region: "mars": a mesh topology has no regions (set regions, or a topology file with regions)`},
		{func(c *Config) { c.Nodes, c.Topology, c.ClientRegion = 3, file, "b" }, `client-region: "b" is not a region of the topology (want a, or spread)`},
	} {
		cfg := Default()
		tt.set(&cfg)
		_, err := New(cfg)
		if err == nil || err.Error() != tt.want || strings.Contains(err.Error(), "\n") {
			t.Errorf("error\n got: %v\nwant: %s", err, tt.want)
		}
	}
	cfg := Default()
	cfg.Nodes, cfg.Topology, cfg.ClientRegion = 3, file, "a"
	if _, err := New(cfg); err != nil {
		t.Errorf("client region a: %v", err)
	}
}
