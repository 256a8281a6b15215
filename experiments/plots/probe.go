package plots

import (
	"image"
	"image/color"

	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// panelCanvas is the canvas Figure draws a panel on: the figure's canvas,
// with the panel's cell (and its colour bar's), so that a legend above the
// data area may take the cell's width rather than the narrower data
// area's; and, while Figure probes the layout, the probe.
type panelCanvas struct {
	vg.Canvas
	cell  vg.Rectangle
	probe *probeCanvas // nil when drawing for real
}

// panelOf returns the panelCanvas under c, or nil. gonum wraps a canvas in
// draw.Canvas values as it crops it, so look through them.
func panelOf(c vg.Canvas) *panelCanvas {
	for {
		switch v := c.(type) {
		case *panelCanvas:
			return v
		case draw.Canvas:
			c = v.Canvas
		case *draw.Canvas:
			c = v.Canvas
		default:
			return nil
		}
	}
}

// probeOf returns the probe c draws on, or nil.
func probeOf(c vg.Canvas) *probeCanvas {
	if p := panelOf(c); p != nil {
		return p.probe
	}
	return nil
}

// probeCanvas is a vg.Canvas that draws nothing. Figure draws its panels
// on one before drawing them for real: a legend drawn on it reports, in
// place of drawing itself, that it found no free place inside its data
// area (crowded), or the box it takes (placed).
type probeCanvas struct {
	crowded []crowded
	placed  []vg.Rectangle
}

// crowded is a legend with no free place, and the width it may take above
// its data area.
type crowded struct {
	l     *legend
	width vg.Length
}

var _ vg.Canvas = (*probeCanvas)(nil)

func (*probeCanvas) SetLineWidth(vg.Length)                 {}
func (*probeCanvas) SetLineDash([]vg.Length, vg.Length)     {}
func (*probeCanvas) SetColor(color.Color)                   {}
func (*probeCanvas) Rotate(float64)                         {}
func (*probeCanvas) Translate(vg.Point)                     {}
func (*probeCanvas) Scale(float64, float64)                 {}
func (*probeCanvas) Push()                                  {}
func (*probeCanvas) Pop()                                   {}
func (*probeCanvas) Stroke(vg.Path)                         {}
func (*probeCanvas) Fill(vg.Path)                           {}
func (*probeCanvas) FillString(font.Face, vg.Point, string) {}
func (*probeCanvas) DrawImage(vg.Rectangle, image.Image)    {}
