package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// These tests are the breaker's of issue 9: what a hostile or careless user gives `raftsim check` and
// `raftsim replay` (extreme seeds, paths that collide or cannot be written, stale world files) gets one
// line and exit 2, or an honest account; never a wrong or lost result.

// TestBreaker9LargestSeed: --seeds 0 with a budget, from the top of the seed range, stops at the
// largest seed; it wrapped round to seed 0 (which replay refuses) and on to 1, 2, ... ("seeds
// 18446744073709551614 to 343").
func TestBreaker9LargestSeed(t *testing.T) {
	r := raftsim(t, nil, "check", "--from", "18446744073709551614", "--seeds", "0", "--budget", "1m", "--workers", "2", "--quiet")
	if r.code != 0 {
		t.Fatalf("exit %d: %s%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"seeds 18446744073709551614 to 18446744073709551615\n", "seeds run              2\n"} {
		if !strings.Contains(r.stdout, want) {
			t.Fatalf("no %q in:\n%s", want, r.stdout)
		}
	}
}

// TestBreaker9FailuresUnwritable: a --failures directory that exists but cannot take a file is refused
// before the check (exit 2, one line); it was found out at the first failing seed, and reported only
// after the whole check, as bad input (exit 2) that hid the failures — or not at all when none failed.
func TestBreaker9FailuresUnwritable(t *testing.T) {
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o555); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(dir, 0o755)
	if f, err := os.CreateTemp(dir, "probe"); err == nil {
		// root writes where the mode says it may not: a directory of sysfs refuses it too.
		f.Close()
		os.Remove(f.Name())
		dir = "/sys/kernel"
		if f, err := os.CreateTemp(dir, "probe"); err == nil {
			f.Close()
			os.Remove(f.Name())
			t.Skip("no directory here refuses a file")
		} else if errors.Is(err, os.ErrNotExist) {
			t.Skip("no /sys/kernel")
		}
	}
	r := raftsim(t, nil, "check", "--seeds", "2", "--quiet", "--failures", dir)
	exitLine(t, r, 2, "--failures "+dir+": ")
	if r.stdout != "" {
		t.Fatalf("the check ran:\n%s", r.stdout)
	}
}

// TestBreaker9VizTraceOnePath: --viz and --trace naming one file that does not exist yet, in two
// spellings ("./x" and "x", a link and the file it names, an absolute and a relative path), are refused
// (exit 2, nothing written); only the same text was, and the page was written over the trace.
func TestBreaker9VizTraceOnePath(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	if err := os.Symlink("out", "link"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range [][2]string{{"./out", "out"}, {"out", "link"}, {"link", "out"}, {filepath.Join(dir, "out"), "out"}, {"out", "../" + filepath.Base(dir) + "/out"}} {
		r := raftsim(t, nil, "replay", "3", "--quiet", "--trace", tc[0], "--viz", tc[1])
		exitLine(t, r, 2, "--viz "+tc[1]+": is the --trace file")
		if _, err := os.Stat("out"); err == nil {
			t.Fatalf("--trace %s --viz %s: out written", tc[0], tc[1])
		}
	}
}

// TestBreaker9ReplayNeither: replay's argument that is neither a seed nor a file is named in replay's
// words (exit 2, one line), with or without --shrink; it was sweep's message ("sweep: "-5" is neither a
// built-in experiment (drift, fig16, ...) nor a spec file"), and a built-in experiment's name was read
// as a world.
func TestBreaker9ReplayNeither(t *testing.T) {
	out := filepath.Join(t.TempDir(), "s.yaml")
	for _, arg := range []string{"-5", "18446744073709551616", "quorum", "no-such.yaml"} {
		for _, extra := range [][]string{nil, {"--shrink", out}} {
			r := raftsim(t, nil, append(append([]string{"replay", "--quiet"}, extra...), "--", arg)...)
			exitLine(t, r, 2, "replay "+arg+": neither a seed (1 to 18446744073709551615) nor a world file")
		}
	}
}

// TestBreaker9ReplayChecked: a world file that leaves out "check: true" (a user's, or any spec with one
// point) is replayed with the safety checker on, as every drawn world is; it ran unchecked and its
// verdict said "passed" over a summary saying "safety not checked".
func TestBreaker9ReplayChecked(t *testing.T) {
	file := filepath.Join(t.TempDir(), "w.yaml")
	if err := os.WriteFile(file, []byte("name: w\nseed: 5\nduration: 2s\nscenario:\n  schedule: [crash leader@500ms, restart crashed-leader@700ms]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := raftsim(t, nil, "replay", file, "--quiet")
	if r.code != 0 || !strings.Contains(r.stdout, "verdict: passed") || !strings.Contains(r.stdout, "safety          checked: no violation") {
		t.Fatalf("exit %d, want 0 and the safety checked:\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// TestBreaker9NoSeedFinished: a budget spent before the first seed finished says so; the table said
// "seeds 1 to 1" over "seeds run 0".
func TestBreaker9NoSeedFinished(t *testing.T) {
	r := raftsim(t, nil, "check", "--budget", "1ns", "--seeds", "5", "--quiet")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "raftsim check: no seed finished (from seed 1)\n") || !strings.Contains(r.stdout, "seeds run              0\n") {
		t.Fatalf("exit %d:\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// TestBreaker9ReplayUnknown: a replay whose linearizability check runs out of time (64 clients on one
// key over a lossy network, with a short client timeout: thousands of writes of unknown outcome) says
// unknown, as check counts it; its verdict said "passed".
func TestBreaker9ReplayUnknown(t *testing.T) {
	if testing.Short() {
		t.Skip("the linearizability check's time limit, 10 s")
	}
	file := filepath.Join(t.TempDir(), "w.yaml")
	world := "name: w\nseed: 5\nduration: 3s\ncluster:\n  clients: 64\n  keys: 1\n  loss: 0.2\n  client_timeout: 20ms\n  read_ratio: 0.5\n  check: true\n"
	if err := os.WriteFile(file, []byte(world), 0o644); err != nil {
		t.Fatal(err)
	}
	r := raftsim(t, nil, "replay", file, "--quiet")
	if !strings.Contains(r.stdout, "linearizability: unknown") {
		t.Skipf("the check finished in time on this machine:\n%s", r.stdout)
	}
	if r.code != 0 || strings.Contains(r.stdout, "passed") || !strings.Contains(r.stdout, "verdict: unknown: the linearizability check ran out of time (10s)") {
		t.Fatalf("exit %d:\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// TestBreaker9FailuresEmpty: an empty --failures is refused, as an empty --trace or --shrink is; the
// check ran and wrote no failing world anywhere.
func TestBreaker9FailuresEmpty(t *testing.T) {
	exitLine(t, raftsim(t, nil, "check", "--seeds", "1", "--quiet", "--failures", ""), 2, "--failures: an empty path")
	exitLine(t, raftsim(t, nil, "check", "--seeds", "1", "--quiet", "--failures="), 2, "--failures: an empty path")
}
