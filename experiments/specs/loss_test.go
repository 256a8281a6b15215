package specs

import (
	"strconv"
	"testing"
)

// TestLoss: loss costs availability, election time and the commit latency's tail, for every n: at 0
// the cluster is available almost all the time (but the first election and the crash), and at 30%
// availability is lower, the election after the crash longer and the 99th percentile of commit latency
// higher than at 0. Every trial measures the one election after the crash. In -short mode it runs 8
// trials per point and leaves docs/figures alone; at full size (make readme) its figure must be
// docs/figures/loss.png.
func TestLoss(t *testing.T) {
	trials := 0
	if testing.Short() {
		trials = 8
	}
	tab, _ := runBuiltinTrials(t, "loss", trials)
	if len(tab.Rows) != 21 {
		t.Fatalf("%d points, want 21", len(tab.Rows))
	}
	type key struct {
		n    int
		loss string
	}
	avail, down, p99 := map[key]float64{}, map[key]float64{}, map[key]float64{}
	for _, row := range tab.Rows {
		n, _ := strconv.Atoi(row[tab.Index("nodes")])
		k := key{n, row[tab.Index("loss")]}
		avail[k] = cell(t, tab, row, "availability_after_mean")
		down[k] = cell(t, tab, row, "election_downtime_ms_mean")
		p99[k] = cell(t, tab, row, "latency_p99_ms_mean")
		if c := cell(t, tab, row, "election_downtime_ms_n"); c != cell(t, tab, row, "availability_after_n") {
			t.Errorf("%v: election downtime measured in %v trials of %v", k, c, cell(t, tab, row, "availability_after_n"))
		}
	}
	for _, n := range []int{3, 5, 7} {
		lo, hi := key{n, "0"}, key{n, "0.3"}
		if avail[lo] < 0.98 {
			t.Errorf("n=%d, no loss: availability %v, want at least 0.98", n, avail[lo])
		}
		if !(avail[hi] < avail[lo] && down[hi] > down[lo] && p99[hi] > p99[lo]) {
			t.Errorf("n=%d: at loss 0 and 0.3, availability %v and %v, downtime %v and %v ms, p99 %v and %v ms: want loss to cost all three",
				n, avail[lo], avail[hi], down[lo], down[hi], p99[lo], p99[hi])
		}
	}
}
