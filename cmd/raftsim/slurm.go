package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/raftsim/raftsim/batch"
	"github.com/raftsim/raftsim/batch/slurm"
	"github.com/raftsim/raftsim/experiments"
	"github.com/raftsim/raftsim/experiments/spec"
)

// batchFlags are the flags `raftsim slurm` and `raftsim k8s` share: the sweep and its shards.
type batchFlags struct {
	shards, seed, trials string
	out                  string
	changed              func(string) bool // the command's Flags().Changed, once it runs
}

func (f *batchFlags) add(fs *pflag.FlagSet, outHelp string) {
	f.addShards(fs)
	fs.StringVar(&f.out, "out", "", outHelp)
}

func (f *batchFlags) addShards(fs *pflag.FlagSet) {
	fs.Var(&textValue{&f.shards, "N"}, "shards", "split the sweep into `N` shards, one task each (required)")
	fs.Var(&textValue{&f.seed, "SEED"}, "seed", "root seed, instead of the spec's (as raftsim sweep --seed)")
	fs.Var(&textValue{&f.trials, "N"}, "trials", "trials per point, instead of the spec's (as raftsim sweep --trials)")
}

// maxShards bounds --shards: a sweep's trials are what is split, and no cluster runs a million tasks.
const maxShards = 100000

// sweep reads SPEC with the flags' overrides, as `raftsim sweep` would, so that a spec the shards
// would refuse is refused now; and returns the sweep, with the spec named as the tasks must name it (a
// file by its absolute path), the spec's name and the plan.
func (f *batchFlags) sweep(arg string) (batch.Sweep, string, *experiments.Plan, error) {
	var sw batch.Sweep
	n, err := strconv.Atoi(strings.TrimSpace(f.shards))
	switch {
	case f.shards == "":
		return sw, "", nil, usageErrorf("--shards: missing: how many shards (tasks) to split the sweep into")
	case err != nil || n < 1 || n > maxShards:
		return sw, "", nil, usageErrorf("--shards %s: want a whole number from 1 to %d", clipArg(f.shards), maxShards)
	}
	s, err := loadSpec(arg)
	if err != nil {
		return sw, "", nil, err
	}
	sw = batch.Sweep{Spec: arg, Shards: n}
	if _, statErr := os.Stat(arg); statErr == nil {
		if sw.Spec, err = filepath.Abs(arg); err != nil {
			return sw, "", nil, usageErrorf("spec %s: %v", arg, err)
		}
	}
	if f.seed != "" || flagSet(f.changed, "seed") {
		v, err := spec.ParseSeed(f.seed)
		if err != nil {
			return sw, "", nil, usageErrorf("%v", err)
		}
		s, sw.Seed = s.WithSeed(v), strconv.FormatUint(v, 10)
	}
	if f.trials != "" || flagSet(f.changed, "trials") {
		v, err := spec.ParseTrials(f.trials)
		if err != nil {
			return sw, "", nil, usageErrorf("%v", err)
		}
		if s, err = s.WithTrials(v); err != nil {
			return sw, "", nil, usageErrorf("--trials %d: %v", v, err)
		}
		sw.Trials = strconv.Itoa(v)
	}
	plan, err := s.Plan()
	if err != nil {
		return sw, "", nil, usageErrorf("%v", err)
	}
	if total := len(plan.Points) * plan.Trials; n > total {
		return sw, "", nil, usageErrorf("--shards %d: the sweep has only %d trials", n, total)
	}
	return sw, s.Name, plan, nil
}

// clipArg quotes a flag's value for a message, cut short so that the message stays one short line.
func clipArg(v string) string {
	if len(v) > 40 {
		v = v[:40] + "..."
	}
	return strconv.Quote(v)
}

// absDir makes a directory flag absolute and refuses one that is something other than a directory.
func absDir(flag, dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", usageErrorf("--%s %s: %v", flag, clipArg(dir), err)
	}
	for _, part := range strings.Split(abs, string(filepath.Separator)) {
		if len(part) > 200 { // NAME_MAX is 255, and .shards or shard-N is added to some
			return "", usageErrorf("--%s %s: a path element longer than 200 bytes", flag, clipArg(dir))
		}
	}
	if fi, err := os.Stat(abs); err == nil && !fi.IsDir() {
		return "", usageErrorf("--%s %s: not a directory", flag, clipArg(dir))
	}
	return abs, nil
}

// writeOwn writes data to path unless path holds something else already: a file this command wrote
// for another sweep, or any file of the user's, is never replaced (flag names the directory's flag).
func writeOwn(flag, path string, data []byte) error {
	old, err := os.ReadFile(path)
	switch {
	case err == nil && bytes.Equal(old, data):
		return nil
	case err == nil:
		// "another sweep's?" misled: the usual cause is the same sweep run again with another --time,
		// --trials or --partition, whose scripts differ too.
		return usageErrorf("--%s: %s holds a different file (written for another sweep or other flags, or edited); remove it or choose another directory", flag, path)
	case !errors.Is(err, os.ErrNotExist):
		return usageErrorf("--%s: %v", flag, err)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o755); err != nil {
		return fmt.Errorf("%w", err)
	}
	return os.Rename(tmp, path)
}

type slurmFlags struct {
	batchFlags
	dir, binary                      string
	jobName, partition, account, qos string
	time, mem, cpus, maxRunning      string
	submit                           bool
}

func newSlurmCmd() *cobra.Command {
	f := &slurmFlags{}
	cmd := &cobra.Command{
		Use:   "slurm SPEC --shards N",
		Short: "write a sweep as a Slurm job array and a merge job (--submit: submit them too)",
		Long: "Write a sweep as two Slurm batch scripts: a job array of N tasks, task I running shard I of N\n" +
			"(raftsim sweep SPEC --shard I/N --resume, so a requeued or preempted task resumes from its\n" +
			"journal), and a merge job that writes --out, byte-identical to raftsim sweep SPEC on one machine.\n" +
			"The scripts, the shard directories and the jobs' logs go to --shards-dir, on a file system every\n" +
			"node of the cluster sees. With --submit, submit the array through sbatch, then the merge with\n" +
			"--dependency=afterok on the array, and print both job ids; without, print the sbatch commands.\n" +
			"docs/batch.md has the whole story.",
		Example: "  raftsim slurm fig16-sensitivity --shards 20 --partition short --time 30 --cpus-per-task 4\n" +
			"  raftsim slurm my-experiment.yaml --shards 4 --out /scratch/me/results --submit",
		Args: exactArgs(1, "one SPEC (a built-in or a spec file)"),
	}
	fs := cmd.Flags()
	fs.SortFlags = false
	f.add(fs, "merged results `DIR` (default out/<experiment>), on a shared file system")
	fs.StringVar(&f.dir, "shards-dir", "", "`DIR` of the scripts, shard directories and logs (default <out>.shards)")
	fs.StringVar(&f.binary, "raftsim", "", "the raftsim executable the jobs run, as a `FILE` every node sees (default this one)")
	fs.Var(&textValue{&f.jobName, "NAME"}, "job-name", "the array's job name; the merge's is NAME-merge (default raftsim-<experiment>)")
	fs.Var(&textValue{&f.partition, "NAME"}, "partition", "sbatch --partition of both jobs (a name or a comma-separated list)")
	fs.Var(&textValue{&f.account, "NAME"}, "account", "sbatch --account of both jobs")
	fs.Var(&textValue{&f.qos, "NAME"}, "qos", "sbatch --qos of both jobs")
	fs.Var(&textValue{&f.time, "TIME"}, "time", "sbatch --time of each task and of the merge: MINUTES, HH:MM:SS, DAYS-HH[:MM[:SS]]...")
	fs.Var(&textValue{&f.mem, "SIZE"}, "mem", "sbatch --mem of each task: megabytes, or 512M, 4G...")
	fs.Var(&textValue{&f.cpus, "N"}, "cpus-per-task", "CPUs of each task, and the shard's --workers (default 1)")
	fs.Var(&textValue{&f.maxRunning, "N"}, "max-running", "at most N tasks at once (--array=1-SHARDS%N)")
	fs.BoolVar(&f.submit, "submit", false, "submit both jobs through sbatch and print their ids")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		f.changed = cmd.Flags().Changed
		return runSlurm(cmd.Context(), args[0], f, cmd.OutOrStdout())
	}
	return cmd
}

func runSlurm(ctx context.Context, arg string, f *slurmFlags, stdout io.Writer) error {
	o := slurm.Options{CPUsPerTask: 1}
	for _, c := range []struct {
		flag, v string
		p       *int
		min     int
	}{{"cpus-per-task", f.cpus, &o.CPUsPerTask, 1}, {"max-running", f.maxRunning, &o.MaxRunning, 1}} {
		if c.v == "" && !flagSet(f.changed, c.flag) {
			continue
		}
		n, err := strconv.Atoi(strings.TrimSpace(c.v))
		if err != nil || n < c.min || n > 4096 && c.flag == "cpus-per-task" || n > maxShards {
			return usageErrorf("--%s %s: want a whole number from %d", c.flag, clipArg(c.v), c.min)
		}
		*c.p = n
	}
	o.Partition, o.Account, o.QOS, o.Time, o.Mem = f.partition, f.account, f.qos, f.time, f.mem
	for _, c := range []struct {
		flag, v string
		check   func(string) error
	}{
		{"job-name", f.jobName, func(v string) error { return slurm.ValidName("job-name", v, false) }},
		{"partition", f.partition, func(v string) error { return slurm.ValidName("partition", v, true) }},
		{"account", f.account, func(v string) error { return slurm.ValidName("account", v, false) }},
		{"qos", f.qos, func(v string) error { return slurm.ValidName("qos", v, false) }},
		{"time", f.time, slurm.ValidTime},
		{"mem", f.mem, slurm.ValidMem},
	} {
		// A flag given as --flag= is an empty value, which is wrong for every one of these.
		if err := c.check(c.v); err != nil && (c.v != "" || flagSet(f.changed, c.flag)) {
			return usageErrorf("%s", strings.TrimPrefix(err.Error(), "slurm: "))
		}
	}
	sw, name, _, err := f.sweep(arg)
	if err != nil {
		return err
	}
	o.JobName = f.jobName
	if o.JobName == "" {
		o.JobName = "raftsim-" + batch.Name(name)
	}
	if f.out == "" {
		f.out = filepath.Join("out", name)
	}
	if sw.Out, err = absDir("out", f.out); err != nil {
		return err
	}
	dirFlag := "shards-dir"
	if f.dir == "" {
		f.dir, dirFlag = sw.Out+".shards", "out"
	}
	if sw.Dir, err = absDir(dirFlag, f.dir); err != nil {
		return err
	}
	if sw.Binary, err = executable(f.binary); err != nil {
		return err
	}
	o.Sweep = sw
	if err := o.Validate(); err != nil {
		return usageErrorf("%s", strings.TrimPrefix(err.Error(), "slurm: "))
	}
	if err := os.MkdirAll(o.LogDir(), 0o755); err != nil {
		return usageErrorf("--%s: %v", dirFlag, err)
	}
	arrayFile, mergeFile := filepath.Join(sw.Dir, "array.sbatch"), filepath.Join(sw.Dir, "merge.sbatch")
	if err := writeOwn(dirFlag, arrayFile, []byte(o.ArrayScript())); err != nil {
		return err
	}
	if err := writeOwn(dirFlag, mergeFile, []byte(o.MergeScript())); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "raftsim slurm %s: %d shards; scripts %s and %s\n", name, sw.Shards, arrayFile, mergeFile)
	if !f.submit {
		a, m := slurm.SubmitArgs(arrayFile, mergeFile, batch.Var("jobid"))
		fmt.Fprintf(stdout, "submit with:\n  jobid=$(%s | cut -d';' -f1)\n  %s\n", batch.Shell(a), batch.Shell(m))
		fmt.Fprintf(stdout, "results in %s\n", sw.Out)
		return nil
	}
	arrayID, mergeID, err := slurm.Submit(ctx, runCommand, arrayFile, mergeFile)
	if arrayID != "" {
		fmt.Fprintf(stdout, "array job %s (%d tasks)\n", arrayID, sw.Shards)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "merge job %s (after every task of %s succeeds) into %s\n", mergeID, arrayID, sw.Out)
	return nil
}

// flagSet reports whether the flag was given; changed is nil before the command runs.
func flagSet(changed func(string) bool, name string) bool { return changed != nil && changed(name) }

// executable returns the absolute path of the raftsim binary the jobs run: path, or this process's
// own executable.
func executable(path string) (string, error) {
	if path == "" {
		exe, err := os.Executable()
		if err != nil {
			return "", fmt.Errorf("raftsim: cannot tell this executable's path (give --raftsim): %w", err)
		}
		return exe, nil
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", usageErrorf("--raftsim %s: %v", clipArg(path), err)
	}
	fi, err := os.Stat(abs)
	switch {
	case err != nil:
		return "", usageErrorf("--raftsim %s: %v", clipArg(path), errors.Unwrap(err))
	case !fi.Mode().IsRegular() || fi.Mode().Perm()&0o111 == 0:
		return "", usageErrorf("--raftsim %s: not an executable file", clipArg(path))
	}
	return abs, nil
}

// runCommand runs args, returning standard output; the error carries the last line of standard error.
func runCommand(ctx context.Context, args []string) ([]byte, error) {
	var stderr bytes.Buffer
	c := exec.CommandContext(ctx, args[0], args[1:]...)
	c.Stderr = &stderr
	out, err := c.Output()
	if err != nil {
		if msg := strings.TrimSpace(stderr.String()); msg != "" {
			lines := strings.Split(msg, "\n")
			return out, fmt.Errorf("%w: %s", err, lines[len(lines)-1])
		}
	}
	return out, err
}
