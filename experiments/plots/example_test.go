package plots_test

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"

	"github.com/raftsim/raftsim/experiments/plots"
)

// A heatmap of availability over cluster size n and fault count f, with
// the majority boundary n = 2f+1 drawn over it along the cell edges and
// the colour bar in its own narrow column.
func ExampleHeatmap() {
	g := plots.Grid{X: []float64{3, 4, 5, 6, 7}, Y: []float64{0, 1, 2, 3}}
	for _, f := range g.Y {
		row := make([]float64, len(g.X))
		for j, n := range g.X {
			switch {
			case f >= n:
				row[j] = math.NaN() // not applicable
			case 2*f < n:
				row[j] = 0.999
			default:
				row[j] = 0.02
			}
		}
		g.Z = append(g.Z, row)
	}
	zero, one := 0.0, 1.0
	heat, bar, err := plots.Heatmap(g, plots.HeatmapOptions{
		XLabel: "cluster size n", YLabel: "faults f", ZLabel: "availability",
		ZMin: &zero, ZMax: &one, Annotate: true, MissingLabel: "no cluster (f >= n)",
		Overlays: []plots.Overlay{{Label: "n = 2f+1", X: []float64{2, 8}, Y: []float64{0.5, 3.5}, Dashed: true}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fig := plots.Figure{Rows: [][]*plot.Plot{{heat, bar}}, Width: 4 * vg.Inch, Height: 3 * vg.Inch}
	var svg bytes.Buffer
	if err := fig.WriteTo(&svg, "svg"); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(strings.Contains(svg.String(), `width="288pt" height="216pt"`))
	// Output: true
}

// Empirical CDFs of commit latency on a log axis, saved as PNG, SVG and PDF.
func ExampleCDF() {
	p, err := plots.CDF([]plots.Series{
		{Label: "n = 3", Values: []float64{1.2, 1.9, 2.4, 3.1, 8.5}},
		{Label: "n = 5", Values: []float64{2.2, 2.8, 3.9, 5.1, 19}},
	}, plots.CDFOptions{Title: "Commit latency", XLabel: "latency (ms)", LogX: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	dir, err := os.MkdirTemp("", "plots-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	if err := (plots.Figure{Rows: [][]*plot.Plot{{p}}}).Save(context.Background(), filepath.Join(dir, "latency")); err != nil {
		fmt.Println(err)
		return
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		fmt.Println(e.Name())
	}
	// Output:
	// latency.pdf
	// latency.png
	// latency.svg
}

// Lines validates its input and reports problems as errors.
func ExampleLines() {
	_, err := plots.Lines([]plots.Line{{
		Label: "f = 1",
		X:     []float64{3, 5, 7},
		Y:     []float64{0.99, 0.995, 0.997},
		Lo:    []float64{0.98, 0.999, 0.99}, // second point has lo > hi
		Hi:    []float64{0.995, 0.997, 1},
	}}, plots.LinesOptions{XLabel: "cluster size n", YLabel: "availability"})
	fmt.Println(err)
	// Output:
	// plots: lines: line 0 ("f = 1") point 1: lo 0.999 > hi 0.997
}
