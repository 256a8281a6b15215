package fault

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestParseRoleTargets: every form that names a node takes the roles it makes sense for, and reads
// back (String) as written.
func TestParseRoleTargets(t *testing.T) {
	const n = 5
	s := time.Second
	leader := Target{Role: Leader}
	follower := Target{Role: Follower}
	crashed := Target{Role: CrashedLeader}
	id := func(i int64) Target { return Target{ID: i} }
	tests := []struct {
		kind Kind
		in   string
		want Event
		back string // String() of the event; the input's form when empty
	}{
		{Crash, "follower@2s", Event{At: 2 * s, Kind: Crash, Role: Follower}, "crash follower@2s"},
		{Crash, "crashed-leader@2s", Event{At: 2 * s, Kind: Crash, Role: CrashedLeader}, "crash crashed-leader@2s"},
		{Restart, "crashed-leader@9s", Event{At: 9 * s, Kind: Restart, Role: CrashedLeader}, "restart crashed-leader@9s"},
		{Isolate, "leader@5s", Event{At: 5 * s, Kind: Isolate, Role: Leader}, "isolate leader@5s"},
		{Isolate, "leader+1@5s", Event{At: 5 * s, Kind: Isolate, Role: Leader, Extra: 1}, "isolate leader+1@5s"},
		{Isolate, "follower@5s", Event{At: 5 * s, Kind: Isolate, Role: Follower}, "isolate follower@5s"},
		{Transfer, "follower@5s", Event{At: 5 * s, Kind: Transfer, Role: Follower}, "transfer follower@5s"},
		{Transfer, "crashed-leader@5s", Event{At: 5 * s, Kind: Transfer, Role: CrashedLeader}, "transfer crashed-leader@5s"},
		{Cut, "5s:leader->follower", Event{At: 5 * s, Kind: Cut, RoleEdges: []EdgeTarget{{leader, follower}}}, "cut 5s:leader->follower"},
		{Cut, "5s:leader<->3", Event{At: 5 * s, Kind: Cut, RoleEdges: []EdgeTarget{{leader, id(3)}, {id(3), leader}}}, "cut 5s:leader->3,3->leader"},
		{Cut, "5s:1->2,crashed-leader->follower", Event{At: 5 * s, Kind: Cut,
			RoleEdges: []EdgeTarget{{id(1), id(2)}, {crashed, follower}}}, "cut 5s:1->2,crashed-leader->follower"},
		{Restore, "7s:leader<->follower", Event{At: 7 * s, Kind: Restore,
			RoleEdges: []EdgeTarget{{leader, follower}, {follower, leader}}}, "restore 7s:leader->follower,follower->leader"},
		{Partition, "5s:leader,follower|rest", Event{At: 5 * s, Kind: Partition, RoleGroups: [][]Target{{leader, follower}}}, "partition 5s:leader,follower"},
		{Partition, "5s:rest|leader", Event{At: 5 * s, Kind: Partition, RoleGroups: [][]Target{{leader}}}, "partition 5s:leader"},
		{Partition, "5s:leader+1|2,3", Event{At: 5 * s, Kind: Partition, RoleGroups: [][]Target{{{Role: Leader, K: 1}}, {id(2), id(3)}}}, "partition 5s:leader+1|2,3"},
		{Partition, "5s:1,2|rest", Event{At: 5 * s, Kind: Partition, Groups: [][]int64{{1, 2}}}, "partition 5s:1,2"},
	}
	for _, tt := range tests {
		t.Run(tt.kind.String()+"/"+tt.in, func(t *testing.T) {
			p := parsers[tt.kind]
			if tt.kind == Transfer {
				p = ParseTransfer
			}
			got, err := p(tt.in, n)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 || !reflect.DeepEqual(got[0], tt.want) {
				t.Fatalf("got %#v, want %#v", got, tt.want)
			}
			if s := got[0].String(); s != tt.back {
				t.Fatalf("String() = %q, want %q", s, tt.back)
			}
			text, ok := strings.CutPrefix(tt.back, tt.kind.String()+" ")
			again, err := p(text, n)
			if !ok || err != nil || !reflect.DeepEqual(again, got) {
				t.Fatalf("%q read back as %#v (%v)", tt.back, again, err)
			}
		})
	}
}

// TestParseRoleTargetErrors: every bad role target gets one line naming the target and what the form
// takes.
func TestParseRoleTargetErrors(t *testing.T) {
	const n = 5
	ps := map[Kind]parser{Transfer: ParseTransfer}
	for k, p := range parsers {
		ps[k] = p
	}
	tests := []struct {
		kind Kind
		in   string
		want string
	}{
		{Restart, "follower@1s", `"follower@1s": node "follower" is not accepted here: want a node ID or crashed-leader`},
		{Restart, "leader+1@1s", `"leader+1@1s": node "leader+1" is not accepted here: want a node ID or crashed-leader`},
		{Transfer, "leader@1s", `"leader@1s": node "leader" is not accepted here: want a node ID, follower or crashed-leader`},
		{Crash, "rest@1s", `"rest@1s": node "rest" is not accepted here: want a node ID, leader, leader+K, follower or crashed-leader`},
		{Crash, "Leader@1s", `"Leader@1s": node "Leader": want a node ID, leader, leader+K, follower or crashed-leader`},
		{Isolate, "crashed_leader@1s", `"crashed_leader@1s": node "crashed_leader": want a node ID, leader, leader+K, follower or crashed-leader`},
		{Cut, "5s:leader+1->2", `"5s:leader+1->2": edge "leader+1->2": node "leader+1" is not accepted here: want a node ID, leader, follower or crashed-leader`},
		{Cut, "5s:leader->leader", `"5s:leader->leader": edge "leader->leader": a node has no edge to itself`},
		{Cut, "5s:follower<->follower", `"5s:follower<->follower": edge "follower<->follower": a node has no edge to itself`},
		{Cut, "5s:leader->1,leader->1", `"5s:leader->1,leader->1": edge leader->1 is listed twice`},
		{Restore, "5s:leader<->2,2->leader", `"5s:leader<->2,2->leader": edge 2->leader is listed twice`},
		{Cut, "5s:rest->1", `"5s:rest->1": edge "rest->1": node "rest" is not accepted here: want a node ID, leader, follower or crashed-leader`},
		{Partition, "5s:leader|leader,2", `"5s:leader|leader,2": leader is in two groups`},
		{Partition, "5s:leader,leader+1", `"5s:leader,leader+1": leader is listed twice`},
		{Partition, "5s:follower,1|follower", `"5s:follower,1|follower": follower is in two groups`},
		{Partition, "5s:rest", `"5s:rest": rest alone is every node, which cuts nothing`},
		{Partition, "5s:leader|rest|rest", `"5s:leader|rest|rest": rest is listed twice`},
		{Partition, "5s:leader,rest|1", `"5s:leader,rest|1": rest is a group of its own: write it alone between bars`},
		{Partition, "5s:leader|bob", `"5s:leader|bob": node "bob": want a node ID, leader, leader+K, follower, crashed-leader or rest`},
		{Partition, "5s:1,2,3,4,5|rest", `"5s:1,2,3,4,5|rest": one group holding every node cuts nothing`},
		{Partition, "5s:leader+5|1", `"5s:leader+5|1": in leader+K, K must be a number from 0 to 4`},
	}
	for _, tt := range tests {
		t.Run(tt.kind.String()+"/"+tt.in, func(t *testing.T) {
			got, err := ps[tt.kind](tt.in, n)
			if err == nil {
				t.Fatalf("no error, got %v", got)
			}
			if err.Error() != tt.want {
				t.Fatalf("error %q, want %q", err, tt.want)
			}
		})
	}
}

// TestMembershipTakesIDsOnly: membership changes name nodes by ID: adding "the follower" means nothing.
func TestMembershipTakesIDsOnly(t *testing.T) {
	for _, in := range []string{"leader@1s", "follower@1s", "crashed-leader@1s", "leader+1@1s"} {
		for _, p := range []func(string, int) ([]Event, error){ParseAdd, ParseRemove} {
			if got, err := p(in, 5); err == nil {
				t.Errorf("%q: no error, got %v", in, got)
			}
		}
	}
}
