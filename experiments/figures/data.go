package figures

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/raftsim/raftsim/experiments/results"
	"github.com/raftsim/raftsim/experiments/spec"
	"github.com/raftsim/raftsim/experiments/stats"
)

// trials is trials.csv in a form the panels can query.
type trials struct {
	axes     []string
	measures map[string]int // measure -> column
	rows     []trialRow
}

type trialRow struct {
	coords []string // by axis
	cells  []string // the whole row
}

func loadTrials(path string) (*trials, error) {
	t, err := results.ReadTrials(path)
	if err != nil {
		return nil, err
	}
	d := &trials{axes: t.Axes, measures: map[string]int{}}
	for _, m := range t.Measures {
		d.measures[m] = t.Index(m)
	}
	for _, r := range t.Rows {
		d.rows = append(d.rows, trialRow{coords: r[:len(t.Axes)], cells: r})
	}
	return d, nil
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
	for _, r := range sel {
		if v := d.rows[r].coords[axis]; !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// style is the plot style of an axis value: its position among all the axis's values in the results,
// plus one, so that a value looks the same in every panel of a figure whichever values a panel keeps.
func (d *trials) style(axis int, v string) int {
	all := make(selection, len(d.rows))
	for i := range all {
		all[i] = i
	}
	return slices.Index(d.values(all, axis), v) + 1
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

// measure returns a measure's values over sel, NaN left out.
func (d *trials) measure(sel selection, name string) ([]float64, error) {
	c, ok := d.measures[name]
	if !ok {
		return nil, fmt.Errorf("figures: no measure %q in the results", name)
	}
	var out []float64
	for _, r := range sel {
		x, err := results.ParseNumber(d.rows[r].cells[c])
		if err != nil {
			return nil, fmt.Errorf("figures: %s: %w", name, err)
		}
		if !math.IsNaN(x) {
			out = append(out, x)
		}
	}
	return out, nil
}

// stat computes a named statistic of xs (mean, min, max or a percentile pN); NaN for no values.
func stat(xs []float64, name string) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	switch name {
	case "", "mean":
		return stats.Mean(s)
	case "min":
		return s[0]
	case "max":
		return s[len(s)-1]
	case "p50":
		return stats.Percentile(s, 50)
	case "p90":
		return stats.Percentile(s, 90)
	case "p99":
		return stats.Percentile(s, 99)
	case "p999":
		return stats.Percentile(s, 99.9)
	}
	return math.NaN()
}

// number reads an axis value as a number for a numeric plot axis: integers and decimals as they are,
// durations in milliseconds.
func number(v string) (float64, error) {
	if x, err := strconv.ParseFloat(v, 64); err == nil {
		return x, nil
	}
	if d, err := time.ParseDuration(v); err == nil {
		return float64(d) / float64(time.Millisecond), nil
	}
	return 0, fmt.Errorf("figures: axis value %q is not a number", v)
}
