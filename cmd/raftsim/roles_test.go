package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/raftsim/raftsim/cluster"
)

// TestRoleTargetsRun runs role-targeted faults through the binary's flags: the summary's fault timeline
// names the node each role hit, and the crashed leader restarted is the leader crashed.
func TestRoleTargetsRun(t *testing.T) {
	r := raftsim(t, nil, "run", "--duration", "6s", "--clients", "2", "--check", "--json",
		"--crash", "leader@1s", "--restart", "crashed-leader@2s", "--isolate", "leader@3s", "--heal", "4s",
		"--cut", "5s:leader<->follower")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var s cluster.Summary
	if err := json.Unmarshal([]byte(r.stdout), &s); err != nil {
		t.Fatal(err)
	}
	if len(s.Faults) != 5 {
		t.Fatalf("faults: %+v", s.Faults)
	}
	crash, restart, isolate, cut := s.Faults[0], s.Faults[1], s.Faults[2], s.Faults[4]
	if len(crash.Nodes) != 1 || len(restart.Nodes) != 1 || restart.Nodes[0] != crash.Nodes[0] ||
		!strings.HasPrefix(restart.Effect, "crashed leader ") {
		t.Errorf("crash leader hit %v, restart crashed-leader hit %v (%s): want the same node", crash.Nodes, restart.Nodes, restart.Effect)
	}
	if !strings.HasPrefix(isolate.Effect, "leader ") || !strings.Contains(isolate.Effect, ": cut 8 directed edges") {
		t.Errorf("isolate leader: %+v", isolate)
	}
	if cut.Fault != "cut 5s:leader->follower,follower->leader" || len(cut.Nodes) != 2 || !strings.Contains(cut.Effect, "cut 2 directed edges") {
		t.Errorf("cut leader<->follower: %+v", cut)
	}
	if s.Violations != 0 {
		t.Errorf("%d violations", s.Violations)
	}
}

// TestRoleTargetsBadInput: a role where the form cannot take it, or a misspelt one, is refused with one
// line naming the flag and exit status 2.
func TestRoleTargetsBadInput(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--restart", "leader@5s"}, `raftsim: --restart leader@5s: node "leader" is not accepted here: want a node ID or crashed-leader`},
		{[]string{"--transfer", "leader@5s"}, `raftsim: --transfer leader@5s: node "leader" is not accepted here: want a node ID, follower or crashed-leader`},
		{[]string{"--isolate", "folower@5s"}, `raftsim: --isolate folower@5s: node "folower": want a node ID, leader, leader+K, follower or crashed-leader`},
		{[]string{"--cut", "5s:leader->leader"}, `raftsim: --cut 5s:leader->leader: edge "leader->leader": a node has no edge to itself`},
		{[]string{"--partition", "5s:leader|leader"}, `raftsim: --partition 5s:leader|leader: leader is in two groups`},
		{[]string{"--add", "follower@5s"}, `raftsim: --add follower@5s: node "follower" is not accepted here: want a node ID`},
	} {
		r := raftsim(t, nil, append([]string{"run"}, tt.args...)...)
		if r.code != 2 || strings.TrimSuffix(r.stderr, "\n") != tt.want || strings.Count(r.stderr, "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tt.args, r.code, r.stderr, tt.want)
		}
	}
}

// TestLeaderIsolatedSpec runs examples/specs/leader-isolated.yaml, the leader isolated at 5 s from a
// spec file alone, with its check on: every trial runs and none finds a violation.
func TestLeaderIsolatedSpec(t *testing.T) {
	args := []string{"sweep", "../../examples/specs/leader-isolated.yaml", "--out", filepath.Join(t.TempDir(), "out"), "--quiet"}
	if testing.Short() {
		args = append(args, "--trials", "2")
	}
	if r := raftsim(t, nil, args...); r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	r := raftsim(t, nil, "sweep", "../../examples/specs/leader-isolated.yaml", "--point", "options=check-quorum,nodes=5", "--trial", "0")
	if r.code != 0 || !strings.Contains(r.stdout, "isolate leader@5s  leader ") || !strings.Contains(r.stdout, "checked: no violation") {
		t.Errorf("exit %d:\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}
