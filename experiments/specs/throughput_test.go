package specs

import (
	"strconv"
	"testing"
)

// TestThroughput: the knee of latency against offered load sits where the leader's CPU saturates
// without batching, at 1 / (n x 20 us) writes per second (each write costs the leader its request and
// the n-1 followers' replies, at a mean 20 us each): at or below 0.8 of that load every arrival is
// taken, the cluster carries what is offered (within 10%, Poisson noise over a 1 s window) and the
// median commit latency stays under 10 ms; at 1.2 times it and beyond the median is above 20 ms, for
// every n, so the knee moves down as n grows. In -short mode it runs 1 trial per point and leaves
// docs/figures alone; at full size the figure must be docs/figures/throughput.png once make readme has
// put it there.
func TestThroughput(t *testing.T) {
	tab := runNewBuiltin(t, "throughput", 1)
	if len(tab.Rows) != 4*14 {
		t.Fatalf("%d points, want 56", len(tab.Rows))
	}
	const service = 20e-6 // seconds of CPU per message, the spec's all:cpu=exp:20us
	below, above := map[int]int{}, map[int]int{}
	for _, row := range tab.Rows {
		n, err := strconv.Atoi(row[tab.Index("nodes")])
		if err != nil {
			t.Fatal(err)
		}
		rate := cell(t, tab, row, "arrival_rate")
		knee := 1 / (float64(n) * service)
		p50 := cell(t, tab, row, "latency_p50_ms_mean")
		switch {
		case rate <= 0.8*knee:
			below[n]++
			if got := cell(t, tab, row, "throughput_per_s_mean"); got < 0.9*rate || got > 1.1*rate {
				t.Errorf("n=%d, %v/s offered (knee %.0f/s): %v/s carried, want the offered load", n, rate, knee, got)
			}
			if r := cell(t, tab, row, "refused_fraction_max"); r != 0 {
				t.Errorf("n=%d, %v/s offered (knee %.0f/s): %v of the arrivals refused", n, rate, knee, r)
			}
			if p50 >= 10 {
				t.Errorf("n=%d, %v/s offered (knee %.0f/s): p50 commit latency %v ms, want below 10 ms", n, rate, knee, p50)
			}
		case rate >= 1.2*knee:
			above[n]++
			if p50 <= 20 {
				t.Errorf("n=%d, %v/s offered (knee %.0f/s): p50 commit latency %v ms, want above 20 ms", n, rate, knee, p50)
			}
		}
	}
	for _, n := range []int{3, 5, 7, 9} {
		if below[n] == 0 || above[n] == 0 {
			t.Errorf("n=%d: %d loads below the knee and %d above it, want some of each", n, below[n], above[n])
		}
	}
}
