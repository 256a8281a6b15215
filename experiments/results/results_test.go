package results

import (
	"bytes"
	"context"
	"flag"
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"testing"

	"github.com/raftsim/raftsim/experiments"
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
		Name:      "golden",
		Seed:      42,
		Trials:    3,
		Axes:      []string{"election_timeout", "label"},
		AxisKinds: []experiments.AxisKind{experiments.DurationRange, experiments.Categorical},
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
// unfinished election in another; point 0 (Index 2) has no latency at all. Their seeds are the trials'
// own (experiments.TrialSeed), as LoadTrials requires.
func testTrials() []Trial {
	plan := testPlan()
	t := func(p, k int, vals ...float64) Trial {
		return Trial{Point: p, Trial: k, Seed: experiments.TrialSeed(plan.Seed, &plan.Points[p], k), Values: vals}
	}
	return []Trial{
		t(2, 1, 2e6, 0.1, 150),
		t(1, 2, 0, nan, 120.5),
		t(0, 0, 5, nan, nan),
		t(1, 0, 12, 1.25, inf),
		t(2, 0, 1, 1.5e-7, 149),
		t(1, 1, 13, 3.75, 100),
		t(0, 1, 6, nan, nan),
		t(2, 2, 3, 1.0/3, 151),
		t(0, 2, 7, nan, math.Copysign(0, -1)),
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
		TrialsFile:  func(p string) error { return WriteTrials(context.Background(), p, plan, testMeasures, testTrials()) },
		SummaryFile: func(p string) error { return WriteSummary(context.Background(), p, plan, testMeasures, testTrials()) },
		SummaryLongFile: func(p string) error {
			return WriteSummaryLong(context.Background(), p, plan, testMeasures, testTrials())
		},
		ManifestFile: func(p string) error {
			return WriteManifest(p, newManifest(plan, []string{"raftsim", "sweep", "golden.yaml"}, testBuild))
		},
	}
	for _, name := range []string{TrialsFile, SummaryFile, SummaryLongFile, ManifestFile} {
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
		write func(context.Context, string, *experiments.Plan, []string, []Trial) error
	}{{"trials", WriteTrials}, {"summary", WriteSummary}, {"summary_long", WriteSummaryLong}} {
		a, b := filepath.Join(dir, w.name+"-a"), filepath.Join(dir, w.name+"-b")
		if err := w.write(context.Background(), a, plan, testMeasures, ts); err != nil {
			t.Fatal(err)
		}
		if err := w.write(context.Background(), b, plan, testMeasures, rev); err != nil {
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

func TestSummaryDropsNaN(t *testing.T) {
	plan := testPlan()
	path := filepath.Join(t.TempDir(), SummaryFile)
	if err := WriteSummary(context.Background(), path, plan, testMeasures, testTrials()); err != nil {
		t.Fatal(err)
	}
	tab, err := ReadTable(path)
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
		{0, "election_timeout_min_ms", "150"},
		{0, "election_timeout_max_ms", "300"},
		{0, "latency_ms_n", "2"},      // the NaN trial is left out, and counted out
		{0, "latency_ms_mean", "2.5"}, // mean of 1.25 and 3.75
		{0, "latency_ms_sd", "1.7677669529663689"},
		{0, "latency_ms_min", "1.25"},
		{0, "downtime_ms_n", "3"},       // +Inf is a value
		{0, "downtime_ms_sd", "NaN"},    // but has no spread
		{0, "downtime_ms_p999", "+Inf"}, //
		{1, "ops_ok_mean", "666668"},
		{1, "latency_ms_mean", "0.14444449444444443"}, // (0.1 + 1.5e-7 + 0.3333333333333333)/3 = 0.1444444944444444433…
		{1, "downtime_ms_p90", "150.8"},               //
		{2, "latency_ms_n", "0"},                      //
		{0, "downtime_ms_mean", "+Inf"},               // one unfinished election
		{0, "downtime_ms_p50", "120.5"},               // the median is still finite
		{0, "downtime_ms_max", "+Inf"},                //
		{2, "latency_ms_mean", "NaN"},                 // no trial defines it
		{2, "latency_ms_max", "NaN"},                  //
		{2, "downtime_ms_mean", "0"},                  // NaN, NaN, -0: one defined value
		{2, "downtime_ms_ci95", "NaN"},                // from one value
		{2, "trials", "3"},
	} {
		if got := cell(c.row, c.col); got != c.want {
			t.Errorf("row %d %s = %q, want %q", c.row, c.col, got, c.want)
		}
	}
}

// TestRoundTrip: what the writers write, the checked readers read back exactly: every trial with its
// seed and values (NaN and ±Inf included, -0 as 0), and the summaries against those trials.
func TestRoundTrip(t *testing.T) {
	plan := testPlan()
	dir := writeDir(t, plan)
	ts := testTrials()
	m, err := ReadManifest(filepath.Join(dir, ManifestFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := Check(context.Background(), dir, m, plan, testMeasures); err != nil {
		t.Fatal(err)
	}
	got, err := LoadTrials(context.Background(), filepath.Join(dir, TrialsFile), plan, testMeasures)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := checkTrials(plan, testMeasures, ts)
	if len(got) != len(want) {
		t.Fatalf("%d trials, want %d", len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Point != w.Point || g.Trial != w.Trial || g.Seed != w.Seed || !slices.EqualFunc(g.Values, w.Values, func(a, b float64) bool {
			return a == b || (math.IsNaN(a) && math.IsNaN(b))
		}) {
			t.Errorf("trial %d: got %+v, want %+v", i, g, w)
		}
	}
	if w := want[len(want)-1].Seed; w < 1<<63 {
		t.Logf("no seed above 2^63 among the test trials")
	}

	tab, err := ReadTable(filepath.Join(dir, TrialsFile))
	if err != nil {
		t.Fatal(err)
	}
	labels, _ := tab.Strings("label")
	seeds, _ := tab.Strings("seed")
	for r, tr := range want {
		if want := plan.Points[tr.Point].Coords[1].Value; labels[r] != want {
			t.Errorf("row %d label %q, want %q", r, labels[r], want)
		}
		if back, err := ParseSeed(seeds[r]); err != nil || back != tr.Seed {
			t.Errorf("row %d seed %q reads %d, %v; want %d", r, seeds[r], back, err, tr.Seed)
		}
	}
	if _, err := tab.Floats("label"); err == nil {
		t.Error("Floats of a text column: no error")
	}
	if _, err := tab.Strings("nope"); err == nil {
		t.Error("Strings of a missing column: no error")
	}
	if back := m; back.Spec != string(plan.Spec) || back.SpecSHA256 != sha256Hex(plan.Spec) || back.Seed != 42 || back.Trials != 3 ||
		back.Points != 3 || back.Build.Deps[PlotModule] != "v0.17.0" || back.Build.Revision != testBuild.Revision {
		t.Errorf("manifest round trip: %+v", back)
	}
}

// writeDir writes a results directory of plan and testTrials.
func writeDir(t *testing.T, plan *experiments.Plan) string {
	t.Helper()
	dir := t.TempDir()
	ts := testTrials()
	for _, err := range []error{
		WriteTrials(context.Background(), filepath.Join(dir, TrialsFile), plan, testMeasures, ts),
		WriteSummary(context.Background(), filepath.Join(dir, SummaryFile), plan, testMeasures, ts),
		WriteSummaryLong(context.Background(), filepath.Join(dir, SummaryLongFile), plan, testMeasures, ts),
		WriteManifest(filepath.Join(dir, ManifestFile), newManifest(plan, []string{"raftsim", "sweep", "x"}, testBuild)),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	return dir
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
		{"axis value not of its kind", bad(func(p *experiments.Plan, ts []Trial) []Trial {
			p.Points[1].Coords[0].Value = "fast"
			return ts
		}), `point "election_timeout=fast label=a,b": axis election_timeout:`},
		{"numeric column named like an axis", bad(func(p *experiments.Plan, ts []Trial) []Trial {
			p.Axes[1] = "election_timeout_max_ms"
			for i := range p.Points {
				p.Points[i].Coords[1].Axis = "election_timeout_max_ms"
			}
			return ts
		}), `column "election_timeout_max_ms" appears twice`},
		{"short row", bad(func(p *experiments.Plan, ts []Trial) []Trial { ts[3].Values = ts[3].Values[:2]; return ts }), "2 values for 3 measures"},
		{"unknown point", bad(func(p *experiments.Plan, ts []Trial) []Trial { ts[0].Point = 3; return ts }), "point 3 not in the plan"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			plan, ts := tt.setup()
			for _, w := range []func(context.Context, string, *experiments.Plan, []string, []Trial) error{WriteTrials, WriteSummary} {
				err := w(context.Background(), filepath.Join(dir, "out.csv"), plan, testMeasures, ts)
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

func TestReadTableErrors(t *testing.T) {
	tests := []struct {
		name, text string
		want       string
	}{
		{"empty", "", "empty file"},
		{"ragged", "a,trial,seed,x\n1,0,2\n", "wrong number of fields"},
		{"duplicate column", "a,trial,seed,x,x\n", `column "x" appears twice`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "f.csv")
			if err := os.WriteFile(path, []byte(tt.text), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := ReadTable(path)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to say %q", err, tt.want)
			}
		})
	}
}
