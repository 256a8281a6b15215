package main

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"

	"github.com/raftsim/raftsim/cluster"
	"github.com/raftsim/raftsim/experiments/measure"
	"github.com/raftsim/raftsim/experiments/spec"
	"github.com/raftsim/raftsim/experiments/specs"
	"github.com/raftsim/raftsim/topology"
)

// parseFlags reads `raftsim run` flags in-process, as the command does.
func parseFlags(t *testing.T, args ...string) (*runFlags, error) {
	t.Helper()
	fs := pflag.NewFlagSet("run", pflag.ContinueOnError)
	f := newRunFlags(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatalf("%v: %v", args, err)
	}
	return f, nil
}

// TestRunFlagsCoverParams: every spec parameter is a flag of `raftsim run` (or, for the schedule and
// the mapping parameters, several), and every flag is in a group of the help text.
func TestRunFlagsCoverParams(t *testing.T) {
	fs := pflag.NewFlagSet("run", pflag.ContinueOnError)
	newRunFlags(fs)
	parts := map[string][]string{
		"schedule":       {"crash", "restart", "cut", "restore", "partition", "isolate", "heal", "filter"},
		"leader_crash":   {"leader-crash", "stale", "stop-after-election"},
		"crash_recovery": {"mttf", "mttr"},
		"flap":           {"flap-up", "flap-down"}, // links (issue 8)
	}
	for _, p := range spec.Params() {
		names := parts[p.Name]
		if names == nil {
			names = []string{strings.ReplaceAll(p.Name, "_", "-")}
		}
		for _, n := range names {
			if fs.Lookup(n) == nil {
				t.Errorf("spec parameter %s has no flag --%s", p.Name, n)
			}
		}
	}
	fs.VisitAll(func(f *pflag.Flag) {
		if len(f.Annotations[flagGroupKey]) == 0 {
			t.Errorf("--%s is in no group of the help text", f.Name)
		}
	})
}

// TestFlagsAndSpecAgree: a value bad as a flag is bad as a spec field, for the same reason, because
// both go through the spec's parser and checks; and good values give the same configuration.
func TestFlagsAndSpecAgree(t *testing.T) {
	tests := []struct {
		flags []string
		yaml  string // the cluster:, scenario: and top-level keys of the same settings
		want  string // in both messages
	}{
		{[]string{"--nodes", "0"}, "cluster: {nodes: 0}", "want 1 to 1000"},
		{[]string{"--loss", "2"}, "cluster: {loss: 2}", "want a probability in [0, 1]"},
		{[]string{"--crash", "1@90s"}, "scenario: {schedule: [\"crash 1@90s\"]}", "is not before the end of the run"},
		{[]string{"--leader-crash", "-1s"}, "scenario: {leader_crash: {after: -1s}}", "is negative"},
		{[]string{"--mttf", "const:0", "--mttr", "exp:1s"}, "scenario: {crash_recovery: {mttf: \"const:0\", mttr: \"exp:1s\"}}", "has mean 0"},
		{[]string{"--crash", "1@1s,"}, "scenario: {schedule: [\"crash 1@1s,\"]}", "an empty item"},
		{[]string{"--heal", "1s,,2s"}, "scenario: {schedule: [\"heal 1s,,2s\"]}", "an empty item"},
		{[]string{"--restart", "2@5s"}, "scenario: {schedule: [\"restart 2@5s\"]}", "node 2 is up"},
		{[]string{"--crash", "2@6s", "--restart", "2@5s"}, "scenario: {schedule: [\"crash 2@6s\", \"restart 2@5s\"]}", "node 2 is up"},
		{[]string{"--crash", "2@1s", "--crash", "2@2s"}, "scenario: {schedule: [\"crash 2@1s\", \"crash 2@2s\"]}", "node 2 is already down"},
		{[]string{"--topology", "ring", "--cut", "1s:1->3"}, "cluster: {topology: ring}\nscenario: {schedule: [\"cut 1s:1->3\"]}", "the topology has no edge 1->3"},
		{[]string{"--restore", "1s:1->2"}, "scenario: {schedule: [\"restore 1s:1->2\"]}", "edge 1->2 is up: no cut of it comes before"},
		{[]string{"--cut", "2s:1->2", "--restore", "1s:1->2"}, "scenario: {schedule: [\"cut 2s:1->2\", \"restore 1s:1->2\"]}", "edge 1->2 is up: no cut of it comes before"},
		{[]string{"--cut", "1s:1->2", "--cut", "2s:1<->2"}, "scenario: {schedule: [\"cut 1s:1->2\", \"cut 2s:1<->2\"]}", "edge 1->2 is already cut"},
		{[]string{"--cut", "1s:1->2", "--restore", "2s:1->2", "--restore", "3s:1->2"}, "scenario: {schedule: [\"cut 1s:1->2\", \"restore 2s:1->2\", \"restore 3s:1->2\"]}", "edge 1->2 is up (restore 2s:1->2, and no cut since)"},
		{[]string{"--cut", "1s:1->2,1->2"}, "scenario: {schedule: [\"cut 1s:1->2,1->2\"]}", "edge 1->2 is listed twice"},
		{[]string{"--nodes", "010"}, "cluster: {nodes: 010}", "leading zero"},
		{[]string{"--measure-from", "5s", "--duration", "2s"}, "duration: 2s\nscenario: {measure_from: 5s}", "is not before the end of the run"},
		{[]string{"--faults", "2"}, "scenario: {faults: 2}", "after the first election"},
		{[]string{"--stale", "2"}, "scenario: {leader_crash: {stale: 2}}", "(when the leader in office is crashed)"},
		{[]string{"--election-timeout", "300ms:150ms"}, "cluster: {election_timeout: \"300ms:150ms\"}", "below the minimum"},
		{[]string{"--pre-vote=maybe"}, "cluster: {pre_vote: maybe}", "want etcd, thesis, true or false"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.flags, " "), func(t *testing.T) {
			f, _ := parseFlags(t, tt.flags...)
			_, _, ferr := f.config()
			_, serr := spec.Parse([]byte("name: x\n"+tt.yaml+"\n"), "x.yaml")
			var ue *usageError
			if !errors.As(ferr, &ue) || serr == nil {
				t.Fatalf("flags: %v; spec: %v; want both refused", ferr, serr)
			}
			fmsg := ferr.Error()
			if !strings.Contains(fmsg, tt.want) || !strings.Contains(serr.Error(), tt.want) || !strings.HasPrefix(fmsg, "--") {
				t.Errorf("flags: %q\nspec:  %q\nwant both to say %q, the flag's naming the flag", fmsg, serr, tt.want)
			}
		})
	}

	// Schedules whose edges may be cut: a restore after a partition, an isolation or a heal of one.
	for _, flags := range [][]string{
		{"--partition", "1s:1,2|3,4,5", "--restore", "2s:1->3"},
		{"--isolate", "1@1s", "--restore", "2s:1<->2"},
		{"--cut", "1s:1->2", "--heal", "2s", "--cut", "3s:1->2"},
		{"--chaos", "--restore", "2s:1->2"},
	} {
		f, _ := parseFlags(t, flags...)
		if _, _, err := f.config(); err != nil {
			t.Errorf("%v: %v", flags, err)
		}
	}

	// Good values: the flags give the spec's configuration.
	f, _ := parseFlags(t, "--nodes", "7", "--election-timeout", "50ms:100ms", "--crash", "leader@2s", "--restart", "3@4s",
		"--latency", "normal:5ms:1ms", "--pre-vote", "--mttf", "exp:30s", "--mttr", "exp:3s", "--seed", "9")
	got, _, err := f.config()
	if err != nil {
		t.Fatal(err)
	}
	s, err := spec.Parse([]byte("name: x\nseed: 9\ncluster: {nodes: 7, election_timeout: \"50ms:100ms\", latency: \"normal:5ms:1ms\", pre_vote: true}\n"+
		"scenario: {schedule: [\"crash leader@2s\", \"restart 3@4s\"], crash_recovery: {mttf: \"exp:30s\", mttr: \"exp:3s\"}}\n"), "x.yaml")
	if err != nil {
		t.Fatal(err)
	}
	plan, _ := s.Plan()
	want := plan.Points[0].Config
	want.Seed = s.Seed
	if got.Nodes != want.Nodes || got.ElectionMin != want.ElectionMin || got.Link.Latency.String() != want.Link.Latency.String() ||
		got.PreVote != want.PreVote || len(got.Faults) != len(want.Faults) || got.Seed != 9 || got.CrashRecovery == nil ||
		got.CrashRecovery.MTTF.String() != want.CrashRecovery.MTTF.String() {
		t.Errorf("flags gave %+v\nspec gave %+v", got, want)
	}
	// The heartbeat follows the election timeout when neither sets it: half the minimum.
	if hb := got.HeartbeatInterval(); hb != 25*time.Millisecond {
		t.Errorf("heartbeat %v with --election-timeout 50ms:100ms, want 25ms", hb)
	}
}

// TestHeartbeatFollowsTimeoutInSpecs: a spec that sweeps the election timeout without setting the
// heartbeat gets half of each minimum (it kept 75 ms before, and 50-100 ms timeouts churned).
func TestHeartbeatFollowsTimeoutInSpecs(t *testing.T) {
	s, err := spec.Parse([]byte("name: x\naxes:\n  - {param: election_timeout, values: [\"50ms:100ms\", \"300ms:600ms\"]}\n"), "x.yaml")
	if err != nil {
		t.Fatal(err)
	}
	plan, _ := s.Plan()
	for i, want := range []time.Duration{25 * time.Millisecond, 150 * time.Millisecond} {
		if got := plan.Points[i].Config.HeartbeatInterval(); got != want {
			t.Errorf("point %s: heartbeat %v, want %v", plan.Points[i].Key(), got, want)
		}
		if w := plan.Points[i].Config.Warnings(); len(w) != 0 {
			t.Errorf("point %s: warnings %v", plan.Points[i].Key(), w)
		}
	}
}

// TestHeartbeatWarning: a heartbeat at or above the minimum election timeout runs (churn may be the
// point), with a warning on standard error and in the summary.
func TestHeartbeatWarning(t *testing.T) {
	r := raftsim(t, nil, "run", "--heartbeat", "200ms", "--duration", "2s", "--json")
	if r.code != 0 || !strings.Contains(r.stderr, "warning: heartbeat 200ms is not below the minimum election timeout 150ms") {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	var sum struct{ Warnings []string }
	if err := json.Unmarshal([]byte(r.stdout), &sum); err != nil || len(sum.Warnings) != 1 {
		t.Fatalf("summary warnings %v (%v)", sum.Warnings, err)
	}
	if r := raftsim(t, nil, "run", "--duration", "2s", "--json"); strings.Contains(r.stderr, "warning") || !strings.Contains(r.stdout, `"warnings":[]`) {
		t.Errorf("default run: stderr %q, stdout %q", r.stderr, r.stdout)
	}
}

// TestCLIConventions: the conventions of a Go command line.
func TestCLIConventions(t *testing.T) {
	tests := []struct {
		args         []string
		code         int
		stdout       string // fragments, "" for none
		stderr       string
		stderrLines  int // 0: any
		stdoutAbsent string
	}{
		{args: nil, code: 2, stderr: "Usage:", stdoutAbsent: "Usage"},
		{args: []string{"swep"}, code: 2, stderr: `unknown command "swep" (did you mean "sweep"?)`, stderrLines: 1},
		{args: []string{"frobnicate", "--trace", "x"}, code: 2, stderr: "unknown command", stderrLines: 1},
		{args: []string{"run", "--nodez", "3"}, code: 2, stderr: "unknown flag: --nodez (did you mean --nodes?)", stderrLines: 1},
		{args: []string{"sweep", "quorom"}, code: 2, stderr: `(did you mean "quorum"?)`, stderrLines: 1},
		{args: []string{"help", "help"}, code: 0, stdout: "Usage:"},
		{args: []string{"--help", "--help"}, code: 0, stdout: "Usage:"},
		{args: []string{"help", "run"}, code: 0, stdout: "Faults:\n      --faults N"},
		{args: []string{"help", "run"}, code: 0, stdout: "--trace FILE"},
		{args: []string{"help", "run"}, code: 0, stdout: "--election-timeout MIN:MAX"},
		{args: []string{"help", "run"}, code: 0, stdout: "--heartbeat DURATION"},
		{args: []string{"help", "run"}, code: 0, stdout: "Measures and output:"},
		{args: []string{"help", "sweep"}, code: 0, stdout: "--out DIR"},
		{args: []string{"version"}, code: 0, stdout: "raftsim "},
		{args: []string{"--version"}, code: 0, stdout: "raftsim "},
		{args: []string{"run", "extra"}, code: 2, stderr: "unexpected argument", stderrLines: 1},
		{args: []string{"show"}, code: 2, stderr: "want one built-in", stderrLines: 1},
		{args: []string{"show", "qorum"}, code: 2, stderr: `did you mean "quorum"?`, stderrLines: 1},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			r := raftsim(t, nil, tt.args...)
			lines := strings.Count(r.stderr, "\n")
			if r.code != tt.code || !strings.Contains(r.stdout, tt.stdout) || !strings.Contains(r.stderr, tt.stderr) ||
				(tt.stderrLines > 0 && lines != tt.stderrLines) || (tt.stdoutAbsent != "" && strings.Contains(r.stdout, tt.stdoutAbsent)) ||
				strings.Contains(r.stderr, "goroutine") {
				t.Fatalf("exit %d\nstdout %q\nstderr %q\nwant exit %d, stdout with %q, stderr with %q", r.code, r.stdout, r.stderr, tt.code, tt.stdout, tt.stderr)
			}
		})
	}
}

// TestShow: `raftsim show NAME` prints the embedded spec, which parses as a spec file.
func TestShow(t *testing.T) {
	for _, name := range specs.Names() {
		r := raftsim(t, nil, "show", name)
		b, _ := specs.Get(name)
		if r.code != 0 || r.stdout != string(b) {
			t.Fatalf("show %s: exit %d, %d bytes of %d", name, r.code, len(r.stdout), len(b))
		}
		if _, err := spec.Parse([]byte(r.stdout), name+".yaml"); err != nil {
			t.Errorf("show %s: %v", name, err)
		}
	}
}

// TestIsTerminal: /dev/null and files are not terminals, so no progress bar is drawn on them.
func TestIsTerminal(t *testing.T) {
	devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer devnull.Close()
	f, _ := os.CreateTemp(t.TempDir(), "x")
	defer f.Close()
	if isTerminal(devnull) || isTerminal(f) || isTerminal(&strings.Builder{}) {
		t.Error("isTerminal is true for /dev/null, a file or a buffer")
	}
}

// TestReplayTrial: `raftsim sweep SPEC --point K --trial N` reproduces the trial's row of trials.csv
// exactly, by index or by coordinates, and --trace writes its events.
func TestReplayTrial(t *testing.T) {
	dir := t.TempDir()
	specFile := filepath.Join(dir, "s.yaml")
	if err := os.WriteFile(specFile, []byte("name: replay\ntrials: 3\nduration: 4s\ncluster: {clients: 2}\nscenario: {schedule: [\"crash leader@2s\"]}\n"+
		"axes:\n  - {param: nodes, values: [3, 5]}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	if r := raftsim(t, nil, "sweep", specFile, "--out", out, "--quiet"); r.code != 0 {
		t.Fatalf("sweep: %s", r.stderr)
	}
	fh, err := os.Open(filepath.Join(out, "trials.csv"))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(fh).ReadAll()
	fh.Close()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	for _, row := range rows[1:] {
		point := "nodes=" + row[col["nodes"]]
		if row[col["nodes"]] == "5" && row[col["trial"]] == "1" {
			point = "1" // by index
		}
		trace := filepath.Join(dir, "t.jsonl")
		r := raftsim(t, nil, "sweep", specFile, "--point", point, "--trial", row[col["trial"]], "--trace", trace)
		if r.code != 0 {
			t.Fatalf("replay %s trial %s: exit %d: %s", point, row[col["trial"]], r.code, r.stderr)
		}
		got := map[string]string{}
		for _, line := range strings.Split(r.stdout, "\n") {
			if f := strings.Fields(line); len(f) == 2 {
				got[f[0]] = f[1]
			}
		}
		for _, m := range measure.Names {
			want, _ := strconv.ParseFloat(row[col[m]], 64)
			if _, ok := got[m]; !ok && strings.HasPrefix(m, "region") && want != want {
				continue // a run without regions leaves its regionK_ measures out: they are NaN
			}
			g, err := strconv.ParseFloat(got[m], 64)
			if err != nil || !(g == want || g != g && want != want) {
				t.Errorf("replay %s trial %s: %s = %q, trials.csv has %q", point, row[col["trial"]], m, got[m], row[col[m]])
			}
		}
		if st, err := os.Stat(trace); err != nil || st.Size() == 0 {
			t.Errorf("replay wrote no trace: %v", err)
		}
	}
	for _, tt := range []struct{ args []string }{
		{[]string{"--point", "nodes=4", "--trial", "0"}},
		{[]string{"--point", "9", "--trial", "0"}},
		{[]string{"--point", "0", "--trial", "3"}},
		{[]string{"--point", "0"}},
		{[]string{"--point", "flavour=x", "--trial", "0"}},
		{[]string{"--point", "0", "--trial", "0", "--resume"}},
	} {
		r := raftsim(t, nil, append([]string{"sweep", specFile}, tt.args...)...)
		if r.code != 2 || strings.Count(r.stderr, "\n") != 1 {
			t.Errorf("%v: exit %d, %q; want 2 and one line", tt.args, r.code, r.stderr)
		}
	}
}

// TestExamples: every example spec parses and plans, and every example topology loads and runs.
func TestExamples(t *testing.T) {
	specsFound, _ := filepath.Glob("../../examples/specs/*.yaml")
	topos, _ := filepath.Glob("../../examples/topologies/*.yaml")
	if len(specsFound) < 3 || len(topos) < 3 {
		t.Fatalf("examples: %d specs, %d topologies", len(specsFound), len(topos))
	}
	readme, _ := os.ReadFile("../../examples/README.md")
	for _, f := range append(specsFound, topos...) {
		if !strings.Contains(string(readme), filepath.Base(f)) {
			t.Errorf("examples/README.md does not mention %s", filepath.Base(f))
		}
	}
	for _, f := range specsFound {
		s, err := spec.Load(f)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if _, err := s.Plan(); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	for _, f := range topos {
		g, err := topology.Load(f, topology.Link{})
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if r := raftsim(t, nil, "run", "--topology", f, "--nodes", strconv.Itoa(g.Len()), "--duration", "2s", "--check"); r.code != 0 {
			t.Errorf("run --topology %s: exit %d: %s", f, r.code, r.stderr)
		}
	}
}

// TestSweepWarnings: a sweep whose points have doubtful settings says so on standard error and lists
// them in the manifest.
func TestSweepWarnings(t *testing.T) {
	dir := t.TempDir()
	specFile := filepath.Join(dir, "s.yaml")
	if err := os.WriteFile(specFile, []byte("name: hb\nduration: 1s\ncluster: {heartbeat: 100ms}\n"+
		"axes:\n  - {param: election_timeout, values: [\"50ms:100ms\", \"300ms:600ms\"]}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := raftsim(t, nil, "sweep", specFile, "--out", filepath.Join(dir, "out"), "--quiet")
	if r.code != 0 || strings.Count(r.stderr, "warning:") != 1 || !strings.Contains(r.stderr, "election_timeout=50ms:100ms: heartbeat 100ms") {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	m, err := os.ReadFile(filepath.Join(dir, "out", "manifest.json"))
	if err != nil || !strings.Contains(string(m), `"election_timeout=50ms:100ms: heartbeat 100ms is not below the minimum election timeout 50ms`) {
		t.Fatalf("manifest: %v\n%s", err, m)
	}
}

// TestFailurePrintsReplay: a failed trial of a sweep prints the command that runs it again on its own,
// and that command fails the same way; a run's violation prints the run's own command with a trace.
func TestFailurePrintsReplay(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a trial to a run limit twice")
	}
	dir := t.TempDir()
	specFile := filepath.Join(dir, "stuck.yaml")
	// No latency, no fsync, no think time: writes take no time and simulated time stands still, which
	// the run refuses after a bounded number of events.
	if err := os.WriteFile(specFile, []byte("name: stuck\nduration: 2s\ncluster: {latency: \"const:0s\", fsync: \"const:0s\", bandwidth: unlimited, clients: 1}\n"+
		"axes:\n  - {param: nodes, values: [3, 5]}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := raftsim(t, nil, "sweep", specFile, "--out", filepath.Join(dir, "out"), "--quiet", "--workers", "1")
	want := "; replay: raftsim sweep " + specFile + " --point nodes=3 --trial 0 --trace trial.jsonl"
	if r.code == 0 || !strings.Contains(r.stderr, want) {
		t.Fatalf("exit %d, stderr %q; want it to end with %q", r.code, r.stderr, want)
	}
	cause := r.stderr[strings.Index(r.stderr, "cluster:"):strings.Index(r.stderr, "; replay")]
	r2 := raftsim(t, nil, "sweep", specFile, "--point", "nodes=3", "--trial", "0", "--trace", filepath.Join(dir, "trial.jsonl"))
	if r2.code != r.code || !strings.Contains(r2.stderr, cause) {
		t.Errorf("replay: exit %d, %q; want exit %d and %q", r2.code, r2.stderr, r.code, cause)
	}

	f, _ := parseFlags(t, "--nodes", "3", "--crash", "leader@2s", "--pre-vote", "--check")
	if got, want := strings.Join(f.replay(), " "), "raftsim run --nodes=3 --crash=leader@2s --pre-vote=true --check=true --trace violation.jsonl"; got != want {
		t.Errorf("run replay %q, want %q", got, want)
	}
}

// TestSweepSaysWhatItDoes: a refused sweep prints nothing but its one error line; a sweep run again
// over its own finished results says so; --force says it replaces.
func TestSweepSaysWhatItDoes(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "q")
	args := func(extra ...string) []string {
		return append([]string{"sweep", "testdata/sweep.yaml", "--out", out, "--quiet", "--trials", "1"}, extra...)
	}
	if r := raftsim(t, nil, args()...); r.code != 0 || strings.Contains(r.stdout, "again") {
		t.Fatalf("first sweep: exit %d, %q", r.code, r.stdout)
	}
	if r := raftsim(t, nil, args()...); r.code != 0 || !strings.Contains(r.stdout, "running again the finished sweep") {
		t.Errorf("second sweep: exit %d, %q", r.code, r.stdout)
	}
	r := raftsim(t, nil, append(args(), "--seed", "9")...)
	if r.code != 2 || r.stdout != "" || strings.Count(r.stderr, "\n") != 1 {
		t.Errorf("refused sweep: exit %d, stdout %q, stderr %q; want exit 2, nothing on stdout, one line", r.code, r.stdout, r.stderr)
	}
	if r := raftsim(t, nil, append(args(), "--seed", "9", "--force")...); r.code != 0 || !strings.Contains(r.stdout, "--force: replacing") {
		t.Errorf("forced sweep: exit %d, %q", r.code, r.stdout)
	}
}

// TestBreakerFindings: what the adversarial tester found after the first round of issue 6, each as the
// command that showed it.
func TestBreakerFindings(t *testing.T) {
	dir := t.TempDir()
	specFile := filepath.Join(dir, "s.yaml")
	orig := []byte("name: s\nduration: 1s\naxes:\n  - {param: nodes, values: [3, 5]}\n")
	if err := os.WriteFile(specFile, orig, 0o644); err != nil {
		t.Fatal(err)
	}
	exe, _ := os.Executable()
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"sweep", specFile, "--point", "0", "--trial", "0", "--trace", specFile}, "is the spec file"},
		{[]string{"run", "--duration", "1s", "--trace", exe}, "is the raftsim binary"},
		{[]string{"run", "--trace", ""}, "--trace: an empty path"},
		{[]string{"sweep", specFile, "--point", "nodes=3,nodes=5", "--trial", "0"}, "axis nodes is given twice"},
		{[]string{"sweep", specFile, "--point", "0", "--trial", "-2"}, "--trial -2: want a trial's index"},
		{[]string{"sweep", specFile, "--point", "0", "--trial", "0", "--workers", "3"}, "drop --workers"},
		{[]string{"sweep", specFile, "--point", "0", "--trial", "0", "--force"}, "drop --force"},
		{[]string{"sweep", specFile, "--trials", "1000001"}, "--trials 1000001: want 1 to 1000000"},
		{[]string{"sweep", specFile, "--trials", "600000"}, "--trials 600000: 600000 per point over 2 points"},
		{[]string{"sweep", specFile, "--seed", "-1"}, "--seed -1: want an integer from 0"},
		{[]string{"run", "--nodes", "010"}, "--nodes 010: an integer with a leading zero is octal"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			r := raftsim(t, nil, tt.args...)
			if r.code != 2 || strings.Count(r.stderr, "\n") != 1 || !strings.Contains(r.stderr, tt.want) {
				t.Fatalf("exit %d, stderr %q; want exit 2 and one line with %q", r.code, r.stderr, tt.want)
			}
		})
	}
	if b, _ := os.ReadFile(specFile); string(b) != string(orig) {
		t.Fatal("the spec file was changed")
	}
	// Seeds as trials.csv writes them, and as run and the spec take them (+5, hex).
	for _, seed := range []string{"+5", "0x1a17_76b1_c64c_4e63"} {
		if r := raftsim(t, nil, "sweep", specFile, "--seed", seed, "--point", "0", "--trial", "0"); r.code != 0 {
			t.Errorf("--seed %s: exit %d, %q", seed, r.code, r.stderr)
		}
	}
	// Output that never reached its reader is a failure.
	full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skip("no /dev/full")
	}
	defer full.Close()
	for _, args := range [][]string{{"run", "--duration", "1s"}, {"list"}, {"help"}} {
		var errb strings.Builder
		if err := dispatch(t.Context(), args, full, &errb); err == nil || !strings.Contains(err.Error(), "writing standard output") {
			t.Errorf("%v > /dev/full: %v", args, err)
		}
	}
}

// TestLongFaultsCut: a fault of a thousand nodes is cut in the human table (--json keeps it whole), so
// it does not pad every other line to its width; an error line is bounded too.
func TestLongFaultsCut(t *testing.T) {
	long := "partition 1s:" + strings.Repeat("1,", 2000) + "2"
	s := cluster.Summary{FaultsTotal: 2, Faults: []cluster.FaultHit{
		{AtMS: 1000, Fault: long, Effect: strings.Repeat("x", 5000)},
		{AtMS: 2000, Fault: "heal 2s", Effect: "restored"},
	}}
	var b strings.Builder
	printFaults(&b, &s)
	for _, l := range strings.Split(strings.TrimRight(b.String(), "\n"), "\n") {
		if n := len([]rune(l)); n > 250 {
			t.Errorf("a line of %d runes: %.80q…", n, l)
		}
	}
	var e strings.Builder
	exitCode(usageErrorf("--nodes %s: bad", strings.Repeat("9", 300000)), &e)
	if n := len(e.String()); n > 3*maxMessage+100 || strings.Count(e.String(), "\n") != 1 {
		t.Errorf("an error line of %d bytes", n)
	}
}
