// Package results reads and writes the files of a results directory: manifest.json (what produced the
// results), trials.csv (one row per trial), summary.csv (one row per point) and summary_long.csv (one
// row per point, measure and statistic). docs/experiments.md ("Result files") describes every column
// for the people who analyse them; this comment says how the package keeps them.
//
// The files are a pure function of the plan, the trials' measures, the binary's build information and
// the command line the caller records: nothing in them depends on wall-clock time, on the order in
// which trials finished or on the number of workers, so two runs of the same sweep give byte-identical
// files. Every file is written atomically (internal/atomicfile): a failed write leaves no partial file and
// leaves an existing file as it was. Lock holds a results directory for one process at a time.
//
// Numbers are written as FormatNumber does: integral values as integers ("42", "1500000"), other values
// in the shortest form that parses back to the same float64 ("0.1", "1.5e-07"), NaN as "NaN" and
// infinities as "+Inf" and "-Inf". The sign of zero is not kept. Seeds are written as FormatSeed does
// ("0xa8b0_e2c6_f7e3_1a17"), a form no analysis tool takes for a number and rounds. Axis values are the
// points' canonical coordinate text, quoted by encoding/csv (RFC 4180) only when needed; an axis whose
// text is not a number is followed by its numeric columns (experiments.AxisKind: <axis>_ms for a
// duration, <axis>_min_ms and <axis>_max_ms for the election timeout, <axis>_bps for a bandwidth).
//
// trials.csv has the columns
//
//	<axis columns>..., trial, seed, <measure>...
//
// with trial the 0-based trial index and seed the trial's seed (experiments.TrialSeed), its rows sorted
// by point (Point.Index) and trial. summary.csv has the columns
//
//	<axis columns>..., trials, then for every measure <m>_<stat> for each stat of SummaryStats
//
// one row per point, in point order, and summary_long.csv the columns
//
//	<axis columns>..., trials, measure, statistic, value
//
// with the same numbers, one row per point, measure and statistic (in the orders of the plan, the
// measures and SummaryStats). A measure's statistics are stats.Summarize over the point's trials where
// the measure is defined: NaN values (a latency when no write succeeded, a downtime when no leader
// crashed) are left out and counted out of <m>_n, so <m>_mean is the mean over the <m>_n trials that
// define <m>, and a measure that no trial defines has n 0 and NaN statistics. trials counts all the
// point's trials. Infinities are kept (see stats.Summary).
//
// Reading back is checked: LoadTrials and Check hold the files against the plan of their manifest (the
// points, their order and coordinates, the trial count and every trial's seed, the columns, numbers
// where numbers belong, the statistics against the trials) and return a *FileError naming the file,
// the line and the problem, so that a cut, duplicated or relabelled file is refused before anything is
// drawn from it. ReadTable reads any of the CSV files as text, unchecked.
package results
