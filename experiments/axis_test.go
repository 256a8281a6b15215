package experiments

import (
	"math"
	"slices"
	"testing"
)

func TestAxisKind(t *testing.T) {
	inf := math.Inf(1)
	tests := []struct {
		kind  AxisKind
		value string
		cols  []string
		nums  []float64
	}{
		{Categorical, "wan", nil, nil},
		{Number, "0.05", nil, nil},
		{Duration, "1m0s", []string{"x_ms"}, []float64{60000}},
		{Duration, "1.5ms", []string{"x_ms"}, []float64{1.5}},
		{Duration, "500us", []string{"x_ms"}, []float64{0.5}},
		{Duration, "1ns", []string{"x_ms"}, []float64{1e-6}},
		{Duration, "0s", []string{"x_ms"}, []float64{0}},
		{DurationRange, "150ms:300ms", []string{"x_min_ms", "x_max_ms"}, []float64{150, 300}},
		{DurationRange, "1.5s:2s", []string{"x_min_ms", "x_max_ms"}, []float64{1500, 2000}},
		{Bandwidth, "1Gbps", []string{"x_bps"}, []float64{1e9}},
		{Bandwidth, "125MB/s", []string{"x_bps"}, []float64{1e9}},
		{Bandwidth, "1KiB/s", []string{"x_bps"}, []float64{8192}},
		{Bandwidth, "unlimited", []string{"x_bps"}, []float64{inf}},
	}
	for _, tt := range tests {
		if got := tt.kind.Columns("x"); !slices.Equal(got, tt.cols) {
			t.Errorf("%d.Columns = %q, want %q", tt.kind, got, tt.cols)
		}
		got, err := tt.kind.Numbers(tt.value)
		if err != nil || !slices.Equal(got, tt.nums) {
			t.Errorf("%d.Numbers(%q) = %v, %v; want %v", tt.kind, tt.value, got, err, tt.nums)
		}
	}
	for _, bad := range []struct {
		kind  AxisKind
		value string
	}{{Duration, "fast"}, {DurationRange, "300ms:150ms"}, {Bandwidth, "1 parsec"}} {
		if _, err := bad.kind.Numbers(bad.value); err == nil {
			t.Errorf("%d.Numbers(%q): no error", bad.kind, bad.value)
		}
	}
	var p Plan
	if p.AxisKind(3) != Categorical {
		t.Error("a plan that says nothing: not Categorical")
	}
}
