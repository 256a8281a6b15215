package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/raftsim/raftsim/cluster"
	"github.com/raftsim/raftsim/experiments/spec"
	"github.com/raftsim/raftsim/internal/readfile"
	"github.com/raftsim/raftsim/safety/linearize"
	"github.com/raftsim/raftsim/swarm"
)

// replayFlags are the flags of `raftsim replay`.
type replayFlags struct {
	trace string
	json  bool
	quiet bool
	mut   mutateFlag // --mutate: empty, and no flag, outside the mutants build (mutants_on.go)

	shrinkFlags // --shrink, --shrink-runs, --viz (shrink.go)
}

func newReplayCmd() *cobra.Command {
	f := &replayFlags{}
	cmd := &cobra.Command{
		Use:   "replay SEED|FILE",
		Short: "run one seed of raftsim check again, or a world written as a spec file",
		Long: "Run one world of raftsim check again, byte for byte as the check ran it: SEED draws the world as\n" +
			"the check does; FILE is a world written as a spec file (raftsim check --failures). Prints the\n" +
			"world as raftsim run flags, the verdict (safety, liveness, linearizability) and the summary;\n" +
			"--trace writes every event (docs/trace.md).",
		Example: "  raftsim replay 1234\n" +
			"  raftsim replay 1234 --trace seed-1234.jsonl\n" +
			"  raftsim replay failures/seed-1234.yaml\n" +
			"  raftsim replay 1234 --shrink seed-1234-small.yaml\n" +
			"  raftsim replay 1234 --viz seed-1234.html",
		Args: exactArgs(1, "one SEED or world FILE"),
	}
	fs := cmd.Flags()
	fs.SortFlags = false
	fs.StringVar(&f.trace, "trace", "", "write every event as JSON Lines to `FILE` (- for standard output)")
	fs.BoolVar(&f.json, "json", false, "print the summary as one JSON object after the verdict")
	fs.BoolVar(&f.quiet, "quiet", false, "no progress bar")
	f.mut.register(fs)
	addShrinkFlags(fs, &f.shrinkFlags)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if cmd.Flags().Changed("trace") && f.trace == "" {
			return usageErrorf("--trace: an empty path (- is standard output)")
		}
		if err := checkShrinkFlags(cmd.Flags().Changed, f); err != nil {
			return err
		}
		// Before either path: a --shrink with a name it ignored ran the world unmutated and said
		// "the world does not fail".
		if err := f.mut.apply(&cluster.Config{}); err != nil {
			return &usageError{msg: err.Error()}
		}
		if f.shrink != "" {
			return runShrink(cmd.Context(), args[0], f, cmd.OutOrStdout(), cmd.ErrOrStderr())
		}
		return runReplay(cmd.Context(), args[0], f, cmd.OutOrStdout(), cmd.ErrOrStderr())
	}
	return cmd
}

// loadWorld reads a replay's argument: a seed, drawn as the check draws it, or a world's spec file. The
// string is what the replay prints of a drawn world (its flags, and its family when it has one);
// mutate is the replay's --mutate, carried on that line.
func loadWorld(arg string, mutate []string) (cluster.Config, string, []input, error) {
	if seed, err := strconv.ParseUint(arg, 10, 64); err == nil {
		if seed == 0 {
			return cluster.Config{}, "", nil, usageErrorf("replay 0: seeds start at 1")
		}
		w := swarm.Draw(seed)
		cfg, err := w.Config()
		if err != nil {
			return cluster.Config{}, "", nil, err
		}
		about := worldLine(w, mutate)
		if w.Family != "" {
			about += "  family: " + w.Family + " (a corner family: docs/check.md)\n"
		}
		return cfg, about, nil, nil
	}
	s, err := loadWorldFile(arg)
	if err != nil {
		return cluster.Config{}, "", nil, err
	}
	plan, err := s.Plan()
	if err != nil {
		return cluster.Config{}, "", nil, &usageError{msg: err.Error()}
	}

	cfg := plan.Points[0].Config
	cfg.Seed = s.Seed
	about := ""
	if w, err := swarm.FromSpec(s); err == nil {
		about = worldLine(w, mutate) // as for a seed: --help promises the world as flags
	}
	if m := writtenUnder(arg); m != "" && m != strings.Join(mutate, " ") {
		// The file holds the world, not the mutation: replayed without it, a shrunk failure passes,
		// which read as "the failure does not replay".
		about += fmt.Sprintf("  note: %s was written under %s (its first line); this replay runs without it: raftsim-mutants replay %s %s\n", arg, m, arg, m)
	}
	return cfg, about, []input{{arg, "world file"}}, nil
}

// writtenUnder returns the --mutate a world file says, on its first line (mutationNote), that it was
// written under, or "" when it says none (or cannot be read again).
func writtenUnder(path string) string {
	r, err := readfile.Open(path, 1<<20)
	if err != nil {
		return ""
	}
	defer r.Close()
	head, _ := io.ReadAll(io.LimitReader(r, 4096)) // the note is one short line
	line, _, _ := strings.Cut(string(head), "\n")
	const prefix = "# written under a mutation: replay with "
	if !strings.HasPrefix(line, prefix) {
		return ""
	}
	_, m, ok := strings.Cut(line, " replay FILE ")
	if !ok || !strings.HasPrefix(m, "--mutate=") {
		return ""
	}
	return m
}

// worldLine is the line a replay prints of its world: the world as raftsim run flags. Under a mutation
// it names the mutants build and carries --mutate, as shrink's "as flags:" line does: without it the
// world runs clean, and the release binary refuses the flag.
func worldLine(w swarm.World, mutate []string) string {
	return "  world: " + strings.Join(append([]string{binaryName(mutate), "run", w.String()}, mutate...), " ") + "\n"
}

// runReplay is `raftsim replay SEED|FILE`; the flags have been checked (--mutate's names too).
func runReplay(ctx context.Context, arg string, f *replayFlags, stdout, stderr io.Writer) error {
	cfg, about, inputs, err := loadWorld(arg, f.mut.replay())
	if err != nil {
		return err
	}
	// As raftsim run says them: a world file written by hand may break an assumption the verdict
	// rests on (clocks outside the lease's drift bound), and a drawn world never does.
	printConfigWarnings(stderr, &cfg)
	cfg.Check = true // as swarm.RunConfig runs every world, whatever its file says; the summary says so
	vz, err := openViz(ctx, f.viz, f.trace, append(inputs, input{cfg.Topology, "--topology file"}))
	if err != nil {
		return err
	}
	bar := newRunProgress(stderr, f.quiet, cfg.Duration)
	cfg.Progress = bar.update
	var res swarm.Result
	stdout, err = withTrace(ctx, f.trace, append(inputs, input{cfg.Topology, "--topology file"}), stdout, stderr, func(trace io.Writer) error {
		var err error
		res, err = swarm.RunConfig(ctx, cfg, vz.options(swarm.Options{Trace: trace, Tweak: f.mut.tweak()}))
		return err
	})
	bar.finish()
	if err != nil {
		vz.abort()
		return err
	}
	fmt.Fprintf(stdout, "raftsim replay %s\n", strings.Join(append([]string{arg}, f.mut.replay()...), " "))
	fmt.Fprint(stdout, about)
	verdict := "passed"
	switch {
	case res.Fail != "":
		verdict = fmt.Sprintf("FAILED: %s: %s", res.Fail, res.Reason)
	case res.Linearize == linearize.Unknown:
		// As check counts it: neither a pass nor a failure.
		verdict = fmt.Sprintf("unknown: the linearizability check ran out of time (%s); neither pass nor fail", swarm.DefaultLinearizeTimeout)
	}
	fmt.Fprintf(stdout, "  verdict: %s\n", verdict)
	fmt.Fprintf(stdout, "  linearizability: %s (%d operations)\n", res.Linearize, res.Ops)
	if err := vz.write(&res, swarm.DefaultLinearizeTimeout, stdout); err != nil {
		return err
	}
	if f.json {
		if err := writeJSON(stdout, &res.Summary); err != nil {
			return err
		}
	} else {
		printSummaryAs(stdout, &res.Summary, cfg, "raftsim replay", strconv.FormatUint(cfg.Seed, 10), "")
	}
	switch {
	case res.Violation != nil:
		return fmt.Errorf("replay: %w", res.Violation) // exit 3, as `raftsim run` exits on the same world
	case res.Fail != "":
		return fmt.Errorf("replay: %s: %s", res.Fail, res.Reason)
	}
	return nil
}

// loadWorldFile reads replay's argument when it is not a seed: a world file, never a built-in
// experiment (a sweep's). What is neither says so in replay's words; it was "sweep: "x" is neither a
// built-in experiment (...) nor a spec file".
func loadWorldFile(arg string) (*spec.Spec, error) {
	if _, err := os.Stat(arg); errors.Is(err, os.ErrNotExist) {
		return nil, usageErrorf("replay %s: neither a seed (1 to %d) nor a world file", arg, uint64(math.MaxUint64))
	} else if err != nil {
		return nil, usageErrorf("replay %s: %v", arg, unwrapPath(err))
	}
	s, err := spec.Load(arg)
	if err != nil {
		return nil, usageErrorf("%v", err)
	}
	// A world is one run of one point: replaying or shrinking one trial or one point of many would be
	// a silent mistake. Both `replay FILE` and `replay FILE --shrink` read the file here.
	if len(s.Axes) > 0 {
		return nil, usageErrorf("%s: axes: a world has one point, and no axes; axes are a sweep's: raftsim sweep", arg)
	}
	if s.Trials != 1 {
		return nil, usageErrorf("%s: trials: %d: a world is one run (trials 1); trials are a sweep's: raftsim sweep", arg, s.Trials)
	}
	return s, nil
}

// printConfigWarnings prints cfg's warnings (cluster.Config.Warnings) on stderr, one line each, as
// raftsim run prints them.
func printConfigWarnings(stderr io.Writer, cfg *cluster.Config) {
	for _, w := range cfg.Warnings() {
		fmt.Fprintln(stderr, "raftsim: warning: "+w)
	}
}
