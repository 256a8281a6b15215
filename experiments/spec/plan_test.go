package spec

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/raftsim/raftsim/cluster"
	"github.com/raftsim/raftsim/experiments"
	"github.com/raftsim/raftsim/models/fault"
	"github.com/raftsim/raftsim/models/latency"
	"github.com/raftsim/raftsim/network"
	"github.com/raftsim/raftsim/raft"
	"github.com/raftsim/raftsim/topology"
)

// runDefault is the configuration of `raftsim run` with no flags and seed 0: what a spec that sets
// nothing must run.
func runDefault() cluster.Config {
	c := cluster.Default()
	c.Seed = 0
	c.MaxInflight, c.MaxBatch = 256, 64
	c.Workload.Timeout, c.Workload.Deadline, c.Workload.Keys, c.Workload.Backoff = 500*time.Millisecond, 5*time.Second, 1000, 10*time.Millisecond
	return c
}

func mustParse(t testing.TB, src, file string) *Spec {
	t.Helper()
	s, err := Parse([]byte(src), file)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return s
}

func mustPlan(t testing.TB, s *Spec) *experiments.Plan {
	t.Helper()
	p, err := s.Plan()
	if err != nil {
		t.Fatalf("Plan: %v", err)
	}
	return p
}

func keys(p *experiments.Plan) []string {
	out := make([]string, len(p.Points))
	for i := range p.Points {
		out[i] = p.Points[i].Key()
	}
	return out
}

func TestPlan(t *testing.T) {
	crash := func(at time.Duration, extra int) fault.Event {
		return fault.Event{At: at, Kind: fault.Crash, Role: fault.Leader, Extra: extra}
	}
	tests := []struct {
		name string
		src  string
		keys []string
		// config returns the expected configuration of point i, starting from runDefault.
		config func(i int, c *cluster.Config)
	}{
		{
			name:   "no axes runs the run defaults",
			src:    "name: x\n",
			keys:   []string{""},
			config: func(int, *cluster.Config) {},
		},
		{
			name:   "top level",
			src:    "name: x\nseed: 9\ntrials: 4\nduration: 20s\n",
			keys:   []string{""},
			config: func(_ int, c *cluster.Config) { c.Duration = 20 * time.Second },
		},
		{
			name:   "value list in the order given",
			src:    "name: x\naxes:\n  - {param: nodes, values: [7, 3, 5]}\n",
			keys:   []string{"nodes=7", "nodes=3", "nodes=5"},
			config: func(i int, c *cluster.Config) { c.Nodes = []int{7, 3, 5}[i] },
		},
		{
			name:   "integer range with a step",
			src:    "name: x\naxes:\n  - {param: nodes, from: 1, to: 9, step: 3}\n",
			keys:   []string{"nodes=1", "nodes=4", "nodes=7"},
			config: func(i int, c *cluster.Config) { c.Nodes = 1 + 3*i },
		},
		{
			name: "dependent range, first axis outermost",
			src: `name: x
scenario: {crash_at: 5s}
axes:
  - {param: nodes, from: 1, to: 3}
  - {param: faults, from: 0, to: nodes}
`,
			keys: []string{"nodes=1 faults=0", "nodes=1 faults=1", "nodes=2 faults=0", "nodes=2 faults=1",
				"nodes=2 faults=2", "nodes=3 faults=0", "nodes=3 faults=1", "nodes=3 faults=2", "nodes=3 faults=3"},
			config: func(i int, c *cluster.Config) {
				n := []int{1, 1, 2, 2, 2, 3, 3, 3, 3}[i]
				f := []int{0, 1, 0, 1, 2, 0, 1, 2, 3}[i]
				c.Nodes = n
				if f > 0 {
					c.Faults = []fault.Event{crash(5*time.Second, f-1)}
				}
			},
		},
		{
			name: "dependent range with an offset skips empty ranges",
			src: `name: x
scenario: {crash_at: 1s}
axes:
  - {param: nodes, values: [1, 2, 4]}
  - {param: faults, from: 1, to: nodes - 1}
`,
			keys: []string{"nodes=2 faults=1", "nodes=4 faults=1", "nodes=4 faults=2", "nodes=4 faults=3"},
			config: func(i int, c *cluster.Config) {
				c.Nodes = []int{2, 4, 4, 4}[i]
				c.Faults = []fault.Event{crash(time.Second, []int{0, 0, 1, 2}[i])}
			},
		},
		{
			name:   "duration range",
			src:    "name: x\naxes:\n  - {param: heartbeat, from: 50ms, to: 0.1s, step: 25ms}\n",
			keys:   []string{"heartbeat=50ms", "heartbeat=75ms", "heartbeat=100ms"},
			config: func(i int, c *cluster.Config) { c.Heartbeat = time.Duration(50+25*i) * time.Millisecond },
		},
		{
			name:   "float range is rounded to its decimals",
			src:    "name: x\naxes:\n  - {param: loss, from: 0, to: 0.3, step: 0.1}\n",
			keys:   []string{"loss=0", "loss=0.1", "loss=0.2", "loss=0.3"},
			config: func(i int, c *cluster.Config) { c.Link.Loss = []float64{0, 0.1, 0.2, 0.3}[i] },
		},
		{
			name: "values are canonical",
			src: `name: x
axes:
  - {param: election_timeout, values: ["0.15s:300ms", "150ms", "150ms:151000us"]}
  - {param: latency, values: ["5ms", "uniform:1ms:1ms", "uniform:1ms:3000us"]}
`,
			keys: []string{
				"election_timeout=150ms:300ms latency=const:5ms", "election_timeout=150ms:300ms latency=const:1ms",
				"election_timeout=150ms:300ms latency=uniform:1ms:3ms",
				"election_timeout=150ms:150ms latency=const:5ms", "election_timeout=150ms:150ms latency=const:1ms",
				"election_timeout=150ms:150ms latency=uniform:1ms:3ms",
				"election_timeout=150ms:151ms latency=const:5ms", "election_timeout=150ms:151ms latency=const:1ms",
				"election_timeout=150ms:151ms latency=uniform:1ms:3ms",
			},
			config: func(i int, c *cluster.Config) {
				c.ElectionMin = 150 * time.Millisecond
				c.ElectionMax = []time.Duration{300, 150, 151}[i/3] * time.Millisecond
				c.Link.Latency = latency.MustParse([]string{"5ms", "1ms", "uniform:1ms:3ms"}[i%3])
			},
		},
		{
			name: "variants set several parameters",
			src: `name: x
cluster: {latency: 2ms}
axes:
  - name: env
    variant:
      - {name: base}
      - {name: wan, params: {latency: "exp:40ms:10ms", nodes: 3, crash_recovery: {mttf: "exp:20s", mttr: 2s}}}
`,
			keys: []string{"env=base", "env=wan"},
			config: func(i int, c *cluster.Config) {
				c.Link.Latency = latency.MustParse("2ms")
				if i == 1 {
					c.Link.Latency = latency.MustParse("exp:40ms:10ms")
					c.Nodes = 3
					c.CrashRecovery = &cluster.CrashRecovery{MTTF: latency.MustParse("exp:20s"), MTTR: latency.MustParse("2s")}
				}
			},
		},
		{
			name: "a variant may unset a scenario mapping",
			src: `name: x
scenario: {leader_crash: {after: 2s}}
axes:
  - variant: [{name: on}, {name: "off", params: {leader_crash: null}}]
`,
			keys: []string{"variant=on", "variant=off"},
			config: func(i int, c *cluster.Config) {
				if i == 0 {
					c.LeaderCrash = &cluster.LeaderCrash{After: 2 * time.Second}
				}
			},
		},
		{
			name: "every cluster setting",
			src: `name: x
duration: 1m
cluster:
  nodes: 5
  election_timeout: 0.2s:400ms
  heartbeat: 100ms
  fsync: 2ms
  disk_bandwidth: 500MB/s
  latency: "normal:2ms:500us"
  loss: 0.01
  bandwidth: 100Mbps
  topology: ring
  routing: shortest-path
  clients: 4
  client_timeout: 1s
  op_deadline: 10s
  think: 5ms
  value_size: 1024
  keys: 100
  pre_vote: true
  check_quorum: true
  max_inflight: 32
  max_batch: 16
  check: true
`,
			keys: []string{""},
			config: func(_ int, c *cluster.Config) {
				c.Duration = time.Minute
				c.ElectionMin, c.ElectionMax, c.Heartbeat = 200*time.Millisecond, 400*time.Millisecond, 100*time.Millisecond
				c.Fsync, c.DiskBandwidth = latency.MustParse("2ms"), 5e8
				c.Link = topology.Link{Latency: latency.MustParse("normal:2ms:500us"), Loss: 0.01, Bandwidth: 12.5e6}
				c.Topology, c.Routing, c.Clients = "ring", network.ShortestPath, 4
				c.Workload.Timeout, c.Workload.Deadline, c.Workload.Think = time.Second, 10*time.Second, 5*time.Millisecond
				c.Workload.ValueSize, c.Workload.Keys = 1024, 100
				c.PreVote, c.CheckQuorum, c.MaxInflight, c.MaxBatch, c.Check = raft.PreVoteThesis, true, 32, 16, true
			},
		},
		{
			name: "every scenario setting",
			src: `name: x
duration: 50s
scenario:
  measure_from: 20s
  faults: 2
  crash_at: 15s
  schedule: ["heal 40s", "crash 1@10s,leader+1@11s", "cut 25s:1<->2", "restore 26s:2->1", "partition 30s:1,2|3", "isolate 3@35s", "restart 1@15s"]
  chaos: true
  chaos_interval: 5s
  chaos_quiet: 2s
  leader_crash: {after: 3s, stale: 2, stop: true}
  crash_recovery: {mttf: "exp:30s", mttr: "exp:3s"}
`,
			keys: []string{""},
			config: func(_ int, c *cluster.Config) {
				s := time.Second
				c.Duration, c.MeasureFrom = 50*s, 20*s
				c.Faults = []fault.Event{
					{At: 10 * s, Kind: fault.Crash, Node: 1},
					{At: 11 * s, Kind: fault.Crash, Role: fault.Leader, Extra: 1},
					crash(15*s, 1), // faults: first among the events at its time
					{At: 15 * s, Kind: fault.Restart, Node: 1},
					{At: 25 * s, Kind: fault.Cut, Edges: []topology.Edge{{From: 1, To: 2}, {From: 2, To: 1}}},
					{At: 26 * s, Kind: fault.Restore, Edges: []topology.Edge{{From: 2, To: 1}}},
					{At: 30 * s, Kind: fault.Partition, Groups: [][]int64{{1, 2}, {3}}},
					{At: 35 * s, Kind: fault.Isolate, Node: 3},
					{At: 40 * s, Kind: fault.Heal},
				}
				c.Chaos, c.ChaosOptions = true, fault.ChaosOptions{MeanInterval: 5 * s, Quiet: 2 * s}
				c.LeaderCrash = &cluster.LeaderCrash{After: 3 * s, Stale: 2, Stop: true}
				c.CrashRecovery = &cluster.CrashRecovery{MTTF: latency.MustParse("exp:30s"), MTTR: latency.MustParse("exp:3s")}
			},
		},
		{
			name: "duration is an axis like any other",
			src:  "name: x\nscenario: {measure_from: 5s}\naxes:\n  - {param: duration, values: [10s, 1m]}\n",
			keys: []string{"duration=10s", "duration=1m0s"},
			config: func(i int, c *cluster.Config) {
				c.MeasureFrom = 5 * time.Second
				c.Duration = []time.Duration{10 * time.Second, time.Minute}[i]
			},
		},
		{
			name:   "topology file relative to the spec",
			src:    "name: x\ncluster: {topology: ../topologies/five.yaml}\n",
			keys:   []string{""},
			config: func(_ int, c *cluster.Config) { c.Topology = "testdata/topologies/five.yaml" },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mustParse(t, tt.src, "testdata/specs/t.yaml")
			p := mustPlan(t, s)
			if got := keys(p); !slices.Equal(got, tt.keys) {
				t.Fatalf("keys:\n got %q\nwant %q", got, tt.keys)
			}
			for i, pt := range p.Points {
				if pt.Index != i {
					t.Errorf("point %d: Index %d", i, pt.Index)
				}
				want := runDefault()
				tt.config(i, &want)
				if !reflect.DeepEqual(pt.Config, want) {
					t.Errorf("point %d (%s): config\n got %+v\nwant %+v", i, pt.Key(), pt.Config, want)
				}
				if err := pt.Config.Validate(); err != nil {
					t.Errorf("point %d: %v", i, err)
				}
			}
			if p.Name != "x" || len(p.Axes) != len(s.Axes) || p.Trials != s.Trials || p.Seed != s.Seed {
				t.Errorf("plan header %q %v %d %d", p.Name, p.Axes, p.Trials, p.Seed)
			}
		})
	}
}

// TestPlanHeader checks what the plan carries besides its points.
func TestPlanHeader(t *testing.T) {
	s := mustParse(t, "name: q\ndescription: d\nseed: 9\ntrials: 4\naxes:\n  - {param: nodes, values: [3]}\n  - variant: [{name: a}]\n", "")
	p := mustPlan(t, s)
	if p.Name != "q" || p.Description != "d" || p.Seed != 9 || p.Trials != 4 || !slices.Equal(p.Axes, []string{"nodes", "variant"}) {
		t.Errorf("header: %+v", p)
	}
	if string(p.Spec) != string(s.Canonical()) {
		t.Errorf("Plan.Spec is not Canonical")
	}
	if len(p.SpecSHA256) != 64 || strings.Trim(p.SpecSHA256, "0123456789abcdef") != "" {
		t.Errorf("SpecSHA256 %q", p.SpecSHA256)
	}
	other := mustPlan(t, s.WithSeed(10))
	if other.SpecSHA256 == p.SpecSHA256 {
		t.Errorf("the hash does not depend on the seed")
	}
}
