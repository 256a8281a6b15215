package raft

import "testing"

// TestCampaigns: every pre-vote round and every election a node starts is counted, including the
// rounds a node starts while it stays in the same role and term, which its State and Term cannot show.
func TestCampaigns(t *testing.T) {
	tests := []struct {
		name          string
		preVote       PreVote
		nodes         int
		timeouts      int // election timeouts fired on node 1 with nobody answering
		wantPre, want uint64
		wantState     State
		wantTerm      uint64
	}{
		// Alone in a minority, a pre-candidate keeps its term and role: three rounds, no election.
		{"pre-vote rounds, no answer", PreVoteThesis, 3, 3, 3, 0, PreCandidate, 0},
		// A candidate raises its term at every timeout: three elections.
		{"elections, no answer", PreVoteOff, 3, 3, 0, 3, Candidate, 3},
		// A one-node cluster wins each pre-vote round at once: the round is counted although the node
		// is never seen as a pre-candidate.
		{"one node, pre-vote", PreVoteThesis, 1, 1, 1, 1, Candidate, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			net := newMemNet(t, tt.nodes, func(c *Config) { c.PreVote = tt.preVote })
			n := net.nodes[1]
			for range tt.timeouts {
				n.Timeout(ElectionTimeout)
				for n.HasReady() {
					n.Ready() // the requests are lost; nothing is made durable
				}
			}
			pre, el := n.Campaigns()
			if pre != tt.wantPre || el != tt.want || n.State() != tt.wantState || n.Term() != tt.wantTerm {
				t.Fatalf("Campaigns() = %d, %d in %v of term %d; want %d, %d in %v of term %d",
					pre, el, n.State(), n.Term(), tt.wantPre, tt.want, tt.wantState, tt.wantTerm)
			}
		})
	}
}
