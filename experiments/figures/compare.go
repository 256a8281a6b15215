package figures

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"path/filepath"
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
)

// comparison is one published figure beside ours.
type comparison struct {
	value     string  // the axis value
	trials    int     // trials at that value
	censored  int     // of which never finished (+Inf)
	p50, mean float64 // ours
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
	var rows []comparison
	for _, r := range ref.Rows {
		sel := d.with(all, ax, r.Value)
		vals, err := d.measure(sel, ref.Measure)
		if err != nil {
			return true, err
		}
		c := comparison{value: r.Value, trials: len(vals), ref: r,
			p50: stat(vals, "p50"), mean: stat(vals, "mean"), p99: stat(vals, "p99"), max: stat(vals, "max"),
			ours: stat(vals, r.Stat)}
		for _, v := range vals {
			if math.IsInf(v, 1) {
				c.censored++
			}
		}
		rows = append(rows, c)
	}
	var csvBuf, mdBuf bytes.Buffer
	if err := writeComparisonCSV(&csvBuf, ref, rows); err != nil {
		return true, err
	}
	writeComparisonMD(&mdBuf, s.Name, ref, rows)
	// Written together: an interruption leaves both as they were.
	if err := atomicfile.WriteAll(ctx, []atomicfile.Content{
		{Path: filepath.Join(dir, ComparisonCSV), Data: csvBuf.Bytes()},
		{Path: filepath.Join(dir, ComparisonMD), Data: mdBuf.Bytes()},
	}); err != nil {
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

func writeComparisonCSV(w io.Writer, ref *spec.Reference, rows []comparison) error {
	cw := csv.NewWriter(w)
	m := ref.Measure
	header := []string{ref.Axis, "trials", "unfinished", m + "_p50", m + "_mean", m + "_p99", m + "_max",
		"paper_stat", "paper_bound", "paper", "ours", "ratio", "bound_holds", "quote"}
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, c := range rows {
		bound := c.ref.Bound
		if bound == "" {
			bound = "="
		}
		rec := []string{c.value, strconv.Itoa(c.trials), strconv.Itoa(c.censored),
			results.FormatNumber(c.p50), results.FormatNumber(c.mean), results.FormatNumber(c.p99), results.FormatNumber(c.max),
			c.ref.Stat, bound, results.FormatNumber(c.ref.Paper), results.FormatNumber(c.ours),
			results.FormatNumber(round(c.ratio(), 3)), c.holds(), c.ref.Quote}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

var statNames = map[string]string{"p50": "median", "mean": "mean", "p99": "p99", "max": "max", "min": "min", "p90": "p90", "p999": "p99.9"}

func writeComparisonMD(w io.Writer, name string, ref *spec.Reference, rows []comparison) {
	fmt.Fprintf(w, "| %s | trials | ours: median | mean | p99 | max | paper | ours, same statistic | ratio |\n", axisLabel(ref.Axis))
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---|---:|---:|")
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
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", valueLabel(ref.Axis, c.value), trials,
			ms(c.p50), ms(c.mean), ms(c.p99), ms(c.max), paper, ms(c.ours), ratio)
	}
	fmt.Fprintf(w, "\nPaper: %s. Ours: `raftsim sweep %s`; unfinished elections (still running when a trial ended) count as +∞.\n", ref.Source, name)
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
