package spec

import (
	"errors"
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

// TestRestyle: another spec's plots and reference replace the results', if it describes the same
// experiment; the error names the first field that differs.
func TestRestyle(t *testing.T) {
	const base = "name: x\ntrials: 3\nduration: 20s\ncluster:\n  nodes: 5\nscenario:\n  crash_at: 5s\naxes:\n  - {param: election_timeout, values: [\"150ms:300ms\", \"300ms:600ms\"]}\n"
	const plots = "plots:\n  - name: p\n    rows: [[{kind: cdf, measure: election_downtime_ms, series: election_timeout, x_range: [0, 600]}]]\n"
	results, err := Parse([]byte(base), "results.yaml")
	if err != nil {
		t.Fatal(err)
	}
	style, err := Parse([]byte(strings.Replace(base, "trials: 3", "trials: 50", 1)+plots), "style.yaml")
	if err != nil {
		t.Fatal(err)
	}
	got, err := results.Restyle(style)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Plots) != 1 || got.Trials != 3 || len(results.Plots) != 0 {
		t.Errorf("restyled: %d plots, %d trials; the results' spec now has %d plots", len(got.Plots), got.Trials, len(results.Plots))
	}
	for _, tt := range []struct{ from, to, want string }{
		{"nodes: 5", "nodes: 7", "spec: style.yaml:5: cluster.nodes: 7, but the results were run with 5: restyling keeps the cluster, scenario and axes"},
		{"crash_at: 5s", "crash_at: 6s", "spec: style.yaml:7: scenario.crash_at: 6s, but the results were run with 5s"},
		{"duration: 20s", "duration: 30s", "spec: style.yaml:3: duration: 30s, but the results were run with 20s"},
		{`"300ms:600ms"`, `"300ms:700ms"`, "spec: style.yaml:9: axes[0]: {param: election_timeout, values: ['150ms:300ms', '300ms:700ms']}, but the results were run with {param: election_timeout, values: ['150ms:300ms', '300ms:600ms']}"},
		{"axes:\n", "axes:\n  - {param: nodes, values: [3]}\n", "axes[0]: {param: nodes, values: [3]}, but the results were run with"},
	} {
		t.Run(tt.to, func(t *testing.T) {
			other, err := Parse([]byte(strings.Replace(base, tt.from, tt.to, 1)+plots), "style.yaml")
			if err != nil {
				t.Fatal(err)
			}
			_, err = results.Restyle(other)
			var e *Error
			if err == nil || !strings.Contains(err.Error(), tt.want) || !errors.As(err, &e) || strings.Contains(err.Error(), "\n") {
				t.Errorf("error %v, want one line containing %q", err, tt.want)
			}
		})
	}
}
