package cluster

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/raftsim/raftsim/models/disk"
	"github.com/raftsim/raftsim/models/fault"
	"github.com/raftsim/raftsim/models/workload"
	"github.com/raftsim/raftsim/network"
	"github.com/raftsim/raftsim/raft"
	"github.com/raftsim/raftsim/safety"
	"github.com/raftsim/raftsim/sim"
	"github.com/raftsim/raftsim/topology"
)

type envKind uint8

const (
	envRaft envKind = iota
	envRequest
	envReply
)

// envelope is what travels on the network: a Raft message, a client request or a reply.
type envelope struct {
	kind envKind
	msg  raft.Message
	req  workload.Request
	rep  workload.Reply
}

// Request and reply sizes on the wire, besides a request's payload.
const (
	requestHeaderBytes = 48
	replyBytes         = 48
)

// Cluster is one run in progress.
type Cluster struct {
	cfg   Config
	loop  *sim.Loop
	net   *network.Network[envelope]
	graph *topology.Graph
	hosts []*host // index id-1
	// nodes is how many hosts the run provisions (Config.Hosts): the network's node endpoints are
	// 1..nodes and the clients' follow them.
	nodes   uint64
	members members // the membership events in progress

	clients   []*clientHost // index id-1
	faults    faultFeed
	faultRand *rand.Rand // choices a fault event leaves open (which nodes crash with the leader)
	roles     roleState  // what role targets need: the follower draws, the last crashed leader

	scenario *leaderCrash // the LeaderCrash scenario, if configured
	timeline timeline     // the faults as they happened

	check   *safety.Checker
	err     error
	trace   tracer
	metrics metrics

	interrupted func() bool // whether the run's context is done; nil when it cannot be
	diskQueued  int         // persist batches waiting for a disk, all nodes together
	inboxQueued int         // messages waiting in the nodes' inboxes, all nodes together (gray.go)
	maxLogIndex uint64      // the longest log a node may hold: its share of maxLogEntries
	stillAt     sim.Time    // the instant at the last watch
	stillSince  uint64      // events fired when the loop first got to it

	// invoked is, per client (index id-1), its current operation and the highest commit index any node
	// had reached when the client invoked it: a read served below it misses a write that had committed
	// before the read began (Checker.ReadServed).
	invoked  []invoked
	transfer transferRun // the leadership transfer in progress, for the transfer_time measure
	filters  bool        // whether the schedule has message filters: the summary counts their drops
	regions  regionRun   // the clients' regions and what each saw (regions.go)
	open     *arrivals   // the open-loop arrival process (workload.go); nil for closed-loop clients
	repair   repairRun   // the repair of every fault, once it happened, and the liveness phase after it (repair.go)
}

// envClass is an envelope's class for the network's filters: its Raft message type, or 0 (never
// filtered) for a client's request or reply.
func envClass(e *envelope) uint8 {
	if e.kind != envRaft {
		return 0
	}
	return uint8(e.msg.Type)
}

// invoked is a client's current operation and the cluster's commit index when it was invoked.
type invoked struct {
	seq, commit uint64
}

// New builds a run from cfg; nothing happens until Run.
func New(cfg Config) (*Cluster, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	g, err := cfg.graph()
	if err != nil {
		return nil, err
	}
	if err := CheckEdges(cfg.Faults, g); err != nil {
		return nil, err
	}
	if err := cfg.addFileSettings(g.NodeSettings()); err != nil {
		return nil, err
	}
	nodeCfgs := make([]nodeConfig, cfg.Hosts()+1) // by ID, before the heartbeat's default is filled in
	for id := range nodeCfgs {
		nodeCfgs[id] = cfg.nodeConfig(int64(id))
	}
	cfg.Heartbeat = cfg.HeartbeatInterval()
	hosts := cfg.Hosts()
	c := &Cluster{cfg: cfg, loop: sim.NewLoop(), graph: g, nodes: uint64(hosts),
		faultRand: sim.Stream(cfg.Seed, "faults"), maxLogIndex: uint64(maxLogEntries / hosts)}
	c.members.c = c
	c.net = network.New[envelope](c.loop, g, cfg.Routing, cfg.Clients, cfg.ClientLink(), cfg.Seed, c)
	for _, e := range cfg.Faults {
		if e.Kind == fault.Filter {
			c.filters = true
			c.net.SetClassifier(envClass)
			break
		}
	}
	if err := c.initRegions(); err != nil {
		return nil, err
	}
	if cfg.Trace != nil {
		c.trace = newTracer(cfg.Trace, c.loop)
	}
	if cfg.Check {
		c.check = safety.New(cfg.Seed, func() time.Duration { return c.loop.Now().Duration() })
	}
	c.metrics.init(cfg)

	peers := make([]uint64, cfg.Nodes)
	for i := range peers {
		peers[i] = uint64(i + 1)
	}
	// Every host starts with the bootstrap configuration, 1..Nodes; a spare (an ID beyond it, which a
	// membership event adds) is left out of it, and never campaigns until a configuration makes it a voter.
	for id := uint64(1); id <= uint64(hosts); id++ {
		h := &host{c: c, id: id, created: id <= uint64(cfg.Nodes)}
		nc := &nodeCfgs[id]
		hb := nc.heartbeat
		if hb == 0 {
			hb = nc.electionMin / 2 // the paper's rule, on the node's own timeout
		}
		h.cfg = raft.Config{
			ID: id, Peers: peers,
			ElectionTimeoutMin: nc.electionMin, ElectionTimeoutMax: nc.electionMax,
			HeartbeatInterval: hb,
			Rand:              sim.StreamN(cfg.Seed, "node", int(id)),
			PreVote:           cfg.PreVote, CheckQuorum: cfg.CheckQuorum, Variant: cfg.Variant,
			MaxInflight: cfg.MaxInflight, MaxEntriesPerMsg: cfg.MaxBatch,
			SnapshotEntries: uint64(cfg.SnapshotEntries), SnapshotBytes: uint64(cfg.SnapshotBytes),
			LeaseRead: cfg.ReadMode == ReadLease, ClockDrift: cfg.ClockDrift,
			Mutants: cfg.Mutants,
		}
		dcfg := disk.Config{Bandwidth: nc.diskBandwidth}
		if nc.fsync != nil {
			dcfg.Fsync = nc.fsync
		}
		h.disk = disk.New(dcfg, sim.StreamN(cfg.Seed, "disk", int(id)))
		h.initGray(nc, cfg.Seed)
		if j := cfg.TimerJitter; j != nil && !(j.IsConst() && j.Mean() == 0) {
			h.jitter, h.jitterRand = j, sim.StreamN(cfg.Seed, "timer-jitter", int(id))
		}
		c.hosts = append(c.hosts, h)
	}

	wl := cfg.Workload
	wl.Nodes = hosts
	wl.SpreadReads = cfg.ReadMode == ReadFollower
	c.invoked = make([]invoked, cfg.Clients)
	wl.OpenLoop, wl.Zipf = cfg.ArrivalRate > 0, cfg.KeyZipf
	wl.RoundRobin = cfg.ClientRetry == RetryRoundRobin
	if cfg.ThinkDist != nil {
		wl.ThinkDist = cfg.ThinkDist
	}
	if cfg.ValueSizes != "" {
		sizes, err := ParseSizes(cfg.ValueSizes)
		if err != nil {
			return nil, err
		}
		wl.Sizes = sizes
	}
	for i := 1; i <= cfg.Clients; i++ {
		ch := &clientHost{c: c}
		ch.client = workload.New(uint64(i), wl, sim.StreamN(cfg.Seed, "client", i), c, c)
		// The optional models' streams are made only when they are on: a run without them draws, and
		// allocates, exactly what it did before they existed.
		var keys, sizes *rand.Rand
		if wl.Zipf > 1 {
			keys = sim.StreamN(cfg.Seed, "client-keys", i)
		}
		if wl.Sizes != nil {
			sizes = sim.StreamN(cfg.Seed, "client-sizes", i)
		}
		ch.client.SetStreams(keys, sizes)
		if wl.ThinkDist != nil {
			ch.client.SetThinkStream(sim.StreamN(cfg.Seed, "client-think", i))
		}
		c.clients = append(c.clients, ch)
	}
	if cfg.ArrivalRate > 0 {
		c.open = new(arrivals)
		c.open.init(c)
	}

	c.faults = faultFeed{c: c, src: cfg.faultSource()}
	if flaps := cfg.flapSources(g); len(flaps) > 0 {
		c.faults.src = fault.Merge(append([]fault.Source{c.faults.src}, flaps...)...)
	}
	if cfg.LeaderCrash != nil {
		c.scenario = &leaderCrash{c: c}
	}
	return c, nil
}

// Run runs the cluster for the configured duration and returns what it measured. A safety violation
// stops the run and is returned as a *safety.Violation, with the summary up to that point.
func (c *Cluster) Run() (Summary, error) {
	return c.RunContext(context.Background())
}

// RunContext is Run that also stops, soon after, when ctx is cancelled, returning an error that wraps
// ctx's. Checking ctx schedules nothing, so a run that is not cancelled is the same run as Run's.
func (c *Cluster) RunContext(ctx context.Context) (Summary, error) {
	if ctx.Done() != nil {
		c.interrupted = func() bool { return ctx.Err() != nil }
	}
	c.loop.SetInterrupt(c.watch)
	end, err := c.begin()
	if err != nil {
		return Summary{}, err
	}
	c.loop.RunUntil(end)
	if err := ctx.Err(); err != nil && c.err == nil {
		c.err = fmt.Errorf("cluster: interrupted at %v of simulated time: %w", c.loop.Now(), err)
	}
	c.recordPending()
	c.members.window.finish(&c.metrics, c.loop.Now())
	c.metrics.finish(c.loop.Now())
	if c.transfer.active {
		c.transfer.unfinished++
	}
	c.trace.flush()
	s := c.summary()
	if c.err == nil {
		c.err = c.trace.err
	}
	return s, c.err
}

// begin starts the nodes, the fault schedule and the clients, schedules nothing past the end of the
// run, and returns that end: everything a run does before its first event.
func (c *Cluster) begin() (end sim.Time, err error) {
	// A run of the longest duration ends just before Never, which no event reaches.
	end = min(sim.Time(c.cfg.Duration), sim.Never-1)
	c.net.SetHorizon(end)
	for _, h := range c.hosts {
		if !h.created {
			continue // a spare: it starts when the event that adds it fires
		}
		if err := h.start(); err != nil {
			return 0, err
		}
	}
	if c.cfg.Bootstrap != 0 {
		c.loop.At(0, c.host(uint64(c.cfg.Bootstrap)), uint64(raft.ElectionTimeout))
	}
	c.faults.start()
	for _, ch := range c.clients {
		ch.client.Start()
	}
	if c.open != nil {
		c.open.arm()
	}
	if c.scenario != nil {
		c.loop.At(sim.Time(c.cfg.LeaderCrash.After), c.scenario, 0)
	}
	return end, nil
}

// Loop exposes the event loop, for benchmarks and tests that count events.
func (c *Cluster) Loop() *sim.Loop { return c.loop }

// violation stops the run at the first safety violation. Every call into the checker ends here, so
// the checker's memory is bounded here too.
func (c *Cluster) violation(v *safety.Violation) {
	if v == nil {
		if c.check.Records() > maxChecked {
			c.limit("records of the safety checker", maxChecked,
				"the safety check keeps every entry any log has held and the leader of every term, so each election adds to them (see duration, election timeout, loss and check)")
		}
		return
	}
	if c.err != nil {
		return
	}
	c.err = v
	c.metrics.violations++
	c.trace.violation(v)
	c.loop.Stop()
}

func (c *Cluster) host(id uint64) *host { return c.hosts[id-1] }

// sendRaft puts a node's message on the network.
func (c *Cluster) sendRaft(m *raft.Message) {
	if c.scenario != nil && c.scenario.blocks(m) {
		c.metrics.withheld++
		if c.trace.on() {
			c.trace.drop(m.From, m.To, &envelope{kind: envRaft, msg: *m}, "scenario")
		}
		return
	}
	size := m.Size()
	c.metrics.sent(m.Type, m.From, size, len(m.Entries) > 0, c.host(m.From).state == raft.Leader)
	c.trace.sendRaft(m, size)
	c.net.Send(m.From, m.To, size, envelope{kind: envRaft, msg: *m})
	c.checkInFlight()
}

// reply sends a node's answer to a client.
func (c *Cluster) reply(from uint64, r workload.Reply) {
	c.metrics.sentClient(from, replyBytes)
	to := c.nodes + r.Client
	c.trace.clientMsg("reply", from, to, r.Client, r.Seq, r.OK, r.Leader)
	c.net.Send(from, to, replyBytes, envelope{kind: envReply, rep: r})
	c.checkInFlight()
}

// Deliver implements network.Endpoint.
func (c *Cluster) Deliver(from, to uint64, e *envelope) {
	if c.trace.on() {
		c.trace.deliver(from, to, e)
	}
	if to <= c.nodes {
		c.host(to).receive(from, e)
		return
	}
	c.clients[to-c.nodes-1].client.Reply(e.rep)
}

// Dropped implements network.Endpoint.
func (c *Cluster) Dropped(from, to uint64, e *envelope, why network.Drop) {
	c.trace.drop(from, to, e, why.String())
}

// Now implements workload.Env.
func (c *Cluster) Now() sim.Time { return c.loop.Now() }

// SendRequest implements workload.Env.
func (c *Cluster) SendRequest(to uint64, r workload.Request) {
	from := c.nodes + r.Client
	if inv := &c.invoked[r.Client-1]; inv.seq != r.Seq {
		// The first attempt leaves when the client invokes the operation.
		*inv = invoked{seq: r.Seq, commit: c.metrics.commitIndex}
	}
	size := requestHeaderBytes + int(r.Size)
	c.metrics.sentClient(0, size)
	c.trace.clientMsg("request", from, to, r.Client, r.Seq, false, 0)
	c.net.Send(from, to, size, envelope{kind: envRequest, req: r})
	c.checkInFlight()
}

// ArmClient implements workload.Env.
func (c *Cluster) ArmClient(client uint64, d time.Duration) {
	ch := c.clients[client-1]
	ch.timer = c.loop.Reset(ch.timer, c.loop.Now().Add(d), ch, 0)
}

// Record implements workload.Recorder.
func (c *Cluster) Record(op workload.Op) {
	c.metrics.op(op)
	c.regionOp(&op)
	if c.open != nil {
		c.open.done(op.Client)
	}
	if op.OK && !op.Read {
		c.members.window.write(op.Invoke, op.Complete)
	}
	if c.repair.done {
		c.repair.op(op.Invoke, op.Complete, op.Read, op.OK)
		c.stopIfLive()
	}
	c.trace.op(&op)
	if c.cfg.History != nil {
		c.cfg.History.Record(op)
	}
}

// recordPending hands the History the operations still outstanding when the run ends, as not OK (their
// outcome unknown): a write still awaited may have been applied, and a later operation may have seen it,
// so a linearizability check that never heard of it would find the history illegal. The measures do
// not count them.
func (c *Cluster) recordPending() {
	if c.cfg.History == nil {
		return
	}
	for _, ch := range c.clients {
		if op, ok := ch.client.Pending(); ok {
			op.OK, op.Complete = false, c.loop.Now()
			c.cfg.History.Record(op)
		}
	}
}

// clientHost holds a client's timer.
type clientHost struct {
	c      *Cluster
	client *workload.Client
	timer  sim.Timer
}

func (ch *clientHost) Fire(uint64) { ch.client.Timer() }

// faultFeed fires the fault schedule, drawing each event only when the one before it fires: a run's
// faults cost memory and time as they happen, not up front, and a schedule with a fault every
// nanosecond starts at once (and stops on Ctrl-C like any other run).
//
// The events fire exactly as they would had the whole schedule been scheduled when the run started:
// start reserves a block of places in the loop's order of events there, and the k-th event takes the
// k-th place, so at any instant the faults still fire before whatever the run scheduled for that
// instant after it started, and in the schedule's own order.
type faultFeed struct {
	c    *Cluster
	src  fault.Source
	cur  fault.Event
	base uint64 // the first reserved place
	k    uint64 // events scheduled so far
}

// reserved is how many places the schedule may take: more events than a run can fire, and still 2^62
// places left for the rest of the run.
const reserved = 1 << 62

func (f *faultFeed) start() {
	f.base = f.c.loop.Reserve(reserved)
	f.next()
}

// next schedules the schedule's next event before the end of the run, if there is one.
func (f *faultFeed) next() {
	e, ok := f.src.Next()
	if !ok || e.At >= f.c.cfg.Duration || f.k == reserved {
		f.src = nil
		return
	}
	f.cur = e
	f.c.loop.AtReserved(sim.Time(e.At), f.base+f.k, f, 0)
	f.k++
}

// Fire applies the current event and schedules the next. A fault can be costly to apply (a partition
// of a large cluster makes the next message recompute every route), so the run's context is checked
// after each one too, not only every few thousand events.
func (f *faultFeed) Fire(uint64) {
	e := f.cur
	if f.c.repair.done && !operator(e.Kind) {
		f.c.ignore(&e) // no fault fires after the repair (repair.go)
	} else {
		f.c.fire(&e)
	}
	f.next()
	if f.c.interrupted != nil && f.c.interrupted() {
		f.c.loop.Stop()
	}
}

func (c *Cluster) applyFault(e *fault.Event) {
	switch e.Kind {
	case fault.Transfer:
		c.applyTransfer(e)
	case fault.Crash: // by ID: fire resolved any role (roles.go)
		id := uint64(e.Node)
		effect := fmt.Sprintf("crashed %d", id)
		if h := c.host(id); h.alive && h.state == raft.Leader {
			effect += ", the leader"
		}
		if c.crash(e, id) {
			c.timeline.add(c.loop.Now(), e, nil, []uint64{id}, effect)
		} else {
			c.timeline.add(c.loop.Now(), e, nil, nil, fmt.Sprintf("no effect: node %d was down", id))
		}
	case fault.Add, fault.Remove, fault.Replace:
		c.members.enqueue(e)
	case fault.Filter:
		c.applyFilter(e)
	case fault.Pause, fault.DiskStall, fault.DiskSlow:
		c.applyGray(e)
	case fault.Restart:
		id := uint64(e.Node)
		c.trace.fault(e, id)
		h := c.host(id)
		if !h.created || h.retired {
			c.timeline.add(c.loop.Now(), e, nil, nil, fmt.Sprintf("no effect: node %d is not provisioned (not yet added, or removed)", id))
			return
		}
		if h.alive {
			c.timeline.add(c.loop.Now(), e, nil, nil, fmt.Sprintf("no effect: node %d was up", id))
			return
		}
		c.timeline.add(c.loop.Now(), e, nil, []uint64{id}, fmt.Sprintf("restarted %d", id))
		if err := h.start(); err != nil {
			c.err = fmt.Errorf("cluster: restart node %d: %w", e.Node, err)
			c.loop.Stop()
		}
	case fault.Repair:
		c.applyRepair(e)
	default:
		c.trace.fault(e, uint64(e.Node)) // the isolated node; 0 for the other kinds, which name none
		cut, restored, hit := c.changeEdges(func() {
			switch e.Kind {
			case fault.Cut:
				c.graph.Cut(e.Edges...)
			case fault.Restore:
				c.graph.Restore(e.Edges...)
			case fault.Partition:
				c.graph.Partition(e.Groups...)
			case fault.Isolate:
				c.graph.Isolate(e.Node)
			case fault.Heal:
				c.graph.HealAll()
			}
		})
		c.timeline.add(c.loop.Now(), e, nil, hit, edgeEffect(cut, restored, hit))
		c.statusChanged()
	}
}

// changeEdges changes the graph's cuts by mutate, and starts a new connection on every edge that was
// cut or restored. It returns those edges, sorted, and the nodes at their ends, in ID order.
func (c *Cluster) changeEdges(mutate func()) (cut, restored []topology.Edge, hit []uint64) {
	before := c.graph.Cuts()
	mutate()
	cut, restored = edgeChanges(before, c.graph.Cuts())
	var touched []bool // by node ID
	for _, changed := range [][]topology.Edge{cut, restored} {
		for _, ed := range changed {
			c.net.ResetLink(uint64(ed.From), uint64(ed.To))
			if touched == nil {
				touched = make([]bool, c.nodes+1)
			}
			touched[ed.From], touched[ed.To] = true, true
		}
	}
	for id, t := range touched {
		if t {
			hit = append(hit, uint64(id))
		}
	}
	return cut, restored, hit
}

// edgeEffect says what a change of the cuts did, for the timeline.
func edgeEffect(cut, restored []topology.Edge, hit []uint64) string {
	switch {
	case len(cut) > 0 && len(restored) > 0:
		return fmt.Sprintf("cut %d and restored %s, of nodes %s", len(cut), edges(len(restored)), nodeList(hit))
	case len(cut) > 0:
		return fmt.Sprintf("cut %s, of nodes %s", edges(len(cut)), nodeList(hit))
	case len(restored) > 0:
		return fmt.Sprintf("restored %s, of nodes %s", edges(len(restored)), nodeList(hit))
	}
	return "no effect: no edge changed"
}

// edgeChanges compares two sorted lists of cut edges: cut holds the edges cut in after only, restored
// those cut in before only; both sorted.
func edgeChanges(before, after []topology.Edge) (cut, restored []topology.Edge) {
	i, j := 0, 0
	less := func(x, y topology.Edge) bool { return x.From < y.From || x.From == y.From && x.To < y.To }
	for i < len(before) || j < len(after) {
		switch {
		case j == len(after) || i < len(before) && less(before[i], after[j]):
			restored = append(restored, before[i])
			i++
		case i == len(before) || less(after[j], before[i]):
			cut = append(cut, after[j])
			j++
		default:
			i, j = i+1, j+1
		}
	}
	return cut, restored
}

// crash crashes node id, if it is up, and reports whether it was.
func (c *Cluster) crash(e *fault.Event, id uint64) bool {
	c.trace.fault(e, id)
	if id == 0 || !c.host(id).alive {
		return false
	}
	if c.host(id).state == raft.Leader {
		c.roles.crashedLeader = id
	}
	c.metrics.crashed(c, id)
	c.host(id).crash()
	return true
}

// currentLeader returns the live leader of the highest term, or 0. The answer does not depend on the
// order of the loop: two live leaders of one term would break Election Safety (the checker's first
// property), so the highest term names one node; the ID order only settles that impossible tie.
func (c *Cluster) currentLeader() uint64 {
	var id, term uint64
	for _, h := range c.hosts {
		if h.alive && h.state == raft.Leader && h.term >= term {
			id, term = h.id, h.term
		}
	}
	return id
}

// statusChanged re-evaluates the cluster-wide measures after a change of role, term, leader, liveness
// or connectivity.
func (c *Cluster) statusChanged() {
	c.metrics.status(c)
	if c.repair.done && c.metrics.up {
		c.repair.liveLeader(c.loop.Now())
		c.stopIfLive()
	}
}

// workingLeader returns the leader that holds a working majority, or 0: a live leader such that a
// majority of the voters of its configuration, itself included if it is one, are alive, in its term,
// following it, and able to exchange messages with it. A paused process (gray.go) counts as down: it
// handles nothing while the pause lasts, though its peers cannot tell yet. At most one leader can: with one change at a
// time, the majorities of the configurations in use overlap, and a node has one term and follows one
// leader. So the first found in ID order is the only one.
func (c *Cluster) workingLeader() uint64 {
	for _, l := range c.hosts {
		if !l.alive || l.paused || l.state != raft.Leader {
			continue
		}
		cs := l.node.Conf()
		n := 0
		for _, f := range c.hosts {
			if !cs.IsVoter(f.id) {
				continue
			}
			if f == l {
				n++
				continue
			}
			if f.alive && !f.paused && f.term == l.term && f.lead == l.id && c.net.Reachable(l.id, f.id) && c.net.Reachable(f.id, l.id) {
				n++
			}
		}
		if n >= cs.Quorum() {
			return l.id
		}
	}
	return 0
}
