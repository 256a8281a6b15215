package sim

import (
	"math"
	"strings"
	"time"
)

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

// MaxDuration is the longest span of simulated time, from the start of a run to Never: the value every
// conversion and sum below saturates at.
const MaxDuration = time.Duration(Never)

// twoTo63 is float64(MaxDuration) rounded up: the first float64 that does not fit in a Duration.
const twoTo63 = 1 << 63

// FloatNanos rounds x nanoseconds to the nearest Duration, saturating: NaN and anything not above 0 give
// 0 (no span in the simulator is negative), and anything from 2^63 on (+Inf included) gives
// MaxDuration. A plain time.Duration(x) is undefined for such values and in practice wraps into the
// past, which the event loop refuses with a panic; every float-to-time conversion of the simulator
// goes through here (a transmission of size/bandwidth, a disk write, a latency sample, a chaos gap).
func FloatNanos(x float64) time.Duration {
	switch {
	case !(x > 0):
		return 0
	case x >= twoTo63:
		return MaxDuration
	}
	return time.Duration(math.Round(x))
}

// FloatSeconds is FloatNanos of s seconds: the time to move b bytes at r bytes/s is FloatSeconds(b/r),
// which is MaxDuration, not a wrapped negative span, when r is close to 0.
func FloatSeconds(s float64) time.Duration { return FloatNanos(s * float64(Second)) }

// AddDurations returns a+b for non-negative spans, saturating at MaxDuration: a heavy-tailed sample
// plus an offset, or a backlog plus one more transmission, never wraps around.
func AddDurations(a, b time.Duration) time.Duration {
	if b > MaxDuration-a {
		return MaxDuration
	}
	return a + b
}

// Add returns t advanced by d, saturating at Never: a delay drawn from a heavy-tailed distribution
// can be as large as a Duration holds, and must not wrap around into the past. t is an instant of a
// run, so not negative.
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

// String formats t as a span since the start, e.g. "1.5s" or "500us" (see FormatDuration).
func (t Time) String() string {
	if t == Never {
		return "never"
	}
	return FormatDuration(time.Duration(t))
}

// FormatDuration formats d as time.Duration.String does, but with "us" for microseconds rather than
// "µs", as the flags, specs, result files and messages of raftsim all write them: ASCII, and read back
// by time.ParseDuration.
func FormatDuration(d time.Duration) string {
	s := d.String()
	if i := strings.Index(s, "µs"); i >= 0 {
		return s[:i] + "us" + s[i+len("µs"):]
	}
	return s
}
