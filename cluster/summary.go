package cluster

import (
	"encoding/json"
	"math"

	"github.com/raftsim/raftsim/experiments/stats"
	"github.com/raftsim/raftsim/network"
)

// Summary is what `raftsim run` prints: the run's outcome in one object. Field names are the JSON keys;
// later tooling depends on them, so they only ever gain siblings. docs/summary.md lists every field
// with its unit and when it is null.
//
// A measure that the run gave no sample of (a latency when no write succeeded, a downtime when no
// leader crashed) is a NullFloat holding NaN, written as null: never a 0 that reads as a measurement.
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
	// Null if the run ended at time 0.
	Availability NullFloat `json:"availability"`
	// AvailabilityAfter is the same fraction over [measure_from, end]; null if the run ended at or
	// before measure_from.
	AvailabilityAfter NullFloat `json:"availability_after"`
	MeasureFromMS     float64   `json:"measure_from_ms"`
	// CommitLatencyMS is client send to client reply of successful writes, retries included; every
	// field null if no write succeeded.
	CommitLatencyMS Latency `json:"commit_latency_ms"`
	// LastCommitMS is when the last successful write completed; null if none did.
	LastCommitMS NullFloat `json:"last_commit_ms"`
	// ElectionDowntime: from a leader's crash until every live node follows a leader of a later term.
	ElectionDowntime Downtime `json:"election_downtime"`
	// Messages and Bytes count everything sent: Raft messages and client traffic.
	Messages    uint64             `json:"messages"`
	Bytes       uint64             `json:"bytes"`
	Traffic     map[string]Traffic `json:"traffic"`
	LeaderBytes uint64             `json:"leader_bytes"`
	// MaxNodeBytes is what the busiest node sent.
	MaxNodeBytes uint64 `json:"max_node_bytes"`
	// Dropped counts the messages, Raft and client, that never reached their destination, by reason:
	// "loss" (the link lost it), "cut" (its edge was cut when it was sent or arrived), "unreachable" (no
	// edge, or no path of up edges with shortest-path routing), "down" (it reached a node that was
	// down), "scenario" (the leader-crash scenario withheld it from a stale follower; such a message is
	// not counted as sent).
	Dropped    map[string]uint64 `json:"dropped"`
	Events     uint64            `json:"events"`
	Violations int               `json:"violations"`
	Violation  string            `json:"violation,omitempty"`

	// Duplicated counts the copies links that duplicate (Link.Dup) made, each delivered as well, one
	// per hop that made one; they are not in Messages, which counts what nodes and clients sent. Left
	// out of the JSON at 0, so that a summary without duplication reads as it always has.
	Duplicated uint64 `json:"duplicated,omitempty"`
	// Faults lists the run's faults as they happened, in time order: the first 1000 of FaultsTotal.
	Faults      []FaultHit `json:"faults"`
	FaultsTotal uint64     `json:"faults_total"`
	// Warnings are the settings Config.Warnings found doubtful; empty when none.
	Warnings []string `json:"warnings"`
	// Reads counts the client reads, present only when the workload reads (read_ratio above 0);
	// ClientOps and CommitLatencyMS count writes only.
	Reads *ReadOps `json:"reads,omitempty"`
	// Transfers measures the leadership transfers asked for; present only when there were some.
	Transfers *Transfers `json:"transfers,omitempty"`
	// Membership measures the membership window; present only when a membership event fired.
	Membership *Membership `json:"membership,omitempty"`
	// Recovery measures the time from measure_from until a stable leader committed again; present only
	// when measure_from is above 0 (recovery.go).
	Recovery *Recovery `json:"recovery,omitempty"`
	// Regions is what the clients of each region saw, in the topology's order of regions; present only
	// when the topology declares regions (regions.go).
	Regions []Region `json:"regions,omitempty"`
	// Arrivals counts the open-loop arrivals; present only with an arrival rate (workload.go).
	Arrivals *Arrivals `json:"arrivals,omitempty"`
	// Liveness is what the liveness phase after a repair of every fault saw; present only when a repair
	// happened (repair.go).
	Liveness *Liveness `json:"liveness,omitempty"`
}

// Membership measures the membership window: the union of the spans during which an add, remove or
// replace event was in progress, from its firing (or the end of the one before it in the queue) until
// the leader knew its last change committed (memberwindow.go).
type Membership struct {
	Done       uint64 `json:"done"`       // events carried out
	Unfinished uint64 `json:"unfinished"` // events that fired but were not carried out by the end
	// TimeMS is the window's length; an unfinished event's span runs to the end of the run.
	TimeMS NullFloat `json:"time_ms"`
	// Availability is the fraction of the window during which a leader held a working majority (as
	// Summary.Availability, the leader's configuration deciding the majority); null for an empty window.
	Availability NullFloat `json:"availability"`
	// DowntimeMS is the time within the window during which no leader held a working majority: the
	// window's length less its up time, comparable between windows of different lengths.
	DowntimeMS float64 `json:"downtime_ms"`
	// LatencyMS is the commit latency of the acknowledged writes invoked within the window.
	LatencyMS Latency `json:"latency_ms"`
	// Bytes is everything sent (Raft and client traffic) within the window.
	Bytes uint64 `json:"bytes"`
}

// ReadOps counts client reads by outcome, with their latency from invoke to reply (retries included);
// every latency field null when no read succeeded.
type ReadOps struct {
	OK        uint64  `json:"ok"`
	Failed    uint64  `json:"failed"`
	LatencyMS Latency `json:"latency_ms"`
	// Stale counts the reads served below the commit index some node had reached when the client
	// invoked them (what the safety check calls a Read Freshness violation, counted whether or not the
	// check is on): lease reads under clock drift beyond the assumed bound (drift experiment).
	Stale uint64 `json:"stale,omitempty"`
}

// Transfers summarises the leadership transfers (thesis §3.10). A transfer is done when its target is
// elected, and its time runs from the request to then; it failed if another node was elected first or
// another transfer replaced it, and is unfinished if neither had happened by the end.
type Transfers struct {
	Requested  uint64    `json:"requested"`
	Done       uint64    `json:"done"`
	Failed     uint64    `json:"failed"`
	Unfinished uint64    `json:"unfinished"`
	MeanMS     NullFloat `json:"mean_ms"` // over the transfers done; null when none
	MaxMS      NullFloat `json:"max_ms"`
}

// NullFloat is a measure that may have no sample: NaN then, and null in JSON. A null reads back as NaN,
// so a summary survives a round trip through JSON.
type NullFloat float64

// MarshalJSON writes NaN as null and any other value as encoding/json writes a float64.
func (f NullFloat) MarshalJSON() ([]byte, error) {
	if math.IsNaN(float64(f)) {
		return []byte("null"), nil
	}
	return json.Marshal(float64(f))
}

// UnmarshalJSON reads null as NaN.
func (f *NullFloat) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*f = NullFloat(math.NaN())
		return nil
	}
	return json.Unmarshal(b, (*float64)(f))
}

// Valid reports whether f holds a sample.
func (f NullFloat) Valid() bool { return !math.IsNaN(float64(f)) }

var null = NullFloat(math.NaN())

// ClientOps counts client operations by outcome.
type ClientOps struct {
	OK     uint64 `json:"ok"`
	Failed uint64 `json:"failed"`
	// OKAfter and InvokedAfter count operations invoked at or after measure_from.
	OKAfter      uint64 `json:"ok_after"`
	InvokedAfter uint64 `json:"invoked_after"`
}

// Latency is a distribution summary in milliseconds; every field is null when there is no sample.
type Latency struct {
	P50  NullFloat `json:"p50"`
	P90  NullFloat `json:"p90"`
	P99  NullFloat `json:"p99"`
	P999 NullFloat `json:"p999"`
	Max  NullFloat `json:"max"`
	Mean NullFloat `json:"mean"`
}

// Downtime summarises the measured elections after leader crashes.
type Downtime struct {
	// Count is the elections measured (finished); Unfinished those still running at the end.
	Count      uint64 `json:"count"`
	Unfinished uint64 `json:"unfinished"`
	// MeanMS and MaxMS are over the finished elections; null when none finished.
	MeanMS NullFloat `json:"mean_ms"`
	MaxMS  NullFloat `json:"max_ms"`
	// TermsPerElection is the mean number of terms from the crashed leader's to the new leader's: 1
	// when the first election succeeds; each split vote adds one. Null when no election finished.
	TermsPerElection NullFloat `json:"terms_per_election"`
	// Terms is that number summed over the measured elections.
	Terms uint64 `json:"terms"`
	// SplitVotes counts the terms after the crashed leader's and before the new leader's — the terms
	// that ended without a leader — in which two or more nodes stood as candidates (with PreVote, only
	// nodes that won their pre-vote), summed over the measured elections. Terms - Count counts every
	// term that ended without a leader, the doomed campaigns of lone candidates whose logs are behind
	// among them; SplitVotes counts only true splits, so it is at most Terms - Count.
	SplitVotes uint64 `json:"split_votes"`
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
		Seed:              c.cfg.Seed,
		Nodes:             c.cfg.Nodes,
		Warnings:          append([]string{}, c.cfg.Warnings()...),
		DurationMS:        ms(int64(c.cfg.Duration)),
		EndMS:             ms(int64(end)),
		Commits:           m.commitIndex,
		ClientOps:         ClientOps{OK: m.opsOK, Failed: m.opsFailed, OKAfter: m.opsOKAfter, InvokedAfter: m.opsAfter},
		LeaderChanges:     m.leaderChanges,
		MaxTerm:           m.maxTerm,
		MeasureFromMS:     ms(int64(m.measureFrom)),
		Availability:      null,
		LastCommitMS:      null,
		AvailabilityAfter: null,
		CommitLatencyMS:   Latency{P50: null, P90: null, P99: null, P999: null, Max: null, Mean: null},
		ElectionDowntime:  Downtime{MeanMS: null, MaxMS: null, TermsPerElection: null},
		LeaderBytes:       m.leaderBytes,
		Events:            c.loop.Fired(),
		Violations:        m.violations,
		Traffic:           map[string]Traffic{},
		Dropped:           map[string]uint64{},
	}
	for _, h := range c.hosts {
		p, e := h.campaigns()
		s.PreElections += p
		s.Elections += e
	}
	if end > 0 {
		s.Availability = NullFloat(round6(float64(m.upTotal) / float64(end)))
	}
	if span := end - m.measureFrom; span > 0 {
		s.AvailabilityAfter = NullFloat(round6(float64(m.upFrom) / float64(span)))
	}
	if m.opsOK > 0 {
		s.LastCommitMS = NullFloat(ms(int64(m.lastOK)))
		s.CommitLatencyMS = latencyOf(m.latency)
	}
	if c.cfg.Workload.ReadRatio > 0 {
		s.Reads = &ReadOps{OK: m.readsOK, Failed: m.readsFailed, LatencyMS: latencyOf(m.readLatency), Stale: m.staleReads}
	}
	if t := &c.transfer; t.requested > 0 {
		s.Transfers = &Transfers{Requested: t.requested, Done: t.done, Failed: t.failed, Unfinished: t.unfinished,
			MeanMS: null, MaxMS: null}
		if t.done > 0 {
			s.Transfers.MeanMS, s.Transfers.MaxMS = NullFloat(ms(int64(t.times.Mean()))), NullFloat(ms(t.times.Max()))
		}
	}
	s.Membership = c.members.window.summary(end, c.members.done, len(c.members.queue))
	s.Recovery = m.recovery.summary(m, end, c.cfg.ElectionMax)
	if m.downCount > 0 {
		s.ElectionDowntime = Downtime{Count: m.downCount, MeanMS: NullFloat(ms(int64(m.downtimes.Mean()))),
			MaxMS:            NullFloat(ms(m.downtimes.Max())),
			TermsPerElection: NullFloat(round6(float64(m.downTerms) / float64(m.downCount))),
			Terms:            m.downTerms, SplitVotes: m.splitVotes}
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
	}{{"loss", c.net.Drops[network.DropLoss]}, {"cut", c.net.Drops[network.DropCut]}, {"unreachable", c.net.Drops[network.DropUnreachable]},
		{"overflow", c.net.Drops[network.DropOverflow]}} {
		s.Dropped[d.name] = d.n
	}
	s.Duplicated = c.net.Duplicated
	if c.filters { // only then, so that a summary without filters reads as it always has
		s.Dropped["filter"] = c.net.Drops[network.DropFilter]
	}
	s.Regions = c.regionSummary()
	if a := c.open; a != nil {
		s.Arrivals = &Arrivals{RatePerS: c.cfg.ArrivalRate, Offered: a.offered, Refused: a.refused}
	}
	s.Liveness = c.repair.summary(c)
	s.Faults, s.FaultsTotal = c.timeline.hits, c.timeline.total
	if s.Faults == nil {
		s.Faults = []FaultHit{}
	}
	if c.err != nil {
		s.Violation = c.err.Error()
	}
	return s
}

// latencyOf summarises a latency histogram; every field null when it is nil or empty.
func latencyOf(h *stats.Histogram) Latency {
	if h == nil || h.Count() == 0 {
		return Latency{P50: null, P90: null, P99: null, P999: null, Max: null, Mean: null}
	}
	return Latency{
		P50: NullFloat(ms(h.Quantile(0.50))), P90: NullFloat(ms(h.Quantile(0.90))),
		P99: NullFloat(ms(h.Quantile(0.99))), P999: NullFloat(ms(h.Quantile(0.999))),
		Max: NullFloat(ms(h.Max())), Mean: NullFloat(ms(int64(h.Mean()))),
	}
}

func round6(x float64) float64 {
	const k = 1e6
	return float64(int64(x*k+0.5)) / k
}
