package spec

import (
	"strings"

	"go.yaml.in/yaml/v3"
)

// Arg is one setting given on the command line, as `raftsim run` takes them.
type Arg struct {
	// Flag is the flag without its dashes, as errors name it: "nodes", "crash", "mttf". For a schedule
	// entry it is the entry's kind (crash, restart, cut, restore, partition, isolate, heal).
	Flag string
	// Path is the spec field the flag sets: "seed", "duration", "cluster.nodes",
	// "scenario.schedule" (each Arg one entry), "scenario.leader_crash.after".
	Path string
	// Text is the value as typed.
	Text string
}

// ParseArgs reads one run's settings from the command line through exactly the parsers and the checks
// a spec file goes through — the same domains, the same cross-checks of the scenario against the
// cluster, the same cluster.Config.Validate — so that a flag and a spec field cannot disagree. The
// settings become a spec named "run" with no axis (its plan has one point); what no Arg sets has its
// default. Errors are *Error values whose text names the flag and its value:
//
//	--nodes 0: want 1 to 1000
//	--crash 1@90s: crash 1@1m30s is not before the end of the run (duration 1m0s)
//
// flagOf names the flag that sets a spec path (such as "scenario.crash_recovery.mttr"), for errors about
// a value no Arg gave: a default out of its domain at this point, a required field left out.
func ParseArgs(args []Arg, flagOf func(path string) string) (*Spec, error) {
	// Each Arg becomes a YAML node whose line is its index + 1, so that an error placed at a line names
	// the flag that gave the value.
	root := &yaml.Node{Kind: yaml.MappingNode, Line: 0}
	put(root, "name", strNode("run"))
	for i, a := range args {
		line := i + 1
		keys := strings.Split(a.Path, ".")
		m := root
		for _, k := range keys[:len(keys)-1] {
			m = child(m, k, line, yaml.MappingNode)
		}
		last := keys[len(keys)-1]
		v := argNode(a, line)
		if last == "schedule" {
			seq := child(m, last, line, yaml.SequenceNode)
			v.Value = a.Flag + " " + a.Text
			seq.Content = append(seq.Content, v)
			continue
		}
		if i, ok := byName[last]; ok && registry[i].Kind == List {
			// Another list (node): each flag given is one entry, in command-line order.
			seq := child(m, last, line, yaml.SequenceNode)
			seq.Content = append(seq.Content, v)
			continue
		}
		if old := lookup(m, last); old != nil {
			*old = *v // the last of a repeated flag wins, as on any command line
			continue
		}
		m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: last, Line: line}, v)
	}
	s, err := parseRoot(root, "", false)
	if err != nil {
		return nil, argError(err, args, flagOf)
	}
	return s, nil
}

// child returns the node under key k of mapping m, creating it with the given kind.
func child(m *yaml.Node, k string, line int, kind yaml.Kind) *yaml.Node {
	if n := lookup(m, k); n != nil {
		return n
	}
	n := &yaml.Node{Kind: kind, Line: line}
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: k, Line: line}, n)
	return n
}

func lookup(m *yaml.Node, k string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == k {
			return m.Content[i+1]
		}
	}
	return nil
}

// argNode is an Arg's value as YAML would read it from a spec: numbers and booleans are resolved as a
// plain scalar is, and text parameters stay text whatever they look like ("0", "~", "").
func argNode(a Arg, line int) *yaml.Node {
	n := &yaml.Node{Kind: yaml.ScalarNode, Style: 0, Value: a.Text, Line: line}
	name := a.Path[strings.LastIndexByte(a.Path, '.')+1:]
	if i, ok := byName[name]; ok {
		switch registry[i].Kind {
		case Int, Float, Bool, Choice:
			return n
		}
		n.Tag = "!!str"
		return n
	}
	switch name {
	case "seed", "stale", "stop", "trials":
		return n
	}
	n.Tag = "!!str"
	return n
}

// argError turns an error placed at a line of the synthetic spec into one that names the flag.
func argError(err error, args []Arg, flagOf func(path string) string) error {
	e, ok := err.(*Error)
	if !ok {
		return err
	}
	out := &Error{Msg: flagWords(strings.TrimPrefix(e.Msg, "schedule: "), flagOf)}
	if e.Path == "cluster.node" || strings.HasPrefix(e.Path, "cluster.node[") || e.Path == "cluster.topology" {
		// The keys of --node, and what a topology file's message quotes of the file (its own node:
		// entries), are spelled as in a spec (disk_bandwidth), not as the flags of the same name.
		out.Msg = e.Msg
	}
	// A required field of a mapping parameter (leader_crash, crash_recovery) left out is a flag left out.
	if field, rest, ok := strings.Cut(e.Msg, ": required"); ok && !strings.ContainsAny(field, " .") {
		if f := flagOf(e.Path + "." + field); f != "" {
			out.Msg = "needs --" + f + rest
		}
	}
	if e.Line >= 1 && e.Line <= len(args) {
		a := args[e.Line-1]
		out.Flag, out.Value = a.Flag, a.Text
		// A node entry blamed by the cluster's check names itself in the message; the line is the
		// list's, the first --node's.
		if e.Path == "cluster.node" && strings.HasPrefix(e.Msg, "node: ") {
			out.Value, out.Msg = "", strings.TrimPrefix(e.Msg, "node: ")
		}
		// A field of a mapping parameter blamed by the cluster's check ("flap: links: 1<->9: node 9 is
		// not in 1..5") is the flag that set that field, not the first flag of the mapping.
		if name, rest, ok := strings.Cut(e.Msg, ": "); ok && e.Path == settingPath(name) {
			if field, msg, ok := strings.Cut(rest, ": "); ok && !strings.ContainsAny(field, " .") {
				for _, b := range args {
					if b.Path == e.Path+"."+field {
						out.Flag, out.Value, out.Msg = b.Flag, b.Text, msg
						break
					}
				}
			}
		}
		// A schedule entry blamed as a whole (a time past the end, a node outside the cluster) names
		// its kind, which is the flag that gave it.
		if kind, rest, ok := strings.Cut(strings.TrimPrefix(e.Msg, "schedule: "), " "); ok && strings.HasPrefix(e.Path, "scenario.schedule") {
			for _, b := range args {
				if b.Path == "scenario.schedule" && b.Flag == kind {
					out.Flag, out.Value = kind, ""
					out.Msg = kind + " " + rest
					break
				}
			}
		}
		return out
	}
	// A default no flag set: name the flag that would set it.
	if out.Flag = flagOf(e.Path); out.Flag == "" {
		return e
	}
	return out
}

// flagWords rewrites the spec's names of parameters in a message ("needs crash_at") as the flags that
// set them ("needs --crash-at"). Only names with an underscore are rewritten: "nodes" or "duration" read
// the same either way.
func flagWords(msg string, flagOf func(path string) string) string {
	for _, p := range registry {
		if !strings.Contains(p.Name, "_") || !strings.Contains(msg, p.Name) {
			continue
		}
		f := flagOf(settingPath(p.Name))
		if f == "" {
			continue
		}
		msg = strings.ReplaceAll(msg, p.Name, "--"+f)
	}
	return msg
}

// ParseSeed reads a root seed given on the command line (`raftsim sweep --seed`) as a spec's seed: a
// decimal, hexadecimal (as trials.csv writes seeds, 0x1a17_76b1_c64c_4e63) or octal integer from 0 to
// 2^64-1. Errors name the flag.
func ParseSeed(text string) (uint64, error) {
	d := &decoder{}
	x, err := d.uint(argNode(Arg{Flag: "seed", Path: "seed", Text: text}, 1), pos{line: 1, path: "seed"})
	if err != nil {
		return 0, &Error{Flag: "seed", Value: text, Msg: msgOf(err)}
	}
	return x, nil
}

// ParseTrials reads a number of trials per point given on the command line (`raftsim sweep --trials`)
// as a spec's trials. Errors name the flag.
func ParseTrials(text string) (int, error) {
	d := &decoder{}
	x, err := d.int(argNode(Arg{Flag: "trials", Path: "trials", Text: text}, 1), pos{line: 1, path: "trials"})
	if err == nil && (x < 1 || x > maxTrials) {
		err = d.errorf(pos{line: 1, path: "trials"}, "%d: want 1 to %d", x, maxTrials)
	}
	if err != nil {
		return 0, &Error{Flag: "trials", Value: text, Msg: msgOf(err)}
	}
	return int(x), nil
}
