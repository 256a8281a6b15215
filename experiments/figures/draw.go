package figures

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"

	"github.com/raftsim/raftsim/experiments"
	"github.com/raftsim/raftsim/experiments/plots"
	"github.com/raftsim/raftsim/experiments/spec"
	"github.com/raftsim/raftsim/experiments/stats"
)

// PlotsDir is where Draw writes, under the results directory.
const PlotsDir = "plots"

// Draw draws every plot the spec declares from dir/trials.csv into dir/plots, as PNG, SVG and PDF
// (plots.Formats), and returns the paths written without their extension.
//
// A panel the results cannot fill (see PanelError) stops it with a *PanelError; the plots drawn before
// it are written. Once ctx is done it stops, between panels, within a few thousand rows of
// trials.csv or while a figure is encoded, with an error wrapping ctx's cause: the files of the plots
// written are whole and new, those of the others as they were (a plot's PNG, SVG and PDF are committed
// together, plots.Figure.Save).
func Draw(ctx context.Context, s *spec.Spec, dir string) ([]string, error) {
	if len(s.Plots) == 0 {
		return nil, nil
	}
	d, plan, err := loadTrials(ctx, s, dir)
	if err != nil {
		return nil, err
	}
	out := filepath.Join(dir, PlotsDir)
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, fmt.Errorf("figures: %w", err)
	}
	var written []string
	for i, p := range s.Plots {
		p = withTrials(p, plan.Trials)
		fig := plots.Figure{Title: p.Title, Width: vg.Length(p.Width) * vg.Inch, Height: vg.Length(p.Height) * vg.Inch, DPI: p.DPI}
		for r, row := range p.Rows {
			var cells []*plot.Plot
			for c, panel := range row {
				if ctx.Err() != nil {
					return written, interrupted(ctx)
				}
				made, err := drawPanel(d, plan, &panel, spec.PanelReferences(s, plan.Points, &panel))
				if err != nil {
					return written, panelError(p.Name, fmt.Sprintf("plots[%d].rows[%d][%d]", i, r, c), &panel, err)
				}
				cells = append(cells, made...)
			}
			fig.Rows = append(fig.Rows, cells)
		}
		// Figure wants rows of equal length: pad shorter rows with empty cells.
		width := 0
		for _, row := range fig.Rows {
			width = max(width, len(row))
		}
		for i := range fig.Rows {
			for len(fig.Rows[i]) < width {
				fig.Rows[i] = append(fig.Rows[i], nil)
			}
		}
		path := filepath.Join(out, p.Name)
		if err := fig.Save(ctx, path); err != nil {
			if ctx.Err() != nil {
				return written, interrupted(ctx)
			}
			return written, fmt.Errorf("figures: plot %q: %w", p.Name, err)
		}
		written = append(written, path)
	}
	return written, nil
}

// drawPanel returns the panel's plot, and for a heatmap its colour bar after it.
// refs are the reference rows a lines panel draws (spec.PanelReferences).
func drawPanel(d *trials, plan *experiments.Plan, p *spec.Panel, refs []spec.ReferenceRow) ([]*plot.Plot, error) {
	sel, err := d.where(p.Where)
	if err != nil {
		return nil, err
	}
	if len(sel) == 0 {
		return nil, errNoTrial
	}
	switch p.Kind {
	case spec.CDF:
		pl, err := cdfPanel(d, sel, p)
		return []*plot.Plot{pl}, err
	case spec.Lines:
		pl, err := linesPanel(d, plan, sel, p, refs)
		return []*plot.Plot{pl}, err
	case spec.Heatmap:
		heat, bar, err := heatmapPanel(d, sel, p)
		return []*plot.Plot{heat, bar}, err
	}
	return nil, fmt.Errorf("unknown panel kind %q", p.Kind)
}

func cdfPanel(d *trials, sel selection, p *spec.Panel) (*plot.Plot, error) {
	var series []plots.Series
	if p.Series == "" {
		xs, err := d.measure(sel, p.Measure)
		if err != nil {
			return nil, err
		}
		series = append(series, plots.Series{Label: measureLabel(p.Measure), Values: xs})
	} else {
		ax, err := d.axis(p.Series)
		if err != nil {
			return nil, err
		}
		by := d.split(sel, ax)
		for _, v := range d.values(sel, ax) {
			xs, err := d.measure(by[v], p.Measure)
			if err != nil {
				return nil, err
			}
			if len(xs) == 0 {
				continue
			}
			series = append(series, plots.Series{Label: valueLabel(p.Series, v), Values: xs, Style: d.style(ax, v)})
		}
	}
	o := plots.CDFOptions{Title: p.Title, XLabel: or(p.XLabel, measureLabel(p.Measure)), LogX: p.LogX}
	if p.XRange != nil {
		o.XMin, o.XMax = p.XRange.Min, p.XRange.Max
	}
	return plots.CDF(series, o)
}

func linesPanel(d *trials, plan *experiments.Plan, sel selection, p *spec.Panel, refs []spec.ReferenceRow) (*plot.Plot, error) {
	ax, err := d.axis(p.X)
	if err != nil {
		return nil, err
	}
	xvals := d.values(sel, ax)
	xs := make([]float64, len(xvals))
	for i, v := range xvals {
		if xs[i], err = number(v); err != nil {
			return nil, err
		}
	}
	order := make([]int, len(xvals))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmpFloat(xs[a], xs[b]) })

	type group struct {
		label   string
		sel     selection
		measure string
		style   int
	}
	var groups []group
	var defaultY string // the y axis's label when the legend leaves out what the lines share
	switch {
	case len(p.Measures) > 0:
		labels := make([]string, len(p.Measures))
		for i, m := range p.Measures {
			labels[i] = measureLabel(m)
		}
		// "commit latency p50 (ms)", "… p90 (ms)": the legend says p50, p90; the y axis the rest.
		prefix, suffix, short := commonWords(labels)
		if prefix != "" || suffix != "" {
			defaultY = strings.TrimSpace(prefix + " " + suffix)
		}
		for i, m := range p.Measures {
			groups = append(groups, group{short[i], sel, m, 0})
		}
	case p.Series != "":
		sa, err := d.axis(p.Series)
		if err != nil {
			return nil, err
		}
		by := d.split(sel, sa)
		for _, v := range d.values(sel, sa) {
			groups = append(groups, group{valueLabel(p.Series, v), by[v], p.Measure, d.style(sa, v)})
		}
	case len(p.Predictions) > 0:
		// Beside a prediction, the measured line is "measured"; the y axis names the measure.
		groups = append(groups, group{"measured", sel, p.Measure, 0})
	default:
		groups = append(groups, group{measureLabel(p.Measure), sel, p.Measure, 0})
	}
	band := p.Error != "none" && (p.Stat == "" || p.Stat == "mean")
	var lines []plots.Line
	for _, g := range groups {
		l := plots.Line{Label: g.label, Style: g.style}
		if band {
			l.Lo, l.Hi = []float64{}, []float64{}
		}
		byX := d.split(g.sel, ax)
		for _, i := range order {
			vals, err := d.measure(byX[xvals[i]], g.measure)
			if err != nil {
				return nil, err
			}
			y := stat(vals, p.Stat)
			l.X = append(l.X, xs[i])
			l.Y = append(l.Y, y)
			if band {
				ci := stats.Summarize(vals).CI95 // NaN for fewer than two trials: no band there
				l.Lo, l.Hi = append(l.Lo, y-ci), append(l.Hi, y+ci)
			}
		}
		lines = append(lines, l)
	}
	for _, pr := range p.Predictions {
		l, err := prediction(d, plan, sel, ax, xvals, order, pr)
		if err != nil {
			return nil, err
		}
		lines = append(lines, l)
	}
	ylabel := p.YLabel
	switch {
	case ylabel != "":
	case defaultY != "":
		ylabel = defaultY
	case len(p.Measures) > 0:
		ylabel = unitOf(p.Measures)
	default:
		ylabel = measureLabel(p.Measure)
	}
	o := plots.LinesOptions{Title: p.Title, XLabel: or(p.XLabel, axisLabel(p.X)), YLabel: ylabel,
		ErrorBars: p.Error == "bars", LogY: p.LogY}
	if p.YRange != nil {
		o.YMin, o.YMax = p.YRange.Min, p.YRange.Max
	}
	for _, r := range refs {
		o.Refs = append(o.Refs, refLine(r))
	}
	return plots.Lines(lines, o)
}

// refLine draws a published value: "paper: median 287 ms (±10%)", with the band for an exact value
// and the bare line for a bound.
func refLine(r spec.ReferenceRow) plots.RefLine {
	l := plots.RefLine{Y: r.Paper, Lo: r.Paper, Hi: r.Paper}
	bound := ""
	switch r.Bound {
	case ">", "<":
		bound = r.Bound + " "
	default:
		l.Lo, l.Hi = r.Paper*(1-spec.ReferenceTolerance), r.Paper*(1+spec.ReferenceTolerance)
	}
	l.Label = fmt.Sprintf("paper: %s %s%s ms", statNames[r.Stat], bound, trim(r.Paper))
	if l.Lo < l.Hi {
		l.Label += fmt.Sprintf(" (±%.0f%%)", 100*spec.ReferenceTolerance)
	}
	return l
}

// prediction computes a modelled curve over the panel's x values.
func prediction(d *trials, plan *experiments.Plan, sel selection, ax int, xvals []string, order []int, pr spec.Prediction) (plots.Line, error) {
	l := plots.Line{Label: pr.Label}
	switch pr.Kind {
	case "binomial":
		configs := map[string]*experiments.Point{}
		for i := range plan.Points {
			configs[plan.Points[i].Key()] = &plan.Points[i]
		}
		byX := d.split(sel, ax)
		for _, i := range order {
			rows := byX[xvals[i]]
			pt := configs[d.key(rows[0])]
			if pt == nil {
				return l, fmt.Errorf("prediction %s: no point %q in the spec's plan", pr.Kind, d.key(rows[0]))
			}
			cr := pt.Config.CrashRecovery
			if cr == nil {
				return l, fmt.Errorf("prediction %s: point %q has no crash_recovery", pr.Kind, pt.Key())
			}
			mttf, mttr := float64(cr.MTTF.Mean()), float64(cr.MTTR.Mean())
			n := pt.Config.Nodes
			l.X = append(l.X, float64(n))
			l.Y = append(l.Y, majorityUp(n, mttf/(mttf+mttr)))
		}
		return l, nil
	}
	return l, fmt.Errorf("unknown prediction %q", pr.Kind)
}

// majorityUp is P(at least floor(n/2)+1 of n independent nodes are up), each up with probability p.
func majorityUp(n int, p float64) float64 {
	total := 0.0
	for k := n/2 + 1; k <= n; k++ {
		total += binom(n, k) * math.Pow(p, float64(k)) * math.Pow(1-p, float64(n-k))
	}
	return total
}

func binom(n, k int) float64 {
	r := 1.0
	for i := 1; i <= k; i++ {
		r = r * float64(n-k+i) / float64(i)
	}
	return r
}

// key returns the point key of a row, as experiments.Point.Key writes it.
func (d *trials) key(r int) string {
	pt := experiments.Point{}
	for i, a := range d.axes {
		pt.Coords = append(pt.Coords, experiments.Coord{Axis: a, Value: d.rows[r].coords[i]})
	}
	return pt.Key()
}

func heatmapPanel(d *trials, sel selection, p *spec.Panel) (*plot.Plot, *plot.Plot, error) {
	xa, err := d.axis(p.X)
	if err != nil {
		return nil, nil, err
	}
	ya, err := d.axis(p.Y)
	if err != nil {
		return nil, nil, err
	}
	xvals, yvals := d.values(sel, xa), d.values(sel, ya)
	xs, xo, err := sortedNumbers(xvals)
	if err != nil {
		return nil, nil, err
	}
	ys, yo, err := sortedNumbers(yvals)
	if err != nil {
		return nil, nil, err
	}
	g := plots.Grid{X: xs, Y: ys, Z: make([][]float64, len(ys))}
	var unswept, undefined bool // cells that are no point of the sweep, and points whose stat is NaN
	byY := d.split(sel, ya)
	for i, yi := range yo {
		g.Z[i] = make([]float64, len(xs))
		row := d.split(byY[yvals[yi]], xa)
		for j, xj := range xo {
			cell := row[xvals[xj]]
			g.Z[i][j] = math.NaN()
			if len(cell) == 0 {
				unswept = true
				continue
			}
			vals, err := d.measure(cell, p.Measure)
			if err != nil {
				return nil, nil, err
			}
			g.Z[i][j] = stat(vals, p.Stat)
			undefined = undefined || math.IsNaN(g.Z[i][j])
		}
	}
	o := plots.HeatmapOptions{Title: p.Title, XLabel: or(p.XLabel, axisLabel(p.X)), YLabel: or(p.YLabel, axisLabel(p.Y)),
		ZLabel: or(p.ZLabel, measureLabel(p.Measure)), Annotate: p.Annotate}
	switch {
	case unswept && undefined:
		o.MissingLabel = "not in the sweep, or no value"
	case unswept:
		o.MissingLabel = "not in the sweep"
	case undefined:
		o.MissingLabel = "no value"
	}
	if p.ZRange != nil {
		o.ZMin, o.ZMax = p.ZRange.Min, p.ZRange.Max
	}
	lo, hi := xs[0]-0.5, xs[len(xs)-1]+0.5
	for _, ov := range p.Overlays {
		o.Overlays = append(o.Overlays, plots.Overlay{Label: ov.Label, Dashed: ov.Dashed,
			X: []float64{lo, hi}, Y: []float64{ov.Slope*lo + ov.Intercept, ov.Slope*hi + ov.Intercept}})
	}
	return plots.Heatmap(g, o)
}

// sortedNumbers parses axis values as numbers and returns them ascending with the order of the
// original positions.
func sortedNumbers(vals []string) ([]float64, []int, error) {
	xs := make([]float64, len(vals))
	for i, v := range vals {
		x, err := number(v)
		if err != nil {
			return nil, nil, err
		}
		xs[i] = x
	}
	order := make([]int, len(vals))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmpFloat(xs[a], xs[b]) })
	sorted := make([]float64, len(vals))
	for i, k := range order {
		sorted[i] = xs[k]
	}
	return sorted, order, nil
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// commonWords returns the whole words that every label starts with and ends with, and the labels
// without them; if that would leave a label empty, nothing is taken out.
func commonWords(labels []string) (prefix, suffix string, rest []string) {
	if len(labels) < 2 {
		return "", "", labels
	}
	words := make([][]string, len(labels))
	for i, l := range labels {
		words[i] = strings.Fields(l)
	}
	shortest := slices.MinFunc(words, func(a, b []string) int { return len(a) - len(b) })
	pre := 0
	for pre < len(shortest) && all(words, func(w []string) bool { return w[pre] == words[0][pre] }) {
		pre++
	}
	suf := 0
	for suf < len(shortest)-pre && all(words, func(w []string) bool { return w[len(w)-1-suf] == words[0][len(words[0])-1-suf] }) {
		suf++
	}
	if pre+suf >= len(shortest) {
		return "", "", labels
	}
	rest = make([]string, len(labels))
	for i, w := range words {
		rest[i] = strings.Join(w[pre:len(w)-suf], " ")
	}
	trim := func(s string) string { return strings.Trim(s, ",;:") }
	return trim(strings.Join(words[0][:pre], " ")), trim(strings.Join(words[0][len(words[0])-suf:], " ")), rest
}

func all[T any](xs []T, f func(T) bool) bool {
	for _, x := range xs {
		if !f(x) {
			return false
		}
	}
	return true
}

// unitOf names the y axis of several measures drawn together by their shared unit.
func unitOf(ms []string) string {
	unit := ""
	for _, m := range ms {
		u := "value"
		switch {
		case len(m) > 3 && m[len(m)-3:] == "_ms":
			u = "ms"
		case len(m) > 7 && m[len(m)-7:] == "_per_op":
			u = "per write"
			if len(m) > 12 && m[len(m)-12:] == "bytes_per_op" {
				u = "bytes per write"
			}
		}
		if unit != "" && unit != u {
			return "value"
		}
		unit = u
	}
	return unit
}

// TrialsPlaceholder, in a plot's title or a panel's title or labels, stands for the number of trials per
// point the results hold, so that a figure says how many trials it shows whatever --trials gave.
const TrialsPlaceholder = "{trials}"

// withTrials returns p with TrialsPlaceholder replaced by trials in every text it draws.
func withTrials(p spec.Plot, trials int) spec.Plot {
	n := fmt.Sprint(trials)
	sub := func(s string) string { return strings.ReplaceAll(s, TrialsPlaceholder, n) }
	p.Title = sub(p.Title)
	rows := make([][]spec.Panel, len(p.Rows))
	for i, row := range p.Rows {
		rows[i] = make([]spec.Panel, len(row))
		for j, pn := range row {
			pn.Title, pn.XLabel, pn.YLabel, pn.ZLabel = sub(pn.Title), sub(pn.XLabel), sub(pn.YLabel), sub(pn.ZLabel)
			pn.Overlays = slices.Clone(pn.Overlays)
			for k := range pn.Overlays {
				pn.Overlays[k].Label = sub(pn.Overlays[k].Label)
			}
			pn.Predictions = slices.Clone(pn.Predictions)
			for k := range pn.Predictions {
				pn.Predictions[k].Label = sub(pn.Predictions[k].Label)
			}
			rows[i][j] = pn
		}
	}
	p.Rows = rows
	return p
}
