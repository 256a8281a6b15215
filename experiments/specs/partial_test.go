package specs

import (
	"math"
	"testing"
)

// TestPartialPartition: the partial-partition experiment's findings, in every trial. Howard–Abraham:
// plain Raft never has a stable leader, and every option keeps one. Quorum-loss: PreVote alone (either
// style) never recovers, since the leader keeps its one follower from standing; CheckQuorum, alone or
// with PreVote, and plain Raft recover. Constrained election: no configuration of Raft recovers (the
// only node a majority can reach has a log behind). Chained: every configuration recovers. Raft with
// both options recovers within Omni-Paxos' bound of four election timeouts (4 × 300 ms) wherever it
// recovers. In -short mode it runs 3 trials per point and leaves docs/figures alone.
func TestPartialPartition(t *testing.T) {
	trials := 0
	if testing.Short() {
		trials = 3
	}
	tab, _ := runBuiltinTrials(t, "partial-partition", trials)
	if len(tab.Rows) != 24 {
		t.Fatalf("%d points, want 24", len(tab.Rows))
	}
	never := map[[2]string]bool{
		{"howard-abraham", "plain"}:     true,
		{"quorum-loss", "prevote"}:      true,
		{"quorum-loss", "prevote-etcd"}: true,
	}
	const omniPaxos = 4 * 300 // ms: four maximum election timeouts
	for _, row := range tab.Rows {
		k := [2]string{row[tab.Index("shape")], row[tab.Index("options")]}
		lo, hi := cell(t, tab, row, "recovery_ms_min"), cell(t, tab, row, "recovery_ms_max")
		switch {
		case never[k] || k[0] == "constrained":
			if !math.IsInf(lo, 1) {
				t.Errorf("%v: a trial recovered in %v ms; want no stable leader in any", k, lo)
			}
			if a := cell(t, tab, row, "availability_after_max"); k[0] != "howard-abraham" && a != 0 {
				t.Errorf("%v: availability up to %v; want 0 (no leader commits)", k, a)
			}
		case math.IsInf(hi, 1) || math.IsNaN(hi):
			t.Errorf("%v: a trial without a stable leader (recovery max %v); want every trial to recover", k, hi)
		case (k[1] == "prevote-cq" || k[1] == "prevote-etcd-cq") && hi > omniPaxos:
			t.Errorf("%v: recovery up to %v ms; want within four election timeouts (%d ms)", k, hi, omniPaxos)
		}
	}
}
