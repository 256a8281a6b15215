//go:build mutants

package main

import (
	"strings"
	"testing"
)

// TestMutantRunViolationNamesMutantsBinary: a run under --mutate that breaks a safety property prints
// a replay command naming raftsim-mutants, as check's and replay's lines do — the release binary the
// line used to name refuses --mutate. The world is the README's shrunk ack_before_durable one.
func TestMutantRunViolationNamesMutantsBinary(t *testing.T) {
	r := raftsim(t, nil, "run", "--seed=469", "--nodes=4", "--check=true", "--latency=lognormal:5ms:1",
		"--fsync=normal:10ms:5ms", "--election-timeout=73ms:146ms", "--pre-vote=etcd", "--clients=6", "--keys=1",
		"--crash=4@3.355s", "--restart=4@3.356s", "--duration=3.368s", "--mutate=ack_before_durable", "--quiet")
	if r.code != 3 {
		t.Fatalf("exit %d, want 3 (a safety violation): %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "replay: raftsim-mutants run --seed=469 ") ||
		!strings.Contains(r.stderr, "--mutate=ack_before_durable --trace violation.jsonl") {
		t.Errorf("stderr %q: want a replay line naming raftsim-mutants and carrying --mutate", r.stderr)
	}
}

// TestMutantReplayWorldLineCarriesMutation: a seed replayed under --mutate prints its world as a
// raftsim-mutants run line ending in the same --mutate (without it the world runs clean); the release
// build's line, raftsim run without --mutate, is TestReplaySeed's (seed 7).
func TestMutantReplayWorldLineCarriesMutation(t *testing.T) {
	r := raftsim(t, nil, "replay", "93", "--mutate", "lease_ignores_drift", "--quiet")
	if r.code != 3 || !strings.Contains(r.stdout, "Read Freshness") {
		t.Fatalf("exit %d, stdout %q: want exit 3 and a Read Freshness failure", r.code, r.stdout)
	}
	var world string
	for _, l := range strings.Split(r.stdout, "\n") {
		if strings.HasPrefix(l, "  world: ") {
			world = l
		}
	}
	if !strings.HasPrefix(world, "  world: raftsim-mutants run --seed=93 ") || !strings.HasSuffix(world, " --mutate=lease_ignores_drift") {
		t.Errorf("world line %q: want raftsim-mutants run --seed=93 ... --mutate=lease_ignores_drift", world)
	}
}
