package trace

import (
	"fmt"
	"slices"
	"time"
)

// Filter selects events. Its zero value (and a nil *Filter) matches every event.
type Filter struct {
	// Nodes keeps the events that touch one of these endpoints: as their node, or as a message's
	// sender or receiver. Cluster-wide events (a fault of no one node, such as a partition; a
	// violation; an event of an unknown kind) touch every node. A client's op touches none. Empty: all.
	Nodes []uint64
	// Kinds keeps events of these kinds. Empty: all.
	Kinds []Kind
	// Types keeps, of the message events (send, deliver, drop, request, reply), those of these message
	// types; other events pass. Empty: all.
	Types []string
	// From and To keep events at times in [From, To]; To 0 means no end.
	From, To time.Duration
}

// Match says whether f keeps e.
func (f *Filter) Match(e *Event) bool {
	if f == nil {
		return true
	}
	if e.T < f.From || (f.To > 0 && e.T > f.To) {
		return false
	}
	if len(f.Kinds) > 0 && !slices.Contains(f.Kinds, e.Kind) {
		return false
	}
	if len(f.Types) > 0 && e.IsMessage() && !slices.Contains(f.Types, msgType(e)) {
		return false
	}
	if len(f.Nodes) > 0 && !f.touches(e) {
		return false
	}
	return true
}

// msgType is a message event's type: request and reply events carry none, being their own.
func msgType(e *Event) string {
	switch e.Kind {
	case KindRequest, KindReply:
		return e.Kind.String()
	}
	return e.Type
}

func (f *Filter) touches(e *Event) bool {
	switch e.Kind {
	case KindSend, KindDeliver, KindDrop, KindRequest, KindReply:
		return slices.Contains(f.Nodes, e.From) || slices.Contains(f.Nodes, e.To)
	case KindOp:
		return false
	case KindFault:
		return e.Node == 0 || slices.Contains(f.Nodes, e.Node)
	case KindViolation, KindUnknown, KindHeader:
		return true
	}
	return slices.Contains(f.Nodes, e.Node)
}

// Check says whether f makes sense for a trace of info: a node it names must be one of the trace's
// endpoints, and its window must not end before it starts. It is nil for a nil f.
func (f *Filter) Check(info Info) error {
	if f == nil {
		return nil
	}
	if f.To > 0 && f.To < f.From {
		return fmt.Errorf("trace: the window ends (%v) before it starts (%v)", f.To, f.From)
	}
	if info.Inferred {
		return nil // a node a headerless trace never names is not an error: it may be a quiet one
	}
	last := uint64(info.Nodes + info.Clients)
	for _, n := range f.Nodes {
		if n > last {
			return fmt.Errorf("trace: node %d is not in the trace, whose endpoints are 1..%d (%d nodes, %d clients)", n, last, info.Nodes, info.Clients)
		}
	}
	return nil
}
