package plots

import (
	"cmp"
	"math"
	"slices"
	"strings"

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

// legend is a plot.Plotter that draws a boxed legend where it hides no
// data: inside the data area, at the first of its preferred anchors where
// the box, with a margin of legendClear, touches no line, marker or filled
// cell; failing those, at the free position nearest a corner on a grid of
// positions. When no position inside is free, Figure moves the legend
// above the data area, in as many columns as fit, for the time it draws
// the figure (see Figure.draw and probeCanvas). A plot drawn on its own,
// not through Figure, keeps a crowded legend inside, where it hides the
// least data. The legend replaces plot.Legend, which has a fixed position
// and no background, and must be added to the plot last, to be drawn over
// the data.
type legend struct {
	entries []legendEntry
	prefer  []anchor // candidates; ties go to the earliest
	avoid   obstacles

	// above, set by Figure while it draws, puts the legend above the data
	// area in cols columns; wrap, if not 0, is the width to which a
	// one-column legend above breaks its labels into lines.
	above bool
	cols  int
	wrap  vg.Length
	// stay, set by Figure, keeps a crowded legend inside: above, it left
	// the data too little room.
	stay bool
}

const (
	legendThumbW = 22 // points
	legendPad    = 4
	legendGap    = 4
	legendColGap = 10 // between columns of a legend above the data
	legendInset  = 4  // distance from the data area's edges
	legendClear  = 4  // least distance from data
	legendAbove  = 4  // between a legend above the data and the data area
)

// legendLayout is the arrangement of a legend's entries: entry i is in
// column i%cols, its label's lines from text row row[i] down.
type legendLayout struct {
	w, h, rowH, colW vg.Length
	cols             int
	lines            [][]string
	row              []int
}

// layout arranges the entries in cols columns, row by row; a one-column
// legend breaks its labels at spaces to lines at most wrap wide (0: no
// breaking).
func (l *legend) layout(cols int, wrap vg.Length) legendLayout {
	sty := textStyle(legendSize, draw.XLeft, draw.YCenter)
	ly := legendLayout{rowH: sty.FontExtents().Height * 1.15, cols: max(1, min(cols, len(l.entries)))}
	if ly.cols > 1 {
		wrap = 0
	}
	var textW vg.Length
	rows := 0
	for i, e := range l.entries {
		lines := []string{e.label}
		if wrap > 0 {
			lines = wrapText(e.label, wrap, sty.Width)
		}
		for _, line := range lines {
			textW = max(textW, sty.Width(line))
		}
		ly.lines = append(ly.lines, lines)
		if ly.cols == 1 {
			ly.row = append(ly.row, rows)
			rows += len(lines)
		} else {
			ly.row = append(ly.row, i/ly.cols)
			rows = i/ly.cols + 1
		}
	}
	ly.colW = legendThumbW + legendGap + textW
	ly.w = 2*legendPad + ly.colW*vg.Length(ly.cols) + legendColGap*vg.Length(ly.cols-1)
	ly.h = 2*legendPad + ly.rowH*vg.Length(rows)
	return ly
}

// size returns the size of the box in cols columns, without breaking labels.
func (l *legend) size(cols int) (w, h vg.Length) {
	ly := l.layout(cols, 0)
	return ly.w, ly.h
}

// wrapText breaks s at spaces into lines at most maxW wide (a word wider
// than that gets a line of its own).
func wrapText(s string, maxW vg.Length, width func(string) vg.Length) []string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(s) {
		switch {
		case line == "":
			line = word
		case width(line+" "+word) <= maxW:
			line += " " + word
		default:
			lines = append(lines, line)
			line = word
		}
	}
	return append(lines, line)
}

// columnsFor returns the number of columns that fit the legend in width,
// balanced so rows are as full as they can be (6 entries: 3 and 3, not 4
// and 2).
func (l *legend) columnsFor(width vg.Length) int {
	n := len(l.entries)
	cols := 1
	for k := 2; k <= n; k++ {
		if w, _ := l.size(k); w <= width {
			cols = k
		}
	}
	rows := (n + cols - 1) / cols
	return (n + rows - 1) / rows
}

// gridSteps is the number of steps of the grid of positions, across and up.
const gridSteps = 8

// candidates returns the positions place tries, in order: the preferred
// anchors, then every grid position, nearest a corner first.
func (l *legend) candidates() []anchor {
	out := slices.Clone(l.prefer)
	var grid []anchor
	for i := 0; i <= gridSteps; i++ {
		for j := 0; j <= gridSteps; j++ {
			grid = append(grid, anchor{float64(i) / gridSteps, float64(j) / gridSteps})
		}
	}
	corner := func(a anchor) float64 {
		dx := math.Min(a.fx, 1-a.fx)
		dy := math.Min(a.fy, 1-a.fy)
		return dx*dx + dy*dy
	}
	slices.SortStableFunc(grid, func(a, b anchor) int { return cmp.Compare(corner(a), corner(b)) })
	return append(out, grid...)
}

// place returns the lower-left corner of the legend box in data canvas c,
// and whether it hides no data there. If no position is free it returns
// the one that hides the least.
func (l *legend) place(c draw.Canvas, plt *plot.Plot, w, h vg.Length) (vg.Point, bool) {
	freeW := c.Max.X - c.Min.X - 2*legendInset - w
	freeH := c.Max.Y - c.Min.Y - 2*legendInset - h
	at := func(a anchor) vg.Point {
		return vg.Point{
			X: c.Min.X + legendInset + vg.Length(a.fx)*max(freeW, 0),
			Y: c.Min.Y + legendInset + vg.Length(a.fy)*max(freeH, 0),
		}
	}
	fits := freeW >= 0 && freeH >= 0
	oc := l.avoid.onCanvas(c, plt)
	box := func(pt vg.Point) vg.Rectangle {
		return vg.Rectangle{
			Min: vg.Point{X: pt.X - legendClear, Y: pt.Y - legendClear},
			Max: vg.Point{X: pt.X + w + legendClear, Y: pt.Y + h + legendClear},
		}
	}
	cands := l.candidates()
	if fits {
		for _, a := range cands {
			if pt := at(a); !oc.hits(box(pt)) {
				return pt, true
			}
		}
	}
	best, bestScore := at(l.prefer[0]), math.Inf(1)
	for _, a := range cands {
		if s := oc.score(box(at(a))); s < bestScore {
			best, bestScore = at(a), s
		}
	}
	return best, false
}

// setAbove puts the legend above its data area, in a panel width wide:
// in as many columns as fit, and in one with its labels broken into lines
// if even that is too wide.
func (l *legend) setAbove(width vg.Length) {
	l.above, l.cols, l.wrap = true, l.columnsFor(width), 0
	if w, _ := l.size(1); l.cols == 1 && w > width {
		l.wrap = max(width-2*legendPad-legendThumbW-legendGap, 36)
	}
}

// aboveBox returns the rectangle of the legend above data canvas c:
// centred over the data area, moved sideways as far as it must to stay in
// the panel's cell.
func (l *legend) aboveBox(c draw.Canvas) vg.Rectangle {
	ly := l.layout(l.cols, l.wrap)
	x := c.Center().X - ly.w/2
	if pc := panelOf(c.Canvas); pc != nil {
		x = max(min(x, pc.cell.Max.X-ly.w), pc.cell.Min.X)
	}
	y := c.Max.Y + legendAbove
	return vg.Rectangle{Min: vg.Point{X: x, Y: y}, Max: vg.Point{X: x + ly.w, Y: y + ly.h}}
}

// GlyphBoxes implements plot.GlyphBoxer: above the data area, the legend
// needs room there. The box has no width: gonum pads the sides by the
// outermost boxes on each side, and one wide box centred on the data area
// would be both (its padding formula then divides zero by zero); setAbove
// fits the legend to the data area's width instead.
func (l *legend) GlyphBoxes(*plot.Plot) []plot.GlyphBox {
	if !l.above || len(l.entries) == 0 {
		return nil
	}
	ly := l.layout(l.cols, l.wrap)
	return []plot.GlyphBox{{X: 0.5, Y: 1, Rectangle: vg.Rectangle{
		Min: vg.Point{Y: legendAbove},
		Max: vg.Point{Y: legendAbove + ly.h},
	}}}
}

// score measures how much data rectangle r (on canvas c) would hide: one
// per polyline segment or marker it touches, plus the covered fraction of
// each area.
func (o *obstacles) score(r vg.Rectangle, c draw.Canvas, plt *plot.Plot) float64 {
	return o.onCanvas(c, plt).score(r)
}

// canvasObstacles are obstacles in canvas coordinates, polylines cut into
// chunks with bounding boxes, so that a legend's candidate places are
// tested quickly against thousands of CDF steps.
type canvasObstacles struct {
	chunks []chunk
	points []vg.Point
	rects  []vg.Rectangle
}

type chunk struct {
	box vg.Rectangle
	pts []vg.Point // consecutive vertices; the first repeats the last of the previous chunk
}

const chunkLen = 32

func (o *obstacles) onCanvas(c draw.Canvas, plt *plot.Plot) *canvasObstacles {
	trX, trY := plt.Transforms(&c)
	oc := &canvasObstacles{}
	for _, pl := range o.polylines {
		pts := make([]vg.Point, len(pl))
		for i, p := range pl {
			pts[i] = vg.Point{X: trX(p.X), Y: trY(p.Y)}
		}
		for start := 0; start+1 < len(pts); start += chunkLen {
			seg := pts[start:min(start+chunkLen+1, len(pts))]
			b := vg.Rectangle{Min: seg[0], Max: seg[0]}
			for _, p := range seg[1:] {
				b.Min.X, b.Min.Y = min(b.Min.X, p.X), min(b.Min.Y, p.Y)
				b.Max.X, b.Max.Y = max(b.Max.X, p.X), max(b.Max.Y, p.Y)
			}
			oc.chunks = append(oc.chunks, chunk{b, seg})
		}
	}
	for _, p := range o.points {
		oc.points = append(oc.points, vg.Point{X: trX(p.X), Y: trY(p.Y)})
	}
	for _, d := range o.rects {
		oc.rects = append(oc.rects, vg.Rectangle{Min: vg.Point{X: trX(d.x0), Y: trY(d.y0)}, Max: vg.Point{X: trX(d.x1), Y: trY(d.y1)}})
	}
	return oc
}

// each calls f with how much of each obstacle r hides, stopping when f
// returns false.
func (oc *canvasObstacles) each(r vg.Rectangle, f func(float64) bool) {
	for _, ch := range oc.chunks {
		if ch.box.Max.X < r.Min.X || ch.box.Min.X > r.Max.X || ch.box.Max.Y < r.Min.Y || ch.box.Min.Y > r.Max.Y {
			continue
		}
		for i := 1; i < len(ch.pts); i++ {
			if segmentHitsRect(ch.pts[i-1], ch.pts[i], r) && !f(1) {
				return
			}
		}
	}
	grown := vg.Rectangle{
		Min: vg.Point{X: r.Min.X - glyphRadius, Y: r.Min.Y - glyphRadius},
		Max: vg.Point{X: r.Max.X + glyphRadius, Y: r.Max.Y + glyphRadius},
	}
	for _, p := range oc.points {
		if p.X >= grown.Min.X && p.X <= grown.Max.X && p.Y >= grown.Min.Y && p.Y <= grown.Max.Y && !f(1) {
			return
		}
	}
	for _, d := range oc.rects {
		ox := min(d.Max.X, r.Max.X) - max(d.Min.X, r.Min.X)
		oy := min(d.Max.Y, r.Max.Y) - max(d.Min.Y, r.Min.Y)
		if ox > 0 && oy > 0 && !f(float64(ox*oy)/float64((d.Max.X-d.Min.X)*(d.Max.Y-d.Min.Y))) {
			return
		}
	}
}

func (oc *canvasObstacles) score(r vg.Rectangle) float64 {
	var s float64
	oc.each(r, func(x float64) bool { s += x; return true })
	return s
}

func (oc *canvasObstacles) hits(r vg.Rectangle) bool {
	hit := false
	oc.each(r, func(float64) bool { hit = true; return false })
	return hit
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

// Plot draws the legend; it implements plot.Plotter. On a probeCanvas it
// draws nothing and reports whether it found a free place.
func (l *legend) Plot(c draw.Canvas, plt *plot.Plot) {
	if len(l.entries) == 0 {
		return
	}
	var box vg.Rectangle
	ly := l.layout(1, 0)
	if l.above {
		ly = l.layout(l.cols, l.wrap)
		box = l.aboveBox(c)
	} else {
		pt, free := l.place(c, plt, ly.w, ly.h)
		box = vg.Rectangle{Min: pt, Max: vg.Point{X: pt.X + ly.w, Y: pt.Y + ly.h}}
		if p := panelOf(c.Canvas); p != nil && p.probe != nil && !free && !l.stay {
			p.probe.crowded = append(p.probe.crowded, crowded{l, p.cell.Max.X - p.cell.Min.X})
			return
		}
	}
	if p := probeOf(c.Canvas); p != nil {
		p.placed = append(p.placed, box)
		return
	}
	c.SetColor(legendFill)
	c.Fill(box.Path())
	c.SetLineStyle(draw.LineStyle{Color: legendEdge, Width: vg.Points(0.5)})
	c.Stroke(box.Path())

	sty := textStyle(legendSize, draw.XLeft, draw.YCenter)
	top := box.Max.Y - legendPad
	for i, e := range l.entries {
		left := box.Min.X + legendPad + (ly.colW+legendColGap)*vg.Length(i%ly.cols)
		mid := top - ly.rowH*vg.Length(ly.row[i]) - ly.rowH/2
		thumb := draw.Canvas{
			Canvas: c.Canvas,
			Rectangle: vg.Rectangle{
				Min: vg.Point{X: left, Y: mid - ly.rowH*0.4},
				Max: vg.Point{X: left + legendThumbW, Y: mid + ly.rowH*0.4},
			},
		}
		for _, t := range e.thumbs {
			t.Thumbnail(&thumb)
		}
		for k, line := range ly.lines[i] {
			c.FillText(sty, vg.Point{X: thumb.Max.X + legendGap, Y: mid - ly.rowH*vg.Length(k)}, line)
		}
	}
}
