package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/raftsim/raftsim/batch"
	"github.com/raftsim/raftsim/batch/k8s"
)

type k8sFlags struct {
	batchFlags
	dir, image, name, namespace string
	cpu, memory, pvc, storage   string
	parallelism, retries        string
}

func newK8sCmd() *cobra.Command {
	f := &k8sFlags{}
	cmd := &cobra.Command{
		Use:   "k8s SPEC --shards N --image IMAGE",
		Short: "write a sweep as a Kubernetes Indexed Job and a merge Job",
		Long: "Write a sweep as Kubernetes manifests: an Indexed Job of N pods, the pod of completion index K\n" +
			"running shard K+1 of N (raftsim sweep SPEC --shard K+1/N --resume, so a replaced pod resumes from\n" +
			"its journal), and a merge Job to apply once that Job is complete. Both mount one\n" +
			"PersistentVolumeClaim (--pvc, or a new ReadWriteMany claim of --storage), which holds the shards\n" +
			"and the merged results under /data/NAME; a spec file goes in a ConfigMap. IMAGE is built from the\n" +
			"repository's Dockerfile. The manifests go to --dir, with the kubectl commands to run printed.\n" +
			"They were checked against the API types in tests, not run on a live cluster (docs/batch.md).",
		Example: "  raftsim k8s fig16-sensitivity --shards 20 --image registry.example.com/raftsim:v1 --cpu 2\n" +
			"  raftsim k8s my-experiment.yaml --shards 8 --image raftsim:dev --pvc scratch --namespace research",
		Args: exactArgs(1, "one SPEC (a built-in or a spec file)"),
	}
	fs := cmd.Flags()
	fs.SortFlags = false
	f.addShards(fs)
	fs.Var(&textValue{&f.image, "NAME"}, "image", "the container image: raftsim at "+k8s.Binary+" and a shell (the repository's Dockerfile); required")
	fs.StringVar(&f.dir, "dir", "", "`DIR` the manifests go to (default out/<experiment>.k8s)")
	fs.Var(&textValue{&f.name, "NAME"}, "name", "the Job's name; the merge Job's is NAME-merge (default raftsim-<experiment>)")
	fs.Var(&textValue{&f.namespace, "NAME"}, "namespace", "the objects' namespace (default kubectl's current one)")
	fs.Var(&textValue{&f.cpu, "QUANTITY"}, "cpu", "CPU request and limit of each shard pod, and its --workers rounded up (default 1)")
	fs.Var(&textValue{&f.memory, "QUANTITY"}, "memory", "memory request and limit of each pod (default 1Gi)")
	fs.Var(&textValue{&f.pvc, "NAME"}, "pvc", "an existing PersistentVolumeClaim (ReadWriteMany) for shards and results (default: a new one, NAME-data)")
	fs.Var(&textValue{&f.storage, "QUANTITY"}, "storage", "the size of the new claim (default 1Gi)")
	fs.Var(&textValue{&f.parallelism, "N"}, "parallelism", "at most N shard pods at once (default --shards)")
	fs.Var(&textValue{&f.retries, "N"}, "retries", "replacements of a failed shard pod before the Job fails (default 3)")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		f.changed = cmd.Flags().Changed
		return runK8s(args[0], f, cmd.OutOrStdout())
	}
	return cmd
}

func runK8s(arg string, f *k8sFlags, stdout io.Writer) error {
	o := k8s.Options{Image: f.image, Namespace: f.namespace, Claim: f.pvc, CPU: "1", Memory: "1Gi", Storage: "1Gi", Retries: 3}
	for _, q := range []struct {
		flag, v string
		p       *string
	}{{"cpu", f.cpu, &o.CPU}, {"memory", f.memory, &o.Memory}, {"storage", f.storage, &o.Storage}} {
		if q.v != "" || flagSet(f.changed, q.flag) {
			*q.p = q.v
		}
	}
	for _, c := range []struct {
		flag, v string
		set     func(int)
	}{{"parallelism", f.parallelism, func(n int) { o.Parallelism = n }}, {"retries", f.retries, func(n int) { o.Retries = int32(n) }}} {
		if c.v == "" && !flagSet(f.changed, c.flag) {
			continue
		}
		n, err := strconv.Atoi(strings.TrimSpace(c.v))
		if err != nil || n < 0 || n > maxShards || c.flag == "parallelism" && n < 1 {
			return usageErrorf("--%s %s: want a whole number from %d to %d", c.flag, clipArg(c.v), map[bool]int{true: 1}[c.flag == "parallelism"], maxShards)
		}
		c.set(n)
	}
	for _, c := range []struct{ flag, v string }{{"namespace", f.namespace}, {"pvc", f.pvc}} {
		if c.v == "" && flagSet(f.changed, c.flag) {
			return usageErrorf("--%s: empty (leave the flag out for the default)", c.flag)
		}
	}
	if f.image == "" && !flagSet(f.changed, "image") {
		return usageErrorf("--image: missing: the container image to run (docs/batch.md builds one)")
	}
	// The names and quantities first, with a stand-in for what the spec decides, so that a bad flag is
	// named before the spec is read.
	o.Name, o.Spec, o.Shards = "x", "x", 1
	if f.name != "" || flagSet(f.changed, "name") {
		o.Name = f.name
	}
	if err := o.Validate(); err != nil {
		return usageErrorf("%s", strings.TrimPrefix(err.Error(), "k8s: "))
	}
	sw, name, plan, err := f.sweep(arg)
	if err != nil {
		return err
	}
	o.Shards, o.Seed, o.Trials, o.Spec = sw.Shards, sw.Seed, sw.Trials, sw.Spec
	if o.Parallelism > o.Shards {
		return usageErrorf("--parallelism %d: more than --shards %d", o.Parallelism, o.Shards)
	}
	if f.name == "" {
		o.Name = "raftsim-" + batch.Name(name)
		if len(o.Name) > k8s.MaxName {
			o.Name = strings.TrimRight(o.Name[:k8s.MaxName], "-")
		}
	}
	if filepath.IsAbs(sw.Spec) { // a spec file: it travels in a ConfigMap, under its base name
		if len(plan.Inputs) > 0 {
			return usageErrorf("k8s: spec %s reads %s besides itself, which a ConfigMap of the spec alone does not carry: build an image with both, and give the spec's path in it", arg, plan.Inputs[0].Path)
		}
		text, err := os.ReadFile(sw.Spec)
		if err != nil {
			return usageErrorf("k8s: spec %v", err)
		}
		o.Spec, o.SpecFile, o.SpecText = "", filepath.Base(sw.Spec), string(text)
	}
	if err := o.Validate(); err != nil {
		return usageErrorf("%s", strings.TrimPrefix(err.Error(), "k8s: "))
	}
	if f.dir == "" {
		f.dir = filepath.Join("out", name+".k8s")
	}
	dir, err := absDir("dir", f.dir)
	if err != nil {
		return err
	}
	objs, merge := o.Objects()
	shardsYAML, err := k8s.Marshal(objs...)
	if err != nil {
		return err
	}
	mergeYAML, err := k8s.Marshal(merge)
	if err != nil {
		return err
	}
	// What is written is read back into the API types and held to the API server's rules first.
	for _, m := range [][]byte{shardsYAML, mergeYAML} {
		if _, err := k8s.Check(m); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return usageErrorf("--dir: %v", err)
	}
	shardsFile, mergeFile := filepath.Join(dir, "shards.yaml"), filepath.Join(dir, "merge.yaml")
	if err := writeOwn("dir", shardsFile, shardsYAML); err != nil {
		return err
	}
	if err := writeOwn("dir", mergeFile, mergeYAML); err != nil {
		return err
	}
	ns := ""
	if o.Namespace != "" {
		ns = " -n " + o.Namespace
	}
	s := o.Sweep()
	fmt.Fprintf(stdout, "raftsim k8s %s: %d shards as the Indexed Job %s; manifests %s and %s\n", name, o.Shards, o.Name, shardsFile, mergeFile)
	fmt.Fprintf(stdout, "run with:\n  kubectl%s apply -f %s\n  kubectl%s wait --for=condition=complete --timeout=24h job/%s\n  kubectl%s apply -f %s\n  kubectl%s wait --for=condition=complete --timeout=1h job/%s-merge\n",
		ns, batch.Shell([]string{shardsFile}), ns, o.Name, ns, batch.Shell([]string{mergeFile}), ns, o.Name)
	fmt.Fprintf(stdout, "results in %s on the claim %s\n", s.Out, o.ClaimName())
	return nil
}
