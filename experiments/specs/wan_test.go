package specs

import (
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/raftsim/raftsim/experiments/results"
)

// TestWAN is acceptance item 4 of issue 8 on the built-in experiment: with the presets' constant
// latencies, in every trial (min and max over the trials), every region's median commit latency is within
// 2% of the prediction, for every n, leader and preset, and so are ReadIndex and lease reads (each trial
// against the prediction for the leader in office at its end). -short runs one trial per point; the
// figures are held to docs/figures once `make readme` has put them there.
func TestWAN(t *testing.T) {
	trials := 0
	if testing.Short() {
		trials = 1
	}
	_, err := os.Stat(filepath.Join("..", "..", "docs", "figures", "wan.png"))
	if trials == 0 && err != nil {
		trials = builtin(t, "wan").Trials + 1 // not yet in docs/figures: run it, but compare no figure
		t.Log("docs/figures/wan.png is not there yet (make readme puts it there): figures not compared")
	}
	_, dir := runBuiltinTrials(t, "wan", trials)
	// Per trial: the prediction is for the leader in office at the trial's end.
	tab, err := results.ReadTable(filepath.Join(dir, results.TrialsFile))
	if err != nil {
		t.Fatal(err)
	}
	wantRows := 2 * (3 + 5 + 7) * 4 * max(trials, 1)
	if trials == 0 {
		wantRows = 2 * (3 + 5 + 7) * 4 * builtin(t, "wan").Trials
	}
	if len(tab.Rows) != wantRows {
		t.Fatalf("%d trials, want %d", len(tab.Rows), wantRows)
	}
	regions := map[string]int{"aws3": 3, "aws5": 5}
	checked := 0
	for _, row := range tab.Rows {
		preset, op := row[tab.Index("preset")], row[tab.Index("op")]
		n, _ := strconv.Atoi(row[tab.Index("nodes")])
		what, pred := "latency_p50_ms", "predicted_ms"
		if op == "read_index" || op == "lease" {
			what, pred = "read_latency_p50_ms", "predicted_read_ms"
		}
		// A region with no node (n < R) still has its client, which reaches the leader across regions.
		for k := 1; k <= regions[preset]; k++ {
			r := "region" + strconv.Itoa(k) + "_"
			got, want := cell(t, tab, row, r+what), cell(t, tab, row, r+pred)
			if math.IsNaN(got) || math.IsNaN(want) || math.Abs(got-want) > 0.02*want {
				t.Errorf("%s n=%d bootstrap=%s %s trial %s: region %d's median %v ms, predicted %v ms: more than 2%% apart",
					preset, n, row[tab.Index("bootstrap")], op, row[tab.Index("trial")], k, got, want)
			}
			checked++
		}
	}
	if checked == 0 {
		t.Fatal("nothing checked")
	}
}
