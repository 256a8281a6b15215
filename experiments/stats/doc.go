// Package stats summarises the per-trial measurements of raftsim experiments.
//
// It has two halves:
//
//   - Batch statistics over a slice of samples, used when a sweep point has
//     a modest number of values (one per trial). Summarize computes them
//     exactly on the values' shortest decimal text and rounds once, so
//     summary.csv reads "0.0640697" where float sums give
//     "0.06406970000000001"; Mean, StdDev, CI95 and Percentile are the
//     float64 versions, which agree with numpy to the last bit.
//   - Histogram, a fixed-size log-linear histogram of non-negative int64
//     values (durations in nanoseconds, byte counts) whose memory does not
//     grow with simulated time, used inside long trials.
//
// Everything here is deterministic: no randomness, no map iteration, and
// floating-point sums are accumulated in input order.
package stats
