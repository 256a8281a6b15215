package plots

import (
	"errors"
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Line is one series of Lines. Lo and Hi are optional (both nil, or both
// as long as X): the bounds of a confidence interval or percentile range
// at each X, in the same units as Y. A NaN in X or Y leaves a gap in the
// line; a NaN in Lo or Hi leaves out that point's band or bar.
type Line struct {
	Label  string
	X, Y   []float64
	Lo, Hi []float64
	// Style picks the line's colour, dash pattern and marker, as Series.Style does.
	Style int
}

// LinesOptions configures Lines. ErrorBars draws Lo..Hi as error bars
// instead of a translucent band. YMin and YMax, when non-nil, fix that end
// of the y range exactly; a nil end fits the data, bands included, with a
// margin of a few percent so no marker sits on the frame. The x range
// always fits the data with that margin.
type LinesOptions struct {
	Title, XLabel, YLabel string
	ErrorBars             bool
	LogY                  bool
	YMin, YMax            *float64
	// Refs are published values drawn across the whole panel, under the lines.
	Refs []RefLine
}

// RefLine is a published value drawn across a panel: a dashed grey line at Y and, when Lo < Hi, a grey
// band from Lo to Hi (a tolerance around it), with a legend entry. The y range fits the band.
type RefLine struct {
	Label     string
	Y, Lo, Hi float64
}

// refColor is the colour of reference lines and bands: grey, so they read as a backdrop to the data.
var refColor = color.Gray{0x60}

// bandAlpha is the opacity of confidence bands; overlapping bands of
// different series stay distinguishable.
const bandAlpha = 0.18

// Lines returns a plot of each line with markers at its points, its
// Lo..Hi range as a band or error bars, and a legend of the labelled
// lines. When every X is an integer (cluster sizes, fault counts), x ticks
// are integers. With LogY, points with Y <= 0 are gaps and Lo <= 0 is
// drawn at the bottom of the axis.
//
// It returns an error if there is no line, lengths disagree, Lo > Hi at
// some point, no point is drawable, or the y range is invalid.
func Lines(lines []Line, o LinesOptions) (*plot.Plot, error) {
	if len(lines) == 0 {
		return nil, errors.New("plots: lines: no lines")
	}
	ok := func(x, y float64) bool { return finite(x, y) && (!o.LogY || y > 0) }
	var allX []float64
	ymin, ymax := math.Inf(1), math.Inf(-1)
	anyFinite := false // a finite point, drawable or not on a log axis
	for i, l := range lines {
		if len(l.X) != len(l.Y) {
			return nil, fmt.Errorf("plots: lines: line %d (%q): %d x values, %d y values", i, l.Label, len(l.X), len(l.Y))
		}
		if (l.Lo == nil) != (l.Hi == nil) {
			return nil, fmt.Errorf("plots: lines: line %d (%q): Lo and Hi must be given together", i, l.Label)
		}
		if l.Lo != nil && (len(l.Lo) != len(l.X) || len(l.Hi) != len(l.X)) {
			return nil, fmt.Errorf("plots: lines: line %d (%q): %d x values, %d lo, %d hi", i, l.Label, len(l.X), len(l.Lo), len(l.Hi))
		}
		allX = append(allX, l.X...)
		for j := range l.X {
			anyFinite = anyFinite || finite(l.X[j], l.Y[j])
			if ok(l.X[j], l.Y[j]) {
				ymin, ymax = min(ymin, l.Y[j]), max(ymax, l.Y[j])
			}
			if l.Lo == nil {
				continue
			}
			if l.Lo[j] > l.Hi[j] {
				return nil, fmt.Errorf("plots: lines: line %d (%q) point %d: lo %v > hi %v", i, l.Label, j, l.Lo[j], l.Hi[j])
			}
			if ok(l.X[j], l.Hi[j]) && !math.IsNaN(l.Lo[j]) && !math.IsInf(l.Lo[j], 0) {
				ymax = max(ymax, l.Hi[j])
				if !o.LogY || l.Lo[j] > 0 {
					ymin = min(ymin, l.Lo[j])
				}
			}
		}
	}
	switch {
	case math.IsInf(ymin, 1) && o.LogY && anyFinite:
		// The data are there; the log scale is what leaves nothing to draw.
		return nil, fmt.Errorf("plots: lines: %w", &RangeError{Axis: "y", Log: true, Msg: "log y axis needs a positive value, have none"})
	case math.IsInf(ymin, 1):
		return nil, noDataError("plots: lines: no drawable point")
	}
	for _, r := range o.Refs {
		for _, y := range []float64{r.Y, r.Lo, r.Hi} {
			if finite(0, y) && (!o.LogY || y > 0) {
				ymin, ymax = min(ymin, y), max(ymax, y)
			}
		}
	}
	ymin, ymax, err := axisRange("y", ymin, ymax, o.YMin, o.YMax, o.LogY)
	if err != nil {
		return nil, fmt.Errorf("plots: lines: %w", err)
	}
	xmin, xmax := math.Inf(1), math.Inf(-1)
	for _, x := range allX {
		if !math.IsNaN(x) && !math.IsInf(x, 0) {
			xmin, xmax = min(xmin, x), max(xmax, x)
		}
	}
	xmin, xmax, err = axisRange("x", xmin, xmax, nil, nil, false)
	if err != nil {
		return nil, fmt.Errorf("plots: lines: %w", err)
	}

	p := newPlot(o.Title, o.XLabel, o.YLabel)
	p.Add(newGrid())
	leg := &legend{prefer: []anchor{upperRight, upperLeft, lowerLeft, lowerRight, centerRight, centerLeft, lowerCenter, upperCenter}}

	// References first, under everything else, across the padded x range.
	for _, r := range o.Refs {
		e := legendEntry{label: r.Label}
		if r.Lo < r.Hi {
			ring := plotter.XYs{{X: xmin, Y: r.Hi}, {X: xmax, Y: r.Hi}, {X: xmax, Y: r.Lo}, {X: xmin, Y: r.Lo}}
			band := &plotter.Polygon{XYs: []plotter.XYs{ring}, Color: withAlpha(refColor, bandAlpha)}
			p.Add(band)
			e.thumbs = append(e.thumbs, &plotter.Polygon{Color: withAlpha(refColor, bandAlpha)})
		}
		line := &plotter.Line{XYs: plotter.XYs{{X: xmin, Y: r.Y}, {X: xmax, Y: r.Y}},
			LineStyle: draw.LineStyle{Color: refColor, Width: vg.Points(lineWidth), Dashes: seriesDashes[1]}}
		p.Add(noGlyphBoxes{line})
		leg.avoid.polylines = append(leg.avoid.polylines, line.XYs)
		e.thumbs = append(e.thumbs, &plotter.Line{LineStyle: line.LineStyle})
		if r.Label != "" {
			leg.entries = append(leg.entries, e)
		}
	}

	// Ranges first so they lie under every line.
	ranges := make([]plot.Thumbnailer, len(lines))
	for i, l := range lines {
		if l.Lo == nil {
			continue
		}
		col := seriesColors[styleIndex(i, l.Style)%len(seriesColors)]
		var xs, los, his []float64
		for j := range l.X {
			x, lo, hi := l.X[j], l.Lo[j], l.Hi[j]
			if !ok(x, hi) || math.IsNaN(lo) || math.IsInf(lo, 0) {
				if !o.ErrorBars {
					addBand(p, &leg.avoid, xs, los, his, col)
					xs, los, his = xs[:0], los[:0], his[:0]
				}
				continue
			}
			if o.LogY && lo < ymin {
				lo = ymin // a log axis has no zero; the band runs off the bottom
			}
			xs, los, his = append(xs, x), append(los, lo), append(his, hi)
		}
		if o.ErrorBars {
			bars := newErrorBars(xs, los, his, col)
			if bars != nil {
				p.Add(bars)
				ranges[i] = errorBarThumb{bars.LineStyle}
				for k := range xs {
					leg.avoid.polylines = append(leg.avoid.polylines, plotter.XYs{{X: xs[k], Y: los[k]}, {X: xs[k], Y: his[k]}})
				}
			}
		} else {
			addBand(p, &leg.avoid, xs, los, his, col)
			ranges[i] = &plotter.Polygon{Color: withAlpha(col, bandAlpha)}
		}
	}

	for i, l := range lines {
		line := &plotter.Line{LineStyle: seriesLine(styleIndex(i, l.Style))}
		segs, all := runs(l.X, l.Y, ok)
		for _, seg := range segs {
			p.Add(noGlyphBoxes{&plotter.Line{XYs: seg, LineStyle: line.LineStyle}})
			leg.avoid.polylines = append(leg.avoid.polylines, seg)
		}
		marks := &plotter.Scatter{XYs: all, GlyphStyle: seriesGlyph(styleIndex(i, l.Style))}
		if len(all) > 0 {
			p.Add(marks)
			leg.avoid.points = append(leg.avoid.points, all...)
		}
		if l.Label != "" {
			e := legendEntry{label: l.Label}
			if ranges[i] != nil {
				e.thumbs = append(e.thumbs, ranges[i])
			}
			e.thumbs = append(e.thumbs, line, marks)
			leg.entries = append(leg.entries, e)
		}
	}
	p.Add(leg)

	// Plotters widen the axes to their data as they are added; the
	// padded ranges computed above replace that.
	p.X.Min, p.X.Max = xmin, xmax
	p.Y.Min, p.Y.Max = ymin, ymax
	if o.LogY {
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = logTicks{}
		p.Y.Tick.Label.Handler = newPowerText()
	} else {
		p.Y.Tick.Marker = niceTicks{}
	}
	if t, ok := integerTicks(allX); ok {
		p.X.Tick.Marker = t
	} else {
		p.X.Tick.Marker = niceTicks{}
	}
	return p, nil
}

// addBand adds the polygon between los and his over xs, if it has area.
func addBand(p *plot.Plot, avoid *obstacles, xs, los, his []float64, col colorT) {
	if len(xs) < 2 {
		return
	}
	ring := make(plotter.XYs, 0, 2*len(xs))
	for k := range xs {
		ring = append(ring, plotter.XY{X: xs[k], Y: his[k]})
	}
	for k := len(xs) - 1; k >= 0; k-- {
		ring = append(ring, plotter.XY{X: xs[k], Y: los[k]})
	}
	p.Add(&plotter.Polygon{XYs: []plotter.XYs{ring}, Color: withAlpha(col, bandAlpha)})
	// A band is translucent; only its edges count as hidden data.
	avoid.polylines = append(avoid.polylines, ring[:len(xs)], ring[len(xs):])
}

// newErrorBars returns error bars from los to his at xs, or nil if there
// are none. plotter.YErrorBars takes offsets from a centre, so the bars
// are centred on (lo+hi)/2; Y itself may lie anywhere in [lo, hi].
func newErrorBars(xs, los, his []float64, col colorT) *plotter.YErrorBars {
	if len(xs) == 0 {
		return nil
	}
	e := &plotter.YErrorBars{
		XYs:       make(plotter.XYs, len(xs)),
		YErrors:   make(plotter.YErrors, len(xs)),
		LineStyle: draw.LineStyle{Color: col, Width: vg.Points(1)},
		CapWidth:  vg.Points(5),
	}
	for k := range xs {
		half := (his[k] - los[k]) / 2
		e.XYs[k] = plotter.XY{X: xs[k], Y: los[k] + half}
		e.YErrors[k] = struct{ Low, High float64 }{half, half}
	}
	return e
}

// errorBarThumb is the legend thumbnail of error bars: one capped bar.
type errorBarThumb struct{ sty draw.LineStyle }

func (t errorBarThumb) Thumbnail(c *draw.Canvas) {
	x := c.Center().X
	capW := vg.Points(2.5)
	h := (c.Max.Y - c.Min.Y) * 0.35
	y0, y1 := c.Center().Y-h, c.Center().Y+h
	c.StrokeLine2(t.sty, x, y0, x, y1)
	c.StrokeLine2(t.sty, x-capW, y0, x+capW, y0)
	c.StrokeLine2(t.sty, x-capW, y1, x+capW, y1)
}
