package spec

import (
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
)

// FuzzParse: Parse never panics, fails only with a one-line *Error, and whatever it accepts has a
// canonical text that parses back to the same spec and plan.
func FuzzParse(f *testing.F) {
	for _, file := range specFiles(f) {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, src := range []string{
		"name: x\n",
		"name: x\naxes:\n  - {param: loss, from: 0.05, to: 0.3, step: 0.05}\n  - {param: heartbeat, from: 1ms, to: 3ms, step: 500us}\n",
		"name: x\nscenario: {crash_at: 1s, schedule: [\"cut 2s:1<->2\", \"heal 3s\"]}\naxes:\n  - {param: nodes, from: 2, to: 4}\n  - {param: faults, from: nodes-2, to: nodes+0}\n",
		"name: x\nscenario: {leader_crash: {after: 1s, stale: 1}}\naxes:\n  - variant: [{name: a, params: {nodes: 3, leader_crash: null}}, {name: b, params: {crash_recovery: {mttf: 1s, mttr: 1s}}}]\n",
		plotSpec("kind: heatmap\n          x: nodes\n          y: faults\n          measure: availability\n          where: {variant: a}\n          overlays: [{slope: 0.5, intercept: -0.5}]"),
		plotSpec("kind: cdf\n          measure: availability\n          series: faults\n          where: {variant: b, nodes: 5}"),
		"name: x\ncluster: {topology: ../topologies/five.yaml}\n",
		"a: &a [1]\nb: *a\n",
	} {
		f.Add([]byte(src))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse(data, "testdata/specs/fuzz.yaml")
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T is not an *Error: %v", err, err)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error of more than one line: %q", err)
			}
			return
		}
		roundTrip(t, s)
	})
}

// FuzzSetting feeds arbitrary values to every parameter, as a setting, as an axis value and as range
// bounds: whatever parses must round-trip, and equal spellings must give equal points.
func FuzzSetting(f *testing.F) {
	for i, p := range registry {
		f.Add(uint8(i), p.Default, "", "")
	}
	for _, seed := range [][3]string{
		{"150ms:300ms", "0.15s", "1.5e2ms"}, {"uniform:1ms:2ms", "normal:5ms:1ms:0s:inf", "exp:1ms:1us"},
		{"lognormal:5ms:0.5:1ms", "pareto:2ms:2.5", "1e-3s"}, {"1Gbps", "12.5 MB/s", "unlimited"},
		{"0.1", "1e-2", "0.30000000000000004"}, {"7", "0x10", "1_000"}, {"crash leader+2@1s", "heal 1s, 2s", "cut 1s:1<->2"},
		{"100ms", "1h", "1.5us"}, {"nodes-1", "nodes + 2", "faults"},
	} {
		for i := range registry {
			f.Add(uint8(i), seed[0], seed[1], seed[2])
		}
	}
	f.Fuzz(func(t *testing.T, which uint8, a, b, c string) {
		p := registry[int(which)%len(registry)]
		q := func(s string) string { return strconvQuote(s) }
		var srcs []string
		section := p.Section
		if p.Kind == List {
			srcs = append(srcs, "name: x\n"+section+":\n  "+p.Name+": ["+q(a)+", "+q(b)+"]\n")
		} else if section == "" {
			srcs = append(srcs, "name: x\n"+p.Name+": "+a+"\n", "name: x\n"+p.Name+": "+q(a)+"\n")
		} else {
			srcs = append(srcs, "name: x\n"+section+":\n  "+p.Name+": "+a+"\n", "name: x\n"+section+":\n  "+p.Name+": "+q(a)+"\n")
		}
		srcs = append(srcs,
			"name: x\naxes:\n  - {param: "+p.Name+", values: ["+q(a)+", "+q(b)+", "+q(c)+"]}\n",
			"name: x\naxes:\n  - {param: nodes, values: [1, 3]}\n  - {param: "+p.Name+", from: "+q(a)+", to: "+q(b)+", step: "+q(c)+"}\n",
			"name: x\naxes:\n  - {param: nodes, values: [1, 3]}\n  - {param: "+p.Name+", from: "+q(a)+", to: "+q(b)+"}\n",
			"name: x\naxes:\n  - variant: [{name: v, params: {"+p.Name+": "+q(a)+"}}]\n",
		)
		for _, src := range srcs {
			s, err := Parse([]byte(src), "testdata/specs/fuzz.yaml")
			if err != nil {
				if strings.Contains(err.Error(), "\n") {
					t.Fatalf("error of more than one line: %q", err)
				}
				continue
			}
			roundTrip(t, s)
		}
	})
}

// strconvQuote writes s as a YAML double-quoted scalar (JSON's quoting is valid YAML).
func strconvQuote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
