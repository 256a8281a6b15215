package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRunViolationNamesRaftsim: without a mutation, a run's replay line names the release binary,
// raftsim (the mutants build's is TestMutantRunViolationNamesMutantsBinary).
func TestRunViolationNamesRaftsim(t *testing.T) {
	f := &runFlags{}
	got := strings.Join(f.replay(), " ")
	if got != "raftsim run --trace violation.jsonl" {
		t.Errorf("replay %q, want %q", got, "raftsim run --trace violation.jsonl")
	}
}

// TestSummaryOneNode: a one-node run's heading says "1 node", not "1 nodes"; five say "5 nodes".
func TestSummaryOneNode(t *testing.T) {
	for _, c := range []struct{ nodes, want string }{{"1", "raftsim run: 1 node, seed 1,"}, {"5", "raftsim run: 5 nodes, seed 1,"}} {
		r := raftsim(t, nil, "run", "--nodes", c.nodes, "--duration", "1s", "--quiet")
		if r.code != 0 || !strings.HasPrefix(r.stdout, c.want) {
			t.Errorf("--nodes %s: exit %d, stdout %q; want it to start %q", c.nodes, r.code, r.stdout, c.want)
		}
	}
}

// TestCheckFailuresNamedAgain: a second check over the same --failures directory names the world file
// its first check wrote (the same world, left as it is); it used to print nothing, leaving the reader
// to guess where the failing world was. No failing seed is needed: the file is written by writeFailure,
// as check writes it (the mutants build's TestBreaker9MutantFailuresKept runs the check itself).
func TestCheckFailuresNamedAgain(t *testing.T) {
	dir := t.TempDir()
	first, kept, err := writeFailure(dir, 7, nil)
	if err != nil || kept != "" || first != filepath.Join(dir, "seed-7.yaml") {
		t.Fatalf("first write: %q, kept %q, %v", first, kept, err)
	}
	again, kept, err := writeFailure(dir, 7, nil)
	if err != nil || kept != "" || again != first {
		t.Errorf("second write: %q, kept %q, %v; want %q named again", again, kept, err, first)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("%d files in %s, want seed-7.yaml alone", len(ents), dir)
	}
}

// TestReplayFilePrintsWorld: replaying a world file prints the world as raftsim run flags, as a seed's
// replay does and replay --help promises; it printed none for a file.
func TestReplayFilePrintsWorld(t *testing.T) {
	dir := t.TempDir()
	path, _, err := writeFailure(dir, 7, nil)
	if err != nil {
		t.Fatal(err)
	}
	seed := raftsim(t, nil, "replay", "7", "--quiet")
	file := raftsim(t, nil, "replay", path, "--quiet")
	if seed.code != 0 || file.code != 0 {
		t.Fatalf("exit %d and %d: %s%s", seed.code, file.code, seed.stderr, file.stderr)
	}
	world := func(out string) string {
		for _, l := range strings.Split(out, "\n") {
			if strings.HasPrefix(l, "  world: raftsim run --seed=7 ") {
				return l
			}
		}
		return ""
	}
	// The same world, though not the same text: the file's settings come in the spec's order and
	// those at their defaults are left out.
	w := world(file.stdout)
	for _, want := range []string{"--nodes=1 ", "--crash=1@219ms --restart=1@227ms --repair=2.486s ", " --duration=19.766s"} {
		if world(seed.stdout) == "" || !strings.Contains(w, want) {
			t.Errorf("the file's world line %q lacks %q (the seed's: %q)", w, want, world(seed.stdout))
		}
	}
}

// TestSweepBuiltinBesideDirectory: a directory named like a built-in experiment (the --out of an earlier
// sweep) does not hide the built-in: `raftsim sweep drift` beside a drift/ directory reads the
// built-in; a directory that names no built-in is still refused.
func TestSweepBuiltinBesideDirectory(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "drift"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "mine"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	if _, err := loadSpec("drift"); err != nil {
		t.Errorf("drift beside a drift/ directory: %v, want the built-in", err)
	}
	if _, err := loadSpec("mine"); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("mine/, no built-in of that name: %v, want it refused as a directory", err)
	}
}

// TestReplayFileWrittenUnderMutation: a world file written under a mutation, replayed without it (the
// release build cannot do otherwise), passes — and now says why, naming the mutation and the command
// that replays the failure; a file written without a mutation gets no such note.
func TestReplayFileWrittenUnderMutation(t *testing.T) {
	dir := t.TempDir()
	mutated, _, err := writeFailure(dir, 7, []string{"--mutate=lease_ignores_drift"})
	if err != nil {
		t.Fatal(err)
	}
	r := raftsim(t, nil, "replay", mutated, "--quiet")
	want := "  note: " + mutated + " was written under --mutate=lease_ignores_drift (its first line); this replay runs without it: raftsim-mutants replay " + mutated + " --mutate=lease_ignores_drift\n"
	if r.code != 0 || !strings.Contains(r.stdout, want) {
		t.Errorf("exit %d, stdout %q: want exit 0 and %q", r.code, r.stdout, want)
	}
	plain := filepath.Join(t.TempDir(), "plain")
	if err := os.Mkdir(plain, 0o755); err != nil {
		t.Fatal(err)
	}
	clean, _, err := writeFailure(plain, 7, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r := raftsim(t, nil, "replay", clean, "--quiet"); r.code != 0 || strings.Contains(r.stdout, "note:") {
		t.Errorf("a file written without a mutation: exit %d, stdout %q: want no note", r.code, r.stdout)
	}
}
