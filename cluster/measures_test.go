package cluster

import (
	"bufio"
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/raftsim/raftsim/models/fault"
	"github.com/raftsim/raftsim/raft"
)

// traceCounts counts, in a trace, the election timeouts that fired and the times a node became
// candidate.
func traceCounts(t *testing.T, trace []byte) (electionTimeouts, candidacies int) {
	t.Helper()
	sc := bufio.NewScanner(bytes.NewReader(trace))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var ev struct {
			Ev, Timer, State string
		}
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			t.Fatalf("trace line %q: %v", sc.Text(), err)
		}
		switch {
		case ev.Ev == "timeout" && ev.Timer == "election":
			electionTimeouts++
		case ev.Ev == "state" && ev.State == "candidate":
			candidacies++
		}
	}
	return electionTimeouts, candidacies
}

// TestCampaignCounts: elections and pre_elections count every election and every pre-vote round a
// node starts. Without CheckQuorum only followers and (pre-)candidates have an election timer, and each
// firing starts one round: a pre-vote round with PreVote, an election without. Node 5, isolated for
// most of the run (node 1 leads first), keeps timing out in the same pre-candidate state (issue 6: 68 rounds were reported
// as 2).
func TestCampaignCounts(t *testing.T) {
	for _, preVote := range []raft.PreVote{raft.PreVoteOff, raft.PreVoteThesis, raft.PreVoteEtcd} {
		for seed := uint64(1); seed <= 5; seed++ {
			cfg := Default()
			cfg.Seed, cfg.Duration, cfg.PreVote, cfg.Bootstrap = seed, 10*time.Second, preVote, 1
			cfg.Faults = []fault.Event{
				{At: time.Second, Kind: fault.Isolate, Node: 5},
				{At: 3 * time.Second, Kind: fault.Crash, Role: fault.Leader},
				{At: 5 * time.Second, Kind: fault.Partition, Groups: [][]int64{{1, 2}, {3, 4}}},
				{At: 7 * time.Second, Kind: fault.Heal},
			}
			var trace bytes.Buffer
			cfg.Trace = &trace
			s := run(t, cfg)
			timeouts, candidacies := traceCounts(t, trace.Bytes())
			wantPre, wantElections := uint64(0), uint64(timeouts)
			if preVote != raft.PreVoteOff {
				wantPre, wantElections = uint64(timeouts), uint64(candidacies)
			}
			if s.PreElections != wantPre || s.Elections != wantElections {
				t.Errorf("seed %d, pre-vote %v: pre_elections %d, elections %d; want %d, %d (%d election timeouts, %d candidacies)",
					seed, preVote, s.PreElections, s.Elections, wantPre, wantElections, timeouts, candidacies)
			}
			// Isolated from 1s to 7s, node 5 alone times out at least every 300ms.
			if preVote != raft.PreVoteOff && s.PreElections < 20 {
				t.Errorf("seed %d: %d pre-vote rounds; node 5 alone should start 20 or more", seed, s.PreElections)
			}
		}
	}
}
