//go:build mutants

package cluster

// Mutations (raft/mutation.go), each in a hand-made world where the checks must catch it — the safety
// checker (Check) or the linearizability check of the client history (safety/linearize) — and where
// the same world without the mutation passes both: the checks can fail, and fail for the mutation.
// Run with go test -tags mutants -run Mutant ./cluster/ (make mutants).

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/raftsim/raftsim/models/fault"
	"github.com/raftsim/raftsim/models/latency"
	"github.com/raftsim/raftsim/raft"
	"github.com/raftsim/raftsim/safety"
	"github.com/raftsim/raftsim/safety/linearize"
	"github.com/raftsim/raftsim/sim"
	"github.com/raftsim/raftsim/topology"
)

// mutIf is m when on, the empty set otherwise.
func mutIf(on bool, m raft.Mutation) raft.Mutation {
	if on {
		return m
	}
	return 0
}

// TestMutantReadIndexNoHeartbeatNotLinearizable: with the read path broken on purpose (read_index_no_heartbeat: a leader
// serves a read at once, without a heartbeat round) and the first leader cut off from the other nodes but not from the
// clients, the history is not linearizable, and the checker says so without the safety checker's help
// (Check off, so the run goes on past the first stale read).
func TestMutantReadIndexNoHeartbeatNotLinearizable(t *testing.T) {
	for _, unsafe := range []bool{true, false} {
		cfg := readsConfig(ReadIndex)
		cfg.Check = false
		cfg.Bootstrap = 1
		cfg.Faults = []fault.Event{{At: time.Second, Kind: fault.Isolate, Node: 1}}
		cfg.Mutate = mutIf(unsafe, raft.MutReadIndexNoHeartbeat)
		cfg.Workload.ReadRatio = 0.99
		cfg.Workload.Keys = 20
		_, h, _ := runCfg(t, cfg)
		want := linearize.Ok
		if unsafe {
			want = linearize.Illegal
		}
		if res := linearize.Check(h.ops, time.Minute); res.Verdict != want {
			t.Errorf("unsafe reads %v: %s over %d operations, want %s", unsafe, res.Verdict, res.Ops, want)
		}
	}
}

// TestMutantReadIndexNoHeartbeat breaks the read path on purpose (read_index_no_heartbeat: a leader serves
// at once, without a heartbeat round) and cuts the first leader off from the other nodes, not
// from the clients: it keeps serving reads while the others elect a leader and commit writes, and the
// checker reports a stale read. With the read path intact, the same run has no violation.
func TestMutantReadIndexNoHeartbeat(t *testing.T) {
	cfgOf := func(unsafe bool) Config {
		cfg := readsConfig(ReadIndex)
		cfg.Bootstrap = 1
		cfg.Faults = []fault.Event{{At: time.Second, Kind: fault.Isolate, Node: 1}}
		cfg.Mutate = mutIf(unsafe, raft.MutReadIndexNoHeartbeat)
		// Mostly reads, so that a client whose guess of the leader is node 1 keeps reading from it
		// (each read is served at once) long after the others have elected a leader and committed.
		cfg.Workload.ReadRatio = 0.99
		return cfg
	}
	c, err := New(cfgOf(true))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Run()
	var v *safety.Violation
	if !errors.As(err, &v) || v.Invariant != safety.ReadFreshness {
		t.Fatalf("broken reads: err = %v, want a %s violation", err, safety.ReadFreshness)
	}
	t.Log(v)
	c, err = New(cfgOf(false))
	if err != nil {
		t.Fatal(err)
	}
	s, err := c.Run()
	if err != nil {
		t.Fatalf("intact reads: %v", err)
	}
	if s.Reads.OK == 0 {
		t.Fatal("intact reads: none answered")
	}
}

// The checker catches a broken configuration rule. With concurrent_conf_changes a leader cut off
// with two new, empty nodes adds both at once: its configuration (1..5) has a majority, 1, 4 and 5, that
// misses every majority of the configuration 2 and 3 still use (1, 2, 3), so both sides would elect and
// commit, different entries at the same index. The checker follows configurations, and reports
// Configuration Safety the moment the leader's log holds the second change while the first is
// uncommitted, before the split brain shows as Leader Completeness or State Machine Safety. With the
// rule kept, the first change cannot commit without 2 or 3 and the second waits for it.
func TestMutantConcurrentConfChanges(t *testing.T) {
	for _, unsafe := range []bool{false, true} {
		cfg := Default()
		cfg.Nodes, cfg.Duration, cfg.Clients, cfg.Check, cfg.Bootstrap = 3, 5*time.Second, 2, true, 1
		cfg.Mutate = mutIf(unsafe, raft.MutConcurrentConfChanges)
		cfg.Faults = events(t, "partition 1s:1,4,5|2,3", "add 4@1s", "add 5@1s")
		c, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Run()
		var v *safety.Violation
		switch {
		case !unsafe && err != nil:
			t.Errorf("one change at a time: %v", err)
		case unsafe && !errors.As(err, &v):
			t.Errorf("two changes in flight: got %v, want a safety violation", err)
		case unsafe && v.Invariant != safety.ConfigurationSafety:
			t.Errorf("two changes in flight caught as %s, want %s: %v", v.Invariant, safety.ConfigurationSafety, v)
		case unsafe:
			t.Logf("caught: %v", v)
		}
	}
}

// The same for 3, 5 and 7 nodes, over seeds: the old leader (node 1, which campaigns first) goes with
// the two new nodes and as many old ones as make a majority of the n+2 nodes, the rest keep a majority
// of the old n (for odd n there is such a split), which old ones drawn from the seed. With two changes
// allowed in flight, whichever node leads at 1 s appends both adds at once, and the checker reports
// Configuration Safety there in every seed, rather than through the split brain that follows (Leader
// Completeness or State Machine Safety, as it did before it followed configurations); none is reported
// with the rule kept.
func TestMutantConcurrentConfChangesSplits(t *testing.T) {
	seeds := 10
	if testing.Short() {
		seeds = 3
	}
	for _, n := range []int{3, 5, 7} {
		caught := 0
		for _, unsafe := range []bool{false, true} {
			for seed := uint64(1); seed <= uint64(seeds); seed++ {
				cfg := Default()
				cfg.Seed, cfg.Nodes, cfg.Duration, cfg.Clients, cfg.Check, cfg.Bootstrap = seed, n, 5*time.Second, 2, true, 1
				cfg.Mutate = mutIf(unsafe, raft.MutConcurrentConfChanges)
				r := sim.Stream(seed, "split")
				group := []int64{1, int64(n) + 1, int64(n) + 2}
				for _, k := range r.Perm(n - 1)[:(n+2)/2+1-3] {
					group = append(group, int64(k)+2)
				}
				cfg.Faults = []fault.Event{{At: time.Second, Kind: fault.Partition, Groups: [][]int64{group}},
					{At: time.Second, Kind: fault.Add, Node: int64(n) + 1}, {At: time.Second, Kind: fault.Add, Node: int64(n) + 2}}
				c, err := New(cfg)
				if err != nil {
					t.Fatal(err)
				}
				_, err = c.Run()
				var v *safety.Violation
				switch {
				case !unsafe && err != nil:
					t.Errorf("n=%d seed %d, one change at a time: %v", n, seed, err)
				case unsafe && errors.As(err, &v) && v.Invariant == safety.ConfigurationSafety:
					caught++
				case unsafe && errors.As(err, &v):
					t.Errorf("n=%d seed %d: two changes in flight caught as %s, want %s: %v", n, seed, v.Invariant, safety.ConfigurationSafety, v)
				case unsafe && err != nil:
					t.Errorf("n=%d seed %d: %v", n, seed, err)
				}
			}
		}
		t.Logf("n=%d: %d of %d seeds caught", n, caught, seeds)
		if caught < seeds {
			t.Errorf("n=%d: only %d of %d seeds caught two changes in flight", n, caught, seeds)
		}
	}
}

// mutantRun runs cfg with and without mutation m and returns each run's error (a *safety.Violation
// when the checker caught something) and client history.
func mutantRun(t *testing.T, cfg Config, m raft.Mutation) (mutated, intact error, hm, hi *history) {
	t.Helper()
	mutated, hm = runMutated(t, cfg, m)
	intact, hi = runMutated(t, cfg, 0)
	return mutated, intact, hm, hi
}

// runMutated runs cfg with the mutations m and returns its error (nil, or the checker's
// *safety.Violation) and client history.
func runMutated(t *testing.T, cfg Config, m raft.Mutation) (error, *history) {
	t.Helper()
	cfg.Mutate = m
	h := &history{}
	cfg.History = h
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Run()
	var v *safety.Violation
	if err != nil && !errors.As(err, &v) {
		t.Fatal(err)
	}
	return err, h
}

// wantCaught fails unless the mutated run broke one of the properties want and the intact run broke
// none.
func wantCaught(t *testing.T, mutated, intact error, want ...string) {
	t.Helper()
	var v *safety.Violation
	switch {
	case intact != nil:
		t.Errorf("without the mutation: %v", intact)
	case !errors.As(mutated, &v):
		t.Errorf("with the mutation: %v, want a violation of one of %v", mutated, want)
	case !slices.Contains(want, v.Invariant):
		t.Errorf("with the mutation: caught as %s, want one of %v: %v", v.Invariant, want, v)
	default:
		t.Logf("caught: %v", v)
	}
}

// TestMutantVoteNoLogCheck: node 3 is cut off for a second while node 1 leads and commits the
// clients' writes, and campaigns in ever higher terms meanwhile. Once healed its term deposes node 1;
// voters that skip the log check elect it, and it leads without the entries committed while it was
// away (Leader Completeness). With the check, they refuse it, and one of them leads.
func TestMutantVoteNoLogCheck(t *testing.T) {
	for seed := uint64(1); seed <= 5; seed++ {
		cfg := Default()
		cfg.Seed, cfg.Nodes, cfg.Duration, cfg.Clients, cfg.Check, cfg.Bootstrap = seed, 3, 4*time.Second, 4, true, 1
		cfg.Faults = []fault.Event{{At: time.Second, Kind: fault.Isolate, Node: 3}, {At: 2 * time.Second, Kind: fault.Heal}}
		mutated, intact, _, _ := mutantRun(t, cfg, raft.MutVoteNoLogCheck)
		wantCaught(t, mutated, intact, safety.LeaderCompleteness)
	}
}

// TestMutantVoteBeforeDurable: every disk takes 50ms a write. Node 1 campaigns at time 0, its links to
// node 3 cut; node 2 grants its vote, is cut off from node 1 at 4ms (so that it never hears of node 1's
// term again) and crashes at 5ms, before the vote is written, restarting at once having voted for no
// one. Node 3 times out and campaigns in the same term. A node that answers before its vote is durable
// has elected node 1 (once node 1's own vote is written, at 50ms), and now elects node 3 too (Election
// Safety). Held until durable, node 2's grant to node 1 is lost with the crash, and node 3's election
// is the term's only one.
func TestMutantVoteBeforeDurable(t *testing.T) {
	cfg := Default()
	cfg.Nodes, cfg.Duration, cfg.Clients, cfg.Check, cfg.Bootstrap = 3, 2*time.Second, 1, true, 1
	cfg.Fsync = latency.Const(50 * time.Millisecond)
	cfg.Faults = []fault.Event{
		{At: 0, Kind: fault.Cut, Edges: []topology.Edge{{From: 1, To: 3}, {From: 3, To: 1}}},
		{At: 4 * time.Millisecond, Kind: fault.Cut, Edges: []topology.Edge{{From: 1, To: 2}, {From: 2, To: 1}}},
		{At: 5 * time.Millisecond, Kind: fault.Crash, Node: 2},
		{At: 6 * time.Millisecond, Kind: fault.Restart, Node: 2},
	}
	mutated, intact, _, _ := mutantRun(t, cfg, raft.MutVoteBeforeDurable)
	wantCaught(t, mutated, intact, safety.ElectionSafety)
}

// TestMutantAckBeforeDurable: node 1 leads with a fast disk (1ms a write), its followers have slow
// ones (100ms). Followers that acknowledge entries before writing them let node 1 commit the clients'
// writes a disk time before any follower holds them durably. All three crash at 2s; 2 and 3 restart
// at once without what they had not written, 1 a second later: they elect one of themselves, which
// lacks entries node 1 committed (Leader Completeness). Acknowledging only what is durable, node 1
// never committed those entries.
func TestMutantAckBeforeDurable(t *testing.T) {
	slow := latency.Const(100 * time.Millisecond)
	cfg := Default()
	cfg.Nodes, cfg.Duration, cfg.Clients, cfg.Check, cfg.Bootstrap = 3, 4*time.Second, 4, true, 1
	cfg.PerNode = []NodeSettings{{ID: 2, Fsync: slow}, {ID: 3, Fsync: slow}}
	cfg.Faults = []fault.Event{
		{At: 2 * time.Second, Kind: fault.Crash, Node: 1}, {At: 2 * time.Second, Kind: fault.Crash, Node: 2},
		{At: 2 * time.Second, Kind: fault.Crash, Node: 3},
		{At: 2*time.Second + time.Millisecond, Kind: fault.Restart, Node: 2},
		{At: 2*time.Second + time.Millisecond, Kind: fault.Restart, Node: 3},
		{At: 3 * time.Second, Kind: fault.Restart, Node: 1},
	}
	mutated, intact, _, _ := mutantRun(t, cfg, raft.MutAckBeforeDurable)
	wantCaught(t, mutated, intact, safety.LeaderCompleteness, safety.StateMachineSafety)
}

// TestMutantNoSuffixTruncation: five nodes, one entry per AppendEntries (as in Figure 8); at 1s node 1,
// leading, is cut off with node 2 and goes on appending the clients' writes, which reach node 2 only
// and never commit. The other three elect a leader and commit. Healed at 2s, node 2 (and node 1) get
// the new leader's entries one at a time: a follower that overwrites the conflicting one but keeps the
// rest of its suffix holds entries of the old term behind one of the new, as the old leader's log
// holds them behind its own (Log Matching, or worse further on). Truncating, nothing breaks.
func TestMutantNoSuffixTruncation(t *testing.T) {
	cfg := Default()
	cfg.Nodes, cfg.Duration, cfg.Clients, cfg.Check, cfg.Bootstrap = 5, 3*time.Second, 16, true, 1
	cfg.MaxBatch = 1
	cfg.Faults = []fault.Event{
		{At: time.Second, Kind: fault.Partition, Groups: [][]int64{{1, 2}, {3, 4, 5}}},
		{At: 2 * time.Second, Kind: fault.Heal},
	}
	mutated, intact, _, _ := mutantRun(t, cfg, raft.MutNoSuffixTruncation)
	wantCaught(t, mutated, intact, safety.LogMatching, safety.LeaderCompleteness, safety.StateMachineSafety, safety.LeaderAppendOnly)
}

// TestMutantLeaseNoCheckQuorum: lease reads on five nodes; from 1s node 5 cannot reach node 1, which
// leads on with the answers of 2, 3 and 4 and holds its lease. Node 5 times out and asks for votes;
// the clients only read, so its log is as up to date as any. Without CheckQuorum the others grant at
// once: node 5 leads and commits its first entry while node 1 serves reads on its lease until it hears
// of the new term, and a read misses a write committed before it (Read
// Freshness). With CheckQuorum (which lease reads need, and the intact run has), the others ignore
// node 5 while they hear from node 1.
func TestMutantLeaseNoCheckQuorum(t *testing.T) {
	cfg := readsConfig(ReadLease)
	cfg.Bootstrap, cfg.Duration = 1, 3*time.Second
	cfg.Workload.ReadRatio = 1 // no writes, so that node 5's log stays as up to date as the others'
	cfg.Faults = []fault.Event{{At: time.Second, Kind: fault.Cut, Edges: []topology.Edge{{From: 1, To: 5}, {From: 5, To: 1}}}}
	intact, _ := runMutated(t, cfg, 0)
	cfg.CheckQuorum = false
	mutated, _ := runMutated(t, cfg, raft.MutLeaseNoCheckQuorum)
	wantCaught(t, mutated, intact, safety.ReadFreshness)
}

// TestMutantLeaseIgnoresDrift: the drift experiment's scenario (node 1 made leader at 1s and cut off
// at 2s while the clients read from it), with the drift bound at 50% and node 1's clock 30% slow,
// within it. A correct lease ends 150ms / 1.5 of node 1's clock after its round, which its slow clock
// makes 143ms: before the followers, whose lease is 150ms of theirs, can elect anyone. The mutated
// lease lasts 150ms of node 1's clock, 214ms, and a leader the others elect in between commits while
// node 1 still serves: stale reads (Read Freshness) in some of the seeds — an election needs a timeout
// drawn short enough — and in none of them without the mutation.
func TestMutantLeaseIgnoresDrift(t *testing.T) {
	const seeds = 10
	caught := 0
	for seed := uint64(1); seed <= seeds; seed++ {
		cfg := Default()
		cfg.Nodes, cfg.Seed, cfg.Duration, cfg.Clients = 3, seed, 3*time.Second, 8
		cfg.Workload.ReadRatio = 1
		cfg.ReadMode, cfg.CheckQuorum, cfg.ClockDrift, cfg.Check = ReadLease, true, 0.5, true
		cfg.PerNode = []NodeSettings{{ID: 1, ClockRate: 0.7}}
		cfg.Faults = []fault.Event{
			{At: time.Second, Kind: fault.Transfer, Node: 1},
			{At: 2 * time.Second, Kind: fault.Partition, Groups: [][]int64{{1}, {2, 3}}},
		}
		mutated, intact, _, _ := mutantRun(t, cfg, raft.MutLeaseIgnoresDrift)
		if intact != nil {
			t.Errorf("seed %d, without the mutation: %v", seed, intact)
		}
		var v *safety.Violation
		if errors.As(mutated, &v) {
			if v.Invariant != safety.ReadFreshness {
				t.Errorf("seed %d: caught as %s, want %s: %v", seed, v.Invariant, safety.ReadFreshness, v)
			}
			caught++
		}
	}
	t.Logf("stale reads in %d of %d seeds", caught, seeds)
	if caught == 0 {
		t.Errorf("no stale read in %d seeds", seeds)
	}
}

// TestMutantSnapshotDropsEntry: three nodes snapshot every 20 entries under a write-heavy load on 20
// keys; all crash at 2s and restart at 2.5s, each from its own snapshot plus the entries after it. A
// snapshot that left out its last write leaves each restarted store without it, until the key is
// written again: a read in between returns the value from before a write whose success the client
// was told. The safety checker judges logs and commit indexes, which are intact, so it is the
// linearizability check of the history that catches it; without the mutation the history is
// linearizable.
func TestMutantSnapshotDropsEntry(t *testing.T) {
	cfg := Default()
	cfg.Nodes, cfg.Duration, cfg.Clients, cfg.Check, cfg.Bootstrap = 3, 4*time.Second, 6, true, 1
	cfg.SnapshotEntries = 20
	cfg.Workload.ReadRatio, cfg.Workload.Keys = 0.5, 20
	for id := int64(1); id <= 3; id++ {
		cfg.Faults = append(cfg.Faults, fault.Event{At: 2 * time.Second, Kind: fault.Crash, Node: id},
			fault.Event{At: 2500 * time.Millisecond, Kind: fault.Restart, Node: id})
	}
	mutated, intact, hm, hi := mutantRun(t, cfg, raft.MutSnapshotDropsEntry)
	if mutated != nil || intact != nil {
		t.Fatalf("the safety checker: %v with the mutation, %v without; want nothing either way", mutated, intact)
	}
	if res := linearize.Check(hi.ops, time.Minute); res.Verdict != linearize.Ok {
		t.Errorf("without the mutation: %s over %d operations", res.Verdict, res.Ops)
	}
	res := linearize.Check(hm.ops, time.Minute)
	if res.Verdict != linearize.Illegal {
		t.Errorf("with the mutation: %s over %d operations, want %s", res.Verdict, res.Ops, linearize.Illegal)
	}
}

// caughtBy is, for each mutation, the test here that shows a simulated run catching it and what
// catches it; commit_prior_term's is cmd/raftsim's TestMutantFigure8Spec (the paper's Figure 8 as a
// spec file), and the raft scripts (raft/testdata/mutants) show each at the node.
var caughtBy = map[string]string{
	"commit_prior_term":       "cmd/raftsim TestMutantFigure8Spec: Leader Completeness or State Machine Safety",
	"vote_no_log_check":       "TestMutantVoteNoLogCheck: Leader Completeness",
	"vote_before_durable":     "TestMutantVoteBeforeDurable: Election Safety",
	"ack_before_durable":      "TestMutantAckBeforeDurable: Leader Completeness",
	"no_suffix_truncation":    "TestMutantNoSuffixTruncation: Log Matching",
	"lease_no_check_quorum":   "TestMutantLeaseNoCheckQuorum: Read Freshness",
	"lease_ignores_drift":     "TestMutantLeaseIgnoresDrift: Read Freshness",
	"read_index_no_heartbeat": "TestMutantReadIndexNoHeartbeat: Read Freshness; ...NotLinearizable: linearizability",
	"concurrent_conf_changes": "TestMutantConcurrentConfChanges and ...Splits: Configuration Safety",
	"snapshot_drops_entry":    "TestMutantSnapshotDropsEntry: linearizability",
}

// TestMutantsAllCaught: every mutation has a simulated run that catches it (caughtBy), so a new one
// cannot be added without one.
func TestMutantsAllCaught(t *testing.T) {
	for _, name := range raft.MutationNames() {
		if caughtBy[name] == "" {
			t.Errorf("mutation %s: no test shows a run catching it", name)
		}
	}
	if len(caughtBy) != len(raft.MutationNames()) {
		t.Errorf("caughtBy lists %d mutations, there are %d", len(caughtBy), len(raft.MutationNames()))
	}
}
