package plots

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/raftsim/raftsim/internal/atomicfile"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Figure is a grid of panels written as one image. Rows[i][j] is the panel
// in row i, column j; all rows must have the same length, and nil leaves a
// cell empty.
//
// Panels' data areas are aligned across each row and column. Columns that
// hold only colour bars (from Heatmap) are narrow; rows holding heatmaps
// are sized so that heatmap cells are square, leaving any spare room as
// margin. A panel's legend goes inside its data area where it hides no
// data, or else above the data area (see legend). Width and Height are the
// size of the whole figure; 0 picks 3.6 in per ordinary column, 0.9 in per
// colour-bar column and 2.7 in per row (see DefaultSize). Title, if set, is
// centred above the panels. DPI is the resolution of PNG output; 0 means
// DefaultDPI. SVG and PDF output do not depend on it.
//
// The size and resolution are bounded (MaxInches, MinDPI, MaxDPI,
// MaxMegapixels), so that drawing takes bounded memory.
//
// While it draws, Figure moves crowded legends of its panels above their
// data areas and puts them back afterwards, so one plot must not be drawn
// by two figures at the same time.
type Figure struct {
	Rows          [][]*plot.Plot
	Width, Height vg.Length
	Title         string
	DPI           int
}

// DefaultDPI is the default PNG resolution, enough for print.
const DefaultDPI = 300

// Bounds on a figure. Journals ask for figures at most a page in size
// (about 7 × 9.5 in) and line art at 600 dpi, which is 24 megapixels; the
// bounds leave room for a poster panel (20 × 12 in at 300 dpi is 22
// megapixels) while keeping the PNG in bounded memory: it is rendered as
// 4 bytes a pixel, so MaxMegapixels take about 160 MB, plus the encoder's
// buffers. PDF and SVG are vector formats and do not depend on the DPI.
const (
	MaxInches     = 20
	MinDPI        = 72
	MaxDPI        = 600
	MaxMegapixels = 40
)

// Formats are the formats WriteTo writes, in the order Save writes them.
var Formats = []string{"png", "svg", "pdf"}

const (
	figMargin   = vg.Length(6)  // around the figure
	figGapX     = vg.Length(14) // between columns
	figGapBar   = vg.Length(8)  // between a panel and its colour bar
	figGapY     = vg.Length(12) // between rows
	defaultColW = 3.6 * vg.Inch
	defaultBarW = 0.9 * vg.Inch
	defaultRowH = 2.7 * vg.Inch
	titleRoom   = 0.35 * vg.Inch // added to the default height for a title
	minDataSize = 0.4 * vg.Inch  // smallest data area Figure will draw
)

// Save writes the figure to pathWithoutExt+".png", ".svg" and ".pdf". All
// images are rendered in memory first, so an invalid figure writes
// nothing. The three files are then written together
// (atomicfile.WriteAll): a reader sees either the old or the new complete
// files, never a part of one, and an interruption leaves all three as
// they were. (Only a failure while committing them, a full disk, can
// leave the earlier ones new and the later ones old.)
//
// Once ctx is done, Save stops between formats and while it encodes one
// (a large PNG takes seconds), leaves the files as they were, and returns
// an error wrapping ctx's cause.
func (f Figure) Save(ctx context.Context, pathWithoutExt string) error {
	files := make([]atomicfile.Content, len(Formats))
	for i, format := range Formats {
		var buf bytes.Buffer
		if err := f.WriteTo(ctxWriter{ctx, &buf}, format); err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("plots: save: interrupted: %w", context.Cause(ctx))
			}
			return err
		}
		files[i] = atomicfile.Content{Path: pathWithoutExt + "." + format, Data: buf.Bytes()}
	}
	if err := atomicfile.WriteAll(ctx, files); err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("plots: save: interrupted: %w", err)
		}
		return fmt.Errorf("plots: save: %w", err)
	}
	return nil
}

// ctxWriter is a writer that fails once ctx is done, so that an encoder
// writing to it stops soon after.
type ctxWriter struct {
	ctx context.Context
	w   io.Writer
}

func (c ctxWriter) Write(p []byte) (int, error) {
	if c.ctx.Err() != nil {
		return 0, context.Cause(c.ctx)
	}
	return c.w.Write(p)
}

// WriteTo renders the figure as format ("png", "svg" or "pdf") to w.
func (f Figure) WriteTo(w io.Writer, format string) error {
	if err := f.check(); err != nil {
		return err
	}
	width, height := f.size()
	switch format {
	case "png":
		c := vgimg.NewWith(vgimg.UseWH(width, height), vgimg.UseDPI(f.dpi()))
		if err := f.draw(draw.New(c)); err != nil {
			return err
		}
		if _, err := (vgimg.PngCanvas{Canvas: c}).WriteTo(w); err != nil {
			return fmt.Errorf("plots: figure: write png: %w", err)
		}
		return nil
	case "svg":
		c := vgsvg.New(width, height)
		dc := draw.New(c)
		dc.SetColor(bgColor) // SVG is transparent by default; PNG is white
		dc.Fill(dc.Rectangle.Path())
		if err := f.draw(dc); err != nil {
			return err
		}
		var buf bytes.Buffer
		if _, err := c.WriteTo(&buf); err != nil {
			return fmt.Errorf("plots: figure: write svg: %w", err)
		}
		if _, err := w.Write(svgFontFallback(buf.Bytes())); err != nil {
			return fmt.Errorf("plots: figure: write svg: %w", err)
		}
		return nil
	case "pdf":
		return f.writePDF(w, width, height)
	default:
		return fmt.Errorf("plots: figure: unknown format %q, want png, svg or pdf", format)
	}
}

func (f Figure) dpi() int {
	if f.DPI == 0 {
		return DefaultDPI
	}
	return f.DPI
}

// svgFontFallback lets SVG viewers without Liberation Sans fall back to
// Arial or Helvetica, which have the same metrics, so text positions that
// gonum computed from Liberation's metrics stay right. Text content is
// HTML-escaped by vgsvg, so the pattern can only match a style attribute.
func svgFontFallback(svg []byte) []byte {
	return bytes.ReplaceAll(svg,
		[]byte(`style="font-family:Liberation Sans;`),
		[]byte(`style="font-family:'Liberation Sans',Arial,Helvetica,sans-serif;`))
}

func (f Figure) check() error {
	if len(f.Rows) == 0 || len(f.Rows[0]) == 0 {
		return errNoPanels
	}
	hasPanel := false
	for i, row := range f.Rows {
		if len(row) != len(f.Rows[0]) {
			return fmt.Errorf("plots: figure: row %d has %d panels, row 0 has %d", i, len(row), len(f.Rows[0]))
		}
		for _, p := range row {
			hasPanel = hasPanel || p != nil
		}
	}
	if !hasPanel {
		return errNoPanels
	}
	if f.Width < 0 || f.Height < 0 {
		return fmt.Errorf("plots: figure: negative size %v x %v", f.Width, f.Height)
	}
	if f.DPI != 0 && (f.DPI < MinDPI || f.DPI > MaxDPI) {
		return fmt.Errorf("plots: figure: %d dpi: want %d to %d", f.DPI, MinDPI, MaxDPI)
	}
	w, h := f.size()
	return CheckSize(float64(w/vg.Inch), float64(h/vg.Inch), f.dpi())
}

// CheckSize checks a figure's width and height in inches and its PNG
// resolution against the bounds.
func CheckSize(width, height float64, dpi int) error {
	if width > MaxInches || height > MaxInches {
		return fmt.Errorf("plots: figure: %.3g x %.3g in: want at most %d in a side", width, height, MaxInches)
	}
	if mp := width * height * float64(dpi) * float64(dpi) / 1e6; mp > MaxMegapixels {
		return fmt.Errorf("plots: figure: %.3g x %.3g in at %d dpi is %.1f megapixels: want at most %d (lower the dpi or the size; PDF and SVG do not depend on dpi)",
			width, height, dpi, mp, MaxMegapixels)
	}
	return nil
}

// size returns the figure size, filling in defaults.
func (f Figure) size() (w, h vg.Length) {
	dw, dh := defaultSize(barColumns(f.Rows), len(f.Rows), f.Title != "")
	w, h = f.Width, f.Height
	if w == 0 {
		w = dw
	}
	if h == 0 {
		h = dh
	}
	return w, h
}

// DefaultSize returns the size a Figure takes when its Width and Height
// are 0. Each row lists its cells, true for a colour bar (a heatmap is two
// cells: false, true); rows may differ in length, the missing cells being
// empty. titled says whether the figure has a title.
func DefaultSize(rows [][]bool, titled bool) (w, h vg.Length) {
	ncol := 0
	for _, r := range rows {
		ncol = max(ncol, len(r))
	}
	bars := make([]bool, ncol)
	for j := range bars {
		n, nbar := 0, 0
		for _, r := range rows {
			if j < len(r) {
				n++
				if r[j] {
					nbar++
				}
			}
		}
		bars[j] = n > 0 && n == nbar
	}
	return defaultSize(bars, len(rows), titled)
}

func defaultSize(bars []bool, rows int, titled bool) (w, h vg.Length) {
	for j, bar := range bars {
		if j > 0 {
			w += figGapX
		}
		if bar {
			w += defaultBarW
		} else {
			w += defaultColW
		}
	}
	h = defaultRowH * vg.Length(rows)
	if titled {
		h += titleRoom
	}
	return w, h
}

func figTitleStyle() draw.TextStyle {
	sty := textStyle(figTitleSize, draw.XCenter, draw.YTop)
	return sty
}

// draw draws the title and panels on c.
func (f Figure) draw(c draw.Canvas) error {
	area := draw.Crop(c, figMargin, -figMargin, figMargin, -figMargin)
	if f.Title != "" {
		sty := figTitleStyle()
		title := wrapTitle(sty, f.Title, area.Size().X)
		c.FillText(sty, vg.Point{X: area.Center().X, Y: area.Max.Y}, title)
		area.Max.Y -= sty.Height(title) + vg.Points(6)
	}
	// Panels are drawn from copies without their titles; Figure draws the
	// titles itself at one height per row, centred over the data areas.
	// (Plot.Draw puts a title at the top of the panel's canvas, which
	// varies with tick labels.) The caller's plots are not modified.
	bare := make([][]*plot.Plot, len(f.Rows))
	for i, row := range f.Rows {
		bare[i] = make([]*plot.Plot, len(row))
		for j, p := range row {
			if p != nil {
				cp := *p
				cp.Title.Text = ""
				bare[i][j] = &cp
				// A title wider than its column wraps at spaces rather than run over its neighbours
				// or off the figure. The column's share of the width is what it can have.
				if t := p.Title.Text; t != "" {
					p.Title.Text = wrapTitle(p.Title.TextStyle, t, area.Size().X/vg.Length(len(row))-vg.Points(6))
					defer func() { p.Title.Text = t }()
				}
			}
		}
	}
	// Lay out, then draw every panel on a probe canvas: legends with no
	// free place inside their data area report themselves, move above it,
	// and the figure is laid out again. If that leaves too little room for
	// the data, those legends go back inside, where they hide the least. A
	// legend moves at most twice, so this ends.
	var moved, last []*legend
	defer func() {
		for _, l := range moved {
			l.above, l.cols, l.wrap, l.stay = false, 0, 0, false
		}
	}()
	var cells [][]draw.Canvas
	var titleY []vg.Length
	for {
		var err error
		cells, titleY, err = layout(bare, f.Rows, area)
		if err != nil && len(last) > 0 {
			for _, l := range last {
				l.above, l.stay = false, true
			}
			last = nil
			continue
		}
		if err != nil {
			return err
		}
		probe := probePanels(bare, cells)
		if len(probe.crowded) == 0 {
			break
		}
		last = last[:0]
		for _, cr := range probe.crowded {
			cr.l.setAbove(cr.width)
			moved = append(moved, cr.l)
			last = append(last, cr.l)
		}
	}
	for i, row := range bare {
		for j, p := range row {
			if p == nil {
				continue
			}
			pc := &panelCanvas{Canvas: cells[i][j].Canvas, cell: panelCell(bare, cells, i, j)}
			p.Draw(draw.Canvas{Canvas: pc, Rectangle: cells[i][j].Rectangle})
			if t := f.Rows[i][j].Title; t.Text != "" {
				d := p.DataCanvas(cells[i][j])
				top := titleY[i] + t.Padding + t.TextStyle.Rectangle(t.Text).Size().Y
				c.FillText(t.TextStyle, vg.Point{X: d.Center().X, Y: top + t.TextStyle.FontExtents().Descent}, t.Text)
			}
		}
	}
	return nil
}

// probePanels draws the panels on a probeCanvas in their cells.
func probePanels(rows [][]*plot.Plot, cells [][]draw.Canvas) *probeCanvas {
	probe := &probeCanvas{}
	for i, row := range rows {
		for j, p := range row {
			if p != nil {
				pc := &panelCanvas{Canvas: probe, cell: panelCell(rows, cells, i, j), probe: probe}
				p.Draw(draw.Canvas{Canvas: pc, Rectangle: cells[i][j].Rectangle})
			}
		}
	}
	return probe
}

// panelCell returns the cell of panel (i, j), with its colour bar's cell
// if the next column holds one.
func panelCell(rows [][]*plot.Plot, cells [][]draw.Canvas, i, j int) vg.Rectangle {
	r := cells[i][j].Rectangle
	if j+1 < len(rows[i]) && rows[i][j+1] != nil && isColorBar(rows[i][j+1]) {
		r.Max.X = cells[i][j+1].Max.X
	}
	return r
}

// barColumns reports which columns hold only colour bars.
func barColumns(rows [][]*plot.Plot) []bool {
	bars := make([]bool, len(rows[0]))
	for j := range bars {
		n, nbar := 0, 0
		for _, row := range rows {
			if p := row[j]; p != nil {
				n++
				if isColorBar(p) {
					nbar++
				}
			}
		}
		bars[j] = n > 0 && n == nbar
	}
	return bars
}

func isColorBar(p *plot.Plot) bool {
	_, ok := p.X.Scale.(colorBarScale)
	return ok
}

// heatAspect returns the height/width ratio that makes p's cells square,
// or false if p is not a heat plot.
func heatAspect(p *plot.Plot) (float64, bool) {
	xs, okx := p.X.Scale.(heatScale)
	ys, oky := p.Y.Scale.(heatScale)
	if !okx || !oky || xs.cell <= 0 || ys.cell <= 0 || p.X.Max <= p.X.Min || p.Y.Max <= p.Y.Min {
		return 0, false
	}
	return ((p.Y.Max - p.Y.Min) / ys.cell) / ((p.X.Max - p.X.Min) / xs.cell), true
}

// pads is the room a panel needs around its data area.
type pads struct{ left, right, bottom, top vg.Length }

func padsOf(p *plot.Plot, c draw.Canvas) pads {
	d := p.DataCanvas(c)
	return pads{d.Min.X - c.Min.X, c.Max.X - d.Max.X, d.Min.Y - c.Min.Y, c.Max.Y - d.Max.Y}
}

// layout returns the canvas of each cell of rows within area, and for each
// row the height above which panel titles go. Like plot.Align it lines up
// data areas across rows and columns, but columns may differ in width
// (colour bars are narrow) and rows with heat plots are shrunk so heat
// cells are square. rows are the panels as drawn, without titles; titled
// holds the same panels with their titles, to reserve room for them.
func layout(rows, titled [][]*plot.Plot, area draw.Canvas) (cells [][]draw.Canvas, titleY []vg.Length, err error) {
	// Padding depends a little on canvas size: measure it on an even
	// split of the area, lay out, then re-measure on the result a few
	// times (it converges to well under a hundredth of a point).
	probe := draw.Canvas{Rectangle: vg.Rectangle{Max: vg.Point{
		X: (area.Max.X - area.Min.X) / vg.Length(len(rows[0])),
		Y: (area.Max.Y - area.Min.Y) / vg.Length(len(rows)),
	}}}
	cells, titleY, err = layoutWith(rows, titled, area, func(i, j int) pads { return padsOf(rows[i][j], probe) })
	if err != nil {
		return nil, nil, err
	}
	for range 3 {
		prev := cells
		cells, titleY, err = layoutWith(rows, titled, area, func(i, j int) pads { return padsOf(rows[i][j], prev[i][j]) })
		if err != nil {
			return nil, nil, err
		}
		if sameCells(prev, cells) {
			break
		}
	}
	return cells, titleY, nil
}

func sameCells(a, b [][]draw.Canvas) bool {
	for i := range a {
		for j := range a[i] {
			if a[i][j].Rectangle != b[i][j].Rectangle {
				return false
			}
		}
	}
	return true
}

// layoutWith is layout with the padding of panel (i, j) given by padOf.
func layoutWith(rows, titled [][]*plot.Plot, area draw.Canvas, padOf func(i, j int) pads) (cells [][]draw.Canvas, titleY []vg.Length, err error) {
	nr, nc := len(rows), len(rows[0])
	bars := barColumns(rows)

	// Room around data areas, per column and per row.
	colL, colR := make([]vg.Length, nc), make([]vg.Length, nc)
	rowB, rowT := make([]vg.Length, nr), make([]vg.Length, nr)
	for i, row := range rows {
		for j, p := range row {
			if p == nil {
				continue
			}
			pd := padOf(i, j)
			colL[j], colR[j] = max(colL[j], pd.left), max(colR[j], pd.right)
			rowB[i], rowT[i] = max(rowB[i], pd.bottom), max(rowT[i], pd.top)
		}
	}
	rowTitle := make([]vg.Length, nr) // room for titles above rowT
	for i, row := range titled {
		for _, p := range row {
			if p != nil && p.Title.Text != "" {
				rowTitle[i] = max(rowTitle[i], p.Title.TextStyle.Rectangle(p.Title.Text).Size().Y+p.Title.Padding)
			}
		}
	}

	// Data widths: colour bars fixed, other columns share the rest.
	free := area.Max.X - area.Min.X
	normal := 0
	for j := range nc {
		free -= colL[j] + colR[j]
		if j > 0 {
			free -= gapBefore(bars, j)
		}
		if bars[j] {
			free -= colorBarWidth
		} else {
			normal++
		}
	}
	colW := make([]vg.Length, nc)
	for j := range nc {
		colW[j] = colorBarWidth
		if !bars[j] {
			colW[j] = free / vg.Length(normal)
		}
	}
	freeH := area.Max.Y - area.Min.Y - figGapY*vg.Length(nr-1)
	for i := range nr {
		freeH -= rowB[i] + rowT[i] + rowTitle[i]
	}
	rowH := freeH / vg.Length(nr)
	if normal > 0 && colW[slices.Index(bars, false)] < minDataSize || rowH < minDataSize {
		return nil, nil, fmt.Errorf("%w: panels get %.2gin x %.2gin for data, want at least %.2gin", ErrTooSmall,
			max(free/vg.Length(max(normal, 1)), 0)/vg.Inch, max(rowH, 0)/vg.Inch, minDataSize/vg.Inch)
	}

	// Data rectangles, left to right and top to bottom.
	dataX0 := make([]vg.Length, nc)
	x := area.Min.X
	for j := range nc {
		if j > 0 {
			x += gapBefore(bars, j)
		}
		dataX0[j] = x + colL[j]
		x = dataX0[j] + colW[j] + colR[j]
	}
	out := make([][]draw.Canvas, nr)
	titleY = make([]vg.Length, nr)
	y := area.Max.Y
	for i, row := range rows {
		top := y - rowTitle[i] - rowT[i]
		bottom := top - rowH
		y = bottom - rowB[i] - figGapY

		// Square heat cells: the row gets the height the widest heat
		// plot needs (at most rowH); heat plots then narrow to fit it.
		need := vg.Length(0)
		for j, p := range row {
			if a, ok := heatAspectOf(p); ok {
				need = max(need, colW[j]*vg.Length(a))
			}
		}
		if need > 0 && need < rowH {
			top -= (rowH - need) / 2
			bottom = top - need
		}
		titleY[i] = top + rowT[i]

		rects := make([]vg.Rectangle, nc)
		for j := range row {
			rects[j] = vg.Rectangle{
				Min: vg.Point{X: dataX0[j], Y: bottom},
				Max: vg.Point{X: dataX0[j] + colW[j], Y: top},
			}
		}
		for j, p := range row {
			a, ok := heatAspectOf(p)
			if !ok {
				continue
			}
			w := (top - bottom) / vg.Length(a)
			if w >= colW[j] {
				continue
			}
			slack := colW[j] - w
			if j+1 < nc && bars[j+1] {
				// Keep the colour bar next to the heatmap and centre the pair.
				rects[j].Min.X += slack / 2
				rects[j].Max.X -= slack / 2
				rects[j+1].Min.X -= slack / 2
				rects[j+1].Max.X -= slack / 2
			} else {
				rects[j].Min.X += slack / 2
				rects[j].Max.X -= slack / 2
			}
		}
		out[i] = make([]draw.Canvas, nc)
		for j, p := range row {
			if p != nil {
				out[i][j] = canvasFor(p, rects[j], area.Canvas)
			}
		}
	}
	return out, titleY, nil
}

func heatAspectOf(p *plot.Plot) (float64, bool) {
	if p == nil {
		return 0, false
	}
	return heatAspect(p)
}

func gapBefore(bars []bool, j int) vg.Length {
	if bars[j] {
		return figGapBar
	}
	return figGapX
}

// canvasFor returns the canvas on which p's data area is d.
//
// A plot's padding depends on its canvas size (gonum pads so that glyphs
// near the edges fit), so the canvas is found by Newton's method: along
// each axis the data edges are a piecewise affine function of the canvas
// edges, whose slopes are measured by finite differences. (Plain
// fixed-point correction can diverge when the extreme glyphs lie inside
// the data range.) If no step improves on the first estimate, that
// estimate is used.
func canvasFor(p *plot.Plot, d vg.Rectangle, vc vg.Canvas) draw.Canvas {
	c := draw.Canvas{Canvas: vc, Rectangle: d}
	pd := padsOf(p, c)
	c.Min.X -= pd.left
	c.Max.X += pd.right
	c.Min.Y -= pd.bottom
	c.Max.Y += pd.top

	miss := func(c draw.Canvas) (got vg.Rectangle, e vg.Length) {
		got = p.DataCanvas(c).Rectangle
		e = max(abs(d.Min.X-got.Min.X), abs(d.Max.X-got.Max.X), abs(d.Min.Y-got.Min.Y), abs(d.Max.Y-got.Max.Y))
		return got, e
	}
	best := c
	got, bestErr := miss(c)
	const h = vg.Length(1) // finite-difference step, points
	for range 10 {
		if bestErr < 1e-6 {
			break
		}
		lo, hi := c, c
		lo.Min.X += h
		lo.Min.Y += h
		hi.Max.X += h
		hi.Max.Y += h
		gLo, gHi := p.DataCanvas(lo).Rectangle, p.DataCanvas(hi).Rectangle
		dx0, dx1, okx := newton(d.Min.X-got.Min.X, d.Max.X-got.Max.X,
			(gLo.Min.X-got.Min.X)/h, (gHi.Min.X-got.Min.X)/h, (gLo.Max.X-got.Max.X)/h, (gHi.Max.X-got.Max.X)/h)
		dy0, dy1, oky := newton(d.Min.Y-got.Min.Y, d.Max.Y-got.Max.Y,
			(gLo.Min.Y-got.Min.Y)/h, (gHi.Min.Y-got.Min.Y)/h, (gLo.Max.Y-got.Max.Y)/h, (gHi.Max.Y-got.Max.Y)/h)
		if !okx || !oky {
			break
		}
		c.Min.X += dx0
		c.Max.X += dx1
		c.Min.Y += dy0
		c.Max.Y += dy1
		var e vg.Length
		got, e = miss(c)
		if e < bestErr {
			best, bestErr = c, e
		}
	}
	return best
}

// newton solves [a b; c d]·[u v] = [e0 e1] for the canvas-edge steps u, v
// that move the data edges by e0, e1; ok is false if the system is
// singular.
func newton(e0, e1, a, b, c, d vg.Length) (u, v vg.Length, ok bool) {
	det := a*d - b*c
	if abs(det) < 1e-9 {
		return 0, 0, false
	}
	return (e0*d - b*e1) / det, (a*e1 - c*e0) / det, true
}

func abs(v vg.Length) vg.Length {
	if v < 0 {
		return -v
	}
	return v
}

var errNoPanels = errors.New("plots: figure: no panels")

// RangeError is the error (wrapped) of a builder that cannot place an
// axis: the data and the options give it no finite, non-empty range (every
// value infinite, nothing positive on a log axis, a fixed range that is
// empty). It depends on the data as much as on the options, so a caller
// drawing from results can say which option to change.
type RangeError struct {
	Axis  string // "x", "y" or "colour"
	Log   bool   // the axis is logarithmic
	Fixed bool   // an end of the range was fixed by the options
	Msg   string
}

func (e *RangeError) Error() string { return e.Msg }

// ErrNoData is the error (wrapped) of a builder given no value it can
// draw: an empty series, or lines without a single finite point.
var ErrNoData = errors.New("plots: no data")

// noDataError is a message that is ErrNoData.
type noDataError string

func (e noDataError) Error() string        { return string(e) }
func (e noDataError) Is(target error) bool { return target == ErrNoData }

// ErrTooSmall is the error (wrapped) of a figure whose size leaves its
// panels too little room for their data; a larger Width or Height cures it.
var ErrTooSmall = errors.New("plots: figure: too small")

// wrapTitle breaks a title at spaces into lines no wider than width (wrapText), where it can.
func wrapTitle(sty draw.TextStyle, s string, width vg.Length) string {
	if width <= 0 || sty.Width(s) <= width {
		return s
	}
	return strings.Join(wrapText(s, width, sty.Width), "\n")
}
