package k8s

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"path"
	"regexp"
	"strconv"
	"strings"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"sigs.k8s.io/yaml"

	"github.com/raftsim/raftsim/batch"
)

// Paths inside the containers.
const (
	Binary    = "/usr/local/bin/raftsim" // where the Dockerfile puts raftsim
	DataMount = "/data"                  // the claim's mount
	SpecMount = "/spec"                  // the spec file's ConfigMap, read-only
)

// MaxName bounds the object name: the Job's pods are named <name>-<index>-<suffix> and their hostnames
// <name>-<index>, which must stay within a 63-character DNS label; 52 is what CronJob allows for the
// same reason.
const MaxName = 52

// Options describe the objects. Name, Image and the quantities are checked by Validate.
type Options struct {
	Name        string // the Job's name; the merge Job's is Name-merge, the ConfigMap's Name-spec
	Namespace   string // "" for kubectl's current namespace
	Image       string // an image with raftsim at Binary and a shell (the repository's Dockerfile)
	Spec        string // a built-in's name, or "" with SpecFile set
	SpecFile    string // a spec file's base name, mounted at SpecMount from the ConfigMap
	SpecText    string // the spec file's contents
	Seed        string // --seed, "" for the spec's
	Trials      string // --trials, "" for the spec's
	Shards      int    // completions: one pod per shard
	Parallelism int    // pods at once; 0 for Shards
	CPU         string // each shard pod's CPU request and limit (a quantity: 1, 500m); also its --workers
	Memory      string // each shard pod's memory request and limit (a quantity: 1Gi)
	Claim       string // an existing PersistentVolumeClaim; "" for a new one, Name-data, of Storage
	Storage     string // the new claim's size (a quantity)
	Retries     int32  // BackoffLimitPerIndex: replacements of one shard's pod before its index fails
}

var imageRE = regexp.MustCompile(`^[a-z0-9]+(?:[._-][a-z0-9]+)*(?::[0-9]+)?(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$`)

// Validate checks every option; the error names the first wrong one by its flag.
func (o *Options) Validate() error {
	if len(o.Name) > MaxName || len(validation.IsDNS1123Label(o.Name)) > 0 {
		return fmt.Errorf("k8s: --name %s: want a DNS-1123 label (a-z, 0-9, '-', starting and ending with a letter or digit) of at most %d characters", clip(o.Name), MaxName)
	}
	if o.Namespace != "" && len(validation.IsDNS1123Label(o.Namespace)) > 0 {
		return fmt.Errorf("k8s: --namespace %s: want a DNS-1123 label", clip(o.Namespace))
	}
	if len(o.Image) > 512 || !imageRE.MatchString(o.Image) {
		return fmt.Errorf("k8s: --image %s: want an image reference such as registry.example.com/raftsim:v1", clip(o.Image))
	}
	if o.Claim != "" && len(validation.IsDNS1123Subdomain(o.Claim)) > 0 {
		return fmt.Errorf("k8s: --pvc %s: want a claim's name (DNS-1123 subdomain)", clip(o.Claim))
	}
	for _, q := range []struct{ flag, v, max string }{{"cpu", o.CPU, "1024"}, {"memory", o.Memory, "16Ti"}, {"storage", o.Storage, "1Pi"}} {
		if _, err := quantity(q.flag, q.v, q.max); err != nil {
			return err
		}
	}
	switch {
	case o.Shards < 1:
		return fmt.Errorf("k8s: --shards %d: want 1 or more", o.Shards)
	case o.Parallelism < 0 || o.Parallelism > o.Shards:
		return fmt.Errorf("k8s: --parallelism %d: want 1 to --shards (%d)", o.Parallelism, o.Shards)
	case o.Retries < 0:
		return fmt.Errorf("k8s: --retries %d: want 0 or more", o.Retries)
	case (o.Spec == "") == (o.SpecFile == ""):
		return errors.New("k8s: want a built-in spec or a spec file")
	case o.SpecFile != "" && len(validation.IsConfigMapKey(o.SpecFile)) > 0:
		return fmt.Errorf("k8s: spec file name %s: want letters, digits, '-', '_' and '.'", clip(o.SpecFile))
	}
	return nil
}

// quantity parses a Kubernetes quantity that must be positive and at most max.
func quantity(flag, v, max string) (resource.Quantity, error) {
	q, err := resource.ParseQuantity(v)
	if err != nil || q.Sign() <= 0 || q.Cmp(resource.MustParse(max)) > 0 {
		return q, fmt.Errorf("k8s: --%s %s: want a positive Kubernetes quantity (such as 2, 500m, 4Gi) of at most %s", flag, clip(v), max)
	}
	return q, nil
}

// Sweep is the sweep as the pods run it: paths on the claim, the spec from the image or the ConfigMap.
func (o *Options) Sweep() batch.Sweep {
	spec := o.Spec
	if o.SpecFile != "" {
		spec = path.Join(SpecMount, o.SpecFile)
	}
	root := path.Join(DataMount, o.Name)
	return batch.Sweep{Binary: Binary, Spec: spec, Seed: o.Seed, Trials: o.Trials, Shards: o.Shards,
		Out: path.Join(root, "results"), Dir: path.Join(root, "shards")}
}

// Workers is each shard's --workers: the CPU quantity rounded up to a whole CPU.
func (o *Options) Workers() int {
	q, err := resource.ParseQuantity(o.CPU)
	if err != nil {
		return 1
	}
	return int(max(1, math.Ceil(float64(q.MilliValue())/1000)))
}

// ClaimName is the claim the pods mount.
func (o *Options) ClaimName() string {
	if o.Claim != "" {
		return o.Claim
	}
	return o.Name + "-data"
}

func (o *Options) meta(name, component string) metav1.ObjectMeta {
	return metav1.ObjectMeta{Name: name, Namespace: o.Namespace, Labels: map[string]string{
		"app.kubernetes.io/name":      "raftsim",
		"app.kubernetes.io/instance":  o.Name,
		"app.kubernetes.io/component": component,
	}}
}

// Objects returns what to create first (the claim and the ConfigMap when wanted, then the Indexed Job)
// and the merge Job, to create once the Indexed Job is complete. Options must be valid.
func (o *Options) Objects() (shards []any, merge *batchv1.Job) {
	if o.Claim == "" {
		shards = append(shards, &corev1.PersistentVolumeClaim{
			TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "PersistentVolumeClaim"},
			ObjectMeta: o.meta(o.ClaimName(), "data"),
			Spec: corev1.PersistentVolumeClaimSpec{
				// Shards run on any node at once: the volume must be writable from many.
				AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteMany},
				Resources: corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{
					corev1.ResourceStorage: resource.MustParse(o.Storage)}},
			},
		})
	}
	if o.SpecFile != "" {
		shards = append(shards, &corev1.ConfigMap{
			TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
			ObjectMeta: o.meta(o.Name+"-spec", "spec"),
			Data:       map[string]string{o.SpecFile: o.SpecText},
		})
	}
	sw := o.Sweep()
	// The shell turns the 0-based completion index into the contract's 1-based shard.
	script := "I=$((JOB_COMPLETION_INDEX + 1))\nexec " +
		batch.Shell(sw.ShardArgs(batch.Var("I"), strconv.Itoa(o.Workers())))
	parallelism := int32(o.Parallelism)
	if parallelism == 0 {
		parallelism = int32(o.Shards)
	}
	resources := corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(o.CPU), corev1.ResourceMemory: resource.MustParse(o.Memory)}
	job := &batchv1.Job{
		TypeMeta:   metav1.TypeMeta{APIVersion: "batch/v1", Kind: "Job"},
		ObjectMeta: o.meta(o.Name, "shard"),
		Spec: batchv1.JobSpec{
			CompletionMode:       ptr(batchv1.IndexedCompletion),
			Completions:          ptr(int32(o.Shards)),
			Parallelism:          &parallelism,
			BackoffLimitPerIndex: ptr(o.Retries),
			// A shard that keeps failing is a bad spec or a bug: stop the other shards rather than run
			// them for a merge that cannot happen.
			MaxFailedIndexes: ptr(int32(0)),
			Template:         o.pod("shard", []string{"/bin/sh", "-c", script}, resources),
		},
	}
	job.Spec.Template.Labels = o.meta("", "shard").Labels
	one := corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("1"), corev1.ResourceMemory: resource.MustParse(o.Memory)}
	merge = &batchv1.Job{
		TypeMeta:   metav1.TypeMeta{APIVersion: "batch/v1", Kind: "Job"},
		ObjectMeta: o.meta(o.Name+"-merge", "merge"),
		Spec: batchv1.JobSpec{
			Completions:  ptr(int32(1)),
			BackoffLimit: ptr(o.Retries),
			Template:     o.pod("merge", sw.MergeArgs(), one),
		},
	}
	merge.Spec.Template.Labels = o.meta("", "merge").Labels
	return append(shards, job), merge
}

// pod is the pod template both Jobs use: one container running command, the claim at DataMount and the
// spec at SpecMount; never restarted in place, so that each failure is counted against the backoff limit.
func (o *Options) pod(container string, command []string, resources corev1.ResourceList) corev1.PodTemplateSpec {
	mounts := []corev1.VolumeMount{{Name: "data", MountPath: DataMount}}
	volumes := []corev1.Volume{{Name: "data", VolumeSource: corev1.VolumeSource{
		PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: o.ClaimName()}}}}
	if o.SpecFile != "" {
		mounts = append(mounts, corev1.VolumeMount{Name: "spec", MountPath: SpecMount, ReadOnly: true})
		volumes = append(volumes, corev1.Volume{Name: "spec", VolumeSource: corev1.VolumeSource{
			ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: o.Name + "-spec"}}}})
	}
	return corev1.PodTemplateSpec{Spec: corev1.PodSpec{
		RestartPolicy: corev1.RestartPolicyNever,
		// The image's user (Dockerfile: 65532); fsGroup makes the claim writable by it.
		SecurityContext: &corev1.PodSecurityContext{RunAsNonRoot: ptr(true), RunAsUser: ptr(int64(65532)), FSGroup: ptr(int64(65532))},
		Containers: []corev1.Container{{
			Name:         container,
			Image:        o.Image,
			Command:      command,
			Resources:    corev1.ResourceRequirements{Requests: resources, Limits: resources},
			VolumeMounts: mounts,
		}},
		Volumes: volumes,
	}}
}

func ptr[T any](v T) *T { return &v }

// Marshal writes objects as one YAML stream, "---" between documents, for kubectl apply -f.
func Marshal(objects ...any) ([]byte, error) {
	var b bytes.Buffer
	for i, obj := range objects {
		y, err := yaml.Marshal(obj)
		if err != nil {
			return nil, fmt.Errorf("k8s: %w", err)
		}
		if i > 0 {
			b.WriteString("---\n")
		}
		b.Write(y)
	}
	return b.Bytes(), nil
}

// clip quotes v for a message, cut to 60 bytes so that a huge or multi-line value stays one short line.
func clip(v string) string {
	if len(v) > 60 {
		v = v[:60] + "..."
	}
	return strconv.Quote(v)
}

// documents splits a YAML stream written by Marshal.
func documents(stream []byte) [][]byte {
	var docs [][]byte
	for _, d := range strings.Split(string(stream), "\n---\n") {
		if strings.TrimSpace(d) != "" {
			docs = append(docs, []byte(d))
		}
	}
	return docs
}
