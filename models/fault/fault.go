package fault

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/raftsim/raftsim/models/latency"
	"github.com/raftsim/raftsim/sim"
	"github.com/raftsim/raftsim/topology"
)

// Kind is what an Event does.
type Kind uint8

// The kinds of fault event.
const (
	Crash     Kind = iota + 1 // the node stops; its volatile state is lost
	Restart                   // the node starts again from its durable state
	Cut                       // the directed edges stop carrying messages
	Restore                   // the directed edges carry messages again
	Partition                 // every edge between different groups is cut
	Isolate                   // every edge into and out of the node is cut
	Heal                      // every cut is restored
	// Transfer asks the node that leads at the time to hand its leadership to Node (thesis §3.10). It
	// is not a fault but an operator's action; it rides the schedule so that it is timed like one.
	Transfer
	// Membership changes (Raft thesis ch. 4), which the run asks of whoever leads at At, retrying until
	// done; not faults, but scheduled as they are.
	Add     // Node joins the configuration as a voter (its host starts, empty)
	Remove  // Node leaves the configuration (its host shuts down once that is committed)
	Replace // New joins as a learner, is promoted once caught up, then Node is removed
	// Gray failures (gray.go): the node stays up but is stuck or slow.
	Pause     // the process stops for For: it handles no message and fires no timer, then resumes
	DiskStall // the node's disk completes no write for For (or for ever, Forever)
	DiskSlow  // the node's disk writes take Latency from At on
)

var kindNames = [...]string{Crash: "crash", Restart: "restart", Cut: "cut", Restore: "restore",
	Partition: "partition", Isolate: "isolate", Heal: "heal", Transfer: "transfer", Add: "add", Remove: "remove", Replace: "replace",
	Pause: "pause", DiskStall: "disk-stall", DiskSlow: "disk-slow"}

func (k Kind) String() string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// Event is one fault at one instant of simulated time.
type Event struct {
	At   time.Duration
	Kind Kind
	Node int64 // Crash, Restart, Isolate, Transfer (the target), Add, Remove; the node replaced for Replace; for Crash with Leader set, 0
	New  int64 // Replace: the node that takes Node's place
	// Leader, for a Crash, crashes 1+Extra nodes: the node that leads at At and Extra other live nodes
	// drawn at random; when no node leads at At, all 1+Extra are drawn from the live nodes (fewer if
	// fewer are live).
	Leader bool
	Extra  int
	Edges  []topology.Edge // Cut, Restore
	Groups [][]int64       // Partition: nodes in no group form one more group together
	// For is how long a Pause or a DiskStall lasts; Forever, for a DiskStall, is for the rest of the run.
	For     time.Duration
	Forever bool
	Latency *latency.Dist // DiskSlow: the disk's new write time
}

// String returns the event in the command line's short form, e.g. "crash leader@10s".
func (e Event) String() string {
	at := sim.FormatDuration(e.At)
	switch e.Kind {
	case Crash:
		if e.Leader && e.Extra > 0 {
			return fmt.Sprintf("crash leader+%d@%s", e.Extra, at)
		}
		if e.Leader {
			return "crash leader@" + at
		}
		return fmt.Sprintf("crash %d@%s", e.Node, at)
	case Restart, Isolate, Transfer, Add, Remove:
		return fmt.Sprintf("%v %d@%s", e.Kind, e.Node, at)
	case Replace:
		return fmt.Sprintf("replace %d:%d@%s", e.Node, e.New, at)
	case Cut, Restore:
		parts := make([]string, len(e.Edges))
		for i, ed := range e.Edges {
			parts[i] = fmt.Sprintf("%d->%d", ed.From, ed.To)
		}
		return fmt.Sprintf("%v %s:%s", e.Kind, at, strings.Join(parts, ","))
	case Partition:
		groups := make([]string, len(e.Groups))
		for i, g := range e.Groups {
			ids := make([]string, len(g))
			for j, id := range g {
				ids[j] = strconv.FormatInt(id, 10)
			}
			groups[i] = strings.Join(ids, ",")
		}
		return fmt.Sprintf("partition %s:%s", at, strings.Join(groups, "|"))
	case Heal:
		return "heal " + at
	case Pause, DiskStall, DiskSlow:
		return e.Kind.String() + " " + e.grayForm()
	}
	return e.Kind.String()
}

// Sort orders events by time, keeping the given order among events at the same instant.
func Sort(events []Event) {
	slices.SortStableFunc(events, func(a, b Event) int {
		switch {
		case a.At < b.At:
			return -1
		case a.At > b.At:
			return 1
		}
		return 0
	})
}

// The parse functions read the command line's short forms. Their errors describe the problem in the
// text; the caller adds which flag or field it came from. n is the number of nodes (IDs 1..n).

// ParseCrash reads "ID@T[,ID@T…]" where ID may be "leader+K": K+1 crashes in all, the node that leads at
// T and K other live nodes chosen at random, or K+1 live nodes chosen at random when none leads
// (Event.Leader); "leader" is "leader+0".
func ParseCrash(s string, n int) ([]Event, error) {
	return parseAtList(s, n, Crash, true)
}

// ParseRestart reads "ID@T[,ID@T…]".
func ParseRestart(s string, n int) ([]Event, error) {
	return parseAtList(s, n, Restart, false)
}

// ParseTransfer reads "ID@T[,ID@T…]": at T, whoever leads hands its leadership to node ID.
//
// The target may be a node the schedule adds, beyond the cluster's n, so IDs are checked here only
// against MaxMemberID; the cluster checks them against the hosts the run provisions.
func ParseTransfer(s string, _ int) ([]Event, error) {
	return parseAtList(s, MaxMemberID, Transfer, false)
}

// ParseIsolate reads "ID@T[,ID@T…]".
func ParseIsolate(s string, n int) ([]Event, error) {
	return parseAtList(s, n, Isolate, false)
}

// MaxMemberID bounds the node IDs membership events name: the parsers cannot know how many nodes a run
// provisions (the cluster checks its own bound), but an ID this large is never meant.
const MaxMemberID = 1 << 20

// ParseAdd reads "ID@T[,ID@T…]": nodes to add as voters. IDs beyond the cluster's n are the point, so
// they are checked only against MaxMemberID; the cluster checks the schedule's membership as a whole.
func ParseAdd(s string, _ int) ([]Event, error) {
	return parseAtList(s, MaxMemberID, Add, false)
}

// ParseRemove reads "ID@T[,ID@T…]": nodes to remove (IDs as for ParseAdd).
func ParseRemove(s string, _ int) ([]Event, error) {
	return parseAtList(s, MaxMemberID, Remove, false)
}

// ParseReplace reads "OLD:NEW@T[,OLD:NEW@T…]": NEW joins as a learner, is promoted once caught up, and
// OLD is removed (IDs as for ParseAdd).
func ParseReplace(s string, _ int) ([]Event, error) {
	list, err := splitList(s)
	if err != nil {
		return nil, err
	}
	var out []Event
	for _, item := range list {
		ids, at, ok := strings.Cut(item, "@")
		old, nw, ok2 := strings.Cut(ids, ":")
		if !ok || !ok2 {
			return nil, fmt.Errorf("%q: want OLD:NEW@TIME, e.g. 2:6@10s", item)
		}
		d, err := parseTime(at)
		if err != nil {
			return nil, fmt.Errorf("%q: %w", item, err)
		}
		e := Event{At: d, Kind: Replace}
		if e.Node, err = parseNode(old, MaxMemberID); err != nil {
			return nil, fmt.Errorf("%q: %w", item, err)
		}
		if e.New, err = parseNode(nw, MaxMemberID); err != nil {
			return nil, fmt.Errorf("%q: %w", item, err)
		}
		if e.New == e.Node {
			return nil, fmt.Errorf("%q: a node cannot replace itself", item)
		}
		out = append(out, e)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%q: empty list", s)
	}
	return out, nil
}

func parseAtList(s string, n int, kind Kind, leaderOK bool) ([]Event, error) {
	var out []Event
	list, err := splitList(s)
	if err != nil {
		return nil, err
	}
	for _, item := range list {
		id, at, ok := strings.Cut(item, "@")
		if !ok {
			return nil, fmt.Errorf("%q: want ID@TIME, e.g. 2@10s", item)
		}
		d, err := parseTime(at)
		if err != nil {
			return nil, fmt.Errorf("%q: %w", item, err)
		}
		e := Event{At: d, Kind: kind}
		if id = strings.TrimSpace(id); leaderOK && strings.HasPrefix(id, "leader") {
			e.Leader = true
			if extra, ok := strings.CutPrefix(id, "leader+"); ok {
				k, err := strconv.Atoi(extra)
				switch {
				case err != nil || k < 0:
					return nil, fmt.Errorf("%q: in leader+K, K must be a whole number from 0", item)
				case k >= n:
					return nil, fmt.Errorf("%q: in leader+K, K must be a number from 0 to %d", item, n-1)
				}
				e.Extra = k
			} else if id != "leader" {
				return nil, fmt.Errorf("%q: want a node ID, leader or leader+K", item)
			}
		} else if e.Node, err = parseNode(id, n); err != nil {
			return nil, fmt.Errorf("%q: %w", item, err)
		}
		out = append(out, e)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%q: empty list", s)
	}
	return out, nil
}

// ParseCut reads "T:A->B[,C->D…]"; "A<->B" cuts both directions.
func ParseCut(s string, n int) ([]Event, error) {
	return parseEdgeEvent(s, n, Cut)
}

// ParseRestore reads the same form as ParseCut and restores the edges.
func ParseRestore(s string, n int) ([]Event, error) {
	return parseEdgeEvent(s, n, Restore)
}

func parseEdgeEvent(s string, n int, kind Kind) ([]Event, error) {
	at, rest, ok := strings.Cut(s, ":")
	if !ok {
		return nil, fmt.Errorf("%q: want TIME:A->B[,C->D], e.g. 5s:1->2,2->1", s)
	}
	d, err := parseTime(at)
	if err != nil {
		return nil, fmt.Errorf("%q: %w", s, err)
	}
	e := Event{At: d, Kind: kind}
	if strings.TrimSpace(rest) == "" {
		return nil, fmt.Errorf("%q: no edges", s)
	}
	list, err := splitList(rest)
	if err != nil {
		return nil, fmt.Errorf("%q: %w", s, err)
	}
	for _, item := range list {
		both := strings.Contains(item, "<->")
		sep := "->"
		if both {
			sep = "<->"
		}
		a, b, ok := strings.Cut(item, sep)
		if !ok {
			return nil, fmt.Errorf("%q: edge %q: want A->B or A<->B", s, item)
		}
		from, err := parseNode(a, n)
		if err != nil {
			return nil, fmt.Errorf("%q: edge %q: %w", s, item, err)
		}
		to, err := parseNode(b, n)
		if err != nil {
			return nil, fmt.Errorf("%q: edge %q: %w", s, item, err)
		}
		if from == to {
			return nil, fmt.Errorf("%q: edge %q: a node has no edge to itself", s, item)
		}
		e.Edges = append(e.Edges, topology.Edge{From: from, To: to})
		if both {
			e.Edges = append(e.Edges, topology.Edge{From: to, To: from})
		}
	}
	if len(e.Edges) == 0 {
		return nil, fmt.Errorf("%q: no edges", s)
	}
	seen := make(map[topology.Edge]bool, len(e.Edges))
	for _, ed := range e.Edges {
		if seen[ed] {
			return nil, fmt.Errorf("%q: edge %d->%d is listed twice", s, ed.From, ed.To)
		}
		seen[ed] = true
	}
	return []Event{e}, nil
}

// ParsePartition reads "T:1,2|3,4,5". Each node may appear in one group at most.
func ParsePartition(s string, n int) ([]Event, error) {
	at, rest, ok := strings.Cut(s, ":")
	if !ok {
		return nil, fmt.Errorf("%q: want TIME:GROUP|GROUP, e.g. 5s:1,2|3,4,5", s)
	}
	d, err := parseTime(at)
	if err != nil {
		return nil, fmt.Errorf("%q: %w", s, err)
	}
	e := Event{At: d, Kind: Partition}
	seen := map[int64]int{} // node -> 1 + index of its group
	for gi, grp := range strings.Split(rest, "|") {
		var g []int64
		list, err := splitList(grp)
		if err != nil && strings.TrimSpace(grp) != "" {
			return nil, fmt.Errorf("%q: %w", s, err)
		}
		for _, item := range list {
			id, err := parseNode(item, n)
			if err != nil {
				return nil, fmt.Errorf("%q: %w", s, err)
			}
			switch seen[id] {
			case 0:
			case gi + 1:
				return nil, fmt.Errorf("%q: node %d is listed twice", s, id)
			default:
				return nil, fmt.Errorf("%q: node %d is in two groups", s, id)
			}
			seen[id] = gi + 1
			g = append(g, id)
		}
		if len(g) == 0 {
			return nil, fmt.Errorf("%q: empty group", s)
		}
		e.Groups = append(e.Groups, g)
	}
	if len(e.Groups) < 2 && len(seen) == n {
		return nil, fmt.Errorf("%q: one group holding every node cuts nothing", s)
	}
	return []Event{e}, nil
}

// ParseHeal reads "T[,T…]".
func ParseHeal(s string) ([]Event, error) {
	var out []Event
	list, err := splitList(s)
	if err != nil {
		return nil, err
	}
	for _, item := range list {
		d, err := parseTime(item)
		if err != nil {
			return nil, fmt.Errorf("%q: %w", item, err)
		}
		out = append(out, Event{At: d, Kind: Heal})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%q: empty list", s)
	}
	return out, nil
}

// splitList splits a comma-separated list. An empty item is an error: "1@1s," or "1@1s,,2@2s" is a
// typo more often than a list of one.
func splitList(s string) ([]string, error) {
	if strings.TrimSpace(s) == "" {
		return nil, fmt.Errorf("%q: empty list", s)
	}
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p == "" {
			return nil, fmt.Errorf("%q: an empty item (a stray comma?)", s)
		}
		out = append(out, p)
	}
	return out, nil
}

func parseTime(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("time %q is not a duration like 10s or 1500ms", s)
	}
	if d < 0 {
		return 0, fmt.Errorf("time %q is negative", s)
	}
	return d, nil
}

func parseNode(s string, n int) (int64, error) {
	s = strings.TrimSpace(s)
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("node %q is not a number", s)
	}
	if id < 1 {
		return 0, fmt.Errorf("node %d: node IDs start at 1", id)
	}
	if id > int64(n) {
		return 0, fmt.Errorf("node %d is not in 1..%d", id, n)
	}
	return id, nil
}

// ChaosOptions shape a random fault schedule.
type ChaosOptions struct {
	// MeanInterval is the mean time between faults (exponentially distributed); 0 means a tenth of the
	// duration.
	MeanInterval time.Duration
	// Quiet is a span at the start with no fault, so that a first leader can be elected.
	Quiet time.Duration
	// Until, when positive, ends the chaos there: no chaos fault at or after it, so that what follows
	// can check the cluster recovers (a liveness phase, with every fault repaired). The mean interval's
	// default is then a tenth of Until.
	Until time.Duration
}
