package fault

import (
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/raftsim/raftsim/raft"
	"github.com/raftsim/raftsim/sim"
	"github.com/raftsim/raftsim/topology"
)

func TestParseFilter(t *testing.T) {
	const n = 5
	s := time.Second
	app := mask(raft.MsgApp, raft.MsgHeartbeat)
	tests := []struct {
		in    string
		at    time.Duration
		want  MsgFilter
		canon string // the form Format writes back
	}{
		{"drop append 1->2,1->3 @2s-5s", 2 * s,
			MsgFilter{Types: app, Links: []LinkPattern{{1, 2}, {1, 3}}, Until: 5 * s},
			"drop app+heartbeat 1->2,1->3 @2s-5s"},
		{"  drop   app  2<->3   @0s  ", 0,
			MsgFilter{Types: mask(raft.MsgApp), Links: []LinkPattern{{2, 3}, {3, 2}}, Until: Forever},
			"drop app 2->3,3->2 @0s"},
		{"delay:50ms votes * @1s-1.5s", s,
			MsgFilter{Delay: 50 * time.Millisecond, Types: mask(raft.MsgVote, raft.MsgVoteResp, raft.MsgPreVote, raft.MsgPreVoteResp),
				Links: []LinkPattern{{}}, Until: 1500 * time.Millisecond},
			"delay:50ms vote+vote_resp+prevote+prevote_resp * @1s-1.5s"},
		{"drop replies 1->*,*->5 @3s-4s", 3 * s,
			MsgFilter{Types: mask(raft.MsgAppResp, raft.MsgHeartbeatResp, raft.MsgVoteResp, raft.MsgPreVoteResp, raft.MsgReadIndexResp),
				Links: []LinkPattern{{1, 0}, {0, 5}}, Until: 4 * s},
			"drop app_resp+heartbeat_resp+vote_resp+prevote_resp+read_index_resp 1->*,*->5 @3s-4s"},
		{"drop all *<->* @1ns-2ns", 1, MsgFilter{Types: allMsgs, Links: []LinkPattern{{}}, Until: 2}, "drop all * @1ns-2ns"},
		{"drop snap+timeout_now+app 5->4 @1m-2m", time.Minute,
			MsgFilter{Types: mask(raft.MsgApp, raft.MsgSnap, raft.MsgTimeoutNow), Links: []LinkPattern{{5, 4}}, Until: 2 * time.Minute},
			"drop app+snap+timeout_now 5->4 @1m0s-2m0s"},
		// Role ends: kept as written, for the cluster to resolve when the filter starts.
		{"drop append leader->follower @2s-5s", 2 * s,
			MsgFilter{Types: app, RoleLinks: []EdgeTarget{{Target{Role: Leader}, Target{Role: Follower}}}, Until: 5 * s},
			"drop app+heartbeat leader->follower @2s-5s"},
		{"drop app leader->*,*->crashed-leader @1s", s,
			MsgFilter{Types: mask(raft.MsgApp), RoleLinks: []EdgeTarget{{Target{Role: Leader}, Target{}}, {Target{}, Target{Role: CrashedLeader}}}, Until: Forever},
			"drop app leader->*,*->crashed-leader @1s"},
		{"delay:1h vote leader<->3,* @0s-1ns", 0,
			MsgFilter{Delay: time.Hour, Types: mask(raft.MsgVote), RoleLinks: []EdgeTarget{{Target{Role: Leader}, Target{ID: 3}}, {Target{ID: 3}, Target{Role: Leader}}, {}}, Until: 1},
			"delay:1h0m0s vote leader->3,3->leader,* @0s-1ns"},
		{"drop app leader+0->2 @1s", s,
			MsgFilter{Types: mask(raft.MsgApp), RoleLinks: []EdgeTarget{{Target{Role: Leader}, Target{ID: 2}}}, Until: Forever},
			"drop app leader->2 @1s"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseFilter(tt.in, n)
			if err != nil {
				t.Fatal(err)
			}
			want := []Event{{At: tt.at, Kind: Filter, Filter: &tt.want}}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("got %+v, want %+v", *got[0].Filter, tt.want)
			}
			if c := got[0].Filter.Format(got[0].At); c != tt.canon {
				t.Fatalf("Format: %q, want %q", c, tt.canon)
			}
			if s := got[0].String(); s != "filter "+tt.canon {
				t.Fatalf("String: %q", s)
			}
			// The canonical form reads back as the same filter.
			again, err := ParseFilter(tt.canon, n)
			if err != nil || !reflect.DeepEqual(again, got) {
				t.Fatalf("canonical %q reads back as %+v, %v", tt.canon, again, err)
			}
		})
	}
}

func TestParseFilterErrors(t *testing.T) {
	const n = 5
	tests := []struct{ in, want string }{
		{"", "want ACTION TYPES LINKS"},
		{"drop append 1->2", "want ACTION TYPES LINKS"},
		{"drop append 1->2 @1s extra", "want ACTION TYPES LINKS"},
		{"lose append 1->2 @1s", `action "lose": want drop or delay:DURATION`},
		{"delay:0s append 1->2 @1s", "want a positive duration"},
		{"delay:-1s append 1->2 @1s", "want a positive duration"},
		{"delay:soon append 1->2 @1s", "want a positive duration"},
		{"drop appendentries 1->2 @1s", `message type "appendentries": want one of app, app_resp`},
		{"drop app++vote 1->2 @1s", `message type ""`},
		{"drop app 1->6 @1s", "node 6 is not in 1..5"},
		{"drop app 0->1 @1s", "node IDs start at 1"},
		{"drop app x->1 @1s", `node "x": want a node ID, leader, follower or crashed-leader`},
		{"drop app leader+1->* @1s", `node "leader+1" is not accepted here: want a node ID, leader, follower or crashed-leader`},
		{"drop app rest->1 @1s", `node "rest" is not accepted here`},
		{"drop app leader->leader @1s", `link "leader->leader": a node has no link to itself`},
		{"drop app leader->*,leader->* @1s", "link leader->* is listed twice"},
		{"drop app leader<->follower,follower->leader @1s", "link follower->leader is listed twice"},
		{"drop app leader->7 @1s", "node 7 is not in 1..5"},
		{"drop app 2->2 @1s", "a node has no link to itself"},
		{"drop app 1-2 @1s", "want A->B, A<->B"},
		{"drop app 1->2,,2->1 @1s", "stray comma"},
		{"drop app 1->2,1<->2 @1s", "link 1->2 is listed twice"},
		{"drop app 1->2 2s-5s", "want @FROM or @FROM-UNTIL"},
		{"drop app 1->2 @5s-2s", "ends at 2s, not after it starts (5s)"},
		{"drop app 1->2 @5s-5s", "not after it starts"},
		{"drop app 1->2 @-1s", "is not a duration"},
		{"drop app 1->2 @1s-later", `time "later" is not a duration`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			_, err := ParseFilter(tt.in, n)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want an error containing %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error spans lines: %q", err)
			}
		})
	}
}

// TestMsgClasses: each class is the set of types its doc says; no class or type holds bit 0 (client
// messages).
func TestMsgClasses(t *testing.T) {
	for _, c := range msgClasses {
		if c.m&1 != 0 || c.m == 0 {
			t.Errorf("class %s: mask %b", c.name, c.m)
		}
	}
	if got := len(msgTypes); got != 12 {
		t.Errorf("%d message types, want raft's 12 (a new one needs a place in the classes)", got)
	}
	if m, _ := lookupMsgs("replies"); !m.Has(raft.MsgVoteResp) || m.Has(raft.MsgVote) {
		t.Errorf("replies = %v", m)
	}
}

// TestFlap: a flap source alternates cuts and restores of its edges, the spans drawn from its stream,
// and ends before the end of the run; the edge values: an up span past the end gives nothing, a down
// span past it leaves the link down.
func TestFlap(t *testing.T) {
	ms := time.Millisecond
	e := []topology.Edge{{From: 1, To: 2}, {From: 2, To: 1}}
	collect := func(up, down Sampler, end time.Duration) []Event {
		return Collect(Flap(e, up, down, sim.Stream(1, "flap/1-2"), end), end)
	}
	got := collect(constSpan(300*ms), constSpan(100*ms), time.Second)
	want := []Event{{At: 300 * ms, Kind: Cut, Edges: e}, {At: 400 * ms, Kind: Restore, Edges: e},
		{At: 700 * ms, Kind: Cut, Edges: e}, {At: 800 * ms, Kind: Restore, Edges: e}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("const 300ms/100ms: %v", got)
	}
	if got := collect(constSpan(time.Second), constSpan(ms), time.Second); len(got) != 0 {
		t.Errorf("up past the end: %v", got)
	}
	if got := collect(constSpan(ms), constSpan(time.Hour), time.Second); len(got) != 1 || got[0].Kind != Cut {
		t.Errorf("down past the end: %v", got)
	}
	if got := collect(constSpan(0), constSpan(0), 5); len(got) != 4 { // spans of at least 1ns
		t.Errorf("zero spans over 5ns: %d events, want 4", len(got))
	}
}

type constSpan time.Duration

func (c constSpan) Sample(*rand.Rand) time.Duration { return time.Duration(c) }
