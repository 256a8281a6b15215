package plots

import (
	"fmt"
	"image/color"
	"io"
	"math"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
	"golang.org/x/text/encoding/charmap"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgpdf"
)

// pdfEpoch is the creation and modification date written into every PDF.
// fpdf writes the wall clock otherwise, and output must depend on the
// figure alone.
var pdfEpoch = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)

// pdfDefaults makes fpdf's output deterministic. vgpdf creates its fpdf
// document itself, so the settings can only be given as fpdf's process-wide
// defaults: a fixed date, and resources (fonts) written in sorted order
// rather than map order.
var pdfDefaults = sync.OnceFunc(func() {
	fpdf.SetDefaultCatalogSort(true)
	fpdf.SetDefaultCreationDate(pdfEpoch)
	fpdf.SetDefaultModificationDate(pdfEpoch)
})

// writePDF renders the figure as PDF, with its fonts embedded.
func (f Figure) writePDF(w io.Writer, width, height vg.Length) (err error) {
	pdfDefaults()
	// vgpdf panics when it cannot build a font (it writes the font to a
	// temporary directory first); make that an error.
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("plots: figure: write pdf: %v", r)
		}
	}()
	c := vgpdf.New(width, height)
	dc := draw.New(pdfText{c})
	dc.SetColor(bgColor)
	dc.Fill(dc.Rectangle.Path())
	if err := f.draw(dc); err != nil {
		return err
	}
	if _, err := c.WriteTo(w); err != nil {
		return fmt.Errorf("plots: figure: write pdf: %w", err)
	}
	return nil
}

// pdfText passes text to vgpdf in Windows-1252, the only encoding of the
// fonts vgpdf embeds (vgpdf would write UTF-8 bytes as they are, and "–"
// would show as three wrong characters). A character Windows-1252 lacks
// (≥, the minus sign −) is drawn as its outline from the font instead, so
// the PDF shows what the PNG and SVG show; it is then not selectable text.
type pdfText struct{ *vgpdf.Canvas }

// SetColor hands vgpdf the colour with its alpha not premultiplied: vgpdf
// writes the r, g, b of RGBA as the PDF colour and a as its opacity, so a
// translucent white legend box came out grey and confidence bands dark.
func (c pdfText) SetColor(col color.Color) {
	if col == nil {
		col = color.Black
	}
	c.Canvas.SetColor(straightAlpha(color.NRGBAModel.Convert(col).(color.NRGBA)))
}

// straightAlpha is a colour whose RGBA method returns r, g, b not
// multiplied by alpha, as vgpdf reads them. It breaks color.Color's
// contract, and goes nowhere but to vgpdf.
type straightAlpha color.NRGBA

func (s straightAlpha) RGBA() (r, g, b, a uint32) {
	return uint32(s.R) * 0x101, uint32(s.G) * 0x101, uint32(s.B) * 0x101, uint32(s.A) * 0x101
}

func (c pdfText) FillString(fnt font.Face, pt vg.Point, s string) {
	start := 0 // of the run of encodable characters
	flush := func(end int) {
		if start < end {
			at := vg.Point{X: pt.X + fnt.Width(s[:start]), Y: pt.Y}
			c.Canvas.FillString(fnt, at, toCP1252(s[start:end]))
		}
	}
	for i, r := range s {
		if _, ok := charmap.Windows1252.EncodeRune(r); ok {
			continue
		}
		flush(i)
		c.outline(fnt, vg.Point{X: pt.X + fnt.Width(s[:i]), Y: pt.Y}, r)
		start = i + utf8.RuneLen(r)
	}
	flush(len(s))
}

// outline fills the outline of r's glyph with its baseline origin at at,
// or draws "?" if the font has no glyph for r.
func (c pdfText) outline(fnt font.Face, at vg.Point, r rune) {
	var buf sfnt.Buffer
	idx, err := fnt.Face.GlyphIndex(&buf, r)
	var segs sfnt.Segments
	if err == nil && idx != 0 {
		// At ppem = the size in points, glyph units are points; y grows down.
		segs, err = fnt.Face.LoadGlyph(&buf, idx, fixed.Int26_6(math.Round(float64(fnt.Font.Size)*64)), nil)
	}
	if err != nil || idx == 0 {
		c.Canvas.FillString(fnt, at, "?")
		return
	}
	pos := func(q fixed.Point26_6) vg.Point {
		return vg.Point{X: at.X + vg.Length(q.X)/64, Y: at.Y - vg.Length(q.Y)/64}
	}
	var path vg.Path
	for _, sg := range segs {
		switch sg.Op {
		case sfnt.SegmentOpMoveTo:
			if len(path) > 0 {
				path.Close()
			}
			path.Move(pos(sg.Args[0]))
		case sfnt.SegmentOpLineTo:
			path.Line(pos(sg.Args[0]))
		case sfnt.SegmentOpQuadTo:
			path.QuadTo(pos(sg.Args[0]), pos(sg.Args[1]))
		case sfnt.SegmentOpCubeTo:
			path.CubeTo(pos(sg.Args[0]), pos(sg.Args[1]), pos(sg.Args[2]))
		}
	}
	if len(path) > 0 {
		path.Close()
		c.Fill(path)
	}
}

// toCP1252 encodes s in Windows-1252, "?" for a character it lacks.
func toCP1252(s string) string {
	var b strings.Builder
	for _, r := range s {
		if c, ok := charmap.Windows1252.EncodeRune(r); ok {
			b.WriteByte(c)
		} else {
			b.WriteByte('?')
		}
	}
	return b.String()
}
