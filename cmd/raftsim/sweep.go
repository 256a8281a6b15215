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

	"github.com/spf13/pflag"

	"github.com/raftsim/raftsim/experiments/figures"
	"github.com/raftsim/raftsim/experiments/results"
	"github.com/raftsim/raftsim/experiments/spec"
	"github.com/raftsim/raftsim/experiments/specs"
	"github.com/raftsim/raftsim/experiments/sweep"
	"github.com/raftsim/raftsim/internal/atomicfile"
)

func sweepCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := pflag.NewFlagSet("sweep", pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.SortFlags = false
	out := fs.String("out", "", "results directory (default out/<experiment>)")
	workers := fs.Int("workers", runtime.NumCPU(), "trials run in parallel (results do not depend on it)")
	seed := fs.Uint64("seed", 0, "root seed, instead of the spec's")
	trials := fs.Int("trials", 0, "trials per point, instead of the spec's")
	resume := fs.Bool("resume", false, "finish an interrupted sweep without redoing its finished trials")
	force := fs.Bool("force", false, "replace the results of another spec, seed or trial count in --out (raftsim's own files only)")
	quiet := fs.Bool("quiet", false, "no progress bar")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			fmt.Fprintf(stdout, "Usage: raftsim sweep SPEC [flags]\n\nRun an experiment: SPEC is a built-in (%s) or a spec file.\n\nFlags:\n", strings.Join(specs.Names(), ", "))
			fmt.Fprint(stdout, fs.FlagUsages())
			return nil
		}
		return usageErrorf("sweep: %v", err)
	}
	if fs.NArg() != 1 {
		return usageErrorf("sweep: want one SPEC (a built-in: %s, or a spec file)", strings.Join(specs.Names(), ", "))
	}
	if *force && *resume {
		return usageErrorf("sweep: --force and --resume exclude each other: --resume finishes the sweep in --out, --force replaces it")
	}
	if *workers < 1 {
		return usageErrorf("--workers %d: want at least 1", *workers)
	}
	s, err := loadSpec(fs.Arg(0))
	if err != nil {
		return err
	}
	command := []string{"raftsim", "sweep", fs.Arg(0)}
	if fs.Changed("seed") {
		s = s.WithSeed(*seed)
		command = append(command, "--seed", strconv.FormatUint(*seed, 10))
	}
	if fs.Changed("trials") {
		if s, err = s.WithTrials(*trials); err != nil {
			return usageErrorf("--trials %d: want at least 1", *trials)
		}
		command = append(command, "--trials", strconv.Itoa(*trials))
	}
	plan, err := s.Plan()
	if err != nil {
		return usageErrorf("%v", err)
	}
	dir := *out
	if dir == "" {
		dir = filepath.Join("out", s.Name)
	}
	// sweep.Run refuses a directory holding another spec's results (and one another process is
	// writing); with --force it removes them first, plots and comparison included.
	o := sweep.Options{Out: dir, Workers: *workers, Resume: *resume, Force: *force, Command: command,
		Derived: derivedFiles,
		// Drawn while the directory is still locked.
		Finish: func(res sweep.Result) error {
			if res.Resumed > 0 {
				fmt.Fprintf(stdout, "  resumed %d finished trials, ran %d\n", res.Resumed, res.Ran)
			}
			return draw(stdout, s, dir)
		},
	}
	if !*quiet && isTerminal(os.Stderr) {
		o.Progress = stderr
	}
	if err := checkPlotsDir(s, dir); err != nil {
		return usageErrorf("sweep: %v: move it away, or choose another --out", err)
	}
	fmt.Fprintf(stdout, "raftsim sweep %s: %d points × %d trials, %d workers, into %s\n", s.Name, len(plan.Points), plan.Trials, *workers, dir)
	_, err = sweep.Run(ctx, plan, o)
	if errors.Is(err, sweep.ErrRefused) {
		// A directory refused as it is (another spec's results, one in use, nothing to resume) is a bad
		// --out: exit 2, like any bad input, and nothing was written.
		return usageErrorf("%v", err)
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

// draw writes the spec's plots and comparison from the result files in dir and says where they are.
// The caller holds dir's lock.
func draw(stdout io.Writer, s *spec.Spec, dir string) error {
	// Best effort: temporary files of killed writers are litter, not a reason to stop.
	atomicfile.Clean(dir)
	atomicfile.Clean(filepath.Join(dir, figures.PlotsDir))
	paths, err := figures.Draw(s, dir)
	if err != nil {
		return err
	}
	compared, err := figures.Compare(s, dir)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "  results: %s, %s, %s\n", filepath.Join(dir, results.TrialsFile), filepath.Join(dir, results.SummaryFile), filepath.Join(dir, results.ManifestFile))
	for _, p := range paths {
		fmt.Fprintf(stdout, "  plot:    %s.png (and .svg)\n", p)
	}
	if compared {
		fmt.Fprintf(stdout, "  compared with the paper: %s, %s\n", filepath.Join(dir, figures.ComparisonCSV), filepath.Join(dir, figures.ComparisonMD))
	}
	return nil
}

// loadSpec reads a built-in by name or a spec file by path. A path that exists wins over a built-in of
// the same name.
func loadSpec(arg string) (*spec.Spec, error) {
	if _, err := os.Stat(arg); err == nil {
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
	return nil, usageErrorf("sweep: %q is neither a built-in experiment (%s) nor a spec file", arg, strings.Join(specs.Names(), ", "))
}

func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func listCmd(_ context.Context, args []string, stdout, _ io.Writer) error {
	if len(args) > 0 {
		if args[0] == "-h" || args[0] == "--help" {
			fmt.Fprintln(stdout, "Usage: raftsim list\n\nList the built-in experiments, one line each.")
			return nil
		}
		return usageErrorf("list: unexpected argument %q", args[0])
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
		fmt.Fprintf(stdout, "%-10s %s (%d points × %d trials)\n", name, s.Description, len(plan.Points), plan.Trials)
	}
	return nil
}

func plotCmd(_ context.Context, args []string, stdout, _ io.Writer) error {
	if len(args) == 1 && (args[0] == "-h" || args[0] == "--help") {
		fmt.Fprintln(stdout, "Usage: raftsim plot DIR\n\nRedraw an experiment's plots and comparison from its result files alone.")
		return nil
	}
	if len(args) != 1 {
		return usageErrorf("plot: want one results directory")
	}
	dir := args[0]
	mpath := filepath.Join(dir, results.ManifestFile)
	if _, err := os.Stat(mpath); err != nil {
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
		return usageErrorf("plot: %s: %v", dir, err)
	}
	// Topology files named by the spec are resolved against the directory it was run from; the
	// figures never need them.
	s, err := spec.ParseDetached([]byte(m.Spec), filepath.Join(dir, results.ManifestFile))
	if err != nil {
		return usageErrorf("plot: %s: the manifest's spec: %v", dir, err)
	}
	if err := checkPlotsDir(s, dir); err != nil {
		return usageErrorf("plot: %v: move it away", err)
	}
	return draw(stdout, s, dir)
}

// checkPlotsDir refuses, before any work, a results directory where the spec's plots cannot be drawn
// because something else sits where the plots directory goes.
func checkPlotsDir(s *spec.Spec, dir string) error {
	p := filepath.Join(dir, figures.PlotsDir)
	if st, err := os.Stat(p); len(s.Plots) > 0 && err == nil && !st.IsDir() {
		return fmt.Errorf("%s is not a directory, and the plots go there", p)
	}
	return nil
}
