//go:build mutants

package raft_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/raftsim/raftsim/raft"
	"github.com/raftsim/raftsim/raft/rafttest"
)

// notInRaft are the mutations carried out by the node's caller, not the node: no raft script can show
// them (cluster/mutants_test.go does).
var notInRaft = map[string]string{
	"snapshot_drops_entry": "the snapshot image is the caller's state machine (cluster.host.snapshot)",
}

// safeReplay are the settings a script's replay without its mutation needs besides: lease reads
// without CheckQuorum are refused outside that mutation, so its script is replayed with CheckQuorum, as
// a correct node must run them.
var safeReplay = map[string]string{
	"lease_no_check_quorum": " checkquorum=true",
}

// TestMutantScripts runs testdata/mutants/<mutation>.txt, one script per mutation: each switches its
// mutation on (add-nodes mutate=) and shows the node misbehaving in exactly that way, which the env's
// checks must report (the scripts say expect-violations, so RunScript fails if they report nothing).
// Each is then replayed, command by command, with the mutation switched off: the same schedule must
// raise no violation, so the violations are the mutation's and not the schedule's. Regenerate with
// go test -tags mutants ./raft -run TestMutantScripts -update.
func TestMutantScripts(t *testing.T) {
	for _, name := range raft.MutationNames() {
		path := filepath.Join("testdata", "mutants", name+".txt")
		if why, ok := notInRaft[name]; ok {
			if _, err := os.Stat(path); err == nil {
				t.Errorf("%s exists, but %s is listed as not in raft: %s", path, name, why)
			}
			continue
		}
		t.Run(name, func(t *testing.T) {
			if _, err := os.Stat(path); err != nil {
				t.Fatalf("no script shows the mutation: %v", err)
			}
			rafttest.RunScript(t, path, rafttest.NewEnv(nil), *update)
			lines, err := rafttest.ScriptCommands(path)
			if err != nil {
				t.Fatal(err)
			}
			e := rafttest.NewEnv(nil)
			for _, line := range lines {
				switch {
				case line == "expect-violations":
					continue
				case strings.HasPrefix(line, "add-nodes"):
					line += " mutate=" + safeReplay[name] // the last key wins: no mutation
				}
				if _, err := e.Run(line); err != nil {
					t.Fatalf("without the mutation: %s: %v", line, err)
				}
			}
			if v := e.Violations(); len(v) > 0 {
				t.Errorf("without the mutation the schedule still breaks a rule: %q", v)
			}
		})
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "mutants", "*.txt"))
	for _, f := range files {
		if _, err := raft.ParseMutation(strings.TrimSuffix(filepath.Base(f), ".txt")); err != nil {
			t.Errorf("%s is named after no mutation: %v", f, err)
		}
	}
}

// TestParseMutation: names round-trip through String, lists combine, unknown names are refused.
func TestParseMutation(t *testing.T) {
	var all raft.Mutation
	for _, name := range raft.MutationNames() {
		m, err := raft.ParseMutation(name)
		if err != nil || m.String() != name || m&(m-1) != 0 || m == 0 {
			t.Errorf("%s: %v (%s), %v", name, uint32(m), m, err)
		}
		if all&m != 0 {
			t.Errorf("%s: bit shared with another mutation", name)
		}
		all |= m
	}
	m, err := raft.ParseMutation("vote_no_log_check, commit_prior_term")
	if err != nil || m != raft.MutVoteNoLogCheck|raft.MutCommitPriorTerm || m.String() != "commit_prior_term,vote_no_log_check" {
		t.Errorf("list: %v %v", m, err)
	}
	if m, err := raft.ParseMutation(""); m != 0 || err != nil || m.String() != "none" {
		t.Errorf("empty: %v %v", m, err)
	}
	if _, err := raft.ParseMutation("commit_prior_term,nope"); err == nil || !strings.Contains(err.Error(), `"nope"`) {
		t.Errorf("unknown: %v", err)
	}
	if !raft.MutantsBuilt || !(raft.Mutants{Mutate: raft.MutAckBeforeDurable}).Has(raft.MutAckBeforeDurable) {
		t.Error("a mutants build that cannot switch a mutation on")
	}
}
