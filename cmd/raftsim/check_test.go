package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckCommand: `raftsim check` runs its seeds and prints the final table; the same seeds with one
// worker or two print the same counts.
func TestCheckCommand(t *testing.T) {
	var tables []string
	for _, w := range []string{"1", "2"} {
		r := raftsim(t, nil, "check", "--seeds", "12", "--from", "5", "--workers", w)
		if r.code != 0 {
			t.Fatalf("exit %d: %s%s", r.code, r.stdout, r.stderr)
		}
		for _, want := range []string{"raftsim check: seeds 5 to 16", "seeds run              12", "failures               0 (safety 0, liveness 0, linearizability 0, error 0)",
			"unknown", "simulated time", "operations checked", "seeds per second", "events per second"} {
			if !strings.Contains(r.stdout, want) {
				t.Fatalf("no %q in:\n%s", want, r.stdout)
			}
		}
		// Everything but the wall clock's lines.
		var keep []string
		for _, l := range strings.Split(r.stdout, "\n") {
			if !strings.Contains(l, "wall-clock") && !strings.Contains(l, "per second") {
				keep = append(keep, l)
			}
		}
		tables = append(tables, strings.Join(keep, "\n"))
	}
	if tables[0] != tables[1] {
		t.Fatalf("workers 1 and 2 differ:\n%s\n%s", tables[0], tables[1])
	}
}

// TestCheckBadFlags: each bad value is one line naming the flag, exit status 2.
func TestCheckBadFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--seeds", "-1"}, "--seeds -1"},
		{[]string{"--seeds", "x"}, "--seeds x"},
		{[]string{"--seeds", "0"}, "--seeds 0"},
		{[]string{"--from", "0"}, "--from 0"},
		{[]string{"--from", "18446744073709551615", "--seeds", "2"}, "--seeds 2"},
		{[]string{"--workers", "0"}, "--workers 0"},
		{[]string{"--workers", "100000"}, "--workers 100000"},
		{[]string{"--budget", "-1s"}, "--budget -1s"},
		{[]string{"--linearize-timeout", "0s"}, "--linearize-timeout 0s"},
		{[]string{"extra"}, "no argument"},
		{[]string{"--failures", "/dev/null/x"}, "--failures /dev/null/x"},
	} {
		r := raftsim(t, nil, append([]string{"check"}, tc.args...)...)
		if r.code != 2 || strings.Count(r.stderr, "\n") != 1 || !strings.Contains(r.stderr, tc.want) || strings.Contains(r.stderr, "goroutine") {
			t.Errorf("%v: exit %d, stderr %q; want 2 and one line naming %q", tc.args, r.code, r.stderr, tc.want)
		}
	}
}

// TestReplaySeed: `raftsim replay SEED` prints the world and the verdict, twice the same, and its
// --trace is byte-identical from one replay to the next; the world's flags run under `raftsim run`.
func TestReplaySeed(t *testing.T) {
	dir := t.TempDir()
	var outs, traces []string
	for i := range 2 {
		trace := filepath.Join(dir, "t"+string(rune('a'+i))+".jsonl")
		r := raftsim(t, nil, "replay", "7", "--trace", trace)
		if r.code != 0 || !strings.Contains(r.stdout, "verdict: passed") || !strings.Contains(r.stdout, "world: raftsim run --seed=7 ") {
			t.Fatalf("exit %d:\n%s%s", r.code, r.stdout, r.stderr)
		}
		b, err := os.ReadFile(trace)
		if err != nil || len(b) == 0 {
			t.Fatalf("trace: %v, %d bytes", err, len(b))
		}
		outs, traces = append(outs, r.stdout), append(traces, string(b))
	}
	if outs[0] != outs[1] || traces[0] != traces[1] {
		t.Fatal("two replays of seed 7 differ")
	}
	if strings.Contains(outs[0], "family:") {
		t.Fatalf("seed 7, a general world, printed a family:\n%s", outs[0])
	}
	// Seed 16 is a corner family's world (swarm/family.go), and says which.
	if r := raftsim(t, nil, "replay", "16"); r.code != 0 || !strings.Contains(r.stdout, "\n  family: ") {
		t.Fatalf("replay 16: exit %d:\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, bad := range [][]string{{"replay", "0"}, {"replay"}, {"replay", "no-such-file.yaml"}, {"replay", "7", "--trace", ""}} {
		if r := raftsim(t, nil, bad...); r.code != 2 || strings.Count(r.stderr, "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q", bad, r.code, r.stderr)
		}
	}
}

// TestCheckNamesUnknowns: a seed whose linearizability check runs out of time is named, with the
// command that replays it, and counted as unknown, not as a pass nor a failure (exit 0).
func TestCheckNamesUnknowns(t *testing.T) {
	r := raftsim(t, nil, "check", "--seeds", "2", "--linearize-timeout", "1ns")
	if r.code != 0 || !strings.Contains(r.stdout, "seed 1: unknown: the linearizability check") ||
		!strings.Contains(r.stdout, "replay: raftsim replay 2") || !strings.Contains(r.stdout, "unknown                2") {
		t.Fatalf("exit %d:\n%s%s", r.code, r.stdout, r.stderr)
	}
}
