package sweep

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/raftsim/raftsim/cluster"
	"github.com/raftsim/raftsim/experiments"
	"github.com/raftsim/raftsim/experiments/measure"
	"github.com/raftsim/raftsim/internal/readfile"
)

// TestInterruptMidTrial: cancelling the context stops a running trial, however long, within moments;
// the trial is not journaled (it did not finish) and not a failure (the journal is kept for resume).
// Trials used to run to their end first: a trial of 100,000 simulated hours held up Ctrl-C for hours.
func TestInterruptMidTrial(t *testing.T) {
	plan := testPlan(2)
	for i := range plan.Points {
		plan.Points[i].Config.Duration = 100000 * time.Hour
	}
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	time.AfterFunc(300*time.Millisecond, cancel)
	start := time.Now()
	_, err := Run(ctx, plan, Options{Out: dir, Workers: 2})
	var ie *InterruptedError
	if !errors.As(err, &ie) || !errors.Is(err, context.Canceled) || ie.Done != 0 {
		t.Fatalf("err = %v, want an interruption with nothing done", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Fatalf("the sweep stopped %v after it started, long after the cancel at 300ms", d)
	}
	if _, err := os.Stat(filepath.Join(dir, JournalFile)); err != nil {
		t.Fatalf("the journal is gone: %v", err)
	}
}

// TestSweepCostFollowsWork: a sweep of a million trials that is stopped after a few allocates for the
// trials it ran, not for the million it might have: no per-trial table is built up front.
func TestSweepCostFollowsWork(t *testing.T) {
	plan := testPlan(experiments.MaxTrials / 4)
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var runs atomic.Int64
	run := func(context.Context, cluster.Config) ([]float64, error) {
		if runs.Add(1) == 100 {
			cancel()
		}
		return make([]float64, len(measure.Names)), nil
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := Run(ctx, plan, Options{Out: dir, Workers: 1, run: run})
	runtime.ReadMemStats(&after)
	var ie *InterruptedError
	if !errors.As(err, &ie) {
		t.Fatalf("err = %v", err)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 4<<20 {
		t.Fatalf("a sweep stopped after %d of %d trials allocated %d MB", ie.Done, ie.Total, alloc>>20)
	}
}

// TestTooManyTrials: a plan of more than experiments.MaxTrials trials is refused before anything is
// written.
func TestTooManyTrials(t *testing.T) {
	plan := testPlan(experiments.MaxTrials/4 + 1)
	dir := filepath.Join(t.TempDir(), "out")
	_, err := Run(context.Background(), plan, Options{Out: dir})
	if err == nil || !strings.Contains(err.Error(), "4 points × 250001 trials: more than the 1000000 trials a sweep may run") {
		t.Fatalf("err = %v", err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the refused sweep created %s", dir)
	}
}

// TestJournalNotAFile: a journal that is not a regular file (a named pipe in its place) is refused at
// once, not waited on.
func TestJournalNotAFile(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(dir, JournalFile), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Run(context.Background(), testPlan(1), Options{Out: dir, Resume: true})
	if !errors.Is(err, readfile.ErrNotRegular) {
		t.Fatalf("err = %v", err)
	}
}
