package spec

import (
	"strings"
	"testing"
)

// TestSpanEnds: a range end of 0 is the axis's end like any other number; null (or a missing range)
// is automatic. Canonical writes the null back.
func TestSpanEnds(t *testing.T) {
	f := func(x float64) *float64 { return &x }
	tests := []struct {
		src      string
		min, max *float64
		none     bool
	}{
		{"x_range: [0, 600]", f(0), f(600), false},
		{"x_range: [-5, 0]", f(-5), f(0), false},
		{"x_range: [null, 600]", nil, f(600), false},
		{"x_range: [0, ~]", f(0), nil, false},
		{"x_range: [null, null]", nil, nil, true},
		{"x_range: null", nil, nil, true},
		{"title: no range", nil, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			s, err := Parse([]byte("name: x\naxes: [{param: nodes, values: [3]}]\nplots:\n  - name: p\n    rows: [[{kind: cdf, measure: availability, "+tt.src+"}]]\n"), "t.yaml")
			if err != nil {
				t.Fatal(err)
			}
			sp := s.Plots[0].Rows[0][0].XRange
			if tt.none {
				if sp != nil {
					t.Fatalf("range %+v, want none", sp)
				}
				return
			}
			same := func(a, b *float64) bool { return a == nil && b == nil || a != nil && b != nil && *a == *b }
			if sp == nil || !same(sp.Min, tt.min) || !same(sp.Max, tt.max) {
				t.Fatalf("range %+v, want [%v, %v]", sp, tt.min, tt.max)
			}
			roundTrip(t, s)
			if tt.min == nil && !strings.Contains(string(s.Canonical()), "x_range: [null, ") {
				t.Errorf("canonical text lacks the automatic end:\n%s", s.Canonical())
			}
		})
	}
}
