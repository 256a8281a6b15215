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
