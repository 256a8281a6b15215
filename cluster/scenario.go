package cluster

import (
	"fmt"

	"github.com/raftsim/raftsim/models/fault"
	"github.com/raftsim/raftsim/raft"
	"github.com/raftsim/raftsim/sim"
)

// faultSource is the run's whole fault schedule: the configured events, each node's crash-recovery
// faults drawn from its own streams ("mttf/ID", "mttr/ID", so adding a node changes no other node's
// failures) and the chaos schedule (stream "chaos"), merged in that order of precedence among events at
// the same instant.
func (c *Config) faultSource() fault.Source {
	srcs := []fault.Source{fault.List(c.Faults)}
	if cr := c.CrashRecovery; cr != nil {
		for id := 1; id <= c.Nodes; id++ {
			srcs = append(srcs, fault.CrashRecovery(int64(id), cr.MTTF, cr.MTTR,
				sim.StreamN(c.Seed, "mttf", id), sim.StreamN(c.Seed, "mttr", id), c.Duration))
		}
	}
	if c.Chaos {
		end := c.Duration
		if u := c.ChaosOptions.Until; u > 0 {
			end = min(u, end)
		}
		srcs = append(srcs, fault.NewChaos(sim.Stream(c.Seed, "chaos"), c.Nodes, end, c.ChaosOptions))
	}
	return fault.Merge(srcs...)
}

// leaderCrash runs the LeaderCrash scenario. Its phases:
//
//	waiting:  at After, find the leader (retrying every millisecond until there is one), choose the stale
//	          followers, propose one entry that only the others will receive;
//	arming:   at each of the leader's heartbeat broadcasts, once every other follower holds the entry,
//	          draw the crash time uniformly within the heartbeat interval;
//	crashing: crash the leader then;
//	done.
type leaderCrash struct {
	c      *Cluster
	phase  int
	leader uint64
	index  uint64 // the entry the stale followers miss
	stale  []bool // by node ID
	timer  sim.Timer
}

const (
	lcWaiting = iota
	lcArming
	lcCrashing
	lcDone
)

// Fire runs the scenario's timed steps.
func (lc *leaderCrash) Fire(uint64) {
	c := lc.c
	switch lc.phase {
	case lcWaiting:
		l := c.currentLeader()
		if l == 0 {
			lc.timer = c.loop.After(sim.Millisecond, lc, 0)
			return
		}
		lc.leader = l
		lc.stale = make([]bool, c.cfg.Nodes+1)
		var others []uint64
		for _, h := range c.hosts {
			if h.id != l && h.alive {
				others = append(others, h.id)
			}
		}
		for k := min(c.cfg.LeaderCrash.Stale, len(others)); k > 0; k-- {
			i := c.faultRand.IntN(len(others))
			lc.stale[others[i]] = true
			others = append(others[:i], others[i+1:]...)
		}
		h := c.host(l)
		index, _, err := h.node.Propose(nil, 0)
		if err != nil {
			lc.timer = c.loop.After(sim.Millisecond, lc, 0) // lost leadership in this instant: try again
			return
		}
		lc.index = index
		lc.phase = lcArming
		c.trace.scenario("leader_crash_armed", l, index)
		h.drain()
	case lcCrashing:
		lc.phase = lcDone
		e := fault.Event{At: c.loop.Now().Duration(), Kind: fault.Crash, Node: int64(lc.leader)}
		c.crash(&e, lc.leader)
		c.timeline.add(c.loop.Now(), nil, c.cfg.LeaderCrash, []uint64{lc.leader}, fmt.Sprintf("crashed the leader %d", lc.leader))
	}
}

// deposed is called when a node stops leading (or crashes as leader). If it is the scenario's leader
// before the scenario crashed it, the scenario starts again with whoever leads next: the experiment is
// about the election after a crash, not after a deposition.
func (lc *leaderCrash) deposed(id uint64) {
	if id != lc.leader || (lc.phase != lcArming && lc.phase != lcCrashing) {
		return
	}
	lc.c.loop.Cancel(lc.timer)
	lc.phase = lcWaiting
	lc.c.trace.scenario("leader_crash_restarted", id, lc.index)
	lc.timer = lc.c.loop.After(sim.Millisecond, lc, 0)
}

// heartbeat is called after the scenario's leader broadcast a heartbeat.
func (lc *leaderCrash) heartbeat(h *host) {
	if lc.phase != lcArming || h.id != lc.leader {
		return
	}
	for _, f := range lc.c.hosts {
		if f.id == h.id || lc.stale[f.id] || !f.alive {
			continue
		}
		if match, _, ok := h.node.Match(f.id); !ok || match < lc.index {
			return // not everywhere yet: wait for the next heartbeat
		}
	}
	lc.phase = lcCrashing
	hb := int64(lc.c.cfg.Heartbeat)
	lc.timer = lc.c.loop.After(sim.Time(lc.c.faultRand.Int64N(hb)), lc, 0)
}

// blocks reports whether the scenario withholds m from its destination: every AppendEntries of the
// leader to a stale follower, from the scenario's start to the crash. Heartbeats still reach it, so the
// survivors differ in their logs only: had the leader's empty probes got through — it sends one after
// each heartbeat response from a follower that lags — they would restart the stale followers' election
// timers a round trip later than the others', and the stale followers would be voting, not competing,
// when the first election starts.
func (lc *leaderCrash) blocks(m *raft.Message) bool {
	return lc.phase != lcDone && m.From == lc.leader && lc.stale != nil && lc.stale[m.To] && m.Type == raft.MsgApp
}
