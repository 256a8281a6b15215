package topology

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/raftsim/raftsim/internal/yamlnode"
)

// fileErrorf formats an error about a topology file as
// "topology: NAME[:LINE]: [PATH: ]MESSAGE".
func fileErrorf(name string, p pos, format string, args ...any) error {
	prefix := "topology: " + name
	if p.line > 0 {
		prefix += ":" + strconv.Itoa(p.line)
	}
	prefix += ": "
	if p.path != "" {
		prefix += p.path + ": "
	}
	return fmt.Errorf("%s"+format, append([]any{prefix}, args...)...)
}

// Field lists for "unknown field" messages.
const (
	topFields       = "nodes, base, defaults, groups, regions, links, edges, node"
	linkFields      = "latency, loss, bandwidth, dup, reorder"
	edgeFields      = "from, to, both, remove, " + linkFields
	groupLinkFields = "between, within, remove, " + linkFields
	regionFields    = "name, nodes, " + linkFields
)

func index(path string, i int) string { return fmt.Sprintf("%s[%d]", path, i) }

// ---- YAML ----

// yamlDecoder walks a topology file's nodes. aliases bounds how many aliases the walk follows and what
// they expand to: a group of a million nodes quoted by a million aliases is a small file.
type yamlDecoder struct {
	name    string
	aliases *yamlnode.Budget
}

func (d yamlDecoder) errorf(line int, path, format string, args ...any) error {
	if e := d.aliases.Err(); e != nil {
		return fileErrorf(d.name, pos{line: e.Line}, "%s", e.Msg)
	}
	return fileErrorf(d.name, pos{line, path}, format, args...)
}

var yamlLineError = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// syntaxError rewrites a yaml error into the package's one-line form.
func (d yamlDecoder) syntaxError(err error) error {
	msg := strings.ReplaceAll(err.Error(), "\n", "; ")
	if m := yamlLineError.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return d.errorf(line, "", "%s", m[2])
	}
	return d.errorf(0, "", "%s", strings.TrimPrefix(msg, "yaml: "))
}

func decodeYAML(data []byte, name string) (*rawFile, error) {
	d := yamlDecoder{name: name, aliases: new(yamlnode.Budget)}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, d.errorf(0, "", "empty file")
		}
		return nil, d.syntaxError(err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		if err != nil {
			return nil, d.syntaxError(err)
		}
		return nil, d.errorf(extra.Line, "", "more than one YAML document")
	}
	if len(doc.Content) == 0 {
		return nil, d.errorf(0, "", "empty file")
	}
	root := doc.Content[0]
	f := &rawFile{pos: pos{line: root.Line}}
	err := d.fields(root, "", func(key string, v *yaml.Node, p pos) error {
		var err error
		switch key {
		case "nodes":
			f.nodes, err = d.int(v, p)
		case "base":
			f.base, err = d.str(v, p)
		case "defaults":
			err = d.fields(v, p.path, func(key string, v *yaml.Node, p pos) error {
				if ok, err := d.linkField(&f.defaults, key, v, p); ok || err != nil {
					return err
				}
				return d.errorf(p.line, p.path, "unknown field (want %s)", linkFields)
			})
		case "groups":
			err = d.fields(v, p.path, func(key string, v *yaml.Node, p pos) error {
				g := rawGroup{pos: p, name: key}
				err := d.seq(v, p, func(item *yaml.Node, p pos) error {
					id, err := d.int(item, p)
					g.nodes = append(g.nodes, id)
					return err
				})
				f.groups = append(f.groups, g)
				return err
			})
		case "regions":
			err = d.seq(v, p, func(item *yaml.Node, p pos) error {
				r, err := d.region(item, p)
				f.regions = append(f.regions, r)
				return err
			})
		case "node":
			err = d.seq(v, p, func(item *yaml.Node, p pos) error {
				s, err := d.str(item, p)
				f.nodeSettings = append(f.nodeSettings, s)
				return err
			})
		case "links":
			err = d.seq(v, p, func(item *yaml.Node, p pos) error {
				gl, err := d.groupLink(item, p)
				f.links = append(f.links, gl)
				return err
			})
		case "edges":
			err = d.seq(v, p, func(item *yaml.Node, p pos) error {
				e, err := d.edge(item, p)
				f.edges = append(f.edges, e)
				return err
			})
		default:
			return d.errorf(p.line, p.path, "unknown field (want %s)", topFields)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return f, nil
}

func (d yamlDecoder) edge(n *yaml.Node, at pos) (rawEdge, error) {
	e := rawEdge{pos: at}
	err := d.fields(n, at.path, func(key string, v *yaml.Node, p pos) error {
		var err error
		switch key {
		case "from":
			e.from, err = d.int(v, p)
		case "to":
			e.to, err = d.int(v, p)
		case "both":
			e.both, err = d.bool(v, p)
		case "remove":
			e.remove, err = d.bool(v, p)
		default:
			var ok bool
			if ok, err = d.linkField(&e.link, key, v, p); !ok && err == nil {
				err = d.errorf(p.line, p.path, "unknown field (want %s)", edgeFields)
			}
		}
		return err
	})
	return e, err
}

func (d yamlDecoder) region(n *yaml.Node, at pos) (rawRegion, error) {
	r := rawRegion{pos: at}
	err := d.fields(n, at.path, func(key string, v *yaml.Node, p pos) error {
		var err error
		switch key {
		case "name":
			r.name, err = d.str(v, p)
		case "nodes":
			r.hasNodes, r.nodesPos = true, p
			err = d.seq(v, p, func(item *yaml.Node, p pos) error {
				id, err := d.int(item, p)
				r.nodes = append(r.nodes, id)
				return err
			})
		default:
			var ok bool
			if ok, err = d.linkField(&r.link, key, v, p); !ok && err == nil {
				err = d.errorf(p.line, p.path, "unknown field (want %s)", regionFields)
			}
		}
		return err
	})
	return r, err
}

func (d yamlDecoder) groupLink(n *yaml.Node, at pos) (rawGroupLink, error) {
	gl := rawGroupLink{pos: at}
	err := d.fields(n, at.path, func(key string, v *yaml.Node, p pos) error {
		var err error
		switch key {
		case "between":
			gl.hasBetw, gl.betwPos = true, p
			err = d.seq(v, p, func(item *yaml.Node, p pos) error {
				s, err := d.str(item, p)
				gl.between = append(gl.between, s)
				return err
			})
		case "within":
			gl.within, err = d.str(v, p)
		case "remove":
			gl.remove, err = d.bool(v, p)
		default:
			var ok bool
			if ok, err = d.linkField(&gl.link, key, v, p); !ok && err == nil {
				err = d.errorf(p.line, p.path, "unknown field (want %s)", groupLinkFields)
			}
		}
		return err
	})
	return gl, err
}

// linkField decodes key into l if it is a link field.
func (d yamlDecoder) linkField(l *rawLink, key string, v *yaml.Node, p pos) (bool, error) {
	var err error
	switch key {
	case "latency":
		l.latency, err = d.str(v, p)
	case "loss":
		l.loss, err = d.float(v, p)
	case "bandwidth":
		l.bandwidth, err = d.str(v, p)
	case "dup":
		l.dup, err = d.float(v, p)
	case "reorder":
		l.reorder, err = d.float(v, p)
	default:
		return false, nil
	}
	return true, err
}

// resolve follows aliases to the node they refer to. Past the alias budget it returns a node of no
// kind, which every reader refuses, and every error reported afterwards is the budget's.
func (d yamlDecoder) resolve(n *yaml.Node) *yaml.Node { return d.aliases.Resolve(n) }

// fields calls fn for every key of the mapping n in file order. Keys must
// be unique scalars.
func (d yamlDecoder) fields(n *yaml.Node, path string, fn func(key string, v *yaml.Node, p pos) error) error {
	line := n.Line
	if n = d.resolve(n); n.Kind != yaml.MappingNode {
		return d.errorf(line, path, "want a mapping, got %s", yamlnode.Describe(n))
	}
	seen := make(map[string]bool, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := d.resolve(n.Content[i]), n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			return d.errorf(k.Line, path, "want a name as key, got %s", yamlnode.Describe(k))
		}
		p := pos{v.Line, join(path, k.Value)}
		if seen[k.Value] {
			return d.errorf(k.Line, p.path, "duplicate key")
		}
		seen[k.Value] = true
		if err := fn(k.Value, v, p); err != nil {
			return err
		}
	}
	return nil
}

// seq calls fn for every item of the sequence n.
func (d yamlDecoder) seq(n *yaml.Node, at pos, fn func(item *yaml.Node, p pos) error) error {
	if n = d.resolve(n); n.Kind != yaml.SequenceNode {
		return d.errorf(at.line, at.path, "want a list, got %s", yamlnode.Describe(n))
	}
	for i, item := range n.Content {
		if err := fn(item, pos{item.Line, index(at.path, i)}); err != nil {
			return err
		}
	}
	return nil
}

func (d yamlDecoder) scalar(n *yaml.Node, p pos, want string, tags ...string) (*yaml.Node, error) {
	if n = d.resolve(n); n.Kind != yaml.ScalarNode || !slices.Contains(tags, n.ShortTag()) {
		return nil, d.errorf(p.line, p.path, "want %s, got %s", want, yamlnode.Describe(n))
	}
	return n, nil
}

func (d yamlDecoder) int(n *yaml.Node, p pos) (rawInt, error) {
	n, err := d.scalar(n, p, "an integer", "!!int")
	if err != nil {
		return rawInt{}, err
	}
	var x int64
	if err := n.Decode(&x); err != nil {
		return rawInt{}, d.errorf(p.line, p.path, "integer %s out of range", n.Value)
	}
	return rawInt{p, true, x}, nil
}

func (d yamlDecoder) float(n *yaml.Node, p pos) (rawFloat, error) {
	n, err := d.scalar(n, p, "a number", "!!int", "!!float")
	if err != nil {
		return rawFloat{}, err
	}
	var x float64
	if err := n.Decode(&x); err != nil {
		return rawFloat{}, d.errorf(p.line, p.path, "number %s out of range", n.Value)
	}
	return rawFloat{p, true, x}, nil
}

func (d yamlDecoder) bool(n *yaml.Node, p pos) (rawBool, error) {
	n, err := d.scalar(n, p, "true or false", "!!bool")
	if err != nil {
		return rawBool{}, err
	}
	var x bool
	if err := n.Decode(&x); err != nil {
		return rawBool{}, d.errorf(p.line, p.path, "bad boolean %s", n.Value)
	}
	return rawBool{p, true, x}, nil
}

// str accepts any non-null scalar: "latency: 0" is an integer to YAML but
// a fine spec here.
func (d yamlDecoder) str(n *yaml.Node, p pos) (rawString, error) {
	n, err := d.scalar(n, p, "a string", "!!str", "!!int", "!!float")
	if err != nil {
		return rawString{}, err
	}
	return rawString{p, true, n.Value}, nil
}

// ---- JSON ----

type jsonFile struct {
	Nodes    *int64            `json:"nodes"`
	Base     *string           `json:"base"`
	Defaults json.RawMessage   `json:"defaults"`
	Groups   json.RawMessage   `json:"groups"`
	Regions  []json.RawMessage `json:"regions"`
	Links    []json.RawMessage `json:"links"`
	Edges    []json.RawMessage `json:"edges"`
	Node     []json.RawMessage `json:"node"`
}

type jsonLink struct {
	Latency   *string         `json:"latency"`
	Loss      *float64        `json:"loss"`
	Bandwidth json.RawMessage `json:"bandwidth"` // a string, or a number such as 0
	Dup       *float64        `json:"dup"`
	Reorder   *float64        `json:"reorder"`
}

// jsonEdge and jsonGroupLink repeat jsonLink's fields rather than embed it:
// encoding/json would name an embedded struct in error field paths.
type jsonEdge struct {
	From      *int64          `json:"from"`
	To        *int64          `json:"to"`
	Both      *bool           `json:"both"`
	Remove    *bool           `json:"remove"`
	Latency   *string         `json:"latency"`
	Loss      *float64        `json:"loss"`
	Bandwidth json.RawMessage `json:"bandwidth"`
	Dup       *float64        `json:"dup"`
	Reorder   *float64        `json:"reorder"`
}

type jsonGroupLink struct {
	Between   *[]string       `json:"between"`
	Within    *string         `json:"within"`
	Remove    *bool           `json:"remove"`
	Latency   *string         `json:"latency"`
	Loss      *float64        `json:"loss"`
	Bandwidth json.RawMessage `json:"bandwidth"`
	Dup       *float64        `json:"dup"`
	Reorder   *float64        `json:"reorder"`
}

type jsonRegion struct {
	Name      *string         `json:"name"`
	Nodes     *[]int64        `json:"nodes"`
	Latency   *string         `json:"latency"`
	Loss      *float64        `json:"loss"`
	Bandwidth json.RawMessage `json:"bandwidth"`
	Dup       *float64        `json:"dup"`
	Reorder   *float64        `json:"reorder"`
}

type jsonDecoder struct {
	name string
	data []byte
}

func (d jsonDecoder) errorf(path, format string, args ...any) error {
	return fileErrorf(d.name, pos{0, path}, format, args...)
}

// decode strictly decodes data into v; path and fields place and explain
// errors.
func (d jsonDecoder) decode(data []byte, v any, path, fields string) error {
	if fields != "" {
		if err := d.checkKeys(data, path, fields); err != nil {
			return err
		}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		if _, err := dec.Token(); !errors.Is(err, io.EOF) {
			return d.errorf(path, "unexpected data after the JSON value")
		}
		return nil
	}
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	msg := strings.TrimPrefix(err.Error(), "json: ")
	switch {
	case errors.Is(err, io.EOF):
		return d.errorf(path, "empty file")
	case errors.As(err, &typeErr):
		if typeErr.Field != "" {
			path = join(path, typeErr.Field)
		}
		return d.errorf(path, "want %s, got %s", jsonWant(typeErr.Type), jsonGot(typeErr.Value))
	case errors.As(err, &syntaxErr):
		// Only the whole file is decoded from text; nested values are
		// already valid JSON. So the offset is into the file.
		line := 1 + bytes.Count(d.data[:min(int(syntaxErr.Offset), len(d.data))], []byte("\n"))
		return fileErrorf(d.name, pos{line, ""}, "%s", msg)
	case strings.HasPrefix(msg, "unknown field "):
		field, uerr := strconv.Unquote(strings.TrimPrefix(msg, "unknown field "))
		if uerr != nil {
			field = strings.TrimPrefix(msg, "unknown field ")
		}
		return d.errorf(join(path, field), "unknown field (want %s)", fields)
	}
	return d.errorf(path, "%s", msg)
}

// anyKey as the fields of checkKeys accepts any key, only checking for
// duplicates.
const anyKey = "*"

// checkKeys rejects keys of the object in data that are not exactly in
// fields, or that repeat. encoding/json alone would accept "Nodes" for
// "nodes" and let a repeated key silently win. Anything that is not a
// well-formed object is left for the real decode to report.
func (d jsonDecoder) checkKeys(data []byte, path, fields string) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil
	}
	allowed := strings.Split(fields, ", ")
	seen := make(map[string]bool)
	for dec.More() {
		tok, err := dec.Token()
		key, ok := tok.(string)
		if err != nil || !ok {
			return nil
		}
		switch {
		case fields != anyKey && !slices.Contains(allowed, key):
			return d.errorf(join(path, key), "unknown field (want %s)", fields)
		case seen[key]:
			return d.errorf(join(path, key), "duplicate key")
		}
		seen[key] = true
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return nil
		}
	}
	return nil
}

func jsonWant(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Int64:
		return "an integer"
	case reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice:
		return "a list"
	case reflect.Struct, reflect.Map:
		return "a mapping"
	}
	return t.String()
}

func jsonGot(v string) string {
	switch v {
	case "array":
		return "a list"
	case "object":
		return "a mapping"
	case "bool":
		return "a boolean"
	case "string", "number":
		return "a " + v
	}
	return v // e.g. "number 1.5"
}

func decodeJSON(data []byte, name string) (*rawFile, error) {
	d := jsonDecoder{name: name, data: data}
	var jf jsonFile
	if err := d.decode(data, &jf, "", topFields); err != nil {
		return nil, err
	}
	f := &rawFile{}
	if jf.Nodes != nil {
		f.nodes = rawInt{pos{0, "nodes"}, true, *jf.Nodes}
	}
	if jf.Base != nil {
		f.base = rawString{pos{0, "base"}, true, *jf.Base}
	}
	if len(jf.Defaults) > 0 && string(jf.Defaults) != "null" {
		var jl jsonLink
		if err := d.decode(jf.Defaults, &jl, "defaults", linkFields); err != nil {
			return nil, err
		}
		var err error
		if f.defaults, err = d.link(jl, "defaults"); err != nil {
			return nil, err
		}
	}
	if len(jf.Groups) > 0 && string(jf.Groups) != "null" {
		var groups map[string][]json.RawMessage
		if err := d.decode(jf.Groups, &groups, "groups", anyKey); err != nil {
			return nil, err
		}
		names := make([]string, 0, len(groups))
		for name := range groups {
			names = append(names, name)
		}
		slices.Sort(names) // JSON objects are unordered; be deterministic
		for _, name := range names {
			p := pos{0, join("groups", name)}
			g := rawGroup{pos: p, name: name}
			for i, raw := range groups[name] {
				var id int64
				ip := index(p.path, i)
				if err := d.decode(raw, &id, ip, ""); err != nil {
					return nil, err
				}
				g.nodes = append(g.nodes, rawInt{pos{0, ip}, true, id})
			}
			f.groups = append(f.groups, g)
		}
	}
	for i, raw := range jf.Regions {
		p := index("regions", i)
		var jr jsonRegion
		if err := d.decode(raw, &jr, p, regionFields); err != nil {
			return nil, err
		}
		r := rawRegion{pos: pos{0, p}}
		if jr.Name != nil {
			r.name = rawString{pos{0, join(p, "name")}, true, *jr.Name}
		}
		if jr.Nodes != nil {
			r.hasNodes, r.nodesPos = true, pos{0, join(p, "nodes")}
			for j, id := range *jr.Nodes {
				r.nodes = append(r.nodes, rawInt{pos{0, index(r.nodesPos.path, j)}, true, id})
			}
		}
		var err error
		if r.link, err = d.link(jsonLink{jr.Latency, jr.Loss, jr.Bandwidth, jr.Dup, jr.Reorder}, p); err != nil {
			return nil, err
		}
		f.regions = append(f.regions, r)
	}
	for i, raw := range jf.Links {
		p := index("links", i)
		var jl jsonGroupLink
		if err := d.decode(raw, &jl, p, groupLinkFields); err != nil {
			return nil, err
		}
		gl := rawGroupLink{pos: pos{0, p}}
		if jl.Between != nil {
			gl.hasBetw, gl.betwPos = true, pos{0, join(p, "between")}
			for j, s := range *jl.Between {
				gl.between = append(gl.between, rawString{pos{0, index(gl.betwPos.path, j)}, true, s})
			}
		}
		if jl.Within != nil {
			gl.within = rawString{pos{0, join(p, "within")}, true, *jl.Within}
		}
		if jl.Remove != nil {
			gl.remove = rawBool{pos{0, join(p, "remove")}, true, *jl.Remove}
		}
		var err error
		if gl.link, err = d.link(jsonLink{jl.Latency, jl.Loss, jl.Bandwidth, jl.Dup, jl.Reorder}, p); err != nil {
			return nil, err
		}
		f.links = append(f.links, gl)
	}
	for i, raw := range jf.Node {
		p := index("node", i)
		var s string
		if err := d.decode(raw, &s, p, ""); err != nil {
			return nil, err
		}
		f.nodeSettings = append(f.nodeSettings, rawString{pos{0, p}, true, s})
	}
	for i, raw := range jf.Edges {
		p := index("edges", i)
		var je jsonEdge
		if err := d.decode(raw, &je, p, edgeFields); err != nil {
			return nil, err
		}
		e := rawEdge{pos: pos{0, p}}
		if je.From != nil {
			e.from = rawInt{pos{0, join(p, "from")}, true, *je.From}
		}
		if je.To != nil {
			e.to = rawInt{pos{0, join(p, "to")}, true, *je.To}
		}
		if je.Both != nil {
			e.both = rawBool{pos{0, join(p, "both")}, true, *je.Both}
		}
		if je.Remove != nil {
			e.remove = rawBool{pos{0, join(p, "remove")}, true, *je.Remove}
		}
		var err error
		if e.link, err = d.link(jsonLink{je.Latency, je.Loss, je.Bandwidth, je.Dup, je.Reorder}, p); err != nil {
			return nil, err
		}
		f.edges = append(f.edges, e)
	}
	return f, nil
}

func (d jsonDecoder) link(jl jsonLink, path string) (rawLink, error) {
	var l rawLink
	if jl.Latency != nil {
		l.latency = rawString{pos{0, join(path, "latency")}, true, *jl.Latency}
	}
	if jl.Loss != nil {
		l.loss = rawFloat{pos{0, join(path, "loss")}, true, *jl.Loss}
	}
	if jl.Dup != nil {
		l.dup = rawFloat{pos{0, join(path, "dup")}, true, *jl.Dup}
	}
	if jl.Reorder != nil {
		l.reorder = rawFloat{pos{0, join(path, "reorder")}, true, *jl.Reorder}
	}
	if raw := bytes.TrimSpace(jl.Bandwidth); len(raw) > 0 && string(raw) != "null" {
		p := join(path, "bandwidth")
		var s string
		if raw[0] == '"' {
			if err := json.Unmarshal(raw, &s); err != nil {
				return l, d.errorf(p, "%s", strings.TrimPrefix(err.Error(), "json: "))
			}
		} else {
			var num json.Number
			if err := json.Unmarshal(raw, &num); err != nil {
				return l, d.errorf(p, "want a string, got %s", jsonKind(raw))
			}
			s = num.String()
		}
		l.bandwidth = rawString{pos{0, p}, true, s}
	}
	return l, nil
}

// jsonKind names the kind of a JSON value by its first byte.
func jsonKind(raw []byte) string {
	switch raw[0] {
	case '{':
		return "a mapping"
	case '[':
		return "a list"
	case 't', 'f':
		return "a boolean"
	}
	return string(raw)
}
