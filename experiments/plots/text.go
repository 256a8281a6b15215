package plots

import (
	"math"
	"strings"

	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
)

// powerText draws a one-line text "B^E" as B followed by E in superscript
// (the 10^k labels of logTicks), and any other text as text.Plain does.
// The superscript is smaller text drawn raised, not Unicode superscript
// characters, so that every output shows it: the PDF's embedded fonts
// encode only Windows-1252, which has no superscript 4 to 9.
type powerText struct{ text.Plain }

const (
	supScale = 0.7  // superscript size, of the font size
	supRaise = 0.45 // superscript baseline above the base's, of the font size
)

func newPowerText() powerText { return powerText{text.Plain{Fonts: font.DefaultCache}} }

func (h powerText) split(txt string) (base, exp string, ok bool) {
	base, exp, ok = strings.Cut(txt, "^")
	return base, exp, ok && base != "" && exp != "" && !strings.Contains(txt, "\n")
}

func smaller(fnt font.Font) font.Font {
	fnt.Size *= supScale
	return fnt
}

// Box implements text.Handler.
func (h powerText) Box(txt string, fnt font.Font) (width, height, depth vg.Length) {
	base, exp, ok := h.split(txt)
	if !ok {
		return h.Plain.Box(txt, fnt)
	}
	bw, bh, bd := h.Plain.Box(base, fnt)
	ew, eh, _ := h.Plain.Box(exp, smaller(fnt))
	return bw + ew, max(bh, supRaise*fnt.Size+eh), bd
}

// Draw implements text.Handler, placing the text as text.Plain does.
func (h powerText) Draw(c vg.Canvas, txt string, sty text.Style, pt vg.Point) {
	base, exp, ok := h.split(txt)
	if !ok {
		h.Plain.Draw(c, txt, sty, pt)
		return
	}
	fnt := h.Fonts.Lookup(sty.Font, sty.Font.Size)
	small := h.Fonts.Lookup(smaller(sty.Font), sty.Font.Size*supScale)
	c.SetColor(sty.Color)
	if sty.Rotation != 0 {
		c.Push()
		c.Rotate(sty.Rotation)
		defer c.Pop()
	}
	sin64, cos64 := math.Sincos(sty.Rotation)
	sin, cos := vg.Length(sin64), vg.Length(cos64)
	pt.X, pt.Y = pt.Y*sin+pt.X*cos, pt.Y*cos-pt.X*sin

	w, ht, d := h.Box(txt, sty.Font)
	baseline := pt.Y + (ht+d)*vg.Length(sty.YAlign) - fnt.Extents().Ascent + sty.Font.Size
	x := pt.X + vg.Length(sty.XAlign)*w
	c.FillString(fnt, vg.Point{X: x, Y: baseline}, base)
	c.FillString(small, vg.Point{X: x + fnt.Width(base), Y: baseline + supRaise*sty.Font.Size}, exp)
}
