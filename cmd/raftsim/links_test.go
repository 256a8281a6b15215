package main

import (
	"strings"
	"testing"
)

// TestLinksBadInput: a bad message filter gets one line naming --filter and the problem, exit 2, and
// nothing runs.
func TestLinksBadInput(t *testing.T) {
	for _, tt := range []struct{ filter, want string }{
		{"drop append 1->2", "--filter drop append 1->2: want ACTION TYPES LINKS @FROM[-UNTIL]"},
		{"nuke append 1->2 @1s", `--filter nuke append 1->2 @1s: action "nuke": want drop or delay:DURATION`},
		{"delay:0s append 1->2 @1s", "want a positive duration"},
		{"drop appendentries 1->2 @1s", `message type "appendentries": want one of app`},
		{"drop append 1->9 @1s", "node 9 is not in 1..3"},
		{"drop append 1->1 @1s", "a node has no link to itself"},
		{"drop append 1->2 @5s-1s", "not after it starts"},
		{"drop append 1->2 @70s", "--filter: filter drop app+heartbeat 1->2 @1m10s is not before the end of the run"},
	} {
		t.Run(tt.filter, func(t *testing.T) {
			r := raftsim(t, nil, "run", "--nodes", "3", "--filter", tt.filter)
			exitLine(t, r, 2, tt.want)
			if !strings.HasPrefix(r.stderr, "raftsim: --filter") {
				t.Fatalf("stderr %q does not name --filter first", r.stderr)
			}
			if r.stdout != "" {
				t.Fatalf("stdout %q: nothing should run", r.stdout)
			}
		})
	}
}

// TestLinksFilterRun: a filter from the command line runs, is listed in the fault timeline, and its
// drops are counted under their own reason.
func TestLinksFilterRun(t *testing.T) {
	r := raftsim(t, nil, "run", "--nodes", "3", "--duration", "5s", "--bootstrap", "1", "--check",
		"--filter", "drop append 1->* @1s-2s")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{"dropped by a filter", "filter drop app+heartbeat 1->* @1s-2s", "no violation"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("summary lacks %q:\n%s", want, r.stdout)
		}
	}
}
