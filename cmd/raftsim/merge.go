package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/raftsim/raftsim/experiments/spec"
	"github.com/raftsim/raftsim/experiments/sweep"
	"github.com/raftsim/raftsim/swarm"
)

// mergeFlags are the flags of `raftsim merge`.
type mergeFlags struct {
	force bool
}

func newMergeCmd() *cobra.Command {
	f := &mergeFlags{}
	cmd := &cobra.Command{
		Use:   "merge OUT SHARD...",
		Short: "merge the shards of a sweep or a check into the one-machine results",
		Long: "Merge the shards of a sweep (the --out directories of raftsim sweep SPEC --shard I/N) into the\n" +
			"results directory OUT, or the reports of a check (raftsim check --shard I/N --report FILE) into the\n" +
			"report OUT: the same files, byte for byte, as the sweep or check run on one machine with the same\n" +
			"binary. Every shard is checked first (same spec, seed, trials and raftsim build, every shard\n" +
			"1..N once, each finished and whole); if any is missing, given twice, of another sweep or\n" +
			"unfinished, merge says which, exits 2 and writes nothing. docs/shards.md describes it all.",
		Example: "  raftsim sweep fig16 --shard 1/2 --out shards/1 --resume\n" +
			"  raftsim sweep fig16 --shard 2/2 --out shards/2 --resume\n" +
			"  raftsim merge out/fig16 shards/1 shards/2\n" +
			"  raftsim check --seeds 100000 --shard 3/8 --report check-3.json\n" +
			"  raftsim merge check.json check-*.json",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) < 2 {
				return usageErrorf("merge: want OUT and at least one SHARD (a shard directory or check report), got %d argument(s)", len(args))
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&f.force, "force", false, "replace the results of another sweep in OUT (raftsim's own files only)")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		return runMerge(cmd.Context(), f, args[0], args[1:], cmd.OutOrStdout())
	}
	return cmd
}

func runMerge(ctx context.Context, f *mergeFlags, out string, shards []string, stdout io.Writer) error {
	if out == "" {
		return usageErrorf("merge: OUT: an empty path (give the results directory or report file to write)")
	}
	// The kind of merge is the shards': directories of a sweep, or report files of a check.
	// A path that does not exist is named first: a shard whose batch task never started has no
	// directory, and counting it as "not a directory" said the shards were of two kinds.
	dirs := 0
	for _, s := range shards {
		fi, err := os.Stat(s)
		switch {
		case s == "":
			return usageErrorf("merge: SHARD: an empty path (give a shard directory or check report)")
		case err != nil:
			return usageErrorf("merge: shard %s: %v", s, unwrapPath(err))
		case fi.IsDir():
			dirs++
		}
		// OUT may not be a shard: the merge, with --force, replaced the shard's journal and
		// shard.json (or its report) with the merged results, and the shard was lost.
		if same, _ := sameFile(out, s); same {
			return usageErrorf("merge: OUT %s is the shard %s: choose another OUT", out, s)
		}
	}
	switch {
	case dirs == 0:
		return mergeReports(f, out, shards, stdout)
	case dirs < len(shards):
		return usageErrorf("merge: %d of the %d shards are directories (a sweep's) and the others not: merge the shards of one sweep, or the reports of one check", dirs, len(shards))
	}
	return mergeSweep(ctx, f, out, shards, stdout)
}

// mergeSweep merges the shard directories of a sweep into the results directory out.
func mergeSweep(ctx context.Context, f *mergeFlags, out string, dirs []string, stdout io.Writer) error {
	m, err := sweep.ReadShard(dirs[0])
	if err != nil {
		return usageErrorf("%v", err)
	}
	// The spec comes from the shard's manifest, as plot takes it from a results directory's: the
	// canonical text the shards ran, whose hash every shard must carry.
	s, err := spec.ParseDetached([]byte(m.Spec), filepath.Join(dirs[0], sweep.ShardFile))
	if err != nil {
		return usageErrorf("merge: %s: the shard's spec: %v", dirs[0], err)
	}
	plan, err := s.Plan()
	if err != nil {
		return usageErrorf("merge: %s: the shard's spec: %v", dirs[0], err)
	}
	if err := checkPlotsDir(s, out); err != nil {
		return usageErrorf("merge: %v: move it away, or choose another OUT", err)
	}
	o := sweep.Options{Out: out, Force: f.force, Derived: derivedFiles,
		Begin: func(res sweep.Result) {
			fmt.Fprintf(stdout, "raftsim merge: %s, %d shards: %d points × %d trials, into %s\n", s.Name, m.Shards, res.Points, plan.Trials, out)
			if res.Replaces {
				fmt.Fprintf(stdout, "  replacing what %s held\n", out)
			}
		},
		Finish: func(sweep.Result) error {
			err := draw(ctx, stdout, s, out)
			var ue *usageError
			if errors.As(err, &ue) {
				return sweep.Final(err)
			}
			return err
		},
	}
	_, err = sweep.Merge(ctx, plan, dirs, o)
	if errors.Is(err, sweep.ErrRefused) {
		return usageErrorf("%v", err)
	}
	if err != nil && ctx.Err() != nil {
		return fmt.Errorf("merge: interrupted: run it again (it writes the same files): %w", err)
	}
	return err
}

// mergeReports merges the shard reports of a check into the report out: every report is read and
// checked, and the merged report made, before out is looked at, so that a refusal writes nothing.
func mergeReports(f *mergeFlags, out string, names []string, stdout io.Writer) error {
	reports := make([]*swarm.ReportFile, len(names))
	for i, name := range names {
		r, err := swarm.ReadReport(name)
		if err != nil {
			return usageErrorf("merge: %s", strings.TrimPrefix(err.Error(), "swarm: "))
		}
		reports[i] = r
	}
	m, err := swarm.MergeReports(reports, names)
	if err != nil {
		return usageErrorf("%v", err)
	}
	if fi, err := os.Lstat(out); err == nil {
		old, rerr := swarm.ReadReport(out)
		switch {
		case fi.IsDir():
			return usageErrorf("merge: %s is a directory: the merge of check reports is a report FILE", out)
		case rerr != nil:
			return usageErrorf("merge: %s holds a file that is not a check report: remove it or choose another OUT", out)
		case (old.Shard != nil || old.From != m.From || old.Seeds != m.Seeds) && !f.force:
			return usageErrorf("merge: %s holds the report of another check (%s, seeds from %d): choose another OUT, or --force to replace it", out, reportShardName(old), old.From)
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return usageErrorf("merge: %s: %v", out, unwrapPath(err))
	}
	if fi, err := os.Stat(filepath.Dir(out)); err != nil || !fi.IsDir() {
		return usageErrorf("merge: %s: its directory %s does not exist", out, filepath.Dir(out))
	}
	if err := swarm.WriteReport(out, m); err != nil {
		return fmt.Errorf("merge: %w", err) // the disk, not the input
	}
	fmt.Fprintf(stdout, "raftsim merge: %d check shards: seeds %d to %d into %s\n", len(names), m.From, m.From+m.Seeds-1, out)
	var kinds []string
	for _, k := range swarm.Kinds {
		kinds = append(kinds, fmt.Sprintf("%s %d", k, m.Failures[k]))
	}
	fmt.Fprintf(stdout, "  failures %d (%s), unknown %d, events %d\n", m.FailedSeeds(), strings.Join(kinds, ", "), m.Unknown, m.Events)
	if n := m.FailedSeeds(); n > 0 {
		for _, fl := range m.Failed {
			fmt.Fprintf(stdout, "seed %d: %s: %s\n  replay: %s\n", fl.Seed, fl.Kind, fl.Reason, strings.Join(seedReplayCommand(fl.Seed, m.Mutate), " "))
		}
		return fmt.Errorf("check: %d of %d seeds failed", n, m.Seeds)
	}
	return nil
}
