package cluster

import (
	"strings"
	"testing"
	"time"

	"github.com/raftsim/raftsim/models/fault"
	"github.com/raftsim/raftsim/safety"
	"github.com/raftsim/raftsim/sim"
)

// TestMessagesASCII: every message that names a span of simulated time writes microseconds as "us",
// as flags and specs do, never as Go's "µs": the limit message said "at 1.5µs of simulated time".
func TestMessagesASCII(t *testing.T) {
	const us = time.Microsecond
	validate := func(mod func(c *Config)) string {
		c := Default()
		mod(&c)
		err := c.Validate()
		if err == nil {
			t.Fatalf("accepted: %+v", c)
		}
		return err.Error()
	}
	warning := func() string {
		c := Default()
		c.ElectionMin, c.ElectionMax, c.Heartbeat = 3*us, 5*us, 3*us
		return c.Warnings()[0]
	}
	_, _, rangeErr := ParseTimeoutRange("3us:2500ns")
	msgs := []string{
		(&LimitError{At: 1500, What: "messages in flight", Limit: 1, Why: "x"}).Error(),
		sim.Time(1500).String(),
		validate(func(c *Config) { c.ElectionMin, c.ElectionMax = 3*us, 2500 }),
		validate(func(c *Config) { c.Duration, c.MeasureFrom = 400*us, 500*us }),
		validate(func(c *Config) { c.Duration, c.LeaderCrash = 400*us, &LeaderCrash{After: 500 * us} }),
		validate(func(c *Config) { c.Workload.Deadline = 500 }),
		rangeErr.Error(),
		FormatTimeoutRange(3*us, 5*us),
		warning(),
		fault.Event{At: 1500, Kind: fault.Crash, Node: 1}.String(),
		(&safety.Violation{Invariant: safety.ElectionSafety, At: 1500, Nodes: []uint64{1, 2}}).Error(),
	}
	for _, m := range msgs {
		for _, r := range m {
			if r > 127 {
				t.Errorf("not ASCII: %q", m)
				break
			}
		}
		if !strings.Contains(m, "us") {
			t.Errorf("no microseconds in %q", m)
		}
	}
}
