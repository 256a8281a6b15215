package cluster

import (
	"math"
	"testing"
	"time"
)

// The membership window runs from the first event's firing to the last one's "done", less the gaps
// between events that did not overlap; its measures lie within the run's. A run without membership
// events has no window.
func TestMembershipWindow(t *testing.T) {
	for _, tc := range []struct {
		name    string
		entries []string
		direct  bool
	}{
		{"back to back, learner", []string{"replace 1:4@2s", "replace 2:5@2s", "replace 3:6@2s"}, false},
		{"back to back, direct", []string{"replace 1:4@2s", "replace 2:5@2s", "replace 3:6@2s"}, true},
		{"apart", []string{"replace 1:4@2s", "replace 2:5@6s", "replace 3:6@10s"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := Default()
			cfg.Nodes, cfg.Duration, cfg.Clients, cfg.Check, cfg.ReplaceDirect = 3, 14*time.Second, 4, true, tc.direct
			cfg.Faults = events(t, tc.entries...)
			c, err := New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			sum, err := c.Run()
			if err != nil {
				t.Fatal(err)
			}
			w := sum.Membership
			if w == nil {
				t.Fatal("no membership window")
			}
			if w.Done != 3 || w.Unfinished != 0 {
				t.Fatalf("done %d, unfinished %d; want 3 and 0", w.Done, w.Unfinished)
			}
			// The window's length from the timeline: each event fires at its time (or when the one
			// before it is done, if later) and ends at its "done".
			var want, prevDone float64
			fired := map[string]float64{}
			for _, h := range sum.Faults {
				if _, ok := fired[h.Fault]; !ok {
					fired[h.Fault] = h.AtMS
				}
				if h.Effect == "done" {
					want += h.AtMS - max(fired[h.Fault], prevDone)
					prevDone = h.AtMS
				}
			}
			if math.Abs(float64(w.TimeMS)-want) > 1e-6 {
				t.Errorf("window %v ms, the timeline gives %v ms", w.TimeMS, want)
			}
			if !(w.Availability >= 0 && w.Availability <= 1) {
				t.Errorf("availability %v within the window", w.Availability)
			}
			// Up time within the window is up time of the run.
			if up, total := float64(w.Availability)*float64(w.TimeMS), float64(sum.Availability)*sum.EndMS; up > total+1 {
				t.Errorf("up %v ms within the window, %v ms in the whole run", up, total)
			}
			if w.Bytes == 0 || w.Bytes >= sum.Bytes {
				t.Errorf("bytes %d within the window, %d in the run", w.Bytes, sum.Bytes)
			}
			if !w.LatencyMS.P50.Valid() || w.LatencyMS.Max > sum.CommitLatencyMS.Max {
				t.Errorf("latency within the window %+v, the run's max %v", w.LatencyMS, sum.CommitLatencyMS.Max)
			}
		})
	}
}

// An event that cannot be carried out (no majority is left to commit it) leaves the window open to the
// end of the run, unavailable throughout; a run with no membership event has no window.
func TestMembershipWindowUnfinished(t *testing.T) {
	cfg := Default()
	cfg.Nodes, cfg.Duration, cfg.Clients = 3, 6*time.Second, 2
	cfg.Faults = events(t, "crash 2@1s", "crash 3@1s", "replace 1:4@2s")
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := c.Run()
	if err != nil {
		t.Fatal(err)
	}
	w := sum.Membership
	if w == nil || w.Done != 0 || w.Unfinished != 1 || w.TimeMS != 4000 || w.Availability != 0 || w.DowntimeMS != 4000 {
		t.Fatalf("window %+v; want 0 done, 1 unfinished, 4000 ms, availability 0, downtime 4000 ms", w)
	}
	cfg.Faults = events(t, "crash 2@1s")
	c, err = New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if sum, err = c.Run(); err != nil || sum.Membership != nil {
		t.Fatalf("no membership event: window %+v, %v", sum.Membership, err)
	}
}
