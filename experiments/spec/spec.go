package spec

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/raftsim/raftsim/experiments"
	"github.com/raftsim/raftsim/experiments/measure"
	"github.com/raftsim/raftsim/experiments/results"
	"github.com/raftsim/raftsim/internal/readfile"
)

// Spec is a parsed, validated experiment. Every value is canonical (the text Canonical writes), so two
// specs that mean the same are equal field by field; File and the positions kept for error messages
// are not part of the value.
type Spec struct {
	Name        string
	Description string
	Seed        uint64        // root seed of every trial
	Trials      int           // per point
	Duration    time.Duration // simulated time of each trial (the duration parameter's base value)
	// Settings holds every parameter of the cluster: and scenario: sections, in the order of Params,
	// with the default of those the spec leaves out.
	Settings  []Setting
	Axes      []Axis
	Plots     []Plot
	Reference *Reference // nil when the spec gives none
	// File is the spec's path as given to Parse or Load ("" for none): errors name it, and topology
	// files are found relative to its directory.
	File string

	info *info
}

// Setting is a parameter's canonical value.
type Setting struct {
	Param string
	Value string // "" for a mapping parameter that is not set, or an empty schedule
}

// Axis is one dimension of the sweep: a parameter's values, or a list of named variants each setting
// several parameters.
type Axis struct {
	// Name is the coordinate's name in point keys, result files and plots: the parameter for a
	// parameter axis, the axis's name (by default "variant") for a variant axis.
	Name     string
	Param    string    // the parameter swept; "" for a variant axis
	Values   []string  // the values, canonical and distinct, when the axis lists them
	Range    *Range    // the values, when the axis is a range
	Variants []Variant // the variants, for a variant axis
}

// Kind is the type of the axis's values: its parameter's kind, or Text for a variant axis (whose values
// are the variants' names).
func (a *Axis) Kind() Kind {
	if a.Param == "" {
		return Text
	}
	return mustParam(a.Param).Kind
}

// Range is an arithmetic progression From, From+Step, … up to To inclusive.
type Range struct {
	From, To Bound
	Step     string // canonical, positive
}

// Bound is a range's end: a value, or the value of an earlier axis at the same point plus an offset
// (a dependent range, such as faults from 0 to nodes).
type Bound struct {
	Value  string // canonical; "" when Axis is set
	Axis   string // the earlier axis whose value is used
	Offset string // canonical, signed ("-1", "500us"); "" for none
}

// String is the bound as a spec writes it: "5", "nodes", "nodes-1".
func (b Bound) String() string {
	switch {
	case b.Axis == "":
		return b.Value
	case b.Offset == "":
		return b.Axis
	case strings.HasPrefix(b.Offset, "-"):
		return b.Axis + b.Offset
	}
	return b.Axis + "+" + b.Offset
}

// Variant is one value of a variant axis: a name and the parameters it sets.
type Variant struct {
	Name     string
	Settings []Setting // in the order of Params
}

// Limits on the size of an experiment, so that a typo cannot ask for a year of simulation.
const (
	maxPoints = 10000
	maxTrials = 1000000
)

// Load reads and parses a spec file: a regular file of at most readfile.SpecLimit bytes.
func Load(path string) (*Spec, error) {
	data, err := readfile.ReadFile(path, readfile.SpecLimit)
	if err != nil {
		return nil, fmt.Errorf("spec: %w", err)
	}
	return Parse(data, path)
}

// Parse parses and validates a spec. file names it in errors and locates the topology files it names
// ("" for the current directory). Parsing is strict: an unknown or duplicate key, a value of the wrong
// type, an impossible value or combination of values at any point of the sweep, a plot that names an
// unknown measure or axis, or a topology file that does not load, is an error of one line naming the
// file, the line and the field:
//
//	spec: quorum.yaml:3: axes[0].to: nodes is axes[1], a later axis: a bound may only name an earlier one
//	spec: quorum.yaml:14: axes[1] (faults=6 at nodes=5): faults 6 > nodes 5
//
// Errors are *Error values.
func Parse(data []byte, file string) (*Spec, error) {
	return parse(data, file, false)
}

// ParseDetached is Parse for a spec kept apart from its files, as a results manifest keeps the
// canonical text: topology files are not read, so their node counts are not checked and the
// configurations name them relative to the directory of file.
func ParseDetached(data []byte, file string) (*Spec, error) {
	return parse(data, file, true)
}

func parse(data []byte, file string, detached bool) (*Spec, error) {
	d := &decoder{file: file}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &Error{File: file, Msg: "empty file"}
		}
		return nil, d.syntaxError(err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		if err != nil {
			return nil, d.syntaxError(err)
		}
		return nil, &Error{File: file, Line: extra.Line, Msg: "more than one YAML document"}
	}
	if len(doc.Content) == 0 {
		return nil, &Error{File: file, Msg: "empty file"}
	}
	return parseRoot(doc.Content[0], file, detached)
}

// parseRoot parses a spec's root node; file and detached are as for parse.
func parseRoot(root *yaml.Node, file string, detached bool) (*Spec, error) {
	d := &decoder{file: file}
	in := &info{lines: map[string]int{}, detached: detached, topoNodes: map[string]int{}}
	if file != "" {
		in.dir = filepath.Dir(file)
	}
	pc := &parseCtx{d: d, info: in}

	dur := registry[byName["duration"]]
	s := &Spec{Seed: 1, Trials: 1, File: file, info: in}
	s.Duration, _ = time.ParseDuration(dur.Default)
	values := make([]string, len(registry))
	for i, p := range registry {
		values[i] = p.Default
	}
	var plots, ref *yaml.Node
	var plotsPos, refPos pos
	err := d.fields(root, pos{line: root.Line}, func(key string, v *yaml.Node, p pos) error {
		in.lines[p.path] = p.line
		var err error
		switch key {
		case "name":
			s.Name, err = d.name(v, p)
		case "description":
			s.Description, err = d.str(v, p)
		case "seed":
			s.Seed, err = d.uint(v, p)
		case "trials":
			var k int64
			if k, err = d.int(v, p); err == nil && (k < 1 || k > maxTrials) {
				err = d.errorf(p, "%d: want 1 to %d", k, maxTrials)
			}
			s.Trials = int(k)
		case "duration":
			var c string
			if c, err = dur.parse(pc, v, p); err == nil {
				s.Duration, _ = time.ParseDuration(c)
			}
		case "cluster", "scenario":
			err = pc.section(key, v, p, values)
		case "axes":
			s.Axes, err = pc.axes(v, p)
		case "plots":
			plots, plotsPos = v, p
		case "reference":
			ref, refPos = v, p
		default:
			err = d.unknown(p, []string{"name", "description", "seed", "trials", "duration", "cluster",
				"scenario", "axes", "plots", "reference"})
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if s.Name == "" {
		return nil, &Error{File: file, Line: root.Line, Path: "name", Msg: "required"}
	}
	for i, p := range registry {
		if p.Section != "" {
			s.Settings = append(s.Settings, Setting{p.Name, values[i]})
		}
	}
	pl, err := s.expand()
	if err != nil {
		return nil, err
	}
	// The result files must be writable: no axis named like a fixed column, a measure or another axis's
	// numeric column ("heartbeat_ms" beside a heartbeat axis), so that a spec that parses always runs.
	if len(s.Axes) > 0 {
		plan := &experiments.Plan{Name: s.Name, Seed: s.Seed, Trials: s.Trials, Points: pl.points}
		for i := range s.Axes {
			plan.Axes = append(plan.Axes, s.Axes[i].Name)
			plan.AxisKinds = append(plan.AxisKinds, s.Axes[i].axisKind())
		}
		if err := results.CheckPlan(plan, measure.Names); err != nil {
			return nil, &Error{File: file, Line: in.line("axes"), Path: "axes", Msg: strings.TrimPrefix(err.Error(), "results: ")}
		}
	}
	if plots != nil {
		if s.Plots, err = pc.plots(plots, plotsPos, s, pl); err != nil {
			return nil, err
		}
	}
	if ref != nil {
		if s.Reference, err = pc.reference(ref, refPos, s, pl); err != nil {
			return nil, err
		}
	}
	if err := pc.checkReferences(s, pl); err != nil {
		return nil, err
	}
	return s, nil
}

// section reads cluster: or scenario: into values, indexed like the registry.
func (pc *parseCtx) section(name string, n *yaml.Node, p pos, values []string) error {
	d := pc.d
	if d.isNull(n) {
		return nil
	}
	return d.fields(n, p, func(key string, v *yaml.Node, p pos) error {
		pc.info.lines[p.path] = p.line
		i, ok := byName[key]
		switch {
		case ok && registry[i].Section == "":
			return d.errorf(p, "%s is set at the top level, not in %s:", key, name)
		case ok && registry[i].Section != name:
			return d.errorf(p, "%s is a %s: setting, not a %s: one", key, registry[i].Section, name)
		case !ok:
			return d.unknown(p, sectionParams(name))
		}
		c, err := registry[i].parse(pc, v, p)
		values[i] = c
		return err
	})
}

// settingPath is where a parameter is set in the base: "cluster.nodes", "duration".
func settingPath(name string) string {
	return join(registry[byName[name]].Section, name)
}

// Setting returns the base value of a parameter (its value where no axis sets it), canonical.
func (s *Spec) Setting(name string) (string, bool) {
	if name == "duration" {
		return fmtDur(s.Duration), true
	}
	for _, st := range s.Settings {
		if st.Param == name {
			return st.Value, true
		}
	}
	return "", false
}

// WithSeed returns a copy of the spec with another root seed, as `--seed` asks.
func (s *Spec) WithSeed(seed uint64) *Spec {
	c := s.clone()
	c.Seed = seed
	return c
}

// WithTrials returns a copy of the spec with another number of trials per point, as `--trials` asks.
func (s *Spec) WithTrials(k int) (*Spec, error) {
	if k < 1 || k > maxTrials {
		return nil, &Error{File: s.File, Path: "trials", Msg: fmt.Sprintf("%d: want 1 to %d", k, maxTrials)}
	}
	c := s.clone()
	c.Trials = k
	return c, nil
}

// clone copies the spec; its slices are never modified after Parse, so they are shared.
func (s *Spec) clone() *Spec {
	c := *s
	return &c
}

// ---- axes ----

// axes reads the axes section.
func (pc *parseCtx) axes(n *yaml.Node, p pos) ([]Axis, error) {
	d := pc.d
	pc.axisNames = pc.scanAxisNames(n)
	var out []Axis
	setBy := map[string]int{} // parameter -> the axis that sets it
	err := d.seq(n, p, func(i int, item *yaml.Node, p pos) error {
		pc.info.lines[p.path] = p.line
		ax, err := pc.axis(item, p, out)
		if err != nil {
			return err
		}
		for j, other := range out {
			if other.Name == ax.Name {
				at := p.key("param")
				if ax.Param == "" {
					at = p.key("name")
				}
				at.line = pc.info.line(at.path)
				return d.errorf(at, "axis %s is already axes[%d]", ax.Name, j)
			}
		}
		// A parameter is set by one axis at most, so that a point's coordinates say what it ran.
		claim := func(name string, at pos) error {
			if j, ok := setBy[name]; ok {
				at.line = pc.info.line(at.path)
				return d.errorf(at, "%s is already set by axes[%d]", name, j)
			}
			setBy[name] = i
			return nil
		}
		if ax.Param != "" {
			if err := claim(ax.Param, p.key("param")); err != nil {
				return err
			}
		}
		seen := map[string]bool{}
		for vi, v := range ax.Variants {
			for _, st := range v.Settings {
				if seen[st.Param] {
					continue
				}
				seen[st.Param] = true
				if err := claim(st.Param, pos{path: fmt.Sprintf("%s.variant[%d].params.%s", p.path, vi, st.Param)}); err != nil {
					return err
				}
			}
		}
		out = append(out, ax)
		return nil
	})
	return out, err
}

// scanAxisNames lists the axes' names as far as they can be read before parsing, so that a bound
// naming a later axis can be told from one naming no axis.
func (pc *parseCtx) scanAxisNames(n *yaml.Node) []string {
	var names []string
	if n.Kind != yaml.SequenceNode {
		return nil
	}
	for _, item := range n.Content {
		name := ""
		if item.Kind == yaml.MappingNode {
			variant := false
			for i := 0; i+1 < len(item.Content); i += 2 {
				k, v := item.Content[i], item.Content[i+1]
				switch {
				case k.Value == "variant":
					variant = true
				case (k.Value == "param" || k.Value == "name") && v.Kind == yaml.ScalarNode && name == "":
					name = v.Value
				}
			}
			if variant && name == "" {
				name = "variant"
			}
		}
		names = append(names, name)
	}
	return names
}

// axis reads one axis; earlier are the axes before it, which its bounds may name.
func (pc *parseCtx) axis(n *yaml.Node, p pos, earlier []Axis) (Axis, error) {
	d := pc.d
	raw := map[string]*yaml.Node{}
	at := map[string]pos{}
	err := d.fields(n, p, func(key string, v *yaml.Node, kp pos) error {
		switch key {
		case "param", "values", "from", "to", "step", "variant", "name":
			raw[key], at[key] = v, kp
			pc.info.lines[kp.path] = kp.line
			return nil
		}
		return d.unknown(kp, []string{"param", "values", "from", "to", "step", "variant", "name"})
	})
	if err != nil {
		return Axis{}, err
	}
	if raw["variant"] != nil {
		for _, k := range []string{"param", "values", "from", "to", "step"} {
			if raw[k] != nil {
				return Axis{}, d.errorf(at[k], "a variant axis sets its parameters in its variants")
			}
		}
		return pc.variantAxis(raw, at, p)
	}
	if raw["param"] == nil {
		return Axis{}, d.errorf(p, "want param (and values, or from and to) or variant")
	}
	if raw["name"] != nil {
		return Axis{}, d.errorf(at["name"], "a parameter axis is named by its parameter; only a variant axis takes a name")
	}
	name, err := d.name(raw["param"], at["param"])
	if err != nil {
		return Axis{}, err
	}
	i, ok := byName[name]
	if !ok {
		return Axis{}, d.errorf(at["param"], "unknown parameter %s", name)
	}
	pr := registry[i]
	if pr.Kind == Mapping || pr.Kind == List {
		return Axis{}, d.errorf(at["param"], "%s is a %s: vary it with a variant axis", name, pr.Kind)
	}
	ax := Axis{Name: name, Param: name}
	hasRange := raw["from"] != nil || raw["to"] != nil || raw["step"] != nil
	switch {
	case raw["values"] != nil && hasRange:
		k := "from"
		if raw["from"] == nil {
			k = "to"
			if raw["to"] == nil {
				k = "step"
			}
		}
		return Axis{}, d.errorf(at[k], "an axis takes values, or from and to, not both")
	case raw["values"] != nil:
		ax.Values, err = pc.values(pr, raw["values"], at["values"])
		return ax, err
	case !hasRange:
		return Axis{}, d.errorf(p, "want values, or from and to")
	}
	if !pr.Kind.numeric() {
		k := "from"
		if raw[k] == nil {
			k = "to"
		}
		if raw[k] == nil {
			k = "step"
		}
		return Axis{}, d.errorf(at[k], "%s is not a number or a duration: only integer, number and duration axes are ranges; list its values",
			name)
	}
	for _, k := range []string{"from", "to"} {
		if raw[k] == nil {
			return Axis{}, d.errorf(p, "%s: required in a range", k)
		}
	}
	r := &Range{}
	if r.From, err = pc.bound(pr, raw["from"], at["from"], earlier); err != nil {
		return Axis{}, err
	}
	if r.To, err = pc.bound(pr, raw["to"], at["to"], earlier); err != nil {
		return Axis{}, err
	}
	if r.Step, err = pc.step(pr, raw["step"], at["step"], p); err != nil {
		return Axis{}, err
	}
	if r.From.Axis == "" && r.To.Axis == "" {
		vs, err := rangeValues(pr.Kind, r.From.Value, r.To.Value, r.Step)
		if err != nil {
			return Axis{}, d.errorf(at["to"], "%s", err)
		}
		if len(vs) == 0 {
			return Axis{}, d.errorf(at["to"], "%s is below from %s: the range is empty", r.To.Value, r.From.Value)
		}
	}
	ax.Range = r
	return ax, nil
}

func article(k Kind) string {
	if k == Int {
		return "an integer"
	}
	return "a " + k.String()
}

// values reads an axis's value list: non-empty, each value parsed by the parameter and distinct once
// canonical.
func (pc *parseCtx) values(pr *param, n *yaml.Node, p pos) ([]string, error) {
	var out []string
	err := pc.d.seq(n, p, func(i int, item *yaml.Node, p pos) error {
		c, err := pr.parse(pc, item, p)
		if err != nil {
			return err
		}
		if j := slices.Index(out, c); j >= 0 {
			return pc.d.errorf(p, "%s is the same value as values[%d]", c, j)
		}
		out = append(out, c)
		return nil
	})
	if err == nil && len(out) == 0 {
		err = pc.d.errorf(p, "empty: an axis needs at least one value")
	}
	return out, err
}

// bound reads a range's end: a value of the parameter, or NAME, NAME+K or NAME-K naming an earlier axis.
func (pc *parseCtx) bound(pr *param, n *yaml.Node, p pos, earlier []Axis) (Bound, error) {
	d := pc.d
	if r := d.resolve(n); r.Kind == yaml.ScalarNode && r.ShortTag() == "!!str" {
		if m := boundRE.FindStringSubmatch(strings.TrimSpace(r.Value)); m != nil {
			return pc.dependent(pr, m, p, earlier)
		}
	}
	v, err := pr.parse(pc, n, p)
	return Bound{Value: v}, err
}

// dependent checks a bound that names an axis, m being boundRE's match.
func (pc *parseCtx) dependent(pr *param, m []string, p pos, earlier []Axis) (Bound, error) {
	d := pc.d
	name, sign, off := m[1], m[2], m[3]
	j := slices.IndexFunc(earlier, func(a Axis) bool { return a.Name == name })
	switch {
	case j < 0 && name == pr.Name:
		return Bound{}, d.errorf(p, "%s names its own axis", name)
	case j < 0:
		if k := slices.Index(pc.axisNames, name); k >= len(earlier) {
			return Bound{}, d.errorf(p, "%s is axes[%d], a later axis: a bound may only name an earlier one", name, k)
		}
		return Bound{}, d.errorf(p, "%s names no earlier axis", name)
	case earlier[j].Param == "":
		return Bound{}, d.errorf(p, "%s is a variant axis, not a number", name)
	}
	other := registry[byName[earlier[j].Param]]
	if other.Kind != pr.Kind {
		return Bound{}, d.errorf(p, "%s is %s axis but %s is %s", name, article(other.Kind), pr.Name, article(pr.Kind))
	}
	b := Bound{Axis: name}
	if sign == "" {
		return b, nil
	}
	c, zero, err := parseOffset(pr.Kind, off)
	if err != nil {
		return Bound{}, d.errorf(p, "offset %q: %s", off, err)
	}
	if !zero {
		if sign == "-" {
			c = "-" + c
		}
		b.Offset = c
	}
	return b, nil
}

// boundRE matches a dependent bound: an axis name, then optionally + or - and an amount.
var boundRE = regexp.MustCompile(`^([a-z_][a-z0-9_]*)\s*(?:([+-])\s*(\S.*))?$`)

// maxFloat bounds the numbers of float ranges, so that their arithmetic stays finite.
const maxFloat = 1e300

// parseOffset reads the K of NAME+K, a non-negative amount of the kind.
func parseOffset(k Kind, s string) (c string, zero bool, err error) {
	switch k {
	case Int:
		x, err := strconv.ParseInt(s, 10, 64)
		if err != nil || x < 0 {
			return "", false, errors.New("want a non-negative integer")
		}
		return strconv.FormatInt(x, 10), x == 0, nil
	case Duration:
		x, err := parseDuration(s, nonNegative)
		return fmtDur(x), x == 0, err
	default:
		x, err := strconv.ParseFloat(s, 64)
		if err != nil || x < 0 || x > maxFloat {
			return "", false, errors.New("want a non-negative number")
		}
		return fmtFloat(x), x == 0, nil
	}
}

// step reads a range's step: positive, 1 by default for integers and required otherwise.
func (pc *parseCtx) step(pr *param, n *yaml.Node, p pos, axis pos) (string, error) {
	d := pc.d
	if n == nil {
		if pr.Kind == Int {
			return "1", nil
		}
		return "", d.errorf(axis, "step: required for %s range", article(pr.Kind))
	}
	switch pr.Kind {
	case Int:
		x, err := d.int(n, p)
		if err == nil && x < 1 {
			err = d.errorf(p, "%d: want a positive step", x)
		}
		return strconv.FormatInt(x, 10), err
	case Duration:
		s, err := d.str(n, p)
		if err != nil {
			return "", err
		}
		x, err := parseDuration(s, positive)
		if err != nil {
			return "", d.errorf(p, "%s", err)
		}
		return fmtDur(x), nil
	default:
		x, err := d.float(n, p)
		if err == nil && (x <= 0 || x > maxFloat) {
			err = d.errorf(p, "%s: want a positive step", fmtFloat(x))
		}
		return fmtFloat(x), err
	}
}

// variantAxis reads an axis of named variants.
func (pc *parseCtx) variantAxis(raw map[string]*yaml.Node, at map[string]pos, p pos) (Axis, error) {
	d := pc.d
	ax := Axis{Name: "variant"}
	if raw["name"] != nil {
		name, err := d.name(raw["name"], at["name"])
		if err != nil {
			return Axis{}, err
		}
		if _, ok := byName[name]; ok {
			return Axis{}, d.errorf(at["name"], "%s is a parameter; name the variant axis otherwise", name)
		}
		ax.Name = name
	}
	err := d.seq(raw["variant"], at["variant"], func(i int, item *yaml.Node, p pos) error {
		pc.info.lines[p.path] = p.line
		var v Variant
		var named bool
		err := d.fields(item, p, func(key string, val *yaml.Node, kp pos) error {
			var err error
			switch key {
			case "name":
				if v.Name, err = d.name(val, kp); err == nil {
					named = true
					for j, o := range ax.Variants {
						if o.Name == v.Name {
							return d.errorf(kp, "%s is already variant[%d]", v.Name, j)
						}
					}
				}
			case "params":
				v.Settings, err = pc.variantParams(val, kp)
			default:
				err = d.unknown(kp, []string{"name", "params"})
			}
			return err
		})
		if err != nil {
			return err
		}
		if !named {
			return d.errorf(p, "name: required")
		}
		ax.Variants = append(ax.Variants, v)
		return nil
	})
	if err == nil && len(ax.Variants) == 0 {
		err = d.errorf(at["variant"], "empty: an axis needs at least one variant")
	}
	return ax, err
}

// variantParams reads the parameters a variant sets: any parameter, in any section.
func (pc *parseCtx) variantParams(n *yaml.Node, p pos) ([]Setting, error) {
	d := pc.d
	if d.isNull(n) {
		return nil, nil
	}
	values := map[int]string{}
	err := d.fields(n, p, func(key string, v *yaml.Node, p pos) error {
		pc.info.lines[p.path] = p.line
		i, ok := byName[key]
		if !ok {
			return d.errorf(p, "unknown parameter %s", key)
		}
		c, err := registry[i].parse(pc, v, p)
		values[i] = c
		return err
	})
	if err != nil {
		return nil, err
	}
	var out []Setting
	for i, p := range registry {
		if v, ok := values[i]; ok {
			out = append(out, Setting{p.Name, v})
		}
	}
	return out, nil
}
