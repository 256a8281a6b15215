package main

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/raftsim/raftsim/batch/k8s"
)

// Issue 11, Slurm and Kubernetes: `raftsim slurm` and `raftsim k8s` write (and slurm submits) a sharded
// sweep; TestSlurmReal runs one on a real single-node Slurm (make slurm-test starts it).

func init() {
	// TestInvalidFlags tries each flag of these commands on a run that is valid without it.
	invalidBase["raftsim slurm"] = []string{"slurm", "fig16", "--shards=2", "--raftsim=" + os.Args[0]}
	invalidBase["raftsim k8s"] = []string{"k8s", "fig16", "--shards=2", "--image=raftsim:1"}
}

// fakeExe writes an executable file for --raftsim to name.
func fakeExe(t *testing.T, dir string) string {
	t.Helper()
	exe := filepath.Join(dir, "raftsim-bin")
	if err := os.WriteFile(exe, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return exe
}

// TestSlurmScripts: without --submit, slurm writes both scripts and prints the two sbatch commands;
// the same command again is a no-op; another sweep into the same --shards-dir is refused (exit 2) and
// the scripts are left as they were.
func TestSlurmScripts(t *testing.T) {
	dir := t.TempDir()
	exe := fakeExe(t, dir)
	out := filepath.Join(dir, "res")
	args := []string{"slurm", "fig16", "--shards", "3", "--trials", "5", "--out", out, "--raftsim", exe, "--partition", "short", "--time", "0-1"}
	r := raftsim(t, nil, args...)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	array, err := os.ReadFile(filepath.Join(out+".shards", "array.sbatch"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"#SBATCH --array=1-3\n", "#SBATCH --partition=short\n", "#SBATCH --time=0-1\n",
		exe + " sweep fig16 --trials 5 --shard \"${SLURM_ARRAY_TASK_ID}\"/3 --out " + out + ".shards/shard-\"${SLURM_ARRAY_TASK_ID}\" --resume"} {
		if !bytes.Contains(array, []byte(want)) {
			t.Errorf("array.sbatch lacks %q:\n%s", want, array)
		}
	}
	if !strings.Contains(r.stdout, "sbatch --parsable "+out+".shards/array.sbatch") || !strings.Contains(r.stdout, `--dependency=afterok:"${jobid}"`) {
		t.Errorf("stdout lacks the sbatch commands:\n%s", r.stdout)
	}
	if r := raftsim(t, nil, args...); r.code != 0 {
		t.Errorf("the same command again: exit %d: %s", r.code, r.stderr)
	}
	other := append(args[:len(args):len(args)], "--seed", "9")
	r = raftsim(t, nil, other...)
	again, _ := os.ReadFile(filepath.Join(out+".shards", "array.sbatch"))
	if r.code != 2 || !strings.Contains(r.stderr, "--out") || !bytes.Equal(again, array) {
		t.Errorf("another sweep into the same directory: exit %d, %q, script changed %v; want exit 2 naming --out (whose .shards it is), script unchanged", r.code, r.stderr, !bytes.Equal(again, array))
	}
}

// TestSlurmSubmitFake submits through a fake sbatch on PATH: the merge is submitted with
// --dependency=afterok on the array's id, and both ids are printed.
func TestSlurmSubmitFake(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	os.Mkdir(bin, 0o755)
	log := filepath.Join(dir, "sbatch.log")
	fake := "#!/bin/sh\necho \"$@\" >>" + log + "\nn=$(wc -l <" + log + ")\necho \"4$n;cluster\"\n"
	if err := os.WriteFile(filepath.Join(bin, "sbatch"), []byte(fake), 0o755); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "res")
	r := raftsim(t, []string{"PATH=" + bin + ":" + os.Getenv("PATH")}, "slurm", "fig16", "--shards", "2", "--trials", "4", "--out", out, "--raftsim", fakeExe(t, dir), "--submit")
	if r.code != 0 || !strings.Contains(r.stdout, "array job 41 (2 tasks)") || !strings.Contains(r.stdout, "merge job 42") {
		t.Fatalf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	calls, _ := os.ReadFile(log)
	want := "--parsable " + out + ".shards/array.sbatch\n--parsable --dependency=afterok:41 --kill-on-invalid-dep=yes " + out + ".shards/merge.sbatch\n"
	if string(calls) != want {
		t.Errorf("sbatch was called with\n%s\nwant\n%s", calls, want)
	}
}

// TestK8sManifests: k8s writes the manifests and the kubectl commands; what it wrote passes k8s.Check
// (strict decoding into the API types, the Indexed Job rules); a spec file goes in a ConfigMap.
func TestK8sManifests(t *testing.T) {
	dir := t.TempDir()
	specFile := filepath.Join(dir, "small.yaml")
	if err := os.WriteFile(specFile, []byte("name: small\ntrials: 3\ncluster:\n  nodes: 3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, spec := range []string{"fig16", specFile} {
		d := filepath.Join(dir, filepath.Base(spec)+".k8s")
		r := raftsim(t, nil, "k8s", spec, "--shards", "3", "--image", "registry.example.com/raftsim:v1", "--cpu", "2", "--dir", d)
		if r.code != 0 || !strings.Contains(r.stdout, "kubectl apply -f "+d+"/shards.yaml") || !strings.Contains(r.stdout, "kubectl wait --for=condition=complete") {
			t.Fatalf("%s: exit %d, stdout %q, stderr %q", spec, r.code, r.stdout, r.stderr)
		}
		shards, err := os.ReadFile(filepath.Join(d, "shards.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := k8s.Check(shards); err != nil {
			t.Errorf("%s: %v", spec, err)
		}
		if got := bytes.Contains(shards, []byte("kind: ConfigMap")); got != (spec == specFile) {
			t.Errorf("%s: a ConfigMap: %v, want %v", spec, got, spec == specFile)
		}
	}
	if r := raftsim(t, nil, "k8s", "fig16", "--shards", "3"); r.code != 2 || !strings.Contains(r.stderr, "--image") {
		t.Errorf("no --image: exit %d, %q; want exit 2 naming --image", r.code, r.stderr)
	}
}

// TestSlurmReal runs fig16 at reduced trials as a 4-task Slurm array plus the merge job, submitted
// through `raftsim slurm --submit`, requeues task 1 while it runs, and compares every merged file byte for byte with a one-machine
// `raftsim sweep` of the same spec. It needs a running Slurm (scripts/slurm-local start): without
// sbatch or with no Slurm node up it fails when RAFTSIM_REQUIRE_SLURM=1 (make slurm-test) and is
// skipped otherwise.
func TestSlurmReal(t *testing.T) {
	if _, err := exec.LookPath("sbatch"); err != nil {
		if os.Getenv("RAFTSIM_REQUIRE_SLURM") == "1" {
			t.Fatal("RAFTSIM_REQUIRE_SLURM=1 but there is no sbatch (scripts/slurm-local start installs and starts Slurm)")
		}
		t.Skip("no sbatch: make slurm-test starts a single-node Slurm and runs this")
	}
	if out, err := exec.Command("sinfo", "-h", "-o", "%t").CombinedOutput(); err != nil || !regexp.MustCompile(`idle|mix|alloc`).Match(out) {
		// Installed but stopped (scripts/slurm-local stop, or a reboot) is the usual state of a
		// developer's machine after make slurm-test: only the target that starts Slurm requires it.
		if os.Getenv("RAFTSIM_REQUIRE_SLURM") == "1" {
			t.Fatalf("RAFTSIM_REQUIRE_SLURM=1 but no Slurm node is up (scripts/slurm-local start): sinfo: %v %s", err, out)
		}
		t.Skipf("sbatch is here but no Slurm node is up (make slurm-test starts one): sinfo: %v", err)
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "raftsim")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out := filepath.Join(dir, "merged")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	start := time.Now()
	submit, err := exec.CommandContext(ctx, bin, "slurm", "fig16", "--trials", "60", "--shards", "4", "--out", out, "--time", "10", "--submit").CombinedOutput()
	if err != nil {
		t.Fatalf("raftsim slurm --submit: %v\n%s", err, submit)
	}
	m := regexp.MustCompile(`merge job (\d+)`).FindSubmatch(submit)
	a := regexp.MustCompile(`array job (\d+)`).FindSubmatch(submit)
	if m == nil || a == nil {
		t.Fatalf("no job ids in:\n%s", submit)
	}
	// Requeue task 1 while it runs, as a preemption would: it must continue from its journal. (On a
	// machine so fast that the shard is done first, the requeued task finds it finished and does
	// nothing, which is also the contract; the test says which happened.)
	journal := filepath.Join(out+".shards", "shard-1", "trials.journal")
	for ctx.Err() == nil {
		j, _ := os.ReadFile(journal)
		if bytes.Count(j, []byte("\n")) >= 2+3 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if b, err := exec.CommandContext(ctx, "scontrol", "requeue", string(a[1])+"_1").CombinedOutput(); err != nil {
		t.Fatalf("scontrol requeue %s_1: %v %s", a[1], err, b)
	}
	// Slurm holds a requeued job back for two minutes (its BeginTime); start it now instead. The update
	// is taken, and ignored, while the task is still completing, so it is repeated until scontrol
	// refuses it because the task is no longer pending (it runs, or has run).
	for i := 0; ctx.Err() == nil; i++ {
		b, err := exec.CommandContext(ctx, "scontrol", "update", "JobId="+string(a[1])+"_1", "StartTime=now").CombinedOutput()
		if err != nil {
			break
		} else if i == 600 {
			t.Fatalf("scontrol update %s_1 StartTime=now: still pending after a minute: %s", a[1], b)
		}
		time.Sleep(100 * time.Millisecond)
	}
	// Wait for the merge job's end through scontrol (no accounting database here, so no sacct).
	state := ""
	for ctx.Err() == nil {
		info, _ := exec.CommandContext(ctx, "scontrol", "show", "job", string(m[1])).Output()
		if s := regexp.MustCompile(`JobState=(\w+)`).FindSubmatch(info); s != nil {
			state = string(s[1])
		}
		if state != "" && state != "PENDING" && state != "RUNNING" && state != "CONFIGURING" && state != "COMPLETING" {
			break
		}
		time.Sleep(500 * time.Millisecond)
	}
	took := time.Since(start)
	if state != "COMPLETED" {
		logs, _ := filepath.Glob(filepath.Join(out+".shards", "logs", "*"))
		var b strings.Builder
		for _, l := range logs {
			data, _ := os.ReadFile(l)
			b.WriteString(l + ":\n" + string(data))
		}
		t.Fatalf("merge job %s: %s after %v (%v)\n%s", m[1], state, took.Round(time.Second), ctx.Err(), b.String())
	}
	t.Logf("4-task array and merge through Slurm: %v from submission to the merge's end", took.Round(100*time.Millisecond))
	log1, _ := os.ReadFile(filepath.Join(out+".shards", "logs", "raftsim-fig16-"+string(a[1])+"_1.out"))
	switch resumed := regexp.MustCompile(`resumed (\d+) finished trials`).FindSubmatch(log1); {
	case resumed != nil && string(resumed[1]) != "0":
		t.Logf("task 1, requeued while it ran, resumed %s finished trials from its journal", resumed[1])
	case bytes.Contains(log1, []byte("finished")):
		t.Logf("task 1 was done before the requeue; the requeued task found its shard finished")
	default:
		t.Errorf("task 1 was requeued but its log shows neither a resume nor a finished shard:\n%s", log1)
	}
	one := filepath.Join(dir, "one")
	if b, err := exec.Command(bin, "sweep", "fig16", "--trials", "60", "--out", one, "--quiet").CombinedOutput(); err != nil {
		t.Fatalf("one-machine sweep: %v\n%s", err, b)
	}
	batchSameTree(t, one, out)
}

// batchSameTree fails unless directories a and b hold the same files with the same bytes.
func batchSameTree(t *testing.T, a, b string) {
	t.Helper()
	files := func(root string) map[string][]byte {
		m := map[string][]byte{}
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(root, p)
			m[rel], err = os.ReadFile(p)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	fa, fb := files(a), files(b)
	if len(fa) == 0 {
		t.Fatalf("%s is empty", a)
	}
	for name, data := range fa {
		if other, ok := fb[name]; !ok {
			t.Errorf("%s: not in %s", name, b)
		} else if !bytes.Equal(data, other) {
			t.Errorf("%s differs between %s and %s", name, a, b)
		}
	}
	for name := range fb {
		if _, ok := fa[name]; !ok {
			t.Errorf("%s: in %s only", name, b)
		}
	}
	t.Logf("%d files byte-identical", len(fa))
}
