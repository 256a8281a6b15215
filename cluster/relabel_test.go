package cluster

import (
	"math"
	"slices"
	"testing"
	"time"

	"github.com/raftsim/raftsim/models/fault"
)

// relabelSeeds is the fixed seed set of the relabelling tests: the tests are deterministic, and their
// false-alarm rate, were the simulator to change its random draws, is the threshold below.
const relabelSeeds = 60

// relabelAlpha is the two-sided p-value below which the relabelling tests call two samples different.
// Under the old client (issue 6, kind 4) the partition case gave p ≈ 1e-21 (every one of the 60 runs of
// one labelling committed fewer writes than every run of the other).
const relabelAlpha = 0.001

// TestRelabellingInvariance: renumbering the nodes of a scenario, and everything in it that names a
// node (a partition's groups, a crashed node, the bootstrap node), must leave the client's results the
// same in distribution. Over a fixed set of seeds, the writes acknowledged in a scenario and in its
// relabelled copy must not differ under a two-sided Mann–Whitney U test at relabelAlpha. Each case
// names two labellings that are the same scenario under the permutation given.
func TestRelabellingInvariance(t *testing.T) {
	if testing.Short() {
		t.Skip("360 runs; single-threaded, so the race detector's -short pass gains nothing from them")
	}
	base := func(seed uint64) Config {
		cfg := Default()
		cfg.Nodes, cfg.Bootstrap, cfg.Clients = 5, 1, 1
		cfg.Seed, cfg.Duration = seed, 12*time.Second
		return cfg
	}
	partition := func(groups ...[]int64) []fault.Event {
		return []fault.Event{{At: 5 * time.Second, Kind: fault.Partition, Groups: groups},
			{At: 10 * time.Second, Kind: fault.Heal}}
	}
	tests := []struct {
		name string
		a, b func(seed uint64) Config // b is a relabelled by the permutation in name
	}{
		{
			// The example: the stale leader 1 keeps a follower in its minority. The old client
			// bounced between 1 and the follower numbered after it for the whole partition.
			"partition 1,2|3,4,5 vs 1,3|2,4,5 (2<->3)",
			func(seed uint64) Config {
				c := base(seed)
				c.Faults = partition([]int64{1, 2}, []int64{3, 4, 5})
				return c
			},
			func(seed uint64) Config {
				c := base(seed)
				c.Faults = partition([]int64{1, 3}, []int64{2, 4, 5})
				return c
			},
		},
		{
			// The leader and one numbered follower crash; the old client tried the follower numbered
			// after the leader first.
			"crash 1,2 vs 1,3 (2<->3)",
			func(seed uint64) Config {
				c := base(seed)
				c.Faults = crashAt(5*time.Second, 1, 2)
				return c
			},
			func(seed uint64) Config {
				c := base(seed)
				c.Faults = crashAt(5*time.Second, 1, 3)
				return c
			},
		},
		{
			// The leader and one more live node drawn from the fault stream; the bootstrap node, hence the
			// first leader, relabelled.
			"crash leader+1, bootstrap 1 vs 4 (1<->4)",
			func(seed uint64) Config {
				c := base(seed)
				c.Faults = []fault.Event{{At: 5 * time.Second, Kind: fault.Crash, Role: fault.Leader, Extra: 1}}
				return c
			},
			func(seed uint64) Config {
				c := base(seed)
				c.Bootstrap = 4
				c.Faults = []fault.Event{{At: 5 * time.Second, Kind: fault.Crash, Role: fault.Leader, Extra: 1}}
				return c
			},
		},
		{
			// Role targets: the leader and a follower drawn (from its own stream, over the live nodes in
			// ID order) cut off together, then healed; the first leader relabelled.
			"partition leader,follower|rest, bootstrap 1 vs 4 (1<->4)",
			func(seed uint64) Config {
				c := base(seed)
				c.Faults = roleSchedule(t, "partition 5s:leader,follower|rest", "heal 10s")
				return c
			},
			func(seed uint64) Config {
				c := base(seed)
				c.Bootstrap = 4
				c.Faults = roleSchedule(t, "partition 5s:leader,follower|rest", "heal 10s")
				return c
			},
		},
		{
			// The leader crashed, the crashed leader restarted, the follower isolated.
			"crash leader, restart crashed-leader, isolate follower, bootstrap 1 vs 4 (1<->4)",
			func(seed uint64) Config {
				c := base(seed)
				c.Faults = roleSchedule(t, "crash leader@5s", "restart crashed-leader@7s", "isolate follower@9s")
				return c
			},
			func(seed uint64) Config {
				c := base(seed)
				c.Bootstrap = 4
				c.Faults = roleSchedule(t, "crash leader@5s", "restart crashed-leader@7s", "isolate follower@9s")
				return c
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var xa, xb []float64
			for seed := uint64(1); seed <= relabelSeeds; seed++ {
				xa = append(xa, float64(run(t, tt.a(seed)).ClientOps.OK))
				xb = append(xb, float64(run(t, tt.b(seed)).ClientOps.OK))
			}
			p := mannWhitneyP(xa, xb)
			t.Logf("writes acknowledged over %d seeds: median %v vs %v, mean %.1f vs %.1f; Mann–Whitney p = %.3g",
				relabelSeeds, median(xa), median(xb), mean(xa), mean(xb), p)
			if p < relabelAlpha {
				t.Errorf("relabelling the nodes changed the client's results: p = %.3g < %v (medians %v vs %v)",
					p, relabelAlpha, median(xa), median(xb))
			}
		})
	}
}

// mannWhitneyP returns the two-sided p-value of the Mann–Whitney U test that xs and ys come from the
// same distribution: the normal approximation with the tie correction and a continuity correction,
// accurate for samples of a few dozen and more.
func mannWhitneyP(xs, ys []float64) float64 {
	type obs struct {
		v     float64
		first bool
	}
	all := make([]obs, 0, len(xs)+len(ys))
	for _, x := range xs {
		all = append(all, obs{x, true})
	}
	for _, y := range ys {
		all = append(all, obs{y, false})
	}
	slices.SortFunc(all, func(a, b obs) int {
		switch {
		case a.v < b.v:
			return -1
		case a.v > b.v:
			return 1
		}
		return 0
	})
	n1, n2 := float64(len(xs)), float64(len(ys))
	n := n1 + n2
	var r1, ties float64
	for i := 0; i < len(all); {
		j := i
		for j < len(all) && all[j].v == all[i].v {
			j++
		}
		rank := float64(i+j+1) / 2 // the mean of ranks i+1..j
		for k := i; k < j; k++ {
			if all[k].first {
				r1 += rank
			}
		}
		t := float64(j - i)
		ties += t*t*t - t
		i = j
	}
	u := r1 - n1*(n1+1)/2
	mu := n1 * n2 / 2
	sigma := math.Sqrt(n1 * n2 / 12 * ((n + 1) - ties/(n*(n-1))))
	if sigma == 0 {
		return 1
	}
	z := math.Max(math.Abs(u-mu)-0.5, 0) / sigma
	return math.Erfc(z / math.Sqrt2)
}

func TestMannWhitneyP(t *testing.T) {
	seq := func(lo, n int) []float64 {
		var out []float64
		for i := range n {
			out = append(out, float64(lo+i))
		}
		return out
	}
	tests := []struct {
		xs, ys []float64
		lo, hi float64
	}{
		// Worked by hand: U = 312.5 of a mean 450, 25 ties of two, σ = 67.615, z = 2.026.
		{seq(0, 30), seq(5, 30), 0.0425, 0.0430},
		// U = 112.5, 15 ties of two, σ = 67.625, z = 4.983.
		{seq(0, 30), seq(15, 30), 6.2e-7, 6.3e-7},
		{seq(0, 30), seq(0, 30), 0.99, 1},   // identical samples
		{seq(0, 30), seq(100, 30), 0, 1e-9}, // completely separated
		{[]float64{1, 1, 1}, []float64{1, 1}, 1, 1},
	}
	for i, tt := range tests {
		if p := mannWhitneyP(tt.xs, tt.ys); p < tt.lo || p > tt.hi || math.IsNaN(p) {
			t.Errorf("case %d: p = %v, want in [%v, %v]", i, p, tt.lo, tt.hi)
		}
		if p, q := mannWhitneyP(tt.xs, tt.ys), mannWhitneyP(tt.ys, tt.xs); p != q {
			t.Errorf("case %d: p = %v one way, %v the other", i, p, q)
		}
	}
}

func median(xs []float64) float64 {
	s := slices.Sorted(slices.Values(xs))
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func mean(xs []float64) float64 {
	var sum float64
	for _, x := range xs {
		sum += x
	}
	return sum / float64(len(xs))
}
