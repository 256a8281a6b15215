package main

import (
	"strings"
	"testing"

	"github.com/raftsim/raftsim/cluster"
	"github.com/raftsim/raftsim/experiments/spec"
	"github.com/raftsim/raftsim/raft"
)

// TestLinksBadInput: a bad message filter gets one line naming --filter and the problem, exit 2, and
// nothing runs.
func TestLinksBadInput(t *testing.T) {
	for _, tt := range []struct{ filter, want string }{
		{"drop append 1->2", "--filter drop append 1->2: want ACTION TYPES LINKS @FROM[-UNTIL]"},
		{"nuke append 1->2 @1s", `--filter nuke append 1->2 @1s: action "nuke": want drop or delay:DURATION`},
		{"delay:0s append 1->2 @1s", "want a positive duration"},
		{"drop appendentries 1->2 @1s", `message type "appendentries": want one of app`},
		{"drop append 1->9 @1s", "node 9 is not in 1..3"},
		{"drop append 1->1 @1s", "a node has no link to itself"},
		{"drop append 1->2 @5s-1s", "not after it starts"},
		{"drop append 1->2 @70s", "--filter: filter drop app+heartbeat 1->2 @1m10s is not before the end of the run"},
	} {
		t.Run(tt.filter, func(t *testing.T) {
			r := raftsim(t, nil, "run", "--nodes", "3", "--filter", tt.filter)
			exitLine(t, r, 2, tt.want)
			if !strings.HasPrefix(r.stderr, "raftsim: --filter") {
				t.Fatalf("stderr %q does not name --filter first", r.stderr)
			}
			if r.stdout != "" {
				t.Fatalf("stdout %q: nothing should run", r.stdout)
			}
		})
	}
}

// TestLinksBadLinkFlags: the link flags' bad values get one line naming the flag, exit 2.
func TestLinksBadLinkFlags(t *testing.T) {
	for _, tt := range []struct{ flag, value, want string }{
		{"dup", "1.5", "--dup 1.5: want a probability in [0, 1]"},
		{"dup", "-0", ""}, // -0 is 0: accepted
		{"reorder", "NaN", "--reorder NaN: "},
		{"reorder", "lots", "--reorder lots: "},
		{"client-loss", "2", "--client-loss 2: "},
		{"client-loss", "sometimes", "--client-loss sometimes: "},
		{"client-latency", "fast", "--client-latency fast: "},
		{"client-bandwidth", "1Gbit", "--client-bandwidth 1Gbit: "},
		{"flap-up", "exp:1s", "--flap-up exp:1s: needs --flap-down"},
		{"flap-down", "exp:100ms", "needs --flap-up"},
		{"flap-up", "exp:10us", "--flap-up exp:10us: exp:10us has mean 10us: at least 1ms"},
	} {
		t.Run(tt.flag+"="+tt.value, func(t *testing.T) {
			args := []string{"run", "--duration", "100ms", "--" + tt.flag, tt.value}
			if tt.flag == "flap-up" && tt.value == "exp:10us" {
				args = append(args, "--flap-down", "exp:1s")
			}
			r := raftsim(t, nil, args...)
			if tt.want == "" {
				if r.code != 0 {
					t.Fatalf("exit %d: %s", r.code, r.stderr)
				}
				return
			}
			exitLine(t, r, 2, tt.want)
		})
	}
}

// TestLinksFilterRun: a filter from the command line runs, is listed in the fault timeline, and its
// drops are counted under their own reason.
func TestLinksFilterRun(t *testing.T) {
	r := raftsim(t, nil, "run", "--nodes", "3", "--duration", "5s", "--bootstrap", "1", "--check",
		"--filter", "drop append 1->* @1s-2s")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{"dropped by a filter", "filter drop app+heartbeat 1->* @1s-2s", "no violation"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("summary lacks %q:\n%s", want, r.stdout)
		}
	}
}

// TestFigure8Spec: examples/specs/figure8.yaml, the Raft paper's Figure 8 from a spec file alone, runs
// as its comments say whatever the seed (five leaders, one per term, no violation). With the commit
// rule broken, the checker catches it: TestFigure8SpecMutant (mutants build).
func TestFigure8Spec(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		sum, err := runFigure8(t, seed, 0)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		if sum.LeaderChanges != 5 || sum.MaxTerm != 5 {
			t.Errorf("seed %d: %d leaders, max term %d; want one leader in each of terms 1 to 5", seed, sum.LeaderChanges, sum.MaxTerm)
		}
		if sum.Dropped["filter"] == 0 {
			t.Errorf("seed %d: nothing filtered", seed)
		}
	}
}

// runFigure8 runs examples/specs/figure8.yaml's one point with seed and the mutations mutate (none
// outside the mutants build).
func runFigure8(t *testing.T, seed uint64, mutate raft.Mutation) (cluster.Summary, error) {
	t.Helper()
	s, err := spec.Load("../../examples/specs/figure8.yaml")
	if err != nil {
		t.Fatal(err)
	}
	plan, err := s.Plan()
	if err != nil {
		t.Fatal(err)
	}
	cfg := plan.Points[0].Config
	cfg.Seed = seed
	setMutate(&cfg, mutate)
	c, err := cluster.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c.Run()
}
