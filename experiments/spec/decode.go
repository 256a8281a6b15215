package spec

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"go.yaml.in/yaml/v3"

	"github.com/raftsim/raftsim/internal/yamlnode"
)

// Error is a problem with a spec, placed in its file. Its text is one line:
//
//	spec: quorum.yaml:3: axes[0].to: nodes is axes[1], a later axis: a bound may only name an earlier one
//
// An error in settings given on the command line (ParseArgs) names the flag instead:
//
//	--nodes 0: want 1 to 1000
type Error struct {
	File string // as given to Parse; "" when none was
	Line int    // 1-based; 0 when the problem has no single place (a default, the whole file)
	Path string // the field, e.g. "axes[1].to" or "axes[1] (faults=6 at nodes=5)"; "" for the file
	Msg  string
	// Flag and Value, when Flag is set, are the command-line flag (without dashes) and the text it was
	// given, and replace the place.
	Flag, Value string
}

// shownValue is a flag's value as an error shows it: as typed, or quoted when it holds a character
// that is not printable (a newline would split the one line of the error in two).
func shownValue(v string) string {
	if strings.IndexFunc(v, func(r rune) bool { return !unicode.IsPrint(r) }) >= 0 {
		return strconv.Quote(v)
	}
	return v
}

func (e *Error) Error() string {
	if e.Flag != "" {
		// The parsers start their messages with the value they quote; say it once.
		msg := e.Msg
		if e.Value != "" {
			name := strings.ReplaceAll(e.Flag, "-", "_")
			for _, p := range []string{name + ": ", "--" + e.Flag + ": ", e.Value + ": ", strconv.Quote(e.Value) + ": ",
				"--" + e.Flag + " " + e.Value + " ", name + " " + e.Value + " "} {
				// "faults 6 > nodes 5" keeps its subject: "> nodes 5" alone does not read.
				if rest := strings.TrimPrefix(msg, p); rest != msg && !strings.ContainsAny(rest[:min(1, len(rest))], "<>=") {
					msg = rest
				}
			}
		}
		if e.Value == "" {
			return "--" + e.Flag + ": " + msg
		}
		return "--" + e.Flag + " " + shownValue(e.Value) + ": " + msg
	}
	var b strings.Builder
	b.WriteString("spec: ")
	switch {
	case e.File != "" && e.Line > 0:
		fmt.Fprintf(&b, "%s:%d: ", e.File, e.Line)
	case e.File != "":
		b.WriteString(e.File + ": ")
	case e.Line > 0:
		fmt.Fprintf(&b, "line %d: ", e.Line)
	}
	if e.Path != "" {
		b.WriteString(e.Path + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// pos is where a value is: its line and its field path.
type pos struct {
	line int
	path string
}

func (p pos) key(k string) pos { return pos{p.line, join(p.path, k)} }

func join(path, field string) string {
	if path == "" {
		return field
	}
	return path + "." + field
}

func index(path string, i int) string { return fmt.Sprintf("%s[%d]", path, i) }

// decoder walks a YAML node tree strictly: every mapping key must be known, unique and a plain name, and
// every value of the type its field wants.
type decoder struct {
	file string
	// aliases bounds how many aliases the walk follows and what they expand to: a few anchors save
	// typing, but nested aliases can describe exponentially large documents (the "billion laughs"), and
	// one large value quoted by thousands of aliases a canonical form of gigabytes.
	aliases yamlnode.Budget
}

func (d *decoder) errorf(p pos, format string, args ...any) error {
	if e := d.aliases.Err(); e != nil {
		return &Error{File: d.file, Line: e.Line, Msg: e.Msg}
	}
	return &Error{File: d.file, Line: p.line, Path: p.path, Msg: fmt.Sprintf(format, args...)}
}

var yamlLineError = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// syntaxError rewrites a yaml error into the package's one-line form.
func (d *decoder) syntaxError(err error) error {
	msg := strings.ReplaceAll(err.Error(), "\n", "; ")
	if m := yamlLineError.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return &Error{File: d.file, Line: line, Msg: m[2]}
	}
	return &Error{File: d.file, Msg: strings.TrimPrefix(msg, "yaml: ")}
}

// resolve follows aliases to the node they refer to. Past the alias budget it returns a node of no
// kind, which every reader refuses, and every error reported afterwards is the budget's.
func (d *decoder) resolve(n *yaml.Node) *yaml.Node { return d.aliases.Resolve(n) }

// isNull reports whether n is an explicit null (~, null, or nothing after the key).
func (d *decoder) isNull(n *yaml.Node) bool {
	n = d.resolve(n)
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// fields calls fn for every key of the mapping n in file order, with the key's position. Keys must be
// unique scalars.
func (d *decoder) fields(n *yaml.Node, p pos, fn func(key string, v *yaml.Node, p pos) error) error {
	if n = d.resolve(n); n.Kind != yaml.MappingNode {
		return d.errorf(p, "want a mapping, got %s", yamlnode.Describe(n))
	}
	seen := make(map[string]bool, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := d.resolve(n.Content[i]), n.Content[i+1]
		if k.Kind != yaml.ScalarNode || k.ShortTag() != "!!str" {
			return d.errorf(pos{k.Line, p.path}, "want a name as key, got %s", yamlnode.Describe(k))
		}
		kp := pos{k.Line, join(p.path, k.Value)}
		if seen[k.Value] {
			return d.errorf(kp, "duplicate key")
		}
		seen[k.Value] = true
		if err := fn(k.Value, v, kp); err != nil {
			return err
		}
	}
	return nil
}

// seq calls fn for every item of the list n, with the item's position.
func (d *decoder) seq(n *yaml.Node, p pos, fn func(i int, item *yaml.Node, p pos) error) error {
	if n = d.resolve(n); n.Kind != yaml.SequenceNode {
		return d.errorf(p, "want a list, got %s", yamlnode.Describe(n))
	}
	for i, item := range n.Content {
		if err := fn(i, item, pos{item.Line, index(p.path, i)}); err != nil {
			return err
		}
	}
	return nil
}

// items is seq for a field that takes one value or a list of them.
func (d *decoder) items(n *yaml.Node, p pos, fn func(i int, item *yaml.Node, p pos) error) error {
	if r := d.resolve(n); r.Kind != yaml.SequenceNode {
		return fn(0, r, p)
	}
	return d.seq(n, p, fn)
}

func (d *decoder) scalar(n *yaml.Node, p pos, want string, tags ...string) (*yaml.Node, error) {
	if n = d.resolve(n); n.Kind != yaml.ScalarNode || !slices.Contains(tags, n.ShortTag()) {
		return nil, d.errorf(p, "want %s, got %s", want, yamlnode.Describe(n))
	}
	return n, nil
}

// leadingZero matches an integer written with a leading zero, which YAML reads as octal ("010" is 8):
// a reader expects ten, so neither is taken; 0o10 says octal plainly.
var leadingZero = regexp.MustCompile(`^[-+]?0[0-9_]`)

func (d *decoder) int(n *yaml.Node, p pos) (int64, error) {
	n, err := d.scalar(n, p, "an integer", "!!int")
	if err != nil {
		return 0, err
	}
	if leadingZero.MatchString(n.Value) {
		return 0, d.errorf(p, "%s: an integer with a leading zero is octal in YAML; write it without (or 0o%s for octal)", n.Value, strings.TrimLeft(n.Value, "+-0"))
	}
	var x int64
	if err := n.Decode(&x); err != nil {
		return 0, d.errorf(p, "integer %s out of range", n.Value)
	}
	return x, nil
}

func (d *decoder) uint(n *yaml.Node, p pos) (uint64, error) {
	n, err := d.scalar(n, p, "a non-negative integer", "!!int")
	if err != nil {
		return 0, err
	}
	if leadingZero.MatchString(n.Value) {
		return 0, d.errorf(p, "%s: an integer with a leading zero is octal in YAML; write it without (or 0o%s for octal)", n.Value, strings.TrimLeft(n.Value, "+-0"))
	}
	var x uint64
	if err := n.Decode(&x); err != nil {
		return 0, d.errorf(p, "want an integer from 0 to %d, got %s", uint64(math.MaxUint64), n.Value)
	}
	return x, nil
}

// float reads a finite number.
func (d *decoder) float(n *yaml.Node, p pos) (float64, error) {
	n, err := d.scalar(n, p, "a number", "!!int", "!!float")
	if err != nil {
		return 0, err
	}
	var x float64
	if err := n.Decode(&x); err != nil {
		return 0, d.errorf(p, "number %s out of range", n.Value)
	}
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return 0, d.errorf(p, "want a finite number, got %s", n.Value)
	}
	return x + 0, nil // no negative zero
}

func (d *decoder) bool(n *yaml.Node, p pos) (bool, error) {
	n, err := d.scalar(n, p, "true or false", "!!bool")
	if err != nil {
		return false, err
	}
	var x bool
	if err := n.Decode(&x); err != nil {
		return false, d.errorf(p, "bad boolean %s", n.Value)
	}
	return x, nil
}

// str accepts any non-null scalar but a boolean: "latency: 0" is an integer to YAML but a fine spec here.
func (d *decoder) str(n *yaml.Node, p pos) (string, error) {
	n, err := d.scalar(n, p, "a string", "!!str", "!!int", "!!float")
	if err != nil {
		return "", err
	}
	return n.Value, nil
}

var nameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)

// name reads an identifier: lower-case letters, digits, '_' and '-'.
func (d *decoder) name(n *yaml.Node, p pos) (string, error) {
	s, err := d.str(n, p)
	if err != nil {
		return "", err
	}
	if !nameRE.MatchString(s) || len(s) > 64 {
		return "", d.errorf(p, "%q: want a name of at most 64 lower-case letters, digits, '_' and '-', starting with a letter or digit", s)
	}
	return s, nil
}

// unknown reports a key the mapping does not take.
func (d *decoder) unknown(p pos, want []string) error {
	return d.errorf(p, "unknown field (want %s)", strings.Join(want, ", "))
}
