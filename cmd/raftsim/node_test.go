package main

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/raftsim/raftsim/experiments/spec"
)

// TestNodeFlags: --node (repeated) and the gray-failure flags give the configuration the spec's node:
// list and schedule entries give.
func TestNodeFlags(t *testing.T) {
	f, _ := parseFlags(t, "--node", "all:clock_rate=+100ppm", "--node", "3:fsync=lognormal:20ms:1,cpu=exp:50us",
		"--pause", "2@1s:800ms", "--disk-stall", "3@2s:forever", "--disk-slow", "4@3s=const:40ms")
	got, _, err := f.config()
	if err != nil {
		t.Fatal(err)
	}
	s, err := spec.Parse([]byte("name: x\ncluster:\n  node: [\"all:clock_rate=1.0001\", \"3:cpu=exp:50us,fsync=lognormal:20ms:1\"]\n"+
		"scenario: {schedule: [\"pause 2@1s:800ms\", \"disk-stall 3@2s:forever\", \"disk-slow 4@3s=const:40ms\"]}\n"), "x.yaml")
	if err != nil {
		t.Fatal(err)
	}
	plan, err := s.Plan()
	if err != nil {
		t.Fatal(err)
	}
	want := plan.Points[0].Config
	if !reflect.DeepEqual(got.PerNode, want.PerNode) || len(got.PerNode) != 2 {
		t.Errorf("flags gave %+v, the spec %+v", got.PerNode, want.PerNode)
	}
	var gf, wf []string
	for _, e := range got.Faults {
		gf = append(gf, e.String())
	}
	for _, e := range want.Faults {
		wf = append(wf, e.String())
	}
	if strings.Join(gf, ";") != strings.Join(wf, ";") || len(gf) != 3 {
		t.Errorf("flags gave faults %v, the spec %v", gf, wf)
	}
}

// TestNodeBadInput: a bad per-node setting or gray failure is one line naming the flag (and the node),
// exit status 2, no stack trace.
func TestNodeBadInput(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--node", "9:cpu=1ms"}, "raftsim: --node: 9:cpu=const:1ms: node 9 is not in 1..5 (or all)"},
		{[]string{"--node", "3:cpu=1ms", "--node", "2:clock_rate=1000"}, "raftsim: --node: 2:clock_rate=1000: clock_rate 1000: must be from 0.01 to 100"},
		{[]string{"--node", "2:speed=2"}, `raftsim: --node 2:speed=2: unknown key "speed": want one of fsync, disk_bandwidth, election_timeout, heartbeat, clock_rate, cpu`},
		{[]string{"--node", "2"}, "raftsim: --node 2: want ID:key=value"},
		{[]string{"--node", "2:clock_rate=-2"}, "raftsim: --node 2:clock_rate=-2: clock_rate: -2: must be positive"},
		{[]string{"--node", "2:cpu=pareto:1ms:0.9"}, "raftsim: --node: 2:cpu=pareto:1ms:0.9: cpu pareto:1ms:0.9 has an infinite mean"},
		{[]string{"--pause", "2@1s"}, "raftsim: --pause 2@1s: want ID@TIME:DURATION"},
		{[]string{"--pause", "7@1s:1s"}, "raftsim: --pause 7@1s:1s: \"7@1s\": node 7 is not in 1..5"},
		{[]string{"--disk-stall", "2@1s:never"}, "or forever"},
		{[]string{"--disk-slow", "2@1s=fast"}, "raftsim: --disk-slow 2@1s=fast: latency"},
		{[]string{"--crash", "2@1s", "--disk-stall", "2@2s:1s"}, "raftsim: --disk-stall: disk-stall 2@2s:1s: node 2 is down (crash 2@1s, and no restart since)"},
	}
	for _, tt := range tests {
		r := raftsim(t, nil, append([]string{"run", "--quiet", "--duration", "3s"}, tt.args...)...)
		lines := strings.Split(strings.TrimRight(r.stderr, "\n"), "\n")
		if r.code != 2 || len(lines) != 1 || !strings.HasPrefix(lines[0], tt.want) && !strings.Contains(lines[0], tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 and one line with %q", tt.args, r.code, r.stderr, tt.want)
		}
	}
}

// TestNodeRun: a run with per-node settings and every gray failure, checked, is deterministic and its
// fault timeline names each fault's effect.
func TestNodeRun(t *testing.T) {
	args := []string{"run", "--quiet", "--nodes", "3", "--duration", "3s", "--clients", "3", "--check",
		"--node", "all:cpu=exp:100us", "--node", "2:clock_rate=+500ppm,fsync=lognormal:2ms:0.5",
		"--pause", "1@1s:400ms", "--disk-stall", "3@1500ms:forever", "--disk-slow", "2@2s=const:5ms"}
	r := raftsim(t, nil, args...)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{"paused 1 until 1.4s", "stalled the disk of 3 for ever", "the disk of 2 writes in const:5ms", "checked: no violation"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("summary lacks %q:\n%s", want, r.stdout)
		}
	}
	if again := raftsim(t, []string{"GOMAXPROCS=1"}, args...); again.stdout != r.stdout {
		t.Error("the same run twice gave different summaries")
	}
}

// TestDiskStallExample (issue 8, acceptance 2): examples/specs/disk-stall.yaml, one node's disk stalling
// while the others stay fast, runs from the spec file alone with the safety check on and finds no
// violation (two trials per point here).
func TestDiskStallExample(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	r := raftsim(t, nil, "sweep", "../../examples/specs/disk-stall.yaml", "--trials", "2", "--out", out, "--quiet")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
}
