package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The CLI side of a sweep's files: what the journal records and refuses, what a kill or Ctrl-C while
// the plots are drawn leaves, and the paths and panels that cannot be drawn.

// interruptSweep starts `raftsim sweep args... --out out` on one worker, sends SIGINT once at least
// five trials are journaled, and checks that it exits 130 with one line that gives the command to
// resume. It returns the journal.
func interruptSweep(t *testing.T, out string, args ...string) []byte {
	t.Helper()
	cmd, stderr := start(t, append(append([]string{"sweep"}, args...), "--out", out, "--workers", "1", "--quiet")...)
	jpath := filepath.Join(out, "trials.journal")
	waitFor(t, "journaled trials", func() bool {
		j, _ := os.ReadFile(jpath)
		return bytes.Count(j, []byte("\n")) >= 2+5
	})
	cmd.Process.Signal(syscall.SIGINT)
	err := cmd.Wait()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 130 || !strings.Contains(stderr.String(), "--out "+out+" --resume") || strings.Count(stderr.String(), "\n") != 1 {
		t.Fatalf("interrupted sweep: %v, stderr %q; want exit 130 and one line with the command to resume", err, stderr.String())
	}
	j, err := os.ReadFile(jpath)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

// sameResults compares the result files of two directories: trials.csv, the summaries and the
// manifest, byte for byte.
func sameResults(t *testing.T, what, dir, refDir string) {
	t.Helper()
	got, want := readResults(t, dir), readResults(t, refDir)
	for name := range want {
		if !bytes.Equal(got[name], want[name]) {
			t.Errorf("%s: %s differs from the undisturbed sweep's", what, name)
		}
	}
}

// topoSweep is a spec naming a topology file, net.yaml beside it, slow enough to interrupt part-way
// (under two seconds on one worker).
const topoSweep = `name: topocli
trials: 20
duration: 10s
cluster: {nodes: 3, clients: 4, topology: net.yaml}
axes:
  - {param: election_timeout, values: ["150ms:300ms", "300ms:600ms"]}
`

// TestSweepInputChanged: the manifest records the SHA-256 of the topology file a spec names; a
// --resume after the file changed is refused with one line naming it (exit 2) and the journal left as
// it was; with the file as it was, --resume finishes with the undisturbed results.
func TestSweepInputChanged(t *testing.T) {
	if testing.Short() {
		t.Skip("three sweeps of a second or two each; experiments/sweep's TestInputFileChanged covers the same")
	}
	base := t.TempDir()
	specPath, topo := filepath.Join(base, "topo.yaml"), filepath.Join(base, "net.yaml")
	net := "nodes: 3\nbase: mesh\ndefaults:\n  latency: const:1ms\n"
	os.WriteFile(specPath, []byte(topoSweep), 0o644)
	os.WriteFile(topo, []byte(net), 0o644)

	ref := filepath.Join(base, "ref")
	if r := raftsim(t, nil, "sweep", specPath, "--out", ref, "--quiet"); r.code != 0 {
		t.Fatalf("sweep: exit %d: %s", r.code, r.stderr)
	}
	var m struct {
		Inputs map[string]string `json:"inputs"`
	}
	if err := json.Unmarshal(mustRead(t, filepath.Join(ref, "manifest.json")), &m); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(net))
	if want := hex.EncodeToString(sum[:]); len(m.Inputs) != 1 || m.Inputs["net.yaml"] != want {
		t.Errorf("manifest inputs %v, want net.yaml: %s", m.Inputs, want)
	}

	out := filepath.Join(base, "out")
	journal := interruptSweep(t, out, specPath)
	os.WriteFile(topo, []byte(strings.Replace(net, "const:1ms", "const:3ms", 1)), 0o644)
	oneLine(t, raftsim(t, nil, "sweep", specPath, "--out", out, "--resume"), "net.yaml has changed")
	if j, _ := os.ReadFile(filepath.Join(out, "trials.journal")); !bytes.Equal(j, journal) {
		t.Error("a refused --resume changed the journal")
	}
	os.WriteFile(topo, []byte(net), 0o644)
	if r := raftsim(t, nil, "sweep", specPath, "--out", out, "--resume", "--quiet"); r.code != 0 {
		t.Fatalf("resume with the file as it was: exit %d: %s", r.code, r.stderr)
	}
	sameResults(t, "resumed", out, ref)
}

// TestSweepJournalDamage: a journal line changed in the middle (one bit of a digit, which still reads
// as a number) is refused by its checksum with one line naming the file and the line, exit 2, and the
// journal left as it was; a last line cut short, as a kill -9 while it was written leaves it, is
// dropped and its trial run again, and the results are the undisturbed sweep's byte for byte.
func TestSweepJournalDamage(t *testing.T) {
	if testing.Short() {
		t.Skip("two sweeps of a second or two each; experiments/sweep's TestResumeTornJournal and TestResumeRefusesForeignJournal cover the same")
	}
	// testdata/sweep.yaml at 20 of its 30 trials: 40 trials, under two seconds on one worker.
	spec := []string{"testdata/sweep.yaml", "--trials", "20"}
	base := t.TempDir()
	ref := filepath.Join(base, "ref")
	if r := raftsim(t, nil, append(append([]string{"sweep"}, spec...), "--out", ref, "--quiet")...); r.code != 0 {
		t.Fatalf("sweep: exit %d: %s", r.code, r.stderr)
	}
	first := filepath.Join(base, "first")
	journal := interruptSweep(t, first, spec...)

	flipped := filepath.Join(base, "flipped")
	lines := bytes.SplitAfter(journal, []byte("\n"))
	line := lines[3] // line 4, the second trial
	at := bytes.IndexAny(line[len(line)/2:], "0123456789") + len(line)/2
	damaged := bytes.Clone(journal)
	damaged[len(bytes.Join(lines[:3], nil))+at] ^= 1
	os.MkdirAll(flipped, 0o755)
	os.WriteFile(filepath.Join(flipped, "trials.journal"), damaged, 0o644)
	oneLine(t, raftsim(t, nil, append(append([]string{"sweep"}, spec...), "--out", flipped, "--resume")...), filepath.Join(flipped, "trials.journal")+": line 4: its checksum")
	if j, _ := os.ReadFile(filepath.Join(flipped, "trials.journal")); !bytes.Equal(j, damaged) {
		t.Error("a refused --resume changed the journal")
	}

	torn := filepath.Join(base, "torn")
	os.MkdirAll(torn, 0o755)
	os.WriteFile(filepath.Join(torn, "trials.journal"), journal[:len(journal)-10], 0o644)
	r := raftsim(t, nil, append(append([]string{"sweep"}, spec...), "--out", torn, "--resume", "--quiet")...)
	if r.code != 0 {
		t.Fatalf("resume of a torn journal: exit %d: %s", r.code, r.stderr)
	}
	done := bytes.Count(journal, []byte("\n")) - 2
	if want := "resumed " + strconv.Itoa(done-1) + " finished trials"; !strings.Contains(r.stdout, want) {
		t.Errorf("resume says %q, want %q: the torn line's trial runs again", r.stdout, want)
	}
	sameResults(t, "resumed from a torn journal", torn, ref)
}

// fifoAt puts a named pipe where a plot goes. Opening a pipe for writing waits for a reader, and the
// test opens none: a sweep cannot finish drawing, whenever the test stops it once the result files
// are written. (A reader would not do: a plot smaller than the pipe's buffer is written at once and
// the sweep finishes before the test can stop it.)
func fifoAt(t *testing.T, path string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(path, 0o644); err != nil {
		t.Skip("no named pipes here:", err)
	}
}

// TestSweepKilledWhileDrawing: a sweep killed with SIGKILL while it draws its plots is not finished:
// its journal is kept, a sweep without --resume is refused pointing at --resume, and --resume runs no
// trial, writes the same result files, draws the plots and removes the journal. It used to remove the
// journal before drawing, so that --resume said there was nothing to resume and the plots were never
// drawn.
func TestSweepKilledWhileDrawing(t *testing.T) {
	base := t.TempDir()
	ref := filepath.Join(base, "ref")
	if r := raftsim(t, nil, "sweep", "testdata/plotted.yaml", "--out", ref, "--quiet"); r.code != 0 {
		t.Fatalf("sweep: exit %d: %s", r.code, r.stderr)
	}
	out := filepath.Join(base, "out")
	png := filepath.Join(out, "plots", "availability.png")
	fifoAt(t, png)
	cmd, _ := start(t, "sweep", "testdata/plotted.yaml", "--out", out, "--quiet")
	// The manifest is the last result file: once it is there the sweep draws, and waits for the pipe.
	waitFor(t, "manifest", func() bool { _, err := os.Stat(filepath.Join(out, "manifest.json")); return err == nil })
	time.Sleep(100 * time.Millisecond)
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	if _, err := os.Stat(filepath.Join(out, "trials.journal")); err != nil {
		t.Fatalf("a sweep killed while drawing left no journal: %v", err)
	}
	oneLine(t, raftsim(t, nil, "sweep", "testdata/plotted.yaml", "--out", out), "--resume")

	os.Remove(png)
	r := raftsim(t, nil, "sweep", "testdata/plotted.yaml", "--out", out, "--resume", "--quiet")
	if r.code != 0 || !strings.Contains(r.stdout, "resumed 4 finished trials, ran 0") {
		t.Fatalf("resume: exit %d, stdout %q, stderr %q; want every trial resumed and none run", r.code, r.stdout, r.stderr)
	}
	sameResults(t, "resumed after a kill while drawing", out, ref)
	for _, ext := range []string{".png", ".svg", ".pdf"} {
		name := filepath.Join("plots", "availability"+ext)
		if !bytes.Equal(mustRead(t, filepath.Join(out, name)), mustRead(t, filepath.Join(ref, name))) {
			t.Errorf("%s is not the undisturbed sweep's", name)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "trials.journal")); err == nil {
		t.Error("the journal is still there after the plots were drawn")
	}
}

// TestInterruptedWhileDrawing: Ctrl-C while the plots are drawn (here: waiting for the reader of a
// pipe where a plot goes) exits 130 with the command to resume, keeps the journal, and --resume then
// draws. `raftsim plot` interrupted the same way exits 130 and leaves the other plots as they were.
func TestInterruptedWhileDrawing(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	png := filepath.Join(out, "plots", "availability.png")
	fifoAt(t, png)
	cmd, stderr := start(t, "sweep", "testdata/plotted.yaml", "--out", out, "--quiet")
	waitFor(t, "manifest", func() bool { _, err := os.Stat(filepath.Join(out, "manifest.json")); return err == nil })
	time.Sleep(100 * time.Millisecond) // into the drawing, which waits for the pipe's reader
	cmd.Process.Signal(syscall.SIGINT)
	err := cmd.Wait()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 130 || !strings.Contains(stderr.String(), "--resume") || strings.Count(stderr.String(), "\n") != 1 {
		t.Fatalf("interrupted while drawing: %v, stderr %q; want exit 130 and one line saying --resume", err, stderr.String())
	}
	if _, err := os.Stat(filepath.Join(out, "trials.journal")); err != nil {
		t.Fatalf("no journal after an interruption while drawing: %v", err)
	}
	os.Remove(png)
	if r := raftsim(t, nil, "sweep", "testdata/plotted.yaml", "--out", out, "--resume", "--quiet"); r.code != 0 || !strings.Contains(r.stdout, "ran 0") {
		t.Fatalf("resume: exit %d, %q %q", r.code, r.stdout, r.stderr)
	}
	if _, err := os.Stat(png); err != nil {
		t.Fatalf("the resumed sweep did not draw: %v", err)
	}

	os.Remove(png)
	fifoAt(t, png)
	svg := mustRead(t, filepath.Join(out, "plots", "availability.svg"))
	cmd, stderr = start(t, "plot", out)
	time.Sleep(300 * time.Millisecond)
	cmd.Process.Signal(syscall.SIGINT)
	err = cmd.Wait()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 130 || strings.Count(stderr.String(), "\n") != 1 {
		t.Fatalf("plot interrupted: %v, stderr %q; want exit 130 and one line", err, stderr.String())
	}
	if !bytes.Equal(mustRead(t, filepath.Join(out, "plots", "availability.svg")), svg) {
		t.Error("an interrupted plot changed availability.svg")
	}
	if left := temps(filepath.Join(out, "plots")); len(left) != 0 {
		t.Errorf("left %v", left)
	}
}

// refSpec is a small sweep with a plot and a reference: it writes plots/lat.* and comparison.*.
const refSpec = `name: withref
trials: 2
duration: 2s
cluster: {nodes: 3, clients: 1}
axes:
  - {param: election_timeout, values: ["150ms:300ms", "50ms:100ms"]}
plots:
  - name: lat
    rows:
      - - {kind: cdf, measure: latency_p50_ms, series: election_timeout}
reference:
  source: "nobody"
  axis: election_timeout
  measure: latency_p50_ms
  rows:
    - {value: "150ms:300ms", stat: p50, paper: 5, quote: "five"}
`

// TestSweepOutputPathTaken: a directory where a plot file or the comparison goes is refused by sweep
// before any trial runs, and by plot before anything is drawn: one line naming the path, exit 2,
// nothing written.
func TestSweepOutputPathTaken(t *testing.T) {
	base := t.TempDir()
	specPath := filepath.Join(base, "withref.yaml")
	os.WriteFile(specPath, []byte(refSpec), 0o644)
	for _, name := range []string{"plots/lat.png", "plots/lat.pdf", "comparison.md", "comparison.csv"} {
		t.Run(name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			taken := filepath.Join(out, filepath.FromSlash(name))
			os.MkdirAll(filepath.Join(taken, "mine"), 0o755)
			before := listDir(t, out)
			oneLine(t, raftsim(t, nil, "sweep", specPath, "--out", out), taken+" is a directory")
			if after := listDir(t, out); after != before {
				t.Errorf("a refused sweep changed %s:\n%s\nwas:\n%s", out, after, before)
			}
		})
	}
	// plot: the results are there, and a directory has taken a plot's place since.
	out := filepath.Join(base, "done")
	if r := raftsim(t, nil, "sweep", specPath, "--out", out, "--quiet"); r.code != 0 {
		t.Fatalf("sweep: exit %d: %s", r.code, r.stderr)
	}
	svg := filepath.Join(out, "plots", "lat.svg")
	os.Remove(svg)
	os.MkdirAll(filepath.Join(svg, "mine"), 0o755)
	before := listDir(t, out)
	oneLine(t, raftsim(t, nil, "plot", out), svg+" is a directory")
	if after := listDir(t, out); after != before {
		t.Errorf("a refused plot changed %s", out)
	}
}

// TestSweepPlotCannotFill: a plot the results cannot fill (a log axis where every value is 0) is
// found only once the trials have run. The sweep exits 2 with one line that names the panel's field
// and says how to redraw (raftsim plot DIR --spec FILE); the results are kept and final (no journal,
// no --resume asked for), and `raftsim plot DIR --spec fixed.yaml` then draws the plot.
func TestSweepPlotCannotFill(t *testing.T) {
	base := t.TempDir()
	const text = `name: logy
trials: 2
duration: 2s
cluster: {clients: 2}
axes:
  - {param: nodes, values: [3, 5]}
plots:
  - name: failed
    rows:
      - - {kind: lines, x: nodes, measure: ops_failed, log_y: true}
`
	specPath, fixed := filepath.Join(base, "logy.yaml"), filepath.Join(base, "fixed.yaml")
	os.WriteFile(specPath, []byte(text), 0o644)
	os.WriteFile(fixed, []byte(strings.Replace(text, "log_y: true", "log_y: false", 1)), 0o644)
	out := filepath.Join(base, "out")
	r := raftsim(t, nil, "sweep", specPath, "--out", out, "--quiet")
	oneLine(t, r, `plot "failed", plots[0].rows[0][0].log_y: log y axis needs a positive value`)
	if !strings.Contains(r.stderr, "the results are kept") || !strings.Contains(r.stderr, "raftsim plot "+out+" --spec FILE") || strings.Contains(r.stderr, "--resume") {
		t.Errorf("message %q: want the restyle hint and no --resume", r.stderr)
	}
	readResults(t, out) // every result file is there
	if _, err := os.Stat(filepath.Join(out, "trials.journal")); err == nil {
		t.Error("the journal is kept: the results are final, a resume would draw the same plot")
	}
	if r := raftsim(t, nil, "plot", out, "--spec", fixed); r.code != 0 {
		t.Fatalf("plot --spec fixed.yaml: exit %d: %s", r.code, r.stderr)
	}
	if b := mustRead(t, filepath.Join(out, "plots", "failed.png")); !bytes.HasPrefix(b, []byte("\x89PNG")) {
		t.Error("failed.png is not a PNG")
	}
}
