package figures

import (
	"bytes"
	"context"
	"flag"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/raftsim/raftsim/experiments/results"
	"github.com/raftsim/raftsim/experiments/spec"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// fixture makes a results directory from the kept trials of testdata/small.yaml.
func fixture(t *testing.T) (*spec.Spec, string) {
	t.Helper()
	s, err := spec.Load("testdata/small.yaml")
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile("testdata/small-trials.csv")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, results.TrialsFile), b, 0o644); err != nil {
		t.Fatal(err)
	}
	return s, dir
}

// TestGolden draws every panel kind and the comparison from fixed trials and compares the bytes with
// the golden files; -update rewrites them.
func TestGolden(t *testing.T) {
	s, dir := fixture(t)
	if _, err := Draw(context.Background(), s, dir); err != nil {
		t.Fatal(err)
	}
	if ok, err := Compare(context.Background(), s, dir); !ok || err != nil {
		t.Fatalf("Compare: %v %v", ok, err)
	}
	for _, name := range []string{"plots/small.png", "plots/small.svg", ComparisonCSV, ComparisonMD, ConsistentMD} {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		golden := filepath.Join("testdata", "golden", filepath.Base(name))
		if *update {
			if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(golden, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from %s (run with -update if the change is intended)", name, golden)
		}
	}
}

// TestRedrawIdentical: drawing the same results twice gives the same bytes.
func TestRedrawIdentical(t *testing.T) {
	s, dir := fixture(t)
	read := func() [][]byte {
		if _, err := Draw(context.Background(), s, dir); err != nil {
			t.Fatal(err)
		}
		var out [][]byte
		for _, ext := range []string{".png", ".svg", ".pdf"} {
			b, err := os.ReadFile(filepath.Join(dir, PlotsDir, "small"+ext))
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, b)
		}
		return out
	}
	a, b := read(), read()
	for i := range a {
		if !bytes.Equal(a[i], b[i]) {
			t.Fatalf("file %d differs between two draws", i)
		}
	}
}

func TestMajorityUp(t *testing.T) {
	for _, tt := range []struct {
		n    int
		p    float64
		want float64
	}{
		{1, 0.9, 0.9},
		{3, 0.9, 3*0.81*0.1 + 0.729},
		{5, 1, 1},
		{5, 0.5, 0.5}, // symmetric: P(at least 3 of 5) = 1/2
	} {
		if got := majorityUp(tt.n, tt.p); got < tt.want-1e-12 || got > tt.want+1e-12 {
			t.Errorf("majorityUp(%d, %v) = %v, want %v", tt.n, tt.p, got, tt.want)
		}
	}
}

// TestRangeEnds: a range end of 0 is an end like any other (x_range: [0, 600] starts the axis at 0,
// not at the data's minimum); null leaves that end to the data.
func TestRangeEnds(t *testing.T) {
	s, dir := fixture(t)
	d, plan, err := loadTrials(context.Background(), s, dir)
	if err != nil {
		t.Fatal(err)
	}
	zero, top := 0.0, 600.0
	for _, tt := range []struct {
		span     *spec.Span
		lo, hi   float64 // want; NaN: automatic, not this value
		autoLess bool    // the automatic low end is not below 0 (every latency is positive)
	}{
		{&spec.Span{Min: &zero, Max: &top}, 0, 600, false},
		{&spec.Span{Max: &top}, math.NaN(), 600, true},
		{nil, math.NaN(), math.NaN(), true},
	} {
		panel := s.Plots[0].Rows[0][0] // the CDF of latency_p50_ms
		panel.XRange = tt.span
		made, err := drawPanel(d, plan, &panel, nil)
		if err != nil {
			t.Fatal(err)
		}
		p := made[0]
		if !math.IsNaN(tt.lo) && p.X.Min != tt.lo || !math.IsNaN(tt.hi) && p.X.Max != tt.hi {
			t.Errorf("x_range %+v: axis [%v, %v], want [%v, %v]", tt.span, p.X.Min, p.X.Max, tt.lo, tt.hi)
		}
		if tt.autoLess && !(p.X.Min >= 0) {
			t.Errorf("x_range %+v: automatic low end %v, want the data's padded, not below 0", tt.span, p.X.Min)
		}
	}
}

func TestCommonWords(t *testing.T) {
	for _, tt := range []struct {
		in             []string
		prefix, suffix string
		rest           []string
	}{
		{[]string{"commit latency p50 (ms)", "commit latency p99 (ms)"}, "commit latency", "(ms)", []string{"p50", "p99"}},
		{[]string{"bytes per write", "leader egress bytes per write"}, "", "", []string{"bytes per write", "leader egress bytes per write"}},
		{[]string{"bytes sent per write, all nodes", "bytes sent per write, leader"}, "bytes sent per write", "", []string{"all nodes", "leader"}},
		{[]string{"messages per write", "bytes per write"}, "", "per write", []string{"messages", "bytes"}},
		{[]string{"availability"}, "", "", []string{"availability"}},
	} {
		p, s, r := commonWords(tt.in)
		if p != tt.prefix || s != tt.suffix || !slices.Equal(r, tt.rest) {
			t.Errorf("commonWords(%q) = %q, %q, %q; want %q, %q, %q", tt.in, p, s, r, tt.prefix, tt.suffix, tt.rest)
		}
	}
}
