package raft_test

import (
	"flag"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/raftsim/raftsim/raft"
	"github.com/raftsim/raftsim/raft/rafttest"
)

var update = flag.Bool("update", false, "rewrite the testdata scripts with the actual output")

// TestInteraction runs the scenario scripts in testdata/ in an interaction env (package rafttest,
// whose documentation lists the commands and the transcript notation). The expected transcripts are a
// specification of the node's behaviour; see the comments in each script for what it shows and which
// section of the Raft paper or thesis it exercises. Regenerate them with
// go test ./raft -run TestInteraction -update, and read the diff.
func TestInteraction(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txt")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no scripts in testdata/")
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".txt"), func(t *testing.T) {
			rafttest.RunScript(t, f, rafttest.NewEnv(nil), *update)
		})
	}
}

// TestInteractionChecks makes sure the env's checks can fail: it breaks Log Matching and Election
// Safety behind the nodes' backs and expects the violations to be reported.
func TestInteractionChecks(t *testing.T) {
	for _, tc := range []struct {
		name    string
		breakIt func(e *rafttest.Env)
		want    string
	}{
		{"log matching", func(e *rafttest.Env) {
			n := e.Node(2)
			x, _ := n.Entry(1)
			raft.ForgeEntry(n, raft.Entry{Term: x.Term, Index: 1, Data: []byte("forged"), Size: 6})
		}, "safety: logs of 1 and 2 both hold term 1 at index 1 but differ at index 1"},
		{"committed entry changed", func(e *rafttest.Env) {
			raft.ForgeEntry(e.Node(3), raft.Entry{Term: 9, Index: 1})
		}, "safety: node 3 has 9/1 committed at index 1, where node 1 had 1/1 committed"},
		{"two leaders", func(e *rafttest.Env) {
			raft.ForceState(e.Node(3), raft.Leader)
		}, "safety: term 1 has two leaders, 1 and 3"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := rafttest.NewEnv(nil)
			for _, line := range []string{"add-nodes 3", "campaign 1", "stabilize", "tick-heartbeat 1", "stabilize"} {
				if _, err := e.Run(line); err != nil {
					t.Fatal(err)
				}
			}
			if v := e.Check(); len(v) != 0 {
				t.Fatalf("violations before breaking anything: %v", v)
			}
			tc.breakIt(e)
			if v := e.Check(); !slices.Contains(v, tc.want) {
				t.Errorf("violations %q, want %q among them", v, tc.want)
			}
		})
	}
}

// TestInteractionRandom drives the env through random scenarios (rafttest.Random) and fails on any
// violation its checks find, printing the script so that it can be replayed as a file in testdata/.
// The scripts are a pure function of the seed.
func TestInteractionRandom(t *testing.T) {
	const seeds, steps = 300, 500
	for seed := uint64(0); seed < seeds; seed++ {
		e := rafttest.NewEnv(nil)
		script, err := rafttest.Random(e, rand.New(rand.NewPCG(seed, 0x5eed)), steps)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		if v := e.Violations(); len(v) > 0 {
			t.Fatalf("seed %d: %s\nto replay it, save this as testdata/x.txt and run with -update:\n%s", seed, strings.Join(v, "; "), script)
		}
	}
}

// TestInteractionRandomVariants runs random scenarios with each implementation variant that is not
// the default (raft.Variant, and etcd-style PreVote), asynchronous persistence among them: the env's
// checks — one leader per term, one vote per node per term, nothing vouched for before it is durable,
// timers that fit the role — must hold whatever the variant.
func TestInteractionRandomVariants(t *testing.T) {
	seeds, steps := uint64(150), 500
	if testing.Short() {
		seeds = 30
	}
	for _, opts := range []string{
		"prevote=etcd",
		"vote-write=before_send",
		"voter-timer=on_durable",
		"vote-write-holds-timer=true",
		"voter-timer=on_durable vote-write-holds-timer=true",
		"heartbeat-reply=at_once",
		"prevote=etcd vote-write=before_send vote-write-holds-timer=true heartbeat-reply=at_once",
	} {
		t.Run(opts, func(t *testing.T) {
			for seed := range seeds {
				e := rafttest.NewEnv(nil)
				script, err := rafttest.RandomWith(e, rand.New(rand.NewPCG(seed, 0x5eed)), steps, opts)
				if err != nil {
					t.Fatalf("seed %d: %v", seed, err)
				}
				if v := e.Violations(); len(v) > 0 {
					t.Fatalf("seed %d: %s\nto replay it, save this as testdata/x.txt and run with -update:\n%s", seed, strings.Join(v, "; "), script)
				}
			}
		})
	}
}
