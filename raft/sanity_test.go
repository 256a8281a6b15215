package raft

import (
	"math/rand/v2"
	"testing"
	"time"
)

// memNet is the smallest possible host: instant persistence, instant delivery, manual timers.
type memNet struct {
	nodes map[uint64]*Node
	queue []Message
}

func newMemNet(t *testing.T, n int, tweak func(*Config)) *memNet {
	t.Helper()
	var peers []uint64
	for i := 1; i <= n; i++ {
		peers = append(peers, uint64(i))
	}
	net := &memNet{nodes: map[uint64]*Node{}}
	for _, id := range peers {
		cfg := Config{ID: id, Peers: peers, ElectionTimeoutMin: 150 * time.Millisecond,
			ElectionTimeoutMax: 300 * time.Millisecond, HeartbeatInterval: 50 * time.Millisecond,
			Rand: rand.New(rand.NewPCG(1, id))}
		if tweak != nil {
			tweak(&cfg)
		}
		nd, err := New(cfg, Durable{})
		if err != nil {
			t.Fatal(err)
		}
		net.nodes[id] = nd
	}
	return net
}

func (net *memNet) drain(id uint64) {
	nd := net.nodes[id]
	for nd.HasReady() {
		rd := nd.Ready()
		net.queue = append(net.queue, rd.Messages...)
		if rd.HasPersist {
			msgs := append([]Message(nil), rd.Persist.Messages...)
			nd.Persisted(rd.Persist.Seq)
			net.queue = append(net.queue, msgs...)
		}
	}
}

func (net *memNet) stabilize() {
	for {
		for id := uint64(1); id <= uint64(len(net.nodes)); id++ {
			net.drain(id)
		}
		if len(net.queue) == 0 {
			return
		}
		q := net.queue
		net.queue = nil
		for _, m := range q {
			net.nodes[m.To].Step(m)
		}
	}
}

func TestSanityElectAndReplicate(t *testing.T) {
	for _, tc := range []struct {
		name  string
		tweak func(*Config)
	}{
		{"plain", nil},
		{"prevote+checkquorum", func(c *Config) { c.PreVote, c.CheckQuorum = PreVoteThesis, true }},
		{"etcd prevote+checkquorum", func(c *Config) { c.PreVote, c.CheckQuorum = PreVoteEtcd, true }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			net := newMemNet(t, 5, tc.tweak)
			net.stabilize()
			net.nodes[1].Timeout(ElectionTimeout)
			net.stabilize()
			if net.nodes[1].State() != Leader {
				t.Fatalf("node 1 is %v, want leader", net.nodes[1].State())
			}
			for i := 0; i < 10; i++ {
				if _, _, err := net.nodes[1].Propose([]byte{byte(i)}, 1); err != nil {
					t.Fatal(err)
				}
			}
			net.stabilize()
			net.nodes[1].Timeout(HeartbeatTimeout)
			net.stabilize()
			for id, nd := range net.nodes {
				if nd.Commit() != 11 || nd.LastIndex() != 11 || nd.Term() != 1 || nd.Leader() != 1 {
					t.Errorf("node %d: commit %d last %d term %d lead %d; want 11 11 1 1", id, nd.Commit(), nd.LastIndex(), nd.Term(), nd.Leader())
				}
			}
		})
	}
}
