package spec

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/raftsim/raftsim/cluster"
	"github.com/raftsim/raftsim/experiments"
	"github.com/raftsim/raftsim/internal/readfile"
	"github.com/raftsim/raftsim/models/fault"
	"github.com/raftsim/raftsim/models/latency"
	"github.com/raftsim/raftsim/network"
	"github.com/raftsim/raftsim/raft"
	"github.com/raftsim/raftsim/topology"
)

// Kind is the type of a parameter's values.
type Kind uint8

// The kinds of parameter. Int, Float and Duration axes may be ranges; Mapping and List parameters may
// not be axes at all (a variant axis sets them).
const (
	Int      Kind = iota + 1 // an integer
	Float                    // a number
	Duration                 // a duration like 150ms
	Bool                     // true or false
	Text                     // a scalar with its own syntax: a latency spec, a bandwidth, a name
	Mapping                  // a mapping of sub-fields; may be null (not set)
	List                     // a list of strings
	Choice                   // one of a few names (Param.Choices); true and false among them are YAML booleans
)

var kindNames = [...]string{Int: "integer", Float: "number", Duration: "duration", Bool: "boolean",
	Text: "text", Mapping: "mapping", List: "list", Choice: "choice"}

func (k Kind) String() string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// numeric reports whether values of the kind are ordered numbers: such axes may be ranges and plot axes.
func (k Kind) numeric() bool { return k == Int || k == Float || k == Duration }

// Param describes one parameter: a setting of the cluster: or scenario: section (or the top-level
// duration), which an axis or a variant may also set.
type Param struct {
	Name    string
	Section string // "cluster", "scenario", or "" for the top level
	Kind    Kind
	Default string // canonical text of the value when the spec does not set it; "" for none
	Doc     string // what it means, one sentence
	// Choices are a Choice parameter's canonical values; it may read other spellings of them.
	Choices []string
	// Bare is the value a command-line flag given without one stands for ("" when the flag needs one;
	// a Bool parameter's flag stands for true).
	Bare string
}

// param is a row of the registry: everything the package does with one parameter.
type param struct {
	Param
	// parse reads a value from YAML at p and returns its canonical text.
	parse func(pc *parseCtx, n *yaml.Node, p pos) (string, error)
	// apply sets the value, canonical and therefore valid, on a point under construction.
	apply func(st *state, v string)
	// get reads the value from a configuration, for the default.
	get func(c *cluster.Config) string
	// numeric is how the result files read a Text parameter's values as numbers when it is an axis
	// (see axisKind); Categorical for most.
	numeric experiments.AxisKind
}

// parseCtx is what parameter parsers may need beyond the node: the decoder (for alias budgets) and the
// spec's directory (for topology files).
type parseCtx struct {
	d         *decoder
	info      *info
	axisNames []string // the axes' names, scanned ahead
	// panelPos is where each panel is written, by plot, row and column, for checks made once the
	// whole spec is read.
	panelPos map[[3]int]pos
}

// state is a point under construction: the configuration and the scenario settings that become fault
// events only once every parameter is known.
type state struct {
	cfg       cluster.Config
	faults    int
	crashAt   time.Duration
	schedule  []string // canonical entries
	rolling   string   // rolling_replace's canonical text; "" for none
	topoNodes int      // node count of the topology file; 0 for a generated topology
	topoFile  string   // the topology file as the spec names it
	setBy     []int    // per registry row: the axis that set it, or -1 (the base)
	info      *info
}

// The run defaults that cluster.Default leaves to the packages underneath (a zero meaning "the
// default"), as `raftsim run` spells them out; the spec writes every value explicitly.
const (
	defaultClientTimeout = 500 * time.Millisecond
	defaultOpDeadline    = 5 * time.Second
	defaultClientBackoff = 10 * time.Millisecond // workload.Config's default
	defaultKeys          = 1000
	defaultMaxInflight   = 256
	defaultMaxBatch      = 64
)

// Limits on values that would otherwise ask the simulator for absurd amounts of memory: cluster's, which
// Validate enforces for the command line too.
const (
	maxNodes   = cluster.MaxNodes
	maxClients = cluster.MaxClients
)

// registry is every parameter, in the canonical order: the top level, then cluster: in the order of
// `raftsim run --help`, then scenario:.
var registry = []*param{
	durationParam("", "duration", "simulated time of each trial", positive,
		func(c *cluster.Config) *time.Duration { return &c.Duration }),

	intParam("cluster", "nodes", "cluster size n; node IDs are 1..n", 1, maxNodes,
		func(st *state) *int { return &st.cfg.Nodes }),
	{
		Param: Param{Name: "election_timeout", Section: "cluster", Kind: Text,
			Doc: "election timeout range MIN:MAX, drawn uniformly; one duration means MIN = MAX"},
		parse: textParser(func(_ *parseCtx, s string) (string, error) {
			lo, hi, err := cluster.ParseTimeoutRange(s)
			if err != nil {
				return "", err
			}
			return fmtDur(lo) + ":" + fmtDur(hi), nil
		}),
		apply: func(st *state, v string) {
			st.cfg.ElectionMin, st.cfg.ElectionMax, _ = cluster.ParseTimeoutRange(v)
		},
		get:     func(c *cluster.Config) string { return fmtDur(c.ElectionMin) + ":" + fmtDur(c.ElectionMax) },
		numeric: experiments.DurationRange,
	},
	durationParam("cluster", "heartbeat", "leader heartbeat interval; 0s means half the minimum election timeout, the Raft paper's rule", nonNegative,
		func(c *cluster.Config) *time.Duration { return &c.Heartbeat }),
	latencyParam("cluster", "fsync", "time of one stable-storage write: a latency spec (a duration is const)",
		func(c *cluster.Config) **latency.Dist { return &c.Fsync }),
	bandwidthParam("cluster", "disk_bandwidth", "disk write bandwidth, e.g. 500MB/s, or unlimited",
		func(c *cluster.Config) *float64 { return &c.DiskBandwidth }),
	latencyParam("cluster", "latency", "one-way latency of every link: a latency spec",
		func(c *cluster.Config) **latency.Dist { return &c.Link.Latency }),
	{
		Param: Param{Name: "loss", Section: "cluster", Kind: Float,
			Doc: "probability that a link loses a message"},
		parse: func(pc *parseCtx, n *yaml.Node, p pos) (string, error) {
			x, err := pc.d.float(n, p)
			if err != nil {
				return "", err
			}
			if x < 0 || x > 1 {
				return "", pc.d.errorf(p, "%s: want a probability in [0, 1]", fmtFloat(x))
			}
			return fmtFloat(x), nil
		},
		apply: func(st *state, v string) { st.cfg.Link.Loss, _ = strconv.ParseFloat(v, 64) },
		get:   func(c *cluster.Config) string { return fmtFloat(c.Link.Loss) },
	},
	bandwidthParam("cluster", "bandwidth", "bandwidth of every link, e.g. 1Gbps, 100Mbps, 10MB/s, or unlimited",
		func(c *cluster.Config) *float64 { return &c.Link.Bandwidth }),
	{
		Param: Param{Name: "topology", Section: "cluster", Kind: Text,
			Doc: "mesh, star, ring, line, or a topology file (.yaml, .yml, .json) relative to the spec's directory"},
		parse: textParser(func(pc *parseCtx, s string) (string, error) { return pc.info.topology(s) }),
		apply: func(st *state, v string) {
			st.cfg.Topology, st.topoFile, st.topoNodes = v, "", 0
			if !isGenerated(v) {
				st.cfg.Topology, st.topoFile, st.topoNodes = st.info.path(v), v, st.info.topoNodes[v]
			}
		},
		get: func(c *cluster.Config) string { return c.Topology },
	},
	{
		Param: Param{Name: "routing", Section: "cluster", Kind: Text,
			Doc: "direct (only the edge sender->receiver) or shortest-path (forwarded over other nodes)"},
		parse: textParser(func(_ *parseCtx, s string) (string, error) {
			r, err := network.ParseRouting(s)
			if err != nil {
				return "", err
			}
			return r.String(), nil
		}),
		apply: func(st *state, v string) { st.cfg.Routing, _ = network.ParseRouting(v) },
		get:   func(c *cluster.Config) string { return c.Routing.String() },
	},
	intParam("cluster", "bootstrap", "a node that campaigns at time 0, so that a cluster whose timeouts have no randomness still gets a first leader; 0 for none", 0, maxNodes,
		func(st *state) *int { return &st.cfg.Bootstrap }),
	intParam("cluster", "clients", "closed-loop clients writing to the store", 0, maxClients,
		func(st *state) *int { return &st.cfg.Clients }),
	durationParam("cluster", "client_timeout", "client attempt timeout before trying another node", positive,
		func(c *cluster.Config) *time.Duration { return &c.Workload.Timeout }, defaultClientTimeout),
	durationParam("cluster", "op_deadline", "a client write not done by then counts as failed", positive,
		func(c *cluster.Config) *time.Duration { return &c.Workload.Deadline }, defaultOpDeadline),
	{
		// A duration is a constant, read and written as it always was (so a spec's keys and results do
		// not change); any other distribution is kept as a latency spec and drawn per pause (finish.go).
		Param: Param{Name: "think", Section: "cluster", Kind: Duration,
			Doc: "client pause between writes: a duration, or a latency spec drawn per pause from the client's own stream (exp:10ms)"},
		parse: textParser(func(_ *parseCtx, s string) (string, error) { return parseThink(s) }),
		apply: func(st *state, v string) {
			st.cfg.Workload.Think, st.cfg.ThinkDist = 0, nil
			if d, err := time.ParseDuration(v); err == nil {
				st.cfg.Workload.Think = d
			} else {
				st.cfg.ThinkDist = latency.MustParse(v)
			}
		},
		get: func(c *cluster.Config) string {
			if c.ThinkDist != nil {
				return c.ThinkDist.String()
			}
			return fmtDur(c.Workload.Think)
		},
	},
	{
		Param: Param{Name: "value_size", Section: "cluster", Kind: Int, Doc: "modelled bytes of each write's payload"},
		parse: intParser(0, cluster.MaxValueSize),
		apply: func(st *state, v string) {
			x, _ := strconv.ParseUint(v, 10, 32)
			st.cfg.Workload.ValueSize = uint32(x)
		},
		get: func(c *cluster.Config) string { return strconv.FormatUint(uint64(c.Workload.ValueSize), 10) },
	},
	intParam("cluster", "keys", "size of the clients' key space", 1, math.MaxInt32,
		func(st *state) *int { return &st.cfg.Workload.Keys }, defaultKeys),
	unitParam("read_ratio", "fraction of client operations that are reads (0 for writes only)",
		func(c *cluster.Config) *float64 { return &c.Workload.ReadRatio }),
	{
		Param: Param{Name: "read_mode", Section: "cluster", Kind: Choice, Choices: cluster.ReadModeNames,
			Doc: "how reads are served: read_index (a heartbeat round per read, thesis §6.4), lease (no round trip while the leader's lease holds, §6.4.1; needs check_quorum) or follower (read_index, and followers serve reads by asking the leader)"},
		parse: choiceParser(map[string]string{"read_index": "read_index", "lease": "lease", "follower": "follower"},
			"read_index, lease or follower"),
		apply: func(st *state, v string) { st.cfg.ReadMode = cluster.ReadMode(slices.Index(cluster.ReadModeNames, v)) },
		get:   func(c *cluster.Config) string { return c.ReadMode.String() },
	},
	unitParam("clock_drift", "assumed bound on how much faster one node's clock runs than another's (0.01 = 1%); a lease lasts the minimum election timeout / (1 + clock_drift), and is safe only while the assumption holds",
		func(c *cluster.Config) *float64 { return &c.ClockDrift }),
	{
		// true is the thesis's style, as it was before etcd's was offered, so that specs and results
		// written then read and run the same.
		Param: Param{Name: "pre_vote", Section: "cluster", Kind: Choice, Choices: []string{"false", "true", "etcd"}, Bare: "true",
			Doc: "PreVote (thesis §9.6): thesis (or true, or the flag alone) refuses a pre-vote while the leader is heard from; etcd grants one to any up-to-date candidate; false is off. The flag takes a value after =: --pre-vote=etcd"},
		parse: choiceParser(map[string]string{"false": "false", "true": "true", "thesis": "true", "etcd": "etcd"},
			"etcd, thesis, true or false (true is thesis)"),
		apply: func(st *state, v string) {
			st.cfg.PreVote = map[string]raft.PreVote{"false": raft.PreVoteOff, "true": raft.PreVoteThesis, "etcd": raft.PreVoteEtcd}[v]
		},
		get: func(c *cluster.Config) string {
			return map[raft.PreVote]string{raft.PreVoteOff: "false", raft.PreVoteThesis: "true", raft.PreVoteEtcd: "etcd"}[c.PreVote]
		},
	},
	boolParam("cluster", "check_quorum", "enable CheckQuorum (thesis §6.2)", func(c *cluster.Config) *bool { return &c.CheckQuorum }),
	variantParam("vote_write", "when a candidate writes its term and self-vote: parallel with its RequestVotes (etcd) or before_send (LogCabin)",
		[]string{"parallel", "before_send"}, func(v *raft.Variant) *uint8 { return (*uint8)(&v.VoteWrite) }),
	variantParam("voter_timer", "when a voter restarts its election timer: on_grant (etcd, LogCabin) or on_durable, once the vote is written (hashicorp/raft)",
		[]string{"on_grant", "on_durable"}, func(v *raft.Variant) *uint8 { return (*uint8)(&v.VoterTimer) }),
	boolParam("cluster", "vote_write_holds_timer", "a voter's election timer cannot fire while its vote is being written (LogCabin, hashicorp/raft)",
		func(c *cluster.Config) *bool { return &c.Variant.VoteWriteHoldsTimer }),
	variantParam("heartbeat_reply", "whether a heartbeat's reply waits behind earlier writes (queued) or leaves once its term is durable (at_once, etcd)",
		[]string{"queued", "at_once"}, func(v *raft.Variant) *uint8 { return (*uint8)(&v.HeartbeatReply) }),
	latencyParam("cluster", "timer_jitter", "scheduling noise added to every timer a node arms (election and heartbeat): a latency spec drawn per firing from the node's own stream; const:0s (the default) is off",
		func(c *cluster.Config) **latency.Dist { return &c.TimerJitter }),
	intParam("cluster", "max_inflight", "AppendEntries in flight per follower", 1, cluster.MaxInflight,
		func(st *state) *int { return &st.cfg.MaxInflight }, defaultMaxInflight),
	intParam("cluster", "max_batch", "entries per AppendEntries", 1, cluster.MaxBatch,
		func(st *state) *int { return &st.cfg.MaxBatch }, defaultMaxBatch),
	intParam("cluster", "snapshot_entries", "snapshot the store and compact the log every this many applied entries; 0 for never", 0, cluster.MaxSnapshotEntries,
		func(st *state) *int { return &st.cfg.SnapshotEntries }),
	{
		Param: Param{Name: "snapshot_bytes", Section: "cluster", Kind: Int,
			Doc: "snapshot the store and compact the log every this many bytes of applied entries; 0 for never"},
		parse: intParser(0, cluster.MaxSnapshotBytes),
		apply: func(st *state, v string) { st.cfg.SnapshotBytes, _ = strconv.ParseInt(v, 10, 64) },
		get:   func(c *cluster.Config) string { return strconv.FormatInt(c.SnapshotBytes, 10) },
	},
	{
		Param: Param{Name: "replace_mode", Section: "cluster", Kind: Choice, Choices: []string{"learner", "direct"},
			Doc: "how a replace event adds the new node: learner (as a learner, promoted once caught up, then the old node removed; etcd's way) or direct (as a voter at once, then the old node removed)"},
		parse: choiceParser(map[string]string{"learner": "learner", "direct": "direct"}, "learner or direct"),
		apply: func(st *state, v string) { st.cfg.ReplaceDirect = v == "direct" },
		get: func(c *cluster.Config) string {
			if c.ReplaceDirect {
				return "direct"
			}
			return "learner"
		},
	},
	boolParam("cluster", "check", "check the Raft safety properties as the run goes", func(c *cluster.Config) *bool { return &c.Check }),

	durationParam("scenario", "measure_from", "start of the window of the *_after measures, success_rate, recovery_ms (NaN when 0) and the per-region latencies", nonNegative,
		func(c *cluster.Config) *time.Duration { return &c.MeasureFrom }),
	intParam("scenario", "faults", "crash this many nodes at crash_at, the leader among them; 0 for none", 0, maxNodes,
		func(st *state) *int { return &st.faults }),
	{
		Param: Param{Name: "crash_at", Section: "scenario", Kind: Duration,
			Doc: "when the faults crashes happen"},
		parse: durationParser(nonNegative),
		apply: func(st *state, v string) { st.crashAt, _ = time.ParseDuration(v) },
		get:   func(*cluster.Config) string { return "0s" },
	},
	{
		Param: Param{Name: "schedule", Section: "scenario", Kind: List,
			Doc: "fault and membership events, each a kind (crash, restart, cut, restore, partition, isolate, heal, transfer, add, remove, replace, filter, pause, disk-stall, disk-slow, repair) and its command-line form"},
		parse: parseSchedule,
		apply: func(st *state, v string) { st.schedule = splitSchedule(v) },
		get:   func(*cluster.Config) string { return "" },
	},
	boolParam("scenario", "chaos", "add a random crash, restart and partition schedule drawn from the trial's seed",
		func(c *cluster.Config) *bool { return &c.Chaos }),
	durationParam("scenario", "chaos_interval", "mean time between chaos faults; 0 for a tenth of the duration", nonNegative,
		func(c *cluster.Config) *time.Duration { return &c.ChaosOptions.MeanInterval }),
	durationParam("scenario", "chaos_quiet", "span at the start with no chaos fault", nonNegative,
		func(c *cluster.Config) *time.Duration { return &c.ChaosOptions.Quiet }),
	durationParam("scenario", "chaos_until", "end of the chaos: no chaos fault from then on (a phase to recover in); 0 for the end of the run", nonNegative,
		func(c *cluster.Config) *time.Duration { return &c.ChaosOptions.Until }),
	{
		Param: Param{Name: "leader_crash", Section: "scenario", Kind: Mapping,
			Doc: "the Raft paper's leader-crash experiment (Figure 16): {after, stale, stop}"},
		parse: parseLeaderCrash,
		apply: func(st *state, v string) { st.cfg.LeaderCrash = leaderCrashOf(v) },
		get:   func(*cluster.Config) string { return "" },
	},
	{
		// A mapping rather than schedule entries because the events depend on the point's node count.
		Param: Param{Name: "rolling_replace", Section: "scenario", Kind: Mapping,
			Doc: "replace every node one by one: {start, every}; node i (1..n) by node n+i at start + (i-1)*every"},
		parse: parseRollingReplace,
		apply: func(st *state, v string) { st.rolling = v },
		get:   func(*cluster.Config) string { return "" },
	},
	{
		Param: Param{Name: "crash_recovery", Section: "scenario", Kind: Mapping,
			Doc: "independent crash-recovery of every node: {mttf, mttr}, latency specs"},
		parse: parseCrashRecovery,
		apply: func(st *state, v string) { st.cfg.CrashRecovery = crashRecoveryOf(v) },
		get:   func(*cluster.Config) string { return "" },
	},

	// ---- links (issue 8): duplication, reordering and the client links ----
	probParam("cluster", "dup", "probability that a link between nodes delivers a message twice (a copy with its own latency)",
		func(c *cluster.Config) *float64 { return &c.Link.Dup }),
	probParam("cluster", "reorder", "probability that a message between nodes leaves its link's FIFO order and arrives after its own latency, overtaking or overtaken",
		func(c *cluster.Config) *float64 { return &c.Link.Reorder }),
	{
		Param: Param{Name: "client_latency", Section: "cluster", Kind: Text, Default: "same",
			Doc: "one-way latency between a client and a node: a latency spec, or same for latency's"},
		parse: textParser(func(_ *parseCtx, s string) (string, error) {
			if strings.TrimSpace(s) == "same" {
				return "same", nil
			}
			_, c, err := parseLatency(s)
			return c, err
		}),
		apply: func(st *state, v string) {
			st.cfg.ClientLatency = nil
			if v != "same" {
				st.cfg.ClientLatency = latency.MustParse(v)
			}
		},
		get: func(c *cluster.Config) string {
			if c.ClientLatency == nil {
				return "same"
			}
			return c.ClientLatency.String()
		},
	},
	{
		Param: Param{Name: "client_loss", Section: "cluster", Kind: Text,
			Doc: "probability that a link between a client and a node loses a message, or same for loss's"},
		parse: textParser(func(_ *parseCtx, s string) (string, error) {
			if s = strings.TrimSpace(s); s == "same" {
				return "same", nil
			}
			x, err := strconv.ParseFloat(s, 64)
			if err != nil || !(x >= 0 && x <= 1) {
				return "", fmt.Errorf("%q: want a probability in [0, 1], or same", s)
			}
			return fmtFloat(x), nil
		}),
		apply: func(st *state, v string) {
			st.cfg.ClientLoss = nil
			if v != "same" {
				x, _ := strconv.ParseFloat(v, 64)
				st.cfg.ClientLoss = &x
			}
		},
		get: func(c *cluster.Config) string {
			if c.ClientLoss == nil {
				return "same"
			}
			return fmtFloat(*c.ClientLoss)
		},
		numeric: experiments.Categorical,
	},
	{
		Param: Param{Name: "client_bandwidth", Section: "cluster", Kind: Text,
			Doc: "bandwidth between a client and a node, e.g. 100Mbps, or unlimited, or same for bandwidth's"},
		parse: textParser(func(_ *parseCtx, s string) (string, error) {
			if strings.TrimSpace(s) == "same" {
				return "same", nil
			}
			b, err := topology.ParseBandwidth(s)
			if err != nil {
				return "", err
			}
			return topology.FormatBandwidth(b), nil
		}),
		apply: func(st *state, v string) {
			st.cfg.ClientBandwidth = nil
			if v != "same" {
				b, _ := topology.ParseBandwidth(v)
				st.cfg.ClientBandwidth = &b
			}
		},
		get: func(c *cluster.Config) string {
			if c.ClientBandwidth == nil {
				return "same"
			}
			return topology.FormatBandwidth(*c.ClientBandwidth)
		},
	},
	{
		Param: Param{Name: "flap", Section: "scenario", Kind: Mapping,
			Doc: "link flaps: {up, down[, links]}, up and down latency specs; every link between two nodes (or the pairs links lists, A<->B) stays up for a span drawn from up, then down for one drawn from down, and so on"},
		parse: parseFlap,
		apply: func(st *state, v string) { st.cfg.Flap = flapOf(v) },
		get:   func(*cluster.Config) string { return "" },
	},
	// Regions and client placement (issue 8, the "regions" helper): cluster.Config.Regions and ClientRegion.
	{
		Param: Param{Name: "regions", Section: "cluster", Kind: Choice, Choices: append([]string{"none"}, topology.PresetNames...),
			Doc: "a built-in region preset used as the topology, node i in region (i-1) mod R: aws3 (us-east-1, eu-west-1, ap-northeast-1) or aws5 (and us-west-1, ap-southeast-2), constant one-way latencies of half the published round trips (docs/topology.md); none for no preset"},
		parse: choiceParser(map[string]string{"none": "none", "aws3": "aws3", "aws5": "aws5"}, "none, aws3 or aws5"),
		apply: applyEmptyAs("none", func(c *cluster.Config) *string { return &c.Regions }),
		get:   getEmptyAs("none", func(c *cluster.Config) *string { return &c.Regions }),
	},
	{
		Param: Param{Name: "client_region", Section: "cluster", Kind: Text,
			Doc: "where the clients are when the topology has regions: spread (client i in region (i-1) mod R) or a region's name (every client there); a client reaches a node over the link between their regions"},
		parse: textParser(func(_ *parseCtx, s string) (string, error) {
			if strings.TrimSpace(s) == "" {
				return "", fmt.Errorf("empty: want %s or a region's name", cluster.SpreadClients)
			}
			return s, nil
		}),
		// spread is stored as "": the same placement, and the same configuration as cluster.Default's.
		apply: applyEmptyAs(cluster.SpreadClients, func(c *cluster.Config) *string { return &c.ClientRegion }),
		get:   getEmptyAs(cluster.SpreadClients, func(c *cluster.Config) *string { return &c.ClientRegion }),
	},
	// Workload models (issue 8, the "regions" helper): cluster.Config.ArrivalRate, KeyZipf, ValueSizes.
	floatRangeParam("arrival_rate", "open-loop arrivals: operations per second arriving as a Poisson process, each taken by an idle client and refused when none is (clients bounds what is outstanding); 0 for closed-loop clients",
		0, cluster.MaxArrivalRate, false, func(c *cluster.Config) *float64 { return &c.ArrivalRate }),
	floatRangeParam("key_zipf", "client keys from a Zipf distribution with this exponent s (above 1; key k with probability proportional to 1/(1+k)^s); 0 for uniform keys",
		0, cluster.MaxZipf, true, func(c *cluster.Config) *float64 { return &c.KeyZipf }),
	{
		Param: Param{Name: "value_sizes", Section: "cluster", Kind: Text,
			Doc: "each write's payload drawn from a size distribution in bytes, written as a latency spec (const:128, uniform:64:4096, exp:1024, lognormal:1024:0.5, pareto:512:1.5); none for value_size"},
		parse: textParser(func(_ *parseCtx, s string) (string, error) {
			if s == "none" {
				return s, nil
			}
			if _, err := cluster.ParseSizes(s); err != nil {
				return "", err
			}
			return s, nil
		}),
		apply: applyEmptyAs("none", func(c *cluster.Config) *string { return &c.ValueSizes }),
		get:   getEmptyAs("none", func(c *cluster.Config) *string { return &c.ValueSizes }),
	},
	// Per-node settings and gray failures (issue 8, "node"): the gray failures themselves are schedule
	// entries (pause, disk-stall, disk-slow).
	{
		Param: Param{Name: "node", Section: "cluster", Kind: List,
			Doc: "per-node settings, each ID:key=value[,key=value] with ID a node or all and keys fsync, disk_bandwidth, election_timeout, heartbeat, clock_rate, cpu; later entries override earlier ones"},
		parse: parseNodeList,
		apply: func(st *state, v string) { st.cfg.PerNode = nodeSettingsOf(v) },
		get:   func(*cluster.Config) string { return "" },
	},
	// Workload settings of issue 8's second wave ("finish"): the client's retry policy and its pause
	// between attempts (think's distribution is the think entry above).
	{
		Param: Param{Name: "client_retry", Section: "cluster", Kind: Choice, Choices: cluster.ClientRetryNames,
			Doc: "where a client sends an attempt after a refusal: leader (follow the leader the refusing node names) or round_robin (its next endpoint, ignoring hints, as etcd's clientv3)"},
		parse: choiceParser(map[string]string{"leader": "leader", "round_robin": "round_robin"}, "leader or round_robin"),
		apply: func(st *state, v string) {
			st.cfg.ClientRetry = cluster.ClientRetry(slices.Index(cluster.ClientRetryNames, v))
		},
		get: func(c *cluster.Config) string { return c.ClientRetry.String() },
	},
	durationParam("cluster", "client_backoff", "client pause before its next attempt after a refusal that names no leader to follow", positive,
		func(c *cluster.Config) *time.Duration { return &c.Workload.Backoff }, defaultClientBackoff),
}

// parseNodeList reads the node: list; its canonical text is the canonical entries joined by
// scheduleSep, in the given order (a later entry overrides an earlier one). IDs are checked against
// each point's node count by cluster.Config.Validate.
func parseNodeList(pc *parseCtx, n *yaml.Node, p pos) (string, error) {
	var out []string
	err := pc.d.seq(n, p, func(_ int, item *yaml.Node, p pos) error {
		s, err := pc.d.str(item, p)
		if err != nil {
			return err
		}
		ns, err := cluster.ParseNodeSettings(s, topology.ParseBandwidth)
		if err != nil {
			return pc.d.errorf(p, "%s", trimPkg(err))
		}
		if ns.ID > maxNodes {
			return pc.d.errorf(p, "%q: node %d: at most %d nodes are supported", s, ns.ID, maxNodes)
		}
		out = append(out, ns.Format(topology.FormatBandwidth))
		return nil
	})
	if err != nil {
		return "", err
	}
	return strings.Join(out, scheduleSep), nil
}

// nodeSettingsOf reads parseNodeList's canonical text.
func nodeSettingsOf(v string) []cluster.NodeSettings {
	var out []cluster.NodeSettings
	for _, e := range splitSchedule(v) {
		ns, err := cluster.ParseNodeSettings(e, topology.ParseBandwidth)
		if err != nil {
			panic("spec: canonical node setting " + e + ": " + err.Error())
		}
		out = append(out, ns)
	}
	return out
}

// byName indexes the registry.
var byName = func() map[string]int {
	m := make(map[string]int, len(registry))
	for i, p := range registry {
		if _, dup := m[p.Name]; dup {
			panic("spec: parameter " + p.Name + " registered twice")
		}
		m[p.Name] = i
	}
	return m
}()

// The defaults are read from cluster.Default, so that a spec that sets nothing runs what `raftsim run`
// without flags runs.
func init() {
	c := cluster.Default()
	for _, p := range registry {
		p.Default = p.get(&c)
	}
}

// Params returns every parameter, in canonical order.
func Params() []Param {
	out := make([]Param, len(registry))
	for i, p := range registry {
		out[i] = p.Param
	}
	return out
}

// sectionParams lists the parameter names of a section, for "unknown field" messages.
func sectionParams(section string) []string {
	var out []string
	for _, p := range registry {
		if p.Section == section {
			out = append(out, p.Name)
		}
	}
	return out
}

// ---- constructors for the common kinds ----

// textParser reads a scalar and gives it to fn, which returns its canonical text or says what is wrong
// with it.
func textParser(fn func(pc *parseCtx, s string) (string, error)) func(*parseCtx, *yaml.Node, pos) (string, error) {
	return func(pc *parseCtx, n *yaml.Node, p pos) (string, error) {
		s, err := pc.d.str(n, p)
		if err != nil {
			return "", err
		}
		c, err := fn(pc, s)
		if err != nil {
			return "", pc.d.errorf(p, "%s", trimPkg(err))
		}
		return c, nil
	}
}

type durationRule uint8

const (
	nonNegative durationRule = iota
	positive
)

func parseDuration(s string, rule durationRule) (time.Duration, error) {
	d, err := time.ParseDuration(strings.TrimSpace(s))
	switch {
	case err != nil:
		return 0, fmt.Errorf("%q is not a duration like 150ms", s)
	case d < 0:
		return 0, fmt.Errorf("%v is negative", fmtDur(d))
	case d == 0 && rule == positive:
		return 0, fmt.Errorf("%v: must be positive", fmtDur(d))
	}
	return d, nil
}

func durationParser(rule durationRule) func(*parseCtx, *yaml.Node, pos) (string, error) {
	return textParser(func(_ *parseCtx, s string) (string, error) {
		d, err := parseDuration(s, rule)
		return fmtDur(d), err
	})
}

// durationParam is a Duration parameter stored in one configuration field. def, when given, is the
// value a zero field stands for.
func durationParam(section, name, doc string, rule durationRule, field func(*cluster.Config) *time.Duration, def ...time.Duration) *param {
	return &param{
		Param: Param{Name: name, Section: section, Kind: Duration, Doc: doc},
		parse: durationParser(rule),
		apply: func(st *state, v string) { *field(&st.cfg), _ = time.ParseDuration(v) },
		get: func(c *cluster.Config) string {
			d := *field(c)
			if d == 0 && len(def) > 0 {
				d = def[0]
			}
			return fmtDur(d)
		},
	}
}

// parseThink reads a think time: a duration, or a latency spec; a constant spec is written as its
// duration ("const:10ms" is "10ms"), so that it names the same point and draws nothing.
func parseThink(s string) (string, error) {
	if _, err := time.ParseDuration(strings.TrimSpace(s)); err == nil {
		d, err := parseDuration(s, nonNegative)
		return fmtDur(d), err
	}
	d, err := latency.Parse(s)
	if err != nil {
		return "", fmt.Errorf("%q: want a duration like 10ms or a latency spec like exp:10ms (%s)", s, trimPkg(err))
	}
	if d.IsConst() {
		return fmtDur(d.Mean()), nil
	}
	if !d.FiniteMean() {
		return "", fmt.Errorf("%v: want a distribution of finite mean (no pareto with alpha <= 1)", d)
	}
	return d.String(), nil
}

func intParser(lo, hi int64) func(*parseCtx, *yaml.Node, pos) (string, error) {
	return func(pc *parseCtx, n *yaml.Node, p pos) (string, error) {
		x, err := pc.d.int(n, p)
		if err != nil {
			return "", err
		}
		if x < lo || x > hi {
			return "", pc.d.errorf(p, "%d: want %d to %d", x, lo, hi)
		}
		return strconv.FormatInt(x, 10), nil
	}
}

// intParam is an Int parameter in [lo, hi] stored in an int of the point. def, when given, is the value
// a zero field stands for.
func intParam(section, name, doc string, lo, hi int64, field func(*state) *int, def ...int) *param {
	return &param{
		Param: Param{Name: name, Section: section, Kind: Int, Doc: doc},
		parse: intParser(lo, hi),
		apply: func(st *state, v string) { *field(st), _ = strconv.Atoi(v) },
		get: func(c *cluster.Config) string {
			st := state{cfg: *c}
			x := *field(&st)
			if x == 0 && len(def) > 0 {
				x = def[0]
			}
			return strconv.Itoa(x)
		},
	}
}

// unitParam is a Float parameter of the cluster: section in [0, 1].
func unitParam(name, doc string, field func(*cluster.Config) *float64) *param {
	return &param{
		Param: Param{Name: name, Section: "cluster", Kind: Float, Doc: doc},
		parse: func(pc *parseCtx, n *yaml.Node, p pos) (string, error) {
			x, err := pc.d.float(n, p)
			if err != nil {
				return "", err
			}
			if !(x >= 0 && x <= 1) {
				return "", pc.d.errorf(p, "%s: want a number in [0, 1]", fmtFloat(x))
			}
			return fmtFloat(x), nil
		},
		apply: func(st *state, v string) { *field(&st.cfg), _ = strconv.ParseFloat(v, 64) },
		get:   func(c *cluster.Config) string { return fmtFloat(*field(c)) },
	}
}

// floatRangeParam is a Float parameter of the cluster: section in [lo, hi]; with aboveOne, a value in
// (0, 1] is refused too (a Zipf exponent).
func floatRangeParam(name, doc string, lo, hi float64, aboveOne bool, field func(*cluster.Config) *float64) *param {
	return &param{
		Param: Param{Name: name, Section: "cluster", Kind: Float, Doc: doc},
		parse: func(pc *parseCtx, n *yaml.Node, p pos) (string, error) {
			x, err := pc.d.float(n, p)
			if err != nil {
				return "", err
			}
			if !(x >= lo && x <= hi) || aboveOne && x > 0 && x <= 1 {
				want := fmt.Sprintf("a number in [%s, %s]", fmtFloat(lo), fmtFloat(hi))
				if aboveOne {
					want = fmt.Sprintf("0 or a number above 1, at most %s", fmtFloat(hi))
				}
				return "", pc.d.errorf(p, "%s: want %s", fmtFloat(x), want)
			}
			return fmtFloat(x), nil
		},
		apply: func(st *state, v string) { *field(&st.cfg), _ = strconv.ParseFloat(v, 64) },
		get:   func(c *cluster.Config) string { return fmtFloat(*field(c)) },
	}
}

// choiceParser reads one of the names in canon (a spelling -> its canonical value); a YAML boolean
// reads as its text. want lists the accepted spellings for the error.
func choiceParser(canon map[string]string, want string) func(*parseCtx, *yaml.Node, pos) (string, error) {
	return func(pc *parseCtx, n *yaml.Node, p pos) (string, error) {
		n2, err := pc.d.scalar(n, p, want, "!!str", "!!bool")
		if err != nil {
			return "", err
		}
		if c, ok := canon[n2.Value]; ok {
			return c, nil
		}
		return "", pc.d.errorf(p, "%q: want %s", n2.Value, want)
	}
}

// variantParam is a Choice parameter of the cluster: section that sets a field of raft.Variant, whose
// values are the names, in the order of the field's constants (the zero value first).
func variantParam(name, doc string, names []string, field func(*raft.Variant) *uint8) *param {
	canon := map[string]string{}
	for _, n := range names {
		canon[n] = n
	}
	return &param{
		Param: Param{Name: name, Section: "cluster", Kind: Choice, Doc: doc, Choices: names},
		parse: choiceParser(canon, strings.Join(names, " or ")),
		apply: func(st *state, v string) { *field(&st.cfg.Variant) = uint8(slices.Index(names, v)) },
		get:   func(c *cluster.Config) string { return names[*field(&c.Variant)] },
	}
}

func boolParam(section, name, doc string, field func(*cluster.Config) *bool) *param {
	return &param{
		Param: Param{Name: name, Section: section, Kind: Bool, Doc: doc},
		parse: func(pc *parseCtx, n *yaml.Node, p pos) (string, error) {
			b, err := pc.d.bool(n, p)
			return strconv.FormatBool(b), err
		},
		apply: func(st *state, v string) { *field(&st.cfg) = v == "true" },
		get:   func(c *cluster.Config) string { return strconv.FormatBool(*field(c)) },
	}
}

func parseLatency(s string) (*latency.Dist, string, error) {
	d, err := latency.Parse(s)
	if err != nil {
		return nil, "", err
	}
	return d, d.String(), nil
}

// probParam is a probability in [0, 1].
func probParam(section, name, doc string, field func(*cluster.Config) *float64) *param {
	return &param{
		Param: Param{Name: name, Section: section, Kind: Float, Doc: doc},
		parse: func(pc *parseCtx, n *yaml.Node, p pos) (string, error) {
			x, err := pc.d.float(n, p)
			if err != nil {
				return "", err
			}
			if !(x >= 0 && x <= 1) {
				return "", pc.d.errorf(p, "%s: want a probability in [0, 1]", fmtFloat(x))
			}
			return fmtFloat(x), nil
		},
		apply: func(st *state, v string) { *field(&st.cfg), _ = strconv.ParseFloat(v, 64) },
		get:   func(c *cluster.Config) string { return fmtFloat(*field(c)) },
	}
}

func latencyParam(section, name, doc string, field func(*cluster.Config) **latency.Dist) *param {
	return &param{
		Param: Param{Name: name, Section: section, Kind: Text, Doc: doc},
		parse: textParser(func(_ *parseCtx, s string) (string, error) {
			_, c, err := parseLatency(s)
			return c, err
		}),
		apply: func(st *state, v string) { *field(&st.cfg) = latency.MustParse(v) },
		get:   func(c *cluster.Config) string { return (*field(c)).String() },
	}
}

func bandwidthParam(section, name, doc string, field func(*cluster.Config) *float64) *param {
	return &param{
		Param: Param{Name: name, Section: section, Kind: Text, Doc: doc},
		parse: textParser(func(_ *parseCtx, s string) (string, error) {
			b, err := topology.ParseBandwidth(s)
			if err != nil {
				return "", err
			}
			return topology.FormatBandwidth(b), nil
		}),
		apply:   func(st *state, v string) { *field(&st.cfg), _ = topology.ParseBandwidth(v) },
		get:     func(c *cluster.Config) string { return topology.FormatBandwidth(*field(c)) },
		numeric: experiments.Bandwidth,
	}
}

// ---- canonical text ----

// fmtDur is time.Duration.String with "us" for "µs", so that specs, keys and result files stay ASCII.
func fmtDur(d time.Duration) string { return strings.ReplaceAll(d.String(), "µs", "us") }

func fmtFloat(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

// ---- topology ----

func isGenerated(s string) bool {
	switch s {
	case "mesh", "star", "ring", "line":
		return true
	}
	return false
}

// ---- schedule ----

// scheduleKinds are the kinds of schedule entry and their parsers: the command line's, which take the
// node count.
var scheduleKinds = []struct {
	name  string
	parse func(string, int) ([]fault.Event, error)
}{
	{"crash", fault.ParseCrash},
	{"restart", fault.ParseRestart},
	{"cut", fault.ParseCut},
	{"restore", fault.ParseRestore},
	{"partition", fault.ParsePartition},
	{"isolate", fault.ParseIsolate},
	{"heal", func(s string, _ int) ([]fault.Event, error) { return fault.ParseHeal(s) }},
	{"transfer", fault.ParseTransfer},
	{"add", fault.ParseAdd},
	{"remove", fault.ParseRemove},
	{"replace", fault.ParseReplace},
	{"filter", fault.ParseFilter}, // links area: message filters
	{"pause", fault.ParsePause},
	{"disk-stall", fault.ParseDiskStall},
	{"disk-slow", fault.ParseDiskSlow},
	// repair (issue 9): every fault ends at T and none fires after it, the liveness phase's start.
	{"repair", func(s string, _ int) ([]fault.Event, error) { return fault.ParseRepair(s) }},
}

// parseEntry reads one schedule entry, "KIND ARGS", for n nodes.
func parseEntry(s string, n int) ([]fault.Event, error) {
	kind, rest, _ := strings.Cut(strings.TrimSpace(s), " ")
	for _, k := range scheduleKinds {
		if k.name == kind {
			return k.parse(strings.TrimSpace(rest), n)
		}
	}
	names := make([]string, len(scheduleKinds))
	for i, k := range scheduleKinds {
		names[i] = k.name
	}
	return nil, fmt.Errorf("%q: want KIND ARGS with KIND one of %s", s, strings.Join(names, ", "))
}

// fmtEvent is the canonical entry of an event: its kind and command-line form, one event per entry.
func fmtEvent(e fault.Event) string {
	at := fmtDur(e.At)
	switch e.Kind {
	case fault.Crash, fault.Restart, fault.Isolate, fault.Transfer, fault.Add, fault.Remove:
		return fmt.Sprintf("%v %v@%s", e.Kind, e.Target(), at) // "crash 3@5s", "crash leader+1@5s"
	case fault.Replace:
		return fmt.Sprintf("replace %d:%d@%s", e.Node, e.New, at)
	case fault.Cut, fault.Restore:
		return fmt.Sprintf("%v %s:%s", e.Kind, at, e.EdgeList())
	case fault.Partition:
		return fmt.Sprintf("partition %s:%s", at, e.GroupList())
	case fault.Heal:
		return "heal " + at
	case fault.Repair:
		return "repair " + at
	case fault.Filter:
		return "filter " + e.Filter.Format(e.At)
	case fault.Pause, fault.DiskStall, fault.DiskSlow:
		return e.String()
	}
	panic(fmt.Sprintf("spec: unknown fault kind %v", e.Kind))
}

// scheduleSep joins a schedule's canonical entries into one text; no entry contains it.
const scheduleSep = "; "

func splitSchedule(v string) []string {
	if v == "" {
		return nil
	}
	return strings.Split(v, scheduleSep)
}

// parseSchedule reads a list of entries. Node IDs are checked against the largest cluster here and
// against each point's node count when the plan is built. The canonical form has one event per entry,
// sorted by time (stably, as the run sorts them).
func parseSchedule(pc *parseCtx, n *yaml.Node, p pos) (string, error) {
	var evs []fault.Event
	err := pc.d.seq(n, p, func(_ int, item *yaml.Node, p pos) error {
		s, err := pc.d.str(item, p)
		if err != nil {
			return err
		}
		es, err := parseEntry(s, maxNodes)
		if err != nil {
			return pc.d.errorf(p, "%s", err)
		}
		evs = append(evs, es...)
		return nil
	})
	if err != nil {
		return "", err
	}
	fault.Sort(evs)
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = fmtEvent(e)
	}
	return strings.Join(out, scheduleSep), nil
}

// ---- leader_crash and crash_recovery ----

// The canonical text of a mapping parameter is "field=value,..." with every field, in a fixed order; ""
// means not set.

func parseLeaderCrash(pc *parseCtx, n *yaml.Node, p pos) (string, error) {
	if pc.d.isNull(n) {
		return "", nil
	}
	var after string
	var stale int64
	var stop bool
	err := pc.d.fields(n, p, func(key string, v *yaml.Node, p pos) error {
		var err error
		switch key {
		case "after":
			after, err = durationParser(positive)(pc, v, p)
		case "stale":
			if stale, err = pc.d.int(v, p); err == nil && (stale < 0 || stale > maxNodes) {
				err = pc.d.errorf(p, "%d: want 0 to %d", stale, maxNodes)
			}
		case "stop":
			stop, err = pc.d.bool(v, p)
		default:
			err = pc.d.unknown(p, []string{"after", "stale", "stop"})
		}
		return err
	})
	if err != nil {
		return "", err
	}
	if after == "" {
		return "", pc.d.errorf(p, "after: required (when the leader in office is crashed)")
	}
	return fmt.Sprintf("after=%s,stale=%d,stop=%t", after, stale, stop), nil
}

// parseRollingReplace reads rolling_replace: {start, every}; every is optional (0s: every replace fires
// at start and they run back to back, each when the one before is done).
func parseRollingReplace(pc *parseCtx, n *yaml.Node, p pos) (string, error) {
	if pc.d.isNull(n) {
		return "", nil
	}
	start, every := "", "0s"
	err := pc.d.fields(n, p, func(key string, v *yaml.Node, p pos) error {
		var err error
		switch key {
		case "start":
			start, err = durationParser(positive)(pc, v, p)
		case "every":
			every, err = durationParser(nonNegative)(pc, v, p)
		default:
			err = pc.d.unknown(p, []string{"start", "every"})
		}
		return err
	})
	if err != nil {
		return "", err
	}
	if start == "" {
		return "", pc.d.errorf(p, "start: required (when the first node is replaced)")
	}
	return "start=" + start + ",every=" + every, nil
}

// rollingEvents are rolling_replace's events for n nodes: replace i:n+i at start + (i-1)*every.
func rollingEvents(v string, n int) []fault.Event {
	if v == "" {
		return nil
	}
	f := subfields(v)
	start, _ := time.ParseDuration(f["start"])
	every, _ := time.ParseDuration(f["every"])
	evs := make([]fault.Event, n)
	for i := range n {
		evs[i] = fault.Event{At: start + time.Duration(i)*every, Kind: fault.Replace, Node: int64(i + 1), New: int64(n + i + 1)}
	}
	return evs
}

func leaderCrashOf(v string) *cluster.LeaderCrash {
	if v == "" {
		return nil
	}
	f := subfields(v)
	lc := &cluster.LeaderCrash{Stop: f["stop"] == "true"}
	lc.After, _ = time.ParseDuration(f["after"])
	lc.Stale, _ = strconv.Atoi(f["stale"])
	return lc
}

func parseCrashRecovery(pc *parseCtx, n *yaml.Node, p pos) (string, error) {
	if pc.d.isNull(n) {
		return "", nil
	}
	var mttf, mttr string
	err := pc.d.fields(n, p, func(key string, v *yaml.Node, p pos) error {
		if key != "mttf" && key != "mttr" {
			return pc.d.unknown(p, []string{"mttf", "mttr"})
		}
		// cluster.Config.Validate checks the same floors; here the error can name the field.
		floor := cluster.MinMTTF
		if key == "mttr" {
			floor = cluster.MinMTTR
		}
		c, err := textParser(func(_ *parseCtx, s string) (string, error) {
			d, c, err := parseLatency(s)
			if err == nil && d.Mean() < floor {
				err = fmt.Errorf("%s has mean %s: at least %s (a fault every few nanoseconds makes a run of seconds take hours)", c, fmtDur(d.Mean()), fmtDur(floor))
			}
			return c, err
		})(pc, v, p)
		if key == "mttf" {
			mttf = c
		} else {
			mttr = c
		}
		return err
	})
	switch {
	case err != nil:
		return "", err
	case mttf == "":
		return "", pc.d.errorf(p, "mttf: required")
	case mttr == "":
		return "", pc.d.errorf(p, "mttr: required")
	}
	return "mttf=" + mttf + ",mttr=" + mttr, nil
}

// parseFlap reads flap: {up, down}, as parseCrashRecovery reads its mapping.
func parseFlap(pc *parseCtx, n *yaml.Node, p pos) (string, error) {
	if pc.d.isNull(n) {
		return "", nil
	}
	var up, down, links string
	err := pc.d.fields(n, p, func(key string, v *yaml.Node, p pos) error {
		if key == "links" {
			// A list of "A<->B", or one string of them separated by commas or spaces (the flag's form,
			// and the canonical one). Node IDs are checked against the point's nodes in Validate.
			var items []string
			if err := pc.d.items(v, p, func(_ int, item *yaml.Node, ip pos) error {
				s, err := pc.d.str(item, ip)
				items = append(items, s)
				return err
			}); err != nil {
				return err
			}
			ps, err := fault.ParsePairs(strings.Join(items, ","), maxNodes)
			if err != nil {
				return pc.d.errorf(p, "%s", err)
			}
			links = fault.FormatPairs(ps)
			return nil
		}
		if key != "up" && key != "down" {
			return pc.d.unknown(p, []string{"up", "down", "links"})
		}
		c, err := textParser(func(_ *parseCtx, s string) (string, error) {
			d, c, err := parseLatency(s)
			if err == nil && d.Mean() < cluster.MinFlapSpan {
				err = fmt.Errorf("%s has mean %s: at least %s (every pair of nodes flaps)", c, fmtDur(d.Mean()), fmtDur(cluster.MinFlapSpan))
			}
			return c, err
		})(pc, v, p)
		if key == "up" {
			up = c
		} else {
			down = c
		}
		return err
	})
	switch {
	case err != nil:
		return "", err
	case up == "":
		return "", pc.d.errorf(p, "up: required")
	case down == "":
		return "", pc.d.errorf(p, "down: required")
	}
	if links != "" {
		return "up=" + up + ",down=" + down + ",links=" + links, nil // only then: specs without read as before
	}
	return "up=" + up + ",down=" + down, nil
}

func flapOf(v string) *cluster.LinkFlap {
	if v == "" {
		return nil
	}
	f := subfields(v)
	lf := &cluster.LinkFlap{Up: latency.MustParse(f["up"]), Down: latency.MustParse(f["down"])}
	if f["links"] != "" {
		lf.Links, _ = fault.ParsePairs(f["links"], maxNodes)
	}
	return lf
}

func crashRecoveryOf(v string) *cluster.CrashRecovery {
	if v == "" {
		return nil
	}
	f := subfields(v)
	return &cluster.CrashRecovery{MTTF: latency.MustParse(f["mttf"]), MTTR: latency.MustParse(f["mttr"])}
}

// subfields splits the canonical text of a mapping parameter into its fields, in order.
func subfields(v string) map[string]string {
	m := map[string]string{}
	for _, kv := range strings.Split(v, ",") {
		k, val, _ := strings.Cut(kv, "=")
		m[k] = val
	}
	return m
}

// msgOf is the message of an error without its place, when it has one.
func msgOf(err error) string {
	if e, ok := err.(*Error); ok {
		return e.Msg
	}
	return err.Error()
}

// trimPkg drops the package prefix of another package's error: the spec names the field instead.
func trimPkg(err error) string {
	msg := msgOf(err)
	for _, pkg := range []string{"latency: ", "topology: ", "network: ", "cluster: ", "bandwidth ", "routing "} {
		msg = strings.TrimPrefix(msg, pkg)
	}
	return msg
}

// info is what a Spec knows beyond its value: where each field was written, the spec's directory and
// the topology files it names. Two specs with the same value are equal whatever their info.
type info struct {
	lines     map[string]int // field path -> line
	dir       string         // the spec file's directory; "" for the current one
	detached  bool           // topology files are not read
	topoNodes map[string]int // topology file as named -> its node count
	graphs    map[string]*topology.Graph
	inputs    map[string]experiments.Input // topology file as named -> what was read (Plan.Inputs)
}

func (in *info) line(path string) int { return in.lines[path] }

// path is a topology file's path as the run opens it.
func (in *info) path(name string) string {
	if filepath.IsAbs(name) || in.dir == "" {
		return filepath.FromSlash(name)
	}
	return filepath.Join(in.dir, filepath.FromSlash(name))
}

// topology checks a topology value: a generated kind, or a file that loads (unless detached).
func (in *info) topology(s string) (string, error) {
	s = strings.TrimSpace(s)
	if isGenerated(s) {
		return s, nil
	}
	switch strings.ToLower(filepath.Ext(s)) {
	case ".yaml", ".yml", ".json":
	default:
		return "", fmt.Errorf("%q: want mesh, star, ring, line or a topology file (.yaml, .yml, .json)", s)
	}
	name := filepath.ToSlash(filepath.Clean(filepath.FromSlash(s)))
	if in.detached {
		return name, nil
	}
	if _, ok := in.topoNodes[name]; !ok {
		// Read once, here: the hash is of the bytes parsed, and the plan keeps them for the trials
		// (experiments.Input), so what runs is what the hash says whatever happens to the file later.
		path := in.path(name)
		data, err := readfile.ReadFile(path, readfile.SpecLimit)
		if err != nil {
			return "", err
		}
		g, err := topology.Parse(data, path, cluster.Default().Link)
		if err != nil {
			return "", fmt.Errorf("%s", trimPkg(err))
		}
		in.topoNodes[name] = g.Len()
		if in.graphs == nil {
			in.graphs = map[string]*topology.Graph{}
			in.inputs = map[string]experiments.Input{}
		}
		in.graphs[name] = g
		sum := sha256.Sum256(data)
		in.inputs[name] = experiments.Input{Name: name, Path: path, SHA256: hex.EncodeToString(sum[:]), Data: data}
	}
	return name, nil
}

// planInputs returns the input files read, in name order.
func (in *info) planInputs() []experiments.Input {
	var out []experiments.Input
	for _, name := range slices.Sorted(maps.Keys(in.inputs)) {
		out = append(out, in.inputs[name])
	}
	return out
}

// applyEmptyAs and getEmptyAs are the apply and get of a text setting whose word word (none, spread)
// stands for the field's empty value: the spec writes the word, the Config holds "".
func applyEmptyAs(word string, field func(*cluster.Config) *string) func(*state, string) {
	return func(st *state, v string) {
		if v == word {
			v = ""
		}
		*field(&st.cfg) = v
	}
}

func getEmptyAs(word string, field func(*cluster.Config) *string) func(*cluster.Config) string {
	return func(c *cluster.Config) string {
		if v := *field(c); v != "" {
			return v
		}
		return word
	}
}
