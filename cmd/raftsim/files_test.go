package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/raftsim/raftsim/experiments/results"
)

// traceArgs is a short run whose trace the tests below compare byte for byte.
var traceArgs = []string{"run", "--duration", "1s", "--clients", "2", "--crash", "leader@500ms", "--seed", "5"}

// referenceTrace writes the trace of traceArgs to a regular file and returns it.
func referenceTrace(t *testing.T) []byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ref.jsonl")
	if r := raftsim(t, nil, append(traceArgs, "--trace", path)...); r.code != 0 {
		t.Fatalf("reference run: exit %d: %s", r.code, r.stderr)
	}
	b, err := os.ReadFile(path)
	if err != nil || len(b) == 0 {
		t.Fatalf("reference trace: %v (%d bytes)", err, len(b))
	}
	return b
}

// oneLine checks that a refused command exited 2 with one line containing want.
func oneLine(t *testing.T, r result, want string) {
	t.Helper()
	lines := strings.Split(strings.TrimRight(r.stderr, "\n"), "\n")
	if r.code != 2 || len(lines) != 1 || !strings.Contains(r.stderr, want) || strings.Contains(r.stderr, "goroutine") {
		t.Fatalf("exit %d, stderr %q; want exit 2 and one line containing %q", r.code, r.stderr, want)
	}
}

// TestTraceStdout: with --trace -, standard output is the trace alone, byte for byte the trace a file
// gets, and the summary, text or JSON, goes to standard error.
func TestTraceStdout(t *testing.T) {
	want := referenceTrace(t)
	r := raftsim(t, nil, append(traceArgs, "--trace", "-")...)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if r.stdout != string(want) {
		t.Fatalf("standard output (%d bytes) is not the trace (%d bytes)", len(r.stdout), len(want))
	}
	for i, line := range strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n") {
		if !json.Valid([]byte(line)) {
			t.Fatalf("line %d of standard output is not JSON: %q", i+1, line)
		}
	}
	if !strings.Contains(r.stderr, "raftsim run: 5 nodes, seed 5") {
		t.Errorf("the summary is not on standard error: %q", r.stderr)
	}
	r = raftsim(t, nil, append(traceArgs, "--trace", "-", "--json")...)
	var sum map[string]any
	if r.code != 0 || r.stdout != string(want) || json.Unmarshal([]byte(r.stderr), &sum) != nil || sum["seed"] != 5.0 {
		t.Errorf("--json --trace -: exit %d, stdout is the trace: %v, stderr %q", r.code, r.stdout == string(want), r.stderr)
	}
}

// TestTraceDevNull: --trace /dev/null writes through the device and leaves it the device it was (as
// root, the old code replaced it with a regular file).
func TestTraceDevNull(t *testing.T) {
	before, err := os.Stat(os.DevNull)
	if err != nil {
		t.Skip(err)
	}
	if r := raftsim(t, nil, append(traceArgs, "--trace", os.DevNull)...); r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	after, err := os.Lstat(os.DevNull)
	if err != nil || after.Mode()&fs.ModeCharDevice == 0 || after.Mode() != before.Mode() || !os.SameFile(before, after) {
		t.Fatalf("/dev/null is now %v (%v), was %v", after.Mode(), err, before.Mode())
	}
}

// TestTraceFIFO: a named pipe with a reader gets the whole trace, directly or through a symlink, and
// stays a pipe.
func TestTraceFIFO(t *testing.T) {
	want := referenceTrace(t)
	for _, viaLink := range []bool{false, true} {
		t.Run(fmt.Sprintf("link=%v", viaLink), func(t *testing.T) {
			dir := t.TempDir()
			fifo := filepath.Join(dir, "pipe")
			if err := syscall.Mkfifo(fifo, 0o644); err != nil {
				t.Skip(err)
			}
			path := fifo
			if viaLink {
				path = filepath.Join(dir, "link")
				os.Symlink("pipe", path)
			}
			got := make(chan []byte)
			go func() {
				f, err := os.Open(fifo)
				if err != nil {
					got <- nil
					return
				}
				b, _ := io.ReadAll(f)
				f.Close()
				got <- b
			}()
			if r := raftsim(t, nil, append(traceArgs, "--trace", path)...); r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			select {
			case b := <-got:
				if !bytes.Equal(b, want) {
					t.Fatalf("the reader got %d bytes, want the %d of the trace", len(b), len(want))
				}
			case <-time.After(10 * time.Second):
				// The trace went elsewhere: release the reader, which still waits for a writer.
				if w, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
					w.Close()
				}
				t.Fatal("the pipe's reader got nothing")
			}
			if st, _ := os.Lstat(fifo); st.Mode()&fs.ModeNamedPipe == 0 {
				t.Errorf("the pipe is now %v", st.Mode())
			}
		})
	}
}

// TestTraceSymlink: a link to a file stays a link, and its target gets the trace, with its mode kept.
func TestTraceSymlink(t *testing.T) {
	want := referenceTrace(t)
	dir := t.TempDir()
	target := filepath.Join(dir, "traces", "run.jsonl")
	os.Mkdir(filepath.Dir(target), 0o755)
	os.WriteFile(target, []byte("old\n"), 0o600)
	link := filepath.Join(dir, "latest.jsonl")
	os.Symlink("traces/run.jsonl", link)
	if r := raftsim(t, nil, append(traceArgs, "--trace", link)...); r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if to, err := os.Readlink(link); err != nil || to != "traces/run.jsonl" {
		t.Fatalf("the link is gone: %q, %v", to, err)
	}
	b, _ := os.ReadFile(target)
	st, _ := os.Stat(target)
	if !bytes.Equal(b, want) || st.Mode().Perm() != 0o600 {
		t.Errorf("target: %d bytes (want %d), mode %v (want 0600)", len(b), len(want), st.Mode().Perm())
	}
}

// TestTraceRefusedBeforeRun: a trace path that cannot be written is refused before the simulation, which
// would take minutes here, with one line naming --trace, exit 2, and nothing written.
func TestTraceRefusedBeforeRun(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	os.WriteFile(file, []byte("x"), 0o644)
	topo := filepath.Join(dir, "five.yaml")
	b, _ := os.ReadFile("testdata/five.yaml")
	os.WriteFile(topo, b, 0o644)
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--trace", dir}, "--trace " + dir + ": is a directory"},
		{[]string{"--trace", "/nonexistent/x"}, "--trace /nonexistent/x: directory /nonexistent does not exist"},
		{[]string{"--trace", filepath.Join(file, "x")}, "not a directory"},
		{[]string{"--topology", topo, "--trace", topo}, "is the --topology file"},
	}
	if _, err := os.Stat("/proc/self"); err == nil {
		tests = append(tests, struct {
			args []string
			want string
		}{[]string{"--trace", "/proc/raftsim.jsonl"}, "--trace /proc/raftsim.jsonl"})
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			before := listDir(t, dir)
			start := time.Now()
			r := raftsim(t, nil, append([]string{"run", "--duration", "10h"}, tt.args...)...)
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("refused after %v: the simulation ran first", d)
			}
			oneLine(t, r, tt.want)
			if after := listDir(t, dir); after != before {
				t.Errorf("refused, but the directory changed:\n%s\nwas:\n%s", after, before)
			}
		})
	}
}

// listDir lists dir's entries with their sizes and modes.
func listDir(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, _ := d.Info()
		fmt.Fprintf(&b, "%s %v %d\n", path, info.Mode(), info.Size())
		return nil
	})
	return b.String()
}

// start starts raftsim in the background.
func start(t *testing.T, args ...string) (*exec.Cmd, *bytes.Buffer) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "RAFTSIM_BE_MAIN=1")
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = io.Discard, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return cmd, &stderr
}

// waitFor polls until ok or 30 seconds have passed.
func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("no %s after 30s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func temps(dir string) []string {
	m, _ := filepath.Glob(filepath.Join(dir, ".*.tmp-*"))
	return m
}

// TestTraceInterrupted: Ctrl-C leaves an existing trace file as it was and no temporary file.
func TestTraceInterrupted(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "t.jsonl")
	os.WriteFile(path, []byte("the previous trace\n"), 0o644)
	cmd, stderr := start(t, "run", "--duration", "1000h", "--trace", path)
	waitFor(t, "temporary file", func() bool { return len(temps(dir)) == 1 })
	cmd.Process.Signal(syscall.SIGINT)
	err := cmd.Wait()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 130 {
		t.Fatalf("interrupted: %v, stderr %q; want exit 130", err, stderr.String())
	}
	if b, _ := os.ReadFile(path); string(b) != "the previous trace\n" {
		t.Errorf("the old trace became %d bytes", len(b))
	}
	if left := temps(dir); len(left) != 0 {
		t.Errorf("left %v", left)
	}
}

// TestKilledLeftovers: the temporary file of a run killed with SIGKILL is removed by the next run
// writing the same trace, and by a sweep into that directory; the temporary file of a live writer in
// the same directory is not.
func TestKilledLeftovers(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "t.jsonl")
	killed := func(path string) string {
		cmd, _ := start(t, "run", "--duration", "1000h", "--trace", path)
		var left []string
		waitFor(t, "temporary file", func() bool {
			left, _ = filepath.Glob(filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*"))
			return len(left) == 1
		})
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		return left[0]
	}
	left := killed(path)
	if r := raftsim(t, nil, "run", "--duration", "1s", "--trace", path); r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if _, err := os.Stat(left); err == nil {
		t.Errorf("the next run left %s", filepath.Base(left))
	}

	out := filepath.Join(dir, "out")
	os.Mkdir(out, 0o755)
	left = killed(filepath.Join(out, "summary.csv"))
	live, stderr := start(t, "run", "--duration", "1000h", "--trace", filepath.Join(out, "live.jsonl"))
	waitFor(t, "live temporary file", func() bool { return len(temps(out)) == 2 })
	if r := raftsim(t, nil, "sweep", "testdata/sweep.yaml", "--trials", "2", "--out", out, "--quiet"); r.code != 0 {
		t.Fatalf("sweep: exit %d: %s", r.code, r.stderr)
	}
	if _, err := os.Stat(left); err == nil {
		t.Errorf("the sweep left the killed run's %s", filepath.Base(left))
	}
	if n := len(temps(out)); n != 1 {
		t.Errorf("%d temporary files in the sweep's directory, want the live run's", n)
	}
	live.Process.Signal(syscall.SIGINT)
	if err := live.Wait(); err == nil || len(temps(out)) != 0 {
		t.Errorf("the live run: %v, %s; temporary files %v", err, stderr.String(), temps(out))
	}
}

// TestTwoSweepsOneOut: two sweeps started together on one --out, then two --resume of a sweep killed
// with SIGKILL: each time exactly one runs and the other is refused at once with exit 2, and the
// resumed results, every trial the killed sweep finished kept, are those of the undisturbed sweep.
func TestTwoSweepsOneOut(t *testing.T) {
	if testing.Short() {
		// Three real sweeps; experiments/sweep's TestTwoSweepsOneDir covers the same, deterministically.
		t.Skip("three sweeps of a few seconds each")
	}
	base := t.TempDir()
	args := func(out string, more ...string) []string {
		return append([]string{"sweep", "testdata/sweep.yaml", "--out", out, "--workers", "1", "--quiet"}, more...)
	}
	race := func(out string, more ...string) (winner, loser *exec.Cmd, loserErr string) {
		a, ea := start(t, args(out, more...)...)
		b, eb := start(t, args(out, more...)...)
		type exit struct {
			cmd    *exec.Cmd
			stderr *bytes.Buffer
			code   int
		}
		done := make(chan exit, 2)
		for _, p := range []struct {
			cmd *exec.Cmd
			e   *bytes.Buffer
		}{{a, ea}, {b, eb}} {
			go func() {
				err := p.cmd.Wait()
				code := 0
				if ee, ok := err.(*exec.ExitError); ok {
					code = ee.ExitCode()
				}
				done <- exit{p.cmd, p.e, code}
			}()
		}
		first, second := <-done, <-done
		if first.code == 0 {
			first, second = second, first
		}
		if first.code != 2 || second.code != 0 {
			t.Fatalf("exits %d (%q) and %d (%q); want one 0 and one 2", first.code, first.stderr, second.code, second.stderr)
		}
		return second.cmd, first.cmd, first.stderr.String()
	}

	one := filepath.Join(base, "one")
	winner, _, msg := race(one)
	if want := fmt.Sprintf("in use by another raftsim (pid %d)", winner.Process.Pid); !strings.Contains(msg, want) || strings.Count(msg, "\n") != 1 {
		t.Errorf("loser's message %q, want one line with %q", msg, want)
	}
	ref := readResults(t, one)

	// Kill a sweep once a few trials are journaled, then resume it twice at once.
	two := filepath.Join(base, "two")
	cmd, _ := start(t, args(two)...)
	jpath := filepath.Join(two, "trials.journal")
	waitFor(t, "journaled trials", func() bool {
		j, _ := os.ReadFile(jpath)
		return bytes.Count(j, []byte("\n")) >= 2+5
	})
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	j, _ := os.ReadFile(jpath)
	done := bytes.Count(j, []byte("\n")) - 2
	_, _, msg = race(two, "--resume")
	if !strings.Contains(msg, "in use by another raftsim") {
		t.Errorf("loser's message %q", msg)
	}
	got := readResults(t, two)
	for name := range ref {
		if !bytes.Equal(got[name], ref[name]) {
			t.Errorf("%s after a SIGKILL and two --resume at once differs from the undisturbed sweep's", name)
		}
	}
	if done < 5 {
		t.Errorf("only %d trials were journaled", done)
	}
}

// results directory listing, names only, sorted.
func names(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && path != dir {
			rel, _ := filepath.Rel(dir, path)
			out = append(out, rel)
		}
		return nil
	})
	sort.Strings(out)
	return out
}

// TestSweepOutRefused: --resume with nothing to resume, --out holding another spec's, seed's or trial
// count's results, or not a directory: one line, exit 2, nothing written. --force replaces raftsim's
// files only, and does not go with --resume.
func TestSweepOutRefused(t *testing.T) {
	base := t.TempDir()
	out := filepath.Join(base, "p")
	if r := raftsim(t, nil, "sweep", "testdata/plotted.yaml", "--out", out, "--quiet"); r.code != 0 {
		t.Fatalf("sweep plotted: %d %s", r.code, r.stderr)
	}
	os.WriteFile(filepath.Join(out, "notes.txt"), []byte("mine"), 0o644)
	os.WriteFile(filepath.Join(out, "plots", "mine.png"), []byte("mine"), 0o644)
	empty := filepath.Join(base, "empty")
	os.Mkdir(empty, 0o755)
	file := filepath.Join(base, "file")
	os.WriteFile(file, []byte("x"), 0o644)

	tests := []struct {
		args []string
		want string
	}{
		{[]string{"sweep", "testdata/plotted.yaml", "--resume", "--out", filepath.Join(base, "missing")}, "does not exist: there is no sweep to resume"},
		{[]string{"sweep", "testdata/plotted.yaml", "--resume", "--out", empty}, "holds no unfinished sweep"},
		{[]string{"sweep", "testdata/plotted.yaml", "--resume", "--out", out}, "holds the finished results of this sweep, nothing to resume"},
		{[]string{"sweep", "testdata/plotted.yaml", "--trials", "3", "--out", out}, out + " holds the results of another spec (trials 2, not 3): choose another --out, or --force to replace them"},
		{[]string{"sweep", "testdata/plotted.yaml", "--seed", "9", "--out", out}, ", not 9)"},
		{[]string{"sweep", "testdata/sweep.yaml", "--out", out}, `experiment "plotted", not "clitest"`},
		{[]string{"sweep", "testdata/plotted.yaml", "--force", "--resume", "--out", out}, "--force and --resume exclude each other"},
		{[]string{"sweep", "testdata/plotted.yaml", "--out", file}, "is not a directory"},
		{[]string{"sweep", "testdata/plotted.yaml", "--out", filepath.Join(file, "sub")}, "not a directory"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			before := listDir(t, base)
			oneLine(t, raftsim(t, nil, tt.args...), tt.want)
			if after := listDir(t, base); after != before {
				t.Errorf("refused, but files changed:\n%s\nwas:\n%s", after, before)
			}
		})
	}

	// --force: the results, plots and all, are replaced; the user's files stay.
	r := raftsim(t, nil, "sweep", "testdata/sweep.yaml", "--trials", "2", "--force", "--out", out, "--quiet")
	if r.code != 0 {
		t.Fatalf("--force: exit %d: %s", r.code, r.stderr)
	}
	want := []string{results.LockFile, "manifest.json", "notes.txt", "plots", "plots/mine.png", "summary.csv", "summary_long.csv", "trials.csv"}
	if got := names(t, out); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("after --force: %q, want %q", got, want)
	}
	m, err := results.ReadManifest(filepath.Join(out, results.ManifestFile))
	if err != nil || m.Experiment != "clitest" || m.Trials != 2 {
		t.Errorf("manifest after --force: %+v, %v", m, err)
	}
}

// TestDamagedJournal: a journal raftsim cannot read is bad input (exit 2), not a failure, and is kept.
func TestDamagedJournal(t *testing.T) {
	out := t.TempDir()
	jpath := filepath.Join(out, "trials.journal")
	os.WriteFile(jpath, []byte("# raftsim sweep journal v2 spec-sha256=x seed=1 trials=2\nhello\n"), 0o644)
	oneLine(t, raftsim(t, nil, "sweep", "testdata/sweep.yaml", "--resume", "--out", out), "another spec")
	os.WriteFile(jpath, []byte("# raftsim sweep journal v1 spec-sha256=x seed=1 trials=2\nhello\n"), 0o644)
	oneLine(t, raftsim(t, nil, "sweep", "testdata/sweep.yaml", "--resume", "--out", out), "written by another version of raftsim (journal v1; this one reads v2)")
	os.WriteFile(jpath, []byte("hello\nworld\n"), 0o644)
	oneLine(t, raftsim(t, nil, "sweep", "testdata/sweep.yaml", "--resume", "--out", out), "not a sweep journal")
	if b, _ := os.ReadFile(jpath); string(b) != "hello\nworld\n" {
		t.Error("the journal changed")
	}
}

// TestLockedOut: while another process holds a results directory, sweep and plot are refused (exit 2)
// and change nothing.
func TestLockedOut(t *testing.T) {
	out := filepath.Join(t.TempDir(), "p")
	if r := raftsim(t, nil, "sweep", "testdata/plotted.yaml", "--out", out, "--quiet"); r.code != 0 {
		t.Fatalf("sweep plotted: %d %s", r.code, r.stderr)
	}
	l, err := results.Lock(out)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Unlock()
	before := listDir(t, out)
	msg := fmt.Sprintf("in use by another raftsim (pid %d)", os.Getpid())
	oneLine(t, raftsim(t, nil, "plot", out), msg)
	oneLine(t, raftsim(t, nil, "sweep", "testdata/plotted.yaml", "--out", out), msg)
	if after := listDir(t, out); after != before {
		t.Errorf("files changed:\n%s\nwas:\n%s", after, before)
	}
	l.Unlock()
	if r := raftsim(t, nil, "plot", out); r.code != 0 {
		t.Errorf("plot after the lock was released: exit %d: %s", r.code, r.stderr)
	}
}

// TestPlotsNotADirectory: a file where the plots go is refused by sweep and plot before any work (it
// made sweep fail after writing the results, with exit 1).
func TestPlotsNotADirectory(t *testing.T) {
	out := filepath.Join(t.TempDir(), "p")
	if r := raftsim(t, nil, "sweep", "testdata/plotted.yaml", "--out", out, "--quiet"); r.code != 0 {
		t.Fatalf("sweep plotted: %d %s", r.code, r.stderr)
	}
	plots := filepath.Join(out, "plots")
	os.RemoveAll(plots)
	os.WriteFile(plots, []byte("mine"), 0o644)
	before := listDir(t, out)
	oneLine(t, raftsim(t, nil, "plot", out), plots+" is not a directory")
	oneLine(t, raftsim(t, nil, "sweep", "testdata/plotted.yaml", "--out", out), plots+" is not a directory")
	if after := listDir(t, out); after != before {
		t.Errorf("files changed:\n%s\nwas:\n%s", after, before)
	}
}
