package sweep

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/raftsim/raftsim/cluster"
	"github.com/raftsim/raftsim/experiments"
	"github.com/raftsim/raftsim/experiments/measure"
	"github.com/raftsim/raftsim/experiments/results"
	"github.com/raftsim/raftsim/experiments/spec"
)

// topoSpec is a spec that names a topology file, net.yaml beside it, whose latency changes what every
// trial measures.
const topoSpec = `name: topo
seed: 11
trials: 3
duration: 300ms
cluster: {nodes: 3, clients: 1, topology: net.yaml}
axes:
  - {param: election_timeout, values: ["150ms:300ms", "50ms:100ms"]}
`

const (
	topoFile    = "nodes: 3\nbase: mesh\ndefaults:\n  latency: const:1ms\n"
	topoChanged = "nodes: 3\nbase: mesh\ndefaults:\n  latency: const:4ms\n"
)

// topoPlan writes topoSpec and net.yaml (with topo) into dir and returns the plan of the spec as
// read from there.
func topoPlan(t *testing.T, dir, topo string) *experiments.Plan {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, "spec.yaml"), []byte(topoSpec), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "net.yaml"), []byte(topo), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := spec.Load(filepath.Join(dir, "spec.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	plan, err := s.Plan()
	if err != nil {
		t.Fatal(err)
	}
	return plan
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// TestInputFileChanged: a spec's topology file is part of the sweep's identity. Its SHA-256 is in the
// manifest ("inputs") and in the journal's first line; a resume after the file changed is refused,
// naming the file and leaving the journal as it was; with the file as it was, the sweep resumes and
// its results are an undisturbed sweep's, byte for byte. And a trial runs from the bytes the plan read,
// not from the file: a sweep whose topology file changes under it still gives the results of the file
// it read.
func TestInputFileChanged(t *testing.T) {
	specDir := t.TempDir()
	plan := topoPlan(t, specDir, topoFile)
	sum := sha256Hex(topoFile)
	if len(plan.Inputs) != 1 || plan.Inputs[0].Name != "net.yaml" || plan.Inputs[0].SHA256 != sum {
		t.Fatalf("plan inputs %+v, want net.yaml with sha256 %s", plan.Inputs, sum)
	}
	refDir := t.TempDir()
	if _, err := Run(context.Background(), plan, Options{Out: refDir, Workers: 2, Command: []string{"raftsim", "sweep", "topo"}}); err != nil {
		t.Fatal(err)
	}
	want := readFiles(t, refDir)
	m, err := results.ReadManifest(filepath.Join(refDir, results.ManifestFile))
	if err != nil {
		t.Fatal(err)
	}
	if m.Inputs["net.yaml"] != sum || len(m.Inputs) != 1 {
		t.Errorf("manifest inputs %v, want net.yaml: %s", m.Inputs, sum)
	}
	// The file matters: the same spec over the changed file measures something else.
	otherDir := t.TempDir()
	if _, err := Run(context.Background(), topoPlan(t, t.TempDir(), topoChanged), Options{Out: otherDir, Workers: 2}); err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(readFiles(t, otherDir)[results.TrialsFile], want[results.TrialsFile]) {
		t.Fatal("the latency of the topology file changes nothing: the test cannot tell the files apart")
	}

	dir := t.TempDir()
	interrupted(t, plan, dir, 2)
	jpath := filepath.Join(dir, JournalFile)
	journal, err := os.ReadFile(jpath)
	if err != nil {
		t.Fatal(err)
	}
	if first, _, _ := strings.Cut(string(journal), "\n"); !strings.HasSuffix(first, " input=net.yaml:"+sum) {
		t.Errorf("journal's first line %q does not carry net.yaml's hash", first)
	}

	// The file changed: refused, the file named, nothing touched.
	changed := topoPlan(t, specDir, topoChanged)
	before := listing(t, dir)
	for _, resume := range []bool{true, false} {
		_, err = Run(context.Background(), changed, Options{Out: dir, Workers: 2, Resume: resume})
		if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "net.yaml has changed") || strings.Contains(err.Error(), "\n") {
			t.Errorf("resume %v after net.yaml changed: err = %v, want a one-line refusal naming net.yaml", resume, err)
		}
		sameListing(t, "refused", listing(t, dir), before)
	}

	// The plan read before the change still runs the file it read.
	res, err := Run(context.Background(), plan, Options{Out: dir, Workers: 2, Resume: true, Command: []string{"raftsim", "sweep", "topo"}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Resumed != 2 || res.Ran != len(plan.Points)*plan.Trials-2 {
		t.Errorf("resumed %d, ran %d", res.Resumed, res.Ran)
	}
	sameFiles(t, "resumed while the file was changed on disk", readFiles(t, dir), want)

	// The file as it was: the sweep resumes, and gives the undisturbed results.
	dir = t.TempDir()
	interrupted(t, plan, dir, 3)
	again := topoPlan(t, specDir, topoFile)
	if res, err := Run(context.Background(), again, Options{Out: dir, Workers: 2, Resume: true, Command: []string{"raftsim", "sweep", "topo"}}); err != nil || res.Resumed != 3 {
		t.Fatalf("resume with the file as it was: %+v, %v", res, err)
	}
	sameFiles(t, "resumed with the file as it was", readFiles(t, dir), want)
}

// failingWriter passes the first n bytes on and fails every write after them with err, as a disk
// that fills up does: the write that crosses the limit is cut short.
type failingWriter struct {
	w   io.Writer
	n   int64
	err error
}

// countingWriter counts the bytes written through it.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

func (f *failingWriter) Write(p []byte) (int, error) {
	if int64(len(p)) <= f.n {
		f.n -= int64(len(p))
		return f.w.Write(p)
	}
	n, _ := f.w.Write(p[:f.n])
	f.n = 0
	return n, f.err
}

// TestDiskFull: a full disk while the journal is written stops the sweep with a *StoppedError that
// wraps the write's error, says how many trials are kept and how to finish (--resume), and keeps the
// journal, its last line perhaps cut short; no result file is written. Resumed once there is room,
// the sweep runs only the trials that were not kept and gives the undisturbed results, byte for byte.
// A disk full before the journal's first lines are down leaves no journal.
func TestDiskFull(t *testing.T) {
	plan := testPlan(3)
	want := reference(t, plan)
	total := len(plan.Points) * plan.Trials
	id := journalID{sha: results.SpecSHA256(plan), seed: plan.Seed, trials: plan.Trials, inputs: results.Inputs(plan)}
	header := int64(len(id.line()) + len(csvLine(journalCols(measure.Names))))
	// The journal's size when nothing fails, measured, so that the rooms below fall where they are
	// meant to however long a line is (it grows with every measure added).
	var size countingWriter
	if _, err := Run(context.Background(), plan, Options{Out: t.TempDir(), Workers: 1,
		journalWriter: func(w io.Writer) io.Writer { size.w = w; return &size }}); err != nil {
		t.Fatal(err)
	}
	body := size.n - header
	// Room for the header and part of a trial's line, or for a few lines and part of the next.
	for _, extra := range []int64{50, body * 3 / 10, body * 6 / 10} {
		room := header + extra
		t.Run(fmt.Sprint(extra), func(t *testing.T) {
			dir := t.TempDir()
			o := Options{Out: dir, Workers: 1, Command: []string{"raftsim", "sweep", "tiny"},
				journalWriter: func(w io.Writer) io.Writer { return &failingWriter{w: w, n: room, err: syscall.ENOSPC} }}
			// One trial at a time and a sync after each, so that the disk fills after a few.
			var runs atomic.Int64
			o.run = func(ctx context.Context, cfg cluster.Config) ([]float64, error) {
				runs.Add(1)
				return runCluster(ctx, cfg)
			}
			_, err := Run(context.Background(), plan, o)
			var se *StoppedError
			if !errors.As(err, &se) || !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("err = %v, want a *StoppedError wrapping ENOSPC", err)
			}
			if msg := err.Error(); !strings.Contains(msg, "--resume") || !strings.Contains(msg, fmt.Sprintf("%d of %d trials done are kept", se.Done, total)) || strings.Contains(msg, "\n") {
				t.Errorf("message %q: want one line with the trials kept and --resume", msg)
			}
			if se.Done < 0 || se.Done >= total || extra > 50 && se.Done < 1 || se.Journal != filepath.Join(dir, JournalFile) {
				t.Errorf("stopped with %d of %d done, journal %s", se.Done, total, se.Journal)
			}
			for _, name := range finalFiles {
				if exists(filepath.Join(dir, name)) {
					t.Errorf("%s written by a sweep stopped by a full disk", name)
				}
			}
			// Room again.
			o.journalWriter = nil
			o.Resume = true
			runs.Store(0)
			res, err := Run(context.Background(), plan, o)
			if err != nil {
				t.Fatal(err)
			}
			if res.Resumed < se.Done || int(runs.Load()) != total-res.Resumed {
				t.Errorf("resume: %+v, %d runs; want the %d trials kept resumed and only the others run", res, runs.Load(), se.Done)
			}
			sameFiles(t, "resumed after a full disk", readFiles(t, dir), want)
			if exists(filepath.Join(dir, JournalFile)) {
				t.Error("the journal is still there")
			}
		})
	}
	t.Run("no room for the header", func(t *testing.T) {
		dir := t.TempDir()
		o := Options{Out: dir, Workers: 1,
			journalWriter: func(w io.Writer) io.Writer { return &failingWriter{w: w, n: 10, err: syscall.ENOSPC} }}
		if _, err := Run(context.Background(), plan, o); !errors.Is(err, syscall.ENOSPC) {
			t.Fatalf("err = %v, want ENOSPC", err)
		}
		if exists(filepath.Join(dir, JournalFile)) {
			t.Error("a journal without its header was left")
		}
	})
}

// TestFinishFails: an error of Options.Finish (the CLI draws its plots there: a full disk, a kill)
// leaves the sweep unfinished: a *StoppedError, the result files written, the journal kept. Resume
// then runs no trial, writes the same result files, calls Finish again and removes the journal; it
// does not say there is nothing to resume. An error Finish wraps with Final is returned as it is and
// the journal removed: the results are final.
func TestFinishFails(t *testing.T) {
	plan := testPlan(2)
	want := reference(t, plan)
	dir := t.TempDir()
	drawErr := fmt.Errorf("figures: plot \"x\": %w", syscall.ENOSPC)
	calls := 0
	o := Options{Out: dir, Workers: 2, Command: []string{"raftsim", "sweep", "tiny"},
		Finish: func(Result) error { calls++; return drawErr }}
	_, err := Run(context.Background(), plan, o)
	var se *StoppedError
	if !errors.As(err, &se) || !errors.Is(err, syscall.ENOSPC) || !strings.Contains(err.Error(), "--resume") || se.Done != se.Total {
		t.Fatalf("err = %v, want a *StoppedError with every trial done, saying --resume", err)
	}
	if !exists(filepath.Join(dir, JournalFile)) || calls != 1 {
		t.Fatalf("journal kept: %v, Finish called %d times", exists(filepath.Join(dir, JournalFile)), calls)
	}
	sameFiles(t, "after Finish failed", readFiles(t, dir), want)

	// Without Resume: refused as an unfinished sweep, pointing at --resume.
	if _, err := Run(context.Background(), plan, Options{Out: dir, Workers: 2}); !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "--resume") {
		t.Errorf("run without resume: %v", err)
	}

	o.Resume = true
	o.Finish = func(Result) error { calls++; return nil }
	o.run = func(context.Context, cluster.Config) ([]float64, error) {
		t.Error("a trial ran again")
		return nil, errors.New("no")
	}
	res, err := Run(context.Background(), plan, o)
	if err != nil {
		t.Fatalf("resume: %v", err)
	}
	if res.Ran != 0 || res.Resumed != res.Trials || calls != 2 {
		t.Errorf("resume: %+v, Finish called %d times", res, calls)
	}
	sameFiles(t, "resumed after Finish failed", readFiles(t, dir), want)
	if exists(filepath.Join(dir, JournalFile)) {
		t.Error("the journal is still there after Finish succeeded")
	}

	t.Run("final", func(t *testing.T) {
		dir := t.TempDir()
		bad := errors.New("figures: plot \"x\": nothing to draw")
		_, err := Run(context.Background(), plan, Options{Out: dir, Workers: 2, Command: []string{"raftsim", "sweep", "tiny"},
			Finish: func(Result) error { return Final(bad) }})
		if err != bad {
			t.Fatalf("err = %v, want Finish's error as it is", err)
		}
		if exists(filepath.Join(dir, JournalFile)) {
			t.Error("the journal is kept after a Final error")
		}
		sameFiles(t, "after a Final error", readFiles(t, dir), want)
	})
}

// doneAfter is a context that is live for its first n looks (calls of Err) and cancelled from then on:
// a Ctrl-C that arrives part-way through, at a point the test chooses, without a clock.
type doneAfter struct {
	context.Context
	n     int64
	looks atomic.Int64
}

func (c *doneAfter) Err() error {
	if c.looks.Add(1) > c.n {
		return context.Canceled
	}
	return nil
}

// TestOpenJournalStops: reading a long journal looks at the context every checkEvery lines: cancelled
// part-way, openJournal returns an error wrapping the cause, says nothing was changed, and leaves the
// journal as it was. Live, it reads every trial.
func TestOpenJournalStops(t *testing.T) {
	plan := testPlan(10000) // 40,000 trials
	id := journalID{sha: results.SpecSHA256(plan), seed: plan.Seed, trials: plan.Trials, inputs: results.Inputs(plan)}
	cols := journalCols(measure.Names)
	jpath := filepath.Join(t.TempDir(), JournalFile)
	j, err := createJournal(jpath, id, cols, nil)
	if err != nil {
		t.Fatal(err)
	}
	vals := make([]float64, len(measure.Names))
	for p := range plan.Points {
		for k := range plan.Trials {
			tr := results.Trial{Point: p, Trial: k, Seed: experiments.TrialSeed(plan.Seed, &plan.Points[p], k), Values: vals}
			if err := j.add(plan.Points[p].Key(), &tr); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := j.sync(); err != nil {
		t.Fatal(err)
	}
	j.close()
	before, _ := os.ReadFile(jpath)

	for _, n := range []int64{0, 1, 20, 38} { // 40,000 lines: 40 looks
		_, _, err := openJournal(&doneAfter{Context: context.Background(), n: n}, jpath, plan, id, cols, nil, nil)
		if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "nothing was changed") {
			t.Errorf("cancelled after look %d: err = %v, want one wrapping context.Canceled", n, err)
		}
		if after, _ := os.ReadFile(jpath); !bytes.Equal(after, before) {
			t.Fatal("an interrupted read changed the journal")
		}
	}
	j, done, err := openJournal(context.Background(), jpath, plan, id, cols, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	j.close()
	if len(done) != len(plan.Points)*plan.Trials {
		t.Errorf("read %d trials, want %d", len(done), len(plan.Points)*plan.Trials)
	}

	// Through Run, Ctrl-C while the journal is read is an interruption (exit 130 in the CLI), not a
	// damaged journal.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Run(ctx, plan, Options{Out: filepath.Dir(jpath), Workers: 1, Resume: true}); !errors.Is(err, context.Canceled) || errors.Is(err, ErrRefused) {
		t.Errorf("Run with a cancelled context: err = %v, want an interruption", err)
	}
	if after, _ := os.ReadFile(jpath); !bytes.Equal(after, before) {
		t.Error("an interrupted resume changed the journal")
	}
}

// TestJournalIDRoundTrip: the journal's first line reads back as the identity it was written from,
// whatever the names of the input files hold (spaces, '=', '%', ':', bytes outside ASCII): Run
// compares the identity it reads with the plan's before it resumes, and a name read back wrongly
// would refuse the journal of the very same sweep.
func TestJournalIDRoundTrip(t *testing.T) {
	for _, inputs := range []map[string]string{
		nil,
		{"net.yaml": strings.Repeat("ab", 32)},
		{"my net.yaml": "01", "a=b%20c:d.yaml": "02", "réseau/ü.json": "03", "/abs/t\tab.yml": "04"},
	} {
		id := journalID{sha: strings.Repeat("cd", 32), seed: 1<<64 - 1, trials: 1000, inputs: inputs}
		line := strings.TrimSuffix(id.line(), "\n")
		got, version, ok := parseJournalID(line)
		if !ok || version != journalVersion || !got.equal(id) {
			t.Errorf("%q read back as %+v (version %q, ok %v), want %+v", line, got, version, ok, id)
		}
		if strings.Count(line, " ") != 7+len(inputs) {
			t.Errorf("%q: a name's space was not escaped", line)
		}
	}
}
