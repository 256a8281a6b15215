package topology

import (
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/raftsim/raftsim/internal/readfile"
	"github.com/raftsim/raftsim/models/latency"
)

// MaxFileNodes is the largest node count a topology file may declare. The
// graph stores O(n²) per-pair state, so the limit keeps a typo from
// allocating gigabytes. It is the largest cluster a run allows
// (cluster.MaxNodes, which this package cannot import; a test in cluster
// keeps the two equal), so that a file that loads is a file that runs.
const MaxFileNodes = 1000

// MaxRegions is the most regions a topology file may declare: as many as a cluster may have nodes (a
// region per node). The graph keeps the link between every two regions, R² of them.
const MaxRegions = MaxFileNodes

// Load reads a topology file; the format is chosen by the extension (.yaml,
// .yml or .json, case-insensitive). def supplies every link parameter the
// file leaves out. See the package documentation for the format. Only a
// regular file of at most readfile.SpecLimit bytes is read.
func Load(path string, def Link) (*Graph, error) {
	if _, err := formatOf(path); err != nil {
		return nil, err
	}
	data, err := readfile.ReadFile(path, readfile.SpecLimit)
	if err != nil {
		return nil, fmt.Errorf("topology: %w", err)
	}
	return Parse(data, path, def)
}

// Parse parses a topology file's contents. name is used in error messages
// and its extension selects the format, as for Load. Errors are one line
// naming the file, the line (YAML only) and the field, e.g.
//
//	topology: net.yaml:7: edges[2].loss: 1.5 not in [0,1]
func Parse(data []byte, name string, def Link) (*Graph, error) {
	return parse(data, name, def, MaxFileNodes)
}

func parse(data []byte, name string, def Link, maxNodes int64) (*Graph, error) {
	format, err := formatOf(name)
	if err != nil {
		return nil, err
	}
	var f *rawFile
	if format == "json" {
		f, err = decodeJSON(data, name)
	} else {
		f, err = decodeYAML(data, name)
	}
	if err != nil {
		return nil, err
	}
	b := builder{name: name, maxNodes: maxNodes}
	return b.build(f, def)
}

func formatOf(name string) (string, error) {
	switch ext := strings.ToLower(filepath.Ext(name)); ext {
	case ".yaml", ".yml":
		return "yaml", nil
	case ".json":
		return "json", nil
	default:
		return "", fmt.Errorf("topology: %s: unknown file extension %q (want .yaml, .yml or .json)", name, ext)
	}
}

// The raw* types are what a file says, before any semantic check, with the
// position of every value so that errors can point at it. Both the YAML
// and the JSON decoder produce them, so both formats share one set of
// rules and messages.

// pos locates a value: its line (0 when unknown, as for JSON) and its
// field path, e.g. "edges[2].loss".
type pos struct {
	line int
	path string
}

type rawInt struct {
	pos
	set bool
	v   int64
}

type rawFloat struct {
	pos
	set bool
	v   float64
}

type rawBool struct {
	pos
	set bool
	v   bool
}

type rawString struct {
	pos
	set bool
	v   string
}

type rawLink struct {
	latency, bandwidth rawString
	loss               rawFloat
	dup, reorder       rawFloat
}

// firstSet returns the position of the first field l sets, if any.
func (l rawLink) firstSet() (pos, bool) {
	switch {
	case l.latency.set:
		return l.latency.pos, true
	case l.loss.set:
		return l.loss.pos, true
	case l.bandwidth.set:
		return l.bandwidth.pos, true
	case l.dup.set:
		return l.dup.pos, true
	case l.reorder.set:
		return l.reorder.pos, true
	}
	return pos{}, false
}

type rawEdge struct {
	pos          // of the entry
	from, to     rawInt
	both, remove rawBool
	link         rawLink
}

type rawGroup struct {
	pos   // of the node list
	name  string
	nodes []rawInt
}

type rawGroupLink struct {
	pos     // of the entry
	between []rawString
	within  rawString
	hasBetw bool
	betwPos pos
	remove  rawBool
	link    rawLink
}

type rawRegion struct {
	pos      // of the entry
	name     rawString
	nodes    []rawInt
	hasNodes bool
	nodesPos pos
	link     rawLink // within the region
}

type rawFile struct {
	pos      // of the top-level mapping
	nodes    rawInt
	base     rawString
	defaults rawLink
	groups   []rawGroup
	regions  []rawRegion
	links    []rawGroupLink
	edges    []rawEdge
	// nodeSettings are per-node settings, "ID:key=value,…" (cluster.NodeSettings), beside the links.
	nodeSettings []rawString
}

// CheckNodeSetting, when set, checks a per-node setting's text beyond its node ID, which the file's
// loader checks itself. Package cluster, which owns the settings' syntax and imports this package, sets
// it, so that a file with a bad setting is refused where it is read, naming its line.
var CheckNodeSetting func(s string) error

// builder turns a rawFile into a Graph, checking everything a decoder
// cannot: ranges, references and the meaning of strings.
type builder struct {
	name     string
	maxNodes int64
	n        int64
	// nodes, when not 0, is the node count of a file that does not give one (a preset: see Preset).
	nodes int64
}

func (b *builder) errorf(p pos, format string, args ...any) error {
	return fileErrorf(b.name, p, format, args...)
}

func (b *builder) node(r rawInt) (int64, error) {
	if r.v < 1 || r.v > b.n {
		return 0, b.errorf(r.pos, "node %d not in 1..%d", r.v, b.n)
	}
	return r.v, nil
}

// overlay returns base with the fields r sets replaced, each checked.
func (b *builder) overlay(r rawLink, base Link) (Link, error) {
	l := base
	if r.latency.set {
		d, err := latency.Parse(r.latency.v)
		if err != nil {
			return Link{}, b.errorf(r.latency.pos, "%w", err)
		}
		l.Latency = d
	}
	if r.loss.set {
		if !(r.loss.v >= 0 && r.loss.v <= 1) {
			return Link{}, b.errorf(r.loss.pos, "%s not in [0,1]", strconv.FormatFloat(r.loss.v, 'g', -1, 64))
		}
		l.Loss = r.loss.v
	}
	for _, pr := range []struct {
		r rawFloat
		v *float64
	}{{r.dup, &l.Dup}, {r.reorder, &l.Reorder}} {
		if pr.r.set {
			if !(pr.r.v >= 0 && pr.r.v <= 1) {
				return Link{}, b.errorf(pr.r.pos, "%s not in [0,1]", strconv.FormatFloat(pr.r.v, 'g', -1, 64))
			}
			*pr.v = pr.r.v
		}
	}
	if r.bandwidth.set {
		bw, problem := parseBandwidth(r.bandwidth.v)
		if problem != "" {
			return Link{}, b.errorf(r.bandwidth.pos, "%q: %s", r.bandwidth.v, problem)
		}
		l.Bandwidth = bw
	}
	return l, nil
}

// link is overlay for an entry that creates edges, which need a latency;
// at locates the entry.
func (b *builder) link(r rawLink, base Link, at pos) (Link, error) {
	l, err := b.overlay(r, base)
	if err == nil && l.Latency == nil {
		err = b.errorf(pos{at.line, join(at.path, "latency")}, "missing, and there is no default latency")
	}
	return l, err
}

func join(path, field string) string {
	if path == "" {
		return field
	}
	return path + "." + field
}

func (b *builder) build(f *rawFile, def Link) (*Graph, error) {
	if !f.nodes.set && b.nodes > 0 {
		f.nodes = rawInt{pos{f.line, "nodes"}, true, b.nodes}
	} else if f.nodes.set && b.nodes > 0 {
		return nil, b.errorf(f.nodes.pos, "a preset takes the run's node count and gives none")
	}
	if !f.nodes.set {
		return nil, b.errorf(pos{f.line, "nodes"}, "missing")
	}
	if f.nodes.v < 1 || f.nodes.v > b.maxNodes {
		return nil, b.errorf(f.nodes.pos, "%d not in [1,%d]", f.nodes.v, b.maxNodes)
	}
	b.n = f.nodes.v

	// The caller's default must make sense on its own; its latency may be
	// nil as long as the file supplies one wherever it is needed.
	chk := def
	if chk.Latency == nil {
		chk.Latency = latency.Const(0)
	}
	if err := chk.Validate(); err != nil {
		return nil, fmt.Errorf("topology: %s: default link: %w", b.name, err)
	}
	dl, err := b.overlay(f.defaults, def)
	if err != nil {
		return nil, err
	}

	var g *Graph
	switch kind := f.base.v; kind {
	case "", "none":
		g = New(int(b.n))
	default:
		gen := -1
		for i, x := range generators {
			if x.name == kind {
				gen = i
			}
		}
		if gen < 0 {
			return nil, b.errorf(f.base.pos, "unknown topology %q (want %s, none)", kind, generatorList)
		}
		if dl.Latency == nil {
			return nil, b.errorf(f.base.pos, "%s needs a latency for its edges: set defaults.latency", kind)
		}
		g = generators[gen].fn(int(b.n), dl)
	}

	groups := make(map[string][]int64)
	for _, grp := range f.groups {
		seen := make(map[int64]bool)
		var ids []int64
		if len(grp.nodes) == 0 {
			return nil, b.errorf(grp.pos, "empty group")
		}
		for _, r := range grp.nodes {
			id, err := b.node(r)
			if err != nil {
				return nil, err
			}
			if seen[id] {
				return nil, b.errorf(r.pos, "node %d listed twice", id)
			}
			seen[id] = true
			ids = append(ids, id)
		}
		groups[grp.name] = ids
		g.SetGroup(grp.name, ids)
	}
	if err := b.applyRegions(g, f.regions, groups, dl); err != nil {
		return nil, err
	}

	for _, gl := range f.links {
		if err := b.applyGroupLink(g, gl, groups, dl); err != nil {
			return nil, err
		}
	}
	for _, e := range f.edges {
		if err := b.applyEdge(g, e, dl); err != nil {
			return nil, err
		}
	}
	for _, ns := range f.nodeSettings {
		id, _, ok := strings.Cut(ns.v, ":")
		if !ok {
			return nil, b.errorf(ns.pos, "%q: want ID:key=value[,key=value], e.g. 3:fsync=lognormal:20ms:1", ns.v)
		}
		if id = strings.TrimSpace(id); id != "all" {
			if x, err := strconv.ParseInt(id, 10, 64); err != nil || x < 1 || x > b.n {
				return nil, b.errorf(ns.pos, "%q: node %q is not in 1..%d (or all)", ns.v, id, b.n)
			}
		}
		if CheckNodeSetting != nil {
			if err := CheckNodeSetting(ns.v); err != nil {
				return nil, b.errorf(ns.pos, "%v", err)
			}
		}
		g.nodeSettings = append(g.nodeSettings, ns.v)
	}
	return g, nil
}

func (b *builder) applyGroupLink(g *Graph, gl rawGroupLink, groups map[string][]int64, dl Link) error {
	lookup := func(r rawString) ([]int64, error) {
		ids, ok := groups[r.v]
		if !ok {
			return nil, b.errorf(r.pos, "unknown group %q", r.v)
		}
		return ids, nil
	}
	var sets [][]int64
	switch {
	case gl.hasBetw && gl.within.set:
		return b.errorf(gl.pos, "between and within are exclusive")
	case gl.within.set:
		ids, err := lookup(gl.within)
		if err != nil {
			return err
		}
		sets = [][]int64{ids}
	case gl.hasBetw:
		if len(gl.between) < 2 {
			return b.errorf(gl.betwPos, "want at least 2 groups, got %d", len(gl.between))
		}
		for i, r := range gl.between {
			for _, prev := range gl.between[:i] {
				if prev.v == r.v {
					return b.errorf(r.pos, "group %q listed twice", r.v)
				}
			}
			ids, err := lookup(r)
			if err != nil {
				return err
			}
			sets = append(sets, ids)
		}
	default:
		return b.errorf(gl.pos, "want between or within")
	}
	var l Link
	if gl.remove.set && gl.remove.v {
		if p, ok := gl.link.firstSet(); ok {
			return b.errorf(p, "not allowed with remove: true")
		}
	} else {
		var err error
		if l, err = b.link(gl.link, dl, gl.pos); err != nil {
			return err
		}
	}
	apply := func(u, v int64) {
		switch {
		case u == v:
		case gl.remove.v:
			g.RemoveLink(u, v)
		default:
			g.SetLink(u, v, l)
		}
	}
	b.regionLinks(g, gl, l)
	if len(sets) == 1 { // within
		for _, u := range sets[0] {
			for _, v := range sets[0] {
				apply(u, v)
			}
		}
		return nil
	}
	for i, a := range sets {
		for _, c := range sets[i+1:] {
			for _, u := range a {
				for _, v := range c {
					apply(u, v)
					apply(v, u)
				}
			}
		}
	}
	return nil
}

func (b *builder) applyEdge(g *Graph, e rawEdge, dl Link) error {
	for _, r := range []struct {
		v    rawInt
		name string
	}{{e.from, "from"}, {e.to, "to"}} {
		if !r.v.set {
			return b.errorf(pos{e.line, join(e.path, r.name)}, "missing")
		}
	}
	from, err := b.node(e.from)
	if err != nil {
		return err
	}
	to, err := b.node(e.to)
	if err != nil {
		return err
	}
	if from == to {
		return b.errorf(e.to.pos, "self loop %d->%d", from, to)
	}
	pairs := []Edge{{from, to}}
	if e.both.v {
		pairs = append(pairs, Edge{to, from})
	}
	if e.remove.v {
		if p, ok := e.link.firstSet(); ok {
			return b.errorf(p, "not allowed with remove: true")
		}
		for _, p := range pairs {
			if _, ok := g.Link(p.From, p.To); !ok {
				return b.errorf(e.remove.pos, "no edge %v to remove", p)
			}
		}
		for _, p := range pairs {
			g.RemoveLink(p.From, p.To)
		}
		return nil
	}
	l, err := b.link(e.link, dl, e.pos)
	if err != nil {
		return err
	}
	for _, p := range pairs {
		g.SetLink(p.From, p.To, l)
	}
	return nil
}

// applyRegions declares the file's regions: each becomes a group of its name, the edges between its
// nodes take its link, and the graph remembers the regions (Graph.Regions). Either every region lists
// its nodes, and every node is in exactly one, or none does, and node i is in region (i-1) mod R, so
// that a cluster of any size spreads over them evenly and the first R nodes are one per region.
func (b *builder) applyRegions(g *Graph, rs []rawRegion, groups map[string][]int64, dl Link) error {
	if len(rs) == 0 {
		return nil
	}
	if len(rs) > MaxRegions {
		// The graph keeps a link between every two regions: R² of them, so a file of a megabyte
		// declaring 60,000 regions would ask for gigabytes.
		return b.errorf(pos{rs[0].line, "regions"}, "%d regions: at most %d (the links between regions grow as their square)", len(rs), MaxRegions)
	}
	names := make([]string, len(rs))
	declared := make(map[string]bool, len(rs))
	of := make([]int, b.n)
	for i := range of {
		of[i] = -1
	}
	listed := rs[0].hasNodes
	for i, r := range rs {
		switch {
		case !r.name.set:
			return b.errorf(pos{r.line, join(r.path, "name")}, "missing")
		case r.name.v == "":
			return b.errorf(r.name.pos, "empty name")
		case declared[r.name.v]:
			return b.errorf(r.name.pos, "region %q declared twice", r.name.v)
		}
		declared[r.name.v] = true
		if _, ok := groups[r.name.v]; ok {
			return b.errorf(r.name.pos, "%q is already a group: a region is a group of its own name", r.name.v)
		}
		if r.hasNodes != listed {
			return b.errorf(r.pos, "either every region lists its nodes or none does (then node i is in region (i-1) mod %d)", len(rs))
		}
		names[i] = r.name.v
		if listed && len(r.nodes) == 0 {
			return b.errorf(r.nodesPos, "empty region")
		}
		for _, x := range r.nodes {
			id, err := b.node(x)
			if err != nil {
				return err
			}
			if of[id-1] >= 0 {
				return b.errorf(x.pos, "node %d is in region %q already", id, names[of[id-1]])
			}
			of[id-1] = i
		}
	}
	if !listed {
		for i := range of {
			of[i] = i % len(rs)
		}
	} else {
		for i, r := range of {
			if r < 0 {
				return b.errorf(pos{rs[0].line, "regions"}, "node %d is in no region (every region lists its nodes, so every node must be listed)", i+1)
			}
		}
	}
	g.SetRegions(names, of)
	for i, r := range rs {
		var ids []int64
		for id, x := range of {
			if x == i {
				ids = append(ids, int64(id+1))
			}
		}
		groups[r.name.v] = ids
		g.SetGroup(r.name.v, ids)
		l, err := b.link(r.link, dl, r.pos)
		if err != nil {
			return err
		}
		g.SetRegionLink(i, i, l)
		for _, u := range ids {
			for _, v := range ids {
				if u != v {
					g.SetLink(u, v, l)
				}
			}
		}
	}
	return nil
}

// regionLinks records the link a links entry sets between or within regions, for the clients placed
// in them: an entry whose groups are all regions sets (or, with remove, forgets) the region link of
// every pair of them, both ways, as it does their nodes' edges.
func (b *builder) regionLinks(g *Graph, gl rawGroupLink, l Link) {
	if g.regions == nil {
		return
	}
	var idx []int
	for _, r := range append(slices.Clone(gl.between), gl.within) {
		if !r.set {
			continue
		}
		i, ok := g.RegionIndex(r.v)
		if !ok {
			return // a group that is not a region: the entry is about nodes only
		}
		idx = append(idx, i)
	}
	set := func(a, c int) {
		if gl.remove.v {
			g.removeRegionLink(a, c)
		} else {
			g.SetRegionLink(a, c, l)
		}
	}
	if gl.within.set {
		set(idx[0], idx[0])
		return
	}
	for i, a := range idx {
		for _, c := range idx[i+1:] {
			set(a, c)
			set(c, a)
		}
	}
}
