package cluster

import (
	"strings"
	"testing"
	"time"

	"github.com/raftsim/raftsim/models/latency"
)

// TestOpenLoopThinkRefused: open-loop clients never think (a run with --arrival-rate 100 printed the
// same with --think 0s, 10ms and 1s), so a think time beside arrivals is refused, naming think.
func TestOpenLoopThinkRefused(t *testing.T) {
	for _, tt := range []struct {
		rate  float64
		think time.Duration
		want  string
	}{
		{100, 10 * time.Millisecond, "think: 10ms: open-loop clients (arrival-rate 100)"},
		{100, 0, ""},
		{0, 10 * time.Millisecond, ""},
	} {
		cfg := Default()
		cfg.ArrivalRate, cfg.Workload.Think = tt.rate, tt.think
		err := cfg.Validate()
		if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("rate %v think %v: %v, want %q", tt.rate, tt.think, err, tt.want)
		}
	}
	// A drawn think time (ThinkDist) is ignored the same way.
	cfg := Default()
	cfg.ArrivalRate, cfg.ThinkDist = 100, latency.MustParse("exp:10ms")
	if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "think: exp:10ms: open-loop clients") {
		t.Errorf("think exp:10ms beside arrivals: %v", err)
	}
}
