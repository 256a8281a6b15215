package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Breaker 10: hostile input to the commands of issues 10 and 11 (trace, shards and merge, batch,
// demo). Each test is one finding: the input, and what the rules want of it (one line, exit 2, no
// stack trace, nothing already written replaced).

// raftsimStdinFile is raftsim with standard input read from the file at stdin.
func raftsimStdinFile(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	in, err := os.Open(stdin)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Stdin = in
	r, err := runMain(cmd)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// twoShards sweeps a tiny spec (trials per point, the nodes axis's values) in dir as shards 1/2 and 2/2,
// into dir/s1 and dir/s2, and returns the two directories.
func twoShards(t *testing.T, dir string, trials int, nodes string) (s1, s2 string) {
	t.Helper()
	specPath := filepath.Join(dir, "tiny.yaml")
	spec := fmt.Sprintf("name: tiny\ndescription: tiny\nseed: 1\ntrials: %d\nduration: 1s\ncluster:\n  bootstrap: 1\naxes:\n  - {param: nodes, values: %s}\n", trials, nodes)
	if err := os.WriteFile(specPath, []byte(spec), 0o644); err != nil {
		t.Fatal(err)
	}
	s1, s2 = filepath.Join(dir, "s1"), filepath.Join(dir, "s2")
	for i, s := range []string{s1, s2} {
		if r := raftsim(t, nil, "sweep", specPath, "--quiet", "--shard", []string{"1/2", "2/2"}[i], "--out", s); r.code != 0 {
			t.Fatalf("sweep: exit %d: %s", r.code, r.stderr)
		}
	}
	return s1, s2
}

// oneLineUsage fails unless r is a refusal as the rules want it: exit 2, one line on standard error
// that says want, no Go stack trace.
func oneLineUsage(t *testing.T, r result, want string) {
	t.Helper()
	if r.code != 2 || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 || !strings.Contains(r.stderr, want) ||
		strings.Contains(r.stderr, "goroutine") {
		t.Fatalf("exit %d, stderr %q; want exit 2 and one line saying %q", r.code, r.stderr, want)
	}
}

// TestBreaker10MSCStdinIsOutput: `raftsim trace msc - --svg t.jsonl < t.jsonl` wrote the chart over
// the trace it read (the same-file check looked only at a FILE argument). It is refused, and the
// trace keeps its bytes.
func TestBreaker10MSCStdinIsOutput(t *testing.T) {
	dir := t.TempDir()
	tr := filepath.Join(dir, "t.jsonl")
	if r := raftsim(t, nil, "run", "--nodes", "3", "--duration", "1s", "--trace", tr); r.code != 0 {
		t.Fatalf("run: exit %d: %s", r.code, r.stderr)
	}
	before, err := os.ReadFile(tr)
	if err != nil {
		t.Fatal(err)
	}
	oneLineUsage(t, raftsimStdinFile(t, tr, "trace", "msc", "-", "--svg", tr), "is the trace it would draw")
	link := filepath.Join(dir, "link.jsonl")
	if err := os.Symlink(tr, link); err != nil {
		t.Fatal(err)
	}
	oneLineUsage(t, raftsimStdinFile(t, tr, "trace", "msc", "-", "--svg", link), "is the trace it would draw")
	if after, _ := os.ReadFile(tr); !bytes.Equal(before, after) {
		t.Fatal("the trace was changed")
	}
	// Standard input from another file still draws.
	other := filepath.Join(dir, "other.svg")
	if r := raftsimStdinFile(t, tr, "trace", "msc", "-", "--svg", other); r.code != 0 {
		t.Fatalf("msc from standard input: exit %d: %s", r.code, r.stderr)
	}
}

// TestBreaker10MergeEditedReport: a check report edited by hand (a shard count of 0 or an index of 0
// panicked merge with a division by zero; failures with no failed seed merged into a report that
// contradicts itself) is refused in one line naming the field, and OUT is not written.
func TestBreaker10MergeEditedReport(t *testing.T) {
	dir := t.TempDir()
	r1, r2 := filepath.Join(dir, "r1.json"), filepath.Join(dir, "r2.json")
	for i, rep := range []string{r1, r2} {
		if r := raftsim(t, nil, "check", "--seeds", "4", "--quiet", "--shard", []string{"1/2", "2/2"}[i], "--report", rep); r.code != 0 {
			t.Fatalf("check: exit %d: %s", r.code, r.stderr)
		}
	}
	b, err := os.ReadFile(r1)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, want string
		edit       func(m map[string]any)
	}{
		{"count 0", "shard: 0 shards", func(m map[string]any) { m["shard"].(map[string]any)["count"] = 0 }},
		{"index 0", "shard: shard 0 of 2", func(m map[string]any) { m["shard"].(map[string]any)["index"] = 0 }},
		{"index -1", "shard: shard -1 of 2", func(m map[string]any) { m["shard"].(map[string]any)["index"] = -1 }},
		{"failures, none listed", "failed: 0 seeds listed, want 2", func(m map[string]any) { m["failures"].(map[string]any)["safety"] = 2 }},
		{"a foreign failed seed", "seed 999 is not one of", func(m map[string]any) {
			m["failures"].(map[string]any)["safety"] = 1
			m["failed"] = []any{map[string]any{"seed": 999, "kind": "safety", "reason": "x"}}
		}},
		{"an unknown kind", `unknown kind "bogus"`, func(m map[string]any) { m["failures"].(map[string]any)["bogus"] = 0 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var m map[string]any
			json.Unmarshal(b, &m) // a fresh copy of orig
			tc.edit(m)
			edited := filepath.Join(t.TempDir(), "edited.json")
			eb, _ := json.Marshal(m)
			if err := os.WriteFile(edited, eb, 0o644); err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(t.TempDir(), "merged.json")
			oneLineUsage(t, raftsim(t, nil, "merge", out, edited, r2), tc.want)
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Fatalf("OUT was written (%v)", err)
			}
		})
	}
	if r := raftsim(t, nil, "merge", filepath.Join(dir, "m.json"), r1, r2); r.code != 0 {
		t.Fatalf("the unedited reports: exit %d: %s", r.code, r.stderr)
	}
}

// TestBreaker10MergeOutIsAShard: `raftsim merge --force OUT ...` with OUT one of the shards replaced
// the shard's journal and shard.json (a check shard's report) with the merged results: the shard was
// lost. OUT may never be a shard, --force or not, whatever the path's spelling; an empty OUT (exit 1
// before) and a missing shard (reported as a mix of directories and files) are named.
func TestBreaker10MergeOutIsAShard(t *testing.T) {
	dir := t.TempDir()
	s1, s2 := twoShards(t, dir, 2, "[3]")
	r1, r2 := filepath.Join(dir, "r1.json"), filepath.Join(dir, "r2.json")
	for i, rep := range []string{r1, r2} {
		if r := raftsim(t, nil, "check", "--seeds", "2", "--quiet", "--shard", []string{"1/2", "2/2"}[i], "--report", rep); r.code != 0 {
			t.Fatalf("check: exit %d: %s", r.code, r.stderr)
		}
	}
	before := treeFiles(t, dir)
	for _, args := range [][]string{
		{s1, s1, s2, "--force"},
		{s1 + "/", s2, s1, "--force"},
		{filepath.Join(dir, ".", "s2"), s1, s2, "--force"},
		{r1, r1, r2, "--force"},
		{r2, r1, r2},
	} {
		oneLineUsage(t, raftsim(t, nil, append([]string{"merge"}, args...)...), "is the shard")
	}
	oneLineUsage(t, raftsim(t, nil, "merge", "", s1, s2), "merge: OUT: an empty path")
	oneLineUsage(t, raftsim(t, nil, "merge", filepath.Join(dir, "m"), s1, ""), "merge: SHARD: an empty path")
	oneLineUsage(t, raftsim(t, nil, "merge", filepath.Join(dir, "m"), s1, filepath.Join(dir, "nope")), "nope: no such file or directory")
	after := treeFiles(t, dir)
	for name, b := range before {
		if !bytes.Equal(after[name], b) {
			t.Errorf("%s was changed or removed", name)
		}
	}
	if len(after) != len(before) {
		t.Errorf("%d files before, %d after", len(before), len(after))
	}
}

// TestBreaker10SlurmSpecWithLineBreak: `raftsim slurm` with a spec file named "a\ntouch PWNED\n.yaml"
// wrote an array.sbatch whose comment header ended at the line break: running the script ran
// `touch PWNED`. It is refused in one line, and no script is written.
func TestBreaker10SlurmSpecWithLineBreak(t *testing.T) {
	dir := t.TempDir()
	specPath := filepath.Join(dir, "a\ntouch PWNED\n.yaml")
	spec := "name: tiny\ndescription: tiny\nseed: 1\ntrials: 2\nduration: 1s\naxes:\n  - {param: nodes, values: [3]}\n"
	if err := os.WriteFile(specPath, []byte(spec), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	oneLineUsage(t, raftsim(t, nil, "slurm", specPath, "--shards", "2", "--out", out), `SPEC "`+strings.ReplaceAll(specPath, "\n", `\n`)+`": holds a control character`)
	if _, err := os.Stat(out + ".shards"); !os.IsNotExist(err) {
		t.Fatalf("the shard directory was made (%v)", err)
	}
	// The same spec under a name with spaces and quotes is fine: the script quotes it.
	ok := filepath.Join(dir, `my 'spec' $(x).yaml`)
	if err := os.WriteFile(ok, []byte(spec), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := raftsim(t, nil, "slurm", ok, "--shards", "2", "--out", out); r.code != 0 {
		t.Fatalf("slurm: exit %d: %s", r.code, r.stderr)
	}
	script, err := os.ReadFile(filepath.Join(out+".shards", "array.sbatch"))
	if err != nil {
		t.Fatal(err)
	}
	if want := `'` + strings.ReplaceAll(ok, `'`, `'\''`) + `'`; !strings.Contains(string(script), want) {
		t.Fatalf("array.sbatch does not quote the spec as %s:\n%s", want, script)
	}
}

// TestBreaker10CheckReportIsFailuresDir: `raftsim check --report x.json --failures x.json` made x.json
// the failures directory, ran the whole check, and failed (exit 1) writing the report over it. It is
// refused before the check, whatever the spelling, and nothing is made.
func TestBreaker10CheckReportIsFailuresDir(t *testing.T) {
	dir := t.TempDir()
	rep := filepath.Join(dir, "x.json")
	for _, failures := range []string{rep, filepath.Join(dir, ".", "x.json")} {
		oneLineUsage(t, raftsim(t, nil, "check", "--seeds", "2", "--quiet", "--report", rep, "--failures", failures), "is the --report file")
	}
	if _, err := os.Stat(rep); !os.IsNotExist(err) {
		t.Fatalf("x.json was made (%v)", err)
	}
}

// TestBreaker10MergeForeignTrial: a shard's journal holding a line of another shard's journal, or a
// shard.json whose shard_trials was edited, was reported as an unfinished shard to resume ("its
// journal holds 7 of its 6 trials: resume it"), which resuming cannot mend. merge names the foreign
// trial or the edited count, exits 2 and writes nothing.
func TestBreaker10MergeForeignTrial(t *testing.T) {
	dir := t.TempDir()
	s1, s2 := twoShards(t, dir, 3, "[3, 5]")
	journal := func(d string) []string {
		b, err := os.ReadFile(filepath.Join(d, "trials.journal"))
		if err != nil {
			t.Fatal(err)
		}
		return strings.SplitAfter(strings.TrimSuffix(string(b), "\n"), "\n")
	}
	copyShard := func(name string) string {
		d := filepath.Join(dir, name)
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, f := range []string{"trials.journal", "shard.json"} {
			b, err := os.ReadFile(filepath.Join(s1, f))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(d, f), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return d
	}
	// A line of shard 2's journal (its first trial line, after the two header lines) appended to
	// shard 1's.
	foreign := copyShard("foreign")
	line := journal(s2)[2]
	f, err := os.OpenFile(filepath.Join(foreign, "trials.journal"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(line + "\n"); err != nil {
		t.Fatal(err)
	}
	f.Close()
	// shard_trials edited.
	edited := copyShard("edited")
	b, _ := os.ReadFile(filepath.Join(edited, "shard.json"))
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	m["shard_trials"] = 1000000
	b, _ = json.Marshal(m)
	if err := os.WriteFile(filepath.Join(edited, "shard.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ shard, want string }{
		{foreign, "is in " + s2 + " too"},
		{edited, "shard.json says 1000000 trials, and the assignment gives the shard"},
	} {
		out := filepath.Join(dir, "out")
		r := raftsim(t, nil, "merge", out, s2, tc.shard)
		oneLineUsage(t, r, tc.want)
		if strings.Contains(r.stderr, "resume") {
			t.Errorf("%s: advises a resume: %s", tc.shard, r.stderr)
		}
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Fatalf("OUT was made (%v)", err)
		}
	}
	// Given first, the foreign shard's line is named as another shard's.
	oneLineUsage(t, raftsim(t, nil, "merge", filepath.Join(dir, "out"), foreign, s2), "belongs to shard 2/2")
}
