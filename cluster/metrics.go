package cluster

import (
	"time"

	"github.com/raftsim/raftsim/experiments/stats"
	"github.com/raftsim/raftsim/models/workload"
	"github.com/raftsim/raftsim/raft"
	"github.com/raftsim/raftsim/sim"
)

// Traffic classes for the bandwidth figures.
const (
	ClassAppend    = iota // AppendEntries carrying entries
	ClassProbe            // AppendEntries without entries (probes)
	ClassHeartbeat        // heartbeats
	ClassVote             // vote and pre-vote requests
	ClassReply            // every Raft response
	ClassClient           // client requests and replies
	NumClasses
)

// ClassNames are the traffic classes as they appear in results.
var ClassNames = [NumClasses]string{"append", "probe", "heartbeat", "vote", "reply", "client"}

func classOf(t raft.MsgType, entries bool) int {
	switch {
	case t == raft.MsgApp && entries, t == raft.MsgSnap:
		// A snapshot carries the log's content in another form: it counts as appending.
		return ClassAppend
	case t == raft.MsgApp:
		return ClassProbe
	case t == raft.MsgHeartbeat:
		return ClassHeartbeat
	case t == raft.MsgVote || t == raft.MsgPreVote:
		return ClassVote
	}
	return ClassReply
}

// metrics accumulates a run's measures in streaming form: nothing here grows with simulated time.
type metrics struct {
	measureFrom sim.Time

	leaderChanges, maxTerm uint64
	commitIndex            uint64
	violations             int
	droppedDown            uint64
	withheld               uint64 // messages a scenario kept from their destination
	snapshots              uint64 // InstallSnapshot messages sent (counted in ClassAppend; not a result)

	opsOK, opsFailed         uint64
	opsOKAfter, opsAfter     uint64 // operations invoked at or after measureFrom
	lastOK                   sim.Time
	latency                  *stats.Histogram // client send to reply, of successful writes
	readsOK, readsFailed     uint64
	staleReads               uint64           // reads served below the commit index at their invocation (ReadOps.Stale)
	readLatency              *stats.Histogram // invoke to reply, of successful reads; nil until one
	msgs, bytes              [NumClasses]uint64
	nodeBytes                []uint64 // by sender, index id-1
	leaderBytes              uint64   // sent by a node while it was leader
	leaderMsgs               uint64
	up                       bool
	leader                   uint64 // the working leader while up
	upSince, upTotal, upFrom sim.Time

	// Election downtime: from a leader's crash until every live node follows a leader of a later term.
	downStart   sim.Time
	downTerm    uint64
	measuring   bool
	downtimes   *stats.Histogram
	downTerms   uint64 // terms elapsed, summed over measured elections
	downCount   uint64
	downPending uint64 // crashes of a leader whose election had not finished by the end

	// Split votes of the election being measured: the first candidate of each term after downTerm (0
	// once a second has stood), and the terms in which a second one stood, in the order seen. They hold
	// one entry per term in which someone stood, and are emptied when the election is measured.
	firstCand  map[uint64]uint64
	splitTerms []uint64
	splitVotes uint64 // terms with two or more candidates, summed over measured elections

	recovery recovery // the recovery measure (recovery.go)
}

func (m *metrics) init(cfg Config) {
	m.measureFrom = sim.Time(cfg.MeasureFrom)
	m.latency = stats.NewHistogram()
	m.downtimes = stats.NewHistogram()
	m.firstCand = map[uint64]uint64{}
	m.nodeBytes = make([]uint64, cfg.Hosts())
}

func (m *metrics) sent(t raft.MsgType, from uint64, size int, entries bool, leader bool) {
	k := classOf(t, entries)
	if t == raft.MsgSnap {
		m.snapshots++
	}
	m.msgs[k]++
	m.bytes[k] += uint64(size)
	m.nodeBytes[from-1] += uint64(size)
	if leader {
		m.leaderBytes += uint64(size)
		m.leaderMsgs++
	}
}

// sentClient counts client traffic; from is the node sending a reply, or 0 for a client's request.
func (m *metrics) sentClient(from uint64, size int) {
	m.msgs[ClassClient]++
	m.bytes[ClassClient] += uint64(size)
	if from != 0 {
		m.nodeBytes[from-1] += uint64(size)
	}
}

func (m *metrics) committed(index uint64) {
	m.commitIndex = max(m.commitIndex, index)
}

func (m *metrics) op(op workload.Op) {
	if op.Read {
		// Reads are measured apart, so that the write measures mean what they meant before reads.
		if !op.OK {
			m.readsFailed++
			return
		}
		m.readsOK++
		if m.readLatency == nil {
			m.readLatency = stats.NewHistogram()
		}
		m.readLatency.Record(int64(op.Complete - op.Invoke))
		return
	}
	after := op.Invoke >= m.measureFrom
	if after {
		m.opsAfter++
	}
	if !op.OK {
		m.opsFailed++
		return
	}
	m.opsOK++
	if after {
		m.opsOKAfter++
	}
	m.lastOK = op.Complete
	m.latency.Record(int64(op.Complete - op.Invoke))
	if m.up {
		m.recovery.acked(op.Complete, m.measureFrom, m.leader)
	}
}

// crashed is called just before node id crashes.
func (m *metrics) crashed(c *Cluster, id uint64) {
	h := c.host(id)
	if h.state == raft.Leader && !m.measuring {
		m.measuring = true
		m.downStart = c.loop.Now()
		m.downTerm = h.term
		clear(m.firstCand)
		m.splitTerms = m.splitTerms[:0]
	}
}

// candidate is called when node id becomes a candidate in term (a real election; with PreVote, only
// after it won the pre-vote). While an election is measured, a term before the new leader's in which
// two or more nodes stood is a split vote. Candidacies are seen from the crash on.
func (m *metrics) candidate(id, term uint64) {
	if !m.measuring || term <= m.downTerm {
		return
	}
	first, ok := m.firstCand[term]
	switch {
	case !ok:
		m.firstCand[term] = id
	case first != 0 && first != id: // the same node again in the same term: a restart that forgot it stood
		m.firstCand[term] = 0
		m.splitTerms = append(m.splitTerms, term)
	}
}

// status re-evaluates availability and the election in progress.
func (m *metrics) status(c *Cluster) {
	now := c.loop.Now()
	leader := c.workingLeader()
	up := leader != 0
	m.leader = leader
	if up != m.up {
		c.members.window.count(m, now)
		if m.up {
			m.addUp(m.upSince, now)
			m.recovery.reset()
		}
		m.up, m.upSince = up, now
	}
	if m.measuring {
		if l := c.currentLeader(); l != 0 && c.host(l).term > m.downTerm && everyoneFollows(c, l) {
			m.downtimes.Record(int64(now - m.downStart))
			m.downTerms += c.host(l).term - m.downTerm
			m.downCount++
			for _, t := range m.splitTerms {
				if t < c.host(l).term { // not the winning term; later ones are the next election's
					m.splitVotes++
				}
			}
			m.measuring = false
			if c.cfg.LeaderCrash != nil && c.cfg.LeaderCrash.Stop {
				c.loop.Stop()
			}
		}
	}
}

func everyoneFollows(c *Cluster, l uint64) bool {
	term := c.host(l).term
	for _, h := range c.hosts {
		if h.alive && h.id != l && (h.lead != l || h.term != term) {
			return false
		}
	}
	return true
}

func (m *metrics) addUp(from, to sim.Time) {
	m.upTotal += to - from
	if to > m.measureFrom {
		m.upFrom += to - max(from, m.measureFrom)
	}
}

func (m *metrics) finish(end sim.Time) {
	if m.up {
		m.addUp(m.upSince, end)
		m.upSince = end
	}
	if m.measuring {
		m.downPending++
	}
}

// ms converts simulated nanoseconds to milliseconds, rounded to the microsecond so that summaries
// stay readable.
func ms(ns int64) float64 {
	return float64(time.Duration(ns).Round(time.Microsecond)) / 1e6
}
