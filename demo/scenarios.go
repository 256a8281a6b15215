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
				{150, "Randomized timeouts break the tie: the candidate whose new timer runs out first starts term 2 alone and wins it."},
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
				{800, "On the majority side, a follower times out and is elected in term 2; writes go on there."},
				{1500, "The partition heals. The first message from term 2 tells server 5 it is stale: it steps down, and its uncommitted entry is overwritten by the new leader's log."},
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
