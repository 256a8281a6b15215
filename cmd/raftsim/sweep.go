package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/raftsim/raftsim/experiments"
	"github.com/raftsim/raftsim/experiments/figures"
	"github.com/raftsim/raftsim/experiments/measure"
	"github.com/raftsim/raftsim/experiments/results"
	"github.com/raftsim/raftsim/experiments/spec"
	"github.com/raftsim/raftsim/experiments/specs"
	"github.com/raftsim/raftsim/experiments/sweep"
	"github.com/raftsim/raftsim/internal/atomicfile"
)

// sweepFlags are the flags of `raftsim sweep`.
type sweepFlags struct {
	out            string
	workers        int
	seed           uint64
	trials         int
	resume, quiet  bool
	force          bool
	point          string
	seedText       string
	trialsText     string
	trialText      string
	changed        func(name string) bool
	trial          int
	trace          string
	json           bool
	seedSet, trSet bool
	shardText      string
	shard          sweep.Shard // zero: the whole sweep
}

func newSweepCmd() *cobra.Command {
	f := &sweepFlags{}
	cmd := &cobra.Command{
		Use:   "sweep SPEC",
		Short: "run an experiment: a built-in or a spec file",
		Long: "Run an experiment into a results directory: SPEC is a built-in (" + strings.Join(specs.Names(), ", ") + ")\n" +
			"or a spec file (docs/experiments.md; raftsim show NAME prints a built-in to start from).\n\n" +
			"With --point and --trial, run one trial of the sweep again instead, print its measures and\n" +
			"summary, and write its trace with --trace: the row of trials.csv it replays is reproduced exactly.",
		Example: "  raftsim sweep quorum --out out/q --workers 8\n" +
			"  raftsim sweep my-experiment.yaml --trials 50\n" +
			"  raftsim sweep my-experiment.yaml --resume\n" +
			"  raftsim sweep fig16 --shard 2/3 --out shards/2 --resume   # one of 3 machines; then raftsim merge\n" +
			"  raftsim sweep fig16 --point 'election_timeout=150ms:155ms' --trial 855 --trace slow.jsonl",
		Args: exactArgs(1, "one SPEC (a built-in or a spec file)"),
		ValidArgsFunction: func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return specs.Names(), cobra.ShellCompDirectiveDefault
		},
	}
	fs := cmd.Flags()
	fs.SortFlags = false
	fs.StringVar(&f.out, "out", "", "results `DIR` (default out/<experiment>)")
	fs.IntVar(&f.workers, "workers", runtime.NumCPU(), "`N` trials run in parallel, at most the number of CPUs (results do not depend on it)")
	fs.Var(&textValue{&f.seedText, "SEED"}, "seed", "root seed, instead of the spec's: a decimal, or hex as trials.csv writes seeds")
	fs.Var(&textValue{&f.trialsText, "N"}, "trials", "trials per point, instead of the spec's")
	fs.BoolVar(&f.resume, "resume", false, "finish an interrupted sweep without redoing its finished trials")
	fs.BoolVar(&f.force, "force", false, "replace the results of another spec, seed or trial count in --out (raftsim's own files only)")
	fs.BoolVar(&f.quiet, "quiet", false, "no progress bar")
	fs.Var(&textValue{&f.shardText, "I/N"}, "shard", "run only shard I of N (1/3, 2/3, 3/3) into --out, for raftsim merge (docs/shards.md); with --resume it also starts a new one")
	fs.StringVar(&f.point, "point", "", "replay one trial: the `POINT`, its index in the sweep (0 = first row of summary.csv) or its coordinates 'axis=value,...'")
	fs.Var(&textValue{&f.trialText, "N"}, "trial", "replay one trial: its index in the trial column of trials.csv")
	fs.StringVar(&f.trace, "trace", "", "replay one trial: write its events as JSON Lines to `FILE` (- for standard output)")
	fs.BoolVar(&f.json, "json", false, "replay one trial: print its summary as one JSON object")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		f.seedSet, f.trSet = cmd.Flags().Changed("seed"), cmd.Flags().Changed("trials")
		f.changed = cmd.Flags().Changed
		f.trial = -1
		if f.changed("trial") {
			n, err := strconv.Atoi(strings.TrimSpace(f.trialText))
			if err != nil || n < 0 {
				return usageErrorf("--trial %s: want a trial's index, 0 or more", f.trialText)
			}
			f.trial = n
		}
		if f.changed("trace") && f.trace == "" {
			return usageErrorf("--trace: an empty path (- is standard output)")
		}
		if f.changed("shard") {
			sh, err := sweep.ParseShard(f.shardText)
			if err != nil {
				return usageErrorf("--shard %v", err)
			}
			f.shard = sh
		}
		replay := f.point != "" || f.changed("trial") || f.trace != "" || f.json
		switch {
		case f.shard.Sharded() && replay:
			return usageErrorf("--shard: runs a part of a sweep; --point, --trial, --trace and --json replay one trial: not both")
		case f.shard.Sharded() && f.out == "":
			return usageErrorf("--shard %s: give each shard its own --out DIR", f.shard)
		}
		if replay {
			return replayTrial(cmd.Context(), args[0], f, cmd.OutOrStdout(), cmd.ErrOrStderr())
		}
		return runSweep(cmd.Context(), args[0], f, cmd.OutOrStdout(), cmd.ErrOrStderr())
	}
	return cmd
}

// loadPlanned reads SPEC with the --seed and --trials overrides, and returns the spec and the command
// that reproduces it.
func loadPlanned(arg string, f *sweepFlags) (*spec.Spec, []string, error) {
	s, err := loadSpec(arg)
	if err != nil {
		return nil, nil, err
	}
	command := []string{"raftsim", "sweep", arg}
	if f.seedSet {
		if f.seed, err = spec.ParseSeed(f.seedText); err != nil {
			return nil, nil, usageErrorf("%v", err)
		}
		s = s.WithSeed(f.seed)
		command = append(command, "--seed", strconv.FormatUint(f.seed, 10))
	}
	if f.trSet {
		if f.trials, err = spec.ParseTrials(f.trialsText); err != nil {
			return nil, nil, usageErrorf("%v", err)
		}
		if s, err = s.WithTrials(f.trials); err != nil {
			return nil, nil, usageErrorf("%v", err)
		}
		command = append(command, "--trials", strconv.Itoa(f.trials))
	}
	return s, command, nil
}

// plan expands s, naming --trials when the sweep it asks for is too large.
func (f *sweepFlags) plan(s *spec.Spec) (*experiments.Plan, error) {
	plan, err := s.Plan()
	var se *spec.Error
	if errors.As(err, &se) && f.trSet && strings.Contains(se.Msg, "trials a sweep may run") {
		return nil, usageErrorf("--trials %d: %s", f.trials, se.Msg)
	}
	if err != nil {
		return nil, usageErrorf("%v", err)
	}
	return plan, nil
}

func runSweep(ctx context.Context, arg string, f *sweepFlags, stdout, stderr io.Writer) error {
	if f.workers < 1 {
		return usageErrorf("--workers %d: want at least 1", f.workers)
	}
	// A trial is a CPU-bound simulation: workers beyond the CPUs only hold more trials in memory at once
	// (a 1000-node spec with --workers 30 ran out of memory).
	if n := runtime.NumCPU(); f.workers > n {
		fmt.Fprintf(stderr, "raftsim: --workers %d: this machine has %d CPUs; running %d trials at a time\n", f.workers, n, n)
		f.workers = n
	}
	s, command, err := loadPlanned(arg, f)
	if err != nil {
		return err
	}
	plan, err := f.plan(s)
	if err != nil {
		return err
	}
	dir := f.out
	if dir == "" {
		dir = filepath.Join("out", s.Name)
	}
	// sweep.Run refuses a directory holding another spec's results (and one another process is
	// writing); with --force it removes them first, plots and comparison included.
	if f.force && f.resume {
		return usageErrorf("sweep: --force and --resume exclude each other: --resume finishes the sweep in --out, --force replaces it")
	}
	o := sweep.Options{Out: dir, Workers: f.workers, Resume: f.resume, Force: f.force, Command: command,
		Derived: derivedFiles,
		// Said once the directory is taken, so that a refused sweep says only why.
		Shard: f.shard,
		Begin: func(res sweep.Result) {
			if f.shard.Sharded() {
				fmt.Fprintf(stdout, "raftsim sweep %s: shard %s, %d of the %d trials (%d points × %d), %d workers, into %s\n",
					s.Name, f.shard, res.Trials, len(plan.Points)*plan.Trials, len(plan.Points), plan.Trials, f.workers, dir)
			} else {
				fmt.Fprintf(stdout, "raftsim sweep %s: %d points × %d %s, %d workers, into %s\n", s.Name, len(plan.Points), plan.Trials, plural(plan.Trials, "trial"), f.workers, dir)
			}
			switch {
			case f.force && res.Replaces:
				fmt.Fprintf(stdout, "  --force: replacing what %s held\n", dir)
			case res.Replaces:
				fmt.Fprintf(stdout, "  running again the finished sweep in %s: the same spec, seed and trials give the same files\n", dir)
			}
		},
		// Drawn while the directory is still locked; the sweep is finished once the plots are drawn.
		Finish: func(res sweep.Result) error {
			if res.Resumed > 0 {
				fmt.Fprintf(stdout, "  resumed %d finished trials, ran %d\n", res.Resumed, res.Ran)
			}
			err := draw(ctx, stdout, s, dir)
			var ue *usageError
			if errors.As(err, &ue) {
				return sweep.Final(err) // a plot the results cannot fill: plot --spec redraws, not --resume
			}
			return err
		},
	}
	if f.shard.Sharded() {
		// A shard writes its journal and shard.json, no result file and no plot: raftsim merge does.
		// (Derived stays: --force removes the plots of whatever the directory held.)
		o.Finish = nil
	}
	if bar := newSweepProgress(stderr, f.quiet); bar != nil {
		o.Progress = bar
	}
	if err := checkPlotsDir(s, dir); !f.shard.Sharded() && err != nil {
		return usageErrorf("sweep: %v: move it away, or choose another --out", err)
	}
	printWarnings(stderr, results.Warnings(plan))
	res, err := sweep.Run(ctx, plan, o)
	if err == nil && f.shard.Sharded() {
		if res.Resumed > 0 {
			fmt.Fprintf(stdout, "  resumed %d finished trials, ran %d\n", res.Resumed, res.Ran)
		}
		fmt.Fprintf(stdout, "  shard %s done: %s, %s; merge the %d shards with raftsim merge OUT SHARD_DIR...\n",
			f.shard, filepath.Join(dir, sweep.JournalFile), filepath.Join(dir, sweep.ShardFile), f.shard.Count)
	}
	if errors.Is(err, sweep.ErrRefused) {
		// A directory refused as it is (another spec's results, one in use, nothing to resume) is a bad
		// --out: exit 2, like any bad input, and nothing was written.
		return usageErrorf("%v", err)
	}
	var te *sweep.TrialError
	if errors.As(err, &te) {
		// A failed trial runs again on its own, with its trace.
		return fmt.Errorf("%w; replay: %s", err, strings.Join(quoteArgs(replayCommand(arg, f, te.Key, te.Trial)), " "))
	}
	var ie *sweep.InterruptedError
	var se *sweep.StoppedError // a full disk, say: the finished trials are kept
	if errors.As(err, &ie) || errors.As(err, &se) {
		// The whole command to finish the sweep, --out included.
		resume := append(append([]string{}, command...), "--out", dir, "--resume")
		if f.shard.Sharded() {
			resume = append(append([]string{}, command...), "--shard", f.shard.String(), "--out", dir, "--resume")
		}
		return fmt.Errorf("%w: %s", err, strings.Join(quoteArgs(resume), " "))
	}
	return err
}

// derivedFiles are the files drawn from the results old describes, which --force removes with them.
func derivedFiles(old *results.Manifest) []string {
	if old == nil {
		return figures.Outputs(nil)
	}
	s, err := spec.ParseDetached([]byte(old.Spec), results.ManifestFile)
	if err != nil {
		return figures.Outputs(nil) // its plots cannot be named; other files stay
	}
	return figures.Outputs(s)
}

// quoteArgs quotes the arguments a shell would split or expand.
func quoteArgs(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		if a == "" || strings.ContainsAny(a, " \t\n'\"\\$`*?[]{}()<>|&;#~!") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		out[i] = a
	}
	return out
}

// draw writes the spec's plots and comparison from the result files in dir and says where they are.
// The caller holds dir's lock.
func draw(ctx context.Context, stdout io.Writer, s *spec.Spec, dir string) error {
	return drawFrom(ctx, stdout, s, dir, "results")
}

// drawFrom is draw, naming the result files with a word: "results" when the sweep wrote them, "from"
// when plot only read them.
func drawFrom(ctx context.Context, stdout io.Writer, s *spec.Spec, dir, word string) error {
	// Best effort: temporary files of killed writers are litter, not a reason to stop.
	atomicfile.Clean(dir)
	atomicfile.Clean(filepath.Join(dir, figures.PlotsDir))
	paths, err := figures.Draw(ctx, s, dir)
	if err != nil {
		return figureError(err, dir)
	}
	compared, err := figures.Compare(ctx, s, dir)
	if err != nil {
		return figureError(err, dir)
	}
	fmt.Fprintf(stdout, "  %-8s %s, %s, %s, %s\n", word+":", filepath.Join(dir, results.TrialsFile), filepath.Join(dir, results.SummaryFile),
		filepath.Join(dir, results.SummaryLongFile), filepath.Join(dir, results.ManifestFile))
	for _, p := range paths {
		fmt.Fprintf(stdout, "  plot:    %s.png (and .svg, .pdf)\n", p)
	}
	if compared {
		fmt.Fprintf(stdout, "  compared with the paper: %s, %s\n", filepath.Join(dir, figures.ComparisonCSV), filepath.Join(dir, figures.ComparisonMD))
	}
	return nil
}

// loadSpec reads a built-in by name or a spec file by path. A path that exists wins over a built-in of
// the same name, unless it is a directory: `raftsim sweep drift --out drift` leaves one, and the next
// `raftsim sweep drift` in that directory was refused ("spec: read drift: not a regular file").
func loadSpec(arg string) (*spec.Spec, error) {
	_, builtin := specs.Get(arg)
	if fi, err := os.Stat(arg); err == nil && !(fi.IsDir() && builtin) {
		s, err := spec.Load(arg)
		if err != nil {
			return nil, usageErrorf("%v", err)
		}
		return s, nil
	}
	if b, ok := specs.Get(arg); ok {
		s, err := spec.Parse(b, arg+".yaml")
		if err != nil {
			return nil, fmt.Errorf("built-in %s: %w", arg, err) // a bug, not bad input
		}
		return s, nil
	}
	// Something written as a path is a file that is not there (or a link that leads nowhere): say so.
	if _, err := os.Stat(arg); strings.ContainsRune(arg, os.PathSeparator) || filepath.Ext(arg) != "" {
		return nil, usageErrorf("sweep: spec %v", err)
	}
	msg := fmt.Sprintf("%q is neither a built-in experiment (%s) nor a spec file", arg, strings.Join(specs.Names(), ", "))
	if s := closest(arg, specs.Names()); s != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", s)
	}
	return nil, usageErrorf("sweep: %s", msg)
}

// closest returns the name nearest to s, if close enough to be a typo.
func closest(s string, names []string) string {
	best, bestD := "", 3
	for _, n := range names {
		if d := levenshtein(s, n); d < bestD {
			best, bestD = n, d
		}
	}
	return best
}

func newListCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "list the built-in experiments",
		Long:  "List the built-in experiments, one line each: name, description, size.",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			width := 0
			for _, name := range specs.Names() {
				width = max(width, len(name))
			}
			for _, name := range specs.Names() {
				b, _ := specs.Get(name)
				s, err := spec.Parse(b, name+".yaml")
				if err != nil {
					return fmt.Errorf("built-in %s: %w", name, err)
				}
				plan, err := s.Plan()
				if err != nil {
					return fmt.Errorf("built-in %s: %w", name, err)
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%-*s  %s (%d points × %d trials)\n", width, name, s.Description, len(plan.Points), plan.Trials)
			}
			return nil
		},
	}
}

func newShowCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "show NAME",
		Short: "print a built-in experiment's spec, to start one of your own from",
		Long: "Print a built-in experiment's spec file as it is embedded in the binary, comments included.\n" +
			"Save it, edit it and run it with raftsim sweep FILE; docs/experiments.md describes every key.",
		Example: "  raftsim show quorum > my-quorum.yaml",
		Args:    exactArgs(1, "one built-in experiment's NAME ("+strings.Join(specs.Names(), ", ")+")"),
		ValidArgsFunction: func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return specs.Names(), cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			b, ok := specs.Get(args[0])
			if !ok {
				msg := fmt.Sprintf("show: %q is not a built-in experiment (%s)", args[0], strings.Join(specs.Names(), ", "))
				if s := closest(args[0], specs.Names()); s != "" {
					msg += fmt.Sprintf("; did you mean %q?", s)
				}
				return usageErrorf("%s", msg)
			}
			_, err := cmd.OutOrStdout().Write(b)
			return err
		},
	}
}

func newPlotCmd() *cobra.Command {
	var style string
	cmd := &cobra.Command{
		Use:   "plot DIR",
		Short: "redraw an experiment's plots from its result files",
		Long: "Redraw an experiment's plots and comparison from the files of its results directory alone.\n\n" +
			"With --spec, draw the plots and reference of another spec file instead (restyle without rerunning):\n" +
			"its cluster, scenario and axes must be the results' own.",
		Example: "  raftsim plot out/fig16\n  raftsim plot out/fig16 --spec my-fig16-style.yaml",
		Args:    exactArgs(1, "one results directory"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return plotDir(cmd.Context(), cmd.OutOrStdout(), args[0], style)
		},
	}
	cmd.Flags().StringVar(&style, "spec", "", "draw the plots and reference of this spec `FILE` (or built-in) instead of the results' own")
	return cmd
}

func plotDir(ctx context.Context, stdout io.Writer, dir, style string) error {
	mpath := filepath.Join(dir, results.ManifestFile)
	if _, err := os.Stat(mpath); err != nil {
		// A sweep writing its first results has no manifest yet: say it is at work, not that the
		// directory is not one of results.
		if busy := results.Held(dir); busy != nil {
			return usageErrorf("plot: %v: wait for it to finish", busy)
		}
		return usageErrorf("plot: %s: %v", dir, err) // not a results directory: no lock file made there
	}
	// Redrawing rewrites plots and the comparison: not while a sweep writes the directory.
	lock, err := results.Lock(dir)
	var busy *results.LockedError
	if errors.As(err, &busy) {
		return usageErrorf("plot: %v: wait for it to finish", err)
	} else if err != nil {
		return usageErrorf("plot: %s: %v", dir, err)
	}
	defer lock.Unlock()
	m, err := results.ReadManifest(mpath)
	if err != nil {
		return usageErrorf("plot: %v", err)
	}
	// Topology files named by the spec are resolved against the directory it was run from; the
	// figures never need them.
	s, err := spec.ParseDetached([]byte(m.Spec), filepath.Join(dir, results.ManifestFile))
	if err != nil {
		return usageErrorf("plot: %s: the manifest's spec: %v", dir, err)
	}
	plan, err := s.Plan()
	if err != nil {
		return usageErrorf("plot: %s: the manifest's spec: %v", dir, err)
	}
	// Every result file is held against the manifest's plan before anything is drawn: a damaged
	// directory is refused whole and its plots and comparison stay as they were.
	if err := results.Check(ctx, dir, m, plan, measure.Names); err != nil {
		return resultsError(err)
	}
	if style != "" {
		if s, err = restyle(s, style); err != nil {
			return err
		}
	}
	if err := checkPlotsDir(s, dir); err != nil {
		return usageErrorf("plot: %v: move it away", err)
	}
	return drawFrom(ctx, stdout, s, dir, "from")
}

// printWarnings prints a plan's warnings, a few of them: the manifest keeps them all.
func printWarnings(w io.Writer, warnings []string) {
	const most = 5
	for i, msg := range warnings {
		if i == most {
			fmt.Fprintf(w, "raftsim: warning: and %d more (manifest.json lists them all)\n", len(warnings)-most)
			break
		}
		fmt.Fprintln(w, "raftsim: warning: "+msg)
	}
}

// restyle returns the results' spec s with the plots and reference of the spec file (or built-in)
// named by `plot --spec`, which must describe the same experiment (spec.Spec.Restyle).
func restyle(s *spec.Spec, file string) (*spec.Spec, error) {
	style, err := loadSpec(file)
	var ue *usageError
	if errors.As(err, &ue) {
		// loadSpec speaks for sweep's argument; here the file is --spec's.
		return nil, usageErrorf("plot --spec: %s", strings.TrimPrefix(ue.msg, "sweep: "))
	} else if err != nil {
		return nil, err
	}
	if s, err = s.Restyle(style); err != nil {
		return nil, usageErrorf("plot --spec: %v", err)
	}
	return s, nil
}

// checkPlotsDir refuses, before any work, a results directory where the spec's plots cannot be drawn
// because something else sits where the plots directory, a plot or the comparison goes.
func checkPlotsDir(s *spec.Spec, dir string) error {
	err := figures.CheckOutputs(s, dir)
	if err != nil {
		return errors.New(strings.TrimPrefix(err.Error(), "figures: "))
	}
	return nil
}

// textValue is a flag whose text is parsed later, by the spec's own parser, so that it reads and
// refuses values as the spec field does.
type textValue struct {
	p   *string
	typ string
}

func (v *textValue) String() string     { return *v.p }
func (v *textValue) Set(s string) error { *v.p = s; return nil }
func (v *textValue) Type() string       { return v.typ }

// plural is word for one of it, and word with an s for any other count ("1 trial", "40 trials").
func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}
