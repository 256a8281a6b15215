package plots

import (
	"bytes"
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// TestDeterminism renders every golden figure from freshly built plots
// twice, and the same Figure value twice, and wants identical bytes.
// (TestGolden covers determinism across processes, at the default DPI.)
// PNGs are drawn at 100 dpi to keep the race-detector run short.
func TestDeterminism(t *testing.T) {
	first, second := goldenFigures(t), goldenFigures(t)
	for _, figs := range []map[string]Figure{first, second} {
		for name, f := range figs {
			f.DPI = 100
			figs[name] = f
		}
	}
	for _, name := range goldenNames {
		for _, format := range Formats {
			var a, b, c bytes.Buffer
			if err := first[name].WriteTo(&a, format); err != nil {
				t.Fatal(err)
			}
			if err := second[name].WriteTo(&b, format); err != nil {
				t.Fatal(err)
			}
			if err := first[name].WriteTo(&c, format); err != nil { // redraw of the same plots
				t.Fatal(err)
			}
			if !bytes.Equal(a.Bytes(), b.Bytes()) || !bytes.Equal(a.Bytes(), c.Bytes()) {
				t.Errorf("%s.%s: output differs between identical renders", name, format)
			}
		}
	}
}

func TestFigureFormats(t *testing.T) {
	fig := Figure{Rows: [][]*plot.Plot{{linesBandPlot(t)}}, Width: 3 * vg.Inch, Height: 2 * vg.Inch}
	var png, svg bytes.Buffer
	if err := fig.WriteTo(&png, "png"); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(png.Bytes(), []byte("\x89PNG\r\n\x1a\n")) {
		t.Error("png output lacks the PNG signature")
	}
	// 3 x 2 in at 300 dpi: IHDR width and height are 900 and 600.
	ihdr := png.Bytes()[16:24]
	if w, h := be32(ihdr[:4]), be32(ihdr[4:]); w != 900 || h != 600 {
		t.Errorf("png is %dx%d px, want 900x600", w, h)
	}
	low := fig
	low.DPI = 72
	var lowPNG bytes.Buffer
	if err := low.WriteTo(&lowPNG, "png"); err != nil {
		t.Fatal(err)
	}
	if ihdr := lowPNG.Bytes()[16:24]; be32(ihdr[:4]) != 216 || be32(ihdr[4:]) != 144 {
		t.Errorf("72 dpi png is %dx%d px, want 216x144", be32(ihdr[:4]), be32(ihdr[4:]))
	}
	if err := fig.WriteTo(&svg, "svg"); err != nil {
		t.Fatal(err)
	}
	s := svg.String()
	if !strings.Contains(s, `width="216pt" height="144pt"`) {
		t.Errorf("svg header has wrong size: %.200s", s)
	}
	if strings.Contains(s, "font-family:Liberation Sans;") || !strings.Contains(s, "'Liberation Sans',Arial,Helvetica,sans-serif") {
		t.Error("svg text lacks the metric-compatible font fallback")
	}
	var pdf bytes.Buffer
	if err := fig.WriteTo(&pdf, "pdf"); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(pdf.Bytes(), []byte("%PDF-")) {
		t.Error("pdf output lacks the PDF header")
	}
	// 3 x 2 in is 216 x 144 pt.
	if !bytes.Contains(pdf.Bytes(), []byte("/MediaBox [0 0 216.00 144.00]")) {
		t.Error("pdf page has the wrong size")
	}
	if err := fig.WriteTo(&svg, "eps"); err == nil || !strings.Contains(err.Error(), `unknown format "eps"`) {
		t.Errorf("WriteTo(eps) error = %v, want unknown format", err)
	}
}

// TestPDF checks what a PDF viewer would get wrong: the same figure gives
// the same bytes (no wall-clock date, no map order), and text reaches the
// embedded Windows-1252 fonts encoded, not as UTF-8 bytes.
func TestPDF(t *testing.T) {
	render := func() []byte {
		p, err := Lines([]Line{{Label: "150–155 ms", X: []float64{1, 2}, Y: []float64{1e-3, 1}}},
			LinesOptions{Title: "en dash – and minus −", LogY: true})
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := (Figure{Rows: [][]*plot.Plot{{p}}, Width: 4 * vg.Inch, Height: 3 * vg.Inch}).WriteTo(&buf, "pdf"); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	a, b := render(), render()
	if !bytes.Equal(a, b) {
		t.Error("two renders of one figure differ")
	}
	if !bytes.Contains(a, []byte("/CreationDate (D:19700101000000)")) {
		t.Error("the PDF's creation date is not the fixed epoch")
	}
	if got := toCP1252("150–155 ms, ×2, ≥"); got != "150\x96155 ms, \xd72, ?" {
		t.Errorf("toCP1252 = %q", got)
	}
}

func be32(b []byte) int { return int(b[0])<<24 | int(b[1])<<16 | int(b[2])<<8 | int(b[3]) }

func TestFigureErrors(t *testing.T) {
	p := linesBandPlot(t)
	tests := []struct {
		name string
		fig  Figure
		want string
	}{
		{"empty", Figure{}, "no panels"},
		{"all nil", Figure{Rows: [][]*plot.Plot{{nil, nil}}}, "no panels"},
		{"ragged", Figure{Rows: [][]*plot.Plot{{p, p}, {p}}}, "row 1 has 1 panels, row 0 has 2"},
		{"negative", Figure{Rows: [][]*plot.Plot{{p}}, Width: -1}, "negative size"},
		{"negative dpi", Figure{Rows: [][]*plot.Plot{{p}}, DPI: -3}, "-3 dpi: want 72 to 600"},
		{"dpi too high", Figure{Rows: [][]*plot.Plot{{p}}, DPI: 1200}, "1200 dpi: want 72 to 600"},
		{"too wide", Figure{Rows: [][]*plot.Plot{{p}}, Width: 100 * vg.Inch, Height: 100 * vg.Inch}, "100 x 100 in: want at most 20 in a side"},
		{"too many pixels", Figure{Rows: [][]*plot.Plot{{p}}, Width: 20 * vg.Inch, Height: 20 * vg.Inch, DPI: 600}, "is 144.0 megapixels: want at most 40"},
		{"default too wide", Figure{Rows: [][]*plot.Plot{{p, p, p, p, p, p}}}, "want at most 20 in a side"},
		{"too small", Figure{Rows: [][]*plot.Plot{{cdfLogXPlot(t), p, linesErrorBarsPlot(t)}}, Width: 5.5 * vg.Inch, Height: 1.6 * vg.Inch}, "too small"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.fig.WriteTo(&bytes.Buffer{}, "png")
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "plots: figure: ") {
				t.Errorf("error = %v, want one containing %q", err, tt.want)
			}
			if tooSmall := errors.Is(err, ErrTooSmall); tooSmall != (tt.name == "too small") {
				t.Errorf("errors.Is(%v, ErrTooSmall) = %v", err, tooSmall)
			}
		})
	}
}

func near(a, b vg.Length) bool { return math.Abs(float64(a-b)) < 1e-6 }

// TestLayoutAlignsPanels checks a 2x3 grid with a hole: data areas share
// widths per column, heights per row, and edges across rows and columns.
func TestLayoutAlignsPanels(t *testing.T) {
	a, b, c := cdfLogXPlot(t), linesBandPlot(t), linesErrorBarsPlot(t)
	rows := [][]*plot.Plot{{a, b, c}, {c, nil, a}}
	area := draw.Canvas{Rectangle: vg.Rectangle{Max: vg.Point{X: 10 * vg.Inch, Y: 6 * vg.Inch}}}
	cells, _, err := layout(rows, rows, area)
	if err != nil {
		t.Fatal(err)
	}
	dc := func(i, j int) draw.Canvas { return rows[i][j].DataCanvas(cells[i][j]) }
	for _, ij := range [][2]int{{0, 1}, {0, 2}, {1, 0}, {1, 2}} {
		d, ref := dc(ij[0], ij[1]), dc(0, 0)
		if !near(d.Max.X-d.Min.X, ref.Max.X-ref.Min.X) || !near(d.Max.Y-d.Min.Y, ref.Max.Y-ref.Min.Y) {
			t.Errorf("panel %v data area %v, want the size of panel (0,0) %v", ij, d.Rectangle, ref.Rectangle)
		}
	}
	if !near(dc(0, 0).Min.X, dc(1, 0).Min.X) || !near(dc(0, 2).Max.X, dc(1, 2).Max.X) {
		t.Error("columns not aligned")
	}
	if !near(dc(0, 0).Min.Y, dc(0, 2).Min.Y) || !near(dc(1, 0).Max.Y, dc(1, 2).Max.Y) {
		t.Error("rows not aligned")
	}
	for i, row := range cells {
		for j, c := range row {
			if rows[i][j] == nil {
				continue
			}
			const tol = 0.01 // points; layout's padding iteration converges to below this
			if c.Min.X < area.Min.X-tol || c.Max.X > area.Max.X+tol || c.Min.Y < area.Min.Y-tol || c.Max.Y > area.Max.Y+tol {
				t.Errorf("panel (%d,%d) canvas %v leaves the figure %v", i, j, c.Rectangle, area.Rectangle)
			}
		}
	}
}

// TestLayoutHeatmap checks the heatmap contract: square cells, a narrow
// colour bar whose bar spans exactly the heatmap's height.
func TestLayoutHeatmap(t *testing.T) {
	for _, size := range []vg.Point{{X: 5 * vg.Inch, Y: 3.6 * vg.Inch}, {X: 9 * vg.Inch, Y: 3 * vg.Inch}, {X: 4 * vg.Inch, Y: 6 * vg.Inch}} {
		heat, bar := heatmapPlots(t)
		rows := [][]*plot.Plot{{heat, bar}}
		area := draw.Canvas{Rectangle: vg.Rectangle{Max: size}}
		cells, _, err := layout(rows, rows, area)
		if err != nil {
			t.Fatal(err)
		}
		h, b := heat.DataCanvas(cells[0][0]), bar.DataCanvas(cells[0][1])
		cellW := (h.Max.X - h.Min.X) / 9 // raftGrid: 9 columns, 7 rows
		cellH := (h.Max.Y - h.Min.Y) / 7
		if math.Abs(float64(cellW-cellH)) > 1e-6 {
			t.Errorf("%v: cells are %.4f x %.4f pt, want square", size, cellW, cellH)
		}
		if !near(b.Max.X-b.Min.X, colorBarWidth) {
			t.Errorf("%v: colour bar is %v wide, want %v", size, b.Max.X-b.Min.X, colorBarWidth)
		}
		if !near(b.Min.Y, h.Min.Y) || !near(b.Max.Y, h.Max.Y) {
			t.Errorf("%v: colour bar spans %v..%v, heatmap %v..%v", size, b.Min.Y, b.Max.Y, h.Min.Y, h.Max.Y)
		}
		if cells[0][1].Max.X > area.Max.X+1e-6 {
			t.Errorf("%v: colour bar labels run off the figure", size)
		}
	}
}

func TestFigureDoesNotModifyPlots(t *testing.T) {
	p := linesBandPlot(t)
	before := p.Title.Text
	if err := (Figure{Rows: [][]*plot.Plot{{p}}}).WriteTo(&bytes.Buffer{}, "svg"); err != nil {
		t.Fatal(err)
	}
	if p.Title.Text != before {
		t.Errorf("title changed to %q", p.Title.Text)
	}
}

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

func TestSave(t *testing.T) {
	fig := Figure{Rows: [][]*plot.Plot{{linesBandPlot(t)}}, Width: 3 * vg.Inch, Height: 2 * vg.Inch}
	dir := t.TempDir()
	base := filepath.Join(dir, "avail")
	if err := os.WriteFile(base+".png", []byte("old"), 0o644); err != nil { // replaced
		t.Fatal(err)
	}
	if err := fig.Save(context.Background(), base); err != nil {
		t.Fatal(err)
	}
	if got := dirNames(t, dir); !slices.Equal(got, []string{"avail.pdf", "avail.png", "avail.svg"}) {
		t.Errorf("directory holds %q, want just avail.pdf, avail.png and avail.svg", got)
	}
	for _, format := range Formats {
		var want bytes.Buffer
		if err := fig.WriteTo(&want, format); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(base + "." + format)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want.Bytes()) {
			t.Errorf("saved %s differs from WriteTo output", format)
		}
		if fi, _ := os.Stat(base + "." + format); fi.Mode().Perm() != 0o644 {
			t.Errorf("%s mode %v, want 0644", format, fi.Mode().Perm())
		}
	}

	t.Run("missing directory", func(t *testing.T) {
		err := fig.Save(context.Background(), filepath.Join(dir, "nope", "x"))
		if err == nil || !strings.HasPrefix(err.Error(), "plots: save") {
			t.Fatalf("error = %v, want a plots: save error", err)
		}
	})
	t.Run("rename fails", func(t *testing.T) {
		d := t.TempDir()
		// A non-empty directory where the SVG should go makes its rename fail.
		if err := os.MkdirAll(filepath.Join(d, "fig.svg", "x"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := fig.Save(context.Background(), filepath.Join(d, "fig")); err == nil {
			t.Fatal("Save over a directory succeeded")
		}
		for _, n := range dirNames(t, d) {
			if strings.Contains(n, ".tmp-") {
				t.Errorf("temporary file %s left behind", n)
			}
		}
	})
	t.Run("invalid figure writes nothing", func(t *testing.T) {
		d := t.TempDir()
		if err := (Figure{}).Save(context.Background(), filepath.Join(d, "fig")); err == nil {
			t.Fatal("Save of an empty figure succeeded")
		}
		if got := dirNames(t, d); len(got) != 0 {
			t.Errorf("directory holds %q after a failed Save", got)
		}
	})
}

// TestLayoutSmallSizes covers sizes where padding depends strongly on the
// canvas (glyphs inside the data range decide it); a plain fixed-point
// correction diverged here and produced astronomically large canvases.
func TestLayoutSmallSizes(t *testing.T) {
	rows := [][]*plot.Plot{{cdfLogXPlot(t), linesBandPlot(t), linesErrorBarsPlot(t)}}
	for _, size := range []vg.Point{{X: 11 * vg.Inch, Y: 3.2 * vg.Inch}, {X: 8 * vg.Inch, Y: 2 * vg.Inch}, {X: 6 * vg.Inch, Y: 2.2 * vg.Inch}} {
		area := draw.Canvas{Rectangle: vg.Rectangle{Max: size}}
		cells, _, err := layout(rows, rows, area)
		if err != nil {
			t.Fatal(err)
		}
		ref := rows[0][0].DataCanvas(cells[0][0])
		for j := range rows[0] {
			c := cells[0][j]
			if c.Min.X < -0.01 || c.Max.X > size.X+0.01 || c.Min.Y < -0.01 || c.Max.Y > size.Y+0.01 {
				t.Errorf("%v: panel %d canvas %v outside the figure", size, j, c.Rectangle)
			}
			d := rows[0][j].DataCanvas(c)
			if !near(d.Min.Y, ref.Min.Y) || !near(d.Max.Y, ref.Max.Y) || !near(d.Max.X-d.Min.X, ref.Max.X-ref.Min.X) {
				t.Errorf("%v: panel %d data area %v not aligned with %v", size, j, d.Rectangle, ref.Rectangle)
			}
		}
	}
}

func BenchmarkFigure(b *testing.B) {
	heat, bar := heatmapPlots(b)
	figs := map[string]Figure{
		"heatmap": {Rows: [][]*plot.Plot{{heat, bar}}, Width: 5 * vg.Inch, Height: 3.6 * vg.Inch},
		"1x3": {Rows: [][]*plot.Plot{{cdfLogXPlot(b), linesBandPlot(b), linesErrorBarsPlot(b)}},
			Width: 11 * vg.Inch, Height: 3.2 * vg.Inch},
	}
	for _, name := range []string{"heatmap", "1x3"} {
		for _, format := range []string{"png", "svg"} {
			b.Run(name+"/"+format, func(b *testing.B) {
				b.ReportAllocs()
				var buf bytes.Buffer
				for b.Loop() {
					buf.Reset()
					if err := figs[name].WriteTo(&buf, format); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// TestWrapTitle: a title wider than its room breaks at spaces into lines that fit; one that fits, or a
// single word, stays as it is.
func TestWrapTitle(t *testing.T) {
	sty := figTitleStyle()
	long := "Election downtime after a leader crash against n and PreVote, 400 trials per point"
	width := sty.Width(long) / 3
	got := wrapTitle(sty, long, width)
	lines := strings.Split(got, "\n")
	if len(lines) < 3 || strings.Join(strings.Fields(got), " ") != long {
		t.Fatalf("wrapTitle: %q", got)
	}
	for _, l := range lines {
		if sty.Width(l) > width {
			t.Errorf("line %q is wider than %v", l, width)
		}
	}
	if got := wrapTitle(sty, "short", width); got != "short" {
		t.Errorf("a title that fits became %q", got)
	}
	if got := wrapTitle(sty, "Unbreakable", vg.Points(1)); got != "Unbreakable" {
		t.Errorf("one word became %q", got)
	}
}
