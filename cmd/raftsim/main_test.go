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
)

// TestMain lets the test binary stand in for the raftsim binary: with RAFTSIM_BE_MAIN set it runs main,
// so tests can run the real command in a subprocess with its own environment (GOMAXPROCS, say).
func TestMain(m *testing.M) {
	if os.Getenv("RAFTSIM_BE_MAIN") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

type result struct {
	stdout, stderr string
	code           int
}

// raftsim runs the test binary as raftsim with args, env added to the environment.
func raftsim(t *testing.T, env []string, args ...string) result {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = env
	r, err := runMain(cmd)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// runMain runs cmd — the test binary, with its arguments, and what the caller set of its standard
// input, directory and environment (added to this process's) — as raftsim, and returns its output and
// exit status. The error is one of starting or waiting for it, not a nonzero exit.
func runMain(cmd *exec.Cmd) (result, error) {
	cmd.Env = append(append(os.Environ(), "RAFTSIM_BE_MAIN=1"), cmd.Env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code, err = ee.ExitCode(), nil
	}
	return result{out.String(), errb.String(), code}, err
}

// TestRunDeterministic: the same flags and seed write byte-identical traces and summaries, under
// GOMAXPROCS=1 and 2; another seed writes another trace.
func TestRunDeterministic(t *testing.T) {
	dir := t.TempDir()
	args := func(seed, trace string) []string {
		return []string{"run", "--duration", "5s", "--clients", "3", "--crash", "leader@2s", "--restart", "1@3s",
			"--partition", "3500ms:1,2|3,4,5", "--heal", "4s", "--check", "--json", "--seed", seed, "--trace", trace}
	}
	var traces, sums []string
	for i, env := range []string{"GOMAXPROCS=1", "GOMAXPROCS=2", "GOMAXPROCS=2"} {
		tr := filepath.Join(dir, "t"+string(rune('a'+i))+".jsonl")
		r := raftsim(t, []string{env}, args("7", tr)...)
		if r.code != 0 {
			t.Fatalf("%s: exit %d: %s", env, r.code, r.stderr)
		}
		b, err := os.ReadFile(tr)
		if err != nil || len(b) == 0 {
			t.Fatalf("%s: trace: %v (%d bytes)", env, err, len(b))
		}
		traces, sums = append(traces, string(b)), append(sums, r.stdout)
	}
	for i := 1; i < len(traces); i++ {
		if traces[i] != traces[0] || sums[i] != sums[0] {
			t.Fatalf("run %d differs from run 0 (trace equal: %v, summary equal: %v)", i, traces[i] == traces[0], sums[i] == sums[0])
		}
	}
	other := filepath.Join(dir, "other.jsonl")
	if r := raftsim(t, nil, args("8", other)...); r.code != 0 {
		t.Fatalf("seed 8: exit %d: %s", r.code, r.stderr)
	}
	if b, _ := os.ReadFile(other); string(b) == traces[0] {
		t.Fatal("seeds 7 and 8 wrote the same trace")
	}
}

// TestBadInput: every kind of bad input gets one line naming the problem, exit status 2, no stack
// trace, and no file written.
func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	trace := filepath.Join(dir, "trace.jsonl")
	badTopo := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(badTopo, []byte("nodes: 5\nbase: mesh\nedges:\n  - {from: 1, to: 2, loss: 1.5}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args []string
		want string // a fragment the one line must contain
	}{
		{[]string{"run", "--nodes", "0"}, "--nodes 0"},
		{[]string{"run", "--nodes", "x"}, "--nodes"},
		{[]string{"run", "--bogus"}, "unknown flag: --bogus"},
		{[]string{"run", "--election-timeout", "300ms:150ms"}, "--election-timeout"},
		{[]string{"run", "--election-timeout", "fast"}, "--election-timeout"},
		{[]string{"run", "--latency", "gauss:1ms"}, "--latency"},
		{[]string{"run", "--bandwidth", "1 parsec"}, "--bandwidth"},
		{[]string{"run", "--loss", "2"}, "loss"},
		{[]string{"run", "--crash", "7@1s"}, "node 7 is not in 1..5"},
		{[]string{"run", "--crash", "1@soon"}, "--crash"},
		{[]string{"run", "--cut", "1s:1->1"}, "--cut"},
		{[]string{"run", "--partition", "1s:1,2|2,3"}, "two groups"},
		{[]string{"run", "--routing", "bgp"}, "--routing"},
		{[]string{"run", "--topology", filepath.Join(dir, "missing.yaml")}, "missing.yaml"},
		{[]string{"run", "--topology", filepath.Join(dir, "net.txt")}, "net.txt"},
		{[]string{"run", "--topology", badTopo}, "bad.yaml:4"},
		{[]string{"run", "--nodes", "3", "--topology", "testdata/five.yaml"}, "5 nodes"},
		{[]string{"run", "extra"}, "unexpected argument"},
		{[]string{"run", "--stale", "2"}, "--leader-crash"},
		{[]string{"run", "--mttf", "exp:10s"}, "--mttf exp:10s: needs --mttr"},
		{[]string{"run", "--mttf", "exp:10s", "--mttr", "soon"}, "--mttr"},
		{[]string{"run", "--leader-crash", "1s", "--stale", "4"}, "stale 4"},
		{[]string{"run", "--measure-from", "5s", "--duration", "2s"}, "measure-from"},
		{[]string{"frobnicate"}, "unknown command"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			r := raftsim(t, nil, append(tt.args, "--trace", trace)...)
			lines := strings.Split(strings.TrimRight(r.stderr, "\n"), "\n")
			if r.code != 2 || len(lines) != 1 || !strings.Contains(r.stderr, tt.want) || strings.Contains(r.stderr, "goroutine") {
				t.Fatalf("exit %d, stderr %q; want exit 2 and one line containing %q", r.code, r.stderr, tt.want)
			}
			if _, err := os.Stat(trace); err == nil {
				t.Fatal("bad input wrote the trace file")
			}
			if ents, _ := os.ReadDir(dir); len(ents) != 1 { // only bad.yaml
				t.Fatalf("bad input left files behind: %v", ents)
			}
		})
	}
}

func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"help", "run"}, {"run", "-h"}} {
		r := raftsim(t, nil, args...)
		if r.code != 0 || !strings.Contains(r.stdout, "run") || r.stderr != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, r.code, r.stdout, r.stderr)
		}
	}
	if r := raftsim(t, nil, "help", "run"); !strings.Contains(r.stdout, "--election-timeout") {
		t.Errorf("help run does not list --election-timeout:\n%s", r.stdout)
	}
}

// TestRunInterrupted: SIGINT stops a long run with exit status 130 and leaves no trace file, whole or
// half-written.
func TestRunInterrupted(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "run", "--duration", "1000h", "--trace", filepath.Join(dir, "t.jsonl"))
	cmd.Env = append(os.Environ(), "RAFTSIM_BE_MAIN=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 130 || !strings.Contains(stderr.String(), "interrupted") {
		t.Fatalf("interrupted run: %v, stderr %q; want exit 130", err, stderr.String())
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Fatalf("files left behind: %v", ents)
	}
}
