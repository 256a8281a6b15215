package main

import (
	"strings"
	"testing"
)

// Membership events from the command line: a run that adds, replaces and removes nodes under --check,
// and schedules whose membership cannot work, refused in one line with status 2.
func TestRunMembershipFlags(t *testing.T) {
	r := raftsim(t, nil, "run", "--nodes", "3", "--duration", "8s", "--clients", "2", "--check",
		"--add", "4@1s", "--replace", "1:5@2s", "--remove", "2@4s")
	if r.code != 0 || !strings.Contains(r.stdout, "checked: no violation") || !strings.Contains(r.stdout, "removed 1, shut down") {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--remove", "4@1s"}, "raftsim: --remove: remove 4@1s: node 4 is not a member\n"},
		{[]string{"--add", "3@1s"}, "raftsim: --add: add 3@1s: node 3 is a member already\n"},
		{[]string{"--replace", "1:1@1s"}, "raftsim: --replace 1:1@1s: a node cannot replace itself\n"},
		{[]string{"--replace", "1-5@1s"}, "raftsim: --replace 1-5@1s: want OLD:NEW@TIME, e.g. 2:6@10s\n"},
	} {
		r := raftsim(t, nil, append([]string{"run", "--nodes", "3", "--duration", "2s"}, tc.args...)...)
		if r.code != 2 || r.stderr != tc.want {
			t.Errorf("%v: exit %d, stderr %q; want 2, %q", tc.args, r.code, r.stderr, tc.want)
		}
	}
}

// A node the schedule adds can be the target of a leadership transfer (the breaker found it refused as
// "not in 1..nodes"); a target the run never provisions is refused, naming the flag.
func TestTransferToAddedNode(t *testing.T) {
	r := raftsim(t, nil, "run", "--nodes", "5", "--duration", "5s", "--check", "--add", "6@2s", "--transfer", "6@3s")
	if r.code != 0 || !strings.Contains(r.stdout, "1 asked, 1 done") || !strings.Contains(r.stdout, "hands its leadership to 6") {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = raftsim(t, nil, "run", "--nodes", "5", "--duration", "5s", "--transfer", "9@1s")
	if want := "raftsim: --transfer 9@1s: faults: transfer 9@1s: node 9 is not in 1..5\n"; r.code != 2 || r.stderr != want {
		t.Errorf("exit %d, stderr %q; want 2, %q", r.code, r.stderr, want)
	}
}
