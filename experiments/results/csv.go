package results

import (
	"cmp"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"github.com/raftsim/raftsim/internal/atomicfile"
	"io"
	"math"
	"slices"
	"strconv"

	"github.com/raftsim/raftsim/experiments"
	"github.com/raftsim/raftsim/experiments/stats"
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
	TrialColumn  = "trial"
	SeedColumn   = "seed"
	TrialsColumn = "trials"
)

// SummaryStats are the suffixes of a measure's columns in summary.csv, in column order.
var SummaryStats = []string{"mean", "ci95", "p50", "p90", "p99", "max"}

// TrialsHeader returns the header of trials.csv.
func TrialsHeader(axes, measures []string) []string {
	h := append([]string{}, axes...)
	h = append(h, TrialColumn, SeedColumn)
	return append(h, measures...)
}

// SummaryHeader returns the header of summary.csv.
func SummaryHeader(axes, measures []string) []string {
	h := append([]string{}, axes...)
	h = append(h, TrialsColumn)
	for _, m := range measures {
		for _, s := range SummaryStats {
			h = append(h, m+"_"+s)
		}
	}
	return h
}

// CheckPlan reports the first reason the writers would refuse plan with these measures: a point whose
// coordinates do not follow the axes, two points with the same key, or a column name that is empty or
// appears twice in either file (an axis named like a measure, say), which would make reading columns
// by name ambiguous.
func CheckPlan(plan *experiments.Plan, measures []string) error {
	if plan == nil {
		return errors.New("results: no plan")
	}
	for _, h := range [][]string{TrialsHeader(plan.Axes, measures), SummaryHeader(plan.Axes, measures)} {
		seen := make(map[string]bool, len(h))
		for _, c := range h {
			if c == "" {
				return errors.New("results: empty column name")
			}
			if seen[c] {
				return fmt.Errorf("results: column %q appears twice (an axis may not be named like a fixed column or a measure)", c)
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
	return nil
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

// WriteTrials writes trials.csv at path, atomically: one row per trial, sorted by point and trial
// whatever the order of trials.
func WriteTrials(path string, plan *experiments.Plan, measures []string, trials []Trial) error {
	sorted, err := checkTrials(plan, measures, trials)
	if err != nil {
		return err
	}
	return atomicfile.Write(path, func(w io.Writer) error {
		cw := csv.NewWriter(w)
		if err := cw.Write(TrialsHeader(plan.Axes, measures)); err != nil {
			return err
		}
		rec := make([]string, 0, len(plan.Axes)+2+len(measures))
		for _, t := range sorted {
			rec = rec[:0]
			for _, c := range plan.Points[t.Point].Coords {
				rec = append(rec, c.Value)
			}
			rec = append(rec, strconv.Itoa(t.Trial), strconv.FormatUint(t.Seed, 10))
			for _, v := range t.Values {
				rec = append(rec, FormatNumber(v))
			}
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
		cw.Flush()
		return cw.Error()
	})
}

// WriteSummary writes summary.csv at path, atomically: one row per point of plan, in point order, with
// the statistics of each measure over the point's trials (see the package documentation). A point
// without trials has trials 0 and NaN statistics.
func WriteSummary(path string, plan *experiments.Plan, measures []string, trials []Trial) error {
	sorted, err := checkTrials(plan, measures, trials)
	if err != nil {
		return err
	}
	byPoint := make([][]Trial, len(plan.Points))
	for _, t := range sorted {
		byPoint[t.Point] = append(byPoint[t.Point], t)
	}
	return atomicfile.Write(path, func(w io.Writer) error {
		cw := csv.NewWriter(w)
		if err := cw.Write(SummaryHeader(plan.Axes, measures)); err != nil {
			return err
		}
		rec := make([]string, 0, len(plan.Axes)+1+len(measures)*len(SummaryStats))
		var vals []float64
		for _, p := range PointOrder(plan) {
			ts := byPoint[p]
			rec = rec[:0]
			for _, c := range plan.Points[p].Coords {
				rec = append(rec, c.Value)
			}
			rec = append(rec, strconv.Itoa(len(ts)))
			for m := range measures {
				vals = vals[:0]
				for _, t := range ts {
					if v := t.Values[m]; !math.IsNaN(v) {
						vals = append(vals, v)
					}
				}
				for _, x := range summarize(vals) {
					rec = append(rec, FormatNumber(x))
				}
			}
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
		cw.Flush()
		return cw.Error()
	})
}

// summarize returns the statistics of SummaryStats, in order, of vals (no NaN among them); it sorts vals.
func summarize(vals []float64) [6]float64 {
	nan := math.NaN()
	if len(vals) == 0 {
		return [6]float64{nan, nan, nan, nan, nan, nan}
	}
	mean, ci := stats.Mean(vals), stats.CI95(vals)
	slices.Sort(vals)
	return [6]float64{mean, ci, stats.Percentile(vals, 50), stats.Percentile(vals, 90), stats.Percentile(vals, 99), vals[len(vals)-1]}
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
