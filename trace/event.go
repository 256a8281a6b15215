package trace

import (
	"fmt"
	"strings"
	"time"
)

// Version is the trace format version cluster writes and this package reads (the header's `version`).
const Version = 1

// Kind is the kind of an event: its `ev`.
type Kind uint8

// The kinds of event of docs/trace.md, and KindUnknown for one added after this package.
const (
	KindUnknown Kind = iota // an `ev` this package does not know; Event.Ev holds its text
	KindHeader              // "trace": the first line, the format version and the run's endpoints
	KindState
	KindTimeout
	KindSend
	KindDeliver
	KindDrop
	KindPersist
	KindCommit
	KindFault
	KindRequest
	KindReply
	KindOp
	KindScenario
	KindViolation
	numKinds
)

var kindNames = [numKinds]string{
	KindUnknown: "unknown", KindHeader: "trace", KindState: "state", KindTimeout: "timeout", KindSend: "send",
	KindDeliver: "deliver", KindDrop: "drop", KindPersist: "persist", KindCommit: "commit", KindFault: "fault",
	KindRequest: "request", KindReply: "reply", KindOp: "op", KindScenario: "scenario", KindViolation: "violation",
}

// String is the kind's `ev` text.
func (k Kind) String() string {
	if k < numKinds {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", k)
}

func kindOf(ev string) Kind {
	for k := KindHeader; k < numKinds; k++ {
		if kindNames[k] == ev {
			return k
		}
	}
	return KindUnknown
}

// KindNames lists the kinds a Filter may name, in the order of docs/trace.md.
func KindNames() []string { return append([]string(nil), kindNames[KindState:]...) }

// MessageTypes are the message types of docs/trace.md: Raft's, then the clients'.
var MessageTypes = []string{"app", "app_resp", "heartbeat", "heartbeat_resp", "vote", "vote_resp", "prevote",
	"prevote_resp", "read_index", "read_index_resp", "timeout_now", "request", "reply"}

// Event is one line of a trace. Fields the kind does not have are zero; docs/trace.md says which kind
// has which. Times are simulated time since the start of the run.
type Event struct {
	Line int           // 1-based line number in the input
	T    time.Duration // `t`
	Ev   string        // the `ev` text as written, also for an unknown kind
	Kind Kind

	Node     uint64 // state, timeout, persist, commit, fault (0: a fault of no one node), scenario
	From, To uint64 // send, deliver, drop, request, reply: endpoints (nodes 1..N, clients N+1..N+C)
	Type     string // message type (MessageTypes)
	Term     uint64 // state; a message's term; persist: the hard state's (when HardState)
	State    string // state: follower, precandidate, candidate, leader
	Lead     uint64 // state: the leader the node knows (0: none)
	Timer    string // timeout: election, heartbeat, lease

	// Message fields (docs/trace.md, "Raft message types"). Index is also commit's and scenario's.
	Index, LogTerm, Commit, Entries, Hint, HintTerm, Ctx uint64
	Reject                                               bool
	Bytes                                                uint64 // send: the message's size
	Reason                                               string // drop: loss, cut, unreachable, overflow, down, scenario, filter

	Seq                     uint64 // persist: the batch; request, reply, op: the client's sequence number
	HardState               bool   // persist: the batch holds hard state (Term, Vote)
	Vote                    uint64 // persist
	First, Last, Released   uint64 // persist: entries First..Last (0, 0: none), messages released
	Fault, Desc             string // fault: its `kind` (crash, restart, partition, ...) and command-line form
	Client                  uint64 // request, reply, op
	OK                      bool   // reply, op
	Leader                  uint64 // reply: the redirect hint
	Read                    bool   // op: a read
	Key, Value, Prev        uint64 // op
	Invoke, Complete        time.Duration
	Attempts                uint64
	What                    string // scenario
	Invariant, Detail       string // violation
	Seed                    uint64 // violation; header
	Version, Nodes, Clients int    // header
}

// IsMessage says whether the event is a message put on, taken off or lost from the network: send,
// deliver, drop, and a client's request or a node's reply (their sends).
func (e *Event) IsMessage() bool {
	switch e.Kind {
	case KindSend, KindDeliver, KindDrop, KindRequest, KindReply:
		return true
	}
	return false
}

// Info is what a trace says of its run: from its header, or, for a trace written before the header,
// inferred from the events read so far (Inferred).
type Info struct {
	Version  int    // the format version; 0 for a trace without a header
	Nodes    int    // node endpoints 1..Nodes
	Clients  int    // client endpoints Nodes+1..Nodes+Clients
	Seed     uint64 // the run's seed (header only)
	Inferred bool   // no header: Nodes and Clients are inferred
}

// Endpoint names an endpoint for people: "n3" for a node, "c1" for the first client.
func (i Info) Endpoint(id uint64) string {
	if i.Nodes > 0 && id > uint64(i.Nodes) {
		return fmt.Sprintf("c%d", id-uint64(i.Nodes))
	}
	return fmt.Sprintf("n%d", id)
}

// ParseKinds reads a comma-separated list of kinds ("state,fault"), as `--kind` takes it.
func ParseKinds(s string) ([]Kind, error) {
	items, err := splitList(s)
	if err != nil {
		return nil, err
	}
	var out []Kind
	for _, it := range items {
		k := kindOf(it)
		if k == KindUnknown || k == KindHeader {
			return nil, fmt.Errorf("trace: unknown kind %q; the kinds are %s", clip(it), strings.Join(KindNames(), ", "))
		}
		out = append(out, k)
	}
	return out, nil
}

// ParseTypes reads a comma-separated list of message types ("vote,app"), as `--type` takes it.
func ParseTypes(s string) ([]string, error) {
	items, err := splitList(s)
	if err != nil {
		return nil, err
	}
	for _, it := range items {
		known := false
		for _, t := range MessageTypes {
			known = known || t == it
		}
		if !known {
			return nil, fmt.Errorf("trace: unknown message type %q; the types are %s", clip(it), strings.Join(MessageTypes, ", "))
		}
	}
	return items, nil
}

// MaxNodeID bounds the node IDs a filter may name; fault.MaxMemberID bounds a run's.
const MaxNodeID = 1 << 20

// ParseNodes reads a comma-separated list of endpoint IDs ("1,3"), as `--node` takes it. The IDs are
// checked against a trace's Info by Filter.Check once the trace is open.
func ParseNodes(s string) ([]uint64, error) {
	items, err := splitList(s)
	if err != nil {
		return nil, err
	}
	var out []uint64
	for _, it := range items {
		var id uint64
		ok := len(it) > 0 && len(it) <= 7
		for _, c := range []byte(it) {
			ok = ok && c >= '0' && c <= '9'
			id = id*10 + uint64(c-'0')
		}
		switch {
		case !ok:
			return nil, fmt.Errorf("trace: node %q is not a node ID like 3", clip(it))
		case id < 1:
			return nil, fmt.Errorf("trace: node 0: node IDs start at 1")
		case id > MaxNodeID:
			return nil, fmt.Errorf("trace: node %d is past %d, the largest ID a trace can hold", id, MaxNodeID)
		}
		out = append(out, id)
	}
	return out, nil
}

func splitList(s string) ([]string, error) {
	if strings.TrimSpace(s) == "" {
		return nil, fmt.Errorf("trace: an empty list")
	}
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p == "" {
			return nil, fmt.Errorf("trace: %q: an empty item (a stray comma?)", clip(s))
		}
		out = append(out, p)
	}
	return out, nil
}

// clip bounds a value quoted in an error.
func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
