package results

import (
	"bytes"
	"flag"
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"testing"

	"github.com/raftsim/raftsim/experiments"
	"github.com/raftsim/raftsim/experiments/stats"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

var (
	nan = math.NaN()
	inf = math.Inf(1)
)

// testPlan has two axes, one of whose values needs CSV quoting, and points whose Index order differs
// from their position, so the writers' ordering is visible.
func testPlan() *experiments.Plan {
	pt := func(index int, timeout, label string) experiments.Point {
		return experiments.Point{Index: index, Coords: []experiments.Coord{{Axis: "election_timeout", Value: timeout}, {Axis: "label", Value: label}}}
	}
	return &experiments.Plan{
		Name:   "golden",
		Seed:   42,
		Trials: 3,
		Axes:   []string{"election_timeout", "label"},
		Points: []experiments.Point{
			pt(2, "300ms:600ms", `say "hi"`),
			pt(0, "150ms:300ms", "a,b"),
			pt(1, "150ms:300ms", "plain"),
		},
		Spec: []byte("name: golden\nseed: 42\ntrials: 3\nnote: <a & b>\n"),
	}
}

var testMeasures = []string{"ops_ok", "latency_ms", "downtime_ms"}

// testTrials are deliberately out of order. Point 1 (Index 0) has a NaN latency in one trial and an
// unfinished election in another; point 0 (Index 2) has no latency at all.
func testTrials() []Trial {
	return []Trial{
		{Point: 2, Trial: 1, Seed: 7, Values: []float64{2e6, 0.1, 150}},
		{Point: 1, Trial: 2, Seed: 18446744073709551615, Values: []float64{0, nan, 120.5}},
		{Point: 0, Trial: 0, Seed: 1, Values: []float64{5, nan, nan}},
		{Point: 1, Trial: 0, Seed: 2, Values: []float64{12, 1.25, inf}},
		{Point: 2, Trial: 0, Seed: 3, Values: []float64{1, 1.5e-7, 149}},
		{Point: 1, Trial: 1, Seed: 4, Values: []float64{13, 3.75, 100}},
		{Point: 0, Trial: 1, Seed: 5, Values: []float64{6, nan, nan}},
		{Point: 2, Trial: 2, Seed: 6, Values: []float64{3, 1.0 / 3, 151}},
		{Point: 0, Trial: 2, Seed: 8, Values: []float64{7, nan, math.Copysign(0, -1)}},
	}
}

var testBuild = Build{
	Module: "github.com/raftsim/raftsim", Version: "v0.3.0",
	Revision: "0123456789abcdef0123456789abcdef01234567", Modified: "false", Go: "go1.26.8",
	Deps: map[string]string{GonumModule: "v0.17.0", PlotModule: "v0.17.0"},
}

func checkGolden(t *testing.T, got []byte, name string) {
	t.Helper()
	golden := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; run go test -update if the change is intended\ngot:\n%s\nwant:\n%s", name, got, want)
	}
}

func TestGolden(t *testing.T) {
	dir := t.TempDir()
	plan := testPlan()
	write := map[string]func(string) error{
		TrialsFile:  func(p string) error { return WriteTrials(p, plan, testMeasures, testTrials()) },
		SummaryFile: func(p string) error { return WriteSummary(p, plan, testMeasures, testTrials()) },
		ManifestFile: func(p string) error {
			return WriteManifest(p, newManifest(plan, []string{"raftsim", "sweep", "golden.yaml"}, testBuild))
		},
	}
	for _, name := range []string{TrialsFile, SummaryFile, ManifestFile} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, name)
			if err := write[name](path); err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, got, name)
		})
	}
}

// The writers' output must not depend on the order in which the trials arrive.
func TestWritersIgnoreTrialOrder(t *testing.T) {
	plan := testPlan()
	ts := testTrials()
	rev := slices.Clone(ts)
	slices.Reverse(rev)
	dir := t.TempDir()
	for _, w := range []struct {
		name  string
		write func(string, *experiments.Plan, []string, []Trial) error
	}{{"trials", WriteTrials}, {"summary", WriteSummary}} {
		a, b := filepath.Join(dir, w.name+"-a"), filepath.Join(dir, w.name+"-b")
		if err := w.write(a, plan, testMeasures, ts); err != nil {
			t.Fatal(err)
		}
		if err := w.write(b, plan, testMeasures, rev); err != nil {
			t.Fatal(err)
		}
		ab, _ := os.ReadFile(a)
		bb, _ := os.ReadFile(b)
		if !bytes.Equal(ab, bb) {
			t.Errorf("%s: output depends on trial order", w.name)
		}
	}
	if !slices.EqualFunc(ts, testTrials(), func(a, b Trial) bool { return a.Point == b.Point && a.Trial == b.Trial }) {
		t.Error("the writers reordered the caller's slice")
	}
}

func TestFormatNumber(t *testing.T) {
	tests := []struct {
		x    float64
		want string
	}{
		{0, "0"},
		{math.Copysign(0, -1), "0"},
		{42, "42"},
		{-3, "-3"},
		{1500000, "1500000"},
		{1 << 52, "4503599627370496"},
		{1 << 53, "9.007199254740992e+15"},
		{0.1, "0.1"},
		{1.0 / 3, "0.3333333333333333"},
		{1.5e-7, "1.5e-07"},
		{2.5, "2.5"},
		{nan, "NaN"},
		{inf, "+Inf"},
		{-inf, "-Inf"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			got := FormatNumber(tt.x)
			if got != tt.want {
				t.Errorf("FormatNumber(%v) = %q, want %q", tt.x, got, tt.want)
			}
			back, err := ParseNumber(got)
			if err != nil {
				t.Fatal(err)
			}
			if back != tt.x && !(math.IsNaN(back) && math.IsNaN(tt.x)) {
				t.Errorf("ParseNumber(%q) = %v, want %v", got, back, tt.x)
			}
		})
	}
}

func TestSummarize(t *testing.T) {
	tests := []struct {
		name string
		vals []float64
		want [6]float64 // mean, ci95, p50, p90, p99, max; ci95 checked only when want is not -1
	}{
		{"empty", nil, [6]float64{nan, nan, nan, nan, nan, nan}},
		{"one", []float64{4}, [6]float64{4, nan, 4, 4, 4, 4}},
		{"equal", []float64{2, 2, 2}, [6]float64{2, 0, 2, 2, 2, 2}},
		{"inf at the top", []float64{1, inf, 2}, [6]float64{inf, nan, 2, inf, inf, inf}},
		{"two with inf", []float64{1, inf}, [6]float64{inf, nan, inf, inf, inf, inf}},
		{"all inf", []float64{inf, inf}, [6]float64{inf, 0, inf, inf, inf, inf}},
		{"finite", []float64{3, 1, 2, 4}, [6]float64{2.5, stats.CI95([]float64{1, 2, 3, 4}), 2.5, 3.7, 3.9699999999999998, 4}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := summarize(slices.Clone(tt.vals))
			for i, w := range tt.want {
				g := got[i]
				if g != w && !(math.IsNaN(g) && math.IsNaN(w)) {
					t.Errorf("%s = %v, want %v", SummaryStats[i], g, w)
				}
			}
		})
	}
}

func TestSummaryDropsNaN(t *testing.T) {
	plan := testPlan()
	path := filepath.Join(t.TempDir(), SummaryFile)
	if err := WriteSummary(path, plan, testMeasures, testTrials()); err != nil {
		t.Fatal(err)
	}
	tab, err := ReadSummary(path)
	if err != nil {
		t.Fatal(err)
	}
	// Rows are in Index order: row 0 is plan.Points[1] ("a,b").
	cell := func(row int, col string) string { return tab.Rows[row][tab.Index(col)] }
	for _, c := range []struct {
		row       int
		col, want string
	}{
		{0, "label", "a,b"},
		{0, "trials", "3"},
		{0, "latency_ms_mean", "2.5"},   // mean of 1.25 and 3.75; the NaN trial left out
		{0, "downtime_ms_mean", "+Inf"}, // one unfinished election
		{0, "downtime_ms_p50", "120.5"}, // the median is still finite
		{0, "downtime_ms_max", "+Inf"},  //
		{2, "latency_ms_mean", "NaN"},   // no trial defines it
		{2, "latency_ms_max", "NaN"},    //
		{2, "downtime_ms_mean", "0"},    // NaN, NaN, -0: one defined value
		{2, "downtime_ms_ci95", "NaN"},  // from one value
		{2, "trials", "3"},
	} {
		if got := cell(c.row, c.col); got != c.want {
			t.Errorf("row %d %s = %q, want %q", c.row, c.col, got, c.want)
		}
	}
}

func TestRoundTrip(t *testing.T) {
	plan := testPlan()
	dir := t.TempDir()
	tp, sp, mp := filepath.Join(dir, TrialsFile), filepath.Join(dir, SummaryFile), filepath.Join(dir, ManifestFile)
	ts := testTrials()
	if err := WriteTrials(tp, plan, testMeasures, ts); err != nil {
		t.Fatal(err)
	}
	if err := WriteSummary(sp, plan, testMeasures, ts); err != nil {
		t.Fatal(err)
	}
	m := newManifest(plan, []string{"raftsim", "sweep", "x"}, testBuild)
	if err := WriteManifest(mp, m); err != nil {
		t.Fatal(err)
	}

	tab, err := ReadTrials(tp)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(tab.Axes, plan.Axes) || !slices.Equal(tab.Measures, testMeasures) {
		t.Fatalf("axes %q measures %q", tab.Axes, tab.Measures)
	}
	if len(tab.Rows) != len(ts) {
		t.Fatalf("%d rows, want %d", len(tab.Rows), len(ts))
	}
	sorted, _ := checkTrials(plan, testMeasures, ts)
	labels, _ := tab.Strings("label")
	seeds, _ := tab.Floats("seed")
	for r, tr := range sorted {
		if want := plan.Points[tr.Point].Coords[1].Value; labels[r] != want {
			t.Errorf("row %d label %q, want %q", r, labels[r], want)
		}
		if tr.Seed < 1<<53 && seeds[r] != float64(tr.Seed) {
			t.Errorf("row %d seed %v, want %d", r, seeds[r], tr.Seed)
		}
	}
	for i, name := range testMeasures {
		got, err := tab.Floats(name)
		if err != nil {
			t.Fatal(err)
		}
		for r, tr := range sorted {
			w := tr.Values[i]
			if got[r] != w && !(math.IsNaN(got[r]) && math.IsNaN(w)) {
				t.Errorf("%s row %d = %v, want %v", name, r, got[r], w)
			}
		}
	}
	if _, err := tab.Floats("label"); err == nil {
		t.Error("Floats of a text column: no error")
	}
	if _, err := tab.Strings("nope"); err == nil {
		t.Error("Strings of a missing column: no error")
	}

	sum, err := ReadSummary(sp)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(sum.Axes, plan.Axes) || !slices.Equal(sum.Measures, testMeasures) || len(sum.Rows) != len(plan.Points) {
		t.Fatalf("summary: axes %q measures %q, %d rows", sum.Axes, sum.Measures, len(sum.Rows))
	}
	if _, err := ReadTrials(sp); err == nil {
		t.Error("ReadTrials accepted a summary")
	}
	if _, err := ReadSummary(tp); err == nil {
		t.Error("ReadSummary accepted a trials file")
	}

	back, err := ReadManifest(mp)
	if err != nil {
		t.Fatal(err)
	}
	if back.Spec != string(plan.Spec) || back.SpecSHA256 != sha256Hex(plan.Spec) || back.Seed != 42 || back.Trials != 3 ||
		back.Points != 3 || !slices.Equal(back.Command, m.Command) || back.Build.Deps[PlotModule] != "v0.17.0" ||
		back.Build.Revision != testBuild.Revision {
		t.Errorf("manifest round trip: %+v", back)
	}
}

func TestBuildFrom(t *testing.T) {
	full := &debug.BuildInfo{
		GoVersion: "go1.26.8",
		Main:      debug.Module{Path: "github.com/raftsim/raftsim", Version: "v1.2.3"},
		Deps: []*debug.Module{
			{Path: "github.com/spf13/pflag", Version: "v1.1.0"},
			{Path: GonumModule, Version: "v0.17.0"},
			{Path: PlotModule, Version: "v0.16.0", Replace: &debug.Module{Path: PlotModule, Version: "v0.17.0"}},
		},
		Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "abc"}, {Key: "vcs.modified", Value: "true"}},
	}
	tests := []struct {
		name string
		bi   *debug.BuildInfo
		want Build
	}{
		{"none", nil, Build{Module: "github.com/raftsim/raftsim", Version: "(devel)", Revision: Unknown, Modified: Unknown, Go: Unknown,
			Deps: map[string]string{GonumModule: Unknown, PlotModule: Unknown}}},
		{"test binary", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "github.com/raftsim/raftsim", Version: "(devel)"}},
			Build{Module: "github.com/raftsim/raftsim", Version: "(devel)", Revision: Unknown, Modified: Unknown, Go: "go1.26.8",
				Deps: map[string]string{GonumModule: Unknown, PlotModule: Unknown}}},
		{"release", full, Build{Module: "github.com/raftsim/raftsim", Version: "v1.2.3", Revision: "abc", Modified: "true", Go: "go1.26.8",
			Deps: map[string]string{GonumModule: "v0.17.0", PlotModule: "v0.17.0"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := buildFrom(tt.bi)
			if got.Module != tt.want.Module || got.Version != tt.want.Version || got.Revision != tt.want.Revision ||
				got.Modified != tt.want.Modified || got.Go != tt.want.Go || len(got.Deps) != 2 ||
				got.Deps[GonumModule] != tt.want.Deps[GonumModule] || got.Deps[PlotModule] != tt.want.Deps[PlotModule] {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
	// The running test binary: whatever it says, the manifest must not be empty.
	if b := ReadBuild(); b.Go == "" || b.Version == "" || b.Revision == "" {
		t.Errorf("ReadBuild: %+v", b)
	}
}

func TestWriterErrors(t *testing.T) {
	bad := func(mod func(p *experiments.Plan, ts []Trial) []Trial) func() (*experiments.Plan, []Trial) {
		return func() (*experiments.Plan, []Trial) {
			p, ts := testPlan(), testTrials()
			return p, mod(p, ts)
		}
	}
	tests := []struct {
		name  string
		setup func() (*experiments.Plan, []Trial)
		want  string
	}{
		{"axis named like a fixed column", bad(func(p *experiments.Plan, ts []Trial) []Trial {
			p.Axes[1] = "seed"
			for i := range p.Points {
				p.Points[i].Coords[1].Axis = "seed"
			}
			return ts
		}), `column "seed" appears twice`},
		{"axis named like a summary column", bad(func(p *experiments.Plan, ts []Trial) []Trial {
			p.Axes[1] = "ops_ok_mean"
			for i := range p.Points {
				p.Points[i].Coords[1].Axis = "ops_ok_mean"
			}
			return ts
		}), `column "ops_ok_mean" appears twice`},
		{"coordinate off its axis", bad(func(p *experiments.Plan, ts []Trial) []Trial {
			p.Points[2].Coords[0].Axis = "other"
			return ts
		}), `point 2: coordinate 0 is on axis "other"`},
		{"missing coordinate", bad(func(p *experiments.Plan, ts []Trial) []Trial {
			p.Points[0].Coords = p.Points[0].Coords[:1]
			return ts
		}), "point 0 has 1 coordinates for 2 axes"},
		{"same key twice", bad(func(p *experiments.Plan, ts []Trial) []Trial {
			p.Points[2].Coords[1].Value = "a,b"
			return ts
		}), `points 1 and 2 are both`},
		{"trial twice", bad(func(p *experiments.Plan, ts []Trial) []Trial { return append(ts, ts[0]) }), "point 2 trial 1 appears twice"},
		{"short row", bad(func(p *experiments.Plan, ts []Trial) []Trial { ts[3].Values = ts[3].Values[:2]; return ts }), "2 values for 3 measures"},
		{"unknown point", bad(func(p *experiments.Plan, ts []Trial) []Trial { ts[0].Point = 3; return ts }), "point 3 not in the plan"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			plan, ts := tt.setup()
			for _, w := range []func(string, *experiments.Plan, []string, []Trial) error{WriteTrials, WriteSummary} {
				err := w(filepath.Join(dir, "out.csv"), plan, testMeasures, ts)
				if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "results: ") {
					t.Errorf("err = %v, want it to say %q", err, tt.want)
				}
			}
			if ents, _ := os.ReadDir(dir); len(ents) != 0 {
				t.Errorf("a refused write left %v", ents)
			}
		})
	}
}

func TestReadErrors(t *testing.T) {
	tests := []struct {
		name, text string
		read       func(string) (*Table, error)
		want       string
	}{
		{"empty", "", ReadTrials, "empty file"},
		{"no seed", "a,trial,x\n1,0,2\n", ReadTrials, `no "trial" column followed by "seed"`},
		{"ragged", "a,trial,seed,x\n1,0,2\n", ReadTrials, "wrong number of fields"},
		{"duplicate column", "a,trial,seed,x,x\n", ReadTrials, `column "x" appears twice`},
		{"no trials", "a,x_mean\n", ReadSummary, `no "trials" column`},
		{"stats out of order", "a,trials,x_mean,x_ci95,x_p50,x_p90,x_max,x_p99\n", ReadSummary, `want "x_p99"`},
		{"not a multiple", "a,trials,x_mean,x_ci95\n", ReadSummary, "not a multiple of 6"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "f.csv")
			if err := os.WriteFile(path, []byte(tt.text), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := tt.read(path)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to say %q", err, tt.want)
			}
		})
	}
}
