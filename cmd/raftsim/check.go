package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/raftsim/raftsim/cluster"
	"github.com/raftsim/raftsim/experiments/results"
	"github.com/raftsim/raftsim/experiments/sweep"
	"github.com/raftsim/raftsim/internal/readfile"
	"github.com/raftsim/raftsim/safety/linearize"
	"github.com/raftsim/raftsim/sim"
	"github.com/raftsim/raftsim/swarm"
)

// checkFlags are the flags of `raftsim check`.
type checkFlags struct {
	seeds, from        string
	workers            int
	budget, linTimeout time.Duration
	failures           string
	maxFailures        string
	quiet              bool
	mut                mutateFlag // --mutate: empty, and no flag, outside the mutants build (mutants_on.go)
	shardText, report  string
	changed            func(string) bool
}

func newCheckCmd() *cobra.Command {
	f := &checkFlags{}
	cmd := &cobra.Command{
		Use:   "check",
		Short: "swarm-test Raft: many seeds, each a whole world, safety, liveness and linearizability checked",
		Long: "Run seeds, each drawing a whole world (cluster size, topology or regions, latency, loss,\n" +
			"duplication, reordering, crashes, partitions whole and partial, pauses, disk stalls, slow disks,\n" +
			"filters, flaps, clock drift, PreVote, CheckQuorum, snapshots, membership changes, transfers, reads\n" +
			"and writes), in two phases: a safety phase with faults, every safety property checked as it runs;\n" +
			"then every fault repaired, and the cluster must elect a leader, commit a write and serve a read\n" +
			"within " + strconv.Itoa(swarm.LivenessTimeouts) + " election timeouts (not in a racy world, whose election timeout is within a few\n" +
			"broadcast times: Raft promises no progress there). The client history is then checked for linearizability\n" +
			"(Porcupine); a check that runs out of time is counted as unknown, never as a pass.\n\n" +
			"Each failure prints the command that replays it. Results do not depend on --workers.",
		Example: "  raftsim check --seeds 2000\n" +
			"  raftsim check --from 100001 --seeds 100000 --workers 2\n" +
			"  raftsim check --budget 8h --failures soak/\n" +
			"  raftsim check --seeds 100000 --shard 2/8 --report check-2.json   # then raftsim merge\n" +
			"  raftsim replay 1234 --trace seed-1234.jsonl",
		Args: exactArgs(0, "no argument (seeds are chosen with --from and --seeds)"),
	}
	fs := cmd.Flags()
	fs.SortFlags = false
	fs.Var(&textValue{&f.seeds, "N"}, "seeds", "how many seeds to run (default 1000; with --budget, 0 runs until the budget is spent)")
	fs.Var(&textValue{&f.from, "SEED"}, "from", "the first seed (default 1)")
	fs.IntVar(&f.workers, "workers", runtime.NumCPU(), "`N` seeds run in parallel (results do not depend on it)")
	fs.DurationVar(&f.budget, "budget", 0, "stop handing out seeds after this much wall-clock `TIME` (0 for no limit)")
	fs.DurationVar(&f.linTimeout, "linearize-timeout", swarm.DefaultLinearizeTimeout, "wall-clock `TIME` the linearizability check of one seed may take; past it the seed is unknown")
	fs.Var(&textValue{&f.maxFailures, "N"}, "max-failures", "stop at the N-th failing seed, in seed order (default 0: never)")
	fs.StringVar(&f.failures, "failures", "", "write each failing seed's world to `DIR` as a spec file (seed-N.yaml) that raftsim replay reads")
	fs.BoolVar(&f.quiet, "quiet", false, "no progress bar")
	fs.Var(&textValue{&f.shardText, "I/N"}, "shard", "run only shard I of N of the seeds (1/3, 2/3, 3/3), for raftsim merge; needs --report (docs/shards.md)")
	fs.StringVar(&f.report, "report", "", "write the check's report, its deterministic figures as JSON, to `FILE` (raftsim merge merges shards' reports)")
	f.mut.register(fs)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		f.changed = cmd.Flags().Changed
		return runCheck(cmd.Context(), f, cmd.OutOrStdout(), cmd.ErrOrStderr())
	}
	return cmd
}

// parseSeedFlag reads a seed count or a seed; def when the flag was not given.
func parseSeedFlag(name, text string, def uint64, given bool) (uint64, error) {
	if !given {
		return def, nil
	}
	n, err := strconv.ParseUint(strings.TrimSpace(text), 10, 64)
	if err != nil {
		return 0, usageErrorf("--%s %s: want a whole number, 0 or more", name, text)
	}
	return n, nil
}

// maxWorkers bounds --workers: each worker holds one run.
const maxWorkers = 1024

func runCheck(ctx context.Context, f *checkFlags, stdout, stderr io.Writer) error {
	var shard sweep.Shard
	if f.changed("shard") {
		var err error
		if shard, err = sweep.ParseShard(f.shardText); err != nil {
			return usageErrorf("--shard %v", err)
		}
	}
	seeds, err := parseSeedFlag("seeds", f.seeds, 1000, f.changed("seeds"))
	if err != nil {
		return err
	}
	from, err := parseSeedFlag("from", f.from, 1, f.changed("from"))
	if err != nil {
		return err
	}
	maxFailures, err := parseSeedFlag("max-failures", f.maxFailures, 0, f.changed("max-failures"))
	if err != nil {
		return err
	}
	switch {
	case from == 0:
		return usageErrorf("--from 0: seeds start at 1")
	case seeds == 0 && f.budget == 0:
		return usageErrorf("--seeds 0: with no --budget the check would never end")
	case seeds > math.MaxUint64-from+1:
		return usageErrorf("--seeds %d: from seed %d it passes the largest seed, %d", seeds, from, uint64(math.MaxUint64))
	case f.workers < 1 || f.workers > maxWorkers:
		return usageErrorf("--workers %d: want 1 to %d", f.workers, maxWorkers)
	case f.budget < 0:
		return usageErrorf("--budget %s: must not be negative", f.budget)
	case f.linTimeout <= 0:
		return usageErrorf("--linearize-timeout %s: must be positive", f.linTimeout)
	}
	if shard.Sharded() {
		switch {
		case f.report == "":
			return usageErrorf("--shard %s: needs --report FILE, the shard's report for raftsim merge", shard)
		case f.budget != 0:
			return usageErrorf("--shard %s: not with --budget (a shard must run all its seeds for the merge to be whole)", shard)
		case maxFailures != 0:
			return usageErrorf("--shard %s: not with --max-failures (which stops at a failure in seed order, across every shard)", shard)
		}
	}
	if f.changed("report") {
		if err := checkReportPath(f.report, from, seeds, shard); err != nil {
			return err
		}
	}
	if err := f.mut.apply(&cluster.Config{}); err != nil {
		return &usageError{msg: err.Error()}
	}
	if f.changed("failures") && f.failures == "" {
		return usageErrorf("--failures: an empty path (give a directory)")
	}
	if f.failures != "" && f.report != "" && outputPath(f.failures) == outputPath(f.report) {
		// checkFailuresDir would make the report's path a directory, and the report, written last,
		// failed after the whole check.
		return usageErrorf("--failures %s: is the --report file", f.failures)
	}
	if f.failures != "" {
		if err := checkFailuresDir(f.failures); err != nil {
			return err
		}
	}
	checkFrom, checkSeeds := from, seeds
	if shard.Sharded() {
		from, seeds = swarm.ShardSeeds(checkFrom, checkSeeds, shard.Index, shard.Count)
	}
	var rec swarm.ReportRecorder
	plan := swarm.Plan{From: from, Seeds: seeds, Workers: f.workers, Budget: f.budget, MaxFailures: maxFailures,
		Options: swarm.Options{LinearizeTimeout: f.linTimeout, Tweak: f.mut.tweak()}}
	bar := newCheckProgress(stderr, f.quiet, seeds)
	var written error
	check := swarm.Check
	if shard.Sharded() && seeds == 0 {
		// More shards than seeds leaves this one none; a plan of 0 seeds would run until a budget.
		check = func(context.Context, swarm.Plan, func(*swarm.Result)) (swarm.Report, error) {
			return swarm.Report{From: from, Failures: map[swarm.Kind]uint64{}}, nil
		}
	}
	rep, err := check(ctx, plan, func(r *swarm.Result) {
		bar.add(r)
		rec.Add(r)
		if r.Fail == "" && r.Linearize == linearize.Unknown {
			bar.clear()
			fmt.Fprintf(stdout, "seed %d: unknown: the linearizability check of %d operations ran out of time (--linearize-timeout %s)\n  replay: %s\n",
				r.Seed, r.Ops, f.linTimeout, strings.Join(seedReplayCommand(r.Seed, f.mut.replay()), " "))
		}
		if r.Fail == "" {
			return
		}
		bar.clear()
		fmt.Fprintf(stdout, "seed %d: %s: %s\n  replay: %s\n", r.Seed, r.Fail, r.Reason, strings.Join(seedReplayCommand(r.Seed, f.mut.replay()), " "))
		if f.failures != "" && written == nil {
			var path, kept string
			path, kept, written = writeFailure(f.failures, r.Seed, f.mut.replay())
			switch {
			case path != "":
				fmt.Fprintf(stdout, "  world:  %s\n", path)
			case kept != "":
				fmt.Fprintf(stdout, "  not written: %s holds another world already (kept as it is)\n", kept)
			}
		}
	})
	bar.finish()
	// The report first: a batch task whose output goes nowhere (a closed pipe) still leaves it.
	var reportErr error
	if f.report != "" && err == nil {
		var rs *swarm.ReportShard
		if shard.Sharded() {
			rs = &swarm.ReportShard{Index: shard.Index, Count: shard.Count, From: from, Seeds: seeds}
		} else {
			checkSeeds = rep.Seeds // a budget's check covers the seeds it ran
		}
		file := rec.Report(&rep, checkFrom, checkSeeds, rs, results.ReadBuild(), f.linTimeout, f.mut.replay())
		reportErr = swarm.WriteReport(f.report, file)
	}
	printReport(stdout, &rep)
	if err != nil && f.report != "" {
		return fmt.Errorf("check: interrupted after %d seeds (the table covers them; no report written): %w", rep.Seeds, err)
	} else if err != nil {
		return fmt.Errorf("check: interrupted after %d seeds (the table covers them): %w", rep.Seeds, err)
	}
	if reportErr != nil {
		return fmt.Errorf("check: --report: %w", reportErr)
	}
	if f.report != "" {
		fmt.Fprintf(stdout, "  %-22s %s\n", "report", f.report)
	}
	n := rep.FailedSeeds()
	if written != nil {
		// The directory took a file at the start (checkFailuresDir): this is the disk, not the input.
		return fmt.Errorf("check: %d of %d seeds failed, and a world file could not be written: %w", n, rep.Seeds, written)
	}
	if n > 0 {
		return fmt.Errorf("check: %d of %d seeds failed", n, rep.Seeds)
	}
	return nil
}

// checkReportPath refuses, before the check, a --report path that cannot take the report, or that
// holds a file other than a report of this very check (which the check would replace with the same
// figures): a directory, a missing parent, another check's report, anything else.
func checkReportPath(path string, from, seeds uint64, shard sweep.Shard) error {
	if path == "" {
		return usageErrorf("--report: an empty path (give a file)")
	}
	if fi, err := os.Stat(filepath.Dir(path)); err != nil {
		return usageErrorf("--report %s: %v", path, unwrapPath(err))
	} else if !fi.IsDir() {
		return usageErrorf("--report %s: %s is not a directory", path, filepath.Dir(path))
	}
	fi, err := os.Lstat(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	} else if err != nil {
		return usageErrorf("--report %s: %v", path, unwrapPath(err))
	}
	if fi.IsDir() {
		return usageErrorf("--report %s: a directory: give a file", path)
	}
	old, err := swarm.ReadReport(path)
	if err != nil {
		return usageErrorf("--report %s: holds a file that is not a check report: remove it or choose another FILE", path)
	}
	same := old.From == from && old.Seeds == seeds && (old.Shard == nil) == !shard.Sharded()
	if shard.Sharded() && same {
		same = old.Shard.Index == shard.Index && old.Shard.Count == shard.Count
	}
	if !same {
		return usageErrorf("--report %s: holds the report of another check (seeds from %d, %s): remove it or choose another FILE", path, old.From, reportShardName(old))
	}
	return nil
}

func reportShardName(r *swarm.ReportFile) string {
	if r.Shard == nil {
		return "a whole check"
	}
	return fmt.Sprintf("shard %d/%d", r.Shard.Index, r.Shard.Count)
}

// checkFailuresDir makes --failures' directory and makes sure a file can be written in it, so that a
// directory that cannot take the worlds is refused before the check rather than after hours of it.
func checkFailuresDir(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return usageErrorf("--failures %s: %v", dir, unwrapPath(err))
	}
	probe, err := os.CreateTemp(dir, ".raftsim-probe-*")
	if err != nil {
		return usageErrorf("--failures %s: %v", dir, unwrapPath(err))
	}
	probe.Close()
	os.Remove(probe.Name())
	return nil
}

// seedReplayCommand is the command that replays a seed's world.
func seedReplayCommand(seed uint64, mutate []string) []string {
	return append([]string{binaryName(mutate), "replay", strconv.FormatUint(seed, 10)}, mutate...)
}

// binaryName is the command a replay line names: the mutants build, as the README builds it, when a
// mutation is on (the release binary has no --mutate).
func binaryName(mutate []string) string {
	if len(mutate) > 0 {
		return "raftsim-mutants"
	}
	return "raftsim"
}

// mutationNote is the comment a world file written under a mutation starts with: the file holds the
// world, not the mutation (no spec setting can switch one on), so without it the file would replay as
// passing.
func mutationNote(mutate []string) []byte {
	if len(mutate) == 0 {
		return nil
	}
	return []byte("# written under a mutation: replay with " + binaryName(mutate) + " replay FILE " + strings.Join(mutate, " ") + "\n")
}

// writeFailure writes a failing seed's world into dir as seed-N.yaml, never over a file already there
// and never half: the bytes go to a temporary file beside it, linked into place (a link fails when the
// path exists). It returns the path that holds the world: the one written, or a file already there that
// holds the same world (an earlier check of the seed), left as it is: the check names it either way, so
// a second check over the same directory still says where the world is. A file that holds something
// else (a world of another version of the generator, a hand-edited or a truncated file) is left too,
// and its path returned as kept so that the check can say so. A world written under a mutation starts
// with a comment naming it (mutationNote).
func writeFailure(dir string, seed uint64, mutate []string) (world, kept string, err error) {
	w := swarm.Draw(seed)
	s, err := w.Spec()
	if err != nil {
		return "", "", err
	}
	b := append(mutationNote(mutate), s.Canonical()...)
	path := filepath.Join(dir, fmt.Sprintf("seed-%d.yaml", seed))
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return "", "", fmt.Errorf("check: writing %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(b)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o644) // CreateTemp's 0600 is for secrets; a world file is not one
	}
	if err != nil {
		return "", "", fmt.Errorf("check: writing %s: %w", path, err)
	}
	if err := os.Link(tmp.Name(), path); errors.Is(err, os.ErrExist) {
		// readfile: a FIFO or a device is not read (it could block or never end), and a big file is not
		// read whole.
		if old, rerr := readfile.ReadFile(path, int64(len(b))); rerr != nil || !bytes.Equal(old, b) {
			return "", path, nil
		}
		return path, "", nil
	} else if err != nil {
		return "", "", fmt.Errorf("check: writing %s: %w", path, err)
	}
	return path, "", nil
}

// unwrapPath drops the operation and path of an *os.PathError, which the message names already.
func unwrapPath(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

// printReport writes the check's final table.
func printReport(w io.Writer, r *swarm.Report) {
	if r.Seeds == 0 {
		// Not "seeds 1 to 1": the budget ran out (or Ctrl-C came) before the first seed finished.
		fmt.Fprintf(w, "raftsim check: no seed finished (from seed %d)\n", r.From)
	} else {
		fmt.Fprintf(w, "raftsim check: seeds %d to %d\n", r.From, r.From+r.Seeds-1)
	}
	fmt.Fprintf(w, "  %-22s %d\n", "seeds run", r.Seeds)
	var kinds []string
	for _, k := range swarm.Kinds {
		kinds = append(kinds, fmt.Sprintf("%s %d", k, r.Failures[k]))
	}
	fmt.Fprintf(w, "  %-22s %d (%s)\n", "failures", r.FailedSeeds(), strings.Join(kinds, ", "))
	fmt.Fprintf(w, "  %-22s %d (linearizability check out of time: neither pass nor fail)\n", "unknown", r.Unknown)
	fmt.Fprintf(w, "  %-22s %s (%.1f h)\n", "simulated time", sim.FormatDuration(r.Simulated.Round(time.Millisecond)), r.Simulated.Hours())
	fmt.Fprintf(w, "  %-22s %d\n", "operations checked", r.Ops)
	fmt.Fprintf(w, "  %-22s %d\n", "events", r.Events)
	secs := r.Wall.Seconds()
	fmt.Fprintf(w, "  %-22s %s\n", "wall-clock time", r.Wall.Round(time.Millisecond))
	if secs > 0 {
		fmt.Fprintf(w, "  %-22s %.1f\n", "seeds per second", float64(r.Seeds)/secs)
		fmt.Fprintf(w, "  %-22s %.3g\n", "events per second", float64(r.Events)/secs)
	}
}

// checkProgress is the bar of `raftsim check`: seeds done, failures so far.
type checkProgress struct {
	bar      *progressbar.ProgressBar
	failures int
}

func newCheckProgress(w io.Writer, quiet bool, seeds uint64) *checkProgress {
	if quiet || !isTerminal(w) {
		return &checkProgress{}
	}
	total := int64(seeds)
	if seeds == 0 || seeds > math.MaxInt64 {
		total = -1 // a budget: no end known
	}
	return &checkProgress{bar: progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetWidth(20),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("seeds"),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionSetDescription("0 failures"),
	)}
}

func (p *checkProgress) add(r *swarm.Result) {
	if p.bar == nil {
		return
	}
	if r.Fail != "" {
		p.failures++
		p.bar.Describe(fmt.Sprintf("%d failures", p.failures))
	}
	_ = p.bar.Add(1)
}

// clear takes the bar off the line before a failure is printed; it comes back at the next seed.
func (p *checkProgress) clear() {
	if p.bar != nil {
		_ = p.bar.Clear()
	}
}

func (p *checkProgress) finish() {
	if p.bar != nil {
		_ = p.bar.Clear()
		_ = p.bar.Exit()
		p.bar = nil
	}
}
