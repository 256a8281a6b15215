package spec

import (
	"errors"
	"strings"
	"testing"
)

// fuzzArg is a flag FuzzParseArgs may give: every registry parameter's own flag, a part of a mapping
// parameter, and every schedule kind, as `raftsim run` names them.
type fuzzArg struct{ flag, path string }

func fuzzArgs() []fuzzArg {
	var out []fuzzArg
	for _, p := range registry {
		if p.Kind == Mapping {
			continue
		}
		out = append(out, fuzzArg{strings.ReplaceAll(p.Name, "_", "-"), settingPath(p.Name)})
	}
	for _, kind := range []string{"crash", "restart", "cut", "restore", "partition", "isolate", "heal", "transfer",
		"add", "remove", "replace", "filter", "pause", "disk-stall", "disk-slow"} {
		out = append(out, fuzzArg{kind, "scenario.schedule"})
	}
	return append(out, fuzzArg{"seed", "seed"},
		fuzzArg{"leader-crash", "scenario.leader_crash.after"}, fuzzArg{"stale", "scenario.leader_crash.stale"},
		fuzzArg{"stop-after-election", "scenario.leader_crash.stop"},
		fuzzArg{"rolling-replace", "scenario.rolling_replace.start"}, fuzzArg{"rolling-every", "scenario.rolling_replace.every"},
		fuzzArg{"mttf", "scenario.crash_recovery.mttf"}, fuzzArg{"mttr", "scenario.crash_recovery.mttr"},
		fuzzArg{"flap-up", "scenario.flap.up"}, fuzzArg{"flap-down", "scenario.flap.down"}, fuzzArg{"flap-links", "scenario.flap.links"})
}

// FuzzParseArgs gives ParseArgs up to three flags with arbitrary values, as `raftsim run` would: it
// fails with a one-line *Error that names one of the flags given (or, for a value no flag gave, one
// that sets it), or gives a spec whose canonical text parses back to the same spec and plan.
func FuzzParseArgs(f *testing.F) {
	flags := fuzzArgs()
	index := map[string]uint8{}
	for i, a := range flags {
		index[a.flag] = uint8(i)
	}
	for _, s := range []struct{ a, av, b, bv, c, cv string }{
		{"nodes", "5", "duration", "60s", "crash", "leader@20s"},
		{"nodes", "0", "loss", "0.1", "heal", "1s"},
		{"nodes", "3", "cut", "5s:1<->2", "restore", "7s:1->2"},
		{"leader-crash", "1s", "stale", "1", "stop-after-election", "true"},
		{"mttf", "exp:30s", "mttr", "exp:3s", "nodes", "5"},
		{"flap-up", "exp:10s", "flap-down", "exp:500ms", "flap-links", "1<->2"},
		{"node", "3:fsync=lognormal:20ms:1", "node", "all:clock_rate=+200ppm", "pause", "2@10s:500ms"},
		{"election-timeout", "150ms:300ms", "latency", "uniform:1ms:2ms", "bandwidth", "1Gbps"},
		{"seed", "0x1a17_76b1_c64c_4e63", "partition", "5s:leader|rest", "filter", "drop append 1->2 @2s-5s"},
		{"nodes", "3\n4", "duration", "1e309s", "loss", "NaN"},
	} {
		f.Add(index[s.a], s.av, index[s.b], s.bv, index[s.c], s.cv)
	}
	flagOf := map[string]string{}
	for _, a := range flags {
		if a.path != "scenario.schedule" {
			flagOf[a.path] = a.flag
		}
	}
	f.Fuzz(func(t *testing.T, a uint8, av string, b uint8, bv string, c uint8, cv string) {
		var args []Arg
		given := map[string]bool{}
		for _, x := range []struct {
			i uint8
			v string
		}{{a, av}, {b, bv}, {c, cv}} {
			fa := flags[int(x.i)%len(flags)]
			args = append(args, Arg{Flag: fa.flag, Path: fa.path, Text: x.v})
			given[fa.flag] = true
		}
		s, err := ParseArgs(args, func(path string) string { return flagOf[path] })
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("%v: error %T is not an *Error: %v", args, err, err)
			}
			if msg := err.Error(); strings.Contains(msg, "\n") {
				t.Fatalf("%v: error of more than one line: %q", args, msg)
			}
			if e.Flag == "" {
				t.Fatalf("%v: error names no flag: %q", args, err)
			}
			return
		}
		roundTrip(t, s)
	})
}
