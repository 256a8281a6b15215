package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/raftsim/raftsim/models/workload"
	"github.com/raftsim/raftsim/safety/linearize"
	"github.com/raftsim/raftsim/sim"
	"github.com/raftsim/raftsim/swarm"
)

// writeLiveFailure writes seed's world with its liveness bound cut to 1ms after the repair — a world
// that fails the liveness phase in any build — as the world file `raftsim check --failures` writes.
func writeLiveFailure(t *testing.T, dir string, seed uint64) string {
	t.Helper()
	w := swarm.Draw(seed)
	for w.Racy { // a racy world has no liveness phase: the next seed that has one
		seed++
		w = swarm.Draw(seed)
	}
	for i, s := range w.Settings {
		if s.Name == "duration" {
			w.Settings[i].Text = sim.FormatDuration(w.Repair + time.Millisecond)
		}
	}
	s, err := w.Spec()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "live.yaml")
	if err := os.WriteFile(path, s.Canonical(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestReplayShrink: `raftsim replay FILE --shrink OUT.yaml` writes a smaller world that `raftsim replay
// OUT.yaml` replays to the same failure, the same bytes from one shrink to the next; it never replaces
// a file; a world that does not fail is one line, exit 1, nothing written.
func TestReplayShrink(t *testing.T) {
	dir := t.TempDir()
	live := writeLiveFailure(t, dir, 5)
	var worlds []string
	for _, name := range []string{"a.yaml", "b.yaml"} {
		out := filepath.Join(dir, name)
		r := raftsim(t, nil, "replay", live, "--shrink", out)
		if r.code != 0 {
			t.Fatalf("exit %d:\n%s%s", r.code, r.stdout, r.stderr)
		}
		for _, want := range []string{"failure of the smaller world: liveness:", "runs:", "before:  schedule entries ", "after:   schedule entries 1, nodes 1, clients 1",
			"replay it: raftsim replay " + out, "as flags: raftsim run --seed=5 "} {
			if !strings.Contains(r.stdout, want) {
				t.Fatalf("no %q in:\n%s", want, r.stdout)
			}
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		worlds = append(worlds, string(b))
		rr := raftsim(t, nil, "replay", out)
		if rr.code != 1 || !strings.Contains(rr.stdout, "verdict: FAILED: liveness:") {
			t.Fatalf("replay %s: exit %d:\n%s%s", name, rr.code, rr.stdout, rr.stderr)
		}
	}
	if worlds[0] != worlds[1] {
		t.Fatalf("two shrinks wrote different worlds:\n%s\n%s", worlds[0], worlds[1])
	}

	// Never over a file: exit 2, one line, the file as it was.
	out := filepath.Join(dir, "a.yaml")
	r := raftsim(t, nil, "replay", live, "--shrink", out)
	if b, _ := os.ReadFile(out); r.code != 2 || strings.Count(r.stderr, "\n") != 1 || string(b) != worlds[0] {
		t.Fatalf("over an existing file: exit %d, stderr %q", r.code, r.stderr)
	}
	// A world that passes: one line, exit 1, nothing written.
	none := filepath.Join(dir, "none.yaml")
	r = raftsim(t, nil, "replay", "7", "--shrink", none)
	if _, err := os.Stat(none); r.code != 1 || strings.Count(r.stderr, "\n") != 1 || !strings.Contains(r.stderr, "does not fail") || err == nil {
		t.Fatalf("a passing seed: exit %d, stderr %q, file %v", r.code, r.stderr, err)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("left %s", e.Name())
		}
	}
}

// TestReplayShrinkBadFlags: each bad value is one line naming the flag, exit status 2.
func TestReplayShrinkBadFlags(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--shrink", ""}, "--shrink"},
		{[]string{"--shrink", filepath.Join(dir, "x.yaml"), "--shrink-runs", "0"}, "--shrink-runs 0"},
		{[]string{"--shrink-runs", "5"}, "--shrink-runs"},
		{[]string{"--shrink", filepath.Join(dir, "x.yaml"), "--trace", filepath.Join(dir, "t")}, "--trace"},
		{[]string{"--shrink", filepath.Join(dir, "x.yaml"), "--viz", filepath.Join(dir, "v.html")}, "--viz"},
		{[]string{"--shrink", filepath.Join(dir, "no", "x.yaml")}, "--shrink"},
		{[]string{"--shrink", dir}, "--shrink"},
		{[]string{"--viz", ""}, "--viz"},
		{[]string{"--viz", "-"}, "--viz -"},
		{[]string{"--viz", dir}, "--viz"},
		{[]string{"--viz", filepath.Join(dir, "no", "v.html")}, "--viz"},
		{[]string{"--viz", filepath.Join(dir, "t.jsonl"), "--trace", filepath.Join(dir, "t.jsonl")}, "--viz"},
	} {
		r := raftsim(t, nil, append([]string{"replay", "7"}, tc.args...)...)
		if r.code != 2 || strings.Count(r.stderr, "\n") != 1 || !strings.Contains(r.stderr, tc.want) || strings.Contains(r.stderr, "goroutine") {
			t.Errorf("%v: exit %d, stderr %q; want 2 and one line naming %q", tc.args, r.code, r.stderr, tc.want)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("bad flags left %d files in %s", len(entries), dir)
	}
}

// maxViz bounds a visualization's size: Porcupine's page (about 30 KB of script and style) and a
// window of operations and annotations.
const maxViz = 200 << 10

// TestReplayViz: --viz writes Porcupine's page of a window of the history, bounded in size, annotated
// with the leader changes and faults, for a failing world and for a passing seed alike; with --trace
// too, the trace is the same as without.
func TestReplayViz(t *testing.T) {
	dir := t.TempDir()
	live := writeLiveFailure(t, dir, 5)
	for _, tc := range []struct {
		arg  string
		code int
		want []string
	}{
		{live, 1, []string{"the window: the last operations before the failure (liveness", "repair ", "leader "}},
		{"12", 0, []string{"the window: the last operations before the end", "repair ", "leader ", " (term "}},
	} {
		viz := filepath.Join(dir, "v.html")
		os.Remove(viz)
		r := raftsim(t, nil, "replay", tc.arg, "--viz", viz, "--trace", filepath.Join(dir, "with.jsonl"))
		if r.code != tc.code || !strings.Contains(r.stdout, "viz: "+viz) {
			t.Fatalf("%s: exit %d:\n%s%s", tc.arg, r.code, r.stdout, r.stderr)
		}
		b, err := os.ReadFile(viz)
		if err != nil || len(b) > maxViz {
			t.Fatalf("%s: %v, %d bytes (at most %d)", tc.arg, err, len(b), maxViz)
		}
		for _, want := range tc.want {
			if !strings.Contains(string(b), want) {
				t.Errorf("%s: no %q in the visualization", tc.arg, want)
			}
		}
		raftsim(t, nil, "replay", tc.arg, "--trace", filepath.Join(dir, "without.jsonl"))
		with, _ := os.ReadFile(filepath.Join(dir, "with.jsonl"))
		without, _ := os.ReadFile(filepath.Join(dir, "without.jsonl"))
		if string(with) != string(without) || len(with) == 0 {
			t.Errorf("%s: --viz changed the trace", tc.arg)
		}
	}
}

// TestVizWindow: an illegal history is shown as its illegal key alone, in a short window that is still
// illegal with the writes before it standing in as writes of unknown outcome; a legal history's window
// stays legal.
func TestVizWindow(t *testing.T) {
	var ops []workload.Op
	at := sim.Time(0)
	op := func(client, key uint64, read bool, value, prev uint64) {
		ops = append(ops, workload.Op{Client: client, Key: key, Read: read, Value: value, Prev: prev, OK: true, Invoke: at, Complete: at + 5})
		at += 10
	}
	// Keys 1 and 2 written and read in turn, 200 times; then key 2 reads a value never written.
	last := map[uint64]uint64{}
	for i := uint64(1); i <= 200; i++ {
		k := 1 + i%2
		op(1, k, false, i, last[k])
		last[k] = i
		op(2, k, true, i, 0)
	}
	op(2, 2, true, 999, 0)
	for i := uint64(201); i <= 260; i++ { // after the violation: not shown
		op(1, 1, false, i, last[1])
		last[1] = i
	}
	v := &viz{ops: ops}
	keys, from, to, illegal := v.window(&swarm.Result{Linearize: linearize.Illegal}, 10*time.Second)
	shown := windowOps(ops, keys, from, to)
	if !illegal || len(keys) != 1 || keys[0] != 2 || len(shown) > 40 {
		t.Fatalf("keys %v, %d operations from %d to %d, illegal %v; want key 2 alone in a short window", keys, len(shown), from, to, illegal)
	}
	t.Logf("illegal: key %v, %d operations shown of %d, from %d to %d", keys, len(shown), len(ops), from, to)
	if got := linearize.Check(shown, 10*time.Second).Verdict; got != linearize.Illegal {
		t.Fatalf("the window is %s, want illegal", got)
	}
	legal := ops[:len(ops)-61]
	v = &viz{ops: legal}
	keys, from, to, illegal = v.window(&swarm.Result{Linearize: linearize.Ok, Simulated: time.Duration(at)}, 10*time.Second)
	shown = windowOps(legal, keys, from, to)
	if illegal || len(shown) > 2*vizWindowOps {
		t.Fatalf("a legal history: keys %v, %d operations, illegal %v", keys, len(shown), illegal)
	}
	if got := linearize.Check(shown, 10*time.Second).Verdict; got != linearize.Ok {
		t.Fatalf("a legal history's window is %s", got)
	}
}
