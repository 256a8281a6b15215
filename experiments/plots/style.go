package plots

import (
	"image/color"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Font sizes and strokes shared by every figure. Sizes are chosen for a
// figure printed at its nominal size (one panel ≈ 3.5 in wide).
const (
	figTitleSize = 12
	titleSize    = 11
	labelSize    = 10
	tickSize     = 9
	legendSize   = 9
	annotateMax  = 8 // heatmap cell text; shrunk to fit small cells
	annotateMin  = 4 // below this, cell text is not drawn

	lineWidth   = 1.4 // data lines, points
	glyphRadius = 2.4
	axisWidth   = 0.75
	gridWidth   = 0.5
)

var (
	baseFont = font.Font{Typeface: "Liberation", Variant: "Sans"}

	// seriesColors is the Okabe–Ito palette (Okabe & Ito 2008), safe for
	// the common forms of colour blindness; yellow is left out because it
	// vanishes on white.
	seriesColors = []color.Color{
		color.NRGBA{0x00, 0x72, 0xB2, 0xFF}, // blue
		color.NRGBA{0xD5, 0x5E, 0x00, 0xFF}, // vermillion
		color.NRGBA{0x00, 0x9E, 0x73, 0xFF}, // bluish green
		color.NRGBA{0xCC, 0x79, 0xA7, 0xFF}, // reddish purple
		color.NRGBA{0xE6, 0x9F, 0x00, 0xFF}, // orange
		color.NRGBA{0x56, 0xB4, 0xE9, 0xFF}, // sky blue
		color.NRGBA{0x00, 0x00, 0x00, 0xFF}, // black
	}

	// seriesDashes has a length coprime to len(seriesColors), so the first
	// 42 series all differ in (colour, dash).
	seriesDashes = [][]vg.Length{
		nil,                              // solid
		{vg.Points(6), vg.Points(3)},     // dashed
		{vg.Points(1.5), vg.Points(2.5)}, // dotted
		{vg.Points(7), vg.Points(2.5), vg.Points(1.5), vg.Points(2.5)},                           // dash-dot
		{vg.Points(12), vg.Points(3)},                                                            // long dash
		{vg.Points(4), vg.Points(2), vg.Points(1.5), vg.Points(2), vg.Points(1.5), vg.Points(2)}, // dash-dot-dot
	}

	seriesGlyphs = []draw.GlyphDrawer{
		draw.CircleGlyph{}, draw.SquareGlyph{}, draw.PyramidGlyph{}, draw.CrossGlyph{},
		draw.RingGlyph{}, draw.BoxGlyph{}, draw.TriangleGlyph{}, draw.PlusGlyph{},
	}

	gridColor   = color.Gray{0xE0}
	legendFill  = color.NRGBA{0xFF, 0xFF, 0xFF, 0xD9} // 85% opaque white
	legendEdge  = color.Gray{0xB0}
	nanFill     = color.Gray{0xF2}
	nanHatch    = color.Gray{0xC0}
	overlayHalo = color.White
)

// styleIndex is the style of the series at position i whose requested Style is style (0: by position).
func styleIndex(i, style int) int {
	if style > 0 {
		return style - 1
	}
	return i
}

// seriesLine returns the line style of the i-th series.
func seriesLine(i int) draw.LineStyle {
	return draw.LineStyle{
		Color:  seriesColors[i%len(seriesColors)],
		Width:  vg.Points(lineWidth),
		Dashes: seriesDashes[i%len(seriesDashes)],
	}
}

// seriesGlyph returns the marker style of the i-th series.
func seriesGlyph(i int) draw.GlyphStyle {
	return draw.GlyphStyle{
		Color:  seriesColors[i%len(seriesColors)],
		Radius: vg.Points(glyphRadius),
		Shape:  seriesGlyphs[i%len(seriesGlyphs)],
	}
}

// textStyle returns a plain text style of the given size and alignment.
func textStyle(size vg.Length, xa draw.XAlignment, ya draw.YAlignment) text.Style {
	return text.Style{
		Color:   color.Black,
		Font:    font.From(baseFont, size),
		XAlign:  xa,
		YAlign:  ya,
		Handler: plot.DefaultTextHandler,
	}
}

// newPlot returns a plot with the package style and the given labels.
func newPlot(title, xlabel, ylabel string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font = font.From(baseFont, titleSize)
	p.Title.Padding = vg.Points(6)
	p.X.Label.Text = xlabel
	p.Y.Label.Text = ylabel
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font = font.From(baseFont, labelSize)
		a.Label.Padding = vg.Points(3)
		a.Tick.Label.Font = font.From(baseFont, tickSize)
		a.Tick.Length = vg.Points(4)
		a.Tick.Width = vg.Points(axisWidth)
		a.Width = vg.Points(axisWidth)
		a.Padding = vg.Points(3)
	}
	p.Legend.TextStyle.Font = font.From(baseFont, legendSize)
	return p
}

// newGrid returns the light background grid drawn at major ticks.
func newGrid() *plotter.Grid {
	sty := draw.LineStyle{Color: gridColor, Width: vg.Points(gridWidth)}
	return &plotter.Grid{Vertical: sty, Horizontal: sty}
}

// formatNumber formats v compactly for tick and cell labels: up to sig
// significant digits, no exponent for 1e-4 <= |v| < 1e6, and "1e6" rather
// than Go's "1e+06" otherwise.
func formatNumber(v float64, sig int) string {
	if v == 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return strconv.FormatFloat(v, 'g', -1, 64)
	}
	s := strconv.FormatFloat(v, 'g', sig, 64)
	if i := strings.IndexByte(s, 'e'); i >= 0 {
		mant, exp := s[:i], s[i+1:]
		exp = strings.TrimPrefix(exp, "+")
		neg := strings.HasPrefix(exp, "-")
		exp = strings.TrimLeft(strings.TrimPrefix(exp, "-"), "0")
		if neg {
			exp = "-" + exp
		}
		return mant + "e" + exp
	}
	return s
}

// logTicks labels powers of ten on a log axis, with unlabelled minor
// ticks at 2..9 times each power. Across two decades or more, powers are
// labelled 10^k (drawn with a superscript by powerText); across fewer, it
// also labels 2× and 5× in plain numbers, and across many it labels every
// k-th power so labels do not collide. (plot.LogTicks mislabels ranges
// that start below 1.)
type logTicks struct{}

func (logTicks) Ticks(min, max float64) []plot.Tick {
	if !(min > 0) || !(max > min) || math.IsInf(max, 0) {
		return nil
	}
	lo := int(math.Floor(math.Log10(min)))
	hi := int(math.Ceil(math.Log10(max)))
	in := func(v float64) bool { return v >= min*(1-1e-9) && v <= max*(1+1e-9) }
	decades := 0
	for e := lo; e <= hi; e++ {
		if in(math.Pow10(e)) {
			decades++
		}
	}
	step := 1
	if decades > 7 {
		step = (decades + 6) / 7
	}
	var labelled [10]bool // by mantissa
	labelled[1] = true
	if decades < 2 {
		labelled[2], labelled[5] = true, true
		n := 0
		for e := lo; e <= hi; e++ {
			for _, m := range []int{1, 2, 5} {
				if in(float64(m) * math.Pow10(e)) {
					n++
				}
			}
		}
		if n < 2 {
			for m := 3; m <= 9; m++ {
				labelled[m] = true
			}
		}
	}
	var ticks []plot.Tick
	for e := lo; e <= hi; e++ {
		for m := 1; m <= 9; m++ {
			v := float64(m) * math.Pow10(e)
			if !in(v) {
				continue
			}
			t := plot.Tick{Value: v}
			switch {
			case !labelled[m]:
			case decades >= 2 && m == 1 && mod(e, step) == 0:
				t.Label = powerLabel(e)
			case decades < 2:
				t.Label = formatNumber(v, 6)
			}
			ticks = append(ticks, t)
		}
	}
	return ticks
}

// powerLabel is the label of 10^e, as powerText draws it.
func powerLabel(e int) string {
	if e < 0 {
		return "10^" + minusSign + strconv.Itoa(-e)
	}
	return "10^" + strconv.Itoa(e)
}

// minusSign is U+2212, the typographic minus, as wide as a plus.
const minusSign = "\u2212"

// niceTicks puts labelled ticks at round values, the multiples of the
// smallest step of 1, 2 or 5 times a power of ten that gives at most six
// of them (three at least), and unlabelled minor ticks between them (five
// per step of 1 or 5, four per step of 2). Every label has the decimals of
// the step, so labels differ however narrow the range, and they line up:
// 0.0, 0.2, …, 1.0.
type niceTicks struct{}

// maxMajorTicks is the most labelled ticks niceTicks puts on an axis.
const maxMajorTicks = 6

func (niceTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(hi > lo) || math.IsInf(lo, 0) || math.IsInf(hi, 0) {
		return nil
	}
	step, mant, exp := niceStep(lo, hi)
	minor := step / 5
	if mant == 2 {
		minor = step / 4
	}
	// Round values are k*step (major) and k*minor; computing them from
	// integers keeps 0.1+0.2 errors out of both values and labels.
	k0, k1 := math.Ceil(lo/minor-1e-9), math.Floor(hi/minor+1e-9)
	if math.Abs(k0) > 1<<52 || math.Abs(k1) > 1<<52 {
		return nil // the range is below float64 resolution at this magnitude: k++ would not move
	}
	per := math.Round(step / minor)
	decimals := max(0, -exp)
	big := math.Max(math.Abs(lo), math.Abs(hi))
	sci := big >= 1e6 || big < 1e-4
	sig := int(math.Floor(math.Log10(big))) - exp + 1
	var ticks []plot.Tick
	for k := k0; k <= k1; k++ {
		t := plot.Tick{Value: k * minor}
		if math.Mod(k, per) == 0 {
			t.Value = (k / per) * step
			if sci {
				t.Label = formatNumber(t.Value, max(sig, 1))
			} else {
				t.Label = strconv.FormatFloat(t.Value, 'f', decimals, 64)
			}
			if t.Value == 0 {
				t.Value = 0 // no -0
				t.Label = strings.TrimPrefix(t.Label, "-")
			}
		}
		ticks = append(ticks, t)
	}
	return ticks
}

// niceStep returns the smallest step m·10^e, m in {1, 2, 5}, whose
// multiples in [lo, hi] number at most maxMajorTicks.
func niceStep(lo, hi float64) (step float64, m, e int) {
	e = int(math.Floor(math.Log10(hi-lo))) - 1
	for {
		for _, m := range []int{1, 2, 5} {
			s := float64(m) * math.Pow10(e)
			if math.Floor(hi/s+1e-9)-math.Ceil(lo/s-1e-9)+1 <= maxMajorTicks {
				return s, m, e
			}
		}
		e++
	}
}

func mod(a, b int) int { return ((a % b) + b) % b }

// integerTicks returns ticks at integers for an axis whose data values
// are all integers (cluster sizes, fault counts): every distinct value when
// there are few, otherwise niceTicks with non-integer labels demoted to
// minor ticks. ok is false if some value is not an integer.
func integerTicks(values []float64) (t plot.Ticker, ok bool) {
	var distinct []float64
	seen := func(v float64) bool {
		for _, d := range distinct {
			if d == v {
				return true
			}
		}
		return false
	}
	for _, v := range values {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			continue
		}
		if v != math.Trunc(v) {
			return nil, false
		}
		if len(distinct) <= 12 && !seen(v) {
			distinct = append(distinct, v)
		}
	}
	if len(distinct) == 0 {
		return nil, false
	}
	if len(distinct) <= 12 {
		ticks := make([]plot.Tick, len(distinct))
		for i, v := range distinct {
			ticks[i] = plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'f', 0, 64)}
		}
		return plot.ConstantTicks(ticks), true
	}
	return plot.TickerFunc(func(min, max float64) []plot.Tick {
		ts := niceTicks{}.Ticks(min, max)
		for i := range ts {
			if ts[i].Value != math.Trunc(ts[i].Value) {
				ts[i].Label = ""
			}
		}
		return ts
	}), true
}

type colorT = color.Color

// withAlpha returns c with opacity a (non-premultiplied).
func withAlpha(c color.Color, a float64) color.Color {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	n.A = uint8(math.Round(a * 255))
	return n
}

var bgColor = color.White
