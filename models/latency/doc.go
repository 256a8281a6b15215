// Package latency describes the one-way delay of a simulated network link
// as a probability distribution, written as a short text spec.
//
// A Dist is parsed once from a spec and is immutable afterwards, so one Dist
// may be shared by many links. Sampling draws from a caller-supplied
// *rand.Rand (math/rand/v2) and never from a global source, so a simulation
// seeded the same way produces the same delays. Sample does not allocate.
//
// # Specs
//
// Durations use time.ParseDuration syntax and must be >= 0.
//
//	5ms, const:5ms                 always 5ms
//	uniform:MIN:MAX                uniform on [MIN, MAX]
//	normal:MEAN:STDDEV             normal truncated to [0, inf)
//	normal:MEAN:STDDEV:MIN:MAX     normal truncated to [MIN, MAX]; MAX may be "inf"
//	exp:MEAN                       exponential with mean MEAN
//	exp:MEAN:OFFSET                OFFSET + exponential(MEAN): a floor, as on WAN links
//	lognormal:MEDIAN:SIGMA         log-normal with mu = ln(MEDIAN); SIGMA > 0 is dimensionless
//	lognormal:MEDIAN:SIGMA:OFFSET  OFFSET + log-normal
//	pareto:SCALE:ALPHA             Pareto with minimum SCALE > 0 and shape ALPHA > 0
//
// Degenerate specs are normalised to a constant: uniform with MIN == MAX,
// normal with STDDEV 0 (the mean clamped to the bounds) or MIN == MAX, and
// exp with MEAN 0. String returns the canonical spec, always of the form
// "kind:args", and Parse(d.String()) yields a Dist equal to d.
//
// A normal with explicit bounds must give them a probability of at least
// 1e-9; below that the truncated distribution cannot be computed reliably
// in float64 and Parse rejects the spec. Truncated normals are sampled
// exactly: by rejection when the bounds hold at least half of the mass
// (at most 64 tries, then the inverse CDF), otherwise by the inverse CDF.
// Either way the number of values drawn from the source depends only on
// the source's state, so runs stay reproducible.
//
// All durations are whole nanoseconds: samples are rounded to the nearest
// nanosecond and saturate at the largest time.Duration instead of
// overflowing.
package latency
