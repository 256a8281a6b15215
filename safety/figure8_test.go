package safety_test

import (
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/raftsim/raftsim/raft"
	"github.com/raftsim/raftsim/raft/rafttest"
	"github.com/raftsim/raftsim/safety"
)

// observer lets a Checker watch an interaction env; only the result types differ.
type observer struct{ c *safety.Checker }

func asError(v *safety.Violation) error {
	if v == nil {
		return nil // not a nil *Violation in a non-nil error
	}
	return v
}

func (o observer) Restarted(id, snapIndex, snapTerm uint64, conf raft.ConfState, ents []raft.Entry) error {
	return asError(o.c.Restarted(id, snapIndex, snapTerm, conf, ents))
}
func (o observer) Snapshotted(id, index, term uint64, conf raft.ConfState) error {
	return asError(o.c.Snapshotted(id, index, term, conf))
}
func (o observer) LogChanged(id, first uint64, ents []raft.Entry) error {
	return asError(o.c.LogChanged(id, first, ents))
}
func (o observer) BecameLeader(id, term uint64) error { return asError(o.c.BecameLeader(id, term)) }
func (o observer) SteppedDown(id uint64)              { o.c.SteppedDown(id) }
func (o observer) Applied(id uint64, ents []raft.Entry) error {
	return asError(o.c.Applied(id, ents))
}
func (o observer) Committed(id, term, commit uint64) error {
	return asError(o.c.Committed(id, term, commit))
}

// watched returns an env whose every cluster is watched by a fresh Checker, and the checkers made.
func watched() (*rafttest.Env, *[]*safety.Checker) {
	var checkers []*safety.Checker
	e := rafttest.NewEnv(func() rafttest.Observer {
		c := safety.New(1, func() time.Duration { return 0 })
		checkers = append(checkers, c)
		return observer{c}
	})
	return e, &checkers
}

// TestCheckerOnScripts replays every scenario script of the raft package with a Checker watching,
// called as the simulator calls it: a correct node never breaks a safety property, so every script,
// figure8.txt among them, must pass the checker, which is then known not to cry wolf. The scripts that
// break a rule on purpose are in ../raft/testdata/mutants, which the mutants build runs
// (TestCheckerOnMutantScripts: the checker must catch them). The transcripts are compared too, which
// shows the replay is exactly the one the scripts specify.
func TestCheckerOnScripts(t *testing.T) {
	files, err := filepath.Glob("../raft/testdata/*.txt")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no scripts in ../raft/testdata")
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".txt"), func(t *testing.T) {
			e, checkers := watched()
			rafttest.RunScript(t, f, e, false)
			if len(*checkers) == 0 {
				t.Fatal("no cluster was watched")
			}
			for _, c := range *checkers {
				if v := c.Err(); v != nil {
					t.Errorf("checker flags a safe run: %v", v)
				}
			}
		})
	}
}

// TestCheckerOnRandomScenarios runs the interaction env's random scenarios — crashes, restarts,
// partitions, lost and delayed messages, asynchronous persistence — with a Checker watching; a correct
// node never breaks a safety property, so any violation is a false alarm of the checker (or a bug in
// raft, which the env's own checks would then most likely report too).
func TestCheckerOnRandomScenarios(t *testing.T) {
	const seeds, steps = 300, 500
	for seed := uint64(0); seed < seeds; seed++ {
		e, checkers := watched()
		script, err := rafttest.Random(e, rand.New(rand.NewPCG(seed, 0x5eed)), steps)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		if v, errs := e.Violations(), e.ObserverErrors(); len(v) > 0 || len(errs) > 0 {
			t.Fatalf("seed %d: env %q, checker %v\nscript:\n%s", seed, v, errs, script)
		}
		if len(*checkers) != 1 {
			t.Fatalf("seed %d: %d checkers, want 1", seed, len(*checkers))
		}
	}
}
