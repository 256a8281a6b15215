package cluster

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/raftsim/raftsim/models/fault"
	"github.com/raftsim/raftsim/models/latency"
	"github.com/raftsim/raftsim/sim"
)

// TestFaultScheduleIsLazy: a fault every microsecond on every node for an hour (about 10^10 events),
// the shortest spans allowed, builds at once, runs, and stops soon after its context is cancelled: the
// schedule is drawn as the run reaches it, not before.
func TestFaultScheduleIsLazy(t *testing.T) {
	cfg := Default()
	cfg.Duration = time.Hour
	cfg.CrashRecovery = &CrashRecovery{MTTF: latency.Const(MinMTTF), MTTR: latency.Const(MinMTTR)}
	cfg.Chaos, cfg.ChaosOptions.MeanInterval = true, MinChaosInterval
	// Cancelled from inside once 20,000 events have fired, not after a wall-clock time: on a loaded
	// machine under the race detector a time limit measures the machine, not the schedule.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var c *Cluster
	cfg.Progress = func(time.Duration) {
		if c.Loop().Fired() >= 20000 {
			cancel()
		}
	}
	start := time.Now()
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	// An eager schedule of an hour at one fault per microsecond would take hundreds of gigabytes and
	// minutes to build; a lazy one is built in microseconds.
	if d := time.Since(start); d > 10*time.Second {
		t.Fatalf("New took %v", d)
	}
	_, err = c.RunContext(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want the context's", err)
	}
	if f := c.Loop().Fired(); f < 20000 || f > 20000+2*4096 {
		t.Fatalf("%d events fired; want the run to stop within two interrupt checks of 20000", f)
	}
}

// TestLazyFaultsFireAsAList: drawing the schedule as the run goes fires exactly what the whole schedule,
// drawn first and given as a list, fires: the same trace, byte for byte, ties at one instant included
// (constant spans put crash-recovery faults, chaos faults and listed faults on the same instants). The
// list replaces the drawn sources inside the same run's configuration, since a drawn schedule may
// restart a node that is up, which a listed one may not.
func TestLazyFaultsFireAsAList(t *testing.T) {
	tests := []struct {
		name string
		mod  func(c *Config)
	}{
		{"crash-recovery", func(c *Config) {
			c.CrashRecovery = &CrashRecovery{MTTF: latency.MustParse("exp:3s"), MTTR: latency.MustParse("exp:1s")}
		}},
		{"chaos", func(c *Config) { c.Chaos, c.ChaosOptions.MeanInterval = true, time.Second }},
		{"ties", func(c *Config) {
			c.CrashRecovery = &CrashRecovery{MTTF: latency.MustParse("const:1s"), MTTR: latency.MustParse("const:1s")}
			c.Faults = []fault.Event{{At: 2 * time.Second, Kind: fault.Heal}, {At: 3 * time.Second, Kind: fault.Crash, Role: fault.Leader}}
			c.Chaos, c.ChaosOptions.MeanInterval = true, time.Second
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for seed := uint64(1); seed <= 3; seed++ {
				cfg := Default()
				cfg.Seed, cfg.Duration, cfg.Check = seed, 15*time.Second, true
				tt.mod(&cfg)
				var lazy, listed bytes.Buffer
				cfg.Trace = &lazy
				run(t, cfg)
				evs := fault.Collect(cfg.faultSource(), cfg.Duration)
				if len(evs) < 5 {
					t.Fatalf("seed %d: only %d faults", seed, len(evs))
				}
				cfg.Trace = &listed
				c, err := New(cfg)
				if err != nil {
					t.Fatal(err)
				}
				c.faults.src = fault.List(evs)
				if _, err := c.Run(); err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(lazy.Bytes(), listed.Bytes()) {
					t.Fatalf("seed %d: the lazy schedule's trace differs from the listed one's", seed)
				}
			}
		})
	}
}

// TestExtremeTimes: bandwidths, latencies and durations at the ends of their ranges run without a
// panic; what cannot arrive (a transmission or a write that lasts forever) simply never does, and the
// run ends. Before time arithmetic saturated, a bandwidth of 1e-300 B/s wrapped the transmission time
// into the past and the event loop panicked.
func TestExtremeTimes(t *testing.T) {
	lat := latency.MustParse
	forever := 2562047 * time.Hour // the longest duration the flags parse, nearly MaxDuration
	tests := []struct {
		name    string
		mod     func(c *Config)
		commits bool // whether writes should commit
	}{
		{"link bandwidth 1e-300 B/s", func(c *Config) { c.Link.Bandwidth = 1e-300 }, false},
		{"link bandwidth 1e300 B/s", func(c *Config) { c.Link.Bandwidth = 1e300 }, true},
		{"disk bandwidth 1e-300 B/s", func(c *Config) { c.DiskBandwidth = 1e-300 }, false},
		{"disk bandwidth 1e300 B/s", func(c *Config) { c.DiskBandwidth = 1e300 }, true},
		{"latency 1000000h", func(c *Config) { c.Link.Latency = lat("const:1000000h") }, false},
		{"latency of the longest duration", func(c *Config) { c.Link.Latency = lat("const:2562047h") }, false},
		{"pareto latency, alpha 0.05", func(c *Config) { c.Link.Latency = lat("pareto:1ms:0.05") }, false},
		{"lognormal latency, sigma 30", func(c *Config) { c.Link.Latency = lat("lognormal:1ms:30") }, false},
		{"fsync pareto, alpha 0.05", func(c *Config) { c.Fsync = lat("pareto:1ms:0.05") }, false},
		{"fsync and latency of the longest duration", func(c *Config) {
			c.Fsync, c.Link.Latency = lat("const:2562047h"), lat("const:2562047h")
		}, false},
		{"run of the longest duration, timers near its end", func(c *Config) {
			c.Duration = forever
			c.ElectionMin, c.ElectionMax, c.Heartbeat = 1000000*time.Hour, 2000000*time.Hour, 500000*time.Hour
			c.Link.Latency, c.Fsync = lat("const:100000h"), lat("const:100000h")
			c.Workload.Timeout, c.Workload.Deadline = 1000000*time.Hour, forever
			c.Faults = []fault.Event{{At: forever - time.Nanosecond, Kind: fault.Crash, Role: fault.Leader}}
			c.LeaderCrash = &LeaderCrash{After: forever - time.Millisecond}
		}, true},
		{"leader-crash retries past Never", func(c *Config) {
			c.Duration = sim.MaxDuration
			c.ElectionMin, c.ElectionMax = sim.MaxDuration/2, sim.MaxDuration/2
			c.LeaderCrash = &LeaderCrash{After: sim.MaxDuration - 500*time.Microsecond} // no leader: retried every 1ms
			c.Clients = 0
		}, false},
		{"chaos over the longest duration, gaps near it", func(c *Config) {
			c.Duration = forever
			c.ElectionMin, c.ElectionMax, c.Heartbeat = 1000000*time.Hour, 2000000*time.Hour, 500000*time.Hour
			c.Chaos, c.ChaosOptions.MeanInterval, c.ChaosOptions.Quiet = true, 1000000*time.Hour, 1000000*time.Hour
			c.Clients = 0
		}, false},
		{"crash-recovery over the longest duration", func(c *Config) {
			c.Duration = forever
			c.ElectionMin, c.ElectionMax, c.Heartbeat = 1000000*time.Hour, 2000000*time.Hour, 500000*time.Hour
			c.CrashRecovery = &CrashRecovery{MTTF: lat("pareto:1000000h:0.5"), MTTR: lat("exp:2000000h")}
			c.Clients = 0
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := Default()
			cfg.Duration, cfg.Check = 3*time.Second, true
			tt.mod(&cfg)
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			c, err := New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			s, err := c.RunContext(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if s.EndMS != float64(cfg.Duration.Round(time.Microsecond))/1e6 && cfg.LeaderCrash == nil {
				t.Fatalf("the run ended at %vms, not at its end %v", s.EndMS, cfg.Duration)
			}
			if tt.commits != (s.ClientOps.OK > 0) {
				t.Fatalf("%d writes committed, want commits: %v", s.ClientOps.OK, tt.commits)
			}
		})
	}
}

// TestValidateBounds: settings whose cost grows with their value are bounded in Validate, the one
// place flags and spec fields both go through; each error names the setting as the command line does
// and says what the bound is. The bounds themselves are accepted.
func TestValidateBounds(t *testing.T) {
	tests := []struct {
		name string
		mod  func(c *Config)
		want string // prefix of the error; "" for none
	}{
		{"heartbeat 1ns", func(c *Config) { c.Heartbeat = time.Nanosecond }, "heartbeat: 1ns: at least 1us ("},
		// A Pareto jitter with alpha <= 1 has an infinite mean (Mean gives its median): one draw could
		// push a timer past the end of time, and it once wrapped into the past and panicked.
		{"timer jitter of infinite mean", func(c *Config) { c.TimerJitter = latency.MustParse("pareto:1ms:0.3") }, "timer-jitter: pareto:1ms:0.3 has an infinite mean"},
		{"timer jitter of heavy but finite mean", func(c *Config) { c.TimerJitter = latency.MustParse("pareto:1ms:1.01") }, ""},
		{"heartbeat at the bound", func(c *Config) { c.Heartbeat = MinHeartbeat }, ""},
		{"election timeout 1ns", func(c *Config) { c.ElectionMin, c.ElectionMax = 1, 1 }, "election-timeout: minimum 1ns: at least 2us ("},
		{"election timeout at the bound", func(c *Config) { c.ElectionMin, c.ElectionMax = MinElectionTimeout, MinElectionTimeout }, ""},
		{"default heartbeat at the bound", func(c *Config) { c.ElectionMin, c.ElectionMax, c.Heartbeat = MinElectionTimeout, MinElectionTimeout, 0 }, ""},
		{"client timeout 1ns", func(c *Config) { c.Workload.Timeout = 1 }, "client-timeout: 1ns: at least 1us ("},
		{"client timeout negative", func(c *Config) { c.Workload.Timeout = -1 }, "client-timeout: -1ns: must be positive"},
		{"max-inflight huge", func(c *Config) { c.MaxInflight = 9000000000000000000 }, "max-inflight: 9000000000000000000: want 1 to 1048576"},
		{"max-inflight at the bound", func(c *Config) { c.MaxInflight = MaxInflight }, ""},
		{"max-inflight negative", func(c *Config) { c.MaxInflight = -1 }, "max-inflight: -1: want 1 to 1048576"},
		{"max-batch huge", func(c *Config) { c.MaxBatch = 1 << 40 }, "max-batch: 1099511627776: want 1 to 1048576"},
		{"nodes 1001", func(c *Config) { c.Nodes = MaxNodes + 1 }, "nodes: 1001: at most 1000"},
		{"clients 100001", func(c *Config) { c.Clients = MaxClients + 1 }, "clients: 100001: at most 100000"},
		{"clients at the bound", func(c *Config) { c.Clients = MaxClients }, ""},
		{"value size over 1GiB", func(c *Config) { c.Workload.ValueSize = MaxValueSize + 1 }, "value-size: 1073741825: at most 1073741824"},
		{"disk bandwidth negative", func(c *Config) { c.DiskBandwidth = -1 }, "disk-bandwidth: -1: must not be negative"},
		{"think negative", func(c *Config) { c.Workload.Think = -1 }, "think: -1ns: must not be negative"},
		{"chaos interval negative", func(c *Config) { c.ChaosOptions.MeanInterval = -1 }, "chaos-interval: -1ns: must not be negative"},
		{"chaos interval 1ns", func(c *Config) { c.Chaos, c.ChaosOptions.MeanInterval = true, 1 }, "chaos-interval: 1ns: at least 1us ("},
		{"chaos interval at the bound", func(c *Config) { c.Chaos, c.ChaosOptions.MeanInterval = true, MinChaosInterval }, ""},
		{"op deadline 1ns", func(c *Config) { c.Workload.Deadline = 1 }, "op-deadline: 1ns: at least 1us ("},
		{"op deadline at the bound", func(c *Config) { c.Workload.Deadline = MinOpDeadline }, ""},
		{"mttf of mean 1ns", func(c *Config) {
			c.CrashRecovery = &CrashRecovery{MTTF: latency.MustParse("exp:1ns"), MTTR: latency.MustParse("exp:1s")}
		}, "crash_recovery: mttf exp:1ns has mean 1ns: at least 1us ("},
		{"mttr of mean 999ns", func(c *Config) {
			c.CrashRecovery = &CrashRecovery{MTTF: latency.MustParse("exp:1s"), MTTR: latency.MustParse("uniform:0s:1998ns")}
		}, "crash_recovery: mttr uniform:0s:1.998us has mean 999ns: at least 1us ("},
		{"mttf and mttr at the bound", func(c *Config) {
			c.CrashRecovery = &CrashRecovery{MTTF: latency.Const(MinMTTF), MTTR: latency.MustParse("exp:1us")}
		}, ""},
		{"chaos quiet negative", func(c *Config) { c.ChaosOptions.Quiet = -1 }, "chaos-quiet: -1ns: must not be negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := Default()
			tt.mod(&cfg)
			err := cfg.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("rejected: %v", err)
			case tt.want != "" && (err == nil || !strings.HasPrefix(err.Error(), tt.want)):
				t.Fatalf("error %v, want %q…", err, tt.want)
			}
			if _, nerr := New(cfg); (nerr == nil) != (err == nil) {
				t.Fatalf("New and Validate disagree: %v, %v", nerr, err)
			}
		})
	}
}

// TestLimitsStopRuns: a run that would hold more than the simulator allows stops with a *LimitError
// naming what overflowed and when, rather than taking all the memory. The limits are lowered here so
// that each test reaches its limit in a moment; what drives each is the real thing.
func TestLimitsStopRuns(t *testing.T) {
	lat := latency.MustParse
	tests := []struct {
		name  string
		limit *int
		mod   func(c *Config)
		what  string
	}{
		{"messages in flight", &maxInFlight, func(c *Config) {
			// Clients resend every microsecond into links where nothing arrives for an hour.
			c.Clients, c.Workload.Timeout, c.Link.Latency = 50, time.Microsecond, lat("const:30m")
		}, "messages in flight"},
		{"writes waiting for the disks", &maxDiskQueue, func(c *Config) {
			// Nodes time out every few microseconds and write their new term to a disk that takes an hour.
			c.ElectionMin, c.ElectionMax, c.Fsync = MinElectionTimeout, 2*MinElectionTimeout, lat("const:1h")
		}, "writes waiting for the disks"},
		{"log entries", &maxLogEntries, func(c *Config) { c.Clients = 20 }, "log entries on all nodes together"},
		{"log entries from elections alone", &maxLogEntries, func(c *Config) {
			// No client: the log grows by the empty entry of each new leader, which the limit, checked
			// only on client writes, never saw.
			c.Clients, c.Link.Latency = 0, lat("exp:1ms")
			c.ElectionMin, c.ElectionMax = 5*time.Millisecond, 10*time.Millisecond
		}, "log entries on all nodes together"},
		{"records of the safety checker", &maxChecked, func(c *Config) {
			// Leaders come and go: the checker remembers each one's term and empty entry, and the
			// entries later leaders overwrote, about three records per election here.
			c.Clients, c.Check, c.Link.Latency = 0, true, lat("exp:1ms")
			c.ElectionMin, c.ElectionMax, c.Fsync = 5*time.Millisecond, 10*time.Millisecond, lat("exp:3ms")
		}, "records of the safety checker"},
		{"events at one instant", &maxAtOnce, func(c *Config) {
			// No delay anywhere: writes complete without time moving on.
			c.Link.Latency, c.Fsync, c.Link.Bandwidth = lat("const:0s"), lat("const:0s"), 0
		}, "events at one instant"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func(old int) { *tt.limit = old }(*tt.limit)
			*tt.limit = 10000
			cfg := Default()
			cfg.Duration = time.Hour
			tt.mod(&cfg)
			c, err := New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			_, err = c.RunContext(ctx)
			var le *LimitError
			if !errors.As(err, &le) || le.What != tt.what || le.Limit != 10000 || le.At <= 0 || le.At >= cfg.Duration {
				t.Fatalf("err = %v, want a LimitError on %s", err, tt.what)
			}
		})
	}
}

// TestSaturatedLinksDropNotGrow: a heartbeat at the shortest interval over a slow link sends far
// faster than the link carries; the excess is dropped as overflow (or, once the queue reaches past the
// end of the run, released) and the run completes. It used to pile up in memory at 100-200 MB/s of
// wall time.
func TestSaturatedLinksDropNotGrow(t *testing.T) {
	cfg := Default()
	cfg.Duration, cfg.Check = 5*time.Second, true
	cfg.Heartbeat, cfg.Link.Bandwidth = MinHeartbeat, 125e3 // 1 Mbps: a heartbeat takes 512us to send
	s := run(t, cfg)
	if s.Dropped["overflow"] == 0 || s.Elections == 0 {
		t.Fatalf("dropped %v after %d elections: want overflow drops", s.Dropped, s.Elections)
	}
}

// TestTraceWriteErrorStopsRun: a trace that cannot be written ends the run at once instead of
// simulating on.
func TestTraceWriteErrorStopsRun(t *testing.T) {
	cfg := Default()
	cfg.Duration = 1000000 * time.Hour
	cfg.Trace = failingWriter{}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	s, err := c.Run()
	if !errors.Is(err, errDiskFull) || s.EndMS > 1000 {
		t.Fatalf("err %v at %vms, want the write error within the first second", err, s.EndMS)
	}
}

var errDiskFull = errors.New("no space left on device")

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errDiskFull }
