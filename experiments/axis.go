package experiments

import (
	"fmt"
	"math"
	"time"

	"github.com/raftsim/raftsim/cluster"
	"github.com/raftsim/raftsim/topology"
)

// AxisKind says how an axis's values read as numbers. The result files keep every coordinate as its
// canonical text and give an axis whose text is not a plain number numeric columns beside it, so that
// every numeric axis can be plotted by a data-frame tool without parsing "150ms:300ms" or "1Gbps".
type AxisKind uint8

const (
	// Categorical values are names, booleans (true, false) or latency specs: no numeric column.
	Categorical AxisKind = iota
	// Number values are integers or decimals, already numbers: no further column.
	Number
	// Duration values are Go durations ("1.5s", "500us"): one column <axis>_ms, in milliseconds.
	Duration
	// DurationRange values are MIN:MAX durations ("150ms:300ms", the election timeout): columns
	// <axis>_min_ms and <axis>_max_ms.
	DurationRange
	// Bandwidth values are bandwidths ("1Gbps", "125MB/s", "unlimited"): one column <axis>_bps, in bits
	// per second, +Inf for unlimited.
	Bandwidth
)

// Columns returns the names of the numeric columns that the result files give an axis of this kind,
// after the axis's own column; none for Categorical and Number.
func (k AxisKind) Columns(axis string) []string {
	switch k {
	case Duration:
		return []string{axis + "_ms"}
	case DurationRange:
		return []string{axis + "_min_ms", axis + "_max_ms"}
	case Bandwidth:
		return []string{axis + "_bps"}
	}
	return nil
}

// Numbers reads an axis value of this kind as the numbers of its Columns, in order. A duration becomes
// float64(ns)/1e6, one correctly rounded division, so "1.5ms" is 1.5 and "500us" is 0.5.
func (k AxisKind) Numbers(value string) ([]float64, error) {
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	switch k {
	case Duration:
		d, err := time.ParseDuration(value)
		if err != nil {
			return nil, fmt.Errorf("experiments: %q is not a duration", value)
		}
		return []float64{ms(d)}, nil
	case DurationRange:
		lo, hi, err := cluster.ParseTimeoutRange(value)
		if err != nil {
			return nil, fmt.Errorf("experiments: %w", err)
		}
		return []float64{ms(lo), ms(hi)}, nil
	case Bandwidth:
		b, err := topology.ParseBandwidth(value)
		if err != nil {
			return nil, fmt.Errorf("experiments: %w", err)
		}
		if b == 0 {
			return []float64{math.Inf(1)}, nil // unlimited
		}
		return []float64{b * 8}, nil
	}
	return nil, nil
}

// AxisKind returns the kind of axis i: Plan.AxisKinds[i], or Categorical when the plan does not say.
func (p *Plan) AxisKind(i int) AxisKind {
	if i < len(p.AxisKinds) {
		return p.AxisKinds[i]
	}
	return Categorical
}
