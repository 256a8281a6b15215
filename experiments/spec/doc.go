// Package spec reads experiment files: YAML that names an experiment, the cluster it runs, the
// scenario of each trial, the axes of its sweep, the figures drawn from its results and, optionally,
// published numbers to compare them with. docs/experiments.md describes the format.
//
// Parse is strict and complete: it rejects an unknown or duplicate key, a value of the wrong type or
// out of its domain, and it expands the sweep and checks every point (faults <= nodes, stale
// followers <= nodes-2, every time before the end of the run, schedule node IDs within the cluster,
// cluster.Config.Validate), so that a spec that parses always plans. Errors are one line naming the
// file, the line and the field, or for a point the axis responsible and the point:
//
//	spec: quorum.yaml:3: axes[0].to: nodes is axes[1], a later axis: a bound may only name an earlier one
//	spec: quorum.yaml:14: axes[1] (faults=6 at nodes=5): faults 6 > nodes 5
//
// Every parameter is one row of a registry (see Params) that says how to read it from YAML, how to
// write it canonically and how to apply it to a cluster.Config; the cluster: and scenario: sections,
// axes and variants all go through it, so a new setting is one row. Values are kept as canonical text:
// "0.15s:300ms" and "150ms:300ms" are the same election timeout and the same point.
//
// Plan expands the axes into experiments.Points, the first axis outermost. A point's key holds only
// its coordinates, so its trial seeds (experiments.TrialSeed) do not change when values are added to
// an axis or settings change elsewhere. Canonical is the whole spec as canonical YAML, which results
// manifests store: Parse(Canonical()) gives the same spec and the same plan.
package spec
