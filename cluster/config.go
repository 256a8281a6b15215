package cluster

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"time"

	"github.com/raftsim/raftsim/models/fault"
	"github.com/raftsim/raftsim/models/latency"
	"github.com/raftsim/raftsim/models/workload"
	"github.com/raftsim/raftsim/network"
	"github.com/raftsim/raftsim/raft"
	"github.com/raftsim/raftsim/sim"
	"github.com/raftsim/raftsim/topology"
)

// Config is everything a run depends on.
type Config struct {
	Nodes    int
	Seed     uint64
	Duration time.Duration

	ElectionMin time.Duration
	ElectionMax time.Duration
	Heartbeat   time.Duration // 0 means half the minimum election timeout, as in the Raft paper's experiments
	PreVote     raft.PreVote  // off, thesis or etcd style (raft.PreVote)
	CheckQuorum bool
	// Variant is the behaviour at the decision points where Raft implementations differ (raft.Variant);
	// the zero value is raftsim's behaviour before the variants existed.
	Variant raft.Variant
	// Bootstrap is a node that campaigns at time 0 instead of waiting for its first timeout, so that a
	// cluster whose nodes all start at once with the same timeout (no randomness) still elects a first
	// leader; 0 for none.
	Bootstrap   int
	MaxInflight int // per follower; 0 means the raft default
	MaxBatch    int // entries per AppendEntries; 0 means the raft default
	// SnapshotEntries and SnapshotBytes make every node snapshot its store and compact its log once that
	// many entries, or entries of that many modelled bytes, have been applied since its last snapshot
	// (raft.Config); 0 turns either off, and with both off no log is ever compacted.
	SnapshotEntries int
	SnapshotBytes   int64

	// TimerJitter is added to every timer a node arms (election and heartbeat), drawn anew each time from
	// the node's own stream "timer-jitter": the scheduling noise of a real machine, which a simulated
	// clock lacks. nil or a constant 0 is off, and then nothing is drawn, so results are those of a run
	// without the setting.
	TimerJitter   *latency.Dist
	Fsync         *latency.Dist // time of one stable-storage write
	DiskBandwidth float64       // bytes/s; 0 means unlimited

	// Link is the default link: generated topologies use it for every edge, topology files for edges
	// they do not describe, and clients to reach the nodes.
	Link     topology.Link
	Topology string          // mesh, star, ring, line, or a topology file (.yaml, .yml, .json)
	Graph    *topology.Graph // when set, used instead of Topology (and not modified: the run cuts a clone)
	Routing  network.Routing

	Faults []fault.Event // sorted by time
	Chaos  bool          // add a random schedule drawn from the seed
	// LeaderCrash, when set, crashes the leader as the Raft paper's election experiment does (Figure 16).
	LeaderCrash *LeaderCrash
	// CrashRecovery, when set, makes every node fail and recover on its own, independently.
	CrashRecovery *CrashRecovery
	// ChaosOptions shape the random schedule.
	ChaosOptions fault.ChaosOptions

	Clients  int
	Workload workload.Config // Nodes is filled in

	Check bool // check the safety properties as the run goes

	// Reads (Workload.ReadRatio sets how many operations are reads). ReadMode is how they are served;
	// ClockDrift is the assumed bound on clock rate differences that lease reads rely on (raft.Config).
	ReadMode   ReadMode
	ClockDrift float64
	// Membership changes (Faults' add, remove and replace events; see membership.go). ReplaceDirect
	// makes a replace add the new node as a voter at once, then remove the old one, with no learner
	// phase.
	ReplaceDirect bool

	// MeasureFrom starts the measurement window of the *_after measures (availability after a fault,
	// operations invoked after it); the whole-run measures always start at 0.
	MeasureFrom time.Duration

	Trace io.Writer // every event as JSON Lines; nil for none
	// Progress, when set, is called now and then (every few thousand events) with the simulated time
	// reached, for a progress display; it must not touch the run.
	Progress func(now time.Duration)
	// History, when set, receives every completed client operation.
	History workload.Recorder

	// Links area (issue 8). The links between clients and nodes are Link's unless these say otherwise:
	// ClientLatency nil, ClientLoss nil and ClientBandwidth nil each mean Link's value, so that a WAN
	// latency between nodes need not add two WAN hops to every client operation, nor --loss drop client
	// messages. Link's Dup and Reorder never apply to client links (a duplicated request would be
	// proposed twice).
	ClientLatency   *latency.Dist
	ClientLoss      *float64
	ClientBandwidth *float64
	// Flap, when set, makes every link between two nodes go down and up on its own (LinkFlap).
	Flap *LinkFlap

	// Regions and client placement (regions.go). Regions is a built-in region preset
	// (topology.PresetNames: aws3, aws5) used as the topology, Nodes spread over its regions; "" for none.
	// ClientRegion places the clients in the topology's regions: "" or SpreadClients puts client i in
	// region (i-1) mod R, a region's name puts every client there; without regions, only "" and
	// SpreadClients are allowed. A client reaches a node over the link between their regions.
	Regions      string
	ClientRegion string

	// Workload models (workload.go), each drawing from its own stream and off at its zero value.
	// ArrivalRate, above 0, makes the clients open loop: operations arrive as a Poisson process of this
	// rate (per simulated second, stream "arrivals"), each taken by an idle client, and refused when
	// none is idle (Clients bounds what is outstanding). KeyZipf, above 1, draws keys from a Zipf
	// distribution with that exponent (stream "client-keys/i"). ValueSizes, when set, draws each write's
	// payload from a size distribution (ParseSizes; stream "client-sizes/i") instead of
	// Workload.ValueSize.
	ArrivalRate float64
	KeyZipf     float64
	ValueSizes  string

	// Per-node settings and gray failures (node.go). PerNode are nodes' own settings, applied in order
	// over the cluster's: disk, election timeout, heartbeat, clock rate, CPU service time. With none,
	// every node runs the cluster's settings and draws nothing more.
	PerNode []NodeSettings
	// fileSettings is true once addFileSettings has put the topology file's (or Graph's) node settings
	// at the front of PerNode (New does): Warnings must not read them again.
	fileSettings bool

	// Workload settings of issue 8's second wave (finish.go). ThinkDist, when set, draws each closed-loop
	// client's think time from it (stream "client-think/i") instead of the constant Workload.Think; a
	// constant is never kept here, so a run with one draws what it drew before. ClientRetry is where a
	// client sends an attempt after a refusal: RetryLeader (the default) follows the leader the refusing
	// node names, RetryRoundRobin goes to its next endpoint, as etcd's clientv3 does.
	ThinkDist   *latency.Dist
	ClientRetry ClientRetry

	// StopWhenLive ends the run, after a repair (fault.Repair), as soon as its liveness phase has seen a
	// leader with a working majority, a client write and (when the workload reads) a client read
	// (Summary.Liveness), instead of at Duration: raftsim check's liveness phase, whose bound is the
	// duration, costs what the cluster takes to recover, not the bound. Not a spec field.
	StopWhenLive bool

	// Mutations (issue 9, raft/mutation.go): rules of Raft the nodes, and the hosts where the rule is
	// theirs (a snapshot's image), break on purpose, so that tests can show the checks catch each. It is
	// empty outside a build with the mutants tag, where nothing can set it; no spec setting reaches it
	// (raftsim run --mutate, in a mutants build only).
	raft.Mutants
}

// LinkFlap is link flapping: the link between each pair of nodes with an edge stays up for a span
// drawn from Up, then down (both directions cut) for a span drawn from Down, and so on, each pair
// from its own stream "flap/A-B" (A < B). A flap's up restores the edges whatever cut them meanwhile.
type LinkFlap struct {
	Up, Down *latency.Dist
	// Links, when set, are the only pairs that flap (each still from its own stream, so a pair flaps
	// exactly as it does when every pair flaps); nil is every pair.
	Links []fault.Pair
}

// MinFlapSpan is the shortest mean of a flap's spans: every pair of nodes flaps, n²/2 of them, and
// each flap is a cut that may make routes be computed again.
const MinFlapSpan = time.Millisecond

// ReadMode is how the nodes serve reads.
type ReadMode uint8

const (
	// ReadIndex: the leader confirms each read with a heartbeat round (thesis §6.4); followers
	// redirect readers to it.
	ReadIndex ReadMode = iota
	// ReadLease: the leader serves reads without a round trip while its lease holds (thesis §6.4.1);
	// needs CheckQuorum.
	ReadLease
	// ReadFollower: ReadIndex, and a follower serves a read itself by asking the leader for a read
	// index (as etcd does); clients spread their reads over the nodes.
	ReadFollower
)

// ReadModeNames are the read modes as settings spell them, in the order of their constants.
var ReadModeNames = []string{"read_index", "lease", "follower"}

func (m ReadMode) String() string {
	if int(m) < len(ReadModeNames) {
		return ReadModeNames[m]
	}
	return fmt.Sprintf("ReadMode(%d)", uint8(m))
}

// LeaderCrash is the leader-crash scenario of the Raft paper's election experiment (§9.3 of the
// extended paper, Figure 16): after a warm-up, two followers are left one entry behind, then the
// leader is crashed at a time drawn uniformly within its heartbeat interval, just after a heartbeat
// broadcast. The election downtime is measured until every survivor has heard the new leader.
type LeaderCrash struct {
	// After is when the scenario starts: the leader in office then is the one crashed.
	After time.Duration
	// Stale is how many followers miss the last entry before the crash, so that they cannot win the
	// election (their logs are behind). The entry is proposed at After and reaches only the others.
	Stale int
	// Stop ends the run once the new leader is established (or at Duration, whichever is first).
	Stop bool
}

// CrashRecovery is independent crash-recovery faults: each node stays up for a time drawn from MTTF,
// then down for a time drawn from MTTR, and so on, each node from its own stream.
type CrashRecovery struct {
	MTTF *latency.Dist // time to failure
	MTTR *latency.Dist // time to repair
}

// Default returns the configuration of `raftsim run` with no flags.
func Default() Config {
	return Config{
		Nodes:       5,
		Seed:        1,
		Duration:    60 * time.Second,
		ElectionMin: 150 * time.Millisecond,
		ElectionMax: 300 * time.Millisecond,
		Heartbeat:   0, // half the minimum election timeout, whatever the timeout is set to
		Fsync:       latency.Const(time.Millisecond),
		TimerJitter: latency.Const(0),
		Link: topology.Link{
			Latency:   latency.MustParse("uniform:500us:1500us"),
			Bandwidth: 125e6, // 1 Gbps
		},
		Topology: "mesh",
		Clients:  1,
		Workload: workload.Config{ValueSize: 128},
		// Production systems compact their logs; etcd v3.6 snapshots every 10,000 applied entries
		// (--snapshot-count). Without it memory grows with simulated time.
		SnapshotEntries: 10000,
	}
}

// Bounds on the settings whose cost grows with their value, checked by Validate: the command line's
// flags and the spec's fields both go through it, and the spec's parser uses the same numbers for the
// ranges it documents. The minimum spans are where the rate of messages or events a setting asks for
// stops being a model of anything and only makes the run unfinishable.
const (
	// MaxNodes bounds the cluster size: node-to-node state (links, routes, per-follower progress)
	// grows as its square.
	MaxNodes = 1000
	// MaxClients bounds the closed-loop clients; each costs its own state and traffic.
	MaxClients = 100000
	// MaxInflight and MaxBatch bound the pipeline per follower and the entries per AppendEntries.
	MaxInflight = 1 << 20
	MaxBatch    = 1 << 20
	// MaxValueSize bounds the modelled payload of a write (1 GiB); nothing is allocated per byte.
	MaxValueSize = 1 << 30
	// MaxSnapshotEntries bounds the entries between snapshots: a node keeps them all in memory, and
	// more than MaxLogEntries could never be held anyway. MaxSnapshotBytes bounds the bytes between
	// snapshots (1 TiB).
	MaxSnapshotEntries = MaxLogEntries
	MaxSnapshotBytes   = 1 << 40
	// MinHeartbeat is the shortest heartbeat interval: a leader sends a message to every follower
	// each interval.
	MinHeartbeat = time.Microsecond
	// MinElectionTimeout is the shortest election timeout: a node that times out sends a vote
	// request to every other node and writes its term to disk. It is twice MinHeartbeat so that the
	// default heartbeat, half the minimum election timeout, is never below MinHeartbeat.
	MinElectionTimeout = 2 * MinHeartbeat
	// MinClientTimeout is the shortest client attempt timeout: a client sends its write again each
	// timeout.
	MinClientTimeout = time.Microsecond
	// MinOpDeadline is the shortest operation deadline: a client whose write fails at its deadline
	// starts the next one at once, so it sends a write each deadline.
	MinOpDeadline = time.Microsecond
	// MinChaosInterval is the shortest mean time between chaos faults.
	MinChaosInterval = time.Microsecond
	// MinMTTF and MinMTTR are the shortest means of the crash-recovery spans: each node crashes and
	// restarts once every MTTF + MTTR on average, and a restart replays the node's durable log.
	MinMTTF = time.Microsecond
	MinMTTR = time.Microsecond
)

// Validate reports the first impossible setting, naming it as the command line does: the text before
// the first ": " is the flag's name (a spec spells it with '_' for '-').
func (c *Config) Validate() error {
	const tooFast = "shorter spans send messages faster than any link carries them, so a run of seconds would take hours"
	const tooFaulty = "a fault every few nanoseconds makes a run of seconds take hours"
	switch {
	case c.Nodes < 1:
		return fmt.Errorf("nodes: %d: need at least 1", c.Nodes)
	case c.Nodes > MaxNodes:
		return fmt.Errorf("nodes: %d: at most %d are supported (the state between nodes grows as its square)", c.Nodes, MaxNodes)
	case c.Duration <= 0:
		return fmt.Errorf("duration: %s: must be positive", ascii(c.Duration))
	case c.ElectionMin <= 0:
		return fmt.Errorf("election-timeout: minimum %s must be positive", ascii(c.ElectionMin))
	case c.ElectionMin < MinElectionTimeout:
		return fmt.Errorf("election-timeout: minimum %s: at least %s (%s)", ascii(c.ElectionMin), ascii(MinElectionTimeout), tooFast)
	case c.ElectionMax < c.ElectionMin:
		return fmt.Errorf("election-timeout: maximum %s is below the minimum %s", ascii(c.ElectionMax), ascii(c.ElectionMin))
	case c.Heartbeat < 0:
		return fmt.Errorf("heartbeat: %s: must not be negative (0 means half the minimum election timeout)", ascii(c.Heartbeat))
	case c.Heartbeat > 0 && c.Heartbeat < MinHeartbeat:
		return fmt.Errorf("heartbeat: %s: at least %s (%s)", ascii(c.Heartbeat), ascii(MinHeartbeat), tooFast)
	case c.Link.Loss < 0 || c.Link.Loss > 1:
		return fmt.Errorf("loss: %v: must be in [0, 1]", c.Link.Loss)
	case c.Link.Bandwidth < 0:
		return fmt.Errorf("bandwidth: %v: must not be negative", c.Link.Bandwidth)
	case c.DiskBandwidth < 0:
		return fmt.Errorf("disk-bandwidth: %v: must not be negative", c.DiskBandwidth)
	case c.Link.Latency == nil:
		return errors.New("latency: not set")
	case c.MeasureFrom < 0 || c.MeasureFrom >= c.Duration:
		return fmt.Errorf("measure-from: %s: must be from 0 to before the end of the run (%s)", ascii(c.MeasureFrom), ascii(c.Duration))
	case c.Bootstrap < 0 || c.Bootstrap > c.Nodes:
		return fmt.Errorf("bootstrap: %d: not a node of 1..%d (0 for none)", c.Bootstrap, c.Nodes)
	case c.Clients < 0:
		return fmt.Errorf("clients: %d: must not be negative", c.Clients)
	case c.Clients > MaxClients:
		return fmt.Errorf("clients: %d: at most %d are supported", c.Clients, MaxClients)
	case c.MaxInflight < 0 || c.MaxInflight > MaxInflight:
		return fmt.Errorf("max-inflight: %d: want 1 to %d (0 for the default, 256)", c.MaxInflight, MaxInflight)
	case c.MaxBatch < 0 || c.MaxBatch > MaxBatch:
		return fmt.Errorf("max-batch: %d: want 1 to %d (0 for the default, 64)", c.MaxBatch, MaxBatch)
	case c.SnapshotEntries < 0 || c.SnapshotEntries > MaxSnapshotEntries:
		return fmt.Errorf("snapshot-entries: %d: want 0 (off) to %d", c.SnapshotEntries, MaxSnapshotEntries)
	case c.SnapshotBytes < 0 || c.SnapshotBytes > MaxSnapshotBytes:
		return fmt.Errorf("snapshot-bytes: %d: want 0 (off) to %d (1TiB)", c.SnapshotBytes, int64(MaxSnapshotBytes))
	case c.Workload.ValueSize > MaxValueSize:
		return fmt.Errorf("value-size: %d: at most %d (1GiB)", c.Workload.ValueSize, MaxValueSize)
	case c.Workload.Timeout < 0:
		return fmt.Errorf("client-timeout: %s: must be positive", ascii(c.Workload.Timeout))
	case c.Workload.Timeout > 0 && c.Workload.Timeout < MinClientTimeout:
		return fmt.Errorf("client-timeout: %s: at least %s (%s)", ascii(c.Workload.Timeout), ascii(MinClientTimeout), tooFast)
	case c.Workload.Deadline < 0:
		return fmt.Errorf("op-deadline: %s: must be positive", ascii(c.Workload.Deadline))
	case c.Workload.Deadline > 0 && c.Workload.Deadline < MinOpDeadline:
		return fmt.Errorf("op-deadline: %s: at least %s (%s)", ascii(c.Workload.Deadline), ascii(MinOpDeadline), tooFast)
	case c.Workload.Think < 0:
		return fmt.Errorf("think: %s: must not be negative", ascii(c.Workload.Think))
	case c.Workload.Keys < 0:
		return fmt.Errorf("keys: %d: must be positive", c.Workload.Keys)
	case !(c.Workload.ReadRatio >= 0 && c.Workload.ReadRatio <= 1):
		return fmt.Errorf("read-ratio: %v: must be in [0, 1]", c.Workload.ReadRatio)
	case int(c.ReadMode) >= len(ReadModeNames):
		return fmt.Errorf("read-mode: %v: want one of %v", c.ReadMode, ReadModeNames)
	case c.ReadMode == ReadLease && !c.CheckQuorum && !c.Mutants.Has(raft.MutLeaseNoCheckQuorum):
		return errors.New("read-mode: lease needs check_quorum (without it nothing keeps another leader from being elected during the lease)")
	case !(c.ClockDrift >= 0 && c.ClockDrift <= 1):
		return fmt.Errorf("clock-drift: %v: must be in [0, 1]", c.ClockDrift)
	case c.ChaosOptions.MeanInterval < 0:
		return fmt.Errorf("chaos-interval: %s: must not be negative", ascii(c.ChaosOptions.MeanInterval))
	case c.ChaosOptions.MeanInterval > 0 && c.ChaosOptions.MeanInterval < MinChaosInterval:
		return fmt.Errorf("chaos-interval: %s: at least %s (%s)", ascii(c.ChaosOptions.MeanInterval), ascii(MinChaosInterval), tooFaulty)
	case c.ChaosOptions.Quiet < 0:
		return fmt.Errorf("chaos-quiet: %s: must not be negative", ascii(c.ChaosOptions.Quiet))
	case c.TimerJitter != nil && !c.TimerJitter.FiniteMean():
		return fmt.Errorf("timer-jitter: %v has an infinite mean (a Pareto alpha of 1 or less): noise on a timer must be below the minimum election timeout %s on average",
			c.TimerJitter, ascii(c.ElectionMin))
	case c.TimerJitter != nil && c.TimerJitter.Mean() >= c.ElectionMin:
		return fmt.Errorf("timer-jitter: %v has mean %s, not below the minimum election timeout %s: noise that large is the timeout, not noise on it",
			c.TimerJitter, ascii(c.TimerJitter.Mean()), ascii(c.ElectionMin))
	case c.Graph != nil && c.Graph.Len() != c.Hosts():
		return fmt.Errorf("topology: the graph has %d nodes but the run needs %d (nodes and the nodes the schedule adds)", c.Graph.Len(), c.Hosts())
	}
	if lc := c.LeaderCrash; lc != nil {
		if lc.Stale < 0 || lc.Stale > c.Nodes-2 && lc.Stale > 0 {
			return fmt.Errorf("leader_crash: stale %d: at most nodes-2 = %d followers can be left behind", lc.Stale, max(c.Nodes-2, 0))
		}
		if lc.After >= c.Duration {
			return fmt.Errorf("leader_crash: after %s is not before the end of the run (%s)", ascii(lc.After), ascii(c.Duration))
		}
	}
	if cr := c.CrashRecovery; cr != nil {
		switch {
		case cr.MTTF == nil || cr.MTTR == nil:
			return errors.New("crash_recovery: both mttf and mttr are needed")
		case cr.MTTF.Mean() < MinMTTF:
			return fmt.Errorf("crash_recovery: mttf %v has mean %s: at least %s (%s)", cr.MTTF, ascii(cr.MTTF.Mean()), ascii(MinMTTF), tooFaulty)
		case cr.MTTR.Mean() < MinMTTR:
			return fmt.Errorf("crash_recovery: mttr %v has mean %s: at least %s (%s)", cr.MTTR, ascii(cr.MTTR.Mean()), ascii(MinMTTR), tooFaulty)
		}
	}
	if err := c.validateNodes(); err != nil {
		return err
	}
	if err := c.validateMembership(); err != nil {
		return err
	}
	if err := c.validateLinks(); err != nil {
		return err
	}
	if err := c.validateRegions(); err != nil {
		return err
	}
	if err := c.validateWorkload(); err != nil {
		return err
	}
	if err := c.validateFinish(); err != nil {
		return err
	}
	for _, e := range c.Faults {
		if e.Node > int64(c.Hosts()) {
			return fmt.Errorf("faults: %v: node %d is not in 1..%d", e, e.Node, c.Hosts())
		}
	}
	return c.validateSchedule()
}

// HeartbeatInterval is the leader's heartbeat interval the run uses: Heartbeat, or half the minimum
// election timeout when Heartbeat is 0 (the Raft paper's rule, §9.3 of the extended paper).
func (c *Config) HeartbeatInterval() time.Duration {
	if c.Heartbeat == 0 {
		return c.ElectionMin / 2
	}
	return c.Heartbeat
}

// Warnings lists settings that are allowed but are seldom what was meant: the run goes ahead, and the
// summary and a sweep's manifest record them. A heartbeat at or above the minimum election timeout
// breaks the thesis's timing rule (broadcastTime ≪ electionTimeout, §3.4 of the thesis and §9.3 of the
// paper): followers time out between heartbeats and the cluster churns, which researchers may show on
// purpose.
func (c *Config) Warnings() []string {
	c = c.withFileSettings()
	var w []string
	if hb := c.HeartbeatInterval(); hb >= c.ElectionMin {
		w = append(w, fmt.Sprintf("heartbeat %s is not below the minimum election timeout %s: followers will time out between heartbeats and elections will churn", ascii(hb), ascii(c.ElectionMin)))
	} else if pw := c.perNodeHeartbeatWarning(); pw != "" {
		w = append(w, pw)
	}
	if lw := c.leaseClockWarning(); lw != "" {
		w = append(w, lw)
	}
	return w
}

// withFileSettings returns c with its topology's node settings (a topology file's `node:` list, or
// Graph's) in front of its own, as New runs it, for the warnings to see them; c itself when it has none
// or they are in already. A file that does not load adds nothing: Validate and New say what is wrong.
func (c *Config) withFileSettings() *Config {
	if c.fileSettings {
		return c
	}
	var texts []string
	switch c.Topology {
	case "", "mesh", "star", "ring", "line":
	default:
		if c.Graph == nil && c.Regions == "" { // as graph() chooses
			if g, err := topology.Load(c.Topology, c.Link); err == nil {
				texts = g.NodeSettings()
			}
		}
	}
	if c.Graph != nil {
		texts = c.Graph.NodeSettings()
	}
	if len(texts) == 0 {
		return c
	}
	cc := *c
	if cc.addFileSettings(texts) != nil {
		return c
	}
	return &cc
}

// leaseClockWarning is the warning of Warnings for lease reads whose assumption the nodes' clocks break
// (thesis §6.4.1): a leader's lease lasts its minimum election timeout divided by 1 + clock_drift, on its
// own clock, and it is safe only if no other node's minimum election timeout, on that node's clock, can
// end first. With every node's timeout the same, that is every pair of clock rates within a factor of
// 1 + clock_drift. "" when it holds or reads are not by lease. Such a world is allowed (it shows what a
// clock outside the bound does), but it is not one whose stale reads are Raft's fault.
func (c *Config) leaseClockWarning() string {
	if c.ReadMode != ReadLease || c.Hosts() < 2 {
		return ""
	}
	type clock struct {
		id         int64
		emin       time.Duration
		rate, real float64 // real: the minimum election timeout in simulated nanoseconds
	}
	clocks := make([]clock, 0, c.Hosts())
	for id := int64(1); id <= int64(c.Hosts()); id++ {
		nc := c.nodeConfig(id)
		clocks = append(clocks, clock{id, nc.electionMin, nc.clockRate, float64(nc.electionMin) / nc.clockRate})
	}
	for _, l := range clocks {
		lease := l.real / (1 + c.ClockDrift)
		for _, f := range clocks {
			// A relative margin of 1e-12 keeps rates written at the bound exactly (+500000ppm with
			// clock_drift 0.5) within it, whatever the rounding of their two spellings.
			if f.id != l.id && f.real < lease*(1-1e-12) {
				return fmt.Sprintf("lease reads with clocks outside clock_drift %v: node %d's lease (%s / %v at clock_rate %v: %s of simulated time) outlasts node %d's minimum election timeout (%s at clock_rate %v: %s), so a leader cut off may serve stale reads (thesis §6.4.1)",
					c.ClockDrift, l.id, ascii(l.emin), formatRatio(1+c.ClockDrift), formatRatio(l.rate), ascii(sim.FloatNanos(lease)), f.id, ascii(f.emin), formatRatio(f.rate), ascii(sim.FloatNanos(f.real)))
			}
		}
	}
	return ""
}

// formatRatio writes a clock rate, or 1 + clock_drift, in a warning as the shortest decimal within one
// unit in the last place of max(x, 1) of x: a sum of 1 and a written fraction (1 + 0.14, +140000ppm,
// -800000ppm) carries the rounding of 1's last place, 1.1400000000000001 or 0.19999999999999996 in
// binary, and a message says 1.14 and 0.2.
func formatRatio(x float64) string {
	m := math.Max(x, 1)
	for prec := 0; prec <= 16; prec++ { // a clock rate is 0.01 to 100: no exponent, and enough digits
		s := strconv.FormatFloat(x, 'f', prec, 64)
		if v, err := strconv.ParseFloat(s, 64); err == nil && math.Abs(v-x) <= math.Nextafter(m, math.Inf(1))-m {
			return s
		}
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}

// perNodeHeartbeatWarning is the heartbeat warning of Warnings for per-node settings (PerNode): the
// slowest heartbeat any node sends when it leads against the shortest minimum election timeout of any
// other node, each in simulated time (a timer of d fires after d / clock_rate). "" when the rule holds,
// or when no node has settings of its own (Warnings' cluster-wide check covers that).
func (c *Config) perNodeHeartbeatWarning() string {
	if len(c.PerNode) == 0 || c.Hosts() < 2 {
		return ""
	}
	type timer struct {
		id   int64
		real float64 // nanoseconds of simulated time
		d    time.Duration
		rate float64
	}
	format := func(t timer) string {
		if t.rate == 1 {
			return ascii(t.d)
		}
		return fmt.Sprintf("%s at clock_rate %s (%s of simulated time)", ascii(t.d), formatRatio(t.rate), ascii(sim.FloatNanos(t.real)))
	}
	var hbs, els []timer
	for id := int64(1); id <= int64(c.Hosts()); id++ {
		nc := c.nodeConfig(id)
		hb := nc.heartbeat
		if hb == 0 {
			hb = nc.electionMin / 2
		}
		hbs = append(hbs, timer{id, float64(hb) / nc.clockRate, hb, nc.clockRate})
		els = append(els, timer{id, float64(nc.electionMin) / nc.clockRate, nc.electionMin, nc.clockRate})
	}
	// The worst pair of distinct nodes: a heartbeat against the shortest election timeout of another
	// node, the runner-up when the shortest is the leader's own (it does not time out while it leads).
	first, second := -1, -1
	for i, e := range els {
		switch {
		case first < 0 || e.real < els[first].real:
			first, second = i, first
		case second < 0 || e.real < els[second].real:
			second = i
		}
	}
	for i, hb := range hbs {
		el := els[first]
		if i == first {
			el = els[second]
		}
		if hb.real >= el.real {
			return fmt.Sprintf("node %d's heartbeat %s is not below node %d's minimum election timeout %s: when %d leads, %d will time out between heartbeats and elections will churn",
				hb.id, format(hb), el.id, format(el), hb.id, el.id)
		}
	}
	return ""
}

// ascii formats d as time.Duration does, with "us" for "µs", as the spec writes durations: every
// duration in a message of this package goes through it.
func ascii(d time.Duration) string { return sim.FormatDuration(d) }

// graph builds the run's topology.
func (c *Config) graph() (*topology.Graph, error) {
	if c.Graph != nil {
		return c.Graph.Clone(), nil
	}
	if c.Regions != "" {
		return topology.Preset(c.Regions, c.Hosts(), c.Link)
	}
	switch c.Topology {
	case "", "mesh", "star", "ring", "line":
		kind := c.Topology
		if kind == "" {
			kind = "mesh"
		}
		return topology.Generate(kind, c.Hosts(), c.Link)
	}
	g, err := topology.Load(c.Topology, c.Link)
	if err != nil {
		return nil, err
	}
	if g.Len() != c.Hosts() {
		return nil, fmt.Errorf("topology: %s has %d nodes but the run needs %d (nodes and the nodes the schedule adds)", c.Topology, g.Len(), c.Hosts())
	}
	return g, nil
}
