package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/raftsim/raftsim/experiments/spec"
	"github.com/raftsim/raftsim/swarm"
)

// TestReplayWorldFileIsOneRun: `raftsim replay FILE` runs one world, so a spec that is a sweep — axes
// (many points) or trials other than 1 — is refused in one line naming what makes it one (exit 2),
// rather than replaying one run of it and saying nothing of the rest.
func TestReplayWorldFileIsOneRun(t *testing.T) {
	dir := t.TempDir()
	const world = "name: w\nseed: 5\nduration: 300ms\ncluster:\n  nodes: 3\n"
	for _, tc := range []struct {
		name, text, want string // want: "" for a run that passes
	}{
		{"one", world, ""},
		{"trials1", world + "trials: 1\n", ""},
		{"trials3", world + "trials: 3\n", "trials: 3: a world is one run"},
		{"axes", world + "axes:\n  - {param: nodes, values: [3, 5]}\n", "axes: a world has one point, and no axes"},
	} {
		path := filepath.Join(dir, tc.name+".yaml")
		if err := os.WriteFile(path, []byte(tc.text), 0o644); err != nil {
			t.Fatal(err)
		}
		r := raftsim(t, nil, "replay", path)
		if tc.want != "" {
			// The shrinker reads the file the same way, before it writes anything.
			out := filepath.Join(dir, tc.name+"-small.yaml")
			if s := raftsim(t, nil, "replay", path, "--shrink", out); s.code != 2 || s.stderr != r.stderr {
				t.Errorf("%s --shrink: exit %d, stderr %q, want %q", tc.name, s.code, s.stderr, r.stderr)
			}
			if _, err := os.Stat(out); err == nil {
				t.Errorf("%s --shrink: wrote %s", tc.name, out)
			}
		}
		switch {
		case tc.want == "" && (r.code != 0 || !strings.Contains(r.stdout, "verdict: passed")):
			t.Errorf("%s: exit %d:\n%s%s", tc.name, r.code, r.stdout, r.stderr)
		case tc.want != "" && (r.code != 2 || strings.Count(r.stderr, "\n") != 1 || !strings.Contains(r.stderr, tc.want)):
			t.Errorf("%s: exit %d, stderr %q, want one line with %q", tc.name, r.code, r.stderr, tc.want)
		}
	}
}

// TestReplaySafetyExit: a world that fails a safety property exits 3 under `raftsim replay`, as it does
// under `raftsim run` (it exited 1), and replay prints the world's warnings as run does: here the
// clocks outside the lease's drift bound that explain the stale read.
func TestReplaySafetyExit(t *testing.T) {
	world := filepath.Join("testdata", "lease-fast-clocks.yaml")
	r := raftsim(t, nil, "replay", world)
	if r.code != 3 || !strings.Contains(r.stdout, "verdict: FAILED: safety: Read Freshness") ||
		!strings.Contains(r.stderr, "raftsim: warning: lease reads with clocks outside clock_drift 0") ||
		!strings.Contains(r.stderr, "raftsim: replay: safety: Read Freshness violated") ||
		strings.Count(r.stderr, "raftsim: warning:") != 1 {
		t.Fatalf("replay: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	s, err := spec.Load(world)
	if err != nil {
		t.Fatal(err)
	}
	w, err := swarm.FromSpec(s)
	if err != nil {
		t.Fatal(err)
	}
	run := raftsim(t, nil, append([]string{"run", "--check"}, strings.Fields(strings.ReplaceAll(w.String(), "'", ""))...)...)
	if run.code != 3 {
		t.Fatalf("run %s: exit %d\n%s", w.String(), run.code, run.stderr)
	}
}

// TestSweepHeadingOneTrial: a sweep of one trial per point says "1 trial", not "1 trials".
func TestSweepHeadingOneTrial(t *testing.T) {
	r := raftsim(t, nil, "sweep", "drift", "--trials", "1", "--out", filepath.Join(t.TempDir(), "d"), "--quiet")
	if r.code != 0 || !strings.Contains(r.stdout, "40 points × 1 trial, ") {
		t.Fatalf("exit %d:\n%s%s", r.code, r.stdout, r.stderr)
	}
}
