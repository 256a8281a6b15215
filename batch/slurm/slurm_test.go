package slurm

import (
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/raftsim/raftsim/batch"
)

var update = flag.Bool("update", false, "rewrite the golden scripts in testdata/")

func options() Options {
	return Options{
		Sweep: batch.Sweep{Binary: "/opt/raftsim/bin/raftsim", Spec: "/home/me/my spec's.yaml", Trials: "50", Seed: "7",
			Shards: 3, Out: "/scratch/me/results", Dir: "/scratch/me/results.shards"},
		JobName: "raftsim-my-spec-s", Partition: "short,long", Account: "proj-1", Time: "1-12:00", Mem: "4G",
		CPUsPerTask: 4, MaxRunning: 2,
	}
}

// TestGolden compares the scripts with testdata/*.sbatch (go test -update rewrites them).
func TestGolden(t *testing.T) {
	o := options()
	if err := o.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ file, got string }{{"array.sbatch", o.ArrayScript()}, {"merge.sbatch", o.MergeScript()}} {
		golden := filepath.Join("testdata", c.file)
		if *update {
			if err := os.WriteFile(golden, []byte(c.got), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatal(err)
		}
		if c.got != string(want) {
			t.Errorf("%s differs from %s (go test -update rewrites it):\n%s", c.file, golden, c.got)
		}
	}
}

// TestScriptsRunTheContract checks what the scripts run, word by word, against batch.Sweep's commands:
// the shard command with the array index and the task's CPUs, and the merge of every shard in order.
func TestScriptsRunTheContract(t *testing.T) {
	o := options()
	o.MaxRunning = 0
	array := o.ArrayScript()
	for _, want := range []string{
		"#SBATCH --array=1-3\n", "#SBATCH --requeue\n", "#SBATCH --cpus-per-task=4\n", "#SBATCH --partition=short,long\n",
		`--shard "${SLURM_ARRAY_TASK_ID}"/3 --out /scratch/me/results.shards/shard-"${SLURM_ARRAY_TASK_ID}" --resume --workers "${SLURM_CPUS_PER_TASK:-1}"`,
		`sweep '/home/me/my spec'\''s.yaml' --seed 7 --trials 50 --shard`,
	} {
		if !strings.Contains(array, want) {
			t.Errorf("array script lacks %q:\n%s", want, array)
		}
	}
	merge := o.MergeScript()
	if strings.Contains(merge, "--array") || strings.Contains(merge, "--requeue") || !strings.Contains(merge, "#SBATCH --cpus-per-task=1\n") {
		t.Errorf("merge script: an array, a requeue or more than one CPU:\n%s", merge)
	}
	i1, i2, i3 := strings.Index(merge, "shard-1 \\\n"), strings.Index(merge, "shard-2 \\\n"), strings.Index(merge, "shard-3\n")
	if i1 < 0 || !(i1 < i2 && i2 < i3) {
		t.Errorf("merge script does not list shard-1..3 in order:\n%s", merge)
	}
}

func TestValidate(t *testing.T) {
	for _, c := range []struct {
		name   string
		change func(*Options)
		want   string // "" valid, else a word of the error
	}{
		{"ok", func(*Options) {}, ""},
		{"no limits", func(o *Options) { o.Time, o.Mem, o.Partition, o.Account = "", "", "", "" }, ""},
		{"zero shards", func(o *Options) { o.Sweep.Shards = 0 }, "shards"},
		{"relative out", func(o *Options) { o.Sweep.Out = "out/x" }, "--out"},
		{"space in shards dir", func(o *Options) { o.Sweep.Dir = "/a b" }, "--shards-dir"},
		{"percent in binary", func(o *Options) { o.Sweep.Binary = "/bin/raft%sim" }, "--raftsim"},
		{"no cpus", func(o *Options) { o.CPUsPerTask = 0 }, "--cpus-per-task"},
		{"empty job name", func(o *Options) { o.JobName = "" }, "--job-name"},
		{"partition with a space", func(o *Options) { o.Partition = "a b" }, "--partition"},
		{"partition list with a hole", func(o *Options) { o.Partition = "a,,b" }, "--partition"},
		{"account with a newline", func(o *Options) { o.Account = "a\nb" }, "--account"},
		{"qos with a quote", func(o *Options) { o.QOS = "a'" }, "--qos"},
		{"negative limit", func(o *Options) { o.MaxRunning = -1 }, "limit"},
	} {
		t.Run(c.name, func(t *testing.T) {
			o := options()
			c.change(&o)
			err := o.Validate()
			if c.want == "" && err != nil || c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)) {
				t.Errorf("Validate() = %v, want %q", err, c.want)
			}
		})
	}
}

func TestValidTime(t *testing.T) {
	for _, v := range []string{"30", "30:15", "2:00:00", "1-0", "1-12", "1-12:30", "1-12:30:59", "UNLIMITED", "INFINITE", "527040"} {
		if err := ValidTime(v); err != nil {
			t.Errorf("ValidTime(%q) = %v, want nil", v, err)
		}
	}
	for _, v := range []string{"", "0", "-1", "1e309", "NaN", "garbage!", "1:60", "1:00:60", "1-24", "1--1", "1-2:3:4:5", "999999-0", "1:2:3:4", "30 ", "527041", "1\n2", strings.Repeat("9", 1000)} {
		if err := ValidTime(v); err == nil || !strings.HasPrefix(err.Error(), "slurm: --time ") || strings.Contains(err.Error(), "\n") {
			t.Errorf("ValidTime(%q) = %v, want one line naming --time", v, err)
		}
	}
}

func TestValidMem(t *testing.T) {
	for _, v := range []string{"1", "4000", "512M", "4G", "1T", "1024T", "2048K"} {
		if err := ValidMem(v); err != nil {
			t.Errorf("ValidMem(%q) = %v, want nil", v, err)
		}
	}
	for _, v := range []string{"", "0", "-1", "1e309", "NaN", "4GB", "4g", "1025T", "1K", "1.5G", strings.Repeat("9", 100)} {
		if err := ValidMem(v); err == nil || !strings.HasPrefix(err.Error(), "slurm: --mem ") {
			t.Errorf("ValidMem(%q) = %v, want an error naming --mem", v, err)
		}
	}
}

func TestParseJobID(t *testing.T) {
	for in, want := range map[string]string{"42\n": "42", "42;cluster\n": "42", " 7 ": "7"} {
		if got, err := ParseJobID([]byte(in)); got != want || err != nil {
			t.Errorf("ParseJobID(%q) = %q, %v, want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "\n", "Submitted batch job 42\n", "x;y", "-1"} {
		if _, err := ParseJobID([]byte(in)); !errors.Is(err, ErrJobID) {
			t.Errorf("ParseJobID(%q) = %v, want ErrJobID", in, err)
		}
	}
}

// TestSubmit runs Submit against a fake sbatch: the merge depends on the array's id, and a failed
// merge submission still reports the array's id.
func TestSubmit(t *testing.T) {
	var calls [][]string
	fake := func(fail bool) Runner {
		return func(_ context.Context, args []string) ([]byte, error) {
			calls = append(calls, args)
			if len(calls) == 2 && fail {
				return nil, errors.New("sbatch: error: invalid partition")
			}
			return []byte(strings.Repeat("1", len(calls)) + "0;c\n"), nil
		}
	}
	a, m, err := Submit(context.Background(), fake(false), "/d/array.sbatch", "/d/merge.sbatch")
	if a != "10" || m != "110" || err != nil {
		t.Fatalf("Submit = %q, %q, %v, want 10, 110, nil", a, m, err)
	}
	want := [][]string{{"sbatch", "--parsable", "/d/array.sbatch"},
		{"sbatch", "--parsable", "--dependency=afterok:10", "--kill-on-invalid-dep=yes", "/d/merge.sbatch"}}
	if !slices.EqualFunc(calls, want, slices.Equal) {
		t.Errorf("sbatch calls %q, want %q", calls, want)
	}
	calls = nil
	a, _, err = Submit(context.Background(), fake(true), "/d/array.sbatch", "/d/merge.sbatch")
	if a != "10" || err == nil || !strings.Contains(err.Error(), "submitted as job 10") {
		t.Errorf("failed merge: Submit = %q, %v, want the array's id in the error", a, err)
	}
}
