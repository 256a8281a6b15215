package sim

import "time"

// Time is an instant of virtual time: nanoseconds since the start of the run.
type Time int64

// Common instants and spans of virtual time, for readable arithmetic on Time values.
const (
	Nanosecond  Time = 1
	Microsecond      = 1000 * Nanosecond
	Millisecond      = 1000 * Microsecond
	Second           = 1000 * Millisecond
	// Never is later than any event; it is the limit of a run without an end.
	Never Time = 1<<63 - 1
)

// Add returns t advanced by d, saturating at Never: a delay drawn from a heavy-tailed distribution
// can be as large as a Duration holds, and must not wrap around into the past.
func (t Time) Add(d time.Duration) Time {
	if d > 0 && t > Never-Time(d) {
		return Never
	}
	return t + Time(d)
}

// Sub returns the span from u to t.
func (t Time) Sub(u Time) time.Duration { return time.Duration(t - u) }

// Duration returns t as a span since the start of the run.
func (t Time) Duration() time.Duration { return time.Duration(t) }

// Seconds returns t in seconds since the start of the run.
func (t Time) Seconds() float64 { return float64(t) / float64(Second) }

// Millis returns t in milliseconds since the start of the run.
func (t Time) Millis() float64 { return float64(t) / float64(Millisecond) }

// String formats t as a span since the start, e.g. "1.5s".
func (t Time) String() string {
	if t == Never {
		return "never"
	}
	return time.Duration(t).String()
}
