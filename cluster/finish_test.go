package cluster

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/raftsim/raftsim/models/fault"
	"github.com/raftsim/raftsim/models/latency"
	"github.com/raftsim/raftsim/models/workload"
)

// TestFinishNeutral: every second-wave workload setting at its default or neutral value is the run
// without it, byte for byte: no think distribution, the leader retry policy, the default backoff.
func TestFinishNeutral(t *testing.T) {
	base := Default()
	base.Clients, base.Duration, base.Workload.Think = 4, 3*time.Second, 2*time.Millisecond
	want, _, _ := runCfg(t, base)
	for name, set := range map[string]func(c *Config){
		"client_retry leader":  func(c *Config) { c.ClientRetry = RetryLeader },
		"client_backoff 10ms":  func(c *Config) { c.Workload.Backoff = 10 * time.Millisecond },
		"think_dist nil":       func(c *Config) { c.ThinkDist = nil },
		"think 2ms, backoff 0": func(c *Config) { c.Workload.Backoff = 0 },
	} {
		cfg := base
		set(&cfg)
		got, _, _ := runCfg(t, cfg)
		if !bytes.Equal(summaryJSON(t, got), summaryJSON(t, want)) {
			t.Errorf("%s changed the run", name)
		}
	}
}

// TestThinkDistStream: a think distribution draws from its own stream: every client's own draws (which
// operation is a read, which key) are what they were with the constant think time of the same mean,
// while the pauses vary (operations start at times a constant pause could not give).
func TestThinkDistStream(t *testing.T) {
	base := Default()
	base.Clients, base.Duration, base.Workload.ReadRatio = 4, 5*time.Second, 0.3
	base.Workload.Think = 5 * time.Millisecond
	_, h0, _ := runCfg(t, base)
	d := base
	d.Workload.Think, d.ThinkDist = 0, latency.MustParse("exp:5ms")
	_, h1, _ := runCfg(t, d)
	byClient := func(h *history) map[uint64][]workload.Op {
		m := map[uint64][]workload.Op{}
		for _, op := range h.ops {
			m[op.Client] = append(m[op.Client], op)
		}
		return m
	}
	c0, c1 := byClient(h0), byClient(h1)
	checked, gaps := 0, map[time.Duration]bool{}
	for id, ops := range c1 {
		for k := range min(len(ops), len(c0[id])) {
			if ops[k].Read != c0[id][k].Read || ops[k].Key != c0[id][k].Key {
				t.Fatalf("client %d op %d: read %v key %d, with a constant think %v %d", id, k, ops[k].Read, ops[k].Key, c0[id][k].Read, c0[id][k].Key)
			}
			checked++
			if k > 0 {
				gaps[ops[k].Invoke.Sub(ops[k-1].Complete)] = true
			}
		}
	}
	if checked < 500 {
		t.Fatalf("%d operations compared", checked)
	}
	if len(gaps) < 100 {
		t.Errorf("%d distinct pauses between operations: exp:5ms should give many", len(gaps))
	}
}

// TestRoundRobinRecovers: under either retry policy the clients find the new leader after the leader
// crashes, and writes go on; round robin, which follows no hint, pays refusals on the way, so it makes
// more attempts per write than the leader policy.
func TestRoundRobinRecovers(t *testing.T) {
	perOp := map[ClientRetry]float64{}
	for _, retry := range []ClientRetry{RetryLeader, RetryRoundRobin} {
		cfg := Default()
		cfg.Clients, cfg.Duration, cfg.Nodes, cfg.Bootstrap, cfg.Check = 4, 6*time.Second, 5, 1, true
		cfg.ClientRetry = retry
		var err error
		if cfg.Faults, err = fault.ParseCrash("1@2s", cfg.Nodes); err != nil {
			t.Fatal(err)
		}
		s, h, _ := runCfg(t, cfg)
		late, attempts := 0, 0
		for _, op := range h.ops {
			if op.OK && op.Invoke > 4e9 {
				late++
			}
			attempts += op.Attempts
		}
		perOp[retry] = float64(attempts) / float64(len(h.ops))
		if late < 100 {
			t.Errorf("%v: %d writes invoked after 4s succeeded; want the clients on the new leader", retry, late)
		}
		t.Logf("%v: availability %.4f, %d writes, %d after 4s, %.4f attempts a write", retry, s.Availability, len(h.ops), late, perOp[retry])
	}
	if !(perOp[RetryRoundRobin] > perOp[RetryLeader]) {
		t.Errorf("attempts a write: round robin %.4f, leader %.4f; want more without hints", perOp[RetryRoundRobin], perOp[RetryLeader])
	}
}

// TestFinishSettingErrors: the bounds of the second-wave settings, one line each naming the setting.
func TestFinishSettingErrors(t *testing.T) {
	for _, tt := range []struct {
		set  func(c *Config)
		want string
	}{
		{func(c *Config) { c.ThinkDist = latency.MustParse("pareto:1ms:1") }, "think: pareto:1ms:1: want a distribution of finite mean"},
		{func(c *Config) { c.Workload.Backoff = -time.Millisecond }, "client-backoff: -1ms: must be positive"},
		{func(c *Config) { c.Workload.Backoff = time.Nanosecond }, "client-backoff: 1ns: at least 1us"},
		{func(c *Config) { c.ClientRetry = 9 }, "client-retry: ClientRetry(9): want leader or round_robin"},
	} {
		cfg := Default()
		tt.set(&cfg)
		err := cfg.Validate()
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("error\n got: %v\nwant: %s", err, tt.want)
		}
	}
	for _, ok := range []func(c *Config){
		func(c *Config) { c.ThinkDist = latency.MustParse("normal:1ms:5ms") }, // negative draws: no pause
		func(c *Config) { c.Workload.Backoff = time.Microsecond },
		func(c *Config) { c.ClientRetry = RetryRoundRobin },
	} {
		cfg := Default()
		ok(&cfg)
		if err := cfg.Validate(); err != nil {
			t.Errorf("Validate: %v", err)
		}
	}
}

// TestDuplicatedSummary: the summary counts the copies duplicating links made, as the network counted
// them, and leaves the field out of its JSON when there are none (dup 0: the summary of a run without
// the setting, field for field).
func TestDuplicatedSummary(t *testing.T) {
	for _, tt := range []struct {
		dup    float64
		listed bool
	}{{0, false}, {0.1, true}, {1, true}} {
		cfg := Default()
		cfg.Clients, cfg.Duration, cfg.Link.Dup = 2, time.Second, tt.dup
		s, _, c := runCfg(t, cfg)
		if s.Duplicated != c.net.Duplicated {
			t.Errorf("dup %v: summary %d, network %d", tt.dup, s.Duplicated, c.net.Duplicated)
		}
		listed := bytes.Contains(summaryJSON(t, s), []byte(`"duplicated":`))
		if listed != tt.listed || listed != (s.Duplicated > 0) {
			t.Errorf("dup %v: %d duplicated, listed in the JSON %v; want listed %v", tt.dup, s.Duplicated, listed, tt.listed)
		}
		// With dup 1 every message on a link is copied: at least as many copies as Raft messages sent.
		if tt.dup == 1 && s.Duplicated < s.Messages-s.Traffic["client"].Messages {
			t.Errorf("dup 1: %d copies of %d messages", s.Duplicated, s.Messages)
		}
	}
}

// TestFlapLinks: a flap on chosen links only flaps those pairs, each exactly as it flaps when every
// pair does (its own stream), and leaves the others up; listing every pair is the run without a list,
// byte for byte; a listed pair the topology does not link (a line of 4 has no 1<->4) flaps nothing.
func TestFlapLinks(t *testing.T) {
	flap := func(links []fault.Pair) *LinkFlap {
		return &LinkFlap{Up: latency.MustParse("exp:2s"), Down: latency.MustParse("exp:200ms"), Links: links}
	}
	events := func(f *LinkFlap, topo string) map[fault.Pair][]time.Duration {
		cfg := Default()
		cfg.Nodes, cfg.Duration, cfg.Flap = 4, time.Minute, f
		if topo != "" {
			cfg.Topology = topo
		}
		g, err := cfg.graph()
		if err != nil {
			t.Fatal(err)
		}
		out := map[fault.Pair][]time.Duration{}
		src := fault.Merge(cfg.flapSources(g)...)
		for e, ok := src.Next(); ok; e, ok = src.Next() {
			ed := e.Edges[0]
			p := fault.Pair{A: min(ed.From, ed.To), B: max(ed.From, ed.To)}
			out[p] = append(out[p], e.At)
		}
		return out
	}
	all := events(flap(nil), "")
	if len(all) != 6 {
		t.Fatalf("%d pairs flap of 4 nodes, want 6", len(all))
	}
	chosen := []fault.Pair{{A: 1, B: 2}, {A: 3, B: 4}}
	some := events(flap(chosen), "")
	if len(some) != 2 {
		t.Fatalf("pairs flapping: %v, want only %v", some, chosen)
	}
	for _, p := range chosen {
		if len(some[p]) < 10 || !slices.Equal(some[p], all[p]) {
			t.Errorf("pair %v flaps %d times, differently from when every pair flaps", p, len(some[p]))
		}
	}
	if line := events(flap([]fault.Pair{{A: 1, B: 4}}), "line"); len(line) != 0 {
		t.Errorf("a pair without an edge flapped: %v", line)
	}

	every := []fault.Pair{{A: 1, B: 2}, {A: 1, B: 3}, {A: 2, B: 3}}
	a, _ := linksRun(t, func(c *Config) { c.Flap = flap(nil) })
	b, _ := linksRun(t, func(c *Config) { c.Flap = flap(every) })
	if !bytes.Equal(a, b) {
		t.Error("listing every pair changed the run")
	}
	_, s := linksRun(t, func(c *Config) { c.Flap = flap([]fault.Pair{{A: 2, B: 3}}) })
	if len(s.Faults) == 0 {
		t.Error("2<->3 never flapped in 3s")
	}
	for _, h := range s.Faults {
		if !strings.Contains(h.Effect, "of nodes 2, 3") {
			t.Errorf("a flap of 2<->3 alone hit %q", h.Effect)
		}
	}

	cfg := Default()
	cfg.Nodes, cfg.Flap = 3, flap([]fault.Pair{{A: 1, B: 4}})
	if err := cfg.Validate(); err == nil || err.Error() != "flap: links: 1<->4: node 4 is not in 1..3" {
		t.Errorf("Validate: %v", err)
	}
}
