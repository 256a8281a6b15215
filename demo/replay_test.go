package demo

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/raftsim/raftsim/cluster"
	"github.com/raftsim/raftsim/sim"
)

func stateJSON(t *testing.T, s *Session) string {
	t.Helper()
	b, err := json.Marshal(s.State())
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// op is one move of a learner: step n events, run to ms, or act.
type op struct {
	step int
	to   float64
	act  *Action
}

// plays are learners' sessions: each op is followed by a snapshot of the State.
var plays = []struct {
	name string
	set  Settings
	ops  []op
}{
	{"watch", Defaults(), []op{{step: 1}, {step: 7}, {to: 300}, {step: 50}, {to: 2000}}},
	{"crash and restart the leader", Defaults(), []op{
		{to: 500}, {act: &Action{Kind: Crash}}, {step: 3}, {to: 900}, {act: &Action{Kind: Restart, Node: 5}}, {to: 1500}}},
	{"stepped then acted mid-instant", with(func(s *Settings) { s.N = 3; s.LatencyMinMs, s.LatencyMaxMs = 5, 5 }), []op{
		{step: 40}, {act: &Action{Kind: Timeout, Node: 1}}, {step: 5}, {act: &Action{Kind: Write}}, {step: 9},
		{act: &Action{Kind: Pause, Node: 2, ForMs: 400}}, {to: 1200}}},
	{"links and partitions, PreVote and CheckQuorum", with(func(s *Settings) { s.PreVote, s.CheckQuorum, s.Clients = true, true, 2 }), []op{
		{to: 400}, {act: &Action{Kind: Cut, Node: 1, To: 2}}, {to: 600},
		{act: &Action{Kind: Partition, Groups: [][]int64{{1, 2}, {3, 4, 5}}}}, {to: 1500},
		{act: &Action{Kind: Restore, Node: 1, To: 2}}, {act: &Action{Kind: Heal}}, {to: 2500}}},
	{"lossy, drop a message", with(func(s *Settings) { s.Loss = 0.1; s.Seed = 7 }), []op{
		{to: 700}, {act: &Action{Kind: Drop, Msg: 1}}, {to: 800}}},
}

// play runs p live, returning the State JSON after each op.
func play(t *testing.T, set Settings, ops []op) (*Session, []string, []uint64) {
	t.Helper()
	s, err := New(set)
	if err != nil {
		t.Fatal(err)
	}
	var states []string
	var events []uint64
	for _, o := range ops {
		switch {
		case o.step > 0:
			err = s.Step(o.step)
		case o.act != nil:
			a := *o.act
			if a.Kind == Drop { // name a message actually in flight
				if m := s.State().Messages; len(m) > 0 {
					a.Msg = m[len(m)/2].ID
				}
			}
			err = s.Act(a)
		default:
			err = s.RunTo(msToNs(o.to))
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Err(); err != nil {
			t.Fatalf("run stopped: %v", err)
		}
		states = append(states, stateJSON(t, s))
		events = append(events, s.Events())
	}
	return s, states, events
}

// TestSeekIsReplay: going back and forth lands on exactly the State that was there, whether by time or
// by event count, in the session itself, in a fresh session built from its actions, and in one opened
// from its share string.
func TestSeekIsReplay(t *testing.T) {
	for _, p := range plays {
		t.Run(p.name, func(t *testing.T) {
			s, states, events := play(t, p.set, p.ops)
			fresh, err := newSession(p.set, s.Actions())
			if err != nil {
				t.Fatal(err)
			}
			var nows []float64
			for _, st := range states {
				var v State
				json.Unmarshal([]byte(st), &v)
				nows = append(nows, v.NowMs)
			}
			for _, i := range []int{len(states) - 1, 0, len(states) / 2, len(states) - 1, 1} {
				for _, x := range []*Session{s, fresh} {
					if err := x.SeekEvent(events[i]); err != nil {
						t.Fatal(err)
					}
					if err := x.Seek(msToNs(nows[i])); err != nil { // forward to the op's clock, if it ran past the event
						t.Fatal(err)
					}
					if got := stateJSON(t, x); got != states[i] {
						t.Fatalf("after op %d: seek gave another state:\n got %.400s\nwant %.400s", i, got, states[i])
					}
				}
			}
			// The share string reproduces every moment.
			for i := range states {
				if err := s.SeekEvent(events[i]); err != nil {
					t.Fatal(err)
				}
				s.Seek(msToNs(nows[i]))
				o, err := Open(s.Encode())
				if err != nil {
					t.Fatal(err)
				}
				if got := stateJSON(t, o); got != states[i] {
					t.Fatalf("after op %d: the shared session differs:\n got %.400s\nwant %.400s", i, got, states[i])
				}
			}
		})
	}
}

// TestSessionIsTheRun: a session is the run cluster.Run makes of the same configuration with its
// actions as the fault schedule: the same trace, line for line, and at the end the nodes hold the
// terms, votes, logs and commit indexes the session's State shows.
func TestSessionIsTheRun(t *testing.T) {
	for _, tt := range []struct {
		name    string
		set     Settings
		actions []Action
		endMs   float64
	}{
		{"no action", Defaults(), nil, 3000},
		{"crash, restart, partition", Defaults(), []Action{
			{AtMs: 700, Kind: Crash, Node: 5}, {AtMs: 1200, Kind: Restart, Node: 5},
			{AtMs: 1500, Kind: Partition, Groups: [][]int64{{1, 2}}}, {AtMs: 2200, Kind: Heal}}, 3000},
		{"seven nodes, lossy", with(func(s *Settings) { s.N, s.Loss, s.Seed = 7, 0.2, 3 }), []Action{
			{AtMs: 300, Kind: Cut, Node: 1, To: 2}, {AtMs: 1000, Kind: Restore, Node: 1, To: 2}}, 2000},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := tt.set.Config()
			if err != nil {
				t.Fatal(err)
			}
			end := msToNs(tt.endMs)
			cfg.Duration = end
			var want bytes.Buffer
			cfg.Trace = &want
			for _, a := range tt.actions {
				e, ok := a.event()
				if !ok {
					t.Fatalf("%s is not a fault", a.Kind)
				}
				cfg.Faults = append(cfg.Faults, e)
			}
			c, err := cluster.New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.Run(); err != nil {
				t.Fatal(err)
			}

			var got bytes.Buffer
			s := &Session{set: tt.set, cfg: cfg, actions: tt.actions, traceTo: &got}
			s.cfg.Trace, s.cfg.Faults = nil, nil
			if err := s.rebuild(); err != nil {
				t.Fatal(err)
			}
			if err := s.RunTo(end); err != nil {
				t.Fatal(err)
			}
			for s.step(sim.Time(end)) { // the events at end itself, which Run fires too
			}
			s.c.FlushTrace()
			if !strings.HasPrefix(want.String(), got.String()) || got.Len() < want.Len()/2 {
				gl, wl := strings.Split(got.String(), "\n"), strings.Split(want.String(), "\n")
				for i := range min(len(gl), len(wl)) {
					if gl[i] != wl[i] {
						t.Fatalf("trace line %d differs:\n got %s\nwant %s", i+1, gl[i], wl[i])
					}
				}
				t.Fatalf("trace of %d bytes, Run's %d", got.Len(), want.Len())
			}
			st := s.State()
			for id := uint64(1); id <= uint64(tt.set.N); id++ {
				v, n := c.View(id), st.Nodes[id-1]
				if v.Up != n.Up {
					t.Fatalf("node %d up %v, State says %v", id, v.Up, n.Up)
				}
				if v.Node == nil {
					continue
				}
				r := v.Node
				if r.Term() != n.Term || r.Vote() != n.Vote || r.Commit() != n.Commit || r.LastIndex() != n.LastIndex || r.State().String() != n.Role {
					t.Fatalf("node %d: run has %s term %d vote %d commit %d last %d; State %+v", id, r.State(), r.Term(), r.Vote(), r.Commit(), r.LastIndex(), n)
				}
				for _, e := range n.Log {
					if re, ok := r.Entry(e.Index); !ok || re.Term != e.Term || e.Committed != (e.Index <= r.Commit()) {
						t.Fatalf("node %d: entry %d differs: %+v", id, e.Index, e)
					}
				}
			}
			if st.Leader != c.WorkingLeader() {
				t.Fatalf("leader %d, run's %d", st.Leader, c.WorkingLeader())
			}
		})
	}
}

// TestActForks: acting at an earlier moment drops the actions that had not happened yet.
func TestActForks(t *testing.T) {
	s, _, _ := play(t, Defaults(), []op{{to: 500}, {act: &Action{Kind: Crash, Node: 5}}, {to: 1000}})
	if err := s.Schedule(Action{AtMs: 1500, Kind: Restart, Node: 5}); err != nil {
		t.Fatal(err)
	}
	if err := s.Seek(msToNs(300)); err != nil {
		t.Fatal(err)
	}
	if err := s.Act(Action{Kind: Crash, Node: 1}); err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprint(s.Actions())
	if want := fmt.Sprint([]Action{{AtMs: 300, Kind: Crash, Node: 1}}); got != want {
		t.Fatalf("actions after the fork %s, want %s", got, want)
	}
}
