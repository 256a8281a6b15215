// Package experiments holds what the parts of an experiment share: a Plan (the points of a sweep, each a
// complete cluster configuration) and the rule that gives every trial its seed.
//
// The pipeline, package by package:
//
//   - spec parses and validates an experiment file (YAML) and expands it into a Plan;
//   - sweep runs the Plan's trials in parallel, journals each finished trial durably, resumes, and writes
//     the result files (manifest.json, trials.csv, summary.csv) through results;
//   - measure turns one run into its row of measures;
//   - stats computes means, confidence intervals and percentiles;
//   - figures draws the spec's plots from the result files alone, with plots;
//   - specs embeds the built-in experiments.
//
// A trial's seed is derived from the root seed, the point's own parameter values and the trial index
// (TrialSeed), never from the point's position in the sweep or from the worker that runs it: results
// do not depend on the worker count or on scheduling, and adding a value to an axis leaves every other
// point's results unchanged.
package experiments
