package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/raftsim/raftsim/cluster"
	"github.com/raftsim/raftsim/internal/atomicfile"
	"github.com/raftsim/raftsim/models/fault"
	"github.com/raftsim/raftsim/models/latency"
	"github.com/raftsim/raftsim/network"
	"github.com/raftsim/raftsim/safety"
	"github.com/raftsim/raftsim/topology"
)

// runFlags are the flags of `raftsim run`, as typed.
type runFlags struct {
	nodes, clients                          int
	seed                                    uint64
	duration, heartbeat, measureFrom        time.Duration
	electionTimeout, fsync, lat, bandwidth  string
	diskBandwidth, topo, routing            string
	loss                                    float64
	crash, restart, cut, partition, isolate []string
	heal                                    []string
	chaos, preVote, checkQuorum, check      bool
	trace                                   string
	json                                    bool
	clientTimeout, opDeadline, think        time.Duration
	valueSize, maxInflight, maxBatch        int
	leaderCrash                             time.Duration
	bootstrap                               int
	stale                                   int
	stopElected                             bool
	mttf, mttr                              string
}

func newRunFlags() (*pflag.FlagSet, *runFlags) {
	d := cluster.Default()
	f := &runFlags{}
	fs := pflag.NewFlagSet("run", pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.SortFlags = false
	fs.IntVar(&f.nodes, "nodes", d.Nodes, "cluster size N (node IDs 1..N)")
	fs.Uint64Var(&f.seed, "seed", d.Seed, "root seed: the same seed replays the same run")
	fs.DurationVar(&f.duration, "duration", d.Duration, "simulated time to run")
	fs.StringVar(&f.electionTimeout, "election-timeout", cluster.FormatTimeoutRange(d.ElectionMin, d.ElectionMax), "election timeout range MIN:MAX, drawn uniformly")
	fs.DurationVar(&f.heartbeat, "heartbeat", d.Heartbeat, "leader heartbeat interval (0: half the minimum election timeout)")
	fs.StringVar(&f.fsync, "fsync", d.Fsync.String(), "time of one stable-storage write: a duration or a latency spec")
	fs.StringVar(&f.diskBandwidth, "disk-bandwidth", "unlimited", "disk write bandwidth, e.g. 500MB/s")
	fs.StringVar(&f.lat, "latency", d.Link.Latency.String(), "one-way link latency: const:5ms, uniform:2ms:8ms, normal:5ms:1ms, exp:5ms, lognormal:5ms:0.5, pareto:2ms:2.5")
	fs.Float64Var(&f.loss, "loss", d.Link.Loss, "probability that a link loses a message")
	fs.StringVar(&f.bandwidth, "bandwidth", topology.FormatBandwidth(d.Link.Bandwidth), "link bandwidth, e.g. 1Gbps, 100Mbps, 10MB/s, unlimited")
	fs.StringVar(&f.topo, "topology", d.Topology, "mesh, star, ring, line, or a topology file (.yaml, .json)")
	fs.StringVar(&f.routing, "routing", "direct", "direct (only the edge sender->receiver) or shortest-path (forward over other nodes)")
	fs.StringArrayVar(&f.crash, "crash", nil, "crash nodes: ID@T[,ID@T…]; ID may be 'leader' (whoever leads at T)")
	fs.StringArrayVar(&f.restart, "restart", nil, "restart crashed nodes from their durable state: ID@T[,…]")
	fs.StringArrayVar(&f.cut, "cut", nil, "cut directed edges: 'T:1->2,2->1' (A<->B for both directions)")
	fs.StringArrayVar(&f.partition, "partition", nil, "partition into groups: 'T:1,2|3,4,5'")
	fs.StringArrayVar(&f.isolate, "isolate", nil, "cut every edge of a node: ID@T[,…]")
	fs.StringArrayVar(&f.heal, "heal", nil, "restore every cut edge: T[,T…]")
	fs.BoolVar(&f.chaos, "chaos", false, "add a random crash, restart and partition schedule drawn from the seed")
	fs.DurationVar(&f.leaderCrash, "leader-crash", 0, "from T on, crash the leader at a random time within its heartbeat interval, as in the Raft paper's election experiment")
	fs.IntVar(&f.stale, "stale", 0, "with --leader-crash: followers left one entry behind first, so they cannot win")
	fs.BoolVar(&f.stopElected, "stop-after-election", false, "with --leader-crash: end the run once every survivor follows the new leader")
	fs.StringVar(&f.mttf, "mttf", "", "crash-recovery faults: each node's time to failure, a latency spec such as exp:30s")
	fs.StringVar(&f.mttr, "mttr", "", "crash-recovery faults: each node's time to repair, a latency spec such as exp:3s")
	fs.IntVar(&f.clients, "clients", d.Clients, "closed-loop clients writing to the store")
	fs.DurationVar(&f.clientTimeout, "client-timeout", 500*time.Millisecond, "client attempt timeout before trying another node")
	fs.DurationVar(&f.opDeadline, "op-deadline", 5*time.Second, "a client write not done by then counts as failed")
	fs.DurationVar(&f.think, "think", 0, "client pause between writes")
	fs.IntVar(&f.valueSize, "value-size", 128, "modelled bytes of each write's payload")
	fs.IntVar(&f.bootstrap, "bootstrap", 0, "a node that campaigns at time 0 (a first leader even with no timeout randomness); 0 for none")
	fs.BoolVar(&f.preVote, "pre-vote", false, "enable PreVote (thesis §9.6)")
	fs.BoolVar(&f.checkQuorum, "check-quorum", false, "enable CheckQuorum (thesis §6.2)")
	fs.IntVar(&f.maxInflight, "max-inflight", 256, "AppendEntries in flight per follower")
	fs.IntVar(&f.maxBatch, "max-batch", 64, "entries per AppendEntries")
	fs.BoolVar(&f.check, "check", false, "check the Raft safety properties as the run goes (exit 3 on a violation)")
	fs.DurationVar(&f.measureFrom, "measure-from", 0, "start of the window for availability_after")
	fs.StringVar(&f.trace, "trace", "", "write every event as JSON Lines to FILE")
	fs.BoolVar(&f.json, "json", false, "print the summary as one JSON object")
	return fs, f
}

// config turns the flags into a cluster configuration, or names the first bad one.
func (f *runFlags) config() (cluster.Config, error) {
	c := cluster.Default()
	c.Nodes, c.Seed, c.Duration, c.Heartbeat = f.nodes, f.seed, f.duration, f.heartbeat
	c.Clients, c.PreVote, c.CheckQuorum, c.Check, c.Chaos = f.clients, f.preVote, f.checkQuorum, f.check, f.chaos
	c.MeasureFrom = f.measureFrom
	c.Bootstrap = f.bootstrap
	c.MaxInflight, c.MaxBatch = f.maxInflight, f.maxBatch
	c.Workload.Timeout, c.Workload.Deadline, c.Workload.Think = f.clientTimeout, f.opDeadline, f.think
	var err error
	// bad names the flag; the parsers' own messages quote the value and say what is wrong with it.
	bad := func(flag string, err error) error {
		msg := err.Error()
		for _, pkg := range []string{"latency: ", "topology: ", "network: ", "bandwidth ", "routing "} {
			msg = strings.TrimPrefix(msg, pkg)
		}
		return usageErrorf("--%s %s", flag, msg)
	}
	if c.ElectionMin, c.ElectionMax, err = cluster.ParseTimeoutRange(f.electionTimeout); err != nil {
		return c, bad("election-timeout", err)
	}
	if c.Fsync, err = latency.Parse(f.fsync); err != nil {
		return c, bad("fsync", err)
	}
	if c.DiskBandwidth, err = topology.ParseBandwidth(f.diskBandwidth); err != nil {
		return c, bad("disk-bandwidth", err)
	}
	if c.Link.Latency, err = latency.Parse(f.lat); err != nil {
		return c, bad("latency", err)
	}
	if c.Link.Bandwidth, err = topology.ParseBandwidth(f.bandwidth); err != nil {
		return c, bad("bandwidth", err)
	}
	if f.loss < 0 || f.loss > 1 {
		return c, usageErrorf("--loss %v: want a probability in [0, 1]", f.loss)
	}
	c.Link.Loss = f.loss
	if c.Routing, err = network.ParseRouting(f.routing); err != nil {
		return c, bad("routing", err)
	}
	c.Topology = f.topo
	switch {
	case f.nodes < 1 || f.nodes > 1000:
		return c, usageErrorf("--nodes %d: want 1 to 1000", f.nodes)
	case f.valueSize < 0 || f.valueSize > 1<<30:
		return c, usageErrorf("--value-size %d: want 0 to 1GiB", f.valueSize)
	case f.maxInflight < 1:
		return c, usageErrorf("--max-inflight %d: want at least 1", f.maxInflight)
	case f.maxBatch < 1:
		return c, usageErrorf("--max-batch %d: want at least 1", f.maxBatch)
	case f.clientTimeout <= 0 || f.opDeadline <= 0 || f.think < 0:
		return c, usageErrorf("--client-timeout and --op-deadline must be positive, --think not negative")
	}
	c.Workload.ValueSize = uint32(f.valueSize)
	if f.leaderCrash > 0 {
		c.LeaderCrash = &cluster.LeaderCrash{After: f.leaderCrash, Stale: f.stale, Stop: f.stopElected}
	} else if f.stale != 0 || f.stopElected {
		return c, usageErrorf("--stale and --stop-after-election need --leader-crash")
	}
	switch {
	case f.mttf != "" && f.mttr != "":
		cr := &cluster.CrashRecovery{}
		if cr.MTTF, err = latency.Parse(f.mttf); err != nil {
			return c, bad("mttf", err)
		}
		if cr.MTTR, err = latency.Parse(f.mttr); err != nil {
			return c, bad("mttr", err)
		}
		c.CrashRecovery = cr
	case f.mttf != "" || f.mttr != "":
		return c, usageErrorf("--mttf and --mttr go together")
	}
	faults := []struct {
		flag  string
		vals  []string
		parse func(string, int) ([]fault.Event, error)
	}{
		{"crash", f.crash, fault.ParseCrash},
		{"restart", f.restart, fault.ParseRestart},
		{"cut", f.cut, fault.ParseCut},
		{"partition", f.partition, fault.ParsePartition},
		{"isolate", f.isolate, fault.ParseIsolate},
		{"heal", f.heal, func(s string, _ int) ([]fault.Event, error) { return fault.ParseHeal(s) }},
	}
	for _, fl := range faults {
		for _, v := range fl.vals {
			evs, err := fl.parse(v, f.nodes)
			if err != nil {
				return c, usageErrorf("--%s %v", fl.flag, err)
			}
			c.Faults = append(c.Faults, evs...)
		}
	}
	fault.Sort(c.Faults)
	if err := c.Validate(); err != nil {
		return c, usageErrorf("%v", err)
	}
	return c, nil
}

func runCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, f := newRunFlags()
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			fmt.Fprintln(stdout, "Usage: raftsim run [flags]\n\nSimulate one Raft cluster and print a summary.\n\nFlags:")
			fmt.Fprint(stdout, fs.FlagUsages())
			return nil
		}
		return usageErrorf("run: %v", err)
	}
	if fs.NArg() > 0 {
		return usageErrorf("run: unexpected argument %q (flags only)", fs.Arg(0))
	}
	cfg, err := f.config()
	if err != nil {
		return err
	}
	// Build the cluster once before creating any file, so that bad input (a topology file, say) writes
	// nothing; the run itself builds it again with the trace attached.
	if _, err := cluster.New(cfg); err != nil {
		return usageErrorf("%v", err)
	}
	var sum cluster.Summary
	var v *safety.Violation
	run := func(trace io.Writer) error {
		cfg.Trace = trace
		c, err := cluster.New(cfg)
		if err != nil {
			return err
		}
		var runErr error
		sum, runErr = c.RunContext(ctx)
		if errors.As(runErr, &v) {
			return nil // keep the trace after a violation: it is the evidence
		}
		return runErr // interrupted: the trace is dropped, not left half-written
	}
	if f.trace == "" {
		err = run(nil)
	} else {
		// Opened before the run, so that a path that cannot take the trace is refused at once. A regular
		// file is replaced only by Commit; standard output, a device or a pipe is written as the run goes
		// (atomicfile.Create). The trace is committed after a violation too: it is the evidence.
		if ts, serr := os.Stat(f.trace); serr == nil {
			if tp, terr := os.Stat(f.topo); terr == nil && os.SameFile(ts, tp) {
				return usageErrorf("--trace %s: is the --topology file", f.trace)
			}
		}
		tf, terr := atomicfile.Create(ctx, f.trace)
		var pe *atomicfile.PathError
		if errors.As(terr, &pe) {
			return usageErrorf("--trace %s: %v", f.trace, pe.Err)
		} else if terr != nil {
			return terr // interrupted while waiting for a pipe's reader
		}
		if f.trace == atomicfile.Stdout {
			stdout = stderr // the trace owns standard output; the summary goes to standard error
		}
		if err = run(tf); err == nil {
			err = tf.Commit()
		} else {
			tf.Abort() // interrupted: a regular file is left as it was
		}
	}
	if err != nil {
		return err
	}
	if f.json {
		enc := json.NewEncoder(stdout)
		if err := enc.Encode(sum); err != nil {
			return err
		}
	} else {
		printSummary(stdout, &sum, cfg)
	}
	if v != nil {
		return &violationError{v}
	}
	return nil
}

func printSummary(w io.Writer, s *cluster.Summary, cfg cluster.Config) {
	end := time.Duration(s.EndMS * float64(time.Millisecond))
	fmt.Fprintf(w, "raftsim run: %d nodes, seed %d, %v simulated, %d events\n", s.Nodes, s.Seed, end, s.Events)
	fmt.Fprintf(w, "  availability    %.4f of the time a leader held a working majority\n", s.Availability)
	fmt.Fprintf(w, "  client writes   %d ok, %d failed\n", s.ClientOps.OK, s.ClientOps.Failed)
	if s.ClientOps.OK > 0 {
		l := s.CommitLatencyMS
		fmt.Fprintf(w, "  commit latency  p50 %.3fms  p99 %.3fms  max %.3fms\n", l.P50, l.P99, l.Max)
		fmt.Fprintf(w, "  last write      at %.3fs\n", s.LastCommitMS/1000)
	}
	fmt.Fprintf(w, "  log             %d entries committed\n", s.Commits)
	fmt.Fprintf(w, "  elections       %d started, %d won, max term %d\n", s.Elections, s.LeaderChanges, s.MaxTerm)
	if d := s.ElectionDowntime; d.Count > 0 {
		fmt.Fprintf(w, "  after a leader crash: new leader followed by all in %.1fms (mean of %d), %.2f terms per election\n", d.MeanMS, d.Count, d.TermsPerElection)
	}
	fmt.Fprintf(w, "  network         %d messages, %.1f MB\n", s.Messages, float64(s.Bytes)/1e6)
	switch {
	case !cfg.Check:
		fmt.Fprintln(w, "  safety          not checked (--check)")
	case s.Violations == 0:
		fmt.Fprintln(w, "  safety          checked: no violation")
	default:
		fmt.Fprintf(w, "  safety          VIOLATION: %s\n", s.Violation)
	}
}
