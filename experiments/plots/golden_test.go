package plots

import (
	"bytes"
	"flag"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// latencies returns n log-normal samples (ms) from a fixed-seed PCG.
func latencies(seed uint64, n int, median, sigma float64) []float64 {
	r := rand.New(rand.NewPCG(seed, 1))
	xs := make([]float64, n)
	for i := range xs {
		xs[i] = median * math.Exp(sigma*r.NormFloat64())
	}
	return xs
}

func ptr(v float64) *float64 { return &v }

func cdfLogXPlot(t testing.TB) *plot.Plot {
	fast := latencies(1, 400, 4, 0.5)
	fast[0], fast[1] = 0, 0 // zero latencies: counted, drawn at the left edge
	p, err := CDF([]Series{
		{Label: "n = 3", Values: fast},
		{Label: "n = 5", Values: latencies(2, 400, 7, 0.6)},
		{Label: "n = 7", Values: latencies(3, 400, 12, 0.8)},
	}, CDFOptions{Title: "Commit latency", XLabel: "latency (ms)", LogX: true})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

var sizes = []float64{3, 5, 7, 9, 11}

func linesBandPlot(t testing.TB) *plot.Plot {
	avail := func(f int) Line {
		l := Line{Label: "f = " + string(rune('0'+f))}
		for _, n := range sizes {
			a := 1 - 0.02*float64(f)*float64(f)/math.Sqrt(n)
			l.X = append(l.X, n)
			l.Y = append(l.Y, a)
			l.Lo = append(l.Lo, a-0.004*float64(f+1))
			l.Hi = append(l.Hi, math.Min(1, a+0.004*float64(f+1)))
		}
		return l
	}
	lines := []Line{avail(0), avail(1), avail(2)}
	lines[2].Y[2] = math.NaN() // missing trial: a gap in line and band
	lines[2].Lo[2], lines[2].Hi[2] = math.NaN(), math.NaN()
	p, err := Lines(lines, LinesOptions{
		Title: "Availability", XLabel: "cluster size n", YLabel: "availability",
		YMin: ptr(0.9), YMax: ptr(1.005),
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func linesErrorBarsPlot(t testing.TB) *plot.Plot {
	var lines []Line
	for k, base := range []float64{150, 300, 1200} {
		l := Line{Label: []string{"timeout 150 ms", "timeout 300 ms", "timeout 1.2 s"}[k]}
		for _, n := range sizes {
			m := base * (1 + 0.08*n)
			l.X, l.Y = append(l.X, n), append(l.Y, m)
			l.Lo, l.Hi = append(l.Lo, m*0.8), append(l.Hi, m*1.3)
		}
		lines = append(lines, l)
	}
	p, err := Lines(lines, LinesOptions{
		Title: "Election downtime", XLabel: "cluster size n", YLabel: "downtime (ms)",
		ErrorBars: true, LogY: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// raftGrid is availability over n = 1..9 and f = 0..6; NaN where f >= n.
func raftGrid() Grid {
	var g Grid
	for n := 1; n <= 9; n++ {
		g.X = append(g.X, float64(n))
	}
	for f := 0; f <= 6; f++ {
		g.Y = append(g.Y, float64(f))
		row := make([]float64, len(g.X))
		for j, x := range g.X {
			n := int(x)
			switch {
			case f >= n:
				row[j] = math.NaN()
			case 2*f < n:
				row[j] = 1 - 0.001*float64(f)
			default:
				row[j] = 0.05 * float64(n-f) / float64(n)
			}
		}
		g.Z = append(g.Z, row)
	}
	return g
}

func heatmapPlots(t testing.TB) (*plot.Plot, *plot.Plot) {
	heat, bar, err := Heatmap(raftGrid(), HeatmapOptions{
		Title: "Availability", XLabel: "cluster size n", YLabel: "faults f", ZLabel: "availability",
		ZMin: ptr(0), ZMax: ptr(1), Annotate: true, MissingLabel: "f ≥ n",
		Overlays: []Overlay{{Label: "n = 2f+1", X: []float64{0.5, 9.5}, Y: []float64{-0.25, 4.25}, Dashed: true}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return heat, bar
}

func goldenFigures(t testing.TB) map[string]Figure {
	heat, bar := heatmapPlots(t)
	return map[string]Figure{
		"cdf_logx":        {Rows: [][]*plot.Plot{{cdfLogXPlot(t)}}, Width: 4 * vg.Inch, Height: 3 * vg.Inch},
		"lines_band":      {Rows: [][]*plot.Plot{{linesBandPlot(t)}}, Width: 4 * vg.Inch, Height: 3 * vg.Inch},
		"lines_errorbars": {Rows: [][]*plot.Plot{{linesErrorBarsPlot(t)}}, Width: 4 * vg.Inch, Height: 3 * vg.Inch},
		"heatmap":         {Rows: [][]*plot.Plot{{heat, bar}}, Width: 5 * vg.Inch, Height: 3.6 * vg.Inch},
		"multipanel_1x3": {
			Rows:  [][]*plot.Plot{{cdfLogXPlot(t), linesBandPlot(t), linesErrorBarsPlot(t)}},
			Width: 11 * vg.Inch, Height: 3.2 * vg.Inch, Title: "raftsim sweep, 20 trials per point",
		},
	}
}

// goldenNames fixes the test order (map iteration order is random).
var goldenNames = []string{"cdf_logx", "lines_band", "lines_errorbars", "heatmap", "multipanel_1x3"}

func TestGolden(t *testing.T) {
	figs := goldenFigures(t)
	if len(figs) != len(goldenNames) {
		t.Fatalf("goldenNames lists %d figures, have %d", len(goldenNames), len(figs))
	}
	for _, name := range goldenNames {
		for _, format := range []string{"png", "svg"} {
			t.Run(name+"."+format, func(t *testing.T) {
				var buf bytes.Buffer
				if err := figs[name].WriteTo(&buf, format); err != nil {
					t.Fatal(err)
				}
				path := filepath.Join("testdata", name+"."+format)
				if *update {
					if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run go test -update to create it)", err)
				}
				if !bytes.Equal(buf.Bytes(), want) {
					got := filepath.Join(t.TempDir(), name+"."+format)
					os.WriteFile(got, buf.Bytes(), 0o644)
					t.Errorf("%s differs from golden file (%d vs %d bytes); got written to %s; run go test -update if the change is intended",
						path, buf.Len(), len(want), got)
				}
			})
		}
	}
}
