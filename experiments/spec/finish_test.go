package spec

import (
	"testing"
	"time"

	"github.com/raftsim/raftsim/experiments"
)

// TestThinkSpecs: think reads a duration or a latency spec; a constant spec is written as its duration
// (the same point, the same run), any other is kept as a spec and drawn per pause. An axis of think is a
// duration axis while every value is a constant, and a category otherwise.
func TestThinkSpecs(t *testing.T) {
	for _, tt := range []struct {
		values   string
		canon    []string
		kind     experiments.AxisKind
		constant []time.Duration // per point: Workload.Think when no distribution is set
	}{
		{"[10ms, const:20ms, 0s]", []string{"10ms", "20ms", "0s"}, experiments.Duration, []time.Duration{10e6, 20e6, 0}},
		{"[10ms, exp:10ms, \"uniform:0s:1h\"]", []string{"10ms", "exp:10ms", "uniform:0s:1h0m0s"}, experiments.Categorical, []time.Duration{10e6, -1, -1}},
	} {
		s, err := Parse([]byte("name: x\naxes:\n  - {param: think, values: "+tt.values+"}\n"), "t.yaml")
		if err != nil {
			t.Fatalf("%s: %v", tt.values, err)
		}
		plan, err := s.Plan()
		if err != nil {
			t.Fatalf("%s: %v", tt.values, err)
		}
		if k := plan.AxisKind(0); k != tt.kind {
			t.Errorf("%s: axis kind %v, want %v", tt.values, k, tt.kind)
		}
		for i, p := range plan.Points {
			if v := p.Coords[0].Value; v != tt.canon[i] {
				t.Errorf("%s: point %d is %q, want %q", tt.values, i, v, tt.canon[i])
			}
			cfg := p.Config
			switch want := tt.constant[i]; {
			case want >= 0 && (cfg.ThinkDist != nil || cfg.Workload.Think != want):
				t.Errorf("%s: point %d: think %v, dist %v; want the constant %v", tt.values, i, cfg.Workload.Think, cfg.ThinkDist, want)
			case want < 0 && (cfg.ThinkDist == nil || cfg.ThinkDist.String() != tt.canon[i] || cfg.Workload.Think != 0):
				t.Errorf("%s: point %d: think %v, dist %v; want the distribution %s", tt.values, i, cfg.Workload.Think, cfg.ThinkDist, tt.canon[i])
			}
		}
	}
}
