package cluster

import (
	"testing"

	"github.com/raftsim/raftsim/raft"
)

// TestChaosSafetyVariants runs the chaos swarm (random worlds, random fault schedules, every safety
// property checked) with each implementation variant that is not the default switched on, and with
// all of them together: a variant moves the numbers, never safety.
func TestChaosSafetyVariants(t *testing.T) {
	n := 300
	if testing.Short() {
		n = 30
	}
	for _, v := range []struct {
		name string
		set  func(*Config)
	}{
		{"pre_vote=etcd", func(c *Config) { c.PreVote = raft.PreVoteEtcd }},
		{"vote_write=before_send", func(c *Config) { c.Variant.VoteWrite = raft.VoteWriteBeforeSend }},
		{"voter_timer=on_durable", func(c *Config) { c.Variant.VoterTimer = raft.TimerOnDurable }},
		{"vote_write_holds_timer", func(c *Config) { c.Variant.VoteWriteHoldsTimer = true }},
		{"heartbeat_reply=at_once", func(c *Config) { c.Variant.HeartbeatReply = raft.ReplyAtOnce }},
		{"all", func(c *Config) {
			c.PreVote = raft.PreVoteEtcd
			c.Variant = raft.Variant{VoteWrite: raft.VoteWriteBeforeSend, VoterTimer: raft.TimerOnDurable,
				VoteWriteHoldsTimer: true, HeartbeatReply: raft.ReplyAtOnce}
		}},
	} {
		t.Run(v.name, func(t *testing.T) {
			cfgOf := func(seed uint64) Config {
				cfg := swarm(seed)
				v.set(&cfg)
				return cfg
			}
			for seed, o := range runSeeds(n, cfgOf)[1:] {
				if o.err != nil {
					t.Errorf("seed %d (nodes %d): %v", seed+1, cfgOf(uint64(seed+1)).Nodes, o.err)
				}
			}
		})
	}
}
