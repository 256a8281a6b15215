package k8s

import (
	"fmt"
	"strings"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	kjson "sigs.k8s.io/json"
	"sigs.k8s.io/yaml"
)

// Check reads a YAML stream back into the API types, refusing any field the types do not have
// (case-sensitive, as the API server's strict field validation reads them: sigs.k8s.io/json), and holds each object to the rules the API server applies to it:
// for a Job, a DNS-1123 name short enough for its pods' hostnames, a pod restart policy of Never or
// OnFailure, containers with a DNS-1123 label for a name, an image and quantities that parse; for an
// Indexed Job, completions set and a per-index backoff limit only with Indexed; volumes mounted by
// name; a claim with an access mode and a storage request; ConfigMap keys that are valid keys. It
// returns the objects read, or the first problem found.
func Check(stream []byte) ([]any, error) {
	var out []any
	for i, doc := range documents(stream) {
		var tm metav1.TypeMeta
		if err := yaml.Unmarshal(doc, &tm); err != nil {
			return nil, fmt.Errorf("k8s: document %d: %w", i+1, err)
		}
		var obj any
		switch tm.APIVersion + " " + tm.Kind {
		case "batch/v1 Job":
			obj = &batchv1.Job{}
		case "v1 ConfigMap":
			obj = &corev1.ConfigMap{}
		case "v1 PersistentVolumeClaim":
			obj = &corev1.PersistentVolumeClaim{}
		default:
			return nil, fmt.Errorf("k8s: document %d: unexpected kind %q %q", i+1, tm.APIVersion, tm.Kind)
		}
		// As the API server decodes with strict field validation: YAML to JSON refusing duplicate
		// keys, then case-sensitive JSON refusing unknown fields (sigs.k8s.io/yaml's own
		// UnmarshalStrict matches field names regardless of case, so restartpolicy would pass).
		j, err := yaml.YAMLToJSONStrict(doc)
		if err != nil {
			return nil, fmt.Errorf("k8s: document %d (%s): %w", i+1, tm.Kind, err)
		}
		strict, err := kjson.UnmarshalStrict(j, obj, kjson.DisallowDuplicateFields, kjson.DisallowUnknownFields)
		if err == nil && len(strict) > 0 {
			err = strict[0]
		}
		if err != nil {
			return nil, fmt.Errorf("k8s: document %d (%s): %w", i+1, tm.Kind, err)
		}
		switch o := obj.(type) {
		case *batchv1.Job:
			err = checkJob(o)
		case *corev1.ConfigMap:
			err = checkMeta(o.ObjectMeta, 253)
			for k := range o.Data {
				if errs := validation.IsConfigMapKey(k); err == nil && len(errs) > 0 {
					err = fmt.Errorf("key %q: %s", k, errs[0])
				}
			}
		case *corev1.PersistentVolumeClaim:
			err = checkMeta(o.ObjectMeta, 253)
			if _, ok := o.Spec.Resources.Requests[corev1.ResourceStorage]; err == nil && (len(o.Spec.AccessModes) == 0 || !ok) {
				err = fmt.Errorf("a claim needs an access mode and a storage request")
			}
		}
		if err != nil {
			return nil, fmt.Errorf("k8s: document %d (%s): %w", i+1, tm.Kind, err)
		}
		out = append(out, obj)
	}
	return out, nil
}

func checkMeta(m metav1.ObjectMeta, maxName int) error {
	if errs := validation.IsDNS1123Subdomain(m.Name); len(errs) > 0 || len(m.Name) > maxName {
		return fmt.Errorf("name %q: not a DNS-1123 name of at most %d characters", m.Name, maxName)
	}
	if m.Namespace != "" && len(validation.IsDNS1123Label(m.Namespace)) > 0 {
		return fmt.Errorf("namespace %q: not a DNS-1123 label", m.Namespace)
	}
	for k, v := range m.Labels {
		if errs := append(validation.IsQualifiedName(k), validation.IsValidLabelValue(v)...); len(errs) > 0 {
			return fmt.Errorf("label %s=%s: %s", k, v, strings.Join(errs, "; "))
		}
	}
	return nil
}

func checkJob(j *batchv1.Job) error {
	if err := checkMeta(j.ObjectMeta, MaxName+len("-merge")); err != nil {
		return err
	}
	s := &j.Spec
	indexed := s.CompletionMode != nil && *s.CompletionMode == batchv1.IndexedCompletion
	switch {
	case s.CompletionMode != nil && !indexed && *s.CompletionMode != batchv1.NonIndexedCompletion:
		return fmt.Errorf("completionMode %q", *s.CompletionMode)
	case indexed && (s.Completions == nil || *s.Completions < 1):
		return fmt.Errorf("an Indexed Job needs completions of 1 or more")
	case indexed && len(j.Name) > MaxName:
		return fmt.Errorf("an Indexed Job's name %q is longer than %d characters", j.Name, MaxName)
	case !indexed && (s.BackoffLimitPerIndex != nil || s.MaxFailedIndexes != nil):
		return fmt.Errorf("backoffLimitPerIndex and maxFailedIndexes need completionMode Indexed")
	case s.Parallelism != nil && *s.Parallelism < 0, s.Completions != nil && *s.Completions < 0:
		return fmt.Errorf("negative parallelism or completions")
	case s.Template.Spec.RestartPolicy != corev1.RestartPolicyNever && s.Template.Spec.RestartPolicy != corev1.RestartPolicyOnFailure:
		return fmt.Errorf("restartPolicy %q: a Job's pods need Never or OnFailure", s.Template.Spec.RestartPolicy)
	case s.BackoffLimitPerIndex != nil && s.Template.Spec.RestartPolicy != corev1.RestartPolicyNever:
		return fmt.Errorf("backoffLimitPerIndex needs restartPolicy Never")
	case len(s.Template.Spec.Containers) == 0:
		return fmt.Errorf("no container")
	}
	volumes := map[string]bool{}
	for _, v := range s.Template.Spec.Volumes {
		if len(validation.IsDNS1123Label(v.Name)) > 0 {
			return fmt.Errorf("volume %q: not a DNS-1123 label", v.Name)
		}
		volumes[v.Name] = true
	}
	for _, c := range s.Template.Spec.Containers {
		switch {
		case len(validation.IsDNS1123Label(c.Name)) > 0:
			return fmt.Errorf("container %q: not a DNS-1123 label", c.Name)
		case c.Image == "" || len(c.Command) == 0:
			return fmt.Errorf("container %s: no image or no command", c.Name)
		}
		for _, m := range c.VolumeMounts {
			if !volumes[m.Name] || !strings.HasPrefix(m.MountPath, "/") {
				return fmt.Errorf("container %s: mount %s at %q: no such volume, or a relative path", c.Name, m.Name, m.MountPath)
			}
		}
		for name, q := range c.Resources.Requests {
			if l, ok := c.Resources.Limits[name]; ok && q.Cmp(l) > 0 {
				return fmt.Errorf("container %s: %s request %s above its limit %s", c.Name, name, q.String(), l.String())
			}
			if q.Cmp(resource.Quantity{}) <= 0 {
				return fmt.Errorf("container %s: %s request %s", c.Name, name, q.String())
			}
		}
	}
	return nil
}
