package main

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/raftsim/raftsim/experiments/spec"
)

// TestAcceptanceSpecs (issue 8, acceptance 2): the three worlds the issue asks to express from a spec
// file alone — the Raft paper's Figure 8 (message filters plus role-targeted crashes), one node's disk
// stalling while the others stay fast, the leader isolated at 5 s — each sets the safety check, runs as
// a sweep (two trials a point), and finds no violation (a violation exits 3).
func TestAcceptanceSpecs(t *testing.T) {
	for _, name := range []string{"figure8", "disk-stall", "leader-isolated"} {
		t.Run(name, func(t *testing.T) {
			path := "../../examples/specs/" + name + ".yaml"
			s, err := spec.Load(path)
			if err != nil {
				t.Fatal(err)
			}
			plan, err := s.Plan()
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range plan.Points {
				if !p.Config.Check {
					t.Fatalf("point %v runs without the safety check", p)
				}
			}
			r := raftsim(t, nil, "sweep", path, "--trials", "2", "--out", filepath.Join(t.TempDir(), "out"), "--quiet")
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
		})
	}
}

// TestFigure8Roles: the Figure 8 spec names its crashes and restarts by role only, and the replayed
// trial's timeline names the node each role hit, stage by stage, as the spec's comments say.
func TestFigure8Roles(t *testing.T) {
	s, err := spec.Load("../../examples/specs/figure8.yaml")
	if err != nil {
		t.Fatal(err)
	}
	plan, err := s.Plan()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range plan.Points[0].Config.Faults {
		if k := e.Kind.String(); (k == "crash" || k == "restart") && e.Role.String() == "id" {
			t.Errorf("%v names a node by ID", e)
		}
	}
	r := raftsim(t, nil, "sweep", "../../examples/specs/figure8.yaml", "--point", "0", "--trial", "0")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	last := 0
	for _, want := range []string{
		"crash leader@1s  ", "crashed the leader 5",
		"restart crashed-leader@2s  ", "crashed leader 5: restarted 5",
		"crashed leader 5: dropping app on 5->* until 4s",
		"crash leader@2s  ", "crashed the leader 1",
		"crashed leader 1: restarted 1", "crashed the leader 5",
		"leader 1: dropping app on 1->3,1->4 until the end of the run",
		"crashed leader 5: restarted 5", "crashed the leader 1",
		"checked: no violation",
	} {
		i := strings.Index(r.stdout[last:], want)
		if i < 0 {
			t.Fatalf("after offset %d, the summary lacks %q:\n%s", last, want, r.stdout)
		}
		last += i + len(want)
	}
}

// TestFinishBadInput: the second-wave settings' bad values get one line naming the flag and the
// problem, exit 2, and nothing runs.
func TestFinishBadInput(t *testing.T) {
	for _, tt := range []struct{ flag, value, want string }{
		{"think", "soon", `--think soon: want a duration like 10ms or a latency spec like exp:10ms`},
		{"think", "exp:", `--think exp:: want a duration like 10ms or a latency spec`},
		{"think", "pareto:1ms:1", "--think pareto:1ms:1: want a distribution of finite mean"},
		{"think", "-1s", "--think -1s: -1s is negative"},
		{"client-retry", "random", "--client-retry random: want leader or round_robin"},
		{"client-backoff", "0s", "--client-backoff 0s: must be positive"},
		{"client-backoff", "100ns", "--client-backoff 100ns: at least 1us"},
		{"filter", "drop app leader+1->* @1s", `node "leader+1" is not accepted here: want a node ID, leader, follower or crashed-leader`},
		{"filter", "drop app rest->1 @1s", `node "rest" is not accepted here`},
		{"filter", "drop app leader->leader @1s", "a node has no link to itself"},
	} {
		t.Run(tt.flag+"="+tt.value, func(t *testing.T) {
			r := raftsim(t, nil, "run", "--nodes", "3", "--duration", "100ms", "--"+tt.flag, tt.value)
			exitLine(t, r, 2, tt.want)
			if r.stdout != "" {
				t.Fatalf("stdout %q: nothing should run", r.stdout)
			}
		})
	}
}

// TestFinishNeutralFlags: a constant think time written as a latency spec, and the default retry
// policy and backoff written out, give the run without them, byte for byte.
func TestFinishNeutralFlags(t *testing.T) {
	base := []string{"run", "--duration", "2s", "--clients", "3", "--think", "10ms"}
	want := raftsim(t, nil, base...)
	if want.code != 0 {
		t.Fatalf("exit %d: %s", want.code, want.stderr)
	}
	for _, extra := range [][]string{
		{"--think", "const:10ms"},
		{"--client-retry", "leader"},
		{"--client-backoff", "10ms"},
	} {
		got := raftsim(t, nil, append(slices.Clone(base), extra...)...)
		if got.code != 0 || got.stdout != want.stdout {
			t.Errorf("%v changed the run:\n%s\nwant:\n%s", extra, got.stdout, want.stdout)
		}
	}
	other := raftsim(t, nil, append(slices.Clone(base), "--think", "exp:10ms")...)
	if other.code != 0 || other.stdout == want.stdout {
		t.Errorf("exp:10ms gave the constant's run (exit %d)", other.code)
	}
}

// TestDuplicatedLine: the text summary's network line says how many copies duplicating links made,
// and only when they made some.
func TestDuplicatedLine(t *testing.T) {
	for _, tt := range []struct {
		dup    string
		listed bool
	}{{"0", false}, {"0.05", true}} {
		r := raftsim(t, nil, "run", "--duration", "1s", "--dup", tt.dup)
		if r.code != 0 {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		line := r.stdout[strings.Index(r.stdout, "  network"):]
		line = line[:strings.IndexByte(line, '\n')]
		if strings.Contains(line, "duplicated by links") != tt.listed {
			t.Errorf("--dup %s: %q", tt.dup, line)
		}
	}
}

// TestFlapLinksFlags: --flap-links chooses the pairs that flap; a bad list gets one line naming the
// flag, exit 2; the run's timeline lists cuts of the chosen pairs only.
func TestFlapLinksFlags(t *testing.T) {
	flap := []string{"run", "--duration", "10s", "--flap-up", "exp:2s", "--flap-down", "exp:300ms"}
	for _, tt := range []struct{ links, want string }{
		{"1->2", `--flap-links 1->2: link "1->2": want A<->B (a flap takes both directions down at once)`},
		{"2<->2", `--flap-links 2<->2: link "2<->2": a node has no link to itself`},
		{"1<->2 2<->1", "--flap-links 1<->2 2<->1: link 1<->2 is listed twice"},
		{"leader<->2", `--flap-links leader<->2: link "leader<->2": node "leader" is not accepted here: want a node ID`},
		{",", "--flap-links ,: empty list: want A<->B[,C<->D]"},
		{"1<->9", "--flap-links 1<->9: node 9 is not in 1..5"},
	} {
		t.Run(tt.links, func(t *testing.T) {
			r := raftsim(t, nil, append(slices.Clone(flap), "--flap-links", tt.links)...)
			exitLine(t, r, 2, tt.want)
		})
	}
	r := raftsim(t, nil, "run", "--duration", "1s", "--flap-links", "1<->2")
	exitLine(t, r, 2, "needs --flap-up")

	r = raftsim(t, nil, append(slices.Clone(flap), "--flap-links", "1<->2, 3<->1")...)
	if r.code != 0 || !strings.Contains(r.stdout, "of nodes 1, 2") || !strings.Contains(r.stdout, "of nodes 1, 3") {
		t.Fatalf("exit %d:\n%s", r.code, r.stdout)
	}
	for _, line := range strings.Split(r.stdout, "\n") {
		if strings.Contains(line, "directed edges, of nodes") && !strings.Contains(line, "of nodes 1, 2") && !strings.Contains(line, "of nodes 1, 3") {
			t.Errorf("a flap of another pair: %s", line)
		}
	}
}
