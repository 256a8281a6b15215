package results

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"

	"github.com/raftsim/raftsim/experiments"
	"github.com/raftsim/raftsim/experiments/stats"
	"github.com/raftsim/raftsim/internal/atomicfile"
)

// Trial is one finished trial of a plan.
type Trial struct {
	Point  int       // position of the trial's point in Plan.Points
	Trial  int       // trial index within the point, from 0
	Seed   uint64    // experiments.TrialSeed of the point and trial
	Values []float64 // one per measure, in the order of the measure names given to the writers
}

// Fixed columns of the result files, between the axes and the measures.
const (
	TrialColumn     = "trial"
	SeedColumn      = "seed"
	TrialsColumn    = "trials"
	MeasureColumn   = "measure"
	StatisticColumn = "statistic"
	ValueColumn     = "value"
)

// SummaryStats are the statistics of a measure in summary.csv, in column order (column
// <measure>_<stat>), and in summary_long.csv (column statistic): see stats.Summary, with n the number
// of trials that gave the measure a value (NaN left out).
var SummaryStats = []string{"n", "mean", "sd", "ci95", "min", "p50", "p90", "p99", "p999", "max"}

// AxisColumns returns the leading columns of every result file: each axis, followed by its numeric
// columns (experiments.AxisKind.Columns).
func AxisColumns(plan *experiments.Plan) []string {
	var h []string
	for i, a := range plan.Axes {
		h = append(h, a)
		h = append(h, plan.AxisKind(i).Columns(a)...)
	}
	return h
}

// TrialsHeader returns the header of trials.csv.
func TrialsHeader(plan *experiments.Plan, measures []string) []string {
	h := AxisColumns(plan)
	h = append(h, TrialColumn, SeedColumn)
	return append(h, measures...)
}

// SummaryHeader returns the header of summary.csv.
func SummaryHeader(plan *experiments.Plan, measures []string) []string {
	h := AxisColumns(plan)
	h = append(h, TrialsColumn)
	for _, m := range measures {
		for _, s := range SummaryStats {
			h = append(h, m+"_"+s)
		}
	}
	return h
}

// SummaryLongHeader returns the header of summary_long.csv.
func SummaryLongHeader(plan *experiments.Plan) []string {
	return append(AxisColumns(plan), TrialsColumn, MeasureColumn, StatisticColumn, ValueColumn)
}

// axisCells returns the cells of AxisColumns for each point of plan, by position in plan.Points.
func axisCells(plan *experiments.Plan) ([][]string, error) {
	out := make([][]string, len(plan.Points))
	for i := range plan.Points {
		p := &plan.Points[i]
		for j, c := range p.Coords {
			out[i] = append(out[i], c.Value)
			xs, err := plan.AxisKind(j).Numbers(c.Value)
			if err != nil {
				return nil, fmt.Errorf("results: point %q: axis %s: %w", p.Key(), c.Axis, err)
			}
			for _, x := range xs {
				out[i] = append(out[i], FormatNumber(x))
			}
		}
	}
	return out, nil
}

// CheckPlan reports the first reason the writers would refuse plan with these measures: a point whose
// coordinates do not follow the axes or do not read as their axis's kind says, two points with the
// same key, or a column name that is empty or appears twice in a file (an axis named like a measure,
// say), which would make reading columns by name ambiguous.
func CheckPlan(plan *experiments.Plan, measures []string) error {
	if plan == nil {
		return errors.New("results: no plan")
	}
	for _, h := range [][]string{TrialsHeader(plan, measures), SummaryHeader(plan, measures), SummaryLongHeader(plan)} {
		seen := make(map[string]bool, len(h))
		for _, c := range h {
			if c == "" {
				return errors.New("results: empty column name")
			}
			if seen[c] {
				return fmt.Errorf("results: column %q appears twice (an axis may not be named like a fixed column, a measure or another axis's numeric column)", c)
			}
			seen[c] = true
		}
	}
	keys := make(map[string]int, len(plan.Points))
	for i := range plan.Points {
		p := &plan.Points[i]
		if len(p.Coords) != len(plan.Axes) {
			return fmt.Errorf("results: point %d has %d coordinates for %d axes", i, len(p.Coords), len(plan.Axes))
		}
		for j, c := range p.Coords {
			if c.Axis != plan.Axes[j] {
				return fmt.Errorf("results: point %d: coordinate %d is on axis %q, want %q", i, j, c.Axis, plan.Axes[j])
			}
		}
		k := p.Key()
		if prev, ok := keys[k]; ok {
			return fmt.Errorf("results: points %d and %d are both %q", prev, i, k)
		}
		keys[k] = i
	}
	_, err := axisCells(plan)
	return err
}

// PointOrder returns the positions of plan's points in output order: by Point.Index, then position.
func PointOrder(plan *experiments.Plan) []int {
	order := make([]int, len(plan.Points))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(plan.Points[a].Index, plan.Points[b].Index) })
	return order
}

// checkTrials validates trials against plan and measures and returns them sorted into output order.
func checkTrials(plan *experiments.Plan, measures []string, trials []Trial) ([]Trial, error) {
	if err := CheckPlan(plan, measures); err != nil {
		return nil, err
	}
	rank := make([]int, len(plan.Points))
	for r, p := range PointOrder(plan) {
		rank[p] = r
	}
	for i := range trials {
		t := &trials[i]
		if t.Point < 0 || t.Point >= len(plan.Points) {
			return nil, fmt.Errorf("results: trial %d: point %d not in the plan", t.Trial, t.Point)
		}
		if t.Trial < 0 {
			return nil, fmt.Errorf("results: point %d: negative trial index %d", t.Point, t.Trial)
		}
		if len(t.Values) != len(measures) {
			return nil, fmt.Errorf("results: point %d trial %d: %d values for %d measures", t.Point, t.Trial, len(t.Values), len(measures))
		}
	}
	sorted := slices.Clone(trials)
	slices.SortFunc(sorted, func(a, b Trial) int {
		return cmp.Or(cmp.Compare(rank[a.Point], rank[b.Point]), cmp.Compare(a.Trial, b.Trial))
	})
	for i := 1; i < len(sorted); i++ {
		if a, b := sorted[i-1], sorted[i]; a.Point == b.Point && a.Trial == b.Trial {
			return nil, fmt.Errorf("results: point %d trial %d appears twice", a.Point, a.Trial)
		}
	}
	return sorted, nil
}

// checkEvery is how many rows (or statistics) the writers and readers handle between two looks at
// their context: a look costs nanoseconds, and a thousand rows take well under a millisecond.
const checkEvery = 1024

// interrupted is the error of a writer or reader whose context is done.
func interrupted(ctx context.Context, path string) error {
	return fmt.Errorf("results: %s: interrupted: %w", path, context.Cause(ctx))
}

// writeCSV writes the header and the records of next (until it returns nil) to path, atomically. Once
// ctx is done it stops within checkEvery records and leaves path as it was.
func writeCSV(ctx context.Context, path string, header []string, next func() []string) error {
	err := atomicfile.WriteContext(ctx, path, func(w io.Writer) error {
		cw := csv.NewWriter(w)
		if err := cw.Write(header); err != nil {
			return err
		}
		n := 0
		for rec := next(); rec != nil; rec = next() {
			if n++; n%checkEvery == 0 && ctx.Err() != nil {
				return context.Cause(ctx)
			}
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
		cw.Flush()
		return cw.Error()
	})
	if err != nil && ctx.Err() != nil {
		return interrupted(ctx, path)
	}
	return err
}

// WriteTrials writes trials.csv at path, atomically: one row per trial, sorted by point and trial
// whatever the order of trials. Once ctx is done it stops within a few thousand rows, leaves path as
// it was and returns an error wrapping ctx's cause.
func WriteTrials(ctx context.Context, path string, plan *experiments.Plan, measures []string, trials []Trial) error {
	sorted, err := checkTrials(plan, measures, trials)
	if err != nil {
		return err
	}
	cells, err := axisCells(plan)
	if err != nil {
		return err
	}
	var rec []string
	i := 0
	return writeCSV(ctx, path, TrialsHeader(plan, measures), func() []string {
		if i == len(sorted) {
			return nil
		}
		rec = trialRecord(rec[:0], cells, &sorted[i])
		i++
		return rec
	})
}

// trialRecord appends the cells of t's row of trials.csv to rec.
func trialRecord(rec []string, cells [][]string, t *Trial) []string {
	rec = append(rec, cells[t.Point]...)
	rec = append(rec, strconv.Itoa(t.Trial), FormatSeed(t.Seed))
	for _, v := range t.Values {
		rec = append(rec, FormatNumber(v))
	}
	return rec
}

// pointSummary is one point's row of statistics: per measure, the values of SummaryStats in order.
type pointSummary struct {
	point, trials int
	stats         [][]float64
}

// summaries computes the statistics of every point of plan, in output order; a point without trials
// has trials 0, n 0 and NaN statistics. It stops with an error wrapping ctx's cause once ctx is done:
// the statistics of one measure over a million trials take a fraction of a second, so it looks at ctx
// before each.
func summaries(ctx context.Context, plan *experiments.Plan, measures []string, trials []Trial) ([]pointSummary, error) {
	sorted, err := checkTrials(plan, measures, trials)
	if err != nil {
		return nil, err
	}
	byPoint := make([][]Trial, len(plan.Points))
	for _, t := range sorted {
		byPoint[t.Point] = append(byPoint[t.Point], t)
	}
	var out []pointSummary
	var vals []float64
	for _, p := range PointOrder(plan) {
		ts := byPoint[p]
		ps := pointSummary{point: p, trials: len(ts)}
		for m := range measures {
			if ctx.Err() != nil {
				return nil, fmt.Errorf("results: computing the statistics: interrupted: %w", context.Cause(ctx))
			}
			vals = vals[:0]
			for _, t := range ts {
				if v := t.Values[m]; !math.IsNaN(v) {
					vals = append(vals, v)
				}
			}
			ps.stats = append(ps.stats, summaryStats(vals))
		}
		out = append(out, ps)
	}
	return out, nil
}

// summaryStats returns the statistics of SummaryStats, in order, of vals (no NaN among them).
func summaryStats(vals []float64) []float64 {
	s := stats.Summarize(vals)
	return []float64{float64(s.N), s.Mean, s.SD, s.CI95, s.Min, s.P50, s.P90, s.P99, s.P999, s.Max}
}

// summaryRecords returns the rows of summary.csv.
func summaryRecords(ctx context.Context, plan *experiments.Plan, measures []string, trials []Trial) ([][]string, error) {
	sums, err := summaries(ctx, plan, measures, trials)
	if err != nil {
		return nil, err
	}
	return summaryRows(plan, sums)
}

// summaryRows returns the rows of summary.csv for the statistics sums.
func summaryRows(plan *experiments.Plan, sums []pointSummary) ([][]string, error) {
	cells, err := axisCells(plan)
	if err != nil {
		return nil, err
	}
	recs := make([][]string, len(sums))
	for i, ps := range sums {
		rec := append(slices.Clone(cells[ps.point]), strconv.Itoa(ps.trials))
		for _, st := range ps.stats {
			for _, x := range st {
				rec = append(rec, FormatNumber(x))
			}
		}
		recs[i] = rec
	}
	return recs, nil
}

// summaryLongRecords returns the rows of summary_long.csv.
func summaryLongRecords(ctx context.Context, plan *experiments.Plan, measures []string, trials []Trial) ([][]string, error) {
	sums, err := summaries(ctx, plan, measures, trials)
	if err != nil {
		return nil, err
	}
	return summaryLongRows(plan, measures, sums)
}

// summaryLongRows returns the rows of summary_long.csv for the statistics sums.
func summaryLongRows(plan *experiments.Plan, measures []string, sums []pointSummary) ([][]string, error) {
	cells, err := axisCells(plan)
	if err != nil {
		return nil, err
	}
	var recs [][]string
	for _, ps := range sums {
		head := append(slices.Clone(cells[ps.point]), strconv.Itoa(ps.trials))
		for m, st := range ps.stats {
			for k, x := range st {
				recs = append(recs, append(slices.Clone(head), measures[m], SummaryStats[k], FormatNumber(x)))
			}
		}
	}
	return recs, nil
}

// WriteSummary writes summary.csv at path, atomically: one row per point of plan, in point order, with
// the statistics of each measure over the point's trials (see the package documentation). A point
// without trials has trials 0, n 0 and NaN statistics. Once ctx is done it stops, leaves path as it
// was and returns an error wrapping ctx's cause.
func WriteSummary(ctx context.Context, path string, plan *experiments.Plan, measures []string, trials []Trial) error {
	recs, err := summaryRecords(ctx, plan, measures, trials)
	if err != nil {
		return err
	}
	return writeCSV(ctx, path, SummaryHeader(plan, measures), each(recs))
}

// WriteSummaryLong writes summary_long.csv at path, atomically: what summary.csv holds, one row per
// point, measure and statistic (the tidy or long form that pandas and ggplot group and facet by). ctx
// stops it as it does WriteSummary.
func WriteSummaryLong(ctx context.Context, path string, plan *experiments.Plan, measures []string, trials []Trial) error {
	recs, err := summaryLongRecords(ctx, plan, measures, trials)
	if err != nil {
		return err
	}
	return writeCSV(ctx, path, SummaryLongHeader(plan), each(recs))
}

func each(recs [][]string) func() []string {
	i := 0
	return func() []string {
		if i == len(recs) {
			return nil
		}
		i++
		return recs[i-1]
	}
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
