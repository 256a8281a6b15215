package plots

import (
	"errors"
	"fmt"
	"image/color"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
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

// CDFOptions configures CDF. XMin and XMax, when non-nil, fix the x range
// exactly (0 is a bound like any other); a nil bound is automatic: the
// smallest or largest finite value (the smallest positive one with LogX),
// padded by a few percent so no curve starts or ends on the frame.
type CDFOptions struct {
	Title, XLabel string
	LogX          bool
	XMin, XMax    *float64
}

// maxCDFSteps bounds the vertices of one CDF curve, so a million-sample
// series still gives a small SVG. Dropped steps are those whose
// cumulative fraction is within 1/maxCDFSteps of the last kept one, so
// the drawn curve is never more than 1/maxCDFSteps (0.05% of the y axis,
// under a pixel) below the exact one.
const maxCDFSteps = 2000

// rangePad is the margin added to an automatic axis range on each side, as
// a fraction of the range (of its decades on a log axis).
const rangePad = 0.04

// CDF returns a plot of the empirical CDF of each series, drawn as a step
// function with y = fraction of values <= x. Series differ in colour and
// dash pattern and are listed in a legend (series with an empty label are
// left out of it, unless censored).
//
// With LogX, values <= 0 cannot be placed on the axis; they still count
// towards the cumulative fraction, so the curve starts at the left edge of
// the plot at the height of the fraction of values at or below it. Values
// outside an explicit XMin..XMax are clipped the same way.
//
// A value of +Inf stands for an outcome not reached within the
// observation (an election still unfinished when the trial ended): it
// counts towards the total, so the curve stops below 1. What happened
// after the largest finite value is unknown, so the curve of a censored
// series ends there, at height (finite values)/(all values), with an arrow
// head pointing right; its legend entry says how many values are +Inf
// ("807 of 1000 unfinished"). A series without +Inf runs on at 1 to the
// right edge.
//
// It returns an error if there is no series, a series is empty or holds a
// NaN or -Inf, or the x range is invalid.
func CDF(series []Series, o CDFOptions) (*plot.Plot, error) {
	p, _, err := cdf(series, o)
	return p, err
}

// cdf is CDF, also returning the plotters it added, for tests to look at.
func cdf(series []Series, o CDFOptions) (*plot.Plot, []plot.Plotter, error) {
	if len(series) == 0 {
		return nil, nil, errors.New("plots: cdf: no series")
	}
	sorted := make([][]float64, len(series))
	lo, hi := math.Inf(1), math.Inf(-1)
	for i, s := range series {
		if len(s.Values) == 0 {
			return nil, nil, noDataError(fmt.Sprintf("plots: cdf: series %d (%q) is empty", i, s.Label))
		}
		for j, v := range s.Values {
			if math.IsNaN(v) || math.IsInf(v, -1) {
				return nil, nil, fmt.Errorf("plots: cdf: series %d (%q) value %d is %v", i, s.Label, j, v)
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
	if math.IsInf(hi, -1) && o.XMax == nil {
		return nil, nil, fmt.Errorf("plots: cdf: %w", &RangeError{Axis: "x", Log: o.LogX, Msg: "no finite value to place the x axis by; give XMin and XMax"})
	}
	if o.LogX && math.IsInf(lo, 1) && o.XMin == nil {
		return nil, nil, fmt.Errorf("plots: cdf: %w", &RangeError{Axis: "x", Log: true, Msg: "log x axis needs a positive minimum, have no positive value"})
	}
	lo, hi, err := axisRange("x", lo, hi, o.XMin, o.XMax, o.LogX)
	if err != nil {
		return nil, nil, fmt.Errorf("plots: cdf: %w", err)
	}

	p := newPlot(o.Title, o.XLabel, "cumulative fraction")
	var added []plot.Plotter
	add := func(ps ...plot.Plotter) {
		p.Add(ps...)
		added = append(added, ps...)
	}
	add(newGrid())
	leg := &legend{prefer: []anchor{lowerRight, upperLeft, centerRight, lowerCenter, upperRight, lowerLeft}}
	for i, s := range sorted {
		finite := len(s)
		for finite > 0 && math.IsInf(s[finite-1], 1) {
			finite--
		}
		censored := finite < len(s)
		pts := ecdfSteps(s, lo, hi, o.LogX, false, !censored)
		sty := seriesLine(styleIndex(i, series[i].Style))
		line := &plotter.Line{XYs: pts, LineStyle: sty}
		if len(pts) > 0 {
			add(noGlyphBoxes{line})
			leg.avoid.polylines = append(leg.avoid.polylines, pts)
		}
		var thumb plot.Thumbnailer = line
		label := series[i].Label
		if censored {
			thumb = censorThumb{sty}
			// The last vertex is the last finite value at its height, unless the range clips it.
			if len(pts) > 0 {
				if end := pts[len(pts)-1]; end.X >= lo && end.X <= hi {
					add(censorEnd{at: end, color: sty.Color})
					leg.avoid.points = append(leg.avoid.points, end)
				}
			}
		}
		// A range fixed by the caller may leave finite values off the axis: say how many, so a reader
		// knows the curve does not show them (a curve leaving the top right below 1 is otherwise mute).
		var notes []string
		if censored {
			notes = append(notes, fmt.Sprintf("%d of %d unfinished", len(s)-finite, len(s)))
		}
		if below := sort.SearchFloat64s(s[:finite], lo); below > 0 && o.XMin != nil {
			notes = append(notes, fmt.Sprintf("%d below %s", below, strconv.FormatFloat(lo, 'g', 4, 64)))
		}
		if above := finite - sort.Search(finite, func(k int) bool { return s[k] > hi }); above > 0 && o.XMax != nil {
			notes = append(notes, fmt.Sprintf("%d beyond %s", above, strconv.FormatFloat(hi, 'g', 4, 64)))
		}
		switch {
		case len(notes) == 1 && !censored: // "36 of 1000 beyond 600"
			n, rest, _ := strings.Cut(notes[0], " ")
			notes[0] = fmt.Sprintf("%s of %d %s", n, len(s), rest)
		case len(notes) > 1 && !censored:
			notes = append(notes, fmt.Sprintf("of %d", len(s)))
		}
		if len(notes) > 0 {
			label = strings.TrimSpace(fmt.Sprintf("%s (%s)", label, strings.Join(notes, ", ")))
		}
		if label != "" {
			leg.entries = append(leg.entries, legendEntry{label: label, thumbs: []plot.Thumbnailer{thumb}})
		}
	}
	add(leg)

	p.X.Min, p.X.Max = lo, hi
	p.Y.Min, p.Y.Max = 0, 1
	if o.LogX {
		p.X.Scale = plot.LogScale{}
		p.X.Tick.Marker = logTicks{}
		p.X.Tick.Label.Handler = newPowerText()
	} else {
		p.X.Tick.Marker = niceTicks{}
	}
	p.Y.Tick.Marker = niceTicks{}
	return p, added, nil
}

// axisRange returns the range of an axis whose data span lo..hi: a
// non-nil fixed bound is kept exactly, an automatic one is padded by
// rangePad of the range (multiplicatively on a log axis, and on a linear
// one not past zero), and a degenerate automatic range is widened.
//
// Its errors are *RangeError values for axis ("x", "y").
func axisRange(axis string, lo, hi float64, fixLo, fixHi *float64, logScale bool) (float64, float64, error) {
	if fixLo != nil {
		lo = *fixLo
	}
	if fixHi != nil {
		hi = *fixHi
	}
	bad := func(format string, args ...any) error {
		return &RangeError{Axis: axis, Log: logScale, Fixed: fixLo != nil || fixHi != nil, Msg: axis + " " + fmt.Sprintf(format, args...)}
	}
	if math.IsNaN(lo) || math.IsNaN(hi) || math.IsInf(lo, 0) || math.IsInf(hi, 0) {
		return 0, 0, bad("range [%v, %v] is not finite", lo, hi)
	}
	if logScale && !(lo > 0) {
		return 0, 0, bad("log axis needs a positive minimum, have %v", lo)
	}
	if lo > hi || lo == hi && (fixLo != nil || fixHi != nil) {
		return 0, 0, bad("range [%v, %v] is empty", lo, hi)
	}
	if lo == hi {
		lo, hi = widen(lo, logScale)
		return lo, hi, nil
	}
	if logScale {
		f := math.Pow(hi/lo, rangePad)
		if fixLo == nil {
			lo /= f
		}
		if fixHi == nil {
			hi *= f
		}
		return lo, hi, nil
	}
	// The margin does not cross zero: an axis of durations or fractions
	// that are all positive does not start at -20 ms.
	d := (hi - lo) * rangePad
	if fixLo == nil {
		lo = padPast(lo, -d)
	}
	if fixHi == nil {
		hi = padPast(hi, d)
	}
	return lo, hi, nil
}

// padPast returns v+d, or 0 if that crosses zero from v.
func padPast(v, d float64) float64 {
	if w := v + d; v >= 0 && w < 0 || v <= 0 && w > 0 {
		return 0
	}
	return v + d
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

// posOn is where value v is drawn on an x axis starting at lo: values <= 0
// cannot be placed on a log axis and go to its left edge.
func posOn(v, lo float64, logX bool) float64 {
	if logX && v <= 0 {
		return lo
	}
	return v
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
	pos := func(v float64) float64 { return posOn(v, lo, logX) }
	pts := make(plotter.XYs, 0, 2*min(n, maxCDFSteps)+4)
	if n == 0 {
		return nil // every value is +Inf: nothing is known to draw
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

// The arrow head that ends a censored CDF curve: it points right, where
// the curve would go on had the trials lasted longer.
const (
	censorArrowLen  = vg.Length(5)   // points, from the curve's end to the tip
	censorArrowHalf = vg.Length(2.8) // half the height of its base
)

func censorArrow(c *draw.Canvas, at vg.Point, col color.Color) {
	var path vg.Path
	path.Move(vg.Point{X: at.X, Y: at.Y - censorArrowHalf})
	path.Line(vg.Point{X: at.X + censorArrowLen, Y: at.Y})
	path.Line(vg.Point{X: at.X, Y: at.Y + censorArrowHalf})
	path.Close()
	c.SetColor(col)
	c.Fill(path)
}

// censorEnd draws the arrow head at the end of a censored curve.
type censorEnd struct {
	at    plotter.XY
	color color.Color
}

// Plot implements plot.Plotter.
func (e censorEnd) Plot(c draw.Canvas, plt *plot.Plot) {
	trX, trY := plt.Transforms(&c)
	censorArrow(&c, vg.Point{X: trX(e.at.X), Y: trY(e.at.Y)}, e.color)
}

// GlyphBoxes implements plot.GlyphBoxer, so the arrow head is never cut
// off at the edge of the data area.
func (e censorEnd) GlyphBoxes(plt *plot.Plot) []plot.GlyphBox {
	return []plot.GlyphBox{{
		X: plt.X.Norm(e.at.X), Y: plt.Y.Norm(e.at.Y),
		Rectangle: vg.Rectangle{Min: vg.Point{Y: -censorArrowHalf}, Max: vg.Point{X: censorArrowLen, Y: censorArrowHalf}},
	}}
}

// censorThumb is the legend thumbnail of a censored series: its line,
// ending in the arrow head.
type censorThumb struct{ sty draw.LineStyle }

func (t censorThumb) Thumbnail(c *draw.Canvas) {
	y := c.Center().Y
	tip := c.Max.X - censorArrowLen
	c.StrokeLine2(t.sty, c.Min.X, y, tip, y)
	censorArrow(c, vg.Point{X: tip, Y: y}, t.sty.Color)
}
