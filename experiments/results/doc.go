// Package results reads and writes the files of a results directory: manifest.json (what produced the
// results), trials.csv (one row per trial) and summary.csv (one row per point).
//
// The files are a pure function of the plan, the trials' measures, the binary's build information and
// the command line the caller records: nothing in them depends on wall-clock time, on the order in
// which trials finished or on the number of workers, so two runs of the same sweep give byte-identical
// files. Every file is written atomically (internal/atomicfile): a failed write leaves no partial file and
// leaves an existing file as it was. Lock holds a results directory for one process at a time.
//
// Numbers are written as FormatNumber does: integral values as integers ("42", "1500000"), other values
// in the shortest form that parses back to the same float64 ("0.1", "1.5e-07"), NaN as "NaN" and
// infinities as "+Inf" and "-Inf". The sign of zero is not kept. Axis values are the points'
// canonical coordinate text, quoted by encoding/csv (RFC 4180) only when needed.
//
// trials.csv has the columns
//
//	<axis>..., trial, seed, <measure>...
//
// with trial the 0-based trial index and seed the trial's seed (experiments.TrialSeed), its rows sorted
// by point (Point.Index) and trial. summary.csv has the columns
//
//	<axis>..., trials, then for every measure <m>_mean, <m>_ci95, <m>_p50, <m>_p90, <m>_p99, <m>_max
//
// one row per point, in point order. A measure's statistics are computed over the point's trials where
// the measure is defined: NaN values (a latency when no write succeeded, a downtime when no leader
// crashed) are left out, so <m>_mean is the mean over the trials that define <m>, and a measure that no
// trial defines is NaN in every statistic. trials counts all the point's trials. Infinities are kept:
// one trial with an election still unfinished at the end (+Inf downtime) makes the mean and the max
// +Inf, and each percentile is +Inf exactly when it interpolates towards an infinite value. The mean
// and ci95 are stats.Mean and stats.CI95 (Student t, NaN with fewer than two values); percentiles are
// stats.Percentile (type 7, as numpy) on the sorted values.
package results
