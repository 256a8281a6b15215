package cluster

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/raftsim/raftsim/models/fault"
)

// filterRun runs 3 nodes for 3s, node 1 leading from the start, with the given filters; it returns the
// trace without its fault lines (a filter's own line) and the summary.
func filterRun(t *testing.T, filters ...string) ([]byte, Summary) {
	t.Helper()
	cfg := Default()
	cfg.Nodes, cfg.Seed, cfg.Duration = 3, 3, 3*time.Second
	cfg.Bootstrap = 1
	cfg.Check = true
	cfg.Link.Loss = 0.01 // the links draw: a filter must leave their streams alone
	for _, f := range filters {
		evs, err := fault.ParseFilter(f, cfg.Nodes)
		if err != nil {
			t.Fatal(err)
		}
		cfg.Faults = append(cfg.Faults, evs...)
	}
	fault.Sort(cfg.Faults)
	var b bytes.Buffer
	cfg.Trace = &b
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	s, err := c.Run()
	if err != nil {
		t.Fatal(err)
	}
	var out []byte
	for line := range bytes.Lines(b.Bytes()) {
		if !bytes.Contains(line, []byte(`"ev":"fault"`)) {
			out = append(out, line...)
		}
	}
	return out, s
}

// TestFilterNeutral: a filter that matches nothing (a type never sent, or a span after the run) leaves
// the run as it was, event for event: it draws nothing and changes no order.
func TestFilterNeutral(t *testing.T) {
	base, _ := filterRun(t)
	for _, f := range []string{
		"drop timeout_now * @0s",          // no transfer: never sent
		"drop all * @10s",                 // after the run
		"delay:1h snap 1->2,2<->3 @500ms", // nothing to snapshot
	} {
		got, s := filterRun(t, f)
		if !bytes.Equal(got, base) {
			t.Errorf("%s changed the run", f)
		}
		if n, ok := s.Dropped["filter"]; !ok || n != 0 {
			t.Errorf("%s: dropped.filter = %d, %v; want 0, listed", f, n, ok)
		}
	}
	if _, s := filterRun(t); s.Dropped["filter"] != 0 {
		t.Error("dropped.filter listed in a run without filters")
	} else if _, ok := s.Dropped["filter"]; ok {
		t.Error("dropped.filter listed in a run without filters: summaries without filters must read as before")
	}
}

// TestFilterEffect: dropping the leader's AppendEntries and heartbeats to both followers for a second
// makes them elect another leader, and the drops are counted; delaying only votes by more than the
// election timeout range leaves the leader in office (it sends none) while it lasts.
func TestFilterEffect(t *testing.T) {
	_, base := filterRun(t)
	if base.LeaderChanges != 1 {
		t.Fatalf("baseline: %d elections won, want 1 (the bootstrap)", base.LeaderChanges)
	}
	_, s := filterRun(t, "drop append 1->* @1s-2s")
	if s.LeaderChanges < 2 {
		t.Errorf("appends from the leader dropped for 1s: %d elections won, want another leader", s.LeaderChanges)
	}
	if s.Dropped["filter"] == 0 {
		t.Error("no drop counted under filter")
	}
	if len(s.Faults) != 1 || !strings.Contains(s.Faults[0].Effect, "dropping app+heartbeat on 1->* until 2s") {
		t.Errorf("fault timeline: %+v", s.Faults)
	}
	_, v := filterRun(t, "delay:1s votes * @1s-2s")
	if v.LeaderChanges != 1 || v.Dropped["filter"] != 0 {
		t.Errorf("votes delayed while nobody votes: %d elections won, %d filtered; want 1, 0", v.LeaderChanges, v.Dropped["filter"])
	}
}

// TestFilterValidate: a filter naming a node outside the run is refused, naming the filter.
func TestFilterValidate(t *testing.T) {
	cfg := Default()
	cfg.Nodes = 3
	evs, err := fault.ParseFilter("drop app 1->5 @1s", 5)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Faults = evs
	if err := cfg.Validate(); err == nil || !strings.HasPrefix(err.Error(), "filter: ") || !strings.Contains(err.Error(), "node 5 is not in 1..3") {
		t.Fatalf("Validate: %v", err)
	}
}
