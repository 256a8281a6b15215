package fault

import (
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/raftsim/raftsim/sim"
	"github.com/raftsim/raftsim/topology"
)

// Source yields a schedule one event at a time, in order of time: At never decreases from one event to
// the next. A drawn schedule is a Source rather than a list so that its cost follows the run: a
// schedule with a fault every nanosecond over an hour holds one pending event, not 10^12, and a run
// asks for the next event only when the one before fires.
type Source interface {
	// Next returns the next event, or false when the schedule has no more.
	Next() (Event, bool)
}

// List returns a Source over events, which it sorts (Sort) in a copy.
func List(events []Event) Source {
	l := &list{events: slices.Clone(events)}
	Sort(l.events)
	return l
}

type list struct {
	events []Event
	i      int
}

func (l *list) Next() (Event, bool) {
	if l.i == len(l.events) {
		return Event{}, false
	}
	l.i++
	return l.events[l.i-1], true
}

// Collect draws every event of src that happens before end.
func Collect(src Source, end time.Duration) []Event {
	var out []Event
	for {
		e, ok := src.Next()
		if !ok || e.At >= end {
			return out
		}
		out = append(out, e)
	}
}

// Sampler draws a span of time from a stream (models/latency.Dist is one).
type Sampler interface {
	Sample(r *rand.Rand) time.Duration
}

// CrashRecovery is one node's independent crash-recovery faults over [0, end): the node stays up for a
// span drawn from mttf with stream up, crashes, stays down for a span drawn from mttr with stream down,
// restarts, and so on. A span is at least 1ns, so time always moves on; a span at least as long as what
// is left of the run ends the schedule (comparing before adding keeps a heavy-tailed draw from
// overflowing). The draws of each stream depend only on how many spans came before.
func CrashRecovery(node int64, mttf, mttr Sampler, up, down *rand.Rand, end time.Duration) Source {
	return &crashRecovery{node: node, mttf: mttf, mttr: mttr, up: up, down: down, end: end}
}

type crashRecovery struct {
	node       int64
	mttf, mttr Sampler
	up, down   *rand.Rand
	end, t     time.Duration
	crashed    bool // the last event was a crash
	done       bool
}

func (c *crashRecovery) Next() (Event, bool) {
	if c.done {
		return Event{}, false
	}
	var kind Kind
	var span time.Duration
	if c.crashed {
		kind, span = Restart, c.mttr.Sample(c.down)
	} else {
		kind, span = Crash, c.mttf.Sample(c.up)
	}
	if span = max(span, time.Nanosecond); span >= c.end-c.t {
		c.done = true
		return Event{}, false
	}
	c.t += span
	c.crashed = !c.crashed
	return Event{At: c.t, Kind: kind, Node: c.node}, true
}

// Chaos draws a crash, restart and partition schedule over [0, duration) for n nodes from r. Every
// choice comes from r, so the schedule is a function of the stream's seed. It is NewChaos drawn to the
// end.
func Chaos(r *rand.Rand, n int, duration time.Duration, o ChaosOptions) []Event {
	return Collect(NewChaos(r, n, duration, o), duration)
}

// NewChaos is the Chaos schedule as a Source: the same draws in the same order, one event at a time.
func NewChaos(r *rand.Rand, n int, duration time.Duration, o ChaosOptions) Source {
	mean := o.MeanInterval
	if mean <= 0 {
		// At least 1ns: a mean of 0 (a duration under 10ns) would never move t forward.
		mean = max(duration/10, 1)
	}
	return &chaos{r: r, n: n, duration: duration, mean: mean, t: o.Quiet, down: make([]bool, n+1)}
}

type chaos struct {
	r        *rand.Rand
	n        int
	duration time.Duration
	mean     time.Duration
	t        time.Duration
	down     []bool
	crashed  []int64
	burst    []Event // events drawn together (a restart of everyone) not yet returned
	done     bool
}

func (c *chaos) Next() (Event, bool) {
	for len(c.burst) == 0 {
		if c.done || !c.draw() {
			c.done = true
			return Event{}, false
		}
	}
	e := c.burst[0]
	c.burst = c.burst[1:]
	return e, true
}

// draw draws the next instant and what happens then, putting its events (none, one, or a restart of
// everyone) in burst; it returns false once the instant is past the end. The gap is truncated, not
// rounded, to the nanosecond, and saturates rather than wrap: a huge mean times a long exponential
// draw ends the schedule.
func (c *chaos) draw() bool {
	r, n := c.r, c.n
	c.t = sim.AddDurations(c.t, sim.FloatNanos(math.Trunc(r.ExpFloat64()*float64(c.mean))))
	if c.t >= c.duration {
		return false
	}
	t := c.t
	switch x := r.Float64(); {
	case x < 0.20: // crash a random live node
		if alive := liveNodes(c.down); len(alive) > 0 {
			id := alive[r.IntN(len(alive))]
			c.down[id] = true
			c.crashed = append(c.crashed, id)
			c.burst = append(c.burst, Event{At: t, Kind: Crash, Node: id})
		}
	case x < 0.30: // crash the leader, whoever it is
		c.burst = append(c.burst, Event{At: t, Kind: Crash, Role: Leader})
	case x < 0.55: // restart a node crashed earlier (a leader crash may have hit anyone: restart is harmless on a live node)
		if r.IntN(4) == 0 {
			// Restart everyone: the only way back for nodes the leader crashes took, whose IDs the
			// schedule cannot know in advance.
			for id := int64(1); id <= int64(n); id++ {
				c.burst = append(c.burst, Event{At: t, Kind: Restart, Node: id})
				c.down[id] = false
			}
			c.crashed = c.crashed[:0]
			return true
		}
		var id int64
		if len(c.crashed) > 0 && r.IntN(3) > 0 {
			k := r.IntN(len(c.crashed))
			id = c.crashed[k]
			c.crashed = slices.Delete(c.crashed, k, k+1)
		} else {
			id = int64(r.IntN(n) + 1)
		}
		c.down[id] = false
		c.burst = append(c.burst, Event{At: t, Kind: Restart, Node: id})
	case x < 0.70: // partition into two or three random groups
		k := 2 + r.IntN(2)
		groups := make([][]int64, k)
		for id := int64(1); id <= int64(n); id++ {
			g := r.IntN(k)
			groups[g] = append(groups[g], id)
		}
		groups = slices.DeleteFunc(groups, func(g []int64) bool { return len(g) == 0 })
		if len(groups) >= 2 {
			c.burst = append(c.burst, Event{At: t, Kind: Partition, Groups: groups})
		}
	case x < 0.80: // cut a few random directed edges (one-way faults)
		if n >= 2 {
			var edges []topology.Edge
			for k := 1 + r.IntN(n); k > 0; k-- {
				from := int64(r.IntN(n) + 1)
				to := int64(r.IntN(n-1) + 1)
				if to >= from {
					to++
				}
				// The same draws as ever; an edge drawn twice is listed once, as a schedule must.
				if ed := (topology.Edge{From: from, To: to}); !slices.Contains(edges, ed) {
					edges = append(edges, ed)
				}
			}
			c.burst = append(c.burst, Event{At: t, Kind: Cut, Edges: edges})
		}
	default:
		c.burst = append(c.burst, Event{At: t, Kind: Heal})
	}
	return true
}

func liveNodes(down []bool) []int64 {
	var out []int64
	for id := 1; id < len(down); id++ {
		if !down[id] {
			out = append(out, int64(id))
		}
	}
	return out
}

// Merge returns a Source of the events of every source in order of time; among events at the same
// instant, those of an earlier source come first, and each source's own come in its order. That is
// the order Sort gives the concatenation of the sources' events, so a merged schedule fires exactly as
// the whole list sorted up front would.
func Merge(srcs ...Source) Source {
	m := &merge{}
	for i, s := range srcs {
		if e, ok := s.Next(); ok {
			m.heap = append(m.heap, head{e: e, rank: i, src: s})
		}
	}
	for i := len(m.heap)/2 - 1; i >= 0; i-- {
		m.down(i)
	}
	return m
}

type head struct {
	e    Event
	rank int
	src  Source
}

// merge is a min-heap of the sources' next events under (At, rank).
type merge struct{ heap []head }

func (m *merge) Next() (Event, bool) {
	if len(m.heap) == 0 {
		return Event{}, false
	}
	e := m.heap[0].e
	if next, ok := m.heap[0].src.Next(); ok {
		m.heap[0].e = next
	} else {
		last := len(m.heap) - 1
		m.heap[0] = m.heap[last]
		m.heap = m.heap[:last]
	}
	if len(m.heap) > 0 {
		m.down(0)
	}
	return e, true
}

func (m *merge) less(i, j int) bool {
	a, b := &m.heap[i], &m.heap[j]
	if a.e.At != b.e.At {
		return a.e.At < b.e.At
	}
	return a.rank < b.rank
}

func (m *merge) down(i int) {
	n := len(m.heap)
	for {
		c := 2*i + 1
		if c >= n {
			return
		}
		if r := c + 1; r < n && m.less(r, c) {
			c = r
		}
		if !m.less(c, i) {
			return
		}
		m.heap[i], m.heap[c] = m.heap[c], m.heap[i]
		i = c
	}
}
