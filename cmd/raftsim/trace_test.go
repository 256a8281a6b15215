package main

import (
	"bytes"
	"encoding/xml"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Issue 10, trace tools: `raftsim trace show` and `raftsim trace msc` on the fixed trace of
// trace/testdata (its README names the command that wrote it), on traces of every kind of run, and
// on bad input.

const smallTrace = "../../trace/testdata/small.jsonl"

// raftsimStdin is raftsim (main_test.go) with stdin as its standard input.
func raftsimStdin(t *testing.T, stdin []byte, args ...string) result {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Stdin = bytes.NewReader(stdin)
	r, err := runMain(cmd)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestTraceShowGolden: `raftsim trace show` prints what trace.Line does, the golden file of package
// trace (go test ./trace/ -update rewrites it), from a file and from standard input; its filters
// keep what they say.
func TestTraceShowGolden(t *testing.T) {
	want, err := os.ReadFile("../../trace/testdata/small.show")
	if err != nil {
		t.Fatal(err)
	}
	if r := raftsim(t, nil, "trace", "show", smallTrace); r.code != 0 || r.stdout != string(want) || r.stderr != "" {
		t.Fatalf("trace show: exit %d, stderr %q, stdout differs from trace/testdata/small.show:\n%s", r.code, r.stderr, r.stdout)
	}
	data, err := os.ReadFile(smallTrace)
	if err != nil {
		t.Fatal(err)
	}
	if r := raftsimStdin(t, data, "trace", "show", "-"); r.code != 0 || r.stdout != string(want) {
		t.Fatalf("trace show -: exit %d, stderr %q", r.code, r.stderr)
	}
	filters := []struct {
		args []string
		keep func(line string) bool
	}{
		{[]string{"--kind", "state,fault"}, func(l string) bool {
			return strings.Contains(l, " term ") && !strings.Contains(l, "→") && !strings.Contains(l, "←") || strings.Contains(l, "FAULT")
		}},
		// Endpoint 4 is client 1: its messages, not its ops (they touch no endpoint), nor the faults
		// of node 3.
		{[]string{"--node", "4"}, func(l string) bool {
			return strings.Contains(l, "c1") && !strings.Contains(l, "c1 write") && !strings.Contains(l, "c1 read")
		}},
		{[]string{"--from", "400ms", "--to", "500ms"}, func(l string) bool {
			ms := strings.Fields(l)[0]
			return ms >= "400" && ms <= "500" && len(ms) == 7
		}},
		{[]string{"--type", "vote_resp", "--kind", "send"}, func(l string) bool { return strings.Contains(l, "→") && strings.Contains(l, "vote_resp") }},
	}
	for _, f := range filters {
		r := raftsim(t, nil, append([]string{"trace", "show", smallTrace}, f.args...)...)
		if r.code != 0 || r.stdout == "" {
			t.Fatalf("trace show %v: exit %d, stderr %q, %d bytes", f.args, r.code, r.stderr, len(r.stdout))
		}
		var kept []string
		for _, l := range strings.SplitAfter(string(want), "\n") {
			if l != "" && f.keep(l) {
				kept = append(kept, l)
			}
		}
		if got := r.stdout; got != strings.Join(kept, "") {
			t.Errorf("trace show %v:\n%s\nwant\n%s", f.args, got, strings.Join(kept, ""))
		}
	}
}

// TestTraceMSC: `raftsim trace msc` writes the same chart to --svg and to standard output, from a file
// and from standard input; it is well-formed SVG holding the first election.
func TestTraceMSC(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "chart.svg")
	r := raftsim(t, nil, "trace", "msc", smallTrace, "--svg", out)
	if r.code != 0 || r.stdout != "" || r.stderr != "" {
		t.Fatalf("trace msc --svg: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	chart, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	svgOK(t, "trace msc --svg", []byte(chart))
	for _, w := range []string{"candidate t1", "leader t2", "vote_resp t1 no"} {
		if !bytes.Contains(chart, []byte(w)) {
			t.Errorf("the chart has no %q", w)
		}
	}
	if r := raftsim(t, nil, "trace", "msc", smallTrace); r.code != 0 || r.stdout != string(chart) {
		t.Errorf("trace msc to standard output: exit %d, stderr %q, not the --svg chart", r.code, r.stderr)
	}
	data, _ := os.ReadFile(smallTrace)
	if r := raftsimStdin(t, data, "trace", "msc", "-"); r.code != 0 || !strings.Contains(r.stdout, "standard input") {
		t.Errorf("trace msc -: exit %d, stderr %q", r.code, r.stderr)
	}
}

func svgOK(t *testing.T, what string, b []byte) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(b))
	n := 0
	for {
		_, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("%s: not well-formed XML: %v", what, err)
		}
		n++
	}
	if n < 10 || !bytes.HasPrefix(b, []byte("<svg ")) {
		t.Fatalf("%s: not an SVG chart (%d tokens)", what, n)
	}
}

// TestTraceToolsEveryRun: show and msc read the traces of runs of every kind `raftsim run --trace` can
// make (faults, partitions, membership changes, snapshots, reads, loss, duplication and reordering,
// filters, gray failures, transfers, the leader-crash scenario, no header): show prints one line per
// event, in words it knows, and msc draws a well-formed chart, by default and for a window with the
// clients.
func TestTraceToolsEveryRun(t *testing.T) {
	runs := [][]string{
		{"--nodes", "5", "--clients", "2", "--crash", "leader@1s", "--restart", "crashed-leader@1500ms", "--loss", "0.02"},
		{"--nodes", "5", "--partition", "1s:1,2|3,4,5", "--heal", "2s", "--pre-vote", "--check-quorum"},
		{"--nodes", "3", "--add", "4@500ms", "--replace", "1:5@1s", "--transfer", "2@2s"},
		{"--nodes", "3", "--snapshot-entries", "50", "--crash", "3@500ms", "--restart", "3@2s"},
		{"--nodes", "3", "--read-ratio", "0.5", "--read-mode", "lease", "--check-quorum", "--dup", "0.05", "--reorder", "0.05"},
		{"--nodes", "3", "--read-ratio", "0.5", "--read-mode", "follower"},
		{"--nodes", "3", "--filter", "drop append 1->2,1->3 @1s-2s", "--pause", "2@500ms:300ms", "--disk-stall", "3@1s:200ms"},
		{"--nodes", "5", "--leader-crash", "1s", "--stale", "1", "--chaos", "--chaos-quiet", "500ms"},
		{"--nodes", "3", "--cut", "1s:1->2", "--restore", "2s:1->2", "--isolate", "3@2200ms", "--repair", "2500ms"},
	}
	if testing.Short() {
		runs = runs[:3] // faults and loss, a partition, membership: the race pass of make test
	}
	dir := t.TempDir()
	kinds := map[string]bool{}
	for i, args := range runs {
		file := filepath.Join(dir, "run.jsonl")
		run := append([]string{"run", "--duration", "3s", "--seed", "3", "--check", "--trace", file}, args...)
		if r := raftsim(t, nil, run...); r.code != 0 {
			t.Fatalf("%v: exit %d: %s", run, r.code, r.stderr)
		}
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
		for _, l := range lines {
			if i := strings.Index(l, `"ev":"`); i >= 0 {
				kinds[strings.SplitN(l[i+6:], `"`, 2)[0]] = true
			}
		}
		if i == 0 {
			// A trace from before the header: the endpoints inferred.
			if err := os.WriteFile(filepath.Join(dir, "old.jsonl"), []byte(strings.Join(lines[1:], "\n")+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		for _, f := range []string{file, filepath.Join(dir, "old.jsonl")} {
			r := raftsim(t, nil, "trace", "show", f)
			shown := strings.Count(r.stdout, "\n")
			if r.code != 0 || (f == file && shown != len(lines)-1) || strings.Contains(r.stdout, "does not know") {
				t.Fatalf("%v: trace show %s: exit %d, %d lines for %d events, stderr %q", args, filepath.Base(f), r.code, shown, len(lines)-1, r.stderr)
			}
			for _, m := range [][]string{nil, {"--from", "900ms", "--to", "1600ms", "--clients"}} {
				r := raftsim(t, nil, append([]string{"trace", "msc", f}, m...)...)
				if r.code != 0 {
					t.Fatalf("%v: trace msc %v: exit %d: %s", args, m, r.code, r.stderr)
				}
				svgOK(t, strings.Join(args, " "), []byte(r.stdout))
			}
		}
	}
	for _, k := range []string{"trace", "state", "timeout", "send", "deliver", "drop", "persist", "commit", "fault", "request", "reply", "op", "scenario"} {
		if testing.Short() && k == "scenario" {
			continue
		}
		if !kinds[k] {
			t.Errorf("no run made a %q event", k)
		}
	}
}

// TestTraceBadInput: bad flags, a missing or unreadable trace and a malformed one are one line each,
// exit status 2, naming what is wrong (and the line of the trace).
func TestTraceBadInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	header := `{"t":0,"ev":"trace","version":1,"nodes":3,"clients":1,"seed":1}` + "\n"
	good := write("good.jsonl", header+`{"t":5,"ev":"commit","node":1,"index":1}`+"\n")
	bad := write("bad.jsonl", header+`{"t":5,"ev":"commit","node":1,"index":1}`+"\n"+`{"t":6,"ev":"commit","node":"x"}`+"\n")
	huge := write("huge.jsonl", header+`{"t":6,"ev":"fault","desc":"`+strings.Repeat("x", 2<<20)+`"}`+"\n")
	newer := write("newer.jsonl", `{"t":0,"ev":"trace","version":9,"nodes":3,"clients":0}`+"\n")
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"trace"}, "no subcommand"},
		{[]string{"trace", "frob"}, `unknown command "frob"`},
		{[]string{"trace", "show"}, "want one trace FILE"},
		{[]string{"trace", "show", good, good}, "got 2 arguments"},
		{[]string{"trace", "show", filepath.Join(dir, "missing.jsonl")}, "no such file"},
		{[]string{"trace", "show", dir}, "not a regular file"},
		{[]string{"trace", "show", bad}, "line 3: \"node\": want a uint64"},
		{[]string{"trace", "show", huge}, "line 2: longer than"},
		{[]string{"trace", "show", newer}, "format version 9"},
		{[]string{"trace", "show", good, "--node", "5"}, "--node: node 5 is not in the trace"},
		{[]string{"trace", "show", good, "--node", "0"}, `--node "0"`},
		{[]string{"trace", "show", good, "--kind", "sends"}, `--kind "sends": unknown kind`},
		{[]string{"trace", "show", good, "--type", "append"}, `--type "append": unknown message type`},
		{[]string{"trace", "show", good, "--from", "-1s"}, "--from -1s"},
		{[]string{"trace", "show", good, "--from", "2s", "--to", "1s"}, "--to 1s: before --from 2s"},
		{[]string{"trace", "show", good, "--to", "3"}, "--to"},
		{[]string{"trace", "msc", good, "--max-messages", "0"}, "--max-messages 0"},
		{[]string{"trace", "msc", good, "--svg", dir}, "--svg " + dir},
		{[]string{"trace", "msc", good, "--svg", filepath.Join(dir, "missing", "x.svg")}, "--svg"},
		{[]string{"trace", "msc", good, "--svg", good}, "is the trace it would draw"},
		{[]string{"trace", "msc", bad}, "line 3"},
		{[]string{"trace", "msc", good, "--node", "1,9"}, "--node: node 9"},
	}
	for _, tt := range tests {
		r := raftsim(t, nil, tt.args...)
		if r.code != 2 || strings.Count(r.stderr, "\n") != 1 || !strings.Contains(r.stderr, tt.want) ||
			strings.Contains(r.stderr, "goroutine") || len(r.stderr) > 500 {
			t.Errorf("%q: exit %d, stderr %q; want exit 2 and one line with %q", tt.args, r.code, r.stderr, tt.want)
		}
	}
	if data, _ := os.ReadFile(good); !strings.HasPrefix(string(data), header) {
		t.Error("--svg over the trace replaced it")
	}
	// The events before a malformed line are shown; the error names the line.
	if r := raftsim(t, nil, "trace", "show", bad); !strings.Contains(r.stdout, "n1 commit index=1") {
		t.Errorf("trace show of a trace malformed at line 3 lost the lines before it: %q", r.stdout)
	}
}

// TestTraceToolsInterrupted: Ctrl-C stops show and msc reading a trace that goes on (standard input, still
// open): exit status 130.
func TestTraceToolsInterrupted(t *testing.T) {
	line := []byte(`{"t":5,"ev":"commit","node":1,"index":1}` + "\n")
	for _, args := range [][]string{{"trace", "show", "-"}, {"trace", "msc", "-", "--type", "vote"}} {
		cmd := exec.Command(os.Args[0], args...)
		cmd.Env = append(os.Environ(), "RAFTSIM_BE_MAIN=1")
		stdin, err := cmd.StdinPipe()
		if err != nil {
			t.Fatal(err)
		}
		var errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = io.Discard, &errb
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		// Lines keep coming until the command ends; the interrupt comes once it has read a megabyte
		// (the pipe holds 64 KiB), so it is reading, its signal handler set, on a loaded machine too.
		stop := make(chan struct{})
		reading := make(chan struct{})
		go func() {
			written := 0
			for {
				select {
				case <-stop:
					stdin.Close()
					return
				default:
					n, err := stdin.Write(bytes.Repeat(line, 100))
					if err != nil {
						return
					}
					if written < 1<<20 && written+n >= 1<<20 {
						close(reading)
					}
					written += n
				}
			}
		}()
		select {
		case <-reading:
		case <-time.After(60 * time.Second):
			cmd.Process.Kill()
			t.Fatalf("%v: read less than a megabyte in a minute", args)
		}
		if err := cmd.Process.Signal(os.Interrupt); err != nil {
			t.Fatal(err)
		}
		var werr error
		select {
		case werr = <-done:
		case <-time.After(20 * time.Second):
			cmd.Process.Kill()
			t.Fatalf("%v: still running 20 s after the interrupt", args)
		}
		close(stop)
		code := 0
		if ee, ok := werr.(*exec.ExitError); ok {
			code = ee.ExitCode()
		}
		if code != 130 || strings.Count(errb.String(), "\n") > 1 {
			t.Errorf("%v interrupted: exit %d, stderr %q; want 130", args, code, errb.String())
		}
	}
}
