package plots

import (
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// anchor is a legend position inside the data area: fx, fy in {0, ½, 1}
// place the box at the left/centre/right and bottom/middle/top.
type anchor struct{ fx, fy float64 }

var (
	upperRight  = anchor{1, 1}
	upperLeft   = anchor{0, 1}
	lowerLeft   = anchor{0, 0}
	lowerRight  = anchor{1, 0}
	centerRight = anchor{1, 0.5}
	centerLeft  = anchor{0, 0.5}
	upperCenter = anchor{0.5, 1}
	lowerCenter = anchor{0.5, 0}
)

// legendEntry is one row of a legend: thumbnails drawn on top of each
// other, then the label.
type legendEntry struct {
	label  string
	thumbs []plot.Thumbnailer
}

// obstacles is the data a legend should avoid, in data coordinates.
type obstacles struct {
	polylines []plotter.XYs // drawn exactly as given (steps already expanded)
	points    []plotter.XY  // markers
	rects     []dataRect    // filled areas such as heatmap cells
}

type dataRect struct{ x0, y0, x1, y1 float64 }

// legend is a plot.Plotter that draws a boxed legend inside the data area
// at the candidate anchor whose box overlaps the least data. It replaces
// plot.Legend, which has a fixed position and no background. It must be
// added to the plot last so that it is drawn over the data.
type legend struct {
	entries []legendEntry
	prefer  []anchor // candidates; ties go to the earliest
	avoid   obstacles
}

const (
	legendThumbW = 22 // points
	legendPad    = 4
	legendGap    = 4
	legendInset  = 4 // distance from the data area's edges
)

func (l *legend) size() (w, h, rowH vg.Length) {
	sty := textStyle(legendSize, draw.XLeft, draw.YCenter)
	rowH = sty.FontExtents().Height * 1.15
	var textW vg.Length
	for _, e := range l.entries {
		textW = max(textW, sty.Width(e.label))
	}
	w = 2*legendPad + legendThumbW + legendGap + textW
	h = 2*legendPad + rowH*vg.Length(len(l.entries))
	return w, h, rowH
}

// place returns the lower-left corner of the legend box in canvas c.
func (l *legend) place(c draw.Canvas, plt *plot.Plot, w, h vg.Length) vg.Point {
	freeW := c.Max.X - c.Min.X - 2*legendInset - w
	freeH := c.Max.Y - c.Min.Y - 2*legendInset - h
	at := func(a anchor) vg.Point {
		return vg.Point{
			X: c.Min.X + legendInset + vg.Length(a.fx)*max(freeW, 0),
			Y: c.Min.Y + legendInset + vg.Length(a.fy)*max(freeH, 0),
		}
	}
	best, bestScore := at(l.prefer[0]), math.Inf(1)
	try := func(a anchor, penalty float64) {
		pt := at(a)
		r := vg.Rectangle{Min: pt, Max: vg.Point{X: pt.X + w, Y: pt.Y + h}}
		if s := l.avoid.score(r, c, plt) + penalty; s < bestScore {
			best, bestScore = pt, s
		}
	}
	for _, a := range l.prefer {
		try(a, 0)
	}
	// Then anywhere on a 5×5 grid of positions, if that hides at least
	// one item less than the best preferred position.
	for fy := 4; fy >= 0; fy-- {
		for fx := 4; fx >= 0; fx-- {
			try(anchor{float64(fx) / 4, float64(fy) / 4}, 0.9)
		}
	}
	return best
}

// score measures how much data rectangle r would hide: one per polyline
// segment or marker it touches, plus the covered fraction of each area.
func (o *obstacles) score(r vg.Rectangle, c draw.Canvas, plt *plot.Plot) float64 {
	trX, trY := plt.Transforms(&c)
	var s float64
	for _, pl := range o.polylines {
		for i := 1; i < len(pl); i++ {
			a := vg.Point{X: trX(pl[i-1].X), Y: trY(pl[i-1].Y)}
			b := vg.Point{X: trX(pl[i].X), Y: trY(pl[i].Y)}
			if segmentHitsRect(a, b, r) {
				s++
			}
		}
	}
	grown := vg.Rectangle{
		Min: vg.Point{X: r.Min.X - glyphRadius, Y: r.Min.Y - glyphRadius},
		Max: vg.Point{X: r.Max.X + glyphRadius, Y: r.Max.Y + glyphRadius},
	}
	for _, p := range o.points {
		x, y := trX(p.X), trY(p.Y)
		if x >= grown.Min.X && x <= grown.Max.X && y >= grown.Min.Y && y <= grown.Max.Y {
			s++
		}
	}
	for _, d := range o.rects {
		x0, x1 := trX(d.x0), trX(d.x1)
		y0, y1 := trY(d.y0), trY(d.y1)
		ox := min(x1, r.Max.X) - max(x0, r.Min.X)
		oy := min(y1, r.Max.Y) - max(y0, r.Min.Y)
		if ox > 0 && oy > 0 {
			s += float64(ox*oy) / float64((x1-x0)*(y1-y0))
		}
	}
	return s
}

// segmentHitsRect reports whether segment ab intersects rectangle r
// (Liang–Barsky clipping).
func segmentHitsRect(a, b vg.Point, r vg.Rectangle) bool {
	_, _, ok := clipSegment(a, b, r)
	return ok
}

// clipSegment clips segment ab to rectangle r, returning the clipped
// end points and whether anything is left.
func clipSegment(a, b vg.Point, r vg.Rectangle) (vg.Point, vg.Point, bool) {
	t0, t1 := 0.0, 1.0
	dx, dy := float64(b.X-a.X), float64(b.Y-a.Y)
	edges := [4][2]float64{
		{-dx, float64(a.X - r.Min.X)},
		{dx, float64(r.Max.X - a.X)},
		{-dy, float64(a.Y - r.Min.Y)},
		{dy, float64(r.Max.Y - a.Y)},
	}
	for _, e := range edges {
		p, q := e[0], e[1]
		if p == 0 {
			if q < 0 {
				return a, b, false
			}
			continue
		}
		t := q / p
		if p < 0 {
			t0 = max(t0, t)
		} else {
			t1 = min(t1, t)
		}
		if t0 > t1 {
			return a, b, false
		}
	}
	at := func(t float64) vg.Point {
		return vg.Point{X: a.X + vg.Length(t*dx), Y: a.Y + vg.Length(t*dy)}
	}
	return at(t0), at(t1), true
}

// Plot draws the legend; it implements plot.Plotter.
func (l *legend) Plot(c draw.Canvas, plt *plot.Plot) {
	if len(l.entries) == 0 {
		return
	}
	w, h, rowH := l.size()
	pt := l.place(c, plt, w, h)
	box := vg.Rectangle{Min: pt, Max: vg.Point{X: pt.X + w, Y: pt.Y + h}}
	c.SetColor(legendFill)
	c.Fill(box.Path())
	c.SetLineStyle(draw.LineStyle{Color: legendEdge, Width: vg.Points(0.5)})
	c.Stroke(box.Path())

	sty := textStyle(legendSize, draw.XLeft, draw.YCenter)
	top := box.Max.Y - legendPad
	for i, e := range l.entries {
		rowTop := top - rowH*vg.Length(i)
		mid := rowTop - rowH/2
		thumb := draw.Canvas{
			Canvas: c.Canvas,
			Rectangle: vg.Rectangle{
				Min: vg.Point{X: box.Min.X + legendPad, Y: mid - rowH*0.4},
				Max: vg.Point{X: box.Min.X + legendPad + legendThumbW, Y: mid + rowH*0.4},
			},
		}
		for _, t := range e.thumbs {
			t.Thumbnail(&thumb)
		}
		c.FillText(sty, vg.Point{X: thumb.Max.X + legendGap, Y: mid}, e.label)
	}
}
