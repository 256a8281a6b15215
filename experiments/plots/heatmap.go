package plots

import (
	"fmt"
	"image/color"
	"math"
	"slices"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Grid is a metric over a rectangular grid: Z[i][j] is the value at
// (X[j], Y[i]). X and Y must be strictly increasing. NaN marks a cell
// where the metric does not apply (say f >= n); it is drawn hatched grey.
type Grid struct {
	X, Y []float64
	Z    [][]float64
}

// Overlay is a boundary drawn over a heatmap, such as n = 2f+1. The line
// through the points (X[k], Y[k]) splits each column of cells into those
// whose centre lies on or below it and those above; the overlay is drawn
// between the two, along cell edges, as a staircase, so it never crosses a
// cell or its label. It is dark on a white halo, to show on every cell
// colour. A column where the line is undefined (outside its x values, or
// at a NaN) has no boundary: the staircase breaks there.
type Overlay struct {
	Label  string
	X, Y   []float64
	Dashed bool
}

// HeatmapOptions configures Heatmap. ZMin and ZMax, when non-nil, fix that
// end of the colour scale (values beyond it get the end colour); a nil end
// is the data's. Annotate prints each cell's value in the cell, every value
// with the same decimals. MissingLabel, if set, is the legend entry of the
// hatched cells where Z is NaN (say "not in the sweep").
type HeatmapOptions struct {
	Title, XLabel, YLabel, ZLabel string
	ZMin, ZMax                    *float64
	Annotate                      bool
	Overlays                      []Overlay
	MissingLabel                  string
}

// Heatmap returns a heatmap of g and, separately, its vertical colour bar
// labelled with ZLabel, to be laid out with Figure — typically as
// Figure{Rows: [][]*plot.Plot{{heat, bar}}}. Figure gives the colour bar a
// narrow column and makes the cells square; drawn on its own, a heat plot
// fills whatever canvas it is given.
//
// Each cell is centred on its (X, Y) value and is as wide as the smallest
// X spacing and as tall as the smallest Y spacing, so uneven grids keep
// equal cells and leave blanks for missing values. The colour map is
// viridis-like with luminance rising linearly with the value, so it reads
// in greyscale and for colour-blind readers. Labelled overlays, and the
// hatched cells if MissingLabel is set, get a legend over no cell.
//
// It returns an error if g's shape is wrong, X or Y is not strictly
// increasing and finite, Z holds an infinity, an overlay's X and Y differ
// in length, or the colour range given is empty or not finite.
func Heatmap(g Grid, o HeatmapOptions) (heat *plot.Plot, colorbar *plot.Plot, err error) {
	heat, colorbar, _, err = heatmap(g, o)
	return heat, colorbar, err
}

// heatmap is Heatmap, also returning the plotters it added to the heat plot, for tests to look at.
func heatmap(g Grid, o HeatmapOptions) (heat *plot.Plot, colorbar *plot.Plot, added []plot.Plotter, err error) {
	orig := g
	dx, err := cellSize("x", g.X)
	if err != nil {
		return nil, nil, nil, err
	}
	dy, err := cellSize("y", g.Y)
	if err != nil {
		return nil, nil, nil, err
	}
	if len(g.Z) != len(g.Y) {
		return nil, nil, nil, fmt.Errorf("plots: heatmap: Z has %d rows, want len(Y) = %d", len(g.Z), len(g.Y))
	}
	zmin, zmax := math.Inf(1), math.Inf(-1)
	for i, row := range g.Z {
		if len(row) != len(g.X) {
			return nil, nil, nil, fmt.Errorf("plots: heatmap: Z row %d has %d values, want len(X) = %d", i, len(row), len(g.X))
		}
		for j, z := range row {
			if math.IsInf(z, 0) {
				return nil, nil, nil, fmt.Errorf("plots: heatmap: Z[%d][%d] is %v", i, j, z)
			}
			if !math.IsNaN(z) {
				zmin, zmax = min(zmin, z), max(zmax, z)
			}
		}
	}
	if o.ZMin != nil {
		zmin = *o.ZMin
	}
	if o.ZMax != nil {
		zmax = *o.ZMax
	}
	switch {
	case math.IsNaN(zmin) || math.IsNaN(zmax) || math.IsInf(zmin, 0) && o.ZMin != nil || math.IsInf(zmax, 0) && o.ZMax != nil:
		return nil, nil, nil, fmt.Errorf("plots: heatmap: %w", &RangeError{Axis: "colour", Fixed: o.ZMin != nil || o.ZMax != nil,
			Msg: fmt.Sprintf("colour range [%v, %v] is not finite", zmin, zmax)})
	case math.IsInf(zmin, 1) || math.IsInf(zmax, -1): // every cell is NaN, and an end is open
		zmin, zmax = 0, 1
		if o.ZMin != nil {
			zmin, zmax = *o.ZMin, *o.ZMin+1
		} else if o.ZMax != nil {
			zmin, zmax = *o.ZMax-1, *o.ZMax
		}
	case zmin > zmax || zmin == zmax && (o.ZMin != nil || o.ZMax != nil):
		return nil, nil, nil, fmt.Errorf("plots: heatmap: %w", &RangeError{Axis: "colour", Fixed: true,
			Msg: fmt.Sprintf("colour range [%v, %v] is empty", zmin, zmax)})
	case zmin == zmax:
		zmin, zmax = widen(zmin, false)
	}
	for k, ov := range o.Overlays {
		if len(ov.X) != len(ov.Y) {
			return nil, nil, nil, fmt.Errorf("plots: heatmap: overlay %d (%q): %d x values, %d y values", k, ov.Label, len(ov.X), len(ov.Y))
		}
	}

	// Copy the grid: the plot is drawn later, and must not see later
	// changes to the caller's slices.
	g = Grid{X: slices.Clone(g.X), Y: slices.Clone(g.Y), Z: make([][]float64, len(g.Z))}
	for i, row := range orig.Z {
		g.Z[i] = slices.Clone(row)
	}
	cells := &heatCells{grid: g, dx: dx, dy: dy, zmin: zmin, zmax: zmax}
	heat = newPlot(o.Title, o.XLabel, o.YLabel)
	add := func(ps ...plot.Plotter) {
		heat.Add(ps...)
		added = append(added, ps...)
	}
	add(cells)
	leg := &legend{prefer: []anchor{upperLeft, lowerRight, upperRight, lowerLeft}}
	for i := range g.Y {
		for j := range g.X {
			if !math.IsNaN(g.Z[i][j]) {
				r := cells.rect(i, j)
				leg.avoid.rects = append(leg.avoid.rects, r)
			}
		}
	}
	// Every halo first, then every line, so that where two boundaries
	// share an edge the later one's halo does not hide the earlier line:
	// a dashed line over a solid one shows both.
	halo := draw.LineStyle{Color: overlayHalo, Width: vg.Points(lineWidth + 2)}
	stairs := make([][]plotter.XYs, len(o.Overlays))
	for k, ov := range o.Overlays {
		stairs[k] = cells.staircase(ov)
		for _, seg := range stairs[k] {
			add(plotOnly{&plotter.Line{XYs: seg, LineStyle: halo}})
			leg.avoid.polylines = append(leg.avoid.polylines, seg)
		}
	}
	for k, ov := range o.Overlays {
		main := draw.LineStyle{Color: overlayColor(k), Width: vg.Points(lineWidth)}
		if ov.Dashed {
			main.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
		}
		for _, seg := range stairs[k] {
			add(plotOnly{&plotter.Line{XYs: seg, LineStyle: main}})
		}
		if ov.Label != "" {
			leg.entries = append(leg.entries, legendEntry{label: ov.Label, thumbs: []plot.Thumbnailer{
				&plotter.Line{LineStyle: halo}, &plotter.Line{LineStyle: main},
			}})
		}
	}
	if o.MissingLabel != "" && cells.hasNaN() {
		leg.entries = append(leg.entries, legendEntry{label: o.MissingLabel, thumbs: []plot.Thumbnailer{hatchThumb{}}})
	}
	if o.Annotate {
		add(heatLabels{cells})
	}
	add(leg)
	// The axes span the cells exactly (overlays are clipped to them) and
	// carry the cell size so Figure can make the cells square.
	heat.X.Min, heat.X.Max = g.X[0]-dx/2, g.X[len(g.X)-1]+dx/2
	heat.Y.Min, heat.Y.Max = g.Y[0]-dy/2, g.Y[len(g.Y)-1]+dy/2
	heat.X.Padding, heat.Y.Padding = 0, 0
	heat.X.Scale = heatScale{cell: dx}
	heat.Y.Scale = heatScale{cell: dy}
	heat.X.Tick.Marker = cellTicks(g.X)
	heat.Y.Tick.Marker = cellTicks(g.Y)

	colorbar = plot.New()
	colorbar.HideAxes()
	colorbar.X.Padding, colorbar.Y.Padding = 0, 0
	colorbar.Add(&colorBar{zmin: zmin, zmax: zmax, label: o.ZLabel})
	colorbar.X.Min, colorbar.X.Max = 0, 1
	colorbar.Y.Min, colorbar.Y.Max = zmin, zmax
	colorbar.X.Scale = colorBarScale{}
	return heat, colorbar, added, nil
}

// cellSize validates a heatmap coordinate slice and returns the cell
// extent along it: the smallest spacing, or 1 for a single value.
func cellSize(axis string, vs []float64) (float64, error) {
	if len(vs) == 0 {
		return 0, fmt.Errorf("plots: heatmap: no %s values", axis)
	}
	d := math.Inf(1)
	for i, v := range vs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return 0, fmt.Errorf("plots: heatmap: %s[%d] is %v", axis, i, v)
		}
		if i > 0 {
			if v <= vs[i-1] {
				return 0, fmt.Errorf("plots: heatmap: %s values not strictly increasing at %d (%v after %v)", axis, i, v, vs[i-1])
			}
			d = min(d, v-vs[i-1])
		}
	}
	if math.IsInf(d, 1) {
		d = 1
	}
	return d, nil
}

// cellTicks labels the cell centres; with many cells only every k-th is
// labelled so labels do not collide.
func cellTicks(vs []float64) plot.Ticker {
	step := 1
	if len(vs) > 12 {
		step = (len(vs) + 11) / 12
	}
	ticks := make(plot.ConstantTicks, len(vs))
	for i, v := range vs {
		ticks[i].Value = v
		if i%step == 0 {
			ticks[i].Label = formatNumber(v, 6)
		}
	}
	return ticks
}

// runs splits the points (x[i], y[i]) into maximal runs of consecutive
// points that keep accepts; runs of one point are dropped, as they make
// no line. kept lists every accepted point, for markers.
func runs(x, y []float64, keep func(x, y float64) bool) (lines []plotter.XYs, kept plotter.XYs) {
	var cur plotter.XYs
	flush := func() {
		if len(cur) > 1 {
			lines = append(lines, cur)
		}
		cur = nil
	}
	for i := range x {
		if !keep(x[i], y[i]) {
			flush()
			continue
		}
		pt := plotter.XY{X: x[i], Y: y[i]}
		cur = append(cur, pt)
		kept = append(kept, pt)
	}
	flush()
	return lines, kept
}

func finite(x, y float64) bool {
	return !math.IsNaN(x) && !math.IsInf(x, 0) && !math.IsNaN(y) && !math.IsInf(y, 0)
}

// overlayColor is black for the first overlay, then the series palette.
func overlayColor(k int) color.Color {
	if k == 0 {
		return color.Black
	}
	return seriesColors[(k-1)%len(seriesColors)]
}

// heatScale is the linear scale of a heat plot's axes. Its type marks the
// plot for Figure, and cell is the data extent of one cell along the axis,
// from which Figure computes the aspect ratio that makes cells square.
type heatScale struct {
	plot.LinearScale
	cell float64
}

// colorBarScale marks the x axis of a colour-bar plot for Figure, which
// gives such panels a narrow column.
type colorBarScale struct{ plot.LinearScale }

// viridis is a perceptually uniform colour map through the viridis key
// colours (van der Walt & Smith, matplotlib), interpolated in CIELAB with
// luminance linear in the value.
var viridis = func() palette.ColorMap {
	hex := []uint32{0x440154, 0x482878, 0x3E4A89, 0x31688E, 0x26828E, 0x1F9E89, 0x35B779, 0x6DCD59, 0xB4DE2C, 0xFDE725}
	cs := make([]color.Color, len(hex))
	for i, h := range hex {
		cs[i] = color.NRGBA{uint8(h >> 16), uint8(h >> 8), uint8(h), 0xFF}
	}
	m, err := moreland.NewLuminance(cs)
	if err != nil {
		panic(err) // the constants above have increasing luminance
	}
	m.SetMin(0)
	m.SetMax(1)
	return m
}()

// colorAt maps z in [zmin, zmax] to a colour, clamping values outside.
func colorAt(z, zmin, zmax float64) color.Color {
	t := (z - zmin) / (zmax - zmin)
	t = min(max(t, 0), 1)
	c, err := viridis.At(t)
	if err != nil {
		panic(err) // t is in [0, 1]
	}
	return c
}

// isDark reports whether text on c should be white.
func isDark(c color.Color) bool {
	r, g, b, _ := c.RGBA()
	lin := func(v uint32) float64 {
		s := float64(v) / 0xFFFF
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	// WCAG relative luminance; 0.18 balances contrast against black and white.
	return 0.2126*lin(r)+0.7152*lin(g)+0.0722*lin(b) < 0.18
}

// heatCells draws the cells of a Grid as filled squares (in data units).
type heatCells struct {
	grid       Grid
	dx, dy     float64
	zmin, zmax float64
}

func (h *heatCells) rect(i, j int) dataRect {
	x, y := h.grid.X[j], h.grid.Y[i]
	return dataRect{x - h.dx/2, y - h.dy/2, x + h.dx/2, y + h.dy/2}
}

// DataRange implements plot.DataRanger.
func (h *heatCells) DataRange() (xmin, xmax, ymin, ymax float64) {
	lo, hi := h.rect(0, 0), h.rect(len(h.grid.Y)-1, len(h.grid.X)-1)
	return lo.x0, hi.x1, lo.y0, hi.y1
}

// screen returns the canvas rectangle of cell (i, j).
func (h *heatCells) screen(i, j int, c draw.Canvas, plt *plot.Plot) vg.Rectangle {
	trX, trY := plt.Transforms(&c)
	d := h.rect(i, j)
	return vg.Rectangle{Min: vg.Point{X: trX(d.x0), Y: trY(d.y0)}, Max: vg.Point{X: trX(d.x1), Y: trY(d.y1)}}
}

// Plot implements plot.Plotter.
func (h *heatCells) Plot(c draw.Canvas, plt *plot.Plot) {
	// Adjacent cells overlap by a hair so anti-aliasing leaves no seams.
	const seam = vg.Length(0.3)
	nx, ny := len(h.grid.X), len(h.grid.Y)
	for i := range ny {
		for j := range nx {
			fill := h.screen(i, j, c, plt)
			if j+1 < nx && h.grid.X[j+1]-h.grid.X[j] <= h.dx*(1+1e-9) {
				fill.Max.X += seam
			}
			if i+1 < ny && h.grid.Y[i+1]-h.grid.Y[i] <= h.dy*(1+1e-9) {
				fill.Max.Y += seam
			}
			if z := h.grid.Z[i][j]; math.IsNaN(z) {
				c.SetColor(nanFill)
			} else {
				c.SetColor(colorAt(z, h.zmin, h.zmax))
			}
			c.Fill(fill.Path())
		}
	}
	for i := range ny {
		for j := range nx {
			if math.IsNaN(h.grid.Z[i][j]) {
				hatch(&c, h.screen(i, j, c, plt))
			}
		}
	}
}

// hatch draws the hatching of not-applicable cells over r: lines
// x - y = k·spacing on the canvas, so that it runs on unbroken across
// neighbouring cells.
func hatch(c *draw.Canvas, r vg.Rectangle) {
	const spacing = vg.Length(4)
	sty := draw.LineStyle{Color: nanHatch, Width: vg.Points(0.5)}
	k0 := math.Ceil(float64((r.Min.X - r.Max.Y) / spacing))
	k1 := math.Floor(float64((r.Max.X - r.Min.Y) / spacing))
	for k := k0; k <= k1; k++ {
		off := vg.Length(k) * spacing
		a := vg.Point{X: off + r.Min.Y, Y: r.Min.Y}
		b := vg.Point{X: off + r.Max.Y, Y: r.Max.Y}
		if p, q, ok := clipSegment(a, b, r); ok && p != q {
			c.StrokeLine2(sty, p.X, p.Y, q.X, q.Y)
		}
	}
}

// hatchThumb is the legend swatch of not-applicable cells.
type hatchThumb struct{}

func (hatchThumb) Thumbnail(c *draw.Canvas) {
	r := c.Rectangle
	c.SetColor(nanFill)
	c.Fill(r.Path())
	hatch(c, r)
	c.SetLineStyle(draw.LineStyle{Color: nanHatch, Width: vg.Points(0.5)})
	c.Stroke(r.Path())
}

func (h *heatCells) hasNaN() bool {
	for _, row := range h.grid.Z {
		for _, z := range row {
			if math.IsNaN(z) {
				return true
			}
		}
	}
	return false
}

// staircase returns the boundary of overlay ov along cell edges, as runs
// of vertices in data units (see Overlay).
func (h *heatCells) staircase(ov Overlay) []plotter.XYs {
	g := h.grid
	var out []plotter.XYs
	var cur plotter.XYs
	flush := func() {
		if len(cur) > 1 {
			out = append(out, cur)
		}
		cur = nil
	}
	for _, x := range g.X {
		level := interpolate(ov.X, ov.Y, x)
		if math.IsNaN(level) {
			flush()
			continue
		}
		// The cells at or below the line: a tolerance of a millionth of a
		// cell keeps a centre that lies on the line (f = (n-1)/2) below it.
		k := 0
		for k < len(g.Y) && g.Y[k] <= level+h.dy*1e-6 {
			k++
		}
		edge := g.Y[0] - h.dy/2
		if k > 0 {
			edge = g.Y[k-1] + h.dy/2
		}
		cur = append(cur, plotter.XY{X: x - h.dx/2, Y: edge}, plotter.XY{X: x + h.dx/2, Y: edge})
	}
	flush()
	return out
}

// interpolate returns the polyline (xs, ys) at x: linear between the
// first pair of consecutive vertices around x, NaN if there is none or a
// vertex is NaN.
func interpolate(xs, ys []float64, x float64) float64 {
	for k := 1; k < len(xs); k++ {
		x0, x1 := xs[k-1], xs[k]
		if x0 > x1 {
			x0, x1 = x1, x0
		}
		if x < x0 || x > x1 {
			continue
		}
		if !finite(xs[k-1], ys[k-1]) || !finite(xs[k], ys[k]) {
			return math.NaN()
		}
		if xs[k] == xs[k-1] {
			return max(ys[k-1], ys[k])
		}
		t := (x - xs[k-1]) / (xs[k] - xs[k-1])
		return ys[k-1] + t*(ys[k]-ys[k-1])
	}
	return math.NaN()
}

// heatLabels prints each cell's value in it. It is a separate plotter so
// it can be drawn after the overlays and stay readable. All labels share
// one font size: the largest (up to annotateMax) at which every label fits
// its cell; if that is below annotateMin, labels are left out. They share
// one format too (cellFormat), so 1 and 0 read "1.00" and "0.00" beside
// 0.97, and "1" and "0" when every value is an integer.
type heatLabels struct{ cells *heatCells }

// Plot implements plot.Plotter.
func (l heatLabels) Plot(c draw.Canvas, plt *plot.Plot) {
	h := l.cells
	label := cellFormat(h.grid.Z)
	r := h.screen(0, 0, c, plt)
	w, ht := r.Max.X-r.Min.X, r.Max.Y-r.Min.Y
	size := min(vg.Length(annotateMax), 0.4*ht)
	for _, row := range h.grid.Z {
		for _, z := range row {
			if math.IsNaN(z) {
				continue
			}
			if tw := textStyle(size, 0, 0).Width(label(z)); tw > 0.88*w {
				size *= 0.88 * w / tw
			}
		}
	}
	if size < annotateMin {
		return
	}
	for i, row := range h.grid.Z {
		for j, z := range row {
			if math.IsNaN(z) {
				continue
			}
			r := h.screen(i, j, c, plt)
			sty := textStyle(size, draw.XCenter, draw.YCenter)
			if isDark(colorAt(z, h.zmin, h.zmax)) {
				sty.Color = color.White
			}
			c.FillText(sty, vg.Point{X: (r.Min.X + r.Max.X) / 2, Y: (r.Min.Y + r.Max.Y) / 2}, label(z))
		}
	}
}

// plotOnly hides every method of a plotter but Plot: overlays must not
// widen the axes (DataRange) or pad the data area (GlyphBoxes), which
// would open a gap between the cells and the axes.
type plotOnly struct{ p plot.Plotter }

func (o plotOnly) Plot(c draw.Canvas, plt *plot.Plot) { o.p.Plot(c, plt) }

// noGlyphBoxes hides a line's GlyphBoxes but keeps its DataRange. A
// line's glyph boxes only pad by half its width, yet cost one allocation
// per vertex every time the layout measures the plot.
type noGlyphBoxes struct{ l *plotter.Line }

func (n noGlyphBoxes) Plot(c draw.Canvas, plt *plot.Plot) { n.l.Plot(c, plt) }

func (n noGlyphBoxes) DataRange() (xmin, xmax, ymin, ymax float64) { return n.l.DataRange() }

// cellFormat returns the format of the cell labels of z: integers when
// every value is one; otherwise three significant digits (0.999, 0.0125,
// 12.5, 1234), at least as many decimals as the largest magnitude gets, so
// that 1 and 0 read "1.00" and "0.00" beside 0.997; and for magnitudes from
// 1e6 or below 1e-4, three significant digits with an exponent.
func cellFormat(z [][]float64) func(float64) string {
	big, ints := 0.0, true
	for _, row := range z {
		for _, v := range row {
			if math.IsNaN(v) {
				continue
			}
			big = max(big, math.Abs(v))
			ints = ints && v == math.Trunc(v)
		}
	}
	if ints && big < 1e6 {
		return func(v float64) string { return strconv.FormatFloat(v, 'f', 0, 64) }
	}
	decimals := func(a float64) int { return max(0, 2-int(math.Floor(math.Log10(a)))) }
	common := 0
	if big > 0 {
		common = decimals(big)
	}
	return func(v float64) string {
		a := math.Abs(v)
		switch {
		case a >= 1e6 || a > 0 && a < 1e-4:
			return formatNumber(v, 3)
		case a == 0:
			return strconv.FormatFloat(0, 'f', common, 64)
		}
		return strconv.FormatFloat(v, 'f', max(common, decimals(a)), 64)
	}
}

// colorBar draws a vertical colour scale over the whole data area with
// ticks and labels on its right; its glyph boxes reserve room for them.
type colorBar struct {
	zmin, zmax float64
	label      string
}

const (
	colorBarSteps   = 128
	colorBarTick    = vg.Length(3)
	colorBarTickGap = vg.Length(2)
	colorBarWidth   = vg.Length(11) // data width Figure gives the bar
)

func (b *colorBar) ticks() []plot.Tick {
	return niceTicks{}.Ticks(b.zmin, b.zmax)
}

// DataRange implements plot.DataRanger.
func (b *colorBar) DataRange() (xmin, xmax, ymin, ymax float64) {
	return 0, 1, b.zmin, b.zmax
}

// labelOffset returns the distance from the bar's right edge to the
// centre line of the rotated label.
func (b *colorBar) labelOffset() vg.Length {
	tick := textStyle(tickSize, draw.XLeft, draw.YCenter)
	var w vg.Length
	for _, t := range b.ticks() {
		if t.Label != "" {
			w = max(w, tick.Width(t.Label))
		}
	}
	lab := textStyle(labelSize, draw.XCenter, draw.YCenter)
	return colorBarTick + colorBarTickGap + w + vg.Points(4) + lab.FontExtents().Height/2
}

// Plot implements plot.Plotter.
func (b *colorBar) Plot(c draw.Canvas, plt *plot.Plot) {
	_, trY := plt.Transforms(&c)
	for k := range colorBarSteps {
		z0 := b.zmin + (b.zmax-b.zmin)*float64(k)/colorBarSteps
		z1 := b.zmin + (b.zmax-b.zmin)*float64(k+1)/colorBarSteps
		y0, y1 := trY(z0), trY(z1)
		if k+1 < colorBarSteps {
			y1 += 0.3 // overlap the next step: no anti-aliasing seams
		}
		r := vg.Rectangle{Min: vg.Point{X: c.Min.X, Y: y0}, Max: vg.Point{X: c.Max.X, Y: y1}}
		c.SetColor(colorAt((z0+z1)/2, b.zmin, b.zmax))
		c.Fill(r.Path())
	}
	edge := draw.LineStyle{Color: color.Black, Width: vg.Points(axisWidth)}
	c.SetLineStyle(edge)
	c.Stroke(c.Rectangle.Path())

	sty := textStyle(tickSize, draw.XLeft, draw.YCenter)
	for _, t := range b.ticks() {
		y := trY(t.Value)
		if !c.ContainsY(y) {
			continue
		}
		l := colorBarTick
		if t.IsMinor() {
			l /= 2
		}
		c.StrokeLine2(edge, c.Max.X, y, c.Max.X+l, y)
		if t.Label != "" {
			c.FillText(sty, vg.Point{X: c.Max.X + colorBarTick + colorBarTickGap, Y: y}, t.Label)
		}
	}
	if b.label != "" {
		lab := textStyle(labelSize, draw.XCenter, draw.YCenter)
		lab.Rotation = math.Pi / 2
		c.FillText(lab, vg.Point{X: c.Max.X + b.labelOffset(), Y: (c.Min.Y + c.Max.Y) / 2}, b.label)
	}
}

// GlyphBoxes implements plot.GlyphBoxer, reserving room right of the
// bar for tick labels and the rotated label.
func (b *colorBar) GlyphBoxes(plt *plot.Plot) []plot.GlyphBox {
	sty := textStyle(tickSize, draw.XLeft, draw.YCenter)
	var boxes []plot.GlyphBox
	for _, t := range b.ticks() {
		if t.Label == "" || t.Value < b.zmin || t.Value > b.zmax {
			continue
		}
		w, h := sty.Width(t.Label), sty.FontExtents().Height
		x0 := colorBarTick + colorBarTickGap
		boxes = append(boxes, plot.GlyphBox{
			X: 1, Y: plt.Y.Norm(t.Value),
			Rectangle: vg.Rectangle{Min: vg.Point{X: x0, Y: -h / 2}, Max: vg.Point{X: x0 + w, Y: h / 2}},
		})
	}
	if b.label != "" {
		h := textStyle(labelSize, draw.XCenter, draw.YCenter).FontExtents().Height
		off := b.labelOffset()
		// Zero height: the label may be taller than the bar, and must not
		// shrink it vertically.
		boxes = append(boxes, plot.GlyphBox{
			X: 1, Y: 0.5,
			Rectangle: vg.Rectangle{Min: vg.Point{X: off - h/2}, Max: vg.Point{X: off + h/2}},
		})
	}
	return boxes
}
