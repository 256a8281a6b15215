package spec

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/raftsim/raftsim/cluster"
	"github.com/raftsim/raftsim/experiments"
	"github.com/raftsim/raftsim/models/fault"
	"github.com/raftsim/raftsim/topology"
)

// Plan expands the axes into points, each with its complete configuration (Seed left 0: it is set per
// trial, see experiments.TrialSeed). Points come in the order of the cartesian product, the first axis
// outermost; each point's coordinates are canonical. Plan.Spec is Canonical and Plan.SpecSHA256 its
// hash.
//
// A spec returned by Parse always plans: Parse has expanded it already.
func (s *Spec) Plan() (*experiments.Plan, error) {
	pl, err := s.expand()
	if err != nil {
		return nil, err
	}
	canon := s.Canonical()
	sum := sha256.Sum256(canon)
	axes := make([]string, len(s.Axes))
	kinds := make([]experiments.AxisKind, len(s.Axes))
	for i, a := range s.Axes {
		axes[i] = a.Name
		kinds[i] = a.axisKind()
	}
	return &experiments.Plan{
		Name:        s.Name,
		Description: s.Description,
		Seed:        s.Seed,
		Trials:      s.Trials,
		Axes:        axes,
		AxisKinds:   kinds,
		Points:      pl.points,
		Spec:        canon,
		SpecSHA256:  hex.EncodeToString(sum[:]),
		Inputs:      s.inputs(),
	}, nil
}

// inputs are the files besides the spec that its plan depends on: the topology files it names, as
// they were read when it was parsed. A spec parsed detached (or built by hand) read none.
func (s *Spec) inputs() []experiments.Input {
	if s.info == nil {
		return nil
	}
	return s.info.planInputs()
}

// axisKind is how the result files read the axis's values as numbers: integers and numbers as they
// are, durations and election timeouts in milliseconds, bandwidths in bits per second; names,
// booleans, latency specs and variants are categories.
func (a *Axis) axisKind() experiments.AxisKind {
	if a.Param == "" {
		return experiments.Categorical
	}
	p := mustParam(a.Param)
	switch p.Kind {
	case Int, Float:
		return experiments.Number
	case Duration:
		// think also takes latency specs: an axis listing any is a category (finish.go).
		for _, v := range a.Values {
			if _, err := time.ParseDuration(v); err != nil {
				return experiments.Categorical
			}
		}
		return experiments.Duration
	}
	return p.numeric
}

// planned is an expanded spec.
type planned struct {
	points []experiments.Point
	// values holds, per axis, the distinct values the axis takes, in the order the sweep meets them.
	values [][]string
}

// expand builds every point and checks it.
func (s *Spec) expand() (*planned, error) {
	in := s.info
	if in == nil { // a Spec built by hand
		in = &info{lines: map[string]int{}, topoNodes: map[string]int{}, detached: true}
	}
	e := &expander{s: s, in: in, d: &decoder{file: s.File},
		pl: &planned{values: make([][]string, len(s.Axes))}, coords: make([]experiments.Coord, len(s.Axes))}
	e.seen = make([]map[string]bool, len(s.Axes))
	for i := range e.seen {
		e.seen[i] = map[string]bool{}
	}
	base, err := e.baseState()
	if err != nil {
		return nil, err
	}
	e.base = base
	if err := e.walk(0); err != nil {
		return nil, err
	}
	if len(e.pl.points) == 0 {
		return nil, &Error{File: s.File, Path: "axes", Msg: "the sweep has no point: every dependent range is empty"}
	}
	return e.pl, nil
}

type expander struct {
	s      *Spec
	in     *info
	d      *decoder
	base   state
	pl     *planned
	coords []experiments.Coord
	seen   []map[string]bool // per axis, the values in pl.values
}

// baseState applies the base settings to cluster.Default.
func (e *expander) baseState() (state, error) {
	st := state{cfg: cluster.Default(), setBy: make([]int, len(registry)), info: e.in}
	st.cfg.Seed = 0
	for i := range st.setBy {
		st.setBy[i] = -1
	}
	registry[byName["duration"]].apply(&st, fmtDur(e.s.Duration))
	for _, set := range e.s.Settings {
		i, ok := byName[set.Param]
		if !ok {
			return state{}, &Error{File: e.s.File, Path: set.Param, Msg: "unknown parameter"}
		}
		registry[i].apply(&st, set.Value)
	}
	return st, nil
}

// walk enumerates the values of axis i and below, given the coordinates of the axes above.
func (e *expander) walk(i int) error {
	if i == len(e.s.Axes) {
		return e.leaf()
	}
	vals, err := e.axisValues(i)
	if err != nil {
		return err
	}
	for _, v := range vals {
		e.coords[i] = experiments.Coord{Axis: e.s.Axes[i].Name, Value: v}
		if !e.seen[i][v] {
			e.seen[i][v] = true
			e.pl.values[i] = append(e.pl.values[i], v)
		}
		if err := e.walk(i + 1); err != nil {
			return err
		}
	}
	return nil
}

// axisValues returns the values of axis i at the current coordinates of the axes above it.
func (e *expander) axisValues(i int) ([]string, error) {
	ax := &e.s.Axes[i]
	switch {
	case ax.Variants != nil:
		out := make([]string, len(ax.Variants))
		for j, v := range ax.Variants {
			out[j] = v.Name
		}
		return out, nil
	case ax.Range == nil:
		return ax.Values, nil
	}
	pr := registry[byName[ax.Param]]
	from, err := e.bound(pr.Kind, ax.Range.From)
	if err == nil {
		var to string
		if to, err = e.bound(pr.Kind, ax.Range.To); err == nil {
			var vals []string
			if vals, err = rangeValues(pr.Kind, from, to, ax.Range.Step); err == nil {
				// A dependent range may step outside the parameter's domain (faults from nodes-3 at
				// nodes=1): check every value as if the spec had written it.
				for _, v := range vals {
					if _, perr := pr.parse(&parseCtx{d: e.d, info: e.in}, scalarNode(pr.Kind, v), pos{}); perr != nil {
						e.coords[i] = experiments.Coord{Axis: ax.Name, Value: v}
						return nil, e.blameAxis(i, i+1, fmt.Sprintf("%s %s", ax.Param, msgOf(perr)))
					}
				}
				return vals, nil
			}
		}
	}
	return nil, e.blameAxis(i, i, err.Error())
}

// bound evaluates a range's end at the current coordinates.
func (e *expander) bound(k Kind, b Bound) (string, error) {
	if b.Axis == "" {
		return b.Value, nil
	}
	j := slices.IndexFunc(e.s.Axes, func(a Axis) bool { return a.Name == b.Axis })
	if j < 0 || e.coords[j].Axis != b.Axis {
		return "", fmt.Errorf("%s names no earlier axis", b.Axis)
	}
	v := e.coords[j].Value
	if b.Offset == "" {
		return v, nil
	}
	switch k {
	case Int, Duration:
		x, errx := parseNum(k, v)
		o, erro := parseNum(k, b.Offset)
		sum := x + o
		if errx != nil || erro != nil || (o > 0 && sum < x) || (o < 0 && sum > x) {
			return "", fmt.Errorf("%s overflows", b)
		}
		return fmtNum(k, sum), nil
	default:
		x, _ := strconv.ParseFloat(v, 64)
		o, _ := strconv.ParseFloat(b.Offset, 64)
		return roundFloat(x+o, max(decimals(x), decimals(o))), nil
	}
}

// parseNum reads an Int or Duration value as an int64 (nanoseconds for a duration).
func parseNum(k Kind, s string) (int64, error) {
	if k == Duration {
		d, err := time.ParseDuration(s)
		return int64(d), err
	}
	return strconv.ParseInt(s, 10, 64)
}

func fmtNum(k Kind, x int64) string {
	if k == Duration {
		return fmtDur(time.Duration(x))
	}
	return strconv.FormatInt(x, 10)
}

// decimals is the number of digits after the point that x needs.
func decimals(x float64) int {
	s := strconv.FormatFloat(x, 'f', -1, 64)
	if _, frac, ok := strings.Cut(s, "."); ok {
		return len(frac)
	}
	return 0
}

// roundFloat rounds x to d decimals and formats it canonically, so that 0.1+0.2 is "0.3".
func roundFloat(x float64, d int) string {
	y, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'f', d, 64), 64)
	return fmtFloat(y + 0)
}

// rangeValues lists from, from+step, … up to to, canonical; nothing when to < from. Float ranges are
// rounded to the decimals of from and step, so that 0 to 0.3 by 0.1 ends at 0.3.
func rangeValues(k Kind, from, to, step string) ([]string, error) {
	tooMany := fmt.Errorf("%s to %s by %s has more than %d values", from, to, step, maxPoints)
	if k == Float {
		f, _ := strconv.ParseFloat(from, 64)
		t, _ := strconv.ParseFloat(to, 64)
		st, _ := strconv.ParseFloat(step, 64)
		if t < f {
			return nil, nil
		}
		n := math.Floor((t-f)/st + 1e-9)
		if n >= maxPoints {
			return nil, tooMany
		}
		d := max(decimals(f), decimals(st))
		var out []string
		for i := 0; i <= int(n); i++ {
			v := roundFloat(f+float64(i)*st, d)
			if x, _ := strconv.ParseFloat(v, 64); x > t {
				break
			}
			if len(out) == 0 || out[len(out)-1] != v {
				out = append(out, v)
			}
		}
		return out, nil
	}
	f, err1 := parseNum(k, from)
	t, err2 := parseNum(k, to)
	st, err3 := parseNum(k, step)
	if err := errors.Join(err1, err2, err3); err != nil || st <= 0 {
		return nil, fmt.Errorf("bad range %s to %s by %s", from, to, step)
	}
	if t < f {
		return nil, nil
	}
	if (uint64(t)-uint64(f))/uint64(st) >= maxPoints {
		return nil, tooMany
	}
	var out []string
	for x := f; ; x += st {
		out = append(out, fmtNum(k, x))
		if x > t-st { // the next value would pass to (written so that it cannot overflow)
			break
		}
	}
	return out, nil
}

// scalarNode is the YAML node of a canonical scalar value of the kind.
func scalarNode(k Kind, v string) *yaml.Node {
	tag := "!!str"
	switch k {
	case Int:
		tag = "!!int"
	case Float:
		tag = "!!float"
		if _, err := strconv.ParseInt(v, 10, 64); err == nil {
			tag = "!!int"
		}
	case Bool:
		tag = "!!bool"
	case Choice:
		if v == "true" || v == "false" {
			tag = "!!bool"
		}
	}
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: v}
}

// leaf builds and checks the point at the current coordinates.
func (e *expander) leaf() error {
	if len(e.pl.points) >= maxPoints {
		return &Error{File: e.s.File, Path: "axes", Msg: fmt.Sprintf("the sweep has more than %d points", maxPoints)}
	}
	if n := len(e.pl.points) + 1; e.s.Trials > experiments.MaxTrials/n {
		return &Error{File: e.s.File, Line: e.in.line("trials"), Path: "trials",
			Msg: fmt.Sprintf("%d per point over %d points or more: more than the %d trials a sweep may run", e.s.Trials, n, experiments.MaxTrials)}
	}
	st := e.base
	st.setBy = slices.Clone(e.base.setBy)
	for j, ax := range e.s.Axes {
		v := e.coords[j].Value
		if ax.Param != "" {
			i := byName[ax.Param]
			registry[i].apply(&st, v)
			st.setBy[i] = j
			continue
		}
		for _, vr := range ax.Variants {
			if vr.Name == v {
				for _, set := range vr.Settings {
					i := byName[set.Param]
					registry[i].apply(&st, set.Value)
					st.setBy[i] = j
				}
			}
		}
	}
	cfg, err := e.finish(&st)
	if err != nil {
		return err
	}
	e.pl.points = append(e.pl.points, experiments.Point{
		Index:  len(e.pl.points),
		Coords: slices.Clone(e.coords),
		Config: cfg,
	})
	return nil
}

// finish checks what no parameter can check alone, then turns the scenario into fault events.
func (e *expander) finish(st *state) (cluster.Config, error) {
	c := &st.cfg
	n := c.Nodes
	fail := func(msg string, params ...string) (cluster.Config, error) {
		return cluster.Config{}, e.blame(st, params, msg)
	}
	if st.faults > n {
		return fail(fmt.Sprintf("faults %d > nodes %d", st.faults, n), "faults", "nodes")
	}
	if st.faults > 0 && st.crashAt == 0 {
		// At 0 no leader is elected yet, so "the leader among them" would not hold.
		return fail(fmt.Sprintf("faults %d needs crash_at, after the first election", st.faults), "crash_at", "faults")
	}
	if st.faults > 0 && st.crashAt >= c.Duration {
		return fail(fmt.Sprintf("crash_at %s is not before the end of the run (duration %s)", fmtDur(st.crashAt), fmtDur(c.Duration)),
			"crash_at", "duration", "faults")
	}
	if c.MeasureFrom >= c.Duration {
		return fail(fmt.Sprintf("measure_from %s is not before the end of the run (duration %s)", fmtDur(c.MeasureFrom), fmtDur(c.Duration)),
			"measure_from", "duration")
	}
	var evs []fault.Event
	if st.faults > 0 {
		evs = append(evs, fault.Event{At: st.crashAt, Kind: fault.Crash, Role: fault.Leader, Extra: st.faults - 1})
	}
	for _, entry := range st.schedule {
		es, err := parseEntry(entry, n)
		if err != nil {
			return fail(fmt.Sprintf("schedule: %s (nodes %d)", err, n), "schedule", "nodes")
		}
		if at := es[0].At; at >= c.Duration {
			return fail(fmt.Sprintf("schedule: %s is not before the end of the run (duration %s)", entry, fmtDur(c.Duration)),
				"schedule", "duration")
		}
		evs = append(evs, es...)
	}
	if rv := rollingEvents(st.rolling, n); len(rv) > 0 {
		if last := rv[len(rv)-1].At; last >= c.Duration {
			return fail(fmt.Sprintf("the last replace, at %s, is not before the end of the run (duration %s)", fmtDur(last), fmtDur(c.Duration)),
				"rolling_replace", "duration", "nodes")
		}
		evs = append(evs, rv...)
	}
	fault.Sort(evs)
	c.Faults = evs
	if lc := c.LeaderCrash; lc != nil {
		if n < 2 {
			return fail(fmt.Sprintf("at least 2 nodes are needed (one to crash, one to elect), not %d", n), "leader_crash", "nodes")
		}
		if lc.Stale > n-2 {
			return fail(fmt.Sprintf("leader_crash: stale %d > nodes-2 = %d (a survivor that is not stale must be able to win)", lc.Stale, n-2),
				"leader_crash", "nodes")
		}
		if lc.After >= c.Duration {
			return fail(fmt.Sprintf("leader_crash: after %s is not before the end of the run (duration %s)", fmtDur(lc.After), fmtDur(c.Duration)),
				"leader_crash", "duration")
		}
	}
	if st.topoFile != "" && !e.in.detached && st.topoNodes != n {
		return fail(fmt.Sprintf("topology: %s has %d nodes but nodes is %d", st.topoFile, st.topoNodes, n), "topology", "nodes")
	}
	if c.Chaos && c.ChaosOptions.Quiet >= c.Duration {
		return fail(fmt.Sprintf("chaos_quiet %s leaves no time for chaos (duration %s)", fmtDur(c.ChaosOptions.Quiet), fmtDur(c.Duration)),
			"chaos_quiet", "chaos", "duration")
	}
	if err := c.Validate(); err != nil {
		// Validate names the setting as the command line does; the spec spells it with '_'.
		flag, msg, _ := strings.Cut(err.Error(), ": ")
		name := strings.ReplaceAll(flag, "-", "_")
		params := []string{name}
		switch _, known := byName[name]; {
		case name == "faults":
			params = []string{"schedule", "faults", "nodes"}
		case name == "node":
			// A node entry is judged against the point's cluster size, which an axis may set.
			params = []string{"node", "nodes"}
		case !known:
			params = []string{"nodes"}
		}
		return fail(name+": "+msg, params...)
	}
	if err := e.checkEdges(st); err != nil {
		return fail(err.Error(), "schedule", "topology")
	}
	return *c, nil
}

// checkEdges checks that the schedule cuts and restores only edges the point's topology has.
func (e *expander) checkEdges(st *state) error {
	c := &st.cfg
	edges := false
	for _, ev := range c.Faults {
		edges = edges || ev.Kind == fault.Cut || ev.Kind == fault.Restore
	}
	if !edges {
		return nil
	}
	var g *topology.Graph
	switch {
	case isGenerated(c.Topology):
		var err error
		if g, err = topology.Generate(c.Topology, c.Nodes, c.Link); err != nil {
			return err
		}
	case st.topoFile != "" && e.in.graphs[st.topoFile] != nil:
		g = e.in.graphs[st.topoFile]
	default:
		return nil // a detached spec: its topology file is not read
	}
	return cluster.CheckEdges(c.Faults, g)
}

// blame places a point's error: at the innermost axis among those that set the parameters involved,
// or else at the first of them the spec sets, or else at the first.
func (e *expander) blame(st *state, params []string, msg string) error {
	best := -1
	for _, name := range params {
		best = max(best, st.setBy[byName[name]])
	}
	if best >= 0 {
		return e.blameAxis(best, len(e.s.Axes), msg)
	}
	for _, name := range params {
		path := settingPath(name)
		if line := e.in.line(path); line > 0 {
			return &Error{File: e.s.File, Line: line, Path: path, Msg: msg}
		}
	}
	return &Error{File: e.s.File, Path: settingPath(params[0]), Msg: msg}
}

// blameAxis places an error at axis i (at its variant, for a variant axis), describing the point by
// the coordinates of the first n axes: "axes[1] (faults=6 at nodes=5)".
func (e *expander) blameAxis(i, n int, msg string) error {
	ax := &e.s.Axes[i]
	path := index("axes", i)
	line := e.in.line(path)
	if ax.Variants != nil && i < n {
		for vi, v := range ax.Variants {
			if v.Name == e.coords[i].Value {
				if l := e.in.line(fmt.Sprintf("%s.variant[%d]", path, vi)); l > 0 {
					line = l
				}
			}
		}
	}
	var b strings.Builder
	if i < n {
		fmt.Fprintf(&b, "%s=%s", e.coords[i].Axis, e.coords[i].Value)
	}
	sep := " at "
	if i >= n {
		sep = "at "
	}
	for j := 0; j < n; j++ {
		if j == i {
			continue
		}
		b.WriteString(sep)
		fmt.Fprintf(&b, "%s=%s", e.coords[j].Axis, e.coords[j].Value)
		sep = " "
	}
	if b.Len() > 0 {
		path += " (" + b.String() + ")"
	}
	return &Error{File: e.s.File, Line: line, Path: path, Msg: msg}
}
