package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/raftsim/raftsim/cluster"
	"github.com/raftsim/raftsim/experiments/spec"
)

// TestReadFlags: the read settings and --transfer are flags generated from the spec registry; a flag
// and the spec field of the same value give the same configuration.
func TestReadFlags(t *testing.T) {
	f, _ := parseFlags(t, "--read-ratio", "0.3", "--read-mode", "lease", "--check-quorum", "--clock-drift", "0.01", "--transfer", "2@1s")
	got, _, err := f.config()
	if err != nil {
		t.Fatal(err)
	}
	s, err := spec.Parse([]byte("name: x\ncluster: {read_ratio: 0.3, read_mode: lease, check_quorum: true, clock_drift: 0.01}\n"+
		"scenario: {schedule: [transfer 2@1s]}\n"), "x.yaml")
	if err != nil {
		t.Fatal(err)
	}
	plan, _ := s.Plan()
	want := plan.Points[0].Config
	if got.Workload.ReadRatio != 0.3 || got.ReadMode != cluster.ReadLease || got.ClockDrift != 0.01 ||
		got.Workload.ReadRatio != want.Workload.ReadRatio || got.ReadMode != want.ReadMode || got.ClockDrift != want.ClockDrift ||
		len(got.Faults) != 1 || len(want.Faults) != 1 || got.Faults[0].String() != want.Faults[0].String() {
		t.Errorf("flags gave read %v %v %v faults %v; spec gave %v %v %v faults %v", got.Workload.ReadRatio, got.ReadMode,
			got.ClockDrift, got.Faults, want.Workload.ReadRatio, want.ReadMode, want.ClockDrift, want.Faults)
	}
}

// TestReadsRun runs reads and a transfer through the binary: the summary has both, and bad read settings
// are refused with one line and exit status 2.
func TestReadsRun(t *testing.T) {
	r := raftsim(t, nil, "run", "--duration", "3s", "--clients", "4", "--read-ratio", "0.5", "--transfer", "3@1s", "--check", "--json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var s cluster.Summary
	if err := json.Unmarshal([]byte(r.stdout), &s); err != nil {
		t.Fatal(err)
	}
	if s.Reads == nil || s.Reads.OK == 0 || s.Transfers == nil || s.Transfers.Done != 1 {
		t.Errorf("reads %+v transfers %+v: want reads served and one transfer done", s.Reads, s.Transfers)
	}
	r = raftsim(t, nil, "run", "--duration", "3s", "--clients", "4", "--read-ratio", "0.5", "--transfer", "3@1s")
	if r.code != 0 || !strings.Contains(r.stdout, "client reads") || !strings.Contains(r.stdout, "transfers       1 asked, 1 done") {
		t.Errorf("exit %d, summary:\n%s", r.code, r.stdout)
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--read-mode", "lease"}, "raftsim: --read-mode lease: lease needs --check-quorum"},
		{[]string{"--read-mode", "stale"}, "raftsim: --read-mode stale: want read_index, lease or follower"},
		{[]string{"--read-ratio", "2"}, "raftsim: --read-ratio 2: want a number in [0, 1]"},
		{[]string{"--clock-drift", "-1"}, "raftsim: --clock-drift -1: want a number in [0, 1]"},
		{[]string{"--transfer", "0@1s"}, "raftsim: --transfer 0@1s:"},
	} {
		r := raftsim(t, nil, append([]string{"run"}, tt.args...)...)
		if r.code != 2 || !strings.HasPrefix(r.stderr, tt.want) || strings.Count(r.stderr, "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tt.args, r.code, r.stderr, tt.want)
		}
	}
}
