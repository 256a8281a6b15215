package fault

import (
	"cmp"
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/raftsim/raftsim/raft"
	"github.com/raftsim/raftsim/sim"
	"github.com/raftsim/raftsim/topology"
)

// MsgMask is a set of Raft message types: bit t stands for raft.MsgType(t). Bit 0 is no Raft message
// (a client's request or reply), so no mask a filter can be given holds it.
type MsgMask uint32

// Has reports whether the mask holds type t.
func (m MsgMask) Has(t raft.MsgType) bool { return t < 32 && m&(1<<t) != 0 }

// msgTypes is every Raft message type, in the order of their constants, as raft names them in traces.
var msgTypes = func() []raft.MsgType {
	var out []raft.MsgType
	for t := raft.MsgType(1); t < 32 && !strings.HasPrefix(t.String(), "MsgType("); t++ {
		out = append(out, t)
	}
	return out
}()

// allMsgs holds every Raft message type.
var allMsgs = func() MsgMask {
	var m MsgMask
	for _, t := range msgTypes {
		m |= 1 << t
	}
	return m
}()

func mask(ts ...raft.MsgType) MsgMask {
	var m MsgMask
	for _, t := range ts {
		m |= 1 << t
	}
	return m
}

// msgClasses are the names a filter accepts for several types at once. "append" is the AppendEntries
// RPC as the Raft paper has it, whose empty form is the heartbeat (§5.2); raftsim, as etcd, sends the
// two as separate types, and each is accepted alone too (app, heartbeat).
var msgClasses = []struct {
	name string
	m    MsgMask
}{
	{"all", allMsgs},
	{"append", mask(raft.MsgApp, raft.MsgHeartbeat)},
	{"append_resp", mask(raft.MsgAppResp, raft.MsgHeartbeatResp)},
	{"votes", mask(raft.MsgVote, raft.MsgVoteResp, raft.MsgPreVote, raft.MsgPreVoteResp)},
	{"replies", func() MsgMask {
		var m MsgMask
		for _, t := range msgTypes {
			if t.IsResponse() {
				m |= 1 << t
			}
		}
		return m
	}()},
}

// String writes the mask as the filter form does: "all", or its types joined by '+', e.g.
// "app+heartbeat".
func (m MsgMask) String() string {
	if m == allMsgs {
		return "all"
	}
	var parts []string
	for _, t := range msgTypes {
		if m.Has(t) {
			parts = append(parts, t.String())
		}
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, "+")
}

// Count is how many types the mask holds.
func (m MsgMask) Count() int { return bits.OnesCount32(uint32(m)) }

// LinkPattern is a set of directed links between nodes: From->To, where 0 at either end stands for
// every node ("*").
type LinkPattern struct{ From, To int64 }

// Matches reports whether the link from one node to another is in the pattern.
func (p LinkPattern) Matches(from, to int64) bool {
	return (p.From == 0 || p.From == from) && (p.To == 0 || p.To == to)
}

func (p LinkPattern) String() string {
	end := func(id int64) string {
		if id == 0 {
			return "*"
		}
		return fmt.Sprint(id)
	}
	if p.From == 0 && p.To == 0 {
		return "*"
	}
	return end(p.From) + "->" + end(p.To)
}

// Forever is a MsgFilter's Until when it lasts to the end of the run.
const Forever = time.Duration(math.MaxInt64)

// MsgFilter drops or delays the Raft messages of some types on some directed links for a span of time: the
// message-level fault of a scripted scenario (the Raft paper's Figure 8 needs AppendEntries to reach
// one follower and not the others). It is the Filter field of an Event of kind Filter, which starts it
// at the event's At.
//
// A message is filtered when it is put on a link: on every hop it takes, with shortest-path routing.
// A dropped one never reaches the link, so it draws nothing from the link's stream; a delayed one
// travels as any other, then waits Delay more, and the link's later messages do not wait behind it
// (it is held aside, as a retransmission would be, so it may arrive after them).
type MsgFilter struct {
	Delay time.Duration // 0: drop
	Types MsgMask
	// Links are the links it applies to, each pattern in turn; a message on a link that several match
	// is filtered once.
	Links []LinkPattern
	// RoleLinks, when an end of a link is a role (leader, follower, crashed-leader), lists every link as
	// written (Links is then empty), an end of ID 0 standing for "*". The cluster names the nodes once,
	// when the filter starts (at its event's At), and the filter keeps to those links until Until, whoever
	// leads meanwhile: a filter is a script's step, and a script names the node the stage is about.
	RoleLinks []EdgeTarget
	Until     time.Duration // the end of the span, exclusive: Forever for the end of the run
}

// Format writes the filter in the form ParseFilter reads, starting at at.
func (f *MsgFilter) Format(at time.Duration) string {
	action := "drop"
	if f.Delay > 0 {
		action = "delay:" + sim.FormatDuration(f.Delay)
	}
	links := make([]string, len(f.Links))
	for i, p := range f.Links {
		links[i] = p.String()
	}
	if f.RoleLinks != nil { // as written: Links, if set, are what the roles named when it started
		links = make([]string, len(f.RoleLinks))
		for i, l := range f.RoleLinks {
			links[i] = linkString(l)
		}
	}
	span := "@" + sim.FormatDuration(at)
	if f.Until != Forever {
		span += "-" + sim.FormatDuration(f.Until)
	}
	return fmt.Sprintf("%s %s %s %s", action, f.Types, strings.Join(links, ","), span)
}

// ParseFilter reads "ACTION TYPES LINKS @FROM[-UNTIL]", e.g. "drop append 1->2,1->3 @2s-5s":
//
//   - ACTION is drop, or delay:DURATION (each message waits that much more);
//   - TYPES is one or more of Raft's message types as traces name them (app, app_resp, heartbeat,
//     heartbeat_resp, vote, vote_resp, prevote, prevote_resp, snap, read_index, read_index_resp,
//     timeout_now) or classes (append: app and heartbeat; append_resp; votes: vote and pre-vote
//     requests and responses; replies: every response; all), joined by '+';
//   - LINKS is a comma-separated list of directed links A->B, both directions A<->B, where either end
//     may be * for every node (1->* is every link out of 1), or * alone for every link between nodes;
//   - the span starts at FROM and ends before UNTIL, or lasts to the end of the run.
//
// Client messages are never filtered. Node IDs are read as every fault form reads them (parseTarget):
// an end may be a role that names one node (leader, follower, crashed-leader), resolved when the filter
// starts, at FROM, and kept until UNTIL (RoleLinks): "drop append leader->* @2s-5s".
func ParseFilter(s string, n int) ([]Event, error) {
	fields := strings.Fields(s)
	if len(fields) != 4 {
		return nil, fmt.Errorf("%q: want ACTION TYPES LINKS @FROM[-UNTIL], e.g. 'drop append 1->2,1->3 @2s-5s'", s)
	}
	f := &MsgFilter{}
	switch action := fields[0]; {
	case action == "drop":
	case strings.HasPrefix(action, "delay:"):
		d, err := time.ParseDuration(strings.TrimPrefix(action, "delay:"))
		if err != nil || d <= 0 {
			return nil, fmt.Errorf("%q: delay %q: want a positive duration like delay:50ms", s, strings.TrimPrefix(action, "delay:"))
		}
		f.Delay = d
	default:
		return nil, fmt.Errorf("%q: action %q: want drop or delay:DURATION", s, action)
	}
	var err error
	if f.Types, err = parseMsgMask(fields[1]); err != nil {
		return nil, fmt.Errorf("%q: %w", s, err)
	}
	if f.Links, f.RoleLinks, err = parseLinkPatterns(fields[2], n); err != nil {
		return nil, fmt.Errorf("%q: %w", s, err)
	}
	span, ok := strings.CutPrefix(fields[3], "@")
	if !ok {
		return nil, fmt.Errorf("%q: span %q: want @FROM or @FROM-UNTIL, e.g. @2s-5s", s, fields[3])
	}
	from, until, bounded := strings.Cut(span, "-")
	at, err := parseTime(from)
	if err != nil {
		return nil, fmt.Errorf("%q: %w", s, err)
	}
	f.Until = Forever
	if bounded {
		if f.Until, err = parseTime(until); err != nil {
			return nil, fmt.Errorf("%q: %w", s, err)
		}
		if f.Until <= at {
			return nil, fmt.Errorf("%q: the span ends at %s, not after it starts (%s)", s, sim.FormatDuration(f.Until), sim.FormatDuration(at))
		}
	}
	return []Event{{At: at, Kind: Filter, Filter: f}}, nil
}

// parseMsgMask reads message types and classes joined by '+'.
func parseMsgMask(s string) (MsgMask, error) {
	var m MsgMask
	for _, name := range strings.Split(s, "+") {
		t, ok := lookupMsgs(name)
		if !ok {
			names := make([]string, 0, len(msgTypes)+len(msgClasses))
			for _, t := range msgTypes {
				names = append(names, t.String())
			}
			for _, c := range msgClasses {
				names = append(names, c.name)
			}
			return 0, fmt.Errorf("message type %q: want one of %s, joined by '+'", name, strings.Join(names, ", "))
		}
		m |= t
	}
	return m, nil
}

func lookupMsgs(name string) (MsgMask, bool) {
	for _, t := range msgTypes {
		if t.String() == name {
			return 1 << t, true
		}
	}
	for _, c := range msgClasses {
		if c.name == name {
			return c.m, true
		}
	}
	return 0, false
}

// parseLinkPatterns reads "A->B,C<->D,1->*,leader->*" or "*". With no role among the ends it returns
// the patterns; with one, it returns every link as written instead (an end "*" as Target{}), for the
// cluster to resolve when the filter starts.
func parseLinkPatterns(s string, n int) ([]LinkPattern, []EdgeTarget, error) {
	list, err := splitList(s)
	if err != nil {
		return nil, nil, fmt.Errorf("links: %w", err)
	}
	end := func(s string) (Target, error) {
		if strings.TrimSpace(s) == "*" {
			return Target{}, nil
		}
		return parseTarget(s, n, oneNode)
	}
	var out []EdgeTarget
	roles := false
	for _, item := range list {
		if item == "*" {
			out = append(out, EdgeTarget{})
			continue
		}
		both := strings.Contains(item, "<->")
		sep := "->"
		if both {
			sep = "<->"
		}
		a, b, ok := strings.Cut(item, sep)
		if !ok {
			return nil, nil, fmt.Errorf("link %q: want A->B, A<->B, either end * for every node, or * for every link", item)
		}
		from, err := end(a)
		if err != nil {
			return nil, nil, fmt.Errorf("link %q: %w", item, err)
		}
		to, err := end(b)
		if err != nil {
			return nil, nil, fmt.Errorf("link %q: %w", item, err)
		}
		if from == to && from != (Target{}) {
			return nil, nil, fmt.Errorf("link %q: a node has no link to itself", item)
		}
		roles = roles || from.Role != ByID || to.Role != ByID
		out = append(out, EdgeTarget{from, to})
		if both && from != to {
			out = append(out, EdgeTarget{to, from})
		}
	}
	seen := make(map[EdgeTarget]bool, len(out))
	for _, l := range out {
		if seen[l] {
			return nil, nil, fmt.Errorf("link %s is listed twice", linkString(l))
		}
		seen[l] = true
	}
	if roles {
		// A role may name the other end's node, or the node of another link, when the filter starts:
		// the cluster drops a link from a node to itself, and a link named twice, then.
		return nil, out, nil
	}
	ps := make([]LinkPattern, len(out))
	for i, l := range out {
		ps[i] = LinkPattern{l.From.ID, l.To.ID}
	}
	return ps, nil, nil
}

// linkString writes a filter's link as LinkPattern does: "leader->*", "*->3", "*" for every link.
func linkString(l EdgeTarget) string {
	if l == (EdgeTarget{}) {
		return "*"
	}
	return linkEnd(l.From) + "->" + linkEnd(l.To)
}

// linkEnd writes an end of a filter's link: "*" for every node, else the target as written.
func linkEnd(t Target) string {
	if t == (Target{}) {
		return "*"
	}
	return t.String()
}

// Flap makes the link between nodes a and b go down and come back up, both directions at once (those
// of edges lists), again and again: up for a span drawn from up, then down for a span drawn from down,
// every span from r, the link's own stream, until end. Each down is a Cut of edges and each up a
// Restore of them, so that a flap is routed, measured and traced as any cut is; an up restores the
// edges whatever cut them meanwhile.
func Flap(edges []topology.Edge, up, down Sampler, r *rand.Rand, end time.Duration) Source {
	return &flap{edges: edges, up: up, down: down, r: r, end: end}
}

type flap struct {
	edges    []topology.Edge
	up, down Sampler
	r        *rand.Rand
	end, t   time.Duration
	isDown   bool // the last event was a cut
	done     bool
}

func (f *flap) Next() (Event, bool) {
	if f.done {
		return Event{}, false
	}
	kind, span := Cut, f.up.Sample(f.r)
	if f.isDown {
		kind, span = Restore, f.down.Sample(f.r)
	}
	if span = max(span, time.Nanosecond); span >= f.end-f.t {
		f.done = true
		return Event{}, false
	}
	f.t += span
	f.isDown = !f.isDown
	return Event{At: f.t, Kind: kind, Edges: f.edges}, true
}

// Pair is the link between two nodes, both directions: A < B.
type Pair struct{ A, B int64 }

func (p Pair) String() string { return fmt.Sprintf("%d<->%d", p.A, p.B) }

// ParsePairs reads the links a flap names: "A<->B" items separated by commas (or, as FormatPairs writes
// them, spaces), node IDs in 1..n read as every fault form reads them. A flap takes a link down both
// ways at once, so a one-way "A->B" is refused, and so are a node's link to itself, a pair listed twice
// and roles (a flap's spans are drawn for the run from the pair's stream, before anyone leads). The
// pairs are returned in order of A, then B.
func ParsePairs(s string, n int) ([]Pair, error) {
	list := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || unicode.IsSpace(r) })
	if len(list) == 0 {
		return nil, fmt.Errorf("%q: empty list: want A<->B[,C<->D]", s)
	}
	var out []Pair
	for _, item := range list {
		a, b, ok := strings.Cut(item, "<->")
		if !ok {
			return nil, fmt.Errorf("link %q: want A<->B (a flap takes both directions down at once)", item)
		}
		x, err := parseTarget(a, n, 0)
		if err != nil {
			return nil, fmt.Errorf("link %q: %w", item, err)
		}
		y, err := parseTarget(b, n, 0)
		if err != nil {
			return nil, fmt.Errorf("link %q: %w", item, err)
		}
		p := Pair{min(x.ID, y.ID), max(x.ID, y.ID)}
		switch {
		case p.A == p.B:
			return nil, fmt.Errorf("link %q: a node has no link to itself", item)
		case slices.Contains(out, p):
			return nil, fmt.Errorf("link %v is listed twice", p)
		}
		out = append(out, p)
	}
	slices.SortFunc(out, func(p, q Pair) int { return cmp.Or(cmp.Compare(p.A, q.A), cmp.Compare(p.B, q.B)) })
	return out, nil
}

// FormatPairs writes pairs as ParsePairs reads them, separated by spaces: "1<->2 3<->4".
func FormatPairs(ps []Pair) string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = p.String()
	}
	return strings.Join(parts, " ")
}
