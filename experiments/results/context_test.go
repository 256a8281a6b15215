package results

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/raftsim/raftsim/experiments"
)

// doneAfter is a context that is live for its first n looks (calls of Err) and cancelled from then on:
// it stands for a Ctrl-C that arrives while a reader or writer is part-way through, at a point the
// test chooses, without a clock.
type doneAfter struct {
	context.Context
	n     int64
	looks atomic.Int64
}

func newDoneAfter(n int64) *doneAfter { return &doneAfter{Context: context.Background(), n: n} }

func (c *doneAfter) Err() error {
	if c.looks.Add(1) > c.n {
		return context.Canceled
	}
	return nil
}

func (c *doneAfter) Done() <-chan struct{} {
	if c.looks.Load() >= c.n {
		ch := make(chan struct{})
		close(ch)
		return ch
	}
	return nil
}

// bigPlan is testPlan with trials per point, and trials for it whose values follow their index.
func bigPlan(trials int) (*experiments.Plan, []Trial) {
	plan := testPlan()
	plan.Trials = trials
	var ts []Trial
	for p := range plan.Points {
		for k := range trials {
			v := float64(k)
			ts = append(ts, Trial{Point: p, Trial: k, Seed: experiments.TrialSeed(plan.Seed, &plan.Points[p], k), Values: []float64{v, v / 3, v * 7}})
		}
	}
	return plan, ts
}

type writer func(context.Context, string, *experiments.Plan, []string, []Trial) error

var writers = []struct {
	name  string
	write writer
}{{TrialsFile, WriteTrials}, {SummaryFile, WriteSummary}, {SummaryLongFile, WriteSummaryLong}}

// TestWritersStopOnCancel: a writer whose context is done returns an error wrapping the context's
// cause and leaves its file as it was: a new file is not created, an old one is not replaced, no
// temporary file is left. Ctrl-C while the results are written must not leave half a trials.csv.
func TestWritersStopOnCancel(t *testing.T) {
	plan, ts := bigPlan(3000) // 9,000 rows: several checks of the context apart
	for _, w := range writers {
		for _, tc := range []struct {
			name string
			ctx  func() context.Context
		}{
			{"cancelled before", func() context.Context {
				ctx, cancel := context.WithCancel(context.Background())
				cancel()
				return ctx
			}},
			// Live for the first looks, so that the writer is under way when the cancel comes.
			{"cancelled part-way", func() context.Context { return newDoneAfter(3) }},
		} {
			t.Run(w.name+"/"+tc.name, func(t *testing.T) {
				dir := t.TempDir()
				fresh, old := filepath.Join(dir, "fresh.csv"), filepath.Join(dir, "old.csv")
				if err := os.WriteFile(old, []byte("the previous results\n"), 0o644); err != nil {
					t.Fatal(err)
				}
				for _, path := range []string{fresh, old} {
					err := w.write(tc.ctx(), path, plan, testMeasures, ts)
					if !errors.Is(err, context.Canceled) {
						t.Fatalf("%s: err = %v, want one wrapping context.Canceled", filepath.Base(path), err)
					}
				}
				if _, err := os.Stat(fresh); !os.IsNotExist(err) {
					t.Errorf("an interrupted writer created its file (%v)", err)
				}
				if b, _ := os.ReadFile(old); string(b) != "the previous results\n" {
					t.Errorf("an interrupted writer replaced the old file with %d bytes", len(b))
				}
				if ents, _ := os.ReadDir(dir); len(ents) != 1 {
					t.Errorf("left behind: %v", ents)
				}
			})
		}
	}
}

// TestWriteCSVStopsPromptly: once the context is done, writeCSV asks for at most checkEvery more rows,
// however many are left: a sweep of a million trials stops writing within a millisecond of Ctrl-C.
func TestWriteCSVStopsPromptly(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	const cancelAt, rows = 5000, 1_000_000
	n := 0
	rec := []string{"1", "2"}
	path := filepath.Join(t.TempDir(), "big.csv")
	err := writeCSV(ctx, path, []string{"a", "b"}, func() []string {
		if n++; n == cancelAt {
			cancel()
		}
		if n > rows {
			return nil
		}
		return rec
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want one wrapping context.Canceled", err)
	}
	if after := n - cancelAt; after > checkEvery {
		t.Errorf("%d rows asked for after the cancel, want at most %d", after, checkEvery)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("the interrupted file was written (%v)", err)
	}
}

// TestReadersStopOnCancel: LoadTrials and Check, given a context that is cancelled while they read,
// return an error wrapping its cause (not a verdict on the files), and change nothing.
func TestReadersStopOnCancel(t *testing.T) {
	plan, ts := bigPlan(3000)
	dir := t.TempDir()
	for _, w := range writers {
		if err := w.write(context.Background(), filepath.Join(dir, w.name), plan, testMeasures, ts); err != nil {
			t.Fatal(err)
		}
	}
	if err := WriteManifest(filepath.Join(dir, ManifestFile), NewManifest(plan, nil)); err != nil {
		t.Fatal(err)
	}
	m, err := ReadManifest(filepath.Join(dir, ManifestFile))
	if err != nil {
		t.Fatal(err)
	}
	// The directory is good: an undisturbed check passes.
	if err := Check(context.Background(), dir, m, plan, testMeasures); err != nil {
		t.Fatal(err)
	}
	before := snapshotDir(t, dir)
	// LoadTrials looks at its context every checkEvery rows (9,000 rows: 9 looks); Check also before
	// every measure's statistics (3 points × 3 measures) and at the start of each summary: the look
	// after the n-th finds it cancelled. Every n here falls inside the reading: if the readers looked
	// only at the start, the reading would go on to the end and succeed.
	for _, n := range []int64{0, 3, 8} {
		_, err := LoadTrials(newDoneAfter(n), filepath.Join(dir, TrialsFile), plan, testMeasures)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("LoadTrials, cancelled after look %d: err = %v, want one wrapping context.Canceled", n, err)
		}
	}
	for _, n := range []int64{0, 8, 12, 19} {
		if err := Check(newDoneAfter(n), dir, m, plan, testMeasures); !errors.Is(err, context.Canceled) {
			t.Errorf("Check, cancelled after look %d: err = %v, want one wrapping context.Canceled", n, err)
		}
	}
	if got := snapshotDir(t, dir); !equalSnapshots(got, before) {
		t.Error("an interrupted check changed the directory")
	}
}

func snapshotDir(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = b
	}
	return out
}

func equalSnapshots(a, b map[string][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if !bytes.Equal(v, b[k]) {
			return false
		}
	}
	return true
}
