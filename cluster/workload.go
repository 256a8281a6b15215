package cluster

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/raftsim/raftsim/models/latency"
	"github.com/raftsim/raftsim/sim"
)

// Bounds of the workload models (validateWorkload).
const (
	// MaxArrivalRate bounds the open-loop arrival rate (operations per simulated second): one arrival a
	// microsecond, the rate of the shortest client timeout.
	MaxArrivalRate = 1e6
	// MaxZipf bounds the Zipf exponent: beyond it every key but the first has probability below 2^-1000.
	MaxZipf = 1000
)

// validateWorkload checks the workload block of Config (ArrivalRate, KeyZipf, ValueSizes).
func (c *Config) validateWorkload() error {
	switch {
	case !(c.ArrivalRate >= 0 && c.ArrivalRate <= MaxArrivalRate):
		return fmt.Errorf("arrival-rate: %v: want 0 (closed loop) to %v operations per second", c.ArrivalRate, MaxArrivalRate)
	case c.ArrivalRate > 0 && c.Clients == 0:
		return fmt.Errorf("arrival-rate: %v: open-loop arrivals need clients to carry them (clients is the most operations outstanding at once)", c.ArrivalRate)
	case c.ArrivalRate > 0 && (c.Workload.Think > 0 || c.ThinkDist != nil):
		// An open-loop client takes the next arrival when it is idle; it never thinks, so a think time
		// (constant or drawn) beside arrivals would be silently ignored.
		think := ascii(c.Workload.Think)
		if c.ThinkDist != nil {
			think = c.ThinkDist.String()
		}
		return fmt.Errorf("think: %s: open-loop clients (arrival-rate %v) take operations as they arrive and never think: leave think at 0", think, c.ArrivalRate)
	case !(c.KeyZipf == 0 || c.KeyZipf > 1 && c.KeyZipf <= MaxZipf):
		return fmt.Errorf("key-zipf: %v: want 0 (uniform keys) or an exponent s above 1, at most %d", c.KeyZipf, MaxZipf)
	}
	if c.ValueSizes != "" {
		if _, err := ParseSizes(c.ValueSizes); err != nil {
			return fmt.Errorf("value-sizes: %w", err)
		}
	}
	return nil
}

// sizeArgs are, per latency-spec kind, the positions (after the kind) of the arguments that are sizes
// in a size spec, so times in a latency spec; the others (lognormal's sigma, pareto's alpha) are numbers
// in both.
var sizeArgs = map[string][]int{"const": {0}, "uniform": {0, 1}, "normal": {0, 1}, "exp": {0}, "lognormal": {0, 2}, "pareto": {0}}

// SizeDist is a distribution of payload sizes in bytes.
type SizeDist struct{ d *latency.Dist }

// Sample draws a size in bytes, at least 0.
func (s SizeDist) Sample(r *rand.Rand) int64 { return max(int64(s.d.Sample(r)), 0) }

// Mean is the distribution's mean in bytes (+Inf for a Pareto alpha of 1 or less).
func (s SizeDist) Mean() float64 {
	if !s.d.FiniteMean() {
		return math.Inf(1)
	}
	return float64(s.d.Mean())
}

// ParseSizes reads a size distribution, written as a latency spec (models/latency) whose sizes are whole
// bytes: const:128, uniform:64:4096, normal:1024:256, exp:1024, lognormal:1024:0.5 (median and sigma,
// with an optional floor), pareto:512:1.5. It reuses the latency model, one nanosecond for one byte.
func ParseSizes(spec string) (SizeDist, error) {
	fields := strings.Split(spec, ":")
	pos, ok := sizeArgs[fields[0]]
	if !ok {
		return SizeDist{}, fmt.Errorf("%q: want const, uniform, normal, exp, lognormal or pareto, then sizes in bytes (uniform:64:4096)", spec)
	}
	for _, i := range pos {
		if i+1 >= len(fields) {
			continue // the latency parser names what is missing
		}
		n, err := strconv.ParseInt(fields[i+1], 10, 64)
		if err != nil || n < 0 || n > MaxValueSize {
			return SizeDist{}, fmt.Errorf("%q: %q is not a size in bytes from 0 to %d", spec, fields[i+1], MaxValueSize)
		}
		fields[i+1] += "ns"
	}
	d, err := latency.Parse(strings.Join(fields, ":"))
	if err != nil {
		return SizeDist{}, fmt.Errorf("%q: %s", spec, strings.ReplaceAll(strings.TrimPrefix(err.Error(), "latency: "), "ns", " bytes"))
	}
	return SizeDist{d}, nil
}

// arrivals is the open-loop arrival process (Config.ArrivalRate): operations arrive at the times of a
// Poisson process, drawn from the stream "arrivals", each handed to an idle client; when every client
// has one outstanding, the arrival is refused and counted. The clients bound what is outstanding, so
// memory does not grow with the offered load, however far it is beyond what the cluster can serve.
type arrivals struct {
	c       *Cluster
	rng     *rand.Rand
	rate    float64 // per nanosecond
	timer   sim.Timer
	offered uint64
	refused uint64
	// idle is a ring of the idle clients' IDs, oldest first: arrivals go to the client idle longest.
	idle       []uint64
	head, size int
}

func (a *arrivals) init(c *Cluster) {
	a.c, a.rng, a.rate = c, sim.Stream(c.cfg.Seed, "arrivals"), c.cfg.ArrivalRate/1e9
	a.idle = make([]uint64, len(c.clients))
	for i := range c.clients {
		a.push(uint64(i + 1))
	}
}

func (a *arrivals) push(id uint64) {
	a.idle[(a.head+a.size)%len(a.idle)] = id
	a.size++
}

func (a *arrivals) pop() uint64 {
	id := a.idle[a.head]
	a.head = (a.head + 1) % len(a.idle)
	a.size--
	return id
}

// arm schedules the next arrival; it saturates at sim.Never for a rate near zero.
func (a *arrivals) arm() {
	d := sim.FloatNanos(a.rng.ExpFloat64() / a.rate)
	a.timer = a.c.loop.Reset(a.timer, a.c.loop.Now().Add(d), a, 0)
}

// Fire is an arrival.
func (a *arrivals) Fire(uint64) {
	a.offered++
	if a.size == 0 {
		a.refused++
	} else {
		a.c.clients[a.pop()-1].client.Issue()
	}
	a.arm()
}

// done is called when a client completes an operation, open loop: it is idle again.
func (a *arrivals) done(client uint64) { a.push(client) }

// Arrivals counts the open-loop arrivals (Config.ArrivalRate): offered is every arrival, refused those
// that found every client busy (never sent).
type Arrivals struct {
	RatePerS float64 `json:"rate_per_s"`
	Offered  uint64  `json:"offered"`
	Refused  uint64  `json:"refused"`
}
