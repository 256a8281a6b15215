package spec

import (
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
	"gonum.org/v1/plot/vg"

	"github.com/raftsim/raftsim/experiments"
	"github.com/raftsim/raftsim/experiments/measure"
	"github.com/raftsim/raftsim/experiments/plots"
	"github.com/raftsim/raftsim/models/latency"
)

// Plot is one figure, drawn from the result files into plots/NAME.png, .svg and .pdf.
type Plot struct {
	Name          string
	Title         string
	Width, Height float64 // inches, 1 to plots.MaxInches; 0 leaves the size to the layout
	DPI           int     // PNG resolution, plots.MinDPI to plots.MaxDPI; 0 is plots.DefaultDPI
	Rows          [][]Panel
}

// PanelKind is what a panel draws.
type PanelKind string

// The kinds of panel.
const (
	// CDF draws the empirical CDF of a measure over the trials, one curve per value of Series.
	CDF PanelKind = "cdf"
	// Lines draws a statistic of a measure against the X axis, one line per value of Series or per
	// measure of Measures.
	Lines PanelKind = "lines"
	// Heatmap draws a statistic of a measure over the grid of the X and Y axes.
	Heatmap PanelKind = "heatmap"
)

// Panel is one plot of a figure. Which fields apply depends on Kind; Parse rejects the others.
type Panel struct {
	Kind  PanelKind
	Title string

	Measure  string   // the measure drawn (cdf, heatmap; lines unless Measures is set)
	Measures []string // lines: one line per measure, instead of Measure and Series
	Series   string   // cdf, lines: one curve per value of this axis; "" for one curve
	X, Y     string   // lines: X; heatmap: X and Y. Axes whose values are numbers.
	// Where keeps only the points whose coordinates are among these values, one filter per axis in
	// axis order, values in the order the sweep meets them.
	Where []Filter
	Stat  string // lines, heatmap: mean, p50, p90, p99, p999, min or max of the trials at a point
	Error string // lines: band or bars (the CI95 of the mean), or none

	LogX, LogY             bool   // cdf: LogX; lines: LogY
	XLabel, YLabel, ZLabel string // empty: the drawer names the axis
	// XRange (cdf), YRange (lines) and ZRange (heatmap colour scale) fix an axis's extent.
	XRange, YRange, ZRange *Span

	Annotate    bool         // heatmap: print each cell's value
	Overlays    []Overlay    // heatmap: straight lines over the cells
	Predictions []Prediction // lines: computed curves drawn with the data
	// Reference (lines): draw the spec's reference rows that apply to the panel — at the one value of
	// the reference's axis the panel keeps, of the panel's measure and statistic — as horizontal
	// lines with a band of ±ReferenceTolerance around them.
	Reference bool
}

// ReferenceTolerance is the relative band drawn around a published value on a lines panel, and the
// one comparison.md uses to list the settings consistent with it: ±10%. It is a reading aid, not a
// statistical test; the comparison files give the ratios themselves.
const ReferenceTolerance = 0.1

// Filter restricts a panel to some values of an axis.
type Filter struct {
	Axis   string
	Values []string // canonical
}

// Span is an axis extent. A nil end is automatic (fitted to the data); a non-nil one, 0 included, is
// the axis's end exactly.
type Span struct{ Min, Max *float64 }

// Overlay is the line y = Slope*x + Intercept, in the units of the heatmap's axes.
type Overlay struct {
	Label            string
	Slope, Intercept float64
	Dashed           bool
}

// Prediction is a curve computed rather than measured.
type Prediction struct {
	// Kind is the model. "binomial": P(at least floor(n/2)+1 of n nodes up) with each node up with
	// probability p = mean(MTTF)/(mean(MTTF)+mean(MTTR)), X being the nodes axis and crash_recovery
	// the same at every point of the panel.
	Kind  string
	Label string
}

// Reference is published results to compare the experiment's with.
type Reference struct {
	Source  string // the publication
	Axis    string // the axis whose values the rows are at
	Measure string
	Rows    []ReferenceRow
}

// ReferenceRow is one published figure.
type ReferenceRow struct {
	Value string  // a value of the reference's axis, canonical
	Stat  string  // which statistic of the measure at that value (as Panel.Stat)
	Paper float64 // the published number
	// Bound says what the paper claims: "=" the value is Paper, ">" it is more than Paper, "<" less.
	Bound string
	Quote string // the paper's words
}

// Stats are the statistics a panel or a reference row may name.
var Stats = []string{"mean", "p50", "p90", "p99", "p999", "min", "max"}

var (
	plotFields  = []string{"name", "title", "width", "height", "dpi", "rows"}
	panelFields = map[PanelKind][]string{
		CDF:     {"kind", "title", "measure", "series", "where", "log_x", "xlabel", "x_range"},
		Lines:   {"kind", "title", "measure", "measures", "series", "x", "where", "stat", "error", "log_y", "xlabel", "ylabel", "y_range", "predictions", "reference"},
		Heatmap: {"kind", "title", "measure", "x", "y", "where", "stat", "xlabel", "ylabel", "zlabel", "z_range", "annotate", "overlays"},
	}
	allPanelFields = func() []string {
		var all []string
		for _, k := range []PanelKind{CDF, Lines, Heatmap} {
			for _, f := range panelFields[k] {
				if !slices.Contains(all, f) {
					all = append(all, f)
				}
			}
		}
		return all
	}()
)

// plots reads the plots section of s, whose plan is pl.
func (pc *parseCtx) plots(n *yaml.Node, p pos, s *Spec, pl *planned) ([]Plot, error) {
	d := pc.d
	var out []Plot
	err := d.seq(n, p, func(k int, item *yaml.Node, p pos) error {
		var pt Plot
		var hasRows bool
		at := map[string]pos{}
		err := d.fields(item, p, func(key string, v *yaml.Node, p pos) error {
			at[key] = p
			var err error
			switch key {
			case "name":
				if pt.Name, err = d.name(v, p); err == nil {
					for j, o := range out {
						if o.Name == pt.Name {
							return d.errorf(p, "%s is already plots[%d]", pt.Name, j)
						}
					}
				}
			case "title":
				pt.Title, err = d.str(v, p)
			case "width":
				pt.Width, err = pc.size(v, p)
			case "height":
				pt.Height, err = pc.size(v, p)
			case "dpi":
				var x int64
				if x, err = d.int(v, p); err == nil && (x < plots.MinDPI || x > plots.MaxDPI) {
					err = d.errorf(p, "%d: want %d to %d dots per inch", x, plots.MinDPI, plots.MaxDPI)
				}
				pt.DPI = int(x)
			case "rows":
				hasRows = true
				err = d.seq(v, p, func(r int, row *yaml.Node, p pos) error {
					var panels []Panel
					err := d.seq(row, p, func(c int, cell *yaml.Node, p pos) error {
						if pc.panelPos == nil {
							pc.panelPos = map[[3]int]pos{}
						}
						pc.panelPos[[3]int{k, r, c}] = p
						pn, err := pc.panel(cell, p, s, pl)
						panels = append(panels, pn)
						return err
					})
					if err == nil && len(panels) == 0 {
						err = d.errorf(p, "empty row")
					}
					pt.Rows = append(pt.Rows, panels)
					return err
				})
				if err == nil && len(pt.Rows) == 0 {
					err = d.errorf(p, "empty: a plot needs at least one row of panels")
				}
			default:
				err = d.unknown(p, plotFields)
			}
			return err
		})
		switch {
		case err != nil:
			return err
		case pt.Name == "":
			return d.errorf(p, "name: required")
		case !hasRows:
			return d.errorf(p, "rows: required")
		}
		if err := pc.checkSize(&pt, p, at); err != nil {
			return err
		}
		out = append(out, pt)
		return nil
	})
	return out, err
}

func (pc *parseCtx) size(n *yaml.Node, p pos) (float64, error) {
	x, err := pc.d.float(n, p)
	if err == nil && (x < 1 || x > plots.MaxInches) {
		err = pc.d.errorf(p, "%s: want inches, from 1 to %d", fmtFloat(x), plots.MaxInches)
	}
	return x, err
}

// checkSize checks the figure's size as drawn, the layout's default where width or height is left
// out, and its PNG's pixels, against the bounds of package plots: the error names the field that
// makes the figure too large.
func (pc *parseCtx) checkSize(pt *Plot, p pos, at map[string]pos) error {
	var cells [][]bool // as figures.Draw lays the panels out: a heatmap is a panel and its colour bar
	for _, row := range pt.Rows {
		var r []bool
		for _, pn := range row {
			r = append(r, false)
			if pn.Kind == Heatmap {
				r = append(r, true)
			}
		}
		cells = append(cells, r)
	}
	dw, dh := plots.DefaultSize(cells, pt.Title != "")
	w, h := pt.Width, pt.Height
	if w == 0 {
		w = float64(dw / vg.Inch)
		if w > plots.MaxInches {
			return pc.d.errorf(at["rows"], "the default width for these panels is %.3g in, more than %d: give width", w, plots.MaxInches)
		}
	}
	if h == 0 {
		h = float64(dh / vg.Inch)
		if h > plots.MaxInches {
			return pc.d.errorf(at["rows"], "the default height for these rows is %.3g in, more than %d: give height", h, plots.MaxInches)
		}
	}
	dpi := pt.DPI
	if dpi == 0 {
		dpi = plots.DefaultDPI
	}
	if mp := w * h * float64(dpi) * float64(dpi) / 1e6; mp > plots.MaxMegapixels {
		field := "dpi"
		switch {
		case pt.DPI != 0:
		case pt.Width != 0:
			field = "width"
		case pt.Height != 0:
			field = "height"
		default:
			field = "rows"
		}
		return pc.d.errorf(at[field], "%.3g x %.3g in at %d dpi is a PNG of %.1f megapixels, more than %d: lower dpi or the size (the PDF and SVG do not depend on dpi)",
			w, h, dpi, mp, plots.MaxMegapixels)
	}
	return nil
}

// panel reads and checks one panel.
func (pc *parseCtx) panel(n *yaml.Node, p pos, s *Spec, pl *planned) (Panel, error) {
	d := pc.d
	var pn Panel
	// The kind decides which fields apply, so read it first.
	if r := d.resolve(n); r.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(r.Content); i += 2 {
			if k := d.resolve(r.Content[i]); k.Value == "kind" {
				kp := pos{k.Line, join(p.path, "kind")}
				s, err := d.str(r.Content[i+1], kp)
				if err != nil {
					return pn, err
				}
				pn.Kind = PanelKind(s)
				if _, ok := panelFields[pn.Kind]; !ok {
					return pn, d.errorf(kp, "%q: want cdf, lines or heatmap", s)
				}
			}
		}
		if pn.Kind == "" {
			return pn, d.errorf(p, "kind: required (cdf, lines or heatmap)")
		}
	}
	at := map[string]pos{}
	var whereNode *yaml.Node
	err := d.fields(n, p, func(key string, v *yaml.Node, p pos) error {
		at[key] = p
		if !slices.Contains(panelFields[pn.Kind], key) {
			if slices.Contains(allPanelFields, key) {
				return d.errorf(p, "not used by a %s panel (want %s)", pn.Kind, strings.Join(panelFields[pn.Kind], ", "))
			}
			return d.unknown(p, panelFields[pn.Kind])
		}
		var err error
		switch key {
		case "kind":
		case "title":
			pn.Title, err = d.str(v, p)
		case "measure":
			pn.Measure, err = pc.measure(v, p)
		case "measures":
			err = d.seq(v, p, func(_ int, item *yaml.Node, p pos) error {
				m, err := pc.measure(item, p)
				if err == nil && slices.Contains(pn.Measures, m) {
					err = d.errorf(p, "%s is listed twice", m)
				}
				pn.Measures = append(pn.Measures, m)
				return err
			})
			if err == nil && len(pn.Measures) == 0 {
				err = d.errorf(p, "empty: want at least one measure")
			}
		case "series":
			pn.Series, err = pc.axisRef(v, p, s, false)
		case "x":
			pn.X, err = pc.axisRef(v, p, s, true)
		case "y":
			pn.Y, err = pc.axisRef(v, p, s, true)
		case "where":
			whereNode = v // read once the axes are known
		case "stat":
			pn.Stat, err = pc.oneOf(v, p, Stats)
		case "error":
			pn.Error, err = pc.oneOf(v, p, []string{"band", "bars", "none"})
		case "log_x":
			pn.LogX, err = d.bool(v, p)
		case "log_y":
			pn.LogY, err = d.bool(v, p)
		case "xlabel":
			pn.XLabel, err = d.str(v, p)
		case "ylabel":
			pn.YLabel, err = d.str(v, p)
		case "zlabel":
			pn.ZLabel, err = d.str(v, p)
		case "x_range":
			pn.XRange, err = pc.span(v, p)
		case "y_range":
			pn.YRange, err = pc.span(v, p)
		case "z_range":
			pn.ZRange, err = pc.span(v, p)
		case "annotate":
			pn.Annotate, err = d.bool(v, p)
		case "overlays":
			err = d.seq(v, p, func(_ int, item *yaml.Node, p pos) error {
				o, err := pc.overlay(item, p)
				pn.Overlays = append(pn.Overlays, o)
				return err
			})
		case "reference":
			pn.Reference, err = d.bool(v, p)
		case "predictions":
			err = d.seq(v, p, func(_ int, item *yaml.Node, p pos) error {
				pr, err := pc.prediction(item, p)
				pn.Predictions = append(pn.Predictions, pr)
				return err
			})
		}
		return err
	})
	if err != nil {
		return pn, err
	}
	if whereNode != nil {
		if pn.Where, err = pc.where(whereNode, at["where"], s, pl); err != nil {
			return pn, err
		}
	}
	return pn, pc.checkPanel(&pn, p, at, s, pl)
}

func (pc *parseCtx) oneOf(n *yaml.Node, p pos, want []string) (string, error) {
	s, err := pc.d.str(n, p)
	if err == nil && !slices.Contains(want, s) {
		err = pc.d.errorf(p, "%q: want %s", s, strings.Join(want, ", "))
	}
	return s, err
}

func (pc *parseCtx) measure(n *yaml.Node, p pos) (string, error) {
	s, err := pc.d.str(n, p)
	if err == nil && measure.Index(s) < 0 {
		err = pc.d.errorf(p, "unknown measure %q (see experiments/measure: %s, …)", s, strings.Join(measure.Names[:6], ", "))
	}
	return s, err
}

// axisRef reads an axis name; numeric asks for an axis whose values are numbers (a plot coordinate).
func (pc *parseCtx) axisRef(n *yaml.Node, p pos, s *Spec, numeric bool) (string, error) {
	name, err := pc.d.str(n, p)
	if err != nil {
		return "", err
	}
	i := slices.IndexFunc(s.Axes, func(a Axis) bool { return a.Name == name })
	if i < 0 {
		names := make([]string, len(s.Axes))
		for j, a := range s.Axes {
			names[j] = a.Name
		}
		if len(names) == 0 {
			return "", pc.d.errorf(p, "%s is not an axis: the spec has none", name)
		}
		return "", pc.d.errorf(p, "%s is not an axis (want %s)", name, strings.Join(names, ", "))
	}
	if numeric {
		if ax := &s.Axes[i]; ax.Param == "" || !registry[byName[ax.Param]].Kind.numeric() && !constLatencies(ax) {
			return "", pc.d.errorf(p, "%s is not a numeric axis: a plot coordinate must be an integer, number or duration (or a latency spec whose every value is a constant)", name)
		}
	}
	return name, nil
}

// constLatencies reports whether ax lists latency specs that are all constants ("const:2ms"), which a
// plot draws as their durations: the fsync axis of fig16-sensitivity.
func constLatencies(ax *Axis) bool {
	if ax.Param == "" || len(ax.Values) == 0 {
		return false
	}
	for _, v := range ax.Values {
		d, err := latency.Parse(v)
		if err != nil || !d.IsConst() {
			return false
		}
	}
	return true
}

// checkReferences checks, once the reference is read, that every lines panel asking for it has a
// reference row to draw.
func (pc *parseCtx) checkReferences(s *Spec, pl *planned) error {
	for k, pt := range s.Plots {
		for r, row := range pt.Rows {
			for c := range row {
				pn := &row[c]
				if !pn.Reference {
					continue
				}
				at := pc.panelPos[[3]int{k, r, c}]
				if s.Reference == nil {
					return pc.d.errorf(at, "the spec has no reference: section to draw")
				}
				if len(PanelReferences(s, pl.points, pn)) == 0 {
					return pc.d.errorf(at, "no row of reference: applies: want a row at the one value of %s the panel keeps, of measure %s and stat %s",
						s.Reference.Axis, s.Reference.Measure, pn.Stat)
				}
			}
		}
	}
	return nil
}

// PanelReferences returns the reference rows a lines panel with Reference draws: those of the panel's
// measure and statistic at the value of the reference's axis the panel keeps, when it keeps exactly
// one (points are the sweep's).
func PanelReferences(s *Spec, points []experiments.Point, pn *Panel) []ReferenceRow {
	ref := s.Reference
	if ref == nil || !pn.Reference || pn.Kind != Lines || ref.Measure != pn.Measure {
		return nil
	}
	ai := slices.IndexFunc(s.Axes, func(a Axis) bool { return a.Name == ref.Axis })
	if ai < 0 || ref.Axis == pn.X || ref.Axis == pn.Series {
		return nil
	}
	var vals []string
	for i := range points {
		if matches(&points[i], pn.Where) && !slices.Contains(vals, points[i].Coords[ai].Value) {
			vals = append(vals, points[i].Coords[ai].Value)
		}
	}
	if len(vals) != 1 {
		return nil
	}
	var out []ReferenceRow
	for _, row := range ref.Rows {
		if row.Value == vals[0] && row.Stat == pn.Stat {
			out = append(out, row)
		}
	}
	return out
}

// axisValue reads a value of axis i as the axis's parameter does (a variant's name for a variant
// axis) and checks that the sweep gives it.
func (pc *parseCtx) axisValue(n *yaml.Node, p pos, s *Spec, pl *planned, i int) (string, error) {
	ax := &s.Axes[i]
	var v string
	var err error
	if ax.Param == "" {
		v, err = pc.d.str(n, p)
	} else {
		v, err = registry[byName[ax.Param]].parse(pc, n, p)
	}
	if err != nil {
		return "", err
	}
	if !slices.Contains(pl.values[i], v) {
		return "", pc.d.errorf(p, "%s is not a value of axis %s (%s)", v, ax.Name, listValues(pl.values[i]))
	}
	return v, nil
}

// listValues shortens a list of values for a message.
func listValues(vs []string) string {
	if len(vs) > 8 {
		return strings.Join(vs[:4], ", ") + ", …, " + strings.Join(vs[len(vs)-2:], ", ")
	}
	return strings.Join(vs, ", ")
}

// where reads a panel's filters: axis -> a value or a list of them.
func (pc *parseCtx) where(n *yaml.Node, p pos, s *Spec, pl *planned) ([]Filter, error) {
	d := pc.d
	got := map[int][]string{}
	err := d.fields(n, p, func(key string, v *yaml.Node, p pos) error {
		name, err := pc.axisRef(&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}, p, s, false)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(s.Axes, func(a Axis) bool { return a.Name == name })
		var vals []string
		err = d.items(v, p, func(_ int, item *yaml.Node, p pos) error {
			x, err := pc.axisValue(item, p, s, pl, i)
			if err == nil && slices.Contains(vals, x) {
				err = d.errorf(p, "%s is listed twice", x)
			}
			vals = append(vals, x)
			return err
		})
		if err == nil && len(vals) == 0 {
			err = d.errorf(p, "empty: want at least one value")
		}
		got[i] = vals
		return err
	})
	if err != nil {
		return nil, err
	}
	var out []Filter
	for i := range s.Axes {
		if vals, ok := got[i]; ok {
			var ordered []string
			for _, v := range pl.values[i] {
				if slices.Contains(vals, v) {
					ordered = append(ordered, v)
				}
			}
			out = append(out, Filter{Axis: s.Axes[i].Name, Values: ordered})
		}
	}
	return out, nil
}

// span reads [MIN, MAX], either end null for automatic; null for the whole is no span.
func (pc *parseCtx) span(n *yaml.Node, p pos) (*Span, error) {
	if pc.d.isNull(n) {
		return nil, nil
	}
	var ends []*float64
	err := pc.d.seq(n, p, func(_ int, item *yaml.Node, p pos) error {
		if pc.d.isNull(item) {
			ends = append(ends, nil)
			return nil
		}
		x, err := pc.d.float(item, p)
		ends = append(ends, &x)
		return err
	})
	switch {
	case err != nil:
		return nil, err
	case len(ends) != 2:
		return nil, pc.d.errorf(p, "want [MIN, MAX] (null for an automatic end), got %d items", len(ends))
	case ends[0] == nil && ends[1] == nil:
		return nil, nil
	case ends[0] != nil && ends[1] != nil && *ends[0] >= *ends[1]:
		return nil, pc.d.errorf(p, "min %s is not below max %s", fmtFloat(*ends[0]), fmtFloat(*ends[1]))
	}
	return &Span{ends[0], ends[1]}, nil
}

func (pc *parseCtx) overlay(n *yaml.Node, p pos) (Overlay, error) {
	d := pc.d
	var o Overlay
	var hasSlope bool
	err := d.fields(n, p, func(key string, v *yaml.Node, p pos) error {
		var err error
		switch key {
		case "label":
			o.Label, err = d.str(v, p)
		case "slope":
			o.Slope, err = d.float(v, p)
			hasSlope = true
		case "intercept":
			o.Intercept, err = d.float(v, p)
		case "dashed":
			o.Dashed, err = d.bool(v, p)
		default:
			err = d.unknown(p, []string{"label", "slope", "intercept", "dashed"})
		}
		return err
	})
	if err == nil && !hasSlope {
		err = d.errorf(p, "slope: required")
	}
	return o, err
}

func (pc *parseCtx) prediction(n *yaml.Node, p pos) (Prediction, error) {
	d := pc.d
	var pr Prediction
	err := d.fields(n, p, func(key string, v *yaml.Node, p pos) error {
		var err error
		switch key {
		case "kind":
			pr.Kind, err = pc.oneOf(v, p, []string{"binomial"})
		case "label":
			pr.Label, err = d.str(v, p)
		default:
			err = d.unknown(p, []string{"kind", "label"})
		}
		return err
	})
	if err == nil && pr.Kind == "" {
		err = d.errorf(p, "kind: required (binomial)")
	}
	if pr.Label == "" {
		pr.Label = "binomial P(majority up)"
	}
	return pr, err
}

// checkPanel checks what a panel needs as a whole, and fills in its defaults.
func (pc *parseCtx) checkPanel(pn *Panel, p pos, at map[string]pos, s *Spec, pl *planned) error {
	d := pc.d
	need := func(field string) error {
		return d.errorf(p, "%s: required in a %s panel", field, pn.Kind)
	}
	switch pn.Kind {
	case CDF:
		if pn.Measure == "" {
			return need("measure")
		}
	case Lines:
		switch {
		case pn.X == "":
			return need("x")
		case pn.Measure == "" && pn.Measures == nil:
			return d.errorf(p, "measure or measures: required in a lines panel")
		case pn.Measure != "" && pn.Measures != nil:
			return d.errorf(at["measures"], "a lines panel takes measure (and series) or measures, not both")
		case pn.Measures != nil && pn.Series != "":
			return d.errorf(at["series"], "with measures, each measure is a series")
		}
		if pn.Stat == "" {
			pn.Stat = "mean"
		}
		if pn.Error == "" {
			pn.Error = "band"
			if pn.Stat != "mean" {
				pn.Error = "none"
			}
		}
		if pn.Error != "none" && pn.Stat != "mean" {
			return d.errorf(at["error"], "%s is the CI95 of the mean: it needs stat mean, not %s", pn.Error, pn.Stat)
		}
	case Heatmap:
		switch {
		case pn.X == "":
			return need("x")
		case pn.Y == "":
			return need("y")
		case pn.Measure == "":
			return need("measure")
		}
		if pn.Stat == "" {
			pn.Stat = "mean"
		}
	}
	for _, lg := range []struct {
		on    bool
		span  *Span
		field string
	}{{pn.LogX, pn.XRange, "x_range"}, {pn.LogY, pn.YRange, "y_range"}} {
		if lg.on && lg.span != nil && (lg.span.Min != nil && *lg.span.Min <= 0 || lg.span.Max != nil && *lg.span.Max <= 0) {
			return d.errorf(at[lg.field], "a logarithmic axis takes positive ends only")
		}
	}
	if pn.X != "" && (pn.X == pn.Y || pn.X == pn.Series) {
		k := "y"
		if pn.X == pn.Series {
			k = "series"
		}
		return d.errorf(at[k], "%s is already the panel's x", pn.X)
	}

	// The points the panel draws: every axis but its coordinates must be down to one value, or the
	// panel would pool points that differ in something the reader cannot see.
	var kept []*experiments.Point
	for i := range pl.points {
		if matches(&pl.points[i], pn.Where) {
			kept = append(kept, &pl.points[i])
		}
	}
	if len(kept) == 0 {
		return d.errorf(at["where"], "no point of the sweep matches")
	}
	for i, ax := range s.Axes {
		if ax.Name == pn.X || ax.Name == pn.Y || ax.Name == pn.Series {
			continue
		}
		var vals []string
		for _, pt := range kept {
			if v := pt.Coords[i].Value; !slices.Contains(vals, v) {
				vals = append(vals, v)
			}
		}
		if len(vals) > 1 {
			return d.errorf(p, "axis %s takes %d values here (%s): make it the panel's %s, or keep one with where",
				ax.Name, len(vals), listValues(vals), coordinateFields(pn.Kind))
		}
	}
	for k, pr := range pn.Predictions {
		pp := pos{at["predictions"].line, fmt.Sprintf("%s[%d]", at["predictions"].path, k)}
		if ax := s.Axes[slices.IndexFunc(s.Axes, func(a Axis) bool { return a.Name == pn.X })]; ax.Param != "nodes" {
			return d.errorf(pp, "%s needs x to be the nodes axis", pr.Kind)
		}
		var cr string
		for _, pt := range kept {
			c := pt.Config.CrashRecovery
			if c == nil {
				return d.errorf(pp, "%s needs crash_recovery at every point of the panel (%s has none)", pr.Kind, pt.Key())
			}
			text := "mttf=" + c.MTTF.String() + ",mttr=" + c.MTTR.String()
			if cr != "" && text != cr {
				return d.errorf(pp, "%s needs the same crash_recovery at every point of the panel", pr.Kind)
			}
			cr = text
		}
	}
	return nil
}

func coordinateFields(k PanelKind) string {
	switch k {
	case Lines:
		return "x or series"
	case Heatmap:
		return "x or y"
	}
	return "series"
}

// matches reports whether a point passes every filter.
func matches(pt *experiments.Point, where []Filter) bool {
	for _, f := range where {
		for _, c := range pt.Coords {
			if c.Axis == f.Axis && !slices.Contains(f.Values, c.Value) {
				return false
			}
		}
	}
	return true
}

// reference reads the reference section.
func (pc *parseCtx) reference(n *yaml.Node, p pos, s *Spec, pl *planned) (*Reference, error) {
	d := pc.d
	r := &Reference{}
	var rowsNode *yaml.Node
	var rowsPos pos
	err := d.fields(n, p, func(key string, v *yaml.Node, p pos) error {
		var err error
		switch key {
		case "source":
			r.Source, err = d.str(v, p)
		case "axis":
			r.Axis, err = pc.axisRef(v, p, s, false)
		case "measure":
			r.Measure, err = pc.measure(v, p)
		case "rows":
			rowsNode, rowsPos = v, p
		default:
			err = d.unknown(p, []string{"source", "axis", "measure", "rows"})
		}
		return err
	})
	switch {
	case err != nil:
		return nil, err
	case r.Axis == "":
		return nil, d.errorf(p, "axis: required")
	case r.Measure == "":
		return nil, d.errorf(p, "measure: required")
	case rowsNode == nil:
		return nil, d.errorf(p, "rows: required")
	}
	ai := slices.IndexFunc(s.Axes, func(a Axis) bool { return a.Name == r.Axis })
	err = d.seq(rowsNode, rowsPos, func(_ int, item *yaml.Node, p pos) error {
		row := ReferenceRow{Stat: "mean", Bound: "="}
		var hasValue, hasPaper bool
		err := d.fields(item, p, func(key string, v *yaml.Node, p pos) error {
			var err error
			switch key {
			case "value":
				row.Value, err = pc.axisValue(v, p, s, pl, ai)
				hasValue = true
			case "stat":
				row.Stat, err = pc.oneOf(v, p, Stats)
			case "paper":
				row.Paper, err = d.float(v, p)
				hasPaper = true
			case "bound":
				row.Bound, err = pc.oneOf(v, p, []string{"=", "<", ">"})
			case "quote":
				row.Quote, err = d.str(v, p)
			default:
				err = d.unknown(p, []string{"value", "stat", "paper", "bound", "quote"})
			}
			return err
		})
		switch {
		case err != nil:
			return err
		case !hasValue:
			return d.errorf(p, "value: required")
		case !hasPaper:
			return d.errorf(p, "paper: required")
		}
		r.Rows = append(r.Rows, row)
		return nil
	})
	if err == nil && len(r.Rows) == 0 {
		err = d.errorf(rowsPos, "empty: want at least one row")
	}
	return r, err
}

// Restyle returns s with the plots and the reference of style: `raftsim plot DIR --spec FILE` redraws
// a results directory's figures in a new style without running the sweep again. style must describe
// the experiment s ran — the same duration, cluster: and scenario: settings, and axes — so that its
// plots are drawn from the trials they name; the error otherwise names the first field that differs.
// The name, seed and trials may differ: the plots are drawn from the trials the results hold.
func (s *Spec) Restyle(style *Spec) (*Spec, error) {
	differ := func(field, here, there string) error {
		line := 0
		if style.info != nil {
			line = style.info.line(field)
		}
		return &Error{File: style.File, Line: line, Path: field,
			Msg: fmt.Sprintf("%s, but the results were run with %s: restyling keeps the cluster, scenario and axes", here, there)}
	}
	if s.Duration != style.Duration {
		return nil, differ("duration", fmtDur(style.Duration), fmtDur(s.Duration))
	}
	for i, set := range style.Settings {
		if i >= len(s.Settings) || s.Settings[i].Param != set.Param {
			return nil, fmt.Errorf("spec: %s: settings out of step with the results' spec", style.File) // a bug
		}
		if there := s.Settings[i].Value; set.Value != there {
			p := mustParam(set.Param)
			return nil, differ(p.Section+"."+p.Name, orNone(set.Value), orNone(there))
		}
	}
	for i := range max(len(s.Axes), len(style.Axes)) {
		field := fmt.Sprintf("axes[%d]", i)
		switch {
		case i >= len(style.Axes):
			return nil, differ("axes", fmt.Sprintf("%d axes", len(style.Axes)), fmt.Sprintf("%d", len(s.Axes)))
		case i >= len(s.Axes):
			return nil, differ(field, flowText(axisNode(&style.Axes[i])), fmt.Sprintf("%d axes", len(s.Axes)))
		}
		if here, there := flowText(axisNode(&style.Axes[i])), flowText(axisNode(&s.Axes[i])); here != there {
			return nil, differ(field, here, there)
		}
	}
	out := *s
	out.Plots, out.Reference = style.Plots, style.Reference
	return &out, nil
}

func orNone(v string) string {
	if v == "" {
		return "none"
	}
	return v
}

// flowText is node n as one line of YAML.
func flowText(n *yaml.Node) string {
	var flow func(*yaml.Node) *yaml.Node
	flow = func(n *yaml.Node) *yaml.Node {
		c := *n
		if c.Kind == yaml.MappingNode || c.Kind == yaml.SequenceNode {
			c.Style = yaml.FlowStyle
		}
		c.Content = make([]*yaml.Node, len(n.Content))
		for i, k := range n.Content {
			c.Content[i] = flow(k)
		}
		return &c
	}
	b, err := yaml.Marshal(flow(n))
	if err != nil {
		return fmt.Sprint(err) // cannot happen for the nodes Canonical builds
	}
	return strings.TrimSpace(string(b))
}
