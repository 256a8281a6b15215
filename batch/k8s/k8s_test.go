package k8s

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	batchv1 "k8s.io/api/batch/v1"
)

var update = flag.Bool("update", false, "rewrite the golden manifests in testdata/")

// cases are the golden manifests: a spec file through a ConfigMap and a new claim; a built-in on an
// existing claim, in a namespace, two pods at a time.
var cases = map[string]Options{
	"file": {Name: "my-sweep", Image: "registry.example.com/raftsim:v1", SpecFile: "my-sweep.yaml",
		SpecText: "name: my-sweep\ntrials: 10\n", Trials: "20", Shards: 3, CPU: "1500m", Memory: "1Gi", Storage: "2Gi", Retries: 3},
	"builtin": {Name: "fig16", Namespace: "research", Image: "raftsim:dev", Spec: "fig16", Seed: "7", Shards: 4,
		Parallelism: 2, CPU: "2", Memory: "512Mi", Claim: "shared-scratch", Storage: "1Gi", Retries: 0},
}

func manifests(t *testing.T, o Options) (shards, merge []byte) {
	t.Helper()
	if err := o.Validate(); err != nil {
		t.Fatal(err)
	}
	objs, m := o.Objects()
	shards, err := Marshal(objs...)
	if err != nil {
		t.Fatal(err)
	}
	if merge, err = Marshal(m); err != nil {
		t.Fatal(err)
	}
	return shards, merge
}

// TestGolden compares the manifests with testdata/<case>-{shards,merge}.yaml (-update rewrites them).
func TestGolden(t *testing.T) {
	for name, o := range cases {
		shards, merge := manifests(t, o)
		for file, got := range map[string][]byte{name + "-shards.yaml": shards, name + "-merge.yaml": merge} {
			golden := filepath.Join("testdata", file)
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				continue
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from %s (go test -update rewrites it):\n%s", file, golden, got)
			}
		}
	}
}

// TestCheckManifests reads every emitted manifest back strictly into the API types, holds it to the API
// server's rules for its kind, and writes what was read again: the same bytes, so that no field was
// dropped or added on the way.
func TestCheckManifests(t *testing.T) {
	for name, o := range cases {
		shards, merge := manifests(t, o)
		for _, stream := range [][]byte{shards, merge} {
			objs, err := Check(stream)
			if err != nil {
				t.Fatalf("%s: %v\n%s", name, err, stream)
			}
			again, err := Marshal(objs...)
			if err != nil || !bytes.Equal(again, stream) {
				t.Errorf("%s: read back and written again, the manifest changed (%v):\n%s\nwas\n%s", name, err, again, stream)
			}
		}
		objs, _ := Check(shards)
		job, ok := objs[len(objs)-1].(*batchv1.Job)
		if !ok || *job.Spec.CompletionMode != batchv1.IndexedCompletion || *job.Spec.Completions != int32(o.Shards) {
			t.Errorf("%s: the last object is not an Indexed Job of %d completions: %#v", name, o.Shards, objs[len(objs)-1])
			continue
		}
		script := strings.Join(job.Spec.Template.Spec.Containers[0].Command, " ")
		if !strings.Contains(script, "I=$((JOB_COMPLETION_INDEX + 1))") || !strings.Contains(script, `--shard "${I}"/`) || !strings.Contains(script, "--resume") {
			t.Errorf("%s: the shard command does not map the 0-based index to shard I of N with --resume: %s", name, script)
		}
	}
}

// TestCheckRefuses feeds Check manifests the API server would refuse, each made from a valid one by
// one edit of its YAML: Check must name the problem.
func TestCheckRefuses(t *testing.T) {
	shards, _ := manifests(t, cases["builtin"])
	for _, c := range []struct{ name, old, new, want string }{
		{"unknown field", "  completionMode: Indexed\n", "  completionMode: Indexed\n  completionz: 3\n", "unknown field"},
		{"misspelled field", "restartPolicy: Never", "restartpolicy: Never", "unknown field"},
		{"restart always", "restartPolicy: Never", "restartPolicy: Always", "restartPolicy"},
		{"no completions", "  completions: 4\n", "", "completions"},
		{"bad name", "name: fig16\n  namespace", "name: Fig_16\n  namespace", "name"},
		{"bad container", "name: shard\n", "name: Shard!\n", "container"},
		{"missing volume", "- name: data\n        persistentVolumeClaim", "- name: other\n        persistentVolumeClaim", "volume"},
		{"bad quantity", "cpu: \"2\"", "cpu: lots", "quantities"},
		{"duplicate field", "  completions: 4\n", "  completions: 4\n  completions: 5\n", "already set"},
		{"unknown kind", "kind: Job", "kind: CronJob", "unexpected kind"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if !bytes.Contains(shards, []byte(c.old)) {
				t.Fatalf("the manifest lacks %q:\n%s", c.old, shards)
			}
			bad := bytes.Replace(shards, []byte(c.old), []byte(c.new), 1)
			if _, err := Check(bad); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("Check = %v, want an error with %q", err, c.want)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	for _, c := range []struct {
		name   string
		change func(*Options)
		want   string
	}{
		{"ok", func(*Options) {}, ""},
		{"long name", func(o *Options) { o.Name = strings.Repeat("a", MaxName+1) }, "--name"},
		{"upper-case name", func(o *Options) { o.Name = "Fig16" }, "--name"},
		{"bad namespace", func(o *Options) { o.Namespace = "-x" }, "--namespace"},
		{"bad image", func(o *Options) { o.Image = "Raftsim:v1" }, "--image"},
		{"image with space", func(o *Options) { o.Image = "raftsim v1" }, "--image"},
		{"bad claim", func(o *Options) { o.Claim = "a b" }, "--pvc"},
		{"zero cpu", func(o *Options) { o.CPU = "0" }, "--cpu"},
		{"huge cpu", func(o *Options) { o.CPU = "1e309" }, "--cpu"},
		{"negative memory", func(o *Options) { o.Memory = "-1Gi" }, "--memory"},
		{"garbage storage", func(o *Options) { o.Storage = "lots" }, "--storage"},
		{"parallelism above shards", func(o *Options) { o.Parallelism = 4 }, "--parallelism"},
		{"no shards", func(o *Options) { o.Shards = 0 }, "--shards"},
	} {
		t.Run(c.name, func(t *testing.T) {
			o := cases["file"]
			c.change(&o)
			err := o.Validate()
			if c.want == "" && err != nil || c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)) {
				t.Errorf("Validate() = %v, want %q", err, c.want)
			}
		})
	}
}

func TestWorkers(t *testing.T) {
	for cpu, want := range map[string]int{"1": 1, "1500m": 2, "100m": 1, "4": 4} {
		if got := (&Options{CPU: cpu}).Workers(); got != want {
			t.Errorf("Workers(cpu %s) = %d, want %d", cpu, got, want)
		}
	}
}
