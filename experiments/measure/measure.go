package measure

import (
	"math"
	"strconv"

	"github.com/raftsim/raftsim/cluster"
)

// Names are the measures, in the order of a Row.
var Names = []string{
	"availability",
	"availability_after",
	"success_rate",
	"ops_ok",
	"ops_failed",
	"election_downtime_ms",
	"elections_measured",
	"terms_per_election",
	"split_votes",
	"extra_terms",
	"latency_p50_ms",
	"latency_p90_ms",
	"latency_p99_ms",
	"latency_p999_ms",
	"latency_max_ms",
	"latency_mean_ms",
	"msgs_per_op",
	"bytes_per_op",
	"leader_bytes_per_op",
	"max_node_bytes_per_op",
	"append_bytes_per_op",
	"probe_bytes_per_op",
	"heartbeat_bytes_per_op",
	"vote_bytes_per_op",
	"reply_bytes_per_op",
	"client_bytes_per_op",
	"commits",
	"elections",
	"leader_changes",
	"max_term",
	"events",
	"reads_ok",
	"read_latency_p50_ms",
	"read_latency_p99_ms",
	"transfer_time_ms",
	"membership_done",
	"membership_ms",
	"membership_availability",
	"membership_downtime_ms",
	"membership_latency_p50_ms",
	"membership_latency_p99_ms",
	"membership_bytes",
	// roles: the partial-partition experiment's question
	"recovery_ms",
	// Per-node settings and gray failures (issue 8, "node").
	"stale_reads",
	// The throughput experiment (issue 8, second wave, "exp2"): what an open-loop load achieved.
	"throughput_per_s",
	"refused_fraction",
}

// MaxRegions is how many regions have measures of their own (regionK_*, K from 1, in the topology's
// order of regions): the largest built-in preset's.
const MaxRegions = 5

// regionMeasures are the measures of one region, each named regionK_ + the name.
var regionMeasures = []string{"latency_p50_ms", "latency_p99_ms", "predicted_ms", "read_latency_p50_ms", "predicted_read_ms"}

func init() {
	for k := 1; k <= MaxRegions; k++ {
		for _, m := range regionMeasures {
			Names = append(Names, "region"+strconv.Itoa(k)+"_"+m)
		}
	}
}

// Index returns the position of a measure in a Row, or -1.
func Index(name string) int {
	for i, n := range Names {
		if n == name {
			return i
		}
	}
	return -1
}

// Row computes the measures of one run from its summary.
func Row(s *cluster.Summary) []float64 {
	nan := math.NaN()
	perOp := func(x uint64) float64 {
		if s.ClientOps.OK == 0 {
			return nan
		}
		return float64(x) / float64(s.ClientOps.OK)
	}
	success := nan
	if s.ClientOps.InvokedAfter > 0 {
		success = float64(s.ClientOps.OKAfter) / float64(s.ClientOps.InvokedAfter)
	}
	d := s.ElectionDowntime
	downtime, terms, splits, extra := nan, nan, nan, nan
	switch {
	case d.Unfinished > 0:
		downtime = math.Inf(1)
	case d.Count > 0:
		downtime = float64(d.MeanMS)
	}
	if d.Count > 0 {
		terms = float64(d.TermsPerElection)
		splits = float64(d.SplitVotes)
		extra = float64(d.Terms - d.Count)
	}
	l := s.CommitLatencyMS
	lat := []float64{float64(l.P50), float64(l.P90), float64(l.P99), float64(l.P999), float64(l.Max), float64(l.Mean)}
	if s.ClientOps.OK == 0 {
		for i := range lat {
			lat[i] = nan
		}
	}
	cls := func(name string) float64 { return perOp(s.Traffic[name].Bytes) }
	readsOK, readP50, readP99, stale := nan, nan, nan, nan
	if r := s.Reads; r != nil {
		readsOK, stale = float64(r.OK), float64(r.Stale)
		if r.OK > 0 {
			readP50, readP99 = float64(r.LatencyMS.P50), float64(r.LatencyMS.P99)
		}
	}
	transfer := nan
	if t := s.Transfers; t != nil {
		switch {
		case t.Unfinished > 0:
			transfer = math.Inf(1)
		case t.Done > 0:
			transfer = float64(t.MeanMS)
		}
	}
	mDone, mTime, mAvail, mDown, mP50, mP99, mBytes := nan, nan, nan, nan, nan, nan, nan
	if w := s.Membership; w != nil {
		mDone, mTime, mAvail, mDown, mBytes = float64(w.Done), float64(w.TimeMS), float64(w.Availability), w.DowntimeMS, float64(w.Bytes)
		if w.Unfinished > 0 {
			mTime = math.Inf(1)
		}
		mP50, mP99 = float64(w.LatencyMS.P50), float64(w.LatencyMS.P99)
	}
	recovery := nan
	if r := s.Recovery; r != nil {
		recovery = math.Inf(1) // no stable leader by the end
		if r.MS.Valid() {
			recovery = float64(r.MS)
		}
	}
	// Writes invoked in [measure_from, end] and acknowledged by the end, per second of that window.
	throughput := nan
	if w := s.EndMS - s.MeasureFromMS; w > 0 {
		throughput = float64(s.ClientOps.OKAfter) / (w / 1000)
	}
	refused := nan
	if a := s.Arrivals; a != nil && a.Offered > 0 {
		refused = float64(a.Refused) / float64(a.Offered)
	}
	row := []float64{
		float64(s.Availability), // NaN when the run had no time to measure
		float64(s.AvailabilityAfter),
		success,
		float64(s.ClientOps.OK),
		float64(s.ClientOps.Failed),
		downtime,
		float64(d.Count),
		terms,
		splits,
		extra,
		lat[0], lat[1], lat[2], lat[3], lat[4], lat[5],
		perOp(s.Messages),
		perOp(s.Bytes),
		perOp(s.LeaderBytes),
		perOp(s.MaxNodeBytes),
		cls("append"), cls("probe"), cls("heartbeat"), cls("vote"), cls("reply"), cls("client"),
		float64(s.Commits),
		float64(s.Elections),
		float64(s.LeaderChanges),
		float64(s.MaxTerm),
		float64(s.Events),
		readsOK, readP50, readP99,
		transfer,
		mDone, mTime, mAvail, mDown, mP50, mP99, mBytes,
		recovery,
		stale,
		throughput, refused,
	}
	for k := range MaxRegions {
		if k >= len(s.Regions) {
			row = append(row, nan, nan, nan, nan, nan)
			continue
		}
		r := &s.Regions[k]
		p50, p99, readP50, predRead := nan, nan, nan, nan
		if r.Writes.OK > 0 {
			p50, p99 = float64(r.CommitLatencyMS.P50), float64(r.CommitLatencyMS.P99)
		}
		if r.Reads != nil {
			predRead = float64(r.PredictedReadMS)
			if r.Reads.OK > 0 {
				readP50 = float64(r.Reads.LatencyMS.P50)
			}
		}
		row = append(row, p50, p99, float64(r.PredictedCommitMS), readP50, predRead)
	}
	if len(row) != len(Names) {
		panic("measure: Row and Names disagree")
	}
	return row
}
