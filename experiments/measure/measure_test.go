package measure

import (
	"math"
	"testing"

	"github.com/raftsim/raftsim/cluster"
)

func TestRow(t *testing.T) {
	s := cluster.Summary{
		Availability: 0.9, AvailabilityAfter: 0.95,
		ClientOps:        cluster.ClientOps{OK: 100, Failed: 4, OKAfter: 90, InvokedAfter: 96},
		ElectionDowntime: cluster.Downtime{Count: 2, MeanMS: 180, TermsPerElection: 2, Terms: 4, SplitVotes: 1},
		CommitLatencyMS:  cluster.Latency{P50: 5, P90: 6, P99: 7, P999: 8, Max: 500, Mean: 5.5},
		Messages:         1000, Bytes: 50000, LeaderBytes: 30000, MaxNodeBytes: 31000,
		Traffic: map[string]cluster.Traffic{"append": {Bytes: 20000}, "client": {Bytes: 9000}},
		Commits: 102, Elections: 3, LeaderChanges: 2, MaxTerm: 3, Events: 7777,
	}
	row := Row(&s)
	if len(row) != len(Names) {
		t.Fatalf("%d values for %d names", len(row), len(Names))
	}
	get := func(name string) float64 { return row[Index(name)] }
	for name, want := range map[string]float64{
		"availability": 0.9, "availability_after": 0.95, "success_rate": 90.0 / 96,
		"election_downtime_ms": 180, "terms_per_election": 2, "split_votes": 1, "extra_terms": 2,
		"latency_max_ms": 500, "msgs_per_op": 10, "bytes_per_op": 500, "leader_bytes_per_op": 300,
		"max_node_bytes_per_op": 310, "append_bytes_per_op": 200, "client_bytes_per_op": 90,
		"probe_bytes_per_op": 0, "events": 7777,
	} {
		if got := get(name); got != want {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	if Index("no such measure") != -1 {
		t.Error("Index of an unknown measure")
	}

	// Undefined measures are NaN; an unfinished election is +Inf.
	s = cluster.Summary{ElectionDowntime: cluster.Downtime{Unfinished: 1}}
	row = Row(&s)
	for _, name := range []string{"success_rate", "latency_p50_ms", "bytes_per_op", "terms_per_election"} {
		if !math.IsNaN(row[Index(name)]) {
			t.Errorf("%s = %v with no operation or finished election, want NaN", name, row[Index(name)])
		}
	}
	if d := row[Index("election_downtime_ms")]; !math.IsInf(d, 1) {
		t.Errorf("unfinished election: downtime %v, want +Inf", d)
	}

	// A summary's null stays NaN: availability of a run that ended at 0 or by measure_from, and every
	// latency when no write succeeded.
	nan := cluster.NullFloat(math.NaN())
	s = cluster.Summary{Availability: nan, AvailabilityAfter: nan, LastCommitMS: nan,
		CommitLatencyMS:  cluster.Latency{P50: nan, P90: nan, P99: nan, P999: nan, Max: nan, Mean: nan},
		ElectionDowntime: cluster.Downtime{MeanMS: nan, MaxMS: nan, TermsPerElection: nan}}
	row = Row(&s)
	for _, name := range []string{"availability", "availability_after", "latency_p50_ms", "latency_mean_ms",
		"election_downtime_ms", "terms_per_election"} {
		if !math.IsNaN(row[Index(name)]) {
			t.Errorf("%s = %v from a null, want NaN", name, row[Index(name)])
		}
	}
}

// TestThroughput: throughput_per_s is the writes invoked in [measure_from, end] and acknowledged, per
// second of that window; refused_fraction the share of open-loop arrivals refused. Each is NaN where the
// run cannot define it: an empty window, no open-loop arrival process, or no arrival yet.
func TestThroughput(t *testing.T) {
	cases := []struct {
		name                string
		s                   cluster.Summary
		throughput, refused float64
	}{
		{"open loop", cluster.Summary{EndMS: 3000, MeasureFromMS: 1000, ClientOps: cluster.ClientOps{OK: 150, OKAfter: 100},
			Arrivals: &cluster.Arrivals{RatePerS: 60, Offered: 200, Refused: 50}}, 50, 0.25},
		{"closed loop", cluster.Summary{EndMS: 2000, ClientOps: cluster.ClientOps{OK: 40, OKAfter: 40}}, 20, math.NaN()},
		{"nothing refused", cluster.Summary{EndMS: 500, ClientOps: cluster.ClientOps{OKAfter: 0},
			Arrivals: &cluster.Arrivals{Offered: 7}}, 0, 0},
		{"no arrival yet", cluster.Summary{EndMS: 1, Arrivals: &cluster.Arrivals{RatePerS: 1}}, 0, math.NaN()},
		{"empty window", cluster.Summary{EndMS: 1000, MeasureFromMS: 1000}, math.NaN(), math.NaN()},
	}
	same := func(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			row := Row(&c.s)
			if got := row[Index("throughput_per_s")]; !same(got, c.throughput) {
				t.Errorf("throughput_per_s = %v, want %v", got, c.throughput)
			}
			if got := row[Index("refused_fraction")]; !same(got, c.refused) {
				t.Errorf("refused_fraction = %v, want %v", got, c.refused)
			}
		})
	}
}
