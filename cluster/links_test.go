package cluster

import (
	"bytes"
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/raftsim/raftsim/models/fault"
	"github.com/raftsim/raftsim/models/latency"
	"github.com/raftsim/raftsim/topology"
)

// linksRun runs 3 nodes and 2 clients for 3s with Check on, after edit; it returns the trace and the
// summary.
func linksRun(t *testing.T, edit func(*Config)) ([]byte, Summary) {
	t.Helper()
	cfg := Default()
	cfg.Nodes, cfg.Clients, cfg.Seed, cfg.Duration = 3, 2, 5, 3*time.Second
	cfg.Check = true
	edit(&cfg)
	return tracedRun(t, cfg)
}

// TestLinksNeutral: dup 0, reorder 0, and client settings equal to the nodes' run exactly as without
// them, event for event: nothing more is drawn.
func TestLinksNeutral(t *testing.T) {
	lossy := func(c *Config) { c.Link.Loss = 0.05 }
	base, _ := linksRun(t, lossy)
	loss, bw := 0.05, 125e6
	for name, edit := range map[string]func(*Config){
		"dup 0, reorder 0": func(c *Config) { c.Link.Dup, c.Link.Reorder = 0, 0 },
		"client link as the nodes'": func(c *Config) {
			c.ClientLatency, c.ClientLoss, c.ClientBandwidth = latency.MustParse("uniform:500us:1500us"), &loss, &bw
		},
	} {
		got, _ := linksRun(t, func(c *Config) { lossy(c); edit(c) })
		if !bytes.Equal(got, base) {
			t.Errorf("%s changed the run", name)
		}
	}
}

// TestClientLink: the client links are their own. With 50 ms between nodes, a client 0 ms from them
// commits in about one round trip (100 ms) and not two more WAN hops; with the nodes' links losing 20%,
// a client link of loss 0 loses nothing of the clients'.
func TestClientLink(t *testing.T) {
	wan := func(c *Config) {
		c.Link.Latency = latency.Const(50 * time.Millisecond)
		c.ElectionMin, c.ElectionMax = time.Second, 2*time.Second
	}
	_, same := linksRun(t, wan)
	zero := latency.Const(0)
	_, near := linksRun(t, func(c *Config) { wan(c); c.ClientLatency = zero })
	d := float64(same.CommitLatencyMS.P50 - near.CommitLatencyMS.P50)
	if math.Abs(d-100) > 1 {
		t.Errorf("median commit %vms with the clients 50ms away, %vms with them 0ms away: want 100ms apart (two hops)",
			same.CommitLatencyMS.P50, near.CommitLatencyMS.P50)
	}
	if p := float64(near.CommitLatencyMS.P50); p < 100 || p > 105 {
		t.Errorf("median commit %vms with the clients 0ms away: want one round trip between nodes, 100ms and the disk", p)
	}

	// Loss on every link: with the client link the nodes', client requests and replies are lost too;
	// with client_loss 0, only Raft messages are.
	clientLosses := func(tr []byte) int {
		n := 0
		for line := range bytes.Lines(tr) {
			if bytes.Contains(line, []byte(`"ev":"drop"`)) && bytes.Contains(line, []byte(`"reason":"loss"`)) &&
				(bytes.Contains(line, []byte(`"type":"request"`)) || bytes.Contains(line, []byte(`"type":"reply"`))) {
				n++
			}
		}
		return n
	}
	if tr, _ := linksRun(t, func(c *Config) { c.Link.Loss = 0.2 }); clientLosses(tr) == 0 {
		t.Fatal("no client message lost at loss 0.2 with the client link the nodes'")
	}
	none := 0.0
	tr, s := linksRun(t, func(c *Config) { c.Link.Loss = 0.2; c.ClientLoss = &none })
	if s.Dropped["loss"] == 0 {
		t.Fatal("nothing lost at loss 0.2")
	}
	if n := clientLosses(tr); n != 0 {
		t.Fatalf("%d client messages lost with client_loss 0", n)
	}
	one := 1.0
	_, all := linksRun(t, func(c *Config) { c.ClientLoss = &one })
	if all.ClientOps.OK != 0 {
		t.Errorf("client_loss 1: %d writes acknowledged, want none", all.ClientOps.OK)
	}
	// An enormous client latency: no request arrives within the run, and nothing is held for it.
	_, far := linksRun(t, func(c *Config) { c.ClientLatency = latency.Const(1000 * time.Hour) })
	if far.ClientOps.OK != 0 || far.Commits > 1 {
		t.Errorf("clients 1000h away: %d writes, %d commits; want none but the leader's empty entry", far.ClientOps.OK, far.Commits)
	}
}

// TestDupReorderSafe: Raft is safe whatever the network duplicates or reorders: the checker finds
// nothing with every message duplicated, or none in order, and the run still commits.
func TestDupReorderSafe(t *testing.T) {
	for _, tt := range []struct{ dup, reorder float64 }{{1, 0}, {0, 1}, {0.3, 0.3}} {
		_, s := linksRun(t, func(c *Config) {
			c.Link.Latency = latency.MustParse("uniform:100us:20ms")
			c.Link.Dup, c.Link.Reorder = tt.dup, tt.reorder
		})
		if s.Commits == 0 || s.ClientOps.OK == 0 {
			t.Errorf("dup %v reorder %v: %d commits, %d writes", tt.dup, tt.reorder, s.Commits, s.ClientOps.OK)
		}
	}
}

// TestFlapEdges: flaps whose up span outlasts the run change nothing (their own streams draw, nothing
// else does); a down span that never ends cuts every link for good at the first flap, after which no
// leader holds a majority; the checker finds nothing either way.
func TestFlapEdges(t *testing.T) {
	base, _ := linksRun(t, func(*Config) {})
	never, _ := linksRun(t, func(c *Config) {
		c.Flap = &LinkFlap{Up: latency.Const(time.Hour), Down: latency.Const(time.Millisecond)}
	})
	if !bytes.Equal(base, never) {
		t.Error("flaps whose first down comes after the run changed it")
	}
	_, s := linksRun(t, func(c *Config) {
		c.Flap = &LinkFlap{Up: latency.Const(time.Second), Down: latency.Const(time.Hour)}
	})
	if s.FaultsTotal != 3 { // one cut per pair of 3 nodes, all at 1s
		t.Errorf("%d faults, want 3 cuts", s.FaultsTotal)
	}
	if s.Availability < 0.25 || s.Availability > 1.0/3 {
		t.Errorf("availability %v, want at most the first second of three", s.Availability)
	}
}

// TestFlapStreams: each pair of nodes flaps from its own stream: pair 1-2 flaps at the same instants in
// a cluster of 3 and of 5, and the other sources of faults (here a crash-recovery schedule) keep their
// events when flaps are added.
func TestFlapStreams(t *testing.T) {
	events := func(n int, flap bool) (pair12, other []fault.Event) {
		cfg := Default()
		cfg.Nodes, cfg.Duration = n, time.Minute
		cfg.CrashRecovery = &CrashRecovery{MTTF: latency.MustParse("exp:5s"), MTTR: latency.MustParse("exp:1s")}
		if flap {
			cfg.Flap = &LinkFlap{Up: latency.MustParse("exp:2s"), Down: latency.MustParse("exp:200ms")}
		}
		g, err := cfg.graph()
		if err != nil {
			t.Fatal(err)
		}
		src := fault.Merge(append([]fault.Source{cfg.faultSource()}, cfg.flapSources(g)...)...)
		for {
			e, ok := src.Next()
			if !ok {
				return
			}
			switch {
			case e.Kind == fault.Cut || e.Kind == fault.Restore:
				if e.Edges[0] == (topology.Edge{From: 1, To: 2}) {
					pair12 = append(pair12, e)
				}
			default:
				other = append(other, e)
			}
		}
	}
	p3, o3 := events(3, true)
	p5, _ := events(5, true)
	_, o3off := events(3, false)
	if len(p3) < 10 || !reflect.DeepEqual(p3, p5) {
		t.Errorf("pair 1-2 flaps differ between 3 and 5 nodes (%d and %d events)", len(p3), len(p5))
	}
	if len(o3) == 0 || !reflect.DeepEqual(o3, o3off) {
		t.Error("adding flaps changed the crash-recovery schedule")
	}
}
