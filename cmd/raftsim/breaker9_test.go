package main

import (
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
