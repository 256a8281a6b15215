package cluster

import (
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/raftsim/raftsim/topology"
)

// oneLine fails t if err's text spans more than one line: every parser's error ends up as the one
// line the command prints for a bad flag or field.
func oneLine(t *testing.T, what string, err error) {
	t.Helper()
	if strings.Contains(err.Error(), "\n") {
		t.Fatalf("%s: error of more than one line: %q", what, err)
	}
}

// FuzzParseTimeoutRange: an election timeout range fails with a one-line error, or is 0 < MIN <= MAX
// and FormatTimeoutRange writes it in a form that reads back to the same range.
func FuzzParseTimeoutRange(f *testing.F) {
	for _, s := range []string{"150ms:300ms", "1s", " 1ms : 2ms ", "0s:1s", "2s:1s", "1e3ms", ":", "", "1h:2562047h47m16.854775807s", "-1ms:1ms", "1ms:2ms:3ms"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		lo, hi, err := ParseTimeoutRange(s)
		if err != nil {
			oneLine(t, s, err)
			return
		}
		if lo <= 0 || hi < lo {
			t.Fatalf("%q: range %v:%v", s, lo, hi)
		}
		text := FormatTimeoutRange(lo, hi)
		if lo2, hi2, err := ParseTimeoutRange(text); err != nil || lo2 != lo || hi2 != hi {
			t.Fatalf("%q: %v:%v formats as %q, which reads back as %v:%v, %v", s, lo, hi, text, lo2, hi2, err)
		}
	})
}

// FuzzParseSizes: a size distribution fails with a one-line error, or draws sizes of at least 0 with a
// mean of at least 0.
func FuzzParseSizes(f *testing.F) {
	for _, s := range []string{"const:128", "uniform:64:4096", "normal:1024:256", "exp:1024", "lognormal:1024:0.5",
		"lognormal:1024:0.5:64", "pareto:512:1.5", "pareto:512:1", "const:-1", "const:1ms", "uniform:2:1", "", "const", "const:99999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseSizes(s)
		if err != nil {
			oneLine(t, s, err)
			return
		}
		if m := d.Mean(); !(m >= 0) {
			t.Fatalf("%q: mean %v", s, m)
		}
		r := rand.New(rand.NewPCG(1, 2))
		for range 8 {
			if x := d.Sample(r); x < 0 {
				t.Fatalf("%q: sample %d", s, x)
			}
		}
	})
}

// FuzzParseNodeSettings: a --node value (or a spec's node: entry) fails with a one-line error, or has
// an ID of at least 1 (0 for all), positive durations and rates, and Format writes it in a form that
// reads back to the same settings.
func FuzzParseNodeSettings(f *testing.F) {
	for _, s := range []string{"3:fsync=lognormal:20ms:1", "all:disk_bandwidth=500MB/s", "1:election_timeout=150ms:300ms,heartbeat=50ms",
		"2:clock_rate=+200ppm", "2:clock_rate=1.0002,cpu=const:10us", "all:disk_bandwidth=unlimited", "1:clock_rate=-1000000ppm",
		"0:fsync=1ms", "x:fsync=1ms", "1:", "1:fsync=1ms,fsync=2ms", "1:warp=9", "1:heartbeat=0s", "1:clock_rate=NaN", "1:clock_rate=1e400",
		" all : fsync = 1ms , cpu = exp:1ms:1us "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ns, err := ParseNodeSettings(s, topology.ParseBandwidth)
		if err != nil {
			oneLine(t, s, err)
			return
		}
		if ns.ID < 0 || ns.Heartbeat < 0 || ns.ElectionMin < 0 || ns.ElectionMax < ns.ElectionMin ||
			ns.ClockRate < 0 || math.IsNaN(ns.ClockRate) || ns.DiskBandwidth != nil && !(*ns.DiskBandwidth >= 0) {
			t.Fatalf("%q: settings %+v", s, ns)
		}
		text := ns.Format(topology.FormatBandwidth)
		back, err := ParseNodeSettings(text, topology.ParseBandwidth)
		if err != nil {
			// A node with no setting at all formats as "ID:", which is no entry: ParseNodeSettings
			// refuses it, so it cannot have parsed either.
			t.Fatalf("%q: formats as %q, which does not read back: %v", s, text, err)
		}
		if !reflect.DeepEqual(back, ns) {
			t.Fatalf("%q: formats as %q, which reads back as %+v, want %+v", s, text, back, ns)
		}
	})
}
