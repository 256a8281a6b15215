package main

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Issue 11, shards: `raftsim sweep SPEC --shard I/N` and `raftsim check --shard I/N --report FILE` on
// several machines, then `raftsim merge`, give the files of the one-machine run byte for byte; a
// missing, duplicated, foreign or unfinished shard makes merge exit 2 and write nothing.

// treeFiles reads every regular file under dir, by path relative to it.
func treeFiles(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		rel, _ := filepath.Rel(dir, path)
		files[rel] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// sameTree fails unless got and want hold the same files with the same bytes.
func sameTree(t *testing.T, what, got, want string) {
	t.Helper()
	g, w := treeFiles(t, got), treeFiles(t, want)
	for name, b := range w {
		if gb, ok := g[name]; !ok {
			t.Errorf("%s: %s is missing", what, name)
		} else if !bytes.Equal(gb, b) {
			t.Errorf("%s: %s differs from the one-machine run's", what, name)
		}
	}
	for name := range g {
		if _, ok := w[name]; !ok {
			t.Errorf("%s: %s is not in the one-machine run", what, name)
		}
	}
	if len(w) < 5 {
		t.Errorf("the one-machine run wrote only %d files", len(w))
	}
}

// mustRun runs raftsim and fails unless it exits with code.
func mustRun(t *testing.T, code int, args ...string) result {
	t.Helper()
	r := raftsim(t, nil, args...)
	if r.code != code {
		t.Fatalf("raftsim %s: exit %d, want %d: %s", strings.Join(args, " "), r.code, code, r.stderr)
	}
	return r
}

// refused checks a run that must exit 2 with one line on stderr holding every word, and leave out
// absent.
func refused(t *testing.T, r result, out string, words ...string) {
	t.Helper()
	if r.code != 2 || strings.Count(r.stderr, "\n") != 1 || strings.Contains(r.stderr, "goroutine") {
		t.Errorf("exit %d, stderr %q: want 2 and one line", r.code, r.stderr)
	}
	for _, w := range words {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("%q does not say %q", r.stderr, w)
		}
	}
	if out != "" {
		if _, err := os.Stat(out); err == nil {
			t.Errorf("%s was written", out)
		}
	}
}

// shardCounts are the shard counts merged: 1, 3 and 7; -short (the race run of make test) only 3 and 7.
func shardCounts() []int {
	if testing.Short() {
		return []int{3, 7}
	}
	return []int{1, 3, 7}
}

func TestShardSweepMerge(t *testing.T) {
	t.Parallel()
	trials := "3"
	if testing.Short() {
		trials = "2"
	}
	dir := t.TempDir()
	sweep := []string{"sweep", "fig16", "--trials", trials, "--quiet", "--workers", "2"}
	one := filepath.Join(dir, "one")
	mustRun(t, 0, append(sweep, "--out", one)...)

	shards := map[int][]string{}
	for _, n := range shardCounts() {
		for i := 1; i <= n; i++ {
			d := filepath.Join(dir, fmt.Sprintf("s%d-%d", n, i))
			// The batch form: --resume starts a shard whose directory does not exist yet.
			mustRun(t, 0, append(sweep, "--shard", fmt.Sprintf("%d/%d", i, n), "--out", d, "--resume")...)
			shards[n] = append(shards[n], d)
		}
		t.Run(fmt.Sprintf("%d shards", n), func(t *testing.T) {
			out := filepath.Join(dir, fmt.Sprintf("merged%d", n))
			r := mustRun(t, 0, append([]string{"merge", out}, shards[n]...)...)
			if !strings.Contains(r.stdout, "comparison.md") {
				t.Errorf("merge did not say it compared with the paper: %s", r.stdout)
			}
			sameTree(t, fmt.Sprintf("%d shards merged", n), out, one)
		})
	}

	// A requeued task runs the same command again: a finished shard runs nothing, exit 0.
	r := mustRun(t, 0, append(sweep, "--shard", "2/3", "--out", shards[3][1], "--resume")...)
	if !strings.Contains(r.stdout, "ran 0") {
		t.Errorf("resuming a finished shard: %s", r.stdout)
	}

	// Foreign and unfinished shards.
	seed2 := filepath.Join(dir, "seed2")
	mustRun(t, 0, append(sweep, "--seed", "2", "--shard", "2/3", "--out", seed2)...)
	other := filepath.Join(dir, "other")
	mustRun(t, 0, "sweep", "testdata/plotted.yaml", "--quiet", "--shard", "2/3", "--out", other)
	unfinished := filepath.Join(dir, "unfinished")
	if err := os.CopyFS(unfinished, os.DirFS(shards[3][1])); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(unfinished, "shard.json"))
	s := shards[3]
	for _, tc := range []struct {
		name  string
		dirs  []string
		words []string
	}{
		{"missing", []string{s[0], s[2]}, []string{"shard 2/3 is missing"}},
		{"duplicated", []string{s[0], s[1], s[2], s[1]}, []string{s[1], "given twice"}},
		{"other seed", []string{s[0], seed2, s[2]}, []string{seed2, "seed 2, not 1"}},
		{"other spec", []string{s[0], other, s[2]}, []string{other, "another sweep"}},
		{"other N", []string{s[0], shards[7][1], s[2]}, []string{shards[7][1], "one of 7 shards"}},
		{"unfinished", []string{s[0], unfinished, s[2]}, []string{unfinished, "unfinished", "--resume"}},
		{"a check report among them", []string{s[0], filepath.Join(one, "manifest.json")}, []string{"directories"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			refused(t, raftsim(t, nil, append([]string{"merge", out}, tc.dirs...)...), out, tc.words...)
		})
	}
	// An OUT holding another sweep's results is refused and left as it was.
	before := treeFiles(t, one)
	r = raftsim(t, nil, "merge", one, other)
	if r.code != 2 {
		t.Errorf("merge into another sweep's results: exit %d", r.code)
	}
	after := treeFiles(t, one)
	for name, b := range before {
		if !bytes.Equal(after[name], b) {
			t.Errorf("a refused merge changed %s", name)
		}
	}
}

func TestShardCheckMerge(t *testing.T) {
	t.Parallel()
	seeds := "150"
	if testing.Short() {
		seeds = "40"
	}
	dir := t.TempDir()
	check := []string{"check", "--seeds", seeds, "--from", "5", "--quiet", "--workers", "2"}
	one := filepath.Join(dir, "one.json")
	mustRun(t, 0, append(check, "--report", one)...)
	want, err := os.ReadFile(one)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(want, []byte("per second")) || bytes.Contains(want, []byte("wall")) {
		t.Errorf("the report holds a wall-clock figure:\n%s", want)
	}
	shards := map[int][]string{}
	for _, n := range shardCounts() {
		for i := 1; i <= n; i++ {
			f := filepath.Join(dir, fmt.Sprintf("c%d-%d.json", n, i))
			mustRun(t, 0, append(check, "--shard", fmt.Sprintf("%d/%d", i, n), "--report", f)...)
			shards[n] = append(shards[n], f)
		}
		t.Run(fmt.Sprintf("%d shards", n), func(t *testing.T) {
			out := filepath.Join(dir, fmt.Sprintf("merged%d.json", n))
			mustRun(t, 0, append([]string{"merge", out}, shards[n]...)...)
			if got, _ := os.ReadFile(out); !bytes.Equal(got, want) {
				t.Errorf("merged report differs:\n%s\nwant\n%s", got, want)
			}
		})
	}
	// Rerunning a shard (a requeued task) rewrites the same report.
	mustRun(t, 0, append(check, "--shard", "2/3", "--report", shards[3][1])...)
	from6 := filepath.Join(dir, "from6.json")
	mustRun(t, 0, "check", "--seeds", seeds, "--from", "6", "--quiet", "--shard", "2/3", "--report", from6)
	s := shards[3]
	for _, tc := range []struct {
		name    string
		reports []string
		words   []string
	}{
		{"missing", []string{s[0], s[1]}, []string{"shard 3/3 is missing"}},
		{"duplicated", []string{s[0], s[1], s[1], s[2]}, []string{s[1], "given twice"}},
		{"other seeds", []string{s[0], from6, s[2]}, []string{from6, "another check"}},
		{"other N", []string{s[0], shards[7][1], s[2]}, []string{shards[7][1], "same --shard"}},
		{"whole check", []string{s[0], one, s[2]}, []string{one, "whole check"}},
		{"not a report", []string{s[0], filepath.Join("testdata", "plotted.yaml")}, []string{"plotted.yaml", "not a report"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out.json")
			refused(t, raftsim(t, nil, append([]string{"merge", out}, tc.reports...)...), out, tc.words...)
		})
	}
}

// TestShardCheckMoreShardsThanSeeds: with more shards than seeds some shards run none, and the
// merge is still the whole check's report.
func TestShardCheckMoreShardsThanSeeds(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	one := filepath.Join(dir, "one.json")
	mustRun(t, 0, "check", "--seeds", "2", "--quiet", "--report", one)
	args := []string{"merge", filepath.Join(dir, "merged.json")}
	for i := 1; i <= 3; i++ {
		f := filepath.Join(dir, fmt.Sprintf("c%d.json", i))
		mustRun(t, 0, "check", "--seeds", "2", "--quiet", "--shard", fmt.Sprintf("%d/3", i), "--report", f)
		args = append(args, f)
	}
	mustRun(t, 0, args...)
	want, _ := os.ReadFile(one)
	if got, _ := os.ReadFile(args[1]); !bytes.Equal(got, want) {
		t.Errorf("merged report differs:\n%s\nwant\n%s", got, want)
	}
}

// TestShardFlags: bad --shard forms and combinations exit 2 with one line naming the flag, before
// any work and writing nothing.
func TestShardFlags(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	report := filepath.Join(dir, "r.json")
	for _, tc := range []struct {
		args  []string
		words []string
	}{
		{[]string{"sweep", "fig16", "--out", out, "--shard", "0/3"}, []string{"--shard", "count from 1"}},
		{[]string{"sweep", "fig16", "--out", out, "--shard", "4/3"}, []string{"--shard", "want 1 to 3"}},
		{[]string{"sweep", "fig16", "--out", out, "--shard", "3"}, []string{"--shard", "I/N"}},
		{[]string{"sweep", "fig16", "--out", out, "--shard", "a/b"}, []string{"--shard", "whole numbers"}},
		{[]string{"sweep", "fig16", "--out", out, "--shard", "1/0"}, []string{"--shard", "0 shards"}},
		{[]string{"sweep", "fig16", "--shard", "1/3"}, []string{"--shard", "--out"}},
		{[]string{"sweep", "fig16", "--shard", "1/3", "--point", "0", "--trial", "0"}, []string{"--shard", "--point"}},
		{[]string{"sweep", "fig16", "--out", out, "--shard", "1/3", "--resume", "--force"}, []string{"--force", "--resume"}},
		{[]string{"check", "--shard", "0/3", "--report", report}, []string{"--shard", "count from 1"}},
		{[]string{"check", "--shard", "1/3"}, []string{"--shard", "--report"}},
		{[]string{"check", "--shard", "1/3", "--report", report, "--budget", "1s"}, []string{"--shard", "--budget"}},
		{[]string{"check", "--shard", "1/3", "--report", report, "--max-failures", "1"}, []string{"--shard", "--max-failures"}},
		{[]string{"check", "--seeds", "3", "--report", dir}, []string{"--report", "directory"}},
		{[]string{"check", "--seeds", "3", "--report", filepath.Join(dir, "no", "r.json")}, []string{"--report"}},
		{[]string{"check", "--seeds", "3", "--report", filepath.Join("testdata", "plotted.yaml")}, []string{"--report", "not a check report"}},
		{[]string{"merge", out}, []string{"merge", "OUT"}},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			refused(t, raftsim(t, nil, tc.args...), out, tc.words...)
			if _, err := os.Stat(report); err == nil {
				t.Errorf("%s was written", report)
			}
		})
	}
}
