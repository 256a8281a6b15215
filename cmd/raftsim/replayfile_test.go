package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
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
