package cluster

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/raftsim/raftsim/models/fault"
	"github.com/raftsim/raftsim/models/latency"
	"github.com/raftsim/raftsim/topology"
)

func mustNode(t *testing.T, s string) NodeSettings {
	t.Helper()
	ns, err := ParseNodeSettings(s, topology.ParseBandwidth)
	if err != nil {
		t.Fatal(err)
	}
	return ns
}

// TestNodeNeutral: per-node settings at their neutral values (the cluster's own values, a clock rate of
// 1, a CPU time of 0) leave the run byte-identical: nothing is drawn and no time changes.
func TestNodeNeutral(t *testing.T) {
	base := Default()
	base.Seed, base.Duration, base.Clients = 3, 2*time.Second, 3
	base.Workload.ReadRatio = 0.3
	off, _ := tracedRun(t, base)
	for _, s := range []string{
		"all:clock_rate=1",
		"all:clock_rate=+0ppm,cpu=const:0s",
		"2:fsync=const:1ms,election_timeout=150ms:300ms,disk_bandwidth=unlimited",
		"3:heartbeat=75ms,cpu=0s",
	} {
		cfg := base
		cfg.PerNode = []NodeSettings{mustNode(t, s)}
		if on, _ := tracedRun(t, cfg); !bytes.Equal(off, on) {
			t.Errorf("--node %s changed the run; it must be neutral", s)
		}
		// A pause of 0: only the fault's own line in the trace differs.
		cfg.Faults = []fault.Event{{At: time.Second, Kind: fault.Pause, Node: 2}}
		on, _ := tracedRun(t, cfg)
		var kept [][]byte
		for _, l := range bytes.SplitAfter(on, []byte("\n")) {
			if !bytes.Contains(l, []byte(`"ev":"fault"`)) {
				kept = append(kept, l)
			}
		}
		if !bytes.Equal(off, bytes.Join(kept, nil)) {
			t.Errorf("--node %s with a pause of 0s changed the run", s)
		}
	}
}

// TestCPUStreamIndependence: the CPU model draws from its own stream. Nodes 1-3 of eight are cut off
// from 4-8 from the start, and node 2 gets a CPU model: the majority side (4-8) runs exactly as
// without it — the same elections, heartbeats, link latency draws and commits, event for event —
// while the minority's own events change.
func TestCPUStreamIndependence(t *testing.T) {
	cfg := Default()
	cfg.Nodes, cfg.Seed, cfg.Duration, cfg.Clients = 8, 5, 3*time.Second, 0
	cfg.Faults = []fault.Event{{At: 0, Kind: fault.Partition, Groups: [][]int64{{1, 2, 3}, {4, 5, 6, 7, 8}}}}
	off, _ := tracedRun(t, cfg)
	cfg.PerNode = []NodeSettings{mustNode(t, "2:cpu=exp:5ms")}
	on, _ := tracedRun(t, cfg)
	side := func(tr []byte, majority bool) string {
		var out strings.Builder
		sc := bufio.NewScanner(bytes.NewReader(tr))
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var ev map[string]any
			if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
				t.Fatal(err)
			}
			// An event of the side: every node it names is on it (a message dropped between the sides
			// is neither's).
			in, named := true, false
			for _, k := range []string{"node", "from", "to"} {
				if id, ok := ev[k].(float64); ok && id >= 1 {
					named = true
					in = in && (id >= 4) == majority
				}
			}
			in = in && named
			if in {
				out.Write(sc.Bytes())
				out.WriteByte('\n')
			}
		}
		return out.String()
	}
	if a, b := side(off, true), side(on, true); a != b || a == "" {
		t.Errorf("the CPU model at node 2 changed the majority side's events (%d and %d bytes)", len(a), len(b))
	}
	if side(off, false) == side(on, false) {
		t.Error("the CPU model at node 2 left the minority side's events as they were")
	}
}

// TestCPUQueue: a slow CPU delays a node's handling (its replies come late: commit latency grows with
// the service time), an enormous one stalls it without losing determinism, and the inbox's bound
// stops a run whose nodes cannot keep up.
func TestCPUQueue(t *testing.T) {
	base := Default()
	base.Seed, base.Duration, base.Clients = 2, 3*time.Second, 4
	base.Nodes = 3
	p50 := func(s string) (Summary, float64) {
		cfg := base
		if s != "" {
			cfg.PerNode = []NodeSettings{mustNode(t, s)}
		}
		_, sum := tracedRun(t, cfg)
		return sum, float64(sum.CommitLatencyMS.P50)
	}
	_, none := p50("")
	_, slow := p50("all:cpu=const:2ms")
	if !(slow >= none+2) {
		t.Errorf("median commit latency %vms with a 2ms CPU time per message, %vms without: want at least 2ms more", slow, none)
	}
	// An enormous service time: the node handles its first message after the run ends.
	sum, _ := p50("all:cpu=const:1000h")
	if sum.Commits != 0 {
		t.Errorf("with a CPU time of 1000h per message %d entries committed, want none", sum.Commits)
	}

	defer func(m int) { maxInbox = m }(maxInbox)
	maxInbox = 50
	cfg := base
	cfg.Clients = 50
	cfg.PerNode = []NodeSettings{mustNode(t, "all:cpu=const:10ms")}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var le *LimitError
	if _, err := c.Run(); !errors.As(err, &le) || !strings.Contains(le.What, "inboxes") {
		t.Fatalf("Run: %v, want the inbox limit", err)
	}
}

// TestPause: a paused follower's messages queue and it fires no timer; when the pause ends it catches
// up, and no safety property breaks. A paused leader is deposed (its followers time out), and at its
// resume it learns the new term. A pause longer than the run leaves the node silent to the end.
func TestPause(t *testing.T) {
	tests := []struct {
		name         string
		node         int64
		d            time.Duration
		wantNewLead  bool // the leader changed
		wantSilentTo bool // the node sends nothing after the pause starts
	}{
		{"follower 500ms", 2, 500 * time.Millisecond, false, false},
		{"leader 1s", 1, time.Second, true, false},
		{"leader beyond the run", 1, time.Hour, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := Default()
			cfg.Seed, cfg.Duration, cfg.Clients, cfg.Bootstrap, cfg.Check = 4, 3*time.Second, 2, 1, true
			cfg.Nodes = 3
			cfg.Faults = []fault.Event{{At: time.Second, Kind: fault.Pause, Node: tt.node, For: tt.d}}
			tr, sum := tracedRun(t, cfg)
			if got := sum.LeaderChanges > 1; got != tt.wantNewLead {
				t.Errorf("leader changes %d: want a new leader %t", sum.LeaderChanges, tt.wantNewLead)
			}
			sent := false
			sc := bufio.NewScanner(bytes.NewReader(tr))
			sc.Buffer(nil, 1<<20)
			for sc.Scan() {
				var ev struct {
					T    int64
					Ev   string
					From float64
				}
				_ = json.Unmarshal(sc.Bytes(), &ev)
				if ev.Ev == "send" && ev.From == float64(tt.node) && ev.T > int64(time.Second) {
					if ev.T < int64(time.Second+tt.d) {
						t.Fatalf("node %d sent at %s, during its pause", tt.node, time.Duration(ev.T))
					}
					sent = true
				}
			}
			if sent == tt.wantSilentTo {
				t.Errorf("node %d sent after its pause: %t, want %t", tt.node, sent, !tt.wantSilentTo)
			}
		})
	}
}

// TestDiskStall: a follower's disk stalled for ever keeps it from acknowledging anything, the other
// two still commit; a stall of the leader's disk stops commits until it ends (or for ever); a slow disk
// slows commits. The safety check holds throughout.
func TestDiskStall(t *testing.T) {
	run := func(evs ...fault.Event) Summary {
		cfg := Default()
		cfg.Seed, cfg.Duration, cfg.Clients, cfg.Bootstrap, cfg.Check = 6, 4*time.Second, 2, 1, true
		cfg.Nodes = 3
		cfg.Faults = evs
		_, s := tracedRun(t, cfg)
		return s
	}
	base := run()
	follower := run(fault.Event{At: time.Second, Kind: fault.DiskStall, Node: 2, Forever: true})
	if follower.Commits < base.Commits*3/4 {
		t.Errorf("follower's disk stalled for ever: %d commits, want most of the %d without", follower.Commits, base.Commits)
	}
	leaderForever := run(fault.Event{At: time.Second, Kind: fault.DiskStall, Node: 1, Forever: true})
	leaderBrief := run(fault.Event{At: time.Second, Kind: fault.DiskStall, Node: 1, For: time.Second})
	if !(leaderForever.Commits < leaderBrief.Commits && leaderBrief.Commits < base.Commits) {
		t.Errorf("commits: %d with the leader's disk stalled for ever, %d for 1s, %d without: want increasing",
			leaderForever.Commits, leaderBrief.Commits, base.Commits)
	}
	// The leader writes its own log in parallel with its followers (thesis §10.2.1): a commit needs
	// one follower's disk of the two, so both are slowed.
	d := latency.Const(20 * time.Millisecond)
	slow := run(fault.Event{At: time.Second, Kind: fault.DiskSlow, Node: 2, Latency: d},
		fault.Event{At: time.Second, Kind: fault.DiskSlow, Node: 3, Latency: d})
	if !(slow.CommitLatencyMS.P90 >= 20 && base.CommitLatencyMS.P90 < 20) {
		t.Errorf("followers' disks slowed to 20ms: p90 commit latency %vms, %vms without", slow.CommitLatencyMS.P90, base.CommitLatencyMS.P90)
	}
}

// TestNodeSettingsParse: the per-node form, its edge values and its errors.
func TestNodeSettingsParse(t *testing.T) {
	good := []struct{ in, canon string }{
		{"3:fsync=lognormal:20ms:1", "3:fsync=lognormal:20ms:1"},
		{"all:cpu=exp:50us, clock_rate=-200ppm", "all:clock_rate=0.9998,cpu=exp:50us"},
		{"1:election_timeout=300ms:600ms,heartbeat=50ms,disk_bandwidth=100MB/s", "1:disk_bandwidth=800Mbps,election_timeout=300ms:600ms,heartbeat=50ms"},
		{"2:clock_rate=1", "2:clock_rate=1"},
		{"2:cpu=0s", "2:cpu=const:0s"},
	}
	for _, g := range good {
		ns, err := ParseNodeSettings(g.in, topology.ParseBandwidth)
		if err != nil {
			t.Errorf("%q: %v", g.in, err)
			continue
		}
		if got := ns.Format(topology.FormatBandwidth); got != g.canon {
			t.Errorf("%q: canonical %q, want %q", g.in, got, g.canon)
		}
	}
	bad := []struct{ in, want string }{
		{"3", "want ID:key=value"},
		{"0:cpu=1ms", "want a node ID from 1, or all"},
		{"x:cpu=1ms", "want a node ID from 1, or all"},
		{"3:speed=2", `unknown key "speed"`},
		{"3:cpu=1ms,cpu=2ms", "cpu is given twice"},
		{"3:cpu", "want key=value"},
		{"3:clock_rate=fast", "want a rate like 1.0002"},
		{"3:clock_rate=0", "must be positive"},
		{"3:clock_rate=-1000000ppm", "stops the clock"},
		{"3:heartbeat=0s", "must be positive"},
		{"3:election_timeout=300ms:100ms", "below the minimum"},
		{"3:fsync=gauss:1ms", "fsync"},
	}
	for _, b := range bad {
		if _, err := ParseNodeSettings(b.in, topology.ParseBandwidth); err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("%q: error %v, want one containing %q", b.in, err, b.want)
		}
	}
	// Validate: bounds, each message naming the setting and the node.
	for _, b := range []struct{ in, want string }{
		{"9:cpu=1ms", "node: 9:cpu=const:1ms: node 9 is not in 1..5"},
		{"2:clock_rate=0.001", "node: 2:clock_rate=0.001: clock_rate 0.001: must be from 0.01 to 100"},
		{"all:clock_rate=1000", "node: all:clock_rate=1000: clock_rate 1000"},
		{"2:cpu=pareto:1ms:1", "node: 2:cpu=pareto:1ms:1: cpu pareto"},
		{"2:election_timeout=1ns:1ns", "node: 2:election_timeout=1ns:1ns: election_timeout minimum 1ns"},
		{"2:heartbeat=1us,clock_rate=100", "node: 2: heartbeat 1us at clock_rate 100 is 10ns"},
	} {
		cfg := Default()
		ns, err := ParseNodeSettings(b.in, topology.ParseBandwidth)
		if err != nil {
			t.Fatal(err)
		}
		cfg.PerNode = []NodeSettings{ns}
		if err := cfg.Validate(); err == nil || !strings.HasPrefix(err.Error(), b.want) {
			t.Errorf("%q: Validate: %v, want %q", b.in, err, b.want)
		}
	}
}

// TestGraySchedule: a gray failure of a node certainly down is refused; one of a node that may be up
// is allowed.
func TestGraySchedule(t *testing.T) {
	cfg := Default()
	cfg.Faults = []fault.Event{{At: time.Second, Kind: fault.Crash, Node: 2}, {At: 2 * time.Second, Kind: fault.Pause, Node: 2, For: time.Second}}
	if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "node 2 is down") {
		t.Errorf("pause of a crashed node: %v", err)
	}
	cfg.Faults = append(cfg.Faults[:1], fault.Event{At: 3 * time.Second, Kind: fault.Restart, Node: 2},
		fault.Event{At: 4 * time.Second, Kind: fault.DiskStall, Node: 2, Forever: true})
	if err := cfg.Validate(); err != nil {
		t.Error(err)
	}
}

// TestTopologyNodeSettings: a topology file's node: entries apply, and the configuration's own per-node
// settings override them; a bad bound in the file is refused, naming the file.
func TestTopologyNodeSettings(t *testing.T) {
	dir := t.TempDir()
	file := dir + "/t.yaml"
	write := func(s string) {
		if err := os.WriteFile(file, []byte("nodes: 3\nbase: mesh\ndefaults: {latency: \"const:1ms\"}\nnode:\n"+s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("  - \"all:cpu=const:2ms\"\n")
	cfg := Default()
	cfg.Nodes, cfg.Duration, cfg.Clients, cfg.Topology = 3, 2*time.Second, 2, file
	_, withFile := tracedRun(t, cfg)
	cfg.PerNode = []NodeSettings{mustNode(t, "all:cpu=0s")}
	_, overridden := tracedRun(t, cfg)
	write("  - \"all:heartbeat=75ms\"\n") // the default: the file's topology with nothing changed
	cfg.PerNode = nil
	_, plain := tracedRun(t, cfg)
	if !(float64(withFile.CommitLatencyMS.P50) >= float64(plain.CommitLatencyMS.P50)+2) {
		t.Errorf("median commit latency %vms with the file's CPU time of 2ms, %vms without", withFile.CommitLatencyMS.P50, plain.CommitLatencyMS.P50)
	}
	if overridden.CommitLatencyMS.P50 != plain.CommitLatencyMS.P50 || overridden.Commits != plain.Commits {
		t.Errorf("the configuration's cpu=0s did not override the file's: %v commits, p50 %vms; want %v, %vms",
			overridden.Commits, overridden.CommitLatencyMS.P50, plain.Commits, plain.CommitLatencyMS.P50)
	}

	write("  - \"2:clock_rate=500\"\n")
	cfg.Topology = file
	if _, err := New(cfg); err == nil || !strings.HasPrefix(err.Error(), "topology: "+file+": node: 2:clock_rate=500: clock_rate 500") {
		t.Errorf("New: %v", err)
	}
}

// TestClockRate: a node's timers run at its clock's rate. With a fixed election timeout of 150ms and no
// other randomness, node 3, whose clock runs 1.5 times fast, times out first, after 100ms of simulated
// time; at rate 1 (or +0ppm) node 1 does, at 150ms, as without the setting.
func TestClockRate(t *testing.T) {
	for _, tt := range []struct {
		setting  string
		node     float64
		at       time.Duration
		clockOff bool
	}{
		{"", 1, 150 * time.Millisecond, true},
		{"3:clock_rate=1", 1, 150 * time.Millisecond, true},
		{"3:clock_rate=1.5", 3, 100 * time.Millisecond, false},
		{"3:clock_rate=+500000ppm", 3, 100 * time.Millisecond, false},
		{"1:clock_rate=0.5", 2, 150 * time.Millisecond, false},
	} {
		cfg := Default()
		cfg.Nodes, cfg.Duration, cfg.Clients = 3, 500*time.Millisecond, 0
		cfg.ElectionMin, cfg.ElectionMax = 150*time.Millisecond, 150*time.Millisecond
		if tt.setting != "" {
			cfg.PerNode = []NodeSettings{mustNode(t, tt.setting)}
		}
		tr, _ := tracedRun(t, cfg)
		_, tr, _ = bytes.Cut(tr, []byte("\n")) // the header
		first, _, _ := bytes.Cut(tr, []byte("\n"))
		var ev struct {
			T    int64
			Ev   string
			Node float64
		}
		if err := json.Unmarshal(first, &ev); err != nil {
			t.Fatal(err)
		}
		if ev.Ev != "timeout" || ev.Node != tt.node || ev.T != int64(tt.at) {
			t.Errorf("%q: first event %s, want node %v timing out at %s", tt.setting, first, tt.node, tt.at)
		}
	}
}

// TestGrayDeterminism: a run with every per-node model and gray failure on is the same event for event
// whether it runs alone or beside others on other goroutines, as sweep workers run it.
func TestGrayDeterminism(t *testing.T) {
	cfg := Default()
	cfg.Nodes, cfg.Seed, cfg.Duration, cfg.Clients, cfg.Check = 5, 9, 3*time.Second, 6, true
	cfg.Workload.ReadRatio = 0.3
	cfg.PerNode = []NodeSettings{mustNode(t, "all:cpu=exp:200us,clock_rate=+150ppm"), mustNode(t, "2:fsync=lognormal:3ms:0.5,clock_rate=0.9999")}
	cfg.Faults = []fault.Event{
		{At: 500 * time.Millisecond, Kind: fault.Pause, Node: 3, For: 400 * time.Millisecond},
		{At: time.Second, Kind: fault.DiskStall, Node: 4, For: 700 * time.Millisecond},
		{At: 1500 * time.Millisecond, Kind: fault.DiskSlow, Node: 5, Latency: latency.MustParse("exp:8ms")},
		{At: 2 * time.Second, Kind: fault.Pause, Node: 1, For: 300 * time.Millisecond},
	}
	alone, _ := tracedRun(t, cfg)
	var wg sync.WaitGroup
	traces := make([][]byte, 4)
	for i := range traces {
		wg.Go(func() {
			var b bytes.Buffer
			c := cfg
			c.Trace = &b
			cl, err := New(c)
			if err == nil {
				_, err = cl.Run()
			}
			if err != nil {
				t.Error(err)
			}
			traces[i] = b.Bytes()
		})
	}
	wg.Wait()
	for i, tr := range traces {
		if !bytes.Equal(tr, alone) {
			t.Errorf("run %d of 4 in parallel differs from the same run alone", i)
		}
	}
}
