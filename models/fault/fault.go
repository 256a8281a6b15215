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
	// Filter drops or delays some types of Raft message on some links from At until Filter.Until
	// (filter.go).
	Filter
	// Gray failures (gray.go): the node stays up but is stuck or slow.
	Pause     // the process stops for For: it handles no message and fires no timer, then resumes
	DiskStall // the node's disk completes no write for For (or for ever, Forever)
	DiskSlow  // the node's disk writes take Latency from At on
	// Repair ends every fault at At and lets no later one fire (repair.go): the start of a liveness
	// phase, in which the cluster must recover.
	Repair
)

var kindNames = [...]string{Crash: "crash", Restart: "restart", Cut: "cut", Restore: "restore",
	Partition: "partition", Isolate: "isolate", Heal: "heal", Transfer: "transfer", Add: "add", Remove: "remove", Replace: "replace",
	Filter: "filter", Pause: "pause", DiskStall: "disk-stall", DiskSlow: "disk-slow",
	Repair: "repair"}

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
	// Node is the node hit, by ID: for Crash, Restart, Isolate, Transfer (the target), Add, Remove and
	// the kinds that hit one node; the node replaced for Replace. With a Role, it is 0 in a schedule,
	// and the cluster hands each kind a copy with Node set to the node the role named when it fired.
	Node int64
	New  int64 // Replace: the node that takes Node's place
	// Role, when not ByID, picks the node when the event fires (target.go): the leader and Extra more
	// live nodes (leader+K), a follower, or the last crashed leader.
	Role  Role
	Extra int             // Role Leader: how many more live nodes besides the leader
	Edges []topology.Edge // Cut, Restore, by node ID
	// RoleEdges, for a Cut or Restore with a role at an end of an edge, lists every edge of the event
	// (Edges is then empty); the cluster resolves them when it fires.
	RoleEdges []EdgeTarget
	Groups    [][]int64 // Partition: nodes in no group form one more group together
	// RoleGroups, for a Partition with a role among its members, lists every group (Groups is then
	// empty); the cluster resolves them when it fires.
	RoleGroups [][]Target
	Filter     *MsgFilter // Filter: what it filters, where, and until when
	// For is how long a Pause or a DiskStall lasts; Forever, for a DiskStall, is for the rest of the run.
	For     time.Duration
	Forever bool
	Latency *latency.Dist // DiskSlow: the disk's new write time
}

// String returns the event in the command line's short form, e.g. "crash leader@10s".
func (e Event) String() string {
	at := sim.FormatDuration(e.At)
	switch e.Kind {
	case Crash, Restart, Isolate, Transfer, Add, Remove:
		return fmt.Sprintf("%v %v@%s", e.Kind, e.Target(), at)
	case Replace:
		return fmt.Sprintf("replace %d:%d@%s", e.Node, e.New, at)
	case Cut, Restore:
		return fmt.Sprintf("%v %s:%s", e.Kind, at, e.EdgeList())
	case Partition:
		return fmt.Sprintf("partition %s:%s", at, e.GroupList())
	case Heal:
		return "heal " + at
	case Repair:
		return "repair " + at
	case Filter:
		return "filter " + e.Filter.Format(e.At)
	case Pause, DiskStall, DiskSlow:
		return e.Kind.String() + " " + e.grayForm()
	}
	return e.Kind.String()
}

// EdgeList writes a Cut's or Restore's edges as written: "1->2,leader->3".
func (e Event) EdgeList() string {
	var parts []string
	if e.RoleEdges != nil {
		for _, ed := range e.RoleEdges {
			parts = append(parts, ed.String())
		}
		return strings.Join(parts, ",") // Edges, if set, are what the roles named when it fired
	}
	for _, ed := range e.Edges {
		parts = append(parts, fmt.Sprintf("%d->%d", ed.From, ed.To))
	}
	return strings.Join(parts, ",")
}

// GroupList writes a Partition's groups as written: "1,2|3,4,5", "leader,follower".
func (e Event) GroupList() string {
	var groups []string
	if e.RoleGroups != nil {
		for _, g := range e.RoleGroups {
			ids := make([]string, len(g))
			for j, t := range g {
				ids[j] = t.String()
			}
			groups = append(groups, strings.Join(ids, ","))
		}
		return strings.Join(groups, "|") // Groups, if set, are what the roles named when it fired
	}
	for _, g := range e.Groups {
		ids := make([]string, len(g))
		for j, id := range g {
			ids[j] = strconv.FormatInt(id, 10)
		}
		groups = append(groups, strings.Join(ids, ","))
	}
	return strings.Join(groups, "|")
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

// ParseCrash reads "ID@T[,ID@T…]" where ID may be a role (target.go): leader, leader+K (K+1 crashes
// in all, the node that leads at T and K other live nodes drawn), follower or crashed-leader.
func ParseCrash(s string, n int) ([]Event, error) {
	return parseAtList(s, n, Crash)
}

// ParseRestart reads "ID@T[,ID@T…]"; ID may be crashed-leader (the last leader that crashed).
func ParseRestart(s string, n int) ([]Event, error) {
	return parseAtList(s, n, Restart)
}

// ParseTransfer reads "ID@T[,ID@T…]": at T, whoever leads hands its leadership to node ID, which may be
// follower (a live follower, drawn) or crashed-leader (the leader that crashed last, once it is back).
//
// The target may be a node the schedule adds, beyond the cluster's n, so IDs are checked here only
// against MaxMemberID; the cluster checks them against the hosts the run provisions.
func ParseTransfer(s string, _ int) ([]Event, error) {
	return parseAtList(s, MaxMemberID, Transfer)
}

// ParseIsolate reads "ID@T[,ID@T…]"; ID may be any role (as for ParseCrash).
func ParseIsolate(s string, n int) ([]Event, error) {
	return parseAtList(s, n, Isolate)
}

// MaxMemberID bounds the node IDs membership events name: the parsers cannot know how many nodes a run
// provisions (the cluster checks its own bound), but an ID this large is never meant.
const MaxMemberID = 1 << 20

// ParseAdd reads "ID@T[,ID@T…]": nodes to add as voters. IDs beyond the cluster's n are the point, so
// they are checked only against MaxMemberID; the cluster checks the schedule's membership as a whole.
func ParseAdd(s string, _ int) ([]Event, error) {
	return parseAtList(s, MaxMemberID, Add)
}

// ParseRemove reads "ID@T[,ID@T…]": nodes to remove (IDs as for ParseAdd).
func ParseRemove(s string, _ int) ([]Event, error) {
	return parseAtList(s, MaxMemberID, Remove)
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

// parseAtList reads "ID@T[,ID@T…]" for kind, each ID a node target (parseTarget) of the forms the
// kind accepts (accepts). A kind another file adds gets every role by calling it.
func parseAtList(s string, n int, kind Kind) ([]Event, error) {
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
		t, err := parseTarget(id, n, accepts(kind))
		if err != nil {
			return nil, fmt.Errorf("%q: %w", item, err)
		}
		out = append(out, Event{At: d, Kind: kind, Node: t.ID, Role: t.Role, Extra: t.K})
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
	var ends []EdgeTarget
	roles := false
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
		from, err := parseTarget(a, n, oneNode)
		if err != nil {
			return nil, fmt.Errorf("%q: edge %q: %w", s, item, err)
		}
		to, err := parseTarget(b, n, oneNode)
		if err != nil {
			return nil, fmt.Errorf("%q: edge %q: %w", s, item, err)
		}
		if from == to {
			return nil, fmt.Errorf("%q: edge %q: a node has no edge to itself", s, item)
		}
		roles = roles || from.Role != ByID || to.Role != ByID
		ends = append(ends, EdgeTarget{From: from, To: to})
		if both {
			ends = append(ends, EdgeTarget{From: to, To: from})
		}
	}
	seen := make(map[EdgeTarget]bool, len(ends))
	for _, ed := range ends {
		if seen[ed] {
			return nil, fmt.Errorf("%q: edge %v is listed twice", s, ed)
		}
		seen[ed] = true
	}
	if roles {
		// A role may name the same node as another end when the event fires: the cluster drops an edge
		// from a node to itself, and an edge listed twice, then.
		e.RoleEdges = ends
		return []Event{e}, nil
	}
	for _, ed := range ends {
		e.Edges = append(e.Edges, topology.Edge{From: ed.From.ID, To: ed.To.ID})
	}
	return []Event{e}, nil
}

// ParsePartition reads "T:1,2|3,4,5". Each node may appear in one group at most. Members may be roles
// (target.go: leader, leader+K, follower, crashed-leader), each named once; a group may be "rest",
// alone: the nodes no other group names, which form a group whether it is written or not ("rest" is
// dropped, so "leader|rest" reads back as "leader"). A role resolved when the partition fires to a
// node another group names already stays in the group that names it first.
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
	seen := map[Target]int{} // target -> 1 + index of its group
	var groups [][]Target
	roles, hasRest := false, false
	for gi, grp := range strings.Split(rest, "|") {
		var g []Target
		list, err := splitList(grp)
		if err != nil && strings.TrimSpace(grp) != "" {
			return nil, fmt.Errorf("%q: %w", s, err)
		}
		for _, item := range list {
			t, err := parseTarget(item, n, anyNode|acceptRest)
			if err != nil {
				return nil, fmt.Errorf("%q: %w", s, err)
			}
			if t == restTarget {
				if len(list) > 1 {
					return nil, fmt.Errorf("%q: rest is a group of its own: write it alone between bars", s)
				}
				if hasRest {
					return nil, fmt.Errorf("%q: rest is listed twice", s)
				}
				hasRest = true
				g = nil
				break
			}
			key := t
			if key.Role == Leader {
				key.K = 0 // leader and leader+1 both name the leader
			}
			switch seen[key] {
			case 0:
			case gi + 1:
				return nil, fmt.Errorf("%q: %s is listed twice", s, nameOf(t))
			default:
				return nil, fmt.Errorf("%q: %s is in two groups", s, nameOf(t))
			}
			seen[key] = gi + 1
			roles = roles || t.Role != ByID
			g = append(g, t)
		}
		if len(g) == 0 {
			if strings.TrimSpace(grp) == "rest" {
				continue
			}
			return nil, fmt.Errorf("%q: empty group", s)
		}
		groups = append(groups, g)
	}
	if len(groups) == 0 {
		return nil, fmt.Errorf("%q: rest alone is every node, which cuts nothing", s)
	}
	if roles {
		e.RoleGroups = groups
		return []Event{e}, nil
	}
	for _, g := range groups {
		ids := make([]int64, len(g))
		for i, t := range g {
			ids[i] = t.ID
		}
		e.Groups = append(e.Groups, ids)
	}
	if len(e.Groups) < 2 && len(seen) == n {
		return nil, fmt.Errorf("%q: one group holding every node cuts nothing", s)
	}
	return []Event{e}, nil
}

// nameOf names a target in an error: "node 3", "leader".
func nameOf(t Target) string {
	if t.Role == ByID {
		return fmt.Sprintf("node %d", t.ID)
	}
	return t.Role.String()
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
