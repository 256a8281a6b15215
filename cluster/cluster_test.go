package cluster

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/raftsim/raftsim/models/fault"
)

func run(t testing.TB, cfg Config) Summary {
	t.Helper()
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("seed %d: %v", cfg.Seed, err)
	}
	s, err := c.Run()
	if err != nil {
		t.Fatalf("seed %d: %v", cfg.Seed, err)
	}
	return s
}

func crashAt(at time.Duration, ids ...int64) []fault.Event {
	var evs []fault.Event
	for _, id := range ids {
		evs = append(evs, fault.Event{At: at, Kind: fault.Crash, Node: id})
	}
	return evs
}

// TestTraceDeterministic: the same configuration gives the same trace, byte for byte; another seed
// gives another.
func TestTraceDeterministic(t *testing.T) {
	traceOf := func(seed uint64) []byte {
		var buf bytes.Buffer
		cfg := Default()
		cfg.Seed, cfg.Duration, cfg.Clients, cfg.Check = seed, 5*time.Second, 3, true
		cfg.Faults = []fault.Event{{At: 2 * time.Second, Kind: fault.Crash, Role: fault.Leader}}
		cfg.Trace = &buf
		run(t, cfg)
		return buf.Bytes()
	}
	a, b, c := traceOf(7), traceOf(7), traceOf(8)
	if len(a) == 0 {
		t.Fatal("empty trace")
	}
	if !bytes.Equal(a, b) {
		t.Fatal("seed 7 gave two different traces")
	}
	if bytes.Equal(a, c) {
		t.Fatal("seeds 7 and 8 gave the same trace")
	}
}

// TestQuorumBound measures the crash-fault bound: with f of n nodes crashed (the leader among them),
// writes keep committing exactly when n >= 2f+1.
func TestQuorumBound(t *testing.T) {
	const crash = 5 * time.Second
	for n := 1; n <= 9; n++ {
		for f := 0; f <= n; f++ {
			t.Run(fmt.Sprintf("n=%d/f=%d", n, f), func(t *testing.T) {
				cfg := Default()
				cfg.Nodes, cfg.Duration, cfg.Seed = n, 15*time.Second, uint64(100*n+f)
				cfg.MeasureFrom, cfg.Check = crash+2*time.Second, true
				if f > 0 {
					cfg.Faults = []fault.Event{{At: crash, Kind: fault.Crash, Role: fault.Leader, Extra: f - 1}}
				}
				s := run(t, cfg)
				live := n >= 2*f+1
				gotLive := s.ClientOps.OKAfter > 0
				if live != gotLive || (live && s.AvailabilityAfter < 0.99) || (!live && s.AvailabilityAfter != 0) {
					t.Errorf("seed %d: n=%d f=%d: %d writes ok after the crash, availability after %.4f; want live=%v",
						cfg.Seed, n, f, s.ClientOps.OKAfter, s.AvailabilityAfter, live)
				}
			})
		}
	}
}

// TestLateCandidateIsNoViolation: with slow links into node 1, node 1 can win an early term after a
// leader of a later term has committed more. That is legal Raft (Leader Completeness binds only leaders
// of later terms), and the checker once reported it as a violation.
func TestLateCandidateIsNoViolation(t *testing.T) {
	for seed := uint64(1); seed <= 20; seed++ {
		cfg := Default()
		cfg.Nodes, cfg.Topology, cfg.Bootstrap, cfg.Clients = 3, "testdata/slow-in.yaml", 1, 0
		cfg.Seed, cfg.Duration, cfg.Check = seed, 2*time.Second, true
		run(t, cfg)
	}
}
