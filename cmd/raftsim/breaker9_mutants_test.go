//go:build mutants

package main

import (
	"os"
	"path/filepath"
	"testing"
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
