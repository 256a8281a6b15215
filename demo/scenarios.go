package demo

import (
	"fmt"
	"slices"
)

// Scenario is a guided tour: settings and actions that set it up, and narration keyed to simulated
// time, shown beside the picture (the learner sets the pace; nothing waits for a click). Each one's
// narrative is asserted by a test (scenarios_test.go).
type Scenario struct {
	Name      string      `json:"name"`
	Title     string      `json:"title"`
	Settings  Settings    `json:"settings"`
	Actions   []Action    `json:"actions"`
	EndMs     float64     `json:"endMs"` // where the tour's story is over (the timeline goes on)
	Narration []Narration `json:"narration"`
}

// Narration is a line of a tour, shown from AtMs until the next one.
type Narration struct {
	AtMs float64 `json:"atMs"`
	Text string  `json:"text"`
}

func with(f func(*Settings)) Settings {
	s := Defaults()
	f(&s)
	return s
}

// Scenarios returns the guided tours. Node numbers in them hold for their seed: who leads when is a
// function of the seed, and the tests check that the node named is the one leading.
func Scenarios() []Scenario {
	return []Scenario{
		{
			Name: "first-election", Title: "A first election",
			Settings: with(func(s *Settings) { s.N = 5 }),
			EndMs:    800,
			Narration: []Narration{
				{0, "Five servers start as followers in term 0. Each has drawn an election timeout between 150 and 300 ms: the arcs show how long each will wait to hear from a leader."},
				{150, "No leader exists, so nobody will hear from one. The first server whose timer runs out becomes a candidate: it moves to term 1, votes for itself and asks the others for their votes."},
				{300, "A server grants one vote per term, to the first candidate whose log is at least as up to date as its own. With a majority (3 of 5) the candidate becomes leader and starts sending heartbeats, which reset the followers' timers."},
				{500, "From now on the leader's heartbeats arrive before any timer runs out: the cluster is stable. Click a node to crash it, or a message to drop it, and watch what follows."},
			},
		},
		{
			Name: "split-vote", Title: "A split vote",
			Settings: with(func(s *Settings) { s.N = 4; s.LatencyMinMs, s.LatencyMaxMs = 10, 10 }),
			Actions: []Action{
				// Each candidate's request reaches a different voter first: here by cutting, for a
				// moment, the link that would have carried the other one.
				{AtMs: 0, Kind: Cut, Node: 1, To: 4},
				{AtMs: 0, Kind: Cut, Node: 2, To: 3},
				{AtMs: 1, Kind: Timeout, Node: 1},
				{AtMs: 1, Kind: Timeout, Node: 2},
				{AtMs: 60, Kind: Heal},
			},
			EndMs: 800,
			Narration: []Narration{
				{0, "Four servers; servers 1 and 2 time out at the same moment, both become candidates for term 1 and vote for themselves."},
				{1, "Server 3 hears from 1 first and server 4 from 2 first (their other links are cut for a moment). Each grants its one vote of term 1 to the first candidate it heard."},
				{30, "Two votes each: neither has a majority of 3. Term 1 ends without a leader: a split vote."},
				{150, "Randomized timeouts break the tie: whichever server's timer runs out first (here server 4, not a candidate of term 1) starts term 2 alone and wins it."},
			},
		},
		{
			Name: "leader-crash", Title: "The leader crashes",
			Settings: with(func(s *Settings) { s.N = 5 }),
			Actions: []Action{
				{AtMs: 600, Kind: Write}, {AtMs: 700, Kind: Write},
				{AtMs: 1000, Kind: Crash, Node: 0},
			},
			EndMs: 1800,
			Narration: []Narration{
				{0, "Five servers elect a leader, which replicates two client writes."},
				{1000, "The leader crashes. Its followers stop hearing heartbeats; their election timers run down."},
				{1150, "The first follower to time out starts a new term and collects votes from the three other live servers: a majority of five."},
				{1500, "A new leader, in a higher term, with every committed entry: Raft's Leader Completeness property."},
			},
		},
		{
			Name: "stale-leader", Title: "A stale leader returns after a partition",
			Settings: with(func(s *Settings) { s.N = 5 }),
			Actions: []Action{
				{AtMs: 500, Kind: Partition, Groups: [][]int64{{5}, {1, 2, 3, 4}}},
				{AtMs: 700, Kind: Write, Node: 5},
				{AtMs: 1500, Kind: Heal},
			},
			EndMs: 2200,
			Narration: []Narration{
				{0, "Server 5 becomes leader of term 1."},
				{500, "A partition cuts server 5 off from the rest. It still believes it leads: nothing tells it otherwise."},
				{700, "A client write reaches the old leader. It appends it, but can never reach a majority: the entry stays uncommitted."},
				{800, "On the majority side, a follower times out and is elected in a later term (a split vote can make it more than one later); writes go on there."},
				{1500, "The partition heals. The first message of the new term tells server 5 it is stale: it steps down, and its uncommitted entry is overwritten by the new leader's log."},
			},
		},
		{
			Name: "log-repair", Title: "Log repair",
			Settings: with(func(s *Settings) { s.N = 3 }),
			Actions: []Action{
				{AtMs: 500, Kind: Crash, Node: 3},
				{AtMs: 600, Kind: Write}, {AtMs: 700, Kind: Write}, {AtMs: 800, Kind: Write},
				{AtMs: 1000, Kind: Restart, Node: 3},
			},
			EndMs: 1600,
			Narration: []Narration{
				{0, "Three servers; server 2 leads."},
				{500, "Server 3 crashes. Two of three is still a majority: writes keep committing."},
				{600, "Three writes commit on servers 1 and 2; server 3's log falls behind."},
				{1000, "Server 3 restarts with the log on its disk. The leader's AppendEntries fails its consistency check; the leader backs nextIndex off until the logs agree, then sends what is missing."},
				{1200, "Server 3's log matches the leader's again: nextIndex and matchIndex show it."},
			},
		},
		{
			Name: "figure-8", Title: "The paper's Figure 8: why a leader does not commit an old term's entry by counting replicas",
			Settings: with(func(s *Settings) {
				s.N = 5
				s.LatencyMinMs, s.LatencyMaxMs = 10, 10
				// Slow timers: every election here is one the scenario starts (a timeout action).
				s.ElectionMinMs, s.ElectionMaxMs = 3000, 6000
				s.HeartbeatMs = 100
			}),
			Actions: []Action{
				{AtMs: 0, Kind: Timeout, Node: 1},
				// (a) S1 leads; its next entry reaches S2 only.
				{AtMs: 100, Kind: Cut, Node: 1, To: 3}, {AtMs: 100, Kind: Cut, Node: 1, To: 4}, {AtMs: 100, Kind: Cut, Node: 1, To: 5},
				{AtMs: 110, Kind: Write, Node: 1},
				// (b) S1 crashes; S5 is elected by S3, S4 and itself, and its own entry at index 2 stays
				// with it (its links out are cut once the votes are in).
				{AtMs: 150, Kind: Crash, Node: 1},
				{AtMs: 160, Kind: Timeout, Node: 5},
				{AtMs: 175, Kind: Cut, Node: 5, To: 1}, {AtMs: 175, Kind: Cut, Node: 5, To: 2}, {AtMs: 175, Kind: Cut, Node: 5, To: 3}, {AtMs: 175, Kind: Cut, Node: 5, To: 4},
				{AtMs: 190, Kind: Write, Node: 5},
				// (c) S5 crashes; S1 restarts and is elected again, by S2, S3 and S4.
				{AtMs: 200, Kind: Crash, Node: 5},
				{AtMs: 200, Kind: Heal},
				{AtMs: 210, Kind: Restart, Node: 1},
				{AtMs: 215, Kind: Timeout, Node: 1}, // term 2: refused, everyone voted in term 2 already
				{AtMs: 240, Kind: Timeout, Node: 1}, // term 3
				// (e) S5 comes back: its index 2 is overwritten.
				{AtMs: 500, Kind: Restart, Node: 5},
			},
			EndMs: 800,
			Narration: []Narration{
				{0, "The Raft paper's Figure 8, with our terms (each one lower than the paper's, which starts in term 2). S1 is elected leader of term 1."},
				{100, "(a) S1's links to S3, S4 and S5 fail. A client write reaches S1: the entry at index 2, term 1, gets to S2 only."},
				{150, "(b) S1 crashes. S5 times out and is elected for term 2 by S3, S4 and itself (S2 refuses: its log is longer). S5 appends its own entry at index 2, term 2, and its links fail before it can send it."},
				{200, "(c) S5 crashes and the links heal. S1 restarts and times out: in term 2 it is refused (S2, S3 and S4 have voted in term 2 already)."},
				{240, "S1 times out again and is elected for term 3 by S2, S3 and S4. It appends an entry of term 3 at index 3 and repairs the others' logs: index 2, then 3."},
				{290, "Index 2, term 1, is now on a majority. Counting replicas would call it committed, and in the paper's case (d) S5 could still be elected and overwrite it. Raft's rule (§5.4.2): a leader only counts replicas for an entry of its own term; index 2 commits together with S1's term-3 entry, and once that is on a majority S5's log is too old to win any election."},
				{500, "(e) S5 restarts; the leader's AppendEntries finds the conflict at index 2 and replaces S5's term-2 entry with the committed term-1 entry."},
			},
		},
		{
			Name: "howard-abraham", Title: "Partial partition without PreVote or CheckQuorum (Howard & Abraham)",
			Settings: with(func(s *Settings) { s.N = 5 }),
			Actions:  howardAbraham(1000),
			EndMs:    6000,
			Narration: []Narration{
				{0, "Five servers; server 5 is elected leader."},
				{1000, "Some links fail for good (Howard & Abraham 2020): 5, 1 and 2 still reach each other, 3 reaches only 1, 4 reaches only 2. Every server is still reachable from some other."},
				{1200, "3 and 4 stop hearing the leader. Their timers run out; each starts an election in a higher term. Its vote request reaches 1 or 2, which adopt the higher term and stop following 5: the leader is deposed."},
				{2000, "A new leader is elected, but 3 or 4 will not hear it either and will time out again: terms climb, leaders come and go, and availability falls. Compare with the next scenario, PreVote and CheckQuorum."},
			},
		},
		{
			Name: "howard-abraham-prevote", Title: "The same partial partition with PreVote and CheckQuorum",
			Settings: with(func(s *Settings) { s.N = 5; s.PreVote, s.CheckQuorum = true, true }),
			Actions:  howardAbraham(1000),
			EndMs:    6000,
			Narration: []Narration{
				{0, "The same five servers, now with PreVote (thesis §9.6) and CheckQuorum (§6.2)."},
				{1000, "The same links fail: 3 reaches only 1, 4 reaches only 2."},
				{1200, "3 and 4 time out, but first ask for pre-votes, without raising their term. 1 and 2 refuse: they hear from a leader. Nobody's term changes, nobody is deposed."},
				{2000, "Server 5 keeps leading with a working majority (5, 1, 2); CheckQuorum would make it step down if it lost that majority. The cluster stays available."},
			},
		},
		{
			Name: "five-nodes-two-failures", Title: "Five servers survive two failures",
			Settings: with(func(s *Settings) { s.N = 5 }),
			Actions: []Action{
				{AtMs: 800, Kind: Crash, Node: 1},
				{AtMs: 900, Kind: Crash, Node: 0},
				{AtMs: 1500, Kind: Write}, {AtMs: 1600, Kind: Write}, {AtMs: 1700, Kind: Write},
			},
			EndMs: 2000,
			Narration: []Narration{
				{0, "The seed article claims five nodes tolerate only one failure (n ≥ 3f + 1, a Byzantine bound). Raft tolerates crash failures, for which n ≥ 2f + 1: five servers survive two."},
				{800, "A follower crashes."},
				{900, "Then the leader crashes: two of five are down."},
				{1100, "Three servers remain, a majority of five: one of them is elected."},
				{1500, "Client writes commit on the three survivors. A third crash would stop commits: three of five are needed."},
			},
		},
	}
}

// ScenarioByName returns the scenario with that name.
func ScenarioByName(name string) (Scenario, error) {
	all := Scenarios()
	i := slices.IndexFunc(all, func(s Scenario) bool { return s.Name == name })
	if i < 0 {
		names := make([]string, len(all))
		for j, s := range all {
			names[j] = s.Name
		}
		return Scenario{}, fmt.Errorf("demo: scenario: %q: want one of %v", name, names)
	}
	return all[i], nil
}

// OpenScenario starts a session set up with the scenario's settings and actions, at time 0.
func OpenScenario(name string) (*Session, error) {
	sc, err := ScenarioByName(name)
	if err != nil {
		return nil, err
	}
	return newSession(sc.Settings, sc.Actions)
}

// howardAbraham is Howard and Abraham's partial partition (2020) on the seed-1 cluster, whose leader
// is node 5: 5, 1 and 2 fully connected, 3 reaching only 1, 4 reaching only 2 (the README's shape
// with node 1 as leader, relabelled 1→5, 2→1, 3→2, 4→3, 5→4).
func howardAbraham(atMs float64) []Action {
	var out []Action
	for _, p := range [][2]int{{5, 3}, {2, 3}, {3, 4}, {5, 4}, {1, 4}} {
		out = append(out, Action{AtMs: atMs, Kind: Cut, Node: p[0], To: p[1]}, Action{AtMs: atMs, Kind: Cut, Node: p[1], To: p[0]})
	}
	return out
}
