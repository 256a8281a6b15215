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

// These tests are the command-line half of issue 6's first kind: inputs that parse must end in one
// line and exit 2 (or run to completion), never in a Go stack trace or a machine out of memory, and
// every long run and sweep must stop on Ctrl-C with exit 130. The library halves are in the cluster,
// network, sim, fault, raft, sweep, spec and readfile packages (each a robust_test.go or named test).

// exitLine fails unless r is exit code with a single line on stderr containing want, and no stack trace.
func exitLine(t *testing.T, r result, code int, want string) {
	t.Helper()
	lines := strings.Split(strings.TrimRight(r.stderr, "\n"), "\n")
	if r.code != code || len(lines) != 1 || !strings.Contains(r.stderr, want) || strings.Contains(r.stderr, "goroutine") {
		t.Fatalf("exit %d, stderr %q; want exit %d and one line containing %q", r.code, r.stderr, code, want)
	}
}

// TestRobustBadInput: settings whose cost would explode, and input files that are not files, get one
// line naming the setting or the file and exit 2, at once.
func TestRobustBadInput(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.yaml")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	huge := filepath.Join(dir, "huge.yaml")
	if f, err := os.Create(huge); err != nil {
		t.Fatal(err)
	} else if err := f.Truncate(17 << 20); err != nil { // sparse: 17 MiB without writing it
		t.Fatal(err)
	} else {
		f.Close()
	}
	many := filepath.Join(dir, "many.yaml")
	if err := os.WriteFile(many, []byte("name: many\ntrials: 1000000\naxes:\n  - {param: nodes, from: 1, to: 1000}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args []string
		want string
	}{
		// Each of these used to fill memory, build billions of events or panic.
		{[]string{"run", "--heartbeat", "1ns"}, "1ns: at least 1us ("},
		{[]string{"run", "--election-timeout", "1ns:2ns"}, "minimum 1ns: at least 2us ("},
		{[]string{"run", "--client-timeout", "1ns"}, "1ns: at least 1us ("},
		{[]string{"run", "--max-inflight", "9000000000000000000"}, "9000000000000000000: want 1 to 1048576"},
		{[]string{"run", "--max-batch", "2000000"}, "2000000: want 1 to 1048576"},
		{[]string{"run", "--clients", "100001"}, "100001: want 0 to 100000"},
		// Files that are not regular files are refused before anything is read: /dev/zero used to be
		// read for ever, and a named pipe blocks in open until someone writes to it.
		{[]string{"sweep", "/dev/zero"}, "read /dev/zero: not a regular file (a character device)"},
		{[]string{"sweep", fifo}, "not a regular file (a named pipe)"},
		{[]string{"sweep", dir}, "not a regular file (a directory)"},
		{[]string{"sweep", huge}, "larger than 16 MiB"},
		{[]string{"run", "--topology", fifo}, "not a regular file (a named pipe)"},
		// A sweep of 1000 points × a million trials used to allocate its per-trial tables up front.
		{[]string{"sweep", many}, "more than the 1000000 trials a sweep may run"},
		{[]string{"sweep", "quorum", "--trials", "1000000"}, "more than the 1000000 trials a sweep may run"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			start := time.Now()
			args := tt.args
			if args[0] == "sweep" {
				args = append(args, "--out", filepath.Join(dir, "out"))
			}
			r := raftsim(t, nil, args...)
			exitLine(t, r, 2, tt.want)
			if d := time.Since(start); d > 20*time.Second {
				t.Fatalf("took %v to refuse", d)
			}
			if _, err := os.Stat(filepath.Join(dir, "out")); err == nil {
				t.Fatal("bad input created the results directory")
			}
		})
	}
}

// TestRobustLimits: a run that would hold more than the simulator allows stops with one line saying what
// overflowed and exit 2: clients that resend every microsecond into links that take half an hour, and
// a world without any delay, where writes complete without simulated time moving on.
func TestRobustLimits(t *testing.T) {
	if testing.Short() {
		t.Skip("whole simulations, slow under the race detector; the full pass runs them")
	}
	r := raftsim(t, nil, "run", "--clients", "1000", "--client-timeout", "1us", "--latency", "const:30m", "--duration", "1h")
	exitLine(t, r, 2, "messages in flight at")
	r = raftsim(t, nil, "run", "--latency", "const:0s", "--fsync", "0s", "--bandwidth", "unlimited")
	exitLine(t, r, 2, "events at one instant at")
}

// TestRobustExtremesRun: values at the ends of their ranges run to the end without a panic. Each of
// the first three panicked before ("schedule at 0s before now"), the client ones ran out of memory.
func TestRobustExtremesRun(t *testing.T) {
	if testing.Short() {
		t.Skip("whole simulations, slow under the race detector; the full pass runs them")
	}
	tests := [][]string{
		{"--bandwidth", "1e-300bps"},
		{"--bandwidth", "1e300GBps"},
		{"--disk-bandwidth", "1e-300B/s"},
		{"--latency", "const:1000000h"},
		{"--latency", "pareto:1ms:0.05"},
		{"--fsync", "pareto:1ms:0.05"},
		{"--duration", "2562047h0m0s", "--election-timeout", "1000000h:2000000h", "--heartbeat", "500000h",
			"--latency", "const:100000h", "--fsync", "const:100000h", "--client-timeout", "1000000h", "--op-deadline", "2562047h"},
		// The longest duration a flag holds: its end is printed as such, not wrapped to a negative span.
		{"--duration", "2562047h47m16.854775807s", "--election-timeout", "1000000h:2000000h", "--heartbeat", "500000h",
			"--latency", "const:100000h", "--fsync", "const:100000h", "--client-timeout", "1000000h", "--op-deadline", "2562047h"},
		{"--clients", "10000", "--duration", "50ms"},
		{"--max-inflight", "1048576", "--max-batch", "1048576", "--clients", "20"},
		{"--mttf", "const:1us", "--mttr", "const:1us", "--duration", "100us"},
		{"--heartbeat", "1us", "--bandwidth", "1Mbps", "--duration", "300ms"},
		{"--value-size", "1073741824", "--clients", "50"},
		{"--think", "1ns", "--clients", "5", "--op-deadline", "2562047h"},
		{"--loss", "1", "--clients", "5", "--client-timeout", "1us"},
	}
	for _, args := range tests {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			full := append([]string{"run", "--duration", "2s", "--check"}, args...)
			r := raftsim(t, nil, full...)
			if r.code != 0 || !strings.Contains(r.stdout, "safety          checked: no violation") {
				t.Fatalf("exit %d, stderr %q, stdout %q", r.code, r.stderr, r.stdout)
			}
			if d := args[1]; args[0] == "--duration" && !strings.Contains(r.stdout, ", "+d+" simulated") {
				t.Fatalf("the summary does not say %s simulated: %q", d, r.stdout)
			}
		})
	}
}

// interrupt starts raftsim with args, sends SIGINT after wait, and returns its exit code, its stderr
// and how long it took to exit after the signal.
func interrupt(t *testing.T, wait time.Duration, args ...string) (int, string, time.Duration) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "RAFTSIM_BE_MAIN=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(wait)
	sent := time.Now()
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var err error
	select {
	case err = <-done:
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("%v: still running 30s after SIGINT; stderr %q", args, stderr.String())
	}
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return code, stderr.String(), time.Since(sent)
}

// TestRobustInterrupt: Ctrl-C stops, with exit 130 and within seconds, a sweep whose one trial lasts a
// hundred thousand simulated hours (trials used to ignore it until they ended), and a run or a sweep
// whose fault schedule has an event every microsecond, the shortest spans allowed (the whole schedule,
// billions of events, used to be built before the run started, deaf to Ctrl-C).
func TestRobustInterrupt(t *testing.T) {
	dir := t.TempDir()
	long := filepath.Join(dir, "long.yaml")
	if err := os.WriteFile(long, []byte("name: long\nduration: 100000h\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	chaos := filepath.Join(dir, "chaos.yaml")
	if err := os.WriteFile(chaos, []byte("name: chaos\nduration: 1h\nscenario: {chaos: true, chaos_interval: 1us}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"sweep of one long trial", []string{"sweep", long, "--out", filepath.Join(dir, "long")}, "--resume"},
		{"sweep with a chaos fault every microsecond", []string{"sweep", chaos, "--out", filepath.Join(dir, "chaos")}, "--resume"},
		{"run with a fault every microsecond", []string{"run", "--mttf", "const:1us", "--mttr", "const:1us", "--duration", "1h"}, "interrupted"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stderr, took := interrupt(t, 500*time.Millisecond, tt.args...)
			if code != 130 || !strings.Contains(stderr, tt.want) || strings.Contains(stderr, "goroutine") {
				t.Fatalf("exit %d, stderr %q; want 130 and %q", code, stderr, tt.want)
			}
			if took > 5*time.Second {
				t.Fatalf("exited %v after SIGINT", took)
			}
		})
	}
}
