package cluster

import (
	"bufio"
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/raftsim/raftsim/models/latency"
)

// fig16Config is one trial of the Raft paper's election experiment as the fig16 spec sets it up: five
// nodes, no clients, two stale followers that cannot win, the leader crashed after a second.
func fig16Config(seed uint64, lo, hi time.Duration) Config {
	cfg := Default()
	cfg.Seed, cfg.Duration, cfg.Clients, cfg.Bootstrap = seed, 30*time.Second, 0, 1
	cfg.ElectionMin, cfg.ElectionMax = lo, hi
	cfg.Link.Latency = latency.MustParse("normal:2.5ms:0.5ms")
	cfg.Fsync = latency.MustParse("normal:10ms:1ms")
	cfg.LeaderCrash = &LeaderCrash{After: time.Second, Stale: 2, Stop: true}
	return cfg
}

// traceSplits counts, from a run's trace, the terms after term 1 and before the last leader's in which
// two or more nodes became candidates: the split votes of a fig16 trial, whose only earlier election
// is the bootstrap's, in term 1.
func traceSplits(t *testing.T, trace []byte) (splits int, pre bool) {
	t.Helper()
	cands := map[uint64]map[uint64]bool{}
	var won uint64
	sc := bufio.NewScanner(bytes.NewReader(trace))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var ev struct {
			T          int64
			Ev, State  string
			Node, Term uint64
		}
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			t.Fatalf("trace line %q: %v", sc.Text(), err)
		}
		if ev.Ev == "state" && ev.State == "leader" {
			won = max(won, ev.Term)
		}
		if ev.Ev != "state" || ev.State != "candidate" || ev.Term < 2 {
			continue
		}
		if ev.T < int64(time.Second) {
			pre = true // an election before the crash: not the trial this test is about
		}
		if cands[ev.Term] == nil {
			cands[ev.Term] = map[uint64]bool{}
		}
		cands[ev.Term][ev.Node] = true
	}
	for term, c := range cands {
		if term < won && len(c) >= 2 {
			splits++
		}
	}
	return splits, pre
}

// TestSplitVotes: split_votes counts the terms that ended without a leader in which two or more
// candidates stood, as a trace shows them, and not every term that ended without a leader
// (extra_terms). With 150-300 ms timeouts the stale followers' doomed campaigns add terms that no split
// caused, so extra_terms far exceeds split_votes; with no randomness (150-150 ms) the survivors time out
// together and true splits are most of the extra terms.
func TestSplitVotes(t *testing.T) {
	seeds := uint64(40)
	if testing.Short() {
		seeds = 15
	}
	for _, tc := range []struct {
		lo, hi time.Duration
		check  func(split, extra uint64) bool
		want   string
	}{
		{150 * time.Millisecond, 300 * time.Millisecond, func(s, e uint64) bool { return e > 2*s }, "extra terms more than twice the split votes"},
		{150 * time.Millisecond, 150 * time.Millisecond, func(s, e uint64) bool { return 2*s > e && s <= e }, "split votes most of the extra terms, and no more"},
	} {
		var split, extra uint64
		for seed := uint64(1); seed <= seeds; seed++ {
			cfg := fig16Config(seed, tc.lo, tc.hi)
			var trace bytes.Buffer
			cfg.Trace = &trace
			s := run(t, cfg)
			d := s.ElectionDowntime
			ref, pre := traceSplits(t, trace.Bytes())
			if pre || d.Count != 1 {
				continue // no single measured election after a clean warm-up
			}
			if d.SplitVotes != uint64(ref) {
				t.Errorf("%v-%v seed %d: split_votes %d, but the trace shows %d terms with two or more candidates", tc.lo, tc.hi, seed, d.SplitVotes, ref)
			}
			split += d.SplitVotes
			extra += d.Terms - d.Count
		}
		if !tc.check(split, extra) {
			t.Errorf("%v-%v over %d seeds: split votes %d, extra terms %d; want %s", tc.lo, tc.hi, seeds, split, extra, tc.want)
		}
		t.Logf("%v-%v over %d seeds: split votes %d, extra terms %d", tc.lo, tc.hi, seeds, split, extra)
	}
}
