package figures

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/raftsim/raftsim/experiments"
	"github.com/raftsim/raftsim/experiments/measure"
	"github.com/raftsim/raftsim/experiments/results"
	"github.com/raftsim/raftsim/experiments/spec"
	"github.com/raftsim/raftsim/experiments/stats"
)

// trials is trials.csv in a form the panels can query. Every query costs time proportional to the rows
// it looks at, not to the rows times the values of an axis: a sweep may have a million trials and ten
// thousand points.
type trials struct {
	axes     []string
	measures map[string]int // measure -> position in trialRow.values
	rows     []trialRow
	styles   []map[string]int // per axis, built on first use: value -> style (see style)
}

type trialRow struct {
	coords []string  // by axis
	values []float64 // by measure, in the order of measure.Names
}

// loadTrials reads dir/trials.csv, checked against the plan of s (results.LoadTrials), and returns it
// with the plan. A damaged file is a *results.FileError, returned before anything is drawn; ctx stops
// the reading within a few thousand rows.
func loadTrials(ctx context.Context, s *spec.Spec, dir string) (*trials, *experiments.Plan, error) {
	plan, err := s.Plan()
	if err != nil {
		return nil, nil, err
	}
	ts, err := results.LoadTrials(ctx, filepath.Join(dir, results.TrialsFile), plan, measure.Names)
	if err != nil {
		return nil, nil, err
	}
	d := &trials{axes: plan.Axes, measures: map[string]int{}, styles: make([]map[string]int, len(plan.Axes))}
	for i, m := range measure.Names {
		d.measures[m] = i
	}
	coords := make([][]string, len(plan.Points))
	for i := range plan.Points {
		for _, c := range plan.Points[i].Coords {
			coords[i] = append(coords[i], c.Value)
		}
	}
	for _, t := range ts {
		d.rows = append(d.rows, trialRow{coords: coords[t.Point], values: t.Values})
	}
	return d, plan, nil
}

func (d *trials) axis(name string) (int, error) {
	i := slices.Index(d.axes, name)
	if i < 0 {
		return 0, fmt.Errorf("figures: no axis %q in the results (axes: %s)", name, strings.Join(d.axes, ", "))
	}
	return i, nil
}

// selection is a set of rows.
type selection []int

// where returns the rows passing every filter.
func (d *trials) where(filters []spec.Filter) (selection, error) {
	var sel selection
	idx := make([]int, len(filters))
	for k, f := range filters {
		i, err := d.axis(f.Axis)
		if err != nil {
			return nil, err
		}
		idx[k] = i
	}
rows:
	for r, row := range d.rows {
		for k, f := range filters {
			if !slices.Contains(f.Values, row.coords[idx[k]]) {
				continue rows
			}
		}
		sel = append(sel, r)
	}
	return sel, nil
}

// values returns the distinct values of an axis over sel, in the order the sweep meets them.
func (d *trials) values(sel selection, axis int) []string {
	var out []string
	seen := map[string]bool{}
	for _, r := range sel {
		if v := d.rows[r].coords[axis]; !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

// style is the plot style of an axis value: its position among all the axis's values in the results,
// plus one, so that a value looks the same in every panel of a figure whichever values a panel keeps.
func (d *trials) style(axis int, v string) int {
	if d.styles[axis] == nil {
		d.styles[axis] = map[string]int{}
		for _, row := range d.rows {
			if _, ok := d.styles[axis][row.coords[axis]]; !ok {
				d.styles[axis][row.coords[axis]] = len(d.styles[axis]) + 1
			}
		}
	}
	return d.styles[axis][v]
}

// with keeps the rows of sel whose coordinate on axis is v.
func (d *trials) with(sel selection, axis int, v string) selection {
	var out selection
	for _, r := range sel {
		if d.rows[r].coords[axis] == v {
			out = append(out, r)
		}
	}
	return out
}

// split is with for every value of axis at once: the rows of sel by their coordinate on axis, each in
// the order of sel.
func (d *trials) split(sel selection, axis int) map[string]selection {
	out := map[string]selection{}
	for _, r := range sel {
		v := d.rows[r].coords[axis]
		out[v] = append(out[v], r)
	}
	return out
}

// measure returns a measure's values over sel, NaN left out.
func (d *trials) measure(sel selection, name string) ([]float64, error) {
	c, ok := d.measures[name]
	if !ok {
		return nil, fmt.Errorf("figures: no measure %q in the results", name)
	}
	var out []float64
	for _, r := range sel {
		if x := d.rows[r].values[c]; !math.IsNaN(x) {
			out = append(out, x)
		}
	}
	return out, nil
}

// stat computes a named statistic of xs (mean, min, max or a percentile pN) as summary.csv does
// (stats.Summarize); NaN for no values.
func stat(xs []float64, name string) float64 {
	s := stats.Summarize(xs)
	switch name {
	case "", "mean":
		return s.Mean
	case "min":
		return s.Min
	case "max":
		return s.Max
	case "p50":
		return s.P50
	case "p90":
		return s.P90
	case "p99":
		return s.P99
	case "p999":
		return s.P999
	}
	return math.NaN()
}

// number reads an axis value as a number for a numeric plot axis: integers and decimals as they are,
// durations in milliseconds, and constant latency specs ("const:2ms") as their durations.
func number(v string) (float64, error) {
	if x, err := strconv.ParseFloat(v, 64); err == nil {
		return x, nil
	}
	v = strings.TrimPrefix(v, "const:")
	if d, err := time.ParseDuration(v); err == nil {
		return float64(d) / float64(time.Millisecond), nil
	}
	return 0, fmt.Errorf("figures: axis value %q is not a number", v)
}
