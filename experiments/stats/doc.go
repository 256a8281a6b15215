// Package stats summarises the per-trial measurements of raftsim experiments.
//
// It has two halves:
//
//   - Batch statistics over a slice of samples (Mean, StdDev, CI95,
//     Percentile, Summarize), used when a sweep point has a modest number
//     of values (one per trial, or all events of a short trial).
//   - Histogram, a fixed-size log-linear histogram of non-negative int64
//     values (durations in nanoseconds, byte counts) whose memory does not
//     grow with simulated time, used inside long trials.
//
// Everything here is deterministic: no randomness, no map iteration, and
// floating-point sums are accumulated in input order.
package stats
