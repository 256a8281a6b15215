package specs

import (
	"strconv"
	"strings"
	"testing"
)

// TestDrift (issue 8, acceptance 5): lease reads are never stale, in any trial, when the assumed bound
// clock_drift is at least the leader clock's actual drift (0 for exact, 0.1, 0.25, 0.5 for the slow
// clocks: node 1's clock_rate is 1/(1+drift)), and stale reads appear, on average over the trials, with
// the 25% and 50% slow clocks under a bound of 0. In -short mode it runs 10 trials per point and leaves
// docs/figures alone; at full size the figure must be docs/figures/drift.png (make readme).
func TestDrift(t *testing.T) {
	trials := 0
	if testing.Short() {
		trials = 10
	}
	tab, _ := runBuiltinTrials(t, "drift", trials)
	actual := map[string]float64{"exact": 0, "slow-10pct": 0.1, "slow-25pct": 0.25, "slow-50pct": 0.5}
	if len(tab.Rows) != 4*10 {
		t.Fatalf("%d points, want 40", len(tab.Rows))
	}
	for _, row := range tab.Rows {
		clock := row[tab.Index("leader_clock")]
		bound, err := strconv.ParseFloat(row[tab.Index("clock_drift")], 64)
		if err != nil {
			t.Fatal(err)
		}
		drift, ok := actual[clock]
		if !ok {
			t.Fatalf("unknown leader_clock %q", clock)
		}
		if reads := cell(t, tab, row, "reads_ok_min"); !(reads > 0) {
			t.Errorf("%s, bound %v: a trial served no read", clock, bound)
		}
		stale := cell(t, tab, row, "stale_reads_max")
		if bound >= drift && stale != 0 {
			t.Errorf("%s, bound %v >= drift %v: a trial served %v stale reads", clock, bound, drift, stale)
		}
		if bound == 0 && drift >= 0.25 && !(cell(t, tab, row, "stale_reads_mean") > 0) {
			t.Errorf("%s, bound 0: no stale read in any trial", clock)
		}
	}
}

// TestDriftWarnings: the drift sweep warns of clocks outside the lease's assumption at exactly its points
// whose bound is below the leader clock's actual drift (15 of the 40), the points where stale reads may
// come (TestDrift): the warning and the measure agree on where the lease stops being safe.
func TestDriftWarnings(t *testing.T) {
	plan, err := builtin(t, "drift").Plan()
	if err != nil {
		t.Fatal(err)
	}
	actual := map[string]float64{"exact": 0, "slow-10pct": 0.1, "slow-25pct": 0.25, "slow-50pct": 0.5}
	warned := 0
	for _, p := range plan.Points {
		want := p.Config.ClockDrift < actual[p.Coords[0].Value]
		got := false
		for _, w := range p.Config.Warnings() {
			got = got || strings.HasPrefix(w, "lease reads with clocks outside clock_drift")
		}
		if got != want {
			t.Errorf("%s: warned %v, want %v", p.Key(), got, want)
		}
		if got {
			warned++
		}
	}
	if warned != 15 {
		t.Errorf("%d points warned, want 15", warned)
	}
}
