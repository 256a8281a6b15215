package demo

import (
	"fmt"
	"slices"
	"time"

	"github.com/raftsim/raftsim/models/fault"
	"github.com/raftsim/raftsim/topology"
)

// Kind is what an Action does.
type Kind string

// The kinds of action. Each is a fault.Event applied through the cluster where one exists (crash,
// restart, pause, cut, restore, partition, heal), or one of the cluster's inspection hooks (timeout,
// drop, write).
const (
	Crash     Kind = "crash"     // Node (0: the leader then) stops; its volatile state is lost, its disk kept
	Restart   Kind = "restart"   // Node starts again from its disk
	Pause     Kind = "pause"     // Node's process is stuck for ForMs (handles nothing, fires no timer)
	Timeout   Kind = "timeout"   // Node's election timer fires now
	Drop      Kind = "drop"      // the message in flight with send number Msg is lost
	Cut       Kind = "cut"       // the directed link Node->To goes down
	Restore   Kind = "restore"   // the directed link Node->To comes back
	Partition Kind = "partition" // links between Groups cut (nodes in no group form one more group)
	Heal      Kind = "heal"      // every link restored
	Write     Kind = "write"     // a client write proposed at Node now (0: whoever leads)
)

// Kinds lists every kind, in the order the docs give them.
var Kinds = []Kind{Crash, Restart, Pause, Timeout, Drop, Cut, Restore, Partition, Heal, Write}

// MaxActions bounds a session's actions: each is an event the replay fires, and the share string
// carries them all.
const MaxActions = 2000

// Action is one thing a learner (or a scenario) does, at an instant of simulated time.
type Action struct {
	AtMs   float64   `json:"atMs"`
	Kind   Kind      `json:"kind"`
	Node   int       `json:"node,omitempty"`
	To     int       `json:"to,omitempty"`
	ForMs  float64   `json:"forMs,omitempty"`
	Msg    uint64    `json:"msg,omitempty"`
	Groups [][]int64 `json:"groups,omitempty"`
}

func (a Action) at() time.Duration { return msToNs(a.AtMs) }

// check validates a against a cluster of n nodes whose timeline ends at endMs; the error names the
// field, prefixed with where (e.g. "actions[3]").
func (a Action) check(where string, n int, endMs float64) error {
	if err := checkMs(where+".atMs", a.AtMs, 0, endMs); err != nil {
		return err
	}
	node := func(field string, id int, zeroOK bool) error {
		if (id == 0 && zeroOK) || (id >= 1 && id <= n) {
			return nil
		}
		return fmt.Errorf("demo: %s.%s: %d: not a node of 1..%d", where, field, id, n)
	}
	unused := func(fields ...string) error {
		for _, f := range fields {
			bad := false
			switch f {
			case "node":
				bad = a.Node != 0
			case "to":
				bad = a.To != 0
			case "forMs":
				bad = a.ForMs != 0
			case "msg":
				bad = a.Msg != 0
			case "groups":
				bad = a.Groups != nil
			}
			if bad {
				return fmt.Errorf("demo: %s.%s: not a field of a %s action", where, f, a.Kind)
			}
		}
		return nil
	}
	switch a.Kind {
	case Crash:
		if err := node("node", a.Node, true); err != nil { // 0: whoever leads then
			return err
		}
		return unused("to", "forMs", "msg", "groups")
	case Restart, Timeout:
		if err := node("node", a.Node, false); err != nil {
			return err
		}
		return unused("to", "forMs", "msg", "groups")
	case Write:
		if err := node("node", a.Node, true); err != nil {
			return err
		}
		return unused("to", "forMs", "msg", "groups")
	case Pause:
		if err := node("node", a.Node, false); err != nil {
			return err
		}
		if err := checkMs(where+".forMs", a.ForMs, 0.001, MaxDurationMs); err != nil {
			return err
		}
		return unused("to", "msg", "groups")
	case Drop:
		if a.Msg == 0 {
			return fmt.Errorf("demo: %s.msg: want the id of a message in flight (1 or more)", where)
		}
		return unused("node", "to", "forMs", "groups")
	case Cut, Restore:
		if err := node("node", a.Node, false); err != nil {
			return err
		}
		if err := node("to", a.To, false); err != nil {
			return err
		}
		if a.Node == a.To {
			return fmt.Errorf("demo: %s.to: %d: a link joins two different nodes", where, a.To)
		}
		return unused("forMs", "msg", "groups")
	case Partition:
		if len(a.Groups) == 0 || len(a.Groups) > n {
			return fmt.Errorf("demo: %s.groups: want 1 to %d groups of nodes", where, n)
		}
		seen := make([]bool, n+1)
		for i, g := range a.Groups {
			if len(g) == 0 {
				return fmt.Errorf("demo: %s.groups[%d]: empty group", where, i)
			}
			for _, id := range g {
				if id < 1 || id > int64(n) {
					return fmt.Errorf("demo: %s.groups[%d]: %d: not a node of 1..%d", where, i, id, n)
				}
				if seen[id] {
					return fmt.Errorf("demo: %s.groups[%d]: node %d is in two groups", where, i, id)
				}
				seen[id] = true
			}
		}
		return unused("node", "to", "forMs", "msg")
	case Heal:
		return unused("node", "to", "forMs", "msg", "groups")
	}
	return fmt.Errorf("demo: %s.kind: %q: want one of %v", where, a.Kind, Kinds)
}

// event is the fault.Event of a fault kind; ok is false for the kinds the cluster's hooks apply.
func (a Action) event() (fault.Event, bool) {
	e := fault.Event{At: a.at(), Node: int64(a.Node)}
	switch a.Kind {
	case Crash:
		e.Kind = fault.Crash
		if a.Node == 0 {
			e.Role = fault.Leader // resolved by the cluster when it fires (models/fault/target.go)
		}
	case Restart:
		e.Kind = fault.Restart
	case Pause:
		e.Kind, e.For = fault.Pause, msToNs(a.ForMs)
	case Cut, Restore:
		e.Kind, e.Node = fault.Cut, 0
		if a.Kind == Restore {
			e.Kind = fault.Restore
		}
		e.Edges = []topology.Edge{{From: int64(a.Node), To: int64(a.To)}}
	case Partition:
		e.Kind, e.Node = fault.Partition, 0
		e.Groups = make([][]int64, len(a.Groups))
		for i, g := range a.Groups {
			e.Groups[i] = slices.Clone(g)
		}
	case Heal:
		e.Kind, e.Node = fault.Heal, 0
	default:
		return fault.Event{}, false
	}
	return e, true
}
