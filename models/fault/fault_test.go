package fault

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/raftsim/raftsim/sim"
	"github.com/raftsim/raftsim/topology"
)

type parser func(s string, n int) ([]Event, error)

func parseHeal(s string, _ int) ([]Event, error) { return ParseHeal(s) }

// parsers maps each kind to the parser of its short form.
var parsers = map[Kind]parser{
	Crash: ParseCrash, Restart: ParseRestart, Isolate: ParseIsolate,
	Cut: ParseCut, Restore: ParseRestore, Partition: ParsePartition, Heal: parseHeal,
}

func edges(pairs ...int64) []topology.Edge {
	var es []topology.Edge
	for i := 0; i < len(pairs); i += 2 {
		es = append(es, topology.Edge{From: pairs[i], To: pairs[i+1]})
	}
	return es
}

func TestParse(t *testing.T) {
	const n = 5
	s := time.Second
	tests := []struct {
		kind Kind
		in   string
		want []Event
	}{
		{Crash, "2@10s", []Event{{At: 10 * s, Kind: Crash, Node: 2}}},
		{Crash, "leader@1s", []Event{{At: s, Kind: Crash, Role: Leader}}},
		{Crash, "leader+2@1.5s", []Event{{At: 1500 * time.Millisecond, Kind: Crash, Role: Leader, Extra: 2}}},
		{Crash, "leader+0@1s", []Event{{At: s, Kind: Crash, Role: Leader}}},
		{Crash, "leader+4@1s", []Event{{At: s, Kind: Crash, Role: Leader, Extra: 4}}}, // every node
		{Crash, " 1 @ 3s , leader@2s,5@0s", []Event{
			{At: 3 * s, Kind: Crash, Node: 1}, {At: 2 * s, Kind: Crash, Role: Leader}, {At: 0, Kind: Crash, Node: 5}}},
		{Restart, "3@1m30s", []Event{{At: 90 * s, Kind: Restart, Node: 3}}},
		{Restart, "1@1s,1@2s", []Event{{At: s, Kind: Restart, Node: 1}, {At: 2 * s, Kind: Restart, Node: 1}}},
		{Isolate, "5@250ms", []Event{{At: 250 * time.Millisecond, Kind: Isolate, Node: 5}}},
		{Cut, "5s:1->2", []Event{{At: 5 * s, Kind: Cut, Edges: edges(1, 2)}}},
		{Cut, "5s:1<->2,3->4", []Event{{At: 5 * s, Kind: Cut, Edges: edges(1, 2, 2, 1, 3, 4)}}},
		{Cut, " 5s : 1 -> 2 , 4 <-> 5 ", []Event{{At: 5 * s, Kind: Cut, Edges: edges(1, 2, 4, 5, 5, 4)}}},
		{Restore, "0s:2->1", []Event{{At: 0, Kind: Restore, Edges: edges(2, 1)}}},
		{Partition, "5s:1,2|3,4,5", []Event{{At: 5 * s, Kind: Partition, Groups: [][]int64{{1, 2}, {3, 4, 5}}}}},
		{Partition, "5s:1", []Event{{At: 5 * s, Kind: Partition, Groups: [][]int64{{1}}}}}, // 1 against the rest
		{Partition, "5s: 3 | 1 , 2 |5", []Event{{At: 5 * s, Kind: Partition, Groups: [][]int64{{3}, {1, 2}, {5}}}}},
		{Heal, "5s", []Event{{At: 5 * s, Kind: Heal}}},
		{Heal, " 1s , 2s ", []Event{{At: s, Kind: Heal}, {At: 2 * s, Kind: Heal}}},
	}
	for _, tt := range tests {
		t.Run(tt.kind.String()+"/"+tt.in, func(t *testing.T) {
			got, err := parsers[tt.kind](tt.in, n)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	const n = 5
	tests := []struct {
		kind Kind
		in   string
		want string
	}{
		{Crash, "", `"": empty list`},
		{Crash, " , ", `" , ": an empty item (a stray comma?)`},
		{Crash, "2", `"2": want ID@TIME, e.g. 2@10s`},
		{Crash, "2@1s,3", `"3": want ID@TIME, e.g. 2@10s`},
		{Crash, "6@1s", `"6@1s": node 6 is not in 1..5`},
		{Crash, "0@1s", `"0@1s": node 0: node IDs start at 1`},
		{Crash, "x@1s", `"x@1s": node "x": want a node ID, leader, leader+K, follower or crashed-leader`},
		{Crash, "2@", `"2@": time "" is not a duration like 10s or 1500ms`},
		{Crash, "2@10", `"2@10": time "10" is not a duration like 10s or 1500ms`},
		{Crash, "2@-1s", `"2@-1s": time "-1s" is negative`},
		{Crash, "leader+5@1s", `"leader+5@1s": in leader+K, K must be a number from 0 to 4`},
		{Crash, "leader+-1@1s", `"leader+-1@1s": in leader+K, K must be a whole number from 0`},
		{Crash, "leader+x@1s", `"leader+x@1s": in leader+K, K must be a whole number from 0`},
		{Crash, "leaders@1s", `"leaders@1s": node "leaders": want a node ID, leader, leader+K, follower or crashed-leader`},
		{Restart, "leader@1s", `"leader@1s": node "leader" is not accepted here: want a node ID or crashed-leader`},
		{Restart, "9@1s", `"9@1s": node 9 is not in 1..5`},
		{Isolate, "1@1h@2h", `"1@1h@2h": time "1h@2h" is not a duration like 10s or 1500ms`},
		{Cut, "5s", `"5s": want TIME:A->B[,C->D], e.g. 5s:1->2,2->1`},
		{Cut, "5s:", `"5s:": no edges`},
		{Cut, "5s:1->2,", `"5s:1->2,": "1->2,": an empty item (a stray comma?)`},
		{Crash, "1@1s,", `"1@1s,": an empty item (a stray comma?)`},
		{Cut, "5s:1->2,1->2", `"5s:1->2,1->2": edge 1->2 is listed twice`},
		{Restore, "5s:1<->2,2->1", `"5s:1<->2,2->1": edge 2->1 is listed twice`},
		{Crash, "1@1s,,2@2s", `"1@1s,,2@2s": an empty item (a stray comma?)`},
		{Heal, "1s,", `"1s,": an empty item (a stray comma?)`},
		{Partition, "5s:1,|2", `"5s:1,|2": "1,": an empty item (a stray comma?)`},
		{Cut, "x:1->2", `"x:1->2": time "x" is not a duration like 10s or 1500ms`},
		{Cut, "-1s:1->2", `"-1s:1->2": time "-1s" is negative`},
		{Cut, "5s:1->1", `"5s:1->1": edge "1->1": a node has no edge to itself`},
		{Cut, "5s:2<->2", `"5s:2<->2": edge "2<->2": a node has no edge to itself`},
		{Cut, "5s:1-2", `"5s:1-2": edge "1-2": want A->B or A<->B`},
		{Cut, "5s:1->6", `"5s:1->6": edge "1->6": node 6 is not in 1..5`},
		{Cut, "5s:a->2", `"5s:a->2": edge "a->2": node "a": want a node ID, leader, follower or crashed-leader`},
		{Restore, "5s:1->2->3", `"5s:1->2->3": edge "1->2->3": node "2->3": want a node ID, leader, follower or crashed-leader`},
		{Restore, "1s:0<->1", `"1s:0<->1": edge "0<->1": node 0: node IDs start at 1`},
		{Partition, "5s", `"5s": want TIME:GROUP|GROUP, e.g. 5s:1,2|3,4,5`},
		{Partition, "5s:", `"5s:": empty group`},
		{Partition, "5s:1||2", `"5s:1||2": empty group`},
		{Partition, "5s:|1", `"5s:|1": empty group`},
		{Partition, "5s:1,2|", `"5s:1,2|": empty group`},
		{Partition, "5s:1|2,1", `"5s:1|2,1": node 1 is in two groups`},
		{Partition, "5s:1,2,1|3", `"5s:1,2,1|3": node 1 is listed twice`},
		{Partition, "5s:1,2,3,4,5", `"5s:1,2,3,4,5": one group holding every node cuts nothing`},
		{Partition, "5s:6|1", `"5s:6|1": node 6 is not in 1..5`},
		{Partition, "-1s:1|2", `"-1s:1|2": time "-1s" is negative`},
		{Heal, "", `"": empty list`},
		{Heal, "x", `"x": time "x" is not a duration like 10s or 1500ms`},
		{Heal, "1s,-1s", `"-1s": time "-1s" is negative`},
		{Heal, "-1ns", `"-1ns": time "-1ns" is negative`},
	}
	for _, tt := range tests {
		t.Run(tt.kind.String()+"/"+tt.in, func(t *testing.T) {
			got, err := parsers[tt.kind](tt.in, n)
			if err == nil {
				t.Fatalf("no error, got %v", got)
			}
			if err.Error() != tt.want {
				t.Fatalf("error %q, want %q", err, tt.want)
			}
			if got != nil {
				t.Fatalf("events %v returned with the error", got)
			}
		})
	}
}

// TestLeaderPlusK checks the bound on K against the cluster size: leader+K crashes K+1 nodes, so K is at
// most n-1.
func TestLeaderPlusK(t *testing.T) {
	for n := 1; n <= 7; n++ {
		if _, err := ParseCrash(fmt.Sprintf("leader+%d@1s", n-1), n); err != nil {
			t.Errorf("n=%d: leader+%d: %v", n, n-1, err)
		}
		_, err := ParseCrash(fmt.Sprintf("leader+%d@1s", n), n)
		want := fmt.Sprintf(`"leader+%d@1s": in leader+K, K must be a number from 0 to %d`, n, n-1)
		if err == nil || err.Error() != want {
			t.Errorf("n=%d: leader+%d: %v, want %s", n, n, err, want)
		}
	}
}

// shortForm splits String's output into the kind and the text its parser reads.
func shortForm(s string) (Kind, string) {
	name, rest, _ := strings.Cut(s, " ")
	for k := Crash; k <= Heal; k++ {
		if k.String() == name {
			return k, rest
		}
	}
	return 0, s
}

func TestStringRoundTrip(t *testing.T) {
	const n = 7
	events := []Event{
		{At: 10 * time.Second, Kind: Crash, Node: 3},
		{At: 0, Kind: Crash, Role: Leader},
		{At: 1500 * time.Millisecond, Kind: Crash, Role: Leader, Extra: 2},
		{At: 90 * time.Second, Kind: Restart, Node: 7},
		{At: time.Hour + time.Nanosecond, Kind: Isolate, Node: 1},
		{At: 5 * time.Second, Kind: Cut, Edges: edges(1, 2, 2, 1, 6, 3)},
		{At: 7 * time.Millisecond, Kind: Restore, Edges: edges(4, 5)},
		{At: 5 * time.Second, Kind: Partition, Groups: [][]int64{{1, 2}, {3, 4, 5}}},
		{At: 5 * time.Second, Kind: Partition, Groups: [][]int64{{7}}},
		{At: 12 * time.Second, Kind: Heal},
	}
	// And everything Chaos draws.
	for seed := uint64(1); seed <= 20; seed++ {
		events = append(events, Chaos(sim.Stream(seed, "chaos"), n, time.Minute, ChaosOptions{Quiet: time.Second})...)
	}
	seen := map[Kind]bool{}
	for _, e := range events {
		s := e.String()
		kind, text := shortForm(s)
		if kind != e.Kind {
			t.Fatalf("%q does not start with its kind %v", s, e.Kind)
		}
		got, err := parsers[kind](text, n)
		if err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		if len(got) != 1 || !reflect.DeepEqual(got[0], e) {
			t.Fatalf("%q parsed back as %#v, want %#v", s, got, e)
		}
		seen[e.Kind] = true
	}
	for k := Crash; k <= Heal; k++ {
		if !seen[k] {
			t.Errorf("no %v event round-tripped", k)
		}
	}
	for _, tt := range []struct {
		e    Event
		want string
	}{
		{events[0], "crash 3@10s"},
		{events[2], "crash leader+2@1.5s"},
		{events[5], "cut 5s:1->2,2->1,6->3"},
		{events[7], "partition 5s:1,2|3,4,5"},
		{events[9], "heal 12s"},
		{Event{Kind: 0}, "Kind(0)"},
	} {
		if got := tt.e.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
	}
}

func TestSortStable(t *testing.T) {
	var events []Event
	for i := range 40 {
		// Times 0..4 in a scrambled order; Node numbers the original position.
		events = append(events, Event{At: time.Duration(i*7%5) * time.Second, Kind: Restart, Node: int64(i)})
	}
	Sort(events)
	for i := 1; i < len(events); i++ {
		a, b := events[i-1], events[i]
		if a.At > b.At || a.At == b.At && a.Node > b.Node {
			t.Fatalf("position %d: %v (given %d) before %v (given %d)", i, a, a.Node, b, b.Node)
		}
	}
}

// check asserts the invariants of a Chaos schedule for n nodes over [quiet, duration).
func check(t *testing.T, evs []Event, n int, quiet, duration time.Duration) {
	t.Helper()
	node := func(id int64) bool { return id >= 1 && id <= int64(n) }
	down := make([]bool, n+1) // the nodes Chaos itself crashed and has not restarted
	for i, e := range evs {
		if e.At < quiet || e.At >= duration {
			t.Fatalf("event %d %v outside [%v, %v)", i, e, quiet, duration)
		}
		if i > 0 && e.At < evs[i-1].At {
			t.Fatalf("event %d %v before event %d %v", i, e, i-1, evs[i-1])
		}
		switch e.Kind {
		case Crash:
			if e.Role == Leader {
				if e.Node != 0 || e.Extra != 0 {
					t.Fatalf("event %d: %#v", i, e)
				}
				break
			}
			if !node(e.Node) || down[e.Node] {
				t.Fatalf("event %d %v: node out of range or already crashed", i, e)
			}
			down[e.Node] = true
		case Restart:
			if !node(e.Node) {
				t.Fatalf("event %d %v: node out of range", i, e)
			}
			down[e.Node] = false
		case Cut:
			if len(e.Edges) == 0 || len(e.Edges) > n {
				t.Fatalf("event %d %v: %d edges", i, e, len(e.Edges))
			}
			for _, ed := range e.Edges {
				if !node(ed.From) || !node(ed.To) || ed.From == ed.To {
					t.Fatalf("event %d %v: bad edge %v", i, e, ed)
				}
			}
		case Partition:
			if len(e.Groups) < 2 || len(e.Groups) > 3 {
				t.Fatalf("event %d %v: %d groups", i, e, len(e.Groups))
			}
			var all []int64
			for _, g := range e.Groups {
				if len(g) == 0 {
					t.Fatalf("event %d %v: empty group", i, e)
				}
				all = append(all, g...)
			}
			slices.Sort(all)
			for j, id := range all {
				if id != int64(j+1) {
					t.Fatalf("event %d %v: groups are not a partition of 1..%d", i, e, n)
				}
			}
		case Heal:
		default:
			t.Fatalf("event %d: Chaos drew %v", i, e.Kind)
		}
		if e.Kind != Cut && len(e.Edges) > 0 || e.Kind != Partition && len(e.Groups) > 0 {
			t.Fatalf("event %d: %#v has fields of another kind", i, e)
		}
	}
}

func TestChaosDeterministic(t *testing.T) {
	o := ChaosOptions{MeanInterval: 2 * time.Second, Quiet: 3 * time.Second}
	a := Chaos(sim.Stream(1, "chaos"), 5, 2*time.Minute, o)
	b := Chaos(sim.Stream(1, "chaos"), 5, 2*time.Minute, o)
	c := Chaos(sim.Stream(2, "chaos"), 5, 2*time.Minute, o)
	if len(a) < 20 {
		t.Fatalf("only %d events in 2 minutes at one per 2s", len(a))
	}
	if !reflect.DeepEqual(a, b) {
		t.Fatal("the same seed gave two schedules")
	}
	if reflect.DeepEqual(a, c) {
		t.Fatal("seeds 1 and 2 gave the same schedule")
	}
}

func TestChaosInvariants(t *testing.T) {
	tests := []struct {
		n        int
		duration time.Duration
		o        ChaosOptions
	}{
		{1, time.Minute, ChaosOptions{MeanInterval: time.Second}},
		{2, time.Minute, ChaosOptions{MeanInterval: time.Second}},
		{3, time.Minute, ChaosOptions{MeanInterval: 500 * time.Millisecond, Quiet: 10 * time.Second}},
		{5, time.Minute, ChaosOptions{}},
		{7, 10 * time.Minute, ChaosOptions{MeanInterval: time.Second, Quiet: 5 * time.Second}},
		{9, time.Second, ChaosOptions{MeanInterval: time.Millisecond, Quiet: 999 * time.Millisecond}},
		{5, time.Second, ChaosOptions{Quiet: 2 * time.Second}}, // quiet past the end: nothing
		{5, 0, ChaosOptions{}},                                                  // no time: nothing
		{3, 5 * time.Nanosecond, ChaosOptions{}},                                // a default mean of 0 must not hang
		{3, 10 * time.Microsecond, ChaosOptions{MeanInterval: time.Nanosecond}}, // events share instants
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("n=%d/d=%v/%+v", tt.n, tt.duration, tt.o), func(t *testing.T) {
			for seed := uint64(0); seed < 50; seed++ {
				var evs []Event
				done := make(chan struct{})
				go func() {
					defer close(done)
					evs = Chaos(sim.Stream(seed, "chaos"), tt.n, tt.duration, tt.o)
				}()
				select {
				case <-done:
				case <-time.After(10 * time.Second):
					t.Fatalf("seed %d: Chaos did not return", seed)
				}
				check(t, evs, tt.n, tt.o.Quiet, tt.duration)
				if tt.n == 1 {
					for _, e := range evs {
						if e.Kind == Cut || e.Kind == Partition {
							t.Fatalf("seed %d: %v in a single-node cluster", seed, e)
						}
					}
				}
			}
		})
	}
}

// TestChaosMix checks the proportions of what Chaos draws and how often, over many seeds.
func TestChaosMix(t *testing.T) {
	const (
		n     = 5
		mean  = time.Second
		quiet = 10 * time.Second
		span  = 100 * time.Second
	)
	count := map[string]int{}
	total := 0
	for seed := uint64(0); seed < 400; seed++ {
		evs := Chaos(rand.New(rand.NewPCG(seed, 1)), n, quiet+span, ChaosOptions{MeanInterval: mean, Quiet: quiet})
		check(t, evs, n, quiet, quiet+span)
		for _, name := range draws(evs, n) {
			count[name]++
			total++
		}
	}
	// A Poisson process of rate 1/mean over span has span/mean arrivals on average; a few draw nothing
	// (a crash with every node down, a partition that fell into one group).
	perRun := float64(total) / 400
	if want := float64(span / mean); perRun < 0.9*want || perRun > 1.02*want {
		t.Errorf("%.1f events per run, want about %v", perRun, want)
	}
	share := map[string][2]float64{ // from the thresholds in Chaos, with slack
		"crash":        {0.15, 0.22},
		"crash leader": {0.08, 0.12},
		"restart":      {0.16, 0.22}, // three quarters of the restart draws
		"restart all":  {0.05, 0.08}, // one quarter
		"partition":    {0.12, 0.17},
		"cut":          {0.08, 0.12},
		"heal":         {0.17, 0.23},
	}
	for name, lim := range share {
		if f := float64(count[name]) / float64(total); f < lim[0] || f > lim[1] {
			t.Errorf("%s: %.3f of events, want in [%v, %v]", name, f, lim[0], lim[1])
		}
	}
	if len(count) != len(share) {
		t.Errorf("kinds drawn: %v", count)
	}
}

// draws names the choices a chaos schedule made, one per draw: a restart of every node at one instant
// (nodes 1..n in order) is one draw, "restart all".
func draws(evs []Event, n int) []string {
	var out []string
	for i := 0; i < len(evs); i++ {
		e := evs[i]
		name := e.Kind.String()
		if e.Kind == Crash && e.Role == Leader {
			name = "crash leader"
		}
		if e.Kind == Restart && e.Node == 1 && i+n <= len(evs) {
			all := true
			for k := 0; k < n; k++ {
				if f := evs[i+k]; f.Kind != Restart || f.At != e.At || f.Node != int64(k+1) {
					all = false
					break
				}
			}
			if all {
				name = "restart all"
				i += n - 1
			}
		}
		out = append(out, name)
	}
	return out
}

// TestChaosDefaultMean checks that a zero MeanInterval means a tenth of the duration.
func TestChaosDefaultMean(t *testing.T) {
	total := 0
	for seed := uint64(0); seed < 500; seed++ {
		total += len(draws(Chaos(sim.Stream(seed, "chaos"), 5, time.Minute, ChaosOptions{}), 5))
	}
	if per := float64(total) / 500; per < 9 || per > 10.3 {
		t.Fatalf("%.2f events per run, want about 10", per)
	}
}

func ExampleParseCut() {
	evs, err := ParseCut("5s:1<->2,3->1", 3)
	if err != nil {
		panic(err)
	}
	fmt.Println(evs[0], evs[0].Edges)
	// Output: cut 5s:1->2,2->1,3->1 [1->2 2->1 3->1]
}
