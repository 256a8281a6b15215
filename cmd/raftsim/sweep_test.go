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

func readResults(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, name := range []string{"trials.csv", "summary.csv", "summary_long.csv", "manifest.json"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		out[name] = b
	}
	return out
}

// TestSweepWorkersAndResume: results are byte-identical for --workers 1 and 2, and for a sweep
// interrupted with SIGINT part-way and finished with --resume.
func TestSweepWorkersAndResume(t *testing.T) {
	base := t.TempDir()
	one, two, cut := filepath.Join(base, "one"), filepath.Join(base, "two"), filepath.Join(base, "cut")
	for dir, w := range map[string]string{one: "1", two: "2"} {
		if r := raftsim(t, nil, "sweep", "testdata/sweep.yaml", "--out", dir, "--workers", w, "--quiet"); r.code != 0 {
			t.Fatalf("workers %s: exit %d: %s", w, r.code, r.stderr)
		}
	}
	a, b := readResults(t, one), readResults(t, two)
	for name := range a {
		if !bytes.Equal(a[name], b[name]) {
			t.Fatalf("%s differs between --workers 1 and 2", name)
		}
	}

	// Interrupt a one-worker sweep once a few trials are journaled.
	cmd := exec.Command(os.Args[0], "sweep", "testdata/sweep.yaml", "--out", cut, "--workers", "1", "--quiet")
	cmd.Env = append(os.Environ(), "RAFTSIM_BE_MAIN=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		j, _ := os.ReadFile(filepath.Join(cut, "trials.journal"))
		if strings.Count(string(j), "\n") >= 6 {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("the sweep journaled nothing in 30s")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.ExitCode() != 130 || !strings.Contains(stderr.String(), "raftsim sweep testdata/sweep.yaml --out "+cut+" --resume") {
		t.Fatalf("interrupted sweep: %v, stderr %q; want exit 130 and a hint to --resume", err, stderr.String())
	}
	if _, err := os.Stat(filepath.Join(cut, "trials.csv")); err == nil {
		t.Fatal("an interrupted sweep wrote trials.csv")
	}
	if r := raftsim(t, nil, "sweep", "testdata/sweep.yaml", "--out", cut, "--quiet"); r.code != 2 || !strings.Contains(r.stderr, "--resume") {
		t.Fatalf("rerun without --resume: exit %d, %q; want 2 and a hint", r.code, r.stderr)
	}
	r := raftsim(t, nil, "sweep", "testdata/sweep.yaml", "--out", cut, "--resume", "--workers", "2", "--quiet")
	if r.code != 0 || !strings.Contains(r.stdout, "resumed") {
		t.Fatalf("resume: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	c := readResults(t, cut)
	for name := range a {
		if !bytes.Equal(a[name], c[name]) {
			t.Fatalf("%s of the interrupted-then-resumed sweep differs from the uninterrupted one", name)
		}
	}
}

// TestSweepBadSpec: a malformed spec fails with file, line and field and exit status 2, and leaves an
// existing results directory untouched.
func TestSweepBadSpec(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	keep := filepath.Join(out, "trials.csv")
	if err := os.WriteFile(keep, []byte("precious\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, body, want string }{
		{"unknown key", "name: x\ntrials: 2\nclusterr: {nodes: 3}\n", "bad.yaml:3: clusterr"},
		{"bad duration", "name: x\nduration: 10 minutes\n", "bad.yaml:2: duration"},
		{"f > n", "name: x\ncluster: {nodes: 3}\nscenario: {faults: 4, crash_at: 1s}\n", "bad.yaml:3: scenario.faults"},
		{"empty axis", "name: x\naxes:\n  - {param: nodes, values: []}\n", "bad.yaml:3: axes[0]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := filepath.Join(dir, "bad.yaml")
			if err := os.WriteFile(spec, []byte(tt.body), 0o644); err != nil {
				t.Fatal(err)
			}
			r := raftsim(t, nil, "sweep", spec, "--out", out)
			lines := strings.Split(strings.TrimRight(r.stderr, "\n"), "\n")
			if r.code != 2 || len(lines) != 1 || !strings.Contains(r.stderr, tt.want) {
				t.Fatalf("exit %d, stderr %q; want exit 2 and one line containing %q", r.code, r.stderr, tt.want)
			}
			ents, _ := os.ReadDir(out)
			b, _ := os.ReadFile(keep)
			if len(ents) != 1 || string(b) != "precious\n" {
				t.Fatalf("the results directory was touched: %v, %q", ents, b)
			}
		})
	}
	if r := raftsim(t, nil, "sweep", "nosuch"); r.code != 2 || !strings.Contains(r.stderr, "fig16") {
		t.Fatalf("unknown spec: exit %d, %q", r.code, r.stderr)
	}
}

func TestListAndPlot(t *testing.T) {
	r := raftsim(t, nil, "list")
	if r.code != 0 || strings.Count(r.stdout, "\n") < 3 || !strings.Contains(r.stdout, "quorum") {
		t.Fatalf("list: exit %d, %q", r.code, r.stdout)
	}
	// The descriptions start in one column, whatever the longest name.
	col := -1
	for _, line := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		name, _, _ := strings.Cut(line, " ")
		c := len(name) + strings.IndexFunc(line[len(name):], func(r rune) bool { return r != ' ' })
		if col >= 0 && c != col {
			t.Fatalf("list: descriptions start in column %d and %d:\n%s", col, c, r.stdout)
		}
		col = c
	}
	dir := filepath.Join(t.TempDir(), "q")
	if r := raftsim(t, nil, "sweep", "quorum", "--trials", "1", "--out", dir, "--quiet"); r.code != 0 {
		t.Fatalf("sweep quorum: %d %s", r.code, r.stderr)
	}
	png := filepath.Join(dir, "plots", "quorum.png")
	first, err := os.ReadFile(png)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Join(dir, "plots")); err != nil {
		t.Fatal(err)
	}
	if r := raftsim(t, nil, "plot", dir); r.code != 0 {
		t.Fatalf("plot: %d %s", r.code, r.stderr)
	}
	again, err := os.ReadFile(png)
	if err != nil || !bytes.Equal(first, again) {
		t.Fatalf("raftsim plot did not redraw the same figure (err %v)", err)
	}
	if r := raftsim(t, nil, "plot", t.TempDir()); r.code != 2 {
		t.Fatalf("plot of an empty directory: exit %d", r.code)
	}
}
