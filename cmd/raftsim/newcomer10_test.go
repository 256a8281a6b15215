package main

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/raftsim/raftsim/demo/site"
)

// Tests of what a newcomer met following the docs: help texts that named commands that do not exist,
// a flag's help that said the opposite of what the flag does, and error messages that pointed away
// from the cause.

// TestHelpFooterNamesARealCommand: every command with subcommands ends its help with the command that
// describes one of them, and that command works. `raftsim trace --help` said "raftsim trace help
// COMMAND", which is an unknown command (exit 2).
func TestHelpFooterNamesARealCommand(t *testing.T) {
	for _, tc := range []struct {
		args   []string // the help asked for
		footer string   // the command its footer must name
		sub    string   // a subcommand to try it with
		want   string   // a phrase of that subcommand's help
	}{
		{[]string{"--help"}, `Run "raftsim help COMMAND"`, "trace", "Read a trace"},
		{[]string{"trace", "--help"}, `Run "raftsim help trace COMMAND"`, "show", "Print a trace one event a line"},
	} {
		r := raftsim(t, nil, tc.args...)
		if r.code != 0 || !strings.Contains(r.stdout, tc.footer) {
			t.Fatalf("raftsim %s: exit %d, want the footer %s in:\n%s%s", strings.Join(tc.args, " "), r.code, tc.footer, r.stdout, r.stderr)
		}
		cmd := strings.Fields(strings.TrimPrefix(tc.footer, `Run "raftsim `))
		cmd = append(cmd[:len(cmd)-1], tc.sub) // COMMAND
		h := raftsim(t, nil, cmd...)
		if h.code != 0 || !strings.Contains(h.stdout, tc.want) {
			t.Errorf("raftsim %s (as the footer says): exit %d, want %q in:\n%s%s", strings.Join(cmd, " "), h.code, tc.want, h.stdout, h.stderr)
		}
	}
}

// TestTraceToHelpSaysWhatLeavingItOutDoes: --to 0 is refused by both trace commands, so the help may
// not offer it as "the end"; and without --to, msc stops after the first election, not at the end of
// the trace, so its help and its refusal must say so.
func TestTraceToHelpSaysWhatLeavingItOutDoes(t *testing.T) {
	tr := filepath.Join(t.TempDir(), "run.jsonl")
	if r := raftsim(t, nil, "run", "--nodes", "3", "--duration", "1s", "--trace", tr); r.code != 0 {
		t.Fatalf("run: exit %d: %s", r.code, r.stderr)
	}
	for _, tc := range []struct{ cmd, noTo string }{
		{"show", "the end of the trace"},
		{"msc", "the end of the first election after --from"},
	} {
		h := raftsim(t, nil, "trace", tc.cmd, "--help")
		if h.code != 0 || strings.Contains(h.stdout, "0: the end") || !strings.Contains(h.stdout, "(left out: "+tc.noTo+")") {
			t.Errorf("trace %s --help: exit %d, want --to's help to say left out: %s:\n%s", tc.cmd, h.code, tc.noTo, h.stdout)
		}
		r := raftsim(t, nil, "trace", tc.cmd, tr, "--to", "0")
		if r.code != 2 || !strings.Contains(r.stderr, "--to 0s") || !strings.Contains(r.stderr, tc.noTo) {
			t.Errorf("trace %s --to 0: exit %d, want 2 and a line naming --to and %q: %s", tc.cmd, r.code, tc.noTo, r.stderr)
		}
		if n := strings.Count(strings.TrimSpace(r.stderr), "\n"); n != 0 {
			t.Errorf("trace %s --to 0: %d lines on stderr, want one: %s", tc.cmd, n+1, r.stderr)
		}
	}
}

// TestMergeNamesAMissingShard: a shard directory that does not exist (a batch task that never
// started) is named as missing, not counted as "not a directory", which made merge say the shards
// were a mix of a sweep's and a check's. Nothing is written.
func TestMergeNamesAMissingShard(t *testing.T) {
	dir := t.TempDir()
	shard := filepath.Join(dir, "shard-1")
	if err := os.Mkdir(shard, 0o755); err != nil {
		t.Fatal(err)
	}
	out, missing := filepath.Join(dir, "out"), filepath.Join(dir, "shard-2")
	r := raftsim(t, nil, "merge", out, shard, missing)
	if r.code != 2 || !strings.Contains(r.stderr, missing) || !strings.Contains(r.stderr, "no such file") ||
		strings.Contains(r.stderr, "are directories") {
		t.Errorf("merge with a missing shard: exit %d, want 2 and a line naming %s as missing: %s", r.code, missing, r.stderr)
	}
	if _, err := os.Lstat(out); !os.IsNotExist(err) {
		t.Errorf("merge refused, but %s exists (%v)", out, err)
	}
}

// TestSlurmRerunWithOtherFlags: the same sweep written again with another --trials is refused (its
// scripts are never replaced), and the refusal says that other flags are a cause, not only "another
// sweep's?". The scripts written first stay as they were.
func TestSlurmRerunWithOtherFlags(t *testing.T) {
	out := filepath.Join(t.TempDir(), "fig16")
	if r := raftsim(t, nil, "slurm", "fig16", "--shards", "2", "--out", out); r.code != 0 {
		t.Fatalf("slurm: exit %d: %s", r.code, r.stderr)
	}
	array := filepath.Join(out+".shards", "array.sbatch")
	before, err := os.ReadFile(array)
	if err != nil {
		t.Fatal(err)
	}
	r := raftsim(t, nil, "slurm", "fig16", "--shards", "2", "--out", out, "--trials", "5")
	if r.code != 2 || !strings.Contains(r.stderr, "other flags") || !strings.Contains(r.stderr, array) {
		t.Errorf("slurm again with --trials 5: exit %d, want 2 and a line naming %s and other flags: %s", r.code, array, r.stderr)
	}
	if after, err := os.ReadFile(array); err != nil || string(after) != string(before) {
		t.Errorf("the refused rerun changed %s (%v)", array, err)
	}
}

// TestDemoEveryInterfacePrintsAddresses: `raftsim demo --addr :0` (every interface, for a classroom)
// printed "http://[::]:PORT/", no address to type: it prints a local address that serves the page, and
// a second line with the addresses other machines use. A port in use says so and offers port 0.
func TestDemoEveryInterfacePrintsAddresses(t *testing.T) {
	if !site.HasWasm(site.FS()) {
		t.Skip("this test binary holds no raftsim.wasm (run make wasm first); TestDemoServes checks the refusal")
	}
	cmd, rd, stderr := startDemo(t, ":0")
	defer func() {
		_ = cmd.Process.Signal(syscall.SIGINT)
		_ = cmd.Wait()
	}()
	first, err := rd.ReadString('\n')
	if err != nil {
		t.Fatalf("no address printed: %v (stderr %q)", err, stderr.String())
	}
	second, err := rd.ReadString('\n')
	if err != nil || !strings.HasPrefix(second, "  on every interface: from other machines, http://") {
		t.Errorf("second line %q (%v); want the addresses other machines use", second, err)
	}
	i := strings.Index(first, "http://localhost:")
	if i < 0 || strings.Contains(first, "[::]") {
		t.Fatalf("first line %q: want http://localhost:PORT/", first)
	}
	url := strings.Fields(first[i:])[0]
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET %s: %s", url, resp.Status)
	}
	port := url[len("http://localhost:") : len(url)-1]
	r := raftsim(t, nil, "demo", "--addr", "127.0.0.1:"+port)
	if r.code != 2 || !strings.Contains(r.stderr, "in use") || !strings.Contains(r.stderr, "port 0") {
		t.Errorf("--addr on the port just taken: exit %d, stderr %q; want 2, in use, port 0", r.code, r.stderr)
	}
}

// TestMergeUnfinishedShardSaysHowToResume: merge refusing an unfinished shard suggested
// "raftsim sweep SPEC --shard I/N --out DIR --resume", which, for a sweep run with --trials, runs the
// spec's own trial count and is refused as another sweep. The suggestion gives the journal's seed and
// trials, and the command it describes (with them) finishes the shard, which then merges.
func TestMergeUnfinishedShardSaysHowToResume(t *testing.T) {
	dir := t.TempDir()
	var shards []string
	for _, i := range []string{"1", "2"} {
		d := filepath.Join(dir, "shard-"+i)
		if r := raftsim(t, nil, "sweep", "fig16", "--trials", "3", "--shard", i+"/2", "--out", d, "--resume", "--quiet"); r.code != 0 {
			t.Fatalf("shard %s: exit %d: %s", i, r.code, r.stderr)
		}
		shards = append(shards, d)
	}
	if err := os.Remove(filepath.Join(shards[1], "shard.json")); err != nil { // as if killed before its end
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	r := raftsim(t, nil, append([]string{"merge", out}, shards...)...)
	if r.code != 2 || !strings.Contains(r.stderr, "[--trials 3]") || !strings.Contains(r.stderr, "--shard 2/2 --out "+shards[1]+" --resume") {
		t.Fatalf("merge with an unfinished shard: exit %d, want 2 and the resume command with --trials 3: %s", r.code, r.stderr)
	}
	if r := raftsim(t, nil, "sweep", "fig16", "--trials", "3", "--shard", "2/2", "--out", shards[1], "--resume", "--quiet"); r.code != 0 {
		t.Fatalf("resume as suggested: exit %d: %s", r.code, r.stderr)
	}
	if r := raftsim(t, nil, append([]string{"merge", out}, shards...)...); r.code != 0 {
		t.Errorf("merge after the resume: exit %d: %s", r.code, r.stderr)
	}
}
