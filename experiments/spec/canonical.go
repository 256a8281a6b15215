package spec

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Canonical returns the spec as canonical YAML: a fixed order of keys (the order of the format's
// documentation, parameters in the order of Params), every cluster: and scenario: parameter written
// out with its default if the spec left it out, every value in its canonical form (durations as Go
// prints them with "us" for microseconds, latency specs as latency.Dist.String, bandwidths as
// topology.FormatBandwidth), and no comments. Parse(Canonical()) gives an equal spec, and the text
// depends on nothing but the spec's value; results manifests store it and its hash.
func (s *Spec) Canonical() []byte {
	root := mapNode(false)
	put(root, "name", strNode(s.Name))
	if s.Description != "" {
		put(root, "description", strNode(s.Description))
	}
	put(root, "seed", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.FormatUint(s.Seed, 10)})
	put(root, "trials", scalarNode(Int, strconv.Itoa(s.Trials)))
	put(root, "duration", strNode(fmtDur(s.Duration)))
	sections := map[string]*yaml.Node{"cluster": mapNode(false), "scenario": mapNode(false)}
	for _, set := range s.Settings {
		p := mustParam(set.Param)
		put(sections[p.Section], p.Name, valueNode(p, set.Value))
	}
	put(root, "cluster", sections["cluster"])
	put(root, "scenario", sections["scenario"])
	if len(s.Axes) > 0 {
		axes := seqNode(false)
		for _, ax := range s.Axes {
			axes.Content = append(axes.Content, axisNode(&ax))
		}
		put(root, "axes", axes)
	}
	if len(s.Plots) > 0 {
		plots := seqNode(false)
		for _, pt := range s.Plots {
			plots.Content = append(plots.Content, s.plotNode(&pt))
		}
		put(root, "plots", plots)
	}
	if r := s.Reference; r != nil {
		ref := mapNode(false)
		if r.Source != "" {
			put(ref, "source", strNode(r.Source))
		}
		put(ref, "axis", strNode(r.Axis))
		put(ref, "measure", strNode(r.Measure))
		rows := seqNode(false)
		for _, row := range r.Rows {
			m := mapNode(true)
			put(m, "value", s.axisValueNode(r.Axis, row.Value))
			put(m, "stat", strNode(row.Stat))
			put(m, "paper", scalarNode(Float, fmtFloat(row.Paper)))
			put(m, "bound", strNode(row.Bound))
			if row.Quote != "" {
				put(m, "quote", strNode(row.Quote))
			}
			rows.Content = append(rows.Content, m)
		}
		put(ref, "rows", rows)
		put(root, "reference", ref)
	}

	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(&yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{root}}); err != nil {
		panic(fmt.Sprintf("spec: encoding the canonical spec: %v", err))
	}
	if err := enc.Close(); err != nil {
		panic(fmt.Sprintf("spec: encoding the canonical spec: %v", err))
	}
	return b.Bytes()
}

func mustParam(name string) *param {
	i, ok := byName[name]
	if !ok {
		panic("spec: unknown parameter " + name)
	}
	return registry[i]
}

func mapNode(flow bool) *yaml.Node {
	n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	if flow {
		n.Style = yaml.FlowStyle
	}
	return n
}

func seqNode(flow bool) *yaml.Node {
	n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
	if flow {
		n.Style = yaml.FlowStyle
	}
	return n
}

func strNode(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }

func boolNode(b bool) *yaml.Node { return scalarNode(Bool, strconv.FormatBool(b)) }

func put(m *yaml.Node, key string, v *yaml.Node) { m.Content = append(m.Content, strNode(key), v) }

// valueNode writes a parameter's canonical value as the parameter reads it.
func valueNode(p *param, v string) *yaml.Node {
	switch p.Kind {
	case Mapping:
		if v == "" {
			return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}
		}
		m := mapNode(true)
		for _, kv := range strings.Split(v, ",") {
			k, x, _ := strings.Cut(kv, "=")
			var n *yaml.Node
			if x == "true" || x == "false" {
				n = scalarNode(Bool, x)
			} else if _, err := strconv.ParseInt(x, 10, 64); err == nil {
				n = scalarNode(Int, x)
			} else {
				n = strNode(x)
			}
			put(m, k, n)
		}
		return m
	case List:
		l := seqNode(true)
		for _, e := range splitSchedule(v) {
			l.Content = append(l.Content, strNode(e))
		}
		return l
	}
	return scalarNode(p.Kind, v)
}

func axisNode(ax *Axis) *yaml.Node {
	if ax.Param == "" {
		m := mapNode(false)
		put(m, "name", strNode(ax.Name))
		vs := seqNode(false)
		for _, v := range ax.Variants {
			vm := mapNode(true)
			put(vm, "name", strNode(v.Name))
			ps := mapNode(true)
			for _, set := range v.Settings {
				put(ps, set.Param, valueNode(mustParam(set.Param), set.Value))
			}
			put(vm, "params", ps)
			vs.Content = append(vs.Content, vm)
		}
		put(m, "variant", vs)
		return m
	}
	p := mustParam(ax.Param)
	m := mapNode(true)
	put(m, "param", strNode(ax.Param))
	if ax.Range == nil {
		vs := seqNode(true)
		for _, v := range ax.Values {
			vs.Content = append(vs.Content, valueNode(p, v))
		}
		put(m, "values", vs)
		return m
	}
	bound := func(b Bound) *yaml.Node {
		if b.Axis != "" {
			return strNode(b.String())
		}
		return valueNode(p, b.Value)
	}
	put(m, "from", bound(ax.Range.From))
	put(m, "to", bound(ax.Range.To))
	put(m, "step", valueNode(p, ax.Range.Step))
	return m
}

// axisValueNode writes a value of the named axis as the axis reads it.
func (s *Spec) axisValueNode(axis, v string) *yaml.Node {
	i := slices.IndexFunc(s.Axes, func(a Axis) bool { return a.Name == axis })
	if i < 0 || s.Axes[i].Param == "" {
		return strNode(v)
	}
	return valueNode(mustParam(s.Axes[i].Param), v)
}

func (s *Spec) plotNode(pt *Plot) *yaml.Node {
	m := mapNode(false)
	put(m, "name", strNode(pt.Name))
	if pt.Title != "" {
		put(m, "title", strNode(pt.Title))
	}
	if pt.Width != 0 {
		put(m, "width", scalarNode(Float, fmtFloat(pt.Width)))
	}
	if pt.Height != 0 {
		put(m, "height", scalarNode(Float, fmtFloat(pt.Height)))
	}
	if pt.DPI != 0 {
		put(m, "dpi", scalarNode(Int, strconv.Itoa(pt.DPI)))
	}
	rows := seqNode(false)
	for _, row := range pt.Rows {
		r := seqNode(false)
		for _, pn := range row {
			r.Content = append(r.Content, s.panelNode(&pn))
		}
		rows.Content = append(rows.Content, r)
	}
	put(m, "rows", rows)
	return m
}

func (s *Spec) panelNode(pn *Panel) *yaml.Node {
	m := mapNode(false)
	str := func(k, v string) {
		if v != "" {
			put(m, k, strNode(v))
		}
	}
	flag := func(k string, v bool) {
		if v {
			put(m, k, boolNode(true))
		}
	}
	span := func(k string, sp *Span) {
		if sp != nil {
			l := seqNode(true)
			for _, end := range []*float64{sp.Min, sp.Max} {
				if end == nil {
					l.Content = append(l.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"})
				} else {
					l.Content = append(l.Content, scalarNode(Float, fmtFloat(*end)))
				}
			}
			put(m, k, l)
		}
	}
	str("kind", string(pn.Kind))
	str("title", pn.Title)
	str("measure", pn.Measure)
	if pn.Measures != nil {
		l := seqNode(true)
		for _, x := range pn.Measures {
			l.Content = append(l.Content, strNode(x))
		}
		put(m, "measures", l)
	}
	str("series", pn.Series)
	str("x", pn.X)
	str("y", pn.Y)
	if pn.Where != nil {
		w := mapNode(true)
		for _, f := range pn.Where {
			l := seqNode(true)
			for _, v := range f.Values {
				l.Content = append(l.Content, s.axisValueNode(f.Axis, v))
			}
			put(w, f.Axis, l)
		}
		put(m, "where", w)
	}
	str("stat", pn.Stat)
	str("error", pn.Error)
	flag("log_x", pn.LogX)
	flag("log_y", pn.LogY)
	str("xlabel", pn.XLabel)
	str("ylabel", pn.YLabel)
	str("zlabel", pn.ZLabel)
	span("x_range", pn.XRange)
	span("y_range", pn.YRange)
	span("z_range", pn.ZRange)
	flag("annotate", pn.Annotate)
	flag("reference", pn.Reference)
	if pn.Overlays != nil {
		l := seqNode(false)
		for _, o := range pn.Overlays {
			om := mapNode(true)
			if o.Label != "" {
				put(om, "label", strNode(o.Label))
			}
			put(om, "slope", scalarNode(Float, fmtFloat(o.Slope)))
			put(om, "intercept", scalarNode(Float, fmtFloat(o.Intercept)))
			if o.Dashed {
				put(om, "dashed", boolNode(true))
			}
			l.Content = append(l.Content, om)
		}
		put(m, "overlays", l)
	}
	if pn.Predictions != nil {
		l := seqNode(false)
		for _, pr := range pn.Predictions {
			pm := mapNode(true)
			put(pm, "kind", strNode(pr.Kind))
			put(pm, "label", strNode(pr.Label))
			l.Content = append(l.Content, pm)
		}
		put(m, "predictions", l)
	}
	return m
}
