//go:build mutants

package main

import (
	"errors"
	"strings"
	"testing"

	"github.com/raftsim/raftsim/cluster"
	"github.com/raftsim/raftsim/raft"
	"github.com/raftsim/raftsim/safety"
)

// setMutate switches the mutations m on in cfg.
func setMutate(cfg *cluster.Config, m raft.Mutation) { cfg.Mutate = m }

// TestMutantFigure8Spec: examples/specs/figure8.yaml with the commit rule broken (a leader counting
// replicas of an earlier term's entry): the same script commits index 2 of term 2 at 4.182s and the
// term-5 leader overwrites it, and the checker reports the violation. TestFigure8Spec runs it intact.
func TestMutantFigure8Spec(t *testing.T) {
	_, err := runFigure8(t, 1, raft.MutCommitPriorTerm)
	var v *safety.Violation
	if !errors.As(err, &v) {
		t.Fatalf("with commit_prior_term: %v, want a safety violation", err)
	}
	if v.At < 4182*1e6 || v.At > 6e9 {
		t.Errorf("violation at %v, want after the term-2 entry is committed at 4.182s: %v", v.At, v)
	}
	t.Logf("with the broken rule: %v", v)
}

// TestMutantRunFlag: in the mutants build, run --mutate switches a mutation on — the old leader cut
// off at 1s serves stale reads without the heartbeat round, exit 3, and the replay command carries
// the flag — and a run without it is clean; an unknown name is one line, exit 2.
func TestMutantRunFlag(t *testing.T) {
	args := []string{"run", "--duration", "5s", "--clients", "10", "--read-ratio", "0.99", "--bootstrap", "1",
		"--isolate", "1@1s", "--check", "--quiet"}
	if r := raftsim(t, nil, args...); r.code != 0 {
		t.Fatalf("without --mutate: exit %d: %s", r.code, r.stderr)
	}
	r := raftsim(t, nil, append(args, "--mutate", "read_index_no_heartbeat")...)
	if r.code != 3 || !strings.Contains(r.stderr, "Read Freshness") || !strings.Contains(r.stderr, "--mutate=read_index_no_heartbeat") {
		t.Fatalf("with --mutate read_index_no_heartbeat: exit %d, stderr %q; want exit 3, Read Freshness, and the flag in the replay", r.code, r.stderr)
	}
	exitLine(t, raftsim(t, nil, "run", "--mutate", "commit_prior_term,nope"), 2, `--mutate commit_prior_term,nope: raft: unknown mutation "nope"`)
}
