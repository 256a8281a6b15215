// Package k8s writes a sharded sweep (batch.Sweep) as Kubernetes objects: a batch/v1 Job in Indexed
// completion mode, whose pod of index K (JOB_COMPLETION_INDEX, 0-based) runs shard K+1 of N, and a
// merge Job to create once that Job is complete (Kubernetes has no dependency between Jobs; `kubectl
// wait --for=condition=complete` is the ordinary way). Both mount one PersistentVolumeClaim, which holds
// the shard directories and the merged results; a spec file travels in a ConfigMap.
//
// The objects are built from the API's own Go types (k8s.io/api batch/v1 and core/v1) and written as
// YAML by sigs.k8s.io/yaml, so that a field name or a nesting cannot be misspelled; Check holds them to
// the rules the API server applies to an Indexed Job (completions set, a pod restart policy of Never or
// OnFailure, DNS-1123 names, quantities that parse). They were checked in tests only, never run on a
// live cluster here.
//
// A shard pod that fails or is evicted is replaced (up to BackoffLimitPerIndex times per index), and its
// shard command, being idempotent (--resume), continues from the shard's journal on the volume.
package k8s
