package cluster

import (
	"strconv"
	"strings"

	"github.com/raftsim/raftsim/models/fault"
	"github.com/raftsim/raftsim/sim"
)

// maxTimeline bounds the faults a summary lists. A crash-recovery schedule has an entry per crash and
// per restart, so a long run could otherwise grow its summary without bound; past the bound the
// faults are only counted (Summary.FaultsTotal).
const maxTimeline = 1000

// FaultHit is one fault as it happened: when, what was asked for, and what it did.
type FaultHit struct {
	AtMS float64 `json:"at_ms"`
	// Fault is the fault as written on the command line ("crash leader+1@5s", "partition 5s:1,2|3,4,5"),
	// or "leader-crash scenario, after T" for the crash of the leader-crash scenario.
	Fault string `json:"fault"`
	// Nodes are the nodes it hit, in the order it hit them: crashed or restarted, or an end of an edge it
	// cut or restored (sorted then). Empty when it had no effect.
	Nodes []uint64 `json:"nodes"`
	// Effect says what it did, e.g. "crashed the leader 3", "no leader: crashed 2, drawn",
	// "cut 12 directed edges, of nodes 1, 2, 3, 4, 5"; it starts with "no effect" when nothing changed
	// (a restart of a node that was up, a crash of one that was down, a heal with nothing cut, a role
	// that named nobody). A fault aimed at a role says first which node the role named: "leader 3:
	// cut 8 directed edges, of nodes 1, 2, 3, 4, 5", "crashed leader 3: restarted 3",
	// "no effect: no live follower".
	Effect string `json:"effect"`
}

// timeline records the faults of a run as they happen, the first maxTimeline of them in full.
type timeline struct {
	hits  []FaultHit
	total uint64
	// who, while a role event is applied, is what its roles named ("leader 3"): add puts it before
	// the effect, so that every kind's entry names the node a role hit without knowing of roles.
	who string
}

// add records a fault applied at time at: a scheduled event e, or else the leader-crash scenario lc.
func (t *timeline) add(at sim.Time, e *fault.Event, lc *LeaderCrash, nodes []uint64, effect string) {
	t.total++
	if len(t.hits) >= maxTimeline {
		return
	}
	var what string
	if e != nil {
		what = e.String()
	} else {
		what = "leader-crash scenario, after " + ascii(lc.After)
	}
	if nodes == nil {
		nodes = []uint64{} // a list in JSON, never null
	}
	if t.who != "" {
		if rest, ok := strings.CutPrefix(effect, "no effect: "); ok {
			effect = "no effect: " + t.who + ": " + rest
		} else {
			effect = t.who + ": " + effect
		}
	}
	t.hits = append(t.hits, FaultHit{AtMS: ms(int64(at)), Fault: what, Nodes: nodes, Effect: effect})
}

// nodeList writes node IDs as "1, 4, 5".
func nodeList(ids []uint64) string {
	var b strings.Builder
	for i, id := range ids {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.FormatUint(id, 10))
	}
	return b.String()
}

// edges writes a count of directed edges: "1 directed edge", "12 directed edges".
func edges(n int) string {
	if n == 1 {
		return "1 directed edge"
	}
	return strconv.Itoa(n) + " directed edges"
}
