package specs

import (
	"math"
	"strconv"
	"testing"
)

// TestRollingReplace: in every trial every node is replaced (membership_done is n in all of them, so the
// final configuration is the n new nodes) and the leader's removal costs an election (downtime above 0);
// the learner phase makes the replacement longer, and bytes and time grow with n in both modes. At full
// size, as `make readme` runs it, a direct replace's p99 commit latency during the replacement is above
// the learner's, summed over n: an empty voter counts in the quorum before it can acknowledge. In -short
// mode it runs 8 trials per point, leaves that comparison out (its confidence intervals overlap at
// n = 3 even at 20 trials) and docs/figures alone.
func TestRollingReplace(t *testing.T) {
	trials := 0
	if testing.Short() {
		trials = 8
	}
	tab, _ := runBuiltinTrials(t, "rolling-replace", trials)
	if len(tab.Rows) != 6 {
		t.Fatalf("%d points, want 6", len(tab.Rows))
	}
	type key struct {
		n    int
		mode string
	}
	window, bytes, p99 := map[key]float64{}, map[key]float64{}, map[key]float64{}
	for _, row := range tab.Rows {
		n, _ := strconv.Atoi(row[tab.Index("nodes")])
		k := key{n, row[tab.Index("replace_mode")]}
		if lo, hi := cell(t, tab, row, "membership_done_min"), cell(t, tab, row, "membership_done_max"); lo != float64(n) || hi != float64(n) {
			t.Errorf("%v: %v to %v replaces done per trial, want %d in every trial", k, lo, hi, n)
		}
		if w := cell(t, tab, row, "membership_ms_max"); math.IsInf(w, 1) || math.IsNaN(w) {
			t.Errorf("%v: a replacement unfinished (window max %v)", k, w)
		}
		if d := cell(t, tab, row, "membership_downtime_ms_min"); !(d > 0) {
			t.Errorf("%v: a trial without downtime (%v ms), though every leader is replaced", k, d)
		}
		window[k] = cell(t, tab, row, "membership_ms_mean")
		bytes[k] = cell(t, tab, row, "membership_bytes_mean")
		p99[k] = cell(t, tab, row, "membership_latency_p99_ms_mean")
	}
	var learnerP99, directP99 float64
	for _, n := range []int{3, 5, 7} {
		l, d := key{n, "learner"}, key{n, "direct"}
		if !(window[l] > window[d]) {
			t.Errorf("n=%d: replacement took %v ms with learners, %v ms direct; want learners longer (two more steps per replace)", n, window[l], window[d])
		}
		for _, k := range []key{l, d} {
			if prev := (key{n - 2, k.mode}); n > 3 && !(window[k] > window[prev] && bytes[k] > bytes[prev]) {
				t.Errorf("%v: window %v ms, bytes %v; at n=%d %v ms, %v; want both rising with n", k, window[k], bytes[k], n-2, window[prev], bytes[prev])
			}
		}
		learnerP99 += p99[l]
		directP99 += p99[d]
	}
	if !testing.Short() && !(directP99 > learnerP99) {
		t.Errorf("p99 commit latency during the replacement, summed over n: direct %v ms, learner %v ms; want direct above", directP99, learnerP99)
	}
}
