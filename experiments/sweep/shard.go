package sweep

import (
	"cmp"
	"container/heap"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/raftsim/raftsim/cluster"
	"github.com/raftsim/raftsim/experiments"
	"github.com/raftsim/raftsim/experiments/results"
)

// Shard is one of Count parts of a sweep or a check: Index is 1-based (1/3, 2/3, 3/3), as Playwright's
// and Jest's --shard are. The zero Shard means no sharding: the whole sweep.
type Shard struct {
	Index, Count int
}

// MaxShards bounds Count: a shard per trial of the largest sweep.
const MaxShards = experiments.MaxTrials

// Sharded says whether s is a shard rather than the whole sweep.
func (s Shard) Sharded() bool { return s != Shard{} }

// String writes s as ParseShard reads it: "I/N".
func (s Shard) String() string { return strconv.Itoa(s.Index) + "/" + strconv.Itoa(s.Count) }

// Validate says why s is not a shard, or nil.
func (s Shard) Validate() error {
	switch {
	case s.Count < 1 || s.Count > MaxShards:
		return fmt.Errorf("%d shards: want 1 to %d", s.Count, MaxShards)
	case s.Index < 1 || s.Index > s.Count:
		return fmt.Errorf("shard %d of %d: want 1 to %d (shards count from 1)", s.Index, s.Count, s.Count)
	}
	return nil
}

// ParseShard reads "I/N", two decimal integers with 1 <= I <= N <= MaxShards. It is the one check that
// `sweep --shard` and `check --shard` go through; the error says what is wrong with s, and the caller
// prefixes the flag's name.
func ParseShard(s string) (Shard, error) {
	a, b, ok := strings.Cut(strings.TrimSpace(s), "/")
	if !ok {
		return Shard{}, fmt.Errorf("%q: want I/N, shard I of N counting from 1 (e.g. 2/3)", s)
	}
	i, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	if err1 != nil || err2 != nil {
		return Shard{}, fmt.Errorf("%q: want I/N with I and N whole numbers (e.g. 2/3)", s)
	}
	sh := Shard{Index: i, Count: n}
	if err := sh.Validate(); err != nil {
		return Shard{}, fmt.Errorf("%q: %w", s, err)
	}
	return sh, nil
}

// Cost model. What a trial costs is, to first order, the events it runs: its simulated span times the
// events per simulated second. Both come from the point's configuration alone (never from a run), so
// that the assignment depends on the plan only. The constants are orders of magnitude stated once, not
// fitted to any measurement:
const (
	// closedLoopRate is the operations per simulated second taken for a closed-loop client: one
	// operation outstanding, a commit taking a few milliseconds to tens of milliseconds.
	closedLoopRate = 100
	// electionRounds bounds, for a leader-crash trial that stops at the new leader, the election
	// timeouts its election takes: with randomness in the timeout a split vote repeats at most a few
	// times. Without randomness (ElectionMin == ElectionMax) the election may never end, and the
	// trial runs its whole Duration (fig16's 150-150 ms line does).
	electionRounds = 20
)

// TrialCost is the expected cost of one trial of cfg in the cost model's units (events, to an order of
// magnitude): span × rate, where
//
//   - span is the simulated time the trial runs: Duration, or for a LeaderCrash scenario that stops at
//     the new leader, After + electionRounds × ElectionMax when the election timeout has randomness
//     (at most Duration);
//   - rate is the events per simulated second: Nodes² heartbeats and replies per heartbeat interval
//     (Heartbeat, or ElectionMin/2 when 0), plus Nodes events per client operation (ArrivalRate for
//     open-loop clients, closedLoopRate per closed-loop client).
//
// It is positive for any valid configuration. The topology, faults and chaos are left out: they move
// the cost by small factors where points differ by orders of magnitude in span, nodes or load.
func TrialCost(cfg *cluster.Config) float64 {
	span := cfg.Duration
	if lc := cfg.LeaderCrash; lc != nil && lc.Stop && cfg.ElectionMax > cfg.ElectionMin {
		span = min(span, lc.After+electionRounds*cfg.ElectionMax)
	}
	hb := cfg.Heartbeat
	if hb <= 0 {
		hb = cfg.ElectionMin / 2
	}
	n := float64(max(cfg.Nodes, 1))
	rate := n * n / max(hb, time.Microsecond).Seconds()
	switch {
	case cfg.Clients > 0 && cfg.ArrivalRate > 0:
		rate += n * cfg.ArrivalRate
	case cfg.Clients > 0:
		rate += n * float64(cfg.Clients) * closedLoopRate
	}
	return max(span.Seconds(), 1e-3) * max(rate, 1)
}

// Assignment is the assignment of a plan's trials to Count shards, by rule AssignmentRule.
type Assignment struct {
	Count  int
	trials int     // per point
	shard  []int32 // by point*trials+trial: the shard (0-based)
	Load   []float64
	Sizes  []int // trials per shard
}

// AssignmentRule names the rule Assign follows; a shard records it, and merge refuses shards of
// another rule.
const AssignmentRule = "lpt-cost-v1"

// Assign assigns every trial of plan to one of n shards by longest-processing-time-first greedy
// scheduling on TrialCost: the trials are taken in decreasing order of cost (ties: sweep order of the
// point, results.PointOrder, then trial index), each to the shard with the least cost so far (ties:
// the lowest shard). A point's trials may go to several shards. It depends on nothing but the plan and
// n: the same plan gives the same assignment on any machine, with any workers. Graham's bound holds:
// no shard's cost exceeds the mean by more than the costliest trial.
func Assign(plan *experiments.Plan, n int) *Assignment {
	a := &Assignment{Count: n, trials: plan.Trials, shard: make([]int32, len(plan.Points)*plan.Trials),
		Load: make([]float64, n), Sizes: make([]int, n)}
	order := results.PointOrder(plan)
	cost := make([]float64, len(plan.Points))
	for _, p := range order {
		cost[p] = TrialCost(&plan.Points[p].Config)
	}
	// Stable: equal costs keep sweep order.
	slices.SortStableFunc(order, func(x, y int) int { return cmp.Compare(cost[y], cost[x]) })
	h := &loads{load: a.Load}
	for i := range n {
		h.idx = append(h.idx, i)
	}
	heap.Init(h)
	for _, p := range order {
		for k := range plan.Trials {
			s := h.idx[0]
			a.shard[p*plan.Trials+k] = int32(s)
			a.Load[s] += cost[p]
			a.Sizes[s]++
			heap.Fix(h, 0)
		}
	}
	return a
}

// Of returns the shard (1-based) of a trial.
func (a *Assignment) Of(point, trial int) int { return int(a.shard[point*a.trials+trial]) + 1 }

// Balance is the costliest shard's cost over the mean (1 is perfect).
func (a *Assignment) Balance() float64 {
	var sum, most float64
	for _, l := range a.Load {
		sum += l
		most = max(most, l)
	}
	if sum == 0 {
		return 1
	}
	return most / (sum / float64(len(a.Load)))
}

// loads is a min-heap of shard indices by load, ties to the lower index.
type loads struct {
	idx  []int
	load []float64
}

func (h *loads) Len() int { return len(h.idx) }
func (h *loads) Less(i, j int) bool {
	a, b := h.idx[i], h.idx[j]
	return h.load[a] < h.load[b] || h.load[a] == h.load[b] && a < b
}
func (h *loads) Swap(i, j int) { h.idx[i], h.idx[j] = h.idx[j], h.idx[i] }
func (h *loads) Push(x any)    { h.idx = append(h.idx, x.(int)) }
func (h *loads) Pop() any {
	x := h.idx[len(h.idx)-1]
	h.idx = h.idx[:len(h.idx)-1]
	return x
}
