package cluster

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/raftsim/raftsim/models/fault"
	"github.com/raftsim/raftsim/models/latency"
	"github.com/raftsim/raftsim/network"
	"github.com/raftsim/raftsim/raft"
	"github.com/raftsim/raftsim/safety"
	"github.com/raftsim/raftsim/topology"
)

// fuzzBytes hands out the fuzzer's bytes as numbers; once they run out every number is 0.
type fuzzBytes struct{ b []byte }

func (f *fuzzBytes) u8() uint8 {
	if len(f.b) == 0 {
		return 0
	}
	x := f.b[0]
	f.b = f.b[1:]
	return x
}

func (f *fuzzBytes) u32() uint32 {
	var buf [4]byte
	for i := range buf {
		buf[i] = f.u8()
	}
	return binary.LittleEndian.Uint32(buf[:])
}

// intn returns a number in [0, n).
func (f *fuzzBytes) intn(n int) int { return int(f.u32() % uint32(n)) }

func (f *fuzzBytes) bool() bool { return f.u8()&1 == 1 }

// span returns a duration spread log-uniformly over [lo, hi], so that both ends are reached.
func (f *fuzzBytes) span(lo, hi time.Duration) time.Duration {
	x := float64(f.u32()) / math.MaxUint32
	return time.Duration(math.Exp(math.Log(float64(lo)) + x*(math.Log(float64(hi))-math.Log(float64(lo)))))
}

// dist returns a latency distribution of one of the kinds, with a scale around mean.
func (f *fuzzBytes) dist(mean time.Duration) *latency.Dist {
	m := f.span(max(mean/100, 1), mean*10)
	var spec string
	switch f.intn(7) {
	case 0:
		spec = "const:" + m.String()
	case 1:
		spec = fmt.Sprintf("uniform:%v:%v", m/2, m)
	case 2:
		spec = fmt.Sprintf("exp:%v", m)
	case 3:
		spec = fmt.Sprintf("normal:%v:%v", m, m/3)
	case 4:
		spec = fmt.Sprintf("lognormal:%v:%g", m, 0.1+3*float64(f.u8())/255)
	case 5:
		spec = fmt.Sprintf("pareto:%v:%g", m, 0.05+3*float64(f.u8())/255) // down to absurdly heavy tails
	default:
		spec = "const:0s"
	}
	d, err := latency.Parse(spec)
	if err != nil {
		panic(fmt.Sprintf("%s: %v", spec, err)) // the fuzz target builds only valid specs
	}
	return d
}

// fuzzConfig derives a small cluster's whole configuration from the fuzzer's bytes: every setting the
// command line and the specs reach, some of them outside their bounds (Validate must reject those).
// The simulated time is scaled to the fastest timer so that one input runs in milliseconds.
func fuzzConfig(data []byte) Config {
	f := &fuzzBytes{b: data}
	c := Default()
	c.Seed = uint64(f.u32())
	c.Nodes = 1 + f.intn(5)
	c.ElectionMin = f.span(MinElectionTimeout/2, time.Second)
	c.ElectionMax = c.ElectionMin + f.span(1, time.Second) - 1
	if f.bool() {
		c.Heartbeat = f.span(MinHeartbeat/2, c.ElectionMin*2)
	}
	if f.bool() {
		c.PreVote = raft.PreVoteThesis
	}
	c.CheckQuorum = f.bool()
	if f.bool() {
		c.Bootstrap = f.intn(c.Nodes + 1)
	}
	c.MaxInflight, c.MaxBatch = f.intn(8), f.intn(8)
	c.Link.Latency = f.dist(time.Millisecond)
	c.Fsync = f.dist(time.Millisecond)
	if f.bool() {
		c.Link.Loss = float64(f.u8()) / 255
	}
	bandwidth := func() float64 {
		if f.bool() {
			return 0
		}
		return math.Pow(10, float64(f.intn(700))-300) // 1e-300 to 1e399, +Inf beyond 1e308
	}
	c.Link.Bandwidth = bandwidth()
	c.DiskBandwidth = bandwidth()
	if math.IsInf(c.Link.Bandwidth, 0) {
		c.Link.Bandwidth = 0
	}
	if math.IsInf(c.DiskBandwidth, 0) {
		c.DiskBandwidth = 0
	}
	c.Topology = []string{"mesh", "ring", "star", "line"}[f.intn(4)]
	if f.bool() {
		c.Routing = network.ShortestPath
	}
	c.Clients = f.intn(6)
	c.Workload.Timeout = f.span(MinClientTimeout/2, 2*time.Second)
	c.Workload.Deadline = f.span(time.Microsecond, 10*time.Second)
	if f.bool() {
		c.Workload.Think = f.span(1, time.Second)
	}
	c.Workload.ValueSize = f.u32() % (MaxValueSize + 2)
	c.Workload.Keys = 1 + f.intn(100)

	// A few thousand of the fastest timer, at most a few simulated seconds.
	fastest := min(c.ElectionMin, c.Workload.Timeout)
	if c.Heartbeat > 0 {
		fastest = min(fastest, c.Heartbeat)
	}
	c.Duration = min(3*time.Second, max(fastest, time.Microsecond)*time.Duration(100+f.intn(2000)))
	at := func() time.Duration { return time.Duration(f.u32()) % (c.Duration + c.Duration/10) }
	node := func() int64 { return int64(1 + f.intn(c.Nodes)) }
	for range f.intn(6) {
		e := fault.Event{At: at()}
		switch f.intn(6) {
		case 0:
			e.Kind, e.Node = fault.Crash, node()
		case 1:
			e.Kind, e.Role, e.Extra = fault.Crash, fault.Leader, f.intn(c.Nodes)
		case 2:
			e.Kind, e.Node = fault.Restart, node()
		case 3:
			e.Kind, e.Groups = fault.Partition, [][]int64{{node()}}
		case 4:
			e.Kind, e.Edges = fault.Cut, []topology.Edge{{From: node(), To: node()}}
		default:
			e.Kind = fault.Heal
		}
		if e.Kind == fault.Cut && e.Edges[0].From == e.Edges[0].To {
			e.Kind, e.Edges = fault.Heal, nil
		}
		c.Faults = append(c.Faults, e)
	}
	fault.Sort(c.Faults)
	if f.bool() {
		c.Chaos = true
		c.ChaosOptions = fault.ChaosOptions{MeanInterval: f.span(c.Duration/100, c.Duration), Quiet: at()}
	}
	if f.bool() {
		c.CrashRecovery = &CrashRecovery{MTTF: f.dist(c.Duration / 3), MTTR: f.dist(c.Duration / 10)}
	}
	if f.bool() {
		c.LeaderCrash = &LeaderCrash{After: at(), Stale: f.intn(c.Nodes), Stop: f.bool()}
	}
	c.MeasureFrom = time.Duration(f.u32()) % c.Duration
	// Reads, and the clocks lease reads rest on (drawn last, so that earlier inputs mean what they
	// meant): a world whose clocks break the lease's assumption may serve a stale read, and says so in
	// its warnings; FuzzRun accepts Read Freshness from such a world, and nothing else.
	if f.bool() {
		c.Workload.ReadRatio = float64(f.u8()) / 255
		c.ReadMode = []ReadMode{ReadIndex, ReadLease, ReadFollower}[f.intn(3)]
		c.CheckQuorum = c.ReadMode == ReadLease || f.bool()
		c.ClockDrift = float64(f.u8()) / 255
		for id := range f.intn(c.Nodes + 1) {
			c.PerNode = append(c.PerNode, NodeSettings{ID: int64(1 + id), ClockRate: 0.5 + float64(f.u8())/255})
		}
	}
	c.Check = true
	return c
}

// budget is a context that reports itself cancelled once it has been asked polls times. A run asks every
// few thousand events and after every fault, so a budget bounds the work of one fuzz input (a fault
// every nanosecond is a valid setting, but a slow input), and it does so deterministically: a failing
// input fails again.
type budget struct {
	context.Context
	polls int
	done  chan struct{} // never closed: the run polls Err
}

func (b *budget) Done() <-chan struct{} { return b.done }

func (b *budget) Err() error {
	if b.polls--; b.polls < 0 {
		return context.Canceled
	}
	return nil
}

// FuzzRun builds and runs a small cluster from fuzzed settings, so that fuzzing reaches the simulator
// and not only the parsers: a configuration is either rejected by Validate (or New) with an error, or
// runs with every safety property checked and nothing broken, to its end or to the end of its budget of
// events (a stale lease read from clocks outside the drift bound, which the configuration warns of, is
// the world's, not a failure). A LimitError is a rejection too, made as the run goes. `make test` runs its seeds and fuzzes it for a few seconds.
func FuzzRun(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte("raftsim: a deterministic discrete-event simulator of Raft clusters"))
	f.Add([]byte{1, 2, 3, 4, 4, 0, 0, 0, 9, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0xff, 0xff, 0xff, 0xff, 3, 3, 3, 3, 5, 5, 5, 5})
	f.Add(make([]byte, 200))
	f.Add([]byte("\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"))
	// Lower limits keep every input quick (a world without delay fires a limit's worth of events
	// without time moving on); reaching them is still a rejection.
	defer func(a, b, c, d int) { maxInFlight, maxDiskQueue, maxLogEntries, maxAtOnce = a, b, c, d }(maxInFlight, maxDiskQueue, maxLogEntries, maxAtOnce)
	maxInFlight, maxDiskQueue, maxLogEntries, maxAtOnce = 1<<16, 1<<16, 1<<18, 1<<16
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg := fuzzConfig(data)
		if cfg.Validate() != nil {
			return
		}
		c, err := New(cfg)
		if err != nil {
			return // a topology the configuration cannot build
		}
		_, err = c.RunContext(&budget{Context: context.Background(), polls: 500, done: make(chan struct{})})
		var le *LimitError
		var v *safety.Violation
		switch {
		case err == nil, errors.As(err, &le), errors.Is(err, context.Canceled):
		case errors.As(err, &v) && v.Invariant == safety.ReadFreshness && cfg.leaseClockWarning() != "":
			// Clocks outside the drift bound: a stale lease read is the world's doing (the warning).
		case errors.As(err, &v):
			t.Fatalf("safety violation: %v\nconfig: %+v", v, cfg)
		default:
			t.Fatalf("run failed: %v\nconfig: %+v", err, cfg)
		}
	})
}
