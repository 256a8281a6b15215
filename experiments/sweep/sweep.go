package sweep

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/raftsim/raftsim/cluster"
	"github.com/raftsim/raftsim/experiments"
	"github.com/raftsim/raftsim/experiments/measure"
	"github.com/raftsim/raftsim/experiments/results"
	"github.com/raftsim/raftsim/internal/atomicfile"
	"github.com/raftsim/raftsim/safety"
	"github.com/raftsim/raftsim/topology"
)

// Progress hears how far a sweep has come, to draw a progress bar. Its methods are called from the
// goroutine that called Run, never at once; nothing they do reaches the results.
type Progress interface {
	// Update says that trialsDone of trials are done (those resumed from the journal included) and
	// pointsDone of points have every trial done. Run calls it once at the start, after each batch of
	// finished trials, and about once a second in between, so that a rate and an ETA stay current.
	Update(trialsDone, trials, pointsDone, points int)
	// Close says the sweep is over; what was drawn should be cleared.
	Close()
}

// progressEvery is how often Run calls Progress.Update while no trial finishes.
const progressEvery = time.Second

// Options say where and how to run a sweep.
type Options struct {
	Out      string   // results directory (created if missing)
	Workers  int      // trials in parallel; 0 = runtime.NumCPU()
	Resume   bool     // finish a sweep that was interrupted, without redoing finished trials
	Force    bool     // replace whatever results Out holds (see Run); not with Resume
	Progress Progress // told how far the sweep has come; nil = nobody
	Command  []string // recorded in the manifest

	// Derived lists the files, relative to Out, that the caller made from the results old describes
	// (plots, a comparison; old is nil when Out holds no readable manifest). Force removes them with
	// the result files. nil: none.
	Derived func(old *results.Manifest) []string
	// Shard, when set, runs only the trials Assign gives shard Shard.Index of Shard.Count, into a shard
	// directory (shard.go): its journal, kept, and ShardFile once every trial of the shard is done.
	// With Resume, a directory that does not exist or holds nothing of raftsim's starts the shard
	// afresh, so that one command serves a batch task's first run and its requeue.
	Shard Shard
	// Finish, if set, is called once the result files are written, with Out still locked, so that what
	// the caller draws from them is written under the same lock. The sweep is finished (its journal
	// removed) only once Finish returns nil: a sweep killed or stopped while Finish runs is resumed, the
	// result files written again from the journal, byte for byte, and Finish called again. An error
	// Finish wraps with Final says the result files are final all the same (what Finish makes of them
	// cannot be made, and a resume would not change that): the journal is removed and the error
	// returned. Once the context is done, Finish should stop soon and return an error.
	Finish func(Result) error
	// Begin, if set, is called once Out is taken (locked, and accepted as it is) and before the first
	// trial, with Points, Trials, Resumed and Replaces set: the place to say what the sweep will do,
	// which a refused one never reaches.
	Begin func(Result)

	// run replaces the cluster run of a trial in tests; nil means runCluster.
	run func(context.Context, cluster.Config) ([]float64, error)
	// journalWriter, if set, wraps the writer of the journal file, for tests to fail its writes.
	journalWriter func(io.Writer) io.Writer
}

// Result is what a completed sweep did and wrote.
type Result struct {
	Dir     string
	Points  int
	Trials  int // in all: points × trials per point
	Ran     int // trials run by this call
	Resumed int // trials taken from the journal of an interrupted sweep
	// Replaces says Out held this sweep's finished results, which the sweep runs again and replaces
	// (with the same files: same spec, seed and trial count); with Force, what it held, whatever it was.
	Replaces bool
	// The files written, in the order they were written.
	TrialsPath, SummaryPath, SummaryLongPath, ManifestPath string
}

// ErrRefused marks a results directory that Run will not take as it is: one that holds an unfinished
// sweep when Resume is off, the results of another spec, seed or trial count, a journal or manifest it
// cannot read, nothing to resume when Resume is on, one that is not a directory or cannot be written,
// and one that another process holds. It is the caller's decision or bad input, not a failure of the
// sweep; nothing was written, and the message says what to do.
var ErrRefused = errors.New("sweep")

// ErrJournal is ErrRefused under its former name.
var ErrJournal = ErrRefused

// InterruptedError is returned by Run when its context was cancelled before every trial was done. The
// finished trials are in the journal; Run with Resume finishes the sweep.
type InterruptedError struct {
	Journal     string // path of the journal
	Done, Total int    // trials
	Cause       error  // the context's error
}

func (e *InterruptedError) Error() string {
	if e.Done == e.Total {
		return fmt.Sprintf("sweep: interrupted with all %d trials done (kept in %s), while writing the results or drawing from them; run again with --resume to finish",
			e.Total, e.Journal)
	}
	return fmt.Sprintf("sweep: interrupted with %d of %d trials done (kept in %s); run again with --resume to finish",
		e.Done, e.Total, e.Journal)
}

func (e *InterruptedError) Unwrap() error { return e.Cause }

// StoppedError is returned by Run when an error that is not a trial's stopped the sweep once its
// journal was started: writing the journal, the result files or what Options.Finish writes failed (a
// full disk, say). The trials done are in the journal; once the cause is fixed, Run with Resume
// finishes the sweep without running them again.
type StoppedError struct {
	Journal     string // path of the journal
	Done, Total int    // trials
	Err         error
}

func (e *StoppedError) Error() string {
	return fmt.Sprintf("%v; the %d of %d trials done are kept in %s: once that is fixed, run again with --resume to finish",
		e.Err, e.Done, e.Total, e.Journal)
}

func (e *StoppedError) Unwrap() error { return e.Err }

// Final wraps an error of Options.Finish that leaves the result files final: Run then removes the
// journal as for a finished sweep, and returns err. (Without it, an error of Finish keeps the journal,
// so that Resume can finish what Finish could not.)
func Final(err error) error {
	if err == nil {
		return nil
	}
	return &finalError{err}
}

type finalError struct{ err error }

func (e *finalError) Error() string { return e.err.Error() }
func (e *finalError) Unwrap() error { return e.err }

// Run runs every trial of plan and writes the results directory o.Out: trials.csv, summary.csv,
// summary_long.csv and manifest.json. Nothing is created when plan or o is invalid, or when the directory is refused (an
// error wrapping ErrRefused).
//
// The directory is locked (results.Lock) from before Run looks at what it holds until Run returns, so
// that two sweeps never write one directory: the second is refused. Under the lock Run removes the
// temporary files of writers that were killed (atomicfile.Clean), then takes the directory if it is
// new, holds nothing of raftsim's, or holds results or an unfinished sweep of the same spec, seed and
// trial count (the spec's SHA-256 says so): with Resume it must hold an unfinished sweep, which Run
// finishes; without, an unfinished sweep is refused and finished results are replaced. Anything else
// is refused, saying what differs, unless Force: Run then removes raftsim's own files first
// (results.Files, the journal and what o.Derived names) and starts over. Other files are never
// touched.
func Run(ctx context.Context, plan *experiments.Plan, o Options) (Result, error) {
	if err := check(plan, &o); err != nil {
		return Result{}, err
	}
	id := journalID{sha: results.SpecSHA256(plan), seed: plan.Seed, trials: plan.Trials, inputs: results.Inputs(plan), shard: o.Shard}
	var assign *Assignment
	var mine func(point, trial int) bool
	if o.Shard.Sharded() {
		assign = Assign(plan, o.Shard.Count)
		mine = func(point, trial int) bool { return assign.Of(point, trial) == o.Shard.Index }
	}
	lock, st, replaces, err := take(plan, id, &o)
	if err != nil {
		return Result{}, err
	}
	defer lock.Unlock()

	jpath := filepath.Join(o.Out, JournalFile)
	cols := journalCols(measure.Names)
	var j *journal
	var done []results.Trial
	if st.journal {
		j, done, err = openJournal(ctx, jpath, plan, id, cols, mine, o.journalWriter)
	} else {
		j, err = createJournal(jpath, id, cols, o.journalWriter)
	}
	if err != nil {
		return Result{}, err
	}

	// Nothing here is allocated per trial of the plan, only per trial done: the trials still to run are
	// enumerated as they are handed out.
	r := &runner{plan: plan, o: o, j: j, trials: done, order: results.PointOrder(plan),
		finished: make([]int, len(plan.Points)), total: len(plan.Points) * plan.Trials,
		done: make(map[job]bool, len(done)), mine: mine}
	if assign != nil {
		r.total = assign.Sizes[o.Shard.Index-1]
		r.want = make([]int, len(plan.Points))
		for p := range plan.Points {
			for k := range plan.Trials {
				if mine(p, k) {
					r.want[p]++
				}
			}
		}
	}
	res := Result{Dir: o.Out, Points: len(plan.Points), Trials: r.total, Resumed: len(done), Replaces: replaces}
	for _, t := range done {
		r.done[job{point: t.Point, trial: t.Trial}] = true
		r.finished[t.Point]++
	}
	if o.Begin != nil {
		o.Begin(res)
	}
	r.rank = make([]int, len(plan.Points))
	for i, p := range r.order {
		r.rank[p] = i
	}

	r.run(ctx)
	res.Ran = len(r.trials) - res.Resumed

	switch {
	case r.failure != nil:
		// The failed trial would fail again on resume (same seed): the journal cannot lead anywhere.
		j.close()
		os.Remove(jpath)
		atomicfile.SyncDir(o.Out)
		return res, r.failure.err
	case r.ioErr != nil:
		j.close()
		return res, r.stopped(ctx, jpath, r.ioErr)
	case len(r.trials) < r.total:
		j.close()
		return res, &InterruptedError{Journal: jpath, Done: len(r.trials), Total: r.total, Cause: context.Cause(ctx)}
	}
	if err := j.close(); err != nil {
		return res, r.stopped(ctx, jpath, err)
	}
	if assign != nil {
		// A shard keeps its journal: it is the shard's result, which merge reads. shard.json, written
		// last, says the shard is complete.
		if err := writeShardManifest(ctx, plan, &o, assign); err != nil {
			return res, r.stopped(ctx, jpath, err)
		}
		return res, nil
	}
	// The journal goes last, once everything the sweep makes is written: until then a kill, Ctrl-C or a
	// full disk leaves it, and Resume writes the same files again from it without running a trial.
	res.TrialsPath = filepath.Join(o.Out, results.TrialsFile)
	res.SummaryPath = filepath.Join(o.Out, results.SummaryFile)
	res.SummaryLongPath = filepath.Join(o.Out, results.SummaryLongFile)
	res.ManifestPath = filepath.Join(o.Out, results.ManifestFile)
	if err := writeResults(ctx, plan, &o, &res, r.trials, results.NewManifest(plan, o.Command)); err != nil {
		return res, r.stopped(ctx, jpath, err)
	}
	var final error
	if o.Finish != nil {
		if err := o.Finish(res); err != nil {
			var fe *finalError
			if !errors.As(err, &fe) {
				return res, r.stopped(ctx, jpath, err)
			}
			final = fe.err
		}
	}
	if err := os.Remove(jpath); err != nil {
		return res, fmt.Errorf("sweep: %w", err)
	}
	if err := atomicfile.SyncDir(o.Out); err != nil {
		return res, err
	}
	return res, final
}

// take inspects, refuses or accepts, and locks the results directory o.Out for a sweep (or a merge) of
// plan whose journal would be id; with Force it removes raftsim's own files first. On success the
// caller holds the lock.
func take(plan *experiments.Plan, id journalID, o *Options) (*results.DirLock, dirState, bool, error) {
	// Whatever can be refused is refused before the directory is touched...
	st, err := inspect(o.Out)
	if err == nil {
		err = st.refuse(plan, id, o)
	}
	if err != nil {
		// ...but a directory another sweep is writing is refused for that: what it holds is in flux.
		if busy := results.Held(o.Out); st.exists && busy != nil {
			return nil, st, false, busyError(busy)
		}
		return nil, st, false, err
	}
	if !st.exists {
		if err := os.MkdirAll(o.Out, 0o755); err != nil {
			return nil, st, false, fmt.Errorf("%w: cannot create %s: %w: choose another --out", ErrRefused, o.Out, err)
		}
		// Best effort: the new directory's own entry survives a crash with its parent synced.
		atomicfile.SyncDir(filepath.Dir(filepath.Clean(o.Out)))
	}
	lock, err := results.Lock(o.Out)
	var busy *results.LockedError
	if errors.As(err, &busy) {
		return nil, st, false, busyError(err)
	} else if err != nil {
		return nil, st, false, fmt.Errorf("%w: cannot write in %s: %w: choose another --out", ErrRefused, o.Out, err)
	}
	// Best effort: a temporary file left behind is litter, not a reason to stop.
	atomicfile.Clean(o.Out)
	// ...and decided again under the lock, which makes the answer final.
	if st, err = inspect(o.Out); err == nil {
		err = st.refuse(plan, id, o)
	}
	if err != nil {
		lock.Unlock()
		return nil, st, false, err
	}
	replaces := st.manifest != nil && !st.journal || o.Force && (st.manifest != nil || st.journal)
	if o.Force {
		if err := st.clear(o); err != nil {
			lock.Unlock()
			return nil, st, false, err
		}
		st.journal = false
	}
	return lock, st, replaces, nil
}

// writeResults writes the result files of a finished sweep; the manifest last, so that a directory
// with a manifest has the files it describes.
func writeResults(ctx context.Context, plan *experiments.Plan, o *Options, res *Result, trials []results.Trial, m *results.Manifest) error {
	if err := results.WriteTrials(ctx, res.TrialsPath, plan, measure.Names, trials); err != nil {
		return err
	}
	if err := results.WriteSummary(ctx, res.SummaryPath, plan, measure.Names, trials); err != nil {
		return err
	}
	if err := results.WriteSummaryLong(ctx, res.SummaryLongPath, plan, measure.Names, trials); err != nil {
		return err
	}
	if err := results.WriteManifest(res.ManifestPath, m); err != nil {
		return err
	}
	return atomicfile.SyncDir(o.Out)
}

// stopped is Run's error when err stopped the sweep with its journal kept: an interruption if ctx is
// done, else a *StoppedError.
func (r *runner) stopped(ctx context.Context, journal string, err error) error {
	if ctx.Err() != nil {
		return &InterruptedError{Journal: journal, Done: len(r.trials), Total: r.total, Cause: context.Cause(ctx)}
	}
	return &StoppedError{Journal: journal, Done: len(r.trials), Total: r.total, Err: err}
}

// busyError is Run's error for a directory another process holds.
func busyError(err error) error {
	return fmt.Errorf("%w: %w: wait for it to finish, or choose another --out", ErrRefused, err)
}

// check validates plan and o without touching the file system, and fills in o's defaults.
func check(plan *experiments.Plan, o *Options) error {
	switch {
	case plan == nil:
		return errors.New("sweep: no plan")
	case o.Out == "":
		return errors.New("sweep: no output directory")
	case o.Force && o.Resume:
		return errors.New("sweep: Force and Resume exclude each other: resume a sweep, or replace it")
	case o.Shard.Sharded() && o.Shard.Validate() != nil:
		return fmt.Errorf("sweep: shard: %w", o.Shard.Validate())
	case o.Workers < 0:
		return fmt.Errorf("sweep: workers %d: must not be negative", o.Workers)
	case plan.Trials < 1:
		return fmt.Errorf("sweep: trials %d: need at least 1", plan.Trials)
	case len(plan.Points) == 0:
		return errors.New("sweep: the plan has no points")
	case plan.Trials > experiments.MaxTrials/len(plan.Points):
		return fmt.Errorf("sweep: %d points × %d trials: more than the %d trials a sweep may run", len(plan.Points), plan.Trials, experiments.MaxTrials)
	}
	if err := results.CheckPlan(plan, measure.Names); err != nil {
		return fmt.Errorf("sweep: %w", err)
	}
	for i := range plan.Points {
		p := &plan.Points[i]
		switch {
		case p.Config.Trace != nil:
			return fmt.Errorf("sweep: point %q: a trace is not supported in a sweep", p.Key())
		case p.Config.History != nil:
			return fmt.Errorf("sweep: point %q: a history recorder is not supported in a sweep", p.Key())
		}
		if err := p.Config.Validate(); err != nil {
			return fmt.Errorf("sweep: point %q: %w", p.Key(), err)
		}
	}
	if o.Workers == 0 {
		o.Workers = runtime.NumCPU()
	}
	if o.run == nil {
		o.run = runCluster
	}
	return nil
}

// runCluster runs one trial; cancelling ctx stops it within a few thousand events.
func runCluster(ctx context.Context, cfg cluster.Config) ([]float64, error) {
	c, err := cluster.New(cfg)
	if err != nil {
		return nil, err
	}
	s, err := c.RunContext(ctx)
	if err != nil {
		return nil, err
	}
	return measure.Row(&s), nil
}

type job struct{ point, trial int }

type outcome struct {
	job
	seed        uint64
	row         []float64
	err         error
	interrupted bool // stopped by the context: neither done nor failed, it runs again on resume
}

// failure is the first failed trial in sweep order among those that ran.
type failure struct {
	rank int
	err  error
}

// runner runs the pending trials of one call of Run.
type runner struct {
	plan     *experiments.Plan
	o        Options
	j        *journal
	trials   []results.Trial // done: resumed, then in journal order
	finished []int           // trials done per point
	total    int
	done     map[job]bool                // the trials resumed from the journal
	mine     func(point, trial int) bool // a shard's trials; nil: every trial
	want     []int                       // a shard's trials per point; nil: plan.Trials each
	order    []int                       // the points in sweep order (results.PointOrder)
	rank     []int                       // per point, its position in order

	failure *failure
	ioErr   error
}

// progress tells o.Progress how far the sweep has come.
func (r *runner) progress() {
	if r.o.Progress == nil {
		return
	}
	done, points, all := 0, 0, 0
	for p, f := range r.finished {
		want := r.plan.Trials
		if r.want != nil {
			want = r.want[p]
		}
		if want == 0 {
			continue // another shard's point
		}
		all++
		done += f
		if f == want {
			points++
		}
	}
	r.o.Progress.Update(done, r.total, points, all)
}

// rankOf is a trial's position in sweep order, by which the first failure is chosen.
func (r *runner) rankOf(jb job) int { return r.rank[jb.point]*r.plan.Trials + jb.trial }

func (r *runner) run(ctx context.Context) {
	if r.o.Progress != nil {
		r.progress()
		defer r.o.Progress.Close()
	}
	pending := r.total - len(r.done)
	if pending == 0 {
		return
	}

	stop := make(chan struct{})
	var once sync.Once
	halt := func() { once.Do(func() { close(stop) }) }
	halted := func() bool {
		select {
		case <-stop:
			return true
		default:
			return ctx.Err() != nil
		}
	}

	jobs := make(chan job)
	go func() {
		defer close(jobs)
		for _, p := range r.order {
			for k := range r.plan.Trials {
				jb := job{point: p, trial: k}
				if r.done[jb] || r.mine != nil && !r.mine(p, k) {
					continue
				}
				select {
				case jobs <- jb:
				case <-stop:
					return
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	workers := min(r.o.Workers, pending)
	outs := make(chan outcome, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for jb := range jobs {
				// The feeder may hand out a trial as the context is cancelled: do not start it.
				if halted() {
					continue
				}
				o := r.trial(ctx, jb)
				if o.err != nil {
					halt() // at once: the collector may be busy syncing the journal
				}
				outs <- o
			}
		})
	}
	go func() {
		wg.Wait()
		close(outs)
	}()

	var tick <-chan time.Time
	if r.o.Progress != nil {
		t := time.NewTicker(progressEvery)
		defer t.Stop()
		tick = t.C
	}
	var batch []results.Trial
	take := func(o outcome) {
		if o.interrupted {
			return
		}
		if o.err != nil {
			if rk := r.rankOf(o.job); r.failure == nil || rk < r.failure.rank {
				r.failure = &failure{rank: rk, err: o.err}
			}
			halt()
			return
		}
		if r.ioErr != nil {
			return
		}
		t := results.Trial{Point: o.point, Trial: o.trial, Seed: o.seed, Values: o.row}
		if err := r.j.add(r.plan.Points[o.point].Key(), &t); err != nil {
			r.ioErr = fmt.Errorf("sweep: journal: %w", err)
			halt()
			return
		}
		batch = append(batch, t)
	}
	for open := true; open; {
		select {
		case o, ok := <-outs:
			if !ok {
				open = false
				break
			}
			take(o)
			// Whatever else has finished shares the sync.
			for drained := false; !drained; {
				select {
				case o, ok := <-outs:
					if !ok {
						open, drained = false, true
					} else {
						take(o)
					}
				default:
					drained = true
				}
			}
			if len(batch) > 0 && r.ioErr == nil {
				if err := r.j.sync(); err != nil {
					r.ioErr = err
					halt()
				} else {
					for _, t := range batch {
						r.finished[t.Point]++
					}
					r.trials = append(r.trials, batch...)
					r.progress()
				}
			}
			batch = batch[:0]
		case <-tick:
			r.progress()
		}
	}
}

// trial runs one trial.
func (r *runner) trial(ctx context.Context, jb job) outcome {
	p := &r.plan.Points[jb.point]
	cfg := p.Config
	cfg.Seed = experiments.TrialSeed(r.plan.Seed, p, jb.trial)
	o := outcome{job: jb, seed: cfg.Seed}
	// A topology file runs from the bytes the plan read and hashed, not from the file, which may have
	// changed since: every trial of the sweep (and of its resumption, which checks the hash) sees the
	// topology its manifest records.
	var err error
	if in := r.plan.Input(cfg.Topology); in != nil && cfg.Graph == nil {
		if cfg.Graph, err = topology.Parse(in.Data, in.Path, cfg.Link); err != nil {
			o.err = &TrialError{Point: jb.point, Key: p.Key(), Trial: jb.trial, Seed: cfg.Seed, Err: err}
			return o
		}
	}
	row, err := r.o.run(ctx, cfg)
	switch {
	case err != nil && ctx.Err() != nil:
		o.interrupted = true // whatever went wrong, the trial did not finish: it runs again on resume
	case err != nil:
		o.err = &TrialError{Point: jb.point, Key: p.Key(), Trial: jb.trial, Seed: cfg.Seed, Err: err}
	case len(row) != len(measure.Names):
		o.err = fmt.Errorf("sweep: %s: %d measures, want %d", r.name(jb, cfg.Seed, nil), len(row), len(measure.Names))
	default:
		o.row = row
	}
	return o
}

// name names a trial in an error.
func (r *runner) name(jb job, seed uint64, err error) string {
	return (&TrialError{Point: jb.point, Key: r.plan.Points[jb.point].Key(), Trial: jb.trial, Seed: seed, Err: err}).name()
}

// TrialError is a trial that failed: a safety violation, or a run that could not go on. Run returns
// the first in sweep order; the trial can be run again on its own from Point and Trial (raftsim sweep
// SPEC --point K --trial N), and its Seed says what it ran.
type TrialError struct {
	Point int    // index of the point in the plan
	Key   string // the point's key ("" for a plan with no axis)
	Trial int
	Seed  uint64
	Err   error
}

func (e *TrialError) name() string {
	s := fmt.Sprintf("trial %d", e.Trial)
	if e.Key != "" {
		s = fmt.Sprintf("point %q %s", e.Key, s)
	}
	var v *safety.Violation
	if !errors.As(e.Err, &v) { // a violation names its seed itself
		s += fmt.Sprintf(" (seed %d)", e.Seed)
	}
	return s
}

func (e *TrialError) Error() string { return fmt.Sprintf("sweep: %s: %v", e.name(), e.Err) }

func (e *TrialError) Unwrap() error { return e.Err }
