package main

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/raftsim/raftsim/cluster"
	"github.com/raftsim/raftsim/experiments/spec"
	"github.com/raftsim/raftsim/models/fault"
)

// TestRepairFlag: --repair and the schedule entry "repair T" give the same configuration, and refuse
// the same bad values with one line naming the flag, exit 2.
func TestRepairFlag(t *testing.T) {
	f, _ := parseFlags(t, "--crash", "1@1s", "--repair", "8s")
	cfg, _, err := f.config()
	if err != nil {
		t.Fatal(err)
	}
	s, err := spec.Parse([]byte("name: x\nscenario: {schedule: [\"crash 1@1s\", \"repair 8s\"]}\n"), "x.yaml")
	if err != nil {
		t.Fatal(err)
	}
	plan, err := s.Plan()
	if err != nil {
		t.Fatal(err)
	}
	want := []fault.Event{{At: time.Second, Kind: fault.Crash, Node: 1}, {At: 8 * time.Second, Kind: fault.Repair}}
	if got := plan.Points[0].Config.Faults; !reflect.DeepEqual(cfg.Faults, want) || !reflect.DeepEqual(got, want) {
		t.Fatalf("flag %v, spec %v; want %v", cfg.Faults, got, want)
	}
	for _, tt := range []struct{ value, want string }{
		{"8s,9s", "one time only"},
		{"eight", `time "eight" is not a duration`},
		{"-1s", "is negative"},
		{"2m", "repair 2m0s is not before the end of the run"},
	} {
		t.Run(tt.value, func(t *testing.T) {
			r := raftsim(t, nil, "run", "--repair", tt.value)
			exitLine(t, r, 2, tt.want)
			if !strings.HasPrefix(r.stderr, "raftsim: --repair") || r.stdout != "" {
				t.Fatalf("stderr %q, stdout %q: want the flag named first and nothing run", r.stderr, r.stdout)
			}
			if _, err := spec.Parse([]byte("name: x\nscenario: {schedule: [\"repair "+tt.value+"\"]}\n"), "x.yaml"); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("spec: %v; want it refused saying %q", err, tt.want)
			}
		})
	}
}

// TestRepairSummary: a run with a repair prints its liveness line, and its JSON the liveness object; a
// fault after the repair is listed as ignored.
func TestRepairSummary(t *testing.T) {
	args := []string{"run", "--duration", "6s", "--crash", "1@1s,2@1s,3@1s", "--repair", "3s", "--pause", "4@4s:1s", "--read-ratio", "0.3"}
	r := raftsim(t, nil, args...)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{
		"3s  repair 3s      restarted 1, 2, 3; no fault fires from now on\n",
		"4s  pause 4@4s:1s  no effect: ignored, after the repair at 3s\n",
		"  liveness        repaired at 3s: leader after ",
		", read after ",
		"; a leader at the end\n",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("summary lacks %q:\n%s", want, r.stdout)
		}
	}
	r = raftsim(t, nil, append(args, "--json")...)
	var s cluster.Summary
	if err := json.Unmarshal([]byte(r.stdout), &s); err != nil {
		t.Fatal(err)
	}
	if l := s.Liveness; l == nil || l.RepairMS != 3000 || !l.LeaderMS.Valid() || !l.CommitMS.Valid() || !l.ReadMS.Valid() || !l.LeaderAtEnd {
		t.Errorf("liveness %+v", s.Liveness)
	}
}
