package cluster

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/raftsim/raftsim/models/fault"
	"github.com/raftsim/raftsim/models/latency"
	"github.com/raftsim/raftsim/network"
	"github.com/raftsim/raftsim/sim"
)

// The repair tests' world: five nodes, a leader elected well before the faults at 1s, the repair at
// repairAt, and a run that ends livenessElections maximum election timeouts after it, the bound the
// liveness phase is held to, so that a liveness measure the bound does not hold is null.
const (
	repairAt          = 3 * time.Second
	livenessElections = 10
)

func repairConfig() Config {
	cfg := Default()
	cfg.Clients = 3
	cfg.Workload.ReadRatio = 0.3
	cfg.Check = true
	cfg.Duration = repairAt + livenessElections*cfg.ElectionMax
	cfg.MeasureFrom = repairAt
	return cfg
}

// parseEvents parses one schedule entry's events for the repair tests' five nodes.
func parseEvents(t *testing.T, parse func(string, int) ([]fault.Event, error), s string) []fault.Event {
	t.Helper()
	es, err := parse(s, 5)
	if err != nil {
		t.Fatal(err)
	}
	return es
}

// probe counts what the network did up to an instant: it fires before any fault of that instant.
type probe struct {
	loss, dup uint64
}

// runProbed runs cfg with a probe of the network's counters at repairAt, before the repair there (the
// fault schedule's places come after every event scheduled before the run starts).
func runProbed(t *testing.T, cfg Config) (Summary, probe, *Cluster) {
	t.Helper()
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var p probe
	c.loop.At(sim.Time(repairAt), sim.HandlerFunc(func(uint64) {
		p = probe{loss: c.net.Drops[network.DropLoss], dup: c.net.Duplicated}
	}), 0)
	s, err := c.Run()
	if err != nil {
		t.Fatal(err)
	}
	return s, p, c
}

// TestRepair: each kind of fault, left broken at the repair, is repaired: within 10 election timeouts
// a leader holds a working majority, a write and a read invoked after the repair complete. The same run
// without the repair shows the fault still acting after repairAt: no write invoked then commits, or
// (for faults Raft rides out) the network still loses or duplicates, so each case could fail.
func TestRepair(t *testing.T) {
	type check uint8
	const (
		stuck  check = iota // without the repair no write invoked after repairAt commits
		losing              // without the repair messages are still lost after repairAt
		duping              // without the repair messages are still duplicated after repairAt
		reordering
	)
	nodes := func(kind string, form string) func(t *testing.T, cfg *Config) {
		return func(t *testing.T, cfg *Config) {
			var parse func(string, int) ([]fault.Event, error)
			switch kind {
			case "crash":
				parse = fault.ParseCrash
			case "isolate":
				parse = fault.ParseIsolate
			case "pause":
				parse = fault.ParsePause
			case "disk-stall":
				parse = fault.ParseDiskStall
			case "disk-slow":
				parse = fault.ParseDiskSlow
			case "partition":
				parse = fault.ParsePartition
			case "cut":
				parse = fault.ParseCut
			case "filter":
				parse = fault.ParseFilter
			}
			cfg.Faults = append(cfg.Faults, parseEvents(t, parse, form)...)
		}
	}
	tests := []struct {
		name  string
		fault func(t *testing.T, cfg *Config)
		check check
	}{
		{"crash a majority", nodes("crash", "1@1s,2@1s,3@1s"), stuck},
		{"crash the leader and another", nodes("crash", "leader+2@1s"), stuck},
		{"isolate a majority", nodes("isolate", "1@1s,2@1s,3@1s"), stuck},
		{"partition into minorities", nodes("partition", "1s:1|2|3|4,5"), stuck},
		{"cut one direction", nodes("cut", "1s:1->2,1->3,1->4,1->5,2->3,2->4,2->5,3->4,3->5,4->5"), stuck},
		{"pause a majority", nodes("pause", "1@1s:1h,2@1s:1h,3@1s:1h"), stuck},
		{"disk stall for ever", nodes("disk-stall", "1@1s:forever,2@1s:forever,3@1s:forever"), stuck},
		{"disk slow", nodes("disk-slow", "1@1s=const:1h,2@1s=const:1h,3@1s=const:1h"), stuck},
		{"drop filter for ever", nodes("filter", "drop all * @1s"), stuck},
		{"flap", func(_ *testing.T, cfg *Config) {
			cfg.Flap = &LinkFlap{Up: latency.MustParse("const:1s"), Down: latency.MustParse("const:1h")}
		}, stuck},
		{"loss 0.5", func(_ *testing.T, cfg *Config) { cfg.Link.Loss = 0.5 }, losing},
		{"dup", func(_ *testing.T, cfg *Config) { cfg.Link.Dup = 0.5 }, duping},
		{"reorder", func(_ *testing.T, cfg *Config) { cfg.Link.Reorder = 0.5 }, reordering},
	}
	bound := float64(livenessElections * Default().ElectionMax / time.Millisecond)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := repairConfig()
			tt.fault(t, &cfg)
			fault.Sort(cfg.Faults)
			broken, bp, bc := runProbed(t, cfg)
			cfg.Faults = append(cfg.Faults, fault.Event{At: repairAt, Kind: fault.Repair})
			fault.Sort(cfg.Faults)
			s, p, c := runProbed(t, cfg)

			l := s.Liveness
			if l == nil {
				t.Fatal("no liveness measures after a repair")
			}
			t.Logf("leader %vms, commit %vms, read %vms after the repair", l.LeaderMS, l.CommitMS, l.ReadMS)
			if l.RepairMS != 3000 {
				t.Errorf("repair_ms %v, want 3000", l.RepairMS)
			}
			for _, m := range []struct {
				name string
				v    NullFloat
			}{{"leader_ms", l.LeaderMS}, {"commit_ms", l.CommitMS}, {"read_ms", l.ReadMS}} {
				if !m.v.Valid() || float64(m.v) >= bound {
					t.Errorf("%s = %v, want below %v (10 election timeouts)", m.name, m.v, bound)
				}
			}
			if !(l.LeaderMS <= l.CommitMS) {
				t.Errorf("leader_ms %v after commit_ms %v: a write commits only under a leader", l.LeaderMS, l.CommitMS)
			}
			if !l.LeaderAtEnd {
				t.Error("no working leader at the end")
			}
			if broken.Liveness != nil {
				t.Errorf("liveness measures %+v in a run without a repair", broken.Liveness)
			}
			switch tt.check {
			case stuck:
				if broken.ClientOps.OKAfter != 0 {
					t.Errorf("without the repair, %d writes invoked after it committed: the case does not test the repair", broken.ClientOps.OKAfter)
				}
			case losing:
				if bc.net.Drops[network.DropLoss] == bp.loss {
					t.Error("without the repair, nothing was lost after it: the case does not test the repair")
				}
				if got := c.net.Drops[network.DropLoss]; got != p.loss {
					t.Errorf("%d messages lost after the repair", got-p.loss)
				}
			case duping:
				if bc.net.Duplicated == bp.dup {
					t.Error("without the repair, nothing was duplicated after it: the case does not test the repair")
				}
				if got := c.net.Duplicated; got != p.dup {
					t.Errorf("%d messages duplicated after the repair", got-p.dup)
				}
			case reordering:
				l, _ := bc.graph.Link(1, 2)
				r, _ := c.graph.Link(1, 2)
				if l.Reorder == 0 || r.Reorder != 0 {
					t.Errorf("reorder %v without the repair, %v after it; want 0.5 and 0", l.Reorder, r.Reorder)
				}
			}
			// Every node is up, resumed, on a disk that writes, and every edge carries messages.
			for _, h := range c.hosts {
				if !h.alive || h.paused || h.stallUntil != 0 || h.slowDisk {
					t.Errorf("node %d after the repair: alive %v, paused %v, stalled until %v, slow disk %v", h.id, h.alive, h.paused, h.stallUntil, h.slowDisk)
				}
			}
			if cuts := c.graph.Cuts(); len(cuts) > 0 {
				t.Errorf("edges cut at the end: %v", cuts)
			}
		})
	}
}

// TestRepairStopsFaults: after the repair no fault fires — scripted ones are listed as ignored, the
// drawn ones (chaos, crash-recovery, flaps) are no longer drawn — while the operator's actions (here a
// transfer) still run, and a second repair is ignored too.
func TestRepairStopsFaults(t *testing.T) {
	cfg := repairConfig()
	cfg.Duration = 8 * time.Second
	cfg.Chaos = true // no Until: it would go on to the end
	cfg.ChaosOptions.MeanInterval = 200 * time.Millisecond
	cfg.CrashRecovery = &CrashRecovery{MTTF: latency.MustParse("exp:2s"), MTTR: latency.MustParse("exp:500ms")}
	cfg.Flap = &LinkFlap{Up: latency.MustParse("exp:1s"), Down: latency.MustParse("exp:100ms")}
	after := []fault.Event{
		{At: 4 * time.Second, Kind: fault.Crash, Node: 1},
		{At: 4 * time.Second, Kind: fault.Isolate, Node: 2},
		{At: 4 * time.Second, Kind: fault.Pause, Node: 3, For: time.Hour},
		{At: 4 * time.Second, Kind: fault.DiskStall, Node: 4, Forever: true},
		{At: 4 * time.Second, Kind: fault.DiskSlow, Node: 5, Latency: latency.MustParse("const:1h")},
		{At: 4 * time.Second, Kind: fault.Repair},
		{At: 5 * time.Second, Kind: fault.Transfer, Node: 1},
		{At: 6 * time.Second, Kind: fault.Restart, Node: 1},
		{At: 6 * time.Second, Kind: fault.Heal},
	}
	after = append(after, parseEvents(t, fault.ParseCut, "5s:1<->2")...)
	after = append(after, parseEvents(t, fault.ParsePartition, "5s:1,2|3,4,5")...)
	after = append(after, parseEvents(t, fault.ParseFilter, "drop all * @5s")...)
	cfg.Faults = append([]fault.Event{{At: repairAt, Kind: fault.Repair}}, after...)
	fault.Sort(cfg.Faults)
	s, _, c := runCfg(t, cfg)
	var ignored, transfers int
	for _, h := range s.Faults {
		switch {
		case h.AtMS < 3000:
		case h.AtMS == 3000:
			if h.Fault != "repair 3s" {
				t.Errorf("%+v: at the repair's instant, after it", h)
			}
		case h.Fault == "transfer 1@5s":
			transfers++
			if strings.HasPrefix(h.Effect, "no effect") {
				t.Errorf("%+v: the operator's transfer did not run", h)
			}
		default:
			ignored++
			if h.Effect != "no effect: ignored, after the repair at 3s" || len(h.Nodes) != 0 {
				t.Errorf("%+v: fired after the repair", h)
			}
		}
	}
	if want := len(after) - 1; ignored != want || transfers != 1 {
		t.Errorf("%d faults ignored and %d transfers after the repair, want %d and 1", ignored, transfers, want)
	}
	for _, h := range c.hosts {
		if !h.alive || h.paused || h.stallUntil != 0 || h.slowDisk {
			t.Errorf("node %d: alive %v, paused %v, stalled until %v, slow disk %v", h.id, h.alive, h.paused, h.stallUntil, h.slowDisk)
		}
	}
	if cuts := c.graph.Cuts(); len(cuts) > 0 {
		t.Errorf("edges cut at the end: %v", cuts)
	}
	if l := s.Liveness; l == nil || !l.CommitMS.Valid() || !l.LeaderAtEnd {
		t.Errorf("liveness %+v: want a commit after the repair and a leader at the end", l)
	}
}

// TestRepairNothingBroken: a repair when nothing is broken changes nothing: the run's trace is that of
// the same run without it but for the repair's own line, and the commits are the same.
func TestRepairNothingBroken(t *testing.T) {
	cfg := repairConfig()
	cfg.Link.Latency = latency.MustParse("exp:1ms")
	without, ws := tracedRun(t, cfg)
	cfg.Faults = []fault.Event{{At: repairAt, Kind: fault.Repair}}
	with, s := tracedRun(t, cfg)
	var kept [][]byte
	removed := 0
	for _, line := range bytes.SplitAfter(with, []byte("\n")) {
		if bytes.Contains(line, []byte(`"kind":"repair"`)) {
			removed++
			continue
		}
		kept = append(kept, line)
	}
	if removed != 1 {
		t.Errorf("%d trace lines of the repair, want 1", removed)
	}
	if !bytes.Equal(bytes.Join(kept, nil), without) {
		t.Error("the trace with a repair of nothing differs from the trace without it beyond the repair's line")
	}
	if s.Commits != ws.Commits || s.ClientOps != ws.ClientOps {
		t.Errorf("commits %d, ops %+v with the repair; %d, %+v without", s.Commits, s.ClientOps, ws.Commits, ws.ClientOps)
	}
	if len(s.Faults) != 1 || s.Faults[0].Effect != "nothing was broken; no fault fires from now on" {
		t.Errorf("faults %+v", s.Faults)
	}
	if l := s.Liveness; l == nil || l.LeaderMS != 0 {
		t.Errorf("liveness %+v: want a leader as the repair ended (leader_ms 0)", l)
	}
}

// TestRepairDeterministic: two runs of a repaired world are byte-identical, trace and summary.
func TestRepairDeterministic(t *testing.T) {
	cfg := repairConfig()
	cfg.Chaos = true
	cfg.ChaosOptions.MeanInterval = 300 * time.Millisecond
	cfg.Link.Loss, cfg.Link.Dup, cfg.Link.Reorder = 0.1, 0.1, 0.1
	cfg.Faults = []fault.Event{{At: repairAt, Kind: fault.Repair}}
	a, sa := tracedRun(t, cfg)
	b, sb := tracedRun(t, cfg)
	if !bytes.Equal(a, b) || !bytes.Equal(summaryJSON(t, sa), summaryJSON(t, sb)) {
		t.Fatal("two runs of the same repaired world differ")
	}
	if sa.Liveness == nil {
		t.Fatal("no liveness measures")
	}
}

// TestRepairSummaryWithoutRepair: a run without a repair has no liveness key in its JSON, so that it
// prints what it printed before repairs existed.
func TestRepairSummaryWithoutRepair(t *testing.T) {
	cfg := repairConfig()
	cfg.Duration, cfg.MeasureFrom = time.Second, 0
	s, _, _ := runCfg(t, cfg)
	if b := summaryJSON(t, s); bytes.Contains(b, []byte("liveness")) {
		t.Errorf("summary without a repair has a liveness key: %s", b)
	}
}
