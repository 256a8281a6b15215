package fault

import (
	"fmt"
	"strconv"
	"strings"
)

// Role says how a fault picks the node it hits: by its ID, or by the part it plays when the fault
// fires. A schedule is written before the run, when nobody knows which node will lead at 5s; a role
// lets it say "the leader" all the same, and the cluster names the node when the fault fires.
type Role uint8

// The roles a Target may name. The zero Role is ByID, so that an Event written with a Node and no Role
// means what it always meant.
const (
	ByID Role = iota // the node numbered ID
	// Leader is the node that leads when the fault fires (the live leader of the highest term), and K
	// more live nodes drawn (leader+K). When no node leads, all 1+K are drawn from the live nodes
	// (fewer when fewer are live): the count of nodes hit is kept (doc.go says why).
	Leader
	// Follower is a live node other than the leader, drawn uniformly (in ID order, from the
	// "fault-follower" stream). With no leader, any live node. When none is left, the fault does nothing.
	Follower
	// CrashedLeader is the last node that crashed while it led (by any crash: scheduled, drawn, or the
	// leader-crash scenario). When no leader has crashed yet, the fault does nothing.
	CrashedLeader
)

var roleNames = [...]string{ByID: "id", Leader: "leader", Follower: "follower", CrashedLeader: "crashed-leader"}

func (r Role) String() string {
	if int(r) < len(roleNames) {
		return roleNames[r]
	}
	return fmt.Sprintf("Role(%d)", uint8(r))
}

// Target is the node (or nodes, for leader+K) a fault hits: a node ID, or a role resolved when the
// fault fires. Every fault form that names a node reads it with the same parser, so every kind accepts
// the same roles, where they make sense (a restart of the leader would restart a live node).
type Target struct {
	Role Role
	ID   int64 // ByID: the node, 1..n
	K    int   // Leader: how many more live nodes besides the leader (leader+K), 0..n-1
}

// String returns the target as written: "3", "leader", "leader+2", "follower", "crashed-leader".
func (t Target) String() string {
	switch t.Role {
	case ByID:
		return strconv.FormatInt(t.ID, 10)
	case Leader:
		if t.K > 0 {
			return "leader+" + strconv.Itoa(t.K)
		}
	}
	return t.Role.String()
}

// Target returns the node the event names, as a Target (its Node, Role and Extra).
func (e Event) Target() Target { return Target{Role: e.Role, ID: e.Node, K: e.Extra} }

// EdgeTarget is a directed edge whose ends may be roles: "leader->follower", "leader<->3" (two of them).
type EdgeTarget struct{ From, To Target }

func (e EdgeTarget) String() string { return e.From.String() + "->" + e.To.String() }

// accept is the set of target forms a fault form takes.
type accept uint8

const (
	acceptLeader   accept = 1 << iota // leader
	acceptLeaderK                     // leader+K, K > 0
	acceptFollower                    // follower
	acceptCrashed                     // crashed-leader
	acceptRest                        // rest (a partition's group of every node no other group names)

	// anyNode is what a fault that hits nodes one by one accepts: crash, isolate, and the kinds other
	// areas add (they get role targets by parsing their node through parseAtList or parseTarget).
	anyNode = acceptLeader | acceptLeaderK | acceptFollower | acceptCrashed
	// oneNode is what names exactly one node: an end of an edge.
	oneNode = acceptLeader | acceptFollower | acceptCrashed
)

// accepts returns the target forms a kind's ID@T list takes. A restart of the leader or of a follower
// would restart a node that is up, and a transfer to the leader would do nothing, so those are refused
// when written rather than turned into a no-op when fired; membership names nodes by ID only.
func accepts(kind Kind) accept {
	switch kind {
	case Restart:
		return acceptCrashed
	case Transfer:
		return acceptFollower | acceptCrashed
	case Add, Remove, Replace:
		return 0
	}
	return anyNode
}

// forms lists the forms a set accepts, for an error message: "a node ID, leader or crashed-leader".
func (a accept) forms() string {
	list := []string{"a node ID"}
	for _, f := range []struct {
		bit  accept
		name string
	}{{acceptLeader, "leader"}, {acceptLeaderK, "leader+K"}, {acceptFollower, "follower"}, {acceptCrashed, "crashed-leader"}, {acceptRest, "rest"}} {
		if a&f.bit != 0 {
			list = append(list, f.name)
		}
	}
	if len(list) == 1 {
		return list[0]
	}
	return strings.Join(list[:len(list)-1], ", ") + " or " + list[len(list)-1]
}

// restTarget is what parseTarget returns for "rest" when a accepts it: not a Role, since only the
// partition parser sees it, and it drops it (the nodes no group names form a group anyway).
var restTarget = Target{Role: 255}

// parseTarget reads one node target for n nodes: an ID in 1..n, or a role a accepts. Its errors name
// the target and what was wanted, and the caller adds where it came from.
func parseTarget(s string, n int, a accept) (Target, error) {
	s = strings.TrimSpace(s)
	refuse := func() (Target, error) {
		return Target{}, fmt.Errorf("node %q is not accepted here: want %s", s, a.forms())
	}
	switch {
	case s == "leader" || s == "leader+0":
		if a&acceptLeader == 0 {
			return refuse()
		}
		return Target{Role: Leader}, nil
	case strings.HasPrefix(s, "leader+"):
		if a&acceptLeaderK == 0 {
			return refuse()
		}
		k, err := strconv.Atoi(strings.TrimPrefix(s, "leader+"))
		switch {
		case err != nil || k < 0:
			return Target{}, fmt.Errorf("in leader+K, K must be a whole number from 0")
		case k >= n:
			return Target{}, fmt.Errorf("in leader+K, K must be a number from 0 to %d", n-1)
		}
		return Target{Role: Leader, K: k}, nil
	case s == "follower":
		if a&acceptFollower == 0 {
			return refuse()
		}
		return Target{Role: Follower}, nil
	case s == "crashed-leader":
		if a&acceptCrashed == 0 {
			return refuse()
		}
		return Target{Role: CrashedLeader}, nil
	case s == "rest":
		if a&acceptRest == 0 {
			return refuse()
		}
		return restTarget, nil
	}
	if _, err := strconv.ParseInt(s, 10, 64); err != nil {
		return Target{}, fmt.Errorf("node %q: want %s", s, a.forms())
	}
	id, err := parseNode(s, n)
	if err != nil {
		return Target{}, err
	}
	return Target{ID: id}, nil
}
