package cluster

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/raftsim/raftsim/models/fault"
)

// TestRoleFilter: a filter whose links name roles is resolved once, when it starts, and from then on is
// the filter written with the nodes named: its run is event for event the run of that numeric filter,
// even after another node leads (leader->* keeps to node 1's links after 2 or 3 is elected). The
// timeline shows the filter as written and names the nodes; a role that names nobody makes it do
// nothing, and say why.
func TestRoleFilter(t *testing.T) {
	base, _ := filterRun(t)
	tests := []struct {
		role, ids string // ids: "" when the role names nobody, the run then being the run without it
		effect    string
	}{
		{"drop append leader->* @1s-2.5s", "drop append 1->* @1s-2.5s",
			"leader 1: dropping app+heartbeat on 1->* until 2.5s"},
		{"drop all *->leader @1s-2s", "drop all *->1 @1s-2s", "leader 1: dropping all on *->1 until 2s"},
		{"delay:20ms app leader<->2,3->* @500ms", "delay:20ms app 1<->2,3->* @500ms",
			"leader 1: delaying by 20ms app on 1->2,2->1,3->* until the end of the run"},
		{"drop all crashed-leader->* @1s", "", "no effect: no leader has crashed: no link left"},
		{"drop all crashed-leader->*,*->crashed-leader @1s", "", "no effect: no leader has crashed: no link left"},
	}
	for _, tt := range tests {
		t.Run(tt.role, func(t *testing.T) {
			got, s := filterRun(t, tt.role)
			want := base
			if tt.ids != "" {
				want, _ = filterRun(t, tt.ids)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%q is not the run of %q", tt.role, tt.ids)
			}
			evs, _ := fault.ParseFilter(tt.role, 3)
			if len(s.Faults) != 1 || s.Faults[0].Fault != evs[0].String() || s.Faults[0].Effect != tt.effect {
				t.Fatalf("timeline %+v, want %q: %q", s.Faults, evs[0].String(), tt.effect)
			}
			if strings.HasSuffix(tt.role, "leader->* @1s-2.5s") && s.LeaderChanges < 2 {
				t.Errorf("%d elections won: the filter's span should see another leader", s.LeaderChanges)
			}
		})
	}
}

// TestRoleFilterFollower: "follower" in a filter draws from the follower stream alone, so the run is
// that of the numeric filter naming the drawn follower; and leader<->follower never names one node
// at both ends.
func TestRoleFilterFollower(t *testing.T) {
	for _, f := range []string{"drop all leader<->follower @1s-2s", "drop append follower->* @1s"} {
		got, s := filterRun(t, f)
		if len(s.Faults) != 1 {
			t.Fatalf("%s: timeline %+v", f, s.Faults)
		}
		var id int
		eff := s.Faults[0].Effect
		if _, err := fmt.Sscanf(eff[strings.Index(eff, "follower ")+len("follower "):], "%d", &id); err != nil || id < 2 || id > 3 {
			t.Fatalf("%s: effect %q names no follower among 2, 3", f, eff)
		}
		numeric := strings.NewReplacer("leader", "1", "follower", fmt.Sprint(id)).Replace(f)
		want, _ := filterRun(t, numeric)
		if !bytes.Equal(got, want) {
			t.Errorf("%s (follower %d) is not the run of %s", f, id, numeric)
		}
	}
}

// TestRoleFilterValidate: a node ID beside a role is checked against the run's nodes as any filter's.
func TestRoleFilterValidate(t *testing.T) {
	cfg := Default()
	cfg.Nodes = 3
	evs, err := fault.ParseFilter("drop app leader->5 @1s", 5)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Faults = evs
	if err := cfg.Validate(); err == nil || !strings.HasPrefix(err.Error(), "filter: ") || !strings.Contains(err.Error(), "node 5 is not in 1..3") {
		t.Fatalf("Validate: %v", err)
	}
}
