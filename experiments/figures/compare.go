package figures

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/raftsim/raftsim/experiments/results"
	"github.com/raftsim/raftsim/experiments/spec"
	"github.com/raftsim/raftsim/internal/atomicfile"
)

// Files Compare writes in the results directory.
const (
	ComparisonCSV = "comparison.csv"
	ComparisonMD  = "comparison.md"
	// ConsistentMD lists, for a sweep with axes besides the reference's, the settings whose figure is
	// within ±spec.ReferenceTolerance of each published one.
	ConsistentMD = "consistent.md"
)

// comparison is one published figure beside ours.
type comparison struct {
	value     string   // the axis value
	others    []string // the point's values of the other axes, in axis order; nil with one axis
	trials    int      // trials at that value
	censored  int      // of which never finished (+Inf)
	p50, mean float64  // ours
	p99, max  float64
	ref       spec.ReferenceRow
	ours      float64 // our value of the statistic the paper quotes
}

// Compare writes comparison.csv and comparison.md, our figures beside the published ones of the spec's
// reference, and reports whether the spec has one. Once ctx is done it stops within a few thousand rows
// of trials.csv, leaves both files as they were, and returns an error wrapping ctx's cause.
func Compare(ctx context.Context, s *spec.Spec, dir string) (bool, error) {
	ref := s.Reference
	if ref == nil {
		return false, nil
	}
	d, _, err := loadTrials(ctx, s, dir)
	if err != nil {
		return true, err
	}
	ax, err := d.axis(ref.Axis)
	if err != nil {
		return true, err
	}
	all, _ := d.where(nil)
	// With other axes, each published figure is set beside every point at its value, one by one:
	// pooling points that differ in fsync or variant would compare the paper with a mixture.
	var others []int
	for i := range d.axes {
		if i != ax {
			others = append(others, i)
		}
	}
	var rows []comparison
	for _, r := range ref.Rows {
		at := d.with(all, ax, r.Value)
		groups := [][]string{nil}
		if len(others) > 0 {
			groups = nil
			for _, row := range at {
				var key []string
				for _, i := range others {
					key = append(key, d.rows[row].coords[i])
				}
				if !slices.ContainsFunc(groups, func(g []string) bool { return slices.Equal(g, key) }) {
					groups = append(groups, key)
				}
			}
		}
		for _, g := range groups {
			sel := at
			for k, i := range others {
				sel = d.with(sel, i, g[k])
			}
			vals, err := d.measure(sel, ref.Measure)
			if err != nil {
				return true, err
			}
			c := comparison{value: r.Value, others: g, trials: len(vals), ref: r,
				p50: stat(vals, "p50"), mean: stat(vals, "mean"), p99: stat(vals, "p99"), max: stat(vals, "max"),
				ours: stat(vals, r.Stat)}
			for _, v := range vals {
				if math.IsInf(v, 1) {
					c.censored++
				}
			}
			rows = append(rows, c)
		}
	}
	var otherNames []string
	for _, i := range others {
		otherNames = append(otherNames, d.axes[i])
	}
	var csvBuf, mdBuf bytes.Buffer
	if err := writeComparisonCSV(&csvBuf, ref, otherNames, rows); err != nil {
		return true, err
	}
	writeComparisonMD(&mdBuf, s.Name, ref, otherNames, rows)
	files := []atomicfile.Content{
		{Path: filepath.Join(dir, ComparisonCSV), Data: csvBuf.Bytes()},
		{Path: filepath.Join(dir, ComparisonMD), Data: mdBuf.Bytes()},
	}
	if len(otherNames) > 0 {
		var b bytes.Buffer
		writeConsistent(&b, ref, otherNames, rows)
		files = append(files, atomicfile.Content{Path: filepath.Join(dir, ConsistentMD), Data: b.Bytes()})
	}
	// Written together: an interruption leaves all of them as they were.
	if err := atomicfile.WriteAll(ctx, files); err != nil {
		if ctx.Err() != nil {
			return true, interrupted(ctx)
		}
		return true, fmt.Errorf("figures: %w", err)
	}
	return true, nil
}

// ratio is ours over the paper's; NaN where either is missing.
func (c *comparison) ratio() float64 {
	if c.ref.Paper == 0 || math.IsNaN(c.ours) {
		return math.NaN()
	}
	return c.ours / c.ref.Paper
}

// holds says whether our figure agrees with a bound the paper states ("" for an exact figure).
func (c *comparison) holds() string {
	switch c.ref.Bound {
	case ">":
		return strconv.FormatBool(c.ours > c.ref.Paper)
	case "<":
		return strconv.FormatBool(c.ours < c.ref.Paper)
	}
	return ""
}

func writeComparisonCSV(w io.Writer, ref *spec.Reference, others []string, rows []comparison) error {
	cw := csv.NewWriter(w)
	m := ref.Measure
	header := append(append([]string{ref.Axis}, others...), "trials", "unfinished", m+"_p50", m+"_mean", m+"_p99", m+"_max",
		"paper_stat", "paper_bound", "paper", "ours", "ratio", "bound_holds", "quote")
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, c := range rows {
		bound := c.ref.Bound
		if bound == "" {
			bound = "="
		}
		rec := append(append([]string{c.value}, c.others...), strconv.Itoa(c.trials), strconv.Itoa(c.censored),
			results.FormatNumber(c.p50), results.FormatNumber(c.mean), results.FormatNumber(c.p99), results.FormatNumber(c.max),
			c.ref.Stat, bound, results.FormatNumber(c.ref.Paper), results.FormatNumber(c.ours),
			results.FormatNumber(round(c.ratio(), 3)), c.holds(), c.ref.Quote)
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

var statNames = map[string]string{"p50": "median", "mean": "mean", "p99": "p99", "max": "max", "min": "min", "p90": "p90", "p999": "p99.9"}

func writeComparisonMD(w io.Writer, name string, ref *spec.Reference, others []string, rows []comparison) {
	head, rule := axisLabel(ref.Axis), "|---"
	for _, o := range others {
		head += " | " + axisLabel(o)
		rule += "|---"
	}
	fmt.Fprintf(w, "| %s | trials | ours: median | mean | p99 | max | paper | ours, same statistic | ratio |\n", head)
	fmt.Fprintln(w, rule+"|---:|---:|---:|---:|---:|---|---:|---:|")
	for _, c := range rows {
		trials := strconv.Itoa(c.trials)
		if c.censored > 0 {
			trials += fmt.Sprintf(" (%d unfinished)", c.censored)
		}
		bound := ""
		if c.ref.Bound == ">" || c.ref.Bound == "<" {
			bound = c.ref.Bound + " "
		}
		paper := fmt.Sprintf("%s %s%s ms", statNames[c.ref.Stat], bound, trim(c.ref.Paper))
		ratio := "—"
		switch r := c.ratio(); {
		case math.IsInf(r, 1):
			ratio = "∞"
		case !math.IsNaN(r):
			ratio = fmt.Sprintf("%.2f×", r)
		}
		if h := c.holds(); h != "" {
			if h == "true" {
				ratio += " (bound holds)"
			} else {
				ratio += " (bound fails)"
			}
		}
		cells := valueLabel(ref.Axis, c.value)
		for k, o := range others {
			cells += " | " + valueLabel(o, c.others[k])
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", cells, trials,
			ms(c.p50), ms(c.mean), ms(c.p99), ms(c.max), paper, ms(c.ours), ratio)
	}
	fmt.Fprintf(w, "\nPaper: %s. Ours: `raftsim sweep %s`; unfinished elections (still running when a trial ended) count as +∞.\n", ref.Source, name)
}

// writeConsistent writes, for a sweep with more axes than the reference's, which settings put our
// figure within ±spec.ReferenceTolerance of each published one (for a bound: on its side), so that a
// reader sees at a glance which settings the published data allow. The settings are grouped by the
// last axis: "etcd-stale2: 0s 2ms 4ms" lists the values of the other axes (here fsync) that agree.
func writeConsistent(w io.Writer, ref *spec.Reference, others []string, rows []comparison) {
	last := len(others) - 1
	rest := make([]string, 0, last)
	for _, o := range others[:last] {
		rest = append(rest, axisLabel(o))
	}
	what := axisLabel(others[last])
	if len(rest) > 0 {
		what += ": " + strings.Join(rest, " / ")
	}
	fmt.Fprintf(w, "| %s | paper | within ±%.0f%% (%s) |\n|---|---|---|\n", axisLabel(ref.Axis), 100*spec.ReferenceTolerance, what)
	// Groups in the order the sweep first meets them, the same in every row.
	var order []string
	for i := range rows {
		if g := rows[i].others[last]; !slices.Contains(order, g) {
			order = append(order, g)
		}
	}
	for i := 0; i < len(rows); {
		j := i
		var groups []string
		byGroup := map[string][]string{}
		for ; j < len(rows) && rows[j].ref == rows[i].ref; j++ {
			c := &rows[j]
			good := c.holds() == "true"
			if c.holds() == "" {
				good = math.Abs(c.ratio()-1) <= spec.ReferenceTolerance+1e-9
			}
			if !good {
				continue
			}
			g := c.others[last]
			if _, ok := byGroup[g]; !ok {
				groups = append(groups, g)
			}
			var vals []string
			for _, v := range c.others[:last] {
				vals = append(vals, strings.TrimPrefix(v, "const:"))
			}
			byGroup[g] = append(byGroup[g], strings.Join(vals, "/"))
		}
		slices.SortFunc(groups, func(a, b string) int { return slices.Index(order, a) - slices.Index(order, b) })
		var parts []string
		for _, g := range groups {
			if last == 0 {
				parts = append(parts, g)
				continue
			}
			parts = append(parts, g+": "+strings.Join(byGroup[g], " "))
		}
		list := "none"
		if len(parts) > 0 {
			list = strings.Join(parts, "; ")
		}
		c := &rows[i]
		bound := ""
		if c.ref.Bound == ">" || c.ref.Bound == "<" {
			bound = c.ref.Bound + " "
		}
		fmt.Fprintf(w, "| %s | %s %s%s ms | %s |\n", valueLabel(ref.Axis, c.value), statNames[c.ref.Stat], bound, trim(c.ref.Paper), list)
		i = j
	}
	fmt.Fprintf(w, "\nPaper: %s. Ours: comparison.md, point by point.\n", ref.Source)
}

func ms(x float64) string {
	switch {
	case math.IsNaN(x):
		return "—"
	case math.IsInf(x, 1):
		return "∞"
	}
	return trim(x)
}

// trim formats x with no more precision than the measurement has: whole milliseconds above 10.
func trim(x float64) string {
	if math.Abs(x) >= 10 {
		return strconv.FormatFloat(math.Round(x), 'f', 0, 64)
	}
	return strings.TrimRight(strings.TrimRight(strconv.FormatFloat(x, 'f', 1, 64), "0"), ".")
}

func round(x float64, digits int) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return x
	}
	k := math.Pow(10, float64(digits))
	return math.Round(x*k) / k
}
