package spec

import (
	"strings"
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

// TestFlapLinksSpec: flap's links take a list or one string; the canonical form is one string of the
// pairs in order, which reads back the same; without links the canonical form is what it was.
func TestFlapLinksSpec(t *testing.T) {
	for _, tt := range []struct{ flap, canon string }{
		{`{up: exp:2s, down: exp:200ms}`, "up=exp:2s,down=exp:200ms"},
		{`{up: exp:2s, down: exp:200ms, links: ["3<->1", "1<->2"]}`, "up=exp:2s,down=exp:200ms,links=1<->2 1<->3"},
		{`{up: exp:2s, down: exp:200ms, links: "1<->2,1<->3"}`, "up=exp:2s,down=exp:200ms,links=1<->2 1<->3"},
	} {
		s, err := Parse([]byte("name: x\nscenario:\n  flap: "+tt.flap+"\n"), "t.yaml")
		if err != nil {
			t.Fatalf("%s: %v", tt.flap, err)
		}
		plan, err := s.Plan()
		if err != nil {
			t.Fatalf("%s: %v", tt.flap, err)
		}
		f := plan.Points[0].Config.Flap
		if got := flapCanon(t, s); got != tt.canon {
			t.Errorf("%s: canonical %q, want %q", tt.flap, got, tt.canon)
		}
		if strings.Contains(tt.canon, "links") != (f.Links != nil) || f.Links != nil && len(f.Links) != 2 {
			t.Errorf("%s: links %v", tt.flap, f.Links)
		}
	}
	for _, bad := range []struct{ flap, want string }{
		{`{up: exp:2s, down: exp:200ms, links: ["1->2"]}`, `t.yaml:3: scenario.flap.links: link "1->2": want A<->B`},
		{`{up: exp:2s, down: exp:200ms, links: []}`, `scenario.flap.links: "": empty list: want A<->B[,C<->D]`},
		{`{up: exp:2s, down: exp:200ms, link: "1<->2"}`, "want up, down, links"},
	} {
		_, err := Parse([]byte("name: x\nscenario:\n  flap: "+bad.flap+"\n"), "t.yaml")
		if err == nil || !strings.Contains(err.Error(), bad.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error %v, want %q", bad.flap, err, bad.want)
		}
	}
}

// flapCanon is the canonical value of the spec's flap parameter.
func flapCanon(t *testing.T, s *Spec) string {
	t.Helper()
	for _, p := range s.Settings {
		if p.Param == "flap" {
			return p.Value
		}
	}
	t.Fatal("no flap setting")
	return ""
}
