package cluster

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/raftsim/raftsim/models/fault"
)

// roleSchedule parses faults as on the command line, for five nodes, transfer among them.
func roleSchedule(t *testing.T, lines ...string) []fault.Event {
	t.Helper()
	var out []fault.Event
	for _, l := range lines {
		if arg, ok := strings.CutPrefix(l, "transfer "); ok {
			evs, err := fault.ParseTransfer(arg, 5)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, evs...)
			continue
		}
		out = append(out, schedule(t, l)...)
	}
	fault.Sort(out)
	return out
}

// TestRoleTargets: each role names the node it should when the fault fires, and the timeline says
// which. Node 1 is the bootstrap node, so it leads from the start; the follower is drawn, so each case
// is run over several seeds and the follower read back from the timeline ("follower F") must be a live
// node other than the leader.
func TestRoleTargets(t *testing.T) {
	all := []uint64{1, 2, 3, 4, 5}
	type hitFn func(f uint64) FaultHit // the entry, given the follower drawn
	hit := func(at time.Duration, what string, nodes func(f uint64) []uint64, effect string) hitFn {
		return func(f uint64) FaultHit {
			ns := []uint64{}
			if nodes != nil {
				ns = nodes(f)
			}
			return FaultHit{AtMS: float64(at) / 1e6, Fault: what, Nodes: ns, Effect: strings.ReplaceAll(effect, "F", fmt.Sprint(f))}
		}
	}
	ids := func(xs ...uint64) func(uint64) []uint64 { return func(uint64) []uint64 { return xs } }
	sorted := func(f uint64) []uint64 {
		if f < 1 {
			return []uint64{f, 1}
		}
		return []uint64{1, f}
	}
	s := time.Second
	tests := []struct {
		name     string
		faults   []string
		follower bool // a follower is drawn: read it from the timeline
		want     []hitFn
	}{
		{"crash leader, restart crashed-leader brings the same node back", []string{"crash leader@1s", "restart crashed-leader@2s"}, false, []hitFn{
			hit(s, "crash leader@1s", ids(1), "crashed the leader 1"),
			hit(2*s, "restart crashed-leader@2s", ids(1), "crashed leader 1: restarted 1"),
		}},
		{"crashed-leader follows the last leader to crash", []string{"crash 1@1s", "crash crashed-leader@2s", "restart crashed-leader@3s"}, false, []hitFn{
			hit(s, "crash 1@1s", ids(1), "crashed 1, the leader"),
			hit(2*s, "crash crashed-leader@2s", nil, "no effect: crashed leader 1: node 1 was down"),
			hit(3*s, "restart crashed-leader@3s", ids(1), "crashed leader 1: restarted 1"),
		}},
		{"no leader has crashed", []string{"crash 2@1s", "restart crashed-leader@2s"}, false, []hitFn{
			hit(s, "crash 2@1s", ids(2), "crashed 2"),
			hit(2*s, "restart crashed-leader@2s", nil, "no effect: no leader has crashed"),
		}},
		{"isolate leader", []string{"isolate leader@1s"}, false, []hitFn{
			hit(s, "isolate leader@1s", ids(all...), "leader 1: cut 8 directed edges, of nodes 1, 2, 3, 4, 5"),
		}},
		{"cut leader<->follower cuts the edges between them", []string{"cut 1s:leader<->follower"}, true, []hitFn{
			hit(s, "cut 1s:leader->follower,follower->leader", sorted, "leader 1, follower F: cut 2 directed edges, of nodes 1, F"),
		}},
		{"cut leader->3, where 3 is not the leader", []string{"cut 1s:leader->3"}, false, []hitFn{
			hit(s, "cut 1s:leader->3", ids(1, 3), "leader 1: cut 1 directed edge, of nodes 1, 3"),
		}},
		{"cut leader->1, the leader itself: nothing left", []string{"cut 1s:leader->1"}, false, []hitFn{
			hit(s, "cut 1s:leader->1", nil, "no effect: leader 1: no edge left"),
		}},
		{"restore leader<->follower", []string{"partition 1s:1|2,3,4,5", "restore 2s:leader<->follower"}, false, []hitFn{
			hit(s, "partition 1s:1|2,3,4,5", ids(all...), "cut 8 directed edges, of nodes 1, 2, 3, 4, 5"),
			// By 2s the majority side has elected a leader of its own, which the role names: restore
			// resolves roles when it fires, not when the cut did.
		}},
		{"partition leader,follower|rest", []string{"partition 1s:leader,follower|rest"}, true, []hitFn{
			hit(s, "partition 1s:leader,follower", ids(all...), "leader 1, follower F: cut 12 directed edges, of nodes 1, 2, 3, 4, 5"),
		}},
		{"crash follower", []string{"crash follower@1s"}, true, []hitFn{
			hit(s, "crash follower@1s", func(f uint64) []uint64 { return []uint64{f} }, "follower F: crashed F"),
		}},
		{"no live follower", []string{"crash 2@1s,3@1s,4@1s,5@1s", "isolate follower@2s"}, false, []hitFn{
			hit(s, "crash 2@1s", ids(2), "crashed 2"),
			hit(s, "crash 3@1s", ids(3), "crashed 3"),
			hit(s, "crash 4@1s", ids(4), "crashed 4"),
			hit(s, "crash 5@1s", ids(5), "crashed 5"),
			hit(2*s, "isolate follower@2s", nil, "no effect: no live follower"),
		}},
		{"transfer follower", []string{"transfer follower@1s"}, true, []hitFn{
			hit(s, "transfer follower@1s", sorted, "follower F: leader 1 hands its leadership to F"),
		}},
		{"isolate leader+1", []string{"isolate leader+1@1s"}, false, nil}, // checked below: two entries
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			seen := map[uint64]bool{}
			for seed := uint64(1); seed <= 8; seed++ {
				cfg := Default()
				cfg.Seed, cfg.Duration, cfg.Bootstrap, cfg.Clients = seed, 3500*time.Millisecond, 1, 0
				cfg.Faults = roleSchedule(t, tt.faults...)
				sum := run(t, cfg)
				var f uint64
				if tt.follower {
					for _, h := range sum.Faults {
						if _, rest, ok := strings.Cut(h.Effect, "follower "); ok {
							fmt.Sscan(rest, &f)
							break
						}
					}
					if f < 2 || f > 5 {
						t.Fatalf("seed %d: no follower other than the leader 1 named: %s", seed, hitsText(sum.Faults))
					}
					seen[f] = true
				}
				if tt.name == "isolate leader+1" {
					// The leader and one more node drawn, each isolated in turn.
					who, _, _ := strings.Cut(sum.Faults[0].Effect, ":")
					if len(sum.Faults) != 2 || !strings.HasPrefix(who, "leader 1 and ") || !strings.HasPrefix(sum.Faults[1].Effect, who+": ") {
						t.Fatalf("seed %d: %s", seed, hitsText(sum.Faults))
					}
					continue
				}
				if tt.name == "restore leader<->follower" {
					// The new leader of 2..5 (its term is the highest) and a follower other than it.
					h := sum.Faults[1]
					e := strings.TrimPrefix(h.Effect, "no effect: ")
					if len(sum.Faults) != 2 || !strings.HasPrefix(e, "leader ") || strings.HasPrefix(e, "leader 1,") {
						t.Fatalf("seed %d: %s", seed, hitsText(sum.Faults))
					}
					continue
				}
				var want []FaultHit
				for _, w := range tt.want {
					want = append(want, w(f))
				}
				if !reflect.DeepEqual(sum.Faults, want) {
					t.Fatalf("seed %d:\n%s\nwant:\n%s", seed, hitsText(sum.Faults), hitsText(want))
				}
			}
			if tt.follower && len(seen) < 2 {
				t.Errorf("over 8 seeds the follower drawn was always %v: not a draw", seen)
			}
		})
	}
}

// TestLeaderRoleWithNoLeader: with no leader at T (before the first election), "leader" names a live
// node drawn in its place, as the crash of the leader always has, and the timeline says so.
func TestLeaderRoleWithNoLeader(t *testing.T) {
	cfg := Default()
	cfg.Duration, cfg.Bootstrap, cfg.Clients = time.Second, 0, 0
	cfg.Faults = roleSchedule(t, "isolate leader@1ms")
	sum := run(t, cfg)
	if len(sum.Faults) != 1 || !strings.HasPrefix(sum.Faults[0].Effect, "no leader: ") || !strings.Contains(sum.Faults[0].Effect, " drawn: cut 8 directed edges") {
		t.Fatalf("%s", hitsText(sum.Faults))
	}
}

// TestFollowerDrawIsItsOwn: naming a follower draws from its own stream, so a run that crashes "the
// follower" is the run that crashes that node by number, in every other draw and result: the fault's
// text and the timeline's note of the role aside, the summaries are the same.
func TestFollowerDrawIsItsOwn(t *testing.T) {
	for seed := uint64(1); seed <= 5; seed++ {
		cfg := Default()
		cfg.Seed, cfg.Duration, cfg.Bootstrap, cfg.Clients = seed, 4*time.Second, 1, 2
		cfg.Faults = roleSchedule(t, "crash follower@1s", "crash leader+1@2s")
		byRole := run(t, cfg)
		f := byRole.Faults[0].Nodes[0]
		cfg.Faults = roleSchedule(t, fmt.Sprintf("crash %d@1s", f), "crash leader+1@2s")
		byID := run(t, cfg)
		byRole.Faults[0], byID.Faults[0] = FaultHit{}, FaultHit{}
		if a, b := fmt.Sprintf("%+v", byRole), fmt.Sprintf("%+v", byID); a != b { // %v: NaN == NaN
			t.Errorf("seed %d: crash follower (drew %d) and crash %d differ:\n%+v\n%+v", seed, f, f, byRole, byID)
		}
	}
}

// TestRoleSchedulesValidate: the checks before the run judge nodes and edges named by number only; a
// role makes what it may hit uncertain, so what follows it is not an error. Numbered mistakes still are.
func TestRoleSchedulesValidate(t *testing.T) {
	for _, tt := range []struct {
		faults []string
		err    string // "" for none
	}{
		{[]string{"crash follower@1s", "restart 2@2s"}, ""},
		{[]string{"crash 1@1s", "restart crashed-leader@2s", "crash 1@3s"}, ""},
		{[]string{"cut 1s:leader->2", "restore 2s:1->2"}, ""},
		{[]string{"cut 1s:1->2", "restore 2s:leader->follower", "cut 3s:1->2"}, ""},
		{[]string{"partition 1s:leader|rest", "restore 2s:1->2"}, ""},
		{[]string{"crash 1@1s", "restart crashed-leader@2s", "restart 2@3s"}, "schedule: restart 2@3s: node 2 is up: no crash of it comes before"},
		{[]string{"cut 1s:leader->2", "cut 2s:3->4", "cut 3s:3->4"}, "schedule: cut 3s:3->4: edge 3->4 is already cut (cut 2s:3->4, and no restore or heal since)"},
	} {
		cfg := Default()
		cfg.Faults = roleSchedule(t, tt.faults...)
		err := cfg.Validate()
		if (err == nil) != (tt.err == "") || err != nil && err.Error() != tt.err {
			t.Errorf("%v: %v, want %q", tt.faults, err, tt.err)
		}
	}
}
