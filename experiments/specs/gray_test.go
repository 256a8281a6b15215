package specs

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/raftsim/raftsim/experiments/figures"
	"github.com/raftsim/raftsim/experiments/results"
	"github.com/raftsim/raftsim/experiments/sweep"
)

// runNewBuiltin runs a built-in added after the last `make readme`: with shortTrials trials per point in
// -short mode, and at full size otherwise, holding its figure to docs/figures only once that exists (the
// lead's make readme puts it there; from then on runBuiltinTrials' comparison applies).
func runNewBuiltin(t *testing.T, name string, shortTrials int) *results.Table {
	t.Helper()
	if testing.Short() {
		tab, _ := runBuiltinTrials(t, name, shortTrials)
		return tab
	}
	if _, err := os.Stat(filepath.Join("..", "..", "docs", "figures", name+".png")); err == nil {
		tab, _ := runBuiltinTrials(t, name, 0)
		return tab
	}
	t.Logf("no docs/figures/%s.png yet: the figure is drawn but not compared (make readme)", name)
	s := builtin(t, name)
	plan, err := s.Plan()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if _, err := sweep.Run(context.Background(), plan, sweep.Options{Out: dir}); err != nil {
		t.Fatal(err)
	}
	if _, err := figures.Draw(context.Background(), s, dir); err != nil {
		t.Fatal(err)
	}
	tab, err := results.ReadTable(filepath.Join(dir, results.SummaryFile))
	if err != nil {
		t.Fatal(err)
	}
	return tab
}

// TestGray: a paused leader is replaced in every trial (a second election won), and the writes that
// arrived while it was paused wait for the client's 500 ms timeout and a retry, so the p99 commit latency
// exceeds 500 ms; a slow or stalled disk, of the leader or of a follower, and a paused follower are
// masked by the majority — no trial elects again, and the p99 commit latency stays within 20% of the
// same cluster without a fault (a leader's own disk write runs in parallel with its AppendEntries and it
// commits on its followers' writes, thesis §10.2.1). Every write succeeds, and availability from the
// fault on stays above 0.99 (it counts a paused leader until its followers' timers fire). For every n,
// with and without CheckQuorum. In -short mode it runs 3 trials per point and leaves docs/figures
// alone; at full size the figure must be docs/figures/gray.png once make readme has put it there.
func TestGray(t *testing.T) {
	tab := runNewBuiltin(t, "gray", 3)
	if len(tab.Rows) != 3*2*7 {
		t.Fatalf("%d points, want 42", len(tab.Rows))
	}
	base := map[string]float64{} // p99 without a fault, by nodes and check_quorum
	key := func(row []string) string { return row[tab.Index("nodes")] + "/" + row[tab.Index("check_quorum")] }
	for _, row := range tab.Rows {
		if row[tab.Index("fault")] == "none" {
			base[key(row)] = cell(t, tab, row, "latency_p99_ms_mean")
		}
	}
	for _, row := range tab.Rows {
		fault, k := row[tab.Index("fault")], key(row)
		where := k + " " + fault
		if f := cell(t, tab, row, "ops_failed_max"); f != 0 {
			t.Errorf("%s: %v writes failed in a trial", where, f)
		}
		a := cell(t, tab, row, "availability_after_min")
		p99 := cell(t, tab, row, "latency_p99_ms_mean")
		if fault == "leader-pause" {
			// A paused leader serves nothing, though its followers cannot tell until their election
			// timeout: the window (7 s) loses that election, a few hundred ms, and no more than two
			// maximum timeouts (600 ms, availability 0.914).
			if !(a < 0.99 && a >= 0.9) {
				t.Errorf("%s: availability %v in a trial, want from 0.9 to 0.99: the pause and the election it takes", where, a)
			}
			if c := cell(t, tab, row, "leader_changes_min"); c < 2 {
				t.Errorf("%s: a trial with %v leader changes: the paused leader was not replaced", where, c)
			}
			if p99 < 500 {
				t.Errorf("%s: p99 commit latency %v ms, want above the 500 ms client timeout", where, p99)
			}
			continue
		}
		if a < 0.99 {
			t.Errorf("%s: availability %v in a trial, want at least 0.99", where, a)
		}
		if c := cell(t, tab, row, "leader_changes_max"); c != 1 {
			t.Errorf("%s: a trial with %v leader changes, want the first leader only", where, c)
		}
		if b := base[k]; !(p99 <= 1.2*b) {
			t.Errorf("%s: p99 commit latency %v ms, without a fault %v ms: want the fault masked", where, p99, b)
		}
	}
}
