// Package figures draws an experiment's plots and its comparison with published results from the
// result files alone (trials.csv and the spec recorded in manifest.json), so `raftsim plot DIR`
// redraws them without running anything, and the same files always give the same bytes.
//
// Statistics are computed from the trials, per point, with the semantics of summary.csv: NaN values
// (a measure a trial could not define) are left out, +Inf (an election still unfinished when the trial
// ended) is kept and propagates honestly into means and high percentiles.
package figures
