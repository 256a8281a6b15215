package safety_test

import (
	"errors"
	"math/rand/v2"
	"path/filepath"
	"slices"
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

// unsafeScripts are the scripts that break a rule on purpose, and the properties the checker may
// report for each: figure8_unsafe.txt is Figure 8 of the Raft paper with the commit rule broken (a
// leader counts replicas of an entry of an earlier term), where an entry that was committed and applied
// is overwritten: Leader Completeness (the next leader lacks it) or State Machine Safety (another entry
// is committed there). conf_unsafe.txt has a leader add two voters at once, the one-change-at-a-time
// rule broken: the checker, which follows configurations, must report Configuration Safety when the
// second change is appended, before the split brain that follows.
var unsafeScripts = map[string][]string{
	"figure8_unsafe": {safety.LeaderCompleteness, safety.StateMachineSafety},
	"conf_unsafe":    {safety.ConfigurationSafety},
}

// TestCheckerOnScripts replays every scenario script of the raft package with a Checker watching,
// called as the simulator calls it. The acceptance tests are the unsafeScripts, which the checker must
// catch as the property each breaks. Every other script, figure8.txt among them — the same schedule as
// figure8_unsafe.txt under the correct rule — must pass the checker, so that it is known not to cry
// wolf either. The transcripts are compared too, which shows the replay is exactly the one the scripts
// specify.
func TestCheckerOnScripts(t *testing.T) {
	files, err := filepath.Glob("../raft/testdata/*.txt")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no scripts in ../raft/testdata")
	}
	sawUnsafe := map[string]bool{}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".txt")
		want, unsafe := unsafeScripts[name]
		sawUnsafe[name] = unsafe
		t.Run(name, func(t *testing.T) {
			e, checkers := watched()
			rafttest.RunScript(t, f, e, false)
			if len(*checkers) == 0 {
				t.Fatal("no cluster was watched")
			}
			var found []*safety.Violation
			for _, c := range *checkers {
				if v := c.Err(); v != nil {
					found = append(found, v)
				}
			}
			if !unsafe {
				for _, v := range found {
					t.Errorf("checker flags a safe run: %v", v)
				}
				return
			}
			if len(found) == 0 {
				t.Fatalf("checker missed the broken rule; want %v", want)
			}
			v := found[0]
			t.Logf("checker: %s: %v", v.Invariant, v)
			for _, err := range e.ObserverErrors() {
				t.Logf("reported at %v", err)
			}
			if !slices.Contains(want, v.Invariant) {
				t.Errorf("checker reports %s, want one of %v", v.Invariant, want)
			}
			var got *safety.Violation
			if errs := e.ObserverErrors(); len(errs) == 0 || !errors.As(errs[0], &got) || got != v {
				t.Errorf("the env did not pass the checker's violation on: %v", errs)
			}
		})
	}
	for name := range unsafeScripts {
		if !sawUnsafe[name] {
			t.Errorf("%s.txt is missing: nothing shows the checker catches what it breaks", name)
		}
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
