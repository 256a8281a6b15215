package slurm

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/raftsim/raftsim/batch"
)

// Options are the two jobs' Slurm settings. Empty strings leave a setting to the cluster's defaults.
type Options struct {
	Sweep       batch.Sweep
	JobName     string // --job-name of the array; the merge job's is JobName + "-merge"
	Partition   string // --partition: one name, or a comma-separated list
	Account     string // --account
	QOS         string // --qos
	Time        string // --time of each task and of the merge, in one of Slurm's forms
	Mem         string // --mem of each task: megabytes, or a number with a K, M, G or T suffix
	CPUsPerTask int    // --cpus-per-task of each task (>= 1); the shard runs that many workers
	MaxRunning  int    // at most this many tasks at once (--array=1-N%MaxRunning); 0 for no limit
}

// maxName bounds a name's length: Slurm keeps names of any length, but a longer one is a mistake.
const maxName = 200

var (
	nameRE = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.+-]*$`)
	// Slurm's time forms: MINUTES, MINUTES:SECONDS, HOURS:MINUTES:SECONDS, DAYS-HOURS,
	// DAYS-HOURS:MINUTES, DAYS-HOURS:MINUTES:SECONDS; or UNLIMITED (INFINITE).
	timeRE = regexp.MustCompile(`^(?:(\d{1,6})-(\d{1,2})(?::(\d{1,2})(?::(\d{1,2}))?)?|(\d{1,9})(?::(\d{1,2})(?::(\d{1,2}))?)?)$`)
	memRE  = regexp.MustCompile(`^(\d{1,12})([KMGT]?)$`)
)

// ValidName checks a partition, account, QOS or job name (the option's name for the message): letters,
// digits and _ . + - (a partition may be a comma-separated list of them).
func ValidName(option, v string, list bool) error {
	parts := []string{v}
	if list {
		parts = strings.Split(v, ",")
	}
	for _, p := range parts {
		if len(v) > maxName || !nameRE.MatchString(p) {
			return fmt.Errorf("slurm: --%s %s: want a name of letters, digits and _ . + - (at most %d)", option, clip(v), maxName)
		}
	}
	return nil
}

// ValidTime checks a time limit in one of Slurm's forms; the bound is 366 days.
func ValidTime(v string) error {
	bad := fmt.Errorf("slurm: --time %s: want MINUTES, MINUTES:SECONDS, HOURS:MINUTES:SECONDS, DAYS-HOURS, DAYS-HOURS:MINUTES, DAYS-HOURS:MINUTES:SECONDS or UNLIMITED, at most 366 days", clip(v))
	if v == "UNLIMITED" || v == "INFINITE" {
		return nil
	}
	m := timeRE.FindStringSubmatch(v)
	if m == nil {
		return bad
	}
	n := func(s string) int64 { x, _ := strconv.ParseInt(s, 10, 64); return x }
	var seconds int64
	switch {
	case m[1] != "": // DAYS-HOURS[:MINUTES[:SECONDS]]
		if n(m[2]) > 23 || n(m[3]) > 59 || n(m[4]) > 59 {
			return bad
		}
		seconds = n(m[1])*86400 + n(m[2])*3600 + n(m[3])*60 + n(m[4])
	case m[7] != "": // HOURS:MINUTES:SECONDS
		if n(m[6]) > 59 || n(m[7]) > 59 {
			return bad
		}
		seconds = n(m[5])*3600 + n(m[6])*60 + n(m[7])
	default: // MINUTES[:SECONDS]
		if m[6] != "" && n(m[6]) > 59 {
			return bad
		}
		seconds = n(m[5])*60 + n(m[6])
	}
	if seconds < 1 || seconds > 366*86400 {
		return bad
	}
	return nil
}

// ValidMem checks a memory size: a whole number of megabytes, or one with a K, M, G or T suffix; at
// least 1 MB, at most 1024 TB.
func ValidMem(v string) error {
	m := memRE.FindStringSubmatch(v)
	bad := fmt.Errorf("slurm: --mem %s: want a size such as 4000, 512M or 4G (K, M, G, T), from 1M to 1024T", clip(v))
	if m == nil {
		return bad
	}
	x, _ := strconv.ParseInt(m[1], 10, 64)
	kb := map[string]int64{"K": 1, "": 1 << 10, "M": 1 << 10, "G": 1 << 20, "T": 1 << 30}[m[2]]
	if x < 1 || x > (1<<40)/kb || x*kb < 1<<10 {
		return bad
	}
	return nil
}

// ValidPath checks a path the scripts name in an #SBATCH line or a command: absolute, and free of
// white space and of '%', which sbatch reads as a file name pattern.
func ValidPath(option, p string) error {
	if !strings.HasPrefix(p, "/") || strings.ContainsAny(p, " \t\n\r%\\\"") {
		return fmt.Errorf("slurm: --%s %s: want an absolute path without white space, %%, \\ or \"", option, clip(p))
	}
	return nil
}

// Validate checks every option; the error names the first wrong one.
func (o *Options) Validate() error {
	if err := o.Sweep.Validate(); err != nil {
		return err
	}
	if err := ValidName("job-name", o.JobName, false); err != nil {
		return err
	}
	for _, c := range []struct {
		option, v string
		list      bool
	}{{"partition", o.Partition, true}, {"account", o.Account, false}, {"qos", o.QOS, false}} {
		if c.v != "" {
			if err := ValidName(c.option, c.v, c.list); err != nil {
				return err
			}
		}
	}
	if o.Time != "" {
		if err := ValidTime(o.Time); err != nil {
			return err
		}
	}
	if o.Mem != "" {
		if err := ValidMem(o.Mem); err != nil {
			return err
		}
	}
	if o.CPUsPerTask < 1 || o.CPUsPerTask > 4096 {
		return fmt.Errorf("slurm: --cpus-per-task %d: want 1 to 4096", o.CPUsPerTask)
	}
	if o.MaxRunning < 0 {
		return fmt.Errorf("slurm: array limit %d: want 0 (none) or more", o.MaxRunning)
	}
	for _, p := range []struct{ option, v string }{{"raftsim", o.Sweep.Binary}, {"out", o.Sweep.Out}, {"shards-dir", o.Sweep.Dir}} {
		if err := ValidPath(p.option, p.v); err != nil {
			return err
		}
	}
	return nil
}

// LogDir is the directory of the jobs' output files, inside the shard directory.
func (o *Options) LogDir() string { return o.Sweep.Dir + "/logs" }

// ArrayScript is the job array's batch script.
func (o *Options) ArrayScript() string {
	var b bytes.Buffer
	s := &o.Sweep
	array := "1-" + strconv.Itoa(s.Shards)
	if o.MaxRunning > 0 {
		array += "%" + strconv.Itoa(o.MaxRunning)
	}
	fmt.Fprintf(&b, "#!/bin/bash\n")
	fmt.Fprintf(&b, "# %s\n", batch.Shell(s.OneMachineArgs()))
	fmt.Fprintf(&b, "# as a Slurm job array of %d shards, written by `raftsim slurm`. Task I runs shard I of %d;\n", s.Shards, s.Shards)
	fmt.Fprintf(&b, "# its command is idempotent (--resume), so a requeued or preempted task continues from the\n")
	fmt.Fprintf(&b, "# shard's journal and a task whose shard is finished does nothing. Submit this, then the merge\n")
	fmt.Fprintf(&b, "# job (merge.sbatch) with --dependency=afterok:<this job's id>.\n")
	fmt.Fprintf(&b, "#SBATCH --job-name=%s\n", o.JobName)
	fmt.Fprintf(&b, "#SBATCH --array=%s\n", array)
	fmt.Fprintf(&b, "#SBATCH --requeue\n")
	fmt.Fprintf(&b, "#SBATCH --open-mode=append\n")
	fmt.Fprintf(&b, "#SBATCH --output=%s/%%x-%%A_%%a.out\n", o.LogDir())
	o.common(&b)
	fmt.Fprintf(&b, "set -eu\n")
	fmt.Fprintf(&b, "exec %s\n", batch.Shell(s.ShardArgs(batch.Var("SLURM_ARRAY_TASK_ID"), batch.Var("SLURM_CPUS_PER_TASK:-1"))))
	return b.String()
}

// MergeScript is the merge job's batch script.
func (o *Options) MergeScript() string {
	var b bytes.Buffer
	s := &o.Sweep
	fmt.Fprintf(&b, "#!/bin/bash\n")
	fmt.Fprintf(&b, "# The merge of the %d shards of\n", s.Shards)
	fmt.Fprintf(&b, "# %s\n", batch.Shell(s.OneMachineArgs()))
	fmt.Fprintf(&b, "# written by `raftsim slurm`: submit it with --dependency=afterok:<the array's job id>. It\n")
	fmt.Fprintf(&b, "# checks that the shards are complete and of one sweep before writing anything.\n")
	fmt.Fprintf(&b, "#SBATCH --job-name=%s-merge\n", o.JobName)
	fmt.Fprintf(&b, "#SBATCH --output=%s/%%x-%%j.out\n", o.LogDir())
	saved := o.CPUsPerTask
	o.CPUsPerTask = 1 // the merge reads journals and writes files: one CPU
	o.common(&b)
	o.CPUsPerTask = saved
	fmt.Fprintf(&b, "set -eu\n")
	args := s.MergeArgs()
	fmt.Fprintf(&b, "exec %s", batch.Shell(args[:3]))
	for _, a := range args[3:] {
		fmt.Fprintf(&b, " \\\n\t%s", batch.Shell([]string{a}))
	}
	b.WriteString("\n")
	return b.String()
}

// common writes the #SBATCH lines both jobs share.
func (o *Options) common(b *bytes.Buffer) {
	fmt.Fprintf(b, "#SBATCH --cpus-per-task=%d\n", o.CPUsPerTask)
	for _, l := range []struct{ option, v string }{
		{"partition", o.Partition}, {"account", o.Account}, {"qos", o.QOS}, {"time", o.Time}, {"mem", o.Mem},
	} {
		if l.v != "" {
			fmt.Fprintf(b, "#SBATCH --%s=%s\n", l.option, l.v)
		}
	}
}

// SubmitArgs are the two sbatch commands, as Submit runs them: the array's, and the merge's with the
// placeholder arrayID for the array's job id.
func SubmitArgs(arrayScript, mergeScript, arrayID string) (array, merge []string) {
	return []string{"sbatch", "--parsable", arrayScript},
		[]string{"sbatch", "--parsable", "--dependency=afterok:" + arrayID, "--kill-on-invalid-dep=yes", mergeScript}
}

// Runner runs a command and returns what it printed on standard output; an error carries what it
// printed on standard error. os/exec in production, a fake in tests.
type Runner func(ctx context.Context, args []string) ([]byte, error)

// Submit submits the array script, then the merge script depending on it, and returns the two job
// ids. If the merge cannot be submitted, the array stays submitted: the error says so, with its id.
func Submit(ctx context.Context, run Runner, arrayScript, mergeScript string) (arrayID, mergeID string, err error) {
	a, _ := SubmitArgs(arrayScript, mergeScript, "")
	out, err := run(ctx, a)
	if err != nil {
		return "", "", fmt.Errorf("slurm: sbatch %s: %w", arrayScript, err)
	}
	if arrayID, err = ParseJobID(out); err != nil {
		return "", "", err
	}
	_, m := SubmitArgs(arrayScript, mergeScript, arrayID)
	out, err = run(ctx, m)
	if err != nil {
		return arrayID, "", fmt.Errorf("slurm: sbatch %s (the array is submitted as job %s): %w", mergeScript, arrayID, err)
	}
	if mergeID, err = ParseJobID(out); err != nil {
		return arrayID, "", fmt.Errorf("%w (the array is submitted as job %s)", err, arrayID)
	}
	return arrayID, mergeID, nil
}

// ErrJobID is returned when sbatch --parsable prints something other than a job id.
var ErrJobID = errors.New("slurm: sbatch --parsable printed no job id")

// ParseJobID reads what sbatch --parsable prints: "ID" or "ID;CLUSTER", and a newline.
func ParseJobID(out []byte) (string, error) {
	id, _, _ := strings.Cut(strings.TrimSpace(string(out)), ";")
	if id == "" || strings.Trim(id, "0123456789") != "" || len(id) > 20 {
		return "", fmt.Errorf("%w: %s", ErrJobID, clip(string(out)))
	}
	return id, nil
}

// clip quotes v for a message, cut to 60 bytes so that a huge or multi-line value stays one short line.
func clip(v string) string {
	if len(v) > 60 {
		v = v[:60] + "..."
	}
	return strconv.Quote(v)
}
