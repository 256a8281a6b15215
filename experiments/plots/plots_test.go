package plots

import (
	"bytes"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

func TestFormatNumber(t *testing.T) {
	tests := []struct {
		v    float64
		sig  int
		want string
	}{
		{0, 6, "0"},
		{1, 6, "1"},
		{0.001, 6, "0.001"},
		{1000, 6, "1000"},
		{1e6, 6, "1e6"},
		{2.5e7, 6, "2.5e7"},
		{1e-5, 6, "1e-5"},
		{-3e-7, 6, "-3e-7"},
		{0.30000000000000004, 6, "0.3"},
	}
	for _, tt := range tests {
		if got := formatNumber(tt.v, tt.sig); got != tt.want {
			t.Errorf("formatNumber(%v, %d) = %q, want %q", tt.v, tt.sig, got, tt.want)
		}
	}
}

func TestCellFormat(t *testing.T) {
	tests := []struct {
		name string
		z    []float64
		want []string
	}{
		{"integers", []float64{1, 0, math.NaN(), 7}, []string{"1", "0", "NaN", "7"}},
		{"three digits, at least the largest's decimals", []float64{1, 0, 0.9993, 0.00714, 0.5}, []string{"1.00", "0.00", "0.999", "0.00714", "0.500"}},
		{"tens", []float64{12.46, 3}, []string{"12.5", "3.00"}},
		{"thousands", []float64{1234.4, 0.5}, []string{"1234", "0.500"}},
		{"negative", []float64{-0.5, 0.25}, []string{"-0.500", "0.250"}},
		{"huge", []float64{2e6, 1}, []string{"2e6", "1.00"}},
		{"huge fractions", []float64{2.5e6, 1.5}, []string{"2.5e6", "1.50"}},
		{"tiny", []float64{3e-5, 1.5e-5}, []string{"3e-5", "1.5e-5"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := cellFormat([][]float64{tt.z})
			for i, z := range tt.z {
				if got := f(z); got != tt.want[i] && !math.IsNaN(z) {
					t.Errorf("%v reads %q, want %q", z, got, tt.want[i])
				}
			}
		})
	}
}

func labels(ts []plot.Tick) []string {
	var out []string
	for _, t := range ts {
		if t.Label != "" {
			out = append(out, t.Label)
		}
	}
	return out
}

func TestLogTicks(t *testing.T) {
	tests := []struct {
		name     string
		min, max float64
		want     []string
	}{
		{"decades", 0.7, 170, []string{"10^0", "10^1", "10^2"}},
		{"below one", 0.003, 0.2, []string{"10^\u22122", "10^\u22121"}},
		{"one decade adds 2 and 5", 150, 3400, []string{"200", "500", "1000", "2000"}},
		{"one 1-2-5 tick labels every mantissa", 0.3, 0.9, []string{"0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9"}},
		{"narrow labels every mantissa", 2, 4, []string{"2", "3", "4"}},
		{"many decades thinned", 1, 1e12, []string{"10^0", "10^2", "10^4", "10^6", "10^8", "10^10", "10^12"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := logTicks{}.Ticks(tt.min, tt.max)
			if got := labels(ts); !slices.Equal(got, tt.want) {
				t.Errorf("labels = %q, want %q", got, tt.want)
			}
			for i, tk := range ts {
				if tk.Value < tt.min*(1-1e-9) || tk.Value > tt.max*(1+1e-9) {
					t.Errorf("tick %v outside [%v, %v]", tk.Value, tt.min, tt.max)
				}
				if i > 0 && tk.Value <= ts[i-1].Value {
					t.Errorf("ticks not increasing at %d", i)
				}
			}
		})
	}
	if ts := (logTicks{}).Ticks(0, 10); ts != nil {
		t.Errorf("Ticks(0, 10) = %v, want nil", ts)
	}
}

func TestIntegerTicks(t *testing.T) {
	tk, ok := integerTicks([]float64{3, 5, math.NaN(), 7, 5})
	if !ok {
		t.Fatal("integer values not recognised")
	}
	if got := labels(tk.Ticks(3, 7)); !slices.Equal(got, []string{"3", "5", "7"}) {
		t.Errorf("labels = %q, want [3 5 7]", got)
	}
	if _, ok := integerTicks([]float64{1, 2.5}); ok {
		t.Error("2.5 accepted as integer")
	}
	var many []float64
	for n := 1; n <= 40; n++ {
		many = append(many, float64(n))
	}
	tk, ok = integerTicks(many)
	if !ok {
		t.Fatal("40 integers not recognised")
	}
	for _, l := range labels(tk.Ticks(1, 40)) {
		if strings.Contains(l, ".") {
			t.Errorf("non-integer label %q", l)
		}
	}
}

func TestRuns(t *testing.T) {
	nan := math.NaN()
	x := []float64{1, 2, 3, 4, 5, 6, 7}
	y := []float64{1, 2, nan, 4, nan, 6, 7}
	lines, kept := runs(x, y, finite)
	want := []plotter.XYs{{{X: 1, Y: 1}, {X: 2, Y: 2}}, {{X: 6, Y: 6}, {X: 7, Y: 7}}}
	if len(lines) != len(want) {
		t.Fatalf("runs = %v, want %v", lines, want)
	}
	for i := range want {
		if !slices.Equal(lines[i], want[i]) {
			t.Errorf("run %d = %v, want %v", i, lines[i], want[i])
		}
	}
	if len(kept) != 5 { // the lone point 4 is kept for its marker
		t.Errorf("kept %d points, want 5", len(kept))
	}
}

func TestClipSegment(t *testing.T) {
	r := vg.Rectangle{Min: vg.Point{X: 0, Y: 0}, Max: vg.Point{X: 10, Y: 10}}
	tests := []struct {
		name   string
		a, b   vg.Point
		hit    bool
		p0, p1 vg.Point
	}{
		{"inside", vg.Point{X: 1, Y: 1}, vg.Point{X: 2, Y: 2}, true, vg.Point{X: 1, Y: 1}, vg.Point{X: 2, Y: 2}},
		{"crossing", vg.Point{X: -5, Y: 5}, vg.Point{X: 15, Y: 5}, true, vg.Point{X: 0, Y: 5}, vg.Point{X: 10, Y: 5}},
		{"diagonal", vg.Point{X: -10, Y: -10}, vg.Point{X: 20, Y: 20}, true, vg.Point{X: 0, Y: 0}, vg.Point{X: 10, Y: 10}},
		{"outside", vg.Point{X: 11, Y: 0}, vg.Point{X: 20, Y: 10}, false, vg.Point{}, vg.Point{}},
		{"misses corner", vg.Point{X: 8, Y: 13}, vg.Point{X: 13, Y: 8}, false, vg.Point{}, vg.Point{}},
		{"vertical outside", vg.Point{X: -1, Y: 0}, vg.Point{X: -1, Y: 10}, false, vg.Point{}, vg.Point{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p0, p1, ok := clipSegment(tt.a, tt.b, r)
			if ok != tt.hit {
				t.Fatalf("hit = %v, want %v", ok, tt.hit)
			}
			if ok && (p0 != tt.p0 || p1 != tt.p1) {
				t.Errorf("clipped to %v-%v, want %v-%v", p0, p1, tt.p0, tt.p1)
			}
		})
	}
}

func TestECDFStepsSmall(t *testing.T) {
	got := ecdfSteps([]float64{1, 2, 2, 3}, 1, 3, false, false, false)
	want := plotter.XYs{{X: 1, Y: 0}, {X: 1, Y: 0}, {X: 1, Y: 0.25}, {X: 2, Y: 0.25}, {X: 2, Y: 0.75}, {X: 3, Y: 0.75}, {X: 3, Y: 1}}
	if !slices.Equal(got, want) {
		t.Errorf("ecdfSteps = %v\nwant %v", got, want)
	}
	got = ecdfSteps([]float64{-1, 0, 5}, 0.5, 10, true, false, true)
	want = plotter.XYs{{X: 0.5, Y: 0}, {X: 0.5, Y: 0}, {X: 0.5, Y: 2.0 / 3}, {X: 5, Y: 2.0 / 3}, {X: 5, Y: 1}, {X: 10, Y: 1}}
	if !slices.Equal(got, want) {
		t.Errorf("log ecdfSteps = %v\nwant %v", got, want)
	}
}

// TestECDFStepsThinning checks the stated bound: with many samples the
// curve has at most ~2·maxCDFSteps vertices and lies below the exact CDF
// by less than 1/maxCDFSteps everywhere.
func TestECDFStepsThinning(t *testing.T) {
	xs := latencies(9, 100_000, 10, 1)
	slices.Sort(xs)
	pts := ecdfSteps(xs, xs[0], xs[len(xs)-1], false, false, false)
	if len(pts) > 2*maxCDFSteps+4 {
		t.Fatalf("%d vertices, want at most %d", len(pts), 2*maxCDFSteps+4)
	}
	if last := pts[len(pts)-1]; last.Y != 1 || last.X != xs[len(xs)-1] {
		t.Fatalf("curve ends at %v, want (max, 1)", last)
	}
	k := 0 // drawn level at x = highest vertex Y with X <= x
	level := 0.0
	for i, x := range xs {
		for k < len(pts) && pts[k].X <= x {
			level = max(level, pts[k].Y)
			k++
		}
		exact := float64(i+1) / float64(len(xs))
		if i+1 < len(xs) && xs[i+1] == x {
			continue
		}
		if d := exact - level; d < 0 || d >= 1.0/maxCDFSteps {
			t.Fatalf("at x=%v drawn %v, exact %v", x, level, exact)
		}
	}
	for i := 1; i < len(pts); i++ {
		if pts[i].X < pts[i-1].X || pts[i].Y < pts[i-1].Y {
			t.Fatalf("staircase not monotone at %d: %v after %v", i, pts[i], pts[i-1])
		}
	}
}

func TestCDFDoesNotModifyInput(t *testing.T) {
	vals := []float64{5, 1, 3}
	if _, err := CDF([]Series{{Label: "a", Values: vals}}, CDFOptions{}); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(vals, []float64{5, 1, 3}) {
		t.Fatalf("CDF sorted the caller's slice: %v", vals)
	}
}

func TestCDFRanges(t *testing.T) {
	tests := []struct {
		name     string
		vals     []float64
		o        CDFOptions
		min, max float64
	}{
		{"auto, padded", []float64{2, 9, 4}, CDFOptions{}, 2 - 7*rangePad, 9 + 7*rangePad},
		{"log ignores non-positive", []float64{0, -3, 0.5, 40}, CDFOptions{LogX: true}, 0.5 / math.Pow(80, rangePad), 40 * math.Pow(80, rangePad)},
		{"explicit", []float64{2, 9}, CDFOptions{XMin: ptr(1), XMax: ptr(5)}, 1, 5},
		{"explicit zero is not automatic", []float64{2, 9}, CDFOptions{XMin: ptr(0), XMax: ptr(600)}, 0, 600},
		{"one end explicit", []float64{2, 9}, CDFOptions{XMin: ptr(0)}, 0, 9 + 9*rangePad},
		{"margin stops at zero", []float64{2, 9}, CDFOptions{XMax: ptr(100)}, 0, 100},
		{"single value widened", []float64{10, 10}, CDFOptions{}, 9, 11},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := CDF([]Series{{Values: tt.vals}}, tt.o)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(p.X.Min-tt.min) > 1e-12 || math.Abs(p.X.Max-tt.max) > 1e-12 || p.Y.Min != 0 || p.Y.Max != 1 {
				t.Errorf("x [%v, %v] y [%v, %v], want x [%v, %v] y [0, 1]", p.X.Min, p.X.Max, p.Y.Min, p.Y.Max, tt.min, tt.max)
			}
		})
	}
}

func TestBuilderErrors(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	grid := Grid{X: []float64{1, 2}, Y: []float64{0}, Z: [][]float64{{1, 2}}}
	tests := []struct {
		name string
		err  func() error
		want string
	}{
		{"cdf no series", func() error { _, err := CDF(nil, CDFOptions{}); return err }, "plots: cdf: no series"},
		{"cdf empty series", func() error { _, err := CDF([]Series{{Label: "a"}}, CDFOptions{}); return err }, "is empty"},
		{"cdf NaN", func() error { _, err := CDF([]Series{{Values: []float64{1, nan}}}, CDFOptions{}); return err }, "value 1 is NaN"},
		{"cdf log without positive", func() error {
			_, err := CDF([]Series{{Values: []float64{0, -1}}}, CDFOptions{LogX: true})
			return err
		}, "positive minimum"},
		{"cdf inverted range", func() error {
			_, err := CDF([]Series{{Values: []float64{1}}}, CDFOptions{XMin: ptr(5), XMax: ptr(2)})
			return err
		}, "is empty"},
		{"lines none", func() error { _, err := Lines(nil, LinesOptions{}); return err }, "no lines"},
		{"lines length", func() error {
			_, err := Lines([]Line{{X: []float64{1, 2}, Y: []float64{1}}}, LinesOptions{})
			return err
		}, "2 x values, 1 y values"},
		{"lines lo without hi", func() error {
			_, err := Lines([]Line{{X: []float64{1}, Y: []float64{1}, Lo: []float64{0}}}, LinesOptions{})
			return err
		}, "together"},
		{"lines lo > hi", func() error {
			_, err := Lines([]Line{{X: []float64{1}, Y: []float64{1}, Lo: []float64{2}, Hi: []float64{0}}}, LinesOptions{})
			return err
		}, "lo 2 > hi 0"},
		{"lines nothing drawable", func() error {
			_, err := Lines([]Line{{X: []float64{nan}, Y: []float64{1}}}, LinesOptions{})
			return err
		}, "no drawable point"},
		{"lines log y non-positive", func() error {
			_, err := Lines([]Line{{X: []float64{1, 2}, Y: []float64{0, -1}}}, LinesOptions{LogY: true})
			return err
		}, "log y axis needs a positive value, have none"},
		{"lines bad y range", func() error {
			_, err := Lines([]Line{{X: []float64{1}, Y: []float64{1}}}, LinesOptions{YMin: ptr(2), YMax: ptr(1)})
			return err
		}, "is empty"},
		{"heatmap no x", func() error { _, _, err := Heatmap(Grid{Y: []float64{1}}, HeatmapOptions{}); return err }, "no x values"},
		{"heatmap x not increasing", func() error {
			_, _, err := Heatmap(Grid{X: []float64{2, 1}, Y: []float64{0}, Z: [][]float64{{1, 2}}}, HeatmapOptions{})
			return err
		}, "not strictly increasing"},
		{"heatmap rows", func() error {
			_, _, err := Heatmap(Grid{X: grid.X, Y: []float64{0, 1}, Z: grid.Z}, HeatmapOptions{})
			return err
		}, "Z has 1 rows, want len(Y) = 2"},
		{"heatmap row length", func() error {
			_, _, err := Heatmap(Grid{X: grid.X, Y: grid.Y, Z: [][]float64{{1}}}, HeatmapOptions{})
			return err
		}, "Z row 0 has 1 values"},
		{"heatmap inf", func() error {
			_, _, err := Heatmap(Grid{X: grid.X, Y: grid.Y, Z: [][]float64{{1, inf}}}, HeatmapOptions{})
			return err
		}, "Z[0][1] is +Inf"},
		{"heatmap z range", func() error { _, _, err := Heatmap(grid, HeatmapOptions{ZMin: ptr(1), ZMax: ptr(1)}); return err }, "colour range"},
		{"heatmap overlay", func() error {
			_, _, err := Heatmap(grid, HeatmapOptions{Overlays: []Overlay{{X: []float64{1}}}})
			return err
		}, "overlay 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.err()
			if err == nil {
				t.Fatalf("no error, want one containing %q", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "plots: ") {
				t.Errorf("error %q, want prefix \"plots: \" and %q", err, tt.want)
			}
		})
	}
}

func TestHeatmapAxesAndScale(t *testing.T) {
	// Uneven x: cells take the smallest spacing (2), so n = 9 is a blank gap.
	g := Grid{
		X: []float64{3, 5, 7, 11},
		Y: []float64{0, 1, 2},
		Z: [][]float64{{1, 1, 1, 1}, {math.NaN(), 0.5, 0.5, 0.5}, {math.NaN(), math.NaN(), 0.2, 0.1}},
	}
	heat, bar, err := Heatmap(g, HeatmapOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if heat.X.Min != 2 || heat.X.Max != 12 || heat.Y.Min != -0.5 || heat.Y.Max != 2.5 {
		t.Errorf("heat axes x [%v, %v] y [%v, %v], want [2, 12] [-0.5, 2.5]", heat.X.Min, heat.X.Max, heat.Y.Min, heat.Y.Max)
	}
	if a, ok := heatAspect(heat); !ok || a != 3.0/5 {
		t.Errorf("heatAspect = %v, %v; want 0.6 (3 rows of 5 columns)", a, ok)
	}
	if bar.Y.Min != 0.1 || bar.Y.Max != 1 {
		t.Errorf("auto colour range [%v, %v], want data range [0.1, 1]", bar.Y.Min, bar.Y.Max)
	}
	if !isColorBar(bar) || isColorBar(heat) {
		t.Error("colour bar not recognised")
	}
	// All equal or all NaN still gives a usable colour range.
	for _, z := range []float64{0.7, math.NaN()} {
		_, bar, err := Heatmap(Grid{X: []float64{1}, Y: []float64{1}, Z: [][]float64{{z}}}, HeatmapOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if !(bar.Y.Min < bar.Y.Max) {
			t.Errorf("z=%v: colour range [%v, %v] is empty", z, bar.Y.Min, bar.Y.Max)
		}
	}
}

func TestColorMap(t *testing.T) {
	lum := func(z float64) float64 {
		r, g, b, _ := colorAt(z, 0, 1).RGBA()
		return 0.2126*float64(r) + 0.7152*float64(g) + 0.0722*float64(b)
	}
	prev := -1.0
	for z := 0.0; z <= 1; z += 0.05 {
		l := lum(z)
		if l <= prev {
			t.Fatalf("luminance not increasing at z=%v: greyscale print would be ambiguous", z)
		}
		prev = l
	}
	if colorAt(-5, 0, 1) != colorAt(0, 0, 1) || colorAt(7, 0, 1) != colorAt(1, 0, 1) {
		t.Error("out-of-range values are not clamped to the end colours")
	}
	if !isDark(colorAt(0, 0, 1)) || isDark(colorAt(1, 0, 1)) {
		t.Error("annotation contrast: want white text on the dark end, black on the light end")
	}
}

// TestLegendAvoidsData puts data in the upper right and checks that the
// legend moves away from the preferred upper-right corner.
func TestLegendAvoidsData(t *testing.T) {
	p := plot.New()
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = 0, 1, 0, 1
	c := draw.Canvas{Rectangle: vg.Rectangle{Max: vg.Point{X: 300, Y: 200}}}
	leg := &legend{
		entries: []legendEntry{{label: "series"}},
		prefer:  []anchor{upperRight, upperLeft, lowerLeft},
	}
	w, h := leg.size(1)
	empty, free := leg.place(c, p, w, h)
	if !free || empty.X+w < 290 || empty.Y+h < 190 {
		t.Fatalf("with no data the legend is at %v (free %v), want the upper right", empty, free)
	}
	leg.avoid.polylines = []plotter.XYs{{{X: 0.5, Y: 0.6}, {X: 1, Y: 1}}, {{X: 0.55, Y: 1}, {X: 1, Y: 0.6}}}
	got, free := leg.place(c, p, w, h)
	if !free || got.X > 10 || got.Y+h < 190 {
		t.Errorf("legend at %v (free %v), want the upper left (data fills the upper right)", got, free)
	}
	r := vg.Rectangle{Min: got, Max: vg.Point{X: got.X + w, Y: got.Y + h}}
	if s := leg.avoid.score(r, c, p); s != 0 {
		t.Errorf("chosen position hides %v data segments", s)
	}
	// Data everywhere: no free place.
	for x := 0.0; x <= 1; x += 0.05 {
		leg.avoid.polylines = append(leg.avoid.polylines, plotter.XYs{{X: x, Y: 0}, {X: x, Y: 1}})
	}
	if _, free := leg.place(c, p, w, h); free {
		t.Error("a place was found free in a data area full of lines")
	}
}

func TestHeatmapCopiesGrid(t *testing.T) {
	g := raftGrid()
	heat, bar := func() (*plot.Plot, *plot.Plot) {
		h, b, err := Heatmap(g, HeatmapOptions{ZMin: ptr(0), ZMax: ptr(1)})
		if err != nil {
			t.Fatal(err)
		}
		return h, b
	}()
	render := func() []byte {
		var buf bytes.Buffer
		if err := (Figure{Rows: [][]*plot.Plot{{heat, bar}}}).WriteTo(&buf, "svg"); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	before := render()
	g.Z[0][0], g.X[0] = 0.5, -3
	if !bytes.Equal(before, render()) {
		t.Fatal("changing the caller's grid after Heatmap changed the drawing")
	}
}

// An unfinished outcome (+Inf) counts towards the total but is not drawn: the curve stops at the
// largest finite value, at the fraction of finite values, and does not run on to the right edge; an
// arrow head marks its end and the legend gives the count.
func TestCDFCensored(t *testing.T) {
	inf := math.Inf(1)
	pts := ecdfSteps([]float64{1, 2, inf, inf}, 0.5, 10, false, false, false)
	last := pts[len(pts)-1]
	if last.X != 2 || last.Y != 0.5 {
		t.Fatalf("last vertex %v, want (2, 0.5): the largest finite value at 2 of 4", last)
	}
	for _, p := range pts {
		if math.IsInf(p.X, 0) || p.X > 2 || p.Y > 0.5 {
			t.Fatalf("vertex %v drawn beyond the finite values", p)
		}
	}
	if pts := ecdfSteps([]float64{inf, inf}, 0.5, 10, false, false, false); len(pts) != 0 {
		t.Errorf("all censored: %v drawn, want nothing", pts)
	}
	if _, err := CDF([]Series{{Label: "x", Values: []float64{inf}}}, CDFOptions{}); err == nil {
		t.Fatal("a CDF of only +Inf without an x range was accepted")
	}
	if _, err := CDF([]Series{{Label: "x", Values: []float64{1, math.Inf(-1)}}}, CDFOptions{}); err == nil {
		t.Fatal("-Inf was accepted")
	}

	_, added, err := cdf([]Series{
		{Label: "150–150 ms", Values: []float64{100, 200, 300, inf, inf}},
		{Label: "150–300 ms", Values: []float64{100, 150, 160}},
		{Label: "", Values: []float64{inf, inf}},
	}, CDFOptions{LogX: true, XMax: ptr(1e5)})
	if err != nil {
		t.Fatalf("censored series: %v", err)
	}
	leg := added[len(added)-1].(*legend)
	var labels []string
	for _, e := range leg.entries {
		labels = append(labels, e.label)
	}
	want := []string{"150–150 ms (2 of 5 unfinished)", "150–300 ms", "(2 of 2 unfinished)"}
	if !slices.Equal(labels, want) {
		t.Errorf("legend %q, want %q", labels, want)
	}
	// The lines as drawn: the censored one ends at (300, 3/5), the other runs on at 1 to the edge.
	var ends []plotter.XY
	var arrows []plotter.XY
	for _, pl := range added {
		switch v := pl.(type) {
		case noGlyphBoxes:
			ends = append(ends, v.l.XYs[len(v.l.XYs)-1])
		case censorEnd:
			arrows = append(arrows, v.at)
		}
	}
	if !slices.Equal(ends, []plotter.XY{{X: 300, Y: 0.6}, {X: 1e5, Y: 1}}) {
		t.Errorf("curves end at %v, want (300, 0.6) and (1e5, 1)", ends)
	}
	if !slices.Equal(arrows, []plotter.XY{{X: 300, Y: 0.6}}) {
		t.Errorf("arrow heads at %v, want one at (300, 0.6)", arrows)
	}
}

// TestNiceTicks: labelled ticks at multiples of 1, 2 or 5 times a power of ten, three to six of them,
// all distinct and with the same decimals, however narrow the range (gonum's default ticks label
// 150.0001..150.0003 "150, 150, 150" and 12..1366 "250.00, 750.00, 1250.00").
func TestNiceTicks(t *testing.T) {
	tests := []struct {
		lo, hi float64
		want   []string
	}{
		{0, 1, []string{"0.0", "0.2", "0.4", "0.6", "0.8", "1.0"}},
		{470, 2560, []string{"500", "1000", "1500", "2000", "2500"}},
		{12, 1366, []string{"200", "400", "600", "800", "1000", "1200"}},
		{129, 181, []string{"130", "140", "150", "160", "170", "180"}},
		{0.97, 0.9995, []string{"0.970", "0.975", "0.980", "0.985", "0.990", "0.995"}},
		{150.0001, 150.0003, []string{"150.00010", "150.00015", "150.00020", "150.00025", "150.00030"}},
		{-0.3, 0.3, []string{"-0.2", "0.0", "0.2"}},
		{1e6, 3e6, []string{"1e6", "1.5e6", "2e6", "2.5e6", "3e6"}},
		{0, 600, []string{"0", "200", "400", "600"}},
	}
	for _, tt := range tests {
		ts := niceTicks{}.Ticks(tt.lo, tt.hi)
		got := labels(ts)
		if !slices.Equal(got, tt.want) {
			t.Errorf("[%v, %v]: labels %q, want %q", tt.lo, tt.hi, got, tt.want)
		}
		for i, tk := range ts {
			if tk.Value < tt.lo-1e-9*math.Abs(tt.lo) || tk.Value > tt.hi+1e-9*math.Abs(tt.hi) {
				t.Errorf("[%v, %v]: tick %v outside", tt.lo, tt.hi, tk.Value)
			}
			if i > 0 && tk.Value <= ts[i-1].Value {
				t.Errorf("[%v, %v]: ticks not increasing at %d", tt.lo, tt.hi, i)
			}
		}
	}
	// Any range: 2 to 6 distinct labels.
	for _, r := range [][2]float64{{1e-9, 2e-9}, {3, 3.0000001}, {-1e12, 1e12}, {0.1, 0.1000001}, {1e15, 1e15 + 1000}} {
		got := labels(niceTicks{}.Ticks(r[0], r[1]))
		seen := map[string]bool{}
		for _, l := range got {
			if seen[l] {
				t.Errorf("%v: label %q repeats: %q", r, l, got)
			}
			seen[l] = true
		}
		if len(got) < 2 || len(got) > maxMajorTicks {
			t.Errorf("%v: %d labels %q", r, len(got), got)
		}
	}
}

// TestHeatmapStaircase: an overlay is drawn along cell edges, between the cells on or below its line and
// those above: for n = 2f+1 the edge in column n is at f = floor((n-1)/2) + 1/2, so the cell (3, 1),
// whose centre lies on the line, is below it. A column outside the line's x values has no edge.
func TestHeatmapStaircase(t *testing.T) {
	g := raftGrid()
	_, _, added, err := heatmap(g, HeatmapOptions{Overlays: []Overlay{
		{Label: "n = 2f+1", X: []float64{0.5, 9.5}, Y: []float64{-0.25, 4.25}},
		{Label: "part", X: []float64{2, 4}, Y: []float64{0, 1}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	var lines []plotter.XYs
	for _, p := range added {
		if o, ok := p.(plotOnly); ok {
			if l := o.p.(*plotter.Line); l.LineStyle.Color != overlayHalo {
				lines = append(lines, l.XYs)
			}
		}
	}
	if len(lines) != 2 {
		t.Fatalf("%d overlay lines, want 2", len(lines))
	}
	var want plotter.XYs
	for n := 1; n <= 9; n++ {
		edge := float64((n-1)/2) + 0.5
		want = append(want, plotter.XY{X: float64(n) - 0.5, Y: edge}, plotter.XY{X: float64(n) + 0.5, Y: edge})
	}
	if !slices.Equal(lines[0], want) {
		t.Errorf("n = 2f+1 drawn along %v, want %v", lines[0], want)
	}
	// The line from (2, 0) to (4, 1): columns 2, 3, 4 only; in column 3 it is at 0.5, above f = 0.
	part := plotter.XYs{{X: 1.5, Y: 0.5}, {X: 2.5, Y: 0.5}, {X: 2.5, Y: 0.5}, {X: 3.5, Y: 0.5}, {X: 3.5, Y: 1.5}, {X: 4.5, Y: 1.5}}
	if !slices.Equal(lines[1], part) {
		t.Errorf("partial line drawn along %v, want %v", lines[1], part)
	}
}

// TestCDFOffAxis: with a fixed x range, the legend says how many finite values of a series lie off the
// axis, below it or beyond it; an automatic range shows every value and says nothing.
func TestCDFOffAxis(t *testing.T) {
	inf := math.Inf(1)
	labels := func(o CDFOptions) []string {
		_, added, err := cdf([]Series{
			{Label: "a", Values: []float64{50, 100, 200, 700, 900, inf}},
			{Label: "b", Values: []float64{150, 160}},
		}, o)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range added[len(added)-1].(*legend).entries {
			out = append(out, e.label)
		}
		return out
	}
	if got, want := labels(CDFOptions{XMin: ptr(100), XMax: ptr(600)}), []string{"a (1 of 6 unfinished, 1 below 100, 2 beyond 600)", "b"}; !slices.Equal(got, want) {
		t.Errorf("fixed range: legend %q, want %q", got, want)
	}
	if got, want := labels(CDFOptions{XMax: ptr(600)}), []string{"a (1 of 6 unfinished, 2 beyond 600)", "b"}; !slices.Equal(got, want) {
		t.Errorf("fixed maximum: legend %q, want %q", got, want)
	}
	if got, want := labels(CDFOptions{}), []string{"a (1 of 6 unfinished)", "b"}; !slices.Equal(got, want) {
		t.Errorf("automatic range: legend %q, want %q", got, want)
	}
	if got, want := labels(CDFOptions{XMin: ptr(155), XMax: ptr(600)}), []string{"a (1 of 6 unfinished, 2 below 155, 2 beyond 600)", "b (1 of 2 below 155)"}; !slices.Equal(got, want) {
		t.Errorf("one note: legend %q, want %q", got, want)
	}
	if got, want := labels(CDFOptions{XMin: ptr(155), XMax: ptr(155.5)}), []string{"a (1 of 6 unfinished, 2 below 155, 3 beyond 155.5)", "b (1 below 155, 1 beyond 155.5, of 2)"}; !slices.Equal(got, want) {
		t.Errorf("two notes: legend %q, want %q", got, want)
	}
}

// TestErrorKinds: a caller drawing from results tells the option to change from the kind of error: a
// *RangeError for an axis the data and options leave no range (on a log axis, Log is set, so the log
// scale is what to change), ErrNoData for no value at all.
func TestErrorKinds(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name     string
		err      error
		axis     string // "" for ErrNoData
		log, fix bool
	}{
		{"lines log y, nothing positive", second(Lines([]Line{{X: []float64{1, 2}, Y: []float64{0, 0}}}, LinesOptions{LogY: true})), "y", true, false},
		{"lines log y with a fixed range, nothing positive", second(Lines([]Line{{X: []float64{1}, Y: []float64{0}}}, LinesOptions{LogY: true, YMin: ptr(1)})), "y", true, false},
		{"lines fixed range empty", second(Lines([]Line{{X: []float64{1}, Y: []float64{1}}}, LinesOptions{YMin: ptr(2), YMax: ptr(1)})), "y", false, true},
		{"lines nothing finite", second(Lines([]Line{{X: []float64{1}, Y: []float64{nan}}}, LinesOptions{LogY: true})), "", false, false},
		{"cdf log x, nothing positive", second(CDF([]Series{{Values: []float64{0, -1}}}, CDFOptions{LogX: true})), "x", true, false},
		{"cdf empty series", second(CDF([]Series{{Label: "a"}}, CDFOptions{})), "", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var re *RangeError
			switch {
			case tt.axis == "" && !errors.Is(tt.err, ErrNoData):
				t.Errorf("err = %v, want ErrNoData", tt.err)
			case tt.axis != "" && (!errors.As(tt.err, &re) || re.Axis != tt.axis || re.Log != tt.log || re.Fixed != tt.fix):
				t.Errorf("err = %v (%+v), want a *RangeError on %s, log %v, fixed %v", tt.err, re, tt.axis, tt.log, tt.fix)
			}
		})
	}
}

func second[T any](_ T, err error) error { return err }
