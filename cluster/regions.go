package cluster

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/raftsim/raftsim/experiments/stats"
	"github.com/raftsim/raftsim/models/workload"
	"github.com/raftsim/raftsim/topology"
)

// SpreadClients is the ClientRegion that spreads the clients over the regions: client i in region
// (i-1) mod R.
const SpreadClients = "spread"

// validateRegions checks the regions block of Config (Regions, ClientRegion); a client region named
// against a topology file is checked when the file is read (New).
func (c *Config) validateRegions() error {
	named := c.ClientRegion != "" && c.ClientRegion != SpreadClients
	if c.Regions == "" {
		switch c.Topology {
		case "", "mesh", "star", "ring", "line":
			if named && c.Graph == nil {
				return fmt.Errorf("client-region: %q: a %s topology has no regions (set regions, or a topology file with regions)", c.ClientRegion, c.topologyName())
			}
		}
		return nil
	}
	if !slices.Contains(topology.PresetNames, c.Regions) {
		return fmt.Errorf("regions: %q: want one of %s (or none)", c.Regions, strings.Join(topology.PresetNames, ", "))
	}
	if c.Graph != nil || (c.Topology != "" && c.Topology != "mesh") {
		return fmt.Errorf("regions: %s is a whole topology: leave topology at mesh (it is %q)", c.Regions, c.Topology)
	}
	// A preset sets the latency of every link, between nodes and between a client and a node: a
	// latency given beside it would be silently ignored (it was, until this check).
	if def := Default().Link.Latency; c.Link.Latency != nil && c.Link.Latency.String() != def.String() {
		return fmt.Errorf("latency: %s: %s sets the latency of every link: leave latency at its default (%s), or write a topology file with regions (docs/topology.md)", c.Link.Latency, c.Regions, def)
	}
	if !named {
		return nil
	}
	g, err := topology.Preset(c.Regions, 1, c.Link)
	if err != nil {
		return fmt.Errorf("regions: %w", err)
	}
	if _, ok := g.RegionIndex(c.ClientRegion); !ok {
		return fmt.Errorf("client-region: %q is not a region of %s (want %s, or %s)", c.ClientRegion, c.Regions, strings.Join(g.Regions(), ", "), SpreadClients)
	}
	return nil
}

func (c *Config) topologyName() string {
	if c.Topology == "" {
		return "mesh"
	}
	return c.Topology
}

// regionRun is what a run keeps about its regions: where each client is, and per region the latency
// of the operations its clients invoked from measure_from on.
type regionRun struct {
	names    []string
	ofClient []int // per client (index id-1): its region
	ops      []regionOps
}

type regionOps struct {
	clients                  int
	okW, failedW, okR, failR uint64
	write, read              *stats.Histogram
}

// initRegions places the clients in the graph's regions and gives each client-node pair the link
// between their regions. A graph without regions leaves everything as it was.
func (c *Cluster) initRegions() error {
	names := c.graph.Regions()
	where := c.cfg.ClientRegion
	if names == nil {
		if where != "" && where != SpreadClients {
			return fmt.Errorf("client-region: %q: the topology declares no regions", where)
		}
		return nil
	}
	// With regions a client's link to a node is the link between their regions; a client link of its
	// own would be silently overridden, so it is refused.
	for _, set := range []struct {
		name string
		on   bool
	}{{"client-latency", c.cfg.ClientLatency != nil}, {"client-loss", c.cfg.ClientLoss != nil}, {"client-bandwidth", c.cfg.ClientBandwidth != nil}} {
		if set.on {
			return fmt.Errorf("%s: the topology has regions, and a client reaches a node over the link between their regions: set it in the regions (or leave it at same)", set.name)
		}
	}
	r := &c.regions
	r.names = names
	r.ops = make([]regionOps, len(names))
	for i := range r.ops {
		r.ops[i].write, r.ops[i].read = stats.NewHistogram(), stats.NewHistogram()
	}
	r.ofClient = make([]int, c.cfg.Clients)
	named := -1
	if where != "" && where != SpreadClients {
		i, ok := c.graph.RegionIndex(where)
		if !ok {
			return fmt.Errorf("client-region: %q is not a region of the topology (want %s, or %s)", where, strings.Join(names, ", "), SpreadClients)
		}
		named = i
	}
	for i := range r.ofClient {
		r.ofClient[i] = i % len(names)
		if named >= 0 {
			r.ofClient[i] = named
		}
		r.ops[r.ofClient[i]].clients++
	}
	c.net.SetExternalLinks(func(ext, node uint64) topology.Link {
		return c.clientLink(r.ofClient[ext-c.nodes-1], node)
	})
	return nil
}

// clientLink is the link between a client in region cr and a node: that of their regions when the
// topology declares one, otherwise the run's default link.
func (c *Cluster) clientLink(cr int, node uint64) topology.Link {
	if nr, ok := c.graph.RegionOf(int64(node)); ok {
		if l, ok := c.graph.RegionLink(cr, nr); ok {
			return l
		}
	}
	return c.cfg.Link
}

// regionOp records a completed operation in its client's region, if it was invoked from measure_from on.
func (c *Cluster) regionOp(op *workload.Op) {
	r := &c.regions
	if r.names == nil || op.Invoke < c.metrics.measureFrom {
		return
	}
	o := &r.ops[r.ofClient[op.Client-1]]
	switch {
	case op.Read && op.OK:
		o.okR++
		o.read.Record(int64(op.Complete - op.Invoke))
	case op.Read:
		o.failR++
	case op.OK:
		o.okW++
		o.write.Record(int64(op.Complete - op.Invoke))
	default:
		o.failedW++
	}
}

// Region is what the clients of one region saw, over the operations they invoked from measure_from on.
type Region struct {
	Name    string   `json:"name"`
	Nodes   []uint64 `json:"nodes"`
	Clients int      `json:"clients"`
	// Writes and CommitLatencyMS as Summary's ClientOps and CommitLatencyMS; Reads as Summary's, present
	// only when the workload reads.
	Writes          RegionOps `json:"writes"`
	CommitLatencyMS Latency   `json:"commit_latency_ms"`
	Reads           *ReadOps  `json:"reads,omitempty"`
	// Leader is the node leading when the run ended (0 for none), and PredictedCommitMS the commit
	// latency predicted for a client of this region writing to it (PredictCommit); PredictedReadMS that
	// of a read (PredictRead), only when the workload reads. Null when no node led, and a read's when
	// the read mode has no prediction (follower).
	Leader            uint64    `json:"leader"`
	PredictedCommitMS NullFloat `json:"predicted_commit_ms"`
	PredictedReadMS   NullFloat `json:"predicted_read_ms,omitempty"`
}

// RegionOps counts a region's writes by outcome.
type RegionOps struct {
	OK     uint64 `json:"ok"`
	Failed uint64 `json:"failed"`
}

func (c *Cluster) regionSummary() []Region {
	r := &c.regions
	if r.names == nil {
		return nil
	}
	leader := c.currentLeader()
	out := make([]Region, len(r.names))
	for i, name := range r.names {
		o := &r.ops[i]
		g := Region{Name: name, Nodes: []uint64{}, Clients: o.clients, Writes: RegionOps{OK: o.okW, Failed: o.failedW},
			CommitLatencyMS: latencyOf(o.write), Leader: leader, PredictedCommitMS: null}
		for id := uint64(1); id <= c.nodes; id++ {
			if nr, ok := c.graph.RegionOf(int64(id)); ok && nr == i {
				g.Nodes = append(g.Nodes, id)
			}
		}
		if c.cfg.Workload.ReadRatio > 0 {
			g.Reads = &ReadOps{OK: o.okR, Failed: o.failR, LatencyMS: latencyOf(o.read)}
			g.PredictedReadMS = null
		}
		if leader != 0 {
			if d, err := c.PredictCommit(i, leader); err == nil {
				g.PredictedCommitMS = NullFloat(ms(int64(d)))
			}
			if d, err := c.PredictRead(i, leader); err == nil && g.Reads != nil {
				g.PredictedReadMS = NullFloat(ms(int64(d)))
			}
		}
		out[i] = g
	}
	return out
}

// errNoPrediction is returned by the predictions for a setting they do not model.
var errNoPrediction = errors.New("cluster: no prediction for this setting")

// PredictCommit is the analytic commit latency of a write by a client in region cr to leader, every
// latency at its mean: the client's hop to the leader, then the round trip from the leader to its
// ⌊n/2⌋-th nearest voter (AppendEntries out, the follower's disk write, its reply back) or the leader's
// own write if that is longer, then the reply's hop back. With constant latencies, one write at a time
// and transmission times (size/bandwidth) small beside the latencies, it is what the run measures;
// queueing behind other clients' writes, jitter and loss make the run slower. n is the bootstrap
// configuration, Nodes; the topology must have an edge from the leader to every node and back.
func (c *Cluster) PredictCommit(cr int, leader uint64) (time.Duration, error) {
	q, err := c.quorumRound(leader, c.fsyncMean())
	if err != nil {
		return 0, err
	}
	return c.clientHops(cr, leader) + max(c.fsyncMean(), q), nil
}

// PredictRead is the analytic latency of a read by a client in region cr at leader: with ReadIndex,
// the client's hops plus the heartbeat round to the ⌊n/2⌋-th nearest voter (no disk write); with a
// lease, the client's hops alone. Follower reads have none (errNoPrediction).
func (c *Cluster) PredictRead(cr int, leader uint64) (time.Duration, error) {
	switch c.cfg.ReadMode {
	case ReadLease:
		return c.clientHops(cr, leader), nil
	case ReadIndex:
		q, err := c.quorumRound(leader, 0)
		if err != nil {
			return 0, err
		}
		return c.clientHops(cr, leader) + q, nil
	}
	return 0, errNoPrediction
}

func (c *Cluster) fsyncMean() time.Duration {
	if c.cfg.Fsync == nil {
		return 0
	}
	return c.cfg.Fsync.Mean()
}

// clientHops is a client's round trip to a node at the links' mean latencies.
func (c *Cluster) clientHops(cr int, node uint64) time.Duration {
	l := c.clientLink(cr, node)
	if l.Latency == nil {
		return 0
	}
	return 2 * l.Latency.Mean()
}

// quorumRound is the time from the leader sending to a voter until it has the replies of ⌊n/2⌋ of
// them, each reply leaving disk after the voter received the message.
func (c *Cluster) quorumRound(leader uint64, disk time.Duration) (time.Duration, error) {
	var rounds []time.Duration
	for f := uint64(1); f <= uint64(c.cfg.Nodes); f++ {
		if f == leader {
			continue
		}
		out, ok1 := c.graph.Link(int64(leader), int64(f))
		back, ok2 := c.graph.Link(int64(f), int64(leader))
		if !ok1 || !ok2 || out.Latency == nil || back.Latency == nil {
			return 0, fmt.Errorf("cluster: no prediction: no edge between the leader %d and node %d", leader, f)
		}
		rounds = append(rounds, out.Latency.Mean()+disk+back.Latency.Mean())
	}
	k := c.cfg.Nodes / 2
	if k == 0 {
		return 0, nil
	}
	slices.Sort(rounds)
	if math.IsNaN(float64(rounds[k-1])) {
		return 0, errNoPrediction
	}
	return rounds[k-1], nil
}
