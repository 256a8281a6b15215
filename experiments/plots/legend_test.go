package plots

import (
	"image/color"
	"math"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/recorder"
)

// pathBox returns the bounding box of a path.
func pathBox(p vg.Path) vg.Rectangle {
	r := vg.Rectangle{Min: vg.Point{X: vg.Length(math.Inf(1)), Y: vg.Length(math.Inf(1))}, Max: vg.Point{X: vg.Length(math.Inf(-1)), Y: vg.Length(math.Inf(-1))}}
	add := func(pt vg.Point, rad vg.Length) {
		r.Min.X, r.Min.Y = min(r.Min.X, pt.X-rad), min(r.Min.Y, pt.Y-rad)
		r.Max.X, r.Max.Y = max(r.Max.X, pt.X+rad), max(r.Max.Y, pt.Y+rad)
	}
	for _, c := range p {
		switch c.Type {
		case vg.MoveComp, vg.LineComp:
			add(c.Pos, 0)
		case vg.ArcComp:
			add(c.Pos, c.Radius)
		case vg.CurveComp:
			add(c.Pos, 0)
			for _, q := range c.Control {
				add(q, 0)
			}
		}
	}
	return r
}

func overlaps(a, b vg.Rectangle) bool {
	return a.Min.X < b.Max.X && b.Min.X < a.Max.X && a.Min.Y < b.Max.Y && b.Min.Y < a.Max.Y
}

func inside(a, b vg.Rectangle) bool {
	return a.Min.X >= b.Min.X && a.Max.X <= b.Max.X && a.Min.Y >= b.Min.Y && a.Max.Y <= b.Max.Y
}

// touches reports whether a stroked path comes within margin of r: a straight segment that crosses
// the grown rectangle, or any other piece whose bounding box does.
func touches(p vg.Path, r vg.Rectangle, margin vg.Length) bool {
	g := vg.Rectangle{Min: vg.Point{X: r.Min.X - margin, Y: r.Min.Y - margin}, Max: vg.Point{X: r.Max.X + margin, Y: r.Max.Y + margin}}
	var at vg.Point
	for _, c := range p {
		switch c.Type {
		case vg.MoveComp:
			at = c.Pos
		case vg.LineComp:
			if segmentHitsRect(at, c.Pos, g) {
				return true
			}
			at = c.Pos
		case vg.ArcComp, vg.CurveComp:
			if overlaps(pathBox(vg.Path{c}), g) {
				return true
			}
		}
	}
	return false
}

type drawn struct {
	path   vg.Path
	stroke bool
	i      int // position in the drawing
}

// legendCheck draws f on a recording canvas and returns the legend boxes and the data drawn: strokes
// at least 1 pt wide (data lines, overlays and their halos, error bars; axes, ticks, the grid, hatching
// and the legend's frame are thinner) and opaque fills other than the background, the legend box and
// not-applicable cells (markers, heat cells, arrow heads). A legend box is a fill in legendFill.
func legendCheck(t *testing.T, f Figure) (boxes []drawn, data []drawn, size vg.Point) {
	t.Helper()
	w, h := f.size()
	rec := &recorder.Canvas{}
	if err := f.draw(draw.Canvas{Canvas: rec, Rectangle: vg.Rectangle{Max: vg.Point{X: w, Y: h}}}); err != nil {
		t.Fatal(err)
	}
	var col color.Color
	var width vg.Length
	for i, a := range rec.Actions {
		switch a := a.(type) {
		case *recorder.SetColor:
			col = a.Color
		case *recorder.SetLineWidth:
			width = a.Width
		case *recorder.Stroke:
			if width >= 1 {
				data = append(data, drawn{a.Path, true, i})
			}
		case *recorder.Fill:
			r, g, b, al := col.RGBA()
			switch {
			case col == legendFill:
				boxes = append(boxes, drawn{a.Path, false, i})
			case al != 0xffff, col == bgColor, col == nanFill, r == 0xffff && g == 0xffff && b == 0xffff:
			default:
				data = append(data, drawn{a.Path, false, i})
			}
		}
	}
	return boxes, data, vg.Point{X: w, Y: h}
}

// crowdedSeries is n series named name+letter whose CDFs cover every corner, so a legend cannot go inside;
// the last series is censored.
func crowdedSeries(n int, name string) []Series {
	var series []Series
	for k := range n - 1 {
		var xs []float64
		for i := range 200 {
			// Curves from the lower left to the upper right, spread across the whole area.
			xs = append(xs, float64(i)/200*(1+float64(k)*0.02)+float64(k%3)*0.3)
		}
		series = append(series, Series{Label: name + string(rune('a'+k)), Values: xs})
	}
	return append(series, Series{Label: "censored", Values: []float64{0.1, 1.5, math.Inf(1)}})
}

func crowdedCDF(t testing.TB, n int, name string) *plot.Plot {
	p, err := CDF(crowdedSeries(n, name), CDFOptions{Title: "crowded", XLabel: "x"})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestLegendNeverOverData draws figures, records what is drawn, and checks that no legend box comes
// within 1.5 pt of a data line, marker or cell drawn before it (the panel's data) or crosses anything
// drawn after it other than its own entries, and that every box lies within the figure.
func TestLegendNeverOverData(t *testing.T) {
	figs := goldenFigures(t)
	heat, bar := heatmapPlots(t)
	const long = "a series whose name is far too long for a panel a third of a page wide, "
	figs["crowded cdf"] = Figure{Rows: [][]*plot.Plot{{crowdedCDF(t, 8, "series ")}}, Width: 4 * vg.Inch, Height: 3 * vg.Inch}
	figs["crowded beside a heatmap"] = Figure{Rows: [][]*plot.Plot{{crowdedCDF(t, 8, "series "), heat, bar}}, Width: 8 * vg.Inch, Height: 3 * vg.Inch}
	figs["small heatmap"] = Figure{Rows: [][]*plot.Plot{{heat, bar}}, Width: 3.5 * vg.Inch, Height: 3 * vg.Inch}
	figs["three crowded in a row"] = Figure{Rows: [][]*plot.Plot{{crowdedCDF(t, 3, long), crowdedCDF(t, 3, long), crowdedCDF(t, 3, long)}}, Width: 7 * vg.Inch, Height: 3.5 * vg.Inch}
	for name, f := range figs {
		t.Run(name, func(t *testing.T) {
			boxes, data, size := legendCheck(t, f)
			if len(boxes) == 0 {
				t.Fatal("no legend drawn")
			}
			for _, b := range boxes {
				r := pathBox(b.path)
				if r.Min.X < 0 || r.Min.Y < 0 || r.Max.X > size.X || r.Max.Y > size.Y {
					t.Errorf("legend %v outside the figure %v", r, size)
				}
				for _, d := range data {
					hit := d.stroke && touches(d.path, r, 1.5) || !d.stroke && overlaps(pathBox(d.path), r)
					if hit && (d.i < b.i || !inside(pathBox(d.path), r)) {
						t.Errorf("legend %v meets data drawn at %d: %v", r, d.i, pathBox(d.path))
						break
					}
				}
			}
			// A legend stays in its own panel's column (a colour bar's column is narrow).
			ncol := vg.Length(0)
			for _, bar := range barColumns(f.Rows) {
				if !bar {
					ncol++
				}
			}
			for i, b := range boxes {
				r := pathBox(b.path)
				if r.Max.X-r.Min.X > size.X/ncol {
					t.Errorf("legend %v wider than a column (%v)", r, size.X/ncol)
				}
				for _, o := range boxes[:i] {
					if overlaps(r, pathBox(o.path)) {
						t.Errorf("legends %v and %v overlap", r, pathBox(o.path))
					}
				}
			}
			if name == "crowded cdf" {
				// No room inside: the legend is above the data.
				r := pathBox(boxes[0].path)
				for _, d := range data {
					if d.i < boxes[0].i && pathBox(d.path).Max.Y > r.Min.Y {
						t.Errorf("legend %v is not above the crowded data (%v)", r, pathBox(d.path))
						break
					}
				}
			}
		})
	}
}

// TestLegendTooTallForAbove: a legend too tall to go above its data without leaving the data too little
// room stays inside, where it hides the least, and the figure is drawn.
func TestLegendTooTallForAbove(t *testing.T) {
	p, added, err := cdf(crowdedSeries(12, "a series with a long name, "), CDFOptions{})
	if err != nil {
		t.Fatal(err)
	}
	f := Figure{Rows: [][]*plot.Plot{{p}}, Width: 3 * vg.Inch, Height: 2.6 * vg.Inch}
	boxes, data, size := legendCheck(t, f)
	if len(boxes) != 1 {
		t.Fatalf("%d legends drawn", len(boxes))
	}
	r := pathBox(boxes[0].path)
	top := vg.Length(0)
	for _, d := range data {
		top = max(top, pathBox(d.path).Max.Y)
	}
	if r.Min.Y < 0 || r.Max.Y > size.Y || r.Min.Y >= top {
		t.Errorf("legend %v, want it inside the data area (top %v) and the figure (%v)", r, top, size)
	}
	if leg := added[len(added)-1].(*legend); leg.above || leg.stay {
		t.Error("the legend was left moved after drawing")
	}
}
