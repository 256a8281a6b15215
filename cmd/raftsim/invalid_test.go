package main

import (
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/raftsim/raftsim/experiments/spec"
)

// Issue 9, "hardened inputs": every flag of every command and every spec field, each given values that
// are wrong for its kind, must end in exit status 2 and one line on stderr that names the flag or the
// field, with no Go stack trace and nothing written. The flags are read from the command tree and the
// fields from spec.Params, so a flag or a field added later is covered without editing this test.

// invalidBase is the smallest valid invocation of each command the flags are tried on (its positional
// arguments); a command not listed (one added later) is tried with none. Flags that only make sense
// with another get it (invalidCompanions).
var invalidBase = map[string][]string{
	"raftsim sweep":  {"sweep", "fig16"},
	"raftsim show":   {"show", "fig16"},
	"raftsim plot":   {"plot", "@results"}, // @results: a copy of a results directory (made once)
	"raftsim replay": {"replay", "3"},
}

// invalidCompanions are the flags a flag needs beside it, with valid values, so that its own value is
// what is wrong: the parts of one spec parameter (a crash-recovery needs both its times) and the
// replay flags of sweep.
var invalidCompanions = map[string][]string{
	"mttf": {"--mttr=exp:1s"}, "mttr": {"--mttf=exp:10s"},
	"flap-up": {"--flap-down=exp:1s"}, "flap-down": {"--flap-up=exp:10s"},
	"flap-links":    {"--flap-up=exp:10s", "--flap-down=exp:1s"},
	"rolling-every": {"--rolling-replace=1s"},
	"stale":         {"--leader-crash=1s"}, "stop-after-election": {"--leader-crash=1s"},
	"sweep --point": {"--trial=0"}, "sweep --trial": {"--point=0"},
	"sweep --trace": {"--point=0", "--trial=0"}, "sweep --json": {"--point=0", "--trial=0"},
}

// pathFlags take a file or a directory; they get path-ish invalid values. So does a flag added later
// whose help names its value FILE or DIR (see pathKind).
var pathFlags = map[string]bool{"trace": true, "out": true, "spec": true, "topology": true}

// pathKind is "FILE" or "DIR" for a flag whose help text names its value so (`FILE`, `DIR`), else "".
func pathKind(f *pflag.Flag) string {
	switch name, _ := pflag.UnquoteUsage(f); name {
	case "FILE", "DIR":
		return name
	}
	return ""
}

// invalidValues returns the values tried on a flag of pflag type typ (the placeholder the help shows:
// N, DURATION, LATENCY, RATE, P, a list of choices, a fault form...), each wrong for every flag of
// that kind. The first value is the one -short mode tries.
func invalidValues(name, typ string, dir string) []string {
	switch {
	case pathFlags[name]:
		missing := filepath.Join(dir, "missing-dir", "x")
		switch name {
		case "out":
			return []string{filepath.Join(dir, "a-file")} // a file where a directory goes
		case "trace":
			return []string{filepath.Join(dir, "a-dir"), missing}
		}
		return []string{filepath.Join(dir, "a-dir"), filepath.Join(dir, "missing.yaml"), missing + ".yaml", filepath.Join(dir, "garbage.yaml")}
	case typ == "NAME": // a Slurm or Kubernetes name: no '!', no leading '-', not empty
		return []string{"garbage!", "-1", ""}
	case typ == "DIR": // a flag added later, see pathKind: an output directory may be made, parents and all
		return []string{filepath.Join(dir, "a-file")}
	case typ == "FILE":
		return []string{filepath.Join(dir, "a-dir"), filepath.Join(dir, "missing-dir", "x")}
	case typ == "bool":
		return []string{"maybe", "2"}
	case typ == "int" || typ == "N" || typ == "SEED" || strings.HasPrefix(typ, "int") || strings.HasPrefix(typ, "uint"):
		return []string{"garbage!", "-1", "1e309", "99999999999999999999999", "1.5", ""}
	case typ == "DURATION" || typ == "T" || typ == "duration":
		return []string{"garbage!", "-1s", "1e309s", "10", "9999999999h", ""}
	case typ == "LATENCY" || typ == "LATENCY|same":
		return []string{"warp:1ms", "uniform:2ms:1ms", "const:-1s", "1e309s", "normal:NaN:1ms", ""}
	case typ == "RATE" || typ == "RATE|same":
		return []string{"1 furlong/s", "-1Gbps", "NaN", "1e309bps", ""}
	case typ == "P" || typ == "P|same":
		return []string{"1.5", "-0.1", "NaN", "garbage!", "1e309", ""}
	case typ == "X":
		return []string{"garbage!", "-1", "NaN", "1e309", "Inf", ""}
	case typ == "MIN:MAX":
		return []string{"2s:1s", "garbage!", "0s", "-1s:1s", "1ms:1e309s", ""}
	case strings.HasSuffix(typ, ",..."):
		// Fault forms, flap links and node settings: a node outside the cluster, a negative time, a
		// time past every bound, garbage, an empty item.
		// (Membership forms take IDs beyond the cluster's, up to fault.MaxMemberID.)
		return []string{"9999999@1s", "1@-1s", "garbage!", "1@1e309s", ",", ""}
	case strings.Contains(typ, "ACTION"):
		return []string{"drop app 1->99 @1s", "lose app 1->2 @1s", "garbage!", ""}
	case strings.Contains(typ, "|") || typ == "MODE" || typ == "TEXT":
		return []string{"bogus", "", "const:-1"} // a choice, a region, a size distribution
	}
	return []string{"garbage!", "1e309", "NaN", "-1", ""}
}

// anyFlagInvalid are tried on every flag too: a value of two lines (an error quoting it as it is
// would be two lines) and one of 100,000 digits.
var anyFlagInvalid = []string{"1\n2", strings.Repeat("9", 100000)}

type invalidCase struct {
	name string // the flag or field the error line must name
	args []string
	dir  string // the command's working directory; nothing may appear in it
}

// TestInvalidFlags tries every flag of every command with values wrong for its kind (see
// invalidValues): each run must exit 2 with one line naming the flag, no stack trace, and write
// nothing. -short tries one value per flag.
func TestInvalidFlags(t *testing.T) {
	var cases []invalidCase
	root := newRoot(nil, io.Discard, io.Discard)
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if !c.Runnable() || c.Hidden || c.Name() == "help" || strings.HasPrefix(c.CommandPath(), "raftsim completion") {
			for _, s := range c.Commands() {
				walk(s)
			}
			return
		}
		c.Flags().VisitAll(func(f *pflag.Flag) {
			if f.Name == "help" || f.Name == "version" || f.Hidden {
				return
			}
			typ := f.Value.Type()
			if k := pathKind(f); k != "" && !pathFlags[f.Name] {
				typ = k
			}
			for i := range len(invalidValues(f.Name, typ, "")) + len(anyFlagInvalid) {
				dir := t.TempDir()
				v := append(invalidValues(f.Name, typ, dir), anyFlagInvalid...)[i]
				if (pathFlags[f.Name] || pathKind(f) != "") && v == anyFlagInvalid[0] {
					continue // a file name may hold a newline
				}
				if v == "" && f.NoOptDefVal != "" {
					continue // --flag= is the flag alone for a flag that takes its value optionally
				}
				base := invalidBase[c.CommandPath()]
				if base == nil {
					base = strings.Fields(strings.TrimPrefix(c.CommandPath(), "raftsim "))
				}
				args := slices.Clone(base)
				if c.Name() == "sweep" && invalidCompanions["sweep --"+f.Name] == nil && f.Name != "point" && f.Name != "trial" {
					args = append(args, "--out="+filepath.Join(dir, "out"))
				}
				args = append(args, invalidCompanions[f.Name]...)
				args = append(args, invalidCompanions[c.Name()+" --"+f.Name]...)
				args = append(args, "--"+f.Name+"="+v)
				cases = append(cases, invalidCase{name: "--" + f.Name, args: args, dir: dir})
				if testing.Short() {
					break
				}
			}
		})
		for _, s := range c.Commands() {
			walk(s)
		}
	}
	walk(root)
	runInvalid(t, cases)
}

// TestInvalidSpecFields writes a spec file per field of spec.Params and value wrong for its kind, and
// runs `raftsim sweep FILE` on it: exit 2, one line naming the field by its path (cluster.nodes),
// nothing written.
func TestInvalidSpecFields(t *testing.T) {
	values := map[spec.Kind][]string{
		spec.Int:      {"garbage!", "-1", "1e309", "99999999999999999999999", "1.5", "[1]"},
		spec.Float:    {"garbage!", "-1", ".nan", "1e309", ".inf", "[1]"},
		spec.Duration: {"garbage!", "-1s", "1e309s", "10", "9999999999h", "[1s]"},
		spec.Bool:     {"maybe", "2", "[true]"},
		spec.Text:     {"'bogus:1:2'", "'-1'", "{a: 1}", "[x]", "'1e309'"},
		spec.Choice:   {"bogus", "[x]", "{a: 1}"},
		spec.List:     {"['bogus']", "{a: 1}", "['99:fsync=1ms']"},
		spec.Mapping:  {"5", "{bogus: 1}", "[1]"},
	}
	var cases []invalidCase
	for _, p := range spec.Params() {
		vals := values[p.Kind]
		if p.Name == "topology" {
			vals = []string{"a-dir", "missing.yaml", "missing-dir/x.yaml", "garbage.yaml"} // beside the spec
		}
		for _, v := range vals {
			dir := t.TempDir()
			src := "name: x\n"
			if p.Section == "" {
				src += p.Name + ": " + v + "\n"
			} else {
				src += p.Section + ":\n  " + p.Name + ": " + v + "\n"
			}
			args := []string{"sweep", "@spec:" + src, "--out=" + filepath.Join(dir, "out")}
			field := p.Name // as the error places it: cluster.nodes, scenario.flap
			if p.Section != "" {
				field = p.Section + "." + p.Name
			}
			cases = append(cases, invalidCase{name: field, args: args, dir: dir})
			if testing.Short() {
				break
			}
		}
	}
	runInvalid(t, cases)
}

// runInvalid runs the cases, two at a time, each in its own working directory prepared with a file,
// a directory and a garbage topology to point paths at, and checks each.
func runInvalid(t *testing.T, cases []invalidCase) {
	t.Helper()
	start := time.Now()
	results := ""
	sem := make(chan struct{}, 2)
	var wg sync.WaitGroup
	for i := range cases {
		c := &cases[i]
		prepare(t, c.dir)
		for j, a := range c.args {
			switch {
			case a == "@results":
				if results == "" {
					results = t.TempDir()
					if r := raftsim(t, nil, "sweep", "testdata/plotted.yaml", "--quiet", "--out", results); r.code != 0 {
						t.Fatalf("the results directory to plot: exit %d: %s", r.code, r.stderr)
					}
				}
				c.args[j] = filepath.Join(c.dir, "results")
				if err := os.CopyFS(c.args[j], os.DirFS(results)); err != nil {
					t.Fatal(err)
				}
			case strings.HasPrefix(a, "@spec:"):
				file := filepath.Join(c.dir, "x.yaml")
				if err := os.WriteFile(file, []byte(strings.TrimPrefix(a, "@spec:")), 0o644); err != nil {
					t.Fatal(err)
				}
				c.args[j] = file
			}
		}
	}
	type outcome struct {
		r   result
		err error
	}
	outs := make([]outcome, len(cases))
	snapshots := make([]map[string]string, len(cases))
	for i := range cases {
		snapshots[i] = treeState(t, cases[i].dir)
	}
	for i := range cases {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			outs[i].r, outs[i].err = raftsimIn(cases[i].dir, cases[i].args...)
		}()
	}
	wg.Wait()
	t.Logf("%d invalid inputs in %v", len(cases), time.Since(start).Round(time.Millisecond))
	for i, c := range cases {
		r, err := outs[i].r, outs[i].err
		lines := strings.Split(strings.TrimRight(r.stderr, "\n"), "\n")
		switch {
		case err != nil:
			t.Errorf("raftsim %q: %v", c.args, err)
		case r.code != 2 || len(lines) != 1 || !strings.Contains(r.stderr, c.name) ||
			strings.Contains(r.stderr, "goroutine") || strings.Contains(r.stderr, "panic"):
			t.Errorf("raftsim %q: exit %d, stderr %q; want exit 2 and one line naming %s", c.args, r.code, r.stderr, c.name)
		}
		if extra := written(t, c.dir, snapshots[i]); len(extra) > 0 {
			t.Errorf("raftsim %q wrote %q", c.args, extra)
		}
	}
}

func prepare(t *testing.T, dir string) {
	t.Helper()
	for _, d := range []string{"a-dir", "empty"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for name, data := range map[string]string{"a-file": "not a directory\n", "garbage.yaml": "nodes: [\x00\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// treeState maps every file under dir to its contents (directories to "/").
func treeState(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		if d.IsDir() {
			out[rel] = "/"
			return nil
		}
		data, err := os.ReadFile(path)
		out[rel] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// written lists what a run created, changed or removed in dir, against its snapshot from before.
func written(t *testing.T, dir string, before map[string]string) []string {
	t.Helper()
	after := treeState(t, dir)
	var out []string
	for k, v := range after {
		if b, ok := before[k]; !ok || b != v {
			out = append(out, k)
		}
	}
	for k := range before {
		if _, ok := after[k]; !ok {
			out = append(out, "-"+k)
		}
	}
	slices.Sort(out)
	return out
}

// raftsimIn is raftsim (main_test.go) run in dir, stopped after a minute: a value that is not
// refused would start a run or a sweep.
func raftsimIn(dir string, args ...string) (result, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], args...)
	cmd.Dir = dir
	r, err := runMain(cmd)
	if ctx.Err() != nil {
		err = ctx.Err()
	}
	return r, err
}
