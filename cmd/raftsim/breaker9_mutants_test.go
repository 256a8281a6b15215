//go:build mutants

package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/raftsim/raftsim/swarm"
)

// TestBreaker9MutantShrinkBadName: replay --shrink refuses an unknown --mutate name as replay and check
// do (exit 2, one line); it ran the world without the mutation and said the world does not fail.
func TestBreaker9MutantShrinkBadName(t *testing.T) {
	out := filepath.Join(t.TempDir(), "s.yaml")
	r := raftsim(t, nil, "replay", "19", "--mutate", "bogus", "--shrink", out)
	exitLine(t, r, 2, `--mutate bogus: raft: unknown mutation "bogus"`)
	if _, err := os.Lstat(out); err == nil {
		t.Fatalf("%s written", out)
	}
}

// TestBreaker9MutantFailuresKept: check --failures never replaces a seed-N.yaml already there, and says
// so when that file holds something other than the seed's world (here an empty one, as a check killed
// between creating and writing it left; or a world of an older generator): it kept it silently, and
// `raftsim replay DIR/seed-N.yaml` then replayed something else. The world it does write is whole, with
// no temporary file left beside it.
func TestBreaker9MutantFailuresKept(t *testing.T) {
	dir := t.TempDir()
	stale := filepath.Join(dir, "seed-20.yaml")
	if err := os.WriteFile(stale, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	r := raftsim(t, nil, "check", "--from", "19", "--seeds", "2", "--workers", "1", "--quiet", "--mutate", "vote_no_log_check", "--failures", dir)
	if r.code != 1 || !strings.Contains(r.stdout, "seed 19: safety") || !strings.Contains(r.stdout, "seed 20: safety") {
		t.Fatalf("exit %d (want 1, seeds 19 and 20 failing): %s%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stdout, "not written: "+stale+" holds another world already") {
		t.Fatalf("nothing said of %s:\n%s", stale, r.stdout)
	}
	if b, err := os.ReadFile(stale); err != nil || len(b) != 0 {
		t.Fatalf("%s replaced (%d bytes, %v)", stale, len(b), err)
	}
	w := swarm.Draw(19)
	s, err := w.Spec()
	if err != nil {
		t.Fatal(err)
	}
	want := append(mutationNote([]string{"--mutate=vote_no_log_check"}), s.Canonical()...)
	if b, err := os.ReadFile(filepath.Join(dir, "seed-19.yaml")); err != nil || !bytes.Equal(b, want) {
		t.Fatalf("seed-19.yaml is not seed 19's world (%v):\n%s", err, b)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 2 {
		t.Fatalf("%d files in %s, want seed-19.yaml and seed-20.yaml", len(ents), dir)
	}
	// A second check over the same directory finds seed 19's world there, the same: kept, and named.
	r = raftsim(t, nil, "check", "--from", "19", "--seeds", "1", "--quiet", "--mutate", "vote_no_log_check", "--failures", dir)
	if r.code != 1 || strings.Contains(r.stdout, "not written") || !strings.Contains(r.stdout, "world:  "+filepath.Join(dir, "seed-19.yaml")) {
		t.Fatalf("exit %d: %s%s", r.code, r.stdout, r.stderr)
	}
}

// TestBreaker9MutantReplayUnchecked: seed 19's world file with "check: true" taken out still fails its
// safety phase under vote_no_log_check, replayed or shrunk (the checker runs in every world); it ran
// unchecked and passed, and --shrink said the world does not fail.
func TestBreaker9MutantReplayUnchecked(t *testing.T) {
	w := swarm.Draw(19)
	s, err := w.Spec()
	if err != nil {
		t.Fatal(err)
	}
	text := string(s.Canonical())
	if !strings.Contains(text, "\n  check: true\n") {
		t.Fatalf("no check: true in seed 19's world:\n%s", text)
	}
	file := filepath.Join(t.TempDir(), "w.yaml")
	if err := os.WriteFile(file, []byte(strings.Replace(text, "\n  check: true\n", "\n", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	r := raftsim(t, nil, "replay", file, "--quiet", "--mutate", "vote_no_log_check")
	if r.code != 3 || !strings.Contains(r.stdout, "verdict: FAILED: safety: ") {
		t.Fatalf("exit %d, want 3 (a safety violation) and a safety failure:\n%s%s", r.code, r.stdout, r.stderr)
	}
	// And --shrink, which reads the file back as a world's settings, finds it failing too.
	out := filepath.Join(t.TempDir(), "s.yaml")
	r = raftsim(t, nil, "replay", file, "--mutate", "vote_no_log_check", "--shrink", out, "--shrink-runs", "3")
	if r.code != 0 || !strings.Contains(r.stdout, "failure of the smaller world: safety: ") {
		t.Fatalf("--shrink: exit %d, want 0 and a safety failure:\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// TestBreaker9MutantShrinkInterrupted: Ctrl-C during --shrink exits 130, writes no file and leaves no
// temporary one, and prints what the runs so far found (the sizes, the steps, the world as flags); it
// printed only "raftsim: context canceled", and the runs were lost.
func TestBreaker9MutantShrinkInterrupted(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "s.yaml")
	cmd := exec.Command(os.Args[0], "replay", "19", "--mutate", "vote_no_log_check", "--shrink", out)
	cmd.Env = append(os.Environ(), "RAFTSIM_BE_MAIN=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(3 * time.Second) // the first run (under a second) done, the shrink under way (ten seconds)
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	ee, ok := err.(*exec.ExitError)
	if err == nil {
		t.Skip("the shrink ended before the signal")
	} else if !ok || ee.ExitCode() != 130 {
		t.Fatalf("%v, want exit 130: %s%s", err, stdout.String(), stderr.String())
	}
	for _, want := range []string{"failure of the smaller world: safety: ", "(interrupted; " + out + " not written)", "before:  schedule entries 17", "so far, as flags: raftsim-mutants run --seed=19 "} {
		if !strings.Contains(stdout.String(), want) {
			t.Fatalf("no %q in:\n%s", want, stdout.String())
		}
	}
	if !strings.Contains(stderr.String(), "shrinking interrupted after ") || strings.Count(stderr.String(), "\n") != 1 {
		t.Fatalf("stderr %q", stderr.String())
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Fatalf("%d files left in %s", len(ents), dir)
	}
}
