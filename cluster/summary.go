package cluster

import "github.com/raftsim/raftsim/network"

// Summary is what `raftsim run` prints: the run's outcome in one object. Field names are the JSON keys;
// later tooling depends on them, so they only ever gain siblings.
type Summary struct {
	Seed       uint64  `json:"seed"`
	Nodes      int     `json:"nodes"`
	DurationMS float64 `json:"duration_ms"`
	// EndMS is when the run ended: duration_ms, or earlier when a scenario stops it or a violation does.
	EndMS float64 `json:"end_ms"`
	// Commits is the number of log entries committed (the highest commit index any node reached),
	// leaders' empty entries included.
	Commits   uint64    `json:"commits"`
	ClientOps ClientOps `json:"client_ops"`
	// Elections counts elections started: every time a node became candidate for a new term.
	// PreElections counts pre-vote rounds started: every time a node with PreVote asked for pre-votes,
	// including each new round of a node that stayed pre-candidate and timed out again. Both are summed
	// over all nodes and all their lives. LeaderChanges counts elections won.
	Elections     uint64 `json:"elections"`
	PreElections  uint64 `json:"pre_elections"`
	LeaderChanges uint64 `json:"leader_changes"`
	MaxTerm       uint64 `json:"max_term"`
	// Availability is the fraction of simulated time, from time 0, during which a leader held a working
	// majority: it was alive, and a majority of nodes, itself included, were alive, in its term,
	// following it, and able to exchange messages with it.
	Availability float64 `json:"availability"`
	// AvailabilityAfter is the same fraction over [measure_from, end].
	AvailabilityAfter float64 `json:"availability_after"`
	MeasureFromMS     float64 `json:"measure_from_ms"`
	// CommitLatencyMS is client send to client reply of successful writes, retries included.
	CommitLatencyMS Latency `json:"commit_latency_ms"`
	// LastCommitMS is when the last successful write completed (-1 if none did).
	LastCommitMS float64 `json:"last_commit_ms"`
	// ElectionDowntime: from a leader's crash until every live node follows a leader of a later term.
	ElectionDowntime Downtime `json:"election_downtime"`
	// Messages and Bytes count everything sent: Raft messages and client traffic.
	Messages    uint64             `json:"messages"`
	Bytes       uint64             `json:"bytes"`
	Traffic     map[string]Traffic `json:"traffic"`
	LeaderBytes uint64             `json:"leader_bytes"`
	// MaxNodeBytes is what the busiest node sent.
	MaxNodeBytes uint64            `json:"max_node_bytes"`
	Dropped      map[string]uint64 `json:"dropped"`
	Events       uint64            `json:"events"`
	Violations   int               `json:"violations"`
	Violation    string            `json:"violation,omitempty"`
}

// ClientOps counts client operations by outcome.
type ClientOps struct {
	OK     uint64 `json:"ok"`
	Failed uint64 `json:"failed"`
	// OKAfter and InvokedAfter count operations invoked at or after measure_from.
	OKAfter      uint64 `json:"ok_after"`
	InvokedAfter uint64 `json:"invoked_after"`
}

// Latency is a distribution summary in milliseconds.
type Latency struct {
	P50  float64 `json:"p50"`
	P90  float64 `json:"p90"`
	P99  float64 `json:"p99"`
	P999 float64 `json:"p999"`
	Max  float64 `json:"max"`
	Mean float64 `json:"mean"`
}

// Downtime summarises the measured elections after leader crashes.
type Downtime struct {
	Count      uint64  `json:"count"`
	Unfinished uint64  `json:"unfinished"`
	MeanMS     float64 `json:"mean_ms"`
	MaxMS      float64 `json:"max_ms"`
	// TermsPerElection is the mean number of terms from the crashed leader's to the new leader's: 1
	// when the first election succeeds; each split vote adds one.
	TermsPerElection float64 `json:"terms_per_election"`
	// Terms is that number summed over the measured elections.
	Terms uint64 `json:"terms"`
}

// Traffic is one class of messages.
type Traffic struct {
	Messages uint64 `json:"messages"`
	Bytes    uint64 `json:"bytes"`
}

func (c *Cluster) summary() Summary {
	m := &c.metrics
	end := c.loop.Now()
	s := Summary{
		Seed:          c.cfg.Seed,
		Nodes:         c.cfg.Nodes,
		DurationMS:    ms(int64(c.cfg.Duration)),
		EndMS:         ms(int64(end)),
		Commits:       m.commitIndex,
		ClientOps:     ClientOps{OK: m.opsOK, Failed: m.opsFailed, OKAfter: m.opsOKAfter, InvokedAfter: m.opsAfter},
		LeaderChanges: m.leaderChanges,
		MaxTerm:       m.maxTerm,
		MeasureFromMS: ms(int64(m.measureFrom)),
		LastCommitMS:  -1,
		LeaderBytes:   m.leaderBytes,
		Events:        c.loop.Fired(),
		Violations:    m.violations,
		Traffic:       map[string]Traffic{},
		Dropped:       map[string]uint64{},
	}
	for _, h := range c.hosts {
		p, e := h.campaigns()
		s.PreElections += p
		s.Elections += e
	}
	if end > 0 {
		s.Availability = round6(float64(m.upTotal) / float64(end))
	}
	if span := end - m.measureFrom; span > 0 {
		s.AvailabilityAfter = round6(float64(m.upFrom) / float64(span))
	}
	if m.opsOK > 0 {
		s.LastCommitMS = ms(int64(m.lastOK))
		h := m.latency
		s.CommitLatencyMS = Latency{
			P50: ms(h.Quantile(0.50)), P90: ms(h.Quantile(0.90)), P99: ms(h.Quantile(0.99)),
			P999: ms(h.Quantile(0.999)), Max: ms(h.Max()), Mean: ms(int64(h.Mean())),
		}
	}
	if m.downCount > 0 {
		s.ElectionDowntime = Downtime{Count: m.downCount, MeanMS: ms(int64(m.downtimes.Mean())),
			MaxMS: ms(m.downtimes.Max()), TermsPerElection: round6(float64(m.downTerms) / float64(m.downCount)),
			Terms: m.downTerms}
	}
	s.ElectionDowntime.Unfinished = m.downPending
	for k := range NumClasses {
		s.Messages += m.msgs[k]
		s.Bytes += m.bytes[k]
		s.Traffic[ClassNames[k]] = Traffic{Messages: m.msgs[k], Bytes: m.bytes[k]}
	}
	for _, b := range m.nodeBytes {
		s.MaxNodeBytes = max(s.MaxNodeBytes, b)
	}
	s.Dropped["down"] = m.droppedDown
	s.Dropped["scenario"] = m.withheld
	for _, d := range []struct {
		name string
		n    uint64
	}{{"loss", c.net.Drops[network.DropLoss]}, {"cut", c.net.Drops[network.DropCut]}, {"unreachable", c.net.Drops[network.DropUnreachable]}} {
		s.Dropped[d.name] = d.n
	}
	if c.err != nil {
		s.Violation = c.err.Error()
	}
	return s
}

func round6(x float64) float64 {
	const k = 1e6
	return float64(int64(x*k+0.5)) / k
}
