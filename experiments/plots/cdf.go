package plots

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
)

// Series is one sample to draw as an empirical CDF. Values need not be
// sorted and are not modified.
type Series struct {
	Label  string
	Values []float64
	// Style picks the curve's colour and dash pattern: 0 means by the series' position, k >= 1 the k-th
	// style, so that one value keeps its look across the panels of a figure.
	Style int
}

// CDFOptions configures CDF. XMin and XMax fix the x range; 0 means
// automatic (the smallest and largest value, or the smallest positive
// value with LogX).
type CDFOptions struct {
	Title, XLabel string
	LogX          bool
	XMin, XMax    float64
}

// maxCDFSteps bounds the vertices of one CDF curve, so a million-sample
// series still gives a small SVG. Dropped steps are those whose
// cumulative fraction is within 1/maxCDFSteps of the last kept one, so
// the drawn curve is never more than 1/maxCDFSteps (0.05% of the y axis,
// under a pixel) below the exact one.
const maxCDFSteps = 2000

// CDF returns a plot of the empirical CDF of each series, drawn as a step
// function with y = fraction of values <= x. Series differ in colour and
// dash pattern and are listed in a legend (series with an empty label are
// left out of it).
//
// With LogX, values <= 0 cannot be placed on the axis; they still count
// towards the cumulative fraction, so the curve starts at the left edge of
// the plot at the height of the fraction of values at or below it. Values
// outside an explicit XMin..XMax are clipped the same way.
//
// A value of +Inf stands for an outcome not reached within the
// observation (an election still unfinished when the run ended, say): it
// counts towards the total, so the curve of such a series stops below 1
// and runs flat to the right edge, but it is never drawn.
//
// It returns an error if there is no series, a series is empty or holds a
// NaN or -Inf, or the x range is invalid.
func CDF(series []Series, o CDFOptions) (*plot.Plot, error) {
	if len(series) == 0 {
		return nil, errors.New("plots: cdf: no series")
	}
	sorted := make([][]float64, len(series))
	lo, hi := math.Inf(1), math.Inf(-1)
	for i, s := range series {
		if len(s.Values) == 0 {
			return nil, fmt.Errorf("plots: cdf: series %d (%q) is empty", i, s.Label)
		}
		for j, v := range s.Values {
			if math.IsNaN(v) || math.IsInf(v, -1) {
				return nil, fmt.Errorf("plots: cdf: series %d (%q) value %d is %v", i, s.Label, j, v)
			}
			if math.IsInf(v, 1) {
				continue
			}
			if !o.LogX || v > 0 {
				lo = min(lo, v)
			}
			hi = max(hi, v)
		}
		sorted[i] = slices.Clone(s.Values)
		slices.Sort(sorted[i])
	}
	if o.XMin != 0 {
		lo = o.XMin
	}
	if o.XMax != 0 {
		hi = o.XMax
	}
	if math.IsInf(hi, -1) && o.XMax == 0 {
		return nil, errors.New("plots: cdf: no finite value to place the x axis by; give XMin and XMax")
	}
	if o.LogX && math.IsInf(lo, 1) {
		return nil, errors.New("plots: cdf: log x axis needs a positive minimum, have no positive value")
	}
	if o.LogX && !(lo > 0) {
		return nil, fmt.Errorf("plots: cdf: log x axis needs a positive minimum, have %v", lo)
	}
	if lo >= hi {
		if o.XMin != 0 || o.XMax != 0 || lo > hi {
			return nil, fmt.Errorf("plots: cdf: x range [%v, %v] is empty", lo, hi)
		}
		lo, hi = widen(lo, o.LogX)
	}

	p := newPlot(o.Title, o.XLabel, "cumulative fraction")
	p.Add(newGrid())
	leg := &legend{prefer: []anchor{lowerRight, upperLeft, centerRight, lowerCenter, upperRight, lowerLeft}}
	for i, s := range sorted {
		censored := len(s) > 0 && math.IsInf(s[len(s)-1], 1)
		pts := ecdfSteps(s, lo, hi, o.LogX, o.XMin != 0, o.XMax != 0 || censored)
		line := &plotter.Line{XYs: pts, LineStyle: seriesLine(styleIndex(i, series[i].Style))}
		p.Add(noGlyphBoxes{line})
		leg.avoid.polylines = append(leg.avoid.polylines, pts)
		if series[i].Label != "" {
			leg.entries = append(leg.entries, legendEntry{label: series[i].Label, thumbs: []plot.Thumbnailer{line}})
		}
	}
	p.Add(leg)

	p.X.Min, p.X.Max = lo, hi
	p.Y.Min, p.Y.Max = 0, 1
	if o.LogX {
		p.X.Scale = plot.LogScale{}
		p.X.Tick.Marker = logTicks{}
	}
	p.Y.Tick.Marker = plot.ConstantTicks{
		{Value: 0, Label: "0"}, {Value: 0.1}, {Value: 0.2, Label: "0.2"}, {Value: 0.3},
		{Value: 0.4, Label: "0.4"}, {Value: 0.5}, {Value: 0.6, Label: "0.6"}, {Value: 0.7},
		{Value: 0.8, Label: "0.8"}, {Value: 0.9}, {Value: 1, Label: "1"},
	}
	return p, nil
}

// widen turns the degenerate range [v, v] into one that shows v.
func widen(v float64, logScale bool) (lo, hi float64) {
	switch {
	case logScale:
		return v / 2, v * 2
	case v == 0:
		return -1, 1
	default:
		d := math.Abs(v) * 0.1
		return v - d, v + d
	}
}

// ecdfSteps returns the vertices of the empirical CDF of sorted as an
// explicit staircase (horizontal then vertical moves), so clipping at the
// plot edges cuts it exactly; gonum's StepStyle is applied after clipping
// and would bend clipped steps. Values <= 0 on a log axis are moved to lo.
// With extendLo/extendHi the curve also runs along y=0 from lo and along
// y=1 to hi.
//
// Trailing +Inf values count towards the total but are not drawn.
func ecdfSteps(sorted []float64, lo, hi float64, logX, extendLo, extendHi bool) plotter.XYs {
	total := len(sorted)
	n := total
	for n > 0 && math.IsInf(sorted[n-1], 1) {
		n--
	}
	pos := func(v float64) float64 {
		if logX && v <= 0 {
			return lo
		}
		return v
	}
	pts := make(plotter.XYs, 0, 2*min(n, maxCDFSteps)+4)
	if n == 0 {
		return append(pts, plotter.XY{X: lo, Y: 0}, plotter.XY{X: hi, Y: 0})
	}
	first := pos(sorted[0])
	if extendLo && lo < first {
		pts = append(pts, plotter.XY{X: lo, Y: 0})
	}
	pts = append(pts, plotter.XY{X: first, Y: 0})
	level := 0.0
	for i := 0; i < n; i++ {
		if i+1 < n && pos(sorted[i+1]) == pos(sorted[i]) {
			continue // the step is at the last of equal positions
		}
		f := float64(i+1) / float64(total)
		if i+1 < n && f-level < 1.0/maxCDFSteps {
			continue // thinned: within 1/maxCDFSteps of the kept level
		}
		x := pos(sorted[i])
		pts = append(pts, plotter.XY{X: x, Y: level}, plotter.XY{X: x, Y: f})
		level = f
	}
	if extendHi && hi > pos(sorted[n-1]) {
		pts = append(pts, plotter.XY{X: hi, Y: level})
	}
	return pts
}
