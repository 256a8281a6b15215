package results

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/raftsim/raftsim/experiments"
)

// edit returns a function that rewrites a file's text.
func lines(f func([]string) []string) func(string) string {
	return func(s string) string {
		ls := strings.SplitAfter(s, "\n")
		if ls[len(ls)-1] == "" {
			ls = ls[:len(ls)-1]
		}
		return strings.Join(f(ls), "")
	}
}

// TestLoadTrialsDamage: every kind of damage to trials.csv is refused with a *FileError that names the
// file, the line and the problem. Line 1 is the header; the rows are lines 2 to 10.
func TestLoadTrialsDamage(t *testing.T) {
	tests := []struct {
		name string
		edit func(string) string
		line int
		want string
	}{
		{"last row cut mid-line", func(s string) string { return s[:len(s)-12] }, 10, "6 fields, want 9: the file was cut short in this line"},
		{"last row cut in its last cell", func(s string) string { return s[:len(s)-2] }, 10, `downtime_ms "" is not a number: the file ends here without a line end, cut short`},
		{"last row cut in a cell", func(s string) string { return s[:len(s)-4] }, 10, "8 fields, want 9: the file was cut short in this line"},
		{"last line end cut", func(s string) string { return s[:len(s)-1] }, 10, "no line end at the end of the file: it was cut short"},
		{"whole rows missing at the end", lines(func(l []string) []string { return l[:8] }), 8, `the file ends after 7 of the plan's 9 rows (3 points × 3 trials): point "election_timeout=300ms:600ms label=say \"hi\"" trial 1 and the rows after it are missing`},
		{"a row missing in the middle", lines(func(l []string) []string { return append(l[:3:3], l[4:]...) }), 4, `point "election_timeout=150ms:300ms label=plain" trial 0 where point "election_timeout=150ms:300ms label=a,b" trial 2 belongs: a row is missing or out of order`},
		{"duplicated row", lines(func(l []string) []string { return append(l[:4:4], l[3:]...) }), 5, `point "election_timeout=150ms:300ms label=a,b" trial 2 appears twice (first on line 4)`},
		{"duplicated last row", lines(func(l []string) []string { return append(l, l[9]) }), 11, "one row more than the plan's 9 (3 points × 3 trials)"},
		{"relabelled row", lines(func(l []string) []string { l[5] = strings.Replace(l[5], "plain", `"a,b"`, 1); return l }), 6,
			`the row says point "election_timeout=150ms:300ms label=a,b" trial 1, but its seed is that of point "election_timeout=150ms:300ms label=plain" trial 1, which belongs here: a relabelled row`},
		{"relabelled to no point", lines(func(l []string) []string { l[2] = strings.Replace(l[2], `"a,b"`, "b", 1); return l }), 3,
			`point "election_timeout=150ms:300ms label=b" is not in the plan`},
		{"relabelled trial index", lines(func(l []string) []string { l[1] = strings.Replace(l[1], `"a,b",0,`, `"a,b",7,`, 1); return l }), 2, `trial "7" is not in 0..2`},
		{"numeric axis column changed", lines(func(l []string) []string { l[2] = strings.Replace(l[2], ",150,300,", ",150,301,", 1); return l }), 3,
			`election_timeout_max_ms is "301", want "300"`},
		{"changed seed", lines(func(l []string) []string { l[2] = strings.Replace(l[2], "0xc536", "0xc537", 1); return l }), 3,
			`seed 0xc537_c929_3395_a436 is not the seed of point "election_timeout=150ms:300ms label=a,b" trial 1, 0xc536_c929_3395_a436`},
		{"seed as a float", lines(func(l []string) []string {
			l[2] = strings.Replace(l[2], "0xc536_c929_3395_a436", "1.4211e+19", 1)
			return l
		}), 3,
			`seed "1.4211e+19" is not a seed`},
		{"extra column", lines(func(l []string) []string {
			for i := range l {
				l[i] = strings.TrimSuffix(l[i], "\n") + ",x\n"
			}
			return l
		}), 1, `header: column "x" is not one of this plan's results`},
		{"missing column", lines(func(l []string) []string {
			for i := range l {
				l[i] = l[i][:strings.LastIndexByte(l[i], ',')] + "\n"
			}
			return l
		}), 1, `header: no column "downtime_ms"`},
		{"columns swapped", lines(func(l []string) []string {
			l[0] = strings.Replace(l[0], "ops_ok,latency_ms", "latency_ms,ops_ok", 1)
			return l
		}), 1,
			`header: column 7 is "latency_ms", want "ops_ok"`},
		{"a decimal comma", lines(func(l []string) []string { l[3] = strings.Replace(l[3], "120.5", "120,5", 1); return l }), 4, "10 fields, want 9"},
		{"non-numeric value", lines(func(l []string) []string { l[3] = strings.Replace(l[3], "120.5", "n/a", 1); return l }), 4, `downtime_ms "n/a" is not a number`},
		{"a bare quote", lines(func(l []string) []string { l[6] = strings.Replace(l[6], "151", `1"51`, 1); return l }), 7, `bare " in non-quoted-field`},
		{"empty file", func(string) string { return "" }, 0, "empty file"},
		{"header only", lines(func(l []string) []string { return l[:1] }), 1, "the file ends after 0 of the plan's 9 rows"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plan := testPlan()
			path := filepath.Join(writeDir(t, plan), TrialsFile)
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte(tt.edit(string(b))), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err = LoadTrials(context.Background(), path, plan, testMeasures)
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("err = %v, want a *FileError", err)
			}
			if fe.Path != path || fe.Line != tt.line || !strings.Contains(fe.Msg, tt.want) {
				t.Errorf("got %s (line %d)\nwant line %d: …%s…", err, fe.Line, tt.line, tt.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("a message of more than one line: %q", err)
			}
		})
	}
}

// TestLoadTrialsOtherPlan: results held against the plan of another spec, of another root seed or of
// another trial count are refused.
func TestLoadTrialsOtherPlan(t *testing.T) {
	path := filepath.Join(writeDir(t, testPlan()), TrialsFile)
	tests := []struct {
		name string
		plan func(p *experiments.Plan)
		want string
	}{
		{"another root seed", func(p *experiments.Plan) { p.Seed = 43 }, "line 2: seed 0x155e_baa0_0114_0766 is not the seed of"},
		{"more trials", func(p *experiments.Plan) { p.Trials = 4 }, "line 5: point \"election_timeout=150ms:300ms label=plain\" trial 0 where point \"election_timeout=150ms:300ms label=a,b\" trial 3 belongs"},
		{"fewer trials", func(p *experiments.Plan) { p.Trials = 2 }, `line 4: trial "2" is not in 0..1`},
		{"another axis", func(p *experiments.Plan) {
			p.Axes[1] = "variant"
			for i := range p.Points {
				p.Points[i].Coords[1].Axis = "variant"
			}
		}, `line 1: header: no column "variant"`},
		{"the axis's kind unknown", func(p *experiments.Plan) { p.AxisKinds = nil }, `header: column "election_timeout_min_ms" is not one of`},
		{"another value", func(p *experiments.Plan) { p.Points[0].Coords[1].Value = "hello" }, `line 8: point "election_timeout=300ms:600ms label=say \"hi\"" is not in the plan`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plan := testPlan()
			tt.plan(plan)
			_, err := LoadTrials(context.Background(), path, plan, testMeasures)
			var fe *FileError
			if !errors.As(err, &fe) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want a *FileError saying %q", err, tt.want)
			}
		})
	}
}

// TestCheckDamage: damage to the summaries and the manifest is found too, and Check passes a directory
// as written.
func TestCheckDamage(t *testing.T) {
	replace := func(old, new string) func(string) string {
		return func(s string) string { return strings.Replace(s, old, new, 1) }
	}
	tests := []struct {
		name, file string
		edit       func(string) string
		want       string
	}{
		{"as written", "", nil, ""},
		{"a statistic changed", SummaryFile, replace("8.333333333333334", "8.3"), "summary.csv: line 2: ops_ok_mean is 8.3, but trials.csv gives 8.333333333333334"},
		{"a statistic written otherwise", SummaryFile, replace(",666668,", ",666668.0,"), ""},
		{"a point relabelled", SummaryFile, replace("plain", "plane"), `summary.csv: line 3: label is "plane", want "plain"`},
		{"a summary row missing", SummaryFile, lines(func(l []string) []string { return l[:3] }), "summary.csv: line 3: the file ends after 2 of the 3 rows"},
		{"a summary cut short", SummaryFile, func(s string) string { return s[:len(s)-1] }, "summary.csv: line 4: no line end"},
		{"a trial count changed", SummaryFile, replace(`"a,b",3,`, `"a,b",4,`), `summary.csv: line 2: trials is "4", want "3"`},
		{"a long row changed", SummaryLongFile, replace("ops_ok,p90,12.8", "ops_ok,p90,12.9"), "summary_long.csv: line 8: value is 12.9, but trials.csv gives 12.8"},
		{"a long statistic renamed", SummaryLongFile, replace("ops_ok,p90,", "ops_ok,p95,"), `summary_long.csv: line 8: statistic is "p95", want "p90"`},
		{"the long summary missing", SummaryLongFile, nil, "summary_long.csv: no such file"},
		{"manifest seed", ManifestFile, replace(`"seed": 42`, `"seed": 41`), "manifest.json: seed 41, but its spec has seed 42"},
		{"manifest spec edited", ManifestFile, replace("trials: 3", "trials: 4"), "manifest.json: spec_sha256 "},
		{"manifest unknown field", ManifestFile, replace(`"seed": 42`, `"sead": 42`), `manifest.json: unknown field "sead"`},
		{"manifest not JSON", ManifestFile, func(string) string { return "name: x\n" }, "manifest.json: invalid character"},
		{"manifest trailing data", ManifestFile, func(s string) string { return s + "{}" }, "manifest.json: data after the manifest"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plan := testPlan()
			dir := writeDir(t, plan)
			if tt.file != "" {
				path := filepath.Join(dir, tt.file)
				b, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				if tt.edit == nil {
					err = os.Remove(path)
				} else {
					err = os.WriteFile(path, []byte(tt.edit(string(b))), 0o644)
				}
				if err != nil {
					t.Fatal(err)
				}
			}
			m, err := ReadManifest(filepath.Join(dir, ManifestFile))
			if err == nil {
				err = Check(context.Background(), dir, m, plan, testMeasures)
			}
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var fe *FileError
			if !errors.As(err, &fe) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want a *FileError saying %q", err, tt.want)
			}
		})
	}
}

// TestOpenCSVRefuses: a file that is not a regular file, or larger than the plan's results can be, is
// refused before it is read.
func TestOpenCSVRefuses(t *testing.T) {
	plan := testPlan()
	dir := writeDir(t, plan)
	path := filepath.Join(dir, TrialsFile)
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/dev/zero", path); err != nil {
		t.Skip(err)
	}
	if _, err := LoadTrials(context.Background(), path, plan, testMeasures); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("/dev/zero: err = %v", err)
	}
	os.Remove(path)
	big := strings.Repeat("x", 1<<20)
	if err := os.WriteFile(path, []byte(strings.Join(TrialsHeader(plan, testMeasures), ",")+"\n"+big+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadTrials(context.Background(), path, plan, testMeasures); err == nil || !strings.Contains(err.Error(), "more than this plan's results can take") {
		t.Errorf("1 MiB: err = %v", err)
	}
}

func TestSeedFormat(t *testing.T) {
	for _, tt := range []struct {
		seed uint64
		text string
	}{
		{0, "0x0000_0000_0000_0000"},
		{1, "0x0000_0000_0000_0001"},
		{1<<63 + 5, "0x8000_0000_0000_0005"},
		{18446744073709551615, "0xffff_ffff_ffff_ffff"},
	} {
		if got := FormatSeed(tt.seed); got != tt.text {
			t.Errorf("FormatSeed(%d) = %s, want %s", tt.seed, got, tt.text)
		}
		if got, err := ParseSeed(tt.text); err != nil || got != tt.seed {
			t.Errorf("ParseSeed(%s) = %d, %v", tt.text, got, err)
		}
	}
	for _, s := range []string{"18446744073709551615", "0xffffffffffffffff", "0xffff_ffff_ffff_ffff"} {
		if got, err := ParseSeed(s); err != nil || got != 18446744073709551615 {
			t.Errorf("ParseSeed(%s) = %d, %v", s, got, err)
		}
	}
	for _, s := range []string{"", "0x", "-1", "1.8e19", "0o17", "0x1_0000_0000_0000_0000", "18446744073709551616", " 7", "0x_"} {
		if _, err := ParseSeed(s); err == nil {
			t.Errorf("ParseSeed(%q): no error", s)
		}
	}
	// Fixed width: the text sorts as the numbers do.
	if a, b := FormatSeed(0x0fff_ffff_ffff_ffff), FormatSeed(0x1000_0000_0000_0000); !(a < b) {
		t.Errorf("%s sorts after %s", a, b)
	}
}
