package main

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// damageSpec is a small sweep with a plot and a reference, so that a results directory holds every kind
// of output that `raftsim plot` rewrites: plots and the comparison.
const damageSpec = `name: damage
trials: 4
duration: 3s
cluster: {nodes: 3, clients: 1, heartbeat: 0s}
scenario:
  leader_crash: {after: 1s, stop: true}
axes:
  - {param: election_timeout, values: ["150ms:300ms", "50ms:100ms"]}
plots:
  - name: damage
    rows:
      - - kind: cdf
          measure: election_downtime_ms
          series: election_timeout
reference:
  source: "nobody"
  axis: election_timeout
  measure: election_downtime_ms
  rows:
    - {value: "150ms:300ms", stat: p50, paper: 200, quote: "two hundred"}
`

// sweepInto runs a sweep of the spec text into a new directory and returns it.
func sweepInto(t *testing.T, text, args string) string {
	t.Helper()
	base := t.TempDir()
	spec, out := filepath.Join(base, "spec.yaml"), filepath.Join(base, "out")
	if err := os.WriteFile(spec, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	r := raftsim(t, nil, append([]string{"sweep", spec, "--out", out, "--quiet"}, strings.Fields(args)...)...)
	if r.code != 0 {
		t.Fatalf("sweep: exit %d: %s", r.code, r.stderr)
	}
	return out
}

// snapshot returns every file under dir by its path relative to dir.
func snapshot(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		rel, _ := filepath.Rel(dir, path)
		out[rel] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	for rel, b := range snapshot(t, src) {
		p := filepath.Join(dst, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestPlotRefusesDamagedResults: `raftsim plot DIR` holds every result file against the manifest before
// it draws: a cut, duplicated or relabelled trials.csv, a changed seed, an extra column, a non-number,
// an empty file, a manifest of another spec, a damaged summary all exit 2 with one line naming the file
// and the line, and leave every file of the directory (plots and comparison included) byte-identical.
func TestPlotRefusesDamagedResults(t *testing.T) {
	good := sweepInto(t, damageSpec, "")
	other := sweepInto(t, strings.Replace(strings.Replace(damageSpec, "50ms:100ms", "25ms:50ms", 1), "trials: 4", "trials: 5", 1), "")
	for _, f := range []string{"trials.csv", "summary.csv", "summary_long.csv", "manifest.json", "plots/damage.png", "plots/damage.svg", "comparison.md", "comparison.csv"} {
		if _, err := os.Stat(filepath.Join(good, f)); err != nil {
			t.Fatalf("the sweep did not write %s: %v", f, err)
		}
	}

	// Line 1 of trials.csv is the header; the 8 trials are lines 2 to 9.
	rows := func(f func([]string) []string) func([]byte) []byte {
		return func(b []byte) []byte {
			l := strings.SplitAfter(string(b), "\n")
			return []byte(strings.Join(f(l[:len(l)-1]), ""))
		}
	}
	sub := func(old, new string) func([]byte) []byte {
		return func(b []byte) []byte {
			if !bytes.Contains(b, []byte(old)) {
				t.Fatalf("no %q to replace", old)
			}
			return bytes.Replace(b, []byte(old), []byte(new), 1)
		}
	}
	// cell sets the cell of a line (from 1) and column (from 0) of a CSV file without quoted commas.
	cell := func(line, col int, value string) func([]byte) []byte {
		return func(b []byte) []byte {
			l := strings.Split(string(b), "\n")
			f := strings.Split(l[line-1], ",")
			f[col] = value
			l[line-1] = strings.Join(f, ",")
			return []byte(strings.Join(l, "\n"))
		}
	}
	otherManifest, err := os.ReadFile(filepath.Join(other, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, file string
		edit       func([]byte) []byte
		want       []string // fragments of the one line
	}{
		{"last row cut mid-line", "trials.csv", func(b []byte) []byte { return b[:len(b)-40] }, []string{"trials.csv: line 9:", "cut short"}},
		{"last row cut in its last cell", "trials.csv", func(b []byte) []byte { return b[:len(b)-2] }, []string{"trials.csv: line 9:", "cut short"}},
		{"whole rows missing", "trials.csv", rows(func(l []string) []string { return l[:6] }), []string{"trials.csv: line 6:", "ends after 5 of the plan's 8 rows"}},
		{"a row missing inside", "trials.csv", rows(func(l []string) []string { return append(l[:2:2], l[3:]...) }), []string{"trials.csv: line 3:", "a row is missing or out of order"}},
		{"duplicated row", "trials.csv", rows(func(l []string) []string { return append(l[:3:3], l[2:]...) }), []string{"trials.csv: line 4:", "appears twice (first on line 3)"}},
		{"relabelled row", "trials.csv", sub("\n50ms:100ms,50,100,1,", "\n150ms:300ms,150,300,1,"), []string{"trials.csv: line 7:", "relabelled"}},
		{"changed seed", "trials.csv", cell(3, 4, "0x0000_0000_0000_0007"), []string{"trials.csv: line 3:", "seed 0x0000_0000_0000_0007 is not the seed of"}},
		{"extra column", "trials.csv", func(b []byte) []byte { return bytes.ReplaceAll(b, []byte("\n"), []byte(",1\n")) }, []string{"trials.csv: line 1:", "header"}},
		{"non-numeric value", "trials.csv", cell(6, 5, "none"), []string{"trials.csv: line 6:", `availability "none" is not a number`}},
		{"empty file", "trials.csv", func([]byte) []byte { return nil }, []string{"trials.csv: empty file"}},
		{"no trials.csv", "trials.csv", nil, []string{"trials.csv: no such file"}},
		{"manifest of another spec", "manifest.json", func([]byte) []byte { return otherManifest }, []string{"trials.csv: line 6:", "not in the plan"}},
		{"manifest seed edited", "manifest.json", sub(`"seed": 1,`, `"seed": 2,`), []string{"manifest.json: seed 2, but its spec has seed 1"}},
		{"manifest cut short", "manifest.json", func(b []byte) []byte { return b[:len(b)/2] }, []string{"manifest.json: unexpected EOF"}},
		{"summary relabelled", "summary.csv", sub("\n50ms:100ms,", "\n25ms:50ms,"), []string{"summary.csv: line 3:", `election_timeout is "25ms:50ms", want "50ms:100ms"`}},
		{"summary value changed", "summary.csv", cell(2, 5, "0.5"), []string{"summary.csv: line 2:", "availability_mean is 0.5, but trials.csv gives"}},
		{"long summary cut", "summary_long.csv", rows(func(l []string) []string { return l[:100] }), []string{"summary_long.csv: line 100:", "the rest is missing"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "out")
			copyDir(t, good, dir)
			path := filepath.Join(dir, tt.file)
			if tt.edit == nil {
				if err := os.Remove(path); err != nil {
					t.Fatal(err)
				}
			} else {
				b, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				e := tt.edit(b)
				if bytes.Equal(e, b) {
					t.Fatal("the edit changed nothing")
				}
				if err := os.WriteFile(path, e, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			before := snapshot(t, dir)
			r := raftsim(t, nil, "plot", dir)
			lines := strings.Split(strings.TrimRight(r.stderr, "\n"), "\n")
			if r.code != 2 || len(lines) != 1 || strings.Contains(r.stderr, "goroutine") || r.stdout != "" {
				t.Fatalf("exit %d, stdout %q, stderr %q; want exit 2 and one line", r.code, r.stdout, r.stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr %q lacks %q", r.stderr, w)
				}
			}
			after := snapshot(t, dir)
			if len(after) != len(before) {
				t.Errorf("%d files before, %d after", len(before), len(after))
			}
			for name, b := range before {
				if !bytes.Equal(after[name], b) {
					t.Errorf("%s changed", name)
				}
			}
		})
	}

	t.Run("intact", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "out")
		copyDir(t, good, dir)
		before := snapshot(t, dir)
		if r := raftsim(t, nil, "plot", dir); r.code != 0 {
			t.Fatalf("plot: exit %d: %s", r.code, r.stderr)
		}
		after := snapshot(t, dir)
		for name, b := range before {
			if !bytes.Equal(after[name], b) {
				t.Errorf("plot redrew %s differently", name)
			}
		}
	})
}

// TestResultFormats: what a researcher reads: numeric columns for the election timeout, seeds as text
// that reads back as the trial's seed, n/sd/min/p999 in summary.csv, and the long summary.
func TestResultFormats(t *testing.T) {
	dir := sweepInto(t, damageSpec, "--seed 0xffffffffffffffff")
	b, err := os.ReadFile(filepath.Join(dir, "trials.csv"))
	if err != nil {
		t.Fatal(err)
	}
	head, rest, _ := strings.Cut(string(b), "\n")
	if !strings.HasPrefix(head, "election_timeout,election_timeout_min_ms,election_timeout_max_ms,trial,seed,availability,") {
		t.Errorf("trials.csv header %q", head)
	}
	if !strings.HasPrefix(rest, "150ms:300ms,150,300,0,0x") || strings.Count(strings.SplitN(rest, ",", 6)[4], "_") != 3 {
		t.Errorf("trials.csv first row %q", strings.SplitN(rest, "\n", 2)[0])
	}
	s, err := os.ReadFile(filepath.Join(dir, "summary.csv"))
	if err != nil {
		t.Fatal(err)
	}
	for _, col := range []string{",trials,availability_n,availability_mean,availability_sd,availability_ci95,availability_min,availability_p50,availability_p90,availability_p99,availability_p999,availability_max,",
		"election_timeout,election_timeout_min_ms,election_timeout_max_ms,trials,"} {
		if !strings.Contains(string(s), col) {
			t.Errorf("summary.csv header lacks %q", col)
		}
	}
	l, err := os.ReadFile(filepath.Join(dir, "summary_long.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(l), "election_timeout,election_timeout_min_ms,election_timeout_max_ms,trials,measure,statistic,value\n150ms:300ms,150,300,4,availability,n,4\n") {
		t.Errorf("summary_long.csv starts %q", strings.Join(strings.SplitN(string(l), "\n", 3)[:2], "\n"))
	}
	// The manifest records the root seed, and plot accepts the directory as written.
	if r := raftsim(t, nil, "plot", dir); r.code != 0 {
		t.Fatalf("plot: exit %d: %s", r.code, r.stderr)
	}
}
