package demo

import (
	"slices"
	"testing"
	"time"
)

func at(t *testing.T, s *Session, ms float64) State {
	t.Helper()
	if err := s.Seek(msToNs(ms)); err != nil {
		t.Fatal(err)
	}
	if err := s.Err(); err != nil {
		t.Fatalf("run stopped: %v", err)
	}
	return s.State()
}

func nodeOf(st State, id uint64) Node { return st.Nodes[id-1] }

func sameLog(a, b Node) bool {
	eq := func(x, y Entry) bool { return x.Index == y.Index && x.Term == y.Term }
	return slices.EqualFunc(a.Log, b.Log, eq)
}

// TestScenariosShowTheirStory: each guided scenario shows what its narration says.
func TestScenariosShowTheirStory(t *testing.T) {
	checks := map[string]func(t *testing.T, s *Session){
		"first-election": func(t *testing.T, s *Session) {
			st := at(t, s, 0)
			for _, n := range st.Nodes {
				if n.Term != 0 || n.Role != "follower" {
					t.Fatalf("at 0 node %d is %s in term %d, want a follower in term 0", n.ID, n.Role, n.Term)
				}
			}
			st = at(t, s, 800)
			if st.Leader == 0 || nodeOf(st, st.Leader).Term < 1 {
				t.Fatalf("no leader at 800ms: %+v", st.Nodes)
			}
		},
		"split-vote": func(t *testing.T, s *Session) {
			led := map[uint64]bool{} // terms that had a leader
			maxTerm := uint64(0)
			for s.Now() < 800*time.Millisecond {
				if err := s.Step(1); err != nil {
					t.Fatal(err)
				}
				for _, n := range s.State().Nodes {
					maxTerm = max(maxTerm, n.Term)
					if n.Role == "leader" {
						led[n.Term] = true
					}
				}
			}
			if led[1] {
				t.Fatal("term 1 had a leader: the vote did not split")
			}
			if len(led) == 0 || maxTerm < 2 {
				t.Fatalf("no later term elected a leader (max term %d)", maxTerm)
			}
			// The narration names the winner of term 2: server 4, not a candidate of term 1.
			if st := s.State(); st.Leader != 4 || nodeOf(st, 4).Term != 2 {
				t.Fatalf("at 800ms the leader is %d, server 4 in term %d; the narration says server 4 leads term 2", st.Leader, nodeOf(st, 4).Term)
			}
		},
		"leader-crash": func(t *testing.T, s *Session) {
			old := at(t, s, 999).Leader
			if old == 0 {
				t.Fatal("no leader before the crash")
			}
			oldTerm := nodeOf(s.State(), old).Term
			st := at(t, s, 1800)
			if nodeOf(st, old).Up {
				t.Fatalf("leader %d still up", old)
			}
			if st.Leader == 0 || st.Leader == old || nodeOf(st, st.Leader).Term <= oldTerm {
				t.Fatalf("no new leader in a later term: leader %d", st.Leader)
			}
			if st.Measures.CommittedWrites != 2 {
				t.Fatalf("committed writes %d, want 2", st.Measures.CommittedWrites)
			}
			if nodeOf(st, st.Leader).Commit < 2 {
				t.Fatal("the new leader lacks the committed writes")
			}
		},
		"stale-leader": func(t *testing.T, s *Session) {
			if l := at(t, s, 499).Leader; l != 5 {
				t.Fatalf("leader before the partition is %d, want 5 (the scenario partitions 5 away)", l)
			}
			st := at(t, s, 1400)
			five := nodeOf(st, 5)
			if five.Role != "leader" || five.LastIndex <= five.Commit {
				t.Fatalf("at 1400ms node 5 is %s with last %d commit %d, want a stale leader with an uncommitted entry", five.Role, five.LastIndex, five.Commit)
			}
			if st.Leader == 0 || st.Leader == 5 || nodeOf(st, st.Leader).Term <= five.Term {
				t.Fatalf("no leader of a later term on the majority side: %d", st.Leader)
			}
			st = at(t, s, 2200)
			five = nodeOf(st, 5)
			if five.Role != "follower" || st.Leader == 0 || !sameLog(five, nodeOf(st, st.Leader)) {
				t.Fatalf("after the heal node 5 is %s, log %v; leader %d", five.Role, five.Log, st.Leader)
			}
		},
		"log-repair": func(t *testing.T, s *Session) {
			st := at(t, s, 950)
			if st.Leader == 0 || nodeOf(st, 3).LastIndex >= nodeOf(st, st.Leader).LastIndex {
				t.Fatalf("node 3 not behind before its restart: %+v", st.Nodes)
			}
			st = at(t, s, 1600)
			l := nodeOf(st, st.Leader)
			if !sameLog(nodeOf(st, 3), l) || nodeOf(st, 3).Commit != l.Commit {
				t.Fatalf("node 3 not repaired: %v vs leader %v", nodeOf(st, 3).Log, l.Log)
			}
		},
		"figure-8": func(t *testing.T, s *Session) {
			st := at(t, s, 195)
			term2 := func(n Node) uint64 {
				if len(n.Log) < 2 {
					return 0
				}
				return n.Log[1].Term
			}
			if term2(nodeOf(st, 1)) != 1 || term2(nodeOf(st, 2)) != 1 || term2(nodeOf(st, 5)) != 2 {
				t.Fatalf("at 195ms index 2 is not term 1 on S1, S2 and term 2 on S5: %+v", st.Nodes)
			}
			s.Seek(0)
			commit := map[uint64]uint64{} // leader's commit index at the last event, by node
			onMajorityUncommitted := false
			for s.Now() < 800*time.Millisecond {
				if err := s.Step(1); err != nil {
					t.Fatal(err)
				}
				st := s.State()
				holders := 0
				for _, n := range st.Nodes {
					if term2(n) == 1 {
						holders++
					}
				}
				for _, n := range st.Nodes {
					if n.Role != "leader" {
						delete(commit, n.ID)
						continue
					}
					if n.Term == 3 && holders >= 3 && n.Commit < 2 {
						onMajorityUncommitted = true
					}
					if prev, ok := commit[n.ID]; ok && n.Commit > prev {
						// Raft's rule (§5.4.2): a leader's commit index moves only to an entry of its term.
						if e := n.Log[len(n.Log)-int(n.LastIndex-n.Commit)-1]; e.Index != n.Commit || e.Term != n.Term {
							t.Fatalf("leader %d of term %d committed up to %+v", n.ID, n.Term, e)
						}
					}
					commit[n.ID] = n.Commit
				}
			}
			if !onMajorityUncommitted {
				t.Fatal("never saw index 2 of term 1 on a majority and not committed by the term-3 leader")
			}
			st = s.State()
			for _, n := range st.Nodes {
				if term2(n) != 1 || n.Commit < 3 {
					t.Fatalf("at the end node %d has index 2 of term %d, commit %d: want term 1, committed", n.ID, term2(n), n.Commit)
				}
			}
		},
		"howard-abraham": func(t *testing.T, s *Session) {
			before := at(t, s, 999)
			if before.Leader != 5 {
				t.Fatalf("leader %d at the cut, want 5", before.Leader)
			}
			st := at(t, s, 6000)
			maxTerm := uint64(0)
			for _, n := range st.Nodes {
				maxTerm = max(maxTerm, n.Term)
			}
			// Plain Raft: the cut-off nodes' elections keep deposing leaders.
			if maxTerm < nodeOf(before, 5).Term+5 {
				t.Fatalf("max term %d by 6s: the partial partition did not disrupt plain Raft", maxTerm)
			}
		},
		"howard-abraham-prevote": func(t *testing.T, s *Session) {
			before := at(t, s, 999)
			if before.Leader != 5 {
				t.Fatalf("leader %d at the cut, want 5", before.Leader)
			}
			term := nodeOf(before, 5).Term
			st := at(t, s, 6000)
			if st.Leader != 5 {
				t.Fatalf("leader %d at 6s, want 5 still", st.Leader)
			}
			for _, n := range st.Nodes {
				if n.Term != term {
					t.Fatalf("node %d in term %d, want %d: PreVote should keep the terms", n.ID, n.Term, term)
				}
			}
		},
		"five-nodes-two-failures": func(t *testing.T, s *Session) {
			st := at(t, s, 2000)
			down := 0
			for _, n := range st.Nodes {
				if !n.Up {
					down++
				}
			}
			if down != 2 || st.Leader == 0 || st.Measures.CommittedWrites != 3 {
				t.Fatalf("down %d, leader %d, committed writes %d: want 2 down, a leader, 3 committed", down, st.Leader, st.Measures.CommittedWrites)
			}
		},
	}
	for _, sc := range Scenarios() {
		t.Run(sc.Name, func(t *testing.T) {
			check, ok := checks[sc.Name]
			if !ok {
				t.Fatal("no check of this scenario's story")
			}
			s, err := OpenScenario(sc.Name)
			if err != nil {
				t.Fatal(err)
			}
			check(t, s)
		})
	}
}
